from __future__ import annotations

from typing import Any

from flask import request
from flask_restful import Resource

from .. import schemas
from ..auth import optional_user, signed_in_user
from ..errors import PreconditionFailed, ValidationFailed
from ..models import User
from ..serializers import poem_full, poem_summary_row
from ..services import poems as poem_service
from .common import idempotent, json_body, paged, query_args, transactional


def _full(poem_id: int, viewer: User | None) -> dict[str, Any]:
    poem, author = poem_service.get_poem_and_author(poem_id)
    return poem_full(poem, author, poem_service.my_rating(poem.id, viewer))


def _etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def _if_match() -> int | None:
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip()
    if value == "*":
        return None  # any current version
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not (value.isascii() and value.isdigit()):
        raise ValidationFailed({"If-Match": 'Must be the poem\'s version in quotes, like "3".'})
    return int(value)


class PoemList(Resource):
    def get(self) -> Any:
        query = query_args(schemas.PoemListQuery)
        viewer = optional_user()
        keys, count, rows_for = poem_service.list_poems(query, viewer)
        return paged(keys, count, query, poem_summary_row, rows_for)

    @idempotent
    def post(self) -> Any:
        author = signed_in_user()
        data = json_body(schemas.PoemCreateSchema)
        poem = poem_service.create_poem(author, data["title"], data["body"])
        body = poem_full(poem, author, None)
        headers = {"Location": f"/api/v1/poems/{poem.id}", **_etag(poem.version)}
        return body, 201, headers


class PoemItem(Resource):
    def get(self, poem_id: int) -> Any:
        viewer = optional_user()
        body = _full(poem_id, viewer)
        return body, 200, _etag(body["version"])

    @transactional
    def patch(self, poem_id: int) -> Any:
        user = signed_in_user()
        if_match = _if_match()
        data = json_body(schemas.PoemPatchSchema)
        poem = poem_service.get_poem(poem_id)
        try:
            poem_service.update_poem(poem, user, data, if_match)
        except PreconditionFailed as error:
            error.extra["current"] = _full(poem_id, user)
            raise
        body = _full(poem_id, user)
        return body, 200, _etag(body["version"])

    @transactional
    def delete(self, poem_id: int) -> Any:
        user = signed_in_user()
        poem_service.delete_poem(poem_service.get_poem(poem_id), user)
        return "", 204
