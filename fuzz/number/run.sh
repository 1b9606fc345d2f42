#!/usr/bin/env bash
# Builds the phone-number normaliser standalone with libFuzzer: PhoneNumber.swift and the two
# files it uses (GatewayError for init(parsing:field:), NumberMask for its description), no
# SwiftPM, no GRDB. Runs over the seed corpus in fuzz/number/seeds/ (first byte: which default
# calling code). Usage: fuzz/number/run.sh [extra libFuzzer flags]; RUNS=n (default 1,000,000).
# Findings (crash-*, timeout-*) land in fuzz/out/number/; the working corpus is removed.
set -euo pipefail
cd "$(dirname "$0")/../.."

mkdir -p .build-fuzz fuzz/out/number
swiftc -sanitize=fuzzer -parse-as-library -O \
    Sources/TrackerGateway/Registry/PhoneNumber.swift \
    Sources/TrackerGateway/Registry/GatewayError.swift \
    Sources/TrackerGateway/Redaction/NumberMask.swift \
    fuzz/number/main.swift -o .build-fuzz/number-fuzz

# libFuzzer adds what it finds to the first corpus folder: a copy, so the seeds stay as committed.
corpus=$(mktemp -d "${TMPDIR:-/tmp}/number-corpus.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
cp fuzz/number/seeds/* "$corpus/"

# Not exec: the EXIT trap must still run to remove the corpus.
.build-fuzz/number-fuzz -runs="${RUNS:-1000000}" -max_len=256 \
    -artifact_prefix=fuzz/out/number/ -print_final_stats=1 "$@" "$corpus"
