/* fuzz_model.c — libFuzzer target for the model builder, compiler and evaluator. The input
 * bytes are decoded into a sequence of builder calls (nodes with arbitrary, often invalid,
 * arguments; elements of every kind over a small set of names and units, so that references
 * resolve, collide and form cycles; flows, histories, lookups, external functions), then the
 * model is compiled and, when it compiles, run once deterministically and once over a few
 * samples. Every call must return a status and a message; nothing may crash or leak.
 *
 * Built by tests/fuzz/run.sh with clang -fsanitize=fuzzer. With -DTY_FUZZ_MAIN it is a plain
 * program (any C compiler) that runs the files named on the command line, or a fixed series of
 * pseudo-random inputs when none are given. */
#include "core/eval.h"
#include "core/model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "check failed: %s\n", #cond); abort(); } } while (0)

static const char *const fuzz_names[] = { "a", "b", "c", "gdp", "hte", "t", "f", "x1", "bad name", "" };
static const char *const fuzz_units[] = { "", "1", "%", "亿元", "万元", "家", "家/年", "亿元/年", "m^2", "元//" };
static const double fuzz_values[] = { 0, 1, -1, 0.5, 2, 10, 2021, 2023, 1e300, -1e-300, 3.5, 100 };

typedef struct Bytes {
    const uint8_t *p;
    size_t n;
} Bytes;

static unsigned next(Bytes *b)
{
    if (b->n == 0) return 0;
    b->n--;
    return *b->p++;
}

#define PICK(b, table) (table[next(b) % (sizeof table / sizeof table[0])])

static int fuzz_double(void *ctx, int year, const double *x, double *y, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) y[i] = 2 * x[i];
    return year == 2030 ? 1 : 0;   /* fails in one year, to exercise the error path */
}

/* A node id from the input: mostly existing nodes, sometimes -1 or one past the end. */
static int node_id(Bytes *b, int nnodes)
{
    return (int)(next(b) % (unsigned)(nnodes + 2)) - 1;
}

static void decode(TyModelBuilder *mb, Bytes *in)
{
    TyError err;
    int nnodes = 0, nelems = 0, out;
    double xs[4], ys[4], years[4];
    int args[6];
    while (in->n > 0) {
        unsigned op = next(in) % 13;
        TyStatus st = TY_OK;
        out = -1;
        switch (op) {
        case 0: st = model_node_const(mb, PICK(in, fuzz_values), &out, &err); break;
        case 1: st = model_node_const_unit(mb, PICK(in, fuzz_values), PICK(in, fuzz_units), &out, &err); break;
        case 2: st = model_node_ref(mb, PICK(in, fuzz_names), &out, &err); break;
        case 3: {
            const char *name = PICK(in, fuzz_names);
            int years_back = (int)(next(in) % 6);
            st = model_node_delay(mb, name, years_back, node_id(in, nnodes), &out, &err);
            break;
        }
        case 4: st = model_node_year(mb, &out, &err); break;
        case 5: {
            TyOp o = (TyOp)(next(in) % (TY_OP__COUNT + 1));
            size_t na = next(in) % 6;
            for (size_t i = 0; i < na; i++) args[i] = node_id(in, nnodes);
            st = model_node_call(mb, o, args, na, &out, &err);
            break;
        }
        case 6: {
            size_t n = 1 + next(in) % 3;
            for (size_t i = 0; i < n; i++) {
                years[i] = 2019 + (double)(next(in) % 8);
                args[i] = node_id(in, nnodes);
            }
            st = model_node_interp(mb, years, args, n, &out, &err);
            break;
        }
        case 7: st = model_node_lookup(mb, PICK(in, fuzz_names), node_id(in, nnodes), &out, &err); break;
        case 8: st = model_node_ext(mb, next(in) & 1 ? "sched" : "schedx", node_id(in, nnodes), &out, &err); break;
        case 9: {
            unsigned kind = next(in) % 6;
            const char *name = PICK(in, fuzz_names), *unit = PICK(in, fuzz_units);
            int expr = node_id(in, nnodes);
            TyValue d = model_value_scalar(PICK(in, fuzz_values));
            double series[3] = { 1, 2, 3 };
            TyValue ds = model_value_series(2020 + (int)(next(in) % 3), series, 3);
            switch (kind) {
            case 0: st = model_add_param(mb, name, unit, "f.lua:1", next(in) & 1 ? &d : &ds, &out, &err); break;
            case 1: st = model_add_lever(mb, name, unit, "f.lua:2", next(in) & 1 ? &d : NULL, &out, &err); break;
            case 2: st = model_add_aux(mb, name, unit, "f.lua:3", expr, &out, &err); break;
            case 3: st = model_add_flow(mb, name, unit, "f.lua:4", expr, &out, &err); break;
            case 4: st = model_add_stock(mb, name, unit, "f.lua:5:7", expr, &out, &err); break;
            default: {
                size_t n = 1 + next(in) % 4;
                for (size_t i = 0; i < n; i++) {
                    xs[i] = (double)(next(in) % 16) - 4;
                    ys[i] = PICK(in, fuzz_values);
                }
                st = model_add_lookup(mb, name, unit, PICK(in, fuzz_units), "f.lua:6", xs, ys, n, &out, &err);
            }
            }
            if (st == TY_OK) nelems++;
            out = -1;
            break;
        }
        case 10: {
            int stock = (int)(next(in) % (unsigned)(nelems + 1));
            const char *flow = PICK(in, fuzz_names);
            st = next(in) & 1 ? model_stock_add_inflow(mb, stock, flow, &err)
                              : model_stock_add_outflow(mb, stock, flow, &err);
            break;
        }
        case 11: {
            int e = (int)(next(in) % (unsigned)(nelems + 1));
            double h[3] = { PICK(in, fuzz_values), PICK(in, fuzz_values), PICK(in, fuzz_values) };
            st = next(in) & 1 ? model_set_history_const(mb, e, h[0], &err)
                              : model_set_history(mb, e, 2015 + (int)(next(in) % 8), h, 3, &err);
            break;
        }
        default:
            st = model_add_extfn(mb, "sched", PICK(in, fuzz_units), PICK(in, fuzz_units), "p.lua:1",
                                 fuzz_double, NULL, &err);
            break;
        }
        if (st == TY_OK && out >= 0) nnodes = out + 1;
        if (st != TY_OK) {
            CHECK(st == TY_ESCRIPT || st == TY_ELIMIT || st == TY_ENOMEM);
            CHECK(err.msg[0] != '\0');
        }
    }
}

static TyStatus fuzz_on_block(void *ctx, int year, int elem, const double *values, size_t offset,
                              size_t n, TyError *err)
{
    size_t *count = ctx;
    (void)values;
    CHECK(offset + n <= 300);
    *count += n;
    return TY_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    Bytes in = { data + 1, size - 1 };
    int first = 2021, last = 2021 + data[0] % 12;
    TyModelBuilder *mb = model_builder_new();
    if (!mb) return 0;
    decode(mb, &in);
    TyModel *m = NULL;
    TyError err;
    TyStatus st = model_compile(mb, first, last, &m, &err);
    if (st != TY_OK) {
        CHECK(m == NULL);
        CHECK(st == TY_ESCRIPT || st == TY_ELIMIT);
        CHECK(err.msg[0] != '\0');
        model_builder_free(mb);
        return 0;
    }
    CHECK(m != NULL);
    TyRunResult res;
    st = model_run_single(m, NULL, 0, &res, &err);
    CHECK(st == TY_OK || st == TY_ESCRIPT || st == TY_EDATA);
    if (st == TY_OK) {
        for (size_t e = 0; e < res.nelems; e++)
            for (int y = first; y <= last; y++) {
                double v = model_result_get(&res, (int)e, y);
                CHECK(model_element_kind(m, (int)e) == TY_ELEM_LOOKUP || (v - v) == 0);
            }
        model_result_free(&res);
    } else {
        CHECK(err.msg[0] != '\0');
    }

    /* A few samples across two blocks, non-finite values allowed. */
    size_t ne = model_element_count(m), ntracked = 0, count = 0;
    int tracked[64];
    for (size_t e = 0; e < ne && ntracked < 64; e++)
        if (model_element_kind(m, (int)e) != TY_ELEM_LOOKUP) tracked[ntracked++] = (int)e;
    TyRunOptions opt;
    memset(&opt, 0, sizeof opt);
    opt.nsamples = 300;
    opt.tracked = tracked;
    opt.ntracked = ntracked;
    opt.on_block = fuzz_on_block;
    opt.ctx = &count;
    opt.allow_nonfinite = 1;
    st = model_run(m, &opt, &err);
    CHECK(st == TY_OK || st == TY_ESCRIPT || st == TY_EDATA);
    if (st == TY_OK) CHECK(count == 300 * ntracked * (size_t)(last - first + 1));
    model_free(m);
    model_builder_free(mb);
    return 0;
}

#ifdef TY_FUZZ_MAIN
int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            FILE *f = fopen(argv[i], "rb");
            if (!f) { perror(argv[i]); return 1; }
            static uint8_t buf[1 << 16];
            size_t n = fread(buf, 1, sizeof buf, f);
            fclose(f);
            LLVMFuzzerTestOneInput(buf, n);
        }
        return 0;
    }
    /* No files: a fixed series of pseudo-random inputs (xorshift), the same on every run. */
    uint64_t s = 0x9E3779B97F4A7C15ull;
    uint8_t buf[512];
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = 1 + (size_t)(iter % 511);
        for (size_t i = 0; i < n; i++) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            buf[i] = (uint8_t)s;
        }
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("fuzz_model: 20000 inputs ok\n");
    return 0;
}
#endif
