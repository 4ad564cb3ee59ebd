"""Small helpers the backend tests share (imported as ``tests.backend.helpers``)."""

from __future__ import annotations

import json
from typing import Any

API = "/api/v1"


def assert_problem(reply: Any, status: int) -> dict[str, Any]:
    """The reply is a problem+json error with this status, and says what went wrong."""
    assert reply.status_code == status, reply.get_data(as_text=True)
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    body = json.loads(reply.get_data(as_text=True))
    assert body["status"] == status
    for member in ("type", "title", "detail"):
        assert isinstance(body[member], str) and body[member], member
    return body


def publish(client: Any, account: Any, title: str = "A poem", body: str = "a line\n") -> Any:
    reply = client.post(
        f"{API}/poems", json={"title": title, "body": body}, headers=account.headers
    )
    assert reply.status_code == 201, reply.json
    return reply.json
