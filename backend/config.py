"""Configuration: one env-driven Config, read once when the app is made.

Every setting comes from a ``POETSBAY_`` environment variable; the defaults serve
Local mode (a SQLite library in the user's data folder, a generated secret kept
beside it, in-app notifications only until SMTP is configured).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

ROLES = ("admin", "poet", "reader")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"POETSBAY_{name}")
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool = False) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def data_dir() -> Path:
    """The folder for the SQLite library, the secret key and logs."""
    folder = Path(_env("DATA_DIR") or user_data_dir("PoetsBay", "PoetsBay"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _secret_key(folder: Path) -> str:
    """The JWT signing key: from the environment, or generated once and kept."""
    configured = _env("SECRET_KEY")
    if configured:
        return configured
    path = folder / "secret.key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key)
        return key


def database_url(folder: Path) -> str:
    url = _env("DATABASE_URL")
    if url:
        if url.startswith("mysql+pymysql://") and "charset=" not in url:
            url += ("&" if "?" in url else "?") + "charset=utf8mb4"
        return url
    return f"sqlite:///{folder / 'poetsbay.db'}"


def build_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The app's configuration: environment first, then ``overrides`` on top."""
    overrides = dict(overrides or {})
    folder = Path(overrides.pop("DATA_DIR", None) or data_dir())
    folder.mkdir(parents=True, exist_ok=True)
    url = overrides.pop("SQLALCHEMY_DATABASE_URI", None) or database_url(folder)
    mail_server = _env("MAIL_SERVER")
    config: dict[str, Any] = {
        "DATA_DIR": str(folder),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "SECRET_KEY": None,
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=15),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(days=30),
        "JWT_TOKEN_LOCATION": ["headers"],
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "DEFAULT_ROLE": _env("DEFAULT_ROLE", "poet"),
        "LOCAL_MODE": False,
        "MAIL_ENABLED": bool(mail_server),
        "MAIL_SERVER": mail_server or "localhost",
        "MAIL_PORT": int(_env("MAIL_PORT", "25") or 25),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL"),
        "MAIL_USERNAME": _env("MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": _env("MAIL_SENDER", "Poets Bay <poetsbay@localhost>"),
        "MAIL_TIMEOUT": 10,
        "MAIL_SUPPRESS_SEND": False,  # Flask-Mail would drop mail whenever TESTING is on
        # Outbox back-off: first retry after OUTBOX_RETRY_BASE seconds, doubling, capped.
        "OUTBOX_RETRY_BASE": 5.0,
        "OUTBOX_RETRY_CAP": 600.0,
        # Temporary failures are retried for about a week (at the 10-minute cap) before an
        # email is marked failed: an SMTP outage must not lose mail.
        "OUTBOX_MAX_ATTEMPTS": 1100,
        "OUTBOX_POLL_SECONDS": 2.0,
        "LOGIN_WINDOW_SECONDS": 15 * 60,
        "LOGIN_MAX_PER_ACCOUNT": 5,
        "LOGIN_MAX_PER_ADDRESS": 20,
        "RESTFUL_JSON": {"ensure_ascii": False},
    }
    config.update(overrides)
    if config["DEFAULT_ROLE"] not in ROLES:
        raise ValueError(f"POETSBAY_DEFAULT_ROLE must be one of {', '.join(ROLES)}")
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _secret_key(folder)
    config.setdefault("JWT_SECRET_KEY", config["SECRET_KEY"])
    return config


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 15, "check_same_thread": False}}
    # No pool_pre_ping: backend.connections pings only connections that sat idle.
    return {"pool_recycle": 3600, "pool_size": 10, "max_overflow": 20}
