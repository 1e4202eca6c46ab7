/* suggest.h — "did you mean": edit distance between names, on UTF-8 code points, and the closest
 * of a list. The one implementation behind every suggestion tuiyan makes (commands, options,
 * indicator ids, model elements, methods), bound to Lua as _tuiyan.text.distance/closest. */
#ifndef TY_SUGGEST_H
#define TY_SUGGEST_H

#include <stddef.h>

/* Longest word compared, in code points; longer words are never close to anything. */
#define TY_SUGGEST_MAX_CPS 128

/* Optimal-string-alignment (restricted Damerau–Levenshtein) distance between the UTF-8 strings
 * a and b, counted in code points: insertions, deletions, substitutions and transpositions of
 * two neighbours cost 1. A byte that is not valid UTF-8 counts as one code point. Returns a
 * value > limit (limit + 1) as soon as the distance is known to exceed limit, and for words
 * longer than TY_SUGGEST_MAX_CPS. */
int ty_edit_distance(const char *a, const char *b, int limit);

/* The largest distance at which `word` is taken as a misspelling: 1 up to 4 code points, 2 up
 * to 8, 3 beyond (a short word two edits away from another is usually a different word). */
int ty_suggest_limit(const char *word);

/* Index of the candidate closest to `word` within ty_suggest_limit(word), or -1. Ties go to the
 * smallest candidate by strcmp, so the answer does not depend on the list's order. An exact
 * match is never suggested (-1): the caller asked because the word was not found. NULL entries
 * are skipped. */
long ty_closest(const char *word, const char *const *cands, size_t n);

#endif
