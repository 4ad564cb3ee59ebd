"""Entry point of the bundle and of ``python -m desktop``.

With a club-server command (``serve``, ``create-admin``, ``db``, ``demo-data``) it runs the
backend's CLI; otherwise the desktop app (``--self-test`` included).
"""

from __future__ import annotations

import sys

SERVER_COMMANDS = {"serve", "create-admin", "db", "demo-data", "--version"}


def run() -> int:
    if len(sys.argv) > 1 and sys.argv[1] in SERVER_COMMANDS:
        from backend.cli import cli

        cli.main(args=sys.argv[1:], prog_name="PoetsBay")
        return 0
    from desktop import main

    return main(sys.argv)


if __name__ == "__main__":
    sys.exit(run())
