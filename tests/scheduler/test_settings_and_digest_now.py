"""/hiredesk settings and /hiredesk digest now, over signed HTTP on both databases."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time

from bot.services.tickets.sla import DEFAULT_TARGETS
from bot.services.workspace_settings import workspace_config
from db.models import Role, Severity

from . import factories as f


def open_settings(live_app) -> dict:
    response = live_app.slack.command("/hiredesk", "settings", user="UADMIN")
    assert response.status == 200, response.body
    (_call,) = live_app.fake.wait_for("views.open")
    return live_app.fake.views[next(iter(live_app.fake.views))]


def submit(live_app, view: dict, user: str = "UADMIN", **changes: str):
    values = {
        "triage_channel": {"type": "conversations_select", "selected_conversation": "CTRIAGE"},
        "fleet_channel": {"type": "conversations_select", "selected_conversation": "CNEWFLEET"},
        "managers_channel": {"type": "conversations_select", "selected_conversation": None},
        "timezone": {"type": "plain_text_input", "value": "America/New_York"},
        "digest_time": {"type": "timepicker", "selected_time": "07:45"},
        "due_soon_minutes": {"type": "number_input", "value": "90"},
        "return_grace_minutes": {"type": "number_input", "value": "30"},
        "critical_reminder_minutes": {"type": "number_input", "value": "15"},
        "critical_escalation_minutes": {"type": "number_input", "value": "60"},
    }
    for block_id, value in changes.items():
        values[block_id] = {**values.get(block_id, {"type": "number_input"}), "value": value}
    return live_app.slack.view_submission(view, {k: {"value": v} for k, v in values.items()}, user=user)


def config(live_app):
    with live_app.db.transaction() as s:
        return workspace_config(s, f.TEAM, live_app.ctx.settings)


def test_admin_changes_settings_and_the_next_run_uses_them(live_app, run_job_at):
    view = open_settings(live_app)
    assert view["callback_id"] == "hiredesk_settings"
    assert view["blocks"][3]["element"]["initial_value"] == "Europe/London"  # the environment default
    response = submit(live_app, view)
    assert response.json["response_action"] == "update"
    assert "Settings saved" in str(response.json["view"])
    summary = str(response.json["view"])
    for saved_value in ("resolved after 3 days", "Emoji to ticket", "refuel charge", "early is confirmed", "SLA"):
        assert saved_value in summary  # the summary lists every value saved
    saved = config(live_app)
    assert (saved.fleet_channel, saved.managers_channel, saved.timezone) == (
        "CNEWFLEET",
        "CMANAGERS",
        "America/New_York",
    )
    assert (saved.digest_time.strftime("%H:%M"), saved.due_soon, saved.critical_escalation) == (
        "07:45",
        timedelta(minutes=90),
        timedelta(minutes=60),
    )

    # No restart: the scheduler's next run posts to the new channel with the new threshold.
    now = f.utc(2026, 11, 25, 17)  # 12:00 in New York
    with live_app.db.transaction() as s:
        f.booking(s, pickup=now - timedelta(days=1), due=now + timedelta(minutes=80), created=now)
    assert run_job_at("due-returns", now).queued == 1
    assert [c.args["channel"] for c in run_job_at.posts()] == ["CNEWFLEET"]


def test_bad_values_are_inline_errors_and_nothing_is_saved(live_app):
    view = open_settings(live_app)
    response = submit(live_app, view, timezone="Mars/Olympus", due_soon_minutes="2", critical_escalation_minutes="10")
    assert response.json["response_action"] == "errors"
    assert set(response.json["errors"]) == {"timezone", "due_soon_minutes", "critical_escalation_minutes"}
    assert config(live_app).timezone == "Europe/London"


def test_only_admins_change_settings(live_app):
    response = live_app.slack.command("/hiredesk", "settings", user="UMANAGER")
    assert "Only admins can change settings." in response.json["text"]
    assert live_app.fake.calls_to("views.open") == []
    view = open_settings(live_app)
    refused = submit(live_app, view, user="UEMPLOYEE")
    assert refused.json["response_action"] == "errors"
    assert "Only admins can change settings." in refused.json["errors"].values()
    assert config(live_app).timezone == "Europe/London"


def test_digest_now_for_managers_only(live_app):
    with live_app.db.transaction() as s:
        f.grant(s, "UMANAGER", Role.MANAGER)
        f.ticket(s, created=f.utc(2026, 1, 1), title="VPN <!here> down")
    refused = live_app.slack.command("/hiredesk", "digest now", user="UEMPLOYEE")
    assert "Only managers or admins can ask for a digest." in refused.json["text"]
    response = live_app.slack.command("/hiredesk", "digest now", user="UMANAGER")
    body = response.json
    assert body["response_type"] == "ephemeral" and body["text"].startswith("Daily digest")
    assert "VPN &lt;!here&gt; down" in str(body["blocks"])
    assert "digest now" in live_app.slack.command("/hiredesk", "digest", user="UMANAGER").json["text"]
    assert live_app.fake.calls_to("chat.postMessage") == []


def test_admin_changes_service_level_targets(live_app):
    view = open_settings(live_app)
    shown = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if "element" in b}
    assert (shown["sla_critical_response_minutes"], shown["sla_minor_resolution_minutes"]) == ("15", "4320")
    refused = submit(live_app, view, sla_major_response_minutes="0")
    assert set(refused.json["errors"]) == {"sla_major_response_minutes"}
    response = submit(live_app, view, sla_major_response_minutes="30", sla_minor_resolution_minutes="")
    assert response.json["response_action"] == "update" and "MAJOR 30 min" in str(response.json["view"])
    saved = config(live_app).sla
    assert saved[Severity.MAJOR].response == timedelta(minutes=30)
    assert saved[Severity.MINOR] == DEFAULT_TARGETS[Severity.MINOR]  # empty: the default


def test_a_digest_with_nothing_to_report_is_not_posted(live_app, run_job_at):
    """An empty workspace: the day's digest is claimed (the job does not look again) but not posted."""
    with freeze_time(f.utc(2026, 11, 23, 9, 0)):  # a Monday, past 08:30: the weekly digest's time
        report = run_job_at("digest")
        assert report.ok and report.queued == 0
        assert run_job_at.posts("CMANAGERS") == []
        with live_app.db.transaction() as s:  # something to report, later that day: still once a day
            f.booking(s, pickup=f.utc(2026, 11, 23, 10), due=f.utc(2026, 11, 24, 10))
        run_job_at("digest")
    assert run_job_at.posts("CMANAGERS") == []


def test_a_digest_with_news_is_posted(live_app, run_job_at):
    with live_app.db.transaction() as s:
        f.booking(s, pickup=f.utc(2026, 11, 23, 10), due=f.utc(2026, 11, 24, 10))
    with freeze_time(f.utc(2026, 11, 23, 9, 0)):
        run_job_at("digest")
    (digest,) = run_job_at.posts("CMANAGERS")
    assert "digest" in digest.args["text"].lower()
