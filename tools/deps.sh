#!/bin/sh
# deps.sh [test] — make sure the Debian packages tuiyan builds against are present; with `test`,
# also what the test suite runs (python3 for the independent reference and transcript checks;
# strace and clang are optional: their tests print a visible "skipped" without them).
# Fast path: pkg-config and a header probe; apt-get only when something is missing.
set -u
PKGS="liblua5.4-dev libreadline-dev libcjson-dev libcsv-dev libcmocka-dev libsodium-dev libarchive-dev pkg-config"
if [ "${1:-}" = test ]; then
    PKGS="$PKGS python3"
fi
LINE="apt-get update && apt-get install -y --no-install-recommends $PKGS"

have_all() {
    command -v pkg-config >/dev/null 2>&1 || return 1
    pkg-config --exists lua5.4 libcjson readline cmocka libsodium libarchive 2>/dev/null || return 1
    [ -f /usr/include/csv.h ] || return 1
    if [ "${1:-}" = test ]; then command -v python3 >/dev/null 2>&1 || return 1; fi
    return 0
}

have_all "${1:-}" && exit 0

echo "tuiyan: installing missing build dependencies: $PKGS" >&2
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "tuiyan: missing packages and no root or sudo; run as root:" >&2
    echo "  $LINE" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 || { echo "tuiyan: apt-get update failed; run: $LINE" >&2; exit 1; }
$SUDO apt-get install -y -qq --no-install-recommends $PKGS >&2 || { echo "tuiyan: apt-get install failed; run: $LINE" >&2; exit 1; }
have_all "${1:-}" || { echo "tuiyan: packages installed but still not found; run: $LINE" >&2; exit 1; }
