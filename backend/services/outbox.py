"""Emails are written to the outbox in the transaction that causes them; a worker sends them."""

from __future__ import annotations

from importlib import resources

from flask import current_app
from jinja2 import Environment, FunctionLoader, select_autoescape

from ..extensions import db
from ..models import OutboxMessage, Poem, Rating, User


def _load_template(name: str) -> str:
    return resources.files("resources").joinpath("email", name).read_text(encoding="utf-8")


_templates = Environment(
    loader=FunctionLoader(_load_template),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    keep_trailing_newline=True,
)

STARS = {1: "★☆☆☆☆", 2: "★★☆☆☆", 3: "★★★☆☆", 4: "★★★★☆", 5: "★★★★★"}


def render_rating_email(author: User, poem: Poem, rating: Rating, rater: User) -> dict[str, str]:
    context = {
        "author_name": author.name,
        "poem_title": poem.title,
        "rater_name": rater.name,
        "score": rating.score,
        "stars": STARS[rating.score],
        "comment": rating.comment,
        "rating_count": poem.rating_count,
    }
    return {
        "subject": f"“{poem.title}” has a new rating",
        "text": _templates.get_template("rating.txt").render(context),
        "html": _templates.get_template("rating.html").render(context),
    }


def enqueue_rating_email(author: User, poem: Poem, rating: Rating, rater: User) -> None:
    """An outbox row when the server has SMTP; otherwise the in-app notification is enough."""
    if not current_app.config["MAIL_ENABLED"]:
        return
    db.session.refresh(poem, ["rating_count"])
    message = render_rating_email(author, poem, rating, rater)
    db.session.add(
        OutboxMessage(
            recipient=author.email,
            subject=message["subject"][:300],
            body_text=message["text"],
            body_html=message["html"],
        )
    )
    wake = current_app.extensions.get("poetsbay_outbox_wake")
    if wake is not None:
        wake.set()
