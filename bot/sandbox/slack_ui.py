"""What a person's Slack client does when they type or click, for the sandbox page.

Every interaction becomes the signed request real Slack would send to the app
(``SignedSlackClient`` → ``/slack/events``), and the app's HTTP answer is
applied the way Slack applies it: a command's reply shown "only to you",
modal errors shown inline, a submitted modal closed, updated or pushed.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from bot.views.text import escape
from fakeslack import FakeSlack, Message

from .block_state import RawForm, action_payload, find_element, state_values
from .signed_requests import SignedSlackClient, SlackResponse

SLACKBOT = "USLACKBOT"
# The reactions the page's message menu offers: the ticket emoji (emoji to ticket) and two others.
REACTIONS = ("ticket", "eyes", "white_check_mark")
HANDLE = re.compile(r"(?<![\w@])@([\w-]+(?:\.[\w-]+)*)")
CHANNEL = re.compile(r"(?<![\w#&])#([\w-]+)")


class Refused(Exception):
    """The page asked for something Slack would not send (an unknown element, someone else's modal)."""


class SlackUI:
    def __init__(
        self,
        fake: FakeSlack,
        slack: SignedSlackClient,
        tz: ZoneInfo,
        commands: list[str],
        message_shortcuts: list[dict],
    ) -> None:
        self.fake = fake
        self.slack = slack
        self.tz = tz
        self.commands = commands
        self.message_shortcuts = message_shortcuts  # [{"name": …, "callback_id": …}] from the manifest

    # ---- the composer --------------------------------------------------------
    def send(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> str | None:
        """Enter in the composer: a slash command runs, anything else is posted as the user's message."""
        text = text.strip()
        if text.startswith("/") and not thread_ts:
            self.run_command(user, channel, text)
        elif text:
            message = self.fake.add_message(channel, user, self._as_typed(text), thread_ts=thread_ts)
            if channel.startswith("D"):  # the DM with HireDesk: Slack sends it ``message.im``
                return _problem(self.slack.message_im(user, message.text, ts=message.ts, thread_ts=message.thread_ts))
        return None

    def run_command(self, user: str, channel: str, text: str) -> None:
        """Slack answers an unknown command or a failed request itself, with Slackbot."""
        command, _, rest = text.partition(" ")
        if command not in self.commands:
            self._slackbot(
                channel, user, f"{command} is not a valid command. The app's commands are {', '.join(self.commands)}."
            )
            return
        response = self.slack.command(command, self._as_typed(rest.strip()), user=user, channel=channel)
        if response.status != 200:
            self._slackbot(channel, user, f'{command} failed with the error "http_error_{response.status}".')
        elif response.body:
            self.fake.respond(channel, user, response.json)

    # ---- clicks and choices ---------------------------------------------------
    def act_on_message(
        self, user: str, channel: str, ts: str, block_id: str, action_id: str, raw: list[str]
    ) -> str | None:
        message = self._message(user, channel, ts)
        element = find_element(message.blocks, block_id, action_id)
        if element is None:
            raise Refused("That message has no such button or menu any more.")
        action = action_payload(element, block_id, raw, self.tz)
        return _problem(self.slack.block_action(action, user=user, channel=channel, message_ts=ts))

    def act_in_view(
        self, user: str, view_id: str, block_id: str, action_id: str, raw: list[str], form: RawForm
    ) -> str | None:
        view = self._view(user, view_id)
        element = find_element(view.get("blocks", []), block_id, action_id)
        if element is None:
            raise Refused("That view has no such element any more.")
        action = action_payload(element, block_id, raw, self.tz)
        return _problem(self.slack.block_action(action, user=user, view=self._with_state(view, form)))

    def suggest(self, user: str, view_id: str, block_id: str, action_id: str, query: str) -> list[dict]:
        """Options for an external select as the person types (``block_suggestion``)."""
        view = self._view(user, view_id)
        if find_element(view.get("blocks", []), block_id, action_id) is None:
            raise Refused("That view has no such menu.")
        response = self.slack.block_suggestion(action_id, query, user=user, block_id=block_id, view=view)
        if response.status != 200 or not response.body:
            return []
        body = response.json or {}
        options = list(body.get("options") or [])
        for group in body.get("option_groups") or []:
            options += group.get("options") or []
        return options

    # ---- modals ----------------------------------------------------------------
    def submit(self, user: str, view_id: str, form: RawForm) -> dict[str, str] | str:
        """Submit a modal: returns the inline errors (empty when it went through) or a problem."""
        submitted = self._with_state(self._view(user, view_id), form)
        response = self.slack.view_submission(submitted, submitted["state"]["values"], user=user)
        problem = _problem(response)
        if problem:
            return problem
        return self.fake.apply_submission_response(view_id, response.json if response.body else None)

    def close(self, user: str, view_id: str) -> None:
        view = self._view(user, view_id)
        if view.get("notify_on_close"):
            self.slack.view_closed(view, user=user)
        self.fake.close_view(view_id)

    # ---- App Home, shortcuts, ephemeral messages -------------------------------
    def open_home(self, user: str) -> str | None:
        return _problem(self.slack.app_home_opened(user))

    def message_shortcut(self, user: str, channel: str, ts: str, callback_id: str) -> str | None:
        if callback_id not in {s["callback_id"] for s in self.message_shortcuts}:
            raise Refused("The app has no such shortcut.")
        message = self._message(user, channel, ts)
        shared = {
            "type": "message",
            "user": message.user,
            "text": message.text,
            "ts": message.ts,
            "blocks": message.blocks,
        }
        return _problem(self.slack.message_shortcut(callback_id, user=user, channel=channel, message=shared))

    def react(self, user: str, channel: str, ts: str, name: str) -> str | None:
        """Add an emoji reaction to a message: Slack sends the app ``reaction_added`` (once per
        person and emoji; a second click on the same one changes nothing)."""
        if name not in REACTIONS:
            raise Refused("The sandbox offers only a few reactions.")
        message = self._message(user, channel, ts)
        if message.ephemeral_for or not self.fake.add_reaction(channel, ts, user, name):
            return None
        return _problem(self.slack.reaction_added(user, name, channel=channel, ts=ts))

    def dismiss(self, user: str, channel: str, ts: str) -> None:
        """Dismiss an ephemeral message (only its viewer can)."""
        message = self._message(user, channel, ts)
        if message.ephemeral_for == user:
            self.fake.delete_message(channel, ts)

    # ---- helpers -----------------------------------------------------------------
    def _as_typed(self, text: str) -> str:
        """What Slack sends for typed text: escaped, so a typed "<" starts nothing, and with
        @handles and #channels turned into mentions (commands use ``should_escape``)."""
        handles = {u["name"]: uid for uid, u in self.fake.users.items()}
        channels = {name: cid for cid, name in self.fake.channels.items()}

        def person(match: re.Match) -> str:
            uid = handles.get(match.group(1))
            return f"<@{uid}|{match.group(1)}>" if uid else match.group(0)

        def channel(match: re.Match) -> str:
            cid = channels.get(match.group(1))
            return f"<#{cid}|{match.group(1)}>" if cid else match.group(0)

        return CHANNEL.sub(channel, HANDLE.sub(person, escape(text)))

    def _message(self, user: str, channel: str, ts: str) -> Message:
        message = self.fake.message(channel, ts)
        if message is None or message.deleted or message.ephemeral_for not in (None, user):
            raise Refused("That message is gone.")
        return message

    def _view(self, user: str, view_id: str) -> dict:
        """A view the person is looking at: their open modal or their App Home."""
        home = self.fake.home_tabs.get(user)
        modal = self.fake.open_modal(user)
        for view in (modal, home):
            if view is not None and view["id"] == view_id:
                return view
        raise Refused("That view is closed.")

    def _with_state(self, view: dict, form: RawForm) -> dict:
        return {**view, "state": {"values": state_values(view.get("blocks", []), form, self.tz)}}

    def _slackbot(self, channel: str, user: str, text: str) -> None:
        self.fake.add_message(channel, SLACKBOT, text, ephemeral_for=user)


def _problem(response: SlackResponse) -> str | None:
    """What the person sees when the app did not answer well (Slack shows a warning)."""
    if response.status == 200:
        return None
    return f"HireDesk did not answer (HTTP {response.status}). The terminal running app.py shows why."
