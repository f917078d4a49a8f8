"""/metrics: the exposition, what each metric counts, and the request observer in the web app."""

from __future__ import annotations

import io
import json
import logging
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from bot import metrics
from bot.observability import SlackRequest, describe_slack_request, outcome_of
from tests.harness.live_app import LiveServer, settings_for_tests


def scrape_text(text: str) -> dict[tuple[str, tuple], float]:
    """sample name and sorted labels → value"""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape() -> dict[tuple[str, tuple], float]:
    body, content_type = metrics.render()
    assert content_type.startswith("text/plain")
    return scrape_text(body.decode())


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_every_family_is_exposed_with_its_help_before_any_sample():
    text = metrics.render()[0].decode()
    for family in (
        "hiredesk_slack_requests_total",
        "hiredesk_slack_ack_seconds",
        "hiredesk_job_runs_total",
        "hiredesk_job_duration_seconds",
        "hiredesk_job_last_success_timestamp_seconds",
        "hiredesk_db_connections_in_use",
        "hiredesk_db_connections_max",
    ):
        assert f"# HELP {family} " in text and f"# TYPE {family} " in text


def test_slack_requests_and_ack_latency_by_kind_and_outcome():
    before = scrape()
    metrics.observe_slack_request("view_submission", "ok", 0.2)
    metrics.observe_slack_request("view_submission", "ok", 4.0)
    after = scrape()
    labels = {"kind": "view_submission", "outcome": "ok"}
    assert (
        value(after, "hiredesk_slack_requests_total", **labels)
        - value(before, "hiredesk_slack_requests_total", **labels)
        == 2
    )
    within_3s = {**labels, "le": "3.0"}
    assert (
        value(after, "hiredesk_slack_ack_seconds_bucket", **within_3s)
        - value(before, "hiredesk_slack_ack_seconds_bucket", **within_3s)
        == 1
    )
    assert value(after, "hiredesk_slack_ack_seconds_sum", **labels) - value(
        before, "hiredesk_slack_ack_seconds_sum", **labels
    ) == pytest.approx(4.2)


def test_job_runs_outcomes_posts_and_last_success():
    before = scrape()
    metrics.observe_job_run("due-returns", "ok", 0.3, posted=2, finished_at=1_800_000_000.0)
    metrics.observe_job_run("due-returns", "post_failed", 0.4, finished_at=1_800_000_060.0)
    after = scrape()
    for outcome in ("ok", "post_failed"):
        delta = value(after, "hiredesk_job_runs_total", job_name="due-returns", outcome=outcome) - value(
            before, "hiredesk_job_runs_total", job_name="due-returns", outcome=outcome
        )
        assert delta == 1
    assert (
        value(after, "hiredesk_job_posts_total", job_name="due-returns")
        - value(before, "hiredesk_job_posts_total", job_name="due-returns")
        == 2
    )
    assert value(after, "hiredesk_job_last_success_timestamp_seconds", job_name="due-returns") == 1_800_000_000.0


@pytest.fixture
def delivery_counts():
    yield metrics.register_delivery_counts
    metrics.register_delivery_counts(None)


def test_deliveries_are_read_when_scraped(delivery_counts):
    counts = {"pending": 3, "failed": 1}
    delivery_counts(lambda: counts)
    first = scrape()
    assert [value(first, "hiredesk_deliveries", state=s) for s in ("pending", "failed", "posted")] == [3, 1, 0]
    counts["pending"] = 0
    assert value(scrape(), "hiredesk_deliveries", state="pending") == 0
    assert value(first, "hiredesk_scrape_source_up", source="deliveries") == 1


def test_a_database_outage_does_not_break_the_scrape(delivery_counts):
    def unreachable():
        raise OSError("connection refused")

    delivery_counts(unreachable)
    text = metrics.render()[0].decode()
    assert value(scrape_text(text), "hiredesk_scrape_source_up", source="deliveries") == 0
    assert "hiredesk_deliveries{" not in text and "# HELP hiredesk_slack_requests_total" in text


def test_pool_use_counts_checked_out_connections(database):
    metrics.instrument_pool(database.engine, "test-pool")
    before = scrape()
    with database.transaction() as session:
        session.execute(text("SELECT 1"))  # a session takes its connection at its first statement
        during = scrape()
    after = scrape()
    in_use = "hiredesk_db_connections_in_use"
    assert value(during, in_use, pool="test-pool") - value(before, in_use, pool="test-pool") == 1
    assert value(after, in_use, pool="test-pool") == value(before, in_use, pool="test-pool")
    capacity = database.engine.pool.size() + database.engine.pool._max_overflow
    assert value(after, "hiredesk_db_connections_max", pool="test-pool") >= capacity


def test_multiprocess_mode_is_chosen_before_anything_is_recorded():
    metrics.render()
    with pytest.raises(RuntimeError, match="choose the directory first"):
        metrics.use_multiprocess_dir()


def test_the_wsgi_app_serves_the_exposition():
    seen = {}
    body = b"".join(
        metrics.metrics_wsgi_app({}, lambda status, headers: seen.update(status=status, headers=dict(headers)))
    )
    assert seen["status"] == "200 OK" and seen["headers"]["Content-Type"].startswith("text/plain")
    assert b"hiredesk_slack_requests" in body


# ---- the request observer (bot.observability), over real signed HTTP -------------------------


@pytest.mark.parametrize(
    "body, content_type, expected",
    [
        (
            "command=%2Fticket&team_id=T1&user_id=U2&text=printer+on+fire",
            "application/x-www-form-urlencoded",
            SlackRequest("slash_command", "T1", "U2", "/ticket"),
        ),
        (
            "payload="
            + json.dumps(
                {
                    "type": "block_actions",
                    "team": {"id": "T1"},
                    "user": {"id": "U2"},
                    "actions": [{"action_id": "ticket_start"}],
                }
            ),
            "application/x-www-form-urlencoded",
            SlackRequest("block_action", "T1", "U2", "ticket_start"),
        ),
        (
            "payload="
            + json.dumps(
                {
                    "type": "view_submission",
                    "team": {"id": "T1"},
                    "user": {"id": "U2"},
                    "view": {"callback_id": "ticket_new"},
                }
            ),
            "application/x-www-form-urlencoded",
            SlackRequest("view_submission", "T1", "U2", "ticket_new"),
        ),
        (
            "payload="
            + json.dumps(
                {"type": "block_suggestion", "team": {"id": "T1"}, "user": {"id": "U2"}, "action_id": "customer"}
            ),
            "application/x-www-form-urlencoded",
            SlackRequest("options", "T1", "U2", "customer"),
        ),
        (
            json.dumps({"type": "event_callback", "team_id": "T1", "event": {"type": "app_home_opened", "user": "U2"}}),
            "application/json",
            SlackRequest("event", "T1", "U2", "app_home_opened"),
        ),
        (
            "command=%2Fticket&team_id=T1%0Aforged&user_id=U2",
            "application/x-www-form-urlencoded",
            SlackRequest("slash_command", None, "U2", "/ticket"),
        ),
        ("{not json", "application/json", SlackRequest("other")),
    ],
)
def test_a_slack_request_is_described_by_kind_team_user_and_action(body, content_type, expected):
    from urllib.parse import quote

    if body.startswith("payload="):
        body = "payload=" + quote(body.removeprefix("payload="))
    assert describe_slack_request(body, content_type) == expected


def test_outcomes_from_statuses():
    assert [outcome_of(s) for s in (200, 400, 401, 404, 413, 500, 503)] == [
        "ok",
        "malformed",
        "unauthorized",
        "unhandled",
        "rejected",
        "error",
        "error",
    ]


@pytest.fixture
def observed_app(database_url, fake_slack):
    """The live app (bot/web.py installs the observer)."""
    server = LiveServer(settings_for_tests(database_url, fake_slack), fake_slack)
    yield server.app
    server.stop()


@pytest.fixture
def json_log():
    from bot.logs import make_formatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(make_formatter("json"))
    logger = logging.getLogger("hiredesk.requests")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_a_slack_request_is_logged_counted_and_given_an_id(observed_app, json_log):
    before = scrape()
    response = observed_app.slack.command("/hiredesk", "help", user="UEMPLOYEE")
    assert response.status == 200
    unsigned = observed_app.slack.command("/hiredesk", "help", user="UEMPLOYEE", secret="wrong-secret")
    assert unsigned.status == 401
    after = scrape()

    answered, refused = json_log()
    assert answered["message"] == "slack request" and answered["outcome"] == "ok"
    assert (answered["kind"], answered["team"], answered["user"], answered["action"]) == (
        "slash_command",
        observed_app.fake.team_id,
        "UEMPLOYEE",
        "/hiredesk",
    )
    assert answered["duration_ms"] > 0 and len(answered["request_id"]) == 32
    assert refused["outcome"] == "unauthorized" and refused["request_id"] != answered["request_id"]
    # An unsigned body is never read, so its kind is not known: it counts as "unverified".
    for kind, outcome in (("slash_command", "ok"), ("unverified", "unauthorized")):
        labels = {"kind": kind, "outcome": outcome}
        assert (
            value(after, "hiredesk_slack_requests_total", **labels)
            - value(before, "hiredesk_slack_requests_total", **labels)
            == 1
        )


def get(url: str, headers: dict[str, str] | None = None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
        return response.status, dict(response.headers), response.read().decode()


def test_the_proxy_s_request_id_is_kept_and_a_strange_one_replaced(observed_app):
    assert get(f"{observed_app.url}/healthz", {"X-Request-Id": "proxy-abc-123"})[1]["X-Request-Id"] == "proxy-abc-123"
    replaced = get(f"{observed_app.url}/healthz", {"X-Request-Id": "bad id\twith spaces"})[1]["X-Request-Id"]
    assert replaced != "bad id\twith spaces" and len(replaced) == 32


def test_metrics_are_served_at_slash_metrics(observed_app):
    observed_app.slack.command("/hiredesk", "help", user="UEMPLOYEE")
    status, headers, body = get(f"{observed_app.url}/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=")
    assert value(scrape_text(body), "hiredesk_slack_requests_total", kind="slash_command", outcome="ok") >= 1
