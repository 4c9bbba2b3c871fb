/*
 * contrast-initializer: the init container of every confidential pod.
 *
 * It makes a key, proves to the Coordinator's mesh API with the TEE's
 * evidence that it runs the pod the manifest allows (REPORT_DATA binds the
 * Coordinator's nonce and this key), and writes what it gets back where
 * upstream's initializer does:
 *
 *	<root>/tls-config/mesh-ca.pem			0444
 *	<root>/tls-config/certChain.pem			0444  leaf + intermediate
 *	<root>/tls-config/key.pem			0400  PKCS#8
 *	<root>/tls-config/coordinator-root-ca.pem	0444
 *	<root>/secrets/workload-secret-seed		0400  hex, if any
 *
 * Each file is written atomically; the key and the secret are zeroed in
 * memory after use.  Failures are logged, one line each, and retried
 * with backoff until success or SIGTERM.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "client.h"
#include "evidence.h"
#include "log.h"
#include "util.h"
#include "wire.h"

#define INIT_DEFAULT_HOST	"coordinator-ready"
#define INIT_DEFAULT_ROOT	"/contrast"
#define INIT_MESH_PORT		"7777"
#define INIT_TIMEOUT		30

struct init_conf {
	char			 coordinator[300];	/* host:port */
	const char		*root;
	enum evidence_kind	 tee;
	const char		*sim_dir;
	uint8_t			 sim_hostdata[32];
	int			 have_hostdata;
	int			 once;
	int			 max_backoff;
};

/* What the Coordinator answered. */
struct init_result {
	char		*mesh_ca;
	char		*chain;
	char		*root_ca;
	uint8_t		*secret;
	size_t		 secret_len;
};

static volatile sig_atomic_t init_quit;

static void
init_sighandler(int sig)
{
	init_quit = sig;
}

static void
init_result_free(struct init_result *r)
{
	free(r->mesh_ca);
	free(r->chain);
	free(r->root_ca);
	msg_freezero(r->secret, r->secret_len);
	memset(r, 0, sizeof(*r));
}

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr,
	    "usage: contrast-initializer [-c HOST[:PORT]] [--tee KIND] [--root DIR]\n"
	    "           [--sim-dir DIR] [--sim-hostdata HEX | --sim-initdata FILE]\n"
	    "           [--once] [--max-backoff SECONDS]\n"
	    "environment: COORDINATOR_HOST, CONTRAST_TEE, CONTRAST_ROOT,\n"
	    "           CONTRAST_SIM_DIR, CONTRAST_SIM_HOSTDATA, CONTRAST_SIM_INITDATA\n");
	exit(1);
}

/* "host" → "host:7777"; "host:port" and "[v6]:port" stay. */
static void
init_set_host(struct init_conf *c, const char *v)
{
	char	 host[256], port[16];

	if (tls_split_hostport(v, host, sizeof(host), port,
	    sizeof(port)) == 0)
		snprintf(c->coordinator, sizeof(c->coordinator), "%s", v);
	else if (strchr(v, ':') != NULL)
		snprintf(c->coordinator, sizeof(c->coordinator), "[%s]:%s", v,
		    INIT_MESH_PORT);
	else
		snprintf(c->coordinator, sizeof(c->coordinator), "%s:%s", v,
		    INIT_MESH_PORT);
}

static void
init_set_hostdata(struct init_conf *c, const char *hex, const char *initdata)
{
	char	 err[512];

	if (hex != NULL) {
		if (hex_decode(hex, strlen(hex), c->sim_hostdata, 32) == -1)
			fatalx("sim hostdata: want 64 hex digits");
	} else {
		uint8_t	*buf;
		size_t	 len;

		/* As the hypervisor does: HOSTDATA = SHA-256(initdata). */
		if (file_read(initdata, 1024 * 1024, &buf, &len, err,
		    sizeof(err)) == -1)
			fatalx("sim initdata: %s", err);
		if (EVP_Digest(buf, len, c->sim_hostdata, NULL, EVP_sha256(),
		    NULL) != 1)
			fatalx("sim initdata: digest failed");
		free(buf);
	}
	c->have_hostdata = 1;
}

static void
init_config(int argc, char *argv[], struct init_conf *c)
{
	static const struct option longopts[] = {
		{ "coordinator",	required_argument, NULL, 'c' },
		{ "tee",		required_argument, NULL, 't' },
		{ "root",		required_argument, NULL, 'r' },
		{ "sim-dir",		required_argument, NULL, 's' },
		{ "sim-hostdata",	required_argument, NULL, 'H' },
		{ "sim-initdata",	required_argument, NULL, 'I' },
		{ "once",		no_argument,	   NULL, '1' },
		{ "max-backoff",	required_argument, NULL, 'b' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*v, *hex = NULL, *initdata = NULL, *tee;
	char		*end;
	int		 ch;
	long		 l;

	memset(c, 0, sizeof(*c));
	c->max_backoff = 30;
	/* The environment first (a container's way), flags override. */
	init_set_host(c, (v = getenv("COORDINATOR_HOST")) != NULL && *v != '\0' ?
	    v : INIT_DEFAULT_HOST);
	c->root = (v = getenv("CONTRAST_ROOT")) != NULL && *v != '\0' ? v :
	    INIT_DEFAULT_ROOT;
	tee = (v = getenv("CONTRAST_TEE")) != NULL && *v != '\0' ? v : "auto";
	c->sim_dir = getenv("CONTRAST_SIM_DIR");
	hex = getenv("CONTRAST_SIM_HOSTDATA");
	initdata = getenv("CONTRAST_SIM_INITDATA");

	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			init_set_host(c, optarg);
			break;
		case 't':
			tee = optarg;
			break;
		case 'r':
			c->root = optarg;
			break;
		case 's':
			c->sim_dir = optarg;
			break;
		case 'H':
			hex = optarg;
			initdata = NULL;
			break;
		case 'I':
			initdata = optarg;
			hex = NULL;
			break;
		case '1':
			c->once = 1;
			break;
		case 'b':
			errno = 0;
			l = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || l < 1 || l > 3600)
				fatalx("--max-backoff: want 1..3600 seconds");
			c->max_backoff = (int)l;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (evidence_kind_parse(tee, &c->tee) == -1)
		fatalx("unknown TEE '%s' (auto, configfs-tsm, sev-guest, sim)",
		    tee);
	if (c->tee == EVIDENCE_SIM) {
		if (hex == NULL && initdata == NULL)
			fatalx("the sim TEE needs the pod's HOSTDATA: "
			    "--sim-hostdata or --sim-initdata");
		init_set_hostdata(c, hex, initdata);
	}
}

/* Ask once.  0 and *res filled, or -1 (logged by the caller). */
static int
init_request(const struct init_conf *c, struct evidence_src *src,
    const uint8_t *spki, size_t spkilen, struct init_result *res, char *err,
    size_t errlen)
{
	struct client	 cl;
	struct msg_out	 o;
	struct msg	 m;
	struct evidence	 ev;
	uint8_t		 rd[64], *wire = NULL, *frame = NULL;
	size_t		 wirelen = 0, framelen = 0;
	uint32_t	 code;
	int		 rc = -1;

	memset(&o, 0, sizeof(o));
	memset(&ev, 0, sizeof(ev));
	if (client_open(&cl, c->coordinator, INIT_TIMEOUT, 0, err,
	    errlen) == -1)
		return -1;
	cl.maxframe = wire_types[WIRE_MESH_CERT_OK].maxlen;
	/* The evidence binds the Coordinator's nonce and our key. */
	wire_rd_mesh(cl.server_nonce, spki, spkilen, rd);
	if (evidence_get(src, rd, &ev, err, errlen) == -1 ||
	    evidence_encode(&ev, &wire, &wirelen, err, errlen) == -1)
		goto out;
	if (client_request(&cl, &o, WIRE_MESH_CERT, err, errlen) == -1)
		goto out;
	if (msg_put_bin(&o, wire, wirelen) == -1 ||
	    msg_put_bin(&o, spki, spkilen) == -1) {
		snprintf(err, errlen, "%s: %s", c->coordinator, o.err);
		goto out;
	}
	if (client_call(&cl, &o, WIRE_MESH_CERT_OK, &frame, &framelen, &m,
	    &code, err, errlen) == -1)
		goto out;
	if (msg_get_str(&m, &res->mesh_ca, WIRE_MAX_PEM) == -1 ||
	    msg_get_str(&m, &res->chain, WIRE_MAX_PEM) == -1 ||
	    msg_get_str(&m, &res->root_ca, WIRE_MAX_PEM) == -1 ||
	    msg_get_bin(&m, &res->secret, &res->secret_len,
	    WIRE_SECRET_LEN) == -1 || msg_end(&m) == -1) {
		snprintf(err, errlen, "%s: bad MESH_CERT_OK: %s",
		    c->coordinator, msg_errstr(&m));
		init_result_free(res);
	} else if (res->secret_len != 0 && res->secret_len !=
	    WIRE_SECRET_LEN) {
		snprintf(err, errlen, "%s: workload secret of %zu bytes",
		    c->coordinator, res->secret_len);
		init_result_free(res);
	} else
		rc = 0;
	msg_clear(&m);
	msg_freezero(frame, framelen);
 out:
	msg_out_free(&o);
	free(wire);
	evidence_free(&ev);
	client_close(&cl);
	return rc;
}

/* The answer must fit our key and chain to the mesh CA it came with. */
static int
init_check_result(const struct init_result *r, const uint8_t *spki,
    size_t spkilen, char *err, size_t errlen)
{
	BIO		*bio;
	X509		*leaf = NULL;
	uint8_t		*der = NULL;
	int		 derlen, rc = -1;

	if ((bio = BIO_new_mem_buf(r->chain, -1)) == NULL ||
	    (leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		snprintf(err, errlen, "certificate chain does not parse");
		goto out;
	}
	if ((derlen = i2d_PUBKEY(X509_get0_pubkey(leaf), &der)) <= 0 ||
	    (size_t)derlen != spkilen || memcmp(der, spki, spkilen) != 0) {
		snprintf(err, errlen, "certificate is not for our key");
		goto out;
	}
	rc = 0;
 out:
	OPENSSL_free(der);
	X509_free(leaf);
	BIO_free(bio);
	return rc;
}

static int
init_mkdir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
init_write(const char *root, const char *name, const void *data, size_t len,
    int mode, char *err, size_t errlen)
{
	char	 path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", root, name) >=
	    (int)sizeof(path)) {
		snprintf(err, errlen, "%s/%s: path too long", root, name);
		return -1;
	}
	return file_write_atomic(path, data, len, mode, err, errlen);
}

/* PKCS#8 PEM in secure-heap memory, as upstream's key.pem. */
static int
init_write_key(const char *root, EVP_PKEY *key, char *err, size_t errlen)
{
	BIO	*bio;
	char	*pem;
	long	 n;
	int	 rc = -1;

	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL,
	    NULL) != 1 || (n = BIO_get_mem_data(bio, &pem)) <= 0)
		snprintf(err, errlen, "key.pem: encoding failed");
	else
		rc = init_write(root, "tls-config/key.pem", pem, (size_t)n,
		    0400, err, errlen);
	BIO_free(bio);
	return rc;
}

static int
init_store(const struct init_conf *c, EVP_PKEY *key,
    const struct init_result *r, char *err, size_t errlen)
{
	char	 dir[PATH_MAX];
	char	 hex[2 * WIRE_SECRET_LEN + 1];
	int	 rc;

	snprintf(dir, sizeof(dir), "%s/tls-config", c->root);
	if (init_mkdir(c->root, err, errlen) == -1 ||
	    init_mkdir(dir, err, errlen) == -1)
		return -1;
	snprintf(dir, sizeof(dir), "%s/secrets", c->root);
	if (init_mkdir(dir, err, errlen) == -1)
		return -1;
	/* The key first: certificates without it would be useless. */
	if (init_write_key(c->root, key, err, errlen) == -1 ||
	    init_write(c->root, "tls-config/certChain.pem", r->chain,
	    strlen(r->chain), 0444, err, errlen) == -1 ||
	    init_write(c->root, "tls-config/mesh-ca.pem", r->mesh_ca,
	    strlen(r->mesh_ca), 0444, err, errlen) == -1 ||
	    init_write(c->root, "tls-config/coordinator-root-ca.pem",
	    r->root_ca, strlen(r->root_ca), 0444, err, errlen) == -1)
		return -1;
	if (r->secret_len == 0)
		return 0;
	hex_encode(r->secret, r->secret_len, hex);
	rc = init_write(c->root, "secrets/workload-secret-seed", hex,
	    2 * r->secret_len, 0400, err, errlen);
	OPENSSL_cleanse(hex, sizeof(hex));
	return rc;
}

static void
init_sleep(int seconds)
{
	struct timespec	 ts;

	ts.tv_sec = seconds;
	ts.tv_nsec = 0;
	while (!init_quit && nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
main(int argc, char *argv[])
{
	struct init_conf	 conf;
	struct evidence_opts	 eo;
	struct evidence_src	*src;
	struct init_result	 res;
	struct sigaction	 sa;
	EVP_PKEY		*key;
	uint8_t			*spki = NULL;
	int			 spkilen, backoff = 1, attempt = 0;
	char			 err[1024];

	log_init(1, getenv("CONTRAST_DEBUG") != NULL);
	log_procinit("initializer");
	init_config(argc, argv, &conf);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = init_sighandler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		fatal("sigaction");
	signal(SIGPIPE, SIG_IGN);

	memset(&eo, 0, sizeof(eo));
	eo.sim_dir = conf.sim_dir;
	if (conf.have_hostdata)
		eo.sim_hostdata = conf.sim_hostdata;
	if (evidence_open(conf.tee, &eo, &src, err, sizeof(err)) == -1)
		fatalx("TEE: %s", err);
	log_info("TEE %s, coordinator %s, writing to %s",
	    evidence_kind_name(evidence_src_kind(src)), conf.coordinator,
	    conf.root);

	/* P-256 as upstream's initializer; the Coordinator certifies it. */
	if ((key = EVP_EC_gen("P-256")) == NULL ||
	    (spkilen = i2d_PUBKEY(key, &spki)) <= 0)
		fatalx("cannot make a key");

	memset(&res, 0, sizeof(res));
	for (;;) {
		attempt++;
		if (init_request(&conf, src, spki, (size_t)spkilen, &res, err,
		    sizeof(err)) == 0 && init_check_result(&res, spki,
		    (size_t)spkilen, err, sizeof(err)) == 0)
			break;
		init_result_free(&res);
		log_warnx("attempt %d: %s", attempt, err);
		if (conf.once || init_quit)
			goto fail;
		init_sleep(backoff);
		if (init_quit)
			goto fail;
		backoff = backoff * 2 > conf.max_backoff ? conf.max_backoff :
		    backoff * 2;
	}
	if (init_store(&conf, key, &res, err, sizeof(err)) == -1) {
		log_warnx("writing certificates: %s", err);
		init_result_free(&res);
		goto fail;
	}
	log_info("got mesh certificate%s after %d attempt%s",
	    res.secret_len ? " and workload secret" : "", attempt,
	    attempt == 1 ? "" : "s");
	init_result_free(&res);
	OPENSSL_free(spki);
	EVP_PKEY_free(key);
	evidence_close(src);
	return 0;
 fail:
	OPENSSL_free(spki);
	EVP_PKEY_free(key);
	evidence_close(src);
	return 1;
}
