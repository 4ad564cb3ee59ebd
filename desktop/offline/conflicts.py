"""What the poet chose for an edit that met a newer version, applied to the draft and outbox.

Whatever is not chosen stays in the draft's history as a revision: nothing is dropped.
"""

from __future__ import annotations

from typing import Any

from desktop.offline.drafts import DraftStore, new_draft_id
from desktop.offline.merge import MergeResult, merge_text
from desktop.offline.queue import Change, Outbox

THEIRS = "theirs"
MINE = "mine"
MERGE = "merge"


def merge_for(change: Change, current: dict[str, Any]) -> MergeResult:
    """The automatic three-way merge of a queued edit against the poem as it now stands."""
    p = change.payload
    base_body = p.get("base_body")
    return merge_text(
        "" if base_body is None else str(base_body),  # no base known: every difference asks
        str(p.get("body", "")),
        str(current.get("body", "")),
        base_title=str(p.get("base_title") or ""),
        my_title=str(p.get("title", "")),
        their_title=str(current.get("title", "")),
    )


def resolve(
    drafts: DraftStore,
    outbox: Outbox,
    change: Change,
    current: dict[str, Any],
    choice: str,
    title: str,
    body: str,
) -> Change | None:
    """Apply the choice; return the change to send again, or None when nothing is to be sent."""
    p = change.payload
    draft_id = str(p.get("draft_id") or new_draft_id())
    base = {
        "id": p.get("poem_id"),
        "version": p.get("version"),
        "title": p.get("base_title"),
        "body": p.get("base_body"),
    }
    mine = (str(p.get("title", "")), str(p.get("body", "")))
    theirs = (str(current.get("title", "")), str(current.get("body", "")))
    version = current.get("version")
    drafts.save(draft_id, *mine, poem=base)  # a queued edit without a draft gets one now
    if choice == THEIRS:
        drafts.keep_revision(draft_id, *mine, "mine")
        drafts.save(draft_id, *theirs, note=f"theirs:{version}")
        drafts.mark_published(draft_id, current)
        outbox.discard(change.id)
        return None
    drafts.keep_revision(draft_id, *theirs, f"theirs:{version}")
    final = mine if choice == MINE else (title, body)
    note = "mine" if choice == MINE else "merged"
    drafts.save(draft_id, *final, note=note)
    drafts.keep_revision(draft_id, *final, note)  # the chosen text is the newest revision
    drafts.rebase(draft_id, current)
    payload = {
        **p,
        "draft_id": draft_id,
        "poem_id": current.get("id", p.get("poem_id")),
        "version": version,
        "title": final[0],
        "body": final[1],
        "base_title": theirs[0],
        "base_body": theirs[1],
    }
    outbox.release(change.id, payload)
    return outbox.get(change.id)
