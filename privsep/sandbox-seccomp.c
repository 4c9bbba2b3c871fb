/*
 * seccomp filters per role, built with libseccomp (chrony's approach:
 * argument comparisons and arch handling come for free, and the filter
 * can be exported as pseudo filter code for review).
 *
 * Children get allow-lists with SCMP_ACT_KILL_PROCESS as default: they
 * were measured with strace -f over the test suite and frozen as golden
 * files (tests/sandbox/<role>.pfc).  The parent cannot have an
 * allow-list: it must fork+exec replacement children, and a filter is
 * inherited across exec, so it gets a deny-list of calls it never needs.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/futex.h>
#include <seccomp.h>

#include "sandbox.h"

#define SB_MAXARGS	2

struct sb_rule {
	int			 nr;
	unsigned int		 nargs;
	struct scmp_arg_cmp	 args[SB_MAXARGS];
};

#define ALLOW(name)		{ SCMP_SYS(name), 0, { { 0 } } }
#define ALLOW1(name, a)		{ SCMP_SYS(name), 1, { a } }

/* No PROT_EXEC: nothing new becomes code once the filter is on. */
#define NOEXEC		SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)
/* Futex commands without the PRIVATE and CLOCK_REALTIME bits. */
#define SB_FUTEX(op)	SCMP_A1(SCMP_CMP_MASKED_EQ, (uint32_t)FUTEX_CMD_MASK, op)

/*
 * What every child needs after its init.  Measured with strace -f over
 * the test suite (probes, shutdown, restarts): poll, read, write,
 * sendmsg, recvmsg, close, futex and exit_group; the memory calls are
 * malloc's (frames are heap buffers), clock_gettime is the vDSO's
 * fallback, getrandom and getpid are OpenSSL's reseeding.
 */
static const struct sb_rule sb_base[] = {
	ALLOW(read),
	ALLOW(write),
	ALLOW(recvmsg),
	ALLOW(sendmsg),
	ALLOW(close),
	ALLOW(poll),
	ALLOW(ppoll),		/* poll(2) on arches without the syscall */
	ALLOW(brk),
	ALLOW(munmap),
	ALLOW(mremap),
	ALLOW1(mmap, NOEXEC),
	ALLOW1(mprotect, NOEXEC),
	ALLOW1(madvise, SCMP_A2(SCMP_CMP_EQ, MADV_DONTNEED)),
	ALLOW1(madvise, SCMP_A2(SCMP_CMP_EQ, MADV_FREE)),
	ALLOW1(madvise, SCMP_A2(SCMP_CMP_EQ, MADV_DONTDUMP)),
	ALLOW(clock_gettime),
	ALLOW(getrandom),
	ALLOW(getpid),
	ALLOW(rt_sigreturn),
	ALLOW(rt_sigprocmask),
	ALLOW(restart_syscall),	/* resumes poll after SIGSTOP/SIGCONT */
	ALLOW(exit),
	ALLOW(exit_group),
	ALLOW1(futex, SB_FUTEX(FUTEX_WAIT)),
	ALLOW1(futex, SB_FUTEX(FUTEX_WAKE)),
	ALLOW1(futex, SB_FUTEX(FUTEX_WAIT_BITSET)),
	ALLOW1(futex, SB_FUTEX(FUTEX_WAKE_BITSET)),
};

/*
 * The front accepts on sockets the parent opened (non-blocking, so no
 * fcntl); it never makes, binds or connects one.
 */
static const struct sb_rule sb_front[] = {
	ALLOW(accept4),
	ALLOW(shutdown),
};

/*
 * Library code probes files in harmless ways (OpenSSH's "non-fatally
 * deny"): those calls fail with EACCES instead of killing.
 */
static const int sb_eacces[] = {
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(stat), SCMP_SYS(lstat),
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(fstat),
};

/* The parent's deny-list: never needed, dangerous if reached. */
static const int sb_parent_deny[] = {
	SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev), SCMP_SYS(kexec_load),
	SCMP_SYS(kexec_file_load), SCMP_SYS(init_module),
	SCMP_SYS(finit_module), SCMP_SYS(delete_module), SCMP_SYS(mount),
	SCMP_SYS(umount2), SCMP_SYS(pivot_root), SCMP_SYS(swapon),
	SCMP_SYS(swapoff), SCMP_SYS(reboot), SCMP_SYS(bpf),
	SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd), SCMP_SYS(keyctl),
	SCMP_SYS(add_key), SCMP_SYS(request_key), SCMP_SYS(unshare),
	SCMP_SYS(setns), SCMP_SYS(open_by_handle_at),
	SCMP_SYS(name_to_handle_at), SCMP_SYS(iopl), SCMP_SYS(ioperm),
	SCMP_SYS(acct), SCMP_SYS(settimeofday), SCMP_SYS(clock_settime),
	SCMP_SYS(clock_adjtime), SCMP_SYS(adjtimex), SCMP_SYS(syslog),
	SCMP_SYS(personality), SCMP_SYS(quotactl), SCMP_SYS(lookup_dcookie),
	SCMP_SYS(fanotify_init), SCMP_SYS(move_mount), SCMP_SYS(fsopen),
	SCMP_SYS(fsmount), SCMP_SYS(open_tree),
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

const char *
sandbox_kind(void)
{
	return "seccomp";
}

static int
sb_add(scmp_filter_ctx ctx, const struct sb_rule *r, size_t n,
    const char *role, char *err, size_t errlen)
{
	size_t	 i;
	int	 rc;
	char	*name;

	for (i = 0; i < n; i++) {
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, r[i].nr,
		    r[i].nargs, r[i].args);
		if (rc < 0) {
			name = seccomp_syscall_resolve_num_arch(
			    SCMP_ARCH_NATIVE, r[i].nr);
			snprintf(err, errlen, "seccomp %s: allow %s: %s", role,
			    name ? name : "?", strerror(-rc));
			free(name);
			return -1;
		}
	}
	return 0;
}

static int
sb_act(scmp_filter_ctx ctx, uint32_t act, const int *nr, size_t n,
    const char *role, char *err, size_t errlen)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < n; i++)
		if ((rc = seccomp_rule_add(ctx, act, nr[i], 0)) < 0) {
			snprintf(err, errlen, "seccomp %s: rule for syscall %d: "
			    "%s", role, nr[i], strerror(-rc));
			return -1;
		}
	return 0;
}

static scmp_filter_ctx
sb_build(const char *role, char *err, size_t errlen)
{
	scmp_filter_ctx	 ctx;
	int		 parent, front;

	parent = strcmp(role, "parent") == 0;
	front = strcmp(role, "front") == 0;
	if (!parent && !front && strcmp(role, "ca") != 0 &&
	    strcmp(role, "verifier") != 0) {
		snprintf(err, errlen, "seccomp: unknown role \"%s\"", role);
		return NULL;
	}
	ctx = seccomp_init(parent ? SCMP_ACT_ALLOW : SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL) {
		snprintf(err, errlen, "seccomp %s: seccomp_init failed", role);
		return NULL;
	}
	if (parent) {
		if (sb_act(ctx, SCMP_ACT_KILL_PROCESS, sb_parent_deny,
		    NELEM(sb_parent_deny), role, err, errlen) == -1)
			goto fail;
		return ctx;
	}
	if (sb_add(ctx, sb_base, NELEM(sb_base), role, err, errlen) == -1 ||
	    sb_act(ctx, SCMP_ACT_ERRNO(EACCES), sb_eacces, NELEM(sb_eacces),
	    role, err, errlen) == -1)
		goto fail;
	if (front &&
	    sb_add(ctx, sb_front, NELEM(sb_front), role, err, errlen) == -1)
		goto fail;
	return ctx;
 fail:
	seccomp_release(ctx);
	return NULL;
}

int
sandbox_apply(const char *role, char *err, size_t errlen)
{
	scmp_filter_ctx	 ctx;
	int		 rc;

	if ((ctx = sb_build(role, err, errlen)) == NULL)
		return -1;
	/* Also set by privdrop; libseccomp would set it too (CTL_NNP). */
	if ((rc = seccomp_load(ctx)) < 0) {
		snprintf(err, errlen, "seccomp %s: load: %s", role,
		    strerror(-rc));
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	return 0;
}

int
sandbox_export(const char *role, int fd, char *err, size_t errlen)
{
	const struct scmp_version *v;
	scmp_filter_ctx	 ctx;
	char		 head[128];
	int		 n, rc;

	if ((ctx = sb_build(role, err, errlen)) == NULL)
		return -1;
	v = seccomp_version();
	n = snprintf(head, sizeof(head),
	    "# contrast seccomp filter: role %s, libseccomp %u.%u.%u\n", role,
	    v->major, v->minor, v->micro);
	if (n < 0 || (size_t)n >= sizeof(head) ||
	    write(fd, head, (size_t)n) != n) {
		snprintf(err, errlen, "seccomp %s: write header failed", role);
		seccomp_release(ctx);
		return -1;
	}
	if ((rc = seccomp_export_pfc(ctx, fd)) < 0) {
		snprintf(err, errlen, "seccomp %s: export: %s", role,
		    strerror(-rc));
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	return 0;
}
