#!/usr/bin/env bash
# The benchmark generator's traces, small: each format reads without errors,
# the Call-ID the generator names is found by search as exactly one call, and
# calls --json and show agree on it. Guards what bench/compare.sh measures.
#   generated_traces_test.sh GEN_TRACES SIPSLEUTH WORKDIR
set -euo pipefail
gen=$1 sipsleuth=$2 work=$3
mkdir -p "$work"
for format in client server pcap pcap-tcp; do
  file="$work/small.$format"
  id=$("$gen" "$format" 2 "$file" 7)
  summary=$("$sipsleuth" calls --json "$file" | tail -1)
  python3 - "$format" "$summary" <<'PY'
import json, sys
fmt, summary = sys.argv[1], json.loads(sys.argv[2])
assert summary["errors"] == [], (fmt, summary["errors"])
assert summary["findings"] == {}, (fmt, summary["findings"])
assert summary["calls"] > 100 and summary["messages_read"] > 500, (fmt, summary)
PY
  matched=$("$sipsleuth" search --json --call-id "$id" "$file" | tail -1)
  python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["matched_calls"] == 1, s' "$matched"
  "$sipsleuth" show --call "$id" "$file" | grep -q "^Call $id\$"
  echo "$format: $id found"
done
