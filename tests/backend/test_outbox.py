"""Email goes through a real SMTP server on loopback (aiosmtpd), never a mock."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from backend.extensions import db
from backend.models import Notification, OutboxMessage
from backend.outbox import OutboxWorker, backoff_seconds


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self, refuse: str | None = None) -> None:
        self.messages: list[Any] = []
        self.refuse = refuse
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_port() -> int:
    return free_port()


def start_smtp(port: int, inbox: Inbox) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def mail_app(app_factory, smtp_port):
    return app_factory(
        MAIL_ENABLED=True,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_port,
        MAIL_TIMEOUT=3,
        OUTBOX_RETRY_BASE=0.3,
        OUTBOX_POLL_SECONDS=0.1,
    )


def _account(client, name: str, email: str) -> dict[str, Any]:
    reply = client.post(
        "/api/v1/auth/register", json={"name": name, "email": email, "password": "correct horse"}
    )
    assert reply.status_code == 201, reply.json
    return {
        "id": reply.json["user"]["id"],
        "h": {"Authorization": f"Bearer {reply.json['access_token']}"},
    }


def _rated_poem(client, comment: str = "<b>Lovely</b> & true") -> tuple[int, int]:
    author = _account(client, "Ana Author", "ana@example.org")
    rater = _account(client, "Rui <Rater>", "rui@example.org")
    poem = client.post(
        "/api/v1/poems",
        json={"title": "Salt & Light", "body": "The sea\nremembers.\n"},
        headers=author["h"],
    )
    rating = client.post(
        f"/api/v1/poems/{poem.json['id']}/ratings",
        json={"score": 4, "comment": comment},
        headers=rater["h"],
    )
    assert rating.status_code == 201, rating.json
    return poem.json["id"], rating.json["id"]


def _outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        db.session.expunge_all()
        return list(rows)


def wait_until(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def test_a_rating_emails_the_author_a_letter(mail_app, smtp_port):
    inbox = Inbox()
    controller = start_smtp(smtp_port, inbox)
    try:
        _rated_poem(mail_app.test_client())
        with mail_app.app_context():
            assert OutboxWorker(mail_app).run_once() == 1
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "ana@example.org"
    assert "Salt & Light" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Rui <Rater>" in text and "4 out of 5" in text and "<b>Lovely</b> & true" in text
    assert "Dear Ana Author" in text
    assert "&lt;b&gt;Lovely&lt;/b&gt; &amp; true" in html
    assert "Rui &lt;Rater&gt;" in html and "<b>Lovely</b>" not in html
    [row] = _outbox(mail_app)
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1


def test_the_rating_request_never_touches_smtp(mail_app):
    # No SMTP server listens on the configured port: the POST still succeeds at once.
    started = time.monotonic()
    _rated_poem(mail_app.test_client())
    assert time.monotonic() - started < 5
    [row] = _outbox(mail_app)
    assert row.status == "pending" and row.attempts == 0


def test_no_email_when_the_author_turned_it_off(mail_app):
    client = mail_app.test_client()
    author = _account(client, "Quiet", "quiet@example.org")
    client.patch("/api/v1/users/me", json={"notify_by_email": False}, headers=author["h"])
    rater = _account(client, "Reader", "reader@example.org")
    poem = client.post("/api/v1/poems", json={"title": "T", "body": "b"}, headers=author["h"])
    client.post(f"/api/v1/poems/{poem.json['id']}/ratings", json={"score": 5}, headers=rater["h"])
    assert _outbox(mail_app) == []
    with mail_app.app_context():
        assert db.session.execute(select(Notification)).scalars().all()


def test_without_smtp_only_the_in_app_notification_is_made(app):
    _rated_poem(app.test_client())
    assert _outbox(app) == []
    with app.app_context():
        [note] = db.session.execute(select(Notification)).scalars().all()
        assert note.kind == "rating" and note.data["score"] == 4


def test_an_smtp_outage_loses_nothing_and_sends_once(mail_app, smtp_port):
    worker = OutboxWorker(mail_app)
    worker.start()
    controller = None
    try:
        _rated_poem(mail_app.test_client())
        worker.wake()
        wait_until(lambda: _outbox(mail_app)[0].attempts >= 1)
        row = _outbox(mail_app)[0]
        assert row.status == "pending" and row.last_error
        inbox = Inbox()
        controller = start_smtp(smtp_port, inbox)
        wait_until(lambda: _outbox(mail_app)[0].status == "sent")
        time.sleep(1.0)  # give a wrongful second delivery the chance to happen
        assert len(inbox.messages) == 1
    finally:
        worker.stop()
        if controller:
            controller.stop()


def test_a_refused_recipient_is_marked_failed_with_the_reason(mail_app, smtp_port):
    controller = start_smtp(smtp_port, Inbox(refuse="550 No such mailbox here"))
    try:
        _rated_poem(mail_app.test_client())
        with mail_app.app_context():
            OutboxWorker(mail_app).run_once()
    finally:
        controller.stop()
    [row] = _outbox(mail_app)
    assert row.status == "failed"
    assert "No such mailbox" in row.last_error


def test_two_workers_never_send_the_same_email_twice(mail_app, smtp_port):
    client = mail_app.test_client()
    author = _account(client, "Many", "many@example.org")
    poem = client.post("/api/v1/poems", json={"title": "T", "body": "b"}, headers=author["h"])
    for n in range(12):
        rater = _account(client, f"R{n}", f"r{n}@example.org")
        client.post(
            f"/api/v1/poems/{poem.json['id']}/ratings", json={"score": 3}, headers=rater["h"]
        )
    inbox = Inbox()
    controller = start_smtp(smtp_port, inbox)
    workers = [OutboxWorker(mail_app), OutboxWorker(mail_app)]
    try:

        def drain(worker: OutboxWorker) -> None:
            with mail_app.app_context():
                for _ in range(5):
                    worker.run_once()

        threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        controller.stop()
    assert len(inbox.messages) == 12
    assert {row.status for row in _outbox(mail_app)} == {"sent"}


def test_back_off_starts_within_ten_seconds_and_is_capped():
    assert backoff_seconds(1, 5, 600) <= 10
    waits = [backoff_seconds(n, 5, 600) for n in range(1, 20)]
    assert waits == sorted(waits)
    assert max(waits) == 600


def test_an_smtp_server_that_never_answers_does_not_hold_the_worker(app_factory):
    # Accepts connections (the kernel completes them) and never says a word.
    tarpit = socket.socket()
    tarpit.bind(("127.0.0.1", 0))
    tarpit.listen(16)
    app = app_factory(
        MAIL_ENABLED=True,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=tarpit.getsockname()[1],
        MAIL_TIMEOUT=1,
        OUTBOX_RETRY_BASE=0.3,
    )
    try:
        _rated_poem(app.test_client())
        started = time.monotonic()
        with app.app_context():
            assert OutboxWorker(app).run_once() == 0
        assert time.monotonic() - started < 10
    finally:
        tarpit.close()
    [row] = _outbox(app)
    assert row.status == "pending" and row.attempts == 1
    assert "timed out" in row.last_error.lower()
