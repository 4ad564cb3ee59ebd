"""The one way the desktop app talks to a Poets Bay backend: HTTP through ApiClient."""

from desktop.api.client import ApiClient, Page
from desktop.api.errors import ApiError, ClientError, ServerUnreachable

__all__ = ["ApiClient", "ApiError", "ClientError", "Page", "ServerUnreachable"]
