#!/bin/sh
# test_package.sh BIN — signed packages end to end (RELIABILITY §D): keygen, pack, verify,
# install, list, remove, run NAME:SCENARIO's hand-over to the sandbox; and every refusal with
# its exit code and message: a changed byte, missing or extra files, untrusted keys, malformed
# signatures and manifests, rollbacks and mix-and-match, expiry, unsafe paths, links, devices,
# archive bombs. Hostile packages are built by tests/cli/tpkg_craft.py, signed with a key the
# test trusts so that only the one defect is wrong. HOME and the XDG dirs point into $TMP.
. tests/cli/lib.sh

export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data"
mkdir -p "$HOME" "$TMP/w"
PKGS="$TMP/data/tuiyan/packages"
TRUSTED="$TMP/config/tuiyan/trusted"
CRAFT="python3 $ROOT/tests/cli/tpkg_craft.py"
STUB="$ROOT/tests/cli/package_run_stub.lua"
cd "$TMP/w" || exit 1

# make_src DIR VERSION [EXPIRES] [MIN_TUIYAN] [DATA]: an author's directory.
make_src() {
    rm -rf "$1"
    mkdir -p "$1/scenarios" "$1/lib" "$1/data"
    cat >"$1/tuiyan-package.json" <<EOF
{
  "format": 1,
  "name": "wuwei_county",
  "version": "$2",
  "publisher": "武威市科学技术局",
  "description": "县区科技指标推演",
  "min_tuiyan": "${4:-0.1.0}",
  "expires": "${3:-2099-12-31}",
  "scenarios": {"progress": "scenarios/progress.lua", "levers": "scenarios/levers.lua"},
  "modules": {"wuwei.rules": "lib/rules.lua"},
  "data": ["data/县区.csv"]
}
EOF
    printf 'local rules = require "wuwei.rules"\nreturn rules\n' >"$1/scenarios/progress.lua"
    printf 'local n = require("wuwei.rules").n\nprint("levers " .. n)\nreturn { summary = "n=" .. n .. "\\n" }\n' \
        >"$1/scenarios/levers.lua"
    printf 'return { n = 7 }\n' >"$1/lib/rules.lua"
    printf 'id,name\nliangzhou,%s\n' "${5:-凉州区}" >"$1/data/县区.csv"
}

# nothing_installed_from DESCRIPTION: no temp dir left, the registry unchanged since $TMP/reg.
unchanged() {
    checks=$((checks + 1))
    ls -A "$PKGS" | grep -q '^\.tmp-' && fail_check "$1: a temp directory was left behind"
    if [ -f "$TMP/reg" ]; then
        cmp -s "$TMP/reg" "$PKGS/registry.json" || fail_check "$1: the registry changed"
    fi
}

# ---------------------------------------------------------------- keygen
run "$BIN" keygen city
expect_code 0 "keygen"
expect_out "wrote city.key" "keygen names the secret file"
checks=$((checks + 1))
[ "$(stat -c %a city.key)" = 600 ] || fail_check "city.key is mode $(stat -c %a city.key), not 600"
checks=$((checks + 1))
grep -q '^tuiyan-ed25519-public [0-9a-f]\{64\}$' city.pub || fail_check "city.pub format"
cp city.key city.key.orig
run "$BIN" keygen city
expect_code 2 "keygen over an existing key"
expect_err "city.key exists; refusing to overwrite a key" "keygen refuses to overwrite"
expect_same city.key city.key.orig "the existing key is untouched"
run "$BIN" keygen ../evil
expect_code 2 "keygen with a path"
"$BIN" keygen other >/dev/null

# ---------------------------------------------------------------- pack
make_src src 1.0.0
run "$BIN" pack src -o w1.tpkg --key city.key
expect_code 0 "pack"
expect_out "packed wuwei_county 1.0.0: 4 files" "pack says what it packed"
run "$BIN" pack src/ -o w1b.tpkg --key city.key
expect_same w1.tpkg w1b.tpkg "pack is deterministic"
run "$BIN" pack src -o w1.tpkg --key city.key
expect_code 2 "pack over an existing file"
expect_err "w1.tpkg exists; use --force to replace it" "pack refuses to overwrite"
run "$BIN" pack src -o w1.tpkg --key city.key --force
expect_code 0 "pack --force"
run "$BIN" pack src --key city.key
expect_code 2 "pack without -o"
expect_err "pack needs -o FILE.tpkg" "pack without -o says so"
run "$BIN" pack src -o x.tpkg --key city.pub
expect_code 2 "pack with a public key"
expect_err "city.pub is a public key" "pack names the wrong key"
run "$BIN" pack src -o src/w.tpkg --key city.key
expect_code 2 "pack into the package directory"
expect_err "is inside src" "pack will not write into its own source"
cp city.key loose.key && chmod 644 loose.key
run "$BIN" pack src -o x.tpkg --key loose.key
expect_code 2 "pack with a readable secret key"
expect_err "can be read by other users" "pack refuses a world-readable key"
echo x >src/notes.txt
run "$BIN" pack src -o x.tpkg --key city.key
expect_code 3 "pack with an unlisted file"
expect_err "src/notes.txt: not listed in tuiyan-package.json" "pack names the unlisted file"
rm src/notes.txt
sed -i 's/"format": 1,/"format": 1, "colour": "red",/' src/tuiyan-package.json
run "$BIN" pack src -o x.tpkg --key city.key
expect_code 3 "pack with an unknown manifest key"
expect_err 'src/tuiyan-package.json: unknown key "colour"' "pack names the unknown key"
make_src src 1.0.0
printf '\033Lua' >src/lib/rules.lua
run "$BIN" pack src -o x.tpkg --key city.key
expect_code 3 "pack with compiled Lua"
expect_err "is a compiled Lua chunk" "compiled Lua refused at pack"
make_src src 1.0.0
checks=$((checks + 1))
[ ! -e x.tpkg ] || fail_check "a failed pack left x.tpkg"

# A plain tar.gz any county can inspect: manifest first, then the signature, then the files.
checks=$((checks + 1))
[ "$(tar tzf w1.tpkg | head -n 2 | tr '\n' ' ')" = "tuiyan-package.json tuiyan-package.sig " ] ||
    fail_check "tar tzf: $(tar tzf w1.tpkg | tr '\n' ' ')"

# ---------------------------------------------------------------- verify
run "$BIN" verify w1.tpkg
expect_code 4 "verify with no trusted key"
expect_err "which is not trusted (no key is trusted yet" "untrusted: says no key is trusted"
run "$BIN" verify w1.tpkg --trust other.pub
expect_code 4 "verify with the wrong key"
expect_err "w1.tpkg: signed by key" "wrong key: names the signer"
run "$BIN" verify w1.tpkg --trust city.key
expect_code 4 "verify --trust with a secret key"
expect_err "city.key is a secret key" "a secret key is not a trust anchor"
printf 'hello\n' >junk.pub
run "$BIN" verify w1.tpkg --trust junk.pub
expect_code 4 "verify --trust with junk"
expect_err "junk.pub is not a tuiyan public key" "junk key named"
run "$BIN" verify w1.tpkg --trust city.pub
expect_code 0 "verify with the right key"
expect_out "verified wuwei_county 1.0.0 from 武威市科学技术局: 4 files" "verify reports the package"
checks=$((checks + 1))
[ ! -e "$TRUSTED" ] || fail_check "verify --trust recorded the key"
run "$BIN" verify nope.tpkg --trust city.pub
expect_code 2 "verify a missing file"
run "$BIN" verify
expect_code 2 "verify without a file"
run "$BIN" verify w1.tpkg --allow-everything
expect_code 2 "verify with an unknown option"

# ---------------------------------------------------------------- install, list, run, remove
run "$BIN" install w1.tpkg --trust city.pub
expect_code 0 "install"
expect_out "installed wuwei_county 1.0.0" "install reports"
expect_err "now trusting key" "install --trust records the key"
checks=$((checks + 1))
[ -f "$TRUSTED/city.pub" ] && cmp -s "$TRUSTED/city.pub" city.pub || fail_check "trusted/city.pub not saved"
checks=$((checks + 1))
[ -f "$PKGS/wuwei_county/1.0.0/data/县区.csv" ] || fail_check "installed files missing"
run "$BIN" install w1.tpkg
expect_code 0 "install again, now trusted"
expect_out "already installed (identical)" "re-install is a no-op"
run "$BIN" list
expect_code 0 "list"
expect_out "wuwei_county             1.0.0      2099-12-31" "list shows the package"
run "$BIN" verify w1.tpkg
expect_code 0 "verify with the recorded key"
expect_out "(already installed)" "verify knows it is installed"

# run NAME:SCENARIO hands the verified package to the sandbox.
run "$BIN" run "$STUB" wuwei_county:progress a b
expect_code 0 "run through the sandbox stub"
expect_out "root PACKAGES/wuwei_county/1.0.0" "the sandbox gets the package root"
expect_out "scenario progress -> scenarios/progress.lua" "the sandbox gets the scenario"
expect_out "sources lib/rules.lua scenarios/levers.lua scenarios/progress.lua" "verified sources handed over"
expect_out 'source of scenario: local rules = require "wuwei.rules"\nreturn rules\n' "source text exact"
expect_out "args a b" "script arguments passed"
run "$BIN" run "$STUB" wuwei_county@1.0.0:levers
expect_code 0 "run NAME@VERSION:SCENARIO"
run "$BIN" run "$STUB" wuwei_county:nope
expect_code 2 "run a missing scenario"
expect_err "has no scenario 'nope' (it has: levers, progress)" "missing scenario lists the others"
run "$BIN" run "$STUB" wuwei_county@9.9.9:progress
expect_code 2 "run a missing version"
expect_err "wuwei_county 9.9.9 is not installed (installed: 1.0.0)" "missing version"
run "$BIN" run "$STUB" nothere:progress
expect_code 2 "run a package that is not installed"
# The real command: through the sandbox when this build has one (results published by the
# parent), else refused rather than run package code unsandboxed.
echo 'if package.preload["_host.sandbox"] then print("yes") end' >"$TMP/has_sandbox.lua"
if [ "$("$BIN" run "$TMP/has_sandbox.lua")" = yes ]; then
    run "$BIN" run wuwei_county:levers --out "$TMP/res"
    expect_code 0 "run in the sandbox"
    expect_out "levers 7" "the scenario's output is shown"
    expect_err "wrote $TMP/res/summary.txt" "the result is published"
    checks=$((checks + 1))
    [ "$(cat "$TMP/res/summary.txt")" = "n=7" ] || fail_check "result: $(cat "$TMP/res/summary.txt")"
    run "$BIN" run wuwei_county:levers --out "$TMP/res"
    expect_code 2 "existing results need --force"
else
    run "$BIN" run wuwei_county:progress
    expect_code 4 "run without a sandbox"
    expect_err "sandbox not available in this build" "no unsandboxed fallback"
fi

# The installed copy is verified again before every run.
F="$PKGS/wuwei_county/1.0.0/lib/rules.lua"
cp "$F" "$TMP/rules.bak"
sed -i 's/7/8/' "$F"
run "$BIN" run "$STUB" wuwei_county:progress
expect_code 4 "run a tampered installed file"
expect_err '"lib/rules.lua" does not match the manifest' "tampered installed file named"
cp "$TMP/rules.bak" "$F"
echo 'os.execute("touch pwned")' >"$PKGS/wuwei_county/1.0.0/lib/extra.lua"
run "$BIN" run "$STUB" wuwei_county:progress
expect_code 4 "run with an extra installed file"
expect_err 'unexpected file "lib/extra.lua"' "extra installed file named"
rm "$PKGS/wuwei_county/1.0.0/lib/extra.lua"
mv "$TRUSTED/city.pub" "$TMP/city.pub.saved"
run "$BIN" run "$STUB" wuwei_county:progress
expect_code 4 "run after the key is no longer trusted"
expect_err "which is not trusted" "revoked key"
mv "$TMP/city.pub.saved" "$TRUSTED/city.pub"
run "$BIN" run "$STUB" wuwei_county:progress
expect_code 0 "run after restoring"
checks=$((checks + 1))
[ ! -e pwned ] || fail_check "package code ran"

cp "$PKGS/registry.json" "$TMP/reg"

# ---------------------------------------------------------------- one byte changed, files missing or extra
size=$(stat -c %s w1.tpkg)
for off in 0 3 4 9 100 $((size / 2)) $((size - 9)) $((size - 5)) $((size - 1)); do
    $CRAFT "$BIN" city.key w1.tpkg bad.tpkg flip $off
    run "$BIN" verify bad.tpkg
    expect_code 4 "verify with byte $off changed"
    run "$BIN" install bad.tpkg
    expect_code 4 "install with byte $off changed"
    unchanged "byte $off changed"
done
while IFS='|' read -r case want; do
    $CRAFT "$BIN" city.key w1.tpkg bad.tpkg $case
    run "$BIN" verify bad.tpkg
    expect_code 4 "verify: $case"
    expect_err "$want" "verify: $case"
    run "$BIN" install bad.tpkg
    expect_code 4 "install: $case"
    expect_err "$want" "install: $case"
    unchanged "$case"
done <<'EOF'
missing|"data/县区.csv" is in the manifest but missing from the archive
extra|"zz_extra.csv" is in the archive but not in the manifest
tamper-file|"scenarios/progress.lua" does not match the manifest (sha256
tamper-manifest|does not match the manifest: the package was changed after it was signed
bad-sig|tuiyan-package.sig: malformed signature
no-sig|expected tuiyan-package.sig as entry 2 of the archive
swap-order|is in the manifest but missing from the archive
gzip-mtime|its gzip header is not the one tuiyan pack writes
crc|its gzip checksum does not match
trailing|its gzip checksum does not match
symlink|"zz_symlink" is a symbolic link; packages hold regular files only
hardlink|"zz_hardlink" is a hard link
device|"zz_device" is a character device
fifo|"zz_fifo" is a FIFO
dir|"zz_dir/" is a directory entry
pax|packages are plain ustar
huge-declared|"scenarios/progress.lua" is 7516192768 bytes in the archive; the manifest says
EOF

# ---------------------------------------------------------------- unsafe paths (archive entries)
long=$(python3 -c 'print("a" * 150 + "/" + "b" * 99)')
for p in "../x" "/etc/x" "a/../../x" "$long" "$(printf 'x\377.csv')" "data/x:y" "con.txt"; do
    $CRAFT "$BIN" city.key w1.tpkg bad.tpkg entry "$p"
    run "$BIN" install bad.tpkg
    expect_code 4 "entry named $p"
    expect_err "archive entry 7: " "entry $p: the path is named"
    unchanged "entry $p"
done
checks=$((checks + 1))
[ ! -e "$TMP/x" ] && [ ! -e "$TMP/data/x" ] && [ ! -e "$TMP/w/x" ] || fail_check "something escaped"

# ---------------------------------------------------------------- malformed manifests, signed
# Each is signed with the trusted key, so the manifest check itself must refuse it.
mtest() {   # description, expected text, then the JSON on stdin
    cat >"$TMP/m.json"
    $CRAFT "$BIN" city.key w1.tpkg bad.tpkg manifest "$TMP/m.json"
    run "$BIN" install bad.tpkg
    expect_code 4 "manifest: $1"
    expect_err "bad.tpkg: tuiyan-package.json" "manifest: $1 names the manifest"
    expect_err "$2" "manifest: $1"
    unchanged "manifest: $1"
}
tar xzOf w1.tpkg tuiyan-package.json >"$TMP/good.json"
printf '{"format": 1,' | mtest "truncated JSON" "found end of input"
sed 's/"format": 1,/"format": 1, "format": 1,/' "$TMP/good.json" | mtest "duplicate key" "duplicate key"
sed 's/"format": 1,/"format": 1, "run": "os.execute()",/' "$TMP/good.json" | mtest "unknown key" 'unknown key "run"'
sed 's/"version": "1.0.0"/"version": "1.0"/' "$TMP/good.json" | mtest "bad version" "expected MAJOR.MINOR.PATCH"
sed 's|"data/县区.csv"|"../县区.csv"|g' "$TMP/good.json" | mtest "path ../" 'path "../县区.csv" contains ".."'
sed 's|"data/县区.csv"|"/etc/县区.csv"|g' "$TMP/good.json" | mtest "absolute path" 'absolute path "/etc/县区.csv"'
python3 - "$TMP/good.json" <<'EOF' | mtest "case duplicates" "when case is ignored"
import json, sys
m = json.load(open(sys.argv[1]))
m["data"].append("DATA/县区.csv")
m["files"].append(dict(m["files"][0], path="DATA/县区.csv"))
m["files"].sort(key=lambda f: f["path"].encode())
print(json.dumps(m, ensure_ascii=False, indent=2))
EOF
python3 - "$TMP/good.json" <<'EOF' | mtest "huge declared size" "the limit for one file is 67108864"
import json, sys
m = json.load(open(sys.argv[1]))
m["files"][0]["size"] = 10 ** 12
print(json.dumps(m, ensure_ascii=False, indent=2))
EOF
python3 - "$TMP/good.json" <<'EOF' | mtest "file list disagrees" 'is listed in data but has no entry'
import json, sys
m = json.load(open(sys.argv[1]))
del m["files"][0]
print(json.dumps(m, ensure_ascii=False, indent=2))
EOF

# ---------------------------------------------------------------- one name after NFC + case folding
# café in NFC and in NFD, Ä and ä: two files on Linux, one on macOS or Windows. Refused at pack,
# verify and install, exit 4, even when everything else about the package is right.
for kind in nfd case; do
    $CRAFT "$BIN" city.key w1.tpkg bad.tpkg twins $kind
    run "$BIN" verify bad.tpkg
    expect_code 4 "verify: $kind twins"
    expect_err "when case is ignored and Unicode is normalised" "verify: $kind twins, says why"
    run "$BIN" install bad.tpkg
    expect_code 4 "install: $kind twins"
    expect_err "when case is ignored and Unicode is normalised" "install: $kind twins, says why"
    unchanged "$kind twins"
    make_src twin 1.0.0
    python3 - twin "$kind" <<'EOF'
import json, os, sys, unicodedata
d, kind = sys.argv[1], sys.argv[2]
a = "data/caf\u00e9.csv" if kind == "nfd" else "data/\u00c4.csv"
b = unicodedata.normalize("NFD", a) if kind == "nfd" else "data/\u00e4.csv"
m = json.load(open(os.path.join(d, "tuiyan-package.json"), encoding="utf-8"))
for p in (a, b):
    open(os.path.join(d, p), "w", encoding="utf-8").write("x,1\n")
    m["data"].append(p)
json.dump(m, open(os.path.join(d, "tuiyan-package.json"), "w", encoding="utf-8"), ensure_ascii=False)
EOF
    run "$BIN" pack twin -o twin.tpkg --key city.key
    expect_code 4 "pack: $kind twins"
    expect_err "when case is ignored and Unicode is normalised" "pack: $kind twins, says why"
    checks=$((checks + 1))
    [ ! -e twin.tpkg ] || fail_check "pack: $kind twins: twin.tpkg was written"
done

# ---------------------------------------------------------------- archive bombs and entry counts
$CRAFT "$BIN" city.key w1.tpkg bad.tpkg bomb 40
run "$BIN" install bad.tpkg --max-bytes 1000000
expect_code 4 "bomb: 40 MB of zeros"
expect_err "(an archive bomb?)" "bomb named as such"
unchanged "bomb"
$CRAFT "$BIN" city.key w1.tpkg bad.tpkg many 5000
run "$BIN" install bad.tpkg
expect_code 4 "5000 files"
expect_err "too many files (5004; the limit is 4096)" "entry count capped"
unchanged "many files"
run "$BIN" verify w1.tpkg --max-files 3
expect_code 4 "--max-files below the package"
expect_err "too many files (4; the limit is 3)" "--max-files applies"
run "$BIN" verify w1.tpkg --max-file-bytes 10
expect_code 4 "--max-file-bytes below a file"
expect_err "the limit for one file is 10" "--max-file-bytes applies"
run "$BIN" verify w1.tpkg --max-bytes 0
expect_code 2 "--max-bytes 0"

# ---------------------------------------------------------------- versions: rollback and mix-and-match
make_src src 1.1.0
"$BIN" pack src -o w11.tpkg --key city.key >/dev/null
run "$BIN" install w11.tpkg
expect_code 0 "install a newer version"
# 1.0.0 is still installed beside 1.1.0, so it is no rollback yet: installing it is a no-op.
run "$BIN" install w1.tpkg
expect_out "already installed (identical)" "an installed older version is not refused"
run "$BIN" remove wuwei_county@1.0.0
expect_code 0 "remove one version"
expect_out "removed wuwei_county 1.0.0" "remove NAME@VERSION"
cp "$PKGS/registry.json" "$TMP/reg"
run "$BIN" verify w1.tpkg
expect_code 4 "verify an older version"
expect_err "wuwei_county 1.0.0 is older than the installed 1.1.0 (a rollback)" "rollback explained"
run "$BIN" install w1.tpkg
expect_code 4 "install an older version"
expect_err "is older than the installed 1.1.0 (a rollback): refused" "rollback refused"
unchanged "rollback"
run "$BIN" install w1.tpkg --allow-downgrade
expect_code 0 "install an older version with --allow-downgrade"
expect_err "warning: installing wuwei_county 1.0.0 although it is older than the installed 1.1.0" "downgrade warned"
checks=$((checks + 1))
grep -q 'installed although 1.1.0 was installed (--allow-downgrade)' "$PKGS/registry.json" ||
    fail_check "downgrade not logged in the registry"
run "$BIN" run "$STUB" wuwei_county:progress
expect_out "package wuwei_county 1.1.0" "run takes the newest version"
cp "$PKGS/registry.json" "$TMP/reg"

make_src src 1.1.0 "" "" 古浪县
"$BIN" pack src -o w11b.tpkg --key city.key >/dev/null
run "$BIN" install w11b.tpkg
expect_code 4 "same version, different content"
expect_err "wuwei_county 1.1.0 is already installed with different content" "mix-and-match refused"
unchanged "mix-and-match"
run "$BIN" verify w11b.tpkg
expect_code 4 "verify: same version, different content"
run "$BIN" install w11b.tpkg --allow-downgrade
expect_code 0 "same version, different content, allowed"
expect_err "warning: replacing the installed wuwei_county 1.1.0" "replacement warned"
checks=$((checks + 1))
grep -q 'replaced content with manifest sha256' "$PKGS/registry.json" || fail_check "replacement not logged"
checks=$((checks + 1))
grep -q 古浪县 "$PKGS/wuwei_county/1.1.0/data/县区.csv" || fail_check "replacement not installed"

# Another trusted publisher cannot take over the name.
cp other.pub "$TRUSTED/other.pub"
make_src src 2.0.0
"$BIN" pack src -o w2other.tpkg --key other.key >/dev/null
cp "$PKGS/registry.json" "$TMP/reg"
run "$BIN" install w2other.tpkg
expect_code 4 "same name from another key"
expect_err "is installed from key" "key pinning explained"
unchanged "key pinning"
rm "$TRUSTED/other.pub"

# ---------------------------------------------------------------- expiry and tuiyan version
make_src src 3.0.0 2001-01-01
run "$BIN" pack src -o expired.tpkg --key city.key
expect_code 0 "pack an expired package (warned)"
expect_err "expired on 2001-01-01" "pack warns about expiry"
run "$BIN" verify expired.tpkg
expect_code 4 "verify an expired package"
expect_err "wuwei_county 3.0.0 expired on 2001-01-01" "expiry refused"
run "$BIN" install expired.tpkg
expect_code 4 "install an expired package"
unchanged "expired"
run "$BIN" install expired.tpkg --allow-expired
expect_code 0 "install --allow-expired"
expect_err "warning: wuwei_county 3.0.0 expired on 2001-01-01; accepted because of --allow-expired" "expiry override warned"
checks=$((checks + 1))
grep -q 'accepted after its expiry date 2001-01-01 (--allow-expired)' "$PKGS/registry.json" || fail_check "expiry override not logged"
run "$BIN" run "$STUB" wuwei_county:progress
expect_code 0 "run an expired installed package"
expect_err "warning: wuwei_county 3.0.0 expired on 2001-01-01" "run warns about expiry"
run "$BIN" list
expect_out "2001-01-01 (expired)" "list marks expired packages"
make_src src 4.0.0 "" 99.0.0
"$BIN" pack src -o future.tpkg --key city.key >/dev/null
run "$BIN" verify future.tpkg
expect_code 4 "package for a newer tuiyan"
expect_err "needs tuiyan 99.0.0 or later" "min_tuiyan explained"

# ---------------------------------------------------------------- remove, registry damage
run "$BIN" remove wuwei_county
expect_code 0 "remove all versions"
expect_out "removed wuwei_county 1.0.0" "remove lists what it removed"
expect_out "removed wuwei_county 3.0.0" "remove lists every version"
checks=$((checks + 1))
[ ! -e "$PKGS/wuwei_county" ] || fail_check "package directory left after remove"
run "$BIN" list
expect_err "no packages installed" "list after remove"
# Removing a version does not open the door to a rollback: the newest ever installed is kept.
run "$BIN" install w1.tpkg
expect_code 4 "an older version after the newer one was removed"
expect_err "wuwei_county 1.0.0 is older than 3.0.0, installed here before and removed since (a rollback): refused" \
    "the removed newer version is remembered"
checks=$((checks + 1))
grep -q '"newest"' "$PKGS/registry.json" || fail_check "the registry does not record the newest version"
run "$BIN" remove wuwei_county
expect_code 2 "remove what is not installed"
run "$BIN" remove 'Bad Name'
expect_code 2 "remove a bad name"
printf '{"format": 1, "packages": [{"name": "x"}]}' >"$PKGS/registry.json"
run "$BIN" list
expect_code 3 "damaged registry"
expect_err "registry.json: packages[1]: damaged entry" "damaged registry named"
run "$BIN" list extra
expect_code 2 "list takes no arguments"

finish
