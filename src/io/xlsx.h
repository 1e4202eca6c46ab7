/* xlsx.h — reading one sheet of an .xlsx workbook (Office Open XML, a zip of XML parts) into
 * its non-empty cells, as text a plan reader reads like a CSV field: the zip through libarchive,
 * the parts (xl/workbook.xml, xl/_rels/workbook.xml.rels, xl/sharedStrings.xml, xl/styles.xml,
 * the sheet) through expat, SAX.
 *
 * Cell text: a shared or inline string as written (the runs of rich text joined, phonetic runs
 * left out); a number as Excel stored it ("55.35", "1.5E-2"); a number with a date format as
 * YYYY-MM-DD; with a percent format as the percentage ("0.12" -> "12%", read as 12 in a % row);
 * a boolean TRUE / FALSE; a formula's saved value (<v>), and a formula without one is an error;
 * an error value (#DIV/0!) as written.
 *
 * Hostile files: not a zip, a missing part, an entry whose data grows past max_entry (a zip
 * bomb, whatever its header says), a DOCTYPE or entity declaration (refused outright: no entity
 * is ever expanded), elements nested deeper than max_depth, a cell text over max_cell_bytes, a
 * cell beyond max_rows / max_cols, more than max_cells cells: each is TY_EDATA naming the part
 * or the cell, never a crash. */
#ifndef TY_XLSX_H
#define TY_XLSX_H

#include <stddef.h>
#include "core/error.h"

typedef struct TyXlsxLimits {
    size_t max_entry;       /* uncompressed bytes of one part; default 64 MiB */
    size_t max_total;       /* uncompressed bytes of all parts read; default 256 MiB */
    size_t max_cell_bytes;  /* default 64 KiB (the CSV reader's field cap) */
    size_t max_cells;       /* non-empty cells, and rows x columns of the table; default 8 Mi */
    int max_rows;           /* default 1,000,001 */
    int max_cols;           /* default 4096 */
    int max_depth;          /* XML element nesting; default 64 */
} TyXlsxLimits;

void xlsx_limits_default(TyXlsxLimits *lim);

typedef struct TyXlsxCell {
    int row, col;           /* 1-based: D7 is row 7, col 4 */
    char *text;             /* NUL-terminated, UTF-8 (an arena owned by the sheet) */
    size_t len;
} TyXlsxCell;

typedef struct TyXlsxMerge { int r1, c1, r2, c2; } TyXlsxMerge;

typedef struct TyXlsxSheet {
    char *name;             /* the sheet's name in the workbook */
    TyXlsxCell *cells;      /* the non-empty cells, sorted by row then column */
    size_t ncells;
    TyXlsxMerge *merges;    /* <mergeCells> */
    size_t nmerges;
    char *arena;
} TyXlsxSheet;

/* The sheet called `sheet` (NULL or "": the first) of the workbook buf[0..len). file is used in
 * messages ("file: xl/sharedStrings.xml: ...", "file:Sheet1!D7: ..."). lim NULL: defaults. */
TyStatus xlsx_read_sheet(const char *file, const char *buf, size_t len, const char *sheet,
                         const TyXlsxLimits *lim, TyXlsxSheet *out, TyError *err);
void xlsx_sheet_free(TyXlsxSheet *s);

/* One zip entry's data (exact name), capped at `cap` bytes as it is inflated. *found = 0 (and
 * TY_OK) when there is no such entry. *out is NUL-terminated, ty_malloc'd. */
TyStatus xlsx_zip_entry(const char *file, const char *buf, size_t len, const char *entry,
                        size_t cap, char **out, size_t *outlen, int *found, TyError *err);

/* "D7" for row 7, col 4; "Sheet1!D7" / "'My sheet'!D7" with the sheet; row only: "Sheet1!7:7". */
void xlsx_cell_name(int row, int col, char *buf, size_t size);
void xlsx_place(const char *sheet, int row, int col, char *buf, size_t size);

/* "yyyy-mm-dd" (or another format code) is a date format: y, m, d, h or s outside quotes and
 * brackets. Built-in formats 14–22, 27–36 and 50–58 are dates. Exposed for the unit tests. */
int xlsx_format_is_date(const char *code);
/* An Excel serial day number as YYYY-MM-DD (date1904: the 1904 system); 0 if out of range. */
int xlsx_serial_date(double serial, int date1904, char *buf, size_t size);

#endif
