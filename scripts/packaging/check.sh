#!/usr/bin/env bash
# What `make test` checks of the packaging (issue 12), fast: no release build. The unit passes
# `systemd-analyze verify`, the alert rules pass `promtool check rules` and their unit tests,
# the maintainer scripts parse, and `make install DESTDIR=…` (from the debug build) lays out every
# file where it belongs with the right mode. `make deb` builds the release package and runs lintian.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
passed=0 failed=0
check() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name" >&2; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$(swift build --show-bin-path)

# systemd-analyze verify checks that ExecStart's binary exists: point it at the one just built.
# --man=no: the man pages are checked below, in the installed layout, where man(1) cannot see them.
verify_unit() {
  sed "s|^ExecStart=/usr/bin/trackerd|ExecStart=$bin/trackerd|" packaging/systemd/trackerd.service > "$tmp/trackerd.service"
  local out; out=$(systemd-analyze verify --man=no "$tmp/trackerd.service" 2>&1) || { echo "$out" >&2; return 1; }
  [ -z "$out" ] || { echo "$out" >&2; return 1; }
}
check "systemd-analyze verify trackerd.service" verify_unit
check "promtool check rules" promtool check rules packaging/prometheus/trackerd-alerts.yml
check "promtool test rules" sh -c 'cd packaging/prometheus && promtool test rules trackerd-alerts.test.yml'
check "maintainer scripts parse" sh -c 'for s in packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm; do sh -n "$s" || exit 1; done'

stage=$tmp/stage
install_layout() {
  SKIP_BUILD=1 CONFIGURATION=debug PREFIX=/usr UNITDIR=/lib/systemd/system DESTDIR="$stage" bash scripts/packaging/install.sh > "$tmp/install.log" 2>&1 \
    || { cat "$tmp/install.log" >&2; return 1; }
  local expect=(
    "0755 usr/bin/trackerd" "0755 usr/bin/trackersim"
    "0644 lib/systemd/system/trackerd.service"
    "0644 usr/share/doc/trackerd/examples/trackerd.yaml.example"
    "0644 usr/share/doc/trackerd/examples/99-trackerd-modems.rules"
    "0644 usr/share/trackerd/prometheus/trackerd-alerts.yml"
    "0644 usr/share/man/man1/trackerd.1.gz" "0644 usr/share/man/man1/trackerd.run.1.gz" "0644 usr/share/man/man1/trackersim.1.gz"
    "0644 usr/share/bash-completion/completions/trackerd" "0644 usr/share/zsh/vendor-completions/_trackerd"
    "0644 usr/share/fish/vendor_completions.d/trackerd.fish"
  )
  local entry mode file ok=0
  for entry in "${expect[@]}"; do
    mode=${entry%% *} file=${entry#* }
    if [ ! -s "$stage/$file" ]; then echo "missing or empty: $file" >&2; ok=1; continue; fi
    [ "$(stat -c %04a "$stage/$file")" = "$mode" ] || { echo "$file: mode $(stat -c %04a "$stage/$file"), not $mode" >&2; ok=1; }
  done
  grep -qx 'ExecStart=/usr/bin/trackerd run' "$stage/lib/systemd/system/trackerd.service" || { echo "the unit does not start /usr/bin/trackerd" >&2; ok=1; }
  zcat "$stage/usr/share/man/man1/trackerd.run.1.gz" | grep -q -- 'check-config' || { echo "trackerd.run.1 does not document --check-config" >&2; ok=1; }
  grep -q -- '--config' "$stage/usr/share/bash-completion/completions/trackerd" || { echo "the bash completion lacks --config" >&2; ok=1; }
  "$stage/usr/bin/trackerd" run --check-config --config "$stage/usr/share/doc/trackerd/examples/trackerd.yaml.example" > "$tmp/check.txt" \
    || { echo "the example config does not pass --check-config" >&2; ok=1; }
  return $ok
}
check "make install DESTDIR=… layout" install_layout

echo "packaging: $passed passed, $failed failed"
[ "$failed" = 0 ]
