"""chat.postMessage, chat.update, chat.postEphemeral, chat.delete, chat.getPermalink."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from .args import _flag, _json_arg, _metadata_arg
from .records import Message, SlackError
from .state import State


class ChatMethods(State):
    def _check_text(self, args: dict) -> None:
        if not args.get("text") and not args.get("blocks"):
            raise SlackError("no_text")
        blocks = _json_arg(args.get("blocks"))
        if blocks is not None and (not isinstance(blocks, list) or len(blocks) > 50):
            raise SlackError("invalid_blocks")

    def _chat_post_message(self, args: dict) -> dict:
        self._check_text(args)
        channel = self._channel(args.get("channel"))
        thread_ts = args.get("thread_ts")
        if thread_ts and not self.message(channel, thread_ts):
            raise SlackError("thread_not_found")
        message = self._bot_message(
            channel,
            args,
            thread_ts=thread_ts,
            metadata=_metadata_arg(args.get("metadata")) or None,
            reply_broadcast=bool(thread_ts) and _flag(args.get("reply_broadcast")),
        )
        return {"channel": channel, "ts": message.ts, "message": self._message_json(message)}

    def _chat_update(self, args: dict) -> dict:
        self._check_text(args)
        channel = self._conversation(args.get("channel"))
        message = self.message(channel, args.get("ts", ""))
        if message is None or message.deleted:
            raise SlackError("message_not_found")
        metadata = _metadata_arg(args.get("metadata"))
        message.text = args.get("text", message.text)
        if "blocks" in args:
            message.blocks = _json_arg(args.get("blocks")) or []
        if metadata is not None:  # left out: kept; an empty object: removed (as Slack documents)
            message.metadata = metadata or None
        return {"channel": channel, "ts": message.ts, "text": message.text, "message": self._message_json(message)}

    def _chat_post_ephemeral(self, args: dict) -> dict:
        self._check_text(args)
        channel = self._channel(args.get("channel"))
        if not args.get("user"):
            raise SlackError("user_not_found")
        message = self._bot_message(channel, args, thread_ts=args.get("thread_ts"), ephemeral_for=args["user"])
        return {"message_ts": message.ts}

    def _bot_message(self, channel: str, args: dict, **kept: Any) -> Message:
        """A new message of the bot's in ``channel``: the call's text and blocks, and ``kept``."""
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=args.get("text", ""),
            blocks=_json_arg(args.get("blocks")) or [],
            user=self.BOT_USER,
            **kept,
        )
        self.messages.append(message)
        return message

    def _chat_delete(self, args: dict) -> dict:
        channel = self._channel(args.get("channel"))
        message = self.message(channel, args.get("ts", ""))
        if message is None or message.deleted:
            raise SlackError("message_not_found")
        message.deleted = True
        return {"channel": channel, "ts": message.ts}

    def _chat_get_permalink(self, args: dict) -> dict:
        channel = self._channel(args.get("channel"))
        ts = args.get("message_ts", "")
        permalink = f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}"
        message = self.message(channel, ts)
        if message is not None and message.thread_ts and message.thread_ts != ts:  # a reply: Slack names its thread
            permalink += f"?thread_ts={message.thread_ts}&cid={channel}"
        return {"channel": channel, "permalink": permalink}
