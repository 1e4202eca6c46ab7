/* planfile.h — plan files (DOMAIN §1) into a TyPlan: CSV with one row per indicator, the same
 * table as a sheet of an .xlsx workbook, or the same content as JSON. Strict: unknown
 * columns/keys, bad enum names, bad numbers and duplicate ids are TY_EDATA with file:line:col
 * (col = the field's 1-based index in CSV; in xlsx the place is "file:Sheet!D7", io/xlsx.h). */
#ifndef TY_PLANFILE_H
#define TY_PLANFILE_H

#include <stddef.h>
#include "core/error.h"
#include "core/plan.h"
#include "csv.h"

/* name is used in messages and becomes the plan's name. */
TyPlan *planfile_read_csv(const char *name, const char *buf, size_t len, TyError *err);
TyPlan *planfile_read_json(const char *name, const char *buf, size_t len, TyError *err);

/* CSV that may be in another encoding than UTF-8: a file that is not UTF-8 but decodes whole as
 * GB18030 (GBK, Excel's "CSV (逗号分隔)" on Chinese Windows), or UTF-16 with a BOM, is converted
 * (iconv) and read; *notice (if not NULL) then says so ("read as GB18030; save as CSV UTF-8 to
 * silence this"), else is set to "". */
TyPlan *planfile_read_csv_any(const char *name, const char *buf, size_t len,
                              char *notice, size_t noticesize, TyError *err);

/* Text that is not UTF-8 in the encoding Excel saves CSV in: GB18030 (a superset of GBK) when the
 * whole text decodes so, or UTF-16 with its BOM. *out is the UTF-8 text (ty_malloc'd, no NUL in
 * it), *enc the encoding's name ("GB18030", "UTF-16"); 0 when the text is neither (or is UTF-8
 * already). */
int planfile_convert_text(const char *buf, size_t len, char **out, size_t *outlen, const char **enc);

/* An .xlsx workbook's sheet: name may end in "#SheetName" (else the first sheet). */
TyPlan *planfile_read_xlsx(const char *name, const char *buf, size_t len, TyError *err);

/* By extension: .csv, .json or .xlsx (an .xlsx path may end in "#SheetName"); anything else is
 * TY_EUSAGE. notice as for planfile_read_csv_any (may be NULL). */
TyPlan *planfile_load(const char *path, TyError *err);
TyPlan *planfile_load_notice(const char *path, char *notice, size_t noticesize, TyError *err);

/* ---- shared by the CSV and xlsx readers: one table, one set of rules ---- */

/* What the "# key: value" lines above the header said beyond the plan's title and base year. */
typedef struct TyPlanHead {
    int seen_title, seen_base;
    int grouping_line, grouping_col;   /* where "# grouping: …" was (0: none) */
    char *grouping;                    /* its value: column names separated by commas (owned) */
} TyPlanHead;

void planfile_head_free(TyPlanHead *h);

/* One line above the header, s[0..len) starting with '#'. Errors are at (line, col): col is
 * fixed_col when it is not 0 (a cell), else the byte column within the line (CSV). */
TyStatus planfile_head_line(TyPlan *p, TyPlanHead *h, const char *name, int line, int fixed_col,
                            const char *s, size_t len, TyError *err);

/* The table (row 0 the header) into p's indicators, by every column rule of the CSV form;
 * errors at the cells' own line and col. */
TyStatus planfile_read_table(TyPlan *p, const TyPlanHead *h, const TyCsvTable *t, TyError *err);

/* The canonical column name of a header ("指标名称" -> "name", "2021年" -> "actual_2021"), into
 * buf; the header itself when it has no alias. */
const char *planfile_column_alias(const char *h, char *buf, size_t size);

#endif
