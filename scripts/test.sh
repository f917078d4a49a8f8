#!/usr/bin/env bash
# Runs the whole test suite (SQLite and PostgreSQL, browser tests) and the
# benchmarks' smoke run. Sets up .venv itself. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh" requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
