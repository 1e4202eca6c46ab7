/* plan_index.h — the id -> position index of a plan's indicators, so that reading a plan of
 * n rows costs O(n), not O(n²) (RELIABILITY §B: 1,000,000 rows in time linear in rows).
 *
 * Open addressing with linear probing on FNV-1a hashes of the ids, kept at most half full and
 * doubled when it would be fuller. A slot holds the indicator's position and a pointer to its
 * id string: the indicator array moves when it grows, the id strings never do (an id is set by
 * plan_add and never changed or freed before the plan is). plan.c is the only caller. */
#ifndef TY_PLAN_INDEX_H
#define TY_PLAN_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "plan.h"

/* FNV-1a, 64-bit: a few operations a byte, and ids that differ in one character (ind_1,
 * ind_2, ...) land far apart. */
uint64_t plan_index_hash(const char *id);

/* Makes sure one more id can be put without allocating: creates or doubles p's index
 * (rehashing the ids already in it). TY_ENOMEM leaves the plan and its index as they were. */
TyStatus plan_index_reserve(TyPlan *p, TyError *err);

/* Records p->ind[pos].id at pos. plan_index_reserve must have succeeded since the last put. */
void plan_index_put(TyPlan *p, size_t pos);

/* Position of the indicator with this id, or -1. A plan without an index (one built by hand,
 * not through plan_add) is scanned instead. */
long plan_index_find(const TyPlan *p, const char *id);

/* Builds p's index from scratch over p->ind[0..n) (a deep copy's). TY_ENOMEM leaves none. */
TyStatus plan_index_rebuild(TyPlan *p, TyError *err);

/* Frees p's index (p->index becomes NULL). */
void plan_index_free(TyPlan *p);

#endif
