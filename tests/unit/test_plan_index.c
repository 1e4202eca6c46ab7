/* test_plan_index.c — the id index of a plan (core/plan_index): every id found at its position
 * among many, absent ids absent, duplicates refused however large the plan, a deep copy with an
 * index of its own, and a failed allocation that leaves the plan and its index as they were. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/plan.h"
#include "core/plan_index.h"

#define MANY 200000

static TyPlan *many_plan(size_t n)
{
    TyPlan *p = plan_new("many");
    TyError err;
    char id[32];
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "ind_%07zu", i);
        size_t idx = 0;
        assert_int_equal(plan_add(p, id, "名称", "1", &idx, &err), TY_OK);
        assert_int_equal(idx, i);
    }
    return p;
}

static void index_should_find_every_id_among_many(void **state)
{
    TyPlan *p = many_plan(MANY);
    char id[32];
    for (size_t i = 0; i < MANY; i++) {
        snprintf(id, sizeof id, "ind_%07zu", i);
        assert_int_equal(plan_find(p, id), (long)i);
    }
    /* near misses: a prefix, one more digit, another case, the empty id */
    assert_int_equal(plan_find(p, "ind_"), -1);
    assert_int_equal(plan_find(p, "ind_00000001"), -1);
    assert_int_equal(plan_find(p, "IND_0000001"), -1);
    assert_int_equal(plan_find(p, ""), -1);
    snprintf(id, sizeof id, "ind_%07d", MANY);
    assert_int_equal(plan_find(p, id), -1);
    plan_free(p);
}

static void index_should_refuse_duplicates_in_a_large_plan(void **state)
{
    TyPlan *p = many_plan(MANY);
    TyError err;
    char id[32];
    for (size_t i = 0; i < MANY; i += 9973) {
        snprintf(id, sizeof id, "ind_%07zu", i);
        assert_int_equal(plan_add(p, id, "again", "1", NULL, &err), TY_EDATA);
        assert_non_null(strstr(err.msg, "duplicate indicator id"));
        assert_int_equal(plan_find(p, id), (long)i);   /* the first one stays */
    }
    assert_int_equal(p->n, MANY);
    plan_free(p);
}

static void index_should_come_with_a_deep_copy(void **state)
{
    TyPlan *p = many_plan(1000);
    TyError err;
    TyPlan *c = plan_clone(p, &err);
    assert_non_null(c);
    assert_non_null(c->index);
    assert_true(c->index != p->index);
    plan_free(p);                               /* the copy must not point at p's ids */
    char id[32];
    for (size_t i = 0; i < 1000; i++) {
        snprintf(id, sizeof id, "ind_%07zu", i);
        assert_int_equal(plan_find(c, id), (long)i);
    }
    assert_int_equal(plan_add(c, "ind_0000007", "dup", "1", NULL, &err), TY_EDATA);
    assert_int_equal(plan_add(c, "after_copy", "n", "1", NULL, &err), TY_OK);
    assert_int_equal(plan_find(c, "after_copy"), 1000);
    plan_free(c);
}

/* A plan whose indicators were put in place without plan_add (no index): found by a scan, and
 * indexed on the next add, with the earlier ids in it. */
static void index_should_cover_a_plan_built_without_plan_add(void **state)
{
    TyPlan *src = many_plan(40);
    TyPlan *p = plan_new("by hand");
    TyError err;
    p->ind = src->ind;
    p->n = p->cap = src->n;
    src->ind = NULL;
    src->n = src->cap = 0;
    plan_free(src);
    assert_null(p->index);
    assert_int_equal(plan_find(p, "ind_0000039"), 39);
    assert_int_equal(plan_add(p, "ind_0000005", "dup", "1", NULL, &err), TY_EDATA);
    assert_int_equal(plan_add(p, "extra", "n", "1", NULL, &err), TY_OK);
    assert_non_null(p->index);
    assert_int_equal(plan_find(p, "ind_0000000"), 0);
    assert_int_equal(plan_find(p, "extra"), 40);
    plan_free(p);
}

/* Growing the index allocates; when that fails the add fails and nothing changes. The plan is
 * filled to exactly the size at which the next add must grow the index (count + 1 > cap / 2). */
static void index_should_leave_the_plan_as_it_was_when_growing_fails(void **state)
{
    TyPlan *p = many_plan(8);   /* 16 slots hold 8 ids; the 9th needs 32 slots */
    TyError err;
    ty_alloc_fail_after(0);     /* the indicator array has room (16): the first allocation is the index's */
    assert_int_equal(plan_add(p, "ninth", "n", "1", NULL, &err), TY_ENOMEM);
    ty_alloc_fail_after(-1);
    assert_int_equal(p->n, 8);
    assert_int_equal(plan_find(p, "ninth"), -1);
    for (size_t i = 0; i < 8; i++) {
        char id[32];
        snprintf(id, sizeof id, "ind_%07zu", i);
        assert_int_equal(plan_find(p, id), (long)i);
    }
    assert_int_equal(plan_add(p, "ninth", "n", "1", NULL, &err), TY_OK);
    assert_int_equal(plan_find(p, "ninth"), 8);
    plan_free(p);
}

static void index_should_fail_cleanly_at_every_allocation_of_a_copy(void **state)
{
    TyPlan *p = many_plan(100);
    TyPlan *c = NULL;
    TyError err;
    long n;
    for (n = 0; !c; n++) {
        ty_alloc_fail_after(n);
        c = plan_clone(p, &err);
        ty_alloc_fail_after(-1);
        if (!c) assert_int_equal(err.code, TY_ENOMEM);
    }
    assert_int_equal(plan_find(c, "ind_0000099"), 99);
    plan_free(c);
    plan_free(p);
}

static void index_hash_should_be_fnv1a(void **state)
{
    /* published FNV-1a 64-bit values */
    assert_true(plan_index_hash("") == 0xcbf29ce484222325ULL);
    assert_true(plan_index_hash("a") == 0xaf63dc4c8601ec8cULL);
    assert_true(plan_index_hash("foobar") == 0x85944171f73967e8ULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(index_should_find_every_id_among_many),
        cmocka_unit_test(index_should_refuse_duplicates_in_a_large_plan),
        cmocka_unit_test(index_should_come_with_a_deep_copy),
        cmocka_unit_test(index_should_cover_a_plan_built_without_plan_add),
        cmocka_unit_test(index_should_leave_the_plan_as_it_was_when_growing_fails),
        cmocka_unit_test(index_should_fail_cleanly_at_every_allocation_of_a_copy),
        cmocka_unit_test(index_hash_should_be_fnv1a),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
