#!/usr/bin/env bash
# Client CPU per request: benchbot's HTTP engine against wrk (and oha when installed), all
# driving the same loopback nginx with the same number of keep-alive connections, wrk and
# benchbot interleaved PAIRS times (wrk, benchbot, wrk, benchbot…). Prints requests/s and
# client CPU microseconds per request (user + system, from /usr/bin/time) per run, then the
# median ratio benchbot ÷ wrk with its range. Figures, not a test.
#
#   benches/http-client.sh                 # 10 s per tool, 16 connections, 5 pairs
#   DURATION=20 CONNS=64 benches/http-client.sh
#   TLS=1 DURATION=5 benches/http-client.sh   # over TLS (nginx with a test certificate)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
PAIRS=${PAIRS:-5}

source benches/nginx.sh
cpu() { awk '{printf "%.3f", $1 + $2}' "$tmp/time.txt"; }
row() { # tool requests cpu_seconds
  awk -v t="$1" -v n="$2" -v c="$3" -v d="$DURATION" 'BEGIN { printf "%-10s %10d %12.0f %10.2f %14.2f\n", t, n, n / d, c, c * 1e6 / n }'
}
printf "%-10s %10s %12s %10s %14s\n" tool requests "req/s" "cpu s" "cpu µs/req"

nginx_scenario "$tmp/nginx-get.toml" "concurrency = $CONNS
duration = \"${DURATION}s\"
repetitions = 1"
ratios=()
for _ in $(seq "$PAIRS"); do
  /usr/bin/time -f "%U %S" -o "$tmp/time.txt" wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$url" > "$tmp/wrk.txt"
  n=$(awk '/requests in/ {print $1}' "$tmp/wrk.txt")
  w=$(awk -v n="$n" '{printf "%.4f", ($1 + $2) * 1e6 / n}' "$tmp/time.txt")
  row wrk "$n" "$(cpu)"
  rm -rf "$tmp/out"
  /usr/bin/time -f "%U %S" -o "$tmp/time.txt" "$BB" run "$tmp/nginx-get.toml" --out "$tmp/out" --baselines "$tmp" --no-progress --format json > "$tmp/bb.json" 2>/dev/null
  n=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(rep["count"] for t in r["targets"] for o in t["operations"] for rep in o["repetitions"]))' "$(ls "$tmp"/out/records/nginx-get/*.json)")
  b=$(awk -v n="$n" '{printf "%.4f", ($1 + $2) * 1e6 / n}' "$tmp/time.txt")
  row benchbot "$n" "$(cpu)"
  ratios+=("$(awk -v b="$b" -v w="$w" 'BEGIN { printf "%.3f", b / w }')")
done
sorted=$(printf '%s\n' "${ratios[@]}" | sort -g)
echo "benchbot ÷ wrk, CPU per request: median $(awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }' <<<"$sorted") (range $(head -1 <<<"$sorted")–$(tail -1 <<<"$sorted"), $PAIRS interleaved pairs)"

if command -v oha >/dev/null; then
  /usr/bin/time -f "%U %S" -o "$tmp/time.txt" oha -z "${DURATION}s" -c "$CONNS" --no-tui --output-format json "$url" > "$tmp/oha.json"
  row oha "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(r["statusCodeDistribution"].values()))' "$tmp/oha.json")" "$(cpu)"
else
  echo "oha        not installed (cargo install oha to compare)"
fi
