/* planfile.c — loading a plan file by its extension: .csv, .json, or .xlsx (optionally
 * "book.xlsx#Sheet": that sheet, else the first). */
#include "planfile.h"
#include "atomic.h"
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PLAN_MAX_BYTES ((size_t)64 << 20)

static int has_suffix(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* The length of the file part of an xlsx path: "a.xlsx#Sheet 1" -> 6; 0 if not an xlsx path. */
static size_t xlsx_file_part(const char *path)
{
    size_t n = strlen(path);
    if (has_suffix(path, n, ".xlsx")) return n;
    for (const char *h = strchr(path, '#'); h; h = strchr(h + 1, '#'))
        if (has_suffix(path, (size_t)(h - path), ".xlsx")) return (size_t)(h - path);
    return 0;
}

TyPlan *planfile_load_notice(const char *path, char *notice, size_t noticesize, TyError *err)
{
    size_t n = strlen(path);
    int is_csv = has_suffix(path, n, ".csv");
    int is_json = has_suffix(path, n, ".json");
    size_t xlen = xlsx_file_part(path);
    if (notice && noticesize) notice[0] = '\0';
    if (!is_csv && !is_json && !xlen) {
        ty_error_at(err, TY_EUSAGE, path, 0, 0, "a plan file must end in .csv, .json or .xlsx");
        return NULL;
    }
    char *file = ty_strdup(path);
    if (!file) {
        ty_error_set(err, TY_ENOMEM, "not enough memory");
        return NULL;
    }
    if (xlen) file[xlen] = '\0';
    /* A directory (or device) where a plan file was named is a mistake in the command, like a
     * missing file: exit 2, as `tuiyan check` says, not 3 (bad data). */
    struct stat sb;
    if (stat(file, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        ty_error_at(err, TY_EUSAGE, file, 0, 0, "not a regular file");
        ty_free(file);
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    TyPlan *p = NULL;
    if (file_read_all(file, PLAN_MAX_BYTES, &buf, &len, err) == TY_OK) {
        if (xlen) p = planfile_read_xlsx(path, buf, len, err);
        else if (is_csv) p = planfile_read_csv_any(path, buf, len, notice, noticesize, err);
        else p = planfile_read_json(path, buf, len, err);
    }
    free(buf);
    ty_free(file);
    return p;
}

TyPlan *planfile_load(const char *path, TyError *err)
{
    return planfile_load_notice(path, NULL, 0, err);
}
