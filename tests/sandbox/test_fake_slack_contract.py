"""The fake Web API keeps Slack's contract where exactly-once delivery depends on it: message
metadata, conversations.history/replies, DM channel IDs, and the ways Slack fails (an answer lost
after the post was made, slow answers, 5xx). Over real HTTP, with slack_sdk's WebClient."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from freezegun import freeze_time
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

DELIVERY = {"event_type": "hiredesk_delivery", "event_payload": {"key": "ticket-7-card"}}


def web_client(fake, **options) -> WebClient:
    """A WebClient that does not retry on its own unless told to: each test sees what Slack answered."""
    return WebClient(token="xoxb-test-token", base_url=fake.api_url, **{"retry_handlers": [], **options})


@pytest.fixture
def client(fake_slack) -> WebClient:
    return web_client(fake_slack)


def post(client: WebClient, text: str, channel: str = "CTRIAGE", **kwargs) -> dict:
    return client.chat_postMessage(channel=channel, text=text, **kwargs).data


def history(client: WebClient, channel: str = "CTRIAGE", **kwargs) -> list[dict]:
    return client.conversations_history(channel=channel, **kwargs)["messages"]


# ---- message metadata -------------------------------------------------------


def test_metadata_is_kept_and_returned_by_history_only_when_asked_for(client):
    posted = post(client, "card", metadata=DELIVERY)
    assert posted["message"]["metadata"] == DELIVERY

    assert "metadata" not in history(client)[0]
    assert history(client, include_all_metadata=True)[0]["metadata"] == DELIVERY


def test_metadata_as_a_json_string_in_a_form_body(client, fake_slack):
    form = {"channel": "CTRIAGE", "text": "card", "metadata": json.dumps(DELIVERY)}
    posted = client.api_call("chat.postMessage", params=form)  # slack_sdk sends params form-encoded
    assert fake_slack.message("CTRIAGE", posted["ts"]).metadata == DELIVERY


def test_chat_update_keeps_metadata_left_out_and_clears_it_with_an_empty_object(client, fake_slack):
    ts = post(client, "card", metadata=DELIVERY)["ts"]
    client.chat_update(channel="CTRIAGE", ts=ts, text="card, edited")
    assert fake_slack.message("CTRIAGE", ts).metadata == DELIVERY
    client.chat_update(channel="CTRIAGE", ts=ts, text="card, edited again", metadata={})
    assert fake_slack.message("CTRIAGE", ts).metadata is None


@pytest.mark.parametrize(
    ("metadata", "error"),
    [
        ("{not json", "invalid_metadata_format"),
        ({"event_payload": {}}, "invalid_metadata_schema"),
    ],
)
def test_malformed_metadata_is_refused(client, metadata, error):
    with pytest.raises(SlackApiError) as refused:
        client.api_call("chat.postMessage", json={"channel": "CTRIAGE", "text": "x", "metadata": metadata})
    assert refused.value.response["error"] == error


def test_messages_with_metadata_finds_the_posts_of_one_delivery(client, fake_slack):
    post(client, "card", metadata=DELIVERY)
    post(client, "card again", metadata=DELIVERY)
    post(client, "other", metadata={"event_type": "hiredesk_delivery", "event_payload": {"key": "ticket-8-card"}})
    post(client, "untagged")
    assert len(fake_slack.messages_with_metadata("hiredesk_delivery")) == 3
    assert [m.text for m in fake_slack.messages_with_metadata("hiredesk_delivery", key="ticket-7-card")] == [
        "card",
        "card again",
    ]


# ---- conversations.history --------------------------------------------------


def test_history_is_newest_first_in_pages_of_limit(client):
    for n in range(5):
        post(client, f"m{n}")
    pages, cursor = [], None
    while True:
        response = client.conversations_history(channel="CTRIAGE", limit=2, cursor=cursor)
        pages.append([m["text"] for m in response["messages"]])
        cursor = response.get("response_metadata", {}).get("next_cursor")
        assert response["has_more"] == bool(cursor)
        if not cursor:
            break
    assert pages == [["m4", "m3"], ["m2", "m1"], ["m0"]]


def test_history_oldest_and_latest_are_exclusive_unless_inclusive(client):
    ts = [post(client, f"m{n}")["ts"] for n in range(4)]
    assert [m["ts"] for m in history(client, oldest=ts[1])] == [ts[3], ts[2]]
    assert [m["ts"] for m in history(client, oldest=ts[1], inclusive=True)] == [ts[3], ts[2], ts[1]]
    assert [m["ts"] for m in history(client, oldest=ts[0], latest=ts[3])] == [ts[2], ts[1]]


def test_message_ts_is_the_clock_so_a_lookup_from_a_claim_time_finds_the_post(client):
    claimed_at = time.time()
    ts = post(client, "card", metadata=DELIVERY)["ts"]
    assert claimed_at < float(ts) < time.time() + 1
    assert [m["ts"] for m in history(client, oldest=str(claimed_at))] == [ts]


def test_under_a_frozen_clock_a_post_is_still_after_the_claim(client):
    with freeze_time("2030-03-04 05:06:07"):
        claimed_at = time.time()
        first = post(client, "card")["ts"]
        second = post(client, "card")["ts"]
        assert first.startswith(str(int(claimed_at))) and first < second
        assert len(history(client, oldest=str(claimed_at))) == 2


def test_history_shows_thread_parents_and_broadcast_replies_not_other_replies(client):
    parent = post(client, "card")["ts"]
    post(client, "log line", thread_ts=parent)
    post(client, "also to the channel", thread_ts=parent, reply_broadcast=True)
    shown = history(client)
    assert [m["text"] for m in shown] == ["also to the channel", "card"]
    assert shown[0]["subtype"] == "thread_broadcast"
    assert shown[1]["thread_ts"] == parent and shown[1]["reply_count"] == 2


def test_history_leaves_out_deleted_and_ephemeral_messages(client):
    gone = post(client, "deleted")["ts"]
    client.chat_delete(channel="CTRIAGE", ts=gone)
    client.chat_postEphemeral(channel="CTRIAGE", user="UADMIN", text="only you")
    post(client, "kept")
    assert [m["text"] for m in history(client)] == ["kept"]


@pytest.mark.parametrize("arguments", [{"channel": "CNOPE"}, {"channel": "UEMPLOYEE"}])
def test_history_of_an_unknown_channel_or_a_user_id_is_channel_not_found(client, arguments):
    with pytest.raises(SlackApiError) as refused:
        client.conversations_history(**arguments)
    assert refused.value.response["error"] == "channel_not_found"


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"oldest": "yesterday"}, "invalid_ts_oldest"),
        ({"latest": "soon"}, "invalid_ts_latest"),
    ],
)
def test_history_refuses_bad_arguments(client, arguments, error):
    with pytest.raises(SlackApiError) as refused:
        client.conversations_history(channel="CTRIAGE", **arguments)
    assert refused.value.response["error"] == error


def test_history_answers_a_get_with_a_query_string(fake_slack):
    post(web_client(fake_slack), "hello")
    url = f"{fake_slack.api_url}conversations.history?channel=CTRIAGE&token=xoxb-test-token"
    with urllib.request.urlopen(url) as answer:
        assert [m["text"] for m in json.load(answer)["messages"]] == ["hello"]


# ---- conversations.replies --------------------------------------------------


def test_replies_are_the_parent_then_the_replies_from_any_message_of_the_thread(client):
    parent = post(client, "card")["ts"]
    first = post(client, "log 1", thread_ts=parent, metadata=DELIVERY)["ts"]
    post(client, "log 2", thread_ts=parent)
    post(client, "elsewhere")
    for named in (parent, first):
        thread = client.conversations_replies(channel="CTRIAGE", ts=named)["messages"]
        assert [m["text"] for m in thread] == ["card", "log 1", "log 2"]
    assert "metadata" not in thread[1]
    # The window limits the replies; Slack still puts the thread's parent first (the card, untagged).
    tagged = client.conversations_replies(channel="CTRIAGE", ts=parent, oldest=parent, include_all_metadata=True)
    assert [m.get("metadata") for m in tagged["messages"]] == [None, DELIVERY, None]


def test_replies_start_with_the_parent_whatever_the_window(client):
    parent = post(client, "card")["ts"]
    logs = [post(client, f"log {n}", thread_ts=parent)["ts"] for n in range(3)]
    one = client.conversations_replies(channel="CTRIAGE", ts=logs[1], oldest=logs[1], latest=logs[1], inclusive=True)
    assert [m["text"] for m in one["messages"]] == ["card", "log 1"]
    later = client.conversations_replies(channel="CTRIAGE", ts=parent, oldest=logs[2])
    assert [m["text"] for m in later["messages"]] == ["card"]  # not inclusive: no reply, the parent all the same


def test_replies_page_with_a_cursor(client):
    parent = post(client, "card")["ts"]
    for n in range(3):
        post(client, f"log {n}", thread_ts=parent)
    first = client.conversations_replies(channel="CTRIAGE", ts=parent, limit=2)
    rest = client.conversations_replies(
        channel="CTRIAGE", ts=parent, limit=2, cursor=first["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in first["messages"]] == ["card", "log 0"] and first["has_more"]
    assert [m["text"] for m in rest["messages"]] == ["log 1", "log 2"] and not rest["has_more"]


def test_replies_of_a_missing_message_is_thread_not_found(client):
    with pytest.raises(SlackApiError) as refused:
        client.conversations_replies(channel="CTRIAGE", ts="1700000000.000001")
    assert refused.value.response["error"] == "thread_not_found"


# ---- direct messages --------------------------------------------------------


def test_a_post_to_a_user_id_lands_in_their_dm_whose_id_starts_with_d(client):
    posted = post(client, "your ticket", channel="UEMPLOYEE", metadata=DELIVERY)
    dm = posted["channel"]
    assert dm.startswith("D")
    assert [m["metadata"] for m in history(client, channel=dm, include_all_metadata=True)] == [DELIVERY]
    client.chat_update(channel=dm, ts=posted["ts"], text="your ticket, updated")
    with pytest.raises(SlackApiError) as refused:  # chat.update wants the DM's ID, as Slack documents
        client.chat_update(channel="UEMPLOYEE", ts=posted["ts"], text="x")
    assert refused.value.response["error"] == "channel_not_found"


# ---- an answer lost after Slack did the work --------------------------------


def test_accept_then_drop_reset_performs_the_post_and_resets_the_connection(client, fake_slack):
    fake_slack.accept_then_drop("chat.postMessage")
    with pytest.raises(ConnectionResetError):
        post(client, "card", metadata=DELIVERY)
    assert len(fake_slack.messages_with_metadata("hiredesk_delivery", key="ticket-7-card")) == 1
    assert [c.dropped for c in fake_slack.calls_to("chat.postMessage")] == [True]
    assert post(client, "next")["ok"]  # only the next call lost its answer


def test_accept_then_drop_leaves_failed_calls_answered(client, fake_slack):
    fake_slack.fail("chat.postMessage", "not_in_channel")
    fake_slack.accept_then_drop("chat.postMessage")
    with pytest.raises(SlackApiError):
        post(client, "refused")
    with pytest.raises(ConnectionResetError):
        post(client, "card")
    assert [m.text for m in fake_slack.channel_messages("CTRIAGE")] == ["card"]


def test_a_client_retrying_connection_errors_posts_twice_when_the_answer_is_lost(fake_slack):
    # slack_sdk's WebClient retries connection errors by default: a lost answer becomes a duplicate.
    fake_slack.accept_then_drop("chat.postMessage")
    assert WebClient(token="xoxb-test-token", base_url=fake_slack.api_url).chat_postMessage(
        channel="CTRIAGE", text="card"
    )["ok"]
    assert len(fake_slack.channel_messages("CTRIAGE")) == 2


def test_accept_then_drop_hang_outlasts_the_client_timeout(fake_slack):
    fake_slack.accept_then_drop("chat.postMessage", mode="hang", seconds=2)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        post(web_client(fake_slack, timeout=0.5), "card")
    assert time.monotonic() - started < 1.5
    assert [m.text for m in fake_slack.channel_messages("CTRIAGE")] == ["card"]


# ---- slow answers -----------------------------------------------------------


def test_slow_answers_late_without_holding_up_other_calls(client, fake_slack):
    fake_slack.slow("chat.postMessage", 1.5)
    started = time.monotonic()
    with ThreadPoolExecutor(3) as pool:
        posts = [pool.submit(post, client, f"card {n}") for n in range(3)]
        fake_slack.wait_for("chat.postMessage", count=3)  # performed at once ...
        assert len(fake_slack.channel_messages("CTRIAGE")) == 3
        assert client.auth_test()["ok"] and time.monotonic() - started < 1.0  # ... other methods answer meanwhile
        assert not any(p.done() for p in posts)  # ... and the answers come later,
        assert all(p.result()["ok"] for p in posts)
    assert 1.5 <= time.monotonic() - started < 3.0  # together, not one after another


def test_slow_everything_for_a_number_of_calls(client, fake_slack):
    fake_slack.slow("*", 0.3, times=2)
    timings = []
    for _ in range(3):
        started = time.monotonic()
        client.auth_test()
        timings.append(time.monotonic() - started)
    assert timings[0] >= 0.3 and timings[1] >= 0.3 and timings[2] < 0.3


def test_reset_releases_held_answers(client, fake_slack):
    fake_slack.slow("auth.test", 30)
    answered = threading.Event()
    threading.Thread(target=lambda: client.auth_test() and answered.set(), daemon=True).start()
    fake_slack.wait_for("auth.test")
    fake_slack.reset()
    assert answered.wait(5)


# ---- server errors ----------------------------------------------------------


def test_500s_are_server_errors_slack_sdk_retries(fake_slack):
    retrying = web_client(fake_slack, retry_handlers=[ServerErrorRetryHandler(max_retry_count=2)])
    fake_slack.fail("chat.postMessage", status=500, times=2)
    assert post(retrying, "card")["ok"]
    assert [c.args.get("_error") for c in fake_slack.calls_to("chat.postMessage")] == [
        "internal_error",
        "internal_error",
        None,
    ]

    fake_slack.fail("chat.postMessage", status=500, times=5)
    with pytest.raises(SlackApiError) as failed:
        post(retrying, "second card")
    assert failed.value.response.status_code == 500
    assert [m.text for m in fake_slack.channel_messages("CTRIAGE")] == ["card"]


# ---- file uploads (files.getUploadURLExternal → upload URL → files.completeUploadExternal) ----


def test_slack_sdks_own_upload_shares_the_file_in_the_dm(client, fake_slack):
    dm = client.conversations_open(users="UADMIN")["channel"]["id"]
    done = client.files_upload_v2(content=b"a,b\n1,2\n", filename="x.csv", title="X", channel=dm, initial_comment="Hi")
    # The answer is Slack's documented one: each file's id and title, not where it was shared.
    (file,) = done["files"]
    assert file == {"id": file["id"], "title": "X"} and file["id"].startswith("F")
    assert fake_slack.uploaded(file["id"]) == b"a,b\n1,2\n"
    (message,) = history(client, channel=dm)
    assert message["text"] == "Hi" and [f["id"] for f in message["files"]] == [file["id"]]
    (shared,) = message["files"]
    assert shared["name"] == "x.csv" and shared["title"] == "X"
    with urllib.request.urlopen(shared["url_private_download"]) as download:
        assert download.read() == b"a,b\n1,2\n"


def test_an_upload_as_a_multipart_form_is_read_too(client, fake_slack):
    target = client.files_getUploadURLExternal(filename="x.csv", length=3)
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\nabc\r\n--{boundary}--\r\n'
    ).encode()
    request = urllib.request.Request(
        target["upload_url"], data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200
    assert fake_slack.uploaded(target["file_id"]) == b"abc"


def test_a_file_completes_once_and_only_once_uploaded(client, fake_slack):
    target = client.files_getUploadURLExternal(filename="x.csv", length=3)
    with pytest.raises(SlackApiError) as never_uploaded:
        client.files_completeUploadExternal(files=[{"id": target["file_id"]}], channel_id="CTRIAGE")
    assert never_uploaded.value.response["error"] == "file_not_found"
    urllib.request.urlopen(urllib.request.Request(target["upload_url"], data=b"abc")).close()
    client.files_completeUploadExternal(files=[{"id": target["file_id"]}], channel_id="CTRIAGE")
    with pytest.raises(SlackApiError) as again:
        client.files_completeUploadExternal(files=[{"id": target["file_id"]}], channel_id="CTRIAGE")
    assert again.value.response["error"] == "file_not_found"
    assert len(fake_slack.shared_files("CTRIAGE")) == 1 and len(history(client)) == 1


@pytest.mark.parametrize("arguments", [{"filename": "x.csv", "length": 0}, {"filename": "", "length": 3}])
def test_an_upload_url_needs_a_name_and_a_length(client, arguments):
    with pytest.raises(SlackApiError) as refused:
        client.files_getUploadURLExternal(**arguments)
    assert refused.value.response["error"] == "invalid_arguments"
