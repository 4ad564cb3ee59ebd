"""Turning errors into words for a person. Known errors get a message; bugs get a traceback."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QCoreApplication

from desktop.api.errors import ApiError, ServerUnreachable
from desktop.embedded import EmbeddedServerError

log = logging.getLogger(__name__)


def tr(text: str) -> str:
    return QCoreApplication.translate("Errors", text)


def describe(exc: BaseException) -> str:
    """One or two sentences that say what happened and what to do."""
    if isinstance(exc, ServerUnreachable):
        where = exc.url or tr("the server")
        return (
            tr("Cannot reach %1 (%2). Check the address and your network, then retry.")
            .replace("%1", where)
            .replace("%2", exc.reason)
        )
    if isinstance(exc, EmbeddedServerError):
        return tr("The local library could not be opened: %1").replace("%1", str(exc))
    if isinstance(exc, ApiError):
        if exc.status == 401:
            return tr("Your session has ended. Please sign in again.")
        if exc.status == 403:
            return exc.detail or tr("You are not allowed to do that.")
        if exc.status == 404:
            return exc.detail or tr("It is not there any more (someone may have deleted it).")
        if exc.status == 429:
            wait = exc.body.get("retry_after")
            text = tr("Too many attempts. Please wait and try again.")
            if wait:
                text = tr("Too many attempts. Try again in %1 seconds.").replace("%1", str(wait))
            return text
        if exc.status >= 500:
            return tr("The server had a problem (%1). Try again in a moment.").replace(
                "%1", exc.message
            )
        return exc.message
    log.error("unexpected error: %s", "".join(traceback.format_exception(exc)))
    return tr("Something went wrong: %1").replace("%1", f"{type(exc).__name__}: {exc}")


def is_unreachable(exc: BaseException) -> bool:
    return isinstance(exc, ServerUnreachable | EmbeddedServerError)
