"""The draft store: revisions on every text-changing save, history, compare, restore, recovery."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop.offline.db import OfflineDb, store_path
from desktop.offline.diff import ADDED, CHANGED, EQUAL, REMOVED, changed_lines, line_diff
from desktop.offline.drafts import PUBLISHED, DraftStore, new_draft_id


@pytest.fixture
def store(tmp_path: Path) -> DraftStore:
    return DraftStore(OfflineDb(tmp_path / "drafts.sqlite3"))


def test_store_path_is_per_account_and_server_and_apart_from_libraries(tmp_path: Path) -> None:
    a = store_path(tmp_path, "http://club.example:8500", 1)
    assert a.parent.parent == tmp_path / "offline"
    assert a != store_path(tmp_path, "http://club.example:8500", 2)
    assert a.parent != store_path(tmp_path, "http://other.example:8500", 1).parent
    assert a == store_path(tmp_path, "http://club.example:8500", 1)


def test_a_revision_only_when_the_text_changes(store: DraftStore) -> None:
    draft_id = new_draft_id()
    store.save(draft_id, "Tide", "one\n")
    store.save(draft_id, "Tide", "one\n")  # nothing new: no revision
    store.save(draft_id, "Tide", "one\n  two\n")
    store.save(draft_id, "Tides", "one\n  two\n")
    history = store.history(draft_id)
    assert [r.number for r in history] == [1, 2, 3]
    assert [r.body for r in history] == ["one\n", "one\n  two\n", "one\n  two\n"]
    assert history[-1].title == "Tides"
    assert store.get(draft_id).body == "one\n  two\n"  # type: ignore[union-attr]


def test_whitespace_and_accents_survive(store: DraftStore) -> None:
    body = "  señal\t\n\n\n  ñandú 🌊  \n"
    draft = store.save(new_draft_id(), " Título ", body)
    again = store.get(draft.id)
    assert again is not None and again.body == body and again.title == " Título "


def test_restore_makes_a_new_revision_and_deletes_nothing(store: DraftStore) -> None:
    draft_id = new_draft_id()
    for text in ("a\n", "a\nb\n", "a\nB\n"):
        store.save(draft_id, "T", text)
    first = store.history(draft_id)[0]
    draft = store.restore(draft_id, first.id)
    assert draft.body == "a\n"
    history = store.history(draft_id)
    assert [r.body for r in history] == ["a\n", "a\nb\n", "a\nB\n", "a\n"]
    assert history[-1].note == "restored:1"


def test_compare_two_revisions_line_by_line(store: DraftStore) -> None:
    draft_id = new_draft_id()
    store.save(draft_id, "T", "the sea\nthe salt\nthe shore\n")
    store.save(draft_id, "T", "the sea\nthe SALT\nthe shore\nthe gull\n")
    old, new = store.history(draft_id)
    rows = store.compare(old.id, new.id)
    tags = [(r.tag, r.left, r.right) for r in rows]
    assert (CHANGED, "the salt", "the SALT") in tags
    assert (ADDED, None, "the gull") in tags
    assert (EQUAL, "the sea", "the sea") in tags


def test_line_diff_and_changed_lines() -> None:
    rows = line_diff("a\nb\nc", "a\nc")
    assert [(r.tag, r.left, r.right) for r in rows] == [
        (EQUAL, "a", "a"),
        (REMOVED, "b", None),
        (EQUAL, "c", "c"),
    ]
    assert changed_lines("a\nb\nc", "a\nB\nc\nd") == ({1}, {1, 3})


def test_drafts_list_publish_and_take_back(store: DraftStore) -> None:
    one = store.save(new_draft_id(), "One", "1")
    two = store.save(new_draft_id(), "Two", "2")
    assert [d.id for d in store.drafts()] == [two.id, one.id]
    poem = {"id": 7, "version": 1, "title": "One", "body": "1"}
    published = store.mark_published(one.id, poem)
    assert published is not None and published.state == PUBLISHED and published.poem_id == 7
    assert [d.id for d in store.drafts()] == [two.id]
    back = store.take_back({**poem, "version": 3, "body": "1 and more"})
    assert back.id == one.id and back.state == "draft" and back.base_version == 3
    assert back.body == "1 and more" and back.base_body == "1 and more"
    assert store.for_poem(7) == back
    fresh = store.take_back({"id": 9, "version": 2, "title": "Nine", "body": "9\n"})
    assert fresh.poem_id == 9 and fresh.is_edit and fresh.base_title == "Nine"


def test_keep_revision_keeps_text_out_of_the_draft(store: DraftStore) -> None:
    draft = store.save(new_draft_id(), "T", "mine\n")
    store.keep_revision(draft.id, "T", "theirs\n", "theirs:4")
    assert store.get(draft.id).body == "mine\n"  # type: ignore[union-attr]
    assert [r.body for r in store.history(draft.id)] == ["mine\n", "theirs\n"]


def test_recoverable_after_a_killed_process(tmp_path: Path) -> None:
    """A process that saves a draft with an editor open and dies without closing anything."""
    path = tmp_path / "drafts.sqlite3"
    script = (
        "import os, sys; from desktop.offline.db import OfflineDb;"
        "from desktop.offline.drafts import DraftStore;"
        "s = DraftStore(OfflineDb(sys.argv[1]));"
        "s.save('d1', 'Night', 'half a line\\n  and more', editing=True);"
        "os._exit(9)"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=Path.cwd(), check=False)
    assert done.returncode == 9
    store = DraftStore(OfflineDb(path))
    [draft] = store.recoverable()
    assert draft.id == "d1" and draft.body == "half a line\n  and more"
    store.set_editing("d1", False)
    assert store.recoverable() == []
