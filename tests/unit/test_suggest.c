/* test_suggest.c — "did you mean": edit distances worked by hand, on code points, and the
 * closest name of a list (core/suggest.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/suggest.h"

static void distance_should_count_edits_worked_by_hand(void **state)
{
    (void)state;
    assert_int_equal(ty_edit_distance("", "", 8), 0);
    assert_int_equal(ty_edit_distance("progress", "progress", 8), 0);
    assert_int_equal(ty_edit_distance("progres", "progress", 8), 1);      /* one insertion */
    assert_int_equal(ty_edit_distance("progresss", "progress", 8), 1);    /* one deletion */
    assert_int_equal(ty_edit_distance("prigress", "progress", 8), 1);     /* one substitution */
    assert_int_equal(ty_edit_distance("kitten", "sitting", 8), 3);        /* k->s, e->i, +g */
    assert_int_equal(ty_edit_distance("", "abc", 8), 3);
}

static void distance_should_count_a_transposition_as_one(void **state)
{
    (void)state;
    assert_int_equal(ty_edit_distance("fromat", "format", 8), 1);         /* o<->r */
    assert_int_equal(ty_edit_distance("ab", "ba", 8), 1);
    /* optimal string alignment: "ca" -> "abc" is 3 (no edit of a transposed pair) */
    assert_int_equal(ty_edit_distance("ca", "abc", 8), 3);
}

static void distance_should_count_code_points_not_bytes(void **state)
{
    (void)state;
    /* 高新 vs 高薪: one character of three bytes differs */
    assert_int_equal(ty_edit_distance("高新技术企业", "高薪技术企业", 8), 1);
    assert_int_equal(ty_edit_distance("高新", "新高", 8), 1);             /* a transposition */
    assert_int_equal(ty_edit_distance("企业", "企业数", 8), 1);
    /* a stray byte is one unit, never equal to a character */
    assert_int_equal(ty_edit_distance("a\xff" "b", "ab", 8), 1);
}

static void distance_should_stop_at_the_limit(void **state)
{
    (void)state;
    assert_int_equal(ty_edit_distance("abcdef", "uvwxyz", 2), 3);
    assert_int_equal(ty_edit_distance("a", "abcdefgh", 3), 4);            /* length alone */
    assert_int_equal(ty_edit_distance("abcd", "abdc", 1), 1);
    char long_word[TY_SUGGEST_MAX_CPS + 2];
    for (int i = 0; i < TY_SUGGEST_MAX_CPS + 1; i++) long_word[i] = 'a';
    long_word[TY_SUGGEST_MAX_CPS + 1] = '\0';
    assert_int_equal(ty_edit_distance(long_word, long_word, 2), 3);       /* too long to compare */
}

static void closest_should_pick_the_nearest_within_the_limit(void **state)
{
    (void)state;
    const char *cmds[] = { "run", "merge", "progress", "check", "extract", "help", NULL, "version" };
    assert_int_equal(ty_closest("progres", cmds, 8), 2);
    assert_int_equal(ty_closest("chekc", cmds, 8), 3);
    assert_int_equal(ty_closest("nonsense", cmds, 8), -1);                /* nothing close */
    assert_int_equal(ty_closest("progress", cmds, 8), -1);                /* never itself */
    assert_int_equal(ty_closest("rn", cmds, 8), 0);                       /* short: 1 edit */
    assert_int_equal(ty_closest("hlp", cmds, 8), 5);
    assert_int_equal(ty_closest("xyz", cmds, 8), -1);
    /* a tie goes to the smaller name, whatever the order */
    const char *a[] = { "cat", "bat" }, *b[] = { "bat", "cat" };
    assert_int_equal(ty_closest("hat", a, 2), 1);
    assert_int_equal(ty_closest("hat", b, 2), 0);
    assert_int_equal(ty_suggest_limit("abcd"), 1);
    assert_int_equal(ty_suggest_limit("abcde"), 2);
    assert_int_equal(ty_suggest_limit("高新技术企业数量"), 2);             /* 8 characters */
    assert_int_equal(ty_suggest_limit("abcdefghi"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distance_should_count_edits_worked_by_hand),
        cmocka_unit_test(distance_should_count_a_transposition_as_one),
        cmocka_unit_test(distance_should_count_code_points_not_bytes),
        cmocka_unit_test(distance_should_stop_at_the_limit),
        cmocka_unit_test(closest_should_pick_the_nearest_within_the_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
