/*
 * The front: the only process that reads bytes from the network.  It
 * accepts on sockets the parent opened (fds 4-6), holds no long-term
 * secret, and talks only to the parent.  For now it serves the probe
 * port; the user and mesh API sockets are accepted and closed until the
 * client protocol lands (doc/contrast-coordinator.8).  A misbehaving
 * network client only loses its connection; anything wrong on the
 * parent's channel is fatal.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "coordinator.h"
#include "ipc.h"
#include "log.h"
#include "proc.h"

#define FRONT_MAXCONN		32	/* probe connections at once */
#define FRONT_TIMEOUT_MS	5000	/* whole request must arrive by then */
#define FRONT_NOFILE		(FRONT_FD_PROBE + 1 + FRONT_MAXCONN + 8)

enum conn_state {
	CONN_FREE = 0,
	CONN_READ,		/* reading the request */
	CONN_STATUS,		/* waiting for the parent's answer */
	CONN_WRITE,		/* writing the response */
	CONN_DRAIN		/* response sent: read to EOF, then close */
};

#define FRONT_DRAIN_MAX		(64 * 1024)	/* discarded bytes at most */

struct front_conn {
	enum conn_state	 state;
	int		 fd;
	struct timespec	 deadline;
	uint32_t	 reqid;		/* CONN_STATUS: our request id */
	uint8_t		 in[PROBE_REQ_MAX];
	size_t		 inlen;
	char		 out[256];
	size_t		 outlen, outoff;
	size_t		 drained;
};

struct front {
	struct ipc_chan		*chan;
	uint32_t		 state;
	struct front_conn	 conn[FRONT_MAXCONN];
	size_t			 nconn;
};

static void	front_dispatch_status(struct ipc_chan *, struct msg *, void *);

static const struct msg_rule front_rules[] = {
	{ MSG_PARENT_STATUS_OK, PROC_PARENT, CHILD_RUNNING, MSGF_REPLY, 0,
	    front_dispatch_status },
	{ MSG_PARENT_SHUTDOWN, PROC_PARENT, CHILD_RUNNING, MSGF_ONCE, 0,
	    coord_child_shutdown },
#ifdef SANDBOX_SELFTEST
	{ MSG_PARENT_SELFTEST_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    coord_selftest },
#endif
};

static void
front_conn_close(struct front *fs, struct front_conn *fc)
{
	close(fc->fd);
	fc->fd = -1;
	fc->state = CONN_FREE;
	fs->nconn--;
}

static void
front_respond(struct front_conn *fc, int code, const char *body)
{
	int	 n;

	if ((n = probe_response(fc->out, sizeof(fc->out), code, body)) < 0)
		fatalx("probe response does not fit");
	fc->outlen = (size_t)n;
	fc->outoff = 0;
	fc->state = CONN_WRITE;
}

static void
front_status_request(struct front *fs, struct front_conn *fc)
{
	struct msg_out	 o;
	char		 err[256];

	if ((fc->reqid = ipc_request_new(fs->chan, MSG_FRONT_STATUS_REQ,
	    0)) == 0) {
		front_respond(fc, 503, "busy\n");
		return;
	}
	if (msg_out_init(&o, MSG_FRONT_STATUS_REQ, fc->reqid, 0) == -1 ||
	    ipc_queue(fs->chan, &o, -1, err, sizeof(err)) == -1)
		fatalx("status request: %s", err);
	msg_out_free(&o);
	fc->state = CONN_STATUS;
}

static void
front_dispatch_status(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct front	*fs = arg;
	uint32_t	 state;
	uint64_t	 gen;
	size_t		 i;

	msg_get_u32(m, &state);
	msg_get_u64(m, &gen);
	msg_end(m);
	if (state != COORD_STATE_NO_MANIFEST && state != COORD_STATE_READY)
		msg_error(m, "unknown state %u", state);
	for (i = 0; i < FRONT_MAXCONN; i++) {
		struct front_conn *fc = &fs->conn[i];

		if (fc->state != CONN_STATUS || fc->reqid != m->reqid)
			continue;
		if (state == COORD_STATE_READY)
			front_respond(fc, 200, "ok\n");
		else
			front_respond(fc, 503, "no manifest\n");
		return;
	}
	/* The client gave up before the answer came: nothing to do. */
}

static void
front_read(struct front *fs, struct front_conn *fc)
{
	struct probe_req req;
	ssize_t		 n;
	int		 rc;

	n = read(fc->fd, fc->in + fc->inlen, sizeof(fc->in) - fc->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		front_conn_close(fs, fc);
		return;
	}
	fc->inlen += (size_t)n;
	if ((rc = probe_parse(fc->in, fc->inlen, &req)) == PROBE_INCOMPLETE)
		return;
	if (rc == PROBE_BAD) {
		front_respond(fc, 400, "bad request\n");
		return;
	}
	if (!req.get) {
		front_respond(fc, 405, "method not allowed\n");
		return;
	}
	switch (req.path) {
	case PROBE_PATH_STARTUP:
	case PROBE_PATH_LIVENESS:
		/* We run, sandboxed, and the parent answers: alive. */
		front_respond(fc, 200, "ok\n");
		break;
	case PROBE_PATH_READINESS:
		front_status_request(fs, fc);
		break;
	default:
		front_respond(fc, 404, "not found\n");
		break;
	}
}

static void
front_write(struct front *fs, struct front_conn *fc)
{
	ssize_t	 n;

	n = write(fc->fd, fc->out + fc->outoff, fc->outlen - fc->outoff);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		front_conn_close(fs, fc);
		return;
	}
	fc->outoff += (size_t)n;
	if (fc->outoff == fc->outlen) {
		/*
		 * Closing with unread input would reset the connection and
		 * could destroy the response before the client reads it
		 * (a 400 comes before the request ends): drain first.
		 */
		shutdown(fc->fd, SHUT_WR);
		fc->state = CONN_DRAIN;
	}
}

static void
front_drain(struct front *fs, struct front_conn *fc)
{
	ssize_t	 n;

	n = read(fc->fd, fc->in, sizeof(fc->in));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0 && (fc->drained += (size_t)n) < FRONT_DRAIN_MAX)
		return;
	front_conn_close(fs, fc);
}

/* At the cap, the oldest connection that only costs us waiting goes. */
static struct front_conn *
front_evict(struct front *fs)
{
	struct front_conn	*fc, *old = NULL;
	size_t			 i;

	for (i = 0; i < FRONT_MAXCONN; i++) {
		fc = &fs->conn[i];
		if (fc->state != CONN_READ && fc->state != CONN_DRAIN)
			continue;
		if (old == NULL ||
		    fc->deadline.tv_sec < old->deadline.tv_sec ||
		    (fc->deadline.tv_sec == old->deadline.tv_sec &&
		    fc->deadline.tv_nsec < old->deadline.tv_nsec))
			old = fc;
	}
	if (old != NULL)
		front_conn_close(fs, old);
	return old;
}

static void
front_accept(struct front *fs, int lfd)
{
	struct front_conn	*fc;
	size_t			 i;
	int			 fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		/* A listener the parent gave us must stay valid. */
		if (errno == EBADF || errno == ENOTSOCK || errno == EINVAL)
			fatal("accept on fd %d", lfd);
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("accept");
		return;
	}
	if (lfd != FRONT_FD_PROBE) {
		/* The user and mesh APIs are not served yet. */
		close(fd);
		return;
	}
	for (i = 0; i < FRONT_MAXCONN; i++)
		if (fs->conn[i].state == CONN_FREE)
			break;
	if (i < FRONT_MAXCONN)
		fc = &fs->conn[i];
	else if ((fc = front_evict(fs)) == NULL) {
		close(fd);	/* every slot is busy answering */
		return;
	}
	memset(fc, 0, sizeof(*fc));
	fc->fd = fd;
	fc->state = CONN_READ;
	if (clock_gettime(CLOCK_MONOTONIC, &fc->deadline) == -1)
		fatal("clock_gettime");
	fc->deadline.tv_sec += FRONT_TIMEOUT_MS / 1000;
	fs->nconn++;
}

static long
front_ms_left(const struct timespec *now, const struct timespec *t)
{
	long	 ms;

	ms = (t->tv_sec - now->tv_sec) * 1000 +
	    (t->tv_nsec - now->tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms;
}

void
front_main(int argc, char **argv, const char *chroot)
{
	static struct front	 fs;
	struct pollfd		 pfd[4 + FRONT_MAXCONN];
	int			 pconn[4 + FRONT_MAXCONN];
	struct timespec		 now;
	char			 err[256];
	size_t			 i;
	int			 n, k, timeout;
	long			 ms;

	fs.chan = coord_child_start(PROC_FRONT, argc, argv, chroot,
	    FRONT_NOFILE);
	fs.state = CHILD_RUNNING;
	for (i = 0; i < FRONT_MAXCONN; i++)
		fs.conn[i].fd = -1;

	for (;;) {
		n = 0;
		pfd[n].fd = ipc_chan_fd(fs.chan);
		pfd[n].events = POLLIN | (ipc_pending(fs.chan) ? POLLOUT : 0);
		pconn[n++] = -1;
		pfd[n].fd = FRONT_FD_USER;
		pfd[n].events = POLLIN;
		pconn[n++] = -2;
		pfd[n].fd = FRONT_FD_MESH;
		pfd[n].events = POLLIN;
		pconn[n++] = -2;
		/* At the cap, a new client replaces the oldest idle one. */
		pfd[n].fd = FRONT_FD_PROBE;
		pfd[n].events = POLLIN;
		pconn[n++] = -2;

		if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
			fatal("clock_gettime");
		timeout = -1;
		for (i = 0; i < FRONT_MAXCONN; i++) {
			struct front_conn *fc = &fs.conn[i];

			if (fc->state == CONN_FREE)
				continue;
			if ((ms = front_ms_left(&now, &fc->deadline)) == 0) {
				/* Too slow (or the answer never came). */
				front_conn_close(&fs, fc);
				continue;
			}
			if (timeout == -1 || ms < timeout)
				timeout = (int)ms;
			if (fc->state == CONN_STATUS)
				continue;
			pfd[n].fd = fc->fd;
			pfd[n].events = fc->state == CONN_WRITE ? POLLOUT :
			    POLLIN;
			pconn[n++] = (int)i;
		}

		if (poll(pfd, (nfds_t)n, timeout) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if ((pfd[0].revents & POLLOUT) && ipc_flush(fs.chan, err,
		    sizeof(err)) == -1)
			fatalx("channel to parent: %s", err);
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			if (ipc_dispatch(fs.chan, front_rules,
			    sizeof(front_rules) / sizeof(front_rules[0]),
			    &fs.state, &fs) == 0) {
				log_debug("parent closed the channel");
				exit(0);
			}
		for (k = 1; k < n; k++) {
			struct front_conn *fc;

			if (pfd[k].revents == 0)
				continue;
			if (pconn[k] == -2) {
				front_accept(&fs, pfd[k].fd);
				continue;
			}
			fc = &fs.conn[pconn[k]];
			if (fc->state == CONN_READ)
				front_read(&fs, fc);
			else if (fc->state == CONN_WRITE)
				front_write(&fs, fc);
			else if (fc->state == CONN_DRAIN)
				front_drain(&fs, fc);
		}
	}
}
