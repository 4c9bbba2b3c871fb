/*
 * No sandbox: only for --disable-seccomp builds, where sanitizer or
 * valgrind runtimes make system calls no allow-list could predict.  The
 * daemon logs loudly that it runs unsandboxed (see parent.c).
 */
#include "config.h"

#include <stdio.h>

#include "sandbox.h"

const char *
sandbox_kind(void)
{
	return "none";
}

int
sandbox_apply(const char *role, char *err, size_t errlen)
{
	return 0;
}

int
sandbox_export(const char *role, int fd, char *err, size_t errlen)
{
	snprintf(err, errlen, "built with --disable-seccomp: no filter for %s",
	    role);
	return -1;
}
