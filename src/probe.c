/*
 * The HTTP/1.x subset of the probe port (9102): one request per
 * connection, request line and headers only, strictly CRLF.  Kubelet
 * probes and curl fit in it; anything else is malformed and gets 400.
 * The parser is pure (bytes in, verdict out) so it can be fuzzed alone.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "coordinator.h"

#define PROBE_TARGET_MAX	256
#define PROBE_HEADERS_MAX	32

static int
probe_tchar(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Find CRLF in p[0..len): index of CR, or -1. */
static long
probe_eol(const uint8_t *p, size_t len)
{
	size_t	 i;

	for (i = 0; i + 1 < len; i++)
		if (p[i] == '\r')
			return p[i + 1] == '\n' ? (long)i : -2;
	return -1;
}

static int
probe_header(const uint8_t *p, size_t len)
{
	size_t	 i, n;
	int	 cl;

	for (n = 0; n < len && probe_tchar(p[n]); n++)
		;
	if (n == 0 || n >= len || p[n] != ':')
		return -1;
	cl = n == 14 && strncasecmp((const char *)p, "content-length", 14) == 0;
	if (n == 17 &&
	    strncasecmp((const char *)p, "transfer-encoding", 17) == 0)
		return -1;	/* probes carry no body */
	for (i = n + 1; i < len; i++)
		if (p[i] != '\t' && (p[i] < 0x20 || p[i] == 0x7f))
			return -1;
	if (cl) {
		/* Only "Content-Length: 0" (OWS around it) is acceptable. */
		for (i = n + 1; i < len && (p[i] == ' ' || p[i] == '\t'); i++)
			;
		if (i >= len || p[i] != '0')
			return -1;
		for (i++; i < len; i++)
			if (p[i] != ' ' && p[i] != '\t')
				return -1;
	}
	return 0;
}

int
probe_parse(const uint8_t *buf, size_t len, struct probe_req *req)
{
	const uint8_t	*p, *sp1, *sp2, *q;
	size_t		 tlen, i, nhdr = 0;
	long		 eol;

	/* Reject bytes no request may hold as soon as they arrive. */
	for (i = 0; i < len; i++)
		if (buf[i] == 0 || buf[i] == 0x7f ||
		    (buf[i] < 0x20 && buf[i] != '\r' && buf[i] != '\n' &&
		    buf[i] != '\t') || buf[i] >= 0x80)
			return PROBE_BAD;
	if ((eol = probe_eol(buf, len)) == -2)
		return PROBE_BAD;
	if (eol == -1)
		return len >= PROBE_REQ_MAX || memchr(buf, '\n', len) != NULL ?
		    PROBE_BAD : PROBE_INCOMPLETE;

	/* Request line: METHOD SP TARGET SP HTTP/1.x */
	p = buf;
	if ((sp1 = memchr(p, ' ', (size_t)eol)) == NULL || sp1 == p)
		return PROBE_BAD;
	for (q = p; q < sp1; q++)
		if (!probe_tchar(*q))
			return PROBE_BAD;
	if ((sp2 = memchr(sp1 + 1, ' ', (size_t)(p + eol - sp1 - 1))) == NULL)
		return PROBE_BAD;
	tlen = (size_t)(sp2 - sp1 - 1);
	if (tlen == 0 || tlen > PROBE_TARGET_MAX || sp1[1] != '/')
		return PROBE_BAD;
	for (q = sp1 + 1; q < sp2; q++)
		if (*q <= 0x20)
			return PROBE_BAD;
	if ((size_t)(p + eol - sp2 - 1) != 8 ||
	    (memcmp(sp2 + 1, "HTTP/1.1", 8) != 0 &&
	    memcmp(sp2 + 1, "HTTP/1.0", 8) != 0))
		return PROBE_BAD;

	/* Headers up to the empty line. */
	p = buf + eol + 2;
	for (;;) {
		eol = probe_eol(p, len - (size_t)(p - buf));
		if (eol == -2)
			return PROBE_BAD;
		if (eol == -1) {
			if (len >= PROBE_REQ_MAX ||
			    memchr(p, '\n', len - (size_t)(p - buf)) != NULL)
				return PROBE_BAD;
			return PROBE_INCOMPLETE;
		}
		if (eol == 0)
			break;
		if (++nhdr > PROBE_HEADERS_MAX ||
		    probe_header(p, (size_t)eol) == -1)
			return PROBE_BAD;
		p += eol + 2;
	}
	req->len = (size_t)(p + 2 - buf);
	if (req->len > PROBE_REQ_MAX)
		return PROBE_BAD;

	req->get = (size_t)(sp1 - buf) == 3 && memcmp(buf, "GET", 3) == 0;
	/* The path is the target up to any query. */
	for (q = sp1 + 1; q < sp2 && *q != '?'; q++)
		;
	tlen = (size_t)(q - sp1 - 1);
#define PATHIS(s)	(tlen == sizeof(s) - 1 && memcmp(sp1 + 1, s, tlen) == 0)
	if (PATHIS("/probe/startup"))
		req->path = PROBE_PATH_STARTUP;
	else if (PATHIS("/probe/liveness"))
		req->path = PROBE_PATH_LIVENESS;
	else if (PATHIS("/probe/readiness"))
		req->path = PROBE_PATH_READINESS;
	else if (PATHIS("/metrics"))
		req->path = PROBE_PATH_METRICS;
	else
		req->path = PROBE_PATH_OTHER;
#undef PATHIS
	return (int)req->len;
}

int
probe_response(char *buf, size_t len, int code, const char *body)
{
	const char	*reason;
	int		 n;

	switch (code) {
	case 200:
		reason = "OK";
		break;
	case 400:
		reason = "Bad Request";
		break;
	case 404:
		reason = "Not Found";
		break;
	case 405:
		reason = "Method Not Allowed";
		break;
	default:
		code = 503;
		reason = "Service Unavailable";
		break;
	}
	n = snprintf(buf, len, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: close\r\n"
	    "\r\n%s", code, reason, strlen(body), body);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}
