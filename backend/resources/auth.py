from __future__ import annotations

from typing import Any

from flask import request
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    decode_token,
    get_jwt,
)
from flask_restful import Resource
from jwt import PyJWTError

from .. import schemas
from ..auth import revoke, signed_in_user
from ..errors import ValidationFailed
from ..serializers import user_private
from ..services import users as user_service
from .common import json_body, transactional


def _session(user: Any) -> dict[str, Any]:
    return {
        "user": user_private(user),
        "access_token": create_access_token(identity=user),
        "refresh_token": create_refresh_token(identity=user),
    }


class Register(Resource):
    @transactional
    def post(self) -> Any:
        data = json_body(schemas.RegisterSchema)
        user = user_service.register(data["name"], data["email"], data["password"])
        user = user_service.get_user(user.id)
        return _session(user), 201


class Login(Resource):
    @transactional
    def post(self) -> Any:
        data = json_body(schemas.LoginSchema)
        address = request.remote_addr or "unknown"
        user = user_service.authenticate(data["email"], data["password"], address)
        user = user_service.get_user(user.id)
        return _session(user), 200


class Refresh(Resource):
    def post(self) -> Any:
        user = signed_in_user(refresh=True)
        return {"access_token": create_access_token(identity=user)}, 200


class Logout(Resource):
    @transactional
    def post(self) -> Any:
        signed_in_user()
        data = json_body(schemas.LogoutSchema)
        revoke(get_jwt())
        if data.get("refresh_token"):
            try:
                payload = decode_token(data["refresh_token"], allow_expired=True)
            except PyJWTError:
                raise ValidationFailed({"refresh_token": "Not a valid token."}) from None
            if payload.get("type") != "refresh" or payload.get("sub") != get_jwt()["sub"]:
                raise ValidationFailed({"refresh_token": "Not your refresh token."})
            revoke(payload)
        return "", 204
