"""The ``poetsbay`` command: the desktop app by default, and the club server's tools."""

from __future__ import annotations

import getpass
import logging
import os
import sys
import time
from typing import Any

import click

from . import __version__


def _app(**overrides: Any) -> Any:
    from . import create_app

    try:
        return create_app(overrides)
    except ValueError as error:  # a bad setting: say which, no traceback
        raise click.ClickException(str(error)) from None


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="poetsbay")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Poets Bay: with no command, opens the desktop app."""
    if ctx.invoked_subcommand is None:
        try:
            from desktop import main as desktop_main
        except ImportError as error:
            raise click.ClickException(f"The desktop app is not available: {error}") from None
        sys.exit(desktop_main(sys.argv))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8500, show_default=True, type=click.IntRange(0, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port; one per core makes use of every core.",
)
def serve(host: str, port: int, threads: int, workers: int) -> None:
    """Run the club server: migrations, then the API and the email worker."""
    import socket

    from .db_setup import upgrade_database
    from .extensions import db
    from .serving import serve_forked, serve_one

    if workers > 1 and not hasattr(os, "fork"):
        raise click.ClickException("--workers needs a system with fork(); use one worker here.")
    _logging()
    log = logging.getLogger("poetsbay")
    app = _app()
    upgrade_database(app)
    with app.app_context():
        db.engine.dispose()  # no connection may be shared with a forked worker
    listener = socket.create_server((host, port))
    bound_host, bound_port = listener.getsockname()[:2]
    mail = "SMTP " + app.config["MAIL_SERVER"] if app.config["MAIL_ENABLED"] else "no SMTP"
    database = app.config["SQLALCHEMY_DATABASE_URI"].split("://")[0]
    log.info(
        "Poets Bay %s serving on http://%s:%s/api/v1 (%s, %s, %d process%s of %d threads)",
        __version__,
        bound_host,
        bound_port,
        database,
        mail,
        workers,
        "es" if workers > 1 else "",
        threads,
    )
    if workers == 1:
        serve_one(_app, listener, threads)
    else:
        serve_forked(_app, listener, threads, workers, _logging)


@cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", required=True)
def create_admin(email: str, name: str) -> None:
    """Make an admin account. The password is asked twice, or read from stdin
    (two lines) when stdin is not a terminal."""
    from .db_setup import upgrade_database
    from .errors import ApiError
    from .extensions import db
    from .schemas import RegisterSchema, load
    from .services.users import register

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Password again: ")
    else:
        lines = sys.stdin.read().splitlines() + ["", ""]
        password, again = lines[0], lines[1]
    if password != again:
        raise click.ClickException("The two passwords differ.")
    app = _app()
    upgrade_database(app)
    with app.app_context():
        try:
            data = load(RegisterSchema(), {"name": name, "email": email, "password": password})
            user = register(data["name"], data["email"], data["password"])
            user.role = "admin"
            db.session.commit()
        except ApiError as error:
            problems = "; ".join(f"{k}: {v}" for k, v in (error.errors or {}).items())
            raise click.ClickException(f"{error.detail} {problems}".strip()) from None
        click.echo(f"Admin {user.name} <{user.email}> created (id {user.id}).")


@cli.group()
def db() -> None:
    """The database schema."""


@db.command()
def upgrade() -> None:
    """Bring the database to the newest schema."""
    from .db_setup import upgrade_database

    _logging()
    upgrade_database(_app())
    click.echo("The database is up to date.")


@cli.command("demo-data")
@click.option("--users", default=50, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--poems", default=200, show_default=True, type=click.IntRange(0, 10_000_000))
@click.option("--ratings", default=1000, show_default=True, type=click.IntRange(0, 100_000_000))
@click.option("--seed", default=1, show_default=True, help="Same seed, same data.")
def demo_data(users: int, poems: int, ratings: int, seed: int) -> None:
    """Fill the configured database with believable poets, poems and ratings."""
    from .db_setup import upgrade_database
    from .demo import fill

    app = _app()
    upgrade_database(app)
    started = time.perf_counter()
    with app.app_context():
        made = fill(users, poems, ratings, seed)
    click.echo(
        f"Added {made['users']} users, {made['poems']} poems and {made['ratings']} ratings "
        f"in {time.perf_counter() - started:.1f} s. Every demo account's password is "
        f"'{made['password']}'."
    )


def _logging() -> Any:
    """Log lines go through a queue to one writer thread: request threads never wait on
    the terminal (a shared stream handler's lock serialised them under load)."""
    import atexit
    import queue
    from logging.handlers import QueueHandler, QueueListener

    stream = logging.StreamHandler()
    stream.setFormatter(
        logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s")
    )
    lines: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = QueueListener(lines, stream)
    root = logging.getLogger()
    root.handlers = [QueueHandler(lines)]
    root.setLevel(logging.INFO)
    listener.start()
    atexit.register(listener.stop)
    return listener


def main() -> None:
    args = sys.argv[1:]
    if args and args[0].startswith("-") and args[0] not in ("--version", "--help", "-h"):
        # The desktop app's own options (--self-test, Qt's -platform …) are not ours.
        from desktop import main as desktop_main

        sys.exit(desktop_main(sys.argv))
    cli(prog_name="poetsbay")
