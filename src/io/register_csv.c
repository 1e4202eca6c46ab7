/* register_csv.c — a register from CSV text, and loading a register file by its extension. The
 * text goes through the plan reader's machinery: GB18030 / UTF-16 converted (planfile.h), the
 * strict CSV reader (BOM, line endings, quotes, Excel's trailing empty columns), then the table
 * rules of register_table.c. Lines above the header may say `# title: …` (a '#' as the line's
 * first byte); nothing else. A register may be larger than a plan: up to a million firm-years. */
#include "register_file.h"
#include "atomic.h"
#include "core/alloc.h"
#include "utf8.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define REGISTER_MAX_BYTES ((size_t)512 << 20)

/* Excel's encodings, as the plan reader converts them (planfile_csv.c; when its converter is
 * public this can call it): GB18030 when the whole text decodes so, UTF-16 with its BOM. The
 * converters open when the program starts: a package's sandbox, entered later, cannot load
 * glibc's gconv modules. */
static iconv_t gb18030_cd = (iconv_t)-1, utf16_cd = (iconv_t)-1;

__attribute__((constructor)) static void open_converters(void)
{
    gb18030_cd = iconv_open("UTF-8", "GB18030");
    utf16_cd = iconv_open("UTF-8", "UTF-16");
}

static int convert_text(const char *buf, size_t len, char **out, size_t *outlen, const char **enc)
{
    const unsigned char *d = (const unsigned char *)buf;
    int utf16 = len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF));
    if (!utf16 && utf8_validate(buf, len, &(TyUtf8Error){0})) return 0;
    *enc = utf16 ? "UTF-16" : "GB18030";
    iconv_t cd = utf16 ? utf16_cd : gb18030_cd;
    if (cd == (iconv_t)-1) return 0;
    iconv(cd, NULL, NULL, NULL, NULL);
    size_t cap = len * 2 + 16;   /* neither grows by more than 3/2 in UTF-8 */
    char *o = ty_malloc(cap), *in = (char *)buf, *op = o;
    size_t inleft = len, outleft = cap - 1;
    int ok = o && iconv(cd, &in, &inleft, &op, &outleft) != (size_t)-1 && inleft == 0
             && iconv(cd, NULL, NULL, &op, &outleft) != (size_t)-1;
    *outlen = ok ? (size_t)(op - o) : 0;
    if (!ok || memchr(o, '\0', *outlen) || !utf8_validate(o, *outlen, &(TyUtf8Error){0})) {
        ty_free(o);
        return 0;   /* the CSV reader then says "not UTF-8 … save as CSV UTF-8" */
    }
    *out = o;
    return 1;
}

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

/* The text is read into the CSV table, then the table into columns; *owned (the file's bytes,
 * when the caller hands them over) is freed in between, so a large register never holds the
 * file, its table and its columns at once. */
static TyRegister *read_csv(const char *name, const char *buf, size_t len, char **owned, char *notice,
                            size_t noticesize, TyError *err)
{
    char *conv = NULL;
    size_t clen = 0;
    const char *enc = NULL;
    if (notice && noticesize) notice[0] = '\0';
    if (convert_text(buf, len, &conv, &clen, &enc)) {
        if (notice && noticesize)
            snprintf(notice, noticesize, "read as %s; save as CSV UTF-8 to silence this", enc);
        buf = conv;
        len = clen;
    }
    TyRegister *r = register_new(name);
    TyStatus st = r ? TY_OK : ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
    size_t used = 0;
    int shift = 0;
    if (st == TY_OK) st = read_preamble(r, name, buf, len, &used, &shift, err);
    TyCsvTable t = {0};
    if (st == TY_OK) {
        TyCsvLimits lim;
        csv_limits_default(&lim);
        lim.max_bytes = REGISTER_MAX_BYTES;
        st = csv_read_buffer(name, buf + used, len - used, &lim, &t, err);
        if (st != TY_OK && err->line > 0) err->line += shift;
    }
    ty_free(conv);
    conv = NULL;
    if (owned) {
        free(*owned);
        *owned = NULL;
    }
    if (st == TY_OK) {
        for (size_t k = 0; shift && k < t.nrows * t.ncols; k++) t.cells[k].line += shift;
        st = register_read_table(r, &t, err);
        csv_table_free(&t);
    }
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
