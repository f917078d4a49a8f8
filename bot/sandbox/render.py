"""The sandbox page, rendered on the server from the fake Slack's store.

The page is plain HTML; its script swaps in the fragments built here (the
conversation, the open thread, the open modal, the clock) whenever the store
changes, so nothing about Block Kit is interpreted in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot.services import clock
from fakeslack import FakeSlack, Message

from . import workspace
from .block_state import action_id, block_id, local_input_value
from .mrkdwn import Directory, mrkdwn, text_object
from .slack_ui import REACTIONS, SLACKBOT, SlackUI

TEMPLATES = Path(__file__).resolve().parent / "templates"
HOME = "home"


@dataclass(frozen=True)
class Screen:
    """What one person is looking at: a channel (or DM, or App Home) and maybe a thread."""

    user: str
    channel: str
    thread: str | None = None

    def link(self, **changes: str) -> str:
        channel = changes.get("channel", self.channel)
        thread = changes.get("thread", self.thread if channel == self.channel else None)
        query = {"as": changes.get("user", self.user), "c": channel, **({"thread": thread} if thread else {})}
        return "/?" + urlencode(query)


@dataclass(frozen=True)
class Author:
    name: str
    initials: str
    app: bool


class Renderer:
    def __init__(self, fake: FakeSlack, ui: SlackUI, tz: ZoneInfo) -> None:
        self.fake = fake
        self.ui = ui
        self.tz = tz
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            text=lambda obj: text_object(obj, self.directory),
            mrkdwn=lambda text: mrkdwn(text, self.directory),
            safe_url=_safe_url,
            local_input=lambda epoch: local_input_value(epoch, self.tz),
            with_action_id=lambda element, index: {**element, "action_id": action_id(element, index)},
            clock_time=self._clock_time,
            clock_long=lambda moment: moment.astimezone(self.tz).strftime(f"%a %d %b %Y, %H:%M ({self.tz.key})"),
        )
        self.env.globals.update(
            block_id=block_id,
            initial_values=initial_values,
            field_id=lambda key, block, action: f"f-{key}-{block}-{action}".replace(" ", "_"),
            people_options=lambda: [(p.user_id, p.real_name) for p in workspace.PEOPLE],
            channel_options=lambda: [(c.channel_id, f"#{c.name}") for c in workspace.CHANNELS],
            author_of=self.author,
            shortcuts=ui.message_shortcuts,
            reactions=REACTIONS,
        )

    @cached_property
    def directory(self) -> Directory:
        """Names for IDs; the sandbox's people and channels are fixed when it starts."""
        users = {uid: u.get("real_name") or u["name"] for uid, u in self.fake.users.items()}
        users[FakeSlack.BOT_USER] = "HireDesk"
        return Directory(users=users, channels=dict(self.fake.channels), tz=self.tz)

    def author(self, user_id: str) -> Author:
        if user_id == FakeSlack.BOT_USER:
            return Author("HireDesk", "HD", app=True)
        if user_id == SLACKBOT:
            return Author("Slackbot", "SB", app=True)
        name = self.directory.users.get(user_id, user_id)
        return Author(name, "".join(part[0] for part in name.split()[:2]).upper(), app=False)

    # ---- the whole page and its live fragments ------------------------------------
    def page(self, screen: Screen, jobs: list, commands: list[str]) -> str:
        title, purpose = self.title(screen)
        return self.env.get_template("page.html").render(
            screen={"channel": screen.channel, "thread": screen.thread, "title": title, "purpose": purpose},
            user=workspace.person(screen.user),
            people=workspace.PEOPLE,
            channels=workspace.CHANNELS,
            dm=self.fake.dm_channel(screen.user),
            jobs=jobs,
            commands=commands,
            version=self.fake.version,
            fragments=self.fragments(screen),
            link=lambda **changes: screen.link(**changes),
        )

    def fragments(self, screen: Screen) -> dict[str, str | int | dict[str, int]]:
        modal = self.fake.open_modal(screen.user)
        return {
            "version": self.fake.version,
            "main": self.home(screen) if screen.channel == HOME else self.messages(screen),
            "thread": self.thread(screen) if screen.thread else "",
            "modal": self.modal(screen.user, modal) if modal else "",
            # The modal is redrawn only when the app changed it, so typing is never lost.
            "modal_key": f"{modal['id']}:{modal['hash']}" if modal else "",
            "clock": self.clock(),
            # How many messages each conversation shows this person: the page marks what is new.
            "counts": {
                channel: len(self.fake.visible_messages(channel, screen.user))
                for channel in [*(c.channel_id for c in workspace.CHANNELS), self.fake.dm_channel(screen.user)]
            },
        }

    def title(self, screen: Screen) -> tuple[str, str]:
        if screen.channel == HOME:
            return "HireDesk · Home", "Your App Home tab"
        if screen.channel == self.fake.dm_channel(screen.user):
            return "HireDesk (DM)", "Your direct messages with the app"
        channel = next((c for c in workspace.CHANNELS if c.channel_id == screen.channel), None)
        if channel:
            return f"#{channel.name}", channel.purpose
        return f"#{self.fake.channels.get(screen.channel, screen.channel)}", ""

    def messages(self, screen: Screen) -> Markup:
        messages = self.fake.visible_messages(screen.channel, screen.user)
        return self._messages(screen, messages, in_thread=False, empty="No messages yet. Type /hiredesk help below.")

    def thread(self, screen: Screen) -> Markup:
        messages = self.fake.visible_messages(screen.channel, screen.user, thread_ts=screen.thread)
        listing = self._messages(screen, messages, in_thread=True, empty="This thread is gone.")
        return Markup(
            self.env.get_template("thread.html").render(
                messages_html=listing, thread=screen.thread, link=lambda **changes: screen.link(**changes)
            )
        )

    def _messages(self, screen: Screen, messages: list[Message], *, in_thread: bool, empty: str) -> Markup:
        return Markup(
            self.env.get_template("messages.html").render(
                messages=messages,
                in_thread=in_thread,
                empty=empty,
                link=lambda **changes: screen.link(**changes),
                replies=lambda m: self.fake.reply_count(m.channel, m.ts),
                user=screen.user,
            )
        )

    def modal(self, user: str, view: dict) -> Markup:
        return Markup(self.env.get_template("modal.html").render(view=view, depth=self.fake.modal_depth(user)))

    def home(self, screen: Screen) -> Markup:
        return Markup(self.env.get_template("home.html").render(view=self.fake.home_tabs.get(screen.user)))

    def clock(self) -> Markup:
        return Markup(self.env.get_template("clock.html").render(now=clock.utcnow(), moved=_duration(clock.offset())))

    def _clock_time(self, moment: datetime) -> str:
        local = moment.astimezone(self.tz)
        if local.date() == clock.utcnow().astimezone(self.tz).date():
            return local.strftime("%H:%M")
        return local.strftime("%a %d %b, %H:%M")


def initial_values(element: dict) -> set[str]:
    """What an element starts with selected: option values, users or channels."""
    options = [*(element.get("initial_options") or []), element.get("initial_option") or {}]
    values = {option.get("value") for option in options} - {None}
    for key in ("initial_user", "initial_conversation", "initial_channel"):
        values |= {element[key]} if element.get(key) else set()
    for key in ("initial_users", "initial_conversations", "initial_channels"):
        values |= set(element.get(key) or [])
    return values


def _safe_url(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


def _duration(delta: timedelta) -> str:
    if not delta:
        return ""
    hours, seconds = divmod(int(delta.total_seconds()), 3600)
    days, hours = divmod(hours, 24)
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{seconds // 60} min" if seconds >= 60 else "",
    ]
    return " ".join(p for p in parts if p)
