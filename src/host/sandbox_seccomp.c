/* sandbox_seccomp.c — the system calls a sandbox child may make, as an allow-list built with
 * libseccomp: anything else kills the whole process (SECCOMP_RET_KILL_PROCESS), as does any other
 * ABI (x32, i386 on x86_64). What the child needs after its set-up is small — memory, reading the
 * files it was given beneath its two directory descriptors, writing its reply, its SIGXCPU
 * handler, the clocks of os.clock and os.date — so that is all it gets: no network, no new
 * programs or processes, no signals to anyone (not even itself), no file it could change.
 * tests/data/sandbox_syscalls.txt is this list; tests/cli/test_sandbox.sh checks it against what
 * runs really call, both ways, so it neither grows unnoticed nor keeps what nobody needs. */
#include "sandbox_seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>

/* Sanitizer runtimes call more (their own threads, shadow memory, reports on stderr). */
#if defined(__SANITIZE_ADDRESS__)
#define TY_SECCOMP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TY_SECCOMP_SANITIZED 1
#endif
#endif

const TySeccompEntry sandbox_seccomp_list[] = {
    /* memory: the Lua allocator (glibc malloc: brk, and mmap/mremap/munmap for big blocks) */
    {"brk", SECCOMP_RULE_ALLOW},
    {"mmap", SECCOMP_RULE_NO_EXEC},
    {"mremap", SECCOMP_RULE_ALLOW},
    {"munmap", SECCOMP_RULE_ALLOW},
    /* files: opened beneath the package and --data descriptors, read, measured, closed */
    {"openat", SECCOMP_RULE_READ_ONLY},
    {"newfstatat", SECCOMP_RULE_ALLOW},      /* fstat(); os.date's check of /etc/localtime */
    {"read", SECCOMP_RULE_ALLOW},
    {"close", SECCOMP_RULE_ALLOW},
    /* the reply (fd 3) */
    {"write", SECCOMP_RULE_ALLOW},
    /* the SIGXCPU handler: installed, run, removed */
    {"rt_sigaction", SECCOMP_RULE_ALLOW},
    {"rt_sigreturn", SECCOMP_RULE_ALLOW},
    /* os.clock (a CPU-time clock: no vDSO) */
    {"clock_gettime", SECCOMP_RULE_ALLOW},
    /* mc.run{threads = N}: no thread ever starts (the child is not root, and RLIMIT_NPROC is 0),
     * but pthread_create must fail gently: it sets up its signal mask and the stack's guard page,
     * then tries clone3, which says EAGAIN as RLIMIT_NPROC would; the Monte Carlo core then runs
     * on one thread, with the same results */
    {"rt_sigprocmask", SECCOMP_RULE_ALLOW},
    {"mprotect", SECCOMP_RULE_NO_EXEC},
    {"clone3", SECCOMP_RULE_EAGAIN},
    {"exit_group", SECCOMP_RULE_ALLOW},
};
const size_t sandbox_seccomp_count = sizeof sandbox_seccomp_list / sizeof sandbox_seccomp_list[0];

#ifdef TY_SECCOMP_SANITIZED
/* Only in `make asan` builds: what ASan/UBSan may call while reporting an error from inside the
 * child (its "==PID==" header, /proc/self/maps, its allocator). Never signals or processes. */
static const char *const sanitizer_extras[] = {
    "madvise", "sigaltstack", "getpid", "gettid", "sched_yield", "futex", "exit", "lseek",
    "readlink", "readlinkat", "writev", "uname", "sched_getaffinity",
};
#endif

const char *sandbox_seccomp_rule_name(TySeccompRule rule)
{
    switch (rule) {
    case SECCOMP_RULE_ALLOW: return "allow";
    case SECCOMP_RULE_READ_ONLY: return "read-only";
    case SECCOMP_RULE_NO_EXEC: return "no-exec";
    case SECCOMP_RULE_EAGAIN: return "eagain";
    }
    return "?";
}

/* Flags that would let openat write, create or truncate. O_TMPFILE is its own bit | O_DIRECTORY
 * (glibc's __O_TMPFILE includes O_DIRECTORY too): only the own bit is refused, so O_DIRECTORY
 * alone stays allowed. The bit is the same on x86_64 and aarch64. */
#define TMPFILE_BIT 020000000
#define OPEN_WRITES ((scmp_datum_t)(O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND | TMPFILE_BIT))

static int add_entry(scmp_filter_ctx ctx, const TySeccompEntry *e)
{
    int nr = seccomp_syscall_resolve_name(e->name);
    if (nr == __NR_SCMP_ERROR) return -EINVAL;
    switch (e->rule) {
    case SECCOMP_RULE_ALLOW:
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    case SECCOMP_RULE_READ_ONLY:      /* openat(dirfd, path, flags, mode) */
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, OPEN_WRITES, 0));
    case SECCOMP_RULE_NO_EXEC:        /* mmap(addr, len, prot, ...), mprotect(addr, len, prot) */
        return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    case SECCOMP_RULE_EAGAIN:
        return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAGAIN), nr, 0);
    }
    return -EINVAL;
}

int sandbox_seccomp_install(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (!ctx) return -ENOMEM;
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
    for (size_t i = 0; rc == 0 && i < sandbox_seccomp_count; i++) rc = add_entry(ctx, &sandbox_seccomp_list[i]);
#ifdef TY_SECCOMP_SANITIZED
    for (size_t i = 0; rc == 0 && i < sizeof sanitizer_extras / sizeof sanitizer_extras[0]; i++) {
        int nr = seccomp_syscall_resolve_name(sanitizer_extras[i]);
        if (nr != __NR_SCMP_ERROR) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    }
#ifdef __NR_open            /* the sanitizer runtime reads /proc/self/... with open(path, flags) */
    if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(open), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, OPEN_WRITES, 0));
#endif
#endif
    if (rc == 0) rc = seccomp_load(ctx);      /* the filter is in the kernel: ctx is only ours */
    seccomp_release(ctx);
    return rc < 0 ? rc : 0;
}
