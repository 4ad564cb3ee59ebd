"""ApiClient: plain Python over requests, one method per call of API.md.

Thread-safe enough for the GUI's worker pool: a lock guards the tokens, and a 401 on an
authenticated call is retried once after refreshing the access token.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop.api.errors import ApiError, ServerUnreachable

if TYPE_CHECKING:
    import requests

Page = dict[str, Any]
Json = dict[str, Any]

CONNECT_TIMEOUT = 4.0
READ_TIMEOUT = 20.0


def normalize_url(url: str) -> str:
    """'club.example:8500' -> 'http://club.example:8500' (no trailing slash, no /api/v1)."""
    url = url.strip().rstrip("/")
    if url and "://" not in url:
        url = "http://" + url
    if url.endswith("/api/v1"):
        url = url[: -len("/api/v1")]
    return url


class ApiClient:
    """A session with one backend. Raises ApiError or ServerUnreachable."""

    def __init__(
        self,
        base_url: str = "",
        *,
        on_tokens_changed: Callable[[str | None], None] | None = None,
    ) -> None:
        self._base_url = normalize_url(base_url)
        self._session: requests.Session | None = None  # made on first use, off the GUI thread
        self._lock = threading.Lock()
        self._access: str | None = None
        self._refresh: str | None = None
        self.on_tokens_changed = on_tokens_changed
        #: called on the calling thread after each call: True when the server answered,
        #: False when it could not be reached (the offline indicator listens)
        self.on_heard: Callable[[bool], None] | None = None

    # -- configuration --------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self._base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._base_url = normalize_url(url)

    @property
    def refresh_token(self) -> str | None:
        return self._refresh

    @property
    def signed_in(self) -> bool:
        return self._access is not None or self._refresh is not None

    def set_tokens(self, access: str | None, refresh: str | None) -> None:
        with self._lock:
            changed = refresh != self._refresh
            self._access, self._refresh = access, refresh
        if changed and self.on_tokens_changed:
            self.on_tokens_changed(refresh)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    def _http(self) -> requests.Session:
        # requests is imported here, on a worker thread, so the first window does not wait
        # for it (it costs a few hundred milliseconds to import).
        with self._lock:
            if self._session is None:
                import requests

                self._session = requests.Session()
                self._session.headers["Accept"] = "application/json"
            return self._session

    # -- the wire ---------------------------------------------------------------------------
    def _url(self, path: str) -> str:
        if not self._base_url:
            raise ServerUnreachable("", "no server address")
        return f"{self._base_url}/api/v1{path}"

    def _send(self, method: str, path: str, token: str | None, **kwargs: Any) -> requests.Response:
        try:
            resp = self._send_once(method, path, token, **kwargs)
        except ServerUnreachable:
            self._tell(False)
            raise
        self._tell(True)
        return resp

    def _tell(self, answered: bool) -> None:
        listener = self.on_heard
        if listener is not None:
            listener(answered)

    def _send_once(
        self, method: str, path: str, token: str | None, **kwargs: Any
    ) -> requests.Response:
        import requests

        url = self._url(path)
        session = self._http()
        headers = dict(kwargs.pop("headers", None) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            return session.request(
                method, url, headers=headers, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), **kwargs
            )
        except requests.exceptions.InvalidURL as exc:
            raise ServerUnreachable(self._base_url, f"invalid address ({exc})") from exc
        except requests.exceptions.MissingSchema as exc:
            raise ServerUnreachable(self._base_url, "invalid address") from exc
        except requests.exceptions.Timeout as exc:
            raise ServerUnreachable(self._base_url, "timed out") from exc
        except requests.exceptions.ConnectionError as exc:
            raise ServerUnreachable(self._base_url, "connection refused or lost") from exc

    def request(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Any:
        """Send one call; return the decoded JSON (None for 204)."""
        token = self._access if auth else None
        resp = self._send(method, path, token, **kwargs)
        if resp.status_code == 401 and auth and self._refresh and path != "/auth/refresh":
            self.refresh()
            resp = self._send(method, path, self._access, **kwargs)
        return self._decode(resp)

    @staticmethod
    def _decode(resp: requests.Response) -> Any:
        body: Any = None
        if resp.content:
            try:
                body = resp.json()
            except ValueError:
                body = None
        if resp.status_code >= 400:
            error = ApiError.from_body(resp.status_code, body, resp.reason or "")
            retry_after = resp.headers.get("Retry-After")
            if retry_after:
                error.body.setdefault("retry_after", retry_after)
            raise error
        if resp.status_code == 204:
            return None
        if body is None and resp.content:
            raise ApiError(resp.status_code, "Unexpected answer", "The server did not send JSON.")
        return body

    # -- auth -------------------------------------------------------------------------------
    def health(self) -> Json:
        return self.request("GET", "/health", auth=False)

    def register(self, name: str, email: str, password: str) -> Json:
        data = self.request(
            "POST",
            "/auth/register",
            auth=False,
            json={"name": name, "email": email, "password": password},
        )
        self.set_tokens(data.get("access_token"), data.get("refresh_token"))
        return data["user"]

    def login(self, email: str, password: str) -> Json:
        data = self.request(
            "POST", "/auth/login", auth=False, json={"email": email, "password": password}
        )
        self.set_tokens(data.get("access_token"), data.get("refresh_token"))
        return data["user"]

    def resume(self, refresh_token: str) -> Json:
        """Sign in again from a remembered refresh token; returns the private user."""
        self.set_tokens(None, refresh_token)
        self.refresh()
        return self.me()

    def refresh(self) -> None:
        refresh = self._refresh
        if not refresh:
            raise ApiError(401, "Not signed in")
        resp = self._send("POST", "/auth/refresh", refresh)
        try:
            data = self._decode(resp)
        except ApiError as exc:
            if exc.status == 401:
                self.set_tokens(None, None)
            raise
        with self._lock:
            self._access = data["access_token"]

    def take_session(self) -> ApiClient:
        """Hand the tokens to a new client (to sign it out off-thread) and forget them here."""
        other = ApiClient(self._base_url)
        other.set_tokens(self._access, self._refresh)
        self.set_tokens(None, None)
        return other

    def logout(self) -> None:
        refresh = self._refresh
        try:
            if self._access or refresh:
                body = {"refresh_token": refresh} if refresh else None
                self.request("POST", "/auth/logout", json=body)
        finally:
            self.set_tokens(None, None)

    # -- users ------------------------------------------------------------------------------
    def me(self) -> Json:
        return self.request("GET", "/users/me")

    def update_me(self, **fields: Any) -> Json:
        return self.request("PATCH", "/users/me", json=fields)

    def my_ratings(self, page: int = 1, per_page: int = 20) -> Page:
        return self.request("GET", "/users/me/ratings", params=_page(page, per_page))

    def users(self, page: int = 1, per_page: int = 20, **filters: Any) -> Page:
        return self.request("GET", "/users", params={**_page(page, per_page), **_clean(filters)})

    def user(self, user_id: int) -> Json:
        return self.request("GET", f"/users/{user_id}")

    def update_user(self, user_id: int, **fields: Any) -> Json:
        return self.request("PATCH", f"/users/{user_id}", json=fields)

    def delete_user(self, user_id: int) -> None:
        self.request("DELETE", f"/users/{user_id}")

    # -- poems ------------------------------------------------------------------------------
    def poems(self, page: int = 1, per_page: int = 20, **filters: Any) -> Page:
        return self.request("GET", "/poems", params={**_page(page, per_page), **_clean(filters)})

    def poem(self, poem_id: int) -> Json:
        return self.request("GET", f"/poems/{poem_id}")

    def create_poem(self, title: str, body: str) -> Json:
        return self.request("POST", "/poems", json={"title": title, "body": body})

    def update_poem(self, poem_id: int, *, version: int | None = None, **fields: Any) -> Json:
        headers = {"If-Match": f'"{version}"'} if version is not None else {}
        return self.request("PATCH", f"/poems/{poem_id}", json=fields, headers=headers)

    def delete_poem(self, poem_id: int) -> None:
        self.request("DELETE", f"/poems/{poem_id}")

    # -- ratings ----------------------------------------------------------------------------
    def poem_ratings(self, poem_id: int, page: int = 1, per_page: int = 20, **f: Any) -> Page:
        params = {**_page(page, per_page), **_clean(f)}
        return self.request("GET", f"/poems/{poem_id}/ratings", params=params)

    def rate(self, poem_id: int, score: int, comment: str = "") -> Json:
        return self.request(
            "POST", f"/poems/{poem_id}/ratings", json={"score": score, "comment": comment}
        )

    def update_rating(self, rating_id: int, **fields: Any) -> Json:
        return self.request("PATCH", f"/ratings/{rating_id}", json=fields)

    def delete_rating(self, rating_id: int) -> None:
        self.request("DELETE", f"/ratings/{rating_id}")

    # -- notifications ----------------------------------------------------------------------
    def notifications(self, page: int = 1, per_page: int = 20, unread: bool = False) -> Page:
        params: dict[str, Any] = _page(page, per_page)
        if unread:
            params["unread"] = "true"
        return self.request("GET", "/notifications", params=params)

    def unread_count(self) -> int:
        return int(self.notifications(1, 1, unread=True).get("total", 0))

    def mark_read(self, notification_id: int) -> None:
        self.request("POST", f"/notifications/{notification_id}/read")

    def mark_all_read(self) -> None:
        self.request("POST", "/notifications/read-all")


def _page(page: int, per_page: int) -> dict[str, Any]:
    return {"page": page, "per_page": per_page}


def _clean(filters: dict[str, Any]) -> dict[str, Any]:
    """Drop empty filters; booleans as 'true'."""
    out: dict[str, Any] = {}
    for key, value in filters.items():
        if value is None or value == "" or value is False:
            continue
        out[key] = "true" if value is True else value
    return out
