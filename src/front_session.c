/*
 * The client protocol state of one connection, without sockets: the
 * frame reader (length checked before allocation, growth with the bytes
 * that arrive) and the translation of client frames to the parent's
 * messages and back (doc/PROTOCOL.md, coord-contract messages).  Every
 * rule a client can break ends in FSR_DROP / FRX_BAD with a reason for
 * the one log line; nothing here is fatal for client input.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front.h"

/* Largest GET_MANIFESTS_OK arrays we relay (the frame cap binds first). */
#define FRONT_MAX_HISTORY	65536

void
front_rx_init(struct front_rx *rx, struct front_budget *b)
{
	memset(rx, 0, sizeof(*rx));
	rx->budget = b;
}

void
front_rx_reset(struct front_rx *rx)
{
	if (rx->buf != NULL) {
		explicit_bzero(rx->buf, rx->cap);
		free(rx->buf);
		rx->budget->used -= rx->cap;
	}
	explicit_bzero(rx->hdr, sizeof(rx->hdr));
	rx->buf = NULL;
	rx->hdrlen = rx->len = rx->have = rx->cap = 0;
}

int
front_rx_started(const struct front_rx *rx)
{
	return rx->hdrlen > 0;
}

size_t
front_rx_space(struct front_rx *rx, uint8_t **where)
{
	if (rx->hdrlen < MSG_HDRLEN) {
		*where = rx->hdr + rx->hdrlen;
		return MSG_HDRLEN - rx->hdrlen;
	}
	*where = rx->buf + rx->have;
	/* Up to the end of what is allocated; growth happens on advance. */
	return (rx->have < rx->len ? rx->cap : rx->have) - rx->have;
}

/* Make room for more of the frame: twice the buffer, at most len. */
static int
front_rx_grow(struct front_rx *rx, size_t want, char *err, size_t errlen)
{
	uint8_t	*nb;

	if (want - rx->cap > rx->budget->max - rx->budget->used) {
		snprintf(err, errlen, "frame buffers over the budget of %zu "
		    "bytes", rx->budget->max);
		return FRX_BUDGET;
	}
	if ((nb = malloc(want)) == NULL) {
		snprintf(err, errlen, "out of memory for a %zu-byte frame",
		    rx->len);
		return FRX_BUDGET;
	}
	/* Copy and wipe, never realloc: no stale copy of frame bytes. */
	if (rx->buf != NULL) {
		memcpy(nb, rx->buf, rx->have);
		explicit_bzero(rx->buf, rx->cap);
		free(rx->buf);
	}
	rx->budget->used += want - rx->cap;
	rx->buf = nb;
	rx->cap = want;
	return FRX_MORE;
}

int
front_rx_advance(struct front_rx *rx, size_t n, size_t maxframe, char *err,
    size_t errlen)
{
	char	 why[MSG_ERRLEN];
	size_t	 want;
	int	 rv;

	if (rx->hdrlen < MSG_HDRLEN) {
		rx->hdrlen += n;
		if (rx->hdrlen < MSG_HDRLEN)
			return FRX_MORE;
		/* The announced length decides nothing yet: check it. */
		if (msg_frame_len(rx->hdr, maxframe, &rx->len, why,
		    sizeof(why)) == -1) {
			snprintf(err, errlen, "frame length: %s", why);
			return FRX_BAD;
		}
		want = rx->len < FRONT_RX_CHUNK ? rx->len : FRONT_RX_CHUNK;
		return front_rx_grow(rx, want, err, errlen);
	}
	rx->have += n;
	if (rx->have == rx->len)
		return FRX_FRAME;
	if (rx->have == rx->cap) {
		want = rx->cap > rx->len / 2 ? rx->len : rx->cap * 2;
		if ((rv = front_rx_grow(rx, want, err, errlen)) != FRX_MORE)
			return rv;
	}
	return FRX_MORE;
}

/* Metric labels of the request types (front_type_index order). */
static const uint32_t front_req_types[FRONT_NTYPES] = {
	WIRE_HELLO, WIRE_SET_MANIFEST, WIRE_GET_MANIFESTS, WIRE_RECOVER,
	WIRE_MESH_CERT
};
static const char *const front_req_labels[FRONT_NTYPES] = {
	"hello", "set_manifest", "get_manifests", "recover", "mesh_cert"
};

int
front_type_index(uint32_t type)
{
	int	 i;

	for (i = 0; i < FRONT_NTYPES; i++)
		if (front_req_types[i] == type)
			return i;
	return -1;
}

const char *
front_type_label(int i)
{
	return i >= 0 && i < FRONT_NTYPES ? front_req_labels[i] : "unknown";
}

/* Writes why and returns rv: FSR_DROP or FSR_VIOLATION. */
static int
front_why(int rv, char *why, size_t whylen, const char *fmt, ...)
    __attribute__((__format__ (printf, 4, 5)));

static int
front_why(int rv, char *why, size_t whylen, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return rv;
}

/* A frame of the wrong shape; a breach of the session's rules. */
#define front_drop(why, whylen, ...)					\
	front_why(FSR_DROP, (why), (whylen), __VA_ARGS__)
#define front_violation(why, whylen, ...)				\
	front_why(FSR_VIOLATION, (why), (whylen), __VA_ARGS__)

int
front_session_error(struct msg_out *o, uint32_t reqid, uint32_t code,
    const char *text)
{
	char	 msg[WIRE_MAX_MESSAGE];
	size_t	 n;

	/* Cut to the limit on a UTF-8 character boundary. */
	n = strlen(text);
	if (n >= sizeof(msg)) {
		n = sizeof(msg) - 1;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(msg, text, n);
	msg[n] = '\0';
	if (msg_out_init_table(o, wire_types, WIRE_TYPE_MAX, 0, WIRE_ERROR,
	    reqid, 0) == -1 || msg_put_u32(o, code) == -1 ||
	    msg_put_str(o, msg) == -1)
		return -1;
	return 0;
}

/* The body of HELLO: version choice, then the parent request. */
static int
front_hello(struct front_session *s, struct msg *m, struct msg_out *o,
    front_reqid_fn newreq, void *arg, char *why, size_t whylen)
{
	uint8_t		 nonce[WIRE_NONCE_LEN];
	uint32_t	 vmin, vmax;
	int		 want;

	if (msg_get_u32(m, &vmin) == -1 || msg_get_u32(m, &vmax) == -1 ||
	    msg_get_fixbin(m, nonce, sizeof(nonce)) == -1 ||
	    msg_get_bool(m, &want) == -1 || msg_end(m) == -1)
		return front_drop(why, whylen, "HELLO: %s", msg_errstr(m));
	if (s->hello != 0)
		return front_violation(why, whylen, "second HELLO");
	/* The highest version in the client's range that we speak. */
	if (vmin > WIRE_VERSION || vmax < WIRE_VERSION) {
		if (front_session_error(o, m->reqid,
		    WIRE_ERR_UNSUPPORTED_VERSION, "this coordinator speaks "
		    "protocol version 1 only") == -1)
			return front_drop(why, whylen, "error frame: %s",
			    o->err);
		s->answered = WIRE_ERR_UNSUPPORTED_VERSION;
		s->hello = 3;	/* refused: nothing more on this session */
		return FSR_ANSWER_CLOSE;
	}
	s->version = WIRE_VERSION;
	if ((s->preqid = newreq(arg, MSG_FRONT_HELLO_REQ)) == 0)
		goto busy;
	s->ptype = MSG_FRONT_HELLO_REQ;
	if (msg_out_init(o, MSG_FRONT_HELLO_REQ, s->preqid, 0) == -1 ||
	    msg_put_u32(o, s->conn) == -1 || msg_put_u32(o, s->api) == -1 ||
	    msg_put_str(o, s->ip) == -1 ||
	    msg_put_bin(o, nonce, sizeof(nonce)) == -1 ||
	    msg_put_bin(o, s->exporter, sizeof(s->exporter)) == -1 ||
	    msg_put_bool(o, want) == -1)
		return front_drop(why, whylen, "HELLO_REQ: %s", o->err);
	s->hello = 1;
	return FSR_FORWARD;
 busy:
	if (front_session_error(o, m->reqid, WIRE_ERR_INTERNAL,
	    "coordinator busy") == -1)
		return front_drop(why, whylen, "error frame: %s", o->err);
	s->answered = WIRE_ERR_INTERNAL;
	return FSR_ANSWER_CLOSE;
}

/*
 * A valid request: take a parent reqid and start its frame with conn.
 * FSR_ANSWER (a "busy" ERROR in *o) when the parent channel has too many
 * requests outstanding.
 */
static int
front_begin(struct front_session *s, struct msg *m, uint32_t ptype,
    struct msg_out *o, front_reqid_fn newreq, void *arg, char *why,
    size_t whylen)
{
	if ((s->preqid = newreq(arg, ptype)) == 0) {
		if (front_session_error(o, m->reqid, WIRE_ERR_INTERNAL,
		    "coordinator busy") == -1)
			return front_drop(why, whylen, "error frame: %s",
			    o->err);
		s->answered = WIRE_ERR_INTERNAL;
		return FSR_ANSWER;
	}
	s->ptype = ptype;
	if (msg_out_init(o, ptype, s->preqid, 0) == -1 ||
	    msg_put_u32(o, s->conn) == -1)
		return front_drop(why, whylen, "%s: %s", msg_type_name(ptype),
		    o->err);
	return FSR_FORWARD;
}

/*
 * SET_MANIFEST: copy every field out within the protocol's limits, then
 * repack for the parent.  The parent re-checks the semantics; the front
 * only guarantees shapes and sizes.
 */
static int
front_set(struct front_session *s, struct msg *m, struct msg_out *o,
    front_reqid_fn newreq, void *arg, char *why, size_t whylen)
{
	struct msg_bin	*pols = NULL;
	uint8_t		*man = NULL, *prev = NULL, *sig = NULL;
	uint8_t		*key = NULL;
	size_t		 manlen, npols = 0, prevlen, siglen, keylen;
	int		 rv = FSR_FORWARD;

	if (msg_get_bin(m, &man, &manlen, WIRE_MAX_MANIFEST) == -1 ||
	    msg_get_bin_array(m, &pols, &npols, WIRE_MAX_POLICIES,
	    WIRE_MAX_POLICY) == -1 ||
	    msg_get_bin(m, &prev, &prevlen, WIRE_HASH_LEN) == -1 ||
	    msg_get_bin(m, &sig, &siglen, WIRE_MAX_SIGNATURE) == -1 ||
	    msg_get_bin(m, &key, &keylen, WIRE_MAX_KEY) == -1 ||
	    msg_end(m) == -1) {
		rv = front_drop(why, whylen, "SET_MANIFEST: %s",
		    msg_errstr(m));
		goto out;
	}
	if (prevlen != 0 && prevlen != WIRE_HASH_LEN) {
		rv = front_drop(why, whylen, "SET_MANIFEST: previous "
		    "transition of %zu bytes (want 0 or 32)", prevlen);
		goto out;
	}
	if ((rv = front_begin(s, m, MSG_FRONT_SET_MANIFEST_REQ, o, newreq,
	    arg, why, whylen)) != FSR_FORWARD)
		goto out;
	if (msg_put_bin(o, man, manlen) == -1 ||
	    msg_put_bin_array(o, pols, npols) == -1 ||
	    msg_put_bin(o, prev, prevlen) == -1 ||
	    msg_put_bin(o, sig, siglen) == -1 ||
	    msg_put_bin(o, key, keylen) == -1)
		rv = front_drop(why, whylen, "SET_MANIFEST_REQ: %s", o->err);
 out:
	free(man);
	msg_free_bin_array(pols, npols, 0);
	free(prev);
	free(sig);
	free(key);
	return rv;
}

/* RECOVER carries the seed: every copy is zeroed. */
static int
front_recover(struct front_session *s, struct msg *m, struct msg_out *o,
    front_reqid_fn newreq, void *arg, char *why, size_t whylen)
{
	uint8_t		 seed[WIRE_SEED_LEN], salt[WIRE_SALT_LEN];
	uint8_t		*key = NULL, *sig = NULL, *head = NULL;
	size_t		 keylen = 0, siglen = 0, headlen = 0;
	int		 rv = FSR_FORWARD;

	if (msg_get_bin(m, &key, &keylen, WIRE_MAX_KEY) == -1 ||
	    msg_get_fixbin(m, seed, sizeof(seed)) == -1 ||
	    msg_get_fixbin(m, salt, sizeof(salt)) == -1 ||
	    msg_get_bin(m, &sig, &siglen, WIRE_MAX_SIGNATURE) == -1 ||
	    msg_get_bin(m, &head, &headlen, WIRE_HASH_LEN) == -1 ||
	    msg_end(m) == -1)
		rv = front_drop(why, whylen, "RECOVER: %s", msg_errstr(m));
	else if (headlen != 0 && headlen != WIRE_HASH_LEN)
		rv = front_drop(why, whylen, "RECOVER: expected head of %zu "
		    "bytes", headlen);
	else if ((rv = front_begin(s, m, MSG_FRONT_RECOVER_REQ, o, newreq,
	    arg, why, whylen)) != FSR_FORWARD)
		;
	else if (msg_put_bin(o, key, keylen) == -1 ||
	    msg_put_bin(o, seed, sizeof(seed)) == -1 ||
	    msg_put_bin(o, salt, sizeof(salt)) == -1 ||
	    msg_put_bin(o, sig, siglen) == -1 ||
	    msg_put_bin(o, head, headlen) == -1)
		rv = front_drop(why, whylen, "RECOVER_REQ: %s", o->err);
	explicit_bzero(seed, sizeof(seed));
	explicit_bzero(salt, sizeof(salt));
	free(key);
	free(sig);
	free(head);
	return rv;
}

static int
front_meshcert(struct front_session *s, struct msg *m, struct msg_out *o,
    front_reqid_fn newreq, void *arg, char *why, size_t whylen)
{
	uint8_t		*ev = NULL, *key = NULL;
	size_t		 evlen, keylen;
	int		 rv = FSR_FORWARD;

	if (msg_get_bin(m, &ev, &evlen, WIRE_MAX_EVIDENCE) == -1 ||
	    msg_get_bin(m, &key, &keylen, WIRE_MAX_KEY) == -1 ||
	    msg_end(m) == -1)
		rv = front_drop(why, whylen, "MESH_CERT: %s", msg_errstr(m));
	else if ((rv = front_begin(s, m, MSG_FRONT_MESH_CERT_REQ, o, newreq,
	    arg, why, whylen)) != FSR_FORWARD)
		;
	else if (msg_put_bin(o, ev, evlen) == -1 ||
	    msg_put_bin(o, key, keylen) == -1)
		rv = front_drop(why, whylen, "MESH_CERT_REQ: %s", o->err);
	free(ev);
	free(key);
	return rv;
}

int
front_session_request(struct front_session *s, const uint8_t *frame,
    size_t len, struct msg_out *o, front_reqid_fn newreq, void *arg,
    char *why, size_t whylen)
{
	struct msg	 m;
	char		 err[MSG_ERRLEN];
	uint32_t	 ptype;
	int		 rv;

	memset(o, 0, sizeof(*o));
	s->preqid = 0;
	s->answered = 0;
	if (msg_decode(&m, wire_types, WIRE_TYPE_MAX, frame, len, err,
	    sizeof(err)) == -1)
		return front_drop(why, whylen, "%s", err);
	if (s->reqid != 0) {
		/* Cannot happen: we do not read while a request is out. */
		rv = front_violation(why, whylen,
		    "request while one is in flight");
		goto out;
	}
	if ((wire_types[m.type].flags & MSGT_REQ) == 0) {
		rv = front_violation(why, whylen, "%s is not a request",
		    wire_types[m.type].name);
		goto out;
	}
	s->reqid = m.reqid;
	s->type = m.type;
	if (m.type == WIRE_HELLO) {
		rv = front_hello(s, &m, o, newreq, arg, why, whylen);
		goto out;
	}
	if (s->hello != 2) {
		rv = front_violation(why, whylen, "%s before HELLO",
		    wire_types[m.type].name);
		goto out;
	}
	switch (m.type) {
	case WIRE_SET_MANIFEST:
		ptype = MSG_FRONT_SET_MANIFEST_REQ;
		break;
	case WIRE_GET_MANIFESTS:
		ptype = MSG_FRONT_GET_MANIFESTS_REQ;
		break;
	case WIRE_RECOVER:
		ptype = MSG_FRONT_RECOVER_REQ;
		break;
	default:
		ptype = MSG_FRONT_MESH_CERT_REQ;
		break;
	}
	if ((ptype == MSG_FRONT_MESH_CERT_REQ) != (s->api == MSG_API_MESH)) {
		rv = front_violation(why, whylen, "%s on the %s API",
		    wire_types[m.type].name,
		    s->api == MSG_API_MESH ? "mesh" : "user");
		goto out;
	}
	switch (m.type) {
	case WIRE_SET_MANIFEST:
		rv = front_set(s, &m, o, newreq, arg, why, whylen);
		break;
	case WIRE_GET_MANIFESTS:
		if (msg_end(&m) == -1)
			rv = front_drop(why, whylen, "GET_MANIFESTS: %s",
			    msg_errstr(&m));
		else
			rv = front_begin(s, &m, ptype, o, newreq, arg, why,
			    whylen);
		break;
	case WIRE_RECOVER:
		rv = front_recover(s, &m, o, newreq, arg, why, whylen);
		break;
	default:
		rv = front_meshcert(s, &m, o, newreq, arg, why, whylen);
		break;
	}
 out:
	msg_clear(&m);
	if (rv < 0) {
		msg_out_free(o);
		s->type = 0;
	}
	/* Answered here (s->type still names it) or dropped. */
	if (rv != FSR_FORWARD)
		s->reqid = 0;
	return rv;
}

/*
 * Starts the client frame answering m.  A sized frame is as big as the
 * parent's (the same fields, less its header and conn, plus slack): it
 * is fixed from the start, as a secret frame must be and a large one
 * had better be.
 */
static int
front_answer_init(struct front_session *s, struct msg *m, struct msg_out *o,
    uint32_t type, int sized)
{
	return msg_out_init_table(o, wire_types, WIRE_TYPE_MAX,
	    sized ? m->len + 64 : 0, type, s->reqid, m->gen);
}

/* Fields of an OK answer, type by type; the client frame is *o. */
static int
front_answer_ok(struct front_session *s, struct msg *m, struct msg_out *o)
{
	struct msg_bin	*mans = NULL, *pols = NULL;
	uint8_t		 nonce[WIRE_NONCE_LEN], latest[WIRE_HASH_LEN];
	uint8_t		*bin = NULL;
	char		*s1 = NULL, *s2 = NULL, *s3 = NULL;
	size_t		 binlen = 0, nmans = 0, npols = 0;
	int		 rv = -1;

	switch (m->type) {
	case MSG_PARENT_HELLO_OK:
		if (msg_get_fixbin(m, nonce, sizeof(nonce)) == -1 ||
		    msg_get_bin(m, &bin, &binlen, WIRE_MAX_EVIDENCE) == -1 ||
		    msg_end(m) == -1)
			break;
		if (front_answer_init(s, m, o, WIRE_HELLO_OK, 0) == -1 ||
		    msg_put_u32(o, s->version) == -1 ||
		    msg_put_bin(o, nonce, sizeof(nonce)) == -1 ||
		    msg_put_bin(o, bin, binlen) == -1)
			break;
		s->hello = 2;
		rv = 0;
		break;
	case MSG_PARENT_SET_MANIFEST_OK:
		if (msg_get_str(m, &s1, WIRE_MAX_PEM) == -1 ||
		    msg_get_str(m, &s2, WIRE_MAX_PEM) == -1 ||
		    msg_get_bin(m, &bin, &binlen, WIRE_MAX_MANIFEST) == -1 ||
		    msg_end(m) == -1)
			break;
		if (front_answer_init(s, m, o, WIRE_SET_MANIFEST_OK,
		    0) == -1 ||
		    msg_put_str(o, s1) == -1 || msg_put_str(o, s2) == -1 ||
		    msg_put_bin(o, bin, binlen) == -1)
			break;
		rv = 0;
		break;
	case MSG_PARENT_GET_MANIFESTS_OK:
		if (msg_get_bin_array(m, &mans, &nmans, FRONT_MAX_HISTORY,
		    WIRE_MAX_MANIFEST) == -1 ||
		    msg_get_bin_array(m, &pols, &npols, FRONT_MAX_HISTORY,
		    WIRE_MAX_POLICY) == -1 ||
		    msg_get_str(m, &s1, WIRE_MAX_PEM) == -1 ||
		    msg_get_str(m, &s2, WIRE_MAX_PEM) == -1 ||
		    msg_get_fixbin(m, latest, sizeof(latest)) == -1 ||
		    msg_get_bin(m, &bin, &binlen, WIRE_MAX_SIGNATURE) == -1 ||
		    msg_end(m) == -1)
			break;
		if (front_answer_init(s, m, o, WIRE_GET_MANIFESTS_OK,
		    1) == -1 || msg_put_bin_array(o, mans, nmans) == -1 ||
		    msg_put_bin_array(o, pols, npols) == -1 ||
		    msg_put_str(o, s1) == -1 || msg_put_str(o, s2) == -1 ||
		    msg_put_bin(o, latest, sizeof(latest)) == -1 ||
		    msg_put_bin(o, bin, binlen) == -1)
			break;
		rv = 0;
		break;
	case MSG_PARENT_RECOVER_OK:
		if (msg_get_str(m, &s1, WIRE_MAX_PEM) == -1 ||
		    msg_get_str(m, &s2, WIRE_MAX_PEM) == -1 ||
		    msg_end(m) == -1)
			break;
		if (front_answer_init(s, m, o, WIRE_RECOVER_OK, 0) == -1 ||
		    msg_put_str(o, s1) == -1 || msg_put_str(o, s2) == -1)
			break;
		rv = 0;
		break;
	case MSG_PARENT_MESH_CERT_OK:
		/* The workload secret: the frame is MSGT_SECRET (zeroed on
		 * free), the copy is zeroed below. */
		if (msg_get_str(m, &s1, WIRE_MAX_PEM) == -1 ||
		    msg_get_str(m, &s2, 2 * WIRE_MAX_PEM) == -1 ||
		    msg_get_str(m, &s3, WIRE_MAX_PEM) == -1 ||
		    msg_get_bin(m, &bin, &binlen, WIRE_SECRET_LEN) == -1 ||
		    msg_end(m) == -1)
			break;
		if (binlen != 0 && binlen != WIRE_SECRET_LEN) {
			msg_error(m, "workload secret of %zu bytes", binlen);
			break;
		}
		if (front_answer_init(s, m, o, WIRE_MESH_CERT_OK, 1) == -1 ||
		    msg_put_str(o, s1) == -1 || msg_put_str(o, s2) == -1 ||
		    msg_put_str(o, s3) == -1 ||
		    msg_put_bin(o, bin, binlen) == -1)
			break;
		rv = 0;
		break;
	default:
		msg_error(m, "not an answer to a client request");
		break;
	}
	if (rv == -1 && o->err[0] != '\0')
		msg_error(m, "client frame: %s", o->err);
	msg_free_bin_array(mans, nmans, 0);
	msg_free_bin_array(pols, npols, 0);
	free(s1);
	free(s2);
	free(s3);
	msg_freezero(bin, binlen);
	return rv;
}

int
front_session_answer(struct front_session *s, struct msg *m,
    struct msg_out *o, uint32_t *result, int *close)
{
	static const uint32_t ok_for[] = {
		[WIRE_HELLO] = MSG_PARENT_HELLO_OK,
		[WIRE_SET_MANIFEST] = MSG_PARENT_SET_MANIFEST_OK,
		[WIRE_GET_MANIFESTS] = MSG_PARENT_GET_MANIFESTS_OK,
		[WIRE_RECOVER] = MSG_PARENT_RECOVER_OK,
		[WIRE_MESH_CERT] = MSG_PARENT_MESH_CERT_OK,
	};
	char		*text = NULL;
	uint32_t	 code;
	int		 rv;

	memset(o, 0, sizeof(*o));
	*close = 0;
	*result = 0;
	if (s->reqid == 0 || s->type >= sizeof(ok_for) / sizeof(ok_for[0]) ||
	    ok_for[s->type] == 0)
		return msg_error(m, "answer without a request in flight");
	if (m->type == MSG_PARENT_CLIENT_FAIL) {
		if (msg_get_u32(m, &code) == -1 ||
		    msg_get_str(m, &text, 4096) == -1 || msg_end(m) == -1)
			return -1;
		if (code == WIRE_ERR_NONE || code >= WIRE_ERR_MAX) {
			free(text);
			return msg_error(m, "client error code %u", code);
		}
		rv = front_session_error(o, s->reqid, code, text);
		free(text);
		if (rv == -1)
			return msg_error(m, "client frame: %s", o->err);
		*result = code;
		/* A session whose HELLO failed never started. */
		if (s->type == WIRE_HELLO) {
			s->hello = 3;
			*close = 1;
		}
	} else {
		if (m->type != ok_for[s->type])
			return msg_error(m, "answer to a %s request",
			    wire_types[s->type].name);
		if (front_answer_ok(s, m, o) == -1) {
			msg_out_free(o);
			return -1;
		}
	}
	/* One nonce, one MESH_CERT: the connection has nothing left to do,
	 * and closing with the answer spares a wakeup for the client's. */
	if (s->type == WIRE_MESH_CERT)
		*close = 1;
	s->reqid = 0;
	s->type = 0;
	s->preqid = 0;
	s->ptype = 0;
	return 0;
}
