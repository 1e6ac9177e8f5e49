#!/usr/bin/env bash
# Ingest of large tool outputs: MB/s, peak memory and record size for a ~100 MB
# pytest-benchmark JSON (few benchmarks, millions of raw samples), a ~100 MB Google Benchmark
# JSON (tens of thousands of benchmarks, where a per-name search made ingest quadratic) and a
# ~100 MB `go test -bench` log. Beside each, Python's json.load of the same file (or reading
# the lines, for Go) as the reference for what merely reading it costs. Figures, not a test.
#
#   benches/ingest-large.sh            # about 100 MB per input
#   MB=20 benches/ingest-large.sh
#   MB=3 OLD=../old/target/release/benchbot benches/ingest-large.sh   # against another build, interleaved
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${MB:-100}
if [ -z "${BB:-}" ]; then
  cargo build --release -q
  BB=target/release/benchbot
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" "$MB" <<'EOF'
import json, random, sys
out, mb = sys.argv[1], int(sys.argv[2])
random.seed(7)
# pytest-benchmark: 20 benchmarks, raw samples (about 19 bytes each).
n = mb * 1_000_000 // 19 // 20
with open(f"{out}/pytest.json", "w") as f:
    json.dump({"machine_info": {"node": "x"}, "benchmarks": [
        {"name": f"test_{b}", "fullname": f"bench.py::test_{b}",
         "stats": {"mean": 1e-4, "stddev": 1e-5, "rounds": n,
                   "data": [random.gauss(1e-4, 1e-5) for _ in range(n)]}}
        for b in range(20)]}, f)
# Google Benchmark: 5 repetitions of many benchmarks (about 330 bytes per entry).
k = mb * 1_000_000 // 330 // 5
with open(f"{out}/google.json", "w") as f:
    json.dump({"context": {"date": "x", "num_cpus": 2}, "benchmarks": [
        {"name": f"BM_F/{b}", "family_index": 0, "per_family_instance_index": b,
         "run_name": f"BM_F/{b}", "run_type": "iteration", "repetitions": 5,
         "repetition_index": r, "threads": 1, "iterations": 1000,
         "real_time": random.uniform(100, 200), "cpu_time": 100.0, "time_unit": "ns"}
        for b in range(k) for r in range(5)]}, f, indent=2)
# Go: `-count 5`, about 80 bytes per line.
g = mb * 1_000_000 // 80 // 5
with open(f"{out}/go.txt", "w") as f:
    f.write("goos: linux\ngoarch: amd64\npkg: p\n")
    for r in range(5):
        for b in range(g):
            f.write(f"BenchmarkF/size-{b}-2   \t  100000\t      {random.uniform(100, 200):.1f} ns/op\t      24 B/op\n")
    f.write("PASS\nok  \tp\t10.0s\n")
EOF

measure() { # label, command…: prints seconds and peak RSS (MiB)
  local label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
    cat "$tmp/err" >&2
    exit 1
  }
  read -r secs kib <"$tmp/time"
  echo "$label $secs $((kib / 1024))"
}

printf '%-8s %8s %10s %9s %10s %12s %12s\n' input MB seconds MB/s peak_MiB record_KiB reference_s
for input in pytest.json google.json go.txt; do
  size=$(stat -c %s "$tmp/$input")
  read -r _ secs mib < <(measure bb "$BB" ingest "$tmp/$input" --scenario big --out "$tmp/out-$input")
  if [ "$input" = go.txt ]; then
    read -r _ ref _ < <(measure ref python3 -c 'import sys; sum(1 for _ in open(sys.argv[1]))' "$tmp/$input")
  else
    read -r _ ref _ < <(measure ref python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/$input")
  fi
  rec=$(find "$tmp/out-$input" -type f -name '*.json' -exec stat -c %s {} +)
  awk -v i="$input" -v s="$size" -v t="$secs" -v m="$mib" -v r="$rec" -v ref="$ref" 'BEGIN {
    printf "%-8s %8.1f %10.2f %9.1f %10d %12.0f %12.2f\n", i, s / 1e6, t, s / 1e6 / (t > 0 ? t : 0.01), m, r / 1024, ref }'
done

# Against another build (OLD=path/to/benchbot): the two interleaved, old then new, PAIRS times
# per input; the median ratio of their times and its range.
if [ -n "${OLD:-}" ]; then
  PAIRS=${PAIRS:-5}
  echo
  printf '%-12s %14s %14s %18s\n' input old_median_s new_median_s "old/new (min-max)"
  for input in pytest.json google.json go.txt; do
    ratios=() olds=() news=()
    for _ in $(seq "$PAIRS"); do
      read -r _ o _ < <(measure old "$OLD" ingest "$tmp/$input" --scenario big --out "$tmp/old")
      read -r _ n _ < <(measure new "$BB" ingest "$tmp/$input" --scenario big --out "$tmp/new")
      rm -rf "$tmp/old" "$tmp/new"
      olds+=("$o") news+=("$n")
      ratios+=("$(awk -v o="$o" -v n="$n" 'BEGIN { printf "%.2f", o / (n > 0 ? n : 0.01) }')")
    done
    med() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
    lo=$(printf '%s\n' "${ratios[@]}" | sort -g | head -1)
    hi=$(printf '%s\n' "${ratios[@]}" | sort -g | tail -1)
    printf '%-12s %14s %14s %18s\n' "$input" "$(med "${olds[@]}")" "$(med "${news[@]}")" "$(med "${ratios[@]}") ($lo-$hi)"
  done
fi
