"""The serving stack of ``bot.server`` around a WSGI app whose ``/stuck`` never returns: for the
request time-out (a stuck request gets its worker replaced), which HireDesk's own requests, bounded
by database and Slack time-outs, cannot show.

    python -m tests.harness.stuck_app PORT REQUEST_TIMEOUT
"""

from __future__ import annotations

import sys
import threading

from bot.server import GunicornServer, ServingOptions

_never = threading.Event()


def stuck_app(environ, start_response):
    if environ["PATH_INFO"] == "/stuck":
        _never.wait()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


if __name__ == "__main__":
    port, timeout = int(sys.argv[1]), int(sys.argv[2])
    GunicornServer(lambda: stuck_app, f"127.0.0.1:{port}", ServingOptions(workers=1, request_timeout=timeout)).run()
