/*
 * The probe port's request parser (src/probe.c): every path, every
 * prefix of a valid request is "incomplete", and malformed requests are
 * rejected as soon as the bad byte is seen.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "../tap.h"
#include "coordinator.h"

static int
parse(const char *s, struct probe_req *r)
{
	return probe_parse((const uint8_t *)s, strlen(s), r);
}

int
main(void)
{
	static const struct {
		const char	*req;
		int		 get;
		enum probe_path	 path;
	} good[] = {
		{ "GET /probe/startup HTTP/1.1\r\n\r\n", 1, PROBE_PATH_STARTUP },
		{ "GET /probe/liveness HTTP/1.1\r\nHost: 10.0.0.1:9102\r\n"
		  "User-Agent: kube-probe/1.30\r\nAccept: */*\r\n"
		  "Connection: close\r\n\r\n", 1, PROBE_PATH_LIVENESS },
		{ "GET /probe/readiness HTTP/1.0\r\n\r\n", 1,
		  PROBE_PATH_READINESS },
		{ "GET /probe/readiness?verbose=1 HTTP/1.1\r\n\r\n", 1,
		  PROBE_PATH_READINESS },
		{ "GET /metrics HTTP/1.1\r\nAccept: text/plain\r\n\r\n", 1,
		  PROBE_PATH_METRICS },
		{ "GET /metricsx HTTP/1.1\r\n\r\n", 1, PROBE_PATH_OTHER },
		{ "GET /probe/startupx HTTP/1.1\r\n\r\n", 1, PROBE_PATH_OTHER },
		{ "GET /probe HTTP/1.1\r\n\r\n", 1, PROBE_PATH_OTHER },
		{ "HEAD /probe/startup HTTP/1.1\r\n\r\n", 0,
		  PROBE_PATH_STARTUP },
		{ "POST /probe/startup HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
		  0, PROBE_PATH_STARTUP },
		{ "GET /probe/startup HTTP/1.1\r\nX-Empty:\r\n\r\n", 1,
		  PROBE_PATH_STARTUP },
	};
	static const char *const bad[] = {
		"garbage\r\n\r\n",
		"GET\r\n\r\n",
		"GET /probe/startup\r\n\r\n",
		"GET  /probe/startup HTTP/1.1\r\n\r\n",
		"GET probe/startup HTTP/1.1\r\n\r\n",
		"GET /probe/startup HTTP/2.0\r\n\r\n",
		"GET /probe/startup HTTP/1.1 \r\n\r\n",
		"GET /probe/startup HTTP/1.1\n\n",
		"GET /probe/startup HTTP/1.1\r\nHost x\r\n\r\n",
		"GET /probe/startup HTTP/1.1\r\n: empty-name\r\n\r\n",
		"GET /probe/startup HTTP/1.1\r\nHost: a\rb\r\n\r\n",
		"GET /probe/startup HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
		"GET /probe/startup HTTP/1.1\r\nContent-Length: 00x\r\n\r\n",
		"GET /probe/startup HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
		"G\xc3\xa9T /probe/startup HTTP/1.1\r\n\r\n",
		"GET /probe/\x01 HTTP/1.1\r\n\r\n",
		"GE(T /probe/startup HTTP/1.1\r\n\r\n",
	};
	struct probe_req r;
	char		 buf[PROBE_REQ_MAX + 64], resp[256];
	size_t		 i, k, len;
	int		 rc, allinc;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&r, 0xa5, sizeof(r));
		rc = parse(good[i].req, &r);
		is_int(rc, strlen(good[i].req), "good %zu: whole request "
		    "consumed", i);
		is_int(r.get, good[i].get, "good %zu: method", i);
		is_int(r.path, good[i].path, "good %zu: path", i);
		len = strlen(good[i].req);
		for (allinc = 1, k = 0; k < len; k++)
			if (probe_parse((const uint8_t *)good[i].req, k,
			    &r) != PROBE_INCOMPLETE) {
				allinc = 0;
				tap_diag("prefix %zu of good %zu: %d", k, i,
				    probe_parse((const uint8_t *)good[i].req,
				    k, &r));
			}
		ok(allinc, "good %zu: every prefix is incomplete", i);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parse(bad[i], &r), PROBE_BAD, "bad %zu rejected", i);

	/* A NUL byte in the middle of the request. */
	is_int(probe_parse((const uint8_t *)"GET /\0 HTTP/1.1\r\n\r\n", 20, &r),
	    PROBE_BAD, "NUL byte rejected");
	/* Bytes after the request are not part of it. */
	rc = parse("GET /probe/startup HTTP/1.1\r\n\r\nGET /x", &r);
	is_int(rc, 31, "pipelined bytes left alone");

	/* Too many headers. */
	len = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\n");
	for (i = 0; i < 33; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "H%zu: v\r\n", i);
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "\r\n");
	is_int(probe_parse((const uint8_t *)buf, len, &r), PROBE_BAD,
	    "33 headers rejected");

	/* The size cap: an unfinished request of PROBE_REQ_MAX bytes. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "GET / HTTP/1.1\r\nX: ", 19);
	is_int(probe_parse((const uint8_t *)buf, PROBE_REQ_MAX, &r), PROBE_BAD,
	    "unfinished request at the size cap rejected");
	is_int(probe_parse((const uint8_t *)buf, PROBE_REQ_MAX - 1, &r),
	    PROBE_INCOMPLETE, "one byte below the cap still incomplete");

	/* Responses. */
	rc = probe_response(resp, sizeof(resp), 503, "no manifest\n");
	is_str(resp, "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Type: text/plain\r\nContent-Length: 12\r\n"
	    "Connection: close\r\n\r\nno manifest\n", "503 response");
	is_int(rc, strlen(resp), "response length");
	is_int(probe_response(resp, 20, 200, "ok\n"), -1,
	    "response that does not fit is refused");
	return tap_done();
}
