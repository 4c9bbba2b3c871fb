/*
 * The probe port (9102, plain HTTP, probe.c's parser): /probe/startup
 * and /probe/liveness answer 200 from the front itself, /probe/readiness
 * asks the parent for its state per request (200 only with an active
 * manifest), /metrics is the parent's counters followed by the front's.
 * One request per connection, 5 s to send it, 32 connections; at the cap
 * a new client replaces the oldest one that only costs us waiting.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coordinator.h"
#include "front.h"
#include "ipc.h"
#include "log.h"

#define FRONT_DRAIN_MAX		(64 * 1024)	/* bytes discarded */
#define FRONT_PROBE_OUT		512		/* fixed answers */
#define FRONT_METRICS_OWN	(32 * 1024)	/* the front's own text */

static void
front_probe_close(struct fprobe *fp)
{
	close(fp->fd);
	free(fp->out);
	memset(fp, 0, sizeof(*fp));
	fp->fd = -1;
	fp->state = FP_FREE;
}

/* The response: header and body into a buffer of its own size. */
static void
front_probe_respond(struct fprobe *fp, int code, const char *body)
{
	size_t	 len = strlen(body) + FRONT_PROBE_OUT;
	int	 n;

	free(fp->out);
	if ((fp->out = malloc(len)) == NULL)
		fatal("probe response");
	if ((n = probe_response(fp->out, len, code, body)) < 0)
		fatalx("probe response does not fit");
	fp->outlen = (size_t)n;
	fp->outoff = 0;
	fp->state = FP_WRITE;
}

static void
front_probe_ask(struct front *fs, struct fprobe *fp, uint32_t type)
{
	struct msg_out	 o;
	char		 err[MSG_ERRLEN];

	if ((fp->reqid = ipc_request_new(fs->chan, type, 0)) == 0) {
		front_probe_respond(fp, 503, "busy\n");
		return;
	}
	if (msg_out_init(&o, type, fp->reqid, 0) == -1 ||
	    ipc_queue(fs->chan, &o, -1, err, sizeof(err)) == -1)
		fatalx("%s: %s", msg_type_name(type), o.err[0] != '\0' ?
		    o.err : err);
	msg_out_free(&o);
	fp->state = FP_PARENT;
}

static struct fprobe *
front_probe_waiting(struct front *fs, uint32_t reqid)
{
	size_t	 i;

	for (i = 0; i < FRONT_MAXPROBES; i++)
		if (fs->probes[i].state == FP_PARENT &&
		    fs->probes[i].reqid == reqid)
			return &fs->probes[i];
	return NULL;	/* the client gave up before the answer came */
}

void
front_probe_status(struct front *fs, uint32_t reqid, uint32_t state)
{
	struct fprobe	*fp;

	if ((fp = front_probe_waiting(fs, reqid)) == NULL)
		return;
	switch (state) {
	case COORD_STATE_READY:
		front_probe_respond(fp, 200, "ok\n");
		break;
	case COORD_STATE_RECOVERY:
		front_probe_respond(fp, 503, "needs recovery\n");
		break;
	default:
		front_probe_respond(fp, 503, "no manifest\n");
		break;
	}
}

void
front_probe_metrics(struct front *fs, uint32_t reqid, const char *parent)
{
	struct fprobe	*fp;
	size_t		 plen, len;
	char		*text;
	int		 n;

	if ((fp = front_probe_waiting(fs, reqid)) == NULL)
		return;
	plen = strlen(parent);
	len = plen + FRONT_METRICS_OWN;
	if ((text = malloc(len)) == NULL)
		fatal("metrics");
	memcpy(text, parent, plen);
	/* The parent's text ends in a newline unless it is empty. */
	if ((n = front_metrics_text(&fs->metrics, text + plen, len - plen)) ==
	    -1)
		fatalx("front metrics do not fit in %d bytes",
		    FRONT_METRICS_OWN);
	front_probe_respond(fp, 200, text);
	free(text);
}

static void
front_probe_read(struct front *fs, struct fprobe *fp)
{
	struct probe_req req;
	ssize_t		 n;
	int		 rc;

	n = read(fp->fd, fp->in + fp->inlen, sizeof(fp->in) - fp->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		front_probe_close(fp);
		return;
	}
	fp->inlen += (size_t)n;
	if ((rc = probe_parse(fp->in, fp->inlen, &req)) == PROBE_INCOMPLETE)
		return;
	if (rc == PROBE_BAD) {
		front_probe_respond(fp, 400, "bad request\n");
		return;
	}
	if (!req.get) {
		front_probe_respond(fp, 405, "method not allowed\n");
		return;
	}
	switch (req.path) {
	case PROBE_PATH_STARTUP:
	case PROBE_PATH_LIVENESS:
		/* We run, sandboxed, and serve: started and alive. */
		front_probe_respond(fp, 200, "ok\n");
		break;
	case PROBE_PATH_READINESS:
		front_probe_ask(fs, fp, MSG_FRONT_STATUS_REQ);
		break;
	case PROBE_PATH_METRICS:
		front_probe_ask(fs, fp, MSG_FRONT_METRICS_REQ);
		break;
	default:
		front_probe_respond(fp, 404, "not found\n");
		break;
	}
}

static void
front_probe_write(struct fprobe *fp)
{
	ssize_t	 n;

	n = write(fp->fd, fp->out + fp->outoff, fp->outlen - fp->outoff);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		front_probe_close(fp);
		return;
	}
	fp->outoff += (size_t)n;
	if (fp->outoff == fp->outlen) {
		/*
		 * Closing with unread input would reset the connection and
		 * could destroy the response before the client reads it
		 * (a 400 comes before the request ends): drain first.
		 */
		shutdown(fp->fd, SHUT_WR);
		free(fp->out);
		fp->out = NULL;
		fp->state = FP_DRAIN;
	}
}

static void
front_probe_drain(struct fprobe *fp)
{
	ssize_t	 n;

	n = read(fp->fd, fp->in, sizeof(fp->in));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0 && (fp->drained += (size_t)n) < FRONT_DRAIN_MAX)
		return;
	front_probe_close(fp);
}

void
front_probe_io(struct front *fs, struct fprobe *fp)
{
	switch (fp->state) {
	case FP_READ:
		front_probe_read(fs, fp);
		break;
	case FP_WRITE:
		front_probe_write(fp);
		break;
	case FP_DRAIN:
		front_probe_drain(fp);
		break;
	default:
		break;
	}
}

short
front_probe_events(const struct fprobe *fp)
{
	switch (fp->state) {
	case FP_READ:
	case FP_DRAIN:
		return POLLIN;
	case FP_WRITE:
		return POLLOUT;
	default:
		return 0;
	}
}

/* At the cap, the oldest connection that only costs us waiting goes. */
static struct fprobe *
front_probe_evict(struct front *fs)
{
	struct fprobe	*fp, *old = NULL;
	size_t		 i;

	for (i = 0; i < FRONT_MAXPROBES; i++) {
		fp = &fs->probes[i];
		if (fp->state != FP_READ && fp->state != FP_DRAIN)
			continue;
		if (old == NULL || fp->deadline < old->deadline)
			old = fp;
	}
	if (old != NULL)
		front_probe_close(old);
	return old;
}

void
front_probe_accept(struct front *fs, int lfd)
{
	struct fprobe	*fp;
	size_t		 i;
	int		 fd;

	if ((fd = front_accept(lfd, NULL, NULL)) == -1)
		return;
	for (i = 0; i < FRONT_MAXPROBES; i++)
		if (fs->probes[i].state == FP_FREE)
			break;
	if (i < FRONT_MAXPROBES)
		fp = &fs->probes[i];
	else if ((fp = front_probe_evict(fs)) == NULL) {
		close(fd);	/* every slot is busy answering */
		return;
	}
	memset(fp, 0, sizeof(*fp));
	fp->fd = fd;
	fp->state = FP_READ;
	fp->deadline = front_now_ms() + FRONT_PROBE_MS;
}

void
front_probe_timeouts(struct front *fs, uint64_t now, int *timeout)
{
	struct fprobe	*fp;
	size_t		 i;

	for (i = 0; i < FRONT_MAXPROBES; i++) {
		fp = &fs->probes[i];
		if (fp->state == FP_FREE)
			continue;
		if (now >= fp->deadline) {
			/* Too slow (or the answer never came). */
			front_probe_close(fp);
			continue;
		}
		if (*timeout == -1 || fp->deadline - now < (uint64_t)*timeout)
			*timeout = (int)(fp->deadline - now);
	}
}
