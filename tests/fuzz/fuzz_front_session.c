/*
 * libFuzzer harness for the front's client-frame state machine
 * (src/front_session.c): the first byte picks the API, whether HELLO is
 * already done and the read sizes; the rest is the byte stream a client
 * sends after the TLS handshake.  Frames go through the reader (length
 * cap, growth, budget) and the session; forwarded requests are answered
 * the way the parent would (HELLO_OK for HELLO, CLIENT_FAIL otherwise)
 * so the session advances and the answer path runs too.  Properties: a
 * forwarded request decodes as the parent type the session names and
 * starts with our conn id; the budget is back to zero at the end.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "front.h"
#include "msg.h"
#include "wire.h"

#define CONN	((5u << FRONT_SLOT_BITS) | 9)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint32_t	 preqid;

static uint32_t
newreq(void *arg, uint32_t type)
{
	(void)arg;
	(void)type;
	/* Every 16th request finds the channel full. */
	return ++preqid % 16 == 0 ? 0 : preqid;
}

/* The parent's answer to the request in flight, through the session;
 * 1 when the session ends with it. */
static int
reply(struct front_session *s)
{
	struct msg_out	 p, c;
	struct msg	 m;
	uint8_t		 nonce[WIRE_NONCE_LEN];
	char		 err[MSG_ERRLEN];
	uint32_t	 conn, result;
	int		 close;

	memset(nonce, 0x4e, sizeof(nonce));
	if (s->type == WIRE_HELLO) {
		if (msg_out_init(&p, MSG_PARENT_HELLO_OK, s->preqid, 0) == -1 ||
		    msg_put_u32(&p, s->conn) == -1 ||
		    msg_put_bin(&p, nonce, sizeof(nonce)) == -1 ||
		    msg_put_bin(&p, "", 0) == -1)
			abort();
	} else if (msg_out_init(&p, MSG_PARENT_CLIENT_FAIL, s->preqid, 0) ==
	    -1 || msg_put_u32(&p, s->conn) == -1 ||
	    msg_put_u32(&p, WIRE_ERR_NO_MANIFEST) == -1 ||
	    msg_put_str(&p, "no manifest") == -1)
		abort();
	if (msg_out_finish(&p, err, sizeof(err)) == -1 ||
	    msg_decode(&m, msg_types, MSG_TYPE_MAX, p.buf + MSG_HDRLEN, p.len,
	    err, sizeof(err)) == -1 || msg_get_u32(&m, &conn) == -1 ||
	    front_session_answer(s, &m, &c, &result, &close) == -1)
		abort();
	if (s->reqid != 0 || s->preqid != 0)
		abort();
	msg_clear(&m);
	msg_out_free(&c);
	msg_out_free(&p);
	return close;
}

/* A request frame for the parent: its type, reqid and our conn id. */
static void
check_forward(const struct front_session *s, struct msg_out *o)
{
	struct msg	 m;
	char		 err[MSG_ERRLEN];
	uint32_t	 conn;

	if (msg_out_finish(o, err, sizeof(err)) == -1 ||
	    msg_decode(&m, msg_types, MSG_TYPE_MAX, o->buf + MSG_HDRLEN,
	    o->len, err, sizeof(err)) == -1 || m.type != s->ptype ||
	    m.reqid != s->preqid || msg_get_u32(&m, &conn) == -1 ||
	    conn != s->conn)
		abort();
	msg_clear(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct front_budget	 b = { 0, 4u * 1024 * 1024 };
	struct front_session	 s;
	struct front_rx		 rx;
	struct msg_out		 o;
	uint8_t			*p;
	size_t			 n, step, off = 1;
	char			 why[MSG_ERRLEN];
	int			 rv;

	if (len < 1)
		return 0;
	memset(&s, 0, sizeof(s));
	s.api = (data[0] & 1) ? MSG_API_MESH : MSG_API_USER;
	s.conn = CONN;
	memcpy(s.ip, "198.51.100.1", 13);
	s.hello = (data[0] & 2) ? 2 : 0;
	s.version = WIRE_VERSION;
	step = 1 + (data[0] >> 2);	/* read sizes 1..64 */
	front_rx_init(&rx, &b);
	while (off < len) {
		if ((n = front_rx_space(&rx, &p)) == 0)
			abort();
		if (n > step)
			n = step;
		if (n > len - off)
			n = len - off;
		memcpy(p, data + off, n);
		off += n;
		rv = front_rx_advance(&rx, n, s.api == MSG_API_MESH ?
		    WIRE_MAX_FRAME_MESH : WIRE_MAX_FRAME_USER, why,
		    sizeof(why));
		if (rv == FRX_MORE)
			continue;
		if (rv != FRX_FRAME)
			break;		/* the front drops the client */
		rv = front_session_request(&s, rx.buf, rx.len, &o, newreq,
		    NULL, why, sizeof(why));
		front_rx_reset(&rx);
		if (rv < 0)
			break;
		if (rv == FSR_FORWARD) {
			check_forward(&s, &o);
			msg_out_free(&o);
			if (reply(&s))
				break;
			continue;
		}
		msg_out_free(&o);
		if (rv == FSR_ANSWER_CLOSE)
			break;
		s.type = 0;
	}
	front_rx_reset(&rx);
	if (b.used != 0)
		abort();
	return 0;
}
