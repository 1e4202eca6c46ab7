/* planfile_json.c — reading a plan from JSON: the same content as the CSV form.
 *   {"name": "...", "thresholds": {"on_track": 0.95, "behind": 0.1},
 *    "indicators": [{"id": "...", "name": "...", "unit": "%", "direction": "up", ...,
 *                    "actual": {"2020": 0.62}, "target": {"2022": 0.85, "2025": 1.5}}]}
 * Unknown keys are errors. Every error names the line and column of the value at fault (the
 * validator records where each value starts) and its JSON path. */
#include "planfile.h"
#include "json.h"

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

/* {"2020": 0.62, "2021": null} into a series; null means missing. */
static TyStatus read_values(const cJSON *obj, TySeries *s, const Src *src, const char *path,
                            TyError *err)
{
    char sub[256];
    if (expect(obj, cJSON_IsObject(obj), "an object of year: value", src, path, err)) return err->code;
    for (const cJSON *c = obj->child; c; c = c->next) {
        snprintf(sub, sizeof sub, "%.200s.\"%.40s\"", path, c->string);
        const char *k = c->string;
        int year = 0, ok = strlen(k) == 4;
        for (int i = 0; ok && i < 4; i++) {
            ok = k[i] >= '0' && k[i] <= '9';
            year = year * 10 + (k[i] - '0');
        }
        if (!ok || year < TY_YEAR_MIN || year > TY_YEAR_MAX)
            return node_error(err, src, c, sub, "expected a four-digit year as the key");
        if (cJSON_IsNull(c)) continue;
        if (expect(c, cJSON_IsNumber(c), "a number or null", src, sub, err)) return err->code;
        if (series_set(s, year, c->valuedouble, err) != TY_OK) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            return node_error(err, src, c, sub, msg);
        }
    }
    return TY_OK;
}

typedef enum { F_STRING, F_DIRECTION, F_MEASURE, F_TREND, F_AGGREGATE } FieldKind;

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
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *k = c->string;
        snprintf(sub, sizeof sub, "%s.%s", path, k);
        char **str = NULL;
        if (!strcmp(k, "id") || !strcmp(k, "name") || !strcmp(k, "unit")) continue;
        if (!strcmp(k, "category")) str = &ind->category;
        else if (!strcmp(k, "owner")) str = &ind->owner;
        else if (!strcmp(k, "note")) str = &ind->note;
        if (str) {
            if (cJSON_IsNull(c)) continue;
            if (expect(c, cJSON_IsString(c), "a string", src, sub, err)) return err->code;
            if (plan_set_string(str, c->valuestring, err) != TY_OK) return err->code;
            continue;
        }
        if (!strcmp(k, "actual") || !strcmp(k, "target")) {
            if (read_values(c, k[0] == 'a' ? &ind->actual : &ind->target, src, sub, err)) return err->code;
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
                               "measure, trend, aggregate, owner, note, thresholds, actual or target");
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
        } else if (!strcmp(c->string, "thresholds")) {
            if (read_thresholds(c, &p->thresholds, src, "thresholds", err)) goto fail;
        } else if (!strcmp(c->string, "indicators")) {
            if (expect(c, cJSON_IsArray(c), "an array", src, "indicators", err)) goto fail;
            inds = c;
        } else {
            snprintf(path, sizeof path, "%.60s", c->string);
            node_error(err, src, c, path, "unknown key; expected name, thresholds or indicators");
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
    json_positions_free(&pos);
    cJSON_Delete(root);
    return p;
fail:
    json_positions_free(&pos);
    cJSON_Delete(root);
    plan_free(p);
    return NULL;
}
