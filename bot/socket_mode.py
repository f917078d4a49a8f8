"""Socket Mode: Bolt's handler, with each request keyed by its envelope.

Over HTTP a repeat of a slash command or a click is recognised by its signature; over Socket Mode
there is none. What Slack sends there comes in an envelope, acknowledged by its ``envelope_id``;
an envelope the app did not acknowledge in time (a dropped connection, a restart, Slack refreshing
the socket) is sent again under the same id. So the request carries it (context ``envelope_id``)
and ``handlers.support.request_key`` keys a command or a click on it.

Not covered, as over HTTP: a user who runs the command again or clicks twice sends a new
envelope (a modal's submission is keyed on its view hash, an event on its event_id, either way).
"""

from __future__ import annotations

import time

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import build_headers, send_response
from slack_bolt.request import BoltRequest
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot import request_path


class EnvelopeKeyedSocketModeHandler(SocketModeHandler):
    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        started = time.time()
        # As Bolt's own handler (retry headers included), plus the envelope's id.
        request = BoltRequest(mode="socket_mode", body=req.payload, headers=build_headers(req))
        request.context["envelope_id"] = req.envelope_id
        with request_path.answering():
            response = self.app.dispatch(request)
        send_response(client, req, response, started)
