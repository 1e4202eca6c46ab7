/* docx.c — a .docx document's text, one paragraph per line (contract in docx.h).
 *
 * Elements are told apart by namespace (expat's namespace processing: "uri|local"), not by
 * prefix, which a producer may choose freely; both the transitional and the strict
 * WordprocessingML namespaces are read. As in the xlsx reader, a DOCTYPE stops the parser at its
 * start, before any declaration in it is read, so no entity is ever defined, let alone expanded. */
#include "docx.h"
#include "xlsx.h"
#include "core/alloc.h"

#include <expat.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PART "word/document.xml"

static const char *const W_NS[] = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
};
static const char MC_NS[] = "http://schemas.openxmlformats.org/markup-compatibility/2006";

void docx_limits_default(TyDocxLimits *lim)
{
    lim->max_entry = (size_t)64 << 20;
    lim->max_text = (size_t)16 << 20;
    lim->max_depth = 128;
}

typedef struct Doc {
    XML_Parser p;
    const char *file;
    const TyDocxLimits *lim;
    TyError *err;
    TyStatus st;
    int depth;
    int skip;       /* depth of an <mc:Fallback> being skipped, 0 when none */
    int in_t;       /* inside <w:t> */
    int in_run;     /* inside <w:r> (a <w:tab> elsewhere is a tab stop, not a tab) */
    int in_p;       /* paragraphs open: more than 1 is a text box's paragraph inside another */
    char *buf;
    size_t len, cap;
} Doc;

static void doc_fail(Doc *d, TyStatus code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void doc_fail(Doc *d, TyStatus code, const char *fmt, ...)
{
    if (d->st != TY_OK) return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->st = code;
    if (code == TY_ENOMEM) ty_error_set(d->err, code, "not enough memory to read %s", d->file);
    else ty_error_at(d->err, code, d->file, 0, 0, "%s: %s", PART, msg);
    XML_StopParser(d->p, XML_FALSE);
}

static void put(Doc *d, const char *s, size_t n)
{
    if (d->st != TY_OK || n == 0) return;
    if (d->len + n > d->lim->max_text) {
        doc_fail(d, TY_EDATA, "a text longer than %zu bytes (cap)", d->lim->max_text);
        return;
    }
    if (d->len + n + 1 > d->cap) {
        size_t ncap = d->cap ? d->cap : 4096;
        while (ncap < d->len + n + 1) ncap *= 2;
        char *nb = ty_realloc(d->buf, ncap);
        if (!nb) { doc_fail(d, TY_ENOMEM, "memory"); return; }
        d->buf = nb;
        d->cap = ncap;
    }
    memcpy(d->buf + d->len, s, n);
    d->len += n;
    d->buf[d->len] = '\0';
}

/* "uri|local": which namespace (1 WordprocessingML, 2 markup compatibility, 0 other) and *local. */
static int ns_of(const char *name, const char **local)
{
    const char *bar = strchr(name, '|');
    *local = bar ? bar + 1 : name;
    if (!bar) return 0;
    size_t n = (size_t)(bar - name);
    for (size_t k = 0; k < sizeof W_NS / sizeof W_NS[0]; k++)
        if (strlen(W_NS[k]) == n && memcmp(name, W_NS[k], n) == 0) return 1;
    if (strlen(MC_NS) == n && memcmp(name, MC_NS, n) == 0) return 2;
    return 0;
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
    Doc *d = ud;
    if (d->st != TY_OK) return;
    if (++d->depth > d->lim->max_depth) {
        doc_fail(d, TY_EDATA, "elements nested deeper than %d (cap)", d->lim->max_depth);
        return;
    }
    if (d->skip) return;
    const char *l;
    int ns = ns_of(name, &l);
    if (ns == 2 && strcmp(l, "Fallback") == 0) { d->skip = d->depth; return; }
    if (ns != 1) return;
    if (strcmp(l, "p") == 0) {
        if (d->in_p++) put(d, " ", 1);   /* a text box's paragraph: a space, not a line */
    } else if (strcmp(l, "r") == 0) {
        d->in_run++;
    } else if (strcmp(l, "t") == 0) {
        d->in_t++;
    } else if (d->in_run && strcmp(l, "tab") == 0) {
        put(d, " ", 1);
    } else if (d->in_run && (strcmp(l, "br") == 0 || strcmp(l, "cr") == 0)) {
        put(d, "\n", 1);
    } else if (d->in_run && strcmp(l, "noBreakHyphen") == 0) {
        put(d, "-", 1);
    }
}

static void XMLCALL on_end(void *ud, const char *name)
{
    Doc *d = ud;
    if (d->st != TY_OK) return;
    int depth = d->depth--;
    if (d->skip) {
        if (d->skip == depth) d->skip = 0;
        return;
    }
    const char *l;
    if (ns_of(name, &l) != 1) return;
    if (strcmp(l, "p") == 0) {
        if (d->in_p > 0 && --d->in_p == 0) put(d, "\n", 1);
    } else if (strcmp(l, "r") == 0) {
        if (d->in_run > 0) d->in_run--;
    } else if (strcmp(l, "t") == 0) {
        if (d->in_t > 0) d->in_t--;
    }
}

static void XMLCALL on_text(void *ud, const char *s, int len)
{
    Doc *d = ud;
    if (d->st != TY_OK || d->skip || !d->in_t || len <= 0) return;
    /* A line end or tab typed inside <w:t> is white space to Word; here it must not start a line. */
    int start = 0;
    for (int i = 0; i < len; i++) {
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
            put(d, s + start, (size_t)(i - start));
            put(d, " ", 1);
            start = i + 1;
        }
    }
    put(d, s + start, (size_t)(len - start));
}

static void XMLCALL on_doctype(void *ud, const char *name, const char *sysid, const char *pubid,
                               int has_internal)
{
    doc_fail(ud, TY_EDATA, "a DOCTYPE declaration (entities are not allowed in a document)");
}

static void XMLCALL on_entity(void *ud, const char *name, int is_param, const char *value, int vlen,
                              const char *base, const char *sysid, const char *pubid, const char *notation)
{
    doc_fail(ud, TY_EDATA, "an entity declaration (entities are not allowed in a document)");
}

static TyStatus parse(Doc *d, const char *xml, size_t len)
{
    d->p = XML_ParserCreateNS("UTF-8", '|');
    if (!d->p) return ty_error_set(d->err, TY_ENOMEM, "not enough memory to read %s", d->file);
    /* expat's own salt comes from getrandom(), which the package sandbox forbids (see xlsx.c). */
    XML_SetHashSalt(d->p, (unsigned long)(uintptr_t)d ^ ((unsigned long)(uintptr_t)&parse << 7) ^ len);
    XML_SetUserData(d->p, d);
    XML_SetElementHandler(d->p, on_start, on_end);
    XML_SetCharacterDataHandler(d->p, on_text);
    XML_SetStartDoctypeDeclHandler(d->p, on_doctype);
    XML_SetEntityDeclHandler(d->p, on_entity);
    XML_SetParamEntityParsing(d->p, XML_PARAM_ENTITY_PARSING_NEVER);
    if (len > INT32_MAX) {
        doc_fail(d, TY_EDATA, "too large");
    } else if (XML_Parse(d->p, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR && d->st == TY_OK) {
        d->st = ty_error_at(d->err, TY_EDATA, d->file, 0, 0, "%s: line %lu: not well-formed XML (%s)", PART,
                            (unsigned long)XML_GetCurrentLineNumber(d->p), XML_ErrorString(XML_GetErrorCode(d->p)));
    }
    XML_ParserFree(d->p);
    d->p = NULL;
    return d->st;
}

/* The zip reader speaks of workbooks; a document is named as one. */
static void as_document(TyError *err)
{
    static const char xl[] = "not an xlsx workbook";
    if (strncmp(err->msg, xl, sizeof xl - 1) != 0) return;
    char rest[sizeof err->msg];
    snprintf(rest, sizeof rest, "%s", err->msg + sizeof xl - 1);
    char *tail = strstr(rest, "; save it from Excel");
    if (tail) *tail = '\0';
    snprintf(err->msg, sizeof err->msg, "not a .docx document%.700s; save it from Word as .docx", rest);
}

TyStatus docx_read_text(const char *file, const char *buf, size_t len, const TyDocxLimits *lim,
                        char **out, size_t *outlen, TyError *err)
{
    TyDocxLimits dflt;
    if (!lim) { docx_limits_default(&dflt); lim = &dflt; }
    *out = NULL;
    *outlen = 0;
    char *xml = NULL;
    size_t xlen = 0;
    int found = 0;
    TyStatus st = xlsx_zip_entry(file, buf, len, PART, lim->max_entry, &xml, &xlen, &found, err);
    if (st != TY_OK) {
        as_document(err);
        return st;
    }
    if (!found)
        return ty_error_at(err, TY_EDATA, file, 0, 0, "no %s in the zip: not a Word .docx document", PART);
    Doc d;
    memset(&d, 0, sizeof d);
    d.file = file;
    d.lim = lim;
    d.err = err;
    st = parse(&d, xml, xlen);
    ty_free(xml);
    if (st == TY_OK && !d.buf) {   /* no paragraph at all: the empty text */
        d.buf = ty_malloc(1);
        if (!d.buf) st = ty_error_set(err, TY_ENOMEM, "not enough memory to read %s", file);
        else d.buf[0] = '\0';
    }
    if (st != TY_OK) {
        ty_free(d.buf);
        return st;
    }
    *out = d.buf;
    *outlen = d.len;
    return TY_OK;
}
