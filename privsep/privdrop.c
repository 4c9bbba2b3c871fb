/*
 * Privilege drop (OpenSSH privsep_child_demote/permanently_set_uid and
 * chrony's SYS_Linux_DropRoot, done with libcap).  Order matters: the
 * bounding set can only be shrunk while CAP_SETPCAP is still held, so it
 * goes before the uid switch; rlimits go after it because RLIMIT_NPROC
 * counts processes of the real uid.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sys/capability.h>

#include "privdrop.h"

static int __attribute__((__format__ (printf, 3, 4)))
pd_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int
privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return pd_err(err, errlen, "privsep user %s: %s", user,
		    errno ? strerror(errno) : "no such user");
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return pd_err(err, errlen, "privsep user %s: uid or gid is 0",
		    user);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int
privdrop_prepare_chroot(const char *path, char *err, size_t errlen)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;

	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		return pd_err(err, errlen, "chroot %s: mkdir: %s", path,
		    strerror(errno));
	if (lstat(path, &st) == -1)
		return pd_err(err, errlen, "chroot %s: %s", path,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return pd_err(err, errlen, "chroot %s: not a directory", path);
	/* A child must not be able to plant anything in its own root. */
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return pd_err(err, errlen,
		    "chroot %s: must be owned by uid %u and not group/other "
		    "writable", path, (unsigned)geteuid());
	if ((d = opendir(path)) == NULL)
		return pd_err(err, errlen, "chroot %s: %s", path,
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		closedir(d);
		return pd_err(err, errlen, "chroot %s: not empty (%s)", path,
		    de->d_name);
	}
	closedir(d);
	return 0;
}

int
privdrop_pdeathsig(pid_t parent, char *err, size_t errlen)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		return pd_err(err, errlen, "PR_SET_PDEATHSIG: %s",
		    strerror(errno));
	/* The parent may have died between fork() and prctl(). */
	if (getppid() != parent)
		return pd_err(err, errlen, "parent %ld is gone", (long)parent);
	return 0;
}

/* Drop every capability from the bounding set except those in keep[]. */
static int
pd_bound(const cap_value_t *keep, size_t nkeep, char *err, size_t errlen)
{
	cap_value_t	 c, max;
	size_t		 i;
	int		 kept;

	max = (cap_value_t)cap_max_bits();
	for (c = 0; c < max; c++) {
		for (kept = 0, i = 0; i < nkeep; i++)
			if (keep[i] == c)
				kept = 1;
		if (kept || CAP_IS_SUPPORTED(c) == 0)
			continue;
		if (cap_get_bound(c) == 1 && cap_drop_bound(c) == -1)
			return pd_err(err, errlen,
			    "bounding set: drop %s: %s", cap_to_name(c),
			    strerror(errno));
	}
	for (c = 0; c < max; c++) {
		for (kept = 0, i = 0; i < nkeep; i++)
			if (keep[i] == c)
				kept = 1;
		if (!kept && CAP_IS_SUPPORTED(c) && cap_get_bound(c) != 0)
			return pd_err(err, errlen,
			    "bounding set still holds capability %d", (int)c);
	}
	return 0;
}

static int
pd_bound_empty(void)
{
	cap_value_t	 c, max;

	max = (cap_value_t)cap_max_bits();
	for (c = 0; c < max; c++)
		if (CAP_IS_SUPPORTED(c) && cap_get_bound(c) != 0)
			return 0;
	return 1;
}

/* Set the process's sets to exactly keep[] (P, E; I empty) and verify. */
static int
pd_caps(const cap_value_t *keep, size_t nkeep, char *err, size_t errlen)
{
	cap_t	 want, got;
	int	 diff;

	if ((want = cap_init()) == NULL)
		return pd_err(err, errlen, "cap_init: %s", strerror(errno));
	if (nkeep > 0 &&
	    (cap_set_flag(want, CAP_PERMITTED, (int)nkeep, keep,
	    CAP_SET) == -1 ||
	    cap_set_flag(want, CAP_EFFECTIVE, (int)nkeep, keep,
	    CAP_SET) == -1)) {
		cap_free(want);
		return pd_err(err, errlen, "cap_set_flag: %s",
		    strerror(errno));
	}
	if (cap_set_proc(want) == -1) {
		cap_free(want);
		return pd_err(err, errlen, "cap_set_proc: %s", strerror(errno));
	}
	if ((got = cap_get_proc()) == NULL) {
		cap_free(want);
		return pd_err(err, errlen, "cap_get_proc: %s", strerror(errno));
	}
	diff = cap_compare(want, got);
	cap_free(want);
	cap_free(got);
	if (diff != 0)
		return pd_err(err, errlen,
		    "capabilities differ from the wanted set after cap_set_proc");
	if (cap_reset_ambient() == -1 && errno != EINVAL)
		return pd_err(err, errlen, "clear ambient capabilities: %s",
		    strerror(errno));
	return 0;
}

static int
pd_setuid(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	uid_t	 ru, eu, su;
	gid_t	 rg, eg, sg;

	if (setgroups(1, &gid) == -1)
		return pd_err(err, errlen, "setgroups: %s", strerror(errno));
	if (setresgid(gid, gid, gid) == -1)
		return pd_err(err, errlen, "setresgid %u: %s", (unsigned)gid,
		    strerror(errno));
	if (setresuid(uid, uid, uid) == -1)
		return pd_err(err, errlen, "setresuid %u: %s", (unsigned)uid,
		    strerror(errno));
	if (getresuid(&ru, &eu, &su) == -1 || ru != uid || eu != uid ||
	    su != uid)
		return pd_err(err, errlen, "uids not all %u after setresuid",
		    (unsigned)uid);
	if (getresgid(&rg, &eg, &sg) == -1 || rg != gid || eg != gid ||
	    sg != gid)
		return pd_err(err, errlen, "gids not all %u after setresgid",
		    (unsigned)gid);
	/* permanently_set_uid(): the old ids must not come back. */
	if (setuid(0) != -1 || seteuid(0) != -1)
		return pd_err(err, errlen, "was able to regain uid 0");
	if (setgid(0) != -1 || setegid(0) != -1)
		return pd_err(err, errlen, "was able to regain gid 0");
	return 0;
}

static int
pd_rlimit(int res, const char *name, rlim_t v, char *err, size_t errlen)
{
	struct rlimit	 rl;

	rl.rlim_cur = rl.rlim_max = v;
	if (setrlimit(res, &rl) == -1)
		return pd_err(err, errlen, "setrlimit %s %lu: %s", name,
		    (unsigned long)v, strerror(errno));
	return 0;
}

static int
pd_common(char *err, size_t errlen)
{
	if (prctl(PR_SET_DUMPABLE, 0) == -1)
		return pd_err(err, errlen, "PR_SET_DUMPABLE: %s",
		    strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return pd_err(err, errlen, "PR_SET_NO_NEW_PRIVS: %s",
		    strerror(errno));
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return pd_err(err, errlen, "no_new_privs did not stick");
	return 0;
}

int
privdrop_child(const struct privdrop *pd, char *err, size_t errlen)
{
	cap_t		 have;
	cap_flag_value_t setpcap = CAP_CLEAR;

	if (pd->as_root) {
		if (chroot(pd->chroot) == -1)
			return pd_err(err, errlen, "chroot %s: %s", pd->chroot,
			    strerror(errno));
		if (chdir("/") == -1)
			return pd_err(err, errlen, "chdir /: %s",
			    strerror(errno));
	}

	/*
	 * Shrinking the bounding set needs CAP_SETPCAP.  Root has it; an
	 * unprivileged start normally does not, and then no_new_privs is
	 * what keeps the bounding set from ever mattering.
	 */
	if ((have = cap_get_proc()) == NULL)
		return pd_err(err, errlen, "cap_get_proc: %s", strerror(errno));
	if (cap_get_flag(have, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap) == -1)
		setpcap = CAP_CLEAR;
	cap_free(have);
	if (pd->as_root || setpcap == CAP_SET) {
		if (pd_bound(NULL, 0, err, errlen) == -1)
			return -1;
	}

	if (pd->as_root) {
		if (pd_setuid(pd->uid, pd->gid, err, errlen) == -1)
			return -1;
		/* A uid change clears the parent-death signal: re-arm. */
		if (privdrop_pdeathsig(pd->parent, err, errlen) == -1)
			return -1;
	}

	if (pd_caps(NULL, 0, err, errlen) == -1)
		return -1;
	if ((pd->as_root || setpcap == CAP_SET) && !pd_bound_empty())
		return pd_err(err, errlen, "bounding set not empty");

	if (pd_rlimit(RLIMIT_CORE, "CORE", 0, err, errlen) == -1 ||
	    pd_rlimit(RLIMIT_FSIZE, "FSIZE", 0, err, errlen) == -1 ||
	    pd_rlimit(RLIMIT_NOFILE, "NOFILE", pd->nofile, err, errlen) == -1)
		return -1;
	/*
	 * NPROC 0 forbids fork for this uid; as root the limit is not
	 * enforced, so it only matters (and is only set) after setuid,
	 * and also when we were never root.
	 */
	if (pd_rlimit(RLIMIT_NPROC, "NPROC", 0, err, errlen) == -1)
		return -1;
	return pd_common(err, errlen);
}

int
privdrop_parent(char *err, size_t errlen)
{
	static const cap_value_t keep[] = {
		CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT, CAP_SETPCAP, CAP_KILL
	};
	cap_t		 have;
	cap_value_t	 mine[sizeof(keep) / sizeof(keep[0])];
	cap_flag_value_t v;
	size_t		 i, n = 0;

	/* Keep only those of keep[] we actually hold (non-root: none). */
	if ((have = cap_get_proc()) == NULL)
		return pd_err(err, errlen, "cap_get_proc: %s", strerror(errno));
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (cap_get_flag(have, keep[i], CAP_PERMITTED, &v) == 0 &&
		    v == CAP_SET)
			mine[n++] = keep[i];
	if (cap_get_flag(have, CAP_SETPCAP, CAP_EFFECTIVE, &v) == -1)
		v = CAP_CLEAR;
	cap_free(have);
	if (v == CAP_SET && pd_bound(mine, n, err, errlen) == -1)
		return -1;
	if (pd_caps(mine, n, err, errlen) == -1)
		return -1;
	if (pd_rlimit(RLIMIT_CORE, "CORE", 0, err, errlen) == -1)
		return -1;
	return pd_common(err, errlen);
}
