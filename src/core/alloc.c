/* alloc.c — the core's allocator: malloc & co. behind a failure-injection switch for tests. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* Allocations still allowed before injected failures start; < 0 means never fail. */
static long allocations_left = -1;

void ty_alloc_fail_after(long n)
{
    allocations_left = n < 0 ? -1 : n;
}

/* One allocation is about to happen: 1 if it may proceed, 0 if it must fail. */
static int allocation_allowed(void)
{
    if (allocations_left < 0) return 1;
    if (allocations_left == 0) return 0;
    allocations_left--;
    return 1;
}

void *ty_malloc(size_t size)
{
    return allocation_allowed() ? malloc(size) : NULL;
}

void *ty_calloc(size_t n, size_t size)
{
    return allocation_allowed() ? calloc(n, size) : NULL;
}

void *ty_realloc(void *p, size_t size)
{
    return allocation_allowed() ? realloc(p, size) : NULL;
}

char *ty_strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *copy = ty_malloc(len);
    if (copy) memcpy(copy, s, len);
    return copy;
}

void ty_free(void *p)
{
    free(p);
}
