/*
 * Privilege drop for the coordinator's processes.  Children are demoted
 * in a fixed order (see privdrop_child()); the parent keeps only what it
 * needs to start and demote children again.  Every function returns 0 or
 * -1 with a message in err; the caller decides to exit (fatalx).
 */
#ifndef PRIVSEP_PRIVDROP_H
#define PRIVSEP_PRIVDROP_H

#include <sys/types.h>
#include <sys/resource.h>

struct privdrop {
	const char	*role;		/* for messages */
	const char	*chroot;	/* empty directory; used only as root */
	uid_t		 uid;		/* privsep user, looked up before */
	gid_t		 gid;
	int		 as_root;	/* started as root: chroot + setuid */
	pid_t		 parent;	/* re-arm PDEATHSIG after setuid */
	rlim_t		 nofile;	/* RLIMIT_NOFILE for the role */
};

/* Look up the privsep user (before any chroot: NSS reads files). */
int	privdrop_lookup(const char *, uid_t *, gid_t *, char *, size_t);

/* Prepare the empty chroot directory (root-owned, 0755, no entries). */
int	privdrop_prepare_chroot(const char *, char *, size_t);

/*
 * Demote a child: chroot + chdir("/"), drop the bounding set and ambient
 * caps, setgroups/setresgid/setresuid (and check root cannot come back),
 * clear all capability sets and verify, rlimits, not dumpable,
 * no_new_privs.  The seccomp filter comes after (sandbox_apply).
 */
int	privdrop_child(const struct privdrop *, char *, size_t);

/*
 * Parent after its children are up: keep only the capabilities needed to
 * start and demote a replacement child (setuid, setgid, sys_chroot,
 * setpcap, kill), shrink the bounding set to those, clear ambient,
 * no core dumps, not dumpable, no_new_privs.
 */
int	privdrop_parent(char *, size_t);

/* Parent-death signal and the race check against an already dead parent. */
int	privdrop_pdeathsig(pid_t, char *, size_t);

#endif
