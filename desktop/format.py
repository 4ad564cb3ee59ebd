"""How numbers, dates and stars read to a person. No widgets here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt


def tr(text: str) -> str:
    return QCoreApplication.translate("Format", text)


def stars(score: float | int | None) -> str:
    if score is None:
        return ""
    full = int(round(float(score)))
    return "★" * full + "☆" * (5 - full)


def average(avg: float | None, count: int | None) -> str:
    if avg is None or not count:
        return tr("not rated yet")
    return tr("★ %1 (%2)").replace("%1", f"{float(avg):.1f}").replace("%2", str(count))


def date(value: str | None) -> str:
    """ISO 8601 from the API -> a short local date."""
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    dt = QDateTime.fromSecsSinceEpoch(int(parsed.timestamp()))
    return QLocale().toString(dt.toLocalTime().date(), "d MMM yyyy")


def author(item: dict[str, Any]) -> str:
    who = item.get("author") or item.get("user") or {}
    return str(who.get("name", "")) if isinstance(who, dict) else ""


def counts(body: str) -> tuple[int, int, int]:
    """(lines, stanzas, words) of a poem: stanzas are runs of non-blank lines."""
    lines = [line for line in body.splitlines()]
    filled = [line for line in lines if line.strip()]
    stanzas = 0
    previous_blank = True
    for line in lines:
        blank = not line.strip()
        if not blank and previous_blank:
            stanzas += 1
        previous_blank = blank
    return len(filled), stanzas, len(body.split())


def elide(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
