"""Slack mrkdwn → safe HTML, for the sandbox page.

Text from the app is already Slack-escaped (``&lt;`` ``&gt;`` ``&amp;``): a real
``<`` only ever opens a Slack control sequence (a mention, a link, a date). So
control sequences are cut out first, the rest is unescaped once and
HTML-escaped once (user text can never become markup), formatting is applied,
and the rendered control sequences are put back.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from bot.services.clock import utcnow

CONTROL = re.compile(r"<([^<>\n]*)>")
CODE_BLOCK = re.compile(r"```(.+?)```", re.S)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
# Slack's emphasis: the marker touches a word on the inside and none on the outside.
BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^\n]+?)(?<!\s)\*(?![\w*])")
ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^\n]+?)(?<!\s)_(?![\w_])")
STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^\n]+?)(?<!\s)~(?![\w~])")
QUOTE = re.compile(r"^&gt; ?(.*)$", re.M)
EMOJI = re.compile(r":([a-z0-9_+\-]+):")
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
SAFE_SCHEMES = ("http://", "https://", "mailto:")

# The emoji HireDesk and Slack's usual replies use; others stay as :name:.
EMOJI_CHARS = {
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "x": "❌",
    "no_entry_sign": "🚫",
    "no_entry": "⛔",
    "warning": "⚠️",
    "rotating_light": "🚨",
    "fire": "🔥",
    "bell": "🔔",
    "alarm_clock": "⏰",
    "clock1": "🕐",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "red_circle": "🔴",
    "large_orange_circle": "🟠",
    "large_yellow_circle": "🟡",
    "large_green_circle": "🟢",
    "large_blue_circle": "🔵",
    "white_circle": "⚪",
    "black_circle": "⚫",
    "car": "🚗",
    "red_car": "🚗",
    "blue_car": "🚙",
    "oncoming_automobile": "🚘",
    "minibus": "🚐",
    "key": "🔑",
    "wrench": "🔧",
    "hammer_and_wrench": "🛠️",
    "computer": "💻",
    "ticket": "🎫",
    "admission_tickets": "🎟️",
    "calendar": "📆",
    "date": "📅",
    "spiral_calendar_pad": "🗓️",
    "memo": "📝",
    "pencil": "📝",
    "pencil2": "✏️",
    "bar_chart": "📊",
    "chart_with_upwards_trend": "📈",
    "clipboard": "📋",
    "inbox_tray": "📥",
    "outbox_tray": "📤",
    "mailbox": "📫",
    "wave": "👋",
    "tada": "🎉",
    "raising_hand": "🙋",
    "eyes": "👀",
    "bust_in_silhouette": "👤",
    "busts_in_silhouette": "👥",
    "lock": "🔒",
    "unlock": "🔓",
    "gear": "⚙️",
    "information_source": "ℹ️",
    "bulb": "💡",
    "mag": "🔍",
    "speech_balloon": "💬",
    "thread": "🧵",
    "arrows_counterclockwise": "🔄",
    "repeat": "🔁",
    "leftwards_arrow_with_hook": "↩️",
    "arrow_right": "➡️",
    "moneybag": "💰",
    "money_with_wings": "💸",
    "fuelpump": "⛽",
    "busstop": "🚏",
    "sunrise": "🌅",
    "ghost": "👻",
    "file_cabinet": "🗄️",
    "house": "🏠",
    "wastebasket": "🗑️",
    "pushpin": "📌",
    "link": "🔗",
    "star": "⭐",
    "sos": "🆘",
    "heavy_plus_sign": "➕",
    "heavy_minus_sign": "➖",
    "zzz": "💤",
    "construction": "🚧",
    "stopwatch": "⏱️",
}


@dataclass
class Directory:
    """Names for IDs and the time zone dates are shown in (the sandbox's workspace)."""

    users: dict[str, str] = field(default_factory=dict)  # user id -> display name
    channels: dict[str, str] = field(default_factory=dict)  # channel id -> name
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


def mrkdwn(text: str | None, directory: Directory) -> Markup:
    """Render Slack mrkdwn as HTML."""
    pieces: list[str] = []

    def hold(rendered: str) -> str:
        pieces.append(rendered)
        return f"\ue000{len(pieces) - 1}\ue001"

    text = CONTROL.sub(lambda m: hold(_control(m.group(1), directory)), text or "")
    text = str(escape(html.unescape(text)))
    text = CODE_BLOCK.sub(lambda m: hold(f"<pre>{m.group(1).strip(chr(10))}</pre>"), text)
    text = INLINE_CODE.sub(lambda m: hold(f"<code>{m.group(1)}</code>"), text)
    text = BOLD.sub(r"<strong>\1</strong>", text)
    text = ITALIC.sub(r"<em>\1</em>", text)
    text = STRIKE.sub(r"<del>\1</del>", text)
    text = QUOTE.sub(r"<blockquote>\1</blockquote>", text)
    text = EMOJI.sub(lambda m: EMOJI_CHARS.get(m.group(1), m.group(0)), text)
    text = text.replace("</blockquote>\n", "</blockquote>").replace("\n", "<br>")
    # Placeholders may nest (a mention inside a code block is shown literally there).
    while PLACEHOLDER.search(text):
        text = PLACEHOLDER.sub(lambda m: pieces[int(m.group(1))], text)
    return Markup(text)


def plain(text: str | None, emoji: bool = True) -> Markup:
    """A plain_text object: shown as it is, emoji codes turned into emoji."""
    rendered = str(escape(text or ""))
    if emoji:
        rendered = EMOJI.sub(lambda m: EMOJI_CHARS.get(m.group(1), m.group(0)), rendered)
    return Markup(rendered)


def text_object(obj: dict | None, directory: Directory) -> Markup:
    """A Block Kit text object (``plain_text`` or ``mrkdwn``)."""
    if not obj:
        return Markup("")
    if obj.get("type") == "mrkdwn":
        return mrkdwn(obj.get("text"), directory)
    return plain(obj.get("text"), obj.get("emoji", True))


def _control(inner: str, directory: Directory) -> str:
    """One ``<…>`` sequence: a mention, channel, special mention, date or link."""
    target, _, label = inner.partition("|")
    label = html.unescape(label)
    if target.startswith("@"):
        name = directory.users.get(target[1:]) or label or target[1:]
        return f'<span class="mention">@{escape(name)}</span>'
    if target.startswith("#"):
        name = directory.channels.get(target[1:]) or label or target[1:]
        return f'<span class="mention">#{escape(name)}</span>'
    if target.startswith("!date^"):
        return str(escape(format_date(target, label, directory.tz)))
    if target.startswith("!subteam^"):
        return f'<span class="mention">{escape(label or "@team")}</span>'
    if target.startswith("!"):
        return f'<span class="mention">@{escape(target[1:])}</span>'
    url = html.unescape(target)
    if url.startswith(SAFE_SCHEMES):
        return f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{escape(label or url)}</a>'
    return str(escape(label or url))


def format_date(target: str, fallback: str, tz: ZoneInfo) -> str:
    """``!date^<unix>^<format>[^<link>]`` in the viewer's time zone, as Slack shows it."""
    parts = target.split("^")
    try:
        moment = datetime.fromtimestamp(int(parts[1]), UTC).astimezone(tz)
        template = parts[2]
    except (IndexError, ValueError):
        return fallback
    today = utcnow().astimezone(tz).date()

    def pretty(default: str) -> str:
        names = {today: "today", today - timedelta(days=1): "yesterday", today + timedelta(days=1): "tomorrow"}
        return names.get(moment.date(), default)

    day = _ordinal(moment.day)
    tokens = {
        "date_num": moment.strftime("%Y-%m-%d"),
        "date": f"{moment:%B} {day}, {moment.year}",
        "date_short": f"{moment:%b} {moment.day}, {moment.year}",
        "date_long": f"{moment:%A}, {moment:%B} {day}, {moment.year}",
        "time": moment.strftime("%H:%M"),
        "time_secs": moment.strftime("%H:%M:%S"),
        "ago": _ago(moment),
    }
    tokens["date_pretty"] = pretty(tokens["date"])
    tokens["date_short_pretty"] = pretty(tokens["date_short"])
    tokens["date_long_pretty"] = pretty(tokens["date_long"])
    return re.sub(r"\{(\w+)\}", lambda m: tokens.get(m.group(1), m.group(0)), template)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _ago(moment: datetime) -> str:
    seconds = (moment - utcnow()).total_seconds()
    size = abs(seconds)
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if size >= length:
            count = int(size // length)
            amount = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {amount}" if seconds > 0 else f"{amount} ago"
    return "just now"
