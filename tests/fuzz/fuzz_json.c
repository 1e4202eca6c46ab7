/* fuzz_json.c — libFuzzer target for the JSON reader, over json_parse_buffer exactly as
 * production calls it (default limits, explicit length, no NUL terminator: the input is copied
 * into an exactly-sized heap block so ASan sees any read past the end).
 *
 * Beyond "no crash", it checks the contract:
 *  - validation and parsing agree: json_validate passes iff json_parse_buffer returns a tree
 *    (so cJSON never rejects what we accepted);
 *  - a rejection is TY_EDATA with a line, a column and a byte offset in the message;
 *  - json_print output (compact and pretty) is accepted by our own validator, re-parses to an
 *    exactly equal tree (numbers bit for bit, keys in order), and prints identically again;
 *  - error messages are valid UTF-8 whatever the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz_json: check failed: %s (line %d)\n", #cond, __LINE__); abort(); } \
} while (0)

/* Exact equality; recursion is bounded by the validator's depth limit. */
static int tree_equal(const cJSON *a, const cJSON *b)
{
    if ((a->type & 0xFF) != (b->type & 0xFF)) return 0;
    if (a->string || b->string)
        if (!a->string || !b->string || strcmp(a->string, b->string) != 0) return 0;
    if (cJSON_IsNumber(a)) return a->valuedouble == b->valuedouble ||
                                  (a->valuedouble == 0 && b->valuedouble == 0);
    if (cJSON_IsString(a)) return strcmp(a->valuestring, b->valuestring) == 0;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!tree_equal(x, y)) return 0;
    return !x && !y;
}

/* Messages reach terminals and logs: they must be valid UTF-8 whatever the input was. */
static int utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 :
                   (*p & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0) return 0;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80) return 0;
        p += n;
    }
    return 1;
}

static void check_print_round_trip(const cJSON *root, int pretty, const TyJsonLimits *lim)
{
    char *text = json_print(root, pretty);
    CHECK(text != NULL);
    size_t n = strlen(text);
    TyError err;
    ty_error_clear(&err);
    cJSON *back = json_parse_buffer("printed", text, n, lim, &err);
    if (!back) fprintf(stderr, "reparse failed: %s\n%s\n", err.msg, text);
    CHECK(back != NULL);
    CHECK(tree_equal(root, back));
    char *again = json_print(back, pretty);
    CHECK(again != NULL);
    CHECK(strcmp(text, again) == 0);
    free(again);
    cJSON_Delete(back);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    TyJsonLimits lim;
    json_limits_default(&lim);
    TyError verr, perr;
    ty_error_clear(&verr);
    ty_error_clear(&perr);

    TyStatus vst = json_validate("fuzz.json", buf, size, &lim, &verr);
    cJSON *root = json_parse_buffer("fuzz.json", buf, size, &lim, &perr);

    if (vst == TY_OK) {
        if (!root) fprintf(stderr, "validated but not parsed: %s\n", perr.msg);
        CHECK(root != NULL);
        check_print_round_trip(root, 0, &lim);
        check_print_round_trip(root, 1, &lim);
    } else {
        CHECK(root == NULL);
        CHECK(vst == TY_EDATA);
        CHECK(perr.code == TY_EDATA);
        CHECK(verr.line >= 1 && verr.col >= 1);
        CHECK(strstr(verr.msg, "(byte ") != NULL);
        CHECK(strcmp(verr.msg, perr.msg) == 0);
        CHECK(strcmp(verr.file, "fuzz.json") == 0);
        CHECK(utf8_ok(verr.msg));
    }
    cJSON_Delete(root);
    free(buf);
    return 0;
}
