from __future__ import annotations

from typing import Any

from flask_restful import Resource

from .. import schemas
from ..auth import admin_user, optional_user, signed_in_user
from ..errors import Forbidden
from ..serializers import rating_row, user_private, user_public
from ..services import ratings as rating_service
from ..services import users as user_service
from .common import json_body, paged, query_args, transactional


class Me(Resource):
    def get(self) -> Any:
        user = signed_in_user()
        return user_private(user_service.get_user(user.id))

    @transactional
    def patch(self) -> Any:
        user = signed_in_user()
        data = json_body(schemas.ProfileSchema)
        user_service.update_profile(user, data)
        return user_private(user_service.get_user(user.id))


class MyRatings(Resource):
    def get(self) -> Any:
        user = signed_in_user()
        query = query_args(schemas.QuerySchema)
        stmt, count = rating_service.list_ratings({"user_id": user.id}, "-created_at")
        return paged(stmt, count, query, rating_row)


class UserList(Resource):
    def get(self) -> Any:
        admin_user()
        query = query_args(schemas.UserListQuery)
        stmt, count = user_service.list_users(query)
        return paged(stmt, count, query, lambda row: user_private(row[0]))


class UserItem(Resource):
    def get(self, user_id: int) -> Any:
        viewer = optional_user()
        user = user_service.get_user(user_id)
        if viewer is not None and (viewer.is_admin or viewer.id == user.id):
            return user_private(user)
        return user_public(user)

    @transactional
    def patch(self, user_id: int) -> Any:
        admin_user()
        data = json_body(schemas.AdminUserSchema)
        target = user_service.get_user(user_id, with_counts=False)
        user_service.admin_update(target, data)
        return user_private(user_service.get_user(user_id))

    @transactional
    def delete(self, user_id: int) -> Any:
        actor = signed_in_user()
        if actor.id != user_id and not actor.is_admin:
            raise Forbidden("Only the user themself or an admin can delete an account.")
        user_service.delete_user(user_service.get_user(user_id, with_counts=False))
        return "", 204
