"""Pooled MySQL connections: checked before use only when they may have gone stale.

``pool_pre_ping`` pings on every checkout: a round trip on every request, a sixth of the
server's time on a page of poems (bench/README.md). A connection that was in use a moment
ago is alive; one that sat idle may belong to a database that has since restarted. So a
connection idle for more than ``IDLE_PING_SECONDS`` is pinged, and a dead one is replaced
before the request sees it (SQLAlchemy's pessimistic disconnect recipe, with a threshold).
A restart under full load is caught by SQLAlchemy itself: the statement that meets the
dead connection fails (a 503 asking to retry) and the whole pool is renewed.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

IDLE_PING_SECONDS = 1.0


@event.listens_for(Pool, "checkin")
def _remember_idle_since(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    ping = getattr(dbapi_connection, "ping", None)  # pymysql has one; sqlite3 needs none
    since = record.info.get("idle_since")
    if ping is None or since is None or time.monotonic() - since < IDLE_PING_SECONDS:
        return
    try:
        ping(reconnect=False)
    except Exception as error:  # any failure: let the pool make a fresh connection
        raise DisconnectionError(str(error)) from error
