"""PagedModel: pages on demand, stale answers dropped, failures surfaced."""

from __future__ import annotations

import threading
from typing import Any

from pytestqt.qtbot import QtBot

from desktop.models.lists import PoemsModel
from desktop.models.paged import IdRole, ItemRole
from desktop.workers import TaskRunner


def pages(prefix: str, total: int) -> Any:
    def fetch(page: int, per_page: int) -> dict[str, Any]:
        first = (page - 1) * per_page
        items = [
            {"id": f"{prefix}{i}", "title": f"{prefix} {i}", "author": {"name": "Ana"}}
            for i in range(first, min(total, first + per_page))
        ]
        return {
            "items": items,
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": max(1, -(-total // per_page)),
        }

    return fetch


def test_loads_pages_on_demand(qtbot: QtBot) -> None:
    model = PoemsModel(TaskRunner(), per_page=10)
    with qtbot.waitSignal(model.loaded):
        model.set_fetch(pages("a", 25))
    assert model.rowCount() == 10 and model.total == 25
    assert "a 0" in model.index(0, 0).data()
    assert model.index(0, 0).data(IdRole) == "a0"
    assert model.index(0, 0).data(ItemRole)["title"] == "a 0"
    assert model.canFetchMore()
    with qtbot.waitSignal(model.loaded):
        model.fetchMore()
    with qtbot.waitSignal(model.loaded):
        model.fetchMore()
    assert model.rowCount() == 25
    assert not model.canFetchMore()


def test_a_new_query_drops_the_old_answer(qtbot: QtBot) -> None:
    release = threading.Event()
    slow = pages("old", 5)

    def held(page: int, per_page: int) -> dict[str, Any]:
        release.wait(5)
        return slow(page, per_page)

    runner = TaskRunner()
    model = PoemsModel(runner, per_page=10)
    model.set_fetch(held)  # the user typed ...
    with qtbot.waitSignal(model.loaded):
        model.set_fetch(pages("new", 3))  # ... and typed again
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)  # the stale answer has been delivered too
    assert not model.loading
    assert [model.index(r, 0).data(IdRole) for r in range(model.rowCount())] == [
        "new0",
        "new1",
        "new2",
    ]


def test_failure_is_signalled_and_stops_paging(qtbot: QtBot) -> None:
    def broken(page: int, per_page: int) -> dict[str, Any]:
        raise RuntimeError("boom")

    model = PoemsModel(TaskRunner(), per_page=10)
    with qtbot.waitSignal(model.failed) as failed:
        model.set_fetch(broken)
    assert str(failed.args[0]) == "boom"
    assert not model.canFetchMore() and not model.loading
