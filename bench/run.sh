#!/usr/bin/env bash
# Builds trackerd and trackerd-bench in release mode and prints the DESIGN.md performance figures.
# Extra arguments go to trackerd-bench (e.g. --lookup-customers 1000000 --registry-cache /var/tmp/trackerd-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
echo "machine: $(nproc) CPUs; $(uptime)"
"$SWIFT" build -c release --product trackerd
"$SWIFT" build -c release --product trackerd-bench
BIN=$("$SWIFT" build -c release --show-bin-path)
"$BIN/trackerd-bench" --trackerd "$BIN/trackerd" "$@"
echo "machine after: $(uptime)"
