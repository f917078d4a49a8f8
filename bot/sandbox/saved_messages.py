"""The sandbox's channels survive a restart: the fake Slack's messages are kept in
a JSON file beside the SQLite database (``hiredesk.db-slack.json``), so ticket cards
and booking messages are still there, and still clickable, after Ctrl-C.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from sqlalchemy.engine import make_url

from fakeslack import FakeSlack

log = logging.getLogger("hiredesk.sandbox")


def messages_file(database_url: str) -> Path | None:
    """Beside a SQLite file; a server database (PostgreSQL) gets no file: messages live in memory."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}-slack.json")


class SavedMessages:
    def __init__(self, fake: FakeSlack, path: Path) -> None:
        self.fake = fake
        self.path = path
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def load(self) -> None:
        try:
            self.fake.restore(json.loads(self.path.read_text()))
        except FileNotFoundError:
            return
        except (ValueError, KeyError, TypeError) as error:  # a damaged file: start with empty channels
            log.warning("sandbox: ignoring %s (%s)", self.path, error)

    def save(self) -> None:
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(self.fake.snapshot()))
        os.replace(partial, self.path)  # never a half-written file

    def keep_saved(self) -> None:
        """Save after every change, from a background thread, until ``stop``."""

        def run() -> None:
            seen = self.fake.version
            while not self._stopping.is_set():
                now = self.fake.wait_for_change(seen, timeout=1.0)
                if now != seen:
                    seen = now
                    self.save()

        self._thread = threading.Thread(target=run, name="sandbox-saved-messages", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background saver, then save one last time."""
        self._stopping.set()
        self.fake.changed()  # wakes the saver
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.save()
