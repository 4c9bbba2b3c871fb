/*
 * Channels: framed reads with fd passing, a write queue, the request
 * table for replies, and the dispatcher that applies a receiver's rule
 * table before any handler sees a message.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "log.h"

/* Room for a few fds so that a peer sending two is seen (and refused)
 * rather than silently truncated. */
#define IPC_CMSG_FDS	4

struct ipc_wbuf {
	TAILQ_ENTRY(ipc_wbuf)	 entry;
	uint8_t			*buf;
	size_t			 len;
	size_t			 off;
	int			 fd;
	int			 secret;
};

struct ipc_req {
	uint32_t		 reqid;
	uint32_t		 type;
	uint64_t		 gen;
};

struct ipc_chan {
	int			 fd;
	int			 peer;
	size_t			 maxlen;

	/* frame being read */
	uint8_t			 hdr[MSG_HDRLEN];
	size_t			 hdrfill;
	uint8_t			*frame;
	size_t			 framelen;
	size_t			 framefill;
	int			 rxfd;
	int			 passfds;	/* exact reads, fds allowed */

	/* read ahead (channels without fds): rbuf[roff..rlen) unread */
	uint8_t			*rbuf;
	size_t			 roff;
	size_t			 rlen;

	/* frame being dispatched (kept here so a fatal hook that unwinds
	 * leaves nothing unreachable: ipc_chan_free() cleans it) */
	struct msg		 cur;
	uint8_t			*curframe;
	size_t			 curlen;
	int			 curfd;
	int			 cursecret;
	int			 indispatch;

	TAILQ_HEAD(, ipc_wbuf)	 wq;
	size_t			 nq;
	size_t			 qbytes;

	uint8_t			 once[MSG_TYPE_MAX];
	struct ipc_req		*reqs;
	size_t			 nreqs;
	size_t			 reqcap;
	uint32_t		 nextreq;

	struct ipc_stats	 stats;
};

struct ipc_chan *
ipc_chan_new(int fd, int peer, size_t maxlen, char *err, size_t errlen)
{
	struct ipc_chan	*c;
	int		 fl;

	if (fd < 0 || peer < 0 || peer >= PROC_MAX) {
		seterr(err, errlen, "bad channel fd %d or peer %d", fd, peer);
		return NULL;
	}
	if (maxlen == 0 || maxlen > UINT32_MAX) {
		seterr(err, errlen, "bad channel frame limit %zu", maxlen);
		return NULL;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		seterr(err, errlen, "channel to %s: fcntl: %s", proc_name(peer),
		    strerror(errno));
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->rbuf = malloc(IPC_RBUF)) == NULL) {
		free(c);
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	c->fd = fd;
	c->peer = peer;
	c->maxlen = maxlen;
	c->rxfd = -1;
	c->curfd = -1;
	c->cur.fd = -1;
	c->cur.peer = -1;
	TAILQ_INIT(&c->wq);
	return c;
}

void
ipc_chan_pass_fds(struct ipc_chan *c)
{
	c->passfds = 1;
}

/* Forget the read-ahead bytes; they may have been part of a secret. */
static void
chan_rbuf_clear(struct ipc_chan *c)
{
	explicit_bzero(c->rbuf, c->rlen);
	c->roff = c->rlen = 0;
}

static void
wbuf_free(struct ipc_wbuf *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->secret)
		explicit_bzero(w->buf, w->len);
	free(w->buf);
	free(w);
}

/* Drop the frame being dispatched (after a handler, or on teardown). */
static void
chan_cur_release(struct ipc_chan *c)
{
	msg_clear(&c->cur);
	if (c->curframe != NULL) {
		if (c->cursecret)
			explicit_bzero(c->curframe, c->curlen);
		free(c->curframe);
		c->curframe = NULL;
	}
	if (c->curfd >= 0)
		close(c->curfd);
	c->curfd = -1;
	c->curlen = 0;
	c->cursecret = 0;
	c->indispatch = 0;
}

void
ipc_chan_free(struct ipc_chan *c)
{
	struct ipc_wbuf	*w;

	if (c == NULL)
		return;
	chan_cur_release(c);
	if (c->frame != NULL) {
		/* unknown type yet: treat the partial frame as secret */
		explicit_bzero(c->frame, c->framelen);
		free(c->frame);
	}
	if (c->rxfd >= 0)
		close(c->rxfd);
	chan_rbuf_clear(c);
	free(c->rbuf);
	while ((w = TAILQ_FIRST(&c->wq)) != NULL) {
		TAILQ_REMOVE(&c->wq, w, entry);
		wbuf_free(w);
	}
	free(c->reqs);
	close(c->fd);
	free(c);
}

int
ipc_chan_fd(const struct ipc_chan *c)
{
	return c->fd;
}

int
ipc_chan_peer(const struct ipc_chan *c)
{
	return c->peer;
}

const struct ipc_stats *
ipc_chan_stats(const struct ipc_chan *c)
{
	return &c->stats;
}

size_t
ipc_pending(const struct ipc_chan *c)
{
	return c->nq;
}

/*
 * One recvmsg into buf[len].  Returns bytes read, 0 on EOF, -1 for
 * EAGAIN, -2 with err on error, -3 when the peer reset the connection.
 * An fd is accepted only on an fd-passing channel, at the start of a
 * frame (the sender attaches it to the frame's first byte), and only
 * one; MSG_CTRUNC is an error.
 */
static ssize_t
chan_recv(struct ipc_chan *c, uint8_t *buf, size_t len, int atstart,
    char *err, size_t errlen)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int) * IPC_CMSG_FDS)];
	}		 cbuf;
	ssize_t		 n;
	size_t		 i, nfds;
	int		 fds[IPC_CMSG_FDS + 8], nf = 0, bad = 0;

	memset(&mh, 0, sizeof(mh));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = sizeof(cbuf.buf);
	do {
		n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return -1;
		/*
		 * The peer died with our frames unread in its socket (a
		 * child killed under load): that is its death, which the
		 * caller handles as such, not a protocol violation.
		 */
		if (errno == ECONNRESET)
			return -3;
		seterr(err, errlen, "recvmsg: %s", strerror(errno));
		return -2;
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS) {
			bad = 1;
			continue;
		}
		nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			int	 fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
			    sizeof(fd));
			if (nf < (int)(sizeof(fds) / sizeof(fds[0])))
				fds[nf++] = fd;
			else
				close(fd);
		}
	}
	if ((mh.msg_flags & MSG_CTRUNC) != 0 || bad || nf > 1 ||
	    (nf == 1 && (!c->passfds || !atstart || c->rxfd >= 0))) {
		for (i = 0; i < (size_t)nf; i++)
			close(fds[i]);
		seterr(err, errlen, "%s",
		    (mh.msg_flags & MSG_CTRUNC) ? "control data truncated "
		    "(MSG_CTRUNC)" : bad ? "unexpected control message" :
		    nf > 1 ? "more than one fd with a frame" :
		    !c->passfds ? "fd on a channel that carries none" :
		    "fd in the middle of a frame");
		return -2;
	}
	if (nf == 1)
		c->rxfd = fds[0];
	return n;
}

/*
 * chan_recv() into buf[len] for the frame reader: exactly on an
 * fd-passing channel; otherwise from the read-ahead bytes, refilled with
 * one recvmsg when empty (a big rest of a frame is read in place).
 */
static ssize_t
chan_read(struct ipc_chan *c, uint8_t *buf, size_t len, int atstart,
    char *err, size_t errlen)
{
	ssize_t	 n;

	if (c->passfds)
		return chan_recv(c, buf, len, atstart, err, errlen);
	if (c->roff == c->rlen) {
		if (len >= IPC_RBUF)
			return chan_recv(c, buf, len, 0, err, errlen);
		if ((n = chan_recv(c, c->rbuf, IPC_RBUF, 0, err, errlen)) <= 0)
			return n;
		c->roff = 0;
		c->rlen = (size_t)n;
	}
	n = (ssize_t)(c->rlen - c->roff < len ? c->rlen - c->roff : len);
	memcpy(buf, c->rbuf + c->roff, (size_t)n);
	c->roff += (size_t)n;
	if (c->roff == c->rlen)
		chan_rbuf_clear(c);
	return n;
}

/* A reset peer: drop what it half sent; it is gone, as at EOF. */
static int
chan_gone(struct ipc_chan *c)
{
	chan_rbuf_clear(c);
	if (c->frame != NULL) {
		explicit_bzero(c->frame, c->framelen);
		free(c->frame);
		c->frame = NULL;
	}
	c->hdrfill = 0;
	if (c->rxfd >= 0) {
		close(c->rxfd);
		c->rxfd = -1;
	}
	return IPC_EOF;
}

int
ipc_recv_frame(struct ipc_chan *c, uint8_t **frame, size_t *len, int *fd,
    char *err, size_t errlen)
{
	ssize_t	 n;
	size_t	 flen;

	for (;;) {
		if (c->frame == NULL) {
			n = chan_read(c, c->hdr + c->hdrfill,
			    MSG_HDRLEN - c->hdrfill, c->hdrfill == 0, err,
			    errlen);
			if (n == -1)
				return IPC_AGAIN;
			if (n == -2)
				return IPC_ERROR;
			if (n == -3)
				return chan_gone(c);
			if (n == 0) {
				if (c->hdrfill == 0)
					return IPC_EOF;
				seterr(err, errlen, "EOF in the middle of a "
				    "frame header (%zu of %d bytes)",
				    c->hdrfill, MSG_HDRLEN);
				return IPC_ERROR;
			}
			c->hdrfill += (size_t)n;
			if (c->hdrfill < MSG_HDRLEN)
				continue;
			/* the cap is checked before the allocation */
			if (msg_frame_len(c->hdr, c->maxlen, &flen, err,
			    errlen) == -1)
				return IPC_ERROR;
			if ((c->frame = malloc(flen)) == NULL) {
				seterr(err, errlen, "out of memory for a frame "
				    "of %zu bytes", flen);
				return IPC_ERROR;
			}
			c->stats.rx_alloc++;
			c->stats.rx_alloc_bytes += flen;
			c->framelen = flen;
			c->framefill = 0;
		}
		n = chan_read(c, c->frame + c->framefill,
		    c->framelen - c->framefill, 0, err, errlen);
		if (n == -1)
			return IPC_AGAIN;
		if (n == -2)
			return IPC_ERROR;
		if (n == -3)
			return chan_gone(c);
		if (n == 0) {
			seterr(err, errlen, "EOF in the middle of a frame "
			    "(%zu of %zu bytes)", c->framefill, c->framelen);
			return IPC_ERROR;
		}
		c->framefill += (size_t)n;
		if (c->framefill < c->framelen)
			continue;
		*frame = c->frame;
		*len = c->framelen;
		*fd = c->rxfd;
		c->frame = NULL;
		c->framelen = c->framefill = 0;
		c->hdrfill = 0;
		c->rxfd = -1;
		c->stats.frames_in++;
		return IPC_FRAME;
	}
}

static struct ipc_req *
req_find(struct ipc_chan *c, uint32_t reqid)
{
	size_t	 i;

	for (i = 0; i < c->nreqs; i++)
		if (c->reqs[i].reqid == reqid)
			return &c->reqs[i];
	return NULL;
}

static void
req_remove(struct ipc_chan *c, struct ipc_req *r)
{
	*r = c->reqs[--c->nreqs];
}

uint32_t
ipc_request_new(struct ipc_chan *c, uint32_t type, uint64_t gen)
{
	struct ipc_req	*v;
	size_t		 ncap;
	uint32_t	 id;

	if (c->nreqs >= IPC_MAXREQ)
		return 0;
	if (c->nreqs == c->reqcap) {
		ncap = c->reqcap == 0 ? 16 : c->reqcap * 2;
		if (ncap > IPC_MAXREQ)
			ncap = IPC_MAXREQ;
		if ((v = reallocarray(c->reqs, ncap, sizeof(*v))) == NULL)
			return 0;
		c->reqs = v;
		c->reqcap = ncap;
	}
	/* skip 0 and ids still outstanding after a wrap */
	do {
		id = ++c->nextreq;
	} while (id == 0 || req_find(c, id) != NULL);
	c->reqs[c->nreqs].reqid = id;
	c->reqs[c->nreqs].type = type;
	c->reqs[c->nreqs].gen = gen;
	c->nreqs++;
	return id;
}

int
ipc_request_forget(struct ipc_chan *c, uint32_t reqid)
{
	struct ipc_req	*r;

	if ((r = req_find(c, reqid)) == NULL)
		return -1;
	req_remove(c, r);
	return 0;
}

size_t
ipc_request_count(const struct ipc_chan *c)
{
	return c->nreqs;
}

const struct msg_rule *
ipc_check(struct ipc_chan *c, const struct msg_rule *rules, size_t nrules,
    uint32_t state, const struct msg *m, char *err, size_t errlen)
{
	const struct msg_rule	*r = NULL;
	const struct msg_typeinfo *ti;
	struct ipc_req		*req = NULL;
	size_t			 i;
	int			 known = 0, reply;

	if ((ti = msg_typeinfo(m->type)) == NULL || m->info != ti) {
		seterr(err, errlen, "unknown message type %u", m->type);
		return NULL;
	}
	for (i = 0; i < nrules; i++) {
		if (rules[i].type != m->type)
			continue;
		known = 1;
		if (rules[i].from == c->peer) {
			r = &rules[i];
			break;
		}
	}
	if (!known) {
		seterr(err, errlen, "not accepted by this receiver");
		return NULL;
	}
	if (r == NULL) {
		seterr(err, errlen, "wrong sender");
		return NULL;
	}
	if ((r->states & state) == 0) {
		seterr(err, errlen, "not permitted in state 0x%x", state);
		return NULL;
	}
	if (r->maxlen != 0 && m->len > r->maxlen) {
		seterr(err, errlen, "frame of %zu bytes over the %zu allowed",
		    m->len, r->maxlen);
		return NULL;
	}
	if (m->fd >= 0 && (r->flags & MSGF_FD) == 0) {
		seterr(err, errlen, "unexpected fd");
		return NULL;
	}
	if (m->fd < 0 && (r->flags & MSGF_FD) != 0) {
		seterr(err, errlen, "missing fd");
		return NULL;
	}
	if ((r->flags & MSGF_ONCE) != 0 && c->once[m->type]) {
		seterr(err, errlen, "once-only message repeated");
		return NULL;
	}
	reply = (r->flags & MSGF_REPLY) != 0 || (ti->flags & MSGT_REPLY) != 0;
	if (reply) {
		if ((req = req_find(c, m->reqid)) == NULL) {
			seterr(err, errlen, "reply to unknown request id %u",
			    m->reqid);
			return NULL;
		}
		/* MSGT_ANYREQ: a generic failure answering any request */
		if (req->type != ti->answers &&
		    (ti->flags & MSGT_ANYREQ) == 0) {
			seterr(err, errlen, "reply to request id %u, which was "
			    "%s", m->reqid, msg_type_name(req->type));
			return NULL;
		}
		if (req->gen != m->gen) {
			seterr(err, errlen, "reply gen %llu, request %u was "
			    "gen %llu", (unsigned long long)m->gen, m->reqid,
			    (unsigned long long)req->gen);
			return NULL;
		}
	}
	/* all checks passed: now record the side effects */
	if ((r->flags & MSGF_ONCE) != 0)
		c->once[m->type] = 1;
	if (req != NULL)
		req_remove(c, req);
	return r;
}

int
ipc_dispatch(struct ipc_chan *c, const struct msg_rule *rules, size_t nrules,
    const uint32_t *state, void *arg)
{
	const struct msg_rule	*r;
	struct msg		*m = &c->cur;
	char			 err[MSG_ERRLEN];
	uint8_t			*frame;
	size_t			 len;
	int			 fd, rv, n;

	if (c->indispatch)
		fatalx("%s: channel to %s re-entered", __func__,
		    proc_name(c->peer));
	for (n = 0; n < IPC_DISPATCH_BATCH; n++) {
		rv = ipc_recv_frame(c, &frame, &len, &fd, err, sizeof(err));
		if (rv == IPC_AGAIN)
			return 1;
		if (rv == IPC_EOF)
			return 0;
		if (rv == IPC_ERROR)
			fatalx("protocol violation from %s: frame: %s",
			    proc_name(c->peer), err);
		c->indispatch = 1;
		c->curframe = frame;
		c->curlen = len;
		c->curfd = fd;
		/* unknown until decoded: zero every frame that fails */
		c->cursecret = 1;
		if (msg_decode(m, msg_types, MSG_TYPE_MAX, frame, len, err,
		    sizeof(err)) == -1) {
			chan_cur_release(c);	/* zero, close the fd */
			fatalx("protocol violation from %s: %s: %s",
			    proc_name(c->peer), m->type != 0 ?
			    msg_type_name(m->type) : "frame", err);
		}
		m->fd = fd;
		if ((r = ipc_check(c, rules, nrules, *state, m, err,
		    sizeof(err))) == NULL) {
			chan_cur_release(c);
			fatalx("protocol violation from %s: %s: %s",
			    proc_name(c->peer), msg_type_name(m->type), err);
		}
		c->cursecret = m->secret || (r->flags & MSGF_SECRET) != 0;
		m->secret = c->cursecret;
		m->peer = c->peer;	/* fatal mode for the getters */
		c->curfd = -1;		/* the handler owns the fd now */
		r->handler(c, m, arg);
		/* a local bug, not the peer's: say so */
		if (m->pos != m->nfields)
			fatalx("%s: handler of %s left %u fields unread",
			    __func__, msg_type_name(m->type),
			    m->nfields - m->pos);
		chan_cur_release(c);
	}
	return 1;
}

int
ipc_queue(struct ipc_chan *c, struct msg_out *o, int fd, char *err,
    size_t errlen)
{
	struct ipc_wbuf	*w;

	if (!o->finished && msg_out_finish(o, err, errlen) == -1)
		goto fail;
	if (o->len > c->maxlen) {
		seterr(err, errlen, "%s: frame of %zu bytes over the channel "
		    "limit of %zu", o->name, o->len, c->maxlen);
		goto fail;
	}
	if (c->qbytes + MSG_HDRLEN + o->len > IPC_MAXQUEUED) {
		seterr(err, errlen, "%s: write queue to %s full (%zu bytes)",
		    o->name, proc_name(c->peer), c->qbytes);
		goto fail;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		seterr(err, errlen, "out of memory");
		goto fail;
	}
	w->buf = o->buf;
	w->len = MSG_HDRLEN + o->len;
	w->fd = fd;
	w->secret = o->secret;
	o->buf = NULL;
	o->len = 0;
	TAILQ_INSERT_TAIL(&c->wq, w, entry);
	c->nq++;
	c->qbytes += w->len;
	return 0;
 fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

int
ipc_flush(struct ipc_chan *c, char *err, size_t errlen)
{
	struct ipc_wbuf	*w;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cbuf;
	ssize_t		 n;

	while ((w = TAILQ_FIRST(&c->wq)) != NULL) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = w->buf + w->off;
		iov.iov_len = w->len - w->off;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if (w->fd >= 0) {
			/* the fd rides on the frame's first byte */
			memset(&cbuf, 0, sizeof(cbuf));
			mh.msg_control = cbuf.buf;
			mh.msg_controllen = sizeof(cbuf.buf);
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			memcpy(CMSG_DATA(cm), &w->fd, sizeof(int));
		}
		n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			seterr(err, errlen, "sendmsg to %s: %s",
			    proc_name(c->peer), strerror(errno));
			return -1;
		}
		if (w->fd >= 0) {
			close(w->fd);
			w->fd = -1;
		}
		w->off += (size_t)n;
		if (w->off < w->len)
			continue;
		TAILQ_REMOVE(&c->wq, w, entry);
		c->nq--;
		c->qbytes -= w->len;
		c->stats.frames_out++;
		wbuf_free(w);
	}
	return 1;
}

int
ipc_send(struct ipc_chan *c, struct msg_out *o, int fd, char *err,
    size_t errlen)
{
	struct pollfd	 pfd;
	int		 rv;

	if (ipc_queue(c, o, fd, err, errlen) == -1)
		return -1;
	while ((rv = ipc_flush(c, err, errlen)) == 0) {
		pfd.fd = c->fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR) {
			seterr(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
	}
	return rv == 1 ? 0 : -1;
}
