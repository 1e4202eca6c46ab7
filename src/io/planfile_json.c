/* planfile_json.c — reading a plan from JSON: the same content as the CSV form.
 *   {"name": "...", "title": "...", "base_year": 2020, "thresholds": {"on_track": 0.95, "behind": 0.1},
 *    "indicators": [{"id": "...", "name": "...", "unit": "%", "direction": "up", ...,
 *                    "base_year": 2020, "flow_of": "other_id",
 *                    "actual": {"2020": 0.62}, "target": {"2022": 0.85, "2025": "+1.5pp"},
 *                    "target_notes": {"2025": "..."}, "actual_notes": {"2020": "..."}}]}
 * A target is a number (a level) or a string, a target cell as written (docs/targets.md); a
 * milestone row's actuals may be 是/否, yes/no or a date. Unknown keys are errors. Every error
 * names the line and column of the value at fault (the validator records where each value
 * starts) and its JSON path. */
#include "planfile.h"
#include "json.h"
#include "number.h"
#include "planfile_cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What an error needs to name its place: the text, the value positions and the tree. */
typedef struct Src {
    const char *file;
    const char *buf;
    size_t len;
    const TyJsonPositions *pos;
    const cJSON *root;
} Src;

static TyStatus node_error(TyError *err, const Src *src, const cJSON *node, const char *path,
                           const char *what)
{
    int line = 0, col = 0;
    json_node_position(src->buf, src->len, src->pos, src->root, node, &line, &col);
    return ty_error_at(err, TY_EDATA, src->file, line, col, "%s: %s", path, what);
}

static const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    return "an object";
}

static TyStatus expect(const cJSON *v, int ok, const char *what, const Src *src,
                       const char *path, TyError *err)
{
    if (ok) return TY_OK;
    char msg[160];
    snprintf(msg, sizeof msg, "expected %s, found %s", what, json_type_name(v));
    return node_error(err, src, v, path, msg);
}

static TyStatus read_thresholds(const cJSON *obj, TyThresholds *th, const Src *src,
                                const char *path, TyError *err)
{
    char sub[256];
    if (expect(obj, cJSON_IsObject(obj), "an object", src, path, err)) return err->code;
    for (const cJSON *c = obj->child; c; c = c->next) {
        snprintf(sub, sizeof sub, "%s.%s", path, c->string);
        if (expect(c, cJSON_IsNumber(c), "a number", src, sub, err)) return err->code;
        if (strcmp(c->string, "on_track") == 0) th->on_track = c->valuedouble;
        else if (strcmp(c->string, "behind") == 0) th->behind = c->valuedouble;
        else return node_error(err, src, c, sub, "unknown key; expected on_track or behind");
    }
    if (!(th->behind < th->on_track))
        return node_error(err, src, obj, path, "behind must be below on_track");
    return TY_OK;
}

/* What an object of year: value holds. */
typedef enum { V_ACTUAL, V_TARGET, V_TARGET_NOTE, V_ACTUAL_NOTE } ValuesKind;

/* A key "2020" as a year, or 0. */
static int key_year(const char *k)
{
    int year = 0, ok = strlen(k) == 4;
    for (int i = 0; ok && i < 4; i++) {
        ok = k[i] >= '0' && k[i] <= '9';
        year = year * 10 + (k[i] - '0');
    }
    return ok && year >= TY_YEAR_MIN && year <= TY_YEAR_MAX ? year : 0;
}

/* Re-raises err's message at node. */
static TyStatus at_node(TyError *err, const Src *src, const cJSON *node, const char *path)
{
    if (err->code == TY_ENOMEM) return err->code;
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    return node_error(err, src, node, path, msg);
}

/* One value of an object of year: value; null means missing. */
static TyStatus read_value(TyIndicator *ind, ValuesKind kind, int year, const cJSON *c, const Src *src,
                           const char *sub, TyError *err)
{
    char why[512];
    size_t offset;
    double v;
    switch (kind) {
    case V_TARGET_NOTE: case V_ACTUAL_NOTE:
        if (expect(c, cJSON_IsString(c), "a string or null", src, sub, err)) return err->code;
        if ((kind == V_TARGET_NOTE ? indicator_set_target_note : indicator_set_actual_note)
                (ind, year, c->valuestring, err) != TY_OK)
            return at_node(err, src, c, sub);
        return TY_OK;
    case V_TARGET:
        if (cJSON_IsString(c)) {
            ty_error_clear(err);
            size_t len = strlen(c->valuestring);
            if (planfile_target_cell(ind, year, c->valuestring, len, why, sizeof why, &offset, err) == CELL_ERROR) {
                if (err->code == TY_ENOMEM) return err->code;
                return node_error(err, src, c, sub, why);
            }
            return TY_OK;
        }
        if (expect(c, cJSON_IsNumber(c), "a number, a target as written (a string) or null", src, sub, err))
            return err->code;
        if (indicator_set_target_level(ind, year, c->valuedouble, err) != TY_OK) return at_node(err, src, c, sub);
        {   /* the number as the file writes it is the target's words, as a CSV cell's are */
            char text[40];
            TyTargetSpec spec = indicator_target(ind, year)->spec;
            if (indicator_set_target(ind, year, &spec, number_format(c->valuedouble, text, sizeof text),
                                     err) != TY_OK)
                return at_node(err, src, c, sub);
        }
        return TY_OK;
    case V_ACTUAL:
        if (ind->flow_of) {
            char msg[200];
            snprintf(msg, sizeof msg, "a flow_of row's actuals are derived from \"%.60s\" (level(y) - "
                     "level(y - 1)), not typed", ind->flow_of);
            return node_error(err, src, c, sub, msg);
        }
        if (cJSON_IsString(c) && indicator_is_milestone(ind)) {
            const char *s = c->valuestring;
            switch (planfile_milestone_actual(s, strlen(s), year, &v, why, sizeof why)) {
            case CELL_MISSING: return TY_OK;
            case CELL_ERROR: return node_error(err, src, c, sub, why);
            case CELL_VALUE: break;
            }
        } else {
            if (expect(c, cJSON_IsNumber(c), indicator_is_milestone(ind)
                       ? "a number, 是/否, yes/no, a date or null" : "a number or null", src, sub, err))
                return err->code;
            v = c->valuedouble;
        }
        if (series_set(&ind->actual, year, v, err) != TY_OK) return at_node(err, src, c, sub);
        return TY_OK;
    }
    return TY_OK;
}

/* {"2020": 0.62, "2021": null}: actuals, targets or notes by year; null means missing. */
static TyStatus read_values(TyIndicator *ind, ValuesKind kind, const cJSON *obj, const Src *src,
                            const char *path, TyError *err)
{
    char sub[256];
    if (expect(obj, cJSON_IsObject(obj), "an object of year: value", src, path, err)) return err->code;
    for (const cJSON *c = obj->child; c; c = c->next) {
        snprintf(sub, sizeof sub, "%.200s.\"%.40s\"", path, c->string);
        int year = key_year(c->string);
        if (!year) return node_error(err, src, c, sub, "expected a four-digit year as the key");
        if (cJSON_IsNull(c)) continue;
        if (read_value(ind, kind, year, c, src, sub, err) != TY_OK) return err->code;
    }
    return TY_OK;
}

/* A base year: a whole number TY_YEAR_MIN..TY_YEAR_MAX. */
static TyStatus read_year_value(const cJSON *c, int *year, const Src *src, const char *path, TyError *err)
{
    if (cJSON_IsNull(c)) return TY_OK;
    int ok = cJSON_IsNumber(c) && c->valuedouble >= TY_YEAR_MIN && c->valuedouble <= TY_YEAR_MAX
             && c->valuedouble == (double)(int)c->valuedouble;   /* in range before the cast */
    if (!ok) return node_error(err, src, c, path, "expected a year such as 2020");
    *year = (int)c->valuedouble;
    return TY_OK;
}

static TyStatus read_keys(TyPlan *p, TyIndicator *ind, const cJSON *obj, int pass, const Src *src,
                          const char *path, TyError *err);

static TyStatus read_indicator(TyPlan *p, const cJSON *obj, const Src *src, const char *path,
                               TyError *err)
{
    char sub[256];
    if (expect(obj, cJSON_IsObject(obj), "an object", src, path, err)) return err->code;
    const char *req[3];
    static const char *req_names[3] = {"id", "name", "unit"};
    for (int k = 0; k < 3; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, req_names[k]);
        snprintf(sub, sizeof sub, "%s.%s", path, req_names[k]);
        if (!v) return node_error(err, src, obj, path, k == 0 ? "missing key \"id\"" :
                                  k == 1 ? "missing key \"name\"" : "missing key \"unit\"");
        if (expect(v, cJSON_IsString(v), "a string", src, sub, err)) return err->code;
        req[k] = v->valuestring;
    }
    size_t idx;
    if (plan_add(p, req[0], req[1], req[2], &idx, err) != TY_OK) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return node_error(err, src, cJSON_GetObjectItemCaseSensitive(obj, "id"), path, msg);
    }
    TyIndicator *ind = &p->ind[idx];
    /* The actuals last: the targets say whether the row is a milestone, which decides how its
     * actuals read, and flow_of whether they may be typed at all. */
    for (int pass = 0; pass < 2; pass++) {
        if (read_keys(p, ind, obj, pass, src, path, err) != TY_OK) return err->code;
    }
    if (ind->flow_of) {   /* a flow_of row is a flow */
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "measure");
        if (m && ind->measure != TY_FLOW)
            return node_error(err, src, m, path, "a flow_of row is a flow (measure \"flow\" or left out)");
        ind->measure = TY_FLOW;
    }
    return TY_OK;
}

/* The keys of an indicator other than id, name and unit: pass 0 all but "actual", pass 1 it. */
static TyStatus read_keys(TyPlan *p, TyIndicator *ind, const cJSON *obj, int pass, const Src *src,
                          const char *path, TyError *err)
{
    char sub[256];
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *k = c->string;
        if ((strcmp(k, "actual") == 0) != (pass == 1)) continue;
        snprintf(sub, sizeof sub, "%s.%s", path, k);
        char **str = NULL;
        if (!strcmp(k, "id") || !strcmp(k, "name") || !strcmp(k, "unit")) continue;
        if (!strcmp(k, "category")) str = &ind->category;
        else if (!strcmp(k, "owner")) str = &ind->owner;
        else if (!strcmp(k, "note")) str = &ind->note;
        else if (!strcmp(k, "flow_of")) str = &ind->flow_of;
        if (str) {
            if (cJSON_IsNull(c)) continue;
            if (expect(c, cJSON_IsString(c), "a string", src, sub, err)) return err->code;
            if (plan_set_string(str, c->valuestring, err) != TY_OK) return err->code;
            continue;
        }
        static const struct { const char *key; ValuesKind kind; } values[] = {
            {"actual", V_ACTUAL}, {"target", V_TARGET}, {"target_notes", V_TARGET_NOTE},
            {"actual_notes", V_ACTUAL_NOTE},
        };
        int done = 0;
        for (size_t v = 0; v < sizeof values / sizeof values[0] && !done; v++) {
            if (strcmp(k, values[v].key) != 0) continue;
            if (read_values(ind, values[v].kind, c, src, sub, err)) return err->code;
            done = 1;
        }
        if (done) continue;
        if (!strcmp(k, "base_year")) {
            if (read_year_value(c, &ind->base_year, src, sub, err)) return err->code;
            continue;
        }
        if (!strcmp(k, "thresholds")) {
            ind->thresholds = p->thresholds;
            ind->has_thresholds = 1;
            if (read_thresholds(c, &ind->thresholds, src, sub, err)) return err->code;
            continue;
        }
        int bad = 0;
        const char *choices = NULL;
        if (!strcmp(k, "direction")) { choices = "up or down"; bad = !cJSON_IsString(c) || direction_parse(c->valuestring, &ind->direction); }
        else if (!strcmp(k, "measure")) { choices = "level or flow"; bad = !cJSON_IsString(c) || measure_parse(c->valuestring, &ind->measure); }
        else if (!strcmp(k, "trend")) { choices = "cagr, linear or wls"; bad = !cJSON_IsString(c) || trend_parse(c->valuestring, &ind->trend); }
        else if (!strcmp(k, "aggregate")) { choices = "sum, ratio, mean or none"; bad = !cJSON_IsString(c) || aggregate_parse(c->valuestring, &ind->aggregate); }
        else return node_error(err, src, c, sub, "unknown key; expected id, name, unit, category, direction, "
                               "measure, trend, aggregate, owner, note, thresholds, base_year, flow_of, "
                               "actual, target, target_notes or actual_notes");
        if (bad) {
            char msg[200];
            snprintf(msg, sizeof msg, "expected %s, found %s%s%s", choices,
                     cJSON_IsString(c) ? "\"" : json_type_name(c),
                     cJSON_IsString(c) ? c->valuestring : "", cJSON_IsString(c) ? "\"" : "");
            return node_error(err, src, c, sub, msg);
        }
    }
    return TY_OK;
}

/* Rows name other rows (flow_of, benchmarks): checked once all are in, at the naming value. */
static TyStatus check_links(const TyPlan *p, const cJSON *inds, const Src *src, TyError *err)
{
    size_t bad;
    int year;
    if (plan_check_links(p, &bad, &year, err) == TY_OK) return TY_OK;
    const cJSON *obj = cJSON_GetArrayItem(inds, (int)bad), *node = obj;
    char path[64], key[8];
    if (year) {
        snprintf(key, sizeof key, "%d", year);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, "target");
        if (t && cJSON_GetObjectItemCaseSensitive(t, key)) node = cJSON_GetObjectItemCaseSensitive(t, key);
        snprintf(path, sizeof path, "indicators[%zu].target.\"%d\"", bad, year);
    } else {
        if (cJSON_GetObjectItemCaseSensitive(obj, "flow_of")) node = cJSON_GetObjectItemCaseSensitive(obj, "flow_of");
        snprintf(path, sizeof path, "indicators[%zu].flow_of", bad);
    }
    return at_node(err, src, node, path);
}

TyPlan *planfile_read_json(const char *name, const char *buf, size_t len, TyError *err)
{
    TyJsonLimits lim;
    TyJsonPositions pos;
    json_limits_default(&lim);
    cJSON *root = json_parse_buffer_pos(name, buf, len, &lim, &pos, err);
    if (!root) return NULL;
    const Src srcv = { name, buf, len, &pos, root }, *src = &srcv;
    TyPlan *p = plan_new(name);
    char path[64];
    if (!p) {
        ty_error_set(err, TY_ENOMEM, "not enough memory reading %s", name);
        goto fail;
    }
    if (expect(root, cJSON_IsObject(root), "an object", src, "(top level)", err)) goto fail;
    const cJSON *inds = NULL;
    for (const cJSON *c = root->child; c; c = c->next) {
        if (!strcmp(c->string, "name")) {
            if (expect(c, cJSON_IsString(c), "a string", src, "name", err)) goto fail;
            if (plan_set_string(&p->name, c->valuestring, err)) goto fail;
        } else if (!strcmp(c->string, "title")) {
            if (cJSON_IsNull(c)) continue;
            if (expect(c, cJSON_IsString(c), "a string", src, "title", err)) goto fail;
            if (plan_set_string(&p->title, c->valuestring, err)) goto fail;
        } else if (!strcmp(c->string, "base_year")) {
            if (read_year_value(c, &p->base_year, src, "base_year", err)) goto fail;
        } else if (!strcmp(c->string, "thresholds")) {
            if (read_thresholds(c, &p->thresholds, src, "thresholds", err)) goto fail;
        } else if (!strcmp(c->string, "indicators")) {
            if (expect(c, cJSON_IsArray(c), "an array", src, "indicators", err)) goto fail;
            inds = c;
        } else {
            snprintf(path, sizeof path, "%.60s", c->string);
            node_error(err, src, c, path, "unknown key; expected name, title, base_year, thresholds or indicators");
            goto fail;
        }
    }
    if (!inds) {
        node_error(err, src, root, "(top level)", "missing key \"indicators\"");
        goto fail;
    }
    int i = 0;
    for (const cJSON *c = inds->child; c; c = c->next, i++) {
        snprintf(path, sizeof path, "indicators[%d]", i);
        if (read_indicator(p, c, src, path, err) != TY_OK) goto fail;
    }
    if (check_links(p, inds, src, err) != TY_OK) goto fail;
    json_positions_free(&pos);
    cJSON_Delete(root);
    return p;
fail:
    json_positions_free(&pos);
    cJSON_Delete(root);
    plan_free(p);
    return NULL;
}
