"""/notifications: one's own, newest first, marked read one by one or all at once."""

from __future__ import annotations

import pytest

from tests.backend.helpers import assert_problem

API = "/api/v1"


@pytest.fixture
def notified(client, accounts, poet):
    """Three ratings of the poet's poems, so three notifications for the poet."""
    poems = []
    for title in ("Uno", "Dos", "Tres"):
        reply = client.post(
            f"{API}/poems", json={"title": title, "body": "verso\n"}, headers=poet.headers
        )
        poems.append(reply.json)
    for n, poem in enumerate(poems, start=1):
        rater = accounts.make("reader", name=f"Rater {n}")
        reply = client.post(
            f"{API}/poems/{poem['id']}/ratings", json={"score": n}, headers=rater.headers
        )
        assert reply.status_code == 201
    return poems


def notes(client, account, **params):
    reply = client.get(f"{API}/notifications", query_string=params, headers=account.headers)
    assert reply.status_code == 200, reply.json
    return reply.json


def test_notifications_newest_first(client, poet, notified):
    page = notes(client, poet)
    assert page["total"] == 3
    assert [n["data"]["poem_title"] for n in page["items"]] == ["Tres", "Dos", "Uno"]
    assert [n["data"]["score"] for n in page["items"]] == [3, 2, 1]
    for note in page["items"]:
        assert set(note) == {"id", "kind", "created_at", "read", "data"}
        assert note["read"] is False
    paged = notes(client, poet, per_page=2, page=2)
    assert [n["data"]["poem_title"] for n in paged["items"]] == ["Uno"]


def test_notifications_need_a_token(client):
    assert_problem(client.get(f"{API}/notifications"), 401)
    assert_problem(client.post(f"{API}/notifications/read-all"), 401)
    assert_problem(client.post(f"{API}/notifications/1/read"), 401)


def test_mark_one_read_and_filter_unread(client, poet, notified):
    newest = notes(client, poet)["items"][0]
    reply = client.post(f"{API}/notifications/{newest['id']}/read", headers=poet.headers)
    assert reply.status_code == 204
    unread = notes(client, poet, unread="true")
    assert unread["total"] == 2
    assert newest["id"] not in [n["id"] for n in unread["items"]]
    every = notes(client, poet, unread="false")
    assert every["total"] == 3
    assert next(n for n in every["items"] if n["id"] == newest["id"])["read"] is True
    # Marking it again is harmless.
    assert (
        client.post(f"{API}/notifications/{newest['id']}/read", headers=poet.headers).status_code
        == 204
    )


def test_someone_elses_notification_is_403(client, poet, reader, notified):
    note = notes(client, poet)["items"][0]
    assert_problem(
        client.post(f"{API}/notifications/{note['id']}/read", headers=reader.headers), 403
    )
    assert notes(client, poet, unread="true")["total"] == 3
    assert notes(client, reader)["total"] == 0


def test_a_missing_notification_is_404(client, poet):
    assert_problem(client.post(f"{API}/notifications/999999/read", headers=poet.headers), 404)


def test_read_all_marks_only_mine(client, accounts, poet, notified):
    other = accounts.make("poet")
    poem = client.post(
        f"{API}/poems", json={"title": "Otro", "body": "verso"}, headers=other.headers
    ).json
    client.post(f"{API}/poems/{poem['id']}/ratings", json={"score": 5}, headers=poet.headers)
    reply = client.post(f"{API}/notifications/read-all", headers=poet.headers)
    assert reply.status_code == 204
    assert notes(client, poet, unread="true")["total"] == 0
    assert all(n["read"] for n in notes(client, poet)["items"])
    assert notes(client, other, unread="true")["total"] == 1


CASES_BAD_NOTIFICATION_PARAMETERS_ARE_422 = [{"unread": "perhaps"}, {"per_page": 0}, {"page": "x"}]


def test_bad_notification_parameters_are_422(client, poet, subtests):
    for params in CASES_BAD_NOTIFICATION_PARAMETERS_ARE_422:
        with subtests.test(msg=repr(params)[:80]):
            reply = client.get(f"{API}/notifications", query_string=params, headers=poet.headers)
            assert set(params) <= set(assert_problem(reply, 422)["errors"])
