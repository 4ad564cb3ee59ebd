"""The ceiling: a one-route Flask app on the same waitress settings as ``poetsbay serve``.

Whatever Poets Bay serves per second can be no more than this machine serves of
``GET /hello`` through Flask and waitress with the same number of threads.

    .venv/bin/python bench/hello_app.py --port 8600 --threads 8
"""

from __future__ import annotations

import argparse
import signal
from typing import Any

from flask import Flask, jsonify
from waitress.server import create_server

app = Flask(__name__)


@app.get("/hello")
def hello() -> Any:
    return jsonify(hello="world")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    server = create_server(app, host=args.host, port=args.port, threads=args.threads, ident="hello")

    def _terminate(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


if __name__ == "__main__":
    main()
