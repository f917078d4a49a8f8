#!/usr/bin/env bash
# Runs HireDesk: sets up .venv, then, with no arguments, serves Slack if Slack credentials are set
# (migrating the database first) or else the local sandbox on http://127.0.0.1:3000/ (its own
# sandbox.db). Arguments go to `python app.py` (e.g. `./scripts/run.sh sandbox --database …`).
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh" requirements.txt
if [ $# -eq 0 ]; then
  if [ -n "${SLACK_BOT_TOKEN:-}${SLACK_CLIENT_ID:-}" ]; then set -- serve; else set -- sandbox; fi
fi
if [ "$1" = serve ]; then
  .venv/bin/python app.py migrate
fi
exec .venv/bin/python app.py "$@"
