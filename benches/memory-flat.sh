#!/usr/bin/env bash
# Memory over a long run: benchbot's resident set sampled every 10 s while it drives a loopback
# nginx in an open loop (default 2,000 requests/s for 10 minutes, one repetition, a time series
# point per second). Prints each sample, then the first, the highest and the growth after the
# first minute. Figures, not a test.
#
#   benches/memory-flat.sh                      # 600 s at 2000/s
#   DURATION=120 RATE=5000 benches/memory-flat.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-600}
RATE=${RATE:-2000}
source benches/nginx.sh

nginx_scenario "$tmp/long.toml" "mode = \"open\"
rate = $RATE
concurrency = 32
duration = \"${DURATION}s\"
interval = \"1s\"
repetitions = 1"
"$BB" run "$tmp/long.toml" --out "$tmp/out" --baselines "$tmp" --no-progress --preflight off >/dev/null 2>"$tmp/run.log" &
pid=$!
echo "seconds rss_kib"
samples=()
t=0
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  if [ -n "$rss" ]; then
    echo "$t $rss"
    samples+=("$t:$rss")
  fi
  sleep 10
  t=$((t + 10))
done
wait "$pid" || { cat "$tmp/run.log"; exit 1; }
python3 - "${samples[@]}" <<'PY'
import sys
s = [tuple(map(int, x.split(":"))) for x in sys.argv[1:]]
after = [r for t, r in s if t >= 60] or [r for _, r in s]
print(f"first {s[0][1] / 1024:.1f} MiB, highest {max(r for _, r in s) / 1024:.1f} MiB; "
      f"after the first minute: {min(after) / 1024:.1f} to {max(after) / 1024:.1f} MiB "
      f"(growth {(max(after) - min(after)) / 1024:.1f} MiB over {s[-1][0] - 60} s)")
PY
rec=$(ls "$tmp"/out/records/nginx-get/*.json)
echo "record: $(stat -c %s "$rec") bytes for $(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(len(r['targets'][0]['operations'][0]['repetitions'][0]['series']))" "$rec") time-series points"
