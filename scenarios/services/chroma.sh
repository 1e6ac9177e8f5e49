#!/usr/bin/env bash
# The Chroma server (chromadb from PyPI, installed by scripts/services) on 127.0.0.1:PORT with
# a fresh data directory; no telemetry.
set -euo pipefail
port="$1"
here="$(cd "$(dirname "$0")" && pwd)"
venv="${BENCHBOT_SERVICES_VENV:-$here/../../target/services/venv}"
[ -x "$venv/bin/chroma" ] || { echo "chroma: run scripts/services first (no chroma in $venv)" >&2; exit 1; }
data="$(mktemp -d "${TMPDIR:-/tmp}/benchbot-chroma-$port-XXXXXX")"
export ANONYMIZED_TELEMETRY=False CHROMA_SERVER_NOFILE=65535
exec "$venv/bin/chroma" run --host 127.0.0.1 --port "$port" --path "$data"
