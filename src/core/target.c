/* target.c — names of target shapes and comparison symbols (core/target.h), one table each so
 * the JSON output, the text output and the normalised cell form all spell them the same way. */
#include "target.h"

#include <stddef.h>

static const char *const shape_names[] = {
    [TY_SHAPE_LEVEL] = "level",
    [TY_SHAPE_RANGE] = "range",
    [TY_SHAPE_WINDOW] = "window",
    [TY_SHAPE_POINTS] = "points",
    [TY_SHAPE_GROWTH] = "growth",
    [TY_SHAPE_MULTIPLE] = "multiple",
    [TY_SHAPE_BENCHMARK] = "benchmark",
    [TY_SHAPE_RANK] = "rank",
    [TY_SHAPE_MILESTONE] = "milestone",
};

static const char *const op_symbols[] = {
    [TY_OP_DEFAULT] = "",
    [TY_OP_GE] = ">=",
    [TY_OP_GT] = ">",
    [TY_OP_LE] = "<=",
    [TY_OP_LT] = "<",
};

const char *target_shape_name(TyTargetShape s)
{
    /* An enum may hold any int: a corrupted spec must not index out of the table. */
    if ((unsigned)s >= sizeof shape_names / sizeof shape_names[0]) return "?";
    return shape_names[s];
}

const char *target_op_symbol(TyTargetOp op)
{
    if ((unsigned)op >= sizeof op_symbols / sizeof op_symbols[0]) return "?";
    return op_symbols[op];
}
