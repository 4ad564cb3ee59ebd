"""/ratings and /poems/{id}/ratings: one per reader per poem, counts kept on the poem."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import Notification, OutboxMessage, Rating
from tests.backend.helpers import assert_problem, publish

API = "/api/v1"


def rate(client, account, poem_id, score, comment="", **headers):
    return client.post(
        f"{API}/poems/{poem_id}/ratings",
        json={"score": score, "comment": comment},
        headers={**account.headers, **headers},
    )


def poem_counts(client, poem_id):
    poem = client.get(f"{API}/poems/{poem_id}").json
    listed = next(p for p in client.get(f"{API}/poems").json["items"] if p["id"] == poem_id)
    assert (listed["rating_count"], listed["rating_avg"]) == (
        poem["rating_count"],
        poem["rating_avg"],
    )
    return poem["rating_count"], poem["rating_avg"]


def rows(app, model):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def poem(client, poet):
    return publish(client, poet, title="Oda al mar")


# ---- POST /poems/{id}/ratings --------------------------------------------------------------


def test_rate_a_poem(client, poem, reader):
    reply = rate(client, reader, poem["id"], 4, "Precioso ✨")
    assert reply.status_code == 201, reply.json
    rating = reply.json
    assert reply.headers["Location"] == f"/api/v1/ratings/{rating['id']}"
    assert rating["poem"] == {"id": poem["id"], "title": "Oda al mar"}
    assert rating["user"] == {"id": reader.id, "name": "Rita Reader"}
    assert (rating["score"], rating["comment"]) == (4, "Precioso ✨")
    assert rating["created_at"].endswith("Z") and rating["updated_at"].endswith("Z")
    assert client.get(f"{API}/ratings/{rating['id']}").json == rating


def test_a_comment_is_optional(client, poem, reader):
    reply = client.post(
        f"{API}/poems/{poem['id']}/ratings", json={"score": 3}, headers=reader.headers
    )
    assert reply.status_code == 201 and reply.json["comment"] == ""


def test_poets_and_admins_rate_too(client, poem, accounts, admin):
    assert rate(client, accounts.make("poet"), poem["id"], 5).status_code == 201
    assert rate(client, admin, poem["id"], 5).status_code == 201


def test_rating_ones_own_poem_is_403(client, poem, poet, app):
    assert_problem(rate(client, poet, poem["id"], 5), 403)
    assert rows(app, Rating) == 0
    assert poem_counts(client, poem["id"]) == (0, None)


def test_rating_twice_is_409_with_the_first_ratings_id(client, poem, reader, app):
    first = rate(client, reader, poem["id"], 4).json
    body = assert_problem(rate(client, reader, poem["id"], 1), 409)
    assert body["rating_id"] == first["id"]
    assert rows(app, Rating) == 1
    assert poem_counts(client, poem["id"]) == (1, 4)


def test_rating_needs_a_token(client, poem):
    assert_problem(client.post(f"{API}/poems/{poem['id']}/ratings", json={"score": 3}), 401)


def test_rating_a_missing_poem_is_404(client, reader):
    assert_problem(rate(client, reader, 999999, 3), 404)


CASES_A_SCORE_MUST_BE_AN_INTEGER_1_TO_5 = [0, 6, -1, "5", 5.5, 5.0, None, True, [5]]


def test_a_score_must_be_an_integer_1_to_5(client, poem, reader, app, subtests):
    for score in CASES_A_SCORE_MUST_BE_AN_INTEGER_1_TO_5:
        with subtests.test(msg=repr(score)[:80]):
            body = assert_problem(rate(client, reader, poem["id"], score), 422)
            assert "score" in body["errors"]
            assert rows(app, Rating) == 0


CASES_RATING_FIELDS_ARE_CHECKED_BY_NAME = [
    ({"score": 3, "comment": "x" * 2001}, "comment"),
    ({"score": 3, "comment": 7}, "comment"),
    ({"comment": "no score"}, "score"),
    ({"score": 3, "user_id": 1}, "user_id"),
    ({"score": 3, "poem_id": 2}, "poem_id"),
]


def test_rating_fields_are_checked_by_name(client, poem, reader, subtests):
    for body, field in CASES_RATING_FIELDS_ARE_CHECKED_BY_NAME:
        with subtests.test(msg=repr((body, field))[:80]):
            reply = client.post(
                f"{API}/poems/{poem['id']}/ratings", json=body, headers=reader.headers
            )
            assert field in assert_problem(reply, 422)["errors"]


def test_a_comment_of_2000_characters_is_fine(client, poem, reader):
    reply = rate(client, reader, poem["id"], 3, "ñ" * 2000)
    assert reply.status_code == 201 and reply.json["comment"] == "ñ" * 2000


# ---- counts on the poem --------------------------------------------------------------------


def test_counts_and_average_follow_every_change(client, poem, accounts, admin):
    a, b, c = (accounts.make("reader") for _ in range(3))
    assert poem_counts(client, poem["id"]) == (0, None)
    ra = rate(client, a, poem["id"], 5).json
    assert poem_counts(client, poem["id"]) == (1, 5)
    rate(client, b, poem["id"], 4)
    rc = rate(client, c, poem["id"], 2).json
    assert poem_counts(client, poem["id"]) == (3, 3.67)
    patched = client.patch(f"{API}/ratings/{rc['id']}", json={"score": 3}, headers=c.headers)
    assert patched.status_code == 200
    assert poem_counts(client, poem["id"]) == (3, 4)
    assert client.delete(f"{API}/ratings/{ra['id']}", headers=a.headers).status_code == 204
    assert poem_counts(client, poem["id"]) == (2, 3.5)
    assert client.delete(f"{API}/ratings/{rc['id']}", headers=admin.headers).status_code == 204
    assert poem_counts(client, poem["id"]) == (1, 4)


# ---- PATCH and DELETE /ratings/{id} --------------------------------------------------------


def test_only_the_rater_changes_a_rating(client, poem, reader, poet, admin, accounts):
    rating = rate(client, reader, poem["id"], 2, "meh").json
    for account in (poet, admin, accounts.make("reader")):
        reply = client.patch(
            f"{API}/ratings/{rating['id']}", json={"score": 5}, headers=account.headers
        )
        assert_problem(reply, 403)
    assert_problem(client.patch(f"{API}/ratings/{rating['id']}", json={"score": 5}), 401)
    reply = client.patch(
        f"{API}/ratings/{rating['id']}",
        json={"comment": "better on reading again"},
        headers=reader.headers,
    )
    assert reply.status_code == 200
    assert (reply.json["score"], reply.json["comment"]) == (2, "better on reading again")
    assert reply.json == client.get(f"{API}/ratings/{rating['id']}").json


CASES_RATING_PATCH_IS_CHECKED_BY_NAME = [
    ({"score": 0}, "score"),
    ({"score": "4"}, "score"),
    ({"score": 4.5}, "score"),
    ({"comment": "x" * 2001}, "comment"),
    ({"user_id": 1}, "user_id"),
    ({"poem_id": 1}, "poem_id"),
]


def test_rating_patch_is_checked_by_name(client, poem, reader, subtests):
    rating = rate(client, reader, poem["id"], 2).json
    for body, field in CASES_RATING_PATCH_IS_CHECKED_BY_NAME:
        with subtests.test(msg=repr((body, field))[:80]):
            reply = client.patch(f"{API}/ratings/{rating['id']}", json=body, headers=reader.headers)
            assert field in assert_problem(reply, 422)["errors"]
            assert client.get(f"{API}/ratings/{rating['id']}").json["score"] == 2


def test_the_rater_or_an_admin_deletes_a_rating(client, poem, reader, poet, admin, accounts):
    first = rate(client, reader, poem["id"], 2).json
    second = rate(client, accounts.make("reader"), poem["id"], 4).json
    assert_problem(client.delete(f"{API}/ratings/{first['id']}", headers=poet.headers), 403)
    assert client.delete(f"{API}/ratings/{first['id']}", headers=reader.headers).status_code == 204
    assert client.delete(f"{API}/ratings/{second['id']}", headers=admin.headers).status_code == 204
    assert_problem(client.get(f"{API}/ratings/{first['id']}"), 404)
    assert_problem(client.delete(f"{API}/ratings/{first['id']}", headers=reader.headers), 404)
    # Deleting one's rating allows rating again.
    assert rate(client, reader, poem["id"], 5).status_code == 201


def test_a_missing_rating_is_404(client, reader):
    assert_problem(client.get(f"{API}/ratings/999999"), 404)
    assert_problem(
        client.patch(f"{API}/ratings/999999", json={"score": 1}, headers=reader.headers), 404
    )


# ---- lists ---------------------------------------------------------------------------------


@pytest.fixture
def rated(client, accounts, poet):
    one = publish(client, poet, title="One")
    two = publish(client, poet, title="Two")
    a = accounts.make("reader", name="Alba")
    b = accounts.make("reader", name="Bruno")
    made = [
        rate(client, a, one["id"], 3).json,
        rate(client, b, one["id"], 5).json,
        rate(client, a, two["id"], 1).json,
    ]
    return {"one": one, "two": two, "a": a, "b": b, "ratings": made}


def ids(reply):
    assert reply.status_code == 200, reply.json
    return [r["id"] for r in reply.json["items"]]


def test_a_poems_ratings_and_their_sorts(client, rated):
    r1, r2, _ = rated["ratings"]
    url = f"{API}/poems/{rated['one']['id']}/ratings"
    assert ids(client.get(url)) == [r2["id"], r1["id"]]
    assert ids(client.get(url, query_string={"sort": "created_at"})) == [r1["id"], r2["id"]]
    assert ids(client.get(url, query_string={"sort": "-score"})) == [r2["id"], r1["id"]]
    assert ids(client.get(url, query_string={"sort": "score"})) == [r1["id"], r2["id"]]
    assert client.get(url).json["total"] == 2
    assert_problem(client.get(url, query_string={"sort": "comment"}), 422)
    assert_problem(client.get(f"{API}/poems/999999/ratings"), 404)


def test_all_ratings_filtered_by_user_and_poem(client, rated):
    r1, r2, r3 = rated["ratings"]
    assert ids(client.get(f"{API}/ratings")) == [r3["id"], r2["id"], r1["id"]]
    assert ids(client.get(f"{API}/ratings", query_string={"user_id": rated["a"].id})) == [
        r3["id"],
        r1["id"],
    ]
    assert ids(client.get(f"{API}/ratings", query_string={"poem_id": rated["two"]["id"]})) == [
        r3["id"]
    ]
    both = {"poem_id": rated["one"]["id"], "user_id": rated["b"].id}
    assert ids(client.get(f"{API}/ratings", query_string=both)) == [r2["id"]]
    assert ids(client.get(f"{API}/ratings", query_string={"user_id": 999999})) == []
    assert ids(client.get(f"{API}/ratings", query_string={"sort": "score", "per_page": 1})) == [
        r3["id"]
    ]


CASES_BAD_RATING_LIST_PARAMETERS_ARE_422 = [
    {"user_id": "x"},
    {"poem_id": 0},
    {"per_page": 101},
    {"sort": "-user"},
]


def test_bad_rating_list_parameters_are_422(client, subtests):
    for params in CASES_BAD_RATING_LIST_PARAMETERS_ARE_422:
        with subtests.test(msg=repr(params)[:80]):
            assert set(params) <= set(
                assert_problem(client.get(f"{API}/ratings", query_string=params), 422)["errors"]
            )


def test_rating_lists_run_a_fixed_number_of_statements(client, accounts, count_queries):
    poet = accounts.make("poet")
    poems = [publish(client, poet, title=f"P{n}")["id"] for n in range(12)]
    readers = [accounts.make("reader") for _ in range(2)]
    for reader in readers:
        for poem_id in poems:
            rate(client, reader, poem_id, 3)
    counts = []
    for per_page in (2, 20):
        with count_queries() as q:
            reply = client.get(f"{API}/ratings", query_string={"per_page": per_page})
        assert len(reply.json["items"]) == per_page
        counts.append(len(q.statements))
    assert counts[0] == counts[1] <= 3


# ---- notifications and email ---------------------------------------------------------------


def test_a_rating_notifies_the_poems_author(client, poem, poet, reader):
    rating = rate(client, reader, poem["id"], 4, "¡Bravo!").json
    notes = client.get(f"{API}/notifications", headers=poet.headers).json["items"]
    assert len(notes) == 1
    note = notes[0]
    assert note["kind"] == "rating" and note["read"] is False
    assert note["data"] == {
        "poem_id": poem["id"],
        "poem_title": "Oda al mar",
        "rating_id": rating["id"],
        "score": 4,
        "rater_name": "Rita Reader",
    }
    assert client.get(f"{API}/notifications", headers=reader.headers).json["items"] == []


def test_no_email_without_smtp(client, app, poem, reader):
    rate(client, reader, poem["id"], 4)
    assert rows(app, OutboxMessage) == 0
    assert rows(app, Notification) == 1


def test_an_email_is_queued_with_smtp_when_the_author_wants_it(app_factory, accounts, client):
    poet = accounts.make("poet", name="Ana <b>Poet</b>")
    quiet = accounts.make("poet", notify_by_email=False)
    reader = accounts.make("reader", name="Rita <script>")
    mailing = app_factory(MAIL_ENABLED=True)
    mail_client = mailing.test_client()
    loud_poem = publish(client, poet, title="Oda <al> mar")
    quiet_poem = publish(client, quiet)
    assert rate(mail_client, reader, loud_poem["id"], 5, "<i>hermoso</i>").status_code == 201
    assert rate(mail_client, reader, quiet_poem["id"], 5).status_code == 201
    with mailing.app_context():
        messages = db.session.execute(select(OutboxMessage)).scalars().all()
        assert len(messages) == 1
        message = messages[0]
        assert message.recipient == poet.email
        assert "Oda <al> mar" in message.subject
        assert "<i>hermoso</i>" in message.body_text
        assert "<i>hermoso</i>" not in message.body_html
        assert "&lt;i&gt;hermoso&lt;/i&gt;" in message.body_html
        assert "<script>" not in message.body_html
        assert message.status == "pending"
    assert len(client.get(f"{API}/notifications", headers=quiet.headers).json["items"]) == 1


def test_a_failed_rating_leaves_no_notification_or_email(app_factory, accounts, client):
    poet = accounts.make("poet")
    mailing = app_factory(MAIL_ENABLED=True)
    poem = publish(client, poet)
    assert rate(mailing.test_client(), poet, poem["id"], 5).status_code == 403
    with mailing.app_context():
        assert db.session.execute(select(func.count(Notification.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 0


# ---- Idempotency-Key -----------------------------------------------------------------------


def test_a_replayed_rating_returns_the_first_answer_and_creates_nothing(
    client, app, poem, poet, reader
):
    key = {"Idempotency-Key": "rate-once"}
    first = rate(client, reader, poem["id"], 4, "first", **key)
    again = rate(client, reader, poem["id"], 4, "first", **key)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert rows(app, Rating) == 1
    assert rows(app, Notification) == 1
    assert poem_counts(client, poem["id"]) == (1, 4)
    # Without the key, the repeat is a duplicate.
    assert assert_problem(rate(client, reader, poem["id"], 4), 409)["rating_id"] == first.json["id"]


def test_a_key_used_on_another_path_is_422(client, accounts, reader, poet):
    one = publish(client, poet, title="One")
    two = publish(client, poet, title="Two")
    key = {"Idempotency-Key": "reused"}
    assert rate(client, reader, one["id"], 4, **key).status_code == 201
    reply = rate(client, reader, two["id"], 4, **key)
    assert "Idempotency-Key" in assert_problem(reply, 422)["errors"]


def test_concurrent_ratings_keep_the_counts_right(app, client, accounts, poem):
    """Ratings of one poem committed at the same time: none fails, none is lost."""
    import threading

    raters = [accounts.make("reader") for _ in range(8)]
    start = threading.Barrier(len(raters))
    statuses: list[int] = []

    def rate_at_once(account, score):
        own = app.test_client()
        start.wait()
        statuses.append(rate(own, account, poem["id"], score).status_code)

    threads = [
        threading.Thread(target=rate_at_once, args=(account, n % 5 + 1))
        for n, account in enumerate(raters)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * len(raters)
    scores = [n % 5 + 1 for n in range(len(raters))]
    assert poem_counts(client, poem["id"]) == (len(scores), round(sum(scores) / len(scores), 2))
