"""The concrete paged models: poems, ratings, notifications, users."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt

from desktop import format as fmt
from desktop.models.paged import Item, PagedModel


def tr(text: str) -> str:
    return QCoreApplication.translate("Models", text)


class PoemsModel(PagedModel):
    """Poem summaries. Display text: title, then author and score on a second line."""

    def display(self, item: Item) -> str:
        meta = " · ".join(
            part
            for part in (
                fmt.author(item),
                fmt.date(item.get("created_at")),
                fmt.average(item.get("rating_avg"), item.get("rating_count")),
            )
            if part
        )
        return f"{item.get('title', '')}\n{meta}"

    def tooltip(self, item: Item) -> str | None:
        return str(item.get("excerpt") or "") or None


def _comment_tooltip(item: Item) -> str | None:
    return str(item.get("comment") or "").strip() or None


class RatingsModel(PagedModel):
    """Ratings of one poem, as the reader pane shows them."""

    tooltip = staticmethod(_comment_tooltip)  # type: ignore[assignment]

    def display(self, item: Item) -> str:
        who = (item.get("user") or {}).get("name", "")
        head = f"{fmt.stars(item.get('score'))}  {who} · {fmt.date(item.get('created_at'))}"
        comment = str(item.get("comment") or "").strip()
        return f"{head}\n{comment}" if comment else head


class MyRatingsModel(PagedModel):
    """The signed-in reader's ratings: which poem, what score."""

    tooltip = staticmethod(_comment_tooltip)  # type: ignore[assignment]

    def display(self, item: Item) -> str:
        poem = (item.get("poem") or {}).get("title", "")
        head = f"{poem}\n{fmt.stars(item.get('score'))} · {fmt.date(item.get('created_at'))}"
        comment = str(item.get("comment") or "").strip()
        return f"{head} · {comment}" if comment else head


def notification_text(item: Item) -> str:
    data: dict[str, Any] = item.get("data") or {}
    if item.get("kind") == "rating":
        return (
            tr("%1 rated “%2” %3")
            .replace("%1", str(data.get("rater_name", "")))
            .replace("%2", str(data.get("poem_title", "")))
            .replace("%3", fmt.stars(data.get("score")))
        )
    return str(item.get("kind", ""))


class NotificationsModel(PagedModel):
    def display(self, item: Item) -> str:
        marker = "" if item.get("read") else "● "
        return f"{marker}{notification_text(item)}\n{fmt.date(item.get('created_at'))}"

    def mark_read(self, item_id: Any) -> None:
        self.update_item({"id": item_id, "read": True})

    def mark_all_read(self) -> None:
        for item in self.items:
            self.update_item({"id": item.get("id"), "read": True})


class UsersModel(PagedModel):
    columns = [
        (QT_TRANSLATE_NOOP("Models", "Name"), lambda u: str(u.get("name", ""))),
        (QT_TRANSLATE_NOOP("Models", "Email"), lambda u: str(u.get("email", ""))),
        (QT_TRANSLATE_NOOP("Models", "Role"), lambda u: str(u.get("role", ""))),
        (
            QT_TRANSLATE_NOOP("Models", "Status"),
            lambda u: tr("active") if u.get("active", True) else tr("disabled"),
        ),
        (QT_TRANSLATE_NOOP("Models", "Poems"), lambda u: str(u.get("poem_count", 0))),
        (QT_TRANSLATE_NOOP("Models", "Ratings"), lambda u: str(u.get("rating_count", 0))),
    ]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        header = super().headerData(section, orientation, role)
        return tr(header) if isinstance(header, str) else header
