"""The baseline: a bare Bolt app whose listeners only call ``ack()``, served the way HireDesk is.

    SLACK_SIGNING_SECRET=... SLACK_API_URL=... PORT=... python -m bench.bare_bolt [--process-before-response] [--workers 2]

Same web stack as HireDesk (Flask, Bolt's Flask adapter, ``bot.server.GunicornServer``:
gunicorn gthread with the same workers × threads, access log included), Bolt's
own signature check, no database. Its only Web API call is Bolt's own ``auth.test``,
once per worker (HireDesk's too), to the fake Slack at ``SLACK_API_URL``. Whatever HireDesk takes
beyond this is HireDesk's.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ANYTHING = re.compile(".*")


def build_wsgi_app(signing_secret: str, api_url: str, process_before_response: bool):
    from flask import Flask, request
    from slack_bolt import App
    from slack_bolt.adapter.flask import SlackRequestHandler
    from slack_sdk import WebClient

    app = App(
        client=WebClient(token=os.environ.get("SLACK_BOT_TOKEN", "xoxb-bare-bolt"), base_url=api_url),
        signing_secret=signing_secret,
        token_verification_enabled=False,  # no auth.test at start-up: nothing to call
        process_before_response=process_before_response,
    )

    def only_ack(ack):
        ack()

    app.command(ANYTHING)(only_ack)
    app.action(ANYTHING)(only_ack)
    app.view(ANYTHING)(only_ack)
    app.options(ANYTHING)(only_ack)
    app.shortcut(ANYTHING)(only_ack)

    web = Flask("bare-bolt")
    handler = SlackRequestHandler(app)

    @web.post("/slack/events")
    def slack_events():
        return handler.handle(request)

    @web.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return web


def main() -> int:
    from bot.server import GunicornServer

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--process-before-response", action="store_true")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    args = parser.parse_args()
    secret, api_url = os.environ["SLACK_SIGNING_SECRET"], os.environ.get("SLACK_API_URL", "https://slack.com/api/")
    bind = f"127.0.0.1:{os.environ.get('PORT', '3000')}"
    GunicornServer(
        lambda: build_wsgi_app(secret, api_url, args.process_before_response), bind, workers=args.workers
    ).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
