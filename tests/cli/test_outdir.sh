#!/bin/sh
# test_outdir.sh BIN — where results may go, through the real command line: the two package
# escapes of the hardening review (results written into the county's data through a `x/..` that
# did not exist yet; a local file named like NAME:SCENARIO run in place of the package), --out
# into the package store or the trusted keys, and a store copy changed on disk repaired by a
# second install. Each refusal is exit 2 with a message, and nothing is created or replaced.
. tests/cli/lib.sh

export HOME="$TMP/h" XDG_CONFIG_HOME="$TMP/h/config" XDG_DATA_HOME="$TMP/h/data"
mkdir -p "$HOME"
EX="$ROOT/examples/county_package"
cd "$TMP" || exit 1
"$BIN" keygen city >/dev/null 2>&1
"$BIN" pack "$EX/package" -o p.tpkg --key city.key >/dev/null 2>&1
run "$BIN" install p.tpkg --trust city.pub
expect_code 0 "install the example package"
cp -r "$EX/counties/tianzhu" county
snapshot() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }
snapshot county >county.before

# Escape 1: `nonexistent/..` does not exist yet, so it used to pass the inside-check and then
# be created by mkdir_p, landing in county/ itself.
run "$BIN" run wuwei_counties:progress 天祝藏族自治县 --data county --out nonexistent/../county --force
expect_code 2 "--out through a not-yet-existing x/.. into --data"
expect_err "a path with '..' is refused" "the '..' refusal names the cause"
checks=$((checks + 1))
[ -e nonexistent ] && fail_check "nonexistent/ was created"
snapshot county >county.after
expect_same county.before county.after "the county's data untouched"
# The same without '..': a real subdirectory of --data, and --data reached through a link.
run "$BIN" run wuwei_counties:progress 天祝藏族自治县 --data county --out county/results
expect_code 2 "--out inside --data"
expect_err "is inside --data" "inside --data named"
ln -s county county_link
run "$BIN" run wuwei_counties:progress 天祝藏族自治县 --data county_link --out county/new
expect_code 2 "--out inside --data reached through a symbolic link"
checks=$((checks + 1))
[ -e county/results ] || [ -e county/new ] && fail_check "a directory was created inside --data"
run "$BIN" run wuwei_counties:progress 天祝藏族自治县 --data county/.. --out elsewhere
expect_code 2 "--data with '..'"

# --out into the package store (the installed package's own directory) or the trusted keys:
# refused for package runs and local scripts alike.
store="$XDG_DATA_HOME/tuiyan/packages/wuwei_counties/1.0.0"
checks=$((checks + 1))
[ -d "$store" ] || fail_check "the store is not where the test expects it: $store"
snapshot "$store" >store.before
run "$BIN" run wuwei_counties:progress 天祝藏族自治县 --data county --out "$store" --force
expect_code 2 "--out into the installed package"
expect_err "package store" "the store named"
printf 'tuiyan.report.emit(tuiyan.tabular.new{ columns = { { key = "a" } } }, "x")\n' >s.lua
run "$BIN" run s.lua --out "$XDG_DATA_HOME/tuiyan/registry-results" --format csv
expect_code 2 "a local script's --out into tuiyan's data directory"
run "$BIN" run s.lua --out "$XDG_CONFIG_HOME/tuiyan/trusted/x" --format csv
expect_code 2 "--out into the trusted keys"
expect_err "trusted keys" "the key directory named"
# Nor may --out contain them: from above, a result's path or an earlier manifest's list of
# stale results (removed with --force) would reach into them.
run "$BIN" run s.lua --out "$HOME" --format csv --force
expect_code 2 "--out that contains the package store and the trusted keys"
expect_err "contains tuiyan's" "says what it contains"
run "$BIN" run wuwei_counties:progress 天祝藏族自治县 --data county --out . --format csv --force
expect_code 2 "--out that contains --data"
expect_err "contains --data county" "names --data"
checks=$((checks + 1))
[ -e "$HOME/x.csv" ] || [ -e x.csv ] || [ -e manifest.json ] && fail_check "a result was written above the store or --data"
snapshot "$store" >store.after
expect_same store.before store.after "the installed package untouched"
run "$BIN" run wuwei_counties:progress 天祝藏族自治县 --data county --out results --format csv
expect_code 0 "the package still runs"

# A store copy changed on disk is not "already installed (identical)": install repairs it.
echo "tampered" >>"$store/data/defaults.csv"
run "$BIN" run wuwei_counties:progress 天祝藏族自治县 --data county --out results2
expect_code 4 "a tampered installed copy is refused"
run "$BIN" install p.tpkg --trust city.pub
expect_code 0 "install again"
expect_err "no longer verifies" "install says it repairs the copy"
run "$BIN" run wuwei_counties:progress 天祝藏族自治县 --data county --out results3 --format csv
expect_code 0 "the repaired package runs"

# Escape 2: a local file named like a package scenario never runs in the package's place.
printf 'io.open("pwned", "w"):write("x")\n' >"wuwei_counties:progress"
run "$BIN" run wuwei_counties:progress 天祝藏族自治县 --data county
expect_code 2 "a file named NAME:SCENARIO beside an installed package"
expect_err "write ./wuwei_counties:progress" "says how to choose"
checks=$((checks + 1))
[ -e pwned ] && fail_check "the local file ran"
run "$BIN" run ./wuwei_counties:progress
expect_code 0 "./NAME:SCENARIO runs the file, as asked"
checks=$((checks + 1))
[ -e pwned ] || fail_check "./wuwei_counties:progress did not run the file"
finish
