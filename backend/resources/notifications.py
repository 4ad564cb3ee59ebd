from __future__ import annotations

from typing import Any

from flask_restful import Resource

from .. import schemas
from ..auth import signed_in_user
from ..serializers import notification_out
from ..services import notifications as service
from .common import paged, query_args, transactional


class NotificationList(Resource):
    def get(self) -> Any:
        user = signed_in_user()
        query = query_args(schemas.NotificationListQuery)
        stmt, count = service.list_notifications(user, query["unread"])
        return paged(stmt, count, query, lambda row: notification_out(row[0]))


class NotificationRead(Resource):
    @transactional
    def post(self, notification_id: int) -> Any:
        service.mark_read(signed_in_user(), notification_id)
        return "", 204


class NotificationsReadAll(Resource):
    @transactional
    def post(self) -> Any:
        service.mark_all_read(signed_in_user())
        return "", 204
