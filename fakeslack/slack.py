"""A fake of the Slack Web API that runs as a real HTTP server.

It answers the methods HireDesk calls the way Slack does (same response
shapes and error codes), keeps the messages, views and App Home tabs it was
given, and records every call (method, arguments, token) so tests can assert
on them. Faults can be injected per method: an error code (any HTTP status,
5xx included), a 429 with ``Retry-After``, a call held unanswered and never
performed (``stall``), a call performed whose answer is lost (``accept_then_drop``),
and slow answers (``slow``). The upload URL of ``files.getUploadURLExternal`` is
served too (its faults: ``fail("files.upload", ...)``); ``uploaded(file_id)`` reads the bytes.

Message timestamps are taken from the clock (``bot.services.clock``, which
freezegun moves), so ``conversations.history``'s ``oldest``/``latest`` filter
the way Slack's do.

Run it with ``FakeSlack().start()``; point the app at ``fake.api_url``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from .auth import AuthMethods
from .chat import ChatMethods
from .conversations import ConversationMethods
from .files import FileMethods
from .page_state import PageState
from .queries import Queries
from .records import _MessageIndex
from .server import HttpServer
from .views import ViewMethods


class FakeSlack(
    HttpServer, Queries, AuthMethods, ChatMethods, ViewMethods, ConversationMethods, FileMethods, PageState
):
    """State and behaviour of the fake workspace(s). Thread-safe."""

    def __init__(self, team_id: str = "T0001", token: str = "xoxb-test-token") -> None:
        super().__init__(team_id, token)
        self.app = self._build_app()
        self.handlers: dict[str, Callable[[dict], dict]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.list": self._conversations_list,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.list": self._users_list,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "apps.connections.open": self._apps_connections_open,
            "oauth.v2.access": self._oauth_v2_access,
        }

    def reset(self) -> None:
        with self._lock:
            self.tokens, self.token_teams = {self._first_token}, {self._first_token: self.team_id}
            self.install_codes.clear()
            self.response_keys.clear()
            self.calls.clear()
            self.messages.clear()
            self._index = _MessageIndex()
            self.views.clear()
            self.view_stacks.clear()
            self.home_tabs.clear()
            self.uploads.clear()
            self.failures.clear()
            self.triggers.clear()
            self.trigger_users.clear()
            self.view_owners.clear()
            for stall in self.stalls.values():
                stall.release()
            self.stalls.clear()
            self.lost_answers.clear()
            self.slow_answers.clear()
        self._release_holds()

    # ---- test controls ---------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        tz: str = "Europe/London",
        is_bot: bool = False,
        real_name: str | None = None,
    ) -> None:
        name = name or user_id.lower()
        real_name = real_name or name.title()
        with self._lock:
            self.users[user_id] = {
                "id": user_id,
                "team_id": self.team_id,
                "name": name,
                "real_name": real_name,
                "tz": tz,
                "is_bot": is_bot,
                "deleted": False,
                "profile": {"display_name": name, "real_name": real_name},
            }

    def add_channel(self, channel_id: str, name: str) -> None:
        with self._lock:
            self.channels[channel_id] = name
