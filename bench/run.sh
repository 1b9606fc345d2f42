#!/usr/bin/env bash
# Builds trackerd and trackerd-bench in release mode and prints the DESIGN.md performance figures.
# Extra arguments go to trackerd-bench (e.g. --lookup-customers 1000000 --registry-cache /var/tmp/trackerd-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
echo "machine: $(nproc) CPUs; $(uptime)"
# The daemon as `make install` and `make deb` ship it (scripts/packaging/release-flags.sh).
source scripts/packaging/release-flags.sh
flags=("${release_flags[@]}")
"$SWIFT" build "${flags[@]}" --product trackerd
"$SWIFT" build "${flags[@]}" --product trackerd-bench
BIN=$("$SWIFT" build "${flags[@]}" --show-bin-path)
"$BIN/trackerd-bench" --trackerd "$BIN/trackerd" "$@"
echo "machine after: $(uptime)"
