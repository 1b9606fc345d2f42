#!/usr/bin/env bash
# `make deb`: a Debian package of trackerd built with dpkg-deb from `make install`'s layout
# (PREFIX=/usr, the unit in /lib/systemd/system as Debian 12 keeps it), checked by lintian, which
# must report no error. Writes .build/deb/trackerd_<version>_<arch>.deb.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
for tool in dpkg-deb dpkg-shlibdeps lintian; do
  command -v "$tool" >/dev/null || { echo "deb.sh: $tool is missing (apt-get install dpkg-dev lintian)" >&2; exit 69; }
done
arch=$(dpkg --print-architecture)
# Upstream version with a Debian revision (-1): the package is built from this tree, not native.
version=${VERSION:-0.1.0~git$(git log -1 --format=%cd --date=format:%Y%m%d 2>/dev/null || date -u +%Y%m%d).$(git rev-parse --short HEAD 2>/dev/null || echo 0)-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/trackerd

CONFIGURATION=${CONFIGURATION:-release} PREFIX=/usr UNITDIR=/lib/systemd/system DESTDIR="$stage" bash scripts/packaging/install.sh
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage"/usr/bin/trackerd "$stage"/usr/bin/trackersim

install -d -m 0755 "$stage/etc/trackerd" "$stage/usr/share/doc/trackerd" "$stage/usr/share/lintian/overrides" "$stage/DEBIAN"
install -m 0644 packaging/debian/lintian-overrides "$stage/usr/share/lintian/overrides/trackerd"
install -m 0644 packaging/trackerd.yaml.example "$stage/etc/trackerd/trackerd.yaml"
install -m 0644 packaging/debian/copyright "$stage/usr/share/doc/trackerd/copyright"
gzip -9n -c README.md > "$stage/usr/share/doc/trackerd/README.md.gz"
chmod 0644 "$stage/usr/share/doc/trackerd/README.md.gz"
{
  echo "trackerd ($version) unstable; urgency=medium"
  echo
  echo "  * Built from the trackerd source tree by make deb."
  echo
  echo " -- trackerd maintainers <trackerd@example.org>  $(date -R -u -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")"
} | gzip -9n > "$stage/usr/share/doc/trackerd/changelog.Debian.gz"
chmod 0644 "$stage/usr/share/doc/trackerd/changelog.Debian.gz"

# The shared libraries the binaries need, as Debian package names (dpkg-shlibdeps wants a source tree).
mkdir -p "$work/src/debian"
printf 'Source: trackerd\n\nPackage: trackerd\nArchitecture: any\n' > "$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$stage"/usr/bin/trackerd "$stage"/usr/bin/trackersim | sed -n 's/^shlibs:Depends=//p')
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" -e "s|@DEPENDS@|$depends|" \
  packaging/debian/control.in > "$stage/DEBIAN/control"
install -m 0644 packaging/debian/conffiles "$stage/DEBIAN/conffiles"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
(cd "$stage" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"

mkdir -p .build/deb
deb=.build/deb/trackerd_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "built $deb"
lintian --fail-on error "$deb" | tee .build/deb/lintian.txt
echo "lintian: no errors"
