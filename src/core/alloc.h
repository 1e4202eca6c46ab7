/* alloc.h — the core's allocator, with a switch to make allocations fail on purpose.
 *
 * Core modules allocate through ty_malloc / ty_calloc / ty_realloc / ty_strdup and free with
 * ty_free, so tests can check that every allocation failure is a clean TY_ENOMEM that leaves
 * the object valid (RELIABILITY.md: "fail the n-th allocation, for n = 1, 2, ... until the
 * call succeeds"). In normal runs the switch is off and these are plain malloc & co.
 *
 * The switch is process-wide state: it exists for single-threaded tests only. */
#ifndef TY_ALLOC_H
#define TY_ALLOC_H

#include <stddef.h>

void *ty_malloc(size_t size);
void *ty_calloc(size_t n, size_t size);
void *ty_realloc(void *p, size_t size);
char *ty_strdup(const char *s);
void ty_free(void *p);

/* Test hook: let the next n allocations succeed and make every later one fail (return NULL),
 * until called again. n < 0 turns failure injection off (the default). */
void ty_alloc_fail_after(long n);

#endif
