"""The outbox and its replay against a real backend on loopback, stopped and started."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.api import ApiClient
from desktop.embedded import EmbeddedServer
from desktop.offline.cache import MY_POEMS, ReadCache
from desktop.offline.db import OfflineDb
from desktop.offline.drafts import PUBLISHED, DraftStore, new_draft_id
from desktop.offline.queue import (
    CONFLICT,
    EDIT_POEM,
    EDIT_RATING,
    HELD,
    MARK_READ,
    PUBLISH,
    RATE,
    Outbox,
)
from desktop.offline.replay import CONFLICTED, DONE, OFFLINE, Backoff, Replayer


@pytest.fixture
def db(tmp_path: Path) -> OfflineDb:
    return OfflineDb(tmp_path / "device.sqlite3")


def test_changes_persist_in_order_with_stable_keys(tmp_path: Path) -> None:
    path = tmp_path / "device.sqlite3"
    box = Outbox(OfflineDb(path))
    a = box.add(PUBLISH, {"title": "A", "body": "a"})
    b = box.add(RATE, {"poem_id": 3, "score": 4, "comment": ""})
    c = box.add(EDIT_RATING, {"rating_id": 5, "score": 2, "comment": "x"})
    assert a.idempotency_key and b.idempotency_key and c.idempotency_key is None
    again = Outbox(OfflineDb(path))  # a new process
    assert [(x.id, x.kind, x.idempotency_key) for x in again.changes()] == [
        (a.id, PUBLISH, a.idempotency_key),
        (b.id, RATE, b.idempotency_key),
        (c.id, EDIT_RATING, None),
    ]
    assert again.count() == 3
    with pytest.raises(ValueError):
        again.add("launch", {})


def test_a_rating_given_twice_before_sending_is_one_change(db: OfflineDb) -> None:
    box = Outbox(db)
    first = box.add(RATE, {"poem_id": 3, "score": 2, "comment": ""})
    second = box.add(RATE, {"poem_id": 3, "score": 5, "comment": "better"})
    assert second.id == first.id and second.idempotency_key == first.idempotency_key
    assert box.count() == 1 and box.first().payload["score"] == 5  # type: ignore[union-attr]


def test_backoff_doubles_to_a_limit_and_resets() -> None:
    backoff = Backoff(1, 8)
    assert [backoff.next() for _ in range(6)] == [1, 2, 4, 8, 8, 8]
    backoff.reset()
    assert backoff.next() == 1


def test_replay_while_down_keeps_everything(db: OfflineDb, free_port: int) -> None:
    box = Outbox(db)
    box.add(PUBLISH, {"title": "A", "body": "a"})
    client = ApiClient(f"http://127.0.0.1:{free_port}")
    outcome = Replayer(box, client).replay()
    assert outcome.stopped == OFFLINE and not outcome.heard and box.count() == 1
    assert box.last_heard() is None


def test_replay_is_in_order_and_never_duplicates(
    tmp_path: Path,
    db: OfflineDb,
    api_user: Callable[..., ApiClient],
) -> None:
    ana, ben = api_user("Ana"), api_user("Ben")
    poem = ana.create_poem("Harbour", "ropes\n")
    drafts, box = DraftStore(db), Outbox(db)
    draft = drafts.save(new_draft_id(), "Offline", "  written on a train\n")
    box.add(PUBLISH, {"title": draft.title, "body": draft.body, "draft_id": draft.id})
    box.add(
        EDIT_POEM,
        {
            "draft_id": draft.id,
            "poem_id": None,
            "version": None,
            "title": "Offline",
            "body": "  written on a train\nand home\n",
        },
    )
    rate = box.add(RATE, {"poem_id": poem["id"], "score": 5, "comment": "¡Olé!"})
    # A replay cut off after the server got the rating but before the app knew it:
    ben.request(
        "POST",
        f"/poems/{poem['id']}/ratings",
        json={"score": 5, "comment": "¡Olé!"},
        headers={"Idempotency-Key": rate.idempotency_key},
    )

    outcome = Replayer(box, ana, drafts).replay()  # Ana cannot rate her own poem: held
    assert outcome.stopped == HELD and outcome.change is not None
    assert outcome.change.kind == RATE and outcome.reason  # the server's reason, kept
    assert [c.kind for c, _ in outcome.sent] == [PUBLISH, EDIT_POEM]
    assert box.first().status == HELD  # type: ignore[union-attr]
    published = drafts.get(draft.id)
    assert published is not None and published.state == PUBLISHED and published.base_version == 2
    box.discard(outcome.change.id)

    box2 = Outbox(OfflineDb(tmp_path / "ben.sqlite3"))
    c = box2.add(RATE, {"poem_id": poem["id"], "score": 5, "comment": "¡Olé!"})
    with box2.db.transaction() as conn:  # the same key as the request that already went through
        conn.execute(
            "UPDATE outbox SET idempotency_key = ? WHERE id = ?", (rate.idempotency_key, c.id)
        )
    for _ in range(2):
        assert Replayer(box2, ben).replay().stopped == DONE
    assert ben.poem_ratings(poem["id"])["total"] == 1
    mine = ana.poems(author_id=ana.me()["id"])
    assert sorted(p["title"] for p in mine["items"]) == ["Harbour", "Offline"]
    assert box.count() == 0 and box.last_heard() is not None


def test_a_stale_edit_is_a_conflict_kept_for_the_poet(
    db: OfflineDb, api_user: Callable[..., ApiClient]
) -> None:
    ana = api_user("Ana")
    poem = ana.create_poem("Tide", "in\nout\n")
    ana.update_poem(poem["id"], version=poem["version"], body="in\nout\nagain\n")
    box = Outbox(db)
    box.add(
        EDIT_POEM,
        {
            "poem_id": poem["id"],
            "version": poem["version"],
            "title": "Tide",
            "body": "IN\nout\n",
            "base_title": "Tide",
            "base_body": "in\nout\n",
        },
    )
    box.add(MARK_READ, {"notification_id": 12345})
    outcome = Replayer(box, ana).replay()
    assert outcome.stopped == CONFLICTED
    assert outcome.current is not None and outcome.current["body"] == "in\nout\nagain\n"
    assert box.first().status == CONFLICT and box.count() == 2  # type: ignore[union-attr]
    again = Replayer(box, ana).replay()  # waits for the poet, sends nothing after it
    assert again.stopped == CONFLICTED and not again.sent
    change = box.first()
    assert change is not None
    box.release(change.id, {**change.payload, "version": outcome.current["version"]})
    assert Replayer(box, ana).replay().stopped == DONE  # the unknown notification: already gone
    assert ana.poem(poem["id"])["body"] == "IN\nout\n"


def test_server_stopped_and_started_again(tmp_path: Path, db: OfflineDb) -> None:
    server = EmbeddedServer(tmp_path / "club")
    url = server.start()
    ana = ApiClient(url)
    ana.register("Ana", "ana@example.org", "correct horse 1")
    port = url.rsplit(":", 1)[1]
    assert server.stop()
    box = Outbox(db)
    box.add(PUBLISH, {"title": "While down", "body": "x\n"})
    replayer = Replayer(box, ana)
    assert replayer.replay().stopped == OFFLINE
    assert replayer.replay().stopped == OFFLINE
    server = EmbeddedServer(tmp_path / "club", port=int(port))
    server.start()
    try:
        assert replayer.replay().stopped == DONE
        assert replayer.replay().stopped == DONE
        assert ana.poems(q="While down")["total"] == 1
    finally:
        assert server.stop()
        ana.close()


def test_read_cache(db: OfflineDb) -> None:
    now = [1000.0]
    cache = ReadCache(db, clock=lambda: now[0])
    cache.put_poem({"id": 4, "title": "T", "body": "  b\n"})
    cache.put_list(MY_POEMS, [{"id": i} for i in range(5)])
    now[0] = 1060.0
    cached = cache.poem(4)
    assert cached is not None and cached.data["body"] == "  b\n" and cached.age(now[0]) == 60
    page = cache.page(MY_POEMS, 2, 2)
    assert page is not None and page["items"] == [{"id": 2}, {"id": 3}] and page["total"] == 5
    assert page["stale_since"] == 1000.0 and cache.poem(5) is None and cache.page("x", 1, 2) is None
