"""flask-restful resources: HTTP in, problem+json out; the rules live in services."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_restful import Api
from jwt import PyJWTError

from ..errors import to_response
from . import auth, meta, notifications, poems, ratings, users


class ProblemApi(Api):
    """Every error leaves in one shape. Token errors go to flask-jwt-extended's loaders
    (which answer in the same shape, see ``backend.auth``)."""

    def handle_error(self, e: Exception) -> Response:
        if isinstance(e, JWTExtendedException | PyJWTError):
            raise e
        return to_response(e)


def init_app(app: Flask) -> Any:
    api = ProblemApi(prefix="/api/v1", catch_all_404s=True)
    routes = [
        (auth.Register, "/auth/register"),
        (auth.Login, "/auth/login"),
        (auth.Refresh, "/auth/refresh"),
        (auth.Logout, "/auth/logout"),
        (users.Me, "/users/me"),
        (users.MyRatings, "/users/me/ratings"),
        (users.UserList, "/users"),
        (users.UserItem, "/users/<int:user_id>"),
        (poems.PoemList, "/poems"),
        (poems.PoemItem, "/poems/<int:poem_id>"),
        (ratings.PoemRatings, "/poems/<int:poem_id>/ratings"),
        (ratings.RatingList, "/ratings"),
        (ratings.RatingItem, "/ratings/<int:rating_id>"),
        (notifications.NotificationList, "/notifications"),
        (notifications.NotificationRead, "/notifications/<int:notification_id>/read"),
        (notifications.NotificationsReadAll, "/notifications/read-all"),
        (meta.Health, "/health"),
        (meta.OpenApi, "/openapi.json"),
    ]
    for resource, url in routes:
        api.add_resource(resource, url)
    api.init_app(app)
    return api
