"""Where the app keeps what it remembers: mode, server address, the session's refresh token.

A QSettings INI file in the user's config folder (or a path given by tests). The refresh
token is stored per mode and server, so a restart signs in silently; signing out forgets it.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

LOCAL = "local"
SERVER = "server"


def default_data_dir() -> Path:
    """POETSBAY_DATA_DIR, or the platform's app data folder (QStandardPaths)."""
    env = os.environ.get("POETSBAY_DATA_DIR")
    if env:
        return Path(env)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location or Path.home() / ".poetsbay")


def default_settings_path() -> Path:
    env = os.environ.get("POETSBAY_SETTINGS")
    if env:
        return Path(env)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return Path(location or Path.home() / ".config" / "PoetsBay") / "poetsbay.ini"


class Settings:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_settings_path()
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    @property
    def mode(self) -> str:
        mode = str(self._qs.value("connection/mode", LOCAL))
        return mode if mode in (LOCAL, SERVER) else LOCAL

    @property
    def server_url(self) -> str:
        return str(self._qs.value("connection/server_url", "") or "")

    def remember_connection(self, mode: str, server_url: str) -> None:
        self._qs.setValue("connection/mode", mode)
        if mode == SERVER:
            self._qs.setValue("connection/server_url", server_url)

    @staticmethod
    def _token_key(mode: str, server_url: str) -> str:
        where = "local" if mode == LOCAL else server_url.replace("/", "|")
        return f"sessions/{where}"

    def refresh_token(self, mode: str, server_url: str = "") -> str | None:
        value = self._qs.value(self._token_key(mode, server_url))
        return str(value) if value else None

    def remember_token(self, mode: str, server_url: str, token: str) -> None:
        self._qs.setValue(self._token_key(mode, server_url), token)
        self.sync()

    def forget_token(self, mode: str, server_url: str = "") -> None:
        self._qs.remove(self._token_key(mode, server_url))
        self.sync()

    def sync(self) -> None:
        self._qs.sync()
        try:
            os.chmod(self.path, 0o600)  # it holds a session token
        except OSError:
            pass
