/*
 * The front's client-frame state machine without sockets
 * (src/front_session.c): the frame reader checks the length before
 * allocating and grows with the bytes received; the session drops
 * malformed frames and broken rules, answers version mismatches itself,
 * relays valid requests to the parent field for field, and translates
 * the parent's answers back with the client's reqid.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "front.h"
#include "msg.h"
#include "wire.h"

static uint32_t	 next_preqid = 100;
static int	 full;		/* newreq reports a full channel */
static uint32_t	 last_ptype;

static uint32_t
newreq(void *arg, uint32_t type)
{
	(void)arg;
	last_ptype = type;
	return full ? 0 : next_preqid++;
}

/* A client frame: caller fills the body, then cframe_end(). */
static void
cframe(struct msg_out *o, uint32_t type, uint32_t reqid)
{
	if (msg_out_init_table(o, wire_types, WIRE_TYPE_MAX, 0, type, reqid,
	    0) == -1) {
		printf("Bail out! cframe: %s\n", o->err);
		exit(1);
	}
}

static void
finish(struct msg_out *o)
{
	char	 err[MSG_ERRLEN];

	if (msg_out_finish(o, err, sizeof(err)) == -1) {
		printf("Bail out! finish: %s\n", err);
		exit(1);
	}
}

/* Run one client frame through the session. */
static int
request(struct front_session *s, struct msg_out *c, struct msg_out *p,
    char *why, size_t whylen)
{
	int	 rv;

	finish(c);
	rv = front_session_request(s, c->buf + MSG_HDRLEN, c->len, p, newreq,
	    NULL, why, whylen);
	msg_out_free(c);
	return rv;
}

static int
raw_request(struct front_session *s, const uint8_t *f, size_t len,
    struct msg_out *p, char *why, size_t whylen)
{
	return front_session_request(s, f, len, p, newreq, NULL, why, whylen);
}

/* Decode a finished frame *o with table tab into m (non-fatal). */
static int
decode(struct msg_out *o, const struct msg_typeinfo *tab, size_t n,
    struct msg *m)
{
	char	 err[MSG_ERRLEN];

	finish(o);
	if (msg_decode(m, tab, n, o->buf + MSG_HDRLEN, o->len, err,
	    sizeof(err)) == -1) {
		tap_diag("decode: %s", err);
		return -1;
	}
	return 0;
}

static void
hello(struct msg_out *c, uint32_t reqid, uint32_t vmin, uint32_t vmax,
    int want)
{
	uint8_t	 nonce[WIRE_NONCE_LEN];

	memset(nonce, 0x11, sizeof(nonce));
	cframe(c, WIRE_HELLO, reqid);
	msg_put_u32(c, vmin);
	msg_put_u32(c, vmax);
	msg_put_bin(c, nonce, sizeof(nonce));
	msg_put_bool(c, want);
}

static void
session_init(struct front_session *s, uint32_t api)
{
	memset(s, 0, sizeof(*s));
	s->api = api;
	s->conn = (7u << FRONT_SLOT_BITS) | 3;
	snprintf(s->ip, sizeof(s->ip), "192.0.2.7");
	memset(s->exporter, 0xe5, sizeof(s->exporter));
}

/*
 * Answer the request in flight with a parent frame built by the caller
 * (reqid s->preqid, conn first); returns front_session_answer's value
 * and the decoded client frame in *cm / *co.
 */
static int
answer(struct front_session *s, struct msg_out *p, struct msg_out *co,
    struct msg *cm, uint32_t *result, int *close)
{
	struct msg	 pm;
	uint32_t	 conn;
	int		 rv;

	if (decode(p, msg_types, MSG_TYPE_MAX, &pm) == -1)
		return -2;
	if (msg_get_u32(&pm, &conn) == -1 || conn != s->conn) {
		tap_diag("conn %u", conn);
		msg_clear(&pm);
		return -2;
	}
	rv = front_session_answer(s, &pm, co, result, close);
	if (rv == 0 && decode(co, wire_types, WIRE_TYPE_MAX, cm) == -1)
		rv = -3;
	msg_clear(&pm);
	return rv;
}

/* Bring s through HELLO; 0 on success. */
static int
do_hello(struct front_session *s)
{
	struct msg_out	 c, p, co;
	struct msg	 cm;
	uint8_t		 nonce[WIRE_NONCE_LEN];
	char		 why[MSG_ERRLEN];
	uint32_t	 result;
	int		 close, rv;

	hello(&c, 1, 1, 1, 0);
	if (request(s, &c, &p, why, sizeof(why)) != FSR_FORWARD)
		return -1;
	msg_out_free(&p);
	memset(nonce, 0x22, sizeof(nonce));
	msg_out_init(&p, MSG_PARENT_HELLO_OK, s->preqid, 0);
	msg_put_u32(&p, s->conn);
	msg_put_bin(&p, nonce, sizeof(nonce));
	msg_put_bin(&p, "", 0);
	rv = answer(s, &p, &co, &cm, &result, &close);
	msg_out_free(&p);
	if (rv == 0)
		msg_clear(&cm);
	msg_out_free(&co);
	return rv == 0 && s->hello == 2 ? 0 : -1;
}

static void
test_rx(void)
{
	struct front_budget	 b = { 0, 300 * 1024 };
	struct front_rx		 rx;
	uint8_t			*p, frame[200 * 1024];
	char			 err[256];
	size_t			 n, i, off;
	int			 rv = FRX_MORE;

	front_rx_init(&rx, &b);
	/* Length 0 is refused. */
	n = front_rx_space(&rx, &p);
	is_int(n, MSG_HDRLEN, "rx: header first (%zu bytes)", n);
	memset(p, 0, 4);
	is_int(front_rx_advance(&rx, 4, 1024, err, sizeof(err)), FRX_BAD,
	    "rx: zero length refused (%s)", err);
	front_rx_reset(&rx);

	/* Over the cap: refused with nothing allocated. */
	front_rx_space(&rx, &p);
	p[0] = 0x00; p[1] = 0x00; p[2] = 0x04; p[3] = 0x01;	/* 1025 */
	is_int(front_rx_advance(&rx, 4, 1024, err, sizeof(err)), FRX_BAD,
	    "rx: 1025 over a 1024 cap refused (%s)", err);
	ok(rx.buf == NULL && b.used == 0, "rx: nothing allocated for it");
	front_rx_reset(&rx);

	/* The header byte by byte, then a 200 KiB frame in 10 KiB pieces:
	 * the buffer grows with what arrives, never past the frame. */
	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7);
	{
		/* 204800 */
		uint8_t	 hdr[4] = { 0x00, 0x03, 0x20, 0x00 };

		for (i = 0; i < 4; i++) {
			n = front_rx_space(&rx, &p);
			ok(n == 4 - i, "rx: header byte %zu wants %zu", i, n);
			*p = hdr[i];
			rv = front_rx_advance(&rx, 1, 256 * 1024, err,
			    sizeof(err));
		}
	}
	is_int(rv, FRX_MORE, "rx: header complete, frame pending");
	is_int(rx.cap, FRONT_RX_CHUNK, "rx: first buffer is one chunk");
	ok(front_rx_started(&rx), "rx: frame started");
	for (off = 0; off < sizeof(frame); off += n) {
		n = front_rx_space(&rx, &p);
		if (n > 10 * 1024)
			n = 10 * 1024;
		if (off + n > sizeof(frame) || n == 0)
			break;
		memcpy(p, frame + off, n);
		if ((rv = front_rx_advance(&rx, n, 256 * 1024, err,
		    sizeof(err))) != FRX_MORE)
			break;
	}
	is_int(rv, FRX_FRAME, "rx: frame complete after %zu bytes", off + n);
	ok(rx.len == sizeof(frame) && rx.cap == sizeof(frame) &&
	    memcmp(rx.buf, frame, sizeof(frame)) == 0,
	    "rx: all bytes in order, buffer exactly the frame");
	is_int(b.used, sizeof(frame), "rx: budget counts the buffer");
	is_int(front_rx_space(&rx, &p), 0, "rx: no room past the frame");
	front_rx_reset(&rx);
	is_int(b.used, 0, "rx: budget returned on reset");

	/* Two readers share a budget of 300 KiB: the second one's growth
	 * past it drops that client. */
	{
		struct front_rx	 rx2;
		uint8_t		 hdr[4] = { 0x00, 0x03, 0x20, 0x00 };

		front_rx_init(&rx2, &b);
		front_rx_space(&rx, &p);
		memcpy(p, hdr, 4);
		front_rx_advance(&rx, 4, 256 * 1024, err, sizeof(err));
		for (rv = FRX_MORE; rv == FRX_MORE;) {
			n = front_rx_space(&rx, &p);
			memset(p, 0, n);
			rv = front_rx_advance(&rx, n, 256 * 1024, err,
			    sizeof(err));
		}
		is_int(rv, FRX_FRAME, "rx: first reader uses 200 KiB");
		front_rx_space(&rx2, &p);
		memcpy(p, hdr, 4);
		rv = front_rx_advance(&rx2, 4, 256 * 1024, err, sizeof(err));
		while (rv == FRX_MORE) {
			n = front_rx_space(&rx2, &p);
			memset(p, 0, n);
			rv = front_rx_advance(&rx2, n, 256 * 1024, err,
			    sizeof(err));
		}
		is_int(rv, FRX_BUDGET, "rx: second reader over the budget "
		    "(%s)", err);
		front_rx_reset(&rx2);
		front_rx_reset(&rx);
		is_int(b.used, 0, "rx: budget back to 0");
	}
}

static void
test_hello(void)
{
	struct front_session	 s;
	struct msg_out		 c, p, co;
	struct msg		 pm, cm;
	uint8_t			 nonce[WIRE_NONCE_LEN];
	uint8_t			 exp[WIRE_EXPORTER_LEN];
	uint8_t			 ev[100], *bin = NULL;
	size_t			 binlen = 0;
	char			 why[MSG_ERRLEN], ip[64];
	uint32_t		 u, api, result, code;
	int			 want = 0, close, rv;

	session_init(&s, MSG_API_USER);
	hello(&c, 42, 0, 5, 1);
	rv = request(&s, &c, &p, why, sizeof(why));
	is_int(rv, FSR_FORWARD, "hello: version range 0..5 forwarded");
	is_int(last_ptype, MSG_FRONT_HELLO_REQ, "hello: as HELLO_REQ");
	ok(s.preqid != 0 && s.reqid == 42 && s.type == WIRE_HELLO,
	    "hello: request in flight recorded");
	ok(decode(&p, msg_types, MSG_TYPE_MAX, &pm) == 0 &&
	    pm.type == MSG_FRONT_HELLO_REQ && pm.reqid == s.preqid,
	    "hello: parent frame decodes");
	ok(msg_get_u32(&pm, &u) == 0 && u == s.conn &&
	    msg_get_u32(&pm, &api) == 0 && api == MSG_API_USER &&
	    msg_get_strbuf(&pm, ip, sizeof(ip)) == 0 &&
	    strcmp(ip, "192.0.2.7") == 0 &&
	    msg_get_fixbin(&pm, nonce, sizeof(nonce)) == 0 &&
	    msg_get_fixbin(&pm, exp, sizeof(exp)) == 0 &&
	    msg_get_bool(&pm, &want) == 0 && msg_end(&pm) == 0,
	    "hello: conn, api, peer, nonce, exporter, want_evidence");
	memset(ev, 0x11, sizeof(ev));
	ok(memcmp(nonce, ev, sizeof(nonce)) == 0 &&
	    memcmp(exp, s.exporter, sizeof(exp)) == 0 && want == 1,
	    "hello: the client's nonce and our exporter, relayed as is");
	msg_clear(&pm);
	msg_out_free(&p);

	/* The parent's answer goes back with the client's reqid. */
	memset(nonce, 0x33, sizeof(nonce));
	memset(ev, 0x44, sizeof(ev));
	msg_out_init(&p, MSG_PARENT_HELLO_OK, s.preqid, 9);
	msg_put_u32(&p, s.conn);
	msg_put_bin(&p, nonce, sizeof(nonce));
	msg_put_bin(&p, ev, sizeof(ev));
	rv = answer(&s, &p, &co, &cm, &result, &close);
	msg_out_free(&p);
	is_int(rv, 0, "hello: answer translated");
	ok(cm.type == WIRE_HELLO_OK && cm.reqid == 42 && cm.gen == 9 &&
	    result == 0 && close == 0, "hello: HELLO_OK, reqid 42, gen 9");
	memset(exp, 0, sizeof(exp));
	ok(msg_get_u32(&cm, &u) == 0 && u == WIRE_VERSION &&
	    msg_get_fixbin(&cm, exp, sizeof(exp)) == 0 &&
	    memcmp(exp, nonce, sizeof(nonce)) == 0 &&
	    msg_get_bin(&cm, &bin, &binlen, WIRE_MAX_EVIDENCE) == 0 &&
	    binlen == sizeof(ev) && memcmp(bin, ev, sizeof(ev)) == 0 &&
	    msg_end(&cm) == 0, "hello: version 1, server nonce, evidence");
	free(bin);
	msg_clear(&cm);
	msg_out_free(&co);
	ok(s.hello == 2 && s.reqid == 0 && s.preqid == 0,
	    "hello: session open, nothing in flight");

	hello(&c, 43, 1, 1, 0);
	is_int(request(&s, &c, &p, why, sizeof(why)), FSR_VIOLATION,
	    "hello: a second HELLO is dropped (%s)", why);

	/* No common version: ERROR UNSUPPORTED_VERSION, then close. */
	session_init(&s, MSG_API_MESH);
	hello(&c, 5, 2, 3, 0);
	rv = request(&s, &c, &co, why, sizeof(why));
	is_int(rv, FSR_ANSWER_CLOSE, "hello 2..3: answered and closed");
	ok(rv == FSR_ANSWER_CLOSE && s.answered ==
	    WIRE_ERR_UNSUPPORTED_VERSION && s.type == WIRE_HELLO,
	    "hello 2..3: recorded as unsupported_version");
	if (rv == FSR_ANSWER_CLOSE &&
	    decode(&co, wire_types, WIRE_TYPE_MAX, &cm) == 0) {
		ok(cm.type == WIRE_ERROR && cm.reqid == 5 &&
		    msg_get_u32(&cm, &code) == 0 &&
		    code == WIRE_ERR_UNSUPPORTED_VERSION,
		    "hello 2..3: ERROR UNSUPPORTED_VERSION with reqid 5");
		msg_clear(&cm);
	} else
		ok(0, "hello 2..3: ERROR frame decodes");
	msg_out_free(&co);
	hello(&c, 6, 3, 1, 0);
	is_int(request(&s, &c, &co, why, sizeof(why)), FSR_VIOLATION,
	    "hello after a refused HELLO: dropped");

	/* A failed HELLO at the parent closes the session. */
	session_init(&s, MSG_API_USER);
	hello(&c, 8, 1, 1, 0);
	request(&s, &c, &p, why, sizeof(why));
	msg_out_free(&p);
	msg_out_init(&p, MSG_PARENT_CLIENT_FAIL, s.preqid, 0);
	msg_put_u32(&p, s.conn);
	msg_put_u32(&p, WIRE_ERR_INTERNAL);
	msg_put_str(&p, "too many connections");
	rv = answer(&s, &p, &co, &cm, &result, &close);
	msg_out_free(&p);
	ok(rv == 0 && cm.type == WIRE_ERROR && cm.reqid == 8 &&
	    result == WIRE_ERR_INTERNAL && close == 1,
	    "hello failed at the parent: ERROR, then close");
	if (rv == 0)
		msg_clear(&cm);
	msg_out_free(&co);

	/* Busy channel: ERROR INTERNAL, no reqid taken. */
	session_init(&s, MSG_API_USER);
	full = 1;
	hello(&c, 9, 1, 1, 0);
	rv = request(&s, &c, &co, why, sizeof(why));
	full = 0;
	ok(rv == FSR_ANSWER_CLOSE && s.preqid == 0 &&
	    s.answered == WIRE_ERR_INTERNAL,
	    "hello with the parent channel full: INTERNAL, close");
	msg_out_free(&co);
}

static void
test_drops(void)
{
	static const uint8_t bomb[] = {
		/* [1, 1, 0, [0xdd ff ff ff ff ...]]: array of 4G items */
		0x94, 0x01, 0x01, 0x00, 0xdd, 0xff, 0xff, 0xff, 0xff
	};
	static const uint8_t arity[] = {
		/* HELLO with 3 body fields */
		0x94, 0x01, 0x01, 0x00, 0x93, 0x01, 0x01, 0xc2
	};
	static const uint8_t unknown[] = {
		0x94, 0x63, 0x01, 0x00, 0x90		/* type 99 */
	};
	static const uint8_t trailing[] = {
		0x94, 0x0c, 0x01, 0x00, 0x90, 0x00	/* a byte too many */
	};
	struct front_session	 s;
	struct msg_out		 c, p;
	uint8_t			*big;
	char			 why[MSG_ERRLEN];

	session_init(&s, MSG_API_USER);
	is_int(raw_request(&s, bomb, sizeof(bomb), &p, why, sizeof(why)),
	    FSR_DROP, "msgpack bomb dd ff ff ff ff dropped (%s)", why);
	is_int(raw_request(&s, arity, sizeof(arity), &p, why, sizeof(why)),
	    FSR_DROP, "wrong arity dropped (%s)", why);
	is_int(raw_request(&s, unknown, sizeof(unknown), &p, why,
	    sizeof(why)), FSR_DROP, "unknown type dropped (%s)", why);
	is_int(raw_request(&s, trailing, sizeof(trailing), &p, why,
	    sizeof(why)), FSR_DROP, "trailing byte dropped (%s)", why);
	hello(&c, 0, 1, 1, 0);
	is_int(request(&s, &c, &p, why, sizeof(why)), FSR_DROP,
	    "reqid 0 dropped (%s)", why);
	cframe(&c, WIRE_GET_MANIFESTS, 3);
	is_int(request(&s, &c, &p, why, sizeof(why)), FSR_VIOLATION,
	    "request before HELLO dropped (%s)", why);
	cframe(&c, WIRE_ERROR, 3);
	msg_put_u32(&c, 1);
	msg_put_str(&c, "x");
	is_int(request(&s, &c, &p, why, sizeof(why)), FSR_VIOLATION,
	    "a server type from the client dropped (%s)", why);
	ok(s.reqid == 0 && s.preqid == 0, "drops leave nothing in flight");

	ok(do_hello(&s) == 0, "user session: HELLO done");
	cframe(&c, WIRE_MESH_CERT, 4);
	msg_put_bin(&c, "e", 1);
	msg_put_bin(&c, "k", 1);
	is_int(request(&s, &c, &p, why, sizeof(why)), FSR_VIOLATION,
	    "MESH_CERT on the user API dropped (%s)", why);
	cframe(&c, WIRE_SET_MANIFEST, 5);
	msg_put_bin(&c, "{}", 2);
	msg_put_bin_array(&c, NULL, 0);
	msg_put_bin(&c, "12345", 5);
	msg_put_bin(&c, "", 0);
	msg_put_bin(&c, "", 0);
	is_int(request(&s, &c, &p, why, sizeof(why)), FSR_DROP,
	    "SET_MANIFEST with a 5-byte previous dropped (%s)", why);
	if ((big = calloc(1, WIRE_MAX_MANIFEST + 1)) == NULL)
		exit(1);
	cframe(&c, WIRE_SET_MANIFEST, 6);
	msg_put_bin(&c, big, WIRE_MAX_MANIFEST + 1);
	msg_put_bin_array(&c, NULL, 0);
	msg_put_bin(&c, "", 0);
	msg_put_bin(&c, "", 0);
	msg_put_bin(&c, "", 0);
	is_int(request(&s, &c, &p, why, sizeof(why)), FSR_DROP,
	    "SET_MANIFEST with a 1 MiB + 1 manifest dropped (%s)", why);
	free(big);
	cframe(&c, WIRE_RECOVER, 7);
	msg_put_bin(&c, "k", 1);
	msg_put_bin(&c, "short seed", 10);
	msg_put_bin(&c, "", 0);
	msg_put_bin(&c, "", 0);
	msg_put_bin(&c, "", 0);
	is_int(request(&s, &c, &p, why, sizeof(why)), FSR_DROP,
	    "RECOVER with a 10-byte seed dropped (%s)", why);
	cframe(&c, WIRE_GET_MANIFESTS, 8);
	full = 1;
	is_int(request(&s, &c, &p, why, sizeof(why)), FSR_ANSWER,
	    "GET_MANIFESTS with the channel full: answered busy");
	full = 0;
	ok(s.answered == WIRE_ERR_INTERNAL && s.reqid == 0,
	    "busy: INTERNAL, session still usable");
	msg_out_free(&p);

	session_init(&s, MSG_API_MESH);
	ok(do_hello(&s) == 0, "mesh session: HELLO done");
	cframe(&c, WIRE_GET_MANIFESTS, 4);
	is_int(request(&s, &c, &p, why, sizeof(why)), FSR_VIOLATION,
	    "GET_MANIFESTS on the mesh API dropped (%s)", why);
}

static void
test_requests(void)
{
	struct front_session	 s;
	struct msg_out		 c, p, co;
	struct msg		 pm, cm;
	struct msg_bin		 pols[2], *bv = NULL;
	uint8_t			 prev[32], seed[64], salt[32], got64[64];
	uint8_t			 got32[32], *bin = NULL;
	size_t			 n = 0, binlen = 0;
	char			 why[MSG_ERRLEN], *str = NULL;
	char			 longmsg[2000];
	uint32_t		 u, result;
	int			 rv, close;

	session_init(&s, MSG_API_USER);
	do_hello(&s);
	memset(prev, 0xab, sizeof(prev));
	pols[0].data = (uint8_t *)"policy-one";
	pols[0].len = 10;
	pols[1].data = (uint8_t *)"policy-two!";
	pols[1].len = 11;
	cframe(&c, WIRE_SET_MANIFEST, 77);
	msg_put_bin(&c, "{\"Policies\":{}}", 15);
	msg_put_bin_array(&c, pols, 2);
	msg_put_bin(&c, prev, sizeof(prev));
	msg_put_bin(&c, "sig", 3);
	msg_put_bin(&c, "owner", 5);
	rv = request(&s, &c, &p, why, sizeof(why));
	is_int(rv, FSR_FORWARD, "set: forwarded");
	ok(rv == FSR_FORWARD && decode(&p, msg_types, MSG_TYPE_MAX, &pm) ==
	    0 && pm.type == MSG_FRONT_SET_MANIFEST_REQ,
	    "set: as SET_MANIFEST_REQ");
	ok(msg_get_u32(&pm, &u) == 0 && u == s.conn &&
	    msg_get_bin(&pm, &bin, &binlen, 1 << 20) == 0 && binlen == 15 &&
	    memcmp(bin, "{\"Policies\":{}}", 15) == 0,
	    "set: conn and manifest bytes");
	free(bin);
	bin = NULL;
	ok(msg_get_bin_array(&pm, &bv, &n, 10, 100) == 0 && n == 2 &&
	    bv[1].len == 11 && memcmp(bv[1].data, "policy-two!", 11) == 0,
	    "set: policies");
	msg_free_bin_array(bv, n, 0);
	ok(msg_get_fixbin(&pm, got32, 32) == 0 &&
	    memcmp(got32, prev, 32) == 0 &&
	    msg_get_bin(&pm, &bin, &binlen, 100) == 0 && binlen == 3 &&
	    msg_get_str(&pm, &str, 100) == -1,
	    "set: previous and signature; owner key is bin, not str");
	free(bin);
	bin = NULL;
	msg_clear(&pm);
	msg_out_free(&p);

	/* An OK answer of the wrong kind is the parent's error. */
	msg_out_init(&p, MSG_PARENT_RECOVER_OK, s.preqid, 0);
	msg_put_u32(&p, s.conn);
	msg_put_str(&p, "root");
	msg_put_str(&p, "mesh");
	is_int(answer(&s, &p, &co, &cm, &result, &close), -1,
	    "set: a RECOVER_OK answer is refused");
	msg_out_free(&p);
	msg_out_free(&co);

	/* CLIENT_FAIL: ERROR with the code, message cut to the limit. */
	memset(longmsg, 'x', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	msg_out_init(&p, MSG_PARENT_CLIENT_FAIL, s.preqid, 3);
	msg_put_u32(&p, s.conn);
	msg_put_u32(&p, WIRE_ERR_PERMISSION_DENIED);
	msg_put_str(&p, longmsg);
	rv = answer(&s, &p, &co, &cm, &result, &close);
	msg_out_free(&p);
	ok(rv == 0 && cm.type == WIRE_ERROR && cm.reqid == 77 &&
	    cm.gen == 0 && result == WIRE_ERR_PERMISSION_DENIED &&
	    close == 0, "set: CLIENT_FAIL becomes ERROR (reqid 77)");
	if (rv == 0) {
		ok(msg_get_u32(&cm, &u) == 0 && u == WIRE_ERR_PERMISSION_DENIED
		    && msg_get_str(&cm, &str, WIRE_MAX_MESSAGE) == 0 &&
		    strlen(str) == WIRE_MAX_MESSAGE - 1,
		    "set: code kept, message cut to %d bytes",
		    WIRE_MAX_MESSAGE - 1);
		free(str);
		str = NULL;
		msg_clear(&cm);
	}
	msg_out_free(&co);

	/* RECOVER: relayed as a secret frame. */
	memset(seed, 0x5e, sizeof(seed));
	memset(salt, 0x5a, sizeof(salt));
	cframe(&c, WIRE_RECOVER, 78);
	msg_put_bin(&c, "pkcs1", 5);
	msg_put_bin(&c, seed, sizeof(seed));
	msg_put_bin(&c, salt, sizeof(salt));
	msg_put_bin(&c, "sig", 3);
	msg_put_bin(&c, "", 0);
	rv = request(&s, &c, &p, why, sizeof(why));
	ok(rv == FSR_FORWARD && p.secret, "recover: forwarded, frame secret");
	ok(rv == FSR_FORWARD && decode(&p, msg_types, MSG_TYPE_MAX, &pm) ==
	    0 && msg_get_u32(&pm, &u) == 0 &&
	    msg_get_bin(&pm, &bin, &binlen, 100) == 0 &&
	    msg_get_fixbin(&pm, got64, 64) == 0 &&
	    memcmp(got64, seed, 64) == 0 &&
	    msg_get_fixbin(&pm, got32, 32) == 0 &&
	    memcmp(got32, salt, 32) == 0, "recover: key, seed, salt relayed");
	free(bin);
	bin = NULL;
	msg_clear(&pm);
	msg_out_free(&p);
	msg_out_init(&p, MSG_PARENT_RECOVER_OK, s.preqid, 0);
	msg_put_u32(&p, s.conn);
	msg_put_str(&p, "ROOT PEM");
	msg_put_str(&p, "MESH PEM");
	rv = answer(&s, &p, &co, &cm, &result, &close);
	msg_out_free(&p);
	ok(rv == 0 && cm.type == WIRE_RECOVER_OK && cm.reqid == 78 &&
	    msg_get_str(&cm, &str, 100) == 0 && strcmp(str, "ROOT PEM") == 0,
	    "recover: RECOVER_OK relayed");
	free(str);
	str = NULL;
	if (rv == 0)
		msg_clear(&cm);
	msg_out_free(&co);

	/* GET_MANIFESTS_OK with arrays. */
	cframe(&c, WIRE_GET_MANIFESTS, 79);
	request(&s, &c, &p, why, sizeof(why));
	msg_out_free(&p);
	msg_out_init(&p, MSG_PARENT_GET_MANIFESTS_OK, s.preqid, 0);
	msg_put_u32(&p, s.conn);
	msg_put_bin_array(&p, pols, 2);
	msg_put_bin_array(&p, pols, 1);
	msg_put_str(&p, "ROOT");
	msg_put_str(&p, "MESH");
	msg_put_bin(&p, prev, 32);
	msg_put_bin(&p, "sig", 3);
	rv = answer(&s, &p, &co, &cm, &result, &close);
	msg_out_free(&p);
	ok(rv == 0 && cm.type == WIRE_GET_MANIFESTS_OK && cm.reqid == 79 &&
	    msg_get_bin_array(&cm, &bv, &n, 10, 100) == 0 && n == 2 &&
	    memcmp(bv[0].data, "policy-one", 10) == 0,
	    "get: GET_MANIFESTS_OK relayed with its manifests");
	msg_free_bin_array(bv, n, 0);
	if (rv == 0)
		msg_clear(&cm);
	msg_out_free(&co);

	/* MESH_CERT on the mesh API; the secret must be 0 or 64 bytes. */
	session_init(&s, MSG_API_MESH);
	do_hello(&s);
	cframe(&c, WIRE_MESH_CERT, 80);
	msg_put_bin(&c, "evidence", 8);
	msg_put_bin(&c, "spki", 4);
	rv = request(&s, &c, &p, why, sizeof(why));
	is_int(rv, FSR_FORWARD, "mesh: forwarded");
	msg_out_free(&p);
	msg_out_init(&p, MSG_PARENT_MESH_CERT_OK, s.preqid, 0);
	msg_put_u32(&p, s.conn);
	msg_put_str(&p, "MESH");
	msg_put_str(&p, "CHAIN");
	msg_put_str(&p, "ROOT");
	msg_put_bin(&p, seed, 10);
	is_int(answer(&s, &p, &co, &cm, &result, &close), -1,
	    "mesh: a 10-byte workload secret is refused");
	msg_out_free(&p);
	msg_out_free(&co);
	msg_out_init(&p, MSG_PARENT_MESH_CERT_OK, s.preqid, 0);
	msg_put_u32(&p, s.conn);
	msg_put_str(&p, "MESH");
	msg_put_str(&p, "CHAIN");
	msg_put_str(&p, "ROOT");
	msg_put_bin(&p, seed, 64);
	rv = answer(&s, &p, &co, &cm, &result, &close);
	msg_out_free(&p);
	ok(rv == 0 && co.secret, "mesh: MESH_CERT_OK, frame secret");
	if (rv == 0) {
		ok(cm.reqid == 80 && msg_get_str(&cm, &str, 10) == 0 &&
		    strcmp(str, "MESH") == 0, "mesh: mesh CA relayed");
		free(str);
		str = NULL;
		ok(msg_get_str(&cm, &str, 10) == 0 &&
		    strcmp(str, "CHAIN") == 0, "mesh: chain relayed");
		free(str);
		str = NULL;
		msg_get_str(&cm, &str, 10);
		free(str);
		ok(msg_get_fixbin(&cm, got64, 64) == 0 &&
		    memcmp(got64, seed, 64) == 0, "mesh: secret relayed");
		msg_clear(&cm);
	}
	msg_out_free(&co);
	ok(s.reqid == 0 && s.preqid == 0, "mesh: nothing in flight after it");
}

static int
metric_line_ok(const char *l)
{
	const char	*sp;
	char		*end;

	if (*l == '#')
		return strncmp(l, "# HELP ", 7) == 0 ||
		    strncmp(l, "# TYPE ", 7) == 0;
	if ((sp = strrchr(l, ' ')) == NULL || sp == l)
		return 0;
	strtod(sp + 1, &end);
	if (*end != '\0' || end == sp + 1)
		return 0;
	for (; l < sp && *l != '{'; l++)
		if (!((*l >= 'a' && *l <= 'z') || *l == '_'))
			return 0;
	return l == sp || (*l == '{' && sp[-1] == '}');
}

static void
test_metrics(void)
{
	struct front_metrics	 fm;
	char			 buf[32 * 1024], *line, *save = NULL;
	int			 n, bad = 0, lines = 0;

	memset(&fm, 0, sizeof(fm));
	front_metrics_request(&fm, FRONT_API_USER, WIRE_HELLO, 0, 800);
	front_metrics_request(&fm, FRONT_API_USER, WIRE_SET_MANIFEST,
	    WIRE_ERR_PERMISSION_DENIED, 30000);
	front_metrics_request(&fm, FRONT_API_MESH, WIRE_MESH_CERT, 0,
	    20000000);
	fm.dropped[FDROP_IDLE_TIMEOUT] = 2;
	fm.connections[FRONT_API_MESH] = 3;
	n = front_metrics_text(&fm, buf, sizeof(buf));
	ok(n > 0, "metrics: text of %d bytes", n);
	ok(strstr(buf, "contrast_requests_total{api=\"user\",type="
	    "\"set_manifest\",result=\"permission_denied\"} 1\n") != NULL,
	    "metrics: requests by api, type, result");
	ok(strstr(buf, "contrast_request_duration_seconds_bucket{api=\"user\","
	    "le=\"0.001\"} 1\n") != NULL &&
	    strstr(buf, "contrast_request_duration_seconds_bucket{api=\"user\","
	    "le=\"0.05\"} 2\n") != NULL,
	    "metrics: cumulative buckets (0.8 ms, 30 ms)");
	ok(strstr(buf, "contrast_request_duration_seconds_bucket{api=\"mesh\","
	    "le=\"10\"} 0\n") != NULL &&
	    strstr(buf, "contrast_request_duration_seconds_bucket{api=\"mesh\","
	    "le=\"+Inf\"} 1\n") != NULL &&
	    strstr(buf, "contrast_request_duration_seconds_sum{api=\"mesh\"} "
	    "20.000000\n") != NULL, "metrics: 20 s lands in +Inf only");
	ok(strstr(buf, "contrast_front_dropped_clients_total{reason="
	    "\"idle_timeout\"} 2\n") != NULL &&
	    strstr(buf, "contrast_front_connections{api=\"mesh\"} 3\n") !=
	    NULL, "metrics: drops by reason, connections");
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		lines++;
		if (!metric_line_ok(line)) {
			tap_diag("bad line: %s", line);
			bad++;
		}
	}
	ok(bad == 0 && lines > 40, "metrics: %d lines, each a comment or "
	    "'name{labels} value'", lines);
	is_int(front_metrics_text(&fm, buf, 100), -1,
	    "metrics: too small a buffer is an error");
}

int
main(void)
{
	test_rx();
	test_hello();
	test_drops();
	test_requests();
	test_metrics();
	tap_done();
	return 0;
}
