#!/usr/bin/env python3
"""repl_pty.py BIN WORKDIR — drives the interactive REPL through a pseudo-terminal, as an analyst
types: Tab completion (globals, module fields, methods, indicator ids inside strings), multi-line
statements, Ctrl-C stopping running code (even inside pcall) and clearing the line, Ctrl-D leaving,
history written to $XDG_DATA_HOME/tuiyan/history (0600, capped) and recalled in the next session,
and ~/.local/share/tuiyan/history when XDG_DATA_HOME is unset; file names inside strings, Chinese
indicator names completing to ids, a loader's error assigned to a variable shown at once, "did you
mean" for a misspelt method, a plan printed as its title and indicators. Prints one line per failed check
and "N passed, N failed"; exits non-zero if any failed."""
import os, pty, re, select, signal, stat, sys, time

BIN = os.path.abspath(sys.argv[1])
WORK = os.path.abspath(sys.argv[2])
passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}" + (f"\n    {detail}" if detail else ""))


class Session:
    def __init__(self, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(os.environ.get("TUIYAN_ROOT", "."))
            os.execve(BIN, [BIN], env)
        self.out = ""          # everything read, \r removed
        self.pos = 0           # where the next expect starts looking

    def send(self, s, pause=0.15):
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

    def expect(self, pattern, what, timeout=10):
        """Waits until `pattern` (a regex) appears after the last match; records a check."""
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
            self._read(min(left, 0.2))
        check(False, what, f"waited for {pattern!r}; output since last match: {self.out[self.pos:][-400:]!r}")
        return None

    def finish(self, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self._read(0.05):
                    pass
                return os.waitstatus_to_exitcode(status)
            self._read(0.1)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return None


def environment(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_DATA_HOME", "HOME")}
    env.update(TERM="dumb", INPUTRC="/dev/null", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


xdg = os.path.join(WORK, "xdg")
home = os.path.join(WORK, "home")
os.makedirs(home, exist_ok=True)
hist = os.path.join(xdg, "tuiyan", "history")

# ---- session 1: completion, multi-line, Ctrl-C, history ----
s = Session(environment(XDG_DATA_HOME=xdg, HOME=home))
s.expect(r"help\(\) for help.*\n> $", "banner and prompt")
s.send("x = tuiyan.pl\t")
s.expect(r"x = tuiyan\.plan", "Tab completes tuiyan.pl to tuiyan.plan (module not yet loaded)")
s.send(".load()\n")
s.expect(r"\n> $", "assignment prints nothing")
s.send("#x\n")
s.expect(r"\n15\n> $", "expression prints its value")
s.send("x:ids\t")
s.expect(r"x:ids\(", "Tab completes a method through the metatable, with (")
s.send(")[1]\n")
s.expect(r"\nsci_progress_contribution\n> $", "completed method call runs")
s.send("x:progress\t\t")
s.expect(r"x:progress\(\s+x:progress_rows\(", "a second Tab lists the methods that match")
s.send("\x03")
s.expect(r"\n> $", "Ctrl-C after the listing gives a fresh prompt")
s.send('x:actual("rd_int\t')
s.expect(r'x:actual\("rd_intensity"', "Tab completes an indicator id inside a string, closing it")
s.send(", 2020)\n")
s.expect(r"\n0\.62\n> $", "completed call with an indicator id runs")
s.send("function g()\n")
s.expect(r"\n>> $", "an unfinished statement gets the continuation prompt")
s.send("  return 5\n")
s.expect(r"\n>> $", "still unfinished")
s.send("end\n")
s.expect(r"\n> $", "the statement is complete")
s.send("g()\n")
s.expect(r"\n5\n> $", "the multi-line function was defined")
s.send("while true do end\n", pause=0.5)
s.send("\x03")
s.expect(r"interrupted\n> $", "Ctrl-C stops running code and returns to the prompt")
s.send("while true do pcall(function() while true do end end) end\n", pause=0.5)
s.send("\x03")
s.expect(r"interrupted\n> $", "Ctrl-C cannot be swallowed by pcall")
s.send("1+1\n")
s.expect(r"\n2\n> $", "the REPL goes on after an interrupt")
s.send("abc")
s.send("\x03")
s.expect(r"\^C\n> $", "Ctrl-C at the prompt clears the line")
s.send("2+2\n")
s.expect(r"\n4\n> $", "the cleared text is gone")
s.send("function h()\n")
s.expect(r"\n>> $", "continuation prompt again")
s.send("\x03")
s.expect(r"\n> $", "Ctrl-C drops an unfinished statement")
s.send("h\n")
s.expect(r"\nnil\n> $", "the dropped statement defined nothing")
s.send('error("boom")\n')
s.expect(r"stdin:1: boom", "errors are shown")
s.expect(r"\n> $", "and the loop goes on")
s.send("help()\n")
s.expect(r"modules \(tuiyan\.<name>\):", "help() lists the modules")
s.send("40+2\n")
s.expect(r"\n42\n> $", "last line before leaving")
s.send("\x04")
code = s.finish()
check(code == 0, "Ctrl-D leaves with exit code 0", f"exit code {code}")
check(os.path.isfile(hist), "history file written in $XDG_DATA_HOME/tuiyan/history")
if os.path.isfile(hist):
    lines = open(hist, encoding="utf-8").read().splitlines()
    check("x = tuiyan.plan.load()" in lines, "history holds the completed line", repr(lines))
    check("function g() return 5 end" in lines, "a multi-line statement is one history entry", repr(lines))
    check("function h()" not in lines, "an unfinished statement is not history", repr(lines))
    check(lines[-1] == "40+2", "the last statement is last", repr(lines[-3:]))
    check(stat.S_IMODE(os.stat(hist).st_mode) == 0o600, "history file is private (0600)")

# ---- session 2: history recalled; the file is capped ----
with open(hist, "a", encoding="utf-8") as f:
    for i in range(1500):
        f.write(f"-- old {i}\n")
    f.write("40+2\n")
s = Session(environment(XDG_DATA_HOME=xdg, HOME=home))
s.expect(r"\n> $", "second session starts")
s.send("\x10\n")                      # Ctrl-P: the previous history entry
s.expect(r"40\+2\n42\n> $", "history from the last session is recalled (Ctrl-P)")
s.send("\x04")
code = s.finish()
check(code == 0, "second session leaves with 0", f"exit code {code}")
n = len(open(hist, encoding="utf-8").read().splitlines())
check(n <= 1000, "history file capped at 1000 entries", f"{n} lines")

# ---- session 3: no XDG_DATA_HOME: ~/.local/share/tuiyan/history ----
s = Session(environment(HOME=home))
s.expect(r"\n> $", "third session starts")
s.send("3*3\n")
s.expect(r"\n9\n> $", "third session evaluates")
s.send("\x04")
s.finish()
fallback = os.path.join(home, ".local", "share", "tuiyan", "history")
check(os.path.isfile(fallback) and "3*3" in open(fallback, encoding="utf-8").read().splitlines(),
      "without XDG_DATA_HOME the history is in ~/.local/share/tuiyan/history")

# ---- session 4: a real decimal-comma locale in the environment (de_DE.UTF-8, generated by
# tools/deps.sh test; test_repl.sh fails first when it is missing). The interactive REPL takes
# LC_CTYPE from the environment for readline's UTF-8 input, and only that: numbers print with '.'.
s = Session(environment(HOME=home, LANG="de_DE.UTF-8", LC_ALL="de_DE.UTF-8"))
s.expect(r"\n> $", "de_DE session starts")
s.send('os.setlocale(nil, "ctype")\n')
s.expect(r"\nde_DE\.UTF-8\n> $", "the REPL runs with the environment's LC_CTYPE (the locale is real)")
s.send('os.setlocale(nil, "numeric")\n')
s.expect(r"\nC\n> $", "LC_NUMERIC stays C")
s.send("0.5 + 0.25\n")
s.expect(r"\n0\.75\n> $", "a number prints with a decimal point under de_DE.UTF-8")
s.send("\x04")
s.finish()

# ---- session 5 (issue 14): file names inside strings, Chinese names to ids, a loader's error
# shown at once, "did you mean", objects as an analyst reads them ----
files = os.path.join(WORK, "files")
os.makedirs(os.path.join(files, "subdir"), exist_ok=True)
open(os.path.join(files, "plan_gbk_twin.csv"), "w").close()
s = Session(environment(HOME=home, COLUMNS="200"))
s.expect(r"\n> $", "fifth session starts")
s.send(f'f = "{files}/plan_g\t')
s.expect(re.escape(f'f = "{files}/plan_gbk_twin.csv"'), "Tab completes a file name inside a string, closing it")
s.send("\n")
s.expect(r"\n> $", "the completed file name is a string")
s.send("f\n")
s.expect(re.escape(f"{files}/plan_gbk_twin.csv") + r"\n> $", "the string holds the whole path")
s.send(f'd = "{files}/subd\t')
s.expect(re.escape(f'd = "{files}/subdir/'), "a folder inside a string completes with '/', not a quote")
s.send("\x03")
s.expect(r"\n> $", "Ctrl-C clears the line")
s.send("p = tuiyan.plan.load()\n")
s.expect(r"\n> $", "the plan loads")
s.send('p:actual("高新技\t')
# readline rubs out the typed name (backspaces) and writes the id in its place
s.expect(r'p:actual\("高新技\x08+hte_count"', "a Chinese indicator name completes to its id (高新技术企业 -> hte_count)")
s.send(", 2021)\n")
s.expect(r"\n59(\.0)?\n> $", "the completed id is the plan's (hte_count 2021 = 59)")
s.send('p:target("技术合同\t')
s.expect(r'p:target\("技术合同\x08+tech_contract_turnover"', "a name completes from its middle too (技术合同成交额)")
s.send("\x03")
s.expect(r"\n> $", "line cleared")
s.send('x = { indicator = "高新技\t')
s.expect(r'indicator = "高新技\x08+hte_count"', "after indicator = a Chinese name completes to the id of a plan held in a global")
s.send("\x03")
s.expect(r"\n> $", "line cleared again")
s.send('q = tuiyan.plan.load("tests/data/plans/bad/gbk.csv")\n')
s.expect(r"q = nil: tests/data/plans/bad/gbk\.csv:2:3: not UTF-8", "a loader's error assigned to a variable is shown at once")
s.expect(r"\n> $", "and the session goes on")
s.send("p:progres()\n")
s.expect(r"\(method 'progres'\); did you mean 'progress'\?", "a misspelt method gets a did-you-mean")
s.send("p\n")
s.expect(r"plan 武威市强科技行动 2022—2025 \(stdlib/data/wuwei_2021_2025\.csv\): 15 indicators", "a plan prints its title")
s.expect(r"hte_count +高新技术企业 +家 +2021  59 +2022 70, 2025 100", "and its indicators with the targets as written")
s.send("\x04")
code = s.finish()
check(code == 0, "fifth session leaves with 0", f"exit code {code}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
