"""/users: one's own profile, administration, deletion and the counts it leaves behind."""

from __future__ import annotations

from tests.backend.helpers import assert_problem, publish

API = "/api/v1"
PRIVATE = {"email", "notify_by_email", "active"}


def rate(client, account, poem_id, score, comment=""):
    reply = client.post(
        f"{API}/poems/{poem_id}/ratings",
        json={"score": score, "comment": comment},
        headers=account.headers,
    )
    assert reply.status_code == 201, reply.json
    return reply.json


def login(client, email, password):
    return client.post(f"{API}/auth/login", json={"email": email, "password": password})


# ---- /users/me -----------------------------------------------------------------------------


def test_me_is_the_private_user_with_counts(client, poet, reader):
    poem = publish(client, poet)
    rate(client, reader, poem["id"], 4)
    me = client.get(f"{API}/users/me", headers=poet.headers)
    assert me.status_code == 200
    assert me.json["id"] == poet.id
    assert PRIVATE <= set(me.json)
    assert me.json["poem_count"] == 1 and me.json["rating_count"] == 0
    them = client.get(f"{API}/users/me", headers=reader.headers).json
    assert them["poem_count"] == 0 and them["rating_count"] == 1


def test_me_without_a_token_is_401(client):
    assert_problem(client.get(f"{API}/users/me"), 401)


def test_patch_me_changes_the_named_fields(client, poet):
    reply = client.patch(
        f"{API}/users/me",
        json={"name": "  Gabriela  ", "bio": "  de Elqui \n", "notify_by_email": False},
        headers=poet.headers,
    )
    assert reply.status_code == 200, reply.json
    assert reply.json["name"] == "Gabriela"
    assert reply.json["bio"] == "  de Elqui \n"
    assert reply.json["notify_by_email"] is False
    assert client.get(f"{API}/users/me", headers=poet.headers).json == reply.json


CASES_PATCH_ME_CANNOT_SET_PROTECTED_FIELDS = [
    ("role", "admin"),
    ("active", False),
    ("id", 1),
    ("password_hash", "x"),
    ("created_at", ""),
]


def test_patch_me_cannot_set_protected_fields(client, poet, subtests):
    for field, value in CASES_PATCH_ME_CANNOT_SET_PROTECTED_FIELDS:
        with subtests.test(msg=repr((field, value))[:80]):
            before = client.get(f"{API}/users/me", headers=poet.headers).json
            reply = client.patch(
                f"{API}/users/me", json={"name": "Changed", field: value}, headers=poet.headers
            )
            body = assert_problem(reply, 422)
            assert field in body["errors"]
            assert (
                client.get(f"{API}/users/me", headers=poet.headers).json == before
            )  # nothing written


CASES_PATCH_ME_VALIDATES_EACH_FIELD = [
    ({"name": ""}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"bio": "x" * 2001}, "bio"),
    ({"notify_by_email": "yes"}, "notify_by_email"),
    ({"notify_by_email": 1}, "notify_by_email"),
    ({"name": None}, "name"),
    ({"email": "nope"}, "email"),
]


def test_patch_me_validates_each_field(client, poet, subtests):
    for body, field in CASES_PATCH_ME_VALIDATES_EACH_FIELD:
        with subtests.test(msg=repr((body, field))[:80]):
            assert (
                field
                in assert_problem(
                    client.patch(f"{API}/users/me", json=body, headers=poet.headers), 422
                )["errors"]
            )


def test_changing_the_password_needs_the_current_one(client, poet):
    missing = client.patch(
        f"{API}/users/me", json={"password": "new password"}, headers=poet.headers
    )
    assert "current_password" in assert_problem(missing, 422)["errors"]
    wrong = client.patch(
        f"{API}/users/me",
        json={"password": "new password", "current_password": "wrong one"},
        headers=poet.headers,
    )
    assert_problem(wrong, 403)
    assert login(client, poet.email, poet.password).status_code == 200
    right = client.patch(
        f"{API}/users/me",
        json={"password": "new password", "current_password": poet.password},
        headers=poet.headers,
    )
    assert right.status_code == 200
    assert login(client, poet.email, "new password").status_code == 200
    assert login(client, poet.email, poet.password).status_code == 401


def test_a_too_short_new_password_is_422(client, poet):
    reply = client.patch(
        f"{API}/users/me",
        json={"password": "short", "current_password": poet.password},
        headers=poet.headers,
    )
    assert "password" in assert_problem(reply, 422)["errors"]


def test_changing_the_email_needs_the_current_password(client, poet):
    missing = client.patch(
        f"{API}/users/me", json={"email": "new@example.org"}, headers=poet.headers
    )
    assert "current_password" in assert_problem(missing, 422)["errors"]
    wrong = client.patch(
        f"{API}/users/me",
        json={"email": "new@example.org", "current_password": "wrong one"},
        headers=poet.headers,
    )
    assert_problem(wrong, 403)
    right = client.patch(
        f"{API}/users/me",
        json={"email": "New@Example.org", "current_password": poet.password},
        headers=poet.headers,
    )
    assert right.status_code == 200
    assert right.json["email"] == "new@example.org"
    assert login(client, "new@example.org", poet.password).status_code == 200


def test_the_same_email_in_another_case_is_no_change(client, poet):
    reply = client.patch(
        f"{API}/users/me", json={"email": poet.email.upper()}, headers=poet.headers
    )
    assert reply.status_code == 200
    assert reply.json["email"] == poet.email


def test_changing_the_email_to_a_taken_one_is_409(client, poet, reader):
    reply = client.patch(
        f"{API}/users/me",
        json={"email": reader.email.upper(), "current_password": poet.password},
        headers=poet.headers,
    )
    assert "email" in assert_problem(reply, 409)["errors"]


def test_my_ratings_newest_first(client, poet, reader):
    first = publish(client, poet, title="One")
    second = publish(client, poet, title="Two")
    rate(client, reader, first["id"], 3)
    rate(client, reader, second["id"], 5)
    reply = client.get(f"{API}/users/me/ratings", headers=reader.headers)
    assert reply.status_code == 200
    assert [r["poem"]["title"] for r in reply.json["items"]] == ["Two", "One"]
    assert reply.json["total"] == 2
    assert client.get(f"{API}/users/me/ratings", headers=poet.headers).json["items"] == []
    assert_problem(client.get(f"{API}/users/me/ratings"), 401)


# ---- /users (admin) ------------------------------------------------------------------------


def test_the_user_list_is_for_admins(client, admin, poet, reader):
    assert_problem(client.get(f"{API}/users", headers=poet.headers), 403)
    assert_problem(client.get(f"{API}/users"), 401)
    reply = client.get(f"{API}/users", headers=admin.headers)
    assert reply.status_code == 200
    assert reply.json["total"] == 3
    assert all(PRIVATE <= set(user) for user in reply.json["items"])


def test_the_user_list_filters_and_sorts(client, accounts, admin):
    zoe = accounts.make("poet", name="Zoe Valdés", email="zoe@cuba.example")
    amado = accounts.make("reader", name="Amado Nervo", email="amado@mexico.example")
    bea = accounts.make("poet", name="Bea Zoeller", email="bea@example.org")
    publish(client, zoe, title="1")
    publish(client, zoe, title="2")
    p = publish(client, bea, title="3")
    rate(client, amado, p["id"], 5)

    def names(**params):
        reply = client.get(f"{API}/users", query_string=params, headers=admin.headers)
        assert reply.status_code == 200, reply.json
        return [u["name"] for u in reply.json["items"]]

    assert names(q="zoe") == ["Bea Zoeller", "Zoe Valdés"]
    assert names(q="MEXICO") == ["Amado Nervo"]
    assert names(role="reader") == ["Amado Nervo"]
    assert names(role="poet", sort="-name") == ["Zoe Valdés", "Bea Zoeller"]
    assert names(sort="name") == ["Ada Admin", "Amado Nervo", "Bea Zoeller", "Zoe Valdés"]
    assert names(sort="-poem_count")[:2] == ["Zoe Valdés", "Bea Zoeller"]
    assert names(sort="poem_count")[-1] == "Zoe Valdés"
    assert names(sort="-rating_count")[0] == "Amado Nervo"
    assert names(sort="rating_count")[-1] == "Amado Nervo"
    assert names(sort="created_at") == ["Ada Admin", "Zoe Valdés", "Amado Nervo", "Bea Zoeller"]
    assert names(sort="-created_at") == ["Bea Zoeller", "Amado Nervo", "Zoe Valdés", "Ada Admin"]
    counts = {
        u["name"]: (u["poem_count"], u["rating_count"])
        for u in client.get(f"{API}/users", headers=admin.headers).json["items"]
    }
    assert counts["Zoe Valdés"] == (2, 0) and counts["Amado Nervo"] == (0, 1)
    paged = client.get(
        f"{API}/users", query_string={"per_page": 3, "page": 2}, headers=admin.headers
    )
    assert paged.json["pages"] == 2 and len(paged.json["items"]) == 1


CASES_THE_USER_LIST_REJECTS_BAD_PARAMETERS = [
    {"sort": "email"},
    {"role": "king"},
    {"per_page": 0},
    {"page": 0},
    {"per_page": 101},
]


def test_the_user_list_rejects_bad_parameters(client, admin, subtests):
    for params in CASES_THE_USER_LIST_REJECTS_BAD_PARAMETERS:
        with subtests.test(msg=repr(params)[:80]):
            reply = client.get(f"{API}/users", query_string=params, headers=admin.headers)
            assert set(params) <= set(assert_problem(reply, 422)["errors"])


def test_a_user_is_public_for_others_and_private_for_self_and_admins(client, admin, poet, reader):
    public = client.get(f"{API}/users/{poet.id}")
    assert public.status_code == 200
    assert not PRIVATE & set(public.json)
    assert {"id", "name", "role", "bio", "created_at", "poem_count", "rating_count"} <= set(
        public.json
    )
    assert not PRIVATE & set(client.get(f"{API}/users/{poet.id}", headers=reader.headers).json)
    assert PRIVATE <= set(client.get(f"{API}/users/{poet.id}", headers=poet.headers).json)
    assert PRIVATE <= set(client.get(f"{API}/users/{poet.id}", headers=admin.headers).json)
    assert_problem(client.get(f"{API}/users/999999"), 404)


def test_an_admin_changes_name_role_and_active(client, admin, poet):
    reply = client.patch(
        f"{API}/users/{poet.id}",
        json={"name": " Renamed ", "role": "reader", "active": False},
        headers=admin.headers,
    )
    assert reply.status_code == 200, reply.json
    assert (reply.json["name"], reply.json["role"], reply.json["active"]) == (
        "Renamed",
        "reader",
        False,
    )
    assert client.get(f"{API}/users/{poet.id}", headers=admin.headers).json == reply.json


def test_only_an_admin_patches_a_user(client, poet, reader):
    assert_problem(
        client.patch(f"{API}/users/{poet.id}", json={"role": "admin"}, headers=poet.headers), 403
    )
    assert_problem(
        client.patch(f"{API}/users/{reader.id}", json={"role": "poet"}, headers=poet.headers), 403
    )
    assert_problem(client.patch(f"{API}/users/{poet.id}", json={"role": "admin"}), 401)
    assert client.get(f"{API}/users/me", headers=poet.headers).json["role"] == "poet"


CASES_ADMIN_PATCH_VALIDATES_BY_FIELD = [
    ({"role": "king"}, "role"),
    ({"active": "false"}, "active"),
    ({"email": "x@example.org"}, "email"),
    ({"password": "a new password"}, "password"),
    ({"id": 5}, "id"),
]


def test_admin_patch_validates_by_field(client, admin, poet, subtests):
    for body, field in CASES_ADMIN_PATCH_VALIDATES_BY_FIELD:
        with subtests.test(msg=repr((body, field))[:80]):
            reply = client.patch(f"{API}/users/{poet.id}", json=body, headers=admin.headers)
            assert field in assert_problem(reply, 422)["errors"]


def test_admin_patch_of_a_missing_user_is_404(client, admin):
    assert_problem(
        client.patch(f"{API}/users/999999", json={"name": "x"}, headers=admin.headers), 404
    )


def test_the_last_admin_cannot_be_demoted_or_disabled(client, accounts, admin):
    for body in ({"role": "poet"}, {"active": False}):
        reply = client.patch(f"{API}/users/{admin.id}", json=body, headers=admin.headers)
        assert_problem(reply, 409)
    assert client.get(f"{API}/users/me", headers=admin.headers).json["role"] == "admin"
    second = accounts.make("admin")
    reply = client.patch(f"{API}/users/{admin.id}", json={"role": "poet"}, headers=second.headers)
    assert reply.status_code == 200
    assert_problem(
        client.patch(f"{API}/users/{second.id}", json={"role": "poet"}, headers=second.headers), 409
    )


def test_a_disabled_admin_does_not_count_as_the_other_admin(client, accounts, admin):
    accounts.make("admin", active=False)
    assert_problem(
        client.patch(f"{API}/users/{admin.id}", json={"role": "poet"}, headers=admin.headers), 409
    )


# ---- DELETE /users/{id} --------------------------------------------------------------------


def test_a_user_deletes_themself_with_their_poems_and_ratings(client, accounts, poet, reader):
    other = accounts.make("poet")
    own = publish(client, poet, title="Mine")
    theirs = publish(client, other, title="Theirs")
    rate(client, poet, theirs["id"], 1)
    rate(client, reader, theirs["id"], 5)
    rate(client, reader, own["id"], 4)
    assert client.get(f"{API}/poems/{theirs['id']}").json["rating_count"] == 2
    assert client.get(f"{API}/poems").json["total"] == 2

    assert client.delete(f"{API}/users/{poet.id}", headers=poet.headers).status_code == 204
    assert client.get(f"{API}/poems").json["total"] == 1  # no total kept from before

    assert_problem(client.get(f"{API}/users/{poet.id}"), 404)
    assert_problem(client.get(f"{API}/poems/{own['id']}"), 404)
    after = client.get(f"{API}/poems/{theirs['id']}").json
    assert after["rating_count"] == 1
    assert after["rating_avg"] == 5
    assert client.get(f"{API}/ratings", query_string={"user_id": poet.id}).json["total"] == 0
    mine = client.get(f"{API}/users/me", headers=reader.headers).json
    assert mine["rating_count"] == 1  # the rating of the deleted poem went with it
    listed = client.get(f"{API}/poems").json["items"]
    assert [(p["title"], p["rating_count"], p["rating_avg"]) for p in listed] == [("Theirs", 1, 5)]


def test_deleting_the_only_rater_leaves_the_poem_unrated(client, admin, poet, reader):
    poem = publish(client, poet)
    rate(client, reader, poem["id"], 2)
    assert client.delete(f"{API}/users/{reader.id}", headers=admin.headers).status_code == 204
    after = client.get(f"{API}/poems/{poem['id']}").json
    assert (after["rating_count"], after["rating_avg"]) == (0, None)
    assert client.get(f"{API}/poems", query_string={"min_score": 1}).json["total"] == 0


def test_only_the_user_or_an_admin_deletes_an_account(client, poet, reader):
    assert_problem(client.delete(f"{API}/users/{reader.id}", headers=poet.headers), 403)
    assert_problem(client.delete(f"{API}/users/{reader.id}"), 401)
    assert client.get(f"{API}/users/{reader.id}").status_code == 200


def test_the_last_admin_cannot_be_deleted(client, admin):
    assert_problem(client.delete(f"{API}/users/{admin.id}", headers=admin.headers), 409)
    assert client.get(f"{API}/users/me", headers=admin.headers).status_code == 200


def test_deleting_a_missing_user_is_404(client, admin):
    assert_problem(client.delete(f"{API}/users/999999", headers=admin.headers), 404)


def test_a_deleted_users_notifications_go_too(client, admin, poet, reader):
    poem = publish(client, poet)
    rate(client, reader, poem["id"], 3)
    assert client.delete(f"{API}/users/{poet.id}", headers=admin.headers).status_code == 204
    from backend.extensions import db
    from backend.models import Notification

    with client.application.app_context():
        assert db.session.query(Notification).count() == 0
