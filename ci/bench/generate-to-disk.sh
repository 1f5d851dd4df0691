#!/usr/bin/env bash
# Benchmark: `ethnet generate` writing to a disk against writing to memory (tmpfs), the cost of
# making every file durable. Prints the median of RUNS runs of each and their ratio.
#   bash ci/bench/generate-to-disk.sh ETHNET_BINARY [VALIDATORS] [RUNS]
# Defaults: 10000 validators (fast KDF, light account keystores), 3 runs. The disk directory is
# made under $BENCH_DISK_DIR (default: the repository's target/, on the build disk); the memory
# one under /dev/shm.
set -euo pipefail
cd "$(dirname "$0")/../.."
ethnet=${1:?usage: $0 ETHNET_BINARY [VALIDATORS] [RUNS]}
validators=${2:-10000}
runs=${3:-3}
# shellcheck source=ci/tools.sh
source ci/tools.sh >/dev/null # HELM_BIN
disk=$(mktemp -d "${BENCH_DISK_DIR:-$PWD/target}/bench-disk.XXXXXX")
memory=$(mktemp -d /dev/shm/ethnet-bench.XXXXXX)
trap 'rm -rf "$disk" "$memory"' EXIT

nodes=$(( (validators + 999) / 1000 )) # a validator node's keystore Secret holds about 1,400
run() { # <dir> <array name>: one generate into <dir>/net, its seconds appended to the array
  local start end
  rm -rf "$1/net"
  start=$(date +%s.%N)
  "$ethnet" generate --out "$1/net" --seed bench --genesis-time 1800000000 \
    --set validators.count="$validators" --set nodes.validators.replicas="$nodes" \
    --set validators.keystoreKdf=fast --set accounts.keystoreKdf=light --set accounts.count=10 >/dev/null
  end=$(date +%s.%N)
  local -n times=$2
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')")
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

on_disk=() in_memory=()
for _ in $(seq "$runs"); do
  run "$memory" in_memory
  run "$disk" on_disk
done
m=$(median "${in_memory[@]}") d=$(median "${on_disk[@]}")
echo "generate, $validators validators on $nodes nodes (fast KDF), median of $runs:"
echo "  to memory (/dev/shm): ${m} s   (${in_memory[*]})"
echo "  to disk ($(df --output=source "$disk" | tail -1)): ${d} s   (${on_disk[*]})"
echo "  disk / memory: $(awk -v d="$d" -v m="$m" 'BEGIN {printf "%.2f", d / m}')"
