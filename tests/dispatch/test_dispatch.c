/*
 * Dispatch-table tests: for two test receivers ("parent" and "front"),
 * every message type x sender x receiver state is either handled or
 * fatal, and so are the once-only, request-id, fd, size and shape
 * violations.  Each case runs in a forked child with stderr on a pipe:
 * fatal means exit status 1 AND one line
 *	<receiver>: fatal: protocol violation from <peer>: <MSG_NAME>: <why>
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <msgpack.h>

#include "ipc.h"
#include "log.h"
#include "tests/tap.h"

#define S_START		0x1
#define S_RUN		0x2

#define T_UNKNOWN	250

static int	 handled;
static int	 lazy;		/* handlers leave a field unread */
static int	 fds_before;

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
	return n - 1;
}

static void
h_ready(struct ipc_chan *c, struct msg *m, void *arg)
{
	uint32_t	*state = arg;

	msg_end(m);
	*state = S_RUN;		/* the next frame sees the new state */
	handled++;
}

static void
h_empty(struct ipc_chan *c, struct msg *m, void *arg)
{
	msg_end(m);
	handled++;
}

static void
h_status(struct ipc_chan *c, struct msg *m, void *arg)
{
	uint32_t	 st;
	uint64_t	 gen;

	msg_get_u32(m, &st);
	if (!lazy)
		msg_get_u64(m, &gen);
	handled++;
}

static void
h_selftest(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct stat	 sb;
	uint32_t	 what;

	msg_get_u32(m, &what);
	msg_end(m);
	if (m->fd < 0 || fstat(m->fd, &sb) == -1)
		return;		/* not counted: the test fails */
	close(m->fd);
	handled++;
}

static const struct msg_rule parent_rules[] = {
	{ MSG_FRONT_READY, PROC_FRONT, S_START, MSGF_ONCE, 0, h_ready },
	{ MSG_CA_READY, PROC_CA, S_START, MSGF_ONCE, 0, h_ready },
	{ MSG_VERIFIER_READY, PROC_VERIFIER, S_START, MSGF_ONCE, 0, h_ready },
	{ MSG_FRONT_STATUS_REQ, PROC_FRONT, S_RUN, 0, 12, h_empty },
};

static const struct msg_rule front_rules[] = {
	{ MSG_PARENT_STATUS_OK, PROC_PARENT, S_RUN, MSGF_REPLY, 0, h_status },
	{ MSG_PARENT_SHUTDOWN, PROC_PARENT, S_START | S_RUN, MSGF_ONCE, 0,
	    h_empty },
	{ MSG_PARENT_SELFTEST_REQ, PROC_PARENT, S_RUN, MSGF_FD, 0,
	    h_selftest },
};

struct receiver {
	const char		*name;
	const struct msg_rule	*rules;
	size_t			 nrules;
};

static const struct receiver receivers[] = {
	{ "parent", parent_rules, sizeof(parent_rules) / sizeof(parent_rules[0]) },
	{ "front", front_rules, sizeof(front_rules) / sizeof(front_rules[0]) },
};

/* Frames to send: raw bytes, length prefixes included. */
struct frames {
	msgpack_sbuffer	 sb;
};

/*
 * Append one frame.  spec gives the body: u = u32 7, g = u64 (= gen),
 * s = str "abc", B = 2^40; '!' appends a nil after the envelope
 * (trailing bytes); nbody < 0 means "as many as spec".
 */
static void
frame_add(struct frames *f, uint32_t type, uint32_t reqid, uint64_t gen,
    const char *spec)
{
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	const char	*p;
	uint32_t	 n = 0;
	uint8_t		 hdr[4];

	for (p = spec; *p != '\0'; p++)
		if (*p != '!')
			n++;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint32(&pk, type);
	msgpack_pack_uint32(&pk, reqid);
	msgpack_pack_uint64(&pk, gen);
	msgpack_pack_array(&pk, n);
	for (p = spec; *p != '\0'; p++) {
		switch (*p) {
		case 'u':
			msgpack_pack_uint32(&pk, 7);
			break;
		case 'g':
			msgpack_pack_uint64(&pk, gen);
			break;
		case 'B':
			msgpack_pack_uint64(&pk, 1ULL << 40);
			break;
		case 's':
			msgpack_pack_str(&pk, 3);
			msgpack_pack_str_body(&pk, "abc", 3);
			break;
		}
	}
	if (strchr(spec, '!') != NULL)
		msgpack_pack_nil(&pk);
	hdr[0] = sb.size >> 24;
	hdr[1] = sb.size >> 16;
	hdr[2] = sb.size >> 8;
	hdr[3] = sb.size;
	msgpack_sbuffer_write(&f->sb, (const char *)hdr, 4);
	msgpack_sbuffer_write(&f->sb, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

static void
frame_raw(struct frames *f, const void *p, size_t n)
{
	msgpack_sbuffer_write(&f->sb, p, n);
}

/* The valid body of each type (arity and field types). */
static const char *
valid_spec(uint32_t t)
{
	switch (t) {
	case MSG_PARENT_STATUS_OK:
		return "ug";
	case MSG_PARENT_SELFTEST_REQ:
		return "u";
	default:
		return "";
	}
}

struct tcase {
	const struct receiver	*r;
	int			 peer;
	uint32_t		 state;
	int			 sendfd;	/* attach an fd to the 1st frame */
	uint32_t		 regtype;	/* register a request (id 1) */
	uint64_t		 reggen;
	size_t			 chanmax;
};

struct result {
	int	 status;	/* exit code, or -sig */
	int	 handled;
	char	 err[2048];
};

static void
report_fds(void)
{
	fprintf(stderr, "fds-at-fatal: %d (before %d)\n", count_fds(),
	    fds_before);
}

static void
child(const struct tcase *tc, int s, int errfd)
{
	struct ipc_chan	*c;
	struct pollfd	 pfd;
	uint32_t	 state = tc->state;
	char		 err[256];
	int		 rv;

	dup2(errfd, STDERR_FILENO);
	log_init(1, 0);
	log_procinit(tc->r->name);
	if ((c = ipc_chan_new(s, tc->peer, tc->chanmax ? tc->chanmax : 4096,
	    err, sizeof(err))) == NULL)
		_exit(3);
	ipc_chan_pass_fds(c);	/* the fd rules are under test */
	if (tc->regtype != 0 &&
	    ipc_request_new(c, tc->regtype, tc->reggen) != 1)
		_exit(4);
	fds_before = count_fds();
	log_fatal_hook = report_fds;
	for (;;) {
		rv = ipc_dispatch(c, tc->r->rules, tc->r->nrules, &state,
		    &state);
		if (rv == 0)
			break;
		pfd.fd = ipc_chan_fd(c);
		pfd.events = POLLIN;
		poll(&pfd, 1, 5000);
	}
	ipc_chan_free(c);
	_exit(10 + handled);
}

static void
run(const struct tcase *tc, struct frames *f, struct result *res)
{
	int		 sp[2], ep[2], st, pfd[2] = { -1, -1 };
	pid_t		 pid;
	size_t		 off = 0;
	ssize_t		 n;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cbuf;

	memset(res, 0, sizeof(*res));
	res->status = -100;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1 ||
	    pipe(ep) == -1)
		return;
	fflush(stdout);
	if ((pid = fork()) == -1)
		return;
	if (pid == 0) {
		close(sp[1]);
		close(ep[0]);
		child(tc, sp[0], ep[1]);
	}
	close(sp[0]);
	close(ep[1]);
	if (tc->sendfd && pipe(pfd) == 0 && f->sb.size > 0) {
		memset(&mh, 0, sizeof(mh));
		memset(&cbuf, 0, sizeof(cbuf));
		iov.iov_base = f->sb.data;
		iov.iov_len = f->sb.size;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cm), &pfd[0], sizeof(int));
		if ((n = sendmsg(sp[1], &mh, MSG_NOSIGNAL)) > 0)
			off = (size_t)n;
	}
	while (off < f->sb.size) {
		n = send(sp[1], f->sb.data + off, f->sb.size - off,
		    MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(sp[1]);
	if (pfd[0] != -1) {
		close(pfd[0]);
		close(pfd[1]);
	}
	off = 0;
	while (off + 1 < sizeof(res->err) &&
	    (n = read(ep[0], res->err + off, sizeof(res->err) - 1 - off)) > 0)
		off += (size_t)n;
	res->err[off] = '\0';
	close(ep[0]);
	if (waitpid(pid, &st, 0) == -1)
		return;
	if (WIFEXITED(st)) {
		res->status = WEXITSTATUS(st);
		if (res->status >= 10)
			res->handled = res->status - 10;
	} else if (WIFSIGNALED(st))
		res->status = -WTERMSIG(st);
	msgpack_sbuffer_destroy(&f->sb);
}

/* Fatal: exit 1, one line naming receiver, peer and message, + why. */
static int
is_fatal(const struct result *res, const struct tcase *tc, const char *mname,
    const char *why)
{
	char	 want[256];

	snprintf(want, sizeof(want), "%s: fatal: protocol violation from %s: "
	    "%s: ", tc->r->name, proc_name(tc->peer), mname);
	if (res->status != 1 || strncmp(res->err, want, strlen(want)) != 0 ||
	    (why != NULL && strstr(res->err, why) == NULL)) {
		tap_diag("status %d, stderr: %s", res->status, res->err);
		tap_diag("wanted: %s...%s", want, why ? why : "");
		return 0;
	}
	return 1;
}

static int
is_handled(const struct result *res, int n)
{
	if (res->status != 10 + n) {
		tap_diag("status %d (want %d), stderr: %s", res->status,
		    10 + n, res->err);
		return 0;
	}
	return 1;
}

/* Oracle: the tables above written out as (receiver, type, sender, states). */
static uint32_t
permitted_states(const char *recv, uint32_t t, int from)
{
	if (strcmp(recv, "parent") == 0) {
		if ((t == MSG_FRONT_READY && from == PROC_FRONT) ||
		    (t == MSG_CA_READY && from == PROC_CA) ||
		    (t == MSG_VERIFIER_READY && from == PROC_VERIFIER))
			return S_START;
		if (t == MSG_FRONT_STATUS_REQ && from == PROC_FRONT)
			return S_RUN;
		return 0;
	}
	if (from != PROC_PARENT)
		return 0;
	switch (t) {
	case MSG_PARENT_STATUS_OK:
	case MSG_PARENT_SELFTEST_REQ:
		return S_RUN;
	case MSG_PARENT_SHUTDOWN:
		return S_START | S_RUN;
	}
	return 0;
}

static void
matrix(void)
{
	struct tcase	 tc;
	struct frames	 f;
	struct result	 res;
	uint32_t	 types[MSG_TYPE_MAX + 1], t, reqid, states[2] =
			    { S_START, S_RUN };
	size_t		 ntypes = 0, ri, ti, si;
	int		 p, bad = 0, nhandled = 0, nfatal = 0, want;
	const struct msg_typeinfo *info;
	char		 name[64];

	for (t = 1; t < MSG_TYPE_MAX; t++)
		types[ntypes++] = t;
	types[ntypes++] = T_UNKNOWN;
	for (ri = 0; ri < 2; ri++)
	for (ti = 0; ti < ntypes; ti++)
	for (p = 0; p < PROC_MAX; p++)
	for (si = 0; si < 2; si++) {
		t = types[ti];
		memset(&tc, 0, sizeof(tc));
		tc.r = &receivers[ri];
		tc.peer = p;
		tc.state = states[si];
		info = msg_typeinfo(t);
		reqid = 0;
		if (info != NULL && (info->flags & (MSGT_REQ | MSGT_REPLY)))
			reqid = 1;
		if (info != NULL && (info->flags & MSGT_REPLY)) {
			tc.regtype = info->answers;
			tc.reggen = 5;
		}
		tc.sendfd = t == MSG_PARENT_SELFTEST_REQ;
		msgpack_sbuffer_init(&f.sb);
		frame_add(&f, t, reqid, 5, valid_spec(t));
		run(&tc, &f, &res);
		want = (permitted_states(tc.r->name, t, p) & tc.state) != 0;
		snprintf(name, sizeof(name), "%s", msg_type_name(t));
		if (want ? is_handled(&res, 1) : is_fatal(&res, &tc, name,
		    NULL))
			want ? nhandled++ : nfatal++;
		else {
			bad++;
			tap_diag("case %s <- %s %s in state %u", tc.r->name,
			    proc_name(p), name, tc.state);
		}
	}
	ok(bad == 0, "matrix: %zu types x %d senders x 2 states x 2 "
	    "receivers: %d handled, %d fatal, as the tables say",
	    ntypes, PROC_MAX, nhandled, nfatal);
	ok(nhandled == 8, "exactly the 8 permitted combinations were "
	    "handled");
}

static void
init_case(struct tcase *tc, int recv, int peer, uint32_t state,
    struct frames *f)
{
	memset(tc, 0, sizeof(*tc));
	tc->r = &receivers[recv];
	tc->peer = peer;
	tc->state = state;
	msgpack_sbuffer_init(&f->sb);
}

#define PARENT	0
#define FRONT	1

static void
cases(void)
{
	struct tcase	 tc;
	struct frames	 f;
	struct result	 res;
	uint8_t		 hdr[4];
	uint32_t	 i;

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	frame_add(&f, MSG_PARENT_SHUTDOWN, 0, 0, "");
	run(&tc, &f, &res);
	ok(is_handled(&res, 1), "once-only message once: handled");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	frame_add(&f, MSG_PARENT_SHUTDOWN, 0, 0, "");
	frame_add(&f, MSG_PARENT_SHUTDOWN, 0, 0, "");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_SHUTDOWN", "once-only message "
	    "repeated"), "once-only message twice: fatal");

	init_case(&tc, PARENT, PROC_CA, S_START, &f);
	frame_add(&f, MSG_CA_READY, 0, 0, "");
	frame_add(&f, MSG_CA_READY, 0, 0, "");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_CA_READY", "not permitted in state 0x2"),
	    "READY twice: the state moved on, so fatal");

	init_case(&tc, PARENT, PROC_FRONT, S_START, &f);
	frame_add(&f, MSG_FRONT_READY, 0, 0, "");
	frame_add(&f, MSG_FRONT_STATUS_REQ, 9, 0, "");
	frame_add(&f, MSG_FRONT_STATUS_REQ, 10, 0, "");
	run(&tc, &f, &res);
	ok(is_handled(&res, 3), "a handler's state change applies to the "
	    "next frame");

	init_case(&tc, PARENT, PROC_FRONT, S_RUN, &f);
	for (i = 1; i <= 200; i++)
		frame_add(&f, MSG_FRONT_STATUS_REQ, i, 0, "");
	run(&tc, &f, &res);
	ok(is_handled(&res, 200), "200 frames in one burst: all handled "
	    "(in batches of %d)", IPC_DISPATCH_BATCH);

	init_case(&tc, PARENT, PROC_FRONT, S_START, &f);
	frame_add(&f, MSG_FRONT_STATUS_REQ, 9, 0, "");
	frame_add(&f, MSG_FRONT_READY, 0, 0, "");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_FRONT_STATUS_REQ", "not permitted in "
	    "state 0x1") && res.handled == 0, "status before READY: fatal");

	/* replies */
	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	tc.regtype = MSG_FRONT_STATUS_REQ;
	tc.reggen = 5;
	frame_add(&f, MSG_PARENT_STATUS_OK, 7, 5, "ug");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_STATUS_OK", "reply to unknown "
	    "request id 7"), "reply to an unknown reqid: fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	frame_add(&f, MSG_PARENT_STATUS_OK, 1, 5, "ug");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_STATUS_OK", "reply to unknown "
	    "request id 1"), "reply with no request outstanding: fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	tc.regtype = MSG_FRONT_STATUS_REQ;
	tc.reggen = 5;
	frame_add(&f, MSG_PARENT_STATUS_OK, 1, 5, "ug");
	frame_add(&f, MSG_PARENT_STATUS_OK, 1, 5, "ug");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_STATUS_OK", "reply to unknown "
	    "request id 1") && strstr(res.err, "fds-at-fatal") != NULL,
	    "second reply to an answered reqid: fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	tc.regtype = MSG_FRONT_STATUS_REQ;
	tc.reggen = 5;
	frame_add(&f, MSG_PARENT_STATUS_OK, 1, 6, "ug");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_STATUS_OK", "reply gen 6, request "
	    "1 was gen 5"), "reply under another generation: fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	tc.regtype = MSG_PARENT_SELFTEST_REQ;
	tc.reggen = 5;
	frame_add(&f, MSG_PARENT_STATUS_OK, 1, 5, "ug");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_STATUS_OK", "which was "
	    "MSG_PARENT_SELFTEST_REQ"), "reply to a request of another type: "
	    "fatal");

	/* shape */
	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	tc.regtype = MSG_FRONT_STATUS_REQ;
	frame_add(&f, MSG_PARENT_STATUS_OK, 1, 0, "ugu");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_STATUS_OK", "wrong arity (got 3, "
	    "want 2)"), "wrong arity: fatal");
	ok(strstr(res.err, "front: fatal: protocol violation from parent: "
	    "MSG_PARENT_STATUS_OK: wrong arity (got 3, want 2)\n") == res.err,
	    "the log line reads: %.*s", (int)strcspn(res.err, "\n"), res.err);

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	tc.regtype = MSG_FRONT_STATUS_REQ;
	frame_add(&f, MSG_PARENT_STATUS_OK, 1, 0, "sg");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_STATUS_OK", "field 0: want uint, "
	    "got str"), "wrong field type (seen by the handler's getter): "
	    "fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	tc.regtype = MSG_FRONT_STATUS_REQ;
	frame_add(&f, MSG_PARENT_STATUS_OK, 1, 0, "Bg");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_STATUS_OK", "does not fit u32"),
	    "u32 field out of range: fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	frame_add(&f, MSG_PARENT_SHUTDOWN, 0, 0, "!");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "frame", "1 trailing bytes"),
	    "trailing bytes in the frame: fatal");

	init_case(&tc, PARENT, PROC_FRONT, S_RUN, &f);
	frame_add(&f, MSG_FRONT_STATUS_REQ, 1, 1ULL << 60, "");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_FRONT_STATUS_REQ", "over the 12 allowed"),
	    "frame over the rule's maxlen: fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	lazy = 1;
	tc.regtype = MSG_FRONT_STATUS_REQ;
	frame_add(&f, MSG_PARENT_STATUS_OK, 1, 0, "ug");
	run(&tc, &f, &res);
	lazy = 0;
	ok(res.status == 1 && strstr(res.err, "front: fatal: ipc_dispatch: "
	    "handler of MSG_PARENT_STATUS_OK left 1 fields unread") != NULL,
	    "a handler that leaves fields unread is fatal too");

	/* fds */
	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	tc.sendfd = 1;
	frame_add(&f, MSG_PARENT_SELFTEST_REQ, 0, 0, "u");
	run(&tc, &f, &res);
	ok(is_handled(&res, 1), "fd on an MSGF_FD type: received, handler "
	    "saw a valid fd");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	frame_add(&f, MSG_PARENT_SELFTEST_REQ, 0, 0, "u");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_SELFTEST_REQ", "missing fd"),
	    "MSGF_FD type without an fd: fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	tc.sendfd = 1;
	frame_add(&f, MSG_PARENT_SHUTDOWN, 0, 0, "");
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "MSG_PARENT_SHUTDOWN", "unexpected fd"),
	    "fd on a non-FD type: fatal");
	{
		int	 a = -1, b = -2;
		char	*s = strstr(res.err, "fds-at-fatal: ");

		if (s != NULL)
			sscanf(s, "fds-at-fatal: %d (before %d)", &a, &b);
		ok(a == b, "and the fd was closed before dying (%d open, %d "
		    "before)", a, b);
	}

	/* framing */
	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	frame_raw(&f, "\0\0\0\0", 4);
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "frame", "frame length 0"),
	    "frame length 0: fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	tc.chanmax = 100;
	frame_raw(&f, "\0\0\0\x65", 4);
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "frame", "101 over the limit of 100"),
	    "frame over the channel cap: fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	frame_raw(&f, "\0\0\0\x05\xdd\xff\xff\xff\xff", 9);
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "frame", "declares 4294967295 elements"),
	    "dd ff ff ff ff: fatal before msgpack-c allocates");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	hdr[0] = 0;
	hdr[1] = 0;
	hdr[2] = 0;
	hdr[3] = 20;
	frame_raw(&f, hdr, 4);
	frame_raw(&f, "\x94\x01", 2);
	run(&tc, &f, &res);
	ok(is_fatal(&res, &tc, "frame", "EOF in the middle of a frame (2 of "
	    "20 bytes)"), "EOF mid-frame: fatal");

	init_case(&tc, FRONT, PROC_PARENT, S_RUN, &f);
	run(&tc, &f, &res);
	ok(is_handled(&res, 0), "EOF at a frame boundary: clean return");
}

int
main(void)
{
	matrix();
	cases();
	return tap_done();
}
