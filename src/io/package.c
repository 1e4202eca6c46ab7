/* package.c — reading, verifying, unpacking and writing .tpkg archives (see package.h for the
 * format). The order of checks is the point of this file:
 *
 *   1. the gzip header is the fixed one tuiyan pack writes;
 *   2. the stream is inflated into memory under a cap (an archive bomb stops there), and its
 *      CRC-32 and length are checked against the gzip trailer (libarchive does not);
 *   3. the tar is read header by header: every header is checked (ustar, a regular file, a
 *      safe path) before its data is touched; the first entry is the manifest, the second the
 *      signature, and the signature is verified against the trusted keys before the manifest
 *      is parsed at all;
 *   4. each file's header must give the manifest's size before its data is read, its SHA-256
 *      must match, and the files must be exactly the manifest's, in its order.
 * Only then is the result returned; the bytes written to dest_dir are the bytes hashed.
 */
#include "package.h"
#include "atomic.h"
#include "json.h"
#include "utf8.h"
#include "core/alloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const unsigned char GZIP_HEADER[10] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03};
#define SIG_PREFIX "tuiyan-ed25519-signature "
#define SIG_LINE_LEN (sizeof SIG_PREFIX - 1 + 2 * PKG_KEY_BYTES + 1 + 2 * PKG_SIG_BYTES + 1)
#define SIG_ENTRY_MAX 4096
#define CHUNK (64 * 1024)
#define TAR_OVERHEAD 1024         /* a header block and at most one block of padding per entry */

/* ---------------------------------------------------------------- small helpers */

static TyStatus pkg_fail(TyError *err, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static TyStatus pkg_fail(TyError *err, const char *name, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ty_error_at(err, TY_EPACKAGE, name, 0, 0, "%s", msg);
}

static TyStatus no_memory(TyError *err, const char *name)
{
    return ty_error_at(err, TY_ENOMEM, name, 0, 0, "out of memory");
}

static void fingerprint(const unsigned char key[PKG_KEY_BYTES], char out[17])
{
    sodium_bin2hex(out, 17, key, 8);
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    static uint32_t table[256];
    static int ready;
    if (!ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        ready = 1;
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static int hex_exact(const char *s, unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

int package_signature_parse(const char *buf, size_t len, unsigned char key[PKG_KEY_BYTES],
                            unsigned char sig[PKG_SIG_BYTES])
{
    const size_t pre = sizeof SIG_PREFIX - 1;
    if (len != SIG_LINE_LEN || memcmp(buf, SIG_PREFIX, pre) != 0) return -1;
    const char *k = buf + pre, *s = k + 2 * PKG_KEY_BYTES + 1;
    if (k[2 * PKG_KEY_BYTES] != ' ' || buf[len - 1] != '\n') return -1;
    if (hex_exact(k, key, PKG_KEY_BYTES) != 0 || hex_exact(s, sig, PKG_SIG_BYTES) != 0) return -1;
    return 0;
}

void package_free(TyPackage *p)
{
    if (!p) return;
    manifest_free(&p->manifest);
    ty_free(p->manifest_text);
    memset(p, 0, sizeof *p);
}

/* The signature entry against the trusted keys; fills p->key, p->key_index. */
static TyStatus check_signature(const char *name, const char *manifest, size_t mlen,
                                const char *sigtext, size_t siglen, const TyPkgTrust *trust,
                                TyPackage *p, TyError *err)
{
    unsigned char key[PKG_KEY_BYTES], sig[PKG_SIG_BYTES];
    char fp[17];
    if (package_signature_parse(sigtext, siglen, key, sig) != 0)
        return pkg_fail(err, name, "%s: malformed signature (expected one line \"%s<key: 64 hex> "
                        "<signature: 128 hex>\")", PKG_SIGNATURE_NAME, SIG_PREFIX);
    fingerprint(key, fp);
    size_t n = trust ? trust->nkeys : 0, i = 0;
    while (i < n && sodium_memcmp(trust->keys[i], key, PKG_KEY_BYTES) != 0) i++;
    if (i == n)
        return pkg_fail(err, name, "signed by key %s, which is not trusted (%s)", fp,
                        n == 0 ? "no key is trusted yet; give the publisher's key with --trust "
                                 "KEY.pub"
                               : "give the publisher's key with --trust KEY.pub");
    if (crypto_sign_verify_detached(sig, (const unsigned char *)manifest, mlen, key) != 0)
        return pkg_fail(err, name, "the signature of key %s does not match the manifest: the "
                        "package was changed after it was signed, or is damaged", fp);
    memcpy(p->key, key, sizeof key);
    p->key_index = i;
    return TY_OK;
}

/* A scenario or module must be Lua source text: no binary chunk, no NUL, valid UTF-8. */
static TyStatus check_lua_text(const char *name, const char *path, const unsigned char *data,
                               size_t len, TyError *err)
{
    char shown[80];
    TyUtf8Error ue;
    package_show(path, strlen(path), shown, sizeof shown);
    if (len > 0 && data[0] == 0x1B)
        return pkg_fail(err, name, "\"%s\" is a compiled Lua chunk; packages hold Lua source "
                        "only", shown);
    if (memchr(data, '\0', len))
        return pkg_fail(err, name, "\"%s\" contains a NUL byte; Lua files must be text", shown);
    if (!utf8_validate((const char *)data, len, &ue))
        return pkg_fail(err, name, "\"%s\" is not UTF-8 text (byte %zu)", shown, ue.offset);
    return TY_OK;
}

static void hash_hex(const unsigned char h[PKG_HASH_BYTES], char out[65])
{
    sodium_bin2hex(out, 65, h, PKG_HASH_BYTES);
}

/* ---------------------------------------------------------------- writing into dest_dir */

/* Opens (creating as needed) the directories of `path` under dirfd, never following a link,
 * and creates the file itself exclusively. Returns an fd or -1 with errno. */
static int create_below(int dirfd, const char *path)
{
    char buf[PKG_PATH_MAX + 1];
    size_t len = strlen(path);
    if (len > PKG_PATH_MAX) { errno = ENAMETOOLONG; return -1; }
    memcpy(buf, path, len + 1);
    int cur = dup(dirfd);
    if (cur < 0) return -1;
    char *comp = buf;
    for (char *slash = strchr(comp, '/'); slash; slash = strchr(comp, '/')) {
        *slash = '\0';
        int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT) {
            if (mkdirat(cur, comp, 0755) != 0) { int e = errno; close(cur); errno = e; return -1; }
            next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        int e = errno;
        close(cur);
        if (next < 0) { errno = e; return -1; }
        cur = next;
        comp = slash + 1;
    }
    int fd = openat(cur, comp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    int e = errno;
    close(cur);
    errno = e;
    return fd;
}

static TyStatus write_all_fd(int fd, const unsigned char *p, size_t n, const char *where,
                             TyError *err)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return ty_error_set(err, TY_EOUTPUT, "cannot write %s: %s", where,
                                        strerror(w < 0 ? errno : ENOSPC));
        p += w;
        n -= (size_t)w;
    }
    return TY_OK;
}

static TyStatus close_file(int fd, const char *where, TyError *err)
{
    int r = fsync(fd);
    int e = errno;
    if (close(fd) != 0 && r == 0) { r = -1; e = errno; }
    if (r != 0) return ty_error_set(err, TY_EOUTPUT, "cannot write %s: %s", where, strerror(e));
    return TY_OK;
}

static TyStatus write_below(int dirfd, const char *dest, const char *path,
                            const unsigned char *data, size_t len, TyError *err)
{
    char where[600];
    snprintf(where, sizeof where, "%s/%s", dest, path);
    int fd = create_below(dirfd, path);
    if (fd < 0) return ty_error_set(err, TY_EOUTPUT, "cannot write %s: %s", where, strerror(errno));
    TyStatus st = write_all_fd(fd, data, len, where, err);
    if (st != TY_OK) { close(fd); return st; }
    return close_file(fd, where, err);
}

/* ---------------------------------------------------------------- inflating */

static uint64_t tar_cap(const TyPkgLimits *lim)
{
    return lim->max_total_bytes + (uint64_t)(lim->max_files + 2) * TAR_OVERHEAD +
           PKG_MANIFEST_MAX + SIG_ENTRY_MAX + 4 * TAR_OVERHEAD;
}

uint64_t package_max_archive_bytes(const TyPkgLimits *lim)
{
    uint64_t t = tar_cap(lim);
    return t + t / 512 + 4096;
}

/* gzip -> tar bytes in memory, at most `cap` of them; CRC-32 and length checked. */
static TyStatus inflate_all(const char *name, const unsigned char *buf, size_t len, uint64_t cap,
                            unsigned char **out, size_t *outlen, TyError *err)
{
    *out = NULL;
    *outlen = 0;
    if (len < sizeof GZIP_HEADER + 8 || memcmp(buf, GZIP_HEADER, 2) != 0)
        return pkg_fail(err, name, "not a tuiyan package (not gzip data)");
    if (memcmp(buf, GZIP_HEADER, sizeof GZIP_HEADER) != 0)
        return pkg_fail(err, name, "not a tuiyan package (its gzip header is not the one tuiyan "
                        "pack writes)");
    struct archive *a = archive_read_new();
    if (!a) return no_memory(err, name);
    archive_read_support_filter_gzip(a);
    archive_read_support_format_raw(a);
    struct archive_entry *e;
    TyStatus st = TY_OK;
    unsigned char *data = NULL;
    size_t n = 0, size = 0;
    if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK ||
        archive_read_next_header(a, &e) != ARCHIVE_OK) {
        st = pkg_fail(err, name, "damaged archive: %s", archive_error_string(a) ?
                      archive_error_string(a) : "unreadable");
        goto done;
    }
    for (;;) {
        if (n == size) {
            if ((uint64_t)size >= cap + 1) {
                st = pkg_fail(err, name, "the archive unpacks to more than %llu bytes, more than "
                              "its limits allow (an archive bomb?)", (unsigned long long)cap);
                goto done;
            }
            uint64_t want = size ? (uint64_t)size * 2 : CHUNK;
            if (want > cap + 1) want = cap + 1;
            if (want > SIZE_MAX) want = SIZE_MAX;
            unsigned char *nd = ty_realloc(data, (size_t)want);
            if (!nd) { st = no_memory(err, name); goto done; }
            data = nd;
            size = (size_t)want;
        }
        la_ssize_t r = archive_read_data(a, data + n, size - n);
        if (r < 0) {
            st = pkg_fail(err, name, "damaged archive: %s", archive_error_string(a) ?
                          archive_error_string(a) : "unreadable");
            goto done;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    if (n > cap) {
        st = pkg_fail(err, name, "the archive unpacks to more than %llu bytes, more than its "
                      "limits allow (an archive bomb?)", (unsigned long long)cap);
        goto done;
    }
    if (crc32_of(data, n) != le32(buf + len - 8) || (uint32_t)n != le32(buf + len - 4)) {
        st = pkg_fail(err, name, "damaged archive: its gzip checksum does not match (the file "
                      "was changed or cut short)");
        goto done;
    }
done:
    archive_read_free(a);
    if (st != TY_OK) { ty_free(data); return st; }
    *out = data;
    *outlen = n;
    return TY_OK;
}

/* ---------------------------------------------------------------- the tar */

/* Every header, before its data: ustar, a regular file, a safe path, a size. */
static TyStatus check_header(const char *name, struct archive *t, struct archive_entry *e,
                             size_t index, TyError *err)
{
    const char *path = archive_entry_pathname(e);
    char shown[80];
    if (!path) return pkg_fail(err, name, "archive entry %zu has no name", index + 1);
    package_show(path, strlen(path), shown, sizeof shown);
    if (archive_format(t) != ARCHIVE_FORMAT_TAR_USTAR)
        return pkg_fail(err, name, "archive entry \"%s\" is in %s; packages are plain ustar",
                        shown, archive_format_name(t) ? archive_format_name(t) : "another format");
    const char *kind = NULL;
    if (archive_entry_hardlink(e)) kind = "a hard link";
    else switch (archive_entry_filetype(e)) {
    case AE_IFREG: break;
    case AE_IFLNK: kind = "a symbolic link"; break;
    case AE_IFDIR: kind = "a directory entry"; break;
    case AE_IFCHR: kind = "a character device"; break;
    case AE_IFBLK: kind = "a block device"; break;
    case AE_IFIFO: kind = "a FIFO"; break;
    case AE_IFSOCK: kind = "a socket"; break;
    default: kind = "not a regular file"; break;
    }
    if (!kind && archive_entry_symlink(e)) kind = "a symbolic link";
    if (kind) return pkg_fail(err, name, "\"%s\" is %s; packages hold regular files only", shown,
                              kind);
    char what[120];
    TyError perr;
    snprintf(what, sizeof what, "archive entry %zu", index + 1);
    if (package_path_check(path, strlen(path), what, &perr) != TY_OK)
        return pkg_fail(err, name, "%s", perr.msg);
    if (archive_entry_sparse_count(e) > 0)
        return pkg_fail(err, name, "\"%s\" is a sparse file; packages hold plain files only", shown);
    if (!archive_entry_size_is_set(e) || archive_entry_size(e) < 0)
        return pkg_fail(err, name, "\"%s\" has no size", shown);
    return TY_OK;
}

/* Reads exactly `size` bytes of the current entry into a new buffer. */
static TyStatus read_exact(const char *name, struct archive *t, const char *shown, uint64_t size,
                           unsigned char **out, TyError *err)
{
    unsigned char *data = ty_malloc(size ? (size_t)size : 1);
    if (!data) return no_memory(err, name);
    size_t got = 0;
    while (got < size) {
        la_ssize_t r = archive_read_data(t, data + got, (size_t)size - got);
        if (r < 0) {
            ty_free(data);
            return pkg_fail(err, name, "damaged archive at \"%s\": %s", shown,
                            archive_error_string(t) ? archive_error_string(t) : "unreadable");
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    unsigned char extra;
    if (got != size || archive_read_data(t, &extra, 1) != 0) {
        ty_free(data);
        return pkg_fail(err, name, "damaged archive: \"%s\" is cut short", shown);
    }
    *out = data;
    return TY_OK;
}

/* One of the two metadata entries: must be `want`, at most `cap` bytes. */
static TyStatus read_meta(const char *name, struct archive *t, struct archive_entry *e,
                          const char *want, size_t cap, unsigned char **data, size_t *len,
                          TyError *err)
{
    const char *path = archive_entry_pathname(e);
    char shown[80];
    package_show(path, strlen(path), shown, sizeof shown);
    if (strcmp(path, want) != 0)
        return pkg_fail(err, name, "expected %s as entry %d of the archive, found \"%s\"", want,
                        strcmp(want, PKG_MANIFEST_NAME) == 0 ? 1 : 2, shown);
    la_int64_t size = archive_entry_size(e);
    if ((uint64_t)size > cap)
        return pkg_fail(err, name, "%s is %lld bytes; the limit is %zu", want, (long long)size, cap);
    *len = (size_t)size;
    return read_exact(name, t, want, (uint64_t)size, data, err);
}

/* Finds path among the manifest's files (sorted): its index, or -1. */
static long find_file(const TyManifest *m, const char *path)
{
    size_t lo = 0, hi = m->nfiles;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->files[mid].path, path);
        if (c == 0) return (long)mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

static TyStatus missing_file(const char *name, const TyPkgFile *f, TyError *err)
{
    char shown[80];
    package_show(f->path, strlen(f->path), shown, sizeof shown);
    return pkg_fail(err, name, "\"%s\" is in the manifest but missing from the archive", shown);
}

/* Checks one file's bytes against its manifest entry (size already matched); keeps them in
 * f->text when keep_lua is 1 (a .lua file) or 2 (any file). */
static TyStatus check_file_bytes(const char *name, TyPkgFile *f, unsigned char *data,
                                 int keep_lua, int *kept, TyError *err)
{
    unsigned char h[PKG_HASH_BYTES];
    char shown[80], got[65], want[65];
    *kept = 0;
    crypto_hash_sha256(h, data, (size_t)f->size);
    if (sodium_memcmp(h, f->sha256, sizeof h) != 0) {
        package_show(f->path, strlen(f->path), shown, sizeof shown);
        hash_hex(h, got);
        hash_hex(f->sha256, want);
        return pkg_fail(err, name, "\"%s\" does not match the manifest (sha256 %.16s..., the "
                        "manifest says %.16s...)", shown, got, want);
    }
    if (f->role != PKG_ROLE_DATA) {
        TyStatus st = check_lua_text(name, f->path, data, (size_t)f->size, err);
        if (st != TY_OK) return st;
    }
    if (keep_lua && (f->role != PKG_ROLE_DATA || keep_lua > 1)) {
        f->text = (char *)data;
        f->text_len = (size_t)f->size;
        *kept = 1;
    }
    return TY_OK;
}

/* Manifest + signature entries read: verify, parse, fill p. */
static TyStatus accept_manifest(const char *name, unsigned char *mtext, size_t mlen,
                                const unsigned char *sig, size_t siglen,
                                const TyPkgReadOptions *opt, const TyPkgLimits *lim,
                                TyPackage *p, TyError *err)
{
    TyStatus st = check_signature(name, (const char *)mtext, mlen, (const char *)sig, siglen,
                                  opt->trust, p, err);
    if (st != TY_OK) return st;
    char mname[300];
    snprintf(mname, sizeof mname, "%s: %s", name, PKG_MANIFEST_NAME);
    st = manifest_parse(mname, (const char *)mtext, mlen, 0, lim, TY_EPACKAGE, &p->manifest, err);
    if (st != TY_OK) return st;
    p->manifest_text = ty_malloc(mlen + 1);
    if (!p->manifest_text) return no_memory(err, name);
    memcpy(p->manifest_text, mtext, mlen);
    p->manifest_text[mlen] = '\0';
    p->manifest_len = mlen;
    crypto_hash_sha256(p->manifest_sha256, mtext, mlen);
    return TY_OK;
}

static TyStatus read_tar(const char *name, const unsigned char *tar, size_t tarlen,
                         const TyPkgReadOptions *opt, const TyPkgLimits *lim, int dirfd,
                         TyPackage *p, TyError *err)
{
    struct archive *t = archive_read_new();
    if (!t) return no_memory(err, name);
    archive_read_support_format_tar(t);
    TyStatus st = TY_OK;
    unsigned char *mtext = NULL, *sig = NULL;
    size_t mlen = 0, siglen = 0, index = 0, next = 0;
    struct archive_entry *e;
    if (archive_read_open_memory(t, tar, tarlen) != ARCHIVE_OK) {
        st = pkg_fail(err, name, "not a tar archive: %s", archive_error_string(t) ?
                      archive_error_string(t) : "unreadable");
        goto done;
    }
    for (;; index++) {
        int r = archive_read_next_header(t, &e);
        if (r == ARCHIVE_EOF) break;
        if (r == ARCHIVE_WARN && archive_format(t) != ARCHIVE_FORMAT_TAR_USTAR) {
            /* pax or GNU extensions (which also warn about names they cannot convert) */
            st = pkg_fail(err, name, "archive entry %zu is in %s; packages are plain ustar",
                          index + 1, archive_format_name(t) ? archive_format_name(t) : "another format");
            goto done;
        }
        if (r != ARCHIVE_OK) {
            st = pkg_fail(err, name, "damaged archive after entry %zu: %s", index,
                          archive_error_string(t) ? archive_error_string(t) : "unreadable");
            goto done;
        }
        if (index >= lim->max_files + 2) {
            st = pkg_fail(err, name, "the archive has more than %zu entries (the limit is %zu "
                          "files)", lim->max_files + 2, lim->max_files);
            goto done;
        }
        if ((st = check_header(name, t, e, index, err)) != TY_OK) goto done;
        if (index == 0) {
            st = read_meta(name, t, e, PKG_MANIFEST_NAME, PKG_MANIFEST_MAX, &mtext, &mlen, err);
            if (st != TY_OK) goto done;
            continue;
        }
        if (index == 1) {
            st = read_meta(name, t, e, PKG_SIGNATURE_NAME, SIG_ENTRY_MAX, &sig, &siglen, err);
            if (st != TY_OK) goto done;
            st = accept_manifest(name, mtext, mlen, sig, siglen, opt, lim, p, err);
            if (st != TY_OK) goto done;
            if (dirfd >= 0) {
                st = write_below(dirfd, opt->dest_dir, PKG_MANIFEST_NAME, mtext, mlen, err);
                if (st == TY_OK)
                    st = write_below(dirfd, opt->dest_dir, PKG_SIGNATURE_NAME, sig, siglen, err);
                if (st != TY_OK) goto done;
            }
            continue;
        }
        /* A package file: it must be the next one the manifest lists, with its size. */
        TyManifest *m = &p->manifest;
        const char *path = archive_entry_pathname(e);
        char shown[80];
        package_show(path, strlen(path), shown, sizeof shown);
        long j = find_file(m, path);
        if (j < 0) {
            st = pkg_fail(err, name, "\"%s\" is in the archive but not in the manifest", shown);
            goto done;
        }
        if ((size_t)j < next) {
            st = pkg_fail(err, name, "\"%s\" appears twice in the archive, or out of order", shown);
            goto done;
        }
        if ((size_t)j > next) { st = missing_file(name, &m->files[next], err); goto done; }
        TyPkgFile *f = &m->files[next++];
        uint64_t size = (uint64_t)archive_entry_size(e);
        if (size != f->size) {
            st = pkg_fail(err, name, "\"%s\" is %llu bytes in the archive; the manifest says %llu",
                          shown, (unsigned long long)size, (unsigned long long)f->size);
            goto done;
        }
        unsigned char *data = NULL;
        int kept = 0;
        if ((st = read_exact(name, t, shown, size, &data, err)) != TY_OK) goto done;
        st = check_file_bytes(name, f, data, opt->keep_lua ? 1 + !!opt->keep_data : 0, &kept, err);
        if (st == TY_OK && dirfd >= 0)
            st = write_below(dirfd, opt->dest_dir, f->path, data, (size_t)size, err);
        if (!kept) ty_free(data);
        if (st != TY_OK) goto done;
    }
    if (index == 0) st = pkg_fail(err, name, "the archive is empty");
    else if (index == 1) st = pkg_fail(err, name, "the archive has no signature (%s)",
                                       PKG_SIGNATURE_NAME);
    else if (next < p->manifest.nfiles) st = missing_file(name, &p->manifest.files[next], err);
done:
    archive_read_free(t);
    ty_free(mtext);
    ty_free(sig);
    return st;
}

/* The options of a read or a verification with their defaults filled in: *opt points at `none`
 * when NULL, and the limits returned are the caller's or the defaults (written into def). */
static const TyPkgLimits *read_setup(const TyPkgReadOptions **opt, TyPkgReadOptions *none,
                                     TyPkgLimits *def)
{
    if (!*opt) *opt = none;
    if ((*opt)->limits) return (*opt)->limits;
    package_limits_default(def);
    return def;
}

TyStatus package_read(const char *name, const unsigned char *buf, size_t len,
                      const TyPkgReadOptions *opt, TyPackage *out, TyError *err)
{
    TyPkgLimits def;
    TyPkgReadOptions none = { 0 };
    const TyPkgLimits *lim = read_setup(&opt, &none, &def);
    memset(out, 0, sizeof *out);
    if (sodium_init() < 0) return ty_error_set(err, TY_EINTERNAL, "libsodium cannot start");
    unsigned char *tar = NULL;
    size_t tarlen = 0;
    TyStatus st = inflate_all(name, buf, len, tar_cap(lim), &tar, &tarlen, err);
    if (st != TY_OK) return st;
    int dirfd = -1;
    if (opt->dest_dir) {
        dirfd = open(opt->dest_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dirfd < 0) {
            ty_free(tar);
            return ty_error_set(err, TY_EOUTPUT, "cannot write into %s: %s", opt->dest_dir,
                                strerror(errno));
        }
    }
    st = read_tar(name, tar, tarlen, opt, lim, dirfd, out, err);
    if (dirfd >= 0) {
        if (st == TY_OK && fsync(dirfd) != 0 && errno != EINVAL)
            st = ty_error_set(err, TY_EOUTPUT, "cannot write into %s: %s", opt->dest_dir,
                              strerror(errno));
        close(dirfd);
    }
    ty_free(tar);
    if (st != TY_OK) package_free(out);
    return st;
}

/* ---------------------------------------------------------------- an unpacked package */

/* Reads dir/rel without following any link, at most cap bytes. Returns 0, or -1 with *why. */
static int read_below(int dirfd, const char *rel, size_t cap, unsigned char **out, size_t *len,
                      const char **why)
{
    char buf[PKG_PATH_MAX + 1];
    size_t n = strlen(rel);
    *out = NULL;
    *len = 0;
    if (n > PKG_PATH_MAX) { *why = "path too long"; return -1; }
    memcpy(buf, rel, n + 1);
    int cur = dup(dirfd);
    if (cur < 0) { *why = strerror(errno); return -1; }
    char *comp = buf;
    for (char *slash = strchr(comp, '/'); slash; slash = strchr(comp, '/')) {
        *slash = '\0';
        int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(cur);
        if (next < 0) { *why = e == ENOENT ? "missing" : e == ELOOP || e == ENOTDIR ?
                                 "not a plain directory" : strerror(e); return -1; }
        cur = next;
        comp = slash + 1;
    }
    int fd = openat(cur, comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    int e = errno;
    close(cur);
    if (fd < 0) { *why = e == ENOENT ? "missing" : e == ELOOP ? "a symbolic link" : strerror(e);
                  return -1; }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) { close(fd); *why = "not a regular file";
                                                       return -1; }
    if ((uint64_t)st.st_size > cap) { close(fd); *why = "larger than the manifest says"; return -1; }
    unsigned char *data = ty_malloc((size_t)st.st_size + 1);
    if (!data) { close(fd); *why = "out of memory"; return -1; }
    size_t got = 0;
    for (;;) {
        if (got > (size_t)st.st_size) break;
        ssize_t r = read(fd, data + got, (size_t)st.st_size + 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { e = errno; close(fd); ty_free(data); *why = strerror(e); return -1; }
        if (r == 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (got != (size_t)st.st_size) { ty_free(data); *why = "changed while being read"; return -1; }
    *out = data;
    *len = got;
    return 0;
}

/* Walks dir: every regular file must be a manifest file (or the manifest or signature at the
 * top); every directory must hold some file; nothing else may be there. */
static TyStatus walk_extras(const char *name, const TyManifest *m, int dirfd, char *rel,
                            size_t rlen, int depth, TyError *err)
{
    int fd = openat(dirfd, rlen ? rel : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return pkg_fail(err, name, "cannot read %s: %s", rlen ? rel : ".", strerror(errno));
    DIR *d = fdopendir(fd);
    if (!d) { close(fd); return pkg_fail(err, name, "cannot read %s", rel); }
    TyStatus st = TY_OK;
    struct dirent *de;
    while (st == TY_OK && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        size_t n = strlen(de->d_name);
        char shown[80];
        if (rlen + 1 + n > PKG_PATH_MAX) {
            package_show(de->d_name, n, shown, sizeof shown);
            st = pkg_fail(err, name, "unexpected file \"%s\" in the installed package", shown);
            break;
        }
        size_t save = rlen;
        if (rlen) rel[rlen++] = '/';
        memcpy(rel + rlen, de->d_name, n + 1);
        rlen += n;
        package_show(rel, rlen, shown, sizeof shown);
        struct stat sb;
        if (fstatat(dirfd, rel, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            st = pkg_fail(err, name, "cannot read \"%s\": %s", shown, strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            /* A directory must be the parent of some listed file. */
            int used = 0;
            for (size_t i = 0; i < m->nfiles && !used; i++)
                used = strncmp(m->files[i].path, rel, rlen) == 0 && m->files[i].path[rlen] == '/';
            if (!used) st = pkg_fail(err, name, "unexpected directory \"%s\" in the installed "
                                     "package", shown);
            else if (depth >= PKG_DEPTH_MAX) st = pkg_fail(err, name, "\"%s\" is nested too deep",
                                                          shown);
            else st = walk_extras(name, m, dirfd, rel, rlen, depth + 1, err);
        } else if (!S_ISREG(sb.st_mode)) {
            st = pkg_fail(err, name, "\"%s\" in the installed package is %s", shown,
                          S_ISLNK(sb.st_mode) ? "a symbolic link" : "not a regular file");
        } else if (find_file(m, rel) < 0 && !(save == 0 && (strcmp(rel, PKG_MANIFEST_NAME) == 0 ||
                                                           strcmp(rel, PKG_SIGNATURE_NAME) == 0))) {
            st = pkg_fail(err, name, "unexpected file \"%s\" in the installed package", shown);
        }
        rlen = save;
        rel[rlen] = '\0';
    }
    closedir(d);
    return st;
}

TyStatus package_verify_dir(const char *dir, const TyPkgReadOptions *opt, TyPackage *out,
                            TyError *err)
{
    TyPkgLimits def;
    TyPkgReadOptions none = { 0 };
    const TyPkgLimits *lim = read_setup(&opt, &none, &def);
    memset(out, 0, sizeof *out);
    if (sodium_init() < 0) return ty_error_set(err, TY_EINTERNAL, "libsodium cannot start");
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dirfd < 0) return pkg_fail(err, dir, "the installed package is missing (%s)", strerror(errno));
    unsigned char *mtext = NULL, *sig = NULL;
    size_t mlen = 0, siglen = 0;
    const char *why = NULL;
    TyStatus st = TY_OK;
    if (read_below(dirfd, PKG_MANIFEST_NAME, PKG_MANIFEST_MAX, &mtext, &mlen, &why) != 0) {
        st = pkg_fail(err, dir, "%s: %s", PKG_MANIFEST_NAME, why);
        goto done;
    }
    if (read_below(dirfd, PKG_SIGNATURE_NAME, SIG_ENTRY_MAX, &sig, &siglen, &why) != 0) {
        st = pkg_fail(err, dir, "%s: %s", PKG_SIGNATURE_NAME, why);
        goto done;
    }
    if ((st = accept_manifest(dir, mtext, mlen, sig, siglen, opt, lim, out, err)) != TY_OK)
        goto done;
    for (size_t i = 0; i < out->manifest.nfiles; i++) {
        TyPkgFile *f = &out->manifest.files[i];
        unsigned char *data = NULL;
        size_t len = 0;
        char shown[80];
        int kept = 0;
        package_show(f->path, strlen(f->path), shown, sizeof shown);
        if (read_below(dirfd, f->path, (size_t)f->size, &data, &len, &why) != 0) {
            st = pkg_fail(err, dir, "\"%s\": %s", shown, why);
            goto done;
        }
        if (len != f->size) {
            ty_free(data);
            st = pkg_fail(err, dir, "\"%s\" is %zu bytes; the manifest says %llu", shown, len,
                          (unsigned long long)f->size);
            goto done;
        }
        st = check_file_bytes(dir, f, data, opt->keep_lua ? 1 + !!opt->keep_data : 0, &kept, err);
        if (!kept) ty_free(data);
        if (st != TY_OK) goto done;
    }
    char rel[PKG_PATH_MAX + 2] = "";
    st = walk_extras(dir, &out->manifest, dirfd, rel, 0, 0, err);
done:
    close(dirfd);
    ty_free(mtext);
    ty_free(sig);
    if (st != TY_OK) package_free(out);
    return st;
}

/* ---------------------------------------------------------------- packing */

typedef struct Growable {
    unsigned char *buf;
    size_t len, cap;
    int oom;
} Growable;

static la_ssize_t grow_write(struct archive *a, void *ud, const void *data, size_t n)
{
    (void)a;
    Growable *g = ud;
    if (g->len + n > g->cap) {
        size_t ncap = g->cap ? g->cap : CHUNK;
        while (ncap < g->len + n) ncap *= 2;
        unsigned char *nb = realloc(g->buf, ncap);   /* returned to the caller for free() */
        if (!nb) { g->oom = 1; return -1; }
        g->buf = nb;
        g->cap = ncap;
    }
    memcpy(g->buf + g->len, data, n);
    g->len += n;
    return (la_ssize_t)n;
}

static int grow_noop(struct archive *a, void *ud) { (void)a; (void)ud; return ARCHIVE_OK; }

static int add_entry(struct archive *a, const char *path, const unsigned char *data, size_t len)
{
    struct archive_entry *e = archive_entry_new();
    if (!e) return -1;
    archive_entry_set_pathname(e, path);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, 0, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    int r = archive_write_header(a, e);
    archive_entry_free(e);
    if (r != ARCHIVE_OK) return -1;
    size_t off = 0;
    while (off < len) {
        la_ssize_t w = archive_write_data(a, data + off, len - off);
        if (w <= 0) return -1;
        off += (size_t)w;
    }
    return 0;
}

/* The archive: manifest, signature, files in manifest order; fixed metadata throughout. */
static TyStatus write_archive(const char *name, const char *mtext, size_t mlen, const char *sig,
                              const TyManifest *m, unsigned char *const *contents, Growable *g,
                              TyError *err)
{
    struct archive *a = archive_write_new();
    if (!a) return no_memory(err, name);
    TyStatus st = TY_OK;
    if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
        archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
        archive_write_set_filter_option(a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
        archive_write_set_filter_option(a, "gzip", "compression-level", "6") != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a, 512) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
        archive_write_open(a, g, grow_noop, grow_write, grow_noop) != ARCHIVE_OK ||
        add_entry(a, PKG_MANIFEST_NAME, (const unsigned char *)mtext, mlen) != 0 ||
        add_entry(a, PKG_SIGNATURE_NAME, (const unsigned char *)sig, strlen(sig)) != 0) {
        st = g->oom ? no_memory(err, name) : ty_error_set(err, TY_EINTERNAL, "cannot build the "
                                                          "archive: %s", archive_error_string(a));
        goto done;
    }
    for (size_t i = 0; i < m->nfiles; i++)
        if (add_entry(a, m->files[i].path, contents[i], (size_t)m->files[i].size) != 0) {
            st = g->oom ? no_memory(err, name) : ty_error_set(err, TY_EINTERNAL, "cannot build "
                                                              "the archive: %s",
                                                              archive_error_string(a));
            goto done;
        }
    if (archive_write_close(a) != ARCHIVE_OK)
        st = g->oom ? no_memory(err, name) : ty_error_set(err, TY_EINTERNAL, "cannot build the "
                                                          "archive: %s", archive_error_string(a));
done:
    archive_write_free(a);
    return st;
}

/* Every entry under dir must be a listed file (or a directory leading to one); marks `seen`. */
static TyStatus walk_source(const char *dir, const TyManifest *m, char *seen, char *rel,
                            size_t rlen, int depth, TyError *err)
{
    char full[4200];
    snprintf(full, sizeof full, "%s%s%s", dir, rlen ? "/" : "", rel);
    DIR *d = opendir(full);
    if (!d) return ty_error_at(err, TY_EDATA, full, 0, 0, "cannot read the directory: %s",
                               strerror(errno));
    TyStatus st = TY_OK;
    struct dirent *de;
    while (st == TY_OK && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        size_t n = strlen(de->d_name), save = rlen;
        if (rlen + 1 + n > PKG_PATH_MAX) {
            snprintf(full, sizeof full, "%s/%s", dir, rel);
            st = ty_error_at(err, TY_EDATA, full, 0, 0, "\"%s\" makes a path longer than %d bytes",
                             de->d_name, PKG_PATH_MAX);
            break;
        }
        if (rlen) rel[rlen++] = '/';
        memcpy(rel + rlen, de->d_name, n + 1);
        rlen += n;
        snprintf(full, sizeof full, "%s/%s", dir, rel);
        struct stat sb;
        if (lstat(full, &sb) != 0) {
            st = ty_error_at(err, TY_EDATA, full, 0, 0, "cannot read: %s", strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            if (depth >= PKG_DEPTH_MAX)
                st = ty_error_at(err, TY_EDATA, full, 0, 0, "nested deeper than %d levels",
                                 PKG_DEPTH_MAX);
            else st = walk_source(dir, m, seen, rel, rlen, depth + 1, err);
        } else if (S_ISLNK(sb.st_mode)) {
            st = ty_error_at(err, TY_EDATA, full, 0, 0, "a symbolic link; a package holds regular "
                             "files only");
        } else if (!S_ISREG(sb.st_mode)) {
            st = ty_error_at(err, TY_EDATA, full, 0, 0, "not a regular file");
        } else if (!(save == 0 && strcmp(rel, PKG_MANIFEST_NAME) == 0)) {
            long j = find_file(m, rel);
            if (j < 0) st = ty_error_at(err, TY_EDATA, full, 0, 0, "not listed in %s (under "
                                        "scenarios, modules or data); move it out or list it",
                                        PKG_MANIFEST_NAME);
            else seen[j] = 1;
        }
        rlen = save;
        rel[rlen] = '\0';
    }
    closedir(d);
    return st;
}

/* The completed manifest as JSON text: fixed key order, roles sorted, files sorted. */
static char *manifest_text(const TyManifest *m)
{
    char v[40], mv[40], date[16], hex[65];
    cJSON *root = cJSON_CreateObject(), *sc = NULL, *mo = NULL, *da = NULL, *fi = NULL;
    if (!root) return NULL;
    snprintf(v, sizeof v, "%d.%d.%d", m->version[0], m->version[1], m->version[2]);
    snprintf(mv, sizeof mv, "%d.%d.%d", m->min_tuiyan[0], m->min_tuiyan[1], m->min_tuiyan[2]);
    snprintf(date, sizeof date, "%04d-%02d-%02d", m->expires[0] % 10000, m->expires[1] % 100,
             m->expires[2] % 100);
    cJSON_AddNumberToObject(root, "format", 1);
    cJSON_AddStringToObject(root, "name", m->name);
    cJSON_AddStringToObject(root, "version", v);
    cJSON_AddStringToObject(root, "publisher", m->publisher);
    cJSON_AddStringToObject(root, "description", m->description);
    cJSON_AddStringToObject(root, "min_tuiyan", mv);
    cJSON_AddStringToObject(root, "expires", date);
    /* written only when declared: the manifests of packages without it stay as they were */
    if (m->firm_level_outputs) cJSON_AddTrueToObject(root, "firm_level_outputs");
    sc = cJSON_AddObjectToObject(root, "scenarios");
    mo = cJSON_AddObjectToObject(root, "modules");
    da = cJSON_AddArrayToObject(root, "data");
    fi = cJSON_AddArrayToObject(root, "files");
    if (!sc || !mo || !da || !fi) { cJSON_Delete(root); return NULL; }
    /* Scenarios and modules by name: an index sorted by name, role by role. */
    size_t *order = ty_malloc((m->nfiles ? m->nfiles : 1) * sizeof *order);
    if (!order) { cJSON_Delete(root); return NULL; }
    for (int role = PKG_ROLE_SCENARIO; role <= PKG_ROLE_MODULE; role++) {
        size_t k = 0;
        for (size_t i = 0; i < m->nfiles; i++)
            if ((int)m->files[i].role == role) order[k++] = i;
        for (size_t i = 1; i < k; i++)         /* insertion sort by name: small lists */
            for (size_t j = i; j > 0 && strcmp(m->files[order[j - 1]].name,
                                               m->files[order[j]].name) > 0; j--) {
                size_t t = order[j]; order[j] = order[j - 1]; order[j - 1] = t;
            }
        for (size_t i = 0; i < k; i++)
            cJSON_AddStringToObject(role == PKG_ROLE_SCENARIO ? sc : mo, m->files[order[i]].name,
                                    m->files[order[i]].path);
    }
    ty_free(order);
    for (size_t i = 0; i < m->nfiles; i++) {
        const TyPkgFile *f = &m->files[i];
        if (f->role == PKG_ROLE_DATA) cJSON_AddItemToArray(da, cJSON_CreateString(f->path));
        cJSON *o = cJSON_CreateObject();
        if (!o) { cJSON_Delete(root); return NULL; }
        cJSON_AddItemToArray(fi, o);
        hash_hex(f->sha256, hex);
        cJSON_AddStringToObject(o, "path", f->path);
        cJSON_AddNumberToObject(o, "size", (double)f->size);
        cJSON_AddStringToObject(o, "sha256", hex);
    }
    char *text = json_print(root, 1);
    cJSON_Delete(root);
    return text;
}

TyStatus package_pack(const char *dir, const unsigned char secret[PKG_SECRET_BYTES],
                      const TyPkgLimits *lim, unsigned char **buf, size_t *len,
                      TyPackage *out, TyError *err)
{
    TyPkgLimits def;
    if (!lim) { package_limits_default(&def); lim = &def; }
    *buf = NULL;
    *len = 0;
    memset(out, 0, sizeof *out);
    if (sodium_init() < 0) return ty_error_set(err, TY_EINTERNAL, "libsodium cannot start");

    /* The secret key's two halves must belong together, or every signature would fail. */
    unsigned char pk[PKG_KEY_BYTES], sk2[PKG_SECRET_BYTES];
    crypto_sign_seed_keypair(pk, sk2, secret);
    int key_ok = sodium_memcmp(sk2, secret, PKG_SECRET_BYTES) == 0;
    sodium_memzero(sk2, sizeof sk2);
    if (!key_ok) return ty_error_set(err, TY_EUSAGE, "the secret key is damaged (its public "
                                     "half does not match)");

    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, PKG_MANIFEST_NAME);
    char *src = NULL;
    size_t srclen = 0;
    TyStatus st = file_read_all(path, PKG_MANIFEST_MAX, &src, &srclen, err);
    if (st != TY_OK) return st;
    TyManifest m;
    st = manifest_parse(path, src, srclen, 1, lim, TY_EDATA, &m, err);
    free(src);
    if (st != TY_OK) return st;

    char *seen = ty_calloc(m.nfiles ? m.nfiles : 1, 1);
    unsigned char **contents = ty_calloc(m.nfiles ? m.nfiles : 1, sizeof *contents);
    char *mtext = NULL;
    Growable g = { 0 };
    if (!seen || !contents) { st = no_memory(err, dir); goto done; }
    char rel[PKG_PATH_MAX + 2] = "";
    if ((st = walk_source(dir, &m, seen, rel, 0, 0, err)) != TY_OK) goto done;
    for (size_t i = 0; i < m.nfiles; i++) {
        TyPkgFile *f = &m.files[i];
        snprintf(path, sizeof path, "%s/%s", dir, f->path);
        if (!seen[i]) {
            st = ty_error_at(err, TY_EDATA, path, 0, 0, "listed in %s but not there",
                             PKG_MANIFEST_NAME);
            goto done;
        }
        char *data = NULL;
        size_t n = 0;
        if ((st = file_read_all(path, (size_t)lim->max_file_bytes, &data, &n, err)) != TY_OK) {
            if (st == TY_EDATA && strstr(err->msg, "too large"))
                ty_error_at(err, TY_EDATA, path, 0, 0, "larger than the %llu bytes a package "
                            "file may hold", (unsigned long long)lim->max_file_bytes);
            goto done;
        }
        contents[i] = (unsigned char *)data;
        f->size = n;
        m.total_bytes += n;
        if (m.total_bytes > lim->max_total_bytes) {
            st = ty_error_at(err, TY_EDATA, dir, 0, 0, "the files add up to more than %llu bytes, "
                             "the limit for a package", (unsigned long long)lim->max_total_bytes);
            goto done;
        }
        crypto_hash_sha256(f->sha256, contents[i], n);
        if (f->role != PKG_ROLE_DATA &&
            check_lua_text(path, f->path, contents[i], n, err) != TY_OK) {
            st = err->code = TY_EDATA;             /* the author's file: bad input, not a package */
            goto done;
        }
    }
    mtext = manifest_text(&m);
    if (!mtext) { st = no_memory(err, dir); goto done; }
    size_t mlen = strlen(mtext);

    unsigned char sig[PKG_SIG_BYTES];
    char sigline[SIG_LINE_LEN + 1], khex[2 * PKG_KEY_BYTES + 1], shex[2 * PKG_SIG_BYTES + 1];
    crypto_sign_detached(sig, NULL, (const unsigned char *)mtext, mlen, secret);
    sodium_bin2hex(khex, sizeof khex, pk, sizeof pk);
    sodium_bin2hex(shex, sizeof shex, sig, sizeof sig);
    snprintf(sigline, sizeof sigline, "%s%s %s\n", SIG_PREFIX, khex, shex);

    if ((st = write_archive(dir, mtext, mlen, sigline, &m, contents, &g, err)) != TY_OK) goto done;

    /* What pack writes, verify must accept: read it back as a county would. */
    const unsigned char (*keys)[PKG_KEY_BYTES] = (const unsigned char (*)[PKG_KEY_BYTES])pk;
    TyPkgTrust trust = { keys, 1 };
    TyPkgReadOptions ro = { .limits = lim, .trust = &trust };
    st = package_read(dir, g.buf, g.len, &ro, out, err);
    if (st != TY_OK) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        st = ty_error_set(err, TY_EINTERNAL, "the package just built does not verify: %s", msg);
    }
done:
    for (size_t i = 0; contents && i < m.nfiles; i++) free(contents[i]);
    ty_free(contents);
    ty_free(seen);
    free(mtext);
    manifest_free(&m);
    if (st != TY_OK) {
        free(g.buf);
        return st;
    }
    *buf = g.buf;
    *len = g.len;
    return TY_OK;
}
