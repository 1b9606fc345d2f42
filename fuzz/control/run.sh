#!/usr/bin/env bash
# Builds the control-socket request parser standalone with libFuzzer (the one source file, no
# SwiftPM) and runs it over the seed corpus in fuzz/control/seeds/ with a JSON dictionary.
# Usage: fuzz/control/run.sh [extra libFuzzer flags]; RUNS=n (default 1,000,000).
# Findings (crash-*, timeout-*) land in fuzz/out/control/; the working corpus is removed.
set -euo pipefail
cd "$(dirname "$0")/../.."

mkdir -p .build-fuzz fuzz/out/control
swiftc -sanitize=fuzzer -parse-as-library -O \
    Sources/GatewayDaemon/Control/ControlRequest.swift fuzz/control/main.swift -o .build-fuzz/control-fuzz

# libFuzzer adds what it finds to the first corpus folder: a copy, so the seeds stay as committed.
corpus=$(mktemp -d "${TMPDIR:-/tmp}/control-corpus.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
cp fuzz/control/seeds/* "$corpus/"

# Not exec: the EXIT trap must still run to remove the corpus.
.build-fuzz/control-fuzz -runs="${RUNS:-1000000}" -max_len=8192 -dict=fuzz/control/json.dict \
    -artifact_prefix=fuzz/out/control/ -print_final_stats=1 "$@" "$corpus"
