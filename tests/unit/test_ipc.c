/*
 * Unit tests for privsep/ipc.c below the dispatcher: the frame reader
 * (partial reads, limits checked before allocation, EOF), fd passing
 * (SCM_RIGHTS, CLOEXEC, extra fds, MSG_CTRUNC) and the write queue
 * (partial writes, channel cap, peer gone).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "tests/tap.h"

static char	 err[MSG_ERRLEN];

static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the DIR's own fd */
}

/* A channel reading sp[0] (peer front); the test writes raw bytes to *w. */
static struct ipc_chan *
pair(int *w, size_t maxlen)
{
	int		 sp[2];
	struct ipc_chan	*c;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1)
		return NULL;
	if ((c = ipc_chan_new(sp[0], PROC_FRONT, maxlen, err,
	    sizeof(err))) == NULL) {
		close(sp[0]);
		close(sp[1]);
		return NULL;
	}
	*w = sp[1];
	return c;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int
recv1(struct ipc_chan *c, uint8_t **f, size_t *len, int *fd)
{
	err[0] = '\0';
	*f = NULL;
	*fd = -1;
	return ipc_recv_frame(c, f, len, fd, err, sizeof(err));
}

/*
 * A peer killed with our frames unread in its socket resets the channel:
 * that is its death (IPC_EOF, handled as a lost child), not a protocol
 * violation, even with half a frame of its own already read.
 */
static void
test_reset(void)
{
	struct ipc_chan	*c;
	uint8_t		*f;
	size_t		 len;
	int		 sv[2], fd, rv;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return;
	c = ipc_chan_new(sv[0], PROC_FRONT, 1024, err, sizeof(err));
	/* We wrote to the peer; it never read; it sent half a frame. */
	if (write(sv[0], "unread", 6) != 6 ||
	    write(sv[1], "\0\0\0\x10\x94", 5) != 5)
		return;
	ok(recv1(c, &f, &len, &fd) == IPC_AGAIN, "reset: half a frame read");
	close(sv[1]);
	rv = recv1(c, &f, &len, &fd);
	ok(rv == IPC_EOF && f == NULL,
	    "reset by a dying peer with unread data: IPC_EOF, frame dropped "
	    "(%s)", err[0] ? err : "no error");
	ipc_chan_free(c);
}

static void
test_partial(void)
{
	struct ipc_chan	*c;
	struct msg_out	 o;
	struct msg	 m;
	uint8_t		*f;
	size_t		 len, i, total;
	int		 w, fd, rv = IPC_ERROR, again = 0, early = 0;
	uint32_t	 st;
	uint64_t	 gen;

	c = pair(&w, IPC_MAXLEN_DEFAULT);
	msg_out_init(&o, MSG_PARENT_STATUS_OK, 3, 8);
	msg_put_u32(&o, 2);
	msg_put_u64(&o, 8);
	msg_out_finish(&o, err, sizeof(err));
	total = MSG_HDRLEN + o.len;
	for (i = 0; i < total; i++) {
		if (write(w, o.buf + i, 1) != 1)
			break;
		rv = recv1(c, &f, &len, &fd);
		if (i + 1 < total) {
			if (rv == IPC_AGAIN)
				again++;
			else
				early++;
		}
	}
	ok(again == (int)total - 1 && early == 0,
	    "byte-by-byte: IPC_AGAIN for each of the first %zu bytes", total - 1);
	ok(rv == IPC_FRAME && len == o.len && fd == -1 &&
	    memcmp(f, o.buf + MSG_HDRLEN, len) == 0,
	    "byte-by-byte: the frame arrives whole on the last byte");
	ok(msg_decode(&m, msg_types, MSG_TYPE_MAX, f, len, err,
	    sizeof(err)) == 0 && msg_get_u32(&m, &st) == 0 && st == 2 &&
	    msg_get_u64(&m, &gen) == 0 && gen == 8 && msg_end(&m) == 0,
	    "and decodes");
	msg_clear(&m);
	free(f);
	ok(recv1(c, &f, &len, &fd) == IPC_AGAIN, "nothing more: IPC_AGAIN");
	ok(ipc_chan_stats(c)->frames_in == 1 &&
	    ipc_chan_stats(c)->rx_alloc == 1, "one frame, one allocation");
	close(w);
	ok(recv1(c, &f, &len, &fd) == IPC_EOF, "EOF at a frame boundary");
	msg_out_free(&o);
	ipc_chan_free(c);
	test_reset();
}

static void
test_limits(void)
{
	struct ipc_chan	*c;
	uint8_t		*buf, *f, hdr[MSG_HDRLEN];
	size_t		 max = IPC_MAXLEN_DEFAULT, len;
	int		 w, fd;

	/* exactly the channel maximum (the reader does not decode) */
	c = pair(&w, max);
	buf = calloc(1, MSG_HDRLEN + max + 1);
	put_be32(buf, max);
	memset(buf + MSG_HDRLEN, 0xa5, max);
	ok(write(w, buf, MSG_HDRLEN + max) == (ssize_t)(MSG_HDRLEN + max),
	    "wrote a frame of exactly %zu bytes", max);
	ok(recv1(c, &f, &len, &fd) == IPC_FRAME && len == max &&
	    f[0] == 0xa5 && f[max - 1] == 0xa5, "exact-max frame passes");
	free(f);
	ok(ipc_chan_stats(c)->rx_alloc_bytes == max, "allocated exactly "
	    "the frame");
	ipc_chan_free(c);
	close(w);

	/* max + 1: refused on the header, nothing allocated */
	c = pair(&w, max);
	put_be32(buf, max + 1);
	ok(write(w, buf, MSG_HDRLEN + max + 1) > 0, "wrote max+1");
	ok(recv1(c, &f, &len, &fd) == IPC_ERROR &&
	    strstr(err, "65537 over the limit of 65536") != NULL,
	    "max+1 frame refused: %s", err);
	ok(ipc_chan_stats(c)->rx_alloc == 0 &&
	    ipc_chan_stats(c)->rx_alloc_bytes == 0,
	    "max+1: no frame buffer was allocated");
	ipc_chan_free(c);
	close(w);

	c = pair(&w, max);
	put_be32(hdr, UINT32_MAX);
	ok(write(w, hdr, sizeof(hdr)) == sizeof(hdr) &&
	    recv1(c, &f, &len, &fd) == IPC_ERROR &&
	    ipc_chan_stats(c)->rx_alloc == 0,
	    "length 2^32-1 refused without allocation");
	ipc_chan_free(c);
	close(w);

	c = pair(&w, max);
	put_be32(hdr, 0);
	ok(write(w, hdr, sizeof(hdr)) == sizeof(hdr) &&
	    recv1(c, &f, &len, &fd) == IPC_ERROR &&
	    strcmp(err, "frame length 0") == 0, "length 0 refused");
	ipc_chan_free(c);
	close(w);

	/* EOF in the middle of a frame and of a header */
	c = pair(&w, max);
	put_be32(buf, 10);
	ok(write(w, buf, MSG_HDRLEN + 5) == MSG_HDRLEN + 5, "half a frame");
	ok(recv1(c, &f, &len, &fd) == IPC_AGAIN, "waits for the rest");
	close(w);
	ok(recv1(c, &f, &len, &fd) == IPC_ERROR &&
	    strcmp(err, "EOF in the middle of a frame (5 of 10 bytes)") == 0,
	    "EOF mid-frame is an error: %s", err);
	ipc_chan_free(c);

	c = pair(&w, max);
	ok(write(w, buf, 2) == 2, "half a header");
	close(w);
	ok(recv1(c, &f, &len, &fd) == IPC_ERROR &&
	    strstr(err, "frame header (2 of 4 bytes)") != NULL,
	    "EOF mid-header is an error: %s", err);
	ipc_chan_free(c);
	free(buf);

	ok(ipc_chan_new(-1, PROC_CA, 10, err, sizeof(err)) == NULL,
	    "bad fd refused");
	ok(ipc_chan_new(0, PROC_MAX, 10, err, sizeof(err)) == NULL,
	    "bad peer refused");
}

/* Send len bytes with nfds copies of fd attached. */
static ssize_t
send_fds(int s, const void *buf, size_t len, int fd, int nfds)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int) * 16)];
	}		 cbuf;
	int		 i;

	memset(&mh, 0, sizeof(mh));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	for (i = 0; i < nfds; i++)
		memcpy(CMSG_DATA(cm) + i * sizeof(int), &fd, sizeof(int));
	return sendmsg(s, &mh, 0);
}

static void
test_fds(void)
{
	struct ipc_chan	*tx, *rx;
	struct msg_out	 o;
	uint8_t		*f, frame[MSG_HDRLEN + 6];
	size_t		 len;
	int		 sp[2], p[2], fd, w, before, flags;
	char		 c;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp);
	tx = ipc_chan_new(sp[0], PROC_PARENT, IPC_MAXLEN_DEFAULT, err,
	    sizeof(err));
	rx = ipc_chan_new(sp[1], PROC_FRONT, IPC_MAXLEN_DEFAULT, err,
	    sizeof(err));
	ipc_chan_pass_fds(rx);
	if (pipe(p) == -1)
		return;
	fd = dup(p[0]);		/* the channel closes what it sent */
	before = count_fds();
	msg_out_init(&o, MSG_PARENT_SELFTEST_REQ, 0, 0);
	msg_put_u32(&o, 1);
	ok(ipc_send(tx, &o, fd, err, sizeof(err)) == 0, "sent with an fd");
	ok(count_fds() == before - 1, "the sender closed its copy once sent");
	ok(recv1(rx, &f, &len, &fd) == IPC_FRAME && fd >= 0,
	    "frame received with an fd");
	flags = fd >= 0 ? fcntl(fd, F_GETFD) : -1;
	ok(flags != -1 && (flags & FD_CLOEXEC), "received fd is close-on-exec");
	ok(write(p[1], "Z", 1) == 1 && read(fd, &c, 1) == 1 && c == 'Z',
	    "received fd is the pipe that was sent");
	close(fd);
	free(f);
	msg_out_free(&o);
	ipc_chan_free(tx);

	/* two fds with one frame: refused, both closed */
	w = -1;
	ipc_chan_free(rx);
	rx = pair(&w, IPC_MAXLEN_DEFAULT);
	ipc_chan_pass_fds(rx);
	put_be32(frame, 6);
	memcpy(frame + MSG_HDRLEN, "\x94\x01\x00\x00\x90\xc0", 6);
	before = count_fds();
	ok(send_fds(w, frame, sizeof(frame), p[0], 2) ==
	    (ssize_t)sizeof(frame), "sent a frame with two fds");
	ok(recv1(rx, &f, &len, &fd) == IPC_ERROR &&
	    strcmp(err, "more than one fd with a frame") == 0,
	    "two fds refused: %s", err);
	ok(count_fds() == before, "and both received fds were closed");
	ipc_chan_free(rx);
	close(w);

	/* more fds than the control buffer holds: MSG_CTRUNC */
	rx = pair(&w, IPC_MAXLEN_DEFAULT);
	ipc_chan_pass_fds(rx);
	before = count_fds();
	ok(send_fds(w, frame, sizeof(frame), p[0], 12) ==
	    (ssize_t)sizeof(frame), "sent a frame with twelve fds");
	ok(recv1(rx, &f, &len, &fd) == IPC_ERROR &&
	    strstr(err, "MSG_CTRUNC") != NULL, "MSG_CTRUNC is an error: %s",
	    err);
	ok(count_fds() == before, "no fd left open after MSG_CTRUNC");
	ipc_chan_free(rx);
	close(w);

	/* an fd riding on the middle of a frame */
	rx = pair(&w, IPC_MAXLEN_DEFAULT);
	ipc_chan_pass_fds(rx);
	before = count_fds();
	ok(write(w, frame, MSG_HDRLEN) == MSG_HDRLEN &&
	    recv1(rx, &f, &len, &fd) == IPC_AGAIN, "header alone");
	ok(send_fds(w, frame + MSG_HDRLEN, 6, p[0], 1) == 6 &&
	    recv1(rx, &f, &len, &fd) == IPC_ERROR &&
	    strcmp(err, "fd in the middle of a frame") == 0,
	    "fd not at the start of a frame refused");
	ok(count_fds() == before, "and closed");
	ipc_chan_free(rx);
	close(w);

	/* a channel that reads ahead carries no fds at all */
	rx = pair(&w, IPC_MAXLEN_DEFAULT);
	before = count_fds();
	ok(send_fds(w, frame, sizeof(frame), p[0], 1) ==
	    (ssize_t)sizeof(frame) && recv1(rx, &f, &len, &fd) == IPC_ERROR &&
	    strcmp(err, "fd on a channel that carries none") == 0,
	    "fd on a read-ahead channel refused: %s", err);
	ok(count_fds() == before, "and closed");
	ipc_chan_free(rx);
	close(w);
	close(p[0]);
	close(p[1]);
}

/* Read-ahead: several frames per recvmsg, split anywhere, big ones too. */
static void
test_readahead(void)
{
	struct ipc_chan		*rx;
	const struct ipc_stats	*st;
	struct msg_out		 o;
	uint8_t			*f, *stream, *big;
	size_t			 len, biglen = 3 * IPC_RBUF, off, n, i, bn;
	size_t			 ends[9];
	int			 w, fd, rv, frames = 0, bad = 0;

	if ((big = calloc(1, biglen)) == NULL ||
	    (stream = malloc(8 * (MSG_HDRLEN + 64) + MSG_HDRLEN + biglen +
	    64)) == NULL)
		abort();
	memset(big, 0x5a, biglen);
	/* seven small frames, one bigger than the read-ahead, one small */
	for (off = 0, i = 0; i < 9; i++) {
		msg_out_init(&o, i == 7 ? MSG_PARENT_SET_MANIFEST_OK :
		    MSG_FRONT_CONN_CLOSED, (uint32_t)i, 0);
		if (i == 7) {
			msg_put_u32(&o, 7);
			msg_put_str(&o, "x");
			msg_put_str(&o, "y");
			msg_put_bin(&o, big, biglen);
		} else
			msg_put_u32(&o, (uint32_t)i);
		if (msg_out_finish(&o, err, sizeof(err)) == -1)
			abort();
		memcpy(stream + off, o.buf, MSG_HDRLEN + o.len);
		off += MSG_HDRLEN + o.len;
		ends[i] = off;
		msg_out_free(&o);
	}
	rx = pair(&w, IPC_MAXLEN_FRONT);
	/* one write for all: the reader takes them from its read-ahead */
	for (n = 0; n < off; n += (size_t)rv)
		if ((rv = (int)write(w, stream + n, off - n)) <= 0)
			abort();
	while ((rv = recv1(rx, &f, &len, &fd)) == IPC_FRAME) {
		bn = frames == 7 ? biglen : 0;
		if (fd != -1 || (bn != 0 && (len < bn ||
		    memcmp(f + len - bn, big, bn) != 0)))
			bad++;
		frames++;
		free(f);
	}
	st = ipc_chan_stats(rx);
	ok(rv == IPC_AGAIN && frames == 9 && bad == 0 &&
	    st->frames_in == 9, "nine frames, one over the read-ahead, "
	    "from one write (%d, %d bad)", frames, bad);
	ipc_chan_free(rx);
	close(w);

	/* byte by byte, then EOF in the middle of a frame */
	rx = pair(&w, IPC_MAXLEN_FRONT);
	frames = 0;
	for (n = 0; n < ends[1] + 2; n++) {
		if (write(w, stream + n, 1) != 1)
			abort();
		while ((rv = recv1(rx, &f, &len, &fd)) == IPC_FRAME) {
			frames++;
			free(f);
		}
		if (rv != IPC_AGAIN)
			break;
	}
	close(w);
	rv = recv1(rx, &f, &len, &fd);
	ok(frames == 2 && rv == IPC_ERROR && strstr(err, "EOF in the "
	    "middle of a frame header (2 of 4 bytes)") != NULL,
	    "byte by byte: two frames, then EOF mid-header: %s", err);
	ipc_chan_free(rx);
	free(stream);
	free(big);
}

static void
test_writes(void)
{
	struct ipc_chan	*tx, *rx;
	struct msg_out	 o;
	static const struct msg_typeinfo tab[] = {
		[1] = { "T_BIG", 1, IPC_MAXLEN_FRONT, 0, 0 },
	};
	uint8_t		*big, *f = NULL;
	size_t		 n = IPC_MAXLEN_FRONT - 16, len = 0;
	int		 sp[2], sz = 4096, fd, rv, flushes = 0, rounds = 0;
	int		 got = 0;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp);
	setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sp[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	tx = ipc_chan_new(sp[0], PROC_FRONT, IPC_MAXLEN_FRONT, err,
	    sizeof(err));
	rx = ipc_chan_new(sp[1], PROC_PARENT, IPC_MAXLEN_FRONT, err,
	    sizeof(err));
	big = malloc(n);
	memset(big, 0x3c, n);
	msg_out_init_table(&o, tab, 2, 0, 1, 0, 0);
	msg_put_bin(&o, big, n);
	err[0] = '\0';
	ok(ipc_queue(tx, &o, -1, err, sizeof(err)) == 0 && o.buf == NULL &&
	    ipc_pending(tx) == 1, "a big frame queued: %s", err);
	/* interleave partial writes and partial reads in one thread */
	while (rounds++ < 100000 && !got) {
		if ((rv = ipc_flush(tx, err, sizeof(err))) == 0)
			flushes++;
		else if (rv == -1)
			break;
		if (recv1(rx, &f, &len, &fd) == IPC_FRAME)
			got = 1;
	}
	ok(got && flushes > 1, "frame of %zu bytes crossed a 4 KiB socket "
	    "buffer in %d partial writes", len, flushes);
	ok(got && len > n && memcmp(f + len - n, big, n) == 0,
	    "content intact");
	ok(ipc_pending(tx) == 0 && ipc_chan_stats(tx)->frames_out == 1,
	    "write queue drained");
	free(f);
	msg_out_free(&o);

	/* a frame over the channel cap is not queued */
	ipc_chan_free(rx);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp);
	rx = ipc_chan_new(sp[0], PROC_CA, 100, err, sizeof(err));
	msg_out_init_table(&o, tab, 2, 0, 1, 0, 0);
	msg_put_bin(&o, big, 200);
	ok(ipc_queue(rx, &o, -1, err, sizeof(err)) == -1 &&
	    strstr(err, "over the channel limit of 100") != NULL &&
	    ipc_pending(rx) == 0, "frame over the channel cap refused: %s",
	    err);
	msg_out_free(&o);

	/* a peer that never reads: the queue is bounded */
	{
		int	 queued = 0, full = 0;

		while (queued < 1000 && !full) {
			msg_out_init_table(&o, tab, 2, 0, 1, 0, 0);
			msg_put_bin(&o, big, 64 * 1024);
			if (ipc_queue(tx, &o, -1, err, sizeof(err)) == 0)
				queued++;
			else
				full = 1;
			msg_out_free(&o);
		}
		/* each frame: 4 + envelope 5 + bin32 header 5 + 65536 */
		ok(full && (size_t)queued * 65550 <= IPC_MAXQUEUED &&
		    (size_t)(queued + 1) * 65550 > IPC_MAXQUEUED &&
		    strstr(err, "write queue to front full") != NULL,
		    "write queue bounded at %d frames of 64 KiB: %s", queued,
		    err);
	}

	/* peer gone: an error, not SIGPIPE */
	close(sp[1]);
	msg_out_init(&o, MSG_CA_READY, 0, 0);
	ok(ipc_send(rx, &o, -1, err, sizeof(err)) == -1 &&
	    strstr(err, "sendmsg to ca") != NULL, "send to a closed peer "
	    "fails: %s", err);
	msg_out_free(&o);

	ipc_chan_free(rx);
	ipc_chan_free(tx);
	free(big);
}

static void
test_requests(void)
{
	struct ipc_chan	*c;
	int		 sp[2], i, fail = 0;
	uint32_t	 a, b, id;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp);
	c = ipc_chan_new(sp[0], PROC_PARENT, 100, err, sizeof(err));
	a = ipc_request_new(c, MSG_FRONT_STATUS_REQ, 1);
	b = ipc_request_new(c, MSG_FRONT_STATUS_REQ, 1);
	ok(a != 0 && b != 0 && a != b && ipc_request_count(c) == 2,
	    "request ids are fresh and non-zero");
	ok(ipc_request_forget(c, a) == 0 && ipc_request_forget(c, a) == -1 &&
	    ipc_request_count(c) == 1, "forget once");
	for (i = 1; i < IPC_MAXREQ; i++)
		if ((id = ipc_request_new(c, MSG_FRONT_STATUS_REQ, 1)) == 0)
			fail++;
	ok(fail == 0 && ipc_request_count(c) == IPC_MAXREQ &&
	    ipc_request_new(c, MSG_FRONT_STATUS_REQ, 1) == 0,
	    "the request table is bounded at %d", IPC_MAXREQ);
	ipc_chan_free(c);
	close(sp[1]);
}

int
main(void)
{
	test_partial();
	test_limits();
	test_fds();
	test_readahead();
	test_writes();
	test_requests();
	return tap_done();
}
