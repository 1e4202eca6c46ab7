#!/bin/sh
# make_docx_fixture.sh — how tests/data/extract/wuwei_2022_2025_plan.docx was made (once, by hand;
# the tests only read it): LibreOffice Writer 7.4 (Debian's libreoffice-writer-nogui), a producer
# independent of tuiyan, saving the Wuwei text as Word 2007 XML from HTML: one <p> per non-empty
# line (no empty paragraphs, unlike the text), and the indicator table (序號 … to the line before
# 注:) as a real table, one line per cell, 7 cells a row. test_extract.sh checks that its draft
# equals the text's but for the line numbers (line N of a .docx is its paragraph N).
#   sh tests/data/extract/make_docx_fixture.sh   (needs soffice)
set -e
out=$(cd "$(dirname "$0")" && pwd)
src="$out/../../../examples/plans/sources/wuwei_2022_2025_plan.txt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$src" "$work/wuwei_2022_2025_plan.html" <<'PY'
import html, sys
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
start = lines.index('序號')
end = next(i for i, l in enumerate(lines) if l.startswith('注:'))
out = ['<html><head><meta charset="utf-8"></head><body>']
i = 0
while i < len(lines):
    if i == start:
        cells = [l for l in lines[start:end] if l != '']
        out.append('<table border="1">')
        for r in range(0, len(cells), 7):
            out.append('<tr>' + ''.join('<td><p>%s</p></td>' % html.escape(c) for c in cells[r:r + 7]) + '</tr>')
        out.append('</table>')
        i = end
        continue
    if lines[i].strip():
        out.append('<p>%s</p>' % html.escape(lines[i]))
    i += 1
out.append('</body></html>')
open(sys.argv[2], 'w', encoding='utf-8').write('\n'.join(out))
PY
HOME="$work" soffice --headless --convert-to 'docx:MS Word 2007 XML' --outdir "$work" "$work/wuwei_2022_2025_plan.html"
cp "$work/wuwei_2022_2025_plan.docx" "$out/wuwei_2022_2025_plan.docx"
