/* plan_index.c — the id -> position index of a plan (contract in plan_index.h).
 *
 * Linear probing over a power-of-two table at most half full: an absent id is found absent after
 * a short run of slots, and a deletion never happens (indicators are only ever added), so there
 * are no tombstones. The slot is the FNV-1a hash put through a 64-bit finaliser and masked:
 * FNV's low bits depend only on the ids' low bits, and the finaliser spreads all of them, so ids
 * that share a suffix pattern (county ids, ind_000001...) do not pile up in one run. */
#include "plan_index.h"
#include "alloc.h"

#include <string.h>

#define INDEX_MIN_CAP 16

typedef struct Slot {
    const char *id;    /* NULL: empty; else the indicator's own id string (never moves) */
    size_t pos;        /* its position in p->ind */
} Slot;

typedef struct TyPlanIndex {
    Slot *slots;
    size_t cap;        /* a power of two */
    size_t count;
} TyPlanIndex;

uint64_t plan_index_hash(const char *id)
{
    uint64_t h = 14695981039346656037ULL;      /* FNV-1a 64-bit offset basis */
    for (const unsigned char *s = (const unsigned char *)id; *s; s++) {
        h ^= *s;
        h *= 1099511628211ULL;                 /* FNV-1a 64-bit prime */
    }
    return h;
}

/* The 64-bit finaliser of MurmurHash3: every input bit reaches every output bit. */
static size_t slot_of(uint64_t h, size_t cap)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (size_t)h & (cap - 1);
}

/* Puts (id, pos) into a table known to have an empty slot and not to hold id. */
static void put_slot(Slot *slots, size_t cap, const char *id, size_t pos)
{
    size_t i = slot_of(plan_index_hash(id), cap);
    while (slots[i].id) i = (i + 1) & (cap - 1);
    slots[i].id = id;
    slots[i].pos = pos;
}

/* A new table of cap slots holding every id of ix (ix may be NULL); NULL when out of memory. */
static Slot *rehash(const TyPlanIndex *ix, size_t cap)
{
    Slot *slots = ty_calloc(cap, sizeof *slots);
    if (!slots) return NULL;
    for (size_t i = 0; ix && i < ix->cap; i++)
        if (ix->slots[i].id) put_slot(slots, cap, ix->slots[i].id, ix->slots[i].pos);
    return slots;
}

TyStatus plan_index_reserve(TyPlan *p, TyError *err)
{
    TyPlanIndex *ix = p->index;
    if (!ix && p->n > 0) return plan_index_rebuild(p, err);   /* a plan built without plan_add */
    if (ix && (ix->count + 1) * 2 <= ix->cap) return TY_OK;
    size_t cap = ix ? ix->cap : INDEX_MIN_CAP;
    while (cap / 2 < (ix ? ix->count : 0) + 1) {
        if (cap > SIZE_MAX / 2 / sizeof(Slot)) return ty_error_set(err, TY_ENOMEM, "too many indicators to index");
        cap *= 2;
    }
    TyPlanIndex *fresh = ix ? NULL : ty_calloc(1, sizeof *fresh);
    if (!ix && !fresh) return ty_error_set(err, TY_ENOMEM, "not enough memory to index the plan's ids");
    Slot *slots = rehash(ix, cap);
    if (!slots) {
        ty_free(fresh);
        return ty_error_set(err, TY_ENOMEM, "not enough memory to index %zu indicator ids", p->n + 1);
    }
    if (fresh) p->index = ix = fresh;
    ty_free(ix->slots);
    ix->slots = slots;
    ix->cap = cap;
    return TY_OK;
}

void plan_index_put(TyPlan *p, size_t pos)
{
    TyPlanIndex *ix = p->index;
    put_slot(ix->slots, ix->cap, p->ind[pos].id, pos);
    ix->count++;
}

long plan_index_find(const TyPlan *p, const char *id)
{
    const TyPlanIndex *ix = p->index;
    if (!ix) {
        for (size_t i = 0; i < p->n; i++)
            if (strcmp(p->ind[i].id, id) == 0) return (long)i;
        return -1;
    }
    for (size_t i = slot_of(plan_index_hash(id), ix->cap); ix->slots[i].id; i = (i + 1) & (ix->cap - 1))
        if (strcmp(ix->slots[i].id, id) == 0) return (long)ix->slots[i].pos;
    return -1;
}

TyStatus plan_index_rebuild(TyPlan *p, TyError *err)
{
    plan_index_free(p);
    size_t want = p->n;
    TyPlanIndex *ix = ty_calloc(1, sizeof *ix);
    if (!ix) return ty_error_set(err, TY_ENOMEM, "not enough memory to index the plan's ids");
    size_t cap = INDEX_MIN_CAP;
    while (cap / 2 < want + 1 && cap <= SIZE_MAX / 4 / sizeof(Slot)) cap *= 2;
    if (cap / 2 < want + 1 || !(ix->slots = ty_calloc(cap, sizeof *ix->slots))) {
        ty_free(ix);
        return ty_error_set(err, TY_ENOMEM, "not enough memory to index %zu indicator ids", want);
    }
    ix->cap = cap;
    p->index = ix;
    for (size_t i = 0; i < p->n; i++) plan_index_put(p, i);
    return TY_OK;
}

void plan_index_free(TyPlan *p)
{
    if (!p->index) return;
    ty_free(p->index->slots);
    ty_free(p->index);
    p->index = NULL;
}
