#!/bin/sh
# deps.sh [test] — make sure the Debian packages tuiyan builds against are present; with `test`,
# also what the test suite runs (python3 for the independent reference and transcript checks;
# strace for the sandbox's system-call list and the fault tests, chromium for the rendering
# test, Debian's python3 with openpyxl and LibreOffice (soffice) for the xlsx test, real
# de_DE/zh_CN locales for the locale tests: each of those tests fails without its
# tool; clang is optional: its tests print a visible "skipped" without it).
# Fast path: pkg-config and a header probe; apt-get only when something is missing.
set -u
PKGS="liblua5.4-dev libreadline-dev libcjson-dev libcsv-dev libcmocka-dev libsodium-dev libarchive-dev libseccomp-dev libutf8proc-dev libxlsxwriter-dev libexpat1-dev pkg-config"
if [ "${1:-}" = test ]; then
    PKGS="$PKGS python3 python3-openpyxl libreoffice-calc-nogui strace chromium fonts-noto-cjk locales lintian man-db parallel"
fi
LINE="apt-get update && apt-get install -y --no-install-recommends $PKGS"

have_all() {
    command -v pkg-config >/dev/null 2>&1 || return 1
    pkg-config --exists lua5.4 libcjson readline cmocka libsodium libarchive libseccomp libutf8proc xlsxwriter expat 2>/dev/null || return 1
    [ -f /usr/include/csv.h ] || return 1
    if [ "${1:-}" = test ]; then
        command -v python3 >/dev/null 2>&1 || return 1
        command -v strace >/dev/null 2>&1 || return 1
        /usr/bin/python3 -c "import openpyxl" 2>/dev/null || return 1
        command -v soffice >/dev/null 2>&1 || return 1
        command -v chromium >/dev/null 2>&1 || return 1
        command -v lintian >/dev/null 2>&1 || return 1   # test_install.sh: lintian on the .deb, man -M
        command -v man >/dev/null 2>&1 || return 1
        command -v parallel >/dev/null 2>&1 || return 1   # test_shards.sh: GNU parallel shards
        [ -f /usr/share/i18n/locales/de_DE ] || return 1
    fi
    return 0
}

# The locale tests run tuiyan under de_DE.UTF-8 (decimal comma) and zh_CN.UTF-8; without them
# those tests would run in C and prove nothing, so they are generated here (and the tests fail
# when a locale is missing).
ensure_locales() {
    [ "${1:-}" = test ] || return 0
    for l in de_DE zh_CN; do
        locale -a 2>/dev/null | grep -qix "$l.utf8" && continue
        if [ "$(id -u)" != 0 ]; then
            echo "tuiyan: the tests need the $l.UTF-8 locale; as root run: localedef -i $l -c -f UTF-8 $l.UTF-8" >&2
            return 1
        fi
        localedef -i "$l" -c -f UTF-8 "$l.UTF-8" >&2 || { echo "tuiyan: cannot generate the $l.UTF-8 locale" >&2; return 1; }
    done
}

have_all "${1:-}" && { ensure_locales "${1:-}"; exit $?; }

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
ensure_locales "${1:-}"
