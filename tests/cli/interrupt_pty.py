#!/usr/bin/env python3
"""interrupt_pty.py BIN WORKDIR — Ctrl-C and the Monte Carlo progress bar, as an analyst meets them.

Through a pseudo-terminal (the approach of repl_pty.py):
  1. the REPL: a 20-million-sample Monte Carlo run shows its progress bar; Ctrl-C brings the prompt
     back within 0.5 s (the core stops within a block of samples; the figure is printed), with
     "interrupted"; the interrupted assignment did not happen; the next command works; a small run
     afterwards gives the same number as a fresh process (no flag or state left behind); Ctrl-C at
     the prompt still clears the line; the same on two threads (TUIYAN_THREADS=2);
  2. `tuiyan run --out DIR` interrupted by Ctrl-C on the terminal: exit 130 within 0.5 s,
     "tuiyan: interrupted", no DIR and nothing beside it but the writer's lock file;
  3. `--quiet` on a terminal: no bar.
Without a terminal (pipes, SIGINT sent with kill):
  4. exit 130 and no output for a Monte Carlo script, for a Lua loop inside pcall (the hook cannot
     be swallowed), and for a batch whose first script already succeeded (nothing published);
     a tuiyan started with SIGINT ignored keeps ignoring it;
  5. no bar text on a stderr that is a pipe; and the results written with the bar shown on a
     terminal are byte-identical to those written through a pipe.
Prints one line per failed check, the measured latencies, and "N passed, N failed"."""
import os, pty, re, select, signal, subprocess, sys, time

BIN = os.path.abspath(sys.argv[1])
WORK = os.path.abspath(sys.argv[2])
ROOT = os.environ.get("TUIYAN_ROOT", os.getcwd())
passed = failed = 0
LATENCY_LIMIT = 0.5     # seconds from Ctrl-C to the prompt / to the exit (the core needs ~0.01)
BAR = re.compile(r"\[[#-]{20}\] +\d+%  [0-9.]+[kM]?/[0-9.]+[kM]? samples  elapsed \d+:\d\d  left ")


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}" + (f"\n    {detail}" if detail else ""))
    return ok


def environment(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_DATA_HOME", "HOME", "TUIYAN_THREADS")}
    env.update(TERM="dumb", INPUTRC="/dev/null", LANG="C.UTF-8", LC_ALL="C.UTF-8",
               HOME=os.path.join(WORK, "home"), XDG_DATA_HOME=os.path.join(WORK, "xdg"),
               SOURCE_DATE_EPOCH="1700000000")
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


class Session:
    """BIN with argv on a pseudo-terminal (stdin, stdout and stderr), in cwd."""

    def __init__(self, argv, env, cwd):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execve(BIN, [BIN] + argv, env)
        self.out = ""
        self.pos = 0
        self.status = None

    def send(self, s, pause=0.1):
        os.write(self.fd, s.encode())
        time.sleep(pause)

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        self.out += data.decode("utf-8", "replace").replace("\r", "")
        return True

    def expect(self, pattern, what, timeout=20):
        end = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                self.pos = m.end()
                check(True, what)
                return m
            left = end - time.time()
            if left <= 0:
                break
            self._read(min(left, 0.01))
        check(False, what, f"waited for {pattern!r}; output since last match: {self.out[self.pos:][-400:]!r}")
        return None

    def interrupt_and_time(self, pattern, what):
        """Sends Ctrl-C, waits for pattern; returns the seconds it took (None if it never came)."""
        t0 = time.monotonic()
        os.write(self.fd, b"\x03")
        m = self.expect(pattern, what, timeout=30)
        return time.monotonic() - t0 if m else None

    def wait_exit(self, timeout=30):
        """Waits for the process; returns (exit code, seconds waited)."""
        t0 = time.monotonic()
        end = t0 + timeout
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self._read(0.02):
                    pass
                return os.waitstatus_to_exitcode(status), time.monotonic() - t0
            self._read(0.005)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return None, time.monotonic() - t0


def latency_check(secs, what):
    shown = "never" if secs is None else f"{secs:.3f} s"
    print(f"measured: {what}: {shown}")
    check(secs is not None and secs <= LATENCY_LIMIT, f"{what} within {LATENCY_LIMIT} s", f"took {shown}")


def leftovers(parent, out_name):
    """What an interrupted run left in parent: anything but the writer's lock file beside DIR."""
    return sorted(n for n in os.listdir(parent) if n != f".{out_name}.lock")


os.makedirs(os.path.join(WORK, "home"), exist_ok=True)
LONG = os.path.join(WORK, "long_mc.lua")
with open(LONG, "w") as f:
    f.write('local sc = require("tuiyan.scenarios.wuwei").build()\n'
            'local r = tuiyan.mc.run{ scenarios = { sc.baseline }, plan = tuiyan.plan.load(), '
            'years = { 2025 }, samples = tonumber(arg[1]) or 20000000 }\n'
            'tuiyan.report.emit(r, "mc")\n')
QUICK = os.path.join(WORK, "quick.lua")
with open(QUICK, "w") as f:
    f.write('tuiyan.report.emit(tuiyan.plan.load():progress(), "progress")\n')
LOOP = os.path.join(WORK, "loop.lua")
with open(LOOP, "w") as f:
    f.write('tuiyan.report.emit(tuiyan.plan.load():progress(), "progress")\n'
            'while true do pcall(function() while true do end end) end\n')

SETUP = 'sc = require("tuiyan.scenarios.wuwei").build(); p = tuiyan.plan.load()\n'
BIG = 'r = tuiyan.mc.run{ scenarios = { sc.baseline }, plan = p, years = { 2025 }, samples = 20000000 }\n'
SMALL = 'tuiyan.mc.run{ scenarios = { sc.baseline }, plan = p, years = { 2025 }, samples = 3000 }:probability("hte_count", 2025, "baseline")\n'

# The small run's answer from a fresh process (through a pipe: no interrupt ever happened there).
fresh = subprocess.run([BIN], input=SETUP + SMALL, capture_output=True, text=True, cwd=ROOT,
                       env=environment()).stdout.strip()
check(re.fullmatch(r"0(\.\d+)?", fresh) is not None, "a fresh process answers the small run", repr(fresh))

# ---- 1. the REPL, one thread and two ----
for threads in (None, "2"):
    tag = f"REPL, TUIYAN_THREADS={threads or 'unset'}"
    s = Session([], environment(TUIYAN_THREADS=threads), ROOT)
    s.expect(r"help\(\) for help.*\n> $", f"{tag}: banner and prompt")
    s.send(SETUP)
    s.expect(r"\n> $", f"{tag}: the model is built")
    s.send(BIG, pause=0)
    s.expect(BAR.pattern, f"{tag}: a run over a second shows its progress bar on the terminal", timeout=60)
    secs = s.interrupt_and_time(r"interrupted\n> $", f"{tag}: Ctrl-C stops the run: 'interrupted' and the prompt")
    latency_check(secs, f"{tag}: Ctrl-C to prompt during a 20M-sample run")
    s.send("print(1+1)\n")
    s.expect(r"\n2\n> $", f"{tag}: the next command works")
    s.send("r == nil\n")
    s.expect(r"\ntrue\n> $", f"{tag}: the interrupted assignment did not happen")
    s.send(SMALL)
    m = s.expect(r"\n(0(?:\.\d+)?)\n> $", f"{tag}: a Monte Carlo run after the interrupt completes")
    check(m is not None and m.group(1) == fresh, f"{tag}: ... with the same answer as a fresh process",
          f"got {m.group(1) if m else None!r}, fresh {fresh!r}")
    s.send("abc")
    s.send("\x03")
    s.expect(r"\^C\n> $", f"{tag}: Ctrl-C at the prompt still clears the line")
    s.send("\x04")
    code, _ = s.wait_exit()
    check(code == 0, f"{tag}: Ctrl-D leaves with 0", f"exit {code}")

# ---- 2. a batch run on a terminal, Ctrl-C ----
d = os.path.join(WORK, "tty_run")
os.makedirs(d)
s = Session(["run", LONG, "--out", "out"], environment(), d)
s.expect(BAR.pattern, "run on a terminal: the progress bar", timeout=60)
os.write(s.fd, b"\x03")
code, secs = s.wait_exit()
latency_check(secs, "tuiyan run: Ctrl-C to exit")
check(code == 130, "tuiyan run, Ctrl-C: exit 130", f"exit {code}; output {s.out[-300:]!r}")
check("tuiyan: interrupted" in s.out, "tuiyan run, Ctrl-C: says 'tuiyan: interrupted'", repr(s.out[-300:]))
check(leftovers(d, "out") == [], "tuiyan run, Ctrl-C: no output directory or files",
      repr(leftovers(d, "out")))

# ---- 3. --quiet on a terminal: no bar ----
d = os.path.join(WORK, "tty_quiet")
os.makedirs(d)
s = Session(["run", LONG, "--out", "out", "--quiet"], environment(), d)
time.sleep(3.5)
s._read(0.1)
os.write(s.fd, b"\x03")
code, _ = s.wait_exit()
check(code == 130, "--quiet run, Ctrl-C after 3.5 s: exit 130", f"exit {code}; {s.out[-300:]!r}")
check(not BAR.search(s.out) and "samples" not in s.out, "--quiet on a terminal: no progress bar", repr(s.out[-300:]))
check(leftovers(d, "out") == [], "--quiet run, Ctrl-C: no output", repr(leftovers(d, "out")))


# ---- 4. SIGINT without a terminal ----
def run_and_interrupt(argv, cwd, after, what, ignore=False):
    """Starts BIN argv (stdout, stderr to files), SIGINT after `after` s; returns (code, secs, err)."""
    err_path = os.path.join(cwd, "..", os.path.basename(cwd) + ".err")
    with open(err_path, "w") as err, open(os.devnull, "w") as out:
        p = subprocess.Popen([BIN] + argv, cwd=cwd, env=environment(), stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL,
                             preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                              signal.SIG_IGN if ignore else signal.SIG_DFL))
        time.sleep(after)
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        try:
            code = p.wait(timeout=30 if not ignore else 1.5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            code = "still running"
        secs = time.monotonic() - t0
    with open(err_path) as f:
        return code, secs, f.read()


for key, name, argv, after in (("mc", "Monte Carlo script", ["run", LONG, "--out", "out"], 2.0),
                               ("loop", "Lua loop inside pcall", ["run", LOOP, "--out", "out"], 1.0),
                               ("batch", "batch, first script done", ["run", QUICK, LONG, "--out", "out"], 2.0)):
    d = os.path.join(WORK, "kill_" + key)
    os.makedirs(d)
    code, secs, err = run_and_interrupt(argv, d, after, name)
    latency_check(secs, f"SIGINT to exit, {name}")
    check(code == 130, f"SIGINT, {name}: exit 130", f"exit {code}; stderr {err[-300:]!r}")
    check(err.rstrip().endswith("tuiyan: interrupted"), f"SIGINT, {name}: 'tuiyan: interrupted' last",
          repr(err[-300:]))
    check(leftovers(d, "out") == [], f"SIGINT, {name}: no output directory or files", repr(leftovers(d, "out")))
    check(not BAR.search(err) and "samples" not in err, f"SIGINT, {name}: no bar on a piped stderr", repr(err[-300:]))

d = os.path.join(WORK, "kill_ignored")
os.makedirs(d)
code, secs, err = run_and_interrupt(["run", LONG, "--out", "out"], d, 1.0, "ignored", ignore=True)
check(code == "still running", "SIGINT ignored by the caller stays ignored (a background job)", f"exit {code}")

# ---- 5. the bar changes no result ----
outs = {}
for how in ("tty", "pipe"):
    d = os.path.join(WORK, "same_" + how)
    os.makedirs(d)
    # long enough that one Monte Carlo run passes the bar's one second (700,000 samples no
    # longer did once the evaluator was vectorised)
    argv = ["run", os.path.join(ROOT, "scenarios/wuwei_uncertainty.lua"), "--samples", "2000000",
            "--format", "json", "--out", "out"]
    if how == "tty":
        s = Session(argv, environment(), d)
        code, _ = s.wait_exit(timeout=300)
        check(BAR.search(s.out) is not None, "uncertainty run on a terminal shows the bar", repr(s.out[-300:]))
    else:
        r = subprocess.run([BIN] + argv, cwd=d, env=environment(), capture_output=True, text=True)
        code = r.returncode
        check(not BAR.search(r.stderr) and "samples" not in r.stderr,
              "uncertainty run through a pipe: no bar text on stderr", repr(r.stderr[-300:]))
    check(code == 0, f"uncertainty run ({how}) exits 0", f"exit {code}")
    files = {}
    for base, _, names in os.walk(os.path.join(d, "out")):
        for n in names:
            path = os.path.join(base, n)
            with open(path, "rb") as f:
                files[os.path.relpath(path, d)] = f.read()
    outs[how] = files
check(len(outs["tty"]) >= 2 and outs["tty"] == outs["pipe"],
      "results with the bar shown are byte-identical to results through a pipe",
      f"tty {sorted(outs['tty'])}, pipe {sorted(outs['pipe'])}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
