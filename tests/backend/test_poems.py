"""/poems: publishing, the list's filters and sorts, changes with If-Match, deletion."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import insert, update

from backend.extensions import db
from backend.models import Poem
from tests.backend.helpers import assert_problem

API = "/api/v1"
SUMMARY = {
    "id",
    "title",
    "author",
    "created_at",
    "updated_at",
    "rating_count",
    "rating_avg",
    "excerpt",
}


def publish(client, account, title="A poem", body="a line\n", **headers):
    reply = client.post(
        f"{API}/poems", json={"title": title, "body": body}, headers={**account.headers, **headers}
    )
    assert reply.status_code == 201, reply.json
    return reply.json


def rate(client, account, poem_id, score):
    reply = client.post(
        f"{API}/poems/{poem_id}/ratings", json={"score": score}, headers=account.headers
    )
    assert reply.status_code == 201, reply.json
    return reply.json


def set_created(app, poem_id, when):
    with app.app_context():
        db.session.execute(update(Poem).where(Poem.id == poem_id).values(created_at=when))
        db.session.commit()


def titles(client, headers=None, **params):
    reply = client.get(f"{API}/poems", query_string=params, headers=headers or {})
    assert reply.status_code == 200, reply.json
    return [p["title"] for p in reply.json["items"]]


# ---- POST /poems ---------------------------------------------------------------------------


def test_publish_answers_201_full_poem_location_and_etag(client, poet):
    reply = client.post(
        f"{API}/poems", json={"title": " Oda ", "body": "al tomate\n"}, headers=poet.headers
    )
    assert reply.status_code == 201
    poem = reply.json
    assert reply.headers["Location"] == f"/api/v1/poems/{poem['id']}"
    assert reply.headers["ETag"] == '"1"'
    assert poem["title"] == "Oda"
    assert poem["body"] == "al tomate\n"
    assert poem["author"] == {"id": poet.id, "name": "Ana Poet"}
    assert poem["version"] == 1
    assert poem["my_rating"] is None
    assert (poem["rating_count"], poem["rating_avg"]) == (0, None)
    assert poem["created_at"].endswith("Z")
    assert client.get(reply.headers["Location"]).json == poem


def test_an_admin_may_publish(client, admin):
    publish(client, admin)


def test_a_reader_may_not_publish(client, reader):
    reply = client.post(f"{API}/poems", json={"title": "t", "body": "b"}, headers=reader.headers)
    assert_problem(reply, 403)
    assert client.get(f"{API}/poems").json["total"] == 0


def test_publishing_needs_a_token(client):
    assert_problem(client.post(f"{API}/poems", json={"title": "t", "body": "b"}), 401)


CASES_PUBLISH_VALIDATES_BY_FIELD = [
    ({"title": "", "body": "b"}, "title"),
    ({"title": "   ", "body": "b"}, "title"),
    ({"title": "t" * 201, "body": "b"}, "title"),
    ({"title": "t", "body": ""}, "body"),
    ({"title": "t", "body": " \n\t "}, "body"),
    ({"title": "t", "body": "b" * 20001}, "body"),
    ({"body": "b"}, "title"),
    ({"title": "t"}, "body"),
    ({"title": 5, "body": "b"}, "title"),
    ({"title": "t", "body": ["b"]}, "body"),
    ({"title": "t", "body": None}, "body"),
    ({"title": "t", "body": "b", "version": 7}, "version"),
    ({"title": "t", "body": "b", "author_id": 1}, "author_id"),
    ({"title": "t", "body": "b", "rating_avg": 5}, "rating_avg"),
]


def test_publish_validates_by_field(client, poet, subtests):
    for body, field in CASES_PUBLISH_VALIDATES_BY_FIELD:
        with subtests.test(msg=repr((body, field))[:80]):
            reply = client.post(f"{API}/poems", json=body, headers=poet.headers)
            assert field in assert_problem(reply, 422)["errors"]
            assert client.get(f"{API}/poems").json["total"] == 0


def test_title_and_body_at_their_limits(client, poet):
    poem = publish(client, poet, title="ñ" * 200, body="🌊" * 20000)
    fetched = client.get(f"{API}/poems/{poem['id']}").json
    assert fetched["title"] == "ñ" * 200
    assert fetched["body"] == "🌊" * 20000
    assert len(fetched["excerpt"]) <= 200


CASES_A_BODY_COMES_BACK_BYTE_FOR_BYTE = [
    "  Verde que te quiero verde.\n\n\tVerde viento. Verdes ramas.\n",
    "\n\nleading blank lines\n   and trailing spaces   \n\n\n",
    "Ñandú, pingüino, corazón — «comillas»\r\nwindows line\r\n",
    "emoji 🌊🌹✨ and 𝔉𝔯𝔞𝔨𝔱𝔲𝔯 and 中文 and עברית",
    "\t\tindented\n\t\t\tmore\n",
]


def test_a_body_comes_back_byte_for_byte(client, poet, subtests):
    for body in CASES_A_BODY_COMES_BACK_BYTE_FOR_BYTE:
        with subtests.test(msg=repr(body)[:80]):
            poem = publish(client, poet, title="  Exacto  ", body=body)
            assert poem["body"] == body
            fetched = client.get(f"{API}/poems/{poem['id']}")
            assert fetched.json["body"] == body
            assert fetched.json["title"] == "Exacto"
            changed = client.patch(
                f"{API}/poems/{poem['id']}", json={"body": body + " "}, headers=poet.headers
            )
            assert changed.json["body"] == body + " "


def test_the_excerpt_is_the_start_at_most_200_characters(client, poet):
    lines = "\n".join(f"line number {n} of a long poem" for n in range(40))
    poem = publish(client, poet, body=lines)
    assert len(poem["excerpt"]) <= 200
    assert lines.startswith(poem["excerpt"])
    short = publish(client, poet, body="short\n")
    assert short["excerpt"] == "short\n"


# ---- GET /poems/{id} -----------------------------------------------------------------------


def test_get_a_poem_with_my_rating(client, poet, reader):
    poem = publish(client, poet)
    rating = rate(client, reader, poem["id"], 4)
    mine = client.get(f"{API}/poems/{poem['id']}", headers=reader.headers)
    assert mine.headers["ETag"] == '"1"'
    assert mine.json["my_rating"] == {"id": rating["id"], "score": 4, "comment": ""}
    assert mine.json["rating_count"] == 1 and mine.json["rating_avg"] == 4
    assert client.get(f"{API}/poems/{poem['id']}").json["my_rating"] is None


def test_a_missing_poem_is_404(client):
    assert_problem(client.get(f"{API}/poems/999999"), 404)


# ---- GET /poems: filters -------------------------------------------------------------------


@pytest.fixture
def library(app, client, accounts):
    """Four poems by two poets, rated by two readers, on known dates."""
    neruda = accounts.make("poet", name="Pablo Neruda")
    mistral = accounts.make("poet", name="Gabriela Mistral")
    r1 = accounts.make("reader", name="Reader One")
    r2 = accounts.make("reader", name="Reader Two")
    poems = {
        "Oda al mar": publish(client, neruda, title="Oda al mar", body="el mar, el mar\n"),
        "Walking Around": publish(client, neruda, title="Walking Around", body="sucede que\n"),
        "Los sonetos": publish(client, mistral, title="Los sonetos", body="de la muerte\n"),
        "Desolación": publish(client, mistral, title="Desolación", body="la bruma espesa\n"),
    }
    dates = {
        "Oda al mar": datetime(2026, 1, 10, 8, 0),
        "Walking Around": datetime(2026, 2, 20, 23, 59, 59),
        "Los sonetos": datetime(2026, 3, 5, 0, 0),
        "Desolación": datetime(2026, 4, 1, 12, 0),
    }
    for title, when in dates.items():
        set_created(app, poems[title]["id"], when)
    rate(client, r1, poems["Oda al mar"]["id"], 5)
    rate(client, r2, poems["Oda al mar"]["id"], 4)  # avg 4.5, count 2
    rate(client, r1, poems["Walking Around"]["id"], 2)  # avg 2, count 1
    rate(client, r2, poems["Los sonetos"]["id"], 3)  # avg 3, count 1
    # Desolación: unrated
    return {"neruda": neruda, "mistral": mistral, "r1": r1, "r2": r2, "poems": poems}


def check_the_list_is_a_page_of_summaries_newest_first(client, library):
    reply = client.get(f"{API}/poems")
    assert reply.status_code == 200
    page = reply.json
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (1, 20, 4, 1)
    assert [p["title"] for p in page["items"]] == [
        "Desolación",
        "Los sonetos",
        "Walking Around",
        "Oda al mar",
    ]
    for item in page["items"]:
        assert set(item) == SUMMARY  # no body, version or ratings in a list
        assert set(item["author"]) == {"id", "name"}
    first = next(p for p in page["items"] if p["title"] == "Oda al mar")
    assert (first["rating_count"], first["rating_avg"]) == (2, 4.5)


def check_the_list_pages(client, library):
    one = client.get(f"{API}/poems", query_string={"per_page": 3}).json
    two = client.get(f"{API}/poems", query_string={"per_page": 3, "page": 2}).json
    assert (one["pages"], len(one["items"]), len(two["items"])) == (2, 3, 1)
    beyond = client.get(f"{API}/poems", query_string={"per_page": 3, "page": 9}).json
    assert beyond["items"] == [] and beyond["total"] == 4


def check_filter_q_looks_in_title_body_and_author(client, library):
    assert titles(client, q="ODA") == ["Oda al mar"]
    assert titles(client, q="bruma") == ["Desolación"]
    assert titles(client, q="mistral") == ["Desolación", "Los sonetos"]
    assert titles(client, q="nothing like this") == []
    assert titles(client, q="%") == []  # a wildcard is a character, not a pattern
    assert titles(client, q="_") == []


def check_filter_by_author_id_and_author_name(client, library):
    neruda = library["neruda"]
    assert titles(client, author_id=neruda.id) == ["Walking Around", "Oda al mar"]
    assert titles(client, author_id=999999) == []
    assert titles(client, author="gabriela") == ["Desolación", "Los sonetos"]
    assert titles(client, author="neruda", q="mar") == ["Oda al mar"]


def check_filter_by_dates_inclusive(client, library):
    assert titles(client, date_from="2026-02-20", date_to="2026-03-05") == [
        "Los sonetos",
        "Walking Around",
    ]
    assert titles(client, date_to="2026-02-20") == ["Walking Around", "Oda al mar"]
    assert titles(client, date_from="2026-04-01") == ["Desolación"]
    assert titles(client, date_from="2026-04-02") == []


def check_filter_by_score_leaves_unrated_poems_out(client, library):
    assert titles(client, min_score=3) == ["Los sonetos", "Oda al mar"]
    assert titles(client, max_score=3) == ["Los sonetos", "Walking Around"]
    assert titles(client, min_score=1, max_score=5) == [
        "Los sonetos",
        "Walking Around",
        "Oda al mar",
    ]
    assert titles(client, min_score=4.5, max_score=4.5) == ["Oda al mar"]
    reply = client.get(f"{API}/poems", query_string={"min_score": 1})
    assert reply.json["total"] == 3


def check_unrated_by_me(client, library):
    r1, neruda = library["r1"], library["neruda"]
    # r1 rated Oda and Walking: left are the two by Mistral, fewest ratings first, then oldest.
    assert titles(client, r1.headers, unrated_by_me="true") == ["Desolación", "Los sonetos"]
    # A poet never sees their own poems there.
    assert titles(client, neruda.headers, unrated_by_me="true") == ["Desolación", "Los sonetos"]
    assert titles(client, library["mistral"].headers, unrated_by_me="true") == [
        "Walking Around",
        "Oda al mar",
    ]
    assert titles(client, r1.headers, unrated_by_me="true", sort="title") == [
        "Desolación",
        "Los sonetos",
    ]
    assert titles(client, r1.headers, unrated_by_me="false") == titles(client)
    # requests turns Python's True into "True".
    assert titles(client, r1.headers, unrated_by_me="True") == ["Desolación", "Los sonetos"]


def check_unrated_by_me_without_a_token_is_401(client, library):
    assert_problem(client.get(f"{API}/poems", query_string={"unrated_by_me": "true"}), 401)


# ---- GET /poems: sorts ---------------------------------------------------------------------


def check_every_sort(client, library):
    assert titles(client, sort="created_at") == [
        "Oda al mar",
        "Walking Around",
        "Los sonetos",
        "Desolación",
    ]
    assert titles(client, sort="-created_at") == [
        "Desolación",
        "Los sonetos",
        "Walking Around",
        "Oda al mar",
    ]
    assert titles(client, sort="title") == [
        "Desolación",
        "Los sonetos",
        "Oda al mar",
        "Walking Around",
    ]
    assert titles(client, sort="-title") == [
        "Walking Around",
        "Oda al mar",
        "Los sonetos",
        "Desolación",
    ]
    assert titles(client, sort="-rating_count")[0] == "Oda al mar"
    assert titles(client, sort="rating_count")[0] == "Desolación"
    assert titles(client, sort="author")[:2] in (
        ["Los sonetos", "Desolación"],
        ["Desolación", "Los sonetos"],
    )
    assert set(titles(client, sort="-author")[:2]) == {"Oda al mar", "Walking Around"}


def check_unrated_poems_sort_last_in_both_rating_avg_directions(client, library):
    assert titles(client, sort="-rating_avg") == [
        "Oda al mar",
        "Los sonetos",
        "Walking Around",
        "Desolación",
    ]
    assert titles(client, sort="rating_avg") == [
        "Walking Around",
        "Los sonetos",
        "Oda al mar",
        "Desolación",
    ]
    # Across pages too.
    assert titles(client, sort="rating_avg", per_page=3, page=2) == ["Desolación"]
    assert titles(client, sort="-rating_avg", per_page=3, page=2) == ["Desolación"]


CASES_BAD_LIST_PARAMETERS_ARE_422_NAMING_THEM = [
    {"sort": "body"},
    {"sort": "rating"},
    {"per_page": 0},
    {"per_page": 101},
    {"per_page": "many"},
    {"page": 0},
    {"page": -1},
    {"author_id": "ana"},
    {"author_id": 0},
    {"date_from": "yesterday"},
    {"date_to": "2026-13-01"},
    {"min_score": 0},
    {"max_score": 6},
    {"min_score": "high"},
    {"min_score": "nan"},
    {"unrated_by_me": "maybe"},
]


def test_bad_list_parameters_are_422_naming_them(client, subtests):
    for params in CASES_BAD_LIST_PARAMETERS_ARE_422_NAMING_THEM:
        with subtests.test(msg=repr(params)[:80]):
            reply = client.get(f"{API}/poems", query_string=params)
            assert set(params) <= set(assert_problem(reply, 422)["errors"])


def test_crossed_ranges_are_422(client):
    reply = client.get(
        f"{API}/poems", query_string={"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert "date_to" in assert_problem(reply, 422)["errors"]
    reply = client.get(f"{API}/poems", query_string={"min_score": 4, "max_score": 2})
    assert "max_score" in assert_problem(reply, 422)["errors"]


def check_per_page_bounds_are_accepted(client, library):
    assert len(titles(client, per_page=1)) == 1
    assert len(titles(client, per_page=100)) == 4


LIBRARY_CHECKS = [
    check_the_list_is_a_page_of_summaries_newest_first,
    check_the_list_pages,
    check_filter_q_looks_in_title_body_and_author,
    check_filter_by_author_id_and_author_name,
    check_filter_by_dates_inclusive,
    check_filter_by_score_leaves_unrated_poems_out,
    check_unrated_by_me,
    check_unrated_by_me_without_a_token_is_401,
    check_every_sort,
    check_unrated_poems_sort_last_in_both_rating_avg_directions,
    check_per_page_bounds_are_accepted,
]


def test_the_list_filters_and_sorts(client, library, subtests):
    """Every filter and sort of GET /poems over one library (made once: it is the slow part)."""
    for check in LIBRARY_CHECKS:
        with subtests.test(msg=check.__name__):
            check(client, library)


def test_the_list_runs_a_fixed_number_of_statements(app, client, count_queries, poet, reader):
    with app.app_context():
        now = datetime(2026, 5, 1)
        db.session.execute(
            insert(Poem),
            [
                {
                    "author_id": poet.id,
                    "title": f"Poem {n}",
                    "body": "x" * 500,
                    "excerpt": "x" * 200,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "rating_count": 0,
                    "rating_sum": 0,
                    "rating_avg": None,
                }
                for n in range(60)
            ],
        )
        db.session.commit()
    counts = {}
    for per_page in (5, 50):
        for sort in ("-created_at", "-rating_avg", "author"):
            with count_queries() as q:
                reply = client.get(
                    f"{API}/poems",
                    query_string={"per_page": per_page, "sort": sort, "q": "Poem"},
                    headers=reader.headers,
                )
            assert reply.status_code == 200
            assert len(reply.json["items"]) == per_page
            assert all("body" not in item for item in reply.json["items"])
            counts[(per_page, sort)] = len(q.statements)
    assert len(set(counts.values())) == 1, counts
    assert max(counts.values()) <= 6, counts
    for sql in q.statements:
        selected = sql.upper().split("FROM")[0]
        assert "BODY" not in selected, sql  # lists never load bodies


# ---- PATCH /poems/{id} ---------------------------------------------------------------------


def test_the_author_changes_a_poem_and_the_version_goes_up(client, poet):
    poem = publish(client, poet)
    reply = client.patch(
        f"{API}/poems/{poem['id']}", json={"title": "New title"}, headers=poet.headers
    )
    assert reply.status_code == 200
    assert reply.json["title"] == "New title" and reply.json["body"] == "a line\n"
    assert reply.json["version"] == 2
    assert reply.headers["ETag"] == '"2"'
    again = client.patch(
        f"{API}/poems/{poem['id']}", json={"body": "two lines\nhere\n"}, headers=poet.headers
    )
    assert again.json["version"] == 3
    assert client.get(f"{API}/poems/{poem['id']}").json == again.json


def test_a_change_to_nothing_keeps_the_version(client, poet):
    poem = publish(client, poet)
    reply = client.patch(
        f"{API}/poems/{poem['id']}", json={"title": poem["title"]}, headers=poet.headers
    )
    assert reply.status_code == 200 and reply.json["version"] == 1


def test_another_poet_may_not_change_or_delete_a_poem(client, accounts, poet, reader):
    other = accounts.make("poet")
    poem = publish(client, poet)
    for account in (other, reader):
        assert_problem(
            client.patch(
                f"{API}/poems/{poem['id']}", json={"title": "Mine"}, headers=account.headers
            ),
            403,
        )
        assert_problem(client.delete(f"{API}/poems/{poem['id']}", headers=account.headers), 403)
    assert_problem(client.patch(f"{API}/poems/{poem['id']}", json={"title": "Mine"}), 401)
    assert client.get(f"{API}/poems/{poem['id']}").json["title"] == "A poem"


def test_an_admin_may_change_any_poem(client, admin, poet):
    poem = publish(client, poet)
    reply = client.patch(
        f"{API}/poems/{poem['id']}", json={"title": "Moderated"}, headers=admin.headers
    )
    assert reply.status_code == 200
    assert reply.json["title"] == "Moderated"
    assert reply.json["author"]["id"] == poet.id


def test_a_stale_if_match_is_412_with_the_current_poem(client, poet):
    poem = publish(client, poet)
    first = client.patch(
        f"{API}/poems/{poem['id']}",
        json={"title": "First"},
        headers={**poet.headers, "If-Match": '"1"'},
    )
    assert first.status_code == 200 and first.json["version"] == 2
    stale = client.patch(
        f"{API}/poems/{poem['id']}",
        json={"title": "Second"},
        headers={**poet.headers, "If-Match": '"1"'},
    )
    body = assert_problem(stale, 412)
    assert body["current"]["title"] == "First"
    assert body["current"]["version"] == 2
    assert body["current"]["body"] == "a line\n"
    assert client.get(f"{API}/poems/{poem['id']}").json["title"] == "First"
    fresh = client.patch(
        f"{API}/poems/{poem['id']}",
        json={"title": "Second"},
        headers={**poet.headers, "If-Match": 'W/"2"'},
    )
    assert fresh.status_code == 200 and fresh.json["version"] == 3


def test_if_match_star_matches_any_version(client, poet):
    poem = publish(client, poet)
    reply = client.patch(
        f"{API}/poems/{poem['id']}",
        json={"title": "Any"},
        headers={**poet.headers, "If-Match": "*"},
    )
    assert reply.status_code == 200


def test_a_malformed_if_match_is_422(client, poet):
    poem = publish(client, poet)
    reply = client.patch(
        f"{API}/poems/{poem['id']}",
        json={"title": "x"},
        headers={**poet.headers, "If-Match": "abc"},
    )
    assert "If-Match" in assert_problem(reply, 422)["errors"]


CASES_PATCH_VALIDATES_BY_FIELD_AND_WRITES_NOTHING = [
    ({"title": ""}, "title"),
    ({"body": "   "}, "body"),
    ({"body": "x" * 20001}, "body"),
    ({"version": 9}, "version"),
    ({"author_id": 1}, "author_id"),
    ({"rating_count": 100}, "rating_count"),
]


def test_patch_validates_by_field_and_writes_nothing(client, poet, subtests):
    for body, field in CASES_PATCH_VALIDATES_BY_FIELD_AND_WRITES_NOTHING:
        with subtests.test(msg=repr((body, field))[:80]):
            poem = publish(client, poet)
            reply = client.patch(
                f"{API}/poems/{poem['id']}", json={"title": "Changed", **body}, headers=poet.headers
            )
            assert field in assert_problem(reply, 422)["errors"]
            assert (
                client.get(f"{API}/poems/{poem['id']}").json
                == client.get(f"{API}/poems/{poem['id']}").json
            )
            assert client.get(f"{API}/poems/{poem['id']}").json["title"] == "A poem"


def test_patch_of_a_missing_poem_is_404(client, poet):
    assert_problem(
        client.patch(f"{API}/poems/999999", json={"title": "x"}, headers=poet.headers), 404
    )


# ---- DELETE /poems/{id} --------------------------------------------------------------------


def test_delete_a_poem_with_its_ratings(client, poet, reader):
    poem = publish(client, poet)
    rating = rate(client, reader, poem["id"], 5)
    assert client.delete(f"{API}/poems/{poem['id']}", headers=poet.headers).status_code == 204
    assert_problem(client.get(f"{API}/poems/{poem['id']}"), 404)
    assert_problem(client.get(f"{API}/ratings/{rating['id']}"), 404)
    assert client.get(f"{API}/users/me", headers=reader.headers).json["rating_count"] == 0
    assert_problem(client.delete(f"{API}/poems/{poem['id']}", headers=poet.headers), 404)


def test_an_admin_may_delete_any_poem(client, admin, poet):
    poem = publish(client, poet)
    assert client.delete(f"{API}/poems/{poem['id']}", headers=admin.headers).status_code == 204


# ---- Idempotency-Key -----------------------------------------------------------------------


def test_a_replayed_idempotency_key_publishes_once(client, poet):
    key = {"Idempotency-Key": "poem-1"}
    first = client.post(
        f"{API}/poems", json={"title": "Once", "body": "b"}, headers={**poet.headers, **key}
    )
    again = client.post(
        f"{API}/poems", json={"title": "Once", "body": "b"}, headers={**poet.headers, **key}
    )
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers.get("ETag") == first.headers["ETag"]
    assert client.get(f"{API}/poems").json["total"] == 1
    other = client.post(
        f"{API}/poems",
        json={"title": "Twice", "body": "b"},
        headers={**poet.headers, "Idempotency-Key": "poem-2"},
    )
    assert other.json["id"] != first.json["id"]
    assert client.get(f"{API}/poems").json["total"] == 2


def test_the_same_key_from_another_caller_is_a_new_request(client, accounts, poet):
    other = accounts.make("poet")
    key = {"Idempotency-Key": "shared"}
    a = client.post(
        f"{API}/poems", json={"title": "A", "body": "b"}, headers={**poet.headers, **key}
    )
    b = client.post(
        f"{API}/poems", json={"title": "B", "body": "b"}, headers={**other.headers, **key}
    )
    assert a.json["id"] != b.json["id"]
    assert b.json["author"]["id"] == other.id


def test_a_failed_request_does_not_use_up_its_key(client, poet):
    key = {"Idempotency-Key": "retry-me"}
    bad = client.post(
        f"{API}/poems", json={"title": "", "body": "b"}, headers={**poet.headers, **key}
    )
    assert bad.status_code == 422
    good = client.post(
        f"{API}/poems", json={"title": "t", "body": "b"}, headers={**poet.headers, **key}
    )
    assert good.status_code == 201


def test_a_blank_or_huge_idempotency_key_is_422(client, poet):
    for key in (" ", "k" * 256):
        reply = client.post(
            f"{API}/poems",
            json={"title": "t", "body": "b"},
            headers={**poet.headers, "Idempotency-Key": key},
        )
        assert "Idempotency-Key" in assert_problem(reply, 422)["errors"]


def test_a_fresh_library_stores_any_text_whatever_the_servers_default(backend_name, tmp_path):
    """The migration makes utf8mb4 tables even in a MySQL database created latin1."""
    import os

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from backend import create_app
    from backend.db_setup import upgrade_database

    if backend_name == "mysql":
        server = make_url(os.environ["POETSBAY_TEST_MYSQL_URL"])
        url = server.set(database=f"{server.database}_latin1")
        admin_engine = create_engine(server)
        with admin_engine.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{url.database}`"))
            conn.execute(text(f"CREATE DATABASE `{url.database}` CHARACTER SET latin1"))
        url = url.render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    app = create_app(
        {
            "DATA_DIR": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
            "MAIL_ENABLED": False,
        }
    )
    try:
        upgrade_database(app)
        client = app.test_client()
        session = client.post(
            f"{API}/auth/register",
            json={"name": "Ñandú 🌊", "email": "n@example.org", "password": "long enough"},
        ).json
        headers = {"Authorization": f"Bearer {session['access_token']}"}
        text_ = "🌹 Ñ é 中文 𝔉\n\tsegunda línea  \n"
        poem = client.post(f"{API}/poems", json={"title": "🌊 Mar", "body": text_}, headers=headers)
        assert poem.status_code == 201, poem.get_data(as_text=True)
        fetched = client.get(poem.headers["Location"]).json
        assert (fetched["title"], fetched["body"], fetched["author"]["name"]) == (
            "🌊 Mar",
            text_,
            "Ñandú 🌊",
        )
    finally:
        with app.app_context():
            db.engine.dispose()
        if backend_name == "mysql":
            with admin_engine.begin() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS `{make_url(url).database}`"))
            admin_engine.dispose()
