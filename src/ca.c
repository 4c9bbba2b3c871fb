/*
 * The ca role: will hold the seed, the root and mesh CA keys and the
 * transaction-signing key, and talks only to the parent.  Until the
 * coordinator issue brings the keys it is the sandboxed loop that
 * answers the parent (READY, shutdown, selftest); it holds no fake keys.
 * It is never restarted: its death ends the coordinator.
 */
#include "config.h"

#include <stddef.h>

#include "coordinator.h"
#include "ipc.h"
#include "proc.h"

#define CA_NOFILE	8	/* 0-3 and room for a passed fd */

static const struct msg_rule ca_rules[] = {
	{ MSG_PARENT_SHUTDOWN, PROC_PARENT, CHILD_RUNNING, MSGF_ONCE, 0,
	    coord_child_shutdown },
#ifdef SANDBOX_SELFTEST
	{ MSG_PARENT_SELFTEST_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    coord_selftest },
#endif
};

void
ca_main(int argc, char **argv, const char *chroot)
{
	struct ipc_chan	*c;

	c = coord_child_start(PROC_CA, argc, argv, chroot, CA_NOFILE);
	coord_child_loop(c, ca_rules, sizeof(ca_rules) / sizeof(ca_rules[0]));
}
