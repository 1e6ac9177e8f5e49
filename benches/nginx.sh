# Sourced by the benchmark scripts: installs nginx and wrk when missing, builds benchbot, and
# starts one loopback nginx worker answering "ok" with keep-alive (TLS=1: over TLS, with a
# certificate for localhost signed by a test authority made here). Sets BB (the benchbot
# binary), tmp (a scratch directory, removed on exit with nginx stopped) and url.
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
listen="listen 127.0.0.1:$port;"
url="http://127.0.0.1:$port/"
tls_lines=""
if [ "${TLS:-0}" = 1 ]; then
  (
    cd "$tmp"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench-ca -keyout ca.key -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout key.pem -out leaf.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > leaf.ext
    openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile leaf.ext -out cert.pem
  ) 2>/dev/null
  listen="listen 127.0.0.1:$port ssl; ssl_certificate $tmp/cert.pem; ssl_certificate_key $tmp/key.pem;"
  url="https://localhost:$port/"
  tls_lines="ca-file = \"$tmp/ca.pem\""
fi
cat > "$tmp/nginx.conf" <<CONF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  server { $listen location / { return 200 "ok\n"; } }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

# Writes a scenario of one GET of $url to $1; the rest of the [load] table is $2.
nginx_scenario() {
  cat > "$1" <<TOML
[scenario]
name = "nginx-get"
kind = "internal"
[[target]]
name = "nginx"
role = "ours"
[target.http]
base-url = "$url"
$tls_lines
[[operation]]
name = "get"
[operation.http]
path = "/"
[load]
$2
TOML
}

# One open-loop run at rate $1 for $SECS s with $CONNS connections against $url; prints
# "rate achieved late_share unsent corrected_p99_ms service_p99_ms".
open_loop() {
  local rate=$1
  nginx_scenario "$tmp/open.toml" "mode = \"open\"
rate = $rate
concurrency = $CONNS
duration = \"${SECS}s\"
warmup = \"1s\"
repetitions = 1"
  rm -rf "$tmp/out"
  "$BB" run "$tmp/open.toml" --out "$tmp/out" --baselines "$tmp" --no-progress --preflight off >/dev/null 2>&1 || true
  python3 - "$rate" "$(ls "$tmp"/out/records/nginx-get/*.json)" <<'PY'
import json, sys
rate, path = float(sys.argv[1]), sys.argv[2]
r = json.load(open(path))
rep = r["targets"][0]["operations"][0]["repetitions"][0]
sent = rep["achieved_rate"]
n = rep["count"] + sum(rep["errors"].values())
late = rep["late_sends"] / max(n, 1)
print(f'{rate:.0f} {sent:.0f} {late:.5f} {rep.get("unsent", 0)} {rep["latency"]["p99_ns"] / 1e6:.2f} {rep["service"]["p99_ns"] / 1e6:.2f}')
PY
}
