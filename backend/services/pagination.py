from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Select, event, func, select
from sqlalchemy.orm import Session

from ..extensions import db

TOTAL_TTL_SECONDS = 2.0


@dataclass(frozen=True)
class SharedTotal:
    """The count of an unfiltered list, which every first page asks for.

    Counting 20,000 rows costs MySQL more than the rest of the request, so the
    number is kept for ``TOTAL_TTL_SECONDS`` per app and dropped on every write
    this process makes to the list (``forget_totals``); a write made by another
    server shows in the total at most that much later.
    """

    name: str
    stmt: Select[Any]


def _totals() -> dict[str, tuple[float, int]]:
    return current_app.extensions.setdefault("poetsbay_totals", {})


_totals_lock = threading.Lock()


def forget_totals() -> None:
    """Drop the kept totals now, and again once this transaction commits: a list asked
    for in between would otherwise keep the old number for its whole lifetime."""
    _clear_totals()
    db.session.info["totals_changed"] = True


def _clear_totals() -> None:
    with _totals_lock:
        _totals().clear()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("totals_changed", False):
        _clear_totals()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("totals_changed", None)


def _total(count: Select[Any] | SharedTotal) -> int:
    if not isinstance(count, SharedTotal):
        return int(db.session.execute(count).scalar_one())
    now = time.monotonic()
    kept = _totals().get(count.name)
    if kept is not None and now - kept[0] < TOTAL_TTL_SECONDS:
        return kept[1]
    total = int(db.session.execute(count.stmt).scalar_one())
    with _totals_lock:
        _totals()[count.name] = (now, total)
    return total


def page_of(
    stmt: Select[Any],
    count_stmt: Select[Any] | SharedTotal | None,
    page: int,
    per_page: int,
    serialize: Callable[[Any], dict[str, Any]],
    rows_for: Callable[[Any], Select[Any]] | None = None,
) -> dict[str, Any]:
    """Two statements whatever the page size: the count and the page's rows.

    With ``rows_for``, ``stmt`` selects only the keys and the page's window of keys
    (as a subquery) is handed to ``rows_for`` for the statement that fetches the rows.
    """
    if count_stmt is None:
        count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
    total = _total(count_stmt)
    offset = (page - 1) * per_page
    # Past the end there is nothing to fetch (and an offset past 2**63 would not even bind).
    window = stmt.limit(per_page).offset(offset)
    if rows_for is not None:
        window = rows_for(window.subquery("page_keys"))
    rows = db.session.execute(window).all() if offset < total else []
    return {
        "items": [serialize(row) for row in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": math.ceil(total / per_page) if total else 0,
    }
