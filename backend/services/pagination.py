from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db


def page_of(
    stmt: Select[Any],
    count_stmt: Select[Any] | None,
    page: int,
    per_page: int,
    serialize: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """Two statements whatever the page size: the count and the page's rows."""
    if count_stmt is None:
        count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
    total = db.session.execute(count_stmt).scalar_one()
    offset = (page - 1) * per_page
    # Past the end there is nothing to fetch (and an offset past 2**63 would not even bind).
    rows = db.session.execute(stmt.limit(per_page).offset(offset)).all() if offset < total else []
    return {
        "items": [serialize(row) for row in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": math.ceil(total / per_page) if total else 0,
    }
