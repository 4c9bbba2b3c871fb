/*
 * The parent (monitor) of contrast-coordinator: opens the listening
 * sockets, starts front, ca and verifier, relays their log lines,
 * answers their requests, and supervises them: front or verifier death
 * -> log the cause and restart with backoff (at most PROC_RESTART_MAX a
 * minute, then exit 1); ca death -> everything stops, exit 1 (the keys
 * are gone).  SIGTERM/SIGINT -> orderly shutdown, exit 0.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "coordinator.h"
#include "evidence.h"
#include "ipc.h"
#include "log.h"
#include "parent.h"
#include "privdrop.h"
#include "proc.h"
#include "sandbox.h"

#define PARENT_READY_TIMEOUT	30	/* seconds for all children to start */
#define PARENT_KILL_WAIT_MS	2000	/* for children to leave on their own */
#define PARENT_LOGBUF		8192

struct parent {
	struct coord_config	*cf;
	struct proc_table	 pt;
	struct pcore		 pc;		/* the state machine */
	struct ipc_chan		*chan[PROC_MAX];
	int			 sigfd;
	int			 logr;		/* read end of the log pipe */
	int			 foreground;
	int			 allready;	/* first READY of all seen */
	struct timespec		 startdl;	/* READY deadline at start-up */
	char			 logbuf[PARENT_LOGBUF];
	size_t			 loglen;
	char			 chroot[PATH_MAX];
#ifdef SANDBOX_SELFTEST
	int			 st_role;	/* CONTRAST_SELFTEST_VIOLATE */
	int			 st_onready;
#endif
};

static void	parent_ready(struct pcore *, int, void *);

static void	parent_shutdown(struct parent *, int) __attribute__((__noreturn__));

/*
 * TLS clients speak first.  With TCP_DEFER_ACCEPT the kernel reports a
 * connection once its ClientHello is in, so the front accepts and
 * answers it in one wakeup instead of two; a peer that connects and
 * says nothing reaches the front only after at least this many
 * seconds, and then has the handshake timeout.
 */
#define PARENT_DEFER_ACCEPT_S	10

/* A listening socket; defer: TCP_DEFER_ACCEPT (the client speaks first). */
static int
parent_listen(const struct coord_addr *a, const char *what, int defer)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 slen;
	char			 txt[COORD_ADDR_MAX];
	int			 fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (a->family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(a->port);
		inet_pton(AF_INET6, a->host, &sin6->sin6_addr);
		slen = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(a->port);
		inet_pton(AF_INET, a->host, &sin->sin_addr);
		slen = sizeof(*sin);
	}
	coord_addr_format(a, txt, sizeof(txt));
	/* Non-blocking: the front must never block in accept(2). */
	if ((fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		fatal("%s %s: socket", what, txt);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		fatal("%s %s: SO_REUSEADDR", what, txt);
	/*
	 * Accepted sockets inherit it, so the sandboxed front needs no
	 * setsockopt: without it Nagle and delayed ACKs stall each small
	 * answer for ~40 ms.
	 */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1)
		fatal("%s %s: TCP_NODELAY", what, txt);
	if (defer && setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT,
	    &(int){ PARENT_DEFER_ACCEPT_S }, sizeof(int)) == -1)
		fatal("%s %s: TCP_DEFER_ACCEPT", what, txt);
	if (a->family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &one, sizeof(one)) == -1)
		fatal("%s %s: IPV6_V6ONLY", what, txt);
	if (bind(fd, (struct sockaddr *)&ss, slen) == -1)
		fatal("%s %s: bind", what, txt);
	if (listen(fd, 128) == -1)
		fatal("%s %s: listen", what, txt);
	log_info("%s listening on %s", what, txt);
	return fd;
}

static void
parent_now(struct timespec *ts)
{
	if (clock_gettime(CLOCK_MONOTONIC, ts) == -1)
		fatal("clock_gettime");
}

static long
parent_ms_until(const struct timespec *now, const struct timespec *t)
{
	long	 ms;

	ms = (t->tv_sec - now->tv_sec) * 1000 +
	    (t->tv_nsec - now->tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms;
}

static void
parent_start(struct parent *ps, int id)
{
	char	 err[256];

	if (proc_start(&ps->pt, id, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if ((ps->chan[id] = ipc_chan_new(ps->pt.child[id].fd, id,
	    id == PROC_FRONT ? IPC_MAXLEN_FRONT : id == PROC_CA ?
	    IPC_MAXLEN_CA : IPC_MAXLEN_VERIFIER, err, sizeof(err))) == NULL)
		fatalx("channel to %s: %s", proc_name(id), err);
	ps->pc.chan[id] = ps->chan[id];
	ps->pc.chstate[id] = CHAN_STARTING;
}

static void
parent_chan_close(struct parent *ps, int id)
{
	ipc_chan_free(ps->chan[id]);
	ps->chan[id] = NULL;
	ps->pt.child[id].fd = -1;
	/* Requests in flight to it fail; its connections are gone. */
	pcore_child_down(&ps->pc, id);
}

#ifdef SANDBOX_SELFTEST
static void
parent_selftest(struct parent *ps)
{
	static const uint32_t call[PROC_MAX] = {
		[PROC_FRONT] = SELFTEST_PTRACE,
		[PROC_CA] = SELFTEST_SOCKET,
		[PROC_VERIFIER] = SELFTEST_EXECVE,
	};
	struct msg_out	 o;
	char		 err[256];
	int		 id = ps->st_role;

	if (id <= PROC_PARENT || id >= PROC_MAX || ps->chan[id] == NULL ||
	    ps->pc.chstate[id] != CHAN_RUNNING) {
		log_warnx("selftest: %s is not running", proc_name(id));
		return;
	}
	log_warnx("selftest: asking %s to make a forbidden call",
	    proc_name(id));
	if (msg_out_init(&o, MSG_PARENT_SELFTEST_REQ, 0, 0) == -1 ||
	    msg_put_u32(&o, call[id]) == -1 ||
	    ipc_queue(ps->chan[id], &o, -1, err, sizeof(err)) == -1)
		fatalx("selftest to %s: %s", proc_name(id), err);
	msg_out_free(&o);
}

static void
parent_selftest_init(struct parent *ps)
{
	const char	*v, *colon;
	char		 role[16];

	ps->st_role = -1;
	if ((v = getenv("CONTRAST_SELFTEST_VIOLATE")) == NULL)
		return;
	if ((colon = strchr(v, ':')) == NULL ||
	    (size_t)(colon - v) >= sizeof(role))
		fatalx("CONTRAST_SELFTEST_VIOLATE: want ROLE:ready|signal");
	memcpy(role, v, (size_t)(colon - v));
	role[colon - v] = '\0';
	if ((ps->st_role = proc_getid(role)) == -1)
		fatalx("CONTRAST_SELFTEST_VIOLATE: unknown role %s", role);
	if (strcmp(colon + 1, "ready") == 0)
		ps->st_onready = 1;
	else if (strcmp(colon + 1, "signal") != 0)
		fatalx("CONTRAST_SELFTEST_VIOLATE: want ROLE:ready|signal");
	log_warnx("selftest: %s will be made to violate its sandbox (%s)",
	    role, colon + 1);
}
#endif

/* The first time every child is up: the parent drops what it can. */
static void
parent_all_ready(struct parent *ps)
{
	char	 err[256];

	ps->allready = 1;
	if (privdrop_parent(err, sizeof(err)) == -1)
		fatalx("privilege drop: %s", err);
	if (sandbox_apply("parent", err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (strcmp(sandbox_kind(), "none") == 0)
		log_warnx("RUNNING WITHOUT SECCOMP FILTERS (built with "
		    "--disable-seccomp): not for production");
	else
		log_info("loaded seccomp filter");
	log_info("all children ready");
}

/* A child sent READY (pcore_ready calls us, then tells the core). */
static void
parent_ready(struct pcore *pc, int id, void *arg)
{
	struct parent	*ps = arg;
	int		 i, first = 0;

	ps->pt.child[id].ready = 1;
	if (ps->pt.child[id].starts > 1)
		log_warnx("%s restarted, pid %ld", proc_name(id),
		    (long)ps->pt.child[id].pid);
	else
		log_info("%s ready, pid %ld", proc_name(id),
		    (long)ps->pt.child[id].pid);
	if (!ps->allready) {
		for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
			if (!ps->pt.child[i].ready)
				break;
		if (i == PROC_MAX) {
			parent_all_ready(ps);
			first = 1;
		}
	}
#ifdef SANDBOX_SELFTEST
	/* After start-up, where any death is fatal by design. */
	if (ps->st_onready && ps->allready && (first || ps->st_role == id))
		parent_selftest(ps);
#else
	(void)first;
#endif
}

/* Children's stderr is our pipe: pass their lines on whole. */
static void
parent_log_line(struct parent *ps, const char *line, size_t len)
{
	if (ps->foreground) {
		char	 out[PARENT_LOGBUF + 1];

		memcpy(out, line, len);
		out[len] = '\n';
		/* Nowhere to report a failed write of a log line. */
		if (write(STDERR_FILENO, out, len + 1) == -1)
			return;
	} else
		syslog(LOG_NOTICE, "%.*s", (int)len, line);
}

static void
parent_log_relay(struct parent *ps)
{
	char	*nl;
	ssize_t	 n;
	size_t	 used;

	for (;;) {
		n = read(ps->logr, ps->logbuf + ps->loglen,
		    sizeof(ps->logbuf) - ps->loglen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		ps->loglen += (size_t)n;
		while ((nl = memchr(ps->logbuf, '\n', ps->loglen)) != NULL) {
			used = (size_t)(nl - ps->logbuf);
			parent_log_line(ps, ps->logbuf, used);
			memmove(ps->logbuf, nl + 1, ps->loglen - used - 1);
			ps->loglen -= used + 1;
		}
		if (ps->loglen == sizeof(ps->logbuf)) {
			parent_log_line(ps, ps->logbuf, ps->loglen);
			ps->loglen = 0;
		}
	}
}

static void
parent_shutdown(struct parent *ps, int status)
{
	struct msg_out	 o;
	char		 err[256];
	int		 id;

	for (id = PROC_PARENT + 1; id < PROC_MAX; id++) {
		if (ps->chan[id] == NULL)
			continue;
		if (ps->pt.child[id].pid != 0 && msg_out_init(&o,
		    MSG_PARENT_SHUTDOWN, 0, 0) == 0) {
			if (ipc_send(ps->chan[id], &o, -1, err,
			    sizeof(err)) == -1)
				log_debug("shutdown to %s: %s", proc_name(id),
				    err);
			msg_out_free(&o);
		}
		/* EOF tells a child that did not get the message. */
		parent_chan_close(ps, id);
	}
	proc_kill_all(&ps->pt, PARENT_KILL_WAIT_MS);
	parent_log_relay(ps);
	log_info("exiting with status %d", status);
	exit(status);
}

static void
parent_child_died(struct parent *ps, int id, const char *cause)
{
	struct timespec	 now;

	log_warnx("lost child %s: %s", proc_name(id), cause);
	if (ps->chan[id] != NULL)
		parent_chan_close(ps, id);
	ps->pc.chstate[id] = 0;
	if (id == PROC_CA) {
		log_warnx("ca holds the keys and cannot be restarted: "
		    "shutting down");
		parent_shutdown(ps, 1);
	}
	if (!ps->allready) {
		log_warnx("%s died during start-up: shutting down",
		    proc_name(id));
		parent_shutdown(ps, 1);
	}
	parent_now(&now);
	if (!proc_death_policy(&ps->pt.child[id], &now)) {
		log_warnx("%s died %d times within %d seconds: giving up",
		    proc_name(id), PROC_RESTART_MAX + 1, PROC_RESTART_WINDOW);
		parent_shutdown(ps, 1);
	}
	log_info("restarting %s in %ld ms", proc_name(id),
	    parent_ms_until(&now, &ps->pt.child[id].restart_at));
}

static void
parent_signal(struct parent *ps)
{
	struct signalfd_siginfo	 si;
	enum proc_death		 death;
	char			 cause[128];
	ssize_t			 n;
	int			 id;

	while ((n = read(ps->sigfd, &si, sizeof(si))) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			log_info("received %s: shutting down",
			    si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			parent_shutdown(ps, 0);
		case SIGCHLD:
			while ((id = proc_reap(&ps->pt, &death, cause,
			    sizeof(cause))) != PROC_MAX)
				parent_child_died(ps, id, cause);
			break;
#ifdef SANDBOX_SELFTEST
		case SIGUSR1:
			parent_selftest(ps);
			break;
#endif
		default:
			break;
		}
	}
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		fatal("signalfd read");
}

/*
 * What the parent needs from the file system, opened before any
 * sandbox: its own attestation source, the pinned owner key, the state
 * directory (the store keeps working on its fd only).
 */
static void
parent_core_open(struct parent *ps)
{
	struct coord_config	*cf = ps->cf;
	struct evidence_opts	 eo;
	struct evidence_src	*src = NULL;
	enum evidence_kind	 kind;
	EVP_PKEY		*owner = NULL;
	uint8_t			 hostdata[32];
	char			 err[PCORE_ERRLEN];
	int			 dirfd;

	if (evidence_kind_parse(cf->tee, &kind) == -1)
		fatalx("tee: unknown kind %s", cf->tee);
	memset(&eo, 0, sizeof(eo));
	if (kind == EVIDENCE_SIM) {
		if (coord_sim_hostdata(cf, hostdata, err, sizeof(err)) == -1)
			fatalx("%s", err);
		eo.sim_hostdata = hostdata;
		eo.sim_dir = cf->sim_dir[0] != '\0' ? cf->sim_dir : NULL;
	}
	if (evidence_open(kind, &eo, &src, err, sizeof(err)) == -1) {
		/* An explicit choice must work; auto on a machine without
		 * a TEE serves, but never claims to be attested. */
		if (kind != EVIDENCE_AUTO)
			fatalx("own attestation (%s): %s", cf->tee, err);
		log_warnx("NO ATTESTATION SOURCE (%s): clients asking for "
		    "the coordinator's evidence are refused", err);
		src = NULL;
	} else {
		log_info("own attestation: %s%s",
		    evidence_kind_name(evidence_src_kind(src)),
		    kind == EVIDENCE_SIM ? " (SIMULATED, INSECURE)" : "");
	}
	if (coord_owner_key_load(cf, &owner, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (owner != NULL)
		log_info("first manifest must be signed by the pinned owner "
		    "key");
	if ((dirfd = open(cf->state_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | O_NOFOLLOW)) == -1)
		fatal("state dir %s", cf->state_dir);
	if (pcore_init(&ps->pc, dirfd, src, owner, err, sizeof(err)) == -1)
		fatalx("%s: %s", cf->state_dir, err);
	close(dirfd);
	ps->pc.on_ready = parent_ready;
	ps->pc.on_ready_arg = ps;
}

int
parent_main(struct coord_config *cf, int foreground)
{
	struct parent	*ps;
	struct pollfd	 pfd[2 + PROC_MAX];
	struct timespec	 now;
	sigset_t	 mask;
	char		 err[256];
	uid_t		 uid;
	gid_t		 gid;
	int		 logp[2], fds[3], id, n, i, timeout, as_root;
	int		 pfdid[2 + PROC_MAX];
	const struct msg_rule *rules;
	size_t		 nrules;

	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		fatal("calloc");
	ps->cf = cf;
	ps->foreground = foreground;
	as_root = getuid() == 0 || geteuid() == 0;

	/* Checks that can fail go before we detach. */
	if (mkdir(cf->state_dir, 0700) == -1 && errno != EEXIST)
		fatal("state dir %s", cf->state_dir);
	if ((size_t)snprintf(ps->chroot, sizeof(ps->chroot), "%.*s/%s",
	    (int)(sizeof(ps->chroot) - sizeof(COORD_CHROOT_NAME) - 1),
	    cf->state_dir, COORD_CHROOT_NAME) >= sizeof(ps->chroot))
		fatalx("state dir %s: path too long", cf->state_dir);
	if (as_root) {
		if (privdrop_prepare_chroot(ps->chroot, err, sizeof(err)) == -1)
			fatalx("%s", err);
		if (privdrop_lookup(PRIVSEP_USER, &uid, &gid, err,
		    sizeof(err)) == -1)
			fatalx("%s", err);
	}
	parent_core_open(ps);
	fds[0] = parent_listen(&cf->user_api, "user API", 1);
	fds[1] = parent_listen(&cf->mesh_api, "mesh API", 1);
	fds[2] = parent_listen(&cf->probe_listen, "probes", 0);

	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, 0);
	}
	log_procinit("parent");
	if (!as_root)
		log_warnx("not started as root: children keep uid %u and are "
		    "not chrooted (seccomp, no_new_privs and empty "
		    "capabilities still apply)", (unsigned)getuid());
	if (strcmp(sandbox_kind(), "none") == 0)
		log_warnx("WARNING: this build has NO SECCOMP SANDBOX "
		    "(--disable-seccomp); never use it in production");
#ifdef SANDBOX_SELFTEST
	log_warnx("WARNING: built with --enable-sandbox-selftest (test only)");
	parent_selftest_init(ps);
#endif

	/* Signals arrive through the poll loop; children unblock them. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1)
		fatal("sigprocmask");
	if ((ps->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		fatal("signalfd");
	signal(SIGPIPE, SIG_IGN);

	if (pipe2(logp, O_CLOEXEC) == -1)
		fatal("pipe");
	ps->logr = logp[0];
	if (fcntl(ps->logr, F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");

	proc_table_init(&ps->pt, "/proc/self/exe", COORD_PROGNAME, logp[1],
	    as_root ? ps->chroot : NULL);
	for (i = 0; i < 3; i++)
		ps->pt.child[PROC_FRONT].passfd[i] = fds[i];
	ps->pt.child[PROC_FRONT].restartable = 1;
	ps->pt.child[PROC_VERIFIER].restartable = 1;

	parent_now(&ps->startdl);
	ps->startdl.tv_sec += PARENT_READY_TIMEOUT;
	for (id = PROC_PARENT + 1; id < PROC_MAX; id++)
		parent_start(ps, id);

	for (;;) {
		n = 0;
		pfd[n].fd = ps->sigfd;
		pfd[n].events = POLLIN;
		pfdid[n++] = -1;
		pfd[n].fd = ps->logr;
		pfd[n].events = POLLIN;
		pfdid[n++] = -2;
		for (id = PROC_PARENT + 1; id < PROC_MAX; id++) {
			if (ps->chan[id] == NULL)
				continue;
			pfd[n].fd = ipc_chan_fd(ps->chan[id]);
			pfd[n].events = POLLIN |
			    (ipc_pending(ps->chan[id]) ? POLLOUT : 0);
			pfdid[n++] = id;
		}

		parent_now(&now);
		timeout = -1;
		if (!ps->allready)
			timeout = (int)parent_ms_until(&now, &ps->startdl);
		for (id = PROC_PARENT + 1; id < PROC_MAX; id++) {
			struct proc_child *pc = &ps->pt.child[id];
			long ms;

			if (pc->pid != 0 || pc->restart_at.tv_sec == 0)
				continue;
			ms = parent_ms_until(&now, &pc->restart_at);
			if (timeout == -1 || ms < timeout)
				timeout = (int)ms;
		}

		if (poll(pfd, (nfds_t)n, timeout) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		for (i = 0; i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfdid[i] == -1) {
				parent_signal(ps);
				continue;
			}
			if (pfdid[i] == -2) {
				parent_log_relay(ps);
				continue;
			}
			id = pfdid[i];
			if (ps->chan[id] == NULL)
				continue;	/* closed by a death above */
			rules = pcore_rules(id, &nrules);
			if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    ipc_dispatch(ps->chan[id], rules, nrules,
			    &ps->pc.chstate[id], &ps->pc) == 0) {
				/* Its exit follows; SIGCHLD says how. */
				log_debug("%s closed its channel",
				    proc_name(id));
				parent_chan_close(ps, id);
			}
		}
		/* What the handlers queued goes now, not after a poll; a
		 * POLLOUT wakeup (a queue was stuck) lands here too. */
		for (id = PROC_PARENT + 1; id < PROC_MAX; id++) {
			if (ps->chan[id] == NULL || !ipc_pending(ps->chan[id]))
				continue;
			if (ipc_flush(ps->chan[id], err, sizeof(err)) == -1) {
				log_warnx("channel to %s: %s", proc_name(id),
				    err);
				parent_chan_close(ps, id);
			}
		}

		parent_now(&now);
		if (!ps->allready && parent_ms_until(&now, &ps->startdl) == 0) {
			log_warnx("children not ready after %d seconds",
			    PARENT_READY_TIMEOUT);
			parent_shutdown(ps, 1);
		}
		for (id = PROC_PARENT + 1; id < PROC_MAX; id++) {
			struct proc_child *pc = &ps->pt.child[id];

			if (pc->pid == 0 && pc->restart_at.tv_sec != 0 &&
			    parent_ms_until(&now, &pc->restart_at) == 0)
				parent_start(ps, id);
		}
	}
}
