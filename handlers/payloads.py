"""Reading Slack payloads: who sent a request, what a modal holds, which record a click is about.

All of it is user input. What the app wrote itself (its modals' blocks and private_metadata, its
buttons' values) comes back as written, unless the form or message was made before a deploy
changed it, or the payload was tampered with. Either way the user gets one clear answer,
``STALE_FORM`` (or ``STALE_BUTTON`` for a click on a message) and nothing changes.

Each input block of our modals holds exactly one element, so a field is addressed by its block id.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from bot.errors import DomainError, FormErrors
from bot.services import user_text
from bot.services.ids import parse_id
from bot.services.paging import MAX_OFFSET

STALE_FORM = "This form is out of date — close it and open it again."
STALE_BUTTON = "This button is out of date — look the item up again to get fresh buttons."

Form = TypeVar("Form")


class StaleForm(DomainError):
    def __init__(self) -> None:
        super().__init__(STALE_FORM)


class StaleButton(DomainError):
    def __init__(self) -> None:
        super().__init__(STALE_BUTTON)


# ---- who sent it ---------------------------------------------------------------------------


def team_id_of(body: dict) -> str:
    """The workspace a request comes from (Slack puts it in different places per payload type)."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    if not team:
        raise DomainError("This request carries no workspace.")
    return team


def user_id_of(body: dict) -> str:
    user = body.get("user_id") or (body.get("user") or {}).get("id") or (body.get("event") or {}).get("user")
    if not user:
        raise DomainError("This request carries no user.")
    return user


def slack_unescape(text: str) -> str:
    """Slack sends ``&``, ``<`` and ``>`` typed by users as entities; store what they typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# ---- clicks and suggestions ----------------------------------------------------------------


def clicked_dm_message(body: dict) -> tuple[str, str] | None:
    """(channel, ts) of the app's DM message a button was clicked in; None for any other place."""
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if container.get("type") != "message" or not isinstance(channel, str) or not isinstance(ts, str):
        return None
    return (channel, ts) if channel.startswith("D") and channel.isascii() and channel.isalnum() else None


def clicked_id(action: dict) -> int:
    """The id of the record a click is about: a button's value; a select has no value of its
    own, so its record's id follows the last ``:`` of its block id (``ticket_actions:<id>``)."""
    value = action.get("value")
    if value is None:
        value = str(action.get("block_id") or "").rpartition(":")[2]
    record_id = parse_id(value)
    if record_id is None:
        raise StaleButton()
    return record_id


@dataclasses.dataclass(frozen=True)
class PageRequest:
    """A paging button's value: which list, the offset of the page to show, and what defines the list."""

    listing: str
    offset: int
    query: str = ""  # a search's words
    subject_id: int | None = None  # whose history or bookings (a ticket, a customer)


@dataclasses.dataclass(frozen=True)
class Listing:
    """What a paged list's buttons must carry besides the offset."""

    subject: str | None = None  # the JSON key of its subject's id (``"ticket"``)
    searched: bool = False  # a search: the words ride in ``q``


# The help desk's lists (handlers/tickets/commands.py).
TICKET_LISTINGS = {
    "mine": Listing(),
    "queue": Listing(),
    "search": Listing(searched=True),
    "history": Listing(subject="ticket"),
}
MAX_PAGE_OFFSET = MAX_OFFSET


def page_request(action: dict, listings: dict[str, Listing] = TICKET_LISTINGS) -> PageRequest:
    """What a **Next** / **Previous** button asks for (JSON the app wrote into its value), for one of
    ``listings``."""
    try:
        data = json.loads(action.get("value") or "")
    except (TypeError, ValueError):
        raise StaleButton() from None
    if not isinstance(data, dict) or not isinstance(data.get("list"), str) or data["list"] not in listings:
        raise StaleButton()
    listing = listings[data["list"]]
    offset = data.get("offset")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_PAGE_OFFSET:
        raise StaleButton()
    subject_id = None
    if listing.subject:
        subject_id = parse_id(data.get(listing.subject))
        if subject_id is None:
            raise StaleButton()
    query = _typed(data.get("q"), str, StaleButton) or ""
    if listing.searched and not query:
        raise StaleButton()
    return PageRequest(listing=data["list"], offset=offset, query=query, subject_id=subject_id)


def selected_user(action: dict) -> str:
    """The person picked in a users select ("" if none)."""
    return _typed(action.get("selected_user"), str, StaleButton) or ""


def selected_value(action: dict) -> str | None:
    """The value of the option picked in a select."""
    option = _typed(action.get("selected_option"), dict, StaleButton)
    return _typed(option.get("value"), str, StaleButton) if option else None


def typed_query(payload: dict) -> str:
    """What the user has typed so far into an external select (a block_suggestion): a search,
    so control characters are dropped rather than refused."""
    return user_text.strip_control_characters(_typed(payload.get("value"), str, StaleForm) or "")


def command_text(command: dict) -> str:
    """A slash command's text, stripped; control characters are refused (the user retypes it)."""
    text = _typed(command.get("text"), str, StaleForm) or ""
    if user_text.has_control_characters(text):
        raise DomainError(user_text.REFUSED)
    return text.strip()


# ---- modals ----------------------------------------------------------------------------------


class Metadata:
    """A modal's private_metadata: the JSON object the app wrote when it opened the modal."""

    def __init__(self, view: dict) -> None:
        try:
            data = json.loads(view.get("private_metadata") or "{}")
        except (TypeError, ValueError):
            raise StaleForm() from None
        if not isinstance(data, dict):
            raise StaleForm()
        self._data = data

    def id(self, key: str) -> int:
        """A record id the modal must carry."""
        record_id = parse_id(self._data.get(key))
        if record_id is None:
            raise StaleForm()
        return record_id

    def optional_id(self, key: str) -> int | None:
        """A record id the modal may carry (absent or null: none, e.g. a form for a new record)."""
        return None if self._data.get(key) is None else self.id(key)

    def text(self, key: str) -> str | None:
        return _typed(self._data.get(key), str, StaleForm)

    def choice(self, key: str, choices: Collection[str]) -> str:
        """One of ``choices``, which the modal must carry."""
        value = self._data.get(key)
        if not isinstance(value, str) or value not in choices:
            raise StaleForm()
        return value

    def flag(self, key: str) -> bool:
        return bool(_typed(self._data.get(key), bool, StaleForm))


class FormState:
    """What a modal's inputs hold (``view.state.values``), on submission or while it is open."""

    def __init__(self, view: dict) -> None:
        state = view.get("state")
        values = state.get("values") if isinstance(state, dict) else None
        if not isinstance(values, dict):
            raise StaleForm()
        self._elements: dict[str, dict] = {}
        for block_id, elements in values.items():
            if not isinstance(elements, dict) or not all(isinstance(e, dict) for e in elements.values()):
                raise StaleForm()
            if elements:
                self._elements[block_id] = next(iter(elements.values()))

    def text(self, block_id: str) -> str:
        """A text or number input's value ("" if empty). Control characters are refused inline."""
        value = self._get(block_id, "value", str) or ""
        if user_text.has_control_characters(value):
            raise FormErrors({block_id: user_text.REFUSED})
        return user_text.normalise_newlines(value)

    def selected_option(self, block_id: str) -> dict | None:
        """The option picked in a select, as Slack sent it (``text`` and ``value``)."""
        option = self._get(block_id, "selected_option", dict)
        if option is not None and not isinstance(option.get("value"), str):
            raise StaleForm()
        return option

    def selected(self, block_id: str) -> str | None:
        """The value of the option picked in a select."""
        option = self.selected_option(block_id)
        return option["value"] if option else None

    def checked(self, block_id: str) -> bool:
        """Whether any box of a checkboxes element is ticked."""
        return bool(self._get(block_id, "selected_options", list))

    def day(self, block_id: str) -> date | None:
        chosen = self._get(block_id, "selected_date", str)
        try:
            return date.fromisoformat(chosen) if chosen is not None else None
        except ValueError:
            raise StaleForm() from None

    def moment(self, block_id: str) -> datetime | None:
        """A datetimepicker's value (Unix seconds, so no time zone to guess) as an aware UTC datetime."""
        chosen = self._get(block_id, "selected_date_time", int)
        if chosen is None:
            return None
        try:
            return datetime.fromtimestamp(chosen, tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise StaleForm() from None

    def user(self, block_id: str) -> str | None:
        return self._get(block_id, "selected_user", str)

    def conversation(self, block_id: str) -> str | None:
        return self._get(block_id, "selected_conversation", str)

    def time(self, block_id: str) -> str | None:
        """A timepicker's ``HH:MM``."""
        return self._get(block_id, "selected_time", str)

    def read_into(self, form: type[Form]) -> Form:
        """Fill the dataclass ``form`` from the inputs named like its fields (block id = field name),
        each read the way its element stores it. A field missing from the modal keeps its default;
        one without a default means the form is not the one the app now opens."""
        found: dict[str, Any] = {}
        for field in dataclasses.fields(form):  # type: ignore[arg-type]
            element = self._elements.get(field.name)
            if element is None:
                if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                    raise StaleForm()
                continue
            kind = element.get("type")
            read = READERS.get(kind, FormState.text) if isinstance(kind, str) else FormState.text
            found[field.name] = read(self, field.name)
        return form(**found)

    def _get(self, block_id: str, key: str, kind: type) -> Any:
        return _typed(self._elements.get(block_id, {}).get(key), kind, StaleForm)


# Element type → how a field of that type is read (anything else: its text ``value``).
READERS: dict[str, Callable[[FormState, str], Any]] = {
    "datepicker": FormState.day,
    "datetimepicker": FormState.moment,
    "timepicker": FormState.time,
    "checkboxes": FormState.checked,
    "static_select": FormState.selected,
    "external_select": FormState.selected,
    "users_select": FormState.user,
    "conversations_select": FormState.conversation,
}


def _typed(value: Any, kind: type, stale: Callable[[], DomainError]) -> Any:
    """``value`` if it is None or a ``kind``; anything else is a payload the app didn't write."""
    if value is None or (isinstance(value, kind) and not (kind is int and isinstance(value, bool))):
        return value
    raise stale()
