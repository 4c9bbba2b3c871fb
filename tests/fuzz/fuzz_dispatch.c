/*
 * libFuzzer harness for the fatal receiver path: the input (after one
 * configuration byte) is written to a socketpair and read by a channel
 * with ipc_dispatch() against a receiver table whose handlers use the
 * getters.  fatal() is turned into a longjmp back here through
 * log_fatal_hook; the channel keeps everything it allocated reachable, so
 * ipc_chan_free() afterwards leaves no leak.
 *
 * Config byte: bits 0-1 peer, bits 2-3 receiver state, bit 4 attach an
 * fd to the first frame.
 */
#include "config.h"

#include <sys/socket.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "log.h"

#define S_START	0x1
#define S_RUN	0x2

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static jmp_buf	 fuzz_jb;

static void
fuzz_fatal(void)
{
	longjmp(fuzz_jb, 1);
}

static void
h_ready(struct ipc_chan *c, struct msg *m, void *arg)
{
	uint32_t	*state = arg;

	msg_end(m);
	*state = S_RUN;
}

static void
h_status(struct ipc_chan *c, struct msg *m, void *arg)
{
	uint32_t	 st;
	uint64_t	 gen;

	msg_get_u32(m, &st);
	msg_get_u64(m, &gen);
	msg_end(m);
}

static void
h_u32(struct ipc_chan *c, struct msg *m, void *arg)
{
	uint32_t	 v;

	/* close first: a getter failing below does not return */
	if (m->fd >= 0)
		close(m->fd);
	msg_get_u32(m, &v);
	msg_end(m);
}

static void
h_empty(struct ipc_chan *c, struct msg *m, void *arg)
{
	msg_end(m);
}

static const struct msg_rule rules[] = {
	{ MSG_FRONT_READY, PROC_FRONT, S_START, MSGF_ONCE, 0, h_ready },
	{ MSG_CA_READY, PROC_CA, S_START, MSGF_ONCE, 0, h_ready },
	{ MSG_VERIFIER_READY, PROC_VERIFIER, S_START, MSGF_ONCE, 0, h_ready },
	{ MSG_FRONT_STATUS_REQ, PROC_FRONT, S_RUN, 0, 0, h_empty },
	{ MSG_PARENT_STATUS_OK, PROC_PARENT, S_RUN, MSGF_REPLY, 0, h_status },
	{ MSG_PARENT_SHUTDOWN, PROC_PARENT, S_START | S_RUN, MSGF_ONCE, 0,
	    h_empty },
	{ MSG_PARENT_SELFTEST_REQ, PROC_PARENT, S_RUN, MSGF_FD | MSGF_SECRET,
	    0, h_u32 },
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(1, 0);
	log_procinit("fuzz");
	log_fatal_hook = fuzz_fatal;
	return 0;
}

static void
send_input(int s, const uint8_t *data, size_t size, int withfd)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cbuf;
	ssize_t		 n;
	int		 fd = -1;

	if (size == 0)
		return;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = (void *)data;
	iov.iov_len = size;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (withfd && (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1) {
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	n = sendmsg(s, &mh, MSG_NOSIGNAL);
	if (fd != -1)
		close(fd);
	if (n > 0 && (size_t)n < size)
		abort();	/* the socket buffer was sized for it */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static volatile uint32_t state;
	struct ipc_chan	*volatile c = NULL;
	char		 err[MSG_ERRLEN];
	int		 sp[2], bufsz = 1 << 20, cfg;
	uint32_t	 st[] = { S_START, S_RUN, S_START | S_RUN, 0 };

	if (size < 1 || size > 256 * 1024)
		return 0;
	cfg = data[0];
	data++;
	size--;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1)
		return 0;
	setsockopt(sp[1], SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	setsockopt(sp[0], SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	send_input(sp[1], data, size, (cfg >> 4) & 1);
	close(sp[1]);
	if ((c = ipc_chan_new(sp[0], cfg & 3, 65536, err, sizeof(err))) ==
	    NULL) {
		close(sp[0]);
		return 0;
	}
	/* both readers: exact with fds, or read-ahead refusing them */
	if ((cfg >> 5) & 1)
		ipc_chan_pass_fds(c);
	/* two outstanding requests so that replies can be valid */
	ipc_request_new(c, MSG_FRONT_STATUS_REQ, 0);
	ipc_request_new(c, MSG_FRONT_STATUS_REQ, 1);
	state = st[(cfg >> 2) & 3];
	if (setjmp(fuzz_jb) == 0) {
		/* all input is queued and the writer closed: runs to EOF */
		(void)ipc_dispatch(c, rules, sizeof(rules) / sizeof(rules[0]),
		    (const uint32_t *)&state, (void *)&state);
	}
	ipc_chan_free(c);
	return 0;
}
