"""When something a group of tests needs (PostgreSQL, Chromium) is missing."""

from __future__ import annotations

import os
import sys
import warnings

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(message: str) -> None:
    """Skip with a loud warning on a developer's machine; fail under CI=true, where all must run."""
    if IN_CI:
        pytest.fail(message, pytrace=False)
    print(f"\n\n*** WARNING: {message} ***\n", file=sys.stderr)
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)
