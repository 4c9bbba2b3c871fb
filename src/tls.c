/*
 * TLS helpers shared by the front (server contexts) and the clients.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <netdb.h>
#include <poll.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "msg.h"
#include "tls.h"
#include "wire.h"
#include "util.h"

static SSL_CTX *
tls_ctx_new(const SSL_METHOD *method, char *err, size_t errlen)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(method)) == NULL) {
		ossl_error(err, errlen, "SSL_CTX_new");
		return NULL;
	}
	/* TLS 1.3 only: the exporter binding assumes its key schedule. */
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
		ossl_error(err, errlen, "TLS 1.3");
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	return ctx;
}

SSL_CTX *
tls_server_ctx_new(char *err, size_t errlen)
{
	SSL_CTX		*ctx;
	EVP_PKEY	*key = NULL;
	X509		*cert = NULL;
	X509_NAME	*name;
	uint8_t		 serial[16];
	BIGNUM		*bn = NULL;

	if ((ctx = tls_ctx_new(TLS_server_method(), err, errlen)) == NULL)
		return NULL;
	/*
	 * Every connection's SSL inherits these.  Read-ahead: a flight in
	 * one read(2), not two per record; what is read past the current
	 * frame stays in OpenSSL (SSL_has_pending).
	 */
	SSL_CTX_set_read_ahead(ctx, 1);
	/*
	 * Partial writes: big answers go out as the socket takes them.
	 * Released buffers: 512 idle sessions cost little.  Cleansed
	 * plaintext: a RECOVER's seed does not linger in OpenSSL's read
	 * buffer.  No auto chain: the certificate is self-signed and
	 * trusted through attestation, so building a chain from the empty
	 * store on every handshake only costs time.
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_NO_AUTO_CHAIN);
#ifdef SSL_OP_CLEANSE_PLAINTEXT
	SSL_CTX_set_options(ctx, SSL_OP_CLEANSE_PLAINTEXT);
#endif
	/* No resumption (the exporter binding wants a full handshake):
	 * TLS 1.3 would otherwise send tickets nobody can use. */
	if (SSL_CTX_set_num_tickets(ctx, 0) != 1) {
		ossl_error(err, errlen, "TLS session tickets");
		goto fail;
	}
	if ((key = EVP_EC_gen("P-256")) == NULL) {
		ossl_error(err, errlen, "TLS key");
		goto fail;
	}
	if ((cert = X509_new()) == NULL ||
	    X509_set_version(cert, 2) != 1 ||
	    RAND_bytes(serial, sizeof(serial)) != 1 ||
	    (serial[0] &= 0x7f, (bn = BN_bin2bn(serial, sizeof(serial),
	    NULL)) == NULL) ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(cert), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(cert), 7 * 86400) == NULL ||
	    X509_set_pubkey(cert, key) != 1 ||
	    (name = X509_get_subject_name(cert)) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"contrast-coordinator", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(cert, name) != 1 ||
	    X509_sign(cert, key, EVP_sha256()) == 0) {
		ossl_error(err, errlen, "TLS certificate");
		goto fail;
	}
	if (SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ossl_error(err, errlen, "TLS certificate");
		goto fail;
	}
	BN_free(bn);
	X509_free(cert);
	EVP_PKEY_free(key);
	return ctx;
 fail:
	BN_free(bn);
	X509_free(cert);
	EVP_PKEY_free(key);
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *
tls_client_ctx_new(char *err, size_t errlen)
{
	SSL_CTX	*ctx;

	if ((ctx = tls_ctx_new(TLS_client_method(), err, errlen)) == NULL)
		return NULL;
	/* Trust comes from attestation bound to the exporter, not a CA. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

int
tls_exporter(SSL *ssl, uint8_t out[32])
{
	static const char label[] = WIRE_EXPORTER_LABEL;

	if (SSL_export_keying_material(ssl, out, 32, label, sizeof(label) - 1,
	    NULL, 0, 0) != 1) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

int
tls_split_hostport(const char *hp, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*colon, *h = hp;
	size_t		 n;

	if (*hp == '[') {
		const char	*end = strchr(hp, ']');

		if (end == NULL || end[1] != ':')
			return -1;
		h = hp + 1;
		n = (size_t)(end - h);
		colon = end + 1;
	} else {
		if ((colon = strrchr(hp, ':')) == NULL)
			return -1;
		n = (size_t)(colon - hp);
	}
	if (n == 0 || n >= hostlen || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= portlen ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	snprintf(port, portlen, "%s", colon + 1);
	return 0;
}

/* Connect one address with a timeout; -1 with errno on failure. */
static int
tls_connect_addr(const struct addrinfo *ai, int timeout)
{
	struct pollfd	 pfd;
	socklen_t	 sl;
	int		 fd, flags, soerr, n;

	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol)) == -1)
		return -1;
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		goto fail;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if ((n = poll(&pfd, 1, timeout * 1000)) <= 0) {
			if (n == 0)
				errno = ETIMEDOUT;
			goto fail;
		}
		sl = sizeof(soerr);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
			goto fail;
		if (soerr != 0) {
			errno = soerr;
			goto fail;
		}
	}
	if (fcntl(fd, F_SETFL, flags) == -1)
		goto fail;
	return fd;
 fail:
	n = errno;
	close(fd);
	errno = n;
	return -1;
}

int
tls_connect(const char *hostport, int timeout, struct tls_conn *c, char *err,
    size_t errlen)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	struct timeval	 tv;
	char		 host[256], port[16];
	int		 rv, saved = 0, one = 1;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	snprintf(c->peer, sizeof(c->peer), "%s", hostport);
	if (tls_split_hostport(hostport, host, sizeof(host), port,
	    sizeof(port)) == -1) {
		snprintf(err, errlen, "%s: not HOST:PORT", hostport);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rv = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", hostport, gai_strerror(rv));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((c->fd = tls_connect_addr(ai, timeout)) != -1)
			break;
		saved = errno;
	}
	freeaddrinfo(res);
	if (c->fd == -1) {
		snprintf(err, errlen, "%s: %s", hostport, strerror(saved));
		return -1;
	}
	/*
	 * Requests and answers are small writes; without this, Nagle and
	 * the peer's delayed ACK add ~40 ms to every round trip.
	 */
	if (setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one)) == -1) {
		snprintf(err, errlen, "%s: %s", hostport, strerror(errno));
		goto fail;
	}
	/* Every later read and write is bounded too: a stalled peer fails. */
	tv.tv_sec = timeout;
	tv.tv_usec = 0;
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1) {
		snprintf(err, errlen, "%s: %s", hostport, strerror(errno));
		goto fail;
	}
	if ((c->ctx = tls_client_ctx_new(err, errlen)) == NULL)
		goto fail;
	if ((c->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1) {
		ossl_error(err, errlen, "SSL_new");
		goto fail;
	}
	if (SSL_connect(c->ssl) != 1) {
		char	 what[400];

		snprintf(what, sizeof(what), "%s: TLS handshake failed",
		    hostport);
		ossl_error(err, errlen, what);
		goto fail;
	}
	return 0;
 fail:
	tls_conn_close(c);
	return -1;
}

void
tls_conn_close(struct tls_conn *c)
{
	if (c->ssl != NULL) {
		(void)SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	if (c->fd != -1)
		close(c->fd);
	c->ssl = NULL;
	c->ctx = NULL;
	c->fd = -1;
	ERR_clear_error();
}

int
tls_write_all(struct tls_conn *c, const void *buf, size_t len, char *err,
    size_t errlen)
{
	size_t	 done;

	if (len == 0)
		return 0;
	if (SSL_write_ex(c->ssl, buf, len, &done) != 1 || done != len) {
		char	 what[400];

		snprintf(what, sizeof(what), "%s: write failed", c->peer);
		ossl_error(err, errlen, what);
		return -1;
	}
	return 0;
}

static int
tls_read_exact(struct tls_conn *c, uint8_t *buf, size_t len, char *err,
    size_t errlen)
{
	size_t	 off = 0, n;

	while (off < len) {
		if (SSL_read_ex(c->ssl, buf + off, len - off, &n) != 1) {
			int	 e = SSL_get_error(c->ssl, 0);

			if (e == SSL_ERROR_ZERO_RETURN)
				snprintf(err, errlen,
				    "%s: connection closed by peer", c->peer);
			else if (e == SSL_ERROR_SYSCALL && (errno == EAGAIN ||
			    errno == EWOULDBLOCK))
				snprintf(err, errlen, "%s: timed out", c->peer);
			else {
				char	 what[400];

				snprintf(what, sizeof(what), "%s: read failed",
				    c->peer);
				ossl_error(err, errlen, what);
			}
			return -1;
		}
		off += n;
	}
	return 0;
}

int
tls_read_frame(struct tls_conn *c, size_t max, uint8_t **bufp, size_t *lenp,
    char *err, size_t errlen)
{
	uint8_t	 hdr[MSG_HDRLEN], *buf;
	size_t	 len;
	char	 why[MSG_ERRLEN];

	if (tls_read_exact(c, hdr, sizeof(hdr), err, errlen) == -1)
		return -1;
	if (msg_frame_len(hdr, max, &len, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: bad frame: %s", c->peer, why);
		return -1;
	}
	if ((buf = malloc(len)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", c->peer);
		return -1;
	}
	if (tls_read_exact(c, buf, len, err, errlen) == -1) {
		free(buf);
		return -1;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}
