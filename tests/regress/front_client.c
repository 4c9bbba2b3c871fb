/*
 * A test client for the front's regress test (test_front_clients.sh):
 * honest sessions through src/client.c, and clients that break the
 * protocol in one precise way, reporting how the server reacted.
 *
 *   front_client hello HOST:PORT          HELLO; prints "hello ok v1"
 *   front_client get HOST:PORT            HELLO, GET_MANIFESTS; prints
 *                                         the answer or "error <name>"
 *   front_client raw HOST:PORT HEX [h]    TLS, (HELLO if h), the bytes;
 *                                         prints "closed after N ms" or
 *                                         "answer <type>"
 *   front_client idle HOST:PORT           TLS, nothing: "closed after N ms"
 *   front_client slow HOST:PORT           announces 64 bytes, sends one
 *                                         every 200 ms: "closed after N ms"
 *   front_client hold N HOST:PORT MS      N sessions held MS ms: prints
 *                                         "established E refused R"
 *
 * Exit 0 when it could report, 1 on a usage or local error.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "client.h"
#include "msg.h"
#include "tls.h"
#include "util.h"
#include "wire.h"

#define TIMEOUT	10	/* seconds for any wait */

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Read until the server closes; "closed after" or the first frame. */
static int
wait_close(struct tls_conn *c, uint64_t start)
{
	uint8_t		*frame = NULL;
	size_t		 len;
	struct msg	 m;
	char		 err[512];

	if (tls_read_frame(c, 1u << 26, &frame, &len, err, sizeof(err)) ==
	    -1) {
		/* Our own receive timeout is no close by the server. */
		if (now_ms() - start >= TIMEOUT * 1000 - 100) {
			printf("timeout\n");
			return 0;
		}
		printf("closed after %llu ms\n",
		    (unsigned long long)(now_ms() - start));
		return 0;
	}
	if (msg_decode(&m, wire_types, WIRE_TYPE_MAX, frame, len, err,
	    sizeof(err)) == -1)
		printf("answer undecodable: %s\n", err);
	else {
		printf("answer %s reqid %u\n", wire_types[m.type].name,
		    m.reqid);
		msg_clear(&m);
	}
	free(frame);
	return 0;
}

static int
do_hello(const char *hp)
{
	struct client	 cl;
	char		 err[512];

	if (client_open(&cl, hp, TIMEOUT, 0, err, sizeof(err)) == -1) {
		printf("hello failed: %s\n", err);
		return 0;
	}
	printf("hello ok v%u\n", cl.version);
	client_close(&cl);
	return 0;
}

static int
do_get(const char *hp)
{
	struct client	 cl;
	struct msg_out	 o;
	struct msg	 m;
	uint8_t		*frame = NULL;
	size_t		 len;
	uint32_t	 code;
	char		 err[512];

	if (client_open(&cl, hp, TIMEOUT, 0, err, sizeof(err)) == -1) {
		printf("hello failed: %s\n", err);
		return 0;
	}
	if (client_request(&cl, &o, WIRE_GET_MANIFESTS, err,
	    sizeof(err)) == -1)
		return 1;
	if (client_call(&cl, &o, WIRE_GET_MANIFESTS_OK, &frame, &len, &m,
	    &code, err, sizeof(err)) == -1) {
		if (code != 0)
			printf("error %s\n", wire_error_name(code));
		else
			printf("failed: %s\n", err);
	} else {
		printf("answer GET_MANIFESTS_OK\n");
		msg_clear(&m);
		free(frame);
	}
	msg_out_free(&o);
	client_close(&cl);
	return 0;
}

static int
do_raw(const char *hp, const char *hex, int hello)
{
	struct client	 cl;
	struct tls_conn	*c;
	uint8_t		*bytes;
	size_t		 n;
	uint64_t	 start;
	char		 err[512];

	if (hex_decode_alloc(hex, strlen(hex), &bytes, &n) == -1) {
		fprintf(stderr, "front_client: bad hex\n");
		return 1;
	}
	if (hello) {
		if (client_open(&cl, hp, TIMEOUT, 0, err, sizeof(err)) == -1) {
			printf("hello failed: %s\n", err);
			return 0;
		}
		c = &cl.conn;
	} else {
		memset(&cl, 0, sizeof(cl));
		if (tls_connect(hp, TIMEOUT, &cl.conn, err, sizeof(err)) ==
		    -1) {
			printf("connect failed: %s\n", err);
			return 0;
		}
		c = &cl.conn;
	}
	start = now_ms();
	if (tls_write_all(c, bytes, n, err, sizeof(err)) == -1)
		printf("write failed: %s\n", err);
	else
		wait_close(c, start);
	free(bytes);
	if (hello)
		client_close(&cl);
	else
		tls_conn_close(c);
	return 0;
}

static int
do_idle(const char *hp, int slow)
{
	struct tls_conn	 c;
	struct pollfd	 pfd;
	uint64_t	 start;
	uint8_t		 hdr[4] = { 0, 0, 0, 64 }, b = 0x90;
	char		 err[512];
	int		 i;

	if (tls_connect(hp, TIMEOUT, &c, err, sizeof(err)) == -1) {
		printf("connect failed: %s\n", err);
		return 0;
	}
	start = now_ms();
	if (!slow) {
		wait_close(&c, start);
		tls_conn_close(&c);
		return 0;
	}
	if (tls_write_all(&c, hdr, sizeof(hdr), err, sizeof(err)) == -1) {
		printf("write failed: %s\n", err);
		tls_conn_close(&c);
		return 0;
	}
	/* A byte every 200 ms: never idle, never done. */
	for (i = 0; i < 63; i++) {
		pfd.fd = c.fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) > 0)
			break;		/* the server closed (or alerted) */
		if (tls_write_all(&c, &b, 1, err, sizeof(err)) == -1)
			break;
	}
	wait_close(&c, start);
	tls_conn_close(&c);
	return 0;
}

static int
do_hold(int n, const char *hp, int ms)
{
	struct tls_conn	*c;
	struct pollfd	 pfd;
	char		 err[512];
	int		 i, est = 0, refused = 0;

	if ((c = calloc((size_t)n, sizeof(*c))) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		if (tls_connect(hp, TIMEOUT, &c[i], err, sizeof(err)) == -1) {
			refused++;
			c[i].fd = -1;
			continue;
		}
		/* A session the server closed at once is refused too. */
		pfd.fd = c[i].fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) > 0 && SSL_peek(c[i].ssl, err, 1) <= 0) {
			ERR_clear_error();
			refused++;
			tls_conn_close(&c[i]);
			c[i].fd = -1;
			continue;
		}
		est++;
	}
	printf("established %d refused %d\n", est, refused);
	fflush(stdout);
	usleep((useconds_t)ms * 1000);
	for (i = 0; i < n; i++)
		if (c[i].fd != -1)
			tls_conn_close(&c[i]);
	free(c);
	return 0;
}

static void __attribute__((__noreturn__))
usage(void)
{
	fprintf(stderr, "usage: front_client hello|get|idle|slow HOST:PORT\n"
	    "       front_client raw HOST:PORT HEX [h]\n"
	    "       front_client hold N HOST:PORT MS\n");
	exit(1);
}

int
main(int argc, char *argv[])
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Writing to a connection the server closed must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 3)
		usage();
	if (strcmp(argv[1], "hello") == 0 && argc == 3)
		return do_hello(argv[2]);
	if (strcmp(argv[1], "get") == 0 && argc == 3)
		return do_get(argv[2]);
	if (strcmp(argv[1], "raw") == 0 && (argc == 4 || argc == 5))
		return do_raw(argv[2], argv[3], argc == 5);
	if (strcmp(argv[1], "idle") == 0 && argc == 3)
		return do_idle(argv[2], 0);
	if (strcmp(argv[1], "slow") == 0 && argc == 3)
		return do_idle(argv[2], 1);
	if (strcmp(argv[1], "hold") == 0 && argc == 5)
		return do_hold(atoi(argv[2]), argv[3], atoi(argv[4]));
	usage();
}
