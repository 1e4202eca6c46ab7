/* package.h — signed scenario packages (.tpkg): the manifest, the archive, the signature.
 *
 * A .tpkg is a gzip'd ustar archive any county can open with `tar tzf`. Its entries, in order:
 *   1. tuiyan-package.json  the manifest (JSON, validated by manifest_parse)
 *   2. tuiyan-package.sig   one line "tuiyan-ed25519-signature <key: 64 hex> <sig: 128 hex>\n",
 *                           an Ed25519 signature of the exact bytes of entry 1
 *   3. the package files, regular files only, sorted bytewise by path, exactly those the
 *      manifest lists, each with the size and SHA-256 the manifest gives.
 * The gzip header is fixed (no name, no time: 1f 8b 08 00 00000000 00 03) and the trailer's
 * CRC-32 and length are checked against the inflated tar, so any change to a .tpkg that changes
 * what it unpacks to is refused. (Deflate leaves a few bits whose change decodes to the very
 * same tar: the unused bits of the last byte, a match distance into a run of zeros. They cannot
 * change a byte of what is unpacked; tests/unit/test_package.c checks exactly that.)
 *
 * Reading (package_read) works on one in-memory buffer: the gzip stream is inflated under a cap
 * (an archive bomb stops there), then the tar is read with every header checked before its data:
 * the signature is verified against the caller's trusted keys before the manifest is even
 * parsed, and each file's declared size must match the manifest before a byte of it is read.
 * When a destination directory is given, the bytes that were hashed are the bytes written.
 *
 * Every failure is TY_EPACKAGE (exit 4) naming the package and what was wrong, except a missing
 * package file (TY_EUSAGE), an author's bad source directory in package_pack (TY_EDATA), write
 * failures (TY_EOUTPUT) and running out of memory (TY_ENOMEM). Nothing here includes lua.h.
 */
#ifndef TY_PACKAGE_H
#define TY_PACKAGE_H

#include <stddef.h>
#include <stdint.h>
#include "core/error.h"

#define PKG_MANIFEST_NAME "tuiyan-package.json"
#define PKG_SIGNATURE_NAME "tuiyan-package.sig"
#define PKG_KEY_BYTES 32          /* Ed25519 public key */
#define PKG_SECRET_BYTES 64       /* Ed25519 secret key (seed + public half) */
#define PKG_SIG_BYTES 64
#define PKG_HASH_BYTES 32         /* SHA-256 */
#define PKG_PATH_MAX 200          /* bytes in a file's path inside a package */
#define PKG_COMPONENT_MAX 100     /* bytes in one path component */
#define PKG_DEPTH_MAX 16          /* components in a path */
#define PKG_MANIFEST_MAX ((size_t)1 << 20)

/* Caps on what one package may hold; checked before anything is allocated or unpacked. */
typedef struct TyPkgLimits {
    uint64_t max_total_bytes;     /* all files, uncompressed (default 256 MiB) */
    uint64_t max_file_bytes;      /* any one file (default 64 MiB) */
    size_t max_files;             /* files besides the manifest and signature (default 4096) */
} TyPkgLimits;

#define PKG_LIMIT_TOTAL_CEILING ((uint64_t)2 << 30)   /* the most a caller may raise them to */
#define PKG_LIMIT_FILES_CEILING ((size_t)1 << 20)

void package_limits_default(TyPkgLimits *lim);
/* The largest .tpkg file worth reading under these limits (deflate never grows data by much). */
uint64_t package_max_archive_bytes(const TyPkgLimits *lim);

typedef enum TyPkgRole { PKG_ROLE_SCENARIO, PKG_ROLE_MODULE, PKG_ROLE_DATA } TyPkgRole;

typedef struct TyPkgFile {
    char *path;                   /* safe relative path (package_path_check) */
    TyPkgRole role;
    char *name;                   /* the scenario or module name; NULL for data */
    uint64_t size;                /* 0 in a source manifest */
    unsigned char sha256[PKG_HASH_BYTES];
    char *text;                   /* verified contents of a .lua file (of any file: keep_data), when asked for */
    size_t text_len;
} TyPkgFile;

typedef struct TyManifest {
    char *name;                   /* [a-z][a-z0-9_-]*, at most 64 bytes */
    int version[3];               /* major.minor.patch */
    char *publisher;
    char *description;
    int min_tuiyan[3];            /* oldest tuiyan that may run it */
    int expires[3];               /* year, month, day: valid through that day */
    int firm_level_outputs;       /* "firm_level_outputs": true: results may carry firm-level
                                     register data (names, codes, per-firm rows); else only
                                     aggregates leave the county (lua/sandbox_child.lua) */
    TyPkgFile *files;             /* sorted bytewise by path */
    size_t nfiles;
    uint64_t total_bytes;
    int has_hashes;               /* 1 for a packed manifest, 0 for an author's source */
} TyManifest;

/* Parses and validates a manifest held in buf[0..len). `source` 1: an author's manifest, in
 * which "files" must be absent (tuiyan pack computes it); 0: a packed manifest, in which
 * "files" must list exactly the scenario, module and data files with sizes and hashes.
 * Errors are `code` (TY_EPACKAGE or TY_EDATA) naming `name`; *m is empty on failure. */
TyStatus manifest_parse(const char *name, const char *buf, size_t len, int source,
                        const TyPkgLimits *lim, TyStatus code, TyManifest *m, TyError *err);
void manifest_free(TyManifest *m);

/* Compares two versions: <0, 0 or >0, like strcmp. */
int package_version_cmp(const int a[3], const int b[3]);
/* "1.2.0" -> v; 0 on success, -1 if not MAJOR.MINOR.PATCH (no leading zeros, each < 10^9). */
int package_version_parse(const char *s, size_t len, int v[3]);

/* A path inside a package: relative, '/'-separated, valid UTF-8, no empty, "." or ".."
 * component, no control, bidi-control or \ : * ? " < > | character, no component ending in
 * '.' or ' ', no Windows device name, at most PKG_PATH_MAX bytes, PKG_COMPONENT_MAX per
 * component and PKG_DEPTH_MAX components. Errors are TY_EPACKAGE naming `what`. */
TyStatus package_path_check(const char *path, size_t len, const char *what, TyError *err);

/* `s` quoted for a message: at most 60 bytes, control bytes and invalid UTF-8 as \xNN. */
void package_show(const char *s, size_t len, char *out, size_t outsize);

/* ---------------------------------------------------------------- reading and verifying */

typedef struct TyPackage {
    TyManifest manifest;
    char *manifest_text;          /* the exact signed bytes (NUL-terminated copy) */
    size_t manifest_len;
    unsigned char manifest_sha256[PKG_HASH_BYTES];
    unsigned char key[PKG_KEY_BYTES];     /* the trusted key that signed it */
    size_t key_index;             /* its index in the caller's trusted list */
} TyPackage;

typedef struct TyPkgTrust {
    const unsigned char (*keys)[PKG_KEY_BYTES];
    size_t nkeys;
} TyPkgTrust;

typedef struct TyPkgReadOptions {
    const TyPkgLimits *limits;    /* NULL: defaults */
    const TyPkgTrust *trust;      /* keys whose signatures are accepted */
    const char *dest_dir;         /* NULL: verify only; else an existing empty directory to
                                   * unpack into (files 0644, directories 0755) */
    int keep_lua;                 /* keep the verified text of .lua files in TyPkgFile.text */
    int keep_data;                /* with keep_lua: data files' verified bytes too (a run uses
                                   * them instead of reading the store a second time) */
} TyPkgReadOptions;

/* Verifies (and optionally unpacks) the .tpkg in buf[0..len); `name` names it in messages.
 * On success *out holds the manifest and who signed it (free with package_free). On failure
 * *out is empty and, if dest_dir was given, it may hold part of the files: remove it. */
TyStatus package_read(const char *name, const unsigned char *buf, size_t len,
                      const TyPkgReadOptions *opt, TyPackage *out, TyError *err);

/* Re-verifies an unpacked package in `dir` (as package_read left it): the signature against
 * the trusted keys, the manifest, every file's size and hash, and nothing else in the
 * directory (no extra file, no link or special file). keep_lua as in package_read. */
TyStatus package_verify_dir(const char *dir, const TyPkgReadOptions *opt, TyPackage *out,
                            TyError *err);

void package_free(TyPackage *p);

/* Parses a signature entry; 0 on success. */
int package_signature_parse(const char *buf, size_t len, unsigned char key[PKG_KEY_BYTES],
                            unsigned char sig[PKG_SIG_BYTES]);

/* ---------------------------------------------------------------- packing */

/* Builds a .tpkg from the author's directory `dir` (holding tuiyan-package.json without
 * "files"): every listed file is hashed, nothing unlisted may be there, the completed
 * manifest is signed with `secret`, and the archive is returned in *buf (malloc'd, for the
 * caller to free()) after package_read has verified it with the signer's key. */
TyStatus package_pack(const char *dir, const unsigned char secret[PKG_SECRET_BYTES],
                      const TyPkgLimits *lim, unsigned char **buf, size_t *len,
                      TyPackage *out, TyError *err);

/* ---------------------------------------------------------------- installed packages on disk */

/* Creates a fresh private directory "<parent>/.tmp-XXXXXX"; returns it malloc'd, or NULL. */
char *package_mkdtemp(const char *parent, TyError *err);
/* Moves directory `from` to `to`. If `to` exists it is exchanged atomically (renameat2) and
 * the old contents end up at `from`, for the caller to remove. */
TyStatus package_move_dir(const char *from, const char *to, int *exchanged, TyError *err);
/* rm -r that never follows a symbolic link. Missing is not an error. */
TyStatus package_remove_tree(const char *path, TyError *err);
/* Takes an exclusive lock on "<dir>/.lock" (flock); returns the fd, or -1 with *err when
 * another tuiyan holds it. */
int package_lock(const char *dir, TyError *err);
/* The names in dir other than . and .., sorted bytewise, in *names (free with
 * package_names_free); a missing directory has none. */
TyStatus package_list_dir(const char *dir, char ***names, size_t *n, TyError *err);
void package_names_free(char **names, size_t n);

#endif
