/* xlsx.c — one sheet of an .xlsx workbook into its cells (contract in xlsx.h).
 *
 * The zip is read with libarchive from memory (zip only, no other format or filter); each part
 * is inflated in blocks and refused as soon as it passes its cap, so a header that lies about
 * the size changes nothing. The XML parts are parsed with expat; a DOCTYPE stops the parser at
 * its start, before any declaration in it is read, so no entity (internal or external) is ever
 * defined, let alone expanded. Element names are matched by their local part ("x:c" is "c"). */
#include "xlsx.h"
#include "core/alloc.h"
#include "utf8.h"

#include <archive.h>
#include <archive_entry.h>
#include <expat.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xlsx_limits_default(TyXlsxLimits *lim)
{
    lim->max_entry = (size_t)64 << 20;
    lim->max_total = (size_t)256 << 20;
    lim->max_cell_bytes = (size_t)64 << 10;
    lim->max_cells = (size_t)8 << 20;
    lim->max_rows = 1000000 + 1;
    lim->max_cols = 4096;
    lim->max_depth = 64;
}

/* ---- places ---- */

void xlsx_cell_name(int row, int col, char *buf, size_t size)
{
    char letters[8];
    int n = 0;
    for (int c = col; c > 0 && n < 7; c = (c - 1) / 26) letters[n++] = (char)('A' + (c - 1) % 26);
    char rev[8];
    for (int i = 0; i < n; i++) rev[i] = letters[n - 1 - i];
    rev[n] = '\0';
    snprintf(buf, size, "%s%d", rev, row);
}

void xlsx_place(const char *sheet, int row, int col, char *buf, size_t size)
{
    int quote = 0;
    for (const char *s = sheet; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x80 && !((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
            quote = 1;
    }
    char name[200];
    size_t o = 0;
    if (quote) name[o++] = '\'';
    for (const char *s = sheet; *s && o + 4 < sizeof name; s++) {
        if (*s == '\'' && quote) name[o++] = '\'';
        name[o++] = *s;
    }
    if (quote) name[o++] = '\'';
    name[o] = '\0';
    char cell[24];
    if (col > 0) xlsx_cell_name(row, col, cell, sizeof cell);
    else snprintf(cell, sizeof cell, "%d:%d", row, row);
    snprintf(buf, size, "%s!%s", name, cell);
}

/* ---- the zip ---- */

TyStatus xlsx_zip_entry(const char *file, const char *buf, size_t len, const char *entry,
                        size_t cap, char **out, size_t *outlen, int *found, TyError *err)
{
    *out = NULL;
    *outlen = 0;
    *found = 0;
    struct archive *a = archive_read_new();
    if (!a) return ty_error_set(err, TY_ENOMEM, "not enough memory to read %s", file);
    archive_read_support_format_zip(a);
    TyStatus st = TY_OK;
    if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
        st = ty_error_at(err, TY_EDATA, file, 0, 0, "not an xlsx workbook (not a zip archive: %s); "
                         "save it from Excel as .xlsx", archive_error_string(a) ? archive_error_string(a) : "unreadable");
        archive_read_free(a);
        return st;
    }
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        if (!name || strcmp(name, entry) != 0) continue;
        *found = 1;
        size_t size = 0, room = 4096;
        char *data = ty_malloc(room + 1);
        if (!data) { st = ty_error_set(err, TY_ENOMEM, "not enough memory to read %s", file); break; }
        for (;;) {
            if (size == room) {
                if (room >= cap) {
                    /* one byte more than the cap decides it */
                    char probe;
                    la_ssize_t n = archive_read_data(a, &probe, 1);
                    if (n == 0) break;
                    st = ty_error_at(err, TY_EDATA, file, 0, 0, "%s: the part inflates to more than "
                                     "%zu bytes (cap; a zip bomb?)", entry, cap);
                    break;
                }
                size_t nroom = room * 2 > cap ? cap : room * 2;
                char *nd = ty_realloc(data, nroom + 1);
                if (!nd) { st = ty_error_set(err, TY_ENOMEM, "not enough memory to read %s", file); break; }
                data = nd;
                room = nroom;
            }
            la_ssize_t n = archive_read_data(a, data + size, room - size);
            if (n == 0) break;
            if (n < 0) {
                st = ty_error_at(err, TY_EDATA, file, 0, 0, "%s: cannot inflate (%s)", entry,
                                 archive_error_string(a) ? archive_error_string(a) : "damaged zip");
                break;
            }
            size += (size_t)n;
        }
        if (st != TY_OK) { ty_free(data); break; }
        data[size] = '\0';
        *out = data;
        *outlen = size;
        break;
    }
    if (st == TY_OK && !*found && r != ARCHIVE_EOF)
        st = ty_error_at(err, TY_EDATA, file, 0, 0, "not an xlsx workbook (a damaged zip: %s)",
                         archive_error_string(a) ? archive_error_string(a) : "unreadable");
    archive_read_free(a);
    return st;
}

/* ---- XML: the driver every part uses ---- */

typedef struct Xml Xml;
struct Xml {
    XML_Parser p;
    const char *file, *part;
    const TyXlsxLimits *lim;
    TyError *err;
    TyStatus st;
    int depth;
    void (*start)(Xml *x, const char *name, const char **atts);
    void (*end)(Xml *x, const char *name);
    /* text collection: on while `collect`, into buf */
    int collect;
    char *buf;
    size_t blen, bcap;
};

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *want)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), want) == 0) return atts[i + 1];
    return NULL;
}

static void xml_fail(Xml *x, TyStatus code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void xml_fail(Xml *x, TyStatus code, const char *fmt, ...)
{
    if (x->st != TY_OK) return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    x->st = code;
    if (code == TY_ENOMEM) ty_error_set(x->err, code, "not enough memory to read %s", x->file);
    else ty_error_at(x->err, code, x->file, 0, 0, "%s: %s", x->part, msg);
    XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
    Xml *x = ud;
    if (x->st != TY_OK) return;
    if (++x->depth > x->lim->max_depth) {
        xml_fail(x, TY_EDATA, "elements nested deeper than %d (cap)", x->lim->max_depth);
        return;
    }
    x->start(x, local(name), atts);
}

static void XMLCALL on_end(void *ud, const char *name)
{
    Xml *x = ud;
    if (x->st != TY_OK) return;
    x->depth--;
    x->end(x, local(name));
}

static void XMLCALL on_text(void *ud, const char *s, int len)
{
    Xml *x = ud;
    if (x->st != TY_OK || !x->collect || len <= 0) return;
    if (x->blen + (size_t)len > x->lim->max_cell_bytes) {
        xml_fail(x, TY_EDATA, "a text longer than %zu bytes (cap)", x->lim->max_cell_bytes);
        return;
    }
    if (x->blen + (size_t)len + 1 > x->bcap) {
        size_t ncap = x->bcap ? x->bcap : 256;
        while (ncap < x->blen + (size_t)len + 1) ncap *= 2;
        char *nb = ty_realloc(x->buf, ncap);
        if (!nb) { xml_fail(x, TY_ENOMEM, "memory"); return; }
        x->buf = nb;
        x->bcap = ncap;
    }
    memcpy(x->buf + x->blen, s, (size_t)len);
    x->blen += (size_t)len;
    x->buf[x->blen] = '\0';
}

static void XMLCALL on_doctype(void *ud, const char *name, const char *sysid, const char *pubid,
                               int has_internal)
{
    xml_fail(ud, TY_EDATA, "a DOCTYPE declaration (entities are not allowed in a workbook)");
}

static void XMLCALL on_entity(void *ud, const char *name, int is_param, const char *value, int vlen,
                              const char *base, const char *sysid, const char *pubid, const char *notation)
{
    xml_fail(ud, TY_EDATA, "an entity declaration (entities are not allowed in a workbook)");
}

static TyStatus xml_parse(Xml *x, const char *data, size_t len)
{
    x->p = XML_ParserCreate("UTF-8");
    if (!x->p) return ty_error_set(x->err, TY_ENOMEM, "not enough memory to read %s", x->file);
    /* expat would read its hash salt from getrandom(), a system call the package sandbox does not
     * allow; a salt from this process's (randomised) addresses keeps attribute hashing
     * unpredictable to a file's author all the same. */
    XML_SetHashSalt(x->p, (unsigned long)(uintptr_t)x ^ ((unsigned long)(uintptr_t)&xml_parse << 7) ^ len);
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_text);
    XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
    XML_SetEntityDeclHandler(x->p, on_entity);
    XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
    x->st = TY_OK;
    x->depth = 0;
    if (len > INT32_MAX) {
        xml_fail(x, TY_EDATA, "too large");
    } else if (XML_Parse(x->p, data, (int)len, XML_TRUE) == XML_STATUS_ERROR && x->st == TY_OK) {
        x->st = ty_error_at(x->err, TY_EDATA, x->file, 0, 0, "%s: line %lu: not well-formed XML (%s)",
                            x->part, (unsigned long)XML_GetCurrentLineNumber(x->p),
                            XML_ErrorString(XML_GetErrorCode(x->p)));
    }
    XML_ParserFree(x->p);
    x->p = NULL;
    ty_free(x->buf);
    x->buf = NULL;
    x->blen = x->bcap = 0;
    return x->st;
}

static void text_reset(Xml *x)
{
    x->blen = 0;
    if (x->buf) x->buf[0] = '\0';
}

/* ---- a growing arena of NUL-terminated strings, by offset ---- */

typedef struct Strs {
    char *text;
    size_t len, cap;
    size_t *offs;
    size_t n, ncap;
} Strs;

static int strs_add(Strs *s, const char *t, size_t len)
{
    if (s->len + len + 1 > s->cap) {
        size_t ncap = s->cap ? s->cap : 1024;
        while (ncap < s->len + len + 1) ncap *= 2;
        char *nt = ty_realloc(s->text, ncap);
        if (!nt) return 0;
        s->text = nt;
        s->cap = ncap;
    }
    if (s->n == s->ncap) {
        size_t ncap = s->ncap ? s->ncap * 2 : 64;
        size_t *no = ty_realloc(s->offs, ncap * sizeof *no);
        if (!no) return 0;
        s->offs = no;
        s->ncap = ncap;
    }
    if (len) memcpy(s->text + s->len, t, len);
    s->text[s->len + len] = '\0';
    s->offs[s->n++] = s->len;
    s->len += len + 1;
    return 1;
}

static void strs_free(Strs *s)
{
    ty_free(s->text);
    ty_free(s->offs);
    memset(s, 0, sizeof *s);
}

/* ---- workbook.xml and its rels ---- */

typedef struct Book {
    Xml x;
    int date1904;
    Strs names, rids;   /* sheets in order */
} Book;

static void book_start(Xml *x, const char *name, const char **atts)
{
    Book *b = (Book *)x;
    if (strcmp(name, "workbookPr") == 0) {
        const char *d = attr(atts, "date1904");
        b->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    } else if (strcmp(name, "sheet") == 0) {
        const char *n = attr(atts, "name"), *id = attr(atts, "id");
        if (!n || !id) { xml_fail(x, TY_EDATA, "a <sheet> without name or r:id"); return; }
        if (!strs_add(&b->names, n, strlen(n)) || !strs_add(&b->rids, id, strlen(id))) xml_fail(x, TY_ENOMEM, "memory");
    }
}

static void no_end(Xml *x, const char *name) {}

typedef struct Rels {
    Xml x;
    const char *want;   /* the r:id */
    char *target;
} Rels;

static void rels_start(Xml *x, const char *name, const char **atts)
{
    Rels *r = (Rels *)x;
    if (strcmp(name, "Relationship") != 0 || r->target) return;
    const char *id = attr(atts, "Id"), *t = attr(atts, "Target");
    if (!id || !t || strcmp(id, r->want) != 0) return;
    /* relative to xl/, or absolute within the package */
    size_t n = strlen(t);
    r->target = ty_malloc(n + 4);
    if (!r->target) { xml_fail(x, TY_ENOMEM, "memory"); return; }
    if (t[0] == '/') snprintf(r->target, n + 4, "%s", t + 1);
    else snprintf(r->target, n + 4, "xl/%s", t);
}

/* ---- sharedStrings.xml ---- */

typedef struct Shared {
    Xml x;
    Strs s;
    int in_si, in_rph;
} Shared;

static void shared_start(Xml *x, const char *name, const char **atts)
{
    Shared *sh = (Shared *)x;
    if (strcmp(name, "si") == 0) {
        sh->in_si = 1;
        text_reset(x);
    } else if (strcmp(name, "rPh") == 0) {
        sh->in_rph = 1;
    } else if (strcmp(name, "t") == 0 && sh->in_si && !sh->in_rph) {
        x->collect = 1;
    }
}

static void shared_end(Xml *x, const char *name)
{
    Shared *sh = (Shared *)x;
    if (strcmp(name, "t") == 0) {
        x->collect = 0;
    } else if (strcmp(name, "rPh") == 0) {
        sh->in_rph = 0;
    } else if (strcmp(name, "si") == 0) {
        sh->in_si = 0;
        if (sh->s.n >= x->lim->max_cells) { xml_fail(x, TY_EDATA, "more than %zu strings (cap)", x->lim->max_cells); return; }
        if (!strs_add(&sh->s, x->buf ? x->buf : "", x->blen)) xml_fail(x, TY_ENOMEM, "memory");
    }
}

/* ---- styles.xml: which cell styles are dates or percentages ---- */

enum { FMT_PLAIN = 0, FMT_DATE = 1, FMT_PERCENT = 2 };

typedef struct Styles {
    Xml x;
    int *fmt_ids;           /* custom numFmt ids ... */
    unsigned char *fmt_kind;
    size_t nfmt, fmtcap;
    unsigned char *xf;      /* cellXfs in order: FMT_* */
    size_t nxf, xfcap;
    int in_cellxfs;
} Styles;

int xlsx_format_is_date(const char *code)
{
    int quoted = 0, bracket = 0;
    for (const char *s = code; *s; s++) {
        char c = *s;
        if (quoted) { if (c == '"') quoted = 0; continue; }
        if (bracket) { if (c == ']') bracket = 0; continue; }
        if (c == '"') { quoted = 1; continue; }
        if (c == '[') { bracket = 1; continue; }
        if (c == '\\' || c == '_' || c == '*') { if (s[1]) s++; continue; }
        if (strchr("yYmMdDhHsS", c)) return 1;
    }
    return 0;
}

static int format_is_percent(const char *code)
{
    int quoted = 0;
    for (const char *s = code; *s; s++) {
        if (*s == '"') quoted = !quoted;
        else if (!quoted && *s == '\\' && s[1]) s++;
        else if (!quoted && *s == '%') return 1;
    }
    return 0;
}

static int builtin_kind(int id)
{
    if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return FMT_DATE;
    if (id == 9 || id == 10) return FMT_PERCENT;
    return FMT_PLAIN;
}

static void styles_start(Xml *x, const char *name, const char **atts)
{
    Styles *st = (Styles *)x;
    if (strcmp(name, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (!id || !code) return;
        if (st->nfmt == st->fmtcap) {
            size_t ncap = st->fmtcap ? st->fmtcap * 2 : 16;
            if (ncap > 65536) { xml_fail(x, TY_EDATA, "too many number formats"); return; }
            int *ni = ty_realloc(st->fmt_ids, ncap * sizeof *ni);
            if (ni) st->fmt_ids = ni;
            unsigned char *nk = ty_realloc(st->fmt_kind, ncap);
            if (nk) st->fmt_kind = nk;
            if (!ni || !nk) { xml_fail(x, TY_ENOMEM, "memory"); return; }
            st->fmtcap = ncap;
        }
        st->fmt_ids[st->nfmt] = atoi(id);
        st->fmt_kind[st->nfmt++] = xlsx_format_is_date(code) ? FMT_DATE
                                   : format_is_percent(code) ? FMT_PERCENT : FMT_PLAIN;
    } else if (strcmp(name, "cellXfs") == 0) {
        st->in_cellxfs = 1;
    } else if (strcmp(name, "xf") == 0 && st->in_cellxfs) {
        const char *id = attr(atts, "numFmtId");
        int fid = id ? atoi(id) : 0;
        int kind = builtin_kind(fid);
        for (size_t k = 0; k < st->nfmt; k++)
            if (st->fmt_ids[k] == fid) kind = st->fmt_kind[k];
        if (st->nxf == st->xfcap) {
            size_t ncap = st->xfcap ? st->xfcap * 2 : 64;
            if (ncap > ((size_t)1 << 20)) { xml_fail(x, TY_EDATA, "too many cell styles"); return; }
            unsigned char *n = ty_realloc(st->xf, ncap);
            if (!n) { xml_fail(x, TY_ENOMEM, "memory"); return; }
            st->xf = n;
            st->xfcap = ncap;
        }
        st->xf[st->nxf++] = (unsigned char)kind;
    }
}

static void styles_end(Xml *x, const char *name)
{
    if (strcmp(name, "cellXfs") == 0) ((Styles *)x)->in_cellxfs = 0;
}

/* ---- dates ---- */

/* Days since 1970-01-01 -> civil date (proleptic Gregorian). */
static void civil(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

int xlsx_serial_date(double serial, int date1904, char *buf, size_t size)
{
    if (!(serial >= 0 && serial < 2958466)) return 0;   /* up to 9999-12-31 */
    long days = (long)floor(serial), unix_days;
    if (date1904) unix_days = days - 24107;
    else if (days >= 61) unix_days = days - 25569;
    else if (days >= 1 && days <= 59) unix_days = days - 25568;
    else return 0;   /* 0 (1900-01-00) and 60 (Excel's 1900-02-29, a day that never was) */
    int y, m, d;
    civil(unix_days, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
    return 1;
}

/* "0.12" -> "12%", "-1.5E-3" -> "-1.5E-1%": the decimal point moved two places, exactly. */
static int percent_text(const char *v, char *out, size_t size)
{
    const char *e = strpbrk(v, "eE");
    if (e) {
        long ex = strtol(e + 1, NULL, 10);
        return snprintf(out, size, "%.*sE%ld%%", (int)(e - v), v, ex + 2) < (int)size;
    }
    const char *s = v;
    char sign = 0;
    if (*s == '-' || *s == '+') sign = *s++;
    const char *dot = strchr(s, '.');
    size_t ilen = dot ? (size_t)(dot - s) : strlen(s);
    const char *frac = dot ? dot + 1 : "";
    size_t flen = strlen(frac);
    char digits[80];
    if (ilen + 2 + flen + 1 > sizeof digits) return 0;
    size_t o = 0;
    memcpy(digits, s, ilen);
    o = ilen;
    for (size_t k = 0; k < 2; k++) digits[o++] = k < flen ? frac[k] : '0';
    size_t start = 0;
    while (start + 1 < o && digits[start] == '0') start++;
    int n = snprintf(out, size, "%s%.*s", sign == '-' ? "-" : "", (int)(o - start), digits + start);
    if (n < 0 || (size_t)n >= size) return 0;
    if (flen > 2) n += snprintf(out + n, size - (size_t)n, ".%s", frac + 2);
    return snprintf(out + n, size - (size_t)n, "%%") == 1;
}

/* ---- the sheet ---- */

typedef struct SheetX {
    Xml x;
    const char *sheet;      /* its name, for places */
    const Strs *shared;     /* may be NULL: no sharedStrings part */
    const Styles *styles;
    int date1904;
    int row, col;           /* current row (from <row r>) and the last cell's column */
    /* the current cell */
    int crow, ccol, in_c, in_v, in_is, in_rph, has_f, has_v, style;
    char type[16];
    char *v;                /* <v> text */
    size_t vlen;
    /* results */
    TyXlsxCell *cells;
    size_t ncells, cap;
    Strs text;
    TyXlsxMerge *merges;
    size_t nmerges, mcap;
} SheetX;

static void cell_fail(SheetX *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void cell_fail(SheetX *s, const char *fmt, ...)
{
    if (s->x.st != TY_OK) return;
    char msg[600], place[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    xlsx_place(s->sheet, s->crow, s->ccol, place, sizeof place);
    s->x.st = TY_EDATA;
    char file[256];
    snprintf(file, sizeof file, "%s:%s", s->x.file, place);
    ty_error_at(s->x.err, TY_EDATA, file, 0, 0, "%s", msg);
    XML_StopParser(s->x.p, XML_FALSE);
}

/* "D7" -> row 7, col 4. 0 if not a cell reference. */
static int parse_ref(const char *r, int *row, int *col)
{
    int c = 0, n = 0;
    while (*r >= 'A' && *r <= 'Z') {
        c = c * 26 + (*r++ - 'A' + 1);
        if (++n > 3) return 0;
    }
    if (*r == '$') r++;
    long rr = 0;
    int digits = 0;
    while (*r >= '0' && *r <= '9') {
        rr = rr * 10 + (*r++ - '0');
        if (++digits > 7) return 0;
    }
    if (*r || !n || !digits || c > 16384 || rr < 1 || rr > 1048576) return 0;
    *row = (int)rr;
    *col = c;
    return 1;
}

static void sheet_start(Xml *x, const char *name, const char **atts)
{
    SheetX *s = (SheetX *)x;
    if (strcmp(name, "row") == 0) {
        const char *r = attr(atts, "r");
        long n = r ? strtol(r, NULL, 10) : s->row + 1;
        if (n < 1 || n > 1048576 || n <= s->row) { xml_fail(x, TY_EDATA, "a <row> out of order or out of range (r=\"%s\")", r ? r : ""); return; }
        s->row = (int)n;
        s->col = 0;
    } else if (strcmp(name, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t"), *st = attr(atts, "s");
        int row = s->row, col = s->col + 1;
        if (r && !parse_ref(r, &row, &col)) { xml_fail(x, TY_EDATA, "a bad cell reference \"%.20s\"", r); return; }
        if (row != s->row || col <= s->col) { xml_fail(x, TY_EDATA, "cell %.20s out of order", r ? r : "?"); return; }
        s->crow = row;
        s->ccol = col;
        s->col = col;
        s->in_c = 1;
        s->has_f = s->has_v = 0;
        s->style = st ? atoi(st) : 0;
        snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
        ty_free(s->v);
        s->v = NULL;
        s->vlen = 0;
        text_reset(x);
        if (row > x->lim->max_rows) cell_fail(s, "a cell beyond row %d (cap max_rows)", x->lim->max_rows);
        else if (col > x->lim->max_cols) cell_fail(s, "a cell beyond column %d (cap max_cols)", x->lim->max_cols);
    } else if (!s->in_c) {
        if (strcmp(name, "mergeCell") == 0) {
            const char *ref = attr(atts, "ref");
            char a[16], b[16];
            const char *colon = ref ? strchr(ref, ':') : NULL;
            TyXlsxMerge m;
            if (!colon || (size_t)(colon - ref) >= sizeof a || strlen(colon + 1) >= sizeof b) {
                xml_fail(x, TY_EDATA, "a bad <mergeCell ref=\"%.30s\">", ref ? ref : "");
                return;
            }
            memcpy(a, ref, (size_t)(colon - ref));
            a[colon - ref] = '\0';
            snprintf(b, sizeof b, "%s", colon + 1);
            if (!parse_ref(a, &m.r1, &m.c1) || !parse_ref(b, &m.r2, &m.c2) || m.r2 < m.r1 || m.c2 < m.c1) {
                xml_fail(x, TY_EDATA, "a bad <mergeCell ref=\"%.30s\">", ref);
                return;
            }
            if (s->nmerges >= 65536) { xml_fail(x, TY_EDATA, "more than 65536 merged ranges (cap)"); return; }
            if (s->nmerges == s->mcap) {
                size_t ncap = s->mcap ? s->mcap * 2 : 16;
                TyXlsxMerge *nm = ty_realloc(s->merges, ncap * sizeof *nm);
                if (!nm) { xml_fail(x, TY_ENOMEM, "memory"); return; }
                s->merges = nm;
                s->mcap = ncap;
            }
            s->merges[s->nmerges++] = m;
        }
    } else if (strcmp(name, "v") == 0) {
        s->in_v = 1;
        s->has_v = 1;
        text_reset(x);
        x->collect = 1;
    } else if (strcmp(name, "f") == 0) {
        s->has_f = 1;
    } else if (strcmp(name, "is") == 0) {
        s->in_is = 1;
        text_reset(x);
    } else if (strcmp(name, "rPh") == 0) {
        s->in_rph = 1;
    } else if (strcmp(name, "t") == 0 && s->in_is && !s->in_rph) {
        x->collect = 1;
    }
}

static void add_cell(SheetX *s, const char *t, size_t len)
{
    if (len == 0) return;   /* empty: not a cell */
    if (s->ncells >= s->x.lim->max_cells) { cell_fail(s, "more than %zu cells (cap max_cells)", s->x.lim->max_cells); return; }
    TyUtf8Error u;
    if (!utf8_validate(t, len, &u)) { cell_fail(s, "invalid UTF-8"); return; }
    if (s->ncells == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 256;
        TyXlsxCell *nc = ty_realloc(s->cells, ncap * sizeof *nc);
        if (!nc) { xml_fail(&s->x, TY_ENOMEM, "memory"); return; }
        s->cells = nc;
        s->cap = ncap;
    }
    if (!strs_add(&s->text, t, len)) { xml_fail(&s->x, TY_ENOMEM, "memory"); return; }
    TyXlsxCell *c = &s->cells[s->ncells++];
    c->row = s->crow;
    c->col = s->ccol;
    c->text = NULL;   /* set at the end: the arena moves while growing */
    c->len = len;
}

static void finish_cell(SheetX *s)
{
    const char *v = s->v ? s->v : "";
    size_t vlen = s->vlen;
    const char *t = s->type;
    if (strcmp(t, "inlineStr") == 0) {
        add_cell(s, s->x.buf ? s->x.buf : "", s->x.blen);
        return;
    }
    if (s->has_f && vlen == 0 && strcmp(t, "str") != 0) {
        cell_fail(s, "a formula without a saved value: open the workbook in Excel or LibreOffice "
                  "and save it, so its values are stored");
        return;
    }
    if (vlen == 0) return;
    if (strcmp(t, "s") == 0) {
        char *end;
        unsigned long k = strtoul(v, &end, 10);
        if (*end || !s->shared || k >= s->shared->n) {
            cell_fail(s, s->shared ? "shared string %s does not exist" : "a shared string (%s) but the "
                      "workbook has no xl/sharedStrings.xml", v);
            return;
        }
        const char *str = s->shared->text + s->shared->offs[k];
        add_cell(s, str, strlen(str));
    } else if (strcmp(t, "b") == 0) {
        if (strcmp(v, "1") == 0) add_cell(s, "TRUE", 4);
        else if (strcmp(v, "0") == 0) add_cell(s, "FALSE", 5);
        else cell_fail(s, "a boolean cell holding \"%.20s\"", v);
    } else if (strcmp(t, "d") == 0) {
        /* an ISO 8601 date: its date part */
        add_cell(s, v, vlen >= 10 && v[4] == '-' && v[7] == '-' ? 10 : vlen);
    } else if (strcmp(t, "n") == 0) {
        int kind = FMT_PLAIN;
        if (s->styles && s->style >= 0 && (size_t)s->style < s->styles->nxf) kind = s->styles->xf[s->style];
        if (kind == FMT_DATE) {
            char *end;
            double d = strtod(v, &end);
            char date[16];
            if (*end || !xlsx_serial_date(d, s->date1904, date, sizeof date)) {
                cell_fail(s, "a date cell holding %.30s, not a day Excel can show", v);
                return;
            }
            add_cell(s, date, strlen(date));
        } else if (kind == FMT_PERCENT) {
            char pct[128];
            if (!percent_text(v, pct, sizeof pct)) { cell_fail(s, "a percentage cell holding \"%.30s\"", v); return; }
            add_cell(s, pct, strlen(pct));
        } else {
            add_cell(s, v, vlen);
        }
    } else {   /* str (a formula's text), e (an error such as #DIV/0!): as written */
        add_cell(s, v, vlen);
    }
}

static void sheet_end(Xml *x, const char *name)
{
    SheetX *s = (SheetX *)x;
    if (!s->in_c) return;
    if (strcmp(name, "v") == 0 && s->in_v) {
        s->in_v = 0;
        x->collect = 0;
        ty_free(s->v);
        s->v = ty_malloc(x->blen + 1);
        if (!s->v) { xml_fail(x, TY_ENOMEM, "memory"); return; }
        memcpy(s->v, x->buf ? x->buf : "", x->blen);
        s->v[x->blen] = '\0';
        s->vlen = x->blen;
        text_reset(x);
    } else if (strcmp(name, "t") == 0) {
        x->collect = 0;
    } else if (strcmp(name, "rPh") == 0) {
        s->in_rph = 0;
    } else if (strcmp(name, "is") == 0) {
        s->in_is = 0;
        x->collect = 0;
    } else if (strcmp(name, "c") == 0) {
        finish_cell(s);
        s->in_c = 0;
        ty_free(s->v);
        s->v = NULL;
        s->vlen = 0;
    }
}

/* ---- putting it together ---- */

static TyStatus read_part(const char *file, const char *buf, size_t len, const char *part,
                          const TyXlsxLimits *lim, size_t *total, int required,
                          char **out, size_t *outlen, TyError *err)
{
    int found;
    size_t cap = lim->max_entry;
    if (lim->max_total - *total < cap) cap = lim->max_total - *total;
    TyStatus st = xlsx_zip_entry(file, buf, len, part, cap, out, outlen, &found, err);
    if (st != TY_OK) return st;
    if (!found && required)
        return ty_error_at(err, TY_EDATA, file, 0, 0, "not an xlsx workbook: the part %s is missing", part);
    *total += *outlen;
    return TY_OK;
}

TyStatus xlsx_read_sheet(const char *file, const char *buf, size_t len, const char *sheet,
                         const TyXlsxLimits *lim_in, TyXlsxSheet *out, TyError *err)
{
    TyXlsxLimits lim;
    if (lim_in) lim = *lim_in;
    else xlsx_limits_default(&lim);
    memset(out, 0, sizeof *out);
    size_t total = 0, plen = 0;
    char *part = NULL;
    TyStatus st;
    Book book;
    Rels rels;
    Shared shared;
    Styles styles;
    SheetX sx;
    memset(&book, 0, sizeof book);
    memset(&rels, 0, sizeof rels);
    memset(&shared, 0, sizeof shared);
    memset(&styles, 0, sizeof styles);
    memset(&sx, 0, sizeof sx);
    char sheet_part[300];
    const char *sheet_name = NULL;

    /* the workbook: its sheets and the date system */
    st = read_part(file, buf, len, "xl/workbook.xml", &lim, &total, 1, &part, &plen, err);
    if (st == TY_OK) {
        book.x = (Xml){ .file = file, .part = "xl/workbook.xml", .lim = &lim, .err = err,
                        .start = book_start, .end = no_end };
        st = xml_parse(&book.x, part, plen);
    }
    ty_free(part);
    part = NULL;
    if (st == TY_OK) {
        size_t k = 0;
        if (book.names.n == 0) {
            st = ty_error_at(err, TY_EDATA, file, 0, 0, "xl/workbook.xml: the workbook has no sheet");
        } else if (sheet && *sheet) {
            for (k = 0; k < book.names.n; k++)
                if (strcmp(book.names.text + book.names.offs[k], sheet) == 0) break;
            if (k == book.names.n) {
                char list[400];
                size_t o = 0;
                list[0] = '\0';
                for (size_t i = 0; i < book.names.n && o + 80 < sizeof list; i++)
                    o += (size_t)snprintf(list + o, sizeof list - o, "%s\"%.60s\"", i ? ", " : "",
                                          book.names.text + book.names.offs[i]);
                st = ty_error_at(err, TY_EDATA, file, 0, 0, "no sheet \"%.100s\" in the workbook; its sheets: %s",
                                 sheet, list);
            }
        }
        if (st == TY_OK) {
            sheet_name = book.names.text + book.names.offs[k];
            rels.want = book.rids.text + book.rids.offs[k];
        }
    }
    /* which part the sheet is */
    if (st == TY_OK) st = read_part(file, buf, len, "xl/_rels/workbook.xml.rels", &lim, &total, 1, &part, &plen, err);
    if (st == TY_OK) {
        rels.x = (Xml){ .file = file, .part = "xl/_rels/workbook.xml.rels", .lim = &lim, .err = err,
                        .start = rels_start, .end = no_end };
        st = xml_parse(&rels.x, part, plen);
        if (st == TY_OK && !rels.target)
            st = ty_error_at(err, TY_EDATA, file, 0, 0, "xl/_rels/workbook.xml.rels: no part for sheet \"%s\" (%s)",
                             sheet_name, rels.want);
        if (st == TY_OK) snprintf(sheet_part, sizeof sheet_part, "%s", rels.target);
    }
    ty_free(part);
    part = NULL;
    /* shared strings (optional: a workbook of numbers and inline strings has none) */
    if (st == TY_OK) st = read_part(file, buf, len, "xl/sharedStrings.xml", &lim, &total, 0, &part, &plen, err);
    int have_shared = part != NULL;
    if (st == TY_OK && have_shared) {
        shared.x = (Xml){ .file = file, .part = "xl/sharedStrings.xml", .lim = &lim, .err = err,
                          .start = shared_start, .end = shared_end };
        st = xml_parse(&shared.x, part, plen);
    }
    ty_free(part);
    part = NULL;
    /* styles (optional): which cells hold dates or percentages */
    if (st == TY_OK) st = read_part(file, buf, len, "xl/styles.xml", &lim, &total, 0, &part, &plen, err);
    if (st == TY_OK && part) {
        styles.x = (Xml){ .file = file, .part = "xl/styles.xml", .lim = &lim, .err = err,
                          .start = styles_start, .end = styles_end };
        st = xml_parse(&styles.x, part, plen);
    }
    ty_free(part);
    part = NULL;
    /* the sheet */
    if (st == TY_OK) st = read_part(file, buf, len, sheet_part, &lim, &total, 1, &part, &plen, err);
    if (st == TY_OK) {
        sx.x = (Xml){ .file = file, .part = sheet_part, .lim = &lim, .err = err,
                      .start = sheet_start, .end = sheet_end };
        sx.sheet = sheet_name;
        sx.shared = have_shared ? &shared.s : NULL;
        sx.styles = &styles;
        sx.date1904 = book.date1904;
        st = xml_parse(&sx.x, part, plen);
    }
    ty_free(part);
    if (st == TY_OK) {
        out->name = ty_strdup(sheet_name);
        if (!out->name) st = ty_error_set(err, TY_ENOMEM, "not enough memory to read %s", file);
    }
    if (st == TY_OK) {
        for (size_t k = 0; k < sx.ncells; k++) sx.cells[k].text = sx.text.text + sx.text.offs[k];
        /* already in row, then column order: sheet_start refuses rows and cells out of order
         * (and qsort is not used: glibc's asks sysinfo(), which the package sandbox refuses) */
        out->cells = sx.cells;
        out->ncells = sx.ncells;
        out->arena = sx.text.text;
        out->merges = sx.merges;
        out->nmerges = sx.nmerges;
        sx.cells = NULL;
        sx.text.text = NULL;
        sx.merges = NULL;
    }
    ty_free(sx.cells);
    ty_free(sx.merges);
    ty_free(sx.v);
    strs_free(&sx.text);
    strs_free(&book.names);
    strs_free(&book.rids);
    ty_free(rels.target);
    strs_free(&shared.s);
    ty_free(styles.fmt_ids);
    ty_free(styles.fmt_kind);
    ty_free(styles.xf);
    if (st != TY_OK) xlsx_sheet_free(out);
    return st;
}

void xlsx_sheet_free(TyXlsxSheet *s)
{
    if (!s) return;
    ty_free(s->name);
    ty_free(s->cells);
    ty_free(s->arena);
    ty_free(s->merges);
    memset(s, 0, sizeof *s);
}
