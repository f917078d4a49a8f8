"""The fake Slack Web API for the benchmark, in a process of its own.

    python -m bench.fake_server --port 0 --token xoxb-bench   (prints "listening <port>")

It is ``fakeslack.FakeSlack`` with two changes that only a load
test needs, so the fake measures the app and not itself:

- its own process: its CPU time never holds the load generator's GIL, and is
  reported apart;
- triggers named ``bench-<n>-<user>`` are valid without a round trip to issue
  them (the load generator makes thousands a second; each still opens one modal).

and a few ``/bench/...`` routes for the benchmark: post many card messages at
once, take (and forget) the calls recorded so far, reset.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys

from flask import Response, request
from werkzeug.serving import make_server

from fakeslack import FakeSlack, Message

# Every request the benchmark sends that leads to a new message carries a tag in its text.
TAG = re.compile(r"bx\d{7}")


class BenchFakeSlack(FakeSlack):
    def __init__(self, token: str) -> None:
        super().__init__(token=token)
        self._add_bench_routes()

    def _use_trigger(self, trigger_id: str | None) -> str | None:
        if trigger_id and trigger_id.startswith("bench-"):
            return trigger_id.rsplit("-", 1)[1]
        return super()._use_trigger(trigger_id)

    # ---- the benchmark's controls -------------------------------------------
    def _add_bench_routes(self) -> None:
        app = self.app

        @app.post("/bench/cards")
        def post_cards() -> Response:
            """``{"channel", "text", "blocks", "count"}`` → the ``ts`` of ``count`` new bot messages."""
            spec = request.get_json(force=True)
            with self._changed:
                posted = []
                for _ in range(int(spec["count"])):
                    message = Message(
                        channel=spec["channel"],
                        ts=self._next_ts(),
                        text=spec["text"],
                        blocks=spec.get("blocks") or [],
                        user=self.BOT_USER,
                    )
                    self.messages.append(message)
                    posted.append(message.ts)
            return Response(json.dumps(posted), mimetype="application/json")

        @app.post("/bench/take-calls")
        def take_calls() -> Response:
            """The calls recorded since the last take, reduced to what the benchmark matches on."""
            with self._changed:
                calls, self.calls = self.calls, []
            return Response(json.dumps([_summary(call) for call in calls]), mimetype="application/json")

        @app.post("/bench/reset")
        def reset() -> Response:
            self.reset()
            return Response("ok")


def _summary(call) -> dict:
    args = call.args
    found = TAG.search(f"{args.get('text', '')} {args.get('blocks', '')}")
    return {
        "method": call.method,
        "at": call.at,
        "channel": args.get("channel"),
        "ts": args.get("ts"),
        "thread_ts": args.get("thread_ts"),
        "trigger_id": args.get("trigger_id"),
        "tag": found.group(0) if found else None,
        "error": args.get("_error"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    fake = BenchFakeSlack(args.token)
    for channel, name in (("CTRIAGE", "it-triage"), ("CFLEET", "car-hire"), ("CMANAGERS", "managers")):
        fake.add_channel(channel, name)
    server = make_server("127.0.0.1", args.port, fake.app, threaded=True)
    print(f"listening {server.server_port}", flush=True)
    server.serve_forever(poll_interval=0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
