"""A small believable library, made through the API (for screenshots and the self-test),
and a way to wait for the GUI without sleeping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer

from desktop.api import ApiClient

PASSWORD = "demo password 1"

POEMS: list[tuple[str, str, str]] = [
    (
        "Marta",
        "Low Tide at Seven",
        "The sea has gone to fetch the moon\n"
        "and left its silver on the stones;\n"
        "    a heron, patient as a spoon,\n"
        "    stirs the evening's quiet bones.\n"
        "\n"
        "I count the boats that will not sail,\n"
        "the ropes gone slack, the gulls gone home —\n"
        "    and every shell, however frail,\n"
        "    keeps one small ocean of its own.\n",
    ),
    (
        "Tomás",
        "Café at the Corner",
        "Steam from the cup,\n"
        "rain on the glass,\n"
        "the city rehearsing\n"
        "its old lines.\n"
        "\n"
        "Nobody hurries.\n"
        "    Even the clock\n"
        "        leans on its hands.\n",
    ),
    (
        "Ines",
        "Inventory of a Small Kitchen",
        "One chipped bowl, blue.\n"
        "Two spoons that do not match.\n"
        "A window facing east, which counts as furniture.\n"
        "\n"
        "The kettle's argument with silence.\n"
        "My mother's handwriting on a jar of salt.\n",
    ),
    (
        "Marta",
        "Lighthouse Keeper",
        "Each night I lend the dark\n"
        "a little of my patience:\n"
        "\n"
        "    turn, and turn,\n"
        "    and turn.\n",
    ),
    (
        "Tomás",
        "Ñandú",
        "Long legs on the pampa,\na question mark running\naway from the answer.\n",
    ),
    ("Ines", "Winter Orchard", "Bare branches write\nwhat the leaves could not say:\nwait.\n"),
]

RATINGS: list[tuple[str, str, int, str]] = [
    ("Tomás", "Low Tide at Seven", 5, "The spoon! I will never see a heron the same way."),
    ("Ines", "Low Tide at Seven", 4, "That last line stays with me."),
    ("Marta", "Café at the Corner", 4, "The clock leaning on its hands — lovely."),
    ("Ines", "Café at the Corner", 5, ""),
    ("Marta", "Inventory of a Small Kitchen", 5, "The jar of salt broke my heart."),
    ("Tomás", "Lighthouse Keeper", 3, "Short and sure."),
    ("Marta", "Ñandú", 4, "Ha! A question mark running."),
]


def seed(url: str, admin: str = "Marta") -> dict[str, ApiClient]:
    """Register the demo poets (the first is the library's admin), their poems and ratings."""
    clients: dict[str, ApiClient] = {}
    for name in dict.fromkeys([admin] + [p[0] for p in POEMS]):
        client = ApiClient(url)
        client.register(name, f"{_ascii(name).lower()}@example.org", PASSWORD)
        clients[name] = client
    ids: dict[str, int] = {}
    for author, title, body in POEMS:
        ids[title] = int(clients[author].create_poem(title, body)["id"])
    for rater, title, score, comment in RATINGS:
        clients[rater].rate(ids[title], score, comment)
    return clients


def _ascii(name: str) -> str:
    return name.replace("á", "a").replace("ñ", "n").replace("Ñ", "N")


def email(name: str) -> str:
    return f"{_ascii(name).lower()}@example.org"


def wait_until(condition: Callable[[], Any], timeout_ms: int = 20000) -> bool:
    """Run the event loop until ``condition()`` is true (checked every 20 ms) or time runs out."""
    if condition():
        return True
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(20)
    check.timeout.connect(lambda: loop.quit() if condition() else None)
    give_up = QTimer()
    give_up.setSingleShot(True)
    give_up.timeout.connect(loop.quit)
    check.start()
    give_up.start(timeout_ms)
    loop.exec()
    check.stop()
    give_up.stop()
    return bool(condition())
