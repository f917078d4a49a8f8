"""The sandbox and its fake Slack answer this machine only: another web site's page (a cross-site
form or fetch, a DNS-rebinding host name) can't post into a running sandbox."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

EVIL = "https://evil.example"


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def triage(sandbox) -> list[str]:
    return [m.text for m in sandbox.fake.channel_messages("CTRIAGE")]


def test_a_cross_site_text_plain_post_to_a_response_url_is_refused_and_posts_nothing(sandbox):
    url = sandbox.fake.response_url_for("CTRIAGE", "UADMIN")
    before = triage(sandbox)
    body = json.dumps({"text": "<!channel> pwned", "response_type": "in_channel"}).encode()
    assert post(url, body, {"Content-Type": "text/plain", "Origin": EVIL}) == 403
    assert post(url, body, {"Content-Type": "application/json", "Origin": EVIL}) == 403
    assert post(url, body, {"Content-Type": "text/plain"}) == 415  # Slack's response_url takes JSON
    assert triage(sandbox) == before
    # The same post, as the app makes it, goes through: only the foreign site was refused.
    assert post(url, body, {"Content-Type": "application/json"}) == 200
    assert "<!channel> pwned" in triage(sandbox)[-1]


def test_a_response_url_key_is_not_guessable(sandbox):
    before = triage(sandbox)
    guessed = f"{sandbox.fake.base_url}/response/CTRIAGE.UADMIN."  # what the keys used to be
    assert post(guessed, b'{"text": "hi", "response_type": "in_channel"}', {"Content-Type": "application/json"}) == 404
    assert triage(sandbox) == before


@pytest.mark.parametrize("path", ["/api/chat.postMessage", "/sandbox/send"])
def test_a_foreign_host_or_origin_gets_403(sandbox, path):
    body = json.dumps({"channel": "CTRIAGE", "text": "hi"}).encode()
    assert post(sandbox.url + path, body, {"Content-Type": "application/json", "Host": "evil.example"}) == 403
    assert post(sandbox.url + path, body, {"Content-Type": "application/json", "Origin": EVIL}) == 403


def test_the_web_api_takes_json_or_a_form_only(sandbox):
    token = next(iter(sandbox.fake.tokens))
    body = json.dumps({"channel": "CTRIAGE", "text": "hi"}).encode()
    headers = {"Authorization": f"Bearer {token}"}
    assert post(sandbox.url + "/api/chat.postMessage", body, {**headers, "Content-Type": "text/plain"}) == 415
    assert post(sandbox.url + "/api/chat.postMessage", body, {**headers, "Content-Type": "application/json"}) == 200
