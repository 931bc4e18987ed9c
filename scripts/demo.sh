#!/usr/bin/env bash
# Installs dependencies, builds sipsleuth and runs it on the bundled sample traces.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build --target sipsleuth
echo
echo "\$ sipsleuth calls samples/"
build/src/sipsleuth calls samples/
echo
echo "\$ sipsleuth show --call e343 samples/seed001-mpop-call.uccapilog   (first 30 lines)"
build/src/sipsleuth show --call e343 samples/seed001-mpop-call.uccapilog | head -30 || true  # head closes the pipe early
echo
echo "\$ sipsleuth flow --call e343 --by endpoint samples/seed001-mpop-call.uccapilog"
build/src/sipsleuth flow --call e343 --by endpoint samples/seed001-mpop-call.uccapilog
echo
echo "\$ sipsleuth report -o build/report.html samples/"
build/src/sipsleuth report -o build/report.html samples/
echo "Open build/report.html in a browser: the call list, each call's ladder, every message."
echo
echo "\$ sipsleuth diagnose samples/seed003-app-sharing.uccapilog samples/seed003-edge.pcap"
build/src/sipsleuth diagnose samples/seed003-app-sharing.uccapilog samples/seed003-edge.pcap
