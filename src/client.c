/*
 * Client side of the client protocol.  Every answer is decoded with the
 * same non-fatal msgpack code and type table the server uses, so a
 * hostile server gets the same scrutiny as a hostile client.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "client.h"

int
client_request(struct client *c, struct msg_out *o, uint32_t type, char *err,
    size_t errlen)
{
	if (++c->next_reqid == 0)
		c->next_reqid = 1;
	if (msg_out_init_table(o, wire_types, WIRE_TYPE_MAX, 0, type,
	    c->next_reqid, 0) == -1) {
		snprintf(err, errlen, "%s: %s", c->conn.peer, o->err);
		return -1;
	}
	return 0;
}

int
client_call(struct client *c, struct msg_out *o, uint32_t want, uint8_t **framep,
    size_t *lenp, struct msg *m, uint32_t *code, char *err, size_t errlen)
{
	uint8_t		*frame = NULL;
	size_t		 len;
	uint32_t	 reqid = c->next_reqid;
	char		 why[MSG_ERRLEN];
	const struct msg_typeinfo *ti;

	*code = 0;
	if (msg_out_finish(o, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", c->conn.peer, why);
		return -1;
	}
	if (tls_write_all(&c->conn, o->buf, MSG_HDRLEN + o->len, err,
	    errlen) == -1)
		return -1;
	if (tls_read_frame(&c->conn, c->maxframe, &frame, &len, err,
	    errlen) == -1)
		return -1;
	if (msg_decode(m, wire_types, WIRE_TYPE_MAX, frame, len, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: bad answer: %s", c->conn.peer, why);
		goto fail;
	}
	ti = &wire_types[m->type];
	if (m->type == WIRE_ERROR) {
		char	*text = NULL;

		if (msg_get_u32(m, code) == -1 ||
		    msg_get_str(m, &text, WIRE_MAX_MESSAGE) == -1 ||
		    msg_end(m) == -1) {
			snprintf(err, errlen, "%s: bad error answer: %s",
			    c->conn.peer, msg_errstr(m));
			*code = 0;
			free(text);
			goto fail;
		}
		snprintf(err, errlen, "%s: %s: %s", c->conn.peer,
		    wire_error_name(*code), text);
		free(text);
		goto fail;
	}
	if (m->type != want || m->reqid != reqid) {
		snprintf(err, errlen, "%s: unexpected answer %s (reqid %u)",
		    c->conn.peer, ti->name, m->reqid);
		goto fail;
	}
	c->gen = m->gen;
	*framep = frame;
	*lenp = len;
	return 0;
 fail:
	msg_clear(m);
	msg_freezero(frame, len);
	return -1;
}

int
client_open(struct client *c, const char *hostport, int timeout,
    int want_evidence, char *err, size_t errlen)
{
	struct msg_out	 o;
	struct msg	 m;
	uint8_t		*frame = NULL;
	size_t		 len = 0;
	uint32_t	 code, version = WIRE_VERSION;
	uint8_t		*ev = NULL;
	size_t		 evlen = 0;

	memset(c, 0, sizeof(*c));
	memset(&o, 0, sizeof(o));
	c->maxframe = wire_types[WIRE_GET_MANIFESTS_OK].maxlen;
	if (tls_connect(hostport, timeout, &c->conn, err, errlen) == -1)
		return -1;
	if (tls_exporter(c->conn.ssl, c->exporter) == -1 ||
	    RAND_bytes(c->client_nonce, sizeof(c->client_nonce)) != 1) {
		snprintf(err, errlen, "%s: cannot derive session values",
		    hostport);
		goto fail;
	}
	if (client_request(c, &o, WIRE_HELLO, err, errlen) == -1)
		goto fail;
	/* We speak exactly one version: min = max. */
	if (msg_put_u32(&o, version) == -1 || msg_put_u32(&o, version) == -1 ||
	    msg_put_bin(&o, c->client_nonce, sizeof(c->client_nonce)) == -1 ||
	    msg_put_bool(&o, want_evidence) == -1) {
		snprintf(err, errlen, "%s: %s", hostport, o.err);
		goto fail;
	}
	if (client_call(c, &o, WIRE_HELLO_OK, &frame, &len, &m, &code, err,
	    errlen) == -1)
		goto fail;
	msg_out_free(&o);
	if (msg_get_u32(&m, &c->version) == -1 ||
	    msg_get_fixbin(&m, c->server_nonce, sizeof(c->server_nonce)) ==
	    -1 ||
	    msg_get_bin(&m, &ev, &evlen, WIRE_MAX_EVIDENCE) == -1 ||
	    msg_end(&m) == -1) {
		snprintf(err, errlen, "%s: bad HELLO_OK: %s", hostport,
		    msg_errstr(&m));
		goto fail_msg;
	}
	if (c->version != WIRE_VERSION) {
		snprintf(err, errlen, "%s: server chose unsupported version %u",
		    hostport, c->version);
		goto fail_msg;
	}
	if (want_evidence && evlen == 0) {
		snprintf(err, errlen, "%s: no attestation evidence", hostport);
		goto fail_msg;
	}
	c->evidence = ev;
	c->evidence_len = evlen;
	msg_clear(&m);
	free(frame);
	return 0;
 fail_msg:
	free(ev);
	msg_clear(&m);
	free(frame);
 fail:
	msg_out_free(&o);
	client_close(c);
	return -1;
}

void
client_close(struct client *c)
{
	tls_conn_close(&c->conn);
	free(c->evidence);
	c->evidence = NULL;
	c->evidence_len = 0;
	OPENSSL_cleanse(c->exporter, sizeof(c->exporter));
}
