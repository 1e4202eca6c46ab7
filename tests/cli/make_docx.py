#!/usr/bin/python3
"""make_docx.py TEXT OUT.docx [--hostile KIND]: a Word .docx holding TEXT, one <w:p> per line of
the text, so that `tuiyan extract` must read the same draft from it as from the text; written with
python's zipfile and hand-written WordprocessingML (no python-docx in the CI image).

What Word does that the reader must undo, each in a place where getting it wrong changes the
draft (a target more, less, or split):
  - every paragraph's text cut into runs of 5 characters, with run properties, <w:proofErr/>
    and bookmarks between them;
  - every 3rd non-empty line, when an empty line follows it, written with it as one paragraph
    ending in <w:br/> (a line break);
  - the indicator table (from the line 序號 to the line before 注:) as a <w:tbl>, one line per
    cell, 7 cells a row;
  - in every 10th paragraph, text the reader must leave out: a deleted run (<w:del><w:delText>)
    and a field code (<w:instrText>), both stating a target (新增高新技術企業999家), and a text box
    whose <mc:Fallback> copy states it again (the <mc:Choice> copy holds no text);
  - a <w:tab/> in the paragraph-properties tab stops (not a tab character).

--hostile KIND writes a broken or hostile document instead: notzip, nodoc, doctype, xxe (an external entity),
bomb (word/document.xml inflating to 65 MiB), deep (elements nested 10,000 deep), badxml.
"""
import sys
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')
NOT_TEXT = "到2025年,新增高新技術企業999家"


def runs(text, k):
    """The text as runs of 5 characters with Word's clutter between them."""
    out = []
    for i in range(0, len(text), 5):
        piece = text[i:i + 5]
        rpr = '<w:rPr><w:rFonts w:eastAsia="仿宋"/><w:sz w:val="32"/></w:rPr>' if (i // 5) % 2 else ''
        space = ' xml:space="preserve"' if piece != piece.strip() else ''
        out.append('<w:r>%s<w:t%s>%s</w:t></w:r>' % (rpr, space, escape(piece)))
        if i // 5 == 1:
            out.append('<w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="%d" w:name="b%d"/>'
                       '<w:bookmarkEnd w:id="%d"/><w:proofErr w:type="spellEnd"/>' % (k, k, k))
    if k % 10 == 3 and text.strip():
        out.append('<w:del w:id="%d" w:author="a"><w:r><w:delText>%s</w:delText></w:r></w:del>'
                   % (k, escape(NOT_TEXT)))
        out.append('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
                   ' QUOTE "%s" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                   '<w:r><w:fldChar w:fldCharType="end"/></w:r>' % escape(NOT_TEXT))
        out.append('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing/></mc:Choice>'
                   '<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>%s</w:t></w:r></w:p>'
                   '</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>' % escape(NOT_TEXT))
    return ''.join(out)


PPR = '<w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>'


def document(text):
    lines = text.split('\n')
    if lines and lines[-1] == '':
        lines.pop()   # the text's last newline ends its last line; it is no paragraph
    try:
        start = lines.index('序號')
        end = next(i for i, l in enumerate(lines) if l.startswith('注:'))
    except (ValueError, StopIteration):
        start = end = -1
    body, i, k, full = [], 0, 0, 0
    while i < len(lines):
        if i == start:
            cells = ['<w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/></w:tcPr><w:p>%s</w:p></w:tc>'
                     % runs(l, 0) for l in lines[start:end]]
            body.append('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>')
            for r in range(0, len(cells), 7):
                body.append('<w:tr>%s</w:tr>' % ''.join(cells[r:r + 7]))
            body.append('</w:tbl>')
            i = end
            continue
        k += 1
        line = lines[i]
        full += 1 if line.strip() else 0
        if line.strip() and i + 1 < len(lines) and lines[i + 1] == '' and full % 3 == 0:
            body.append('<w:p>%s%s<w:r><w:br/></w:r></w:p>' % (PPR, runs(line, k)))
            i += 2
            continue
        body.append('<w:p>%s%s</w:p>' % (PPR, runs(line, k)))
        i += 1
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="%s" xmlns:mc="%s"><w:body>%s<w:sectPr/></w:body></w:document>'
            % (W, MC, ''.join(body)))


def write(path, parts):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def main():
    src, out = sys.argv[1], sys.argv[2]
    kind = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == '--hostile' else None
    text = open(src, encoding='utf-8').read()
    doc = document(text)
    base = [('[Content_Types].xml', CONTENT_TYPES), ('_rels/.rels', RELS)]
    if kind is None:
        write(out, base + [('word/document.xml', doc)])
    elif kind == 'notzip':
        open(out, 'w', encoding='utf-8').write(text)
    elif kind == 'nodoc':
        write(out, base + [('word/documents.xml', doc)])
    elif kind == 'doctype':
        write(out, base + [('word/document.xml', doc.replace(
            '<w:document', '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><w:document', 1))])
    elif kind == 'xxe':
        write(out, base + [('word/document.xml', '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM '
                            '"file:///etc/passwd">]><w:document xmlns:w="%s"><w:body><w:p><w:r><w:t>&x;</w:t>'
                            '</w:r></w:p></w:body></w:document>' % W)])
    elif kind == 'bomb':
        head, tail = doc.split('<w:body>', 1)
        with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for name, data in base:
                z.writestr(name, data)
            with z.open('word/document.xml', 'w', force_zip64=True) as f:
                f.write((head + '<w:body><w:p><w:r><w:t>').encode())
                block = b' ' * (1 << 20)
                for _ in range(65):
                    f.write(block)
                f.write(('</w:t></w:r></w:p>' + tail).encode())
    elif kind == 'deep':
        write(out, base + [('word/document.xml', '<w:document xmlns:w="%s"><w:body>%s%s</w:body></w:document>'
                            % (W, '<w:sdt>' * 10000, '</w:sdt>' * 10000))])
    elif kind == 'badxml':
        write(out, base + [('word/document.xml', doc.replace('</w:body>', '', 1))])
    else:
        sys.exit('make_docx.py: unknown --hostile ' + kind)


if __name__ == '__main__':
    main()
