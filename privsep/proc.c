/*
 * Process table of the coordinator: fork + exec of each child with fixed
 * fds (OpenSSH's PRIVSEP_MONITOR_FD habit), reaping, the restart budget
 * and orderly killing.  Exec rather than fork alone gives every child a
 * fresh address space: no inherited heap, new ASLR.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"
#include "proc.h"

#define PROC_HIGHFD	64	/* scratch fds while arranging 0..6 */

void
proc_table_init(struct proc_table *pt, const char *exe, const char *progname,
    int logfd, const char *chroot)
{
	int	 i, j;

	memset(pt, 0, sizeof(*pt));
	pt->exe = exe;
	pt->progname = progname;
	pt->logfd = logfd;
	pt->chroot = chroot;
	for (i = 0; i < PROC_MAX; i++) {
		pt->child[i].id = i;
		pt->child[i].fd = -1;
		for (j = 0; j < PROC_MAXPASS; j++)
			pt->child[i].passfd[j] = -1;
	}
}

int
proc_getid(const char *title)
{
	int	 i;

	for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
		if (strcmp(title, proc_name(i)) == 0)
			return i;
	return -1;
}

/* Between fork and exec; the parent is single-threaded, so libc is safe. */
static void __attribute__((__noreturn__))
proc_child_exec(struct proc_table *pt, struct proc_child *pc, int ipcfd,
    pid_t parent)
{
	char		 err[256];
	char		*argv[6];
	int		 src[4 + PROC_MAXPASS], dst[4 + PROC_MAXPASS];
	int		 i, n = 0, fd, null;
	sigset_t	 none;

	/* The parent blocks the signals it reads with signalfd. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);

	if (privdrop_pdeathsig(parent, err, sizeof(err)) == -1)
		goto fail;

	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		snprintf(err, sizeof(err), "/dev/null: %s", strerror(errno));
		goto fail;
	}
	src[n] = null;		dst[n++] = STDIN_FILENO;
	src[n] = null;		dst[n++] = STDOUT_FILENO;
	src[n] = pt->logfd;	dst[n++] = PROC_LOG_FD;
	src[n] = ipcfd;		dst[n++] = PROC_IPC_FD;
	for (i = 0; i < PROC_MAXPASS && pc->passfd[i] != -1; i++) {
		src[n] = pc->passfd[i];
		dst[n++] = PROC_LISTEN_FD + i;
	}
	/* Move every source out of the way first: targets may collide. */
	for (i = 0; i < n; i++) {
		if ((fd = fcntl(src[i], F_DUPFD_CLOEXEC, PROC_HIGHFD)) == -1) {
			snprintf(err, sizeof(err), "dup fd %d: %s", src[i],
			    strerror(errno));
			goto fail;
		}
		src[i] = fd;
	}
	for (i = 0; i < n; i++)
		if (dup2(src[i], dst[i]) == -1) {
			snprintf(err, sizeof(err), "dup2 %d: %s", dst[i],
			    strerror(errno));
			goto fail;
		}
	closefrom(dst[n - 1] + 1);

	argv[0] = (char *)pt->progname;
	argv[1] = (char *)"-P";
	argv[2] = (char *)proc_name(pc->id);
	argv[3] = argv[4] = argv[5] = NULL;
	if (pt->chroot != NULL) {
		argv[3] = (char *)"-C";
		argv[4] = (char *)pt->chroot;
	}
	execv(pt->exe, argv);
	snprintf(err, sizeof(err), "exec %s: %s", pt->exe, strerror(errno));
 fail:
	dprintf(STDERR_FILENO, "%s: %s\n", proc_name(pc->id), err);
	_exit(1);
}

int
proc_start(struct proc_table *pt, int id, char *err, size_t errlen)
{
	struct proc_child	*pc = &pt->child[id];
	int			 sp[2];
	pid_t			 pid, parent = getpid();

	if (pc->pid != 0) {
		snprintf(err, errlen, "%s is already running", proc_name(id));
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		snprintf(err, errlen, "socketpair for %s: %s", proc_name(id),
		    strerror(errno));
		return -1;
	}
	switch ((pid = fork())) {
	case -1:
		snprintf(err, errlen, "fork %s: %s", proc_name(id),
		    strerror(errno));
		close(sp[0]);
		close(sp[1]);
		return -1;
	case 0:
		close(sp[0]);
		proc_child_exec(pt, pc, sp[1], parent);
		/* NOTREACHED */
	default:
		break;
	}
	close(sp[1]);
	pc->pid = pid;
	pc->fd = sp[0];
	pc->ready = 0;
	pc->starts++;
	pc->restart_at.tv_sec = pc->restart_at.tv_nsec = 0;
	log_debug("started %s, pid %ld", proc_name(id), (long)pid);
	return 0;
}

enum proc_death
proc_describe(int status, char *buf, size_t len)
{
	const char	*name;
	int		 sig;

	if (WIFEXITED(status)) {
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
		return PROC_DEATH_EXIT;
	}
	if (!WIFSIGNALED(status)) {
		snprintf(buf, len, "stopped or unknown status 0x%x", status);
		return PROC_DEATH_SIGNAL;
	}
	sig = WTERMSIG(status);
	if ((name = sigabbrev_np(sig)) == NULL)
		name = "?";
	if (sig == SIGSYS) {
		snprintf(buf, len, "killed by SIGSYS (seccomp violation)");
		return PROC_DEATH_SECCOMP;
	}
	snprintf(buf, len, "killed by SIG%s%s", name,
	    WCOREDUMP(status) ? " (core dumped)" : "");
	return PROC_DEATH_SIGNAL;
}

int
proc_reap(struct proc_table *pt, enum proc_death *death, char *cause,
    size_t len)
{
	pid_t	 pid;
	int	 i, status;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			return PROC_MAX;
		for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
			if (pt->child[i].pid == pid)
				break;
		if (i == PROC_MAX) {
			/* Not ours (e.g. a killed straggler): keep reaping. */
			log_debug("reaped unknown pid %ld", (long)pid);
			continue;
		}
		pt->child[i].pid = 0;
		pt->child[i].ready = 0;
		*death = proc_describe(status, cause, len);
		return i;
	}
}

int
proc_death_policy(struct proc_child *pc, const struct timespec *now)
{
	size_t		 i, j;
	long		 ms;

	if (!pc->restartable)
		return 0;
	/* Forget deaths that fell out of the window. */
	for (i = j = 0; i < pc->ndeaths; i++)
		if (now->tv_sec - pc->deaths[i] < PROC_RESTART_WINDOW)
			pc->deaths[j++] = pc->deaths[i];
	pc->ndeaths = j;
	if (pc->ndeaths >= PROC_RESTART_MAX)
		return 0;
	pc->deaths[pc->ndeaths++] = now->tv_sec;
	ms = (long)PROC_BACKOFF_MS << (pc->ndeaths - 1);
	pc->restart_at = *now;
	pc->restart_at.tv_sec += ms / 1000;
	pc->restart_at.tv_nsec += (ms % 1000) * 1000000L;
	if (pc->restart_at.tv_nsec >= 1000000000L) {
		pc->restart_at.tv_sec++;
		pc->restart_at.tv_nsec -= 1000000000L;
	}
	return 1;
}

size_t
proc_running(const struct proc_table *pt)
{
	size_t	 n = 0;
	int	 i;

	for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
		if (pt->child[i].pid != 0)
			n++;
	return n;
}

static void
proc_reap_quiet(struct proc_table *pt, int block)
{
	pid_t	 pid;
	int	 i, status;

	while ((pid = waitpid(-1, &status, block ? 0 : WNOHANG)) > 0 ||
	    (pid == -1 && errno == EINTR))
		for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
			if (pid > 0 && pt->child[i].pid == pid) {
				pt->child[i].pid = 0;
				pt->child[i].ready = 0;
			}
}

void
proc_kill_all(struct proc_table *pt, int ms)
{
	struct timespec	 ts = { 0, 10 * 1000000L };
	int		 i, waited;

	/* Children saw SHUTDOWN or EOF on their channel: let them go. */
	for (waited = 0; proc_running(pt) > 0 && waited < ms; waited += 10) {
		proc_reap_quiet(pt, 0);
		if (proc_running(pt) > 0)
			nanosleep(&ts, NULL);
	}
	for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
		if (pt->child[i].pid != 0) {
			log_warnx("%s (pid %ld) did not exit: killing it",
			    proc_name(i), (long)pt->child[i].pid);
			kill(pt->child[i].pid, SIGKILL);
		}
	proc_reap_quiet(pt, 1);
}

void
proc_settitle(int argc, char **argv, const char *progname, const char *role)
{
	char	 comm[16];
	char	*start, *end;
	int	 i;

	snprintf(comm, sizeof(comm), "coord-%s", role);
	prctl(PR_SET_NAME, comm, 0, 0, 0);
	if (argc < 1 || argv[0] == NULL)
		return;
	/* The argv strings are contiguous: reuse the whole area. */
	start = argv[0];
	end = argv[0] + strlen(argv[0]);
	for (i = 1; i < argc && argv[i] != NULL; i++)
		if (argv[i] == end + 1)
			end = argv[i] + strlen(argv[i]);
	snprintf(start, (size_t)(end - start) + 1, "%s: %s", progname, role);
	i = (int)strlen(start);
	memset(start + i, 0, (size_t)(end - start) - (size_t)i);
	for (i = 1; i < argc; i++)
		argv[i] = NULL;
}
