#!/usr/bin/env bash
# Client CPU per request: benchbot's HTTP engine against wrk (and oha when installed), all
# driving the same loopback nginx with the same number of keep-alive connections.
# Prints requests/s and client CPU microseconds per request (user + system, from
# /usr/bin/time) side by side. Figures, not a test: run it on a quiet machine.
#
#   benches/http-client.sh                 # 10 s per tool, 16 connections
#   DURATION=20 CONNS=64 benches/http-client.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}

need=()
command -v nginx >/dev/null || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
[ -x /usr/bin/time ] || need+=(time)
if ((${#need[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --release --quiet
BB=target/release/benchbot

tmp=$(mktemp -d)
trap 'kill "$(cat "$tmp/nginx.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$tmp/nginx.conf" <<CONF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 10000000;
  server { listen 127.0.0.1:$port; location / { return 200 "ok\n"; } }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

url="http://127.0.0.1:$port/"
cpu() { awk '{printf "%.3f", $1 + $2}' "$tmp/time.txt"; }
row() { # tool requests cpu_seconds
  awk -v t="$1" -v n="$2" -v c="$3" -v d="$DURATION" 'BEGIN { printf "%-10s %10d %12.0f %10.2f %14.2f\n", t, n, n / d, c, c * 1e6 / n }'
}
printf "%-10s %10s %12s %10s %14s\n" tool requests "req/s" "cpu s" "cpu µs/req"

/usr/bin/time -f "%U %S" -o "$tmp/time.txt" wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$url" > "$tmp/wrk.txt"
row wrk "$(awk '/requests in/ {print $1}' "$tmp/wrk.txt")" "$(cpu)"

cat > "$tmp/nginx-get.toml" <<TOML
[scenario]
name = "nginx-get"
kind = "internal"
[[target]]
name = "nginx"
role = "ours"
[target.http]
base-url = "$url"
[[operation]]
name = "get"
[operation.http]
path = "/"
[load]
concurrency = $CONNS
duration = "${DURATION}s"
repetitions = 1
TOML
/usr/bin/time -f "%U %S" -o "$tmp/time.txt" "$BB" run "$tmp/nginx-get.toml" --out "$tmp/out" --baselines "$tmp" --no-progress --format json > "$tmp/bb.json" 2>/dev/null
n=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(rep["count"] for t in r["targets"] for o in t["operations"] for rep in o["repetitions"]))' "$(ls "$tmp"/out/records/nginx-get/*.json)")
row benchbot "$n" "$(cpu)"

if command -v oha >/dev/null; then
  /usr/bin/time -f "%U %S" -o "$tmp/time.txt" oha -z "${DURATION}s" -c "$CONNS" --no-tui --output-format json "$url" > "$tmp/oha.json"
  row oha "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(r["statusCodeDistribution"].values()))' "$tmp/oha.json")" "$(cpu)"
else
  echo "oha        not installed (cargo install oha to compare)"
fi
