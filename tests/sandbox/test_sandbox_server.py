"""The sandbox over real HTTP, without a browser: the page's endpoints turn what a
person does into signed Slack requests to the app, and show the app's answers."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from datetime import timedelta

from bot.sandbox import workspace
from bot.sandbox.server import build_sandbox
from bot.services import clock

TRIAGE = workspace.TRIAGE.channel_id


def post(sandbox, path: str, **data) -> dict:
    request = urllib.request.Request(
        f"{sandbox.url}{path}",
        data=json.dumps(data).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def get(sandbox, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"{sandbox.url}{path}", timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def screen(sandbox, user: str, channel: str = TRIAGE) -> dict:
    return json.loads(get(sandbox, f"/sandbox/screen?as={user}&c={channel}")[1])


def gallery_values(title: str) -> dict:
    apple = {"text": {"type": "plain_text", "text": "Apple"}, "value": "apple"}
    return {
        "title": {"value": [title]},
        "colour": {"gallery_colour": ["red"]},
        "person": {"value": ["UTECH"]},
        "fruit": {"value": [json.dumps(apple)]},
        "day": {"value": ["2026-12-01"]},
        "when": {"value": ["2026-12-01T09:30"]},
    }


def open_gallery(sandbox, user: str) -> dict:
    post(sandbox, "/sandbox/send", **{"as": user, "channel": TRIAGE, "text": "/gallery"})
    sandbox.fake.wait_for("views.open")  # the app opens it right after its ack
    return sandbox.fake.open_modal(user)


def test_the_page_and_the_app_share_one_server(sandbox):
    status, html = get(sandbox, "/?as=UEMPLOYEE&c=CTRIAGE")
    assert status == 200 and "Acting as" in html and "#it-triage" in html
    assert get(sandbox, "/?as=UINTRUDER&c=CTRIAGE")[0] == 400
    assert get(sandbox, "/?as=UEMPLOYEE&c=DUADMIN")[0] == 404  # nobody reads someone else's DMs
    assert get(sandbox, "/healthz")[0] == 200
    assert get(sandbox, "/sandbox/static/sandbox.js")[0] == 200


def test_a_command_answer_is_only_visible_to_whoever_ran_it(sandbox):
    post(sandbox, "/sandbox/send", **{"as": "UEMPLOYEE", "channel": TRIAGE, "text": "/hiredesk help"})
    assert "Only visible to you" in screen(sandbox, "UEMPLOYEE")["main"]
    assert "HireDesk" not in screen(sandbox, "UTECH")["main"]


def test_typed_mentions_reach_the_app_as_slack_sends_them(sandbox):
    post(sandbox, "/sandbox/send", **{"as": "UADMIN", "channel": TRIAGE, "text": "/hiredesk role @erin agent"})
    assert "@Erin Employee</span> is now agent" in screen(sandbox, "UADMIN")["main"]


def test_unknown_commands_get_slackbots_answer(sandbox):
    post(sandbox, "/sandbox/send", **{"as": "UEMPLOYEE", "channel": TRIAGE, "text": "/frobnicate now"})
    main = screen(sandbox, "UEMPLOYEE")["main"]
    assert "Slackbot" in main and "/frobnicate is not a valid command" in main


def test_a_modal_from_open_to_inline_error_to_posted_message(sandbox):
    modal = open_gallery(sandbox, "UEMPLOYEE")
    assert modal is not None and sandbox.fake.open_modal("UTECH") is None
    assert "Block Kit gallery" in screen(sandbox, "UEMPLOYEE")["modal"]

    refused = post(sandbox, "/sandbox/submit", **{"as": "UTECH", "view_id": modal["id"], "form": gallery_values("x")})
    assert refused["notice"] == "That view is closed."  # nobody submits someone else's modal

    answer = post(
        sandbox, "/sandbox/submit", **{"as": "UEMPLOYEE", "view_id": modal["id"], "form": gallery_values("bad")}
    )
    assert answer["errors"] == {"title": "“bad” is not a good title."}
    assert sandbox.fake.open_modal("UEMPLOYEE") is not None

    answer = post(
        sandbox, "/sandbox/submit", **{"as": "UEMPLOYEE", "view_id": modal["id"], "form": gallery_values("Nice")}
    )
    assert answer["errors"] == {}
    assert sandbox.fake.open_modal("UEMPLOYEE") is None
    sandbox.fake.wait_for("chat.postMessage")
    assert sandbox.fake.channel_messages(TRIAGE)[-1].blocks[0]["text"]["text"] == "Gallery: Nice"


def test_a_click_on_a_message_reaches_the_app_and_unknown_elements_do_not(sandbox):
    modal = open_gallery(sandbox, "UEMPLOYEE")
    post(sandbox, "/sandbox/submit", **{"as": "UEMPLOYEE", "view_id": modal["id"], "form": gallery_values("Nice")})
    sandbox.fake.wait_for("chat.postMessage")
    message = sandbox.fake.channel_messages(TRIAGE)[-1]
    click = {"as": "UTECH", "channel": TRIAGE, "ts": message.ts, "block_id": "buttons"}
    assert post(sandbox, "/sandbox/act", **click, action_id="gallery_ok")["notice"] is None
    reply = sandbox.fake.wait_for("chat.postMessage", lambda c: c.args.get("thread_ts") == message.ts)[0]
    assert reply.args["text"] == "UTECH chose ok"
    assert (
        post(sandbox, "/sandbox/act", **click, action_id="made_up")["notice"]
        == "That message has no such button or menu any more."
    )


def test_external_select_options_come_from_the_app(sandbox):
    modal = open_gallery(sandbox, "UEMPLOYEE")
    answer = post(
        sandbox,
        "/sandbox/suggest",
        **{"as": "UEMPLOYEE", "view_id": modal["id"], "block_id": "fruit", "action_id": "value", "query": "ap"},
    )
    assert [o["value"] for o in answer["options"]] == ["apple", "apricot"]


def test_the_clock_only_moves_forward_and_by_at_most_a_week(sandbox):
    assert post(sandbox, "/sandbox/clock", seconds=3600)["notice"].startswith("Clock moved forward.")
    assert clock.offset() == timedelta(hours=1)
    assert "+1 h" in screen(sandbox, "UEMPLOYEE")["clock"]
    assert "up to a week" in post(sandbox, "/sandbox/clock", seconds=-60)["notice"]
    assert clock.offset() == timedelta(hours=1)


def test_demo_data_loads_once(sandbox):
    assert post(sandbox, "/sandbox/seed")["notice"].startswith("Demo data loaded: 6 vehicles")
    assert post(sandbox, "/sandbox/seed")["notice"].startswith("Demo data was already there")


def test_the_page_waits_for_news_instead_of_polling(sandbox):
    version = sandbox.fake.version
    answers = []
    waiting = threading.Thread(
        target=lambda: answers.append(get(sandbox, f"/sandbox/screen?as=UEMPLOYEE&c={TRIAGE}&since={version}"))
    )
    waiting.start()
    post(sandbox, "/sandbox/send", **{"as": "UEMPLOYEE", "channel": TRIAGE, "text": "hello &lt; <b>"})
    waiting.join(timeout=5)
    fragments = json.loads(answers[0][1])
    assert fragments["version"] > version
    assert "hello &amp;lt; &lt;b&gt;" in fragments["main"]


def test_only_the_viewer_dismisses_an_ephemeral_message(sandbox):
    post(sandbox, "/sandbox/send", **{"as": "UEMPLOYEE", "channel": TRIAGE, "text": "/hiredesk help"})
    message = next(m for m in sandbox.fake.messages if m.ephemeral_for == "UEMPLOYEE")
    post(sandbox, "/sandbox/dismiss", **{"as": "UTECH", "channel": TRIAGE, "ts": message.ts})
    assert not message.deleted
    post(sandbox, "/sandbox/dismiss", **{"as": "UEMPLOYEE", "channel": TRIAGE, "ts": message.ts})
    assert message.deleted


def test_channels_survive_a_restart(sandbox):
    post(sandbox, "/sandbox/send", **{"as": "UEMPLOYEE", "channel": TRIAGE, "text": "before the restart"})
    settings, before = sandbox.ctx.settings, sandbox.fake.messages[-1]
    sandbox.stop()
    again = build_sandbox(settings, port=0).start_in_thread()
    try:
        restored = again.fake.channel_messages(TRIAGE)[-1]
        assert (restored.text, restored.ts, restored.user) == ("before the restart", before.ts, "UEMPLOYEE")
        assert again.fake.add_message(TRIAGE, "UTECH", "after").ts > before.ts
    finally:
        again.stop()


def test_an_export_shows_in_the_dm_with_a_download_link_that_survives_a_restart(sandbox):
    post(sandbox, "/sandbox/send", **{"as": "UADMIN", "channel": TRIAGE, "text": "/ticket export"})
    sandbox.fake.wait_for("files.completeUploadExternal")
    dm = sandbox.fake.dm_channel("UADMIN")
    (shared,) = sandbox.fake.shared_files(dm)
    link = f"/files/download/{shared.id}/{shared.filename}"
    assert f'href="{sandbox.url}{link}"' in screen(sandbox, "UADMIN", dm)["main"]
    status, body = get(sandbox, link)
    assert status == 200 and body.lstrip("\ufeff").startswith("key,title,category")

    settings = sandbox.ctx.settings
    sandbox.stop()
    again = build_sandbox(settings, port=sandbox.fake.port).start_in_thread()
    try:
        assert get(again, link) == (status, body)
    finally:
        again.stop()


def test_a_failing_app_is_reported_as_slack_reports_it(sandbox):
    @sandbox.bolt_app.command("/broken")
    def broken(ack):
        raise RuntimeError("the app broke")

    sandbox.ui.commands.append("/broken")
    post(sandbox, "/sandbox/send", **{"as": "UEMPLOYEE", "channel": TRIAGE, "text": "/broken now"})
    assert "/broken failed with the error &#34;http_error_500&#34;" in screen(sandbox, "UEMPLOYEE")["main"]


def test_only_json_from_this_machine_drives_the_sandbox(sandbox):
    form = urllib.request.Request(
        f"{sandbox.url}/sandbox/seed", data=b'{"as": "UADMIN"}', headers={"Content-Type": "text/plain"}, method="POST"
    )  # a cross-site form's shape
    rebound = urllib.request.Request(f"{sandbox.url}/?as=UADMIN", headers={"Host": "attacker.example:80"})
    for request, status in ((form, 415), (rebound, 403)):
        try:
            urllib.request.urlopen(request, timeout=5)
            raise AssertionError("accepted")
        except urllib.error.HTTPError as error:
            assert error.code == status
    assert sandbox.fake.messages == [] and "Demo data was already there" not in post(sandbox, "/sandbox/seed")["notice"]


def test_an_update_answer_replaces_the_modal_whole(sandbox):
    modal = open_gallery(sandbox, "UEMPLOYEE")
    post(sandbox, "/sandbox/submit", **{"as": "UEMPLOYEE", "view_id": modal["id"], "form": gallery_values("update")})
    updated = sandbox.fake.open_modal("UEMPLOYEE")
    assert updated["id"] == modal["id"] and updated["title"]["text"] == "Updated"
    assert "submit" not in updated and updated["callback_id"] == ""
