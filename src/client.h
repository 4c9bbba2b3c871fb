/*
 * A blocking client session of the client protocol (doc/PROTOCOL.md), for
 * the CLI and the initializer: TLS connect, HELLO, then request/answer.
 */
#ifndef CONTRAST_CLIENT_H
#define CONTRAST_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "tls.h"
#include "wire.h"

struct client {
	struct tls_conn	 conn;
	uint32_t	 version;
	uint32_t	 next_reqid;
	size_t		 maxframe;	/* cap on frames from the server */
	uint64_t	 gen;		/* generation of the last answer */
	uint8_t		 client_nonce[WIRE_NONCE_LEN];
	uint8_t		 server_nonce[WIRE_NONCE_LEN];
	uint8_t		 exporter[WIRE_EXPORTER_LEN];
	uint8_t		*evidence;	/* the Coordinator's, if asked for */
	size_t		 evidence_len;
};

/*
 * Connect to "host:port", handshake, HELLO.  want_evidence asks for the
 * Coordinator's attestation (bound to client_nonce and the exporter).
 * 0 or -1 with err naming the peer.
 */
int	 client_open(struct client *, const char *, int, int, char *, size_t);
void	 client_close(struct client *);

/* Start a request of type on this session (reqid and caps set). */
int	 client_request(struct client *, struct msg_out *, uint32_t, char *,
	    size_t);

/*
 * Send o, read one answer, decode it (non-fatal mode).  On the expected
 * type: 0, *frame holds the buffer m refers into (caller frees both:
 * msg_clear(m), then free or msg_freezero the frame).  On a WIRE_ERROR
 * answer: -1, *code set and err "<peer>: <code name>: <message>".  On
 * anything else: -1, *code = 0, err says why.
 */
int	 client_call(struct client *, struct msg_out *, uint32_t, uint8_t **,
	    size_t *, struct msg *, uint32_t *, char *, size_t);

#endif
