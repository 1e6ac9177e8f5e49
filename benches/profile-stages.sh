#!/usr/bin/env bash
# Does a load profile reach its intended rates? One loopback nginx worker, an open loop with
# a constant stage, a linear ramp, a spike and a recovery, three repetitions; prints each
# stage's intended and achieved rate (operations completed per second of the stage, the
# median over the repetitions, from benchbot's own stage table), their ratio and the share of
# sends more than 1 ms late. Figures, not a test: run it on a quiet machine.
#
#   benches/profile-stages.sh                       # 10k/s, ramp 10k→30k, spike 40k, 10k
#   BASE=5000 PEAK=20000 SPIKE=30000 benches/profile-stages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-10000}
PEAK=${PEAK:-30000}
SPIKE=${SPIKE:-40000}
CONNS=${CONNS:-64}

source benches/nginx.sh

nginx_scenario "$tmp/profile.toml" "mode = \"open\"
concurrency = $CONNS
warmup = \"1s\"
repetitions = 3
stages = [
  { duration = \"10s\", rate = $BASE },
  { duration = \"10s\", rate = $BASE, to = $PEAK },
  { duration = \"5s\", rate = $SPIKE },
  { duration = \"10s\", rate = $BASE },
]"
"$BB" run "$tmp/profile.toml" --out "$tmp/out" --baselines "$tmp" --no-progress --preflight off >/dev/null 2>&1 || true
python3 - "$tmp/out/latest.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["comparisons"][0]
print(f'{"stage":>5} {"seconds":>7} {"intended":>17} {"achieved":>10} {"ratio":>7} {"late>1ms":>9}')
for s in c["stages"]:
    lo, hi = s["rate"]
    want = f"{lo:.0f}" if lo == hi else f"{lo:.0f}→{hi:.0f}"
    print(f'{s["stage"]:>5} {s["seconds"]:>7.0f} {want:>17} {s["achieved"]:>10.1f} {s["ratio"]:>7.4f} {s["late_share"]*100:>8.3f}%')
PY
