"""What every listener shares: its AppContext, its request scope, and errors turned into replies.

Listeners are plain module-level functions. ``ProvideAppContext`` (a global Bolt middleware)
puts the AppContext into every request's context, and Bolt passes a listener the context's
entries it names, so a listener gets it by declaring a ``ctx`` argument.

``request_scope`` is one Slack request's unit of work: one transaction and the actor who sent
the request.

``guarded`` wraps a listener so that a domain error becomes the answer Slack
expects for that kind of request (an ephemeral message, inline modal errors, an
empty option list), a database outage becomes "temporarily unavailable", and
anything unexpected is logged with its traceback and reported to the user
without one.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.errors import DomainError, FormErrors, Unavailable
from bot.request_path import counting
from bot.services import handled
from bot.services.actors import Actor
from bot.tenancy import Admission
from bot.views.messages import error_message

from .payloads import team_id_of, user_id_of

log = logging.getLogger("hiredesk.handlers")

UNEXPECTED = "Something went wrong on our side. It has been logged; please try again."


class ProvideAppContext(Middleware):
    """Hands every listener the AppContext as its ``ctx`` argument."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        req.context["ctx"] = self.ctx
        req.context["request_key"] = request_key(req.body, req.headers, req.context.get("envelope_id"))
        return next()


NOT_INSTALLED = "HireDesk is not installed in this workspace."
STILL_CONNECTING = "HireDesk is still connecting to Slack — try again in a minute."


class OnlyServedWorkspaces(Middleware):
    """Refuses, before Bolt's authorization and any listener run, a request from a workspace (or
    enterprise) this app does not serve: with one bot token, any but the token's own (and every
    one while Slack refuses the token); over OAuth, any not installed. With one bot token that
    Slack has not yet been reached for since the app's very first start, every request is told
    HireDesk is still connecting (an event is refused with a 503, so Slack sends it again later).

    Nothing is written and nothing is posted: a slash command gets its answer as an ephemeral, a
    modal's submission inline, anything else an empty 200 (so Slack does not retry it). Installed as
    Bolt's ``before_authorize`` (bot/slack_app.py). It asks the tenancy, which never asks Slack.

    It also gives the request a client that counts the Web API calls made before the answer
    (bot/request_path.py): Bolt's authorization then sets that client's token."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        req.context["client"] = counting(req.context.client)
        if req.body.get("type") == "url_verification" or req.body.get("ssl_check"):
            return next()  # Slack checking the Request URL: no workspace, nothing served
        team_id, enterprise_id = req.context.team_id, req.context.enterprise_id
        try:
            admission = self.ctx.tenancy.admission(team_id, enterprise_id)
        except (OperationalError, PoolTimeout, DBAPIError) as error:  # nothing known yet, and no database
            log.warning("database unavailable: %s", _first_line(error))
            return _try_again_later(req, Unavailable.message)
        if admission is Admission.SERVED:
            return next()
        if admission is Admission.CONNECTING:
            log.warning("answered a request before Slack was reached: still connecting")
            return _try_again_later(req, STILL_CONNECTING)
        log.warning("refused a request from workspace %s (enterprise %s): not served here", team_id, enterprise_id)
        return _not_installed(req.body)


def _not_installed(body: dict) -> BoltResponse:
    """A workspace not served: a command is told so; anything else gets an empty 200."""
    if body.get("command"):
        return _json_answer({"response_type": "ephemeral", "text": NOT_INSTALLED})
    return BoltResponse(status=200, body="")


def _try_again_later(req: BoltRequest, text: str) -> BoltResponse:
    """``text`` (try again later), told the way this kind of request allows (``_answer_allowed``; a
    click: on its response_url after the answer); an event is refused with a 503 (Slack sends it
    again later)."""
    body = req.body
    if body.get("type") == "event_callback":
        return BoltResponse(status=503, body=text)
    answer = _answer_allowed(body, {"text": text}, text)
    if answer is not None:
        return _json_answer(answer)
    if body.get("response_url"):
        after_answer(_tell, body, req.context.respond, None, {"text": text}, text)
    return BoltResponse(status=200, body="")


def _json_answer(answer: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(answer), headers={"content-type": "application/json"})


def request_key(body: dict, headers: dict[str, Any], envelope_id: str | None = None) -> str | None:
    """What makes a repeat of this request recognisable (PRODUCT.md §8, no double effects):
    a modal's view id and hash, an event's id, or else the request's own signature (HTTP) or its
    Socket Mode envelope's id (bot/socket_mode.py: an envelope sent again keeps its id)."""
    if body.get("type") == "view_submission":
        view = body.get("view") or {}
        return f"view:{view.get('team_id') or ''}:{view.get('id')}:{view.get('hash')}"
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    signature = (headers.get("x-slack-signature") or [""])[0]
    timestamp = (headers.get("x-slack-request-timestamp") or [""])[0]
    if signature:
        return "sig:" + hashlib.sha256(f"{timestamp}:{signature}".encode()).hexdigest()
    if envelope_id:
        return f"envelope:{envelope_id}"
    return None


class AlreadyHandled(Exception):
    """A repeat of a request that has already changed things: answer as before, change nothing."""

    def __init__(self, answer: dict[str, Any] | None) -> None:
        self.answer = answer


_current_request_key: ContextVar[str | None] = ContextVar("hiredesk_request_key", default=None)


@contextmanager
def request_scope(ctx: AppContext, body: dict, *, readonly: bool = False) -> Iterator[tuple[Session, Actor]]:
    """One transaction for a Slack request, and the actor who sent it.

    A writing request records its key (``request_key``) in the same transaction
    first: a repeat — double click, Slack's retry, a replayed signed request —
    finds it and raises ``AlreadyHandled`` before changing anything."""
    with actor_scope(ctx, team_id_of(body), user_id_of(body), readonly=readonly) as (session, actor):
        key = _current_request_key.get()
        if not readonly and key and not handled.first_time(session, key):
            raise AlreadyHandled(handled.answer_of(session, key))
        yield session, actor


@contextmanager
def actor_scope(
    ctx: AppContext, team_id: str, user_id: str, *, readonly: bool = False
) -> Iterator[tuple[Session, Actor]]:
    """One transaction acting for ``user_id`` (work after the ack, like refreshing a message)."""
    with ctx.db.transaction(readonly=readonly) as session:
        yield session, ctx.actor(session, team_id, user_id)


def guarded(listener: Callable[..., Any]) -> Callable[..., Any]:
    wanted = list(inspect.signature(listener).parameters)

    # Bolt injects arguments by the names in the signature; ask for all of them
    # and pass the listener the ones it declares.
    def run(ack, body, respond, client, context, logger, payload, command, action, view, options, shortcut, event, ctx):
        available = locals()
        token = _current_request_key.set((context or {}).get("request_key"))
        try:
            result = listener(**{name: available[name] for name in wanted})
            _remember_answer(ctx, body, ack)
            return result
        except AlreadyHandled as repeat:
            log.info("repeat of %s ignored", _current_request_key.get())
            ack(**(repeat.answer or {}))
        except FormErrors as error:
            _reply(ack, body, respond, client, error.message, form_errors=error.errors)
        except DomainError as error:
            _reply(ack, body, respond, client, error.message)
        except (OperationalError, Unavailable, PoolTimeout) as error:
            # An outage is one line per failed request (and repeats are rate-limited, bot/log_limits.py):
            # its traceback says nothing the message doesn't.
            log.warning("database unavailable: %s", _first_line(error))
            _reply(ack, body, respond, client, Unavailable.message)
        except DBAPIError as error:
            if error.connection_invalidated:
                log.warning("database connection lost: %s", _first_line(error))
                _reply(ack, body, respond, client, Unavailable.message)
            else:
                log.exception("database error in %s", listener.__qualname__)
                _reply(ack, body, respond, client, UNEXPECTED)
        except SlackApiError as error:
            log.exception("Slack API call failed in %s: %s", listener.__qualname__, error.response.get("error"))
            _reply(ack, body, respond, client, UNEXPECTED)
        except Exception:
            log.exception("unexpected error in %s", listener.__qualname__)
            _reply(ack, body, respond, client, UNEXPECTED)
        finally:
            _current_request_key.reset(token)

    unknown = set(wanted) - set(inspect.signature(run).parameters)
    if unknown:
        raise TypeError(f"{listener.__qualname__} asks for {', '.join(sorted(unknown))}, which no listener is given")
    run.__name__ = listener.__name__
    run.__qualname__ = listener.__qualname__
    return run


def _first_line(error: BaseException) -> str:
    """The error's own first line, without SQLAlchemy's statement and background-link lines."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__


def _remember_answer(ctx: AppContext | None, body: dict, ack) -> None:
    """A modal's answer that is more than "close" (e.g. a "saved" view) is kept for a repeat of it."""
    key = _current_request_key.get()
    response = getattr(ack, "response", None)
    if ctx is None or not key or not key.startswith("view:") or response is None or not response.body:
        return
    try:
        with ctx.db.transaction() as session:
            handled.remember_answer(session, key, json.loads(response.body))
    except Exception as error:  # a repeat then just closes the modal; the change itself is kept
        log.warning("could not keep the answer to %s: %s", key, error)


def _acked(ack) -> bool:
    return getattr(ack, "response", None) is not None


def _reply(ack, body: dict, respond, client, text: str, form_errors: dict[str, str] | None = None) -> None:
    """Tell the user what went wrong, the way this kind of request allows."""
    try:
        message = error_message(text)
        answer = _answer_allowed(body, message, text, form_errors)
        if answer is not None and not _acked(ack):
            ack(**answer)
            return
        if body.get("type") in ("view_submission", "block_suggestion"):
            return  # answered already: nothing more can be shown there
        if not _acked(ack):
            ack()
        after_answer(_tell, body, respond, client, message, text)
    except Exception:
        log.exception("could not tell the user about an error: %s", text)


def _answer_allowed(
    body: dict, message: dict, text: str, form_errors: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """What an answer that refuses this kind of request carries: a modal's inline errors, an empty
    option list, a command's ephemeral ``message``; None where it can carry nothing (a click, a
    shortcut: the user is told after the answer, ``_tell``)."""
    kind = body.get("type") or ("slash_command" if "command" in body else "")
    if kind == "view_submission":
        return {"response_action": "errors", "errors": form_errors or {_first_input_block(body): text}}
    if kind == "block_suggestion":
        return {"options": []}
    if kind == "slash_command":
        return {"response_type": "ephemeral", **message}
    return None


# Replies that are not a change's messages (a refusal, an error) and a modal's follow-up
# (a permalink) are sent here after the answer: never in the listener, never in the outbox.
_after_answer = ThreadPoolExecutor(max_workers=4, thread_name_prefix="hiredesk-after-answer")


def after_answer(fn: Callable[..., Any], *args: Any) -> None:
    _after_answer.submit(_logged, fn, *args)


def _logged(fn: Callable[..., Any], *args: Any) -> None:
    try:
        fn(*args)
    except Exception:
        log.exception("after answering Slack: %s failed", getattr(fn, "__name__", fn))


def _tell(body: dict, respond, client, message: dict, text: str) -> None:
    """An error told as an ephemeral reply where the user clicked (its response_url), or by DM."""
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **message)
        return
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    user = user_id_of(body)
    if channel:
        client.chat_postEphemeral(channel=channel, user=user, **message)
    else:
        client.chat_postMessage(channel=user, **message)


def _first_input_block(body: dict) -> str:
    for block in (body.get("view") or {}).get("blocks", []):
        if block.get("type") == "input":
            return block.get("block_id", "")
    return ""
