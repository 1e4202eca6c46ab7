#!/bin/sh
# test_concurrent.sh BIN — runs that meet on one --out, and runs that die while writing:
#  - 100 rounds of two runs started together on one --out, without and with --force: after each,
#    manifest.json lists exactly the files beside it with their SHA-256 (recomputed here), the
#    results are those of a run that exited 0, and a run that exited 0 without --force was never
#    replaced (the other stopped at the lock, exit 6, or found the results there, exit 2);
#  - a second run with --wait waits for the first instead of stopping;
#  - 50 runs writing 8 MB killed with SIGKILL at random points: the result is absent or some
#    run's complete output, never torn, and after the next run no temp file is left;
#  - `ulimit -f` below the result's size: exit 6 with a message, not death by SIGXFSZ.
. tests/cli/lib.sh
cd "$TMP" || exit 1

# Each run writes its token into two files, so a mix of two runs would show.
cat >tok.lua <<'EOF'
local tok = arg[1]
tuiyan.report.emit(tuiyan.tabular.new{ columns = { { key = "run" } } }:add{ run = tok }, "a", "csv")
tuiyan.report.emit(tuiyan.tabular.new{ columns = { { key = "run" } } }:add{ run = tok }, "b", "csv")
EOF

# Every round is kept (rounds/F_I with the exit codes in codes.txt) and checked in one Python run
# at the end: the manifest matches the files; the files hold one token, of a run that exited 0;
# without --force only one run may have exited 0.
mkdir rounds
for force in 0 1; do
    flag=""; [ $force = 1 ] && flag="--force"
    i=1
    while [ $i -le 100 ]; do
        rm -rf res
        "$BIN" run tok.lua "A$i" --out res $flag --quiet >/dev/null 2>>lock.err & pa=$!
        "$BIN" run tok.lua "B$i" --out res $flag --quiet >/dev/null 2>>lock.err & pb=$!
        wait $pa; ca=$?
        wait $pb; cb=$?
        mv res "rounds/${force}_$i" 2>/dev/null
        echo "${force}_$i A$i $ca B$i $cb" >>rounds/codes.txt
        i=$((i + 1))
    done
done
checks=$((checks + 1))
python3 - rounds >rounds.err <<'PY' || { fail_check "concurrent rounds broke the rules"; head -n 20 rounds.err; }
import hashlib, json, os, sys
top, bad = sys.argv[1], 0
for line in open(os.path.join(top, "codes.txt")):
    name, ta, ca, tb, cb = line.split()
    d, force = os.path.join(top, name), name.startswith("1_")
    ok = [t for t, c in ((ta, ca), (tb, cb)) if c == "0"]
    def broke(why):
        global bad
        bad += 1
        print("round %s (%s %s, %s %s): %s" % (name, ta, ca, tb, cb, why))
    if any(c not in ("0", "2", "6") for c in (ca, cb)): broke("unexpected exit codes"); continue
    if not ok: broke("no run exited 0"); continue
    if not force and len(ok) != 1: broke("without --force both exited 0: one replaced the other"); continue
    m = json.load(open(os.path.join(d, "manifest.json")))
    listed = {o["path"]: o["sha256"] for o in m["outputs"]}
    present = sorted(f for f in os.listdir(d) if f != "manifest.json")
    if sorted(listed) != present: broke("manifest lists %s, the folder has %s" % (sorted(listed), present)); continue
    if any(hashlib.sha256(open(os.path.join(d, p), "rb").read()).hexdigest() != h for p, h in listed.items()):
        broke("a file does not match its hash in the manifest"); continue
    toks = {open(os.path.join(d, f)).read().split()[-1] for f in ("a.csv", "b.csv")}
    if len(toks) != 1 or toks.pop() not in ok: broke("results are not those of one run that exited 0")
print("%d bad rounds" % bad)
sys.exit(1 if bad else 0)
PY
# The refusal says who holds the lock and what to do.
grep -q "another tuiyan run (pid [0-9]*) is writing there" lock.err ||
    echo "note: no round met at the lock (timing)"

# --wait: the second run waits for the first, then both succeed in turn.
cat >slow.lua <<'EOF'
local t = os.clock()
while os.clock() - t < 0.5 do end
tuiyan.report.emit(tuiyan.tabular.new{ columns = { { key = "run" } } }:add{ run = arg[1] }, "a", "csv")
EOF
rm -rf w
"$BIN" run slow.lua first --out w --format csv --quiet >/dev/null 2>&1 & p1=$!
sleep 0.2
run "$BIN" run slow.lua second --out w --format csv --quiet
expect_code 6 "a second run without --wait stops at the lock"
expect_err "add --wait" "the lock message says how to wait"
run "$BIN" run slow.lua third --out w --format csv --quiet --force --wait
expect_code 0 "a second run with --wait waits, then writes"
wait $p1
checks=$((checks + 1))
grep -q third w/a.csv || fail_check "the waiting run's results are not there"

# Two spellings of one directory (the directory and a link to it) meet at the same lock. No
# sleeps: the first run holds the lock (its pid is in the lock file) until the file `go` exists.
cat >gate.lua <<'EOF'
repeat local f = io.open(arg[2]) if f then f:close() end until f
tuiyan.report.emit(tuiyan.tabular.new{ columns = { { key = "run" } } }:add{ run = arg[1] }, "a", "csv")
EOF
mkdir -p real
ln -s real alias
rm -f go
"$BIN" run gate.lua first go --out real --format csv --quiet >/dev/null 2>&1 & p1=$!
n=0
while [ "$(cat .real.lock 2>/dev/null)" != "$p1" ] && [ $n -lt 1000 ]; do sleep 0.01; n=$((n + 1)); done
run "$BIN" run gate.lua second go --out alias --format csv --quiet --force
expect_code 6 "a run through a link to the directory another run is writing stops at the lock"
: >go
wait $p1
checks=$((checks + 1))
grep -q first real/a.csv || fail_check "the first run's results were replaced through the link"

# SIGKILL while writing 8 MB: never a torn result; the next run removes the dead writer's temps.
printf 'tuiyan.report.emit(string.rep(arg[1], 8 * 1024 * 1024), "big")\n' >big.lua
"$BIN" run big.lua x --out k --quiet >/dev/null 2>&1
i=1
hits=0
while [ $i -le 50 ]; do
    c=$(printf '%s' abcdefghijklmnopqrstuvwxyz | cut -c$(( (i % 26) + 1 )))
    "$BIN" run big.lua "$c" --out k --force --quiet >/dev/null 2>&1 & p=$!
    sleep "0.$(( (i * 37) % 3 ))$(( (i * 13) % 10 ))"   # 0 to 0.29 s: start, writing, renaming
    kill -9 $p 2>/dev/null
    wait $p 2>/dev/null
    sha256sum k/big.txt >>kills.txt
    # counted now: the next round's run sweeps what this one left
    ls -a k | grep -q '\.tmp\.' && hits=$((hits + 1))
    i=$((i + 1))
done
echo "$hits of 50 kills left a temp behind"
# Each result is some run's complete output: 8 MiB of one letter (the expected hashes are
# computed here, not taken from tuiyan).
checks=$((checks + 1))
python3 - kills.txt <<'PY' || fail_check "killed runs left a torn result"
import hashlib, string, sys
whole = {hashlib.sha256(c.encode() * (8 * 1024 * 1024)).hexdigest() for c in string.ascii_lowercase + "x"}
torn = [l for l in open(sys.argv[1]) if l.split()[0] not in whole]
print("%d torn of 50" % len(torn))
sys.exit(1 if torn else 0)
PY
# Whatever the timing, the sweep is exercised: a temp named for a pid that has exited must go,
# one named for a live process (this shell) must stay, in --out and in a script's folder.
sh -c 'exit 0' & dead=$!
wait $dead
mkdir -p k/sub
: >"k/.big.txt.tmp.$dead.1"
: >"k/sub/.x.csv.tmp.$dead.7"
: >"k/.big.txt.tmp.$$.1"
run "$BIN" run tok.lua after --out k --force --quiet
expect_code 0 "the run after the kills"
checks=$((checks + 1))
left=$( (ls -a k; ls -a k/sub) | grep '\.tmp\.' | grep -v "\.tmp\.$$\." || true)
[ -z "$left" ] || fail_check "temps of dead writers left after the next run: $left"
checks=$((checks + 1))
[ -e "k/.big.txt.tmp.$$.1" ] || fail_check "the temp of a live writer was removed"
rm -f "k/.big.txt.tmp.$$.1"

# ulimit -f: a result larger than the limit is a failed write with a message.
run sh -c "ulimit -f 1024; exec \"$BIN\" run big.lua z --out f --quiet"
expect_code 6 "a result over ulimit -f"
expect_err "File too large" "the message names the cause"
checks=$((checks + 1))
[ ! -e f/big.txt ] || fail_check "a result was published over the size limit"
finish
