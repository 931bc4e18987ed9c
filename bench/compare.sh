#!/usr/bin/env bash
# Whole-process benchmark: sipsleuth beside tshark, sngrep and grep on the
# same generated traces (bench/gen/gen_traces, seed 7), warm page cache (each
# command runs once untimed first). Prints Markdown tables for
# docs/performance.md: best-of-RUNS seconds, throughput, peak RSS and ratios.
#
#   bench/compare.sh [-s "SIZES_MB"] [-f "FORMATS"] [-r RUNS] [-d DIR] [-t SECONDS] [-c CLIENTS]
#     -s  sizes in MB, default "200"            (e.g. "100 1000 10000")
#     -f  formats, default "client server pcap pcap-tcp"
#     -r  runs per command, default 3
#     -d  where the generated files go, default a temporary directory
#         (each file is deleted once measured)
#     -t  stop a command after this long, default 300 (tshark reassembling
#         one long TCP stream can take hours on a gigabyte)
#     -c  client addresses in server logs and captures, default 1 (as every
#         figure in docs/performance.md before session 14): see gen_traces
#
# Output goes to a file, not /dev/null: GNU grep stops at the first match when
# its output is /dev/null, which would time half a scan.
#
# Commands timed on each file:
#   grep -c Call-ID FILE                         the floor: one pass over the bytes
#   sipsleuth calls --json FILE                  every call, judged
#   tshark -q -n -r FILE -z sip,stat             captures only
#   sngrep -N -q -l 100000000 -I FILE            captures only (-l: keep every dialog)
#   grep -c CALL-ID FILE / sipsleuth search --call-id CALL-ID FILE / sipsleuth show --call CALL-ID FILE
set -euo pipefail
cd "$(dirname "$0")/.."

sizes="200"
formats="client server pcap pcap-tcp"
runs=3
dir=""
limit=300
clients=1
while getopts "s:f:r:d:t:c:h" option; do
  case $option in
    s) sizes=$OPTARG ;;
    f) formats=$OPTARG ;;
    r) runs=$OPTARG ;;
    d) dir=$OPTARG ;;
    t) limit=$OPTARG ;;
    c) clients=$OPTARG ;;
    *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done

if [ ! -x /usr/bin/time ]; then
  echo "compare.sh: needs GNU time for peak memory: apt-get install time" >&2
  exit 2
fi
cmake --build build --target sipsleuth gen_traces > /dev/null
if [ -z "$dir" ]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir"
times="$dir/time.$$"
output="$dir/output.$$"

have() { command -v "$1" > /dev/null 2>&1; }

# "seconds peak_rss_kb" of the best of $runs runs, after one untimed run;
# "stopped kb" when a run hits the time limit. The file is read into the page
# cache again before each run: the project's VM drops cached pages even with
# most of its memory free (session 14 saw 5-15 % of four 1 GB files gone 20 s
# after reading them), and a run that reads part of its input from disk
# measures the disk.
measure() {
  timeout "$limit" "$@" > "$output" 2>&1 || true
  local best="" rss=""
  for _ in $(seq "$runs"); do
    cat "$file" > /dev/null
    local started=$EPOCHREALTIME status=0 seconds kb
    /usr/bin/time -f "%M" -o "$times" timeout "$limit" "$@" > "$output" 2>&1 || status=$?
    seconds=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.3f", b - a}')
    kb=$(tail -1 "$times")
    if [ "$status" = 124 ] || ! [[ $kb =~ ^[0-9]+$ ]]; then
      echo "stopped ${kb//[^0-9]/}"
      return
    fi
    if [ -z "$best" ] || awk "BEGIN{exit !($seconds < $best)}"; then best=$seconds; rss=$kb; fi
  done
  echo "$best $rss"
}

compiler=$(grep -E '^CMAKE_CXX_COMPILER:' build/CMakeCache.txt | cut -d= -f2)
echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "Compiler: $($compiler --version | head -1), build type $(grep -E '^CMAKE_BUILD_TYPE:' build/CMakeCache.txt | cut -d= -f2)"
echo "Commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with local changes)')"
# A tool that is missing is named, so that its empty rows are not taken for a result.
if have tshark; then echo "tshark: $(tshark --version 2>/dev/null | head -1)"; else echo "tshark: not installed, left out (apt-get install tshark)"; fi
if have sngrep; then echo "sngrep: $(sngrep -V 2>/dev/null | head -1)"; else echo "sngrep: not installed, left out (apt-get install sngrep)"; fi
echo

for size in $sizes; do
  for format in $formats; do
    file="$dir/gen-$size.$format"
    id=$(build/bench/gen_traces "$format" "$size" "$file" 7 "$clients")
    bytes=$(stat -c %s "$file")
    mb=$(awk "BEGIN{printf \"%.0f\", $bytes/1e6}")
    echo "### $format, $mb MB ($bytes bytes)$([ "$clients" = 1 ] || [ "$format" = client ] || echo ", $clients clients")"
    echo
    echo "| command | seconds | MB/s | peak RSS MB | RSS / input | time / grep -c |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    read -r floor _ < <(measure grep -c Call-ID "$file")
    row() {  # label seconds kb [reference_seconds]
      local reference=${4:-$floor}
      if [ "$2" = stopped ]; then
        echo "| $1 | > $limit (stopped) | | | | |"
        return
      fi
      awk -v label="$1" -v s="$2" -v kb="$3" -v bytes="$bytes" -v ref="$reference" 'BEGIN{
        printf "| %s | %.3f | %.0f | %.0f | %.2f | %.1f× |\n", label, s, (s > 0 ? bytes / 1e6 / s : 0),
          kb / 1024, kb * 1024 / bytes, (ref > 0 ? s / ref : 0) }'
    }
    row "grep -c Call-ID" "$floor" "$(measure grep -c Call-ID "$file" | cut -d' ' -f2)"
    read -r s kb < <(measure build/src/sipsleuth calls --json "$file")
    ours=$s
    row "sipsleuth calls --json" "$s" "$kb"
    tshark_s=""
    if [[ $format == pcap* ]]; then
      if have tshark; then
        read -r s kb < <(measure tshark -q -n -r "$file" -z sip,stat)
        row "tshark -z sip,stat" "$s" "$kb"
        tshark_s=$s
      fi
      if have sngrep; then
        read -r s kb < <(measure sngrep -N -q -l 100000000 -I "$file")
        row "sngrep -N -l 100000000" "$s" "$kb"
      fi
    fi
    if [ -n "$tshark_s" ] && [ "$tshark_s" != stopped ]; then
      awk -v a="$tshark_s" -v b="$ours" 'BEGIN{ if (b > 0) printf "\nsipsleuth calls --json: %.1f× the throughput of tshark.\n", a / b }'
    elif [ "$tshark_s" = stopped ]; then
      echo
      echo "tshark did not finish within $limit s."
    fi
    echo
    echo "One call (Call-ID $id, in the middle of the file); the last column compares with grep -c for that ID:"
    echo
    echo "| command | seconds | MB/s | peak RSS MB | RSS / input | time / grep -c ID |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    read -r grep_id grep_kb < <(measure grep -c "$id" "$file")
    row "grep -c ID" "$grep_id" "$grep_kb" "$grep_id"
    read -r s kb < <(measure build/src/sipsleuth search -q --call-id "$id" "$file")
    row "sipsleuth search --call-id ID" "$s" "$kb" "$grep_id"
    read -r s kb < <(measure build/src/sipsleuth show --call "$id" "$file")
    row "sipsleuth show --call ID" "$s" "$kb" "$grep_id"
    echo
    rm -f "$file"
  done
done
rm -f "$times" "$output"
