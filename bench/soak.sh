#!/usr/bin/env bash
# Builds trackerd and trackerd-soak in release mode and runs the soak of issue #9: tracker reports
# through the real daemon under random modem faults, kill -9 and SIGTERM restarts, in both receive
# modes; prints what was lost, duplicated and left behind. Not part of `make test`.
# Extra arguments go to trackerd-soak (e.g. --reports 500 --seed 7 --mode storage; --help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
echo "machine: $(nproc) CPUs; $(uptime)"
# The daemon as `make install` ships it (scripts/packaging/release-flags.sh), as bench/run.sh builds it.
source scripts/packaging/release-flags.sh
flags=("${release_flags[@]}")
"$SWIFT" build "${flags[@]}" --product trackerd
"$SWIFT" build "${flags[@]}" --product trackerd-soak
BIN=$("$SWIFT" build "${flags[@]}" --show-bin-path)
# trackerd-soak runs the trackerd next to it, so both come from this one release build.
"$BIN/trackerd-soak" "$@"
