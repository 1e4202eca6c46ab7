/* error.c — filling and formatting TyError. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ty_error_clear(TyError *e)
{
    if (!e) return;
    memset(e, 0, sizeof *e);
}

static void copy_file(TyError *e, const char *file)
{
    if (!file) { e->file[0] = '\0'; return; }
    snprintf(e->file, sizeof e->file, "%s", file);
}

TyStatus ty_error_set(TyError *e, TyStatus code, const char *fmt, ...)
{
    if (!e) return code;
    va_list ap;
    e->code = code;
    e->file[0] = '\0';
    e->line = e->col = 0;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

TyStatus ty_error_at(TyError *e, TyStatus code, const char *file, int line, int col,
                     const char *fmt, ...)
{
    if (!e) return code;
    va_list ap;
    e->code = code;
    copy_file(e, file);
    e->line = line;
    e->col = col;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *ty_error_format(const TyError *e, char *buf, size_t size)
{
    if (size == 0) return buf;
    if (e->file[0] && e->line > 0 && e->col > 0)
        snprintf(buf, size, "%s:%d:%d: %s", e->file, e->line, e->col, e->msg);
    else if (e->file[0] && e->line > 0)
        snprintf(buf, size, "%s:%d: %s", e->file, e->line, e->msg);
    else if (e->file[0])
        snprintf(buf, size, "%s: %s", e->file, e->msg);
    else
        snprintf(buf, size, "%s", e->msg);
    return buf;
}
