/*
 * The coordinator's processes (the proc.c of relayd/iked, reduced to a
 * star): the parent fork+execs each child as "<exe> -P <role>" with its
 * channel on PROC_IPC_FD and, for the front, the listening sockets from
 * PROC_LISTEN_FD on; the child's stderr is the parent's log pipe.  The
 * parent reaps and classifies deaths and applies the restart budget.
 */
#ifndef PRIVSEP_PROC_H
#define PRIVSEP_PROC_H

#include <sys/types.h>
#include <sys/resource.h>

#include <stddef.h>
#include <time.h>

#include "msgtypes.h"

#define PROC_LOG_FD		2	/* child's stderr: the parent's log pipe */
#define PROC_IPC_FD		3	/* child's end of its channel */
#define PROC_LISTEN_FD		4	/* first fd passed to a child */
#define PROC_MAXPASS		3	/* fds passed from PROC_LISTEN_FD on */

#define PROC_RESTART_MAX	5	/* restarts allowed per window */
#define PROC_RESTART_WINDOW	60	/* seconds */
#define PROC_BACKOFF_MS		100	/* first restart delay, doubled */

/* How a child ended, from its wait status. */
enum proc_death {
	PROC_DEATH_EXIT,	/* exited (any status is unexpected) */
	PROC_DEATH_SIGNAL,	/* killed by a signal */
	PROC_DEATH_SECCOMP	/* killed by SIGSYS: seccomp violation */
};

struct proc_child {
	int		 id;		/* enum proc_id */
	int		 restartable;	/* holds no secret and no state */
	int		 passfd[PROC_MAXPASS];	/* parent's fds to pass, -1 */
	pid_t		 pid;		/* 0: not running */
	int		 fd;		/* parent's end of the channel, -1 */
	int		 ready;		/* READY received from this instance */
	unsigned int	 starts;	/* instances started so far */
	time_t		 deaths[PROC_RESTART_MAX + 1];	/* monotonic secs */
	size_t		 ndeaths;
	struct timespec	 restart_at;	/* pending restart, 0 when none */
};

struct proc_table {
	const char	*exe;		/* what to exec: "/proc/self/exe" */
	const char	*progname;	/* title prefix: "contrast-coordinator" */
	int		 logfd;		/* write end of the log pipe */
	const char	*chroot;	/* passed as "-C dir", or NULL */
	struct proc_child child[PROC_MAX];	/* PROC_PARENT slot unused */
};

void	proc_table_init(struct proc_table *, const char *, const char *, int,
	    const char *);

/*
 * fork + exec one child.  The parent gets the channel end in pc->fd (and
 * must wrap it in an ipc_chan); -1 with err when socketpair/fork fails.
 */
int	proc_start(struct proc_table *, int, char *, size_t);

/*
 * Reap one exited child (WNOHANG): returns its id and fills *death and a
 * cause string ("killed by SIGSYS (seccomp violation)"), PROC_MAX when
 * nothing (or only unknown pids) was reaped.
 */
int	proc_reap(struct proc_table *, enum proc_death *, char *, size_t);

/* Describe a wait status: "exited with status 1", "killed by SIGKILL". */
enum proc_death proc_describe(int, char *, size_t);

/*
 * Record a death at monotonic time now and decide: 1 when a restart is
 * within budget (restart_at set with exponential backoff), 0 when the
 * child may not be restarted (not restartable, or over the budget).
 */
int	proc_death_policy(struct proc_child *, const struct timespec *);

/* SIGTERM every running child, wait up to ms, then SIGKILL and reap all. */
void	proc_kill_all(struct proc_table *, int);

/* Children running (pid != 0). */
size_t	proc_running(const struct proc_table *);

/* In a child, right after exec: role id from "-P <role>", or -1. */
int	proc_getid(const char *);

/*
 * In a child: name the process "<progname>: <role>" in ps (argv area)
 * and "coord-<role>" in /proc/<pid>/comm.
 */
void	proc_settitle(int, char **, const char *, const char *);

#endif
