/* register_file.h — register files (DOMAIN §7) into a TyRegister: CSV (UTF-8; GB18030 and UTF-16
 * with a BOM converted, with a notice) or a sheet of an .xlsx workbook, one row per firm and
 * application year. Strict as the plan reader is: an unknown column, a bad number, date or
 * 统一社会信用代码, a unit that is not 万元 or 元 on an amount, or a firm-year given twice is
 * TY_EDATA at file:line:col (xlsx: file:Sheet!D7). docs/registers.md is the user's description. */
#ifndef TY_REGISTER_FILE_H
#define TY_REGISTER_FILE_H

#include <stddef.h>
#include "core/error.h"
#include "core/register.h"
#include "csv.h"

/* CSV text; a notice (may be NULL) says when it was read as GB18030 or UTF-16. */
TyRegister *register_read_csv(const char *name, const char *buf, size_t len, char *notice,
                              size_t noticesize, TyError *err);
/* An .xlsx workbook's bytes; name may end in "#Sheet" (else the first sheet). */
TyRegister *register_read_xlsx(const char *name, const char *buf, size_t len, TyError *err);
/* By extension (.csv, .xlsx, book.xlsx#Sheet); anything else is TY_EUSAGE. */
TyRegister *register_load(const char *path, char *notice, size_t noticesize, TyError *err);

/* The table (row 0 the header, cells with their places) into r: every column rule. */
TyStatus register_read_table(TyRegister *r, const TyCsvTable *t, TyError *err);

/* The same rules a row at a time (the header first), straight into r's columns: what the CSV
 * reader streams into. rows_hint: the rows expected (room for them is made at the header, at
 * most bytes / columns; more grows, fewer is given back by finish); bytes: the text's length
 * (SIZE_MAX if unknown). Errors at the cells' own line and col, in name. */
typedef struct TyRegReader TyRegReader;
TyRegReader *register_reader_new(TyRegister *r, const char *name, size_t rows_hint, size_t bytes);
TyStatus register_reader_row(TyRegReader *rr, const TyCsvCell *cells, size_t ncols, TyError *err);
/* After the last row: the empty-file, firm-year-twice and derived-column rules. */
TyStatus register_reader_finish(TyRegReader *rr, TyError *err);
void register_reader_free(TyRegReader *rr);

/* The canonical name of a header without its unit ("研发费用_1" -> "rd_1"), into buf; *unit the
 * unit written after it in ( ) or （ ）, "" if none. 0 if the header is malformed. */
int register_header(const char *h, char *name, size_t namesize, char *unit, size_t unitsize);

#endif
