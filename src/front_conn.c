/*
 * Client connections of the user (1313) and mesh (7777) APIs: accept
 * with the cap, the non-blocking TLS 1.3 state machine (handshake, frame
 * reading, answer writing), deadlines, and closing.  Every problem a
 * client causes ends here in one log line
 *	front: client 10.0.0.7:41234: dropped: <why>
 * and the loss of that connection only.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>

#include <openssl/err.h>

#include "coordinator.h"
#include "front.h"
#include "ipc.h"
#include "log.h"
#include "tls.h"

#define FRONT_SLOT_MASK	((1u << FRONT_SLOT_BITS) - 1)

static void	front_client_handshake(struct front *, struct fclient *);

uint64_t
front_now_us(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
front_now_ms(void)
{
	return front_now_us() / 1000;
}

/* "ip:port" or "[ip]:port" for logs, the bare IP for the parent. */
static void
front_peer(const struct sockaddr_storage *ss, char *peer, size_t peerlen,
    char *ip, size_t iplen)
{
	const struct sockaddr_in	*sin = (const void *)ss;
	const struct sockaddr_in6	*sin6 = (const void *)ss;
	char				 a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET &&
	    inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) != NULL)
		snprintf(peer, peerlen, "%s:%u", a, ntohs(sin->sin_port));
	else if (ss->ss_family == AF_INET6 &&
	    inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a)) != NULL)
		snprintf(peer, peerlen, "[%s]:%u", a, ntohs(sin6->sin6_port));
	else {
		snprintf(a, sizeof(a), "unknown");
		snprintf(peer, peerlen, "unknown");
	}
	snprintf(ip, iplen, "%s", a);
}

/*
 * A new non-blocking connection on listener lfd, or -1 (nothing to take,
 * or a client's own failure, logged).  A listener the parent gave us
 * must stay valid: anything else is fatal.
 */
int
front_accept(int lfd, struct sockaddr *sa, socklen_t *salen)
{
	int	 fd;

	if ((fd = accept4(lfd, sa, salen, SOCK_NONBLOCK | SOCK_CLOEXEC)) !=
	    -1)
		return fd;
	if (errno == EBADF || errno == ENOTSOCK || errno == EINVAL)
		fatal("accept on fd %d", lfd);
	if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
		log_warn("accept");
	return -1;
}

void
front_client_accept(struct front *fs, int lfd, int apix)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	struct fclient		*fc;
	size_t			 i;
	uint32_t		 seq;
	int			 fd;

	memset(&ss, 0, sizeof(ss));
	if ((fd = front_accept(lfd, (struct sockaddr *)&ss, &sl)) == -1)
		return;
	if (fs->nclients >= fs->maxclients) {
		/* Over the cap: a clean refusal costs one fd for a moment. */
		close(fd);
		fs->metrics.refused++;
		if (!fs->capped)
			log_warnx("connection cap of %zu reached: closing new "
			    "clients at once", fs->maxclients);
		fs->capped = 1;
		fs->refused_burst++;
		return;
	}
	if (fs->capped) {
		log_warnx("connection cap: %llu clients refused in that burst",
		    (unsigned long long)fs->refused_burst);
		fs->capped = 0;
		fs->refused_burst = 0;
	}
	for (i = 0; i < FRONT_MAXCLIENTS; i++)
		if (fs->clients[i].state == FC_FREE)
			break;
	if (i == FRONT_MAXCLIENTS)
		fatalx("client table full below the cap");
	fc = &fs->clients[i];
	seq = fc->seq + 1;
	if (seq > (UINT32_MAX >> FRONT_SLOT_BITS))
		seq = 1;
	memset(fc, 0, sizeof(*fc));
	fc->seq = seq;
	fc->fd = fd;
	fc->apix = apix;
	fc->s.api = fs->api[apix].api;
	fc->s.conn = (seq << FRONT_SLOT_BITS) | (uint32_t)i;
	front_peer(&ss, fc->peer, sizeof(fc->peer), fc->s.ip,
	    sizeof(fc->s.ip));
	front_rx_init(&fc->rx, &fs->budget);
	if ((fc->ssl = SSL_new(fs->ctx)) == NULL ||
	    SSL_set_fd(fc->ssl, fd) != 1) {
		ERR_clear_error();
		log_warnx("client %s: cannot set up TLS: out of memory",
		    fc->peer);
		SSL_free(fc->ssl);
		close(fd);
		memset(fc, 0, sizeof(*fc));
		fc->seq = seq;
		return;
	}
	SSL_set_accept_state(fc->ssl);
	fc->state = FC_HANDSHAKE;
	fc->deadline = front_now_ms() + fs->handshake_ms;
	fs->nclients++;
	fs->metrics.connections[apix]++;
	log_debug("client %s: accepted on the %s API (conn %u)", fc->peer,
	    fs->api[apix].name, fc->s.conn);
	/* The listener defers accept until the ClientHello is in. */
	front_client_handshake(fs, fc);
}

struct fclient *
front_client_find(struct front *fs, uint32_t conn)
{
	struct fclient	*fc = &fs->clients[conn & FRONT_SLOT_MASK];

	if ((conn & FRONT_SLOT_MASK) >= FRONT_MAXCLIENTS ||
	    fc->state == FC_FREE || fc->s.conn != conn)
		return NULL;
	return fc;
}

void
front_client_close(struct front *fs, struct fclient *fc)
{
	struct msg_out	 o;
	char		 err[MSG_ERRLEN];
	uint32_t	 seq = fc->seq;

	if (fc->state == FC_FREE)
		return;
	if (fc->ssl != NULL) {
		/* close_notify when the session got that far; best effort. */
		if (fc->state != FC_HANDSHAKE)
			(void)SSL_shutdown(fc->ssl);
		SSL_free(fc->ssl);
		ERR_clear_error();
	}
	close(fc->fd);
	if (fc->state == FC_PARENT && fc->s.preqid != 0)
		front_orphan(fs, fc->s.preqid);
	if (fc->told_parent) {
		if (msg_out_init(&o, MSG_FRONT_CONN_CLOSED, 0, 0) == -1 ||
		    msg_put_u32(&o, fc->s.conn) == -1 ||
		    ipc_queue(fs->chan, &o, -1, err, sizeof(err)) == -1)
			fatalx("CONN_CLOSED to parent: %s", o.err[0] != '\0' ?
			    o.err : err);
		msg_out_free(&o);
	}
	front_rx_reset(&fc->rx);
	msg_out_free(&fc->out);
	fs->metrics.connections[fc->apix]--;
	fs->nclients--;
	/* The exporter and everything else of the session. */
	explicit_bzero(fc, sizeof(*fc));
	fc->seq = seq;
	fc->fd = -1;
	fc->state = FC_FREE;
}

void
front_client_drop(struct front *fs, struct fclient *fc, enum front_drop why,
    const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("client %s: dropped: %s", fc->peer, msg);
	fs->metrics.dropped[why]++;
	front_client_close(fs, fc);
}

short
front_client_events(const struct fclient *fc)
{
	if (fc->state == FC_FREE || fc->state == FC_PARENT)
		return 0;
	return fc->want_write ? POLLOUT : POLLIN;
}

/* The last OpenSSL error as text (the error queue is cleared). */
static const char *
front_tls_error(char *buf, size_t len)
{
	unsigned long	 e;

	if ((e = ERR_peek_last_error()) == 0)
		snprintf(buf, len, "%s", errno != 0 ? strerror(errno) :
		    "connection closed");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

/*
 * After a failed TLS call: 1 when it only has to wait (poll direction
 * set), 0 when the peer closed cleanly, -1 on an error (*what).
 */
static int
front_tls_wait(struct fclient *fc, int ret, char *what, size_t whatlen)
{
	int	 e = SSL_get_error(fc->ssl, ret);

	switch (e) {
	case SSL_ERROR_WANT_READ:
		fc->want_write = 0;
		return 1;
	case SSL_ERROR_WANT_WRITE:
		fc->want_write = 1;
		return 1;
	case SSL_ERROR_ZERO_RETURN:
		ERR_clear_error();
		return 0;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0 && (errno == 0 ||
		    errno == ECONNRESET || errno == EPIPE)) {
			ERR_clear_error();
			return 0;	/* EOF or reset without close_notify */
		}
		break;
	case SSL_ERROR_SSL:
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
		if (ERR_GET_REASON(ERR_peek_error()) ==
		    SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			return 0;
		}
#endif
		break;
	}
	front_tls_error(what, whatlen);
	return -1;
}

static void
front_client_handshake(struct front *fs, struct fclient *fc)
{
	char	 what[256];
	int	 rc;

	errno = 0;
	if ((rc = SSL_accept(fc->ssl)) != 1) {
		switch (front_tls_wait(fc, rc, what, sizeof(what))) {
		case 1:
			return;
		case 0:
			/* A port scan or TCP probe: not worth a warning. */
			log_debug("client %s: closed during the TLS handshake",
			    fc->peer);
			front_client_close(fs, fc);
			return;
		default:
			front_client_drop(fs, fc, FDROP_HANDSHAKE,
			    "TLS handshake: %s", what);
			return;
		}
	}
	if (tls_exporter(fc->ssl, fc->s.exporter) == -1) {
		front_client_drop(fs, fc, FDROP_HANDSHAKE,
		    "TLS exporter unavailable");
		return;
	}
	fc->state = FC_READ;
	fc->want_write = 0;
	fc->deadline = front_now_ms() + fs->api[fc->apix].idle_ms;
}

static void
front_client_read(struct front *fs, struct fclient *fc)
{
	const struct front_api	*api = &fs->api[fc->apix];
	uint8_t			*p;
	size_t			 n, got;
	char			 what[256];
	int			 started, rc;

	/* Frame by frame, and never past the current one: the rest stays
	 * in OpenSSL until this request is answered. */
	while (fc->state == FC_READ) {
		if ((n = front_rx_space(&fc->rx, &p)) == 0)
			fatalx("client %s: no room in the frame", fc->peer);
		errno = 0;
		if ((rc = SSL_read_ex(fc->ssl, p, n, &got)) != 1) {
			switch (front_tls_wait(fc, rc, what, sizeof(what))) {
			case 1:
				return;
			case 0:
				if (front_rx_started(&fc->rx))
					front_client_drop(fs, fc, FDROP_IO,
					    "closed in the middle of a frame");
				else {
					log_debug("client %s: closed",
					    fc->peer);
					front_client_close(fs, fc);
				}
				return;
			default:
				front_client_drop(fs, fc, FDROP_IO, "TLS: %s",
				    what);
				return;
			}
		}
		started = front_rx_started(&fc->rx);
		rc = front_rx_advance(&fc->rx, got, api->maxframe, what,
		    sizeof(what));
		/* From the first byte on, the whole frame has a deadline. */
		if (!started)
			fc->deadline = front_now_ms() + api->frame_ms;
		switch (rc) {
		case FRX_MORE:
			break;
		case FRX_FRAME:
			front_client_frame(fs, fc);
			return;
		case FRX_BUDGET:
			front_client_drop(fs, fc, FDROP_BUDGET, "%s", what);
			return;
		default:
			front_client_drop(fs, fc, FDROP_BAD_LENGTH, "%s", what);
			return;
		}
	}
}

static void
front_client_write(struct front *fs, struct fclient *fc)
{
	size_t	 total = MSG_HDRLEN + fc->out.len, n;
	char	 what[256];
	int	 rc;

	while (fc->outoff < total) {
		errno = 0;
		if ((rc = SSL_write_ex(fc->ssl, fc->out.buf + fc->outoff,
		    total - fc->outoff, &n)) != 1) {
			switch (front_tls_wait(fc, rc, what, sizeof(what))) {
			case 1:
				return;
			case 0:
				front_client_drop(fs, fc, FDROP_IO,
				    "closed before reading the answer");
				return;
			default:
				front_client_drop(fs, fc, FDROP_IO, "TLS: %s",
				    what);
				return;
			}
		}
		fc->outoff += n;
		/* Progress: a slow reader gets another idle period. */
		fc->deadline = front_now_ms() + fs->api[fc->apix].idle_ms;
	}
	/* Zeroed when it carried a secret (MESH_CERT_OK). */
	msg_out_free(&fc->out);
	fc->outoff = 0;
	if (fc->close_after) {
		front_client_close(fs, fc);
		return;
	}
	fc->state = FC_READ;
	fc->want_write = 0;
	fc->deadline = front_now_ms() + fs->api[fc->apix].idle_ms;
}

void
front_client_send(struct front *fs, struct fclient *fc, struct msg_out *o,
    int close_after)
{
	char	 err[MSG_ERRLEN];

	if (msg_out_finish(o, err, sizeof(err)) == -1)
		fatalx("client %s: answer: %s", fc->peer, err);
	fc->out = *o;
	memset(o, 0, sizeof(*o));
	fc->outoff = 0;
	fc->close_after = close_after;
	fc->state = FC_WRITE;
	fc->want_write = 1;
	fc->deadline = front_now_ms() + fs->api[fc->apix].idle_ms;
	/* The socket nearly always takes the answer now: no poll round. */
	front_client_write(fs, fc);
}

void
front_client_io(struct front *fs, struct fclient *fc, short revents)
{
	switch (fc->state) {
	case FC_HANDSHAKE:
		front_client_handshake(fs, fc);
		break;
	case FC_READ:
		front_client_read(fs, fc);
		break;
	case FC_WRITE:
		front_client_write(fs, fc);
		break;
	default:
		break;
	}
}

void
front_client_timeouts(struct front *fs, uint64_t now, int *timeout)
{
	struct fclient	*fc;
	size_t		 i;
	uint64_t	 left;

	for (i = 0; i < FRONT_MAXCLIENTS; i++) {
		fc = &fs->clients[i];
		if (fc->state == FC_FREE)
			continue;
		if (now < fc->deadline) {
			left = fc->deadline - now;
			/* Bytes OpenSSL already holds need no poll. */
			if (fc->state == FC_READ && SSL_has_pending(fc->ssl))
				left = 0;
			if (*timeout == -1 || left < (uint64_t)*timeout)
				*timeout = (int)left;
			continue;
		}
		switch (fc->state) {
		case FC_HANDSHAKE:
			front_client_drop(fs, fc, FDROP_HANDSHAKE_TIMEOUT,
			    "TLS handshake not done within %llu ms",
			    (unsigned long long)fs->handshake_ms);
			break;
		case FC_READ:
			if (front_rx_started(&fc->rx))
				front_client_drop(fs, fc, FDROP_FRAME_TIMEOUT,
				    "frame not complete within %llu ms "
				    "(%zu of %zu bytes)",
				    (unsigned long long)
				    fs->api[fc->apix].frame_ms,
				    fc->rx.hdrlen < MSG_HDRLEN ? fc->rx.hdrlen :
				    MSG_HDRLEN + fc->rx.have,
				    MSG_HDRLEN + fc->rx.len);
			else
				front_client_drop(fs, fc, FDROP_IDLE_TIMEOUT,
				    "idle for %llu ms", (unsigned long long)
				    fs->api[fc->apix].idle_ms);
			break;
		case FC_PARENT:
			front_client_drop(fs, fc, FDROP_PARENT_TIMEOUT,
			    "no answer from the parent within %d ms",
			    FRONT_PARENT_MS);
			break;
		default:
			front_client_drop(fs, fc, FDROP_WRITE_TIMEOUT,
			    "answer not taken within %llu ms",
			    (unsigned long long)fs->api[fc->apix].idle_ms);
			break;
		}
	}
}
