#!/usr/bin/env bash
# The benchmark generator's traces, small: each format reads without errors,
# the Call-ID the generator names is found by search as exactly one call, and
# calls --json and show agree on it. Guards what bench/compare.sh measures.
#   generated_traces_test.sh GEN_TRACES SIPSLEUTH WORKDIR
set -euo pipefail
gen=$1 sipsleuth=$2 work=$3
mkdir -p "$work"
# A client count the generator cannot give is refused, naming the bound.
for clients in 0 5001; do
  if "$gen" server 1 "$work/refused" 7 "$clients" 2> "$work/refused.err"; then
    echo "gen_traces wrote a trace for $clients clients" >&2
    exit 1
  fi
  grep -q "CLIENTS must be from 1 to 5000" "$work/refused.err"
done
# Each format with one client, then those a server sees with fifty: the
# users' addresses, flows and TCP connections vary.
for run in client server pcap pcap-tcp server:50 pcap:50 pcap-tcp:50; do
  format=${run%%:*} clients=1
  [ "$run" != "$format" ] && clients=${run#*:}
  file="$work/small.$format.$clients"
  id=$("$gen" "$format" 2 "$file" 7 "$clients")
  if [ "$clients" != 1 ]; then
    # The same calls as with one client, from other addresses.
    if cmp -s "$file" "$work/small.$format.1"; then
      echo "$format: $clients clients wrote what one client does" >&2
      exit 1
    fi
    [ "$("$sipsleuth" calls "$file" | head -50)" = "$("$sipsleuth" calls "$work/small.$format.1" | head -50)" ]
    if [ "$format" = pcap-tcp ]; then
      # One TCP connection a client, each opened once.
      python3 - "$file" "$clients" <<'PY'
import struct, sys
data, want = open(sys.argv[1], "rb").read(), int(sys.argv[2])
at, syns = 24, 0
while at + 16 <= len(data):
    caplen = struct.unpack_from("<I", data, at + 8)[0]
    packet = data[at + 16:at + 16 + caplen]
    if len(packet) > 14 + 20 + 13 and packet[14 + 20 + 13] == 0x02:  # SYN alone
        syns += 1
    at += 16 + caplen
assert syns == want, (syns, want)
PY
    fi
  fi
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
  echo "$format ($clients client(s)): $id found"
done
