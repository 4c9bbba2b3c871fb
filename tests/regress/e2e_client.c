/*
 * A hostile client for the end-to-end tests: it speaks the client
 * protocol correctly but lies in the ways a compromised workload could.
 *
 *   e2e_client mesh-ok        HOST:PORT SIMDIR HOSTDATA_HEX
 *   e2e_client foreign-nonce  HOST:PORT SIMDIR HOSTDATA_HEX
 *   e2e_client replay         HOST:PORT SIMDIR HOSTDATA_HEX
 *   e2e_client other-key      HOST:PORT SIMDIR HOSTDATA_HEX
 *   e2e_client spent          HOST:PORT SIMDIR HOSTDATA_HEX
 *   e2e_client recover-stranger HOST:PORT
 *
 * mesh-ok exits 0 when a certificate comes back.  The attacks exit 0
 * when the Coordinator refuses with the expected error code, and print
 * what happened; 1 otherwise.  spent asks twice on one connection and
 * exits 0 when the second request finds it closed.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "client.h"
#include "evidence.h"
#include "util.h"
#include "wire.h"

static struct evidence_src *src;

static int
make_key(EVP_PKEY **key, uint8_t **spki, size_t *spkilen)
{
	unsigned char	*der = NULL;
	int		 n;

	if ((*key = EVP_EC_gen("P-256")) == NULL ||
	    (n = i2d_PUBKEY(*key, &der)) <= 0)
		return -1;
	*spki = der;
	*spkilen = (size_t)n;
	return 0;
}

/* Evidence whose REPORT_DATA binds nonce and spki. */
static int
make_evidence(const uint8_t *nonce, const uint8_t *spki, size_t spkilen,
    uint8_t **wire, size_t *wirelen)
{
	struct evidence	 ev;
	uint8_t		 rd[64];
	char		 err[512];
	int		 rc;

	wire_rd_mesh(nonce, spki, spkilen, rd);
	if (evidence_get(src, rd, &ev, err, sizeof(err)) == -1) {
		fprintf(stderr, "e2e_client: %s\n", err);
		return -1;
	}
	rc = evidence_encode(&ev, wire, wirelen, err, sizeof(err));
	evidence_free(&ev);
	return rc;
}

/* Send MESH_CERT; returns 0 on a certificate, else the error code. */
static int
mesh_cert(struct client *cl, const uint8_t *wire, size_t wirelen,
    const uint8_t *spki, size_t spkilen)
{
	struct msg_out	 o;
	struct msg	 m;
	uint8_t		*frame;
	size_t		 framelen;
	uint32_t	 code = 0;
	char		 err[1024];

	if (client_request(cl, &o, WIRE_MESH_CERT, err, sizeof(err)) == -1 ||
	    msg_put_bin(&o, wire, wirelen) == -1 ||
	    msg_put_bin(&o, spki, spkilen) == -1) {
		fprintf(stderr, "e2e_client: %s\n", err);
		msg_out_free(&o);
		return -1;
	}
	if (client_call(cl, &o, WIRE_MESH_CERT_OK, &frame, &framelen, &m,
	    &code, err, sizeof(err)) == -1) {
		msg_out_free(&o);
		printf("refused: %s\n", err);
		return code != 0 ? (int)code : -1;
	}
	msg_out_free(&o);
	msg_clear(&m);
	msg_freezero(frame, framelen);
	printf("certificate issued\n");
	return 0;
}

static int
expect_denied(int code)
{
	if (code == WIRE_ERR_PERMISSION_DENIED)
		return 0;
	fprintf(stderr, "e2e_client: expected permission_denied, got %s\n",
	    code == 0 ? "a certificate" : wire_error_name((uint32_t)code));
	return 1;
}

static int
open_session(const char *hp, struct client *cl)
{
	char	 err[1024];

	if (client_open(cl, hp, 10, 0, err, sizeof(err)) == -1) {
		fprintf(stderr, "e2e_client: %s\n", err);
		return -1;
	}
	return 0;
}

static int
mesh_mode(const char *mode, const char *hp)
{
	struct client	 a, b;
	EVP_PKEY	*k1 = NULL, *k2 = NULL;
	uint8_t		*spki1 = NULL, *spki2 = NULL, *wire = NULL;
	size_t		 spki1len, spki2len, wirelen;
	int		 rc = 1, have_a = 0, have_b = 0;

	if (make_key(&k1, &spki1, &spki1len) == -1 ||
	    make_key(&k2, &spki2, &spki2len) == -1 ||
	    open_session(hp, &a) == -1)
		goto out;
	have_a = 1;
	if (strcmp(mode, "mesh-ok") == 0) {
		if (make_evidence(a.server_nonce, spki1, spki1len, &wire,
		    &wirelen) == 0)
			rc = mesh_cert(&a, wire, wirelen, spki1, spki1len) == 0 ?
			    0 : 1;
	} else if (strcmp(mode, "spent") == 0) {
		/* The first answer spends the nonce and ends the connection:
		 * no error frame, the transport is closed. */
		if (make_evidence(a.server_nonce, spki1, spki1len, &wire,
		    &wirelen) == 0 &&
		    mesh_cert(&a, wire, wirelen, spki1, spki1len) == 0)
			rc = mesh_cert(&a, wire, wirelen, spki1, spki1len) ==
			    -1 ? 0 : 1;
	} else if (strcmp(mode, "other-key") == 0) {
		/* Evidence proves key 1; the request asks for key 2. */
		if (make_evidence(a.server_nonce, spki1, spki1len, &wire,
		    &wirelen) == 0)
			rc = expect_denied(mesh_cert(&a, wire, wirelen, spki2,
			    spki2len));
	} else if (open_session(hp, &b) == -1) {
		goto out;
	} else {
		have_b = 1;
		if (strcmp(mode, "foreign-nonce") == 0) {
			/* Bound to session a's nonce, sent on session b. */
			if (make_evidence(a.server_nonce, spki1, spki1len,
			    &wire, &wirelen) == 0)
				rc = expect_denied(mesh_cert(&b, wire, wirelen,
				    spki1, spki1len));
		} else if (strcmp(mode, "replay") == 0) {
			/* A good exchange on a, then the same evidence on b. */
			if (make_evidence(a.server_nonce, spki1, spki1len,
			    &wire, &wirelen) == 0 &&
			    mesh_cert(&a, wire, wirelen, spki1, spki1len) == 0)
				rc = expect_denied(mesh_cert(&b, wire, wirelen,
				    spki1, spki1len));
		} else
			fprintf(stderr, "e2e_client: unknown mode %s\n", mode);
	}
 out:
	if (have_a)
		client_close(&a);
	if (have_b)
		client_close(&b);
	free(wire);
	OPENSSL_free(spki1);
	OPENSSL_free(spki2);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	return rc;
}

/* RECOVER signed by an RSA key that owns no seed share. */
static int
recover_stranger(const char *hp)
{
	struct client	 cl;
	struct msg_out	 o;
	struct msg	 m;
	EVP_PKEY	*key;
	uint8_t		 seed[WIRE_SEED_LEN], salt[WIRE_SALT_LEN], d[32];
	uint8_t		*pub = NULL, *sig = NULL, *frame;
	size_t		 siglen = 0, framelen;
	uint32_t	 code = 0;
	int		 n = 0, rc = 1, have = 0;
	char		 err[1024] = "";

	memset(&o, 0, sizeof(o));
	if ((key = EVP_RSA_gen(2048)) == NULL ||
	    (n = i2d_PublicKey(key, &pub)) <= 0 ||
	    RAND_bytes(seed, sizeof(seed)) != 1 ||
	    RAND_bytes(salt, sizeof(salt)) != 1 || open_session(hp, &cl) == -1)
		goto out;
	have = 1;
	wire_recover_digest(cl.server_nonce, seed, salt, d);
	if (wire_recover_sign(key, d, &sig, &siglen, err, sizeof(err)) == -1 ||
	    client_request(&cl, &o, WIRE_RECOVER, err, sizeof(err)) == -1 ||
	    msg_put_bin(&o, pub, (size_t)n) == -1 ||
	    msg_put_bin(&o, seed, sizeof(seed)) == -1 ||
	    msg_put_bin(&o, salt, sizeof(salt)) == -1 ||
	    msg_put_bin(&o, sig, siglen) == -1 ||
	    msg_put_bin(&o, "", 0) == -1) {
		fprintf(stderr, "e2e_client: %s\n", err);
		goto out;
	}
	if (client_call(&cl, &o, WIRE_RECOVER_OK, &frame, &framelen, &m,
	    &code, err, sizeof(err)) == 0) {
		fprintf(stderr, "e2e_client: a stranger recovered the "
		    "Coordinator\n");
		msg_clear(&m);
		free(frame);
		goto out;
	}
	printf("refused: %s\n", err);
	rc = expect_denied((int)code);
 out:
	msg_out_free(&o);
	if (have)
		client_close(&cl);
	free(sig);
	OPENSSL_free(pub);
	EVP_PKEY_free(key);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct evidence_opts	 eo;
	uint8_t			 hostdata[32];
	char			 err[512];
	int			 rc;

	signal(SIGPIPE, SIG_IGN);	/* a closed connection is an answer */
	if (argc == 3 && strcmp(argv[1], "recover-stranger") == 0)
		return recover_stranger(argv[2]);
	if (argc != 5 || hex_decode(argv[4], strlen(argv[4]), hostdata,
	    sizeof(hostdata)) == -1) {
		fprintf(stderr, "usage: e2e_client MODE HOST:PORT SIMDIR "
		    "HOSTDATA_HEX | recover-stranger HOST:PORT\n");
		return 2;
	}
	memset(&eo, 0, sizeof(eo));
	eo.sim_dir = argv[3];
	eo.sim_hostdata = hostdata;
	if (evidence_open(EVIDENCE_SIM, &eo, &src, err, sizeof(err)) == -1) {
		fprintf(stderr, "e2e_client: %s\n", err);
		return 1;
	}
	rc = mesh_mode(argv[1], argv[2]);
	evidence_close(src);
	return rc;
}
