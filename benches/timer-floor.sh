#!/usr/bin/env bash
# How many sends start more than 1 ms late, beside the machine's own floor: five interleaved
# pairs of (cyclictest: one thread waking every 1/RATE s) and (benchbot: an open loop at RATE/s
# against one loopback nginx worker, the share of sends more than 1 ms late).
#
# cyclictest skips the wake-ups a pause made it miss, so its share of late wake-ups undercounts
# what the same pauses do to an open loop, where every send due during a pause goes out late.
# The floor is therefore computed from its histogram: a wake-up L late (L > 1 ms) means the
# (L - 1 ms) * RATE + 1 sends due in that stretch would have been more than 1 ms late; their sum
# over all sends is the share an open loop on this machine cannot beat however it is written.
# benchbot's late share over that floor says what benchbot adds.
# Figures, not a test: run it on a quiet machine.
#
#   benches/timer-floor.sh                    # 1000/s, 10 s each
#   RATE=5000 SECONDS_EACH=20 benches/timer-floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-1000}
SECS=${SECONDS_EACH:-10}
CONNS=${CONNS:-64}
if ! command -v cyclictest >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rt-tests >/dev/null
fi

source benches/nginx.sh

# cyclictest at RATE wake-ups per second for SECS s; prints "floor_share wakeup_late_share max_us".
floor() {
  cyclictest -t1 -i $((1000000 / RATE)) -l $((RATE * SECS)) -q -h 20000 > "$tmp/cyc.txt" 2>&1
  python3 - "$tmp/cyc.txt" "$RATE" <<'PY'
import sys
rate = int(sys.argv[2])
total = late = overflows = 0
sends_late = 0.0
worst = 0
for line in open(sys.argv[1]):
    if line.startswith("# Max Latencies:"):
        worst = int(line.split(":")[1])
    if line.startswith("# Histogram Overflows:"):
        overflows = int(line.split(":")[1])
    parts = line.split()
    if line.startswith("#") or len(parts) < 2 or not parts[0].isdigit():
        continue
    us, n = int(parts[0]), int(parts[1])
    total += n
    if us > 1000:
        late += n
        sends_late += n * ((us - 1000) / 1e6 * rate + 1)
# Wake-ups beyond the histogram (20 ms) counted at the worst one seen: an upper bound.
total += overflows
late += overflows
sends_late += overflows * ((worst - 1000) / 1e6 * rate + 1)
print(f"{sends_late / max(total, 1):.5f} {late / max(total, 1):.5f} {worst}")
PY
}

echo "== five interleaved pairs at $RATE/s, $SECS s each (late: more than 1 ms after the due time)"
ratios=()
for i in 1 2 3 4 5; do
  read -r floor_share wakeups worst < <(floor)
  read -r _ sent late _ p99 _ < <(open_loop "$RATE")
  ratio=$(python3 -c "print(f'{$late / max($floor_share, 1e-9):.2f}')")
  ratios+=("$ratio")
  printf "pair %d: cyclictest %.3f%% of wake-ups late (max %s us), floor %.3f%% of sends | benchbot %.3f%% late, %s/s sent, corrected p99 %s ms | ratio %s\n" \
    "$i" "$(python3 -c "print($wakeups*100)")" "$worst" "$(python3 -c "print($floor_share*100)")" \
    "$(python3 -c "print($late*100)")" "$sent" "$p99" "$ratio"
done
python3 -c "
import statistics, sys
r = sorted(float(x) for x in sys.argv[1:])
print(f'benchbot late share / the floor: median {statistics.median(r):.2f} (range {r[0]:.2f}-{r[-1]:.2f}, {len(r)} pairs)')
" "${ratios[@]}"
