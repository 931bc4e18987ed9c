#!/usr/bin/env bash
# Installs dependencies, builds and runs every test twice: a normal build, and
# one with AddressSanitizer + UndefinedBehaviorSanitizer. Fuzz targets are
# built with clang and run briefly over the samples; benchmarks run once as a
# smoke test (not a timing gate).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j "$jobs"
ctest --test-dir build -j "$jobs" --output-on-failure

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSIPSLEUTH_SANITIZE=ON -DSIPSLEUTH_BENCH=OFF > /dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -j "$jobs" --output-on-failure

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIPSLEUTH_FUZZ=ON \
  -DSIPSLEUTH_TESTS=OFF -DSIPSLEUTH_BENCH=OFF > /dev/null
cmake --build build-fuzz -j "$jobs"
for target in build-fuzz/fuzz/fuzz_*; do
  corpus=$(mktemp -d)
  cp samples/* "$corpus"/
  "$target" -max_total_time=20 -rss_limit_mb=2048 "$corpus" 2>&1 | tail -1
  rm -rf "$corpus"
done

if [ -x build/bench/sipsleuth_bench ]; then
  # Each benchmark checks its result before timing and reports a wrong one
  # as an error, which does not change the exit status: look for it.
  build/bench/sipsleuth_bench --benchmark_min_time=0.01 > build/bench-smoke.txt 2>&1
  if grep -q "ERROR OCCURRED" build/bench-smoke.txt; then
    grep "ERROR OCCURRED" build/bench-smoke.txt
    exit 1
  fi
  echo "benchmarks: smoke run passed ($(grep -c '^BM_' build/bench-smoke.txt) benchmarks)"
fi
