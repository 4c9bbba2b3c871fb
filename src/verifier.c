/*
 * The verifier role: will parse and judge untrusted evidence, manifests
 * and policies against the AMD/Intel roots and the reference values; it
 * holds no secret, so the parent restarts it when it dies.  Until the
 * coordinator issue wires the verification code in, it is the sandboxed
 * loop that answers the parent (READY, shutdown, selftest).
 */
#include "config.h"

#include <stddef.h>

#include "coordinator.h"
#include "ipc.h"
#include "proc.h"

#define VERIFIER_NOFILE	8	/* 0-3 and room for a passed fd */

static const struct msg_rule verifier_rules[] = {
	{ MSG_PARENT_SHUTDOWN, PROC_PARENT, CHILD_RUNNING, MSGF_ONCE, 0,
	    coord_child_shutdown },
#ifdef SANDBOX_SELFTEST
	{ MSG_PARENT_SELFTEST_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    coord_selftest },
#endif
};

void
verifier_main(int argc, char **argv, const char *chroot)
{
	struct ipc_chan	*c;

	c = coord_child_start(PROC_VERIFIER, argc, argv, chroot,
	    VERIFIER_NOFILE);
	coord_child_loop(c, verifier_rules,
	    sizeof(verifier_rules) / sizeof(verifier_rules[0]));
}
