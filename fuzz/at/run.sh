#!/usr/bin/env bash
# Builds the AT engine fuzzer from the engine's sources alone (no SwiftPM, no
# CSerialPort, no SMS codec) and runs it. RUNS=N sets the number of inputs (default
# 1,000,000); extra arguments go to libFuzzer. Crashes land in fuzz/out/.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .build-fuzz fuzz/out fuzz/corpus-at
swiftc -sanitize=fuzzer -parse-as-library -O \
    Sources/ATEngine/*.swift fuzz/at/main.swift -o .build-fuzz/at-fuzz
# Seed the corpus with a few realistic conversations if it is empty.
if [ -z "$(ls -A fuzz/corpus-at)" ]; then
    printf '\x00\x00\x00\x3a\r\nOK\r\n\x03\x00\x3a\r\n+CREG: 0,1\r\n\x3a\r\nOK\r\n' > fuzz/corpus-at/seed-creg
    printf '\x10\x00\x06\xfa\r\n> \x07\x05\xfa\r\n+CMGS: 5\r\n\xfa\r\nOK\r\n' > fuzz/corpus-at/seed-cmgs
    printf '\x05\x00\x03\xfa\r\n+CMT: ,23\r\n\xfa0791AB\r\nOK\r\n\x07\x30' > fuzz/corpus-at/seed-cmt
fi
exec .build-fuzz/at-fuzz -runs="${RUNS:-1000000}" -artifact_prefix=fuzz/out/ -max_len=4096 "$@" fuzz/corpus-at
