"""Ratings: one per reader per poem, never on one's own poem; counts kept on the poem."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..models import Notification, Poem, Rating, User
from ..models.types import utcnow
from .outbox import enqueue_rating_email


def refresh_poem_counts(poem_id: int) -> None:
    """Recount from the ratings themselves, in the caller's transaction.

    Counting (rather than adding one) stays right whatever order concurrent
    rating transactions commit in, and on both SQLite and MySQL.
    """
    of_poem = Rating.poem_id == poem_id
    db.session.execute(
        update(Poem)
        .where(Poem.id == poem_id)
        .values(
            rating_count=select(func.count(Rating.id)).where(of_poem).scalar_subquery(),
            rating_sum=select(func.coalesce(func.sum(Rating.score), 0))
            .where(of_poem)
            .scalar_subquery(),
            rating_avg=select(func.avg(Rating.score)).where(of_poem).scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )


def lock_poems(*poem_ids: int) -> None:
    """Lock the poems' rows (in id order) before their ratings change.

    On MySQL, inserting a rating takes a shared lock on its poem (the foreign key) and
    the recount then wants an exclusive one: two raters at once would deadlock. Taking
    the exclusive lock first makes them wait their turn. SQLite has one writer anyway.
    """
    if poem_ids:
        db.session.execute(
            select(Poem.id).where(Poem.id.in_(poem_ids)).order_by(Poem.id).with_for_update()
        ).all()


def get_rating(rating_id: int) -> Rating:
    rating = db.session.get(Rating, rating_id)
    if rating is None:
        raise NotFound(f"There is no rating {rating_id}.")
    return rating


def create_rating(poem: Poem, rater: User, score: int, comment: str) -> Rating:
    if poem.author_id == rater.id:
        raise Forbidden("You cannot rate your own poem.")
    lock_poems(poem.id)
    existing = db.session.execute(
        select(Rating.id).where(Rating.poem_id == poem.id, Rating.user_id == rater.id)
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict("You have already rated this poem.", rating_id=existing)
    rating = Rating(poem_id=poem.id, user_id=rater.id, score=score, comment=comment)
    db.session.add(rating)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.execute(
            select(Rating.id).where(Rating.poem_id == poem.id, Rating.user_id == rater.id)
        ).scalar_one_or_none()
        raise Conflict("You have already rated this poem.", rating_id=existing) from None
    refresh_poem_counts(poem.id)
    _notify_author(poem, rating, rater)
    return rating


def _notify_author(poem: Poem, rating: Rating, rater: User) -> None:
    author = db.session.get(User, poem.author_id)
    assert author is not None
    db.session.add(
        Notification(
            user_id=author.id,
            kind="rating",
            data={
                "poem_id": poem.id,
                "poem_title": poem.title,
                "rating_id": rating.id,
                "score": rating.score,
                "rater_name": rater.name,
            },
        )
    )
    if author.notify_by_email and author.active:
        enqueue_rating_email(author, poem, rating, rater)


def update_rating(rating: Rating, user: User, data: dict[str, Any]) -> Rating:
    if rating.user_id != user.id:
        raise Forbidden("Only the person who wrote a rating can change it.")
    changed = False
    for name in ("score", "comment"):
        if name in data and data[name] != getattr(rating, name):
            setattr(rating, name, data[name])
            changed = True
    if changed:
        lock_poems(rating.poem_id)
        rating.updated_at = utcnow()
        db.session.flush()
        refresh_poem_counts(rating.poem_id)
    return rating


def delete_rating(rating: Rating, user: User) -> None:
    if rating.user_id != user.id and not user.is_admin:
        raise Forbidden("Only the person who wrote a rating, or an admin, can delete it.")
    poem_id = rating.poem_id
    lock_poems(poem_id)
    db.session.delete(rating)
    db.session.flush()
    refresh_poem_counts(poem_id)


def rating_rows() -> Any:
    """The columns a rating is shown with, joined once (no query per row)."""
    return (
        select(
            Rating.id,
            Rating.poem_id,
            Poem.title.label("poem_title"),
            Rating.user_id,
            User.name.label("user_name"),
            Rating.score,
            Rating.comment,
            Rating.created_at,
            Rating.updated_at,
        )
        .join(Poem, Poem.id == Rating.poem_id)
        .join(User, User.id == Rating.user_id)
    )


def list_ratings(filters: dict[str, Any], sort: str) -> tuple[Any, Any]:
    conditions = []
    if filters.get("user_id") is not None:
        conditions.append(Rating.user_id == filters["user_id"])
    if filters.get("poem_id") is not None:
        conditions.append(Rating.poem_id == filters["poem_id"])
    column = {"created_at": Rating.created_at, "score": Rating.score}[sort.lstrip("-")]
    order = (column.desc(), Rating.id.desc()) if sort.startswith("-") else (column.asc(), Rating.id)
    stmt = rating_rows().where(*conditions).order_by(*order)
    count = select(func.count(Rating.id)).where(*conditions)
    return stmt, count
