"""Resolving a conflict keeps what was not chosen in the draft's history."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.offline.conflicts import MERGE, MINE, THEIRS, merge_for, resolve
from desktop.offline.db import OfflineDb
from desktop.offline.drafts import DraftStore, new_draft_id
from desktop.offline.queue import CONFLICT, EDIT_POEM, Outbox

BASE = "one\ntwo\nthree\n"


@pytest.fixture
def setup(tmp_path: Path) -> tuple[DraftStore, Outbox, str]:
    db = OfflineDb(tmp_path / "d.sqlite3")
    drafts, box = DraftStore(db), Outbox(db)
    poem = {"id": 5, "version": 1, "title": "T", "body": BASE}
    draft_id = new_draft_id()
    drafts.save(draft_id, "T", "ONE\ntwo\nthree\n", poem=poem)
    change = box.add(
        EDIT_POEM,
        {
            "poem_id": 5,
            "version": 1,
            "title": "T",
            "body": "ONE\ntwo\nthree\n",
            "base_title": "T",
            "base_body": BASE,
            "draft_id": draft_id,
        },
    )
    box.hold(change.id, "changed elsewhere", CONFLICT)
    return drafts, box, draft_id


CURRENT = {"id": 5, "version": 2, "title": "T", "body": "uno\ntwo\nthree\n"}


def test_merge_for_uses_the_base_of_the_edit(setup: tuple[DraftStore, Outbox, str]) -> None:
    _drafts, box, _ = setup
    change = box.first()
    assert change is not None
    result = merge_for(change, CURRENT)
    assert not result.clean and result.conflicts[0].mine == ("ONE\n",)
    clean = merge_for(change, {**CURRENT, "body": "one\ntwo\nTHREE\n"})
    assert clean.clean and clean.resolve() == "ONE\ntwo\nTHREE\n"


def test_theirs_keeps_mine_in_history_and_sends_nothing(
    setup: tuple[DraftStore, Outbox, str],
) -> None:
    drafts, box, draft_id = setup
    change = box.first()
    assert change is not None
    assert resolve(drafts, box, change, CURRENT, THEIRS, "", "") is None
    assert box.count() == 0
    draft = drafts.get(draft_id)
    assert draft is not None and draft.body == CURRENT["body"] and draft.state == "published"
    bodies = [r.body for r in drafts.history(draft_id)]
    assert "ONE\ntwo\nthree\n" in bodies and bodies[-1] == CURRENT["body"]


@pytest.mark.parametrize("choice", [MINE, MERGE])
def test_mine_or_merge_keeps_theirs_and_is_sent_against_their_version(
    setup: tuple[DraftStore, Outbox, str], choice: str
) -> None:
    drafts, box, draft_id = setup
    change = box.first()
    assert change is not None
    merged = "ONE uno\ntwo\nthree\n"
    again = resolve(drafts, box, change, CURRENT, choice, "T2", merged)
    assert again is not None and again.status == "pending" and again.id == change.id
    assert again.payload["version"] == 2 and again.payload["base_body"] == CURRENT["body"]
    expected = "ONE\ntwo\nthree\n" if choice == MINE else merged
    assert again.payload["body"] == expected
    history = drafts.history(draft_id)
    assert CURRENT["body"] in [r.body for r in history]  # theirs, kept
    assert history[-1].body == expected and history[-1].note == choice.replace("merge", "merged")
    draft = drafts.get(draft_id)
    assert draft is not None and draft.body == expected and draft.base_version == 2
