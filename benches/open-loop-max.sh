#!/usr/bin/env bash
# The highest open-loop rate benchbot sustains on this machine: a constant arrival rate against
# one loopback nginx worker, raised step by step, until fewer than 99% of the intended sends go
# out or more than LATE_MAX (default 0.1%) start over 1 ms late. (On a virtual machine whose
# hypervisor pauses the guest, no open loop can stay under 0.1%: benches/timer-floor.sh measures
# that floor; set LATE_MAX a little above it.) Beside it, wrk's closed-loop maximum against the
# same server (wrk2's corrected open loop is not packaged by Debian). Then five interleaved pairs
# (wrk, then benchbot at the highest sustained rate) give the ratio with its spread.
# Figures, not a test: run it on a quiet machine.
#
#   benches/open-loop-max.sh                  # rates 5000..60000 step 5000, 5 s each, 64 connections
#   RATES="10000 20000" SECONDS_EACH=10 CONNS=128 benches/open-loop-max.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RATES=${RATES:-"5000 10000 15000 20000 25000 30000 35000 40000 45000 50000 55000 60000"}
SECS=${SECONDS_EACH:-5}
CONNS=${CONNS:-64}
LATE_MAX=${LATE_MAX:-0.001}

source benches/nginx.sh

wrk_max() {
  wrk -t2 -c"$CONNS" -d"${SECS}s" "$url" | awk '/Requests\/sec/ {printf "%.0f\n", $2}'
}

echo "== open-loop ladder: $CONNS connections, $SECS s per rate"
printf "%8s %10s %10s %8s %12s %12s\n" intended achieved "late>1ms" unsent "p99 corr ms" "p99 svc ms"
best=0
for rate in $RATES; do
  read -r r sent late unsent p99 svc < <(open_loop "$rate")
  printf "%8s %10s %9.3f%% %8s %12s %12s\n" "$r" "$sent" "$(python3 -c "print($late*100)")" "$unsent" "$p99" "$svc"
  if python3 -c "import sys; sys.exit(0 if $sent >= 0.99 * $r and $late < $LATE_MAX else 1)"; then
    best=$rate
  fi
done
echo "highest rate sustained (achieved >= 99%, late sends < $(python3 -c "print($LATE_MAX*100)")%): $best/s"
[ "$best" -gt 0 ] || exit 0

echo "== five interleaved pairs: wrk closed-loop maximum, then benchbot open loop at $best/s"
ratios=()
for i in 1 2 3 4 5; do
  w=$(wrk_max)
  read -r _ sent late _ _ _ < <(open_loop "$best")
  ratio=$(python3 -c "print(f'{$sent / $w:.3f}')")
  ratios+=("$ratio")
  printf "pair %d: wrk %s req/s, benchbot %s/s sent (late %.3f%%), ratio %s\n" "$i" "$w" "$sent" "$(python3 -c "print($late*100)")" "$ratio"
done
python3 -c "
import statistics, sys
r = sorted(float(x) for x in sys.argv[1:])
print(f'benchbot sustained open-loop rate / wrk closed-loop maximum: median {statistics.median(r):.3f} (range {r[0]:.3f}-{r[-1]:.3f}, {len(r)} pairs)')
" "${ratios[@]}"
