/* test_rng.c — the counter-based generator: Philox4x32-10 against the published known answers,
 * stream ids, uniforms in (0, 1) with the right moments, bulk uniforms (vectorised, in batches)
 * equal to one-at-a-time ones from the reference Philox for any start and count, across the
 * 32-bit counter boundary (shown to fail with the batch's high counter word left 0), and keyed
 * permutations that take every index once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"

/* Random123's kat_vectors for philox4x32 with 10 rounds: counter, key, expected output. */
static void rng_should_match_the_philox_known_answers(void **state)
{
    static const uint32_t cases[3][10] = {
        { 0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 },
        { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
          0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd },
        { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
          0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 },
    };
    for (int c = 0; c < 3; c++) {
        uint32_t out[4];
        rng_philox4x32(cases[c], cases[c] + 4, out);
        for (int i = 0; i < 4; i++) assert_int_equal(out[i], cases[c][6 + i]);
    }
}

/* 64-bit FNV-1a: the published values for "" and "a". */
static void rng_should_name_streams_by_fnv1a(void **state)
{
    assert_true(rng_stream_id("") == 0xcbf29ce484222325ull);
    assert_true(rng_stream_id("a") == 0xaf63dc4c8601ec8cull);
    assert_true(rng_stream_id("gdp_growth") != rng_stream_id("gdp_growtH"));
}

static void rng_should_give_uniforms_inside_zero_one_with_uniform_moments(void **state)
{
    const size_t n = 200000;
    double *u = malloc(n * sizeof *u);
    assert_non_null(u);
    rng_uniforms(42, rng_stream_id("x"), 0, n, u);
    double s1 = 0, s2 = 0, lo = 1, hi = 0, lag = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(u[i] > 0.0 && u[i] < 1.0);
        s1 += u[i];
        s2 += u[i] * u[i];
        if (i) lag += (u[i] - 0.5) * (u[i - 1] - 0.5);
        lo = u[i] < lo ? u[i] : lo;
        hi = u[i] > hi ? u[i] : hi;
    }
    double mean = s1 / (double)n, var = s2 / (double)n - mean * mean;
    /* Four standard errors: sd of a uniform is 1/sqrt(12); neighbours (two share a block)
     * uncorrelated: lag-1 covariance within 4 standard errors of 0 (sd of a product 1/12). */
    assert_true(fabs(mean - 0.5) < 4 * sqrt(1.0 / 12 / (double)n));
    assert_true(fabs(var - 1.0 / 12) < 0.002);
    assert_true(fabs(lag / (double)n) < 4 * (1.0 / 12) / sqrt((double)n));
    assert_true(lo < 1e-4 && hi > 1 - 1e-4);
    /* Bulk and one at a time agree, from any starting sample; other seeds and streams differ. */
    double v[7];
    rng_uniforms(42, rng_stream_id("x"), 3, 7, v);
    for (int i = 0; i < 7; i++) assert_true(v[i] == u[3 + i] && v[i] == rng_uniform(42, rng_stream_id("x"), 3 + (uint64_t)i));
    assert_true(rng_uniform(43, 7, 123) != rng_uniform(42, 7, 123));
    assert_true(rng_uniform(42, 8, 123) != rng_uniform(42, 7, 123));
    free(u);
}

static void rng_bulk_uniforms_should_equal_one_at_a_time(void **state)
{
    (void)state;
    static const uint64_t firsts[] = { 0, 1, 2, 255, 256, 257, 0x1fffffff0ULL, 0x1fffffff1ULL,
                                       ((uint64_t)1 << 40) + 3 };
    static const size_t counts[] = { 0, 1, 2, 3, 255, 256, 257, 511, 1000 };
    static double v[1000];
    for (size_t a = 0; a < sizeof firsts / sizeof firsts[0]; a++)
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            uint64_t seed = 0x0123456789abcdefULL + a, stream = rng_stream_id("bulk") ^ c;
            rng_uniforms(seed, stream, firsts[a], counts[c], v);
            for (size_t i = 0; i < counts[c]; i++) {
                double w = rng_uniform(seed, stream, firsts[a] + i);
                if (memcmp(&v[i], &w, sizeof w) != 0)
                    fail_msg("first %llu, count %zu, sample %zu: %a, one at a time %a",
                             (unsigned long long)firsts[a], counts[c], i, v[i], w);
            }
        }
}

static void rng_should_permute_every_index_exactly_once(void **state)
{
    static const uint64_t sizes[] = { 1, 2, 3, 5, 1000, 4097, 65536, 100003 };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uint64_t n = sizes[k];
        unsigned char *seen = calloc(n, 1);
        assert_non_null(seen);
        TyPermutation p;
        rng_permutation_init(&p, n, 9, rng_stream_id("perm"));
        uint64_t fixed = 0;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t j = rng_permute(&p, i);
            assert_true(j < n);
            assert_int_equal(seen[j], 0);
            seen[j] = 1;
            fixed += j == i;
        }
        /* A random permutation has about one fixed point; a broken one (identity) has n. */
        if (n >= 1000) assert_true(fixed < 20);
        free(seen);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rng_should_match_the_philox_known_answers),
        cmocka_unit_test(rng_should_name_streams_by_fnv1a),
        cmocka_unit_test(rng_should_give_uniforms_inside_zero_one_with_uniform_moments),
        cmocka_unit_test(rng_bulk_uniforms_should_equal_one_at_a_time),
        cmocka_unit_test(rng_should_permute_every_index_exactly_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
