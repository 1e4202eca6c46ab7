#!/usr/bin/python3
"""check_draft_xlsx.py DRAFT.xlsx DRAFT.csv DRAFT.json FILLED.xlsx: the workbook `tuiyan extract
--format xlsx` wrote, read by openpyxl (a reader independent of tuiyan's), against the CSV and
JSON drafts of the same document: sheet "plan" holds the CSV's title line and every row and field
(a number where the CSV has a plain decimal number, equal to it), sheet "targets" one row per
target of the JSON (id, year, cell, sentence), sheet "unparsed" the JSON's unparsed list.
Then writes FILLED.xlsx: the plan sheet with a column of actuals added the way test_extract.sh
adds it to the CSV (1 in every row, 否 in a milestone row), for `tuiyan progress` to read.
Prints what differs and exits 1, else exits 0."""
import csv
import json
import re
import sys

import openpyxl


def main():
    xlsx, csv_path, json_path, filled = sys.argv[1:5]
    bad = []
    wb = openpyxl.load_workbook(xlsx)
    if wb.sheetnames != ['plan', 'targets', 'unparsed']:
        bad.append('sheets %r, expected plan, targets, unparsed' % wb.sheetnames)
    plan = wb['plan']
    got = [list(r) for r in plan.iter_rows(values_only=True)]
    lines = open(csv_path, encoding='utf-8').read().splitlines(True)
    title = lines[0].rstrip('\n') if lines[0].startswith('#') else None
    want = list(csv.reader(lines[1:] if title else lines))
    if title and got[0][0] != title:
        bad.append('A1 is %r, expected %r' % (got[0][0], title))
    rows = got[1:] if title else got
    if len(rows) != len(want):
        bad.append('%d rows in the plan sheet, %d in the CSV' % (len(rows), len(want)))
    for r, (g, w) in enumerate(zip(rows, want), start=2 if title else 1):
        g = list(g) + [None] * (len(w) - len(g))
        for c, (gv, wv) in enumerate(zip(g, w)):
            if isinstance(gv, (int, float)) and not isinstance(gv, bool):
                ok = wv != '' and float(wv) == gv
            else:   # a plain decimal number is a number in the sheet, not text Excel flags
                ok = (gv or '') == wv and not re.fullmatch(r'-?[0-9]+(\.[0-9]*[1-9])?', wv)
            if not ok:
                bad.append('plan row %d col %d: %r, the CSV has %r' % (r, c + 1, gv, wv))
    draft = json.load(open(json_path, encoding='utf-8'))
    trows = list(wb['targets'].iter_rows(values_only=True))
    head = list(trows[0])
    if len(trows) - 1 != len(draft['targets']):
        bad.append('%d target rows, the JSON has %d targets' % (len(trows) - 1, len(draft['targets'])))
    for k, (row, t) in enumerate(zip(trows[1:], draft['targets'])):
        d = dict(zip(head, row))
        for key in ('id', 'year', 'cell', 'sentence'):
            if str(d[key]) != str(t[key]):
                bad.append('target %d %s: %r, the JSON has %r' % (k + 1, key, d[key], t[key]))
    urows = list(wb['unparsed'].iter_rows(values_only=True))
    if len(urows) - 1 != len(draft['unparsed']):
        bad.append('%d unparsed rows, the JSON has %d' % (len(urows) - 1, len(draft['unparsed'])))

    # the analyst's step: a column of actuals, typed into the plan sheet
    hr = 2 if title else 1
    col = plan.max_column + 1
    plan.cell(row=hr, column=col, value='actual_2019')
    for r in range(hr + 1, plan.max_row + 1):
        cells = [plan.cell(row=r, column=c).value for c in range(1, col)]
        milestone = any(v in ('获批', '完成', '建成', '通过验收') for v in cells)
        plan.cell(row=r, column=col, value='否' if milestone else 1)
    wb.save(filled)
    for b in bad[:20]:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
