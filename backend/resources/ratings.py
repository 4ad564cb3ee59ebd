from __future__ import annotations

from typing import Any

from flask_restful import Resource

from .. import schemas
from ..auth import signed_in_user
from ..errors import NotFound
from ..extensions import db
from ..models import Rating
from ..serializers import rating_row
from ..services import poems as poem_service
from ..services import ratings as rating_service
from .common import idempotent, json_body, paged, query_args, transactional


def _shown(rating_id: int) -> dict[str, Any]:
    row = db.session.execute(
        rating_service.rating_rows().where(Rating.id == rating_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"There is no rating {rating_id}.")
    return rating_row(row)


class PoemRatings(Resource):
    def get(self, poem_id: int) -> Any:
        query = query_args(schemas.RatingListQuery)
        poem_service.get_poem(poem_id)
        stmt, count = rating_service.list_ratings({"poem_id": poem_id}, query["sort"])
        return paged(stmt, count, query, rating_row)

    @idempotent
    def post(self, poem_id: int) -> Any:
        rater = signed_in_user()
        data = json_body(schemas.RatingCreateSchema)
        poem = poem_service.get_poem(poem_id)
        rating = rating_service.create_rating(poem, rater, data["score"], data["comment"])
        return _shown(rating.id), 201, {"Location": f"/api/v1/ratings/{rating.id}"}


class RatingList(Resource):
    def get(self) -> Any:
        query = query_args(schemas.RatingListQuery)
        stmt, count = rating_service.list_ratings(query, query["sort"])
        return paged(stmt, count, query, rating_row)


class RatingItem(Resource):
    def get(self, rating_id: int) -> Any:
        return _shown(rating_id)

    @transactional
    def patch(self, rating_id: int) -> Any:
        user = signed_in_user()
        data = json_body(schemas.RatingPatchSchema)
        rating_service.update_rating(rating_service.get_rating(rating_id), user, data)
        return _shown(rating_id)

    @transactional
    def delete(self, rating_id: int) -> Any:
        user = signed_in_user()
        rating_service.delete_rating(rating_service.get_rating(rating_id), user)
        return "", 204
