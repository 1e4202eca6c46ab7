#!/usr/bin/env python3
"""html_check.py REPORT.html NAME... — the report is one self-contained document: every inline SVG
is well-formed XML, nothing is fetched from outside (no http(s) src/href, no script), and each NAME
(an indicator's Chinese name) appears in it. Prints what is wrong; exits 1 if anything is."""
import html, re, sys, xml.etree.ElementTree as ET

text = open(sys.argv[1], encoding="utf-8").read()
errors = []
svgs = re.findall(r"<svg\b.*?</svg>", text, re.S)
if not svgs:
    errors.append("no SVG chart in the report")
for i, s in enumerate(svgs):
    try:
        ET.fromstring(s)
    except ET.ParseError as e:
        errors.append(f"SVG {i + 1} is not well-formed XML: {e}")
if re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text):
    errors.append("the report refers to an outside resource")
if "<script" in text:
    errors.append("the report contains a script")
for name in sys.argv[2:]:
    if name not in html.unescape(text):
        errors.append(f"indicator {name!r} does not appear")
for e in errors:
    print(e)
print(f"{len(svgs)} charts, {len(errors)} problems")
sys.exit(1 if errors else 0)
