"""Believable demo data, inserted in bulk (``poetsbay demo-data``)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from .extensions import db
from .models import Poem, Rating, User
from .models.poem import make_excerpt
from .models.types import utcnow

DEMO_PASSWORD = "poetsbay-demo"
CHUNK = 5000

FIRST = [
    "Ana",
    "Bruno",
    "Carmen",
    "Dylan",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Inés",
    "Jonas",
    "Kira",
    "Luis",
    "Marta",
    "Nadia",
    "Óscar",
    "Paula",
    "Quentin",
    "Rosa",
    "Samuel",
    "Teresa",
    "Ulla",
    "Víctor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Alba",
    "Brontë",
    "Castro",
    "Dunne",
    "Espinosa",
    "Frost",
    "Gil",
    "Heaney",
    "Ibáñez",
    "Jiménez",
    "Keats",
    "Lorca",
    "Machado",
    "Neruda",
    "Oliver",
    "Pizarnik",
    "Quiroga",
    "Rich",
    "Storni",
    "Tagore",
    "Umbral",
    "Vallejo",
    "Whitman",
    "Yeats",
    "Zambrano",
]
NOUNS = [
    "sea",
    "salt",
    "lamp",
    "orchard",
    "window",
    "river",
    "bread",
    "moon",
    "harbour",
    "rain",
    "letter",
    "field",
    "mirror",
    "swallow",
    "bell",
    "threshold",
    "ash",
    "lemon tree",
    "shore",
    "evening",
    "kitchen",
    "stone",
    "wind",
    "garden",
    "tide",
    "candle",
    "road",
    "snow",
]
ADJS = [
    "quiet",
    "salt-white",
    "late",
    "borrowed",
    "blue",
    "unfinished",
    "small",
    "burning",
    "patient",
    "green",
    "tired",
    "silver",
    "far",
    "old",
    "open",
    "first",
    "last",
    "hollow",
]
VERBS = [
    "remembers",
    "forgets",
    "carries",
    "waits for",
    "sings to",
    "keeps",
    "undresses",
    "calls",
    "leans toward",
    "mends",
    "breaks",
    "follows",
    "outlives",
    "names",
]
LINES = [
    "the {adj} {noun} {verb} the {noun2}",
    "and I {verb2} the {noun} as if it were {adj}",
    "nobody told the {noun} about the {noun2}",
    "  — {adj}, {adj2}, almost {adj3} —",
    "my mother's {noun} still {verb} the {noun2}",
    "what the {noun} knows, the {noun2} will not say",
    "I left the {noun} {adj} on purpose",
    "somewhere a {noun} {verb} its own {noun2}",
    "the {noun2} is only a {noun} that stayed",
    "verde que te quiero {adj}, {noun}",
]
TITLES = [
    "{Adj} {Noun}",
    "The {Noun} and the {Noun2}",
    "Elegy for a {Noun}",
    "{Noun}, {Adj}",
    "Letter to the {Noun}",
    "Before the {Noun}",
    "Canción del {Noun}",
    "Small Hours",
    "Inventory of the {Noun}",
    "What the {Noun} Said",
]
COMMENTS = [
    "The last stanza stayed with me all day.",
    "Beautiful rhythm.",
    "I read it aloud twice.",
    "The second line is doing so much work.",
    "Not for me, but the imagery is striking.",
    "¡Precioso!",
    "This one hurts, in a good way.",
    "I would cut the third stanza.",
    "Quiet and exact.",
    "The ending surprised me.",
]


def _words(rng: random.Random) -> dict[str, str]:
    noun, noun2 = rng.sample(NOUNS, 2)
    adj, adj2, adj3 = rng.sample(ADJS, 3)
    return {
        "noun": noun,
        "noun2": noun2,
        "adj": adj,
        "adj2": adj2,
        "adj3": adj3,
        "verb": rng.choice(VERBS),
        "verb2": rng.choice(["keep", "carry", "hold", "fold"]),
        "Noun": noun.title(),
        "Noun2": noun2.title(),
        "Adj": adj.title(),
    }


def make_poem(rng: random.Random) -> tuple[str, str]:
    title = rng.choice(TITLES).format(**_words(rng))
    stanzas = []
    for _ in range(rng.randint(1, 4)):
        lines = [rng.choice(LINES).format(**_words(rng)) for _ in range(rng.randint(2, 5))]
        lines[0] = lines[0][0].upper() + lines[0][1:] if lines[0][0] != " " else lines[0]
        stanzas.append("\n".join(lines))
    return title, "\n\n".join(stanzas) + "\n"


def _chunks(rows: list[dict[str, Any]]) -> Any:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def fill(users: int, poems: int, ratings: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    now = utcnow()
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one hash for every demo account
    first_user = (db.session.execute(select(func.max(User.id))).scalar() or 0) + 1
    first_poem = (db.session.execute(select(func.max(Poem.id))).scalar() or 0) + 1
    first_rating = (db.session.execute(select(func.max(Rating.id))).scalar() or 0) + 1

    user_rows = []
    for n in range(users):
        uid = first_user + n
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        user_rows.append(
            {
                "id": uid,
                "name": name,
                "email": f"demo{uid}@poetsbay.test",
                "password_hash": password_hash,
                "role": "poet" if rng.random() < 0.7 else "reader",
                "bio": "",
                "notify_by_email": False,
                "active": True,
                "created_at": now - timedelta(days=rng.randint(30, 900)),
            }
        )
    poets = [row for row in user_rows if row["role"] == "poet"] or user_rows
    poem_rows = []
    for n in range(poems):
        author = rng.choice(poets)
        title, body = make_poem(rng)
        created = author["created_at"] + timedelta(minutes=rng.randint(1, 60 * 24 * 25))
        created = min(created, now)
        poem_rows.append(
            {
                "id": first_poem + n,
                "author_id": author["id"],
                "title": title,
                "body": body,
                "excerpt": make_excerpt(body),
                "created_at": created,
                "updated_at": created,
                "version": 1,
                "rating_count": 0,
                "rating_sum": 0,
                "rating_avg": None,
            }
        )
    possible = sum(1 for _ in poem_rows) * max(0, users - 1)
    ratings = min(ratings, possible)
    seen: set[tuple[int, int]] = set()
    rating_rows = []
    while len(rating_rows) < ratings:
        poem = poem_rows[rng.randrange(len(poem_rows))]
        rater = user_rows[rng.randrange(len(user_rows))]
        pair = (poem["id"], rater["id"])
        if rater["id"] == poem["author_id"] or pair in seen:
            continue
        seen.add(pair)
        created = min(now, poem["created_at"] + timedelta(minutes=rng.randint(1, 60 * 24 * 60)))
        rating_rows.append(
            {
                "id": first_rating + len(rating_rows),
                "poem_id": poem["id"],
                "user_id": rater["id"],
                "score": rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 5, 3])[0],
                "comment": rng.choice(COMMENTS) if rng.random() < 0.3 else "",
                "created_at": created,
                "updated_at": created,
            }
        )

    for table, rows in ((User, user_rows), (Poem, poem_rows), (Rating, rating_rows)):
        for chunk in _chunks(rows):
            db.session.execute(insert(table), chunk)
    db.session.flush()
    db.session.execute(
        text(
            "UPDATE poems SET "
            "rating_count = (SELECT COUNT(*) FROM ratings r WHERE r.poem_id = poems.id), "
            "rating_sum = (SELECT COALESCE(SUM(r.score), 0) FROM ratings r "
            "WHERE r.poem_id = poems.id), "
            "rating_avg = (SELECT AVG(r.score) FROM ratings r WHERE r.poem_id = poems.id) "
            "WHERE poems.id >= :first"
        ),
        {"first": first_poem},
    )
    db.session.commit()
    return {
        "users": len(user_rows),
        "poems": len(poem_rows),
        "ratings": len(rating_rows),
        "password": DEMO_PASSWORD,
    }
