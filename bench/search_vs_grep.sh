#!/usr/bin/env bash
# Whole-process benchmark: `sipsleuth search --call-id` for one call in a large
# generated trace of each format, beside `grep -c` for the same Call-ID on the
# same file (warm page cache: each command runs once before it is timed).
#   bench/search_vs_grep.sh [SIZE_MB] [RUNS]      defaults: 200 MB, 3 runs
# Prints seconds (best of RUNS) and peak RSS for each.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-200}
runs=${2:-3}
cmake --build build --target sipsleuth gen_traces > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() {  # prints "seconds rss_kb" of the best run
  local best="" rss=""
  "$@" > /dev/null 2>&1 || true
  for _ in $(seq "$runs"); do
    local line
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2>&1 || true
    line=$(tail -1 "$work/time")
    local seconds=${line% *} kb=${line#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($seconds < $best)}"; then best=$seconds; rss=$kb; fi
  done
  echo "$best $rss"
}

printf "%-7s %8s %10s %12s %12s %8s\n" format size_MB grep_s sipsleuth_s sipsleuth_MB ratio
for format in client server pcap; do
  file="$work/big.$format"
  id=$(build/bench/gen_traces "$format" "$size" "$file" 7)
  bytes=$(stat -c %s "$file")
  read -r grep_s _ < <(measure grep -c "$id" "$file")
  read -r ss_s ss_kb < <(measure build/src/sipsleuth search -q --call-id "$id" "$file")
  ratio=$(awk "BEGIN{printf \"%.1f\", ($grep_s > 0 ? $ss_s / $grep_s : 0)}")
  printf "%-7s %8.0f %10s %12s %12.0f %8s\n" "$format" "$(awk "BEGIN{print $bytes/1048576}")" "$grep_s" "$ss_s" \
    "$(awk "BEGIN{print $ss_kb/1024}")" "$ratio"
  rm -f "$file"
done
