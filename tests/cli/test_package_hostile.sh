#!/bin/sh
# test_package_hostile.sh BIN — installed packages that try to pass for tuiyan itself, through the
# real command line (issue 12, Build 2 and 4): forged exit codes and messages (a limit, an
# internal error, bad county data), terminal escapes in what they print, return and raise, a
# result named manifest.json, and a data file swapped in the store during a run.
. tests/cli/lib.sh

export HOME="$TMP/h" XDG_CONFIG_HOME="$TMP/h/config" XDG_DATA_HOME="$TMP/h/data"
mkdir -p "$HOME"
(cd "$TMP" && "$BIN" keygen hostile >/dev/null 2>&1) || fail_check "keygen"
ESC=$(printf '\033')
RLO=$(printf '\342\200\256')      # U+202E RIGHT-TO-LEFT OVERRIDE
NEL=$(printf '\302\205')          # U+0085, a C1 control

# package NAME SOURCE [DATA_TEXT]: a signed, installed package evil_NAME whose scenario "main" is
# SOURCE, with data/pkg.csv holding DATA_TEXT if given
package() {
    src="$TMP/src_$1"
    rm -rf "$src"
    mkdir -p "$src/scenarios" "$src/data"
    data_list=""
    if [ -n "${3:-}" ]; then
        printf '%s' "$3" >"$src/data/pkg.csv"
        data_list=', "data": ["data/pkg.csv"]'
    fi
    cat >"$src/tuiyan-package.json" <<JSON
{"format": 1, "name": "evil_$1", "version": "1.0.0", "publisher": "test", "description": "hostile",
 "min_tuiyan": "0.1.0", "expires": "2099-12-31", "scenarios": {"main": "scenarios/main.lua"}$data_list}
JSON
    printf '%s\n' "$2" >"$src/scenarios/main.lua"
    "$BIN" pack "$src" -o "$TMP/evil_$1.tpkg" --key "$TMP/hostile.key" --quiet >/dev/null 2>&1 \
        || fail_check "pack evil_$1"
    "$BIN" install "$TMP/evil_$1.tpkg" --trust "$TMP/hostile.pub" --quiet >/dev/null 2>&1 \
        || fail_check "install evil_$1"
}

not_err() {   # text that must not be in stderr, description
    checks=$((checks + 1))
    if grep -qF -- "$1" "$TMP/err"; then fail_check "$2: stderr has '$1'"; sed 's/^/    stderr: /' "$TMP/err" | head -n 5; fi
}

no_raw() {    # file, description: none of ESC, U+202E, U+0085 reaches the terminal raw
    checks=$((checks + 1))
    if grep -q -e "$ESC" -e "$RLO" -e "$NEL" "$1"; then fail_check "$2: raw escape in $(basename "$1")"; od -c "$1" | head -n 5; fi
}

# ---------------------------------------------------------------- forged codes and messages
# Each claims one of tuiyan's own codes; each is the package's error: exit 1, its name first.
forge() {   # NAME SOURCE TEXT
    package "$1" "$2"
    run "$BIN" run "evil_$1:main" --out "$TMP/out_$1" --limit instructions=50000000
    expect_code 1 "forged $1"
    expect_err "tuiyan: evil_$1: $3" "forged $1: the package's words under its name"
    not_err "scenario 'main' of package evil_$1: $3" "forged $1 is not worded as tuiyan's"
    checks=$((checks + 1))
    [ ! -e "$TMP/out_$1" ] || fail_check "forged $1 wrote $TMP/out_$1"
}
forge limit5 'tuiyan.fail("limit", "instruction limit of 50000000 exceeded (limits.instructions)")' \
    "instruction limit of 50000000 exceeded"
forge internal70 'tuiyan.fail("internal", "the sandbox failed: the run ended without a result")' "the sandbox failed"
forge data3 'tuiyan.fail("data", "plan.csv:2:4: expected a number")' "plan.csv:2:4: expected a number"
forge usage2 'tuiyan.fail("usage", "--out is inside --data")' "--out is inside --data"
# an error object taken from tuiyan (a real data error) with its code and message rewritten
forge object5 'local _, e = tuiyan.plan.load("nothere.csv")
local fake = { code = 5, message = "memory limit of 512 MB exceeded (limits.memory_mb)" }
error(setmetatable(fake, getmetatable(e) or nil), 0)' "(error object is a table value)"

# The genuine limit is still tuiyan's: exit 5, in tuiyan's words.
package loop 'while true do end'
run "$BIN" run evil_loop:main --limit instructions=2000000
expect_code 5 "a real instruction limit"
expect_err "scenario 'main' of package evil_loop: instruction limit of 2000000 exceeded (limits.instructions)" \
    "worded by tuiyan"

# Bad county data found by tuiyan's loader is still exit 3 when the package passes it on.
mkdir -p "$TMP/county3"
printf 'id,name,unit,actual_2021\nrd,R,%%,0x10\n' >"$TMP/county3/plan.csv"
package rethrow 'local p, e = tuiyan.plan.load("plan.csv") if not p then error(e, 0) end'
run "$BIN" run evil_rethrow:main --data "$TMP/county3"
expect_code 3 "tuiyan's own data error, passed on"
expect_err "plan.csv:2:" "names the file"

# ---------------------------------------------------------------- terminal escapes
# OSC (set the title), ESC[2J (clear the screen), U+202E and a C1 control: in the log, in a
# result printed to stdout and in the error message, each shown escaped.
package esc 'print("log:\27]0;pwned\7|\27[2J|\u{202E}|\u{85}|")
return { r = "result:\27[2J|\u{202E}|\u{85}|" }'
run "$BIN" run evil_esc:main
expect_code 0 "escapes in the log and a result"
expect_out 'log:\x1b]0;pwned\x07|\x1b[2J|\u202e|\u0085|' "the log, escaped"
expect_out 'result:\x1b[2J|\u202e|\u0085|' "the result on stdout, escaped"
no_raw "$TMP/out" "stdout"
run "$BIN" run evil_esc:main --out "$TMP/esc_out" --quiet
checks=$((checks + 1))
printf 'result:\033[2J|\342\200\256|\302\205|' | cmp -s - "$TMP/esc_out/r.txt" \
    || fail_check "--out writes the result's exact bytes"
package escerr 'error("boom\27[2J\27]0;pwned\7\u{202E}\u{85}end")'
run "$BIN" run evil_escerr:main
expect_code 1 "escapes in an error message"
expect_err 'evil_escerr: ' "under the package's name"
expect_err 'boom\x1b[2J\x1b]0;pwned\x07\u202e\u0085end' "the message, escaped"
no_raw "$TMP/err" "stderr"

# ordinary text passes unchanged: a CSV's \r\n line ends, Chinese, tabs
package crlf 'return { r = "a,b\r\n中文,\td\r\n" }'
run "$BIN" run evil_crlf:main
expect_code 0 "an ordinary result on stdout"
checks=$((checks + 1))
printf 'a,b\r\n中文,\td\r\n' | cmp -s - "$TMP/out" || { fail_check "an ordinary result is changed on stdout"; od -c "$TMP/out" | head -n 3; }

# ---------------------------------------------------------------- a result named manifest.json
package manifest 'return { manifest = { forged = true } }'
run "$BIN" run evil_manifest:main --out "$TMP/man_out"
expect_code 1 "a result named manifest.json"
expect_err "evil_manifest: a result may not be named manifest.json" "says why"
checks=$((checks + 1))
[ ! -e "$TMP/man_out" ] || fail_check "a refused run wrote $TMP/man_out"

# ---------------------------------------------------------------- data swapped during a run
# The county's plan.csv and the installed package's data file are both rewritten after the run
# read the county's file (package_swap.py): the run must use, and its manifest record, the bytes
# it verified (the package's) and the bytes it parsed (the county's).
package swap 'local county = assert(tuiyan.plan.load("plan.csv"))
local go
for _ = 1, 5000000 do
  go = tuiyan.plan.load("go.csv")
  if go then break end
end
assert(go, "go.csv never came")
local own = assert(tuiyan.plan.load("data/pkg.csv"))
return { seen = county:info("rd").name .. "," .. own:info("rd").name }' \
"id,name,unit,actual_2021
rd,ORIGINAL,%,1
"
mkdir -p "$TMP/county"
printf 'id,name,unit,actual_2021\nrd,COUNTY_A,%%,1\n' >"$TMP/county/plan.csv"
cp "$TMP/county/plan.csv" "$TMP/county_a.csv"
store="$XDG_DATA_HOME/tuiyan/packages/evil_swap/1.0.0/data/pkg.csv"
python3 tests/cli/package_swap.py "$BIN" evil_swap:main "$TMP/county" "$store" "$TMP/swap_out" \
    >"$TMP/out" 2>"$TMP/err"
checks=$((checks + 1))
grep -q '^exit 0$' "$TMP/out" || { fail_check "the swap run: $(head -n 3 "$TMP/out")"; sed 's/^/    /' "$TMP/err" | head; }
checks=$((checks + 1))
grep -q 'SWAPPED!' "$store" && grep -q 'COUNTY_B' "$TMP/county/plan.csv" || fail_check "the swap did not happen"
checks=$((checks + 1))
[ "$(cat "$TMP/swap_out/seen.txt" 2>/dev/null)" = "COUNTY_A,ORIGINAL" ] \
    || fail_check "the run used swapped bytes: $(cat "$TMP/swap_out/seen.txt" 2>/dev/null)"
checks=$((checks + 1))
python3 - "$TMP/swap_out/manifest.json" "$TMP/county_a.csv" "$TMP/src_swap/data/pkg.csv" <<'PY' \
    || fail_check "the manifest records the verified and the parsed bytes"
import hashlib, json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
got = {(i["origin"], i["path"].rsplit("/", 1)[-1]): i["sha256"] for i in m["inputs"]}
assert got[("county data (--data)", "plan.csv")] == sha(sys.argv[2]), got
assert got[("package", "pkg.csv")] == sha(sys.argv[3]), got
PY
# and the store, changed under it, is refused from now on
run "$BIN" run evil_swap:main --data "$TMP/county"
expect_code 4 "the changed store is refused"

finish
