#!/usr/bin/env python3
"""package_swap.py BIN PACKAGE:SCENARIO DATA_DIR STORE_FILE OUT_DIR — a file swap during a package
run, made deterministic (issue 12: data read after verification).

The scenario (tests/cli/test_package_hostile.sh) reads the county's plan.csv, then waits until
go.csv appears in DATA_DIR, then reads the package's data file. This script watches plan.csv with
inotify; once the sandbox has read and closed it (so the package was verified long before: that
happens before the child exists), it rewrites both the county's plan.csv and the installed
package's data file STORE_FILE with other bytes of the same size, then creates go.csv. A run that
read the store a second time, or hashed the county's file again after the run, sees the swapped
bytes. Prints the run's exit code, stdout and stderr; exits 2 if the race could not be staged."""
import ctypes
import os
import select
import subprocess
import sys

IN_CLOSE_NOWRITE = 0x10

binary, spec, data, store_file, out = sys.argv[1:6]
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_CLOEXEC)
if fd < 0 or libc.inotify_add_watch(fd, os.path.join(data, "plan.csv").encode(), IN_CLOSE_NOWRITE) < 0:
    sys.exit("package_swap: inotify: " + os.strerror(ctypes.get_errno()))

run = subprocess.Popen([binary, "run", spec, "--data", data, "--out", out, "--format", "csv",
                        "--limit", "wall_seconds=60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
ready, _, _ = select.select([fd], [], [], 30)
if not ready:
    run.kill()
    print("package_swap: the run never read plan.csv;", run.communicate()[1].decode(errors="replace"))
    sys.exit(2)
os.read(fd, 4096)


def swap(path, old, new):
    with open(path, "rb") as f:
        text = f.read()
    assert old in text and len(old) == len(new), (path, text)
    with open(path, "r+b") as f:          # in place: same inode, same size, other bytes
        f.write(text.replace(old, new))


swap(os.path.join(data, "plan.csv"), b"COUNTY_A", b"COUNTY_B")
swap(store_file, b"ORIGINAL", b"SWAPPED!")
with open(os.path.join(data, "go.csv"), "w") as f:
    f.write("id,name,unit,actual_2021\ngo,GO,%,1\n")
stdout, stderr = run.communicate(timeout=90)
print("exit", run.returncode)
sys.stdout.write(stdout.decode(errors="replace"))
sys.stderr.write(stderr.decode(errors="replace"))
