"""Time to effect: a request sent → its Web API call answered at the fake Slack.

Matched by what identifies the request's subject: the trigger of the modal it
opens, the tag in the text of the message it posts, or the card (channel, ts) it
updates (its first update after the request was sent).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict

from .load import Sample
from .workload import BY_NAME


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), linear between closest ranks; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def match_effects(samples: list[Sample], calls: list[dict]) -> tuple[dict[int, float], int]:
    """{index of sample: seconds to its effect}, and how many expected effects never came."""
    by_trigger: dict[str, dict] = {}
    by_tag: dict[tuple[str, str], dict] = {}
    by_card: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for call in calls:
        if call.get("error"):
            continue
        if call["method"] == "views.open" and call.get("trigger_id"):
            by_trigger.setdefault(call["trigger_id"], call)
        elif call["method"] == "chat.postMessage" and call.get("tag") and not call.get("thread_ts"):
            by_tag.setdefault((call["method"], call["tag"]), call)
        elif call["method"] == "chat.update":
            by_card[(call["channel"], call["ts"])].append(call)
    for updates in by_card.values():
        updates.sort(key=lambda c: c["at"])

    found: dict[int, float] = {}
    missing = 0
    on_card: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, sample in enumerate(samples):
        if sample.effect is None:
            continue
        how = sample.effect[0]
        call = None
        if how == "trigger":
            call = by_trigger.get(sample.effect[1])
        elif how == "tag":
            call = by_tag.get((BY_NAME[sample.kind].effect_method, sample.effect[1]))
        elif how == "card":
            on_card[(sample.effect[1], sample.effect[2])].append(index)
            continue
        if call is None:
            missing += 1
        else:
            found[index] = call["at"] - sample.sent_at
    for card, indexes in on_card.items():
        # The outbox keeps only a card's latest edit while earlier ones wait (they are superseded), so
        # one update may carry several requests: each request's effect is the card's first update after it.
        updates = by_card.get(card, [])
        times = [u["at"] for u in updates]
        for index in indexes:
            later = bisect.bisect_left(times, samples[index].sent_at)
            if later < len(times):
                found[index] = times[later] - samples[index].sent_at
            else:
                missing += 1
    return found, missing


def error_replies(calls: list[dict]) -> int:
    """Error messages the app sent to users out of band (a click's refusal, an apology)."""
    return sum(1 for call in calls if call["method"] in ("chat.postEphemeral", "response_url"))


def failed_calls(calls: list[dict]) -> int:
    return sum(1 for call in calls if call.get("error"))
