"""Offline-first writing: drafts on the device, changes that wait for the network, the merge.

Plain Python (no Qt): the desktop controller runs these off the GUI thread.
"""

from __future__ import annotations

from desktop.offline.cache import Cached, ReadCache
from desktop.offline.db import OfflineDb, store_path
from desktop.offline.drafts import Draft, DraftStore, Revision
from desktop.offline.merge import MergeResult, merge_text
from desktop.offline.queue import Change, Outbox

__all__ = [
    "Cached",
    "Change",
    "Draft",
    "DraftStore",
    "MergeResult",
    "OfflineDb",
    "Outbox",
    "ReadCache",
    "Revision",
    "merge_text",
    "store_path",
]
