/* planfile.h — plan files (DOMAIN §1) into a TyPlan: CSV with one row per indicator, or the
 * same content as JSON. Strict: unknown columns/keys, bad enum names, bad numbers and
 * duplicate ids are TY_EDATA with file:line:col (col = the field's 1-based index in CSV). */
#ifndef TY_PLANFILE_H
#define TY_PLANFILE_H

#include <stddef.h>
#include "core/error.h"
#include "core/plan.h"

/* name is used in messages and becomes the plan's name. */
TyPlan *planfile_read_csv(const char *name, const char *buf, size_t len, TyError *err);
TyPlan *planfile_read_json(const char *name, const char *buf, size_t len, TyError *err);

/* By extension: .csv or .json (anything else is TY_EUSAGE). */
TyPlan *planfile_load(const char *path, TyError *err);

#endif
