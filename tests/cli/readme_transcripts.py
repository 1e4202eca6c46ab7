#!/usr/bin/env python3
"""readme_transcripts.py BIN README.md — replays every ```console block of the README: each line
starting with "$ " is a shell command (the word `tuiyan` at its start runs BIN), the lines up to
the next "$ " are its expected standard output, compared exactly. A line "..." in the expected
output matches any number of lines. Prints one line per failure and "N passed, N failed"."""
import os, re, subprocess, sys

def blocks(text):
    for m in re.finditer(r"```console\n(.*?)```", text, re.S):
        yield m.group(1)

def transcripts(block):
    cmd, want = None, []
    for line in block.splitlines():
        if line.startswith("$ "):
            if cmd is not None:
                yield cmd, want
            cmd, want = line[2:], []
        elif cmd is not None:
            want.append(line)
    if cmd is not None:
        yield cmd, want

def matches(got, want):
    if not want:
        return not got
    if want[0] == "...":
        return any(matches(got[i:], want[1:]) for i in range(len(got) + 1))
    return bool(got) and got[0] == want[0] and matches(got[1:], want[1:])

def main():
    binpath = os.path.abspath(sys.argv[1])
    text = open(sys.argv[2], encoding="utf-8").read()
    env = dict(os.environ, PATH=os.path.dirname(binpath) + os.pathsep + os.environ["PATH"])
    passed = failed = 0
    workdir = os.environ.get("README_WORKDIR", os.getcwd())
    for block in blocks(text):
        for cmd, want in transcripts(block):
            shell = re.sub(r"(^|\| |&& |; )tuiyan\b", lambda m: m.group(1) + binpath, cmd)
            r = subprocess.run(shell, shell=True, capture_output=True, text=True, env=env, cwd=workdir)
            got = r.stdout.rstrip("\n").split("\n") if r.stdout.strip("\n") else []
            want_trim = want[:]
            while want_trim and want_trim[-1] == "":
                want_trim.pop()
            if matches(got, want_trim):
                passed += 1
            else:
                failed += 1
                print(f"FAIL: $ {cmd}\n  expected:\n    " + "\n    ".join(want_trim) +
                      "\n  got:\n    " + "\n    ".join(got) + "\n  stderr: " + r.stderr[:500])
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or passed == 0 else 0)

main()
