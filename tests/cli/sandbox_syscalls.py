#!/usr/bin/env python3
"""sandbox_syscalls.py LIST TRACE... -- compares the system calls sandbox children made (strace -f
output: "PID name(args) = result" lines) with the checked-in allow-list LIST.

A child's calls are counted from the line where its seccomp(SECCOMP_SET_MODE_FILTER, ...) call
returned 0, i.e. once it is under the filter. Fails (exit 1, saying which) when a child called
something not on the list (the filter would have killed it: the list or the filter is wrong) or
when the list has a call no child made (the list is looser than any run needs).
"""
import re
import sys

LINE = re.compile(r"^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()")


def observed(path):
    calls, filtered = set(), set()
    for line in open(path, encoding="utf-8", errors="replace"):
        m = LINE.match(line)
        if not m:
            continue
        pid, name = m.group(1), m.group(2) or m.group(3)
        if pid in filtered and not m.group(2):
            calls.add(name)
        if name == "seccomp" and "SECCOMP_SET_MODE_FILTER" in line and re.search(r"\)\s*= 0$", line.strip()):
            filtered.add(pid)
    if not filtered:
        sys.exit("%s: no process installed a seccomp filter" % path)
    return calls


def main():
    listed = set()
    for line in open(sys.argv[1], encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            listed.add(line.split()[0])
    seen = set()
    for path in sys.argv[2:]:
        seen |= observed(path)
    extra, unused = sorted(seen - listed), sorted(listed - seen)
    if extra:
        print("called but not on the list: " + " ".join(extra))
    if unused:
        print("on the list but never called: " + " ".join(unused))
    print("%d calls observed, %d listed" % (len(seen), len(listed)))
    sys.exit(1 if extra or unused else 0)


if __name__ == "__main__":
    main()
