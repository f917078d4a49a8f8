#!/usr/bin/env bash
# Runs HireDesk: sets up .venv, migrates the database, starts the app.
# With no Slack credentials it serves the local sandbox on http://127.0.0.1:3000/.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh" requirements.txt
.venv/bin/python app.py migrate
exec .venv/bin/python app.py "$@"
