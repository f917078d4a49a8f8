"""Escaping and cutting user text for Slack."""

from hypothesis import given
from hypothesis import strategies as st

from bot.views.text import ELLIPSIS, escape, safe, truncate


def test_escape_defuses_mentions_and_links():
    assert escape("<!channel> & <@U123> <http://x|y>") == "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;http://x|y&gt;"


def test_truncate_marks_the_cut():
    assert truncate("abcdef", 10) == "abcdef"
    assert truncate("abcdef", 4) == "abc" + ELLIPSIS


def test_truncate_never_leaves_half_an_escape():
    assert safe("a&b", 3) == "a" + ELLIPSIS


@given(st.text(), st.integers(min_value=2, max_value=200))
def test_safe_text_is_within_limit_and_has_no_raw_angle_brackets(text, limit):
    out = safe(text, limit)
    assert len(out) <= limit
    assert "<" not in out and ">" not in out
    # every & starts a complete escape
    for index, char in enumerate(out):
        if char == "&":
            assert out[index:].startswith(("&amp;", "&lt;", "&gt;"))


def test_usage_texts_show_placeholders_instead_of_slack_links():
    """In mrkdwn `<role>` is a link: placeholders in help texts must be escaped."""
    import re

    from bot.views import roles
    from bot.views.hire import bookings, customers, vehicles
    from bot.views.tickets import messages as tickets

    texts = [
        roles.HELP,
        roles.USAGE,
        customers.USAGE,
        tickets.USAGE,
        vehicles.USAGE,
        *[v for v in vars(bookings).values() if isinstance(v, str)],
    ]
    for text in texts:
        assert not re.search(r"<[a-z][a-z ,]*>", text), text


def test_truncate_never_cuts_a_slack_token_in_half():
    text = "Assigned to <@U0123456789> by <!date^1700000000^{date_short}|Nov 14>"
    for limit in range(2, len(text)):
        out = truncate(text, limit)
        assert len(out) <= limit
        assert out.count("<") == out.count(">"), out


def test_escape_keeps_a_plain_broadcast_word_from_being_parsed():
    """A plain "@here" could be parsed into a broadcast where ``verbatim`` is false: a word joiner
    after the "@" keeps it a word (and an e-mail-like "x@heresy" is left alone)."""
    assert escape("@here @Channel @everyone x@heresy") == "@\u2060here @\u2060Channel @\u2060everyone x@heresy"
