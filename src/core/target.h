/* target.h — a target as the plan writes it (DOMAIN §1): its shape, its numbers, the original
 * words, and (once progress resolves it against the data) the threshold it stands for.
 *
 * A target cell is read once into a TyTargetSpec (io/target_text.c); the threshold of a relative
 * target (point change, multiple, growth, benchmark, window) is never stored: progress resolves it
 * from the actuals every time, so it follows the data when actuals change.
 *
 *   shape        a          b        from..to     ref      written e.g.
 *   LEVEL        V          -        -            -        100, 100以上, >=100, 突破600 (>600), <=0.5
 *   RANGE        floor      stretch  -            -        3-5, 3~5, 确保100力争120, 100..120
 *   WINDOW       Σ flows    -        window       -        新增300(2023-2025), +300@2023..2025;
 *                                                          新增30 alone: the target year's own flow
 *   POINTS       delta      -        -            -        提高1.5个百分点, +1.5pp (from the base year)
 *   GROWTH       percent    -        -            -        增长15%, +15% (on the year before)
 *   MULTIPLE     k          -        -            -        倍增, 翻一番 (x2), 翻两番 (x4), x1.5
 *   BENCHMARK    -          -        -            row id   高于province_avg, >province_avg
 *   RANK         N          -        -            -        前3位, 第2, rank<=3 (values are ranks, 1 best)
 *   MILESTONE    -          -        -            -        完成, 通过验收, done (actuals yes/no/a date)
 *
 * `op` is how the indicator's value compares with the threshold. When the cell does not write it,
 * it follows the direction: up -> GE, down -> LE (RANK is always LE on the rank). */
#ifndef TY_TARGET_H
#define TY_TARGET_H

typedef enum TyTargetShape {
    TY_SHAPE_LEVEL = 0,
    TY_SHAPE_RANGE,
    TY_SHAPE_WINDOW,
    TY_SHAPE_POINTS,
    TY_SHAPE_GROWTH,
    TY_SHAPE_MULTIPLE,
    TY_SHAPE_BENCHMARK,
    TY_SHAPE_RANK,
    TY_SHAPE_MILESTONE
} TyTargetShape;

typedef enum TyTargetOp {
    TY_OP_DEFAULT = 0,  /* not written (达到 adds nothing): GE for up, LE for down */
    TY_OP_GE,           /* 以上, 不低于, 不少于, >= */
    TY_OP_GT,           /* 突破, 超过, 高于, 多于, > */
    TY_OP_LE,           /* 以内, 以下, 不高于, 不超过, 控制在, <= */
    TY_OP_LT            /* 低于, 少于, < */
} TyTargetOp;

#define TY_TARGET_REF_MAX 64

typedef struct TyTargetSpec {
    TyTargetShape shape;
    TyTargetOp op;
    double a, b;                    /* see the table above; NaN where unused */
    int from, to;                   /* WINDOW: first and last year; 0 = the target year alone */
    char ref[TY_TARGET_REF_MAX];    /* BENCHMARK: the other row's id */
} TyTargetSpec;

const char *target_shape_name(TyTargetShape s);     /* "level", "range", "window", ... */
const char *target_op_symbol(TyTargetOp op);         /* ">=", ">", "<=", "<", "" */

#endif
