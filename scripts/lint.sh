#!/usr/bin/env bash
# Static checks: ruff (lint and format) and mypy, as configured in pyproject.toml.
# Sets up .venv itself. Fails on any finding.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh" requirements-dev.txt
status=0
.venv/bin/ruff check || status=1
.venv/bin/ruff format --check || status=1
.venv/bin/mypy || status=1
exit $status
