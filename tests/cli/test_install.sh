#!/bin/sh
# test_install.sh BIN BUILD — tuiyan installs like a Debian tool, without touching the system:
#   make install DESTDIR=… / make uninstall: the files, and exactly those removed again;
#   make deb: the control file (Depends checked against the packages of the libraries the binary
#     links), copyright, changelog, md5sums; lintian reports no error;
#   the .deb installed with dpkg --root into an empty private root whose dpkg database holds only
#     the Depends' own entries (copied from this system's), so dpkg checks them for real; then,
#     from another directory, the installed binary, a README example from the installed
#     examples, a package from the installed examples, the man page through man -M, the bash
#     completion; dpkg --root -r removes every file it installed.
# The .deb is built from the binary under test (make deb reuses it). Every tool here is required:
# a missing one fails the test (tools/deps.sh test installs lintian and man-db).
. tests/cli/lib.sh
BUILD=${2:-build}
VERSION=$(sed -n 's/^VERSION *= *//p' Makefile)
ARCH=$(dpkg --print-architecture 2>/dev/null)

need_tool() {
    checks=$((checks + 1))
    command -v "$1" >/dev/null 2>&1 || fail_check "$1 is not installed (tools/deps.sh test installs it)"
}
for t in dpkg dpkg-deb dpkg-query lintian man readelf md5sum bash; do need_tool "$t"; done
[ "$failures" -eq 0 ] || { finish; exit 1; }

check() {   # description, command...: the command must succeed
    d=$1; shift
    checks=$((checks + 1))
    "$@" >"$TMP/out" 2>"$TMP/err" || { fail_check "$d"; sed 's/^/    /' "$TMP/err" "$TMP/out" | head -n 20; }
}

mk() { make --no-print-directory -s BUILD="$BUILD" "$@"; }

# ---------------------------------------------------------------- make install / uninstall
D=$TMP/dest
mkdir -p "$D/usr/local/share/man/man1" "$D/usr/local/share/doc/other"
echo keep > "$D/usr/local/share/man/man1/other.1"      # files install must never touch
echo keep > "$D/usr/local/share/doc/other/README"
(cd "$D" && find . -type f | LC_ALL=C sort) > "$TMP/dest.before"
check "make install DESTDIR PREFIX=/usr/local" mk install DESTDIR="$D" PREFIX=/usr/local
{
    echo ./usr/local/bin/tuiyan
    echo ./usr/local/share/bash-completion/completions/tuiyan
    echo ./usr/local/share/man/man1/tuiyan.1
    for f in README.md LICENSE CHANGELOG.md $(find examples scenarios -type f); do echo "./usr/local/share/doc/tuiyan/$f"; done
    echo ./usr/local/share/man/man1/other.1
    echo ./usr/local/share/doc/other/README
} | LC_ALL=C sort > "$TMP/want.files"
(cd "$D" && find . -type f | LC_ALL=C sort) > "$TMP/got.files"
expect_same "$TMP/got.files" "$TMP/want.files" "make install writes the binary, man page, completion, docs and examples"
expect_same "$D/usr/local/bin/tuiyan" "$BIN" "the installed binary is the binary under test"
expect_same "$D/usr/local/share/doc/tuiyan/LICENSE" /usr/share/common-licenses/GPL-3 "LICENSE is the GPL-3 text verbatim"
checks=$((checks + 1))
[ "$(stat -c %a "$D/usr/local/bin/tuiyan")" = 755 ] && [ "$(stat -c %a "$D/usr/local/share/man/man1/tuiyan.1")" = 644 ] \
    || fail_check "modes: binary 0755, man page 0644"
checks=$((checks + 1))
grep -q '/usr/local/share/doc/tuiyan/examples' "$D/usr/local/share/man/man1/tuiyan.1" \
    || fail_check "the man page names the docs where PREFIX put them"
check "make uninstall" mk uninstall DESTDIR="$D" PREFIX=/usr/local
(cd "$D" && find . -type f | LC_ALL=C sort) > "$TMP/dest.after"
expect_same "$TMP/dest.after" "$TMP/dest.before" "make uninstall removes exactly the files install wrote (other files kept)"
checks=$((checks + 1))
[ ! -e "$D/usr/local/share/doc/tuiyan" ] || fail_check "make uninstall removes tuiyan's own doc folder"
# (folders shared with other programs, such as bin/ and share/bash-completion/completions/, stay)

# ---------------------------------------------------------------- make deb
DEB=$TMP/tuiyan.deb
check "make deb" mk deb DEB_ROOT="$TMP/stage" DEB="$DEB"
dpkg-deb -f "$DEB" > "$TMP/control"
for kv in "Package: tuiyan" "Version: $VERSION" "Architecture: $ARCH" "Section: science" "Priority: optional"; do
    checks=$((checks + 1))
    grep -qx "$kv" "$TMP/control" || fail_check "control has '$kv'"
done
for f in Maintainer Installed-Size Depends Description; do
    checks=$((checks + 1))
    grep -q "^$f: ." "$TMP/control" || fail_check "control has a $f field"
done
# Depends, checked independently: the package owning each library the binary names (NEEDED).
depends=$(sed -n 's/^Depends: //p' "$TMP/control")
readelf -d "$BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' > "$TMP/needed"
checks=$((checks + 1))
[ -s "$TMP/needed" ] || fail_check "readelf lists the binary's libraries"
while read -r lib; do
    path=$(ldd "$BIN" | awk -v l="$lib" '$1 == l { print $3 }')
    pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null)
    pkg=${pkg%%:*}
    checks=$((checks + 1))
    case ", $depends" in
        *", $pkg "*|*", $pkg,"*|*", $pkg") ;;
        *) fail_check "Depends names $pkg, the package of $lib ($depends)" ;;
    esac
done < "$TMP/needed"
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./||' > "$TMP/deb.list"
for f in usr/bin/tuiyan usr/share/man/man1/tuiyan.1.gz usr/share/bash-completion/completions/tuiyan \
         usr/share/doc/tuiyan/copyright usr/share/doc/tuiyan/changelog.gz usr/share/doc/tuiyan/README.md \
         usr/share/doc/tuiyan/CHANGELOG.md.gz usr/share/doc/tuiyan/examples/progress_illustrative.lua; do
    checks=$((checks + 1))
    grep -qx "$f" "$TMP/deb.list" || fail_check "the .deb holds $f"
done
dpkg-deb -x "$DEB" "$TMP/x"
dpkg-deb -e "$DEB" "$TMP/x/DEBIAN"
checks=$((checks + 1))
head -1 "$TMP/x/usr/share/doc/tuiyan/copyright" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
    && grep -qx 'License: GPL-3+' "$TMP/x/usr/share/doc/tuiyan/copyright" \
    || fail_check "copyright is machine-readable, GPL-3+"
checks=$((checks + 1))
gzip -dc "$TMP/x/usr/share/doc/tuiyan/changelog.gz" | head -1 | grep -q "^tuiyan ($VERSION) " \
    || fail_check "changelog.gz starts with tuiyan ($VERSION)"
check "md5sums match every file of the package" sh -c "cd '$TMP/x' && md5sum --quiet -c DEBIAN/md5sums"
checks=$((checks + 1))
[ "$(wc -l < "$TMP/x/DEBIAN/md5sums")" -eq "$(cd "$TMP/x" && find usr -type f | wc -l)" ] \
    || fail_check "md5sums lists every file"

# lintian: no error (warnings and notes are printed in the log).
lintian "$DEB" > "$TMP/lintian" 2>&1
lcode=$?
sed 's/^/    lintian: /' "$TMP/lintian"
checks=$((checks + 1))
if [ "$lcode" -ne 0 ] || grep -q '^E:' "$TMP/lintian"; then fail_check "lintian reports no error (exit $lcode)"; fi

# ---------------------------------------------------------------- dpkg --root install
R=$TMP/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers" "$R/var/log"
: > "$R/var/lib/dpkg/status"
: > "$R/var/lib/dpkg/available"
dpkgr() { dpkg --root="$R" --log="$TMP/dpkg.log" "$@"; }
(cd "$R" && find . -path ./var -prune -o -print | LC_ALL=C sort) > "$TMP/root.before"
# An empty database has none of the Depends: dpkg refuses, which shows they are checked.
dpkgr -i "$DEB" >"$TMP/out" 2>"$TMP/err"
checks=$((checks + 1))
grep -q 'dependency problems' "$TMP/err" || fail_check "dpkg --root refuses the package when its Depends are missing"
dpkgr --purge tuiyan >/dev/null 2>&1
# The Depends' own entries from this system's database: now dpkg checks names and versions.
for p in $(echo "$depends" | tr ',' '\n' | sed 's/^ *//; s/[ (|].*//'); do
    dpkg-query -s "$p" && echo
done > "$R/var/lib/dpkg/status"
check "dpkg --root -i tuiyan.deb (Depends satisfied)" dpkgr -i "$DEB"
checks=$((checks + 1))
[ "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status} ${Version}' tuiyan 2>/dev/null)" = "install ok installed $VERSION" ] \
    || fail_check "dpkg --root records tuiyan $VERSION as installed"

# From another directory, no build tree: the binary needs no file beside itself.
T=$R/usr/bin/tuiyan
H=$TMP/home; mkdir -p "$H"
inroot() { (cd "$1" && shift && env -i PATH="$R/usr/bin:/usr/bin:/bin" HOME="$H" LANG=C.UTF-8 COLUMNS=200 "$@"); }
run inroot /tmp "$T" --version
expect_code 0 "installed tuiyan --version"
checks=$((checks + 1))
[ "$(cat "$TMP/out")" = "tuiyan $VERSION (Lua 5.4)" ] || fail_check "--version says tuiyan $VERSION: $(cat "$TMP/out")"
run inroot /tmp "$T" progress --format csv --no-bom
expect_code 0 "installed tuiyan progress on the embedded plan, from /tmp"
cp "$TMP/out" "$TMP/progress.installed"
run inroot "$ROOT" "$BIN" progress --format csv --no-bom
expect_same "$TMP/progress.installed" "$TMP/out" "the installed binary's progress equals the build's"
checks=$((checks + 1))
[ "$(grep -c '^rd_intensity,' "$TMP/progress.installed")" -ge 1 ] || fail_check "progress reports the embedded plan's rd_intensity"
# The README's example, run from the installed examples; its output is the README's transcript.
DOCD=$R/usr/share/doc/tuiyan
awk '/^\$ tuiyan run examples\/progress_illustrative.lua$/ { on = 1; next } on && /^```/ { exit } on' \
    "$DOCD/README.md" > "$TMP/readme.want"
checks=$((checks + 1))
[ -s "$TMP/readme.want" ] || fail_check "the installed README has the progress_illustrative transcript"
run inroot "$DOCD" "$T" run examples/progress_illustrative.lua
expect_code 0 "the README example runs from the installed examples"
expect_same "$TMP/out" "$TMP/readme.want" "the installed example prints the README's transcript"
# A package from the installed examples: keygen, pack, install (into this test's XDG dirs).
P=$TMP/pk; mkdir -p "$P"
check "keygen, pack and install the example package with the installed binary" sh -c '
    cd "$0" && "$1" keygen city --quiet && "$1" pack "$2" -o p.tpkg --key city.key --quiet &&
    XDG_CONFIG_HOME="$3/config" XDG_DATA_HOME="$3/data" HOME="$3" "$1" install p.tpkg --trust city.pub --quiet' \
    "$P" "$T" "$DOCD/examples/county_package/package" "$H"

# man -M renders the page, with every command and every topic of the help text.
MANWIDTH=120 MANPAGER=cat PAGER=cat man -M "$R/usr/share/man" tuiyan > "$TMP/man.txt" 2>"$TMP/man.err"
checks=$((checks + 1))
[ -s "$TMP/man.txt" ] || { fail_check "man -M … tuiyan renders the page"; cat "$TMP/man.err"; }
col -bx < "$TMP/man.txt" > "$TMP/man.plain" 2>/dev/null || cp "$TMP/man.txt" "$TMP/man.plain"
for c in "tuiyan run SCRIPT.lua" "tuiyan progress" "tuiyan check FILE" "tuiyan extract DOC.txt" "tuiyan keygen" \
         "tuiyan pack DIR" "tuiyan verify FILE.tpkg" "tuiyan install FILE.tpkg" "tuiyan list" "tuiyan repl" \
         "tuiyan --version" "EXIT STATUS" "--as-of YEAR" "--no-bom"; do
    checks=$((checks + 1))
    grep -qF -- "$c" "$TMP/man.plain" || fail_check "the man page shows '$c'"
done
topics=$("$T" --help | sed -n 's/^topics: \([^;]*\);.*/\1/p' | tr -d ',')
checks=$((checks + 1))
[ -n "$topics" ] || fail_check "tuiyan --help lists its topics"
for t in $topics; do
    first=$("$T" help "$t" | head -1 | tr -s ' ')
    checks=$((checks + 1))
    tr -s ' ' < "$TMP/man.plain" | grep -qF -- "$(echo "$first" | sed 's/^ //')" \
        || fail_check "the man page holds the text of 'tuiyan help $t' ($first)"
done

# Bash completion: sources cleanly, completes commands, options, formats, topics, packages.
CF=$R/usr/share/bash-completion/completions/tuiyan
comp() {   # words...: the completions of the last word
    env -i PATH="$R/usr/bin:/usr/bin:/bin" HOME="$H" XDG_CONFIG_HOME="$H/config" XDG_DATA_HOME="$H/data" \
        bash -c '. "$0" || exit 9; complete -p tuiyan >/dev/null || exit 8
                 COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                 _tuiyan; printf "%s\n" "${COMPREPLY[@]}"' "$CF" "$@"
}
expect_comp() {   # expected (one word per line, sorted), words...
    want=$1; shift
    checks=$((checks + 1))
    got=$(comp "$@" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$want" ] || fail_check "completing '$*': got '$got', expected '$want'"
}
checks=$((checks + 1))
env -i bash -c '. "$0" && complete -p tuiyan' "$CF" 2>&1 | grep -qx 'complete -F _tuiyan tuiyan' \
    || fail_check "the completion file sources in bash -c and registers _tuiyan"
expect_comp "progress" tuiyan pro
expect_comp "--force --format" tuiyan progress --fo
expect_comp "csv html json md text xlsx" tuiyan progress --format ""
expect_comp "csv html json md svg text xlsx" tuiyan run x.lua --format ""
expect_comp "csv json md xlsx" tuiyan extract --format ""
expect_comp "targets" tuiyan help ta
expect_comp "check pay pipeline" tuiyan register ""
expect_comp "pay pipeline" tuiyan register --quiet p
expect_comp "wuwei_counties:" tuiyan run wuwei
expect_comp "wuwei_counties" tuiyan remove wu
mkdir -p "$TMP/cf" && : > "$TMP/cf/plan_a.csv" && : > "$TMP/cf/notes.txt"
checks=$((checks + 1))
[ "$(cd "$TMP/cf" && comp tuiyan progress pl)" = "plan_a.csv" ] || fail_check "completing a plan file name after progress"
# Every option the help text names is offered for some command (no option forgotten).
all_opts=$(for c in $("$T" --complete 1 tuiyan "" | tail -n +2); do comp tuiyan "$c" -; done | sort -u)
expect_comp "--help --version" tuiyan --
# Options before the command (tuiyan --quiet progress ...): the command is still found.
expect_comp "progress" tuiyan --quiet pro
expect_comp "--out" tuiyan --format json progress --ou
# Each command completes exactly the options its help lists (lua/commands.lua gives both).
for c in $("$T" --complete 1 tuiyan "" | tail -n +2); do
    want=$("$T" help "$c" | sed -n '/^options:/,$p' | grep -o -- '^  \(-[a-z], \)\?--[a-z][a-z-]*' \
        | grep -o -- '--[a-z][a-z-]*\|-[a-z]' | grep -vx -- '--help\|-h' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    expect_comp "$want" tuiyan "$c" -
done
for o in $( { "$T" --help; "$T" help package; "$T" help extract; } | grep -o -- '--[a-z][a-z-]*' | grep -vx -- '--help\|--version' | sort -u); do
    checks=$((checks + 1))
    echo "$all_opts" | grep -qx -- "$o" || fail_check "the completion offers $o (named by tuiyan's help)"
done

# dpkg --root -r removes every file it installed.
check "dpkg --root -r tuiyan" dpkgr -r tuiyan
(cd "$R" && find . -path ./var -prune -o -print | LC_ALL=C sort) > "$TMP/root.after"
expect_same "$TMP/root.after" "$TMP/root.before" "dpkg -r leaves the root as it was before the install"
finish
