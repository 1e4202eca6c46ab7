/* utf8.h — UTF-8 validation with an encoding hint, and display width for aligned text. */
#ifndef TY_UTF8_H
#define TY_UTF8_H

#include <stddef.h>
#include <stdint.h>

typedef struct TyUtf8Error {
    size_t offset;   /* byte offset of the first bad byte */
    int line, col;   /* 1-based; col counts characters */
    char hint[160];  /* e.g. "not UTF-8 (GBK?)", "not UTF-8 (UTF-16 little-endian?)" */
} TyUtf8Error;

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF), else 0 and *err. */
int utf8_validate(const char *s, size_t len, TyUtf8Error *err);

/* Decodes one code point at s (valid UTF-8 assumed); returns bytes consumed (>=1). */
int utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Terminal display width of one code point: 0 for combining marks, 2 for East Asian Wide
 * and Fullwidth (CJK, Hangul, full-width forms, common emoji), 1 otherwise. */
int utf8_cp_width(uint32_t cp);

/* Display width of a valid UTF-8 string. */
size_t utf8_width(const char *s, size_t len);

#endif
