/* planfile_cells.c — the cells both plan readers read alike (planfile_cells.h): one place for
 * the words a milestone's actuals may be written in and for how a target cell is kept. */
#include "planfile_cells.h"
#include "core/alloc.h"
#include "number.h"
#include "target_text.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Blanks around a cell are not part of what it says. */
static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) (*len)--;
}

static int digits(const char *s, size_t n, int *value)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return 1;
}

int planfile_year(const char *s, size_t len, int *year)
{
    trim(&s, &len);
    return len == 4 && digits(s, 4, year) && *year >= TY_YEAR_MIN && *year <= TY_YEAR_MAX;
}

/* Done / not done, as a bureau's table writes it. ASCII words in any case. */
static const char *const yes_words[] = { "是", "完成", "已完成", "yes", "y", "done", "true" };
static const char *const no_words[] = { "否", "未完成", "no", "n", "false" };

static int is_word(const char *s, size_t len, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0) return 1;
    return 0;
}

TyCellRead planfile_milestone_actual(const char *s, size_t len, int year, double *out,
                                     char *why, size_t whysize)
{
    TyNumResult r;
    if (number_parse(s, len, 0, &r) == NUM_MISSING) return CELL_MISSING;
    trim(&s, &len);
    if (is_word(s, len, yes_words, sizeof yes_words / sizeof yes_words[0])) {
        *out = 1;
        return CELL_VALUE;
    }
    if (is_word(s, len, no_words, sizeof no_words / sizeof no_words[0])) {
        *out = 0;
        return CELL_VALUE;
    }
    int y, m, d;
    if (len == 10 && s[4] == '-' && s[7] == '-' && digits(s, 4, &y) && digits(s + 5, 2, &m)
        && digits(s + 8, 2, &d) && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
        if (y != year) {
            snprintf(why, whysize, "the date %.10s is not in %d: a date says when the milestone was "
                     "done, so it goes in the column of its own year", s, year);
            return CELL_ERROR;
        }
        *out = 1;
        return CELL_VALUE;
    }
    snprintf(why, whysize, "a milestone's actual is 是/否, yes/no, 完成/未完成 or a date "
             "YYYY-MM-DD, found \"%.*s\"", (int)(len > 60 ? 60 : len), s);
    return CELL_ERROR;
}

TyCellRead planfile_target_cell(TyIndicator *ind, int year, const char *s, size_t len,
                                char *why, size_t whysize, size_t *offset, TyError *err)
{
    const char *t = s;
    size_t n = len;
    trim(&t, &n);
    TyTargetContext ctx = { ind->unit, year };
    TyTargetSpec spec;
    switch (target_text_parse(s, len, &ctx, &spec, why, whysize, offset)) {
    case TARGET_MISSING:
        return CELL_MISSING;
    case TARGET_ERROR:
        return CELL_ERROR;
    case TARGET_SPEC:
        break;
    }
    char *text = ty_malloc(n + 1);
    if (!text) {
        ty_error_set(err, TY_ENOMEM, "not enough memory for a target of %s", ind->id);
        snprintf(why, whysize, "%s", err->msg);
        *offset = 0;
        return CELL_ERROR;
    }
    memcpy(text, t, n);
    text[n] = '\0';
    TyStatus st = indicator_set_target(ind, year, &spec, text, err);
    ty_free(text);
    if (st != TY_OK) {
        snprintf(why, whysize, "%s", err->msg);
        *offset = 0;
        return CELL_ERROR;
    }
    return CELL_VALUE;
}
