/* json.h — strict JSON reading on cJSON, and deterministic writing.
 *
 * Reading validates the bytes first with our own RFC 8259 scanner (cJSON alone accepts
 * too much): valid UTF-8; depth <= 128; strings with valid escapes, no unpaired surrogates,
 * no \u0000, no raw control characters; numbers in strict grammar (no leading zeros such as 01,
 * no +, no ., no inf/nan) and finite (1e999 is an error); no duplicate keys in an object;
 * nothing but whitespace after the value; size cap before allocation. Errors are TY_EDATA with
 * line, column (characters) and byte offset in the message. Only then is cJSON asked to parse,
 * always with an explicit length.
 */
#ifndef TY_JSON_H
#define TY_JSON_H

#include <stddef.h>
#include <cJSON.h>
#include "core/error.h"

typedef struct TyJsonLimits {
    size_t max_bytes;   /* default 64 MiB */
    int max_depth;      /* default 128 */
} TyJsonLimits;

void json_limits_default(TyJsonLimits *lim);

/* Validates then parses. Returns a cJSON tree (free with cJSON_Delete) or NULL with *err. */
cJSON *json_parse_buffer(const char *name, const char *buf, size_t len,
                         const TyJsonLimits *lim, TyError *err);
cJSON *json_parse_file(const char *path, const TyJsonLimits *lim, TyError *err);

/* Validation alone (used by the fuzzer and by tuiyan check). */
TyStatus json_validate(const char *name, const char *buf, size_t len,
                       const TyJsonLimits *lim, TyError *err);

/* Deterministic text: objects keep insertion order, 2-space indent, UTF-8 kept as is,
 * numbers as number_format() (shortest round-trip), integers without exponent up to 2^53,
 * NaN or infinity written as null. Returns a malloc'd NUL-terminated string or NULL. */
char *json_print(const cJSON *item, int pretty);

#endif
