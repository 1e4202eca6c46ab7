/* test_utf8.c — strict UTF-8 validation with positions and encoding hints; display widths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "io/utf8.h"

static TyUtf8Error invalid(const char *s, size_t len)
{
    TyUtf8Error e;
    memset(&e, 0, sizeof e);
    if (utf8_validate(s, len, &e)) fail_msg("accepted as UTF-8: %zu bytes", len);
    return e;
}

static void assert_valid(const char *s, size_t len)
{
    TyUtf8Error e;
    if (!utf8_validate(s, len, &e)) fail_msg("rejected at offset %zu: %s", e.offset, e.hint);
}

static void utf8_should_accept_valid_text_of_every_length(void **state)
{
    assert_valid("", 0);
    assert_valid("plain ascii\n", 12);
    assert_valid("\xC2\x80", 2);                     /* U+0080, smallest 2-byte */
    assert_valid("\xE6\xAD\xA6\xE5\xA8\x81", 6);     /* 武威 */
    assert_valid("\xED\x9F\xBF", 3);                 /* U+D7FF, just below the surrogates */
    assert_valid("\xEE\x80\x80", 3);                 /* U+E000, just above */
    assert_valid("\xF0\x9F\x98\x80", 4);             /* U+1F600 */
    assert_valid("\xF4\x8F\xBF\xBF", 4);             /* U+10FFFF */
    assert_valid("a\0b", 3);                         /* NUL is valid UTF-8; the CSV reader refuses it */
}

static void utf8_should_reject_overlongs(void **state)
{
    TyUtf8Error e = invalid("ab\xC0\xAF", 4);        /* overlong '/' */
    assert_int_equal(e.offset, 2);
    assert_int_equal(e.col, 3);
    assert_string_equal(e.hint, "not UTF-8 (overlong encoding, byte 0xC0)");
    e = invalid("\xE0\x80\xAF", 3);
    assert_int_equal(e.offset, 0);
    assert_non_null(strstr(e.hint, "overlong"));
    e = invalid("\xF0\x80\x80\xAF", 4);
    assert_non_null(strstr(e.hint, "overlong"));
}

static void utf8_should_reject_surrogates_and_beyond_10ffff(void **state)
{
    TyUtf8Error e = invalid("x\xED\xA0\x80", 4);      /* U+D800 */
    assert_int_equal(e.offset, 1);
    assert_non_null(strstr(e.hint, "surrogate"));
    e = invalid("\xED\xBF\xBF", 3);                  /* U+DFFF */
    assert_non_null(strstr(e.hint, "surrogate"));
    e = invalid("\xF4\x90\x80\x80", 4);              /* U+110000 */
    assert_non_null(strstr(e.hint, "above U+10FFFF"));
    e = invalid("\xF8\x88\x80\x80\x80", 5);          /* old 5-byte form */
    assert_int_equal(e.offset, 0);
    e = invalid("\xFF", 1);
    assert_string_equal(e.hint, "not UTF-8 (invalid byte, byte 0xFF)");
}

static void utf8_should_reject_truncated_and_stray_continuation(void **state)
{
    TyUtf8Error e = invalid("ok\xE6\xAD", 4);        /* 武 cut short at the end */
    assert_int_equal(e.offset, 2);
    assert_string_equal(e.hint, "not UTF-8 (truncated sequence, byte 0xE6)");
    e = invalid("\xE6\xAD!", 3);                     /* cut short in the middle */
    assert_int_equal(e.offset, 0);
    e = invalid("a\x80", 2);
    assert_int_equal(e.offset, 1);
    assert_string_equal(e.hint, "not UTF-8 (unexpected continuation byte, byte 0x80)");
}

static void utf8_should_give_line_and_character_column(void **state)
{
    /* Lines end at LF, CR or CRLF; columns count characters, not bytes. */
    const char s[] = "id\r\n\xE6\xAD\xA6\xE5\xA8\x81,\x80";
    TyUtf8Error e = invalid(s, sizeof s - 1);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 4);
    assert_int_equal(e.offset, 11);
    const char t[] = "a\rb\nc\r\n\xC3\x28";
    e = invalid(t, sizeof t - 1);
    assert_int_equal(e.line, 4);
    assert_int_equal(e.col, 1);
}

/* Lines and characters counted the plain way: a code point is a byte that is not a continuation
 * byte; LF, CR and CRLF each end a line. */
static void count_position(const char *s, size_t off, int *line, int *col)
{
    *line = 1, *col = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b == '\n' || (b == '\r' && !(i + 1 < off + 1 && s[i + 1] == '\n'))) { ++*line; *col = 1; }
        else if ((b & 0xC0) != 0x80) ++*col;
    }
}

/* Long ASCII runs go 8 bytes a step: an LF, CR, CRLF or a Chinese character at every place
 * relative to those steps, then a bad byte at every place, gives the position counted by hand. */
static void utf8_should_count_positions_across_ascii_runs(void **state)
{
    static const char *const breaks[] = { "\n", "\r", "\r\n", "\xE6\xAD\xA6", "," };
    char buf[96];
    for (size_t b = 0; b < sizeof breaks / sizeof *breaks; b++)
        for (size_t at = 0; at < 24; at++)
            for (size_t bad = at + strlen(breaks[b]); bad < 40; bad++) {
                memset(buf, 'a', sizeof buf);
                memcpy(buf + at, breaks[b], strlen(breaks[b]));
                buf[bad] = (char)0xFF;
                int line, col;
                count_position(buf, bad, &line, &col);
                TyUtf8Error e = invalid(buf, 48);
                assert_int_equal(e.offset, bad);
                assert_int_equal(e.line, line);
                assert_int_equal(e.col, col);
                buf[bad] = 'a';
                assert_valid(buf, 48);
            }
}

static void utf8_should_hint_gbk(void **state)
{
    /* "武威" in GBK, as Excel on Chinese Windows saves it. */
    const char s[] = "id,name\n1,\xCE\xE4\xCD\xFE\n";
    TyUtf8Error e = invalid(s, sizeof s - 1);
    assert_string_equal(e.hint, "not UTF-8 (GBK?)");
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 3);
}

static void utf8_should_hint_utf16(void **state)
{
    const char le_bom[] = "\xFF\xFEi\0d\0";
    TyUtf8Error e = invalid(le_bom, sizeof le_bom - 1);
    assert_string_equal(e.hint, "not UTF-8 (UTF-16 little-endian?)");
    assert_int_equal(e.offset, 0);
    const char be_bom[] = "\xFE\xFF\0i\0d";
    e = invalid(be_bom, sizeof be_bom - 1);
    assert_string_equal(e.hint, "not UTF-8 (UTF-16 big-endian?)");
    /* No BOM: "id,肃" in UTF-16LE; NULs in every other byte give it away. */
    const char le[] = "i\0d\0,\0\x83\x80";
    e = invalid(le, sizeof le - 1);
    assert_string_equal(e.hint, "not UTF-8 (UTF-16 little-endian?)");
    const char be[] = "\0i\0d\0,\x80\x83";
    e = invalid(be, sizeof be - 1);
    assert_string_equal(e.hint, "not UTF-8 (UTF-16 big-endian?)");
}

static void utf8_should_decode_one_code_point_and_never_overrun(void **state)
{
    uint32_t cp;
    assert_int_equal(utf8_decode("A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(utf8_decode("\xE6\xAD\xA6", 3, &cp), 3);
    assert_int_equal(cp, 0x6B66);
    assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    /* Invalid or cut input: one byte, U+FFFD, never past len. */
    assert_int_equal(utf8_decode("\xE6\xAD\xA6", 2, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(utf8_decode("\xC0\xAF", 2, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
}

static void utf8_should_give_display_widths(void **state)
{
    assert_int_equal(utf8_cp_width('a'), 1);
    assert_int_equal(utf8_cp_width(0x6B66), 2);     /* 武 */
    assert_int_equal(utf8_cp_width(0x4E00), 2);     /* first CJK unified */
    assert_int_equal(utf8_cp_width(0x9FFF), 2);
    assert_int_equal(utf8_cp_width(0x3400), 2);     /* extension A */
    assert_int_equal(utf8_cp_width(0x20000), 2);    /* extension B */
    assert_int_equal(utf8_cp_width(0x3000), 2);     /* ideographic space */
    assert_int_equal(utf8_cp_width(0x3002), 2);     /* 。 */
    assert_int_equal(utf8_cp_width(0x303F), 2);
    assert_int_equal(utf8_cp_width(0x3042), 2);     /* あ */
    assert_int_equal(utf8_cp_width(0x30A2), 2);     /* ア */
    assert_int_equal(utf8_cp_width(0xAC00), 2);     /* 가 */
    assert_int_equal(utf8_cp_width(0xFF10), 2);     /* ０ */
    assert_int_equal(utf8_cp_width(0xFF60), 2);
    assert_int_equal(utf8_cp_width(0xFF61), 1);     /* half-width katakana punctuation */
    assert_int_equal(utf8_cp_width(0xFFE5), 2);     /* ￥ */
    assert_int_equal(utf8_cp_width(0xF900), 2);     /* CJK compatibility */
    assert_int_equal(utf8_cp_width(0x1F600), 2);    /* emoji */
    assert_int_equal(utf8_cp_width(0x1F950), 2);
    assert_int_equal(utf8_cp_width(0x1F650), 1);
    assert_int_equal(utf8_cp_width(0x0301), 0);     /* combining acute */
    assert_int_equal(utf8_cp_width(0x036F), 0);
    assert_int_equal(utf8_cp_width(0x0370), 1);
    assert_int_equal(utf8_cp_width(0x200B), 0);     /* zero-width space */
    assert_int_equal(utf8_cp_width(0x200F), 0);
    assert_int_equal(utf8_cp_width(0x2010), 1);
    assert_int_equal(utf8_cp_width(0x302A), 0);     /* ideographic tone mark inside CJK symbols */
    assert_int_equal(utf8_cp_width(0x10FFFF), 1);
}

static void utf8_should_sum_string_widths(void **state)
{
    assert_int_equal(utf8_width("", 0), 0);
    assert_int_equal(utf8_width("abc", 3), 3);
    assert_int_equal(utf8_width("\xE6\xAD\xA6\xE5\xA8\x81 2025", 11), 9);   /* 武威 2025 */
    assert_int_equal(utf8_width("e\xCC\x81", 3), 1);                       /* e + combining acute */
    assert_int_equal(utf8_width("\xEF\xBC\x91\xEF\xBC\x92", 6), 4);        /* １２ */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_should_accept_valid_text_of_every_length),
        cmocka_unit_test(utf8_should_reject_overlongs),
        cmocka_unit_test(utf8_should_reject_surrogates_and_beyond_10ffff),
        cmocka_unit_test(utf8_should_reject_truncated_and_stray_continuation),
        cmocka_unit_test(utf8_should_give_line_and_character_column),
        cmocka_unit_test(utf8_should_count_positions_across_ascii_runs),
        cmocka_unit_test(utf8_should_hint_gbk),
        cmocka_unit_test(utf8_should_hint_utf16),
        cmocka_unit_test(utf8_should_decode_one_code_point_and_never_overrun),
        cmocka_unit_test(utf8_should_give_display_widths),
        cmocka_unit_test(utf8_should_sum_string_widths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
