/* csv.h — a strict CSV table reader on libcsv (CSV_STRICT | CSV_STRICT_FINI).
 *
 * Reads the whole input into a table of cells with their positions. Guarantees:
 *  - a leading UTF-8 BOM is dropped; CRLF, LF and CR line endings read identically;
 *    a missing final newline is fine;
 *  - the input must be valid UTF-8 (else TY_EDATA with the line/col and a GBK / UTF-16 hint,
 *    and "save as CSV UTF-8");
 *  - NUL bytes, unterminated or stray quotes, and rows whose field count differs from the
 *    header are errors with line and column; blank lines are errors too except trailing ones
 *    at the very end of the file (nothing is silently skipped);
 *  - spaces are kept as they are (no trimming by the reader);
 *  - caps: file size, field size, number of rows and columns (TyCsvLimits) checked before
 *    allocating; exceeding one is TY_EDATA naming the cap.
 * Feeding the same bytes in any chunking gives the same table (csv_reader_* streaming API).
 * Column numbers in errors are 1-based field indices for cell problems and 1-based character
 * columns for byte-level problems (encoding, quotes); the message says which.
 */
#ifndef TY_CSV_H
#define TY_CSV_H

#include <stddef.h>
#include "core/error.h"

typedef struct TyCsvLimits {
    size_t max_bytes;    /* default 64 MiB */
    size_t max_field;    /* default 64 KiB */
    size_t max_rows;     /* header included; default 1,000,001: a million data rows */
    size_t max_cols;     /* default 4096 */
} TyCsvLimits;

void csv_limits_default(TyCsvLimits *lim);

typedef struct TyCsvCell {
    char *text;      /* NUL-terminated copy (embedded NULs are rejected) */
    size_t len;
    int line;        /* 1-based line where the field starts */
    int col;         /* 1-based field index */
} TyCsvCell;

typedef struct TyCsvTable {
    size_t nrows;    /* including the header row (row 0) */
    size_t ncols;
    TyCsvCell *cells;  /* row-major: cells[r * ncols + c] */
    char *name;      /* file name used in messages */
} TyCsvTable;

/* Reads a buffer; name is used in error messages. On error the table is left empty. */
TyStatus csv_read_buffer(const char *name, const char *buf, size_t len,
                         const TyCsvLimits *lim, TyCsvTable *out, TyError *err);

/* Reads a file (size checked with fstat before reading). */
TyStatus csv_read_file(const char *path, const TyCsvLimits *lim, TyCsvTable *out, TyError *err);

/* Streaming: the same result as csv_read_buffer whatever the chunking. */
typedef struct TyCsvReader TyCsvReader;
TyCsvReader *csv_reader_new(const char *name, const TyCsvLimits *lim);
TyStatus csv_reader_feed(TyCsvReader *r, const char *chunk, size_t len, TyError *err);
TyStatus csv_reader_finish(TyCsvReader *r, TyCsvTable *out, TyError *err);
void csv_reader_free(TyCsvReader *r);

/* Row by row: fn gets each row as it ends (the header first), after every check a table gets
 * (field counts, the header's names; its trailing empty columns are left out, and a row with
 * data there is the same error), cells valid during the call only. A non-TY_OK return from fn
 * (which sets *err) stops the reading and is returned. Rows are checked in file order, so a
 * file with several faults may report another one first than csv_read_buffer would. */
typedef TyStatus (*TyCsvRowFn)(void *ud, TyCsvCell *cells, size_t ncells, TyError *err);
TyStatus csv_read_rows(const char *name, const char *buf, size_t len, const TyCsvLimits *lim,
                       TyCsvRowFn fn, void *ud, TyError *err);

static inline const TyCsvCell *csv_cell(const TyCsvTable *t, size_t row, size_t col)
{
    return &t->cells[row * t->ncols + col];
}

void csv_table_free(TyCsvTable *t);

#endif
