/* fuzz_number.c — libFuzzer target for number_parse, the production entry point for numbers in
 * data files, under every flag combination. It checks the promises of number.h: values are
 * finite and read back equal through number_format, failures carry a column and a reason, and
 * the flags only ever add accepted forms. */
#include "io/number.h"
#include "io/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "check failed: %s\n", #cond); abort(); } } while (0)

static TyNumResult parse(const uint8_t *data, size_t size, unsigned flags)
{
    TyNumResult r;
    TyNumKind k = number_parse((const char *)data, size, flags, &r);
    CHECK(k == r.kind);
    switch (k) {
    case NUM_VALUE: {
        CHECK(isfinite(r.value));
        char buf[40];
        TyNumResult back;
        number_format(r.value, buf, sizeof buf);
        CHECK(number_parse(buf, strlen(buf), 0, &back) == NUM_VALUE);
        CHECK(back.value == r.value);
        break;
    }
    case NUM_MISSING:
        break;
    case NUM_INVALID:
        CHECK(r.col >= 1);
        CHECK(r.why[0] != '\0');
        CHECK(utf8_validate(r.why, strlen(r.why), NULL));   /* the excerpt is whole characters */
        break;
    default:
        CHECK(0);
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    TyNumResult plain = parse(data, size, 0);
    TyNumResult grouped = parse(data, size, NUM_ALLOW_GROUPING);
    TyNumResult percent = parse(data, size, NUM_ALLOW_PERCENT);
    TyNumResult both = parse(data, size, NUM_ALLOW_GROUPING | NUM_ALLOW_PERCENT);
    CHECK(plain.kind != NUM_MISSING || (grouped.kind == NUM_MISSING && percent.kind == NUM_MISSING));
    if (plain.kind == NUM_VALUE) {
        CHECK(grouped.kind == NUM_VALUE && grouped.value == plain.value);
        CHECK(percent.kind == NUM_VALUE && percent.value == plain.value);
    }
    if (grouped.kind == NUM_VALUE) CHECK(both.kind == NUM_VALUE && both.value == grouped.value);
    if (percent.kind == NUM_VALUE) CHECK(both.kind == NUM_VALUE && both.value == percent.value);
    return 0;
}
