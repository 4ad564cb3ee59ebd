"""The OpenAPI 3.1 document, built from the same marshmallow schemas that validate requests.

Built on the first GET /openapi.json; apispec is imported only then, so starting a server
(the desktop app's Local mode above all) does not pay for it."""

from __future__ import annotations

from typing import Any

from . import __version__, schemas

PAGE = {"$ref": "#/components/schemas/Page"}
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
ID = {"type": "integer", "minimum": 1}

# (path, method, summary, auth, query schema, body schema, success status)
ROUTES: list[tuple[str, str, str, str, Any, Any, int]] = [
    ("/auth/register", "post", "Create an account", "none", None, schemas.RegisterSchema, 201),
    ("/auth/login", "post", "Sign in", "none", None, schemas.LoginSchema, 200),
    (
        "/auth/refresh",
        "post",
        "A new access token from a refresh token",
        "refresh",
        None,
        None,
        200,
    ),
    ("/auth/logout", "post", "Sign out", "access", None, schemas.LogoutSchema, 204),
    ("/users/me", "get", "Your own account", "access", None, None, 200),
    ("/users/me", "patch", "Change your profile", "access", None, schemas.ProfileSchema, 200),
    ("/users/me/ratings", "get", "Your ratings", "access", schemas.QuerySchema, None, 200),
    ("/users", "get", "Accounts (admins)", "access", schemas.UserListQuery, None, 200),
    ("/users/{user_id}", "get", "An account", "optional", None, None, 200),
    (
        "/users/{user_id}",
        "patch",
        "Change an account (admins)",
        "access",
        None,
        schemas.AdminUserSchema,
        200,
    ),
    ("/users/{user_id}", "delete", "Delete an account", "access", None, None, 204),
    ("/poems", "get", "Poems", "optional", schemas.PoemListQuery, None, 200),
    ("/poems", "post", "Publish a poem", "access", None, schemas.PoemCreateSchema, 201),
    ("/poems/{poem_id}", "get", "A poem", "optional", None, None, 200),
    ("/poems/{poem_id}", "patch", "Change a poem", "access", None, schemas.PoemPatchSchema, 200),
    ("/poems/{poem_id}", "delete", "Delete a poem", "access", None, None, 204),
    (
        "/poems/{poem_id}/ratings",
        "get",
        "A poem's ratings",
        "none",
        schemas.RatingListQuery,
        None,
        200,
    ),
    (
        "/poems/{poem_id}/ratings",
        "post",
        "Rate a poem",
        "access",
        None,
        schemas.RatingCreateSchema,
        201,
    ),
    ("/ratings", "get", "Ratings", "none", schemas.RatingListQuery, None, 200),
    ("/ratings/{rating_id}", "get", "A rating", "none", None, None, 200),
    (
        "/ratings/{rating_id}",
        "patch",
        "Change your rating",
        "access",
        None,
        schemas.RatingPatchSchema,
        200,
    ),
    ("/ratings/{rating_id}", "delete", "Delete a rating", "access", None, None, 204),
    (
        "/notifications",
        "get",
        "Your notifications",
        "access",
        schemas.NotificationListQuery,
        None,
        200,
    ),
    ("/notifications/{notification_id}/read", "post", "Mark one read", "access", None, None, 204),
    ("/notifications/read-all", "post", "Mark all read", "access", None, None, 204),
    ("/health", "get", "Is the server and its database up", "none", None, None, 200),
    ("/openapi.json", "get", "This document", "none", None, None, 200),
]


def _operation(
    path: str, summary: str, auth: str, query: Any, body: Any, status: int
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "parameters": [], "responses": {}}
    for part in path.split("/"):
        if part.startswith("{"):
            operation["parameters"].append(
                {"in": "path", "name": part[1:-1], "required": True, "schema": ID}
            )
    if query is not None:
        operation["parameters"].append({"in": "query", "schema": query})
    if body is not None:
        operation["requestBody"] = {
            "required": body.__name__
            in {"RegisterSchema", "LoginSchema", "PoemCreateSchema", "RatingCreateSchema"},
            "content": {"application/json": {"schema": body}},
        }
    if auth == "none":
        operation["security"] = []
    elif auth == "optional":
        operation["security"] = [{}, {"bearer": []}]
    else:
        operation["security"] = [{"bearer": []}]
    success: dict[str, Any] = {"description": "Success"}
    if status != 204:
        schema = PAGE if query is not None else {"type": "object"}
        success["content"] = {"application/json": {"schema": schema}}
    operation["responses"][str(status)] = success
    operation["responses"]["default"] = {"description": "An error", "content": PROBLEM}
    return operation


def build_spec() -> dict[str, Any]:
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    spec = APISpec(
        title="Poets Bay",
        version=__version__,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema(
        "Problem",
        {
            "type": "object",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
    )
    spec.components.schema(
        "Page",
        {
            "type": "object",
            "required": ["items", "page", "per_page", "total", "pages"],
            "properties": {
                "items": {"type": "array", "items": {"type": "object"}},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "total": {"type": "integer"},
                "pages": {"type": "integer"},
            },
        },
    )
    by_path: dict[str, dict[str, Any]] = {}
    for path, method, summary, auth, query, body, status in ROUTES:
        by_path.setdefault(path, {})[method] = _operation(path, summary, auth, query, body, status)
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
