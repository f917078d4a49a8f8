"""The claim service directly, on both databases: who may post a reminder, and when."""

from __future__ import annotations

from datetime import timedelta

from bot.services.reminders import claims
from bot.services.reminders.claims import CLAIM_TIMEOUT, Reminder
from bot.services.workspaces import ensure_workspace

from .factories import utc

NOW = utc(2026, 11, 25, 12)


def reminder(subject: str, team_id: str = "T1") -> Reminder:
    return Reminder(
        team_id=team_id,
        job="due-returns",
        subject=subject,
        slot="today:2026-11-25",
        kind="today",
        channel="CFLEET",
        item=None,
        timezone="UTC",
    )


def claim(database, reminders, now=NOW, worker="w1"):
    with database.transaction() as s:
        for team in {r.team_id for r in reminders}:
            ensure_workspace(s, team)
        return claims.claim(s, reminders, now=now, worker=worker)


def test_a_key_is_won_once(database):
    first = claim(database, [reminder("booking:1"), reminder("booking:2")])
    assert len(first) == 2
    assert claim(
        database, [reminder("booking:1"), reminder("booking:2"), reminder("booking:3")], worker="w2"
    ).keys() == {reminder("booking:3").key}
    # The same subject and slot in another workspace is another reminder.
    assert len(claim(database, [reminder("booking:1", team_id="T2")])) == 1


def test_an_unposted_claim_is_taken_over_only_after_the_timeout(database):
    (claim_id,) = claim(database, [reminder("booking:1")]).values()
    assert claim(database, [reminder("booking:1")], now=NOW + CLAIM_TIMEOUT - timedelta(seconds=1)) == {}
    assert claim(database, [reminder("booking:1")], now=NOW + CLAIM_TIMEOUT + timedelta(seconds=1)) == {
        reminder("booking:1").key: claim_id
    }


def test_a_failed_post_is_retried_at_once_and_a_posted_one_never(database):
    won = claim(database, [reminder("booking:1"), reminder("booking:2")])
    ids = {key[2]: claim_id for key, claim_id in won.items()}
    with database.transaction() as s:
        claims.mark_failed(s, [ids["booking:1"]], "Slack answered channel_not_found")
        claims.mark_posted(s, [ids["booking:2"]], channel="CFLEET", ts="1.1", now=NOW)
    retried = claim(database, [reminder("booking:1"), reminder("booking:2")], now=NOW + timedelta(minutes=1))
    assert list(retried) == [reminder("booking:1").key]
    assert claim(database, [reminder("booking:2")], now=NOW + timedelta(days=30)) == {}
    with database.transaction() as s:
        (posted,) = claims.posted_claims(s, "T1")
        assert (posted.subject, posted.message_ts, posted.attempts) == ("booking:2", "1.1", 1)


def test_old_posted_claims_are_pruned(database):
    (claim_id,) = claim(database, [reminder("booking:1")]).values()
    claim(database, [reminder("booking:2")])  # never posted: kept
    with database.transaction() as s:
        claims.mark_posted(s, [claim_id], channel="CFLEET", ts="1.1", now=NOW)
        assert claims.prune(s, "due-returns", before=NOW) == 0
        assert claims.prune(s, "due-returns", before=NOW + timedelta(seconds=1)) == 1
    assert list(claim(database, [reminder("booking:1"), reminder("booking:2")])) == [reminder("booking:1").key]


def test_a_run_that_lost_its_claim_to_a_later_run_does_not_post_it(database):
    (claim_id,) = claim(database, [reminder("booking:1")], worker="slow").values()
    later = NOW + CLAIM_TIMEOUT + timedelta(minutes=1)
    assert claim(database, [reminder("booking:1")], now=later, worker="fast") == {reminder("booking:1").key: claim_id}
    with database.transaction() as s:
        assert claims.renew(s, [claim_id], worker="slow", at=later) == set()
        assert claims.renew(s, [claim_id], worker="fast", at=later) == {claim_id}
