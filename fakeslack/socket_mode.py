"""Slack's side of Socket Mode, for tests: a real WebSocket server (RFC 6455) that the app connects
to with the URL ``apps.connections.open`` gave it, sends the app envelopes the way Slack does
(``{envelope_id, type, payload, accepts_response_payload}``) and keeps the app's
acknowledgements (``{envelope_id, payload?}``).

A test-only tool: ``websocket-server`` is a development requirement, imported when the fake
Slack first opens a Socket Mode connection.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from typing import Any


class FakeSocketMode:
    def __init__(self, host: str = "127.0.0.1") -> None:
        from websocket_server import WebsocketServer  # type: ignore[import-untyped]

        self.acks: dict[str, dict[str, Any]] = {}  # the latest acknowledgement of each envelope
        self.ack_counts: dict[str, int] = {}
        self.clients = 0
        self._changed = threading.Condition()
        self._server = WebsocketServer(host=host, port=0)
        self._server.set_fn_new_client(self._connected)
        self._server.set_fn_client_left(self._left)
        self._server.set_fn_message_received(self._received)
        self._server.run_forever(threaded=True)
        self.host, self.port = host, self._server.port

    def url(self) -> str:
        """A fresh connection URL, as ``apps.connections.open`` answers (one ticket per connection)."""
        return f"ws://{self.host}:{self.port}/link/?ticket={secrets.token_hex(8)}&app_id=AHIREDESK"

    def stop(self) -> None:
        self._server.shutdown_abruptly()

    # ---- what Slack does -------------------------------------------------------------------
    def send(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        again: str | None = None,
    ) -> str:
        """Send one envelope (``slash_commands``, ``interactive`` or ``events_api``); its id.
        ``again``: the id of an envelope sent before, sent once more (as Slack does with one not
        acknowledged in time)."""
        envelope_id = again or secrets.token_hex(8)
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 1 if again else 0,
            "retry_reason": "timeout" if again else "",
        }
        self._server.send_message_to_all(json.dumps(envelope))
        return envelope_id

    def wait_connected(self, timeout: float = 10.0) -> None:
        self._wait(lambda: self.clients > 0, timeout, "the app never connected over Socket Mode")

    def wait_ack(self, envelope_id: str, timeout: float = 10.0, count: int = 1) -> dict[str, Any]:
        """The app's ``count``-th acknowledgement of an envelope: ``{"envelope_id": ..., "payload": ...?}``."""
        self._wait(
            lambda: self.ack_counts.get(envelope_id, 0) >= count,
            timeout,
            f"envelope {envelope_id} was not acknowledged {count} time(s)",
        )
        return self.acks[envelope_id]

    # ---- the server's callbacks -------------------------------------------------------------
    def _connected(self, client: dict, server: Any) -> None:
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "AHIREDESK"}}
        server.send_message(client, json.dumps(hello))
        with self._changed:
            self.clients += 1
            self._changed.notify_all()

    def _left(self, client: dict | None, server: Any) -> None:
        with self._changed:
            self.clients = max(0, self.clients - 1)
            self._changed.notify_all()

    def _received(self, client: dict, server: Any, message: str) -> None:
        try:
            ack = json.loads(message)
        except ValueError:
            return
        if isinstance(ack, dict) and ack.get("envelope_id"):
            with self._changed:
                self.acks[ack["envelope_id"]] = ack
                self.ack_counts[ack["envelope_id"]] = self.ack_counts.get(ack["envelope_id"], 0) + 1
                self._changed.notify_all()

    def _wait(self, done: Any, timeout: float, failure: str) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(failure)
                self._changed.wait(remaining)
