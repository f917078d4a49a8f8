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

import inspect
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.errors import DomainError, FormErrors, Unavailable
from bot.services.actors import Actor
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
        return next()


@contextmanager
def request_scope(ctx: AppContext, body: dict, *, readonly: bool = False) -> Iterator[tuple[Session, Actor]]:
    """One transaction for a Slack request, and the actor who sent it."""
    with actor_scope(ctx, team_id_of(body), user_id_of(body), readonly=readonly) as scope:
        yield scope


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
        try:
            return listener(**{name: available[name] for name in wanted})
        except FormErrors as error:
            _reply(ack, body, respond, client, error.message, form_errors=error.errors)
        except DomainError as error:
            _reply(ack, body, respond, client, error.message)
        except (OperationalError, Unavailable) as error:
            log.warning("database unavailable: %s", error, exc_info=True)
            _reply(ack, body, respond, client, Unavailable.message)
        except DBAPIError as error:
            if error.connection_invalidated:
                log.warning("database connection lost: %s", error, exc_info=True)
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

    unknown = set(wanted) - set(inspect.signature(run).parameters)
    if unknown:
        raise TypeError(f"{listener.__qualname__} asks for {', '.join(sorted(unknown))}, which no listener is given")
    run.__name__ = listener.__name__
    run.__qualname__ = listener.__qualname__
    return run


def _acked(ack) -> bool:
    return getattr(ack, "response", None) is not None


def _reply(ack, body: dict, respond, client, text: str, form_errors: dict[str, str] | None = None) -> None:
    """Tell the user what went wrong, the way this kind of request allows."""
    kind = body.get("type") or ("slash_command" if "command" in body else "")
    try:
        if kind == "view_submission":
            if not _acked(ack):
                ack(response_action="errors", errors=form_errors or {_first_input_block(body): text})
            return
        if kind == "block_suggestion":
            if not _acked(ack):
                ack(options=[])
            return
        message = error_message(text)
        if kind == "slash_command" and not _acked(ack):
            ack(response_type="ephemeral", **message)
            return
        if not _acked(ack):
            ack()
        if body.get("response_url"):
            respond(response_type="ephemeral", replace_original=False, **message)
            return
        channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
        user = user_id_of(body)
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, **message)
        else:
            client.chat_postMessage(channel=user, **message)
    except Exception:
        log.exception("could not tell the user about an error: %s", text)


def _first_input_block(body: dict) -> str:
    for block in (body.get("view") or {}).get("blocks", []):
        if block.get("type") == "input":
            return block.get("block_id", "")
    return ""
