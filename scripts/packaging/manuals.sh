#!/usr/bin/env bash
# Generates trackerd's and trackersim's man pages (one per command) with swift-argument-parser's
# generate-manual plugin, into $1. The plugin builds the package's products itself; it is run in
# the debug configuration, which `make test` has built already and which leaves the release build
# (with its statically linked runtime) untouched. The pages do not depend on the configuration; their
# date is the last commit's, so the same tree makes the same pages.
set -euo pipefail
out=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
SWIFT=${SWIFT:-swift}
cd "$root"
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
"$SWIFT" package --disable-sandbox --allow-writing-to-package-directory generate-manual \
  --configuration debug --multi-page --date "$date" --section 1 > .build/generate-manual.log 2>&1 \
  || { tail -20 .build/generate-manual.log >&2; exit 1; }
for tool in trackerd trackersim; do
  cp .build/plugins/GenerateManual/outputs/"$tool"/*.1 "$out/"
done
