/* planfile.c — loading a plan file by its extension. */
#include "planfile.h"
#include "atomic.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PLAN_MAX_BYTES ((size_t)64 << 20)

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

TyPlan *planfile_load(const char *path, TyError *err)
{
    int is_csv = has_suffix(path, ".csv") || has_suffix(path, ".CSV");
    int is_json = has_suffix(path, ".json") || has_suffix(path, ".JSON");
    if (!is_csv && !is_json) {
        ty_error_at(err, TY_EUSAGE, path, 0, 0, "a plan file must end in .csv or .json");
        return NULL;
    }
    /* A directory (or device) where a plan file was named is a mistake in the command, like a
     * missing file: exit 2, as `tuiyan check` says, not 3 (bad data). */
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        ty_error_at(err, TY_EUSAGE, path, 0, 0, "not a regular file");
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    if (file_read_all(path, PLAN_MAX_BYTES, &buf, &len, err) != TY_OK) return NULL;
    TyPlan *p = is_csv ? planfile_read_csv(path, buf, len, err) : planfile_read_json(path, buf, len, err);
    free(buf);
    return p;
}
