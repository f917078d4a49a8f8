"""Database ids that come back as user input: button values, select options, private_metadata."""

from __future__ import annotations

import re

# Exactly what the app writes: ASCII digits. Not str.isdigit() or int() alone: both also take
# other scripts' digits ('\u0661'.isdigit() is True and int('\u0661') == 1), which no id of ours is written in.
ASCII_ID = re.compile(r"[0-9]{1,10}")
LARGEST_ID = 2**31 - 1  # ids are 32-bit integer columns; a larger number can't be one


def parse_id(value: object) -> int | None:
    """``value`` as a database id (an int, or a string of ASCII digits), or None if it can't be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not ASCII_ID.fullmatch(value):
            return None
        value = int(value)
    if isinstance(value, int) and 0 < value <= LARGEST_ID:
        return value
    return None
