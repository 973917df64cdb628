#!/usr/bin/env bash
# Peer comparison: bash benches/peers/run.sh [--corpus PATH --truth PATH]... [--seed N] [--json]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
exec "$venv/bin/python" "$here/peers.py" "$@"
