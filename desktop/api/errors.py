"""Typed errors raised by :class:`desktop.api.client.ApiClient`.

Plain Python: no Qt here, so the client can be used from any thread or script.
"""

from __future__ import annotations

from typing import Any


class ClientError(Exception):
    """Base of every error the API client raises on purpose."""


class ServerUnreachable(ClientError):
    """The server did not answer: refused, timed out, DNS failure, bad URL."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class ApiError(ClientError):
    """The server answered with an error (a problem+json body when it could)."""

    def __init__(
        self,
        status: int,
        title: str = "",
        detail: str = "",
        errors: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {title}: {detail}".strip())
        self.status = status
        self.title = title
        self.detail = detail
        self.errors: dict[str, str] = dict(errors or {})
        self.body: dict[str, Any] = dict(body or {})

    @property
    def message(self) -> str:
        """The most helpful single line for a person."""
        return self.detail or self.title or f"HTTP {self.status}"

    @classmethod
    def from_body(cls, status: int, body: Any, reason: str = "") -> ApiError:
        if not isinstance(body, dict):
            return cls(status, reason or f"HTTP {status}")
        errors = body.get("errors")
        flat: dict[str, str] = {}
        if isinstance(errors, dict):
            for field, msg in errors.items():
                if isinstance(msg, list):
                    msg = " ".join(str(m) for m in msg)
                elif isinstance(msg, dict):
                    msg = "; ".join(f"{k}: {v}" for k, v in msg.items())
                flat[str(field)] = str(msg)
        return cls(
            status,
            str(body.get("title") or reason or ""),
            str(body.get("detail") or ""),
            flat,
            body,
        )
