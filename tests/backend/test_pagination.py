"""The unfiltered poem total is kept a moment; a write drops it, also when it commits."""

import time

from backend.extensions import db
from backend.models import User
from backend.services.pagination import _totals
from backend.services.poems import create_poem


def test_a_total_kept_while_a_poem_is_being_written_is_dropped_at_commit(app, client, poet):
    assert client.get("/api/v1/poems").json["total"] == 0
    with app.app_context():
        author = db.session.get(User, poet.id)
        create_poem(author, "Between", "a write and its commit\n")
        # A list served by another thread before this commit keeps the old total:
        _totals()["poems"] = (time.monotonic(), 0)
        db.session.commit()
    assert client.get("/api/v1/poems").json["total"] == 1


def test_the_total_follows_a_publish_at_once(client, poet):
    assert client.get("/api/v1/poems").json["total"] == 0
    client.post("/api/v1/poems", json={"title": "T", "body": "b"}, headers=poet.headers)
    assert client.get("/api/v1/poems").json["total"] == 1
