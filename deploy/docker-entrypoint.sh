#!/bin/sh
# The image's entrypoint: runs the command it is given (by default `python app.py serve`).
#
# Before serving on the embedded SQLite database (the image's default: one container
# owning the database file on its /data volume) it brings the schema up to date, so a
# fresh volume gets its tables and an older one its migrations: there is no separate
# release step to forget. With PostgreSQL, migrating is the release's own step, run
# once (compose's `migrate` service), not by every replica as it starts.
# HIREDESK_MIGRATE_AT_START: auto (the above), on (always before serving), off (never).
set -eu

serving() {
  [ "${1:-}" = "python" ] && [ "${2:-}" = "app.py" ] && { [ $# -eq 2 ] || [ "${3:-}" = "serve" ]; }
}

credentials() {
  [ -n "${SLACK_BOT_TOKEN:-}${SLACK_CLIENT_ID:-}" ]
}

# Without Slack credentials `python app.py serve` stops at once with one line saying what to set:
# nothing is migrated or written first.
if serving "$@" && credentials; then
  case "${HIREDESK_MIGRATE_AT_START:-auto}:${DATABASE_URL:-}" in
    on:* | auto:sqlite:*) python app.py migrate ;;
    off:* | auto:*) ;;
    *) echo "hiredesk: HIREDESK_MIGRATE_AT_START must be auto, on or off" >&2; exit 2 ;;
  esac
fi
exec "$@"
