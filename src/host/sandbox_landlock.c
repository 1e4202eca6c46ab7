/* sandbox_landlock.c — Landlock for the sandbox child, through the raw system calls (glibc has no
 * wrappers and no library is needed). The ruleset handles every access right the running
 * kernel's ABI knows, so whatever is not granted is denied; the only grant is reading files and
 * listing directories beneath the package and --data directories. Debian 12's headers stop at
 * ABI 2, so the later rights are spelled out here; they are used only when the kernel says its ABI
 * has them. */
#include "sandbox_landlock.h"

#include <errno.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)        /* ABI 2 */
#endif
#define LL_ACCESS_FS_TRUNCATE (1ULL << 14)           /* ABI 3 */
#define LL_ACCESS_FS_IOCTL_DEV (1ULL << 15)          /* ABI 5 */
#define LL_ACCESS_NET_BIND_TCP (1ULL << 0)           /* ABI 4 */
#define LL_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)    /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ULL << 1)

/* struct landlock_ruleset_attr as of ABI 6; older kernels are given a prefix of it. */
struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

int sandbox_landlock_abi(void)
{
#ifdef SYS_landlock_create_ruleset
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi > 0 ? (int)abi : 0;
#else
    return 0;
#endif
}

int sandbox_landlock_confine(const int *dirfds, size_t n)
{
#ifdef SYS_landlock_create_ruleset
    int abi = sandbox_landlock_abi();
    if (abi < 1) return 0;
    struct ll_ruleset_attr attr = {0};
    size_t size = sizeof attr.handled_access_fs;
    attr.handled_access_fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;     /* ABI 1: bits 0..12 */
    if (abi >= 2) attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3) attr.handled_access_fs |= LL_ACCESS_FS_TRUNCATE;
    if (abi >= 5) attr.handled_access_fs |= LL_ACCESS_FS_IOCTL_DEV;
    if (abi >= 4) {
        attr.handled_access_net = LL_ACCESS_NET_BIND_TCP | LL_ACCESS_NET_CONNECT_TCP;
        size = offsetof(struct ll_ruleset_attr, scoped);
    }
    if (abi >= 6) {
        attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
        size = sizeof attr;
    }
    int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
    if (rs < 0) return -errno;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (dirfds[i] < 0) continue;
        struct landlock_path_beneath_attr pb = {
            .allowed_access = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR,
            .parent_fd = dirfds[i],
        };
        if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0) rc = -errno;
    }
    if (rc == 0 && syscall(SYS_landlock_restrict_self, rs, 0) != 0) rc = -errno;
    close(rs);
    return rc == 0 ? 1 : rc;
#else
    (void)dirfds;
    (void)n;
    return 0;
#endif
}
