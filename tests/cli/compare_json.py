#!/usr/bin/env python3
"""compare_json.py A.json B.json [TOL] — structural equality of two progress reports, numbers
equal within TOL (default 1e-9, relative to max(1, |b|)). Keys only in A (extras such as "why")
are allowed; every key of B must be in A with an equal value."""
import json, sys

def cmp(a, b, path, tol, errs):
    if isinstance(b, dict):
        if not isinstance(a, dict):
            errs.append(f"{path}: expected object"); return
        for k in b:
            if k not in a:
                errs.append(f"{path}.{k}: missing")
            else:
                cmp(a[k], b[k], f"{path}.{k}", tol, errs)
    elif isinstance(b, list):
        if not isinstance(a, list) or len(a) != len(b):
            errs.append(f"{path}: expected list of {len(b)}"); return
        for i, (x, y) in enumerate(zip(a, b)):
            cmp(x, y, f"{path}[{i}]", tol, errs)
    elif isinstance(b, bool) or b is None or isinstance(b, str):
        if a != b:
            errs.append(f"{path}: {a!r} != {b!r}")
    else:
        if isinstance(a, bool) or not isinstance(a, (int, float)) or abs(a - b) > tol * max(1.0, abs(b)):
            errs.append(f"{path}: {a!r} != {b!r}")

def main():
    a = json.load(open(sys.argv[1], encoding="utf-8"))
    b = json.load(open(sys.argv[2], encoding="utf-8"))
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-9
    errs = []
    cmp(a, b, "$", tol, errs)
    for e in errs[:30]:
        print(e)
    sys.exit(1 if errs else 0)

main()
