/*
 * TLS 1.3 for the client protocol.  Certificates carry no trust: the
 * Coordinator's key is ephemeral and self-signed, and both ends bind
 * attestation to the session through the TLS exporter instead
 * (doc/PROTOCOL.md "Transport").
 */
#ifndef CONTRAST_TLS_H
#define CONTRAST_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

/*
 * Server context: TLS 1.3 only, a fresh P-256 key and self-signed cert;
 * read-ahead, partial writes, cleansed plaintext, no session tickets.
 */
SSL_CTX	*tls_server_ctx_new(char *, size_t);
/* Client context: TLS 1.3 only, no certificate verification (see above). */
SSL_CTX	*tls_client_ctx_new(char *, size_t);
/* The session's 32-byte exporter (label WIRE_EXPORTER_LABEL). 0 or -1. */
int	 tls_exporter(SSL *, uint8_t[32]);

/* A blocking client connection with I/O timeouts. */
struct tls_conn {
	int		 fd;
	SSL		*ssl;
	SSL_CTX		*ctx;
	char		 peer[300];	/* "host:port" for messages */
};

/*
 * Resolve "host:port" (IPv4, IPv6 in brackets, or a name), connect with
 * a timeout in seconds, and complete the TLS handshake.  0 or -1 with err
 * naming the peer.
 */
int	 tls_connect(const char *, int, struct tls_conn *, char *, size_t);
void	 tls_conn_close(struct tls_conn *);
/* Write all of buf. 0 or -1. */
int	 tls_write_all(struct tls_conn *, const void *, size_t, char *, size_t);
/*
 * Read one frame (u32 length + body) of at most max bytes, refusing a
 * larger length before allocating.  *buf is malloc'd (*len bytes).
 */
int	 tls_read_frame(struct tls_conn *, size_t, uint8_t **, size_t *, char *,
	    size_t);

/* Split "host:port" into host (brackets removed) and port. 0 or -1. */
int	 tls_split_hostport(const char *, char *, size_t, char *, size_t);

#endif
