"""The fake as a real HTTP server: the Web API route, the upload URL, response_urls; closed to other sites."""

from __future__ import annotations

import json
import secrets
import threading
from typing import TYPE_CHECKING, Self

from flask import Flask, Response, abort, request
from werkzeug.serving import make_server

from bot.sandbox.local_only import refuse_other_sites

if TYPE_CHECKING:
    pass

from .args import _bearer_token, _no_answer, _request_args
from .faults import Faults
from .records import Call, SlackError


class HttpServer(Faults):
    # ---- lifecycle -------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> Self:
        self._server = make_server(host, port, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release_holds()
        if self.socket_mode:
            self.socket_mode.stop()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def mount(self, port: int) -> Self:
        """Serve ``self.app`` inside another WSGI server on ``port`` (the sandbox) instead of ``start``."""
        self.port = port
        return self

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # ---- HTTP ------------------------------------------------------------
    def _build_app(self) -> Flask:
        app = Flask("fake-slack")

        @app.route("/api/<method>", methods=["GET", "POST"])  # Slack takes both; slack_sdk always POSTs
        def api(method: str) -> Response:
            args = _request_args()
            token = _bearer_token() or args.pop("token", None)
            return self._dispatch(method, args, token)

        @app.post("/files/upload/v1/<file_id>")
        def upload_url(file_id: str) -> Response:
            """The upload URL: the file's bytes, as the raw body or the first part of a multipart form."""
            if request.mimetype == "multipart/form-data" and request.files:
                data = next(iter(request.files.values())).read()
            else:  # the raw body, whatever type it claims (urllib calls it a form)
                data = request.get_data(parse_form_data=False)
            call = Call("files.upload", {"file_id": file_id, "bytes": len(data)}, None)
            try:
                self._maybe_fail("files.upload")
                with self._lock:
                    upload = self.uploads.get(file_id)
                    if upload is None or upload.completed:
                        raise SlackError("file_not_found", status=404)
                    upload.data = data
            except SlackError as error:
                call.args["_error"] = error.error
                self._record(call)
                status = error.status if error.status >= 400 else 500
                return Response(f"error: {error.error}", status=status, mimetype="text/plain")
            self._record(call)
            return Response(f"OK - {len(data)}", mimetype="text/plain")

        @app.get("/files/download/<file_id>/<name>")
        def download(file_id: str, name: str) -> Response:
            with self._lock:
                upload = self.uploads.get(file_id)
            if upload is None or not upload.completed or upload.data is None:
                return Response("file_not_found", status=404, mimetype="text/plain")
            return Response(
                upload.data,
                mimetype="text/csv" if upload.filename.endswith(".csv") else "application/octet-stream",
                headers={"Content-Disposition": f'attachment; filename="{upload.filename}"'},
            )

        @app.before_request
        def closed_to_other_sites() -> None:
            refusal = refuse_other_sites()
            if refusal is not None:
                abort(refusal)

        @app.post("/response/<token>")
        def response_url(token: str) -> Response:
            with self._lock:
                key = self.response_keys.get(token)
            if key is None:
                return Response("invalid_token", status=404, mimetype="text/plain")
            if not request.is_json:  # Slack's response_url takes JSON
                return Response("invalid_payload", status=415, mimetype="text/plain")
            args = request.get_json(silent=True) or {}
            self._record(Call("response_url", {"key": key, **args}, None))
            self._apply_response_url(key, args)
            return Response("ok", mimetype="text/plain")

        return app

    def response_url_for(self, channel: str, user: str, message_ts: str | None = None) -> str:
        """A response_url for a request from ``user`` in ``channel`` (about ``message_ts``): its key is
        random, as Slack's are, so no other web page can guess one and post through it."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            self.response_keys[token] = f"{channel}.{user}.{message_ts or ''}"
        return f"{self.base_url}/response/{token}"

    def _dispatch(self, method: str, args: dict, token: str | None) -> Response:
        call = Call(method, args, token)
        try:
            self._maybe_stall(method)
            self._maybe_fail(method)
            if method == "apps.connections.open":  # the one method an app-level token calls
                if token != self.APP_TOKEN:
                    raise SlackError("not_allowed_token_type" if token in self.tokens else "invalid_auth")
            elif method != "oauth.v2.access" and token not in self.tokens:  # that one takes the client's
                raise SlackError("not_authed" if not token else "invalid_auth")
            handler = self.handlers.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            with self._lock:
                self._caller = token
                body = {"ok": True, **handler(args)}
            status, headers = 200, {}
        except SlackError as error:
            call.args = {**args, "_error": error.error}
            body, status, headers = {"ok": False, "error": error.error}, error.status, error.headers
        delay, lost = self._answer_faults(method, accepted=body["ok"])
        call.dropped = lost is not None
        self._record(call)
        # Held outside the lock, on this request's own server thread: other calls go on.
        held = delay + (lost.seconds if lost else 0.0)
        if held > 0:
            self._holds_released.wait(held)
        if lost is not None:
            return _no_answer(request.environ.get("werkzeug.socket"))
        return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")
