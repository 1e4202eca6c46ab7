#!/usr/bin/python3
"""make_xlsx.py OUTDIR — the workbooks and CSV twins of tests/cli/test_xlsx_in.sh.

Written with openpyxl (Debian's python3-openpyxl), then a few parts patched the way Excel writes
them and openpyxl 3.0 does not: shared strings (one of them rich text with a phonetic run),
a formula's saved value. The same plan is written three times: plan.xlsx (sheet 指标, Chinese
headers, a merged title, shared and inline strings, numbers, a percentage cell, a date, a
boolean, a formula with its saved value; a second sheet Sheet2), plan_utf8.csv (with Excel's
trailing empty columns) and plan_gbk.csv (the same text in GB18030, as Excel's "CSV (逗号分隔)"
saves it on Chinese Windows). OUTDIR/bad/ holds the hostile and broken workbooks.
"""
import datetime
import io
import os
import re
import sys
import zipfile

import openpyxl

out = sys.argv[1]
os.makedirs(os.path.join(out, "bad"), exist_ok=True)

TITLE = "# title: 示例市科技创新指标 2021—2025"
HEADER = ["指标代码", "指标名称", "单位", "方向", "2020年", "2021年", "2022年目标", "2025年目标", "备注"]
# (row as the CSV says it, row as the workbook holds it)
ROWS = [
    (["hte_count", "高新技术企业", "家", "up", "48", "59", "70", "100以上", "来源: 统计公报"],
     ["hte_count", "高新技术企业", "家", "up", 48, 59, 70, "100以上", "来源: 统计公报"]),
    (["rd_spend", "研发经费", "万元", "up", "120,500", "141,000", "160000", "翻一番", ""],
     ["rd_spend", "研发经费", "万元", "up", "120,500", "141,000", 160000, "翻一番", None]),
    (["rd_intensity", "研发投入强度", "%", "up", "0.55", "0.62%", "0.85", "提高1.5个百分点", ""],
     ["rd_intensity", "研发投入强度", "%", "up", 0.55, ("pct", 0.0062), 0.85, "提高1.5个百分点", None]),
    (["contract", "技术合同交易额", "亿元", "up", "12.5", "14.1", "突破20", "28", ""],
     ["contract", "技术合同交易额", "亿元", "up", 12.5, ("formula", "=E9+1.6", "14.1"), "突破20", 28, None]),
    (["park", "科技园区验收", "1", "up", "", "2021-09-30", "完成", "", ""],
     ["park", "科技园区验收", "1", "up", None, datetime.date(2021, 9, 30), "完成", None, None]),
    (["platform", "省级平台获批", "1", "up", "", "TRUE", "", "获批", ""],
     ["platform", "省级平台获批", "1", "up", None, True, None, "获批", None]),
]
PREAMBLE = [TITLE, "# base_year: 2021", "# grouping: 2020年, 2021年"]


def csv_field(s):
    return '"' + s.replace('"', '""') + '"' if ("," in s or '"' in s) else s


def csv_text(trailing=0):
    lines = list(PREAMBLE)
    pad = "," * trailing
    lines.append(",".join(HEADER) + pad)
    for row, _ in ROWS:
        lines.append(",".join(csv_field(c) for c in row) + pad)
    return "\r\n".join(lines) + "\r\n"


with open(os.path.join(out, "plan_utf8.csv"), "w", encoding="utf-8", newline="") as f:
    f.write(csv_text(trailing=2))
with open(os.path.join(out, "plan_gbk.csv"), "wb") as f:
    f.write(csv_text().encode("gb18030"))
with open(os.path.join(out, "plan_utf16.csv"), "wb") as f:
    f.write(csv_text().encode("utf-16"))        # with its BOM

SHEET2 = [["id", "name", "unit", "actual_2021", "target_2025"],
          ["hte_count", "高新技术企业", "家", 30, 50],
          ["rd_intensity", "研发投入强度", "%", 1.2, 2]]
with open(os.path.join(out, "sheet2.csv"), "w", encoding="utf-8", newline="") as f:
    for r in SHEET2:
        f.write(",".join(str(c) for c in r) + "\n")


def patch(path, fn):
    """Rewrites the zip at path with fn(parts) -> parts (a dict name -> bytes, order kept)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts = fn(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def to_shared(parts, sheet="xl/worksheets/sheet1.xml", keep_inline=(), rich=None):
    """Every inline string of the sheet (but the cells in keep_inline) into sharedStrings.xml,
    as Excel writes strings; `rich` = a string written as runs with a phonetic run."""
    xml = parts[sheet].decode()
    strings = []

    def repl(m):
        ref, text = m.group(1), m.group(2)
        if ref in keep_inline:
            return m.group(0)
        strings.append(text)
        return '<c r="%s" t="s"><v>%d</v></c>' % (ref, len(strings) - 1)
    xml = re.sub(r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>([^<]*)</t></is></c>', repl, xml)
    parts[sheet] = xml.encode()
    sis = []
    for s in strings:
        if s == rich:
            half = len(s) // 2
            sis.append('<si><r><t>%s</t></r><r><rPr><b/></rPr><t>%s</t></r>'
                       '<rPh sb="0" eb="1"><t>やく</t></rPh></si>' % (s[:half], s[half:]))
        else:
            sis.append('<si><t xml:space="preserve">%s</t></si>' % s)
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
        'uniqueCount="%d">%s</sst>' % (len(sis), len(sis), "".join(sis))).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rels = rels.replace("</Relationships>",
                        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId99"/></Relationships>')
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    ct = parts["[Content_Types].xml"].decode()
    ct = ct.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["[Content_Types].xml"] = ct.encode()
    return parts


def saved_value(parts, ref, value, sheet="xl/worksheets/sheet1.xml"):
    xml = parts[sheet].decode()
    xml, n = re.subn(r'(<c r="%s"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?' % ref, r"\g<1>\g<2><v>%s</v>" % value, xml)
    assert n == 1, "formula cell %s not found" % ref
    parts[sheet] = xml.encode()
    return parts


# ---- plan.xlsx: the plan on sheet 指标 (first), a small plan on Sheet2 ----
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "指标"
for i, line in enumerate(PREAMBLE, start=1):
    ws.cell(row=i, column=1, value=line)
ws.merge_cells("A1:I1")                   # the merged title, as bureaus lay it out
HEAD_ROW = len(PREAMBLE) + 2              # row 4 left empty
for c, h in enumerate(HEADER, start=1):
    ws.cell(row=HEAD_ROW, column=c, value=h)
formula_ref = None
for r, (_, cells) in enumerate(ROWS, start=HEAD_ROW + 1):
    for c, v in enumerate(cells, start=1):
        if v is None:
            continue
        cell = ws.cell(row=r, column=c)
        if isinstance(v, tuple) and v[0] == "pct":
            cell.value = v[1]
            cell.number_format = "0.00%"
        elif isinstance(v, tuple) and v[0] == "formula":
            cell.value = v[1]
            formula_ref = (cell.coordinate, v[2])
        elif isinstance(v, datetime.date):
            cell.value = v
            cell.number_format = "yyyy-mm-dd"
        else:
            cell.value = v
assert formula_ref == ("F9", "14.1"), formula_ref
ws2 = wb.create_sheet("Sheet2")
for row in SHEET2:
    ws2.append(row)
plan = os.path.join(out, "plan.xlsx")
wb.save(plan)
patch(plan, lambda p: saved_value(to_shared(p, keep_inline=("I6",), rich="研发经费"), *formula_ref))


# ---- bad workbooks ----
def simple(path, rows, fix=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in rows:
        ws.append(row)
    if fix:
        fix(ws)
    wb.save(path)


BAD = os.path.join(out, "bad")
base = [["id", "name", "unit", "actual_2021", "target_2025"]] + \
       [["i%d" % k, "指标%d" % k, "家", k, 10 * k] for k in range(1, 6)]
simple(os.path.join(BAD, "bad_number.xlsx"), base + [["i6", "指标6", "家", "abc", 60]])   # D7

simple(os.path.join(BAD, "formula_unsaved.xlsx"), base + [["i6", "指标6", "家", "=D2+1", 60]])   # D7


def merged_header(ws):
    ws.merge_cells("D1:E1")
simple(os.path.join(BAD, "merged_header.xlsx"),
       [["id", "name", "unit", "2021年", None], ["a", "甲", "家", 1, 2]], merged_header)

simple(os.path.join(BAD, "far_column.xlsx"), base, lambda ws: ws.cell(row=3, column=16384, value=1))

good = os.path.join(BAD, "_good.xlsx")
simple(good, base)


def variant(name, fn):
    path = os.path.join(BAD, name)
    with open(good, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data)
    patch(path, fn)


def bomb(parts):   # a sheet that inflates to 80 MiB of blanks (a few dozen KiB in the zip)
    xml = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = xml[:-len(b"</worksheet>")] + b" " * (80 << 20) + b"</worksheet>"
    return parts
variant("bomb.xlsx", bomb)


def doctype(parts):   # the billion laughs in the shared strings
    parts = to_shared(parts)
    sst = parts["xl/sharedStrings.xml"].decode()
    ents = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        '<!ENTITY %s "%s">' % (chr(ord("b") + k), ("&%s;" % chr(ord("a") + k)) * 10) for k in range(8))
    sst = sst.replace("<sst ", '<!DOCTYPE sst [%s]>\n<sst ' % ents, 1).replace("指标1", "&i;", 1)
    parts["xl/sharedStrings.xml"] = sst.encode()
    return parts
variant("doctype.xlsx", doctype)


def no_shared(parts):   # cells refer to shared strings, the part is gone
    parts = to_shared(parts)
    del parts["xl/sharedStrings.xml"]
    return parts
variant("no_shared_strings.xlsx", no_shared)


def no_workbook(parts):
    del parts["xl/workbook.xml"]
    return parts
variant("no_workbook.xlsx", no_workbook)


def deep(parts):   # 200 nested elements inside a cell
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = xml.replace("<sheetData>", "<sheetData>" + "<x>" * 200 + "</x>" * 200, 1)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    return parts
variant("deep.xlsx", deep)

os.remove(good)
with open(os.path.join(BAD, "not_a_zip.xlsx"), "w", encoding="utf-8") as f:
    f.write("id,name,unit\nx,甲,家\n")
