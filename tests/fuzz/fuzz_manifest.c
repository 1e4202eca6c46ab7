/* fuzz_manifest.c — libFuzzer target for the package manifest validator, over manifest_parse
 * exactly as package_read calls it (a packed manifest, default limits, explicit length, no NUL
 * terminator: the input is copied into an exactly-sized heap block so ASan sees any read past
 * the end). The first input byte picks the mode (packed or an author's source manifest).
 *
 * Beyond "no crash", it checks the contract:
 *  - a rejection is the code asked for (or TY_ENOMEM), names the file, and its message is
 *    valid UTF-8 without control characters (messages quote hostile input);
 *  - an accepted manifest is internally consistent: files sorted and unique, every path passes
 *    package_path_check, sizes within the limits and adding up to total_bytes, at least one
 *    scenario, and scenarios and modules are .lua files;
 *  - package_path_check on the raw input never crashes and agrees with itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/package.h"
#include "io/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz_manifest: check failed: %s (line %d)\n", #cond, __LINE__); abort(); } \
} while (0)

static int message_ok(const char *s)
{
    TyUtf8Error ue;
    if (!utf8_validate(s, strlen(s), &ue)) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F) return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    int source = data[0] & 1;
    data++;
    size--;
    char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    TyPkgLimits lim;
    package_limits_default(&lim);
    TyManifest m;
    TyError err;
    ty_error_clear(&err);
    TyStatus st = manifest_parse("fuzz.json", buf, size, source, &lim, TY_EPACKAGE, &m, &err);
    if (st != TY_OK) {
        CHECK(st == TY_EPACKAGE || st == TY_ENOMEM);
        CHECK(err.code == st);
        CHECK(strcmp(err.file, "fuzz.json") == 0);
        CHECK(message_ok(err.msg));
        CHECK(m.files == NULL && m.nfiles == 0 && m.name == NULL);
    } else {
        CHECK(m.name && m.publisher && m.description);
        CHECK(m.nfiles >= 1 && m.nfiles <= lim.max_files);
        CHECK(m.has_hashes == !source);
        uint64_t total = 0;
        int scenarios = 0;
        for (size_t i = 0; i < m.nfiles; i++) {
            const TyPkgFile *f = &m.files[i];
            TyError pe;
            CHECK(package_path_check(f->path, strlen(f->path), "f", &pe) == TY_OK);
            if (i > 0) CHECK(strcmp(m.files[i - 1].path, f->path) < 0);
            CHECK(f->size <= lim.max_file_bytes);
            total += f->size;
            size_t n = strlen(f->path);
            int lua = n >= 4 && strcmp(f->path + n - 4, ".lua") == 0;
            CHECK(lua == (f->role != PKG_ROLE_DATA));
            CHECK((f->name != NULL) == (f->role != PKG_ROLE_DATA));
            scenarios += f->role == PKG_ROLE_SCENARIO;
        }
        CHECK(scenarios >= 1);
        CHECK(total == m.total_bytes && total <= lim.max_total_bytes);
        manifest_free(&m);
    }
    /* The path rules on arbitrary bytes: deterministic, and any accepted path is short. */
    TyError a, b;
    TyStatus pa = package_path_check(buf, size, "p", &a);
    TyStatus pb = package_path_check(buf, size, "p", &b);
    CHECK(pa == pb);
    if (pa == TY_OK) CHECK(size <= PKG_PATH_MAX && memchr(buf, '\0', size) == NULL);
    else CHECK(message_ok(a.msg));
    free(buf);
    return 0;
}
