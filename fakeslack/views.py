"""views.open, views.push, views.update, views.publish: modals with ids and hashes, triggers, App Home."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from .args import _json_arg
from .records import VIEW_IDENTITY, SlackError
from .state import State


class ViewMethods(State):
    def issue_trigger(self, user: str | None = None) -> str:
        """A fresh trigger_id (valid 3 s); ``user`` is who clicked, so modals open for them."""
        trigger = f"{next(self._ids)}.{int(time.time())}.trigger"
        with self._lock:
            self.triggers[trigger] = time.monotonic()
            if user:
                self.trigger_users[trigger] = user
        return trigger

    def _new_view(self, view: Any, root_id: str | None = None) -> dict:
        view = _json_arg(view)
        if not isinstance(view, dict) or view.get("type") not in {"modal", "home"}:
            raise SlackError("invalid_arguments")
        if view.get("type") == "modal" and not view.get("title"):
            raise SlackError("invalid_arguments")
        if len(view.get("blocks", [])) > 100:
            raise SlackError("invalid_arguments")
        view_id = f"V{next(self._ids):08d}"
        stored = {
            **view,
            "id": view_id,
            "team_id": self.team_id,
            "hash": f"h{next(self._ids)}",
            "root_view_id": root_id or view_id,
            "previous_view_id": None,
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "app_id": "AHIREDESK",
            "bot_id": self.BOT_ID,
        }
        self.views[view_id] = stored
        return stored

    def _use_trigger(self, trigger_id: str | None) -> str | None:
        """Spend a trigger; returns the user it was issued for (if known)."""
        issued = self.triggers.pop(trigger_id or "", None)
        user = self.trigger_users.pop(trigger_id or "", None)
        if issued is None:
            raise SlackError("invalid_trigger_id")
        if time.monotonic() - issued > 3:
            raise SlackError("expired_trigger_id")
        return user

    def _views_open(self, args: dict) -> dict:
        user = self._use_trigger(args.get("trigger_id"))
        view = self._new_view(args.get("view"))
        self.view_stacks[view["id"]] = [view["id"]]
        if user:
            self.view_owners[view["id"]] = user
        return {"view": view}

    def _views_push(self, args: dict) -> dict:
        user = self._use_trigger(args.get("trigger_id"))
        stack = self._open_stack(user) if user else None
        stack = stack or next((s for s in self.view_stacks.values() if s), None)
        if stack is None:
            raise SlackError("not_found")
        if len(stack) >= 3:
            raise SlackError("push_limit_reached")
        view = self._new_view(args.get("view"), root_id=stack[0])
        view["previous_view_id"] = stack[-1]
        stack.append(view["id"])
        return {"view": view}

    def _views_update(self, args: dict) -> dict:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next((v["id"] for v in self.views.values() if v.get("external_id") == args["external_id"]), None)
        old = self.views.get(view_id or "")
        if old is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != old["hash"]:
            raise SlackError("hash_conflict")
        new = _json_arg(args.get("view"))
        if not isinstance(new, dict):
            raise SlackError("invalid_arguments")
        # Slack replaces the view's content whole (a field left out is gone);
        # only its identity and the user's entered state carry over.
        kept = {key: old[key] for key in VIEW_IDENTITY if key in old}
        replaced = {"private_metadata": "", "callback_id": "", **new, **kept, "hash": f"h{next(self._ids)}"}
        old.clear()
        old.update(replaced)
        return {"view": old}

    def _views_publish(self, args: dict) -> dict:
        user_id = args.get("user_id")
        if not user_id:
            raise SlackError("invalid_arguments")
        view = _json_arg(args.get("view"))
        if not isinstance(view, dict) or view.get("type") != "home":
            raise SlackError("invalid_arguments")
        stored = self._new_view(view)
        self.home_tabs[user_id] = stored
        return {"view": stored}

    def _open_stack(self, user: str) -> list[str] | None:
        """The user's most recently opened modal stack that is still open."""
        for root_id in reversed(list(self.view_stacks)):
            stack = self.view_stacks[root_id]
            if stack and self.view_owners.get(root_id) == user:
                return stack
        return None

    def open_modal(self, user: str) -> dict | None:
        """The modal ``user`` is looking at (the top of their stack), if any."""
        with self._lock:
            stack = self._open_stack(user)
            return self.views[stack[-1]] if stack else None

    def modal_depth(self, user: str) -> int:
        with self._lock:
            return len(self._open_stack(user) or [])

    def close_view(self, view_id: str, *, clear: bool = False) -> None:
        """Close a modal (back to the one below it), or its whole stack with ``clear``."""
        with self._changed:
            for stack in self.view_stacks.values():
                if view_id in stack:
                    del stack[0 if clear else stack.index(view_id) :]
            self._touch()

    def apply_submission_response(self, view_id: str, body: dict | None) -> dict[str, str]:
        """Do what Slack does with the app's answer to a view_submission; returns inline errors."""
        body = body or {}
        action = body.get("response_action")
        if action == "errors":
            return dict(body.get("errors") or {})
        with self._changed:
            if action == "update":  # the new view replaces the old one whole, keeping its place
                old = self.views[view_id]
                kept = {
                    key: old[key] for key in ("id", "team_id", "root_view_id", "previous_view_id", "app_id", "bot_id")
                }
                new = _json_arg(body["view"])
                self.views[view_id] = {
                    **new,
                    **kept,
                    "hash": f"h{next(self._ids)}",
                    "state": {"values": {}},
                    "private_metadata": new.get("private_metadata", ""),
                    "callback_id": new.get("callback_id", ""),
                }
            elif action == "push":
                stack = next(s for s in self.view_stacks.values() if view_id in s)
                pushed = self._new_view(body["view"], root_id=stack[0])
                pushed["previous_view_id"] = view_id
                stack.append(pushed["id"])
            else:
                self.close_view(view_id, clear=action == "clear")
            self._touch()
        return {}
