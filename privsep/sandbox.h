/*
 * Per-role system-call filters.  sandbox-seccomp.c builds them with
 * libseccomp (default action: kill the process); sandbox-none.c exists
 * only for --disable-seccomp builds (sanitizers, valgrind) and says so.
 * Roles: "parent", "front", "ca", "verifier".
 */
#ifndef PRIVSEP_SANDBOX_H
#define PRIVSEP_SANDBOX_H

#include <stddef.h>

/* "seccomp" or "none": what this binary was built with. */
const char	*sandbox_kind(void);

/* Build and load the role's filter.  -1 with a message on any failure. */
int	sandbox_apply(const char *, char *, size_t);

/*
 * Write the role's filter as libseccomp pseudo filter code to fd, after
 * one comment line naming the libseccomp version and the architecture
 * (the golden files under tests/sandbox/ are compared with this).
 */
int	sandbox_export(const char *, int, char *, size_t);

#endif
