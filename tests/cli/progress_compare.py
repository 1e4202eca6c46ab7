#!/usr/bin/env python3
"""progress_compare.py — checks for tests/cli/test_progress_reference.sh.

  progress_compare.py compare LABEL TUIYAN.json REFERENCE.json [TOL]
      Every field of the reference's report must be in tuiyan's with an equal value: numbers
      within TOL (default 1e-9, relative to max(1, |ref|)), null == null, strings and lists
      equal. The free-text fields base.how, resolved and status_why are checked for presence
      only. Indicators are matched by id and targets by year. Each difference is printed as
      LABEL indicator year field: tuiyan ... reference ...; exit 1 if there is any.

  progress_compare.py expect LABEL REPORT.json AS_OF EXPECT_FILE FILE
      The EXPECT lines (file|as_of|id|year|field|json) for FILE and AS_OF hold in REPORT;
      id "-" is the report itself, year "-" the indicator; field may be dotted (base.year).
"""
import json
import sys

TEXT_FIELDS = {"how", "resolved", "status_why"}


def same(a, b, tol):
    if b is None or isinstance(b, (str, bool)):
        return a == b and type(a) is type(b)
    if isinstance(b, (int, float)):
        return (not isinstance(a, bool) and isinstance(a, (int, float))
                and abs(a - b) <= tol * max(1.0, abs(b)))
    if isinstance(b, list):
        return isinstance(a, list) and len(a) == len(b) and all(
            same(x, y, tol) for x, y in zip(a, b))
    if isinstance(b, dict):
        return isinstance(a, dict) and all(k in a and same(a[k], b[k], tol) for k in b)
    return a == b


def compare_fields(a, b, where, tol, errs, prefix=""):
    for k, v in b.items():
        if k in ("indicators", "targets"):
            continue
        if k not in a:
            errs.append(f"{where} {prefix}{k}: missing in tuiyan (reference {v!r})")
        elif k in TEXT_FIELDS:
            pass  # free text for people: its presence is enough
        elif isinstance(v, dict) and isinstance(a[k], dict):
            compare_fields(a[k], v, where, tol, errs, f"{prefix}{k}.")
        elif not same(a[k], v, tol):
            errs.append(f"{where} {prefix}{k}: tuiyan {json.dumps(a[k], ensure_ascii=False)}, "
                        f"reference {json.dumps(v, ensure_ascii=False)}")


def compare(label, a_path, b_path, tol=1e-9):
    a = json.load(open(a_path, encoding="utf-8"))
    b = json.load(open(b_path, encoding="utf-8"))
    errs = []
    compare_fields(a, b, label, tol, errs)
    a_inds = {i.get("id"): i for i in a.get("indicators", [])}
    if [i.get("id") for i in a.get("indicators", [])] != [i["id"] for i in b["indicators"]]:
        errs.append(f"{label}: indicators differ in ids or order")
    for ib in b["indicators"]:
        ia = a_inds.get(ib["id"])
        if ia is None:
            continue
        where = f"{label} {ib['id']}"
        compare_fields(ia, ib, where, tol, errs)
        a_t = {t.get("year"): t for t in ia.get("targets", [])}
        if [t.get("year") for t in ia.get("targets", [])] != [t["year"] for t in ib["targets"]]:
            errs.append(f"{where}: target years {sorted(a_t)}, reference "
                        f"{[t['year'] for t in ib['targets']]}")
        for tb in ib["targets"]:
            if tb["year"] in a_t:
                compare_fields(a_t[tb["year"]], tb, f"{where} {tb['year']}", tol, errs)
    for e in errs:
        print(e)
    return 1 if errs else 0


def dig(obj, field):
    for part in field.split("."):
        if not isinstance(obj, dict) or part not in obj:
            raise KeyError(field)
        obj = obj[part]
    return obj


def expect(label, report_path, as_of, expect_path, file_name):
    report = json.load(open(report_path, encoding="utf-8"))
    bad = 0
    n = 0
    for line in open(expect_path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        f, y, ind_id, year, field, want = line.split("|", 5)
        if f != file_name or y != as_of:
            continue
        n += 1
        want = json.loads(want)
        where = f"{label} {file_name} as of {as_of} {ind_id} {year} {field}"
        try:
            obj = report
            if ind_id != "-":
                obj = next(i for i in report["indicators"] if i["id"] == ind_id)
            if year != "-":
                obj = next(t for t in obj["targets"] if t["year"] == int(year))
            got = dig(obj, field)
        except (StopIteration, KeyError, TypeError):
            print(f"{where}: not in the report")
            bad += 1
            continue
        if not same(got, want, 1e-9):
            print(f"{where}: got {json.dumps(got, ensure_ascii=False)}, expected "
                  f"{json.dumps(want, ensure_ascii=False)}")
            bad += 1
    if n == 0:
        print(f"{label}: no expectations for {file_name} as of {as_of}")
        return 1
    return 1 if bad else 0


def main(argv):
    if argv[:1] == ["compare"] and len(argv) in (4, 5):
        return compare(argv[1], argv[2], argv[3], float(argv[4]) if len(argv) == 5 else 1e-9)
    if argv[:1] == ["expect"] and len(argv) == 6:
        return expect(*argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, ValueError) as e:
        print(f"progress_compare: {e}")
        sys.exit(1)
