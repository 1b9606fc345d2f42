#!/usr/bin/env bash
# Builds the AT engine fuzzer from the engine's sources and the instant type it exports entry
# points specialised for (no SwiftPM, no CSerialPort, no SMS codec) and runs it over the seed
# corpus in fuzz/at/seeds/ (a few realistic conversations).
# RUNS=N sets the number of inputs (default 1,000,000); extra arguments go to libFuzzer.
# Findings (crash-*, timeout-*) land in fuzz/out/; the working corpus is removed.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .build-fuzz fuzz/out
swiftc -sanitize=fuzzer -parse-as-library -O \
    Sources/MonotonicTime/*.swift Sources/ATEngine/*.swift fuzz/at/main.swift -o .build-fuzz/at-fuzz

# libFuzzer adds what it finds to the first corpus folder: a copy, so the seeds stay as committed.
corpus=$(mktemp -d "${TMPDIR:-/tmp}/at-corpus.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
cp fuzz/at/seeds/* "$corpus/"

# Not exec: the EXIT trap must still run to remove the corpus.
.build-fuzz/at-fuzz -runs="${RUNS:-1000000}" -artifact_prefix=fuzz/out/ -max_len=4096 -print_final_stats=1 "$@" "$corpus"
