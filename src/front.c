/*
 * The front: the only process that reads bytes from the network.  It
 * accepts on sockets the parent opened (fds 4-6), terminates TLS 1.3 with
 * a key made at its start, speaks the client protocol and relays each
 * request to the parent, which decides everything; it holds no
 * long-term secret.  One poll(2) loop, no threads.  A misbehaving
 * network client only loses its connection; anything wrong on the
 * parent's channel is fatal (the parent restarts us).
 *
 * Test knobs (environment, never needed in production; they can only
 * make the front stricter): CONTRAST_TEST_CLIENT_TIMEOUT_MS replaces the
 * handshake, frame and idle timeouts of both APIs (50..10000 ms), and
 * CONTRAST_TEST_MAX_CLIENTS lowers the connection cap (1..512).
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include "coordinator.h"
#include "front.h"
#include "ipc.h"
#include "log.h"
#include "proc.h"
#include "tls.h"

static void	front_dispatch_status(struct ipc_chan *, struct msg *,
		    void *);
static void	front_dispatch_metrics(struct ipc_chan *, struct msg *,
		    void *);
static void	front_dispatch_answer(struct ipc_chan *, struct msg *,
		    void *);

/* Channel, three listeners, every connection. */
#define FRONT_NPOLL	(4 + FRONT_MAXCLIENTS + FRONT_MAXPROBES)

#define ANSWER(t)	{ t, PROC_PARENT, CHILD_RUNNING, MSGF_REPLY, 0, \
			    front_dispatch_answer }

static const struct msg_rule front_rules[] = {
	{ MSG_PARENT_STATUS_OK, PROC_PARENT, CHILD_RUNNING, MSGF_REPLY, 0,
	    front_dispatch_status },
	{ MSG_PARENT_METRICS_OK, PROC_PARENT, CHILD_RUNNING, MSGF_REPLY, 0,
	    front_dispatch_metrics },
	ANSWER(MSG_PARENT_HELLO_OK),
	ANSWER(MSG_PARENT_SET_MANIFEST_OK),
	ANSWER(MSG_PARENT_GET_MANIFESTS_OK),
	ANSWER(MSG_PARENT_RECOVER_OK),
	ANSWER(MSG_PARENT_MESH_CERT_OK),	/* MSGT_SECRET: zeroed */
	ANSWER(MSG_PARENT_CLIENT_FAIL),
	{ MSG_PARENT_SHUTDOWN, PROC_PARENT, CHILD_RUNNING, MSGF_ONCE, 0,
	    coord_child_shutdown },
#ifdef SANDBOX_SELFTEST
	{ MSG_PARENT_SELFTEST_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    coord_selftest },
#endif
};

/* The client type a parent answer belongs to (orphans). */
static uint32_t
front_answer_ctype(uint32_t type)
{
	switch (type) {
	case MSG_PARENT_HELLO_OK:
		return WIRE_HELLO;
	case MSG_PARENT_SET_MANIFEST_OK:
		return WIRE_SET_MANIFEST;
	case MSG_PARENT_RECOVER_OK:
		return WIRE_RECOVER;
	case MSG_PARENT_MESH_CERT_OK:
		return WIRE_MESH_CERT;
	default:
		/* GET_MANIFESTS_OK; CLIENT_FAIL answers any request */
		return WIRE_GET_MANIFESTS;
	}
}

void
front_orphan(struct front *fs, uint32_t preqid)
{
	/* Every orphan is an outstanding reqid: IPC_MAXREQ bounds them. */
	if (fs->norphans == FRONT_MAXORPHANS)
		fatalx("more orphaned requests than the channel allows");
	fs->orphans[fs->norphans++] = preqid;
}

static int
front_orphan_take(struct front *fs, uint32_t preqid)
{
	size_t	 i;

	for (i = 0; i < fs->norphans; i++)
		if (fs->orphans[i] == preqid) {
			fs->orphans[i] = fs->orphans[--fs->norphans];
			return 1;
		}
	return 0;
}

static void
front_dispatch_status(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct front	*fs = arg;
	uint32_t	 state;
	uint64_t	 gen;

	msg_get_u32(m, &state);
	msg_get_u64(m, &gen);
	msg_end(m);
	if (state != COORD_STATE_NO_MANIFEST && state != COORD_STATE_READY &&
	    state != COORD_STATE_RECOVERY)
		msg_error(m, "unknown state %u", state);
	front_probe_status(fs, m->reqid, state);
}

static void
front_dispatch_metrics(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct front	*fs = arg;
	char		*text = NULL;

	msg_get_str(m, &text, FRONT_PARENT_METRICS_MAX);
	msg_end(m);
	front_probe_metrics(fs, m->reqid, text);
	free(text);
}

/*
 * An answer to a client's request: back to the client with its reqid,
 * or, when the client is gone, checked and dropped.  An answer for a
 * connection with no such request in flight is the parent's error.
 */
static void
front_dispatch_answer(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct front		*fs = arg;
	struct front_session	 gone;
	struct fclient		*fc;
	struct msg_out		 o;
	uint32_t		 conn, result, type;
	int			 close;

	msg_get_u32(m, &conn);
	fc = front_client_find(fs, conn);
	if (fc == NULL || fc->state != FC_PARENT || fc->s.preqid != m->reqid) {
		if (!front_orphan_take(fs, m->reqid))
			msg_error(m, "answer for connection %u, which has no "
			    "request %u in flight", conn, m->reqid);
		/* Read it all the same (fatal if malformed), then drop. */
		memset(&gone, 0, sizeof(gone));
		gone.reqid = 1;
		gone.type = front_answer_ctype(m->type);
		front_session_answer(&gone, m, &o, &result, &close);
		msg_out_free(&o);
		explicit_bzero(&gone, sizeof(gone));
		return;
	}
	type = fc->s.type;
	front_session_answer(&fc->s, m, &o, &result, &close);
	front_metrics_request(&fs->metrics, fc->apix, type, result,
	    front_now_us() - fc->started_us);
	front_client_send(fs, fc, &o, close);
}

static uint32_t
front_newreq(void *arg, uint32_t type)
{
	struct front	*fs = arg;

	return ipc_request_new(fs->chan, type, 0);
}

void
front_client_frame(struct front *fs, struct fclient *fc)
{
	struct msg_out	 o;
	char		 why[MSG_ERRLEN], err[MSG_ERRLEN];
	uint32_t	 type, reqid;
	int		 rv;

	fc->started_us = front_now_us();
	rv = front_session_request(&fc->s, fc->rx.buf, fc->rx.len, &o,
	    front_newreq, fs, why, sizeof(why));
	/* The client's bytes (maybe a seed) are not needed any more. */
	front_rx_reset(&fc->rx);
	if (rv < 0 && fc->s.preqid != 0) {
		ipc_request_forget(fs->chan, fc->s.preqid);
		fc->s.preqid = 0;
	}
	switch (rv) {
	case FSR_DROP:
		front_client_drop(fs, fc, FDROP_MALFORMED, "%s", why);
		return;
	case FSR_VIOLATION:
		front_client_drop(fs, fc, FDROP_PROTOCOL, "%s", why);
		return;
	case FSR_ANSWER:
	case FSR_ANSWER_CLOSE:
		front_metrics_request(&fs->metrics, fc->apix, fc->s.type,
		    fc->s.answered, front_now_us() - fc->started_us);
		fc->s.type = 0;
		front_client_send(fs, fc, &o, rv == FSR_ANSWER_CLOSE);
		return;
	}
	type = fc->s.type;
	if (ipc_queue(fs->chan, &o, -1, err, sizeof(err)) == -1) {
		/*
		 * Only a parent that stopped reading fills the queue; this
		 * request is refused, the others are served as before.
		 */
		log_warnx("client %s: %s not relayed: %s", fc->peer,
		    msg_type_name(fc->s.ptype), err);
		msg_out_free(&o);
		ipc_request_forget(fs->chan, fc->s.preqid);
		reqid = fc->s.reqid;
		fc->s.reqid = fc->s.preqid = fc->s.ptype = fc->s.type = 0;
		if (type == WIRE_HELLO)
			fc->s.hello = 3;	/* the session never starts */
		if (front_session_error(&o, reqid, WIRE_ERR_INTERNAL,
		    "coordinator busy") == -1)
			fatalx("error frame: %s", o.err);
		front_metrics_request(&fs->metrics, fc->apix, type,
		    WIRE_ERR_INTERNAL, front_now_us() - fc->started_us);
		front_client_send(fs, fc, &o, type == WIRE_HELLO);
		return;
	}
	msg_out_free(&o);
	if (type == WIRE_HELLO)
		fc->told_parent = 1;
	/* The parent forgets the connection on its MESH_CERT. */
	if (type == WIRE_MESH_CERT)
		fc->told_parent = 0;
	fc->state = FC_PARENT;
	fc->deadline = front_now_ms() + FRONT_PARENT_MS;
}

/* Defaults of doc/PROTOCOL.md, and the test knobs. */
static void
front_setup(struct front *fs)
{
	const char	*v;
	char		*end;
	unsigned long	 n;
	int		 i;

	fs->api[FRONT_API_USER] = (struct front_api){ MSG_API_USER, "user",
	    WIRE_MAX_FRAME_USER, 30000, 30000 };
	fs->api[FRONT_API_MESH] = (struct front_api){ MSG_API_MESH, "mesh",
	    WIRE_MAX_FRAME_MESH, 10000, 10000 };
	fs->handshake_ms = FRONT_HANDSHAKE_MS;
	fs->maxclients = FRONT_MAXCLIENTS;
	fs->budget.max = FRONT_RX_BUDGET;
	if ((v = getenv("CONTRAST_TEST_CLIENT_TIMEOUT_MS")) != NULL &&
	    *v != '\0') {
		errno = 0;
		n = strtoul(v, &end, 10);
		if (errno != 0 || *end != '\0' || n < 50 || n > 10000)
			fatalx("CONTRAST_TEST_CLIENT_TIMEOUT_MS: want "
			    "50..10000");
		for (i = 0; i < FRONT_API_MAX; i++)
			fs->api[i].frame_ms = fs->api[i].idle_ms = n;
		fs->handshake_ms = n;
		log_warnx("test knob: client timeouts %lu ms", n);
	}
	if ((v = getenv("CONTRAST_TEST_MAX_CLIENTS")) != NULL && *v != '\0') {
		errno = 0;
		n = strtoul(v, &end, 10);
		if (errno != 0 || *end != '\0' || n < 1 ||
		    n > FRONT_MAXCLIENTS)
			fatalx("CONTRAST_TEST_MAX_CLIENTS: want 1..%d",
			    FRONT_MAXCLIENTS);
		fs->maxclients = n;
		log_warnx("test knob: at most %lu clients", n);
	}
}

void
front_main(int argc, char **argv, const char *chroot)
{
	static struct front	 fs;
	static struct pollfd	 pfd[FRONT_NPOLL];
	static int		 pidx[FRONT_NPOLL];
	static uint32_t		 pseq[FRONT_NPOLL];
	struct fclient		*fc;
	struct fprobe		*fp;
	char			 err[256];
	size_t			 i;
	uint64_t		 now;
	int			 n, k, timeout;

	log_init(1, 0);
	log_procinit(proc_name(PROC_FRONT));
	front_setup(&fs);
	/*
	 * TLS is set up before the sandbox: the key generation and
	 * OpenSSL's lazy loading of algorithms may touch files; after the
	 * filter only the RNG (getrandom) is left to it.
	 */
	if (OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1)
		fatalx("OpenSSL initialisation failed");
	if ((fs.ctx = tls_server_ctx_new(err, sizeof(err))) == NULL)
		fatalx("TLS: %s", err);
	fs.chan = coord_child_start(PROC_FRONT, argc, argv, chroot,
	    FRONT_NOFILE);
	fs.state = CHILD_RUNNING;
	for (i = 0; i < FRONT_MAXCLIENTS; i++)
		fs.clients[i].fd = -1;
	for (i = 0; i < FRONT_MAXPROBES; i++)
		fs.probes[i].fd = -1;

	for (;;) {
		now = front_now_ms();
		timeout = -1;
		front_client_timeouts(&fs, now, &timeout);
		front_probe_timeouts(&fs, now, &timeout);

		n = 0;
		pfd[n].fd = ipc_chan_fd(fs.chan);
		pfd[n].events = POLLIN | (ipc_pending(fs.chan) ? POLLOUT : 0);
		pidx[n++] = -1;
		/* Over the cap the API listeners still accept, to close. */
		pfd[n].fd = FRONT_FD_USER;
		pfd[n].events = POLLIN;
		pidx[n++] = -1;
		pfd[n].fd = FRONT_FD_MESH;
		pfd[n].events = POLLIN;
		pidx[n++] = -1;
		pfd[n].fd = FRONT_FD_PROBE;
		pfd[n].events = POLLIN;
		pidx[n++] = -1;
		for (i = 0; i < FRONT_MAXCLIENTS; i++) {
			fc = &fs.clients[i];
			if (fc->state == FC_FREE || fc->state == FC_PARENT)
				continue;
			pfd[n].fd = fc->fd;
			pfd[n].events = front_client_events(fc);
			pseq[n] = fc->seq;
			pidx[n++] = (int)i;
		}
		for (i = 0; i < FRONT_MAXPROBES; i++) {
			fp = &fs.probes[i];
			if ((pfd[n].events = front_probe_events(fp)) == 0)
				continue;
			pfd[n].fd = fp->fd;
			pidx[n++] = FRONT_MAXCLIENTS + (int)i;
		}

		if (poll(pfd, (nfds_t)n, timeout) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			if (ipc_dispatch(fs.chan, front_rules,
			    sizeof(front_rules) / sizeof(front_rules[0]),
			    &fs.state, &fs) == 0) {
				log_debug("parent closed the channel");
				exit(0);
			}
		/*
		 * Connections before the listeners, so that a slot freed and
		 * reused in this round never sees another client's events.
		 */
		for (k = 4; k < n; k++) {
			if (pidx[k] >= FRONT_MAXCLIENTS) {
				fp = &fs.probes[pidx[k] - FRONT_MAXCLIENTS];
				if (pfd[k].revents != 0)
					front_probe_io(&fs, fp);
				continue;
			}
			fc = &fs.clients[pidx[k]];
			if (fc->state == FC_FREE || fc->seq != pseq[k])
				continue;
			/* Bytes OpenSSL holds already: no event for them. */
			if (pfd[k].revents != 0 || (fc->state == FC_READ &&
			    SSL_has_pending(fc->ssl)))
				front_client_io(&fs, fc, pfd[k].revents);
		}
		if (pfd[1].revents != 0)
			front_client_accept(&fs, FRONT_FD_USER, FRONT_API_USER);
		if (pfd[2].revents != 0)
			front_client_accept(&fs, FRONT_FD_MESH, FRONT_API_MESH);
		if (pfd[3].revents != 0)
			front_probe_accept(&fs, FRONT_FD_PROBE);
		/* Requests go to the parent now, not after another poll;
		 * a POLLOUT wakeup (the queue was stuck) lands here too. */
		if (ipc_pending(fs.chan) && ipc_flush(fs.chan, err,
		    sizeof(err)) == -1)
			fatalx("channel to parent: %s", err);
	}
}
