"""A fake of the Slack Web API (and of Socket Mode) that runs as a real HTTP server: the contract
HireDesk's tests and its local sandbox talk to. A test double, never imported by the product
(tests/test_layers.py): the sandbox (``bot/sandbox``), the tests and ``bench/`` start it.

``FakeSlack`` (slack.py) is composed of one class per concern: state.py (what it holds, its lock),
server.py (HTTP, closed to other sites), faults.py (injected faults), auth.py, chat.py, views.py,
conversations.py, files.py (the emulated methods by family), queries.py (what tests ask of it),
page_state.py (what the sandbox page does to it); records.py and args.py hold the shared pieces.
"""

from .records import Call, Message, SlackError, Upload
from .slack import FakeSlack

__all__ = ["Call", "FakeSlack", "Message", "SlackError", "Upload"]
