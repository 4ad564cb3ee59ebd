"""Poems: who may write and change them, and the list's filters and sorts."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized
from ..extensions import db
from ..models import Poem, Rating, User
from ..models.poem import make_excerpt
from ..models.types import utcnow
from .pagination import SharedTotal, forget_totals


def get_poem(poem_id: int) -> Poem:
    poem = db.session.get(Poem, poem_id)
    if poem is None:
        raise NotFound(f"There is no poem {poem_id}.")
    return poem


def get_poem_and_author(poem_id: int) -> tuple[Poem, User]:
    """One statement for what a full poem shows."""
    row = db.session.execute(
        select(Poem, User).join(User, User.id == Poem.author_id).where(Poem.id == poem_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"There is no poem {poem_id}.")
    return row[0], row[1]


def my_rating(poem_id: int, user: User | None) -> Rating | None:
    if user is None:
        return None
    return db.session.execute(
        select(Rating).where(Rating.poem_id == poem_id, Rating.user_id == user.id)
    ).scalar_one_or_none()


def create_poem(author: User, title: str, body: str) -> Poem:
    if author.role not in ("poet", "admin"):
        raise Forbidden("Readers cannot publish poems; ask an admin to make you a poet.")
    now = utcnow()
    poem = Poem(
        author_id=author.id,
        title=title,
        body=body,
        excerpt=make_excerpt(body),
        created_at=now,
        updated_at=now,
        version=1,
        rating_count=0,
        rating_sum=0,
        rating_avg=None,
    )
    db.session.add(poem)
    forget_totals()
    db.session.flush()
    return poem


def _check_may_change(poem: Poem, user: User) -> None:
    if poem.author_id != user.id and not user.is_admin:
        raise Forbidden("Only the poem's author or an admin can change it.")


def update_poem(poem: Poem, user: User, data: dict[str, Any], if_match: int | None) -> Poem:
    _check_may_change(poem, user)
    if if_match is not None and if_match != poem.version:
        raise PreconditionFailed(
            f"The poem was changed elsewhere: it is at version {poem.version}, "
            f"your change was made to version {if_match}.",
            current_version=poem.version,
        )
    poem.set_text(data.get("title"), data.get("body"))
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        if if_match is not None:
            raise PreconditionFailed(
                "The poem was changed elsewhere at the same moment as your change.",
            ) from None
        raise Conflict("The poem was changed elsewhere at the same moment; try again.") from None
    return poem


def delete_poem(poem: Poem, user: User) -> None:
    _check_may_change(poem, user)
    db.session.execute(select(Poem.id).where(Poem.id == poem.id).with_for_update()).all()
    db.session.execute(Rating.__table__.delete().where(Rating.poem_id == poem.id))
    db.session.delete(poem)
    forget_totals()
    db.session.flush()


SORTS = {
    "created_at": Poem.created_at,
    "rating_count": Poem.rating_count,
    "title": Poem.title,
    "author": User.name,
}


def _order(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "rating_avg":
        # Unrated poems last in both directions. NULL sorts lowest on SQLite and MySQL,
        # so the descending order needs nothing more and can walk the index.
        if descending:
            return [Poem.rating_avg.desc(), Poem.id.desc()]
        return [Poem.rating_avg.is_(None), Poem.rating_avg.asc(), Poem.id.asc()]
    column = SORTS[key]
    if descending:
        return [column.desc(), Poem.id.desc()]
    return [column.asc(), Poem.id.asc()]


def list_poems(query: dict[str, Any], user: User | None) -> tuple[Any, Any, Any]:
    """The page's keys, its count, and the rows for a window of keys: summary columns
    only, the author joined once."""
    conditions: list[Any] = []
    needs_author = False
    if query.get("q"):
        term = query["q"].strip()
        needs_author = True
        conditions.append(
            or_(
                Poem.title.contains(term, autoescape=True),
                Poem.body.contains(term, autoescape=True),
                User.name.contains(term, autoescape=True),
            )
        )
    if query.get("author_id") is not None:
        conditions.append(Poem.author_id == query["author_id"])
    if query.get("author"):
        needs_author = True
        conditions.append(User.name.contains(query["author"].strip(), autoescape=True))
    if query.get("date_from"):
        conditions.append(Poem.created_at >= datetime.combine(query["date_from"], time.min))
    if query.get("date_to"):
        # The day's last instant (adding a day to 9999-12-31 would overflow).
        conditions.append(Poem.created_at <= datetime.combine(query["date_to"], time.max))
    if query.get("min_score") is not None:
        conditions.append(Poem.rating_avg >= query["min_score"])
    if query.get("max_score") is not None:
        conditions.append(Poem.rating_avg <= query["max_score"])
    sort = query.get("sort")
    if query.get("unrated_by_me"):
        if user is None:
            raise Unauthorized("Sign in to see the poems you have not rated yet.")
        conditions.append(Poem.author_id != user.id)
        conditions.append(
            ~exists().where(and_(Rating.poem_id == Poem.id, Rating.user_id == user.id))
        )
        order = [Poem.rating_count.asc(), Poem.created_at.asc(), Poem.id.asc()]
        if sort:
            order = _order(sort)
    else:
        order = _order(sort or "-created_at")

    # A deferred join: find the page's ids on the poems table alone (an index walk, even
    # at page 500), then fetch those rows with their authors. Joining first lets MySQL
    # start from users and sort every poem in a temporary table.
    joins_author = needs_author or (sort or "").lstrip("-") == "author"
    keys = select(Poem.id)
    if joins_author:
        keys = keys.join(User, User.id == Poem.author_id)
    keys = keys.where(*conditions).order_by(*order)

    def rows_for(window: Any) -> Any:
        return (
            select(
                Poem.id,
                Poem.title,
                Poem.author_id,
                User.name.label("author_name"),
                Poem.created_at,
                Poem.updated_at,
                Poem.rating_count,
                Poem.rating_avg,
                Poem.excerpt,
            )
            .join(window, window.c.id == Poem.id)
            .join(User, User.id == Poem.author_id)
            .order_by(*order)
        )

    count: Any = select(func.count(Poem.id)).where(*conditions)
    if needs_author:
        count = count.join(User, User.id == Poem.author_id)
    if not conditions:
        count = SharedTotal("poems", count)
    return keys, count, rows_for
