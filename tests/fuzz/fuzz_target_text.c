/* fuzz_target_text.c — libFuzzer target for target_text_parse, the reader of target cells as
 * written (docs/targets.md), in rows of several units and years. It checks the promises of
 * target_text.h: parsing never crashes or reads past len; an error is one line of valid UTF-8
 * with an offset inside the text; and every spec read, written back by target_text_format,
 * reads again as the same spec in the same row (the round trip of the normalised form). */
#include "io/target_text.h"
#include "io/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "check failed: %s\n", #cond); abort(); } } while (0)

static int same_number(double x, double y) { return (isnan(x) && isnan(y)) || x == y; }

static void check_in(const char *text, size_t len, const TyTargetContext *ctx)
{
    TyTargetSpec s;
    char why[256];
    size_t off = (size_t)-1;
    TyTargetParse r = target_text_parse(text, len, ctx, &s, why, sizeof why, &off);
    switch (r) {
    case TARGET_ERROR:
        CHECK(why[0] != '\0');
        CHECK(utf8_validate(why, strlen(why), NULL));
        CHECK(strchr(why, '\n') == NULL);
        CHECK(off <= len);
        return;
    case TARGET_MISSING:
        return;
    case TARGET_SPEC:
        break;
    default:
        CHECK(0);
    }
    CHECK(s.shape >= TY_SHAPE_LEVEL && s.shape <= TY_SHAPE_MILESTONE);
    CHECK(isnan(s.a) || isfinite(s.a));
    CHECK(isnan(s.b) || isfinite(s.b));
    CHECK(memchr(s.ref, '\0', sizeof s.ref) != NULL);

    char form[160];
    target_text_format(&s, form, sizeof form);
    TyTargetSpec again;
    char why2[768];
    if (target_text_parse(form, strlen(form), ctx, &again, why2, sizeof why2, NULL) != TARGET_SPEC) {
        fprintf(stderr, "\"%s\" does not read back: %s\n", form, why2);
        abort();
    }
    CHECK(again.shape == s.shape);
    CHECK(again.op == s.op);
    CHECK(same_number(again.a, s.a));
    CHECK(same_number(again.b, s.b));
    CHECK(again.from == s.from && again.to == s.to);
    CHECK(strcmp(again.ref, s.ref) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly size bytes on the heap, so ASan sees any read past len. */
    char *text = malloc(size ? size : 1);
    if (!text) return 0;
    if (size) memcpy(text, data, size);
    static const TyTargetContext rows[] = {
        { "1", 2025 }, { "%", 2025 }, { "家", 2025 }, { "亿元", 2024 }, { "个", 0 }, { NULL, 2023 },
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) check_in(text, size, &rows[k]);
    free(text);
    return 0;
}
