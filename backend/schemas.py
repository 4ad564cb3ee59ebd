"""Request validation: named fields only, each error names its field.

Unknown fields in a body are rejected (a 422 naming them), so no request can set
``role``, ``id``, ``active`` or ``version`` where it may not.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .config import ROLES
from .errors import ValidationFailed

NOT_ALLOWED = "This field cannot be set here."


class Trimmed(fields.String):
    """A name or a title: surrounding white space is dropped before the length check."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        # One line: a title or a name ends up in list rows and email subjects.
        if any(ord(char) < 32 or ord(char) == 127 for char in text):
            raise ValidationError("Must be one line, without control characters.")
        return text


class StrictBool(fields.Boolean):
    """JSON true/false only: "yes", 1 or "false" are errors, not guesses."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class QueryBool(fields.Boolean):
    """true/false in a query string, in any case (``requests`` sends Python's ``True``)."""

    truthy = {"true", "1", "yes"}
    falsy = {"false", "0", "no"}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, str):
            value = value.strip().lower()
        return super()._deserialize(value, attr, data, **kwargs)


MAX_ID = 2**63 - 1  # the largest integer SQLite and MySQL bind


def Id() -> fields.Integer:  # noqa: N802 (a field factory, read like a field class)
    return fields.Integer(
        validate=validate.Range(1, MAX_ID, error="Must be a whole number from 1 up.")
    )


def _length(lo: int, hi: int, what: str = "characters") -> validate.Length:
    return validate.Length(min=lo, max=hi, error=f"Must be {lo} to {hi} {what} long.")


class BodySchema(Schema):
    class Meta:
        unknown = RAISE


class RegisterSchema(BodySchema):
    name = Trimmed(required=True, validate=_length(1, 100))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=_length(8, 1024))


class LoginSchema(BodySchema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1024))


class LogoutSchema(BodySchema):
    refresh_token = fields.String(validate=validate.Length(max=4096))


class ProfileSchema(BodySchema):
    name = Trimmed(validate=_length(1, 100))
    email = fields.Email(validate=validate.Length(max=254))
    bio = fields.String(validate=validate.Length(max=2000))
    notify_by_email = StrictBool()
    password = fields.String(validate=_length(8, 1024))
    current_password = fields.String(validate=validate.Length(max=1024))


class AdminUserSchema(BodySchema):
    name = Trimmed(validate=_length(1, 100))
    role = fields.String(validate=validate.OneOf(ROLES, error="Must be one of: {choices}."))
    active = StrictBool()


class NotBlank(validate.Validator):
    def __call__(self, value: str) -> str:
        if not value.strip():
            raise ValidationError("Must not be blank.")
        return value


class PoemCreateSchema(BodySchema):
    title = Trimmed(required=True, validate=_length(1, 200))
    # Never trimmed: a poem comes back byte for byte as written.
    body = fields.String(required=True, validate=[_length(1, 20000), NotBlank()])


class PoemPatchSchema(BodySchema):
    title = Trimmed(validate=_length(1, 200))
    body = fields.String(validate=[_length(1, 20000), NotBlank()])


class RatingCreateSchema(BodySchema):
    score = fields.Integer(
        required=True, strict=True, validate=validate.Range(1, 5, error="Must be 1 to 5.")
    )
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class RatingPatchSchema(BodySchema):
    score = fields.Integer(strict=True, validate=validate.Range(1, 5, error="Must be 1 to 5."))
    comment = fields.String(validate=validate.Length(max=2000))


# ---- query strings ------------------------------------------------------------------------


class QuerySchema(Schema):
    class Meta:
        unknown = "exclude"

    page = fields.Integer(
        load_default=1, validate=validate.Range(min=1, error="Must be 1 or more.")
    )
    per_page = fields.Integer(
        load_default=20, validate=validate.Range(1, 100, error="Must be 1 to 100.")
    )


def sort_field(choices: tuple[str, ...], default: str) -> fields.String:
    return fields.String(
        load_default=default, validate=validate.OneOf(choices, error="Must be one of: {choices}.")
    )


POEM_SORTS = (
    "-created_at",
    "created_at",
    "-rating_avg",
    "rating_avg",
    "-rating_count",
    "rating_count",
    "title",
    "-title",
    "author",
    "-author",
)


class PoemListQuery(QuerySchema):
    q = fields.String(validate=validate.Length(max=200))
    author_id = Id()
    author = fields.String(validate=validate.Length(max=100))
    date_from = fields.Date()
    date_to = fields.Date()
    min_score = fields.Float(validate=validate.Range(1, 5, error="Must be 1 to 5."))
    max_score = fields.Float(validate=validate.Range(1, 5, error="Must be 1 to 5."))
    unrated_by_me = QueryBool(load_default=False)
    sort = fields.String(validate=validate.OneOf(POEM_SORTS, error="Must be one of: {choices}."))

    @validates_schema
    def _ranges(self, data: dict[str, Any], **_: Any) -> None:
        start: date | None = data.get("date_from")
        end: date | None = data.get("date_to")
        if start and end and start > end:
            raise ValidationError("Must not be before date_from.", "date_to")
        low, high = data.get("min_score"), data.get("max_score")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not be below min_score.", "max_score")


class UserListQuery(QuerySchema):
    q = fields.String(validate=validate.Length(max=200))
    role = fields.String(validate=validate.OneOf(ROLES, error="Must be one of: {choices}."))
    sort = sort_field(
        (
            "name",
            "-name",
            "poem_count",
            "-poem_count",
            "rating_count",
            "-rating_count",
            "created_at",
            "-created_at",
        ),
        "name",
    )


class RatingListQuery(QuerySchema):
    user_id = Id()
    poem_id = Id()
    sort = sort_field(("-created_at", "created_at", "-score", "score"), "-created_at")


class NotificationListQuery(QuerySchema):
    unread = QueryBool(load_default=False)


def _flatten(messages: Any) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in messages.items():
        if name == "_schema":
            name = "body"
        if isinstance(value, dict):
            value = next(iter(value.values()), "Invalid value.")
        if isinstance(value, list):
            value = value[0] if value else "Invalid value."
        if value == "Unknown field.":
            value = NOT_ALLOWED
        flat[str(name)] = str(value)
    return flat


def _encodable(value: Any) -> bool:
    """False for text no database can store: JSON lets a lone surrogate (\\ud800) through."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, list):
        return all(_encodable(item) for item in value)
    if isinstance(value, dict):
        return all(_encodable(key) and _encodable(item) for key, item in value.items())
    return True


def _printable_name(name: Any) -> str:
    return str(name).encode("utf-8", "backslashreplace").decode("utf-8")


@functools.cache
def _instance(kind: type[Schema]) -> Schema:
    return kind()


def load(schema: Schema | type[Schema], data: Any) -> dict[str, Any]:
    """Validate ``data``; a 422 naming every bad field when it does not fit.

    Given a schema class, one shared instance serves every request (making a schema
    copies all its fields, a tenth of a cheap request's time; loading keeps no state).
    """
    if isinstance(schema, type):
        schema = _instance(schema)
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "Must be a JSON object."})
    broken = {
        _printable_name(name): "Must be valid Unicode text."
        for name, value in data.items()
        if not (_encodable(name) and _encodable(value))
    }
    if broken:
        raise ValidationFailed(broken)
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ValidationFailed(_flatten(error.messages)) from None
