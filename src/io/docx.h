/* docx.h — the text of a Word .docx document (Office Open XML: a zip of XML parts), one
 * paragraph per line, for `tuiyan extract`. The zip is read by the xlsx reader's capped entry
 * reader (io/xlsx.h), word/document.xml through expat, SAX.
 *
 * The text: each <w:p> is one line (an empty paragraph an empty line), so line N of the text is
 * paragraph N of the document; its runs' <w:t> joined as written; <w:tab/> a space; <w:br/> and
 * <w:cr/> a newline (a line break inside a paragraph starts a line of its own); a table's cells'
 * paragraphs in document order (row by row, cell by cell; nested tables inside their cell).
 * Left out: deleted text (<w:delText>), field codes (<w:instrText>: the field's shown result is
 * kept), the fallback copy of alternate content (<mc:Fallback>: a text box is read once), and
 * what lives in other parts (headers, footers, footnotes, comments, list numbers Word generates).
 *
 * Hostile files, each TY_EDATA naming the file and the part, never a crash: not a zip, no
 * word/document.xml, the part inflating past max_entry (a zip bomb, whatever its header says),
 * a DOCTYPE or entity declaration (refused at once: no entity is ever defined or expanded),
 * elements nested deeper than max_depth, a text longer than max_text. */
#ifndef TY_DOCX_H
#define TY_DOCX_H

#include <stddef.h>
#include "core/error.h"

typedef struct TyDocxLimits {
    size_t max_entry;   /* uncompressed bytes of word/document.xml; default 64 MiB */
    size_t max_text;    /* bytes of the text written out; default 16 MiB */
    int max_depth;      /* XML element nesting; default 128 (tables in tables) */
} TyDocxLimits;

void docx_limits_default(TyDocxLimits *lim);

/* The text of the document buf[0..len); file is used in messages ("file: word/document.xml:
 * ..."). *out is NUL-terminated UTF-8, ty_malloc'd; lim NULL: defaults. */
TyStatus docx_read_text(const char *file, const char *buf, size_t len, const TyDocxLimits *lim,
                        char **out, size_t *outlen, TyError *err);

#endif
