/* register_csv.c — a register from CSV text, and loading a register file by its extension. The
 * text goes through the plan reader's machinery: GB18030 / UTF-16 converted (planfile.h), the
 * strict CSV reader (BOM, line endings, quotes, Excel's trailing empty columns) row by row, each
 * row straight into the columns by the rules of register_table.c. Lines above the header may
 * say `# title: …` (a '#' as the line's first byte); nothing else. A register may be larger than
 * a plan: up to a million firm-years. */
#include "register_file.h"
#include "atomic.h"
#include "core/alloc.h"
#include "planfile.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define REGISTER_MAX_BYTES ((size_t)512 << 20)

/* `# title: …` lines above the header; *used bytes and *lines lines consumed. */
static TyStatus read_preamble(TyRegister *r, const char *name, const char *buf, size_t len,
                              size_t *used, int *lines, TyError *err)
{
    size_t i = 0;
    *lines = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < len && buf[i] == '#') {
        size_t end = i;
        while (end < len && buf[end] != '\n' && buf[end] != '\r') end++;
        int line = ++*lines;
        const char *s = buf + i + 1, *stop = buf + end;
        while (s < stop && (*s == ' ' || *s == '\t')) s++;
        if (!utf8_validate(buf + i, end - i, &(TyUtf8Error){0}))
            return ty_error_at(err, TY_EDATA, name, line, 1, "invalid UTF-8 in a header line");
        if ((size_t)(stop - s) < 6 || memcmp(s, "title:", 6) != 0)
            return ty_error_at(err, TY_EDATA, name, line, 1, "a line above the header must be \"# title: …\"");
        if (r->title) return ty_error_at(err, TY_EDATA, name, line, 1, "a second # title line");
        s += 6;
        while (s < stop && (*s == ' ' || *s == '\t')) s++;
        while (stop > s && (stop[-1] == ' ' || stop[-1] == '\t')) stop--;
        if (stop == s) return ty_error_at(err, TY_EDATA, name, line, 1, "# title: the title is empty");
        r->title = ty_malloc((size_t)(stop - s) + 1);
        if (!r->title) return ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
        memcpy(r->title, s, (size_t)(stop - s));
        r->title[stop - s] = '\0';
        if (end < len && buf[end] == '\r') end++;
        if (end < len && buf[end] == '\n') end++;
        i = end;
    }
    *used = *lines ? i : 0;
    return TY_OK;
}

/* Rows from the CSV reader into the register; lines counted from the header's, so shifted by
 * the lines above it. */
typedef struct Feed {
    TyRegReader *rr;
    int shift;
    int failed;   /* the error is the register's (its lines are shifted already) */
} Feed;

static TyStatus feed_row(void *ud, TyCsvCell *cells, size_t n, TyError *err)
{
    Feed *f = ud;
    for (size_t k = 0; f->shift && k < n; k++) cells[k].line += f->shift;
    TyStatus st = register_reader_row(f->rr, cells, n, err);
    f->failed = st != TY_OK;
    return st;
}

/* An upper bound of the data rows: the lines with something on them (a blank line is no row;
 * CR, LF and CRLF each end a line), so the columns are made once at their size. */
static size_t rows_bound(const char *buf, size_t len)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n' && buf[i] != '\r') continue;
        n += i > start;
        if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n') i++;
        start = i + 1;
    }
    return n + (len > start);
}

/* *owned (the file's bytes, when the caller hands them over) is freed as soon as a converted
 * copy replaces it, so a register never holds both. */
static TyRegister *read_csv(const char *name, const char *buf, size_t len, char **owned, char *notice,
                            size_t noticesize, TyError *err)
{
    char *conv = NULL;
    size_t clen = 0;
    const char *enc = NULL;
    if (notice && noticesize) notice[0] = '\0';
    if (planfile_convert_text(buf, len, &conv, &clen, &enc)) {
        if (notice && noticesize)
            snprintf(notice, noticesize, "read as %s; save as CSV UTF-8 to silence this", enc);
        if (owned) {
            free(*owned);
            *owned = NULL;
        }
        buf = conv;
        len = clen;
    }
    TyRegister *r = register_new(name);
    TyStatus st = r ? TY_OK : ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
    size_t used = 0;
    Feed f = {0};
    if (st == TY_OK) st = read_preamble(r, name, buf, len, &used, &f.shift, err);
    TyCsvLimits lim;
    csv_limits_default(&lim);
    lim.max_bytes = REGISTER_MAX_BYTES;
    if (st == TY_OK) {
        /* the lines less the header, at most the reader's cap of rows */
        size_t lines = rows_bound(buf + used, len - used), most = lim.max_rows - 1;
        lines = lines ? lines - 1 : 0;
        f.rr = register_reader_new(r, name, lines < most ? lines : most, len - used);
        if (!f.rr) st = ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
    }
    if (st == TY_OK) {
        st = csv_read_rows(name, buf + used, len - used, &lim, feed_row, &f, err);
        if (st != TY_OK && !f.failed && err->line > 0) err->line += f.shift;
        if (st == TY_OK) st = register_reader_finish(f.rr, err);
    }
    register_reader_free(f.rr);
    ty_free(conv);
    if (st != TY_OK) {
        register_free(r);
        return NULL;
    }
    return r;
}

TyRegister *register_read_csv(const char *name, const char *buf, size_t len, char *notice,
                              size_t noticesize, TyError *err)
{
    return read_csv(name, buf, len, NULL, notice, noticesize, err);
}

static int has_suffix(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

TyRegister *register_load(const char *path, char *notice, size_t noticesize, TyError *err)
{
    size_t n = strlen(path), xlen = 0;
    if (notice && noticesize) notice[0] = '\0';
    if (has_suffix(path, n, ".xlsx")) xlen = n;
    for (const char *h = strchr(path, '#'); !xlen && h; h = strchr(h + 1, '#'))
        if (has_suffix(path, (size_t)(h - path), ".xlsx")) xlen = (size_t)(h - path);
    int is_csv = has_suffix(path, n, ".csv");
    if (!is_csv && !xlen) {
        ty_error_at(err, TY_EUSAGE, path, 0, 0, "a register file must end in .csv or .xlsx");
        return NULL;
    }
    char *file = ty_strdup(path);
    if (!file) {
        ty_error_set(err, TY_ENOMEM, "not enough memory");
        return NULL;
    }
    if (xlen) file[xlen] = '\0';
    struct stat sb;
    TyRegister *r = NULL;
    char *buf = NULL;
    size_t len = 0;
    if (stat(file, &sb) == 0 && !S_ISREG(sb.st_mode))
        ty_error_at(err, TY_EUSAGE, file, 0, 0, "not a regular file");
    else if (file_read_all(file, REGISTER_MAX_BYTES, &buf, &len, err) == TY_OK)
        r = xlen ? register_read_xlsx(path, buf, len, err) : read_csv(path, buf, len, &buf, notice, noticesize, err);
    free(buf);
    ty_free(file);
    return r;
}
