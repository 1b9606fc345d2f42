#!/usr/bin/env bash
# Installs trackerd as `make install` does (issue 12): the binaries, the systemd unit, an example
# config, the Prometheus alert rules, the udev example, man pages and bash/zsh/fish completions.
#
#   PREFIX=/usr/local (default) DESTDIR= (staging root) CONFIGURATION=release|debug
#   UNITDIR: where the unit goes (default $PREFIX/lib/systemd/system; the .deb uses /lib/systemd/system)
#   SKIP_BUILD=1: install what .build/$CONFIGURATION already holds (the layout test uses the debug build)
#
# The release build (scripts/packaging/release-flags.sh) links the Swift runtime statically, so the
# binaries need only Debian's libc, libstdc++, libserialport and libsqlite3 at run time.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
CONFIGURATION=${CONFIGURATION:-release}
SWIFT=${SWIFT:-swift}
UNITDIR=${UNITDIR:-$PREFIX/lib/systemd/system}
bin="$DESTDIR$PREFIX/bin"
share="$DESTDIR$PREFIX/share"

cd "$root"
if [ "${SKIP_BUILD:-}" != 1 ]; then
  flags=(-c "$CONFIGURATION")
  if [ "$CONFIGURATION" = release ]; then source scripts/packaging/release-flags.sh; flags=("${release_flags[@]}"); fi
  "$SWIFT" build "${flags[@]}" --product trackerd
  "$SWIFT" build "${flags[@]}" --product trackersim
fi
products=$("$SWIFT" build -c "$CONFIGURATION" --show-bin-path)

install -d "$bin" "$DESTDIR$UNITDIR" "$share/man/man1" "$share/doc/trackerd/examples" "$share/trackerd/prometheus" \
  "$share/bash-completion/completions" "$share/zsh/vendor-completions" "$share/fish/vendor_completions.d"
install -m 0755 "$products/trackerd" "$products/trackersim" "$bin/"
# The unit names the binary where this prefix puts it.
sed "s|/usr/bin/trackerd|$PREFIX/bin/trackerd|g" packaging/systemd/trackerd.service > "$DESTDIR$UNITDIR/trackerd.service"
chmod 0644 "$DESTDIR$UNITDIR/trackerd.service"
install -m 0644 packaging/trackerd.yaml.example packaging/udev/99-trackerd-modems.rules "$share/doc/trackerd/examples/"
install -m 0644 packaging/prometheus/trackerd-alerts.yml "$share/trackerd/prometheus/"

# Completions come from the binary itself (swift-argument-parser), so they always match it.
# bash-completion sources its scripts: no #! line (Debian's lintian asks for none).
"$bin/trackerd" --generate-completion-script bash | sed '1{/^#!/d}' > "$share/bash-completion/completions/trackerd"
"$bin/trackerd" --generate-completion-script zsh > "$share/zsh/vendor-completions/_trackerd"
"$bin/trackerd" --generate-completion-script fish > "$share/fish/vendor_completions.d/trackerd.fish"
"$bin/trackersim" --generate-completion-script bash | sed '1{/^#!/d}' > "$share/bash-completion/completions/trackersim"
"$bin/trackersim" --generate-completion-script zsh > "$share/zsh/vendor-completions/_trackersim"
"$bin/trackersim" --generate-completion-script fish > "$share/fish/vendor_completions.d/trackersim.fish"
chmod 0644 "$share"/bash-completion/completions/* "$share"/zsh/vendor-completions/* "$share"/fish/vendor_completions.d/*

# Man pages: swift-argument-parser's generate-manual plugin, one page per command, compressed.
manuals=$(mktemp -d)
trap 'rm -rf "$manuals"' EXIT
bash scripts/packaging/manuals.sh "$manuals"
for page in "$manuals"/*.1; do
  gzip -9n -c "$page" > "$share/man/man1/$(basename "$page").gz"
  chmod 0644 "$share/man/man1/$(basename "$page").gz"
done
echo "installed trackerd under ${DESTDIR:-}$PREFIX"
