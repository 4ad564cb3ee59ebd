"""One migration history builds the same schema as the models, on SQLite and on MySQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from backend.extensions import db


def test_the_migrated_schema_matches_the_models(app, backend_name):
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            assert differences == []
            indexes = {ix["name"] for ix in inspect(conn).get_indexes("poems")}
    for name in (
        "ix_poems_rating_avg",
        "ix_poems_created_at",
        "ix_poems_rating_count",
        "ix_poems_title",
        "ix_poems_author_id_created_at",
    ):
        assert name in indexes


def test_text_columns_hold_a_full_poem_of_emoji(client, poet, backend_name):
    body = ("🌊 ñandú é\n" * 2000)[:20000]
    reply = client.post(
        "/api/v1/poems", json={"title": "Olas 🌊", "body": body}, headers=poet.headers
    )
    assert reply.status_code == 201, reply.json
    assert client.get(reply.headers["Location"]).json["body"] == body
