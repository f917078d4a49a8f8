"""auth.test, oauth.v2.access (an install) and apps.connections.open (Socket Mode); revoking a workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from .records import SlackError
from .state import State


class AuthMethods(State):
    def authorize(self, team_id: str, user: str, team_name: str | None = None, enterprise_id: str | None = None) -> str:
        """A workspace's admin clicks "Allow" on the install page: the code Slack sends the app's
        redirect URL (``oauth.v2.access`` trades it for a new bot token of ``team_id``). A workspace
        of an Enterprise Grid organization names its ``enterprise_id``."""
        code = f"code-{team_id}-{next(self._ids)}"
        with self._lock:
            self.install_codes[code] = {
                "team_id": team_id,
                "user": user,
                "team_name": team_name or team_id,
                "enterprise_id": enterprise_id or "",
            }
        return code

    def revoke(self, team_id: str) -> None:
        """The workspace's tokens stop working (the app was uninstalled there)."""
        with self._lock:
            for token in [t for t, team in self.token_teams.items() if team == team_id]:
                self.tokens.discard(token)
                del self.token_teams[token]

    def _auth_test(self, args: dict) -> dict:
        return {
            "url": "https://fake.slack.test/",
            "team": "Fake Team",
            "user": "hiredesk",
            "team_id": self.token_teams.get(self._caller or "", self.team_id),
            "user_id": self.BOT_USER,
            "bot_id": self.BOT_ID,
        }

    def _oauth_v2_access(self, args: dict) -> dict:
        install = self.install_codes.pop(args.get("code") or "", None)
        if install is None:
            raise SlackError("invalid_code")
        token = f"xoxb-{install['team_id'].lower()}-{next(self._ids)}"
        self.tokens.add(token)
        self.token_teams[token] = install["team_id"]
        return {
            "access_token": token,
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": self.BOT_USER,
            "app_id": "AHIREDESK",
            "team": {"id": install["team_id"], "name": install["team_name"]},
            "enterprise": {"id": install["enterprise_id"], "name": "Grid"} if install["enterprise_id"] else None,
            "is_enterprise_install": False,
            "authed_user": {"id": install["user"]},
        }

    def _apps_connections_open(self, args: dict) -> dict:
        if self.socket_mode is None:
            from .socket_mode import FakeSocketMode

            self.socket_mode = FakeSocketMode()
        return {"url": self.socket_mode.url()}
