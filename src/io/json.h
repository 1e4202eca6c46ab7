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

/* Where each value starts, so an error found later on a cJSON node (an unknown key, a wrong
 * type) can still name its line and column: the byte offset of every value in document order,
 * which is the depth-first order of the cJSON tree (duplicate keys are refused, so none is lost). */
typedef struct TyJsonPositions {
    size_t *offsets;
    size_t n;
} TyJsonPositions;

/* As json_parse_buffer, also filling *pos (free with json_positions_free). */
cJSON *json_parse_buffer_pos(const char *name, const char *buf, size_t len,
                             const TyJsonLimits *lim, TyJsonPositions *pos, TyError *err);
void json_positions_free(TyJsonPositions *pos);
/* Line and column (1-based, characters) where `node` of the tree `root` starts; 0 if unknown. */
int json_node_position(const char *buf, size_t len, const TyJsonPositions *pos,
                       const cJSON *root, const cJSON *node, int *line, int *col);

/* Validation alone (used by the fuzzer and by tuiyan check). */
TyStatus json_validate(const char *name, const char *buf, size_t len,
                       const TyJsonLimits *lim, TyError *err);

/* Deterministic text: objects keep insertion order, 2-space indent, UTF-8 kept as is,
 * numbers as number_format() (shortest round-trip), integers without exponent up to 2^53,
 * NaN or infinity written as null. Returns a malloc'd NUL-terminated string or NULL. */
char *json_print(const cJSON *item, int pretty);

#endif
