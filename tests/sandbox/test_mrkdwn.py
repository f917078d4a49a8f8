"""Slack mrkdwn → HTML for the sandbox page: faithful, and never a way to inject markup."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from bot.sandbox.mrkdwn import Directory, format_date, mrkdwn, text_object

PEOPLE = Directory(
    users={"UEMPLOYEE": "Erin Employee"}, channels={"CTRIAGE": "it-triage"}, tz=ZoneInfo("Europe/London")
)


def html(text: str) -> str:
    return str(mrkdwn(text, PEOPLE))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("*bold* _italic_ ~gone~ `code`", "<strong>bold</strong> <em>italic</em> <del>gone</del> <code>code</code>"),
        ("_(admin from HIREDESK_ADMINS)_", "<em>(admin from HIREDESK_ADMINS)</em>"),
        ("2*3*4 stays", "2*3*4 stays"),
        ("line one\nline two", "line one<br>line two"),
        ("```a *b*\nc```", "<pre>a *b*\nc</pre>"),
        ("> quoted\nafter", "<blockquote>quoted</blockquote>after"),
        (":white_check_mark: done :not_an_emoji:", "✅ done :not_an_emoji:"),
    ],
)
def test_formatting(text, expected):
    assert html(text) == expected


def test_slack_escapes_show_as_characters_and_never_become_markup():
    assert (
        html("&lt;script&gt;alert(1)&lt;/script&gt; &amp; 1 &lt; 2")
        == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 1 &lt; 2"
    )
    assert "<img" not in html("&lt;img src=x onerror=alert(1)&gt;")


def test_mentions_channels_and_special_mentions():
    assert html("hi <@UEMPLOYEE>") == 'hi <span class="mention">@Erin Employee</span>'
    assert html("<@UNKNOWN|bob>") == '<span class="mention">@bob</span>'
    assert html("in <#CTRIAGE>") == 'in <span class="mention">#it-triage</span>'
    assert (
        html("<!here> and <!channel>") == '<span class="mention">@here</span> and <span class="mention">@channel</span>'
    )


def test_links_only_for_safe_schemes():
    assert (
        html("<https://example.com/a?b=1&amp;c=2|the docs>")
        == '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the docs</a>'
    )
    assert html("<javascript:alert(1)|click>") == "click"
    assert '" onmouseover' not in html('<https://x.test/" onmouseover="alert(1)|x>')


@freeze_time("2026-11-23 12:00:00")
def test_dates_in_the_workspace_time_zone():
    noon_utc = int(datetime(2026, 11, 23, 12, 0, tzinfo=UTC).timestamp())
    summer = int(datetime(2026, 7, 1, 9, 5, tzinfo=UTC).timestamp())
    london = ZoneInfo("Europe/London")
    assert format_date(f"!date^{noon_utc}^{{date_pretty}} at {{time}}", "x", london) == "today at 12:00"
    assert format_date(f"!date^{summer}^{{date_short}} {{time}}", "x", london) == "Jul 1, 2026 10:05"  # BST
    assert format_date(f"!date^{summer}^{{date_long}}", "x", london) == "Wednesday, July 1st, 2026"
    assert format_date(f"!date^{noon_utc - 7200}^{{ago}}", "x", london) == "2 hours ago"
    assert format_date("!date^oops^{date}", "the fallback", london) == "the fallback"
    assert html(f"<!date^{noon_utc}^{{date_num}}|fallback>") == "2026-11-23"


def test_plain_text_objects_are_shown_as_written():
    assert str(text_object({"type": "plain_text", "text": "*not bold* <b>"}, PEOPLE)) == "*not bold* &lt;b&gt;"
    assert str(text_object({"type": "mrkdwn", "text": "*bold*"}, PEOPLE)) == "<strong>bold</strong>"
    assert str(text_object(None, PEOPLE)) == ""
