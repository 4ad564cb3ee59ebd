"""ApiClient against a real backend: typed errors, tokens, the silent resume."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop.api import ApiClient, ApiError, ServerUnreachable
from desktop.api.client import normalize_url
from desktop.embedded import EmbeddedServer

PASSWORD = "correct horse 1"


def test_normalize_url() -> None:
    assert normalize_url(" club.example:8500/ ") == "http://club.example:8500"
    assert normalize_url("https://x.org/api/v1") == "https://x.org"


def test_unreachable_server_is_a_typed_error(free_port: int) -> None:
    client = ApiClient(f"http://127.0.0.1:{free_port}")
    with pytest.raises(ServerUnreachable):
        client.health()


def test_validation_errors_name_the_field(club_server: EmbeddedServer) -> None:
    client = ApiClient(club_server.url)
    with pytest.raises(ApiError) as caught:
        client.register("Ana", "not an email", "short")
    assert caught.value.status == 422
    assert {"email", "password"} <= set(caught.value.errors)


def test_wrong_password_is_401(
    club_server: EmbeddedServer, api_user: Callable[..., ApiClient]
) -> None:
    api_user("Ana")
    with pytest.raises(ApiError) as caught:
        ApiClient(club_server.url).login("ana@example.org", "wrong password")
    assert caught.value.status == 401


def test_resume_with_refresh_token_and_logout(
    club_server: EmbeddedServer, api_user: Callable[..., ApiClient]
) -> None:
    ana = api_user("Ana")
    token = ana.refresh_token
    assert token
    again = ApiClient(club_server.url)
    assert again.resume(token)["name"] == "Ana"
    poem = again.create_poem("Tide", "  in\n\n\tout\n")
    assert again.poem(poem["id"])["body"] == "  in\n\n\tout\n"
    again.logout()
    assert not again.signed_in
    with pytest.raises(ApiError) as caught:
        ApiClient(club_server.url).resume(token)
    assert caught.value.status == 401


def test_stale_version_is_412_with_current(
    club_server: EmbeddedServer, api_user: Callable[..., ApiClient]
) -> None:
    ana = api_user("Ana")
    poem = ana.create_poem("Tide", "one")
    ana.update_poem(poem["id"], version=poem["version"], body="two")
    with pytest.raises(ApiError) as caught:
        ana.update_poem(poem["id"], version=poem["version"], body="three")
    assert caught.value.status == 412
    assert caught.value.body["current"]["body"] == "two"
