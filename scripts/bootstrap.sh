# Sourced by scripts/run.sh and scripts/test.sh: make .venv and install the
# pinned requirements, re-installing only when a requirements file changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
req_file="${1:-requirements.txt}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || { echo "scripts: could not create .venv (on Debian: apt-get install python3-venv)" >&2; exit 1; }
fi
stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-${req_file%.txt}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req_file"
  rm -f .venv/.installed-*; touch "$stamp"
fi
