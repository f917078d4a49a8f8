"""Sending an export (``outbox.UPLOAD``): the CSV file in the requester's DM.

Slack's upload takes three calls, and wants the file's length up front:

1. the CSV is written to a temporary file, read from the database in batches
   (``bot.services.export``), so memory stays flat at any size;
2. ``files.getUploadURLExternal`` (filename, length) → ``upload_url``, ``file_id``;
3. the bytes are POSTed to ``upload_url``, streamed from the temporary file;
4. ``files.completeUploadExternal`` shares the file in the DM with a comment.

Only step 4 shows anything to anyone: steps 2 and 3 may be repeated freely (an
upload never completed is discarded by Slack). So the file's id is noted on the
delivery just before step 4; a retry after an unknown outcome (time-out, lost
answer, dead process) finds that id and looks for the file in the DM first,
and only shares a fresh upload if the earlier one never arrived.
"""

from __future__ import annotations

import logging
import tempfile
import urllib.error
import urllib.request
from typing import IO, Any

from slack_sdk import WebClient

from bot.services import export, outbox
from bot.services.hire.export import DESK as BOOKINGS
from bot.services.tickets.export import DESK as TICKETS
from db.session import Database

from .lookup import find_message
from .outcomes import Outcome, retry_delay

log = logging.getLogger("hiredesk.delivery")

DESKS = {desk.name: desk for desk in (TICKETS, BOOKINGS)}
UPLOAD_TIMEOUT = 60  # seconds for the bytes to reach Slack


def send_export(client: WebClient, delivery: outbox.Claimed, db: Database, worker: str) -> Outcome:
    payload = delivery.payload
    desk = DESKS.get(payload.get("desk", ""))
    if desk is None:
        return Outcome("failed", error="unknown_export")
    earlier = payload.get("file_id")
    if earlier:
        found = find_message(client, delivery, lambda message: _carries(message, earlier))
        if found:
            log.info("delivery %s: file %s was already shared (%s %s): adopted", delivery.key, earlier, *found)
            return Outcome.done(*found)
    dm = client.conversations_open(users=delivery.channel or "")["channel"]["id"]
    with tempfile.TemporaryFile(prefix="hiredesk-export-") as spool:
        count = _write(db, delivery.team_id, desk, payload, spool)
        length = spool.tell()
        spool.seek(0)
        target = client.files_getUploadURLExternal(filename=payload["filename"], length=length)
        failure = _upload(target["upload_url"], spool, length, delivery)
    if failure is not None:
        return failure
    file_id: str = target["file_id"]
    with db.transaction() as session:
        still_ours = outbox.note_upload(session, delivery.id, worker, file_id)
    if not still_ours:  # taken over after our lease ran out: the new holder shares it
        return Outcome("retry", error="claim_lost", delay=retry_delay(delivery))
    shared = client.files_completeUploadExternal(
        files=[{"id": file_id, "title": payload["title"]}],
        channel_id=dm,
        initial_comment=_comment(payload, count),
    )
    return Outcome.done(dm, _share_ts(shared.get("files") or [], dm))


def _write(db: Database, team_id: str, desk: export.Desk, payload: dict[str, Any], out: IO[bytes]) -> int:
    with db.transaction(readonly=True) as session:
        return export.write_csv(out, desk.header, desk.rows(session, export.query_of(team_id, payload)))


def _upload(url: str, spool: IO[bytes], length: int, delivery: outbox.Claimed) -> Outcome | None:
    """POST the bytes to Slack's upload URL, streamed; None once Slack has them."""
    request = urllib.request.Request(
        url,
        data=spool,
        method="POST",
        headers={"Content-Type": "application/octet-stream", "Content-Length": str(length)},
    )
    try:
        with urllib.request.urlopen(request, timeout=UPLOAD_TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError as error:
        if error.code == 429 or error.code >= 500:
            return Outcome("retry", error=f"upload_{error.code}", delay=retry_delay(delivery))
        return Outcome("failed", error=f"upload_{error.code}")
    return None


def _comment(payload: dict[str, Any], count: int) -> str:
    span = export.range_of(payload)
    rows = "nothing in that range (just the header)" if count == 0 else f"{count} row{'s' * (count != 1)}"
    return (
        f"Your {payload['desk']} export ({span.describe()}): {rows}. "
        f"Times are in {payload['tz']}, with their UTC offset."
    )


def _carries(message: dict[str, Any], file_id: str) -> bool:
    return any(f.get("id") == file_id for f in message.get("files") or [])


def _share_ts(files: list[dict[str, Any]], dm: str) -> str | None:
    """The ts of the message that shares the file in the DM, if Slack says (it may share later)."""
    for file in files:
        for shares in (file.get("shares") or {}).values():
            for share in shares.get(dm) or []:
                if share.get("ts"):
                    return str(share["ts"])
    return None
