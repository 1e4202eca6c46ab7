/* target_text.h — reading a target cell as written (docs/targets.md): Chinese or ASCII words
 * into a TyTargetSpec. The original text is the caller's to keep. */
#ifndef TY_TARGET_TEXT_H
#define TY_TARGET_TEXT_H

#include <stddef.h>
#include "core/target.h"

typedef enum TyTargetParse {
    TARGET_SPEC = 0,     /* *out holds the target */
    TARGET_MISSING = 1,  /* empty cell or a missing-value word: no target */
    TARGET_ERROR = -1    /* *why says what was found and which forms are accepted */
} TyTargetParse;

/* The context a cell is read in: the row's unit (a unit written after a number must be this one;
 * "%" also allows a % sign) and the target's year (a window must end in it). */
typedef struct TyTargetContext {
    const char *unit;
    int year;
} TyTargetContext;

/* Parses text[0..len) (UTF-8, not necessarily NUL-terminated). On TARGET_ERROR, *why (size
 * whysize) holds a one-line lower-case message and *err_offset the byte offset in text where the
 * problem starts (for the column of file:line:col). */
TyTargetParse target_text_parse(const char *text, size_t len, const TyTargetContext *ctx,
                                TyTargetSpec *out, char *why, size_t whysize, size_t *err_offset);

/* The normalised ASCII form of a spec ("+1.5pp", ">600", "100..120", "+300@2023..2025", "rank<=3",
 * "done", "x2", ">province_avg"); target_text_parse reads it back to an equal spec. */
void target_text_format(const TyTargetSpec *spec, char *buf, size_t size);

#endif
