#!/usr/bin/env bash
# Does a run split over shards measure what one process measures? Against a demo server with a
# fixed service time, five interleaved pairs of (one process at the full rate) and (N shard
# processes meeting through a rendezvous directory, merged with `benchbot merge`); per pair the
# merged record's p50, p90 and p99 over the single process's. Before the pairs, the run-to-run
# noise: the same ratio between two single-process runs one after the other.
# Figures, not a test: run it on a quiet machine.
#
#   benches/shard-exactness.sh                       # 4 shards, 400/s, 10 s, 2 ms service time
#   SHARDS=8 RATE=800 SECONDS_EACH=20 benches/shard-exactness.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SHARDS=${SHARDS:-4}
RATE=${RATE:-400}
SECS=${SECONDS_EACH:-10}
DELAY=${DELAY:-2ms}
cargo build --release --quiet
BB=target/release/benchbot
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BB" demo-server --port "$port" --delay "$DELAY" --quiet &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
cat > "$tmp/s.toml" <<TOML
[scenario]
name = "exact"
kind = "internal"
[[target]]
name = "demo"
role = "ours"
[target.http]
base-url = "http://127.0.0.1:$port"
[[operation]]
name = "get"
[operation.http]
path = "/items/{{seq}}"
[load]
mode = "open"
rate = $RATE
concurrency = 32
duration = "${SECS}s"
warmup = "1s"
repetitions = 1
TOML
common=(--baselines "$tmp" --on-no-baseline pass --no-progress --preflight off --busy-cores 64 --busy-steal 100 --quiet)

# One process; prints its record's path.
single() {
  rm -rf "$tmp/single-$1"
  "$BB" run "$tmp/s.toml" --out "$tmp/single-$1" "${common[@]}" >/dev/null
  ls "$tmp/single-$1"/records/exact/*.json
}

# SHARDS processes meeting in a fresh directory, then merged; prints the merged record's path.
sharded() {
  local dir="$tmp/sharded-$1" pids=()
  rm -rf "$dir"
  for i in $(seq "$SHARDS"); do
    "$BB" run "$tmp/s.toml" --shard "$i/$SHARDS" --rendezvous "$dir/meet" --out "$dir/shard-$i" \
      "${common[@]}" >/dev/null &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  "$BB" merge "$dir"/shard-*/records/exact/*.json --out "$dir/merged" --quiet
}

# Percentile ratios b / a: "p50 p90 p99".
ratios() {
  python3 - "$1" "$2" <<'PY'
import json, sys
def pct(path):
    rep = json.load(open(path))["targets"][0]["operations"][0]["repetitions"][0]
    lat = rep["latency"]
    return lat["p50_ns"], lat["p90_ns"], lat["p99_ns"], rep["count"]
a, b = pct(sys.argv[1]), pct(sys.argv[2])
print(" ".join(f"{y / x:.3f}" for x, y in zip(a[:3], b[:3])), a[3], b[3])
PY
}

echo "== run-to-run noise: two single processes one after the other ($RATE/s, $SECS s, service $DELAY)"
for i in 1 2 3; do
  a=$(single "n$i-a"); b=$(single "n$i-b")
  read -r r50 r90 r99 na nb < <(ratios "$a" "$b")
  echo "noise $i: p50 $r50 · p90 $r90 · p99 $r99 (operations $na, $nb)"
done
echo "== five interleaved pairs: one process, then $SHARDS shards merged"
all=()
for i in 1 2 3 4 5; do
  a=$(single "p$i"); b=$(sharded "p$i")
  read -r r50 r90 r99 na nb < <(ratios "$a" "$b")
  all+=("$r50,$r90,$r99")
  echo "pair $i: merged ÷ single p50 $r50 · p90 $r90 · p99 $r99 (operations $na single, $nb merged)"
done
python3 -c "
import statistics, sys
rows = [list(map(float, x.split(','))) for x in sys.argv[1:]]
for k, name in enumerate(['p50', 'p90', 'p99']):
    r = sorted(row[k] for row in rows)
    print(f'{name}: merged / single median {statistics.median(r):.3f} (range {r[0]:.3f}-{r[-1]:.3f}, {len(r)} pairs)')
" "${all[@]}"
