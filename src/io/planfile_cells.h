/* planfile_cells.h — cells the CSV and JSON plan readers read alike: years (base_year), a
 * milestone row's actuals (是/否, yes/no, 完成/未完成 or a date), a target cell as written. */
#ifndef TY_PLANFILE_CELLS_H
#define TY_PLANFILE_CELLS_H

#include <stddef.h>
#include "core/plan.h"

typedef enum TyCellRead { CELL_VALUE = 0, CELL_MISSING = 1, CELL_ERROR = -1 } TyCellRead;

/* A four-digit year TY_YEAR_MIN..TY_YEAR_MAX, the whole of s[0..len) (blanks around allowed). */
int planfile_year(const char *s, size_t len, int *year);

/* The actual of a milestone row for `year`: done (1) or not (0). A date must be in `year` (the
 * column's year: done in that year). *why on CELL_ERROR. */
TyCellRead planfile_milestone_actual(const char *s, size_t len, int year, double *out,
                                     char *why, size_t whysize);

/* A target cell of `ind` for `year`: parsed (core/target_text) and stored with its words (blanks
 * around removed). CELL_MISSING for an empty cell; on CELL_ERROR *why holds the parser's message
 * and *offset the byte offset of the problem in s. */
TyCellRead planfile_target_cell(TyIndicator *ind, int year, const char *s, size_t len,
                                char *why, size_t whysize, size_t *offset, TyError *err);

#endif
