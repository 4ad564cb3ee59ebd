"""Reading offline: what the reader has seen (poems opened, My poems, My ratings) is kept on
the device as it arrives, and shown from there, marked, while the server cannot be reached."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from desktop.api.errors import ServerUnreachable
from desktop.offline.cache import Cached

if TYPE_CHECKING:
    from desktop.sync import SyncController

Fetch = Callable[[int, int], dict[str, Any]]


class CachedReads(QObject):
    listStale = Signal(str, object)  # list name, time of the copy shown (None: fresh)

    def __init__(self, sync: SyncController) -> None:
        super().__init__(sync)
        self.sync = sync

    def remember_poem(self, poem: dict[str, Any]) -> None:
        cache = self.sync.cache
        if cache is not None:
            self.sync.disk.run(lambda: cache.put_poem(poem), None, lambda exc: None)

    def cached_poem(
        self,
        poem_id: int,
        found: Callable[[dict[str, Any], float], None],
        missing: Callable[[], None],
    ) -> None:
        cache = self.sync.cache
        if cache is None:
            missing()
            return

        def done(cached: Cached | None) -> None:
            if cached is None:
                missing()
            else:
                found(cached.data, cached.fetched_at)

        self.sync.disk.run(lambda: cache.poem(poem_id), done, lambda exc: missing())

    def cached_fetch(self, name: str, fetch: Fetch) -> Fetch:
        """Wrap a list's fetch (it runs on a worker): keep what comes, serve it when offline.

        ``listStale(name, fetched_at)`` says (queued to the GUI thread) when a copy is shown,
        ``listStale(name, None)`` when the list came fresh from the server.
        """
        sync, stale = self.sync, self.listStale

        def wrapped(page: int, per_page: int) -> dict[str, Any]:
            cache = sync.cache  # the account's store may open after the first fetch starts
            try:
                result = fetch(page, per_page)
            except ServerUnreachable:
                copy = cache.page(name, page, per_page) if cache is not None else None
                if copy is None:
                    raise
                stale.emit(name, copy.get("stale_since"))
                return copy
            if cache is not None:
                before = cache.list(name) if page > 1 else None
                seen = list(before.data)[: (page - 1) * per_page] if before else []
                cache.put_list(name, seen + list(result["items"]))
            if page == 1:
                stale.emit(name, None)
            return result

        return wrapped
