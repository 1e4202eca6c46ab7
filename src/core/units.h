/* units.h — the small unit algebra of model elements: a unit string such as "亿元/年" or
 * "件/万人" parses into base dimensions with integer exponents and a scale factor, so the model
 * compiler can check that like is added to like and insert the conversions (万元 ↔ 亿元,
 * % ↔ ratio) at compile time. Nothing of this remains at run time but the factors.
 *
 * Grammar:  unit   := "" | factor (op factor)*      op := "/" | "*" | "·" | "×"
 *           factor := word ["^" ["-"] digits | "²" | "³"]
 * Spaces are allowed around operators, not between two words; "/" divides by the next factor
 * only ("元/年/人" is 元·年⁻¹·人⁻¹). A word is, in this order:
 *   - a dimensionless word: "1", "ratio", "倍" (scale 1); "%", "percent", "百分比", "百分点",
 *     "个百分点" (0.01); "‰" (0.001);
 *   - "年", "year", "yr": the dimension 年 (time; flows into a stock are per 年);
 *   - a magnitude prefix (万亿 千亿 百亿 十亿 亿 千万 百万 十万 万 千 百) before any other word:
 *     "万元" is 1e4 元, "亿元" 1e8 元, "万人" 1e4 人;
 *   - any other word is its own base dimension ("元", "家", "件", "人", "人年"), so 家 and 件
 *     never add. Words are at most TY_UNIT_WORD_MAX - 1 bytes.
 * The empty string is dimensionless. */
#ifndef TY_UNITS_H
#define TY_UNITS_H

#include <stddef.h>
#include "error.h"

#define TY_UNIT_MAX_DIMS 6
#define TY_UNIT_WORD_MAX 32      /* bytes of a base dimension's name, with the NUL */
#define TY_UNIT_MAX_EXP 64       /* |exponent| of a dimension */

typedef struct TyUnitDim {
    char name[TY_UNIT_WORD_MAX];
    int exp;                     /* never 0 */
} TyUnitDim;

/* A quantity of x in this unit is x * scale in base units (元 for money). Dimensions are kept
 * sorted by name (byte order), so equal dimensions compare equal field by field. */
typedef struct TyUnit {
    double scale;
    int ndims;
    TyUnitDim dims[TY_UNIT_MAX_DIMS];
} TyUnit;

/* Parses text (NULL is ""). TY_ESCRIPT "bad unit '<text>': <reason>" on a syntax error, a word
 * that is too long, too many dimensions or an exponent out of range. */
TyStatus units_parse(const char *text, TyUnit *out, TyError *err);

/* The dimensionless unit with scale 1 ("1"). */
void units_one(TyUnit *u);
int units_is_dimensionless(const TyUnit *u);
/* 1 when a and b have the same dimensions (scales may differ). */
int units_same_dimension(const TyUnit *a, const TyUnit *b);
/* Factor that turns a value in `from` into the same quantity in `to` (same dimension):
 * 5 万元 → 亿元 is 5 * 1e-4. */
double units_factor(const TyUnit *from, const TyUnit *to);

/* Products, quotients, integer powers and roots. TY_ESCRIPT when the result has too many
 * dimensions, an exponent out of range, a root of an odd exponent, or a scale that is not a
 * finite positive number. */
TyStatus units_mul(const TyUnit *a, const TyUnit *b, TyUnit *out, TyError *err);
TyStatus units_div(const TyUnit *a, const TyUnit *b, TyUnit *out, TyError *err);
TyStatus units_pow(const TyUnit *a, int p, TyUnit *out, TyError *err);
TyStatus units_root(const TyUnit *a, int r, TyUnit *out, TyError *err);

/* The dimension only, ignoring the scale: "元/年", "件/人", "dimensionless". */
const char *units_format_dimension(const TyUnit *u, char *buf, size_t size);
/* With the scale, using a magnitude prefix where one fits: "亿元/年", "件/万人", "%", "1";
 * otherwise a factor in front: "1e-06 元". Never longer than size - 1 bytes. */
const char *units_format(const TyUnit *u, char *buf, size_t size);

#endif
