/* sandbox_seccomp.h — the sandbox child's system-call allow-list (libseccomp): every call not
 * listed kills the whole process. The table is public so a test can compare it with
 * tests/data/sandbox_syscalls.txt and with what a real run of a package calls. */
#ifndef TY_SANDBOX_SECCOMP_H
#define TY_SANDBOX_SECCOMP_H

#include <stddef.h>

/* How a listed call is let through. The names are the second column of the checked-in list. */
typedef enum TySeccompRule {
    SECCOMP_RULE_ALLOW,        /* "allow": any arguments */
    SECCOMP_RULE_READ_ONLY,    /* "read-only": openat without O_WRONLY/O_RDWR/O_CREAT/O_TRUNC/O_APPEND/O_TMPFILE */
    SECCOMP_RULE_NO_EXEC,      /* "no-exec": mmap/mprotect without PROT_EXEC (no new machine code) */
    SECCOMP_RULE_EAGAIN        /* "eagain": refused with EAGAIN, the process lives (clone3: no threads) */
} TySeccompRule;

typedef struct TySeccompEntry {
    const char *name;          /* as libseccomp and strace spell it */
    TySeccompRule rule;
} TySeccompEntry;

extern const TySeccompEntry sandbox_seccomp_list[];
extern const size_t sandbox_seccomp_count;

/* "allow", "read-only", ... */
const char *sandbox_seccomp_rule_name(TySeccompRule rule);

/* Installs the filter in the calling process (no_new_privs is set too); it lasts for the rest of
 * its life and is inherited by anything it could start. 0 on success, else a negative errno. */
int sandbox_seccomp_install(void);

#endif
