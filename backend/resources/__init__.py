"""flask-restful resources: HTTP in, problem+json out; the rules live in services."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_restful import Api
from jwt import PyJWTError
from werkzeug.routing import IntegerConverter

from ..errors import to_response
from ..schemas import MAX_ID
from . import auth, meta, notifications, poems, ratings, users


class ProblemApi(Api):
    """Every error leaves in one shape. Token errors go to flask-jwt-extended's loaders
    (which answer in the same shape, see ``backend.auth``)."""

    def handle_error(self, e: Exception) -> Response:
        if isinstance(e, JWTExtendedException | PyJWTError):
            raise e
        return to_response(e)


class IdConverter(IntegerConverter):
    """``<id:…>``: a positive integer a database can hold; anything larger is a 404, not a 500."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def init_app(app: Flask) -> Any:
    app.url_map.converters["id"] = IdConverter
    api = ProblemApi(prefix="/api/v1", catch_all_404s=True)
    routes = [
        (auth.Register, "/auth/register"),
        (auth.Login, "/auth/login"),
        (auth.Refresh, "/auth/refresh"),
        (auth.Logout, "/auth/logout"),
        (users.Me, "/users/me"),
        (users.MyRatings, "/users/me/ratings"),
        (users.UserList, "/users"),
        (users.UserItem, "/users/<id:user_id>"),
        (poems.PoemList, "/poems"),
        (poems.PoemItem, "/poems/<id:poem_id>"),
        (ratings.PoemRatings, "/poems/<id:poem_id>/ratings"),
        (ratings.RatingList, "/ratings"),
        (ratings.RatingItem, "/ratings/<id:rating_id>"),
        (notifications.NotificationList, "/notifications"),
        (notifications.NotificationRead, "/notifications/<id:notification_id>/read"),
        (notifications.NotificationsReadAll, "/notifications/read-all"),
        (meta.Health, "/health"),
        (meta.OpenApi, "/openapi.json"),
    ]
    for resource, url in routes:
        api.add_resource(resource, url)
    api.init_app(app)
    return api
