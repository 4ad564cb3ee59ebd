"""The outbox worker: sends queued emails off the request path, with back-off.

Rows are claimed with one conditional UPDATE (a row is taken by a worker only while
nobody holds an unexpired claim on it), so two server processes on one MySQL
database never send the same email twice.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from flask_mail import Connection, Message
from sqlalchemy import delete, or_, select, update

from .extensions import db
from .models import IdempotencyRecord, LoginFailure, OutboxMessage, RevokedToken
from .models.outbox import FAILED, PENDING, SENT
from .models.types import utcnow

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120
BATCH = 20


def backoff_seconds(attempts: int, base: float, cap: float) -> float:
    """Wait before retry number ``attempts`` (1 = the first retry): base, 2×base, … ≤ cap."""
    return min(cap, base * (2 ** max(0, attempts - 1)))


def is_permanent(error: Exception) -> bool:
    """5xx answers (bad recipient, refused sender), and anything that is not an SMTP
    or network failure (a message that cannot be built), will not get better."""
    if not isinstance(error, smtplib.SMTPException | OSError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600 and error.smtp_code != 530
    return False


class LetterMessage(Message):
    """Flask-Mail wraps text + HTML in multipart/mixed even without attachments;
    a letter is multipart/alternative at the top, so every client picks one part."""

    def _message(self) -> Any:
        message = super()._message()
        parts = message.get_payload() if message.get_content_type() == "multipart/mixed" else None
        if self.attachments or not parts or len(parts) != 1:
            return message
        alternative = parts[0]
        for name, value in message._headers:  # as stored, already encoded for the wire
            if name.lower() not in ("content-type", "mime-version"):
                alternative._headers.append((name, value))
        alternative.policy = message.policy
        return alternative


PURGE_EVERY_SECONDS = 3600
IDEMPOTENCY_KEEP = timedelta(days=1)


def purge_expired() -> None:
    """Forget what no longer matters: revoked tokens past their expiry, replayable
    answers older than a day, failed sign-ins outside every window."""
    now = utcnow()
    window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
    db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - IDEMPOTENCY_KEEP)
    )
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - window))
    db.session.commit()


class TimedConnection(Connection):
    """Flask-Mail opens SMTP without a timeout: a server that accepts the connection and
    never answers would hold the worker, and every email after it, for ever."""

    def __init__(self, state: Any, timeout: float) -> None:
        super().__init__(state)
        self.timeout = timeout

    def configure_host(self) -> smtplib.SMTP:
        kind = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = kind(self.mail.server, self.mail.port, timeout=self.timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


class OutboxWorker:
    """A thread that sends the outbox; ``wake()`` makes it look at once."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.worker_id = f"{socket.gethostname()[:40]}-{uuid.uuid4().hex[:12]}"
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        app.extensions["poetsbay_outbox_wake"] = self._wake

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        poll = self.app.config["OUTBOX_POLL_SECONDS"]
        next_purge = 0.0
        while not self._stop.is_set():
            try:
                with self.app.app_context():
                    self.run_once()
                    if time.monotonic() >= next_purge:
                        purge_expired()
                        next_purge = time.monotonic() + PURGE_EVERY_SECONDS
            except Exception:  # a database outage: log and keep the thread alive
                log.exception("outbox: pass failed; will try again")
            self._wake.wait(poll)
            self._wake.clear()

    def run_once(self) -> int:
        """Claim what is due, send it, record each outcome. Returns how many were sent."""
        if not self.app.config["MAIL_ENABLED"]:
            return 0
        claimed = self._claim()
        sent = 0
        for message_id in claimed:
            if self._stop.is_set():
                break
            sent += self._deliver(message_id)
        return sent

    def _claim(self) -> list[int]:
        now = utcnow()
        due = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == PENDING,
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .order_by(OutboxMessage.id)
            .limit(BATCH)
        )
        candidates = db.session.execute(due).scalars().all()
        if not candidates:
            db.session.rollback()
            return []
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(candidates),
                OutboxMessage.status == PENDING,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .values(claimed_by=self.worker_id, claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        mine = (
            db.session.execute(
                select(OutboxMessage.id).where(
                    OutboxMessage.id.in_(candidates),
                    OutboxMessage.claimed_by == self.worker_id,
                    OutboxMessage.status == PENDING,
                )
            )
            .scalars()
            .all()
        )
        db.session.rollback()
        return list(mine)

    def _deliver(self, message_id: int) -> int:
        # Renew the claim on this one message just before sending: the batch's claim may
        # have run out while earlier messages waited on a slow SMTP server.
        now = utcnow()
        renewed = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == PENDING,
                OutboxMessage.claimed_by == self.worker_id,
                OutboxMessage.claimed_until > now,
            )
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if renewed != 1:
            return 0
        row = db.session.get(OutboxMessage, message_id)
        if row is None:
            return 0
        message = LetterMessage(
            subject=row.subject, recipients=[row.recipient], body=row.body_text, html=row.body_html
        )
        try:
            state = self.app.extensions["mail"]
            with TimedConnection(state, self.app.config["MAIL_TIMEOUT"]) as connection:
                message.send(connection)
        except Exception as error:  # every SMTP or socket failure is recorded on the row
            self._failed(row, error)
            return 0
        row.status = SENT
        row.sent_at = utcnow()
        row.attempts += 1
        row.claimed_until = None
        row.last_error = None
        db.session.commit()
        log.info("outbox: sent message %s to %s", row.id, row.recipient)
        return 1

    def _failed(self, row: OutboxMessage, error: Exception) -> None:
        config = self.app.config
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        row.claimed_until = None
        if is_permanent(error) or row.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
            row.status = FAILED
            log.warning("outbox: message %s failed for good: %s", row.id, row.last_error)
        else:
            wait = backoff_seconds(
                row.attempts, config["OUTBOX_RETRY_BASE"], config["OUTBOX_RETRY_CAP"]
            )
            row.next_attempt_at = utcnow() + timedelta(seconds=wait)
            log.info(
                "outbox: message %s will be retried in %.0f s: %s", row.id, wait, row.last_error
            )
        db.session.commit()
