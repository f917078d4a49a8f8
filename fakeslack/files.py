"""files.getUploadURLExternal and files.completeUploadExternal: an upload in two steps."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from .args import _json_arg
from .records import Message, SlackError, Upload
from .state import State


class FileMethods(State):
    def _files_get_upload_url_external(self, args: dict) -> dict:
        filename = args.get("filename")
        try:
            length = int(args.get("length") or "")
        except ValueError:
            raise SlackError("invalid_arguments") from None
        if not filename or length < 1:  # Slack refuses an empty file
            raise SlackError("invalid_arguments")
        file_id = f"F{secrets.token_hex(5).upper()}"  # unique across restarts of the sandbox
        self.uploads[file_id] = Upload(id=file_id, filename=filename, length=length)
        return {"upload_url": f"{self.base_url}/files/upload/v1/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, args: dict) -> dict:
        wanted = _json_arg(args.get("files"))
        if not isinstance(wanted, list) or not wanted or not all(isinstance(f, dict) for f in wanted):
            raise SlackError("invalid_arguments")
        uploads = [self.uploads.get(str(f.get("id"))) for f in wanted]
        if any(u is None or u.completed or u.data is None for u in uploads):
            raise SlackError("file_not_found")  # unknown, never uploaded, or already completed
        channel = self._conversation(args["channel_id"]) if args.get("channel_id") else None
        files = []
        for upload, asked in zip(uploads, wanted, strict=True):
            assert upload is not None and upload.data is not None
            if len(upload.data) != upload.length:
                raise SlackError("file_upload_size_mismatch")
            upload.title, upload.channel, upload.completed = asked.get("title") or upload.filename, channel, True
            files.append(self._file_json(upload))
        if channel:
            message = Message(
                channel=channel,
                ts=self._next_ts(),
                text=args.get("initial_comment") or "",
                blocks=[],
                user=self.BOT_USER,
                thread_ts=args.get("thread_ts"),
                files=files,
            )
            self.messages.append(message)
        # As Slack documents it: each file's id and title only. Slack shares the file in the channel
        # after it answers, so the answer never says where (the message is in the channel's history).
        return {"files": [{"id": file["id"], "title": file["title"]} for file in files]}

    def _file_json(self, upload: Upload) -> dict:
        return {
            "id": upload.id,
            "name": upload.filename,
            "title": upload.title,
            "mimetype": "text/csv" if upload.filename.endswith(".csv") else "application/octet-stream",
            "filetype": "csv" if upload.filename.endswith(".csv") else "binary",
            "size": upload.length,
            "user": self.BOT_USER,
            "url_private": f"{self.base_url}/files/download/{upload.id}/{upload.filename}",
            "url_private_download": f"{self.base_url}/files/download/{upload.id}/{upload.filename}",
        }
