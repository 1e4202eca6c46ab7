#!/bin/sh
# packaging/deb/build.sh ROOT OUT.deb VERSION MAINTAINER DATE — turns ROOT, a tree that
# `make install DESTDIR=ROOT PREFIX=/usr` has just filled, into a Debian binary package:
# strips the binary, gzips the man page, replaces LICENSE by the machine-readable
# /usr/share/doc/tuiyan/copyright, writes changelog.gz, computes Depends from the libraries
# the binary links (dpkg-shlibdeps, else dpkg -S on ldd's output), the control file and md5sums,
# then runs dpkg-deb --build --root-owner-group. Called by `make deb`.
set -eu
ROOT=$(cd "$1" && pwd) OUT=$2 VERSION=$3 MAINTAINER=$4 DATE=$5
HERE=$(cd "$(dirname "$0")" && pwd)
DOC=$ROOT/usr/share/doc/tuiyan
BINF=$ROOT/usr/bin/tuiyan
[ -x "$BINF" ] || { echo "deb: $BINF missing (make install DESTDIR=$ROOT PREFIX=/usr first)" >&2; exit 1; }
ARCH=$(dpkg --print-architecture)

# Debian's layout: a stripped binary, a gzipped man page, the licence in copyright.
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$BINF"
gzip -9nf "$ROOT/usr/share/man/man1/tuiyan.1"
rm -f "$DOC/LICENSE"
sed "s|@MAINTAINER@|$MAINTAINER|" "$HERE/copyright" > "$DOC/copyright"
# The release notes of a native package: changelog.gz in Debian's format, pointing to
# the project's own CHANGELOG.md (gzipped, as Debian wants documents of that size).
{
    printf 'tuiyan (%s) unstable; urgency=medium\n\n' "$VERSION"
    printf '  * Release %s; the changes by capability are in\n' "$VERSION"
    printf '    /usr/share/doc/tuiyan/CHANGELOG.md.gz.\n\n'
    printf ' -- %s  %s\n' "$MAINTAINER" "$(LC_ALL=C date -u -d "$DATE" '+%a, %d %b %Y %H:%M:%S +0000')"
} > "$DOC/changelog"
gzip -9nf "$DOC/changelog"
gzip -9nf "$DOC/CHANGELOG.md"

# Depends: the Debian packages of the shared libraries the binary links.
DEPENDS=""
if command -v dpkg-shlibdeps >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    mkdir -p "$tmp/debian"
    printf 'Source: tuiyan\n\nPackage: tuiyan\nArchitecture: any\n' > "$tmp/debian/control"
    DEPENDS=$(cd "$tmp" && dpkg-shlibdeps -O -e"$BINF" 2>"$tmp/err" \
              | sed -n 's/^shlibs:Depends=//p') || true
    [ -n "$DEPENDS" ] || cat "$tmp/err" >&2
    rm -rf "$tmp"
fi
if [ -z "$DEPENDS" ]; then
    # Fallback: the package owning each library the binary itself names (NEEDED, not the
    # libraries those pull in), where ldd finds it, at the upstream version installed here.
    DEPENDS=$(readelf -d "$BINF" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | while read -r soname; do
        lib=$(ldd "$BINF" | awk -v l="$soname" '$1 == l { print $3 }')
        [ -n "$lib" ] || continue
        pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null) || continue
        pkg=${pkg%%:*}
        printf '%s (>= %s)\n' "$pkg" "$(dpkg-query -W -f='${Version}' "$pkg" | sed 's/-[^-]*$//')"
    done | sort -u | paste -sd, - | sed 's/,/, /g')
fi
[ -n "$DEPENDS" ] || { echo "deb: could not compute Depends" >&2; exit 1; }

# Modes as Debian wants them, whatever the umask: directories and the binary 0755, the rest 0644.
find "$ROOT" -type d -exec chmod 0755 {} +
find "$ROOT" -type f -exec chmod 0644 {} +
chmod 0755 "$BINF"

mkdir -p "$ROOT/DEBIAN"
(cd "$ROOT" && find usr -type f | LC_ALL=C sort | xargs md5sum) > "$ROOT/DEBIAN/md5sums"
SIZE=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
sed -e "s|@VERSION@|$VERSION|" -e "s|@ARCH@|$ARCH|" -e "s|@MAINTAINER@|$MAINTAINER|" \
    -e "s|@SIZE@|$SIZE|" -e "s|@DEPENDS@|$DEPENDS|" "$HERE/control.in" > "$ROOT/DEBIAN/control"
chmod 0644 "$ROOT/DEBIAN/control" "$ROOT/DEBIAN/md5sums"
dpkg-deb --build --root-owner-group "$ROOT" "$OUT" >&2
echo "$OUT"
