/*
 * contrast recover: a seed-share owner gives a restarted Coordinator its
 * seed back.  The Coordinator is attested first (the seed goes only to a
 * Coordinator running the manifest's coordinator policy, bound to this
 * TLS session); the request is signed with the seed-share owner key over
 * the Coordinator's fresh nonce and the seed (doc/PROTOCOL.md).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cli.h"
#include "client.h"
#include "manifest.h"
#include "pki.h"
#include "seedshare.h"
#include "util.h"
#include "wire.h"

static int
recover_usage(void)
{
	fprintf(stderr, "usage: contrast recover -c HOST:PORT [-m manifest.json]\n"
	    "           [--seedshare-owner-key FILE] [--seed seed-shares.json]\n"
	    "           [--latest-transition HEX] [--workspace-dir DIR]\n");
	return 1;
}

/* Decrypt our share of seed-shares.json into seed and salt. */
static int
recover_decrypt(const char *sspath, EVP_PKEY *key, uint8_t seed[WIRE_SEED_LEN],
    uint8_t salt[WIRE_SALT_LEN])
{
	struct manifest_seedshares	 doc;
	struct seedshare		*shares = NULL;
	uint8_t				*buf;
	size_t				 len, i;
	char				 err[512];
	int				 idx, rc = -1;

	if (file_read(sspath, MANIFEST_SEEDSHARES_MAX_SIZE, &buf, &len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s\n", err);
		return -1;
	}
	if (manifest_seedshares_parse(buf, len, &doc, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "contrast: %s: %s\n", sspath, err);
		free(buf);
		return -1;
	}
	free(buf);
	if (doc.salt_len != WIRE_SALT_LEN) {
		fprintf(stderr, "contrast: %s: salt is %zu bytes, want %d\n",
		    sspath, doc.salt_len, WIRE_SALT_LEN);
		goto out;
	}
	if ((shares = calloc(doc.n_shares, sizeof(*shares))) == NULL)
		goto out;
	for (i = 0; i < doc.n_shares; i++) {
		if (hex_decode_alloc(doc.shares[i].public_key_hex,
		    strlen(doc.shares[i].public_key_hex), &shares[i].pubkey,
		    &shares[i].pubkey_len) == -1) {
			fprintf(stderr, "contrast: %s: SeedShares[%zu]."
			    "PublicKey: not hex\n", sspath, i);
			goto out;
		}
		shares[i].encrypted = doc.shares[i].encrypted_seed;
		shares[i].encrypted_len = doc.shares[i].encrypted_seed_len;
	}
	if ((idx = seedshare_find(key, shares, doc.n_shares, err,
	    sizeof(err))) == -1) {
		fprintf(stderr, "contrast: %s: %s\n", sspath, err);
		goto out;
	}
	if (seedshare_decrypt(key, shares[idx].encrypted,
	    shares[idx].encrypted_len, seed, WIRE_SEED_LEN, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s: SeedShares[%d]: %s\n", sspath,
		    idx, err);
		goto out;
	}
	memcpy(salt, doc.salt, WIRE_SALT_LEN);
	rc = 0;
 out:
	if (shares != NULL) {
		/* The ciphertexts belong to doc. */
		for (i = 0; i < doc.n_shares; i++)
			free(shares[i].pubkey);
		free(shares);
	}
	manifest_seedshares_free(&doc);
	return rc;
}

int
cmd_recover(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "coordinator",	 required_argument, NULL, 'c' },
		{ "manifest",		 required_argument, NULL, 'm' },
		{ "seedshare-owner-key", required_argument, NULL, 'k' },
		{ "seed",		 required_argument, NULL, 's' },
		{ "workspace-dir",	 required_argument, NULL, 'w' },
		{ "latest-transition",	 required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_manifest	 cm;
	struct client		 cl;
	struct msg_out		 o;
	struct msg		 m;
	EVP_PKEY		*key = NULL;
	const char		*coordinator = NULL, *mpath = NULL, *ws = NULL;
	const char		*kpath = NULL, *sspath = NULL, *latest = NULL;
	char			 err[1024], p1[4096], p2[4096], p3[4096];
	char			*root = NULL, *mesh = NULL;
	uint8_t			 seed[WIRE_SEED_LEN], salt[WIRE_SALT_LEN];
	uint8_t			 digest[WIRE_HASH_LEN], *sig = NULL, *pub = NULL;
	uint8_t			*frame = NULL, head[WIRE_HASH_LEN];
	size_t			 siglen = 0, publen = 0, framelen = 0;
	uint32_t		 code;
	int			 ch, rc, have_head;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:m:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			coordinator = optarg;
			break;
		case 'm':
			mpath = optarg;
			break;
		case 'k':
			kpath = optarg;
			break;
		case 's':
			sspath = optarg;
			break;
		case 'w':
			ws = optarg;
			break;
		case 'l':
			latest = optarg;
			break;
		default:
			return recover_usage();
		}
	}
	if (optind != argc || coordinator == NULL)
		return recover_usage();
	if (mpath == NULL)
		mpath = cli_path(ws, "manifest.json", p1, sizeof(p1));
	if (kpath == NULL)
		kpath = cli_path(ws, "seedshare-owner.pem", p2, sizeof(p2));
	if (sspath == NULL)
		sspath = cli_path(ws, "seed-shares.json", p3, sizeof(p3));
	/*
	 * The head we last verified: the Coordinator refuses to recover from
	 * a store whose head differs, so a rolled-back store never gets the
	 * seed.
	 */
	if ((have_head = cli_latest_transition(ws, latest, head)) == -1)
		return 1;
	if (have_head == 0)
		fprintf(stderr, "contrast: warning: no verify/latest-transition "
		    "(run contrast verify first): a rolled-back store cannot be "
		    "told apart\n");
	if ((key = pki_key_read(kpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "contrast: %s\n", err);
		return 1;
	}
	if (recover_decrypt(sspath, key, seed, salt) == -1) {
		EVP_PKEY_free(key);
		return 1;
	}
	if (cli_manifest_load(mpath, &cm) == -1) {
		rc = 1;
		goto out_key;
	}
	if ((rc = cli_connect_attested(coordinator, cm.m, 30, &cl, err,
	    sizeof(err))) != 0) {
		fprintf(stderr, "contrast: %s\n", err);
		rc = rc == -3 ? EXIT_REJECTED : 1;
		goto out_manifest;
	}
	rc = 1;
	memset(&o, 0, sizeof(o));
	wire_recover_digest(cl.server_nonce, seed, salt, digest);
	if (pki_rsa_pkcs1_pub_der(key, &pub, &publen, err, sizeof(err)) ==
	    -1 || wire_recover_sign(key, digest, &sig, &siglen, err,
	    sizeof(err)) == -1 ||
	    client_request(&cl, &o, WIRE_RECOVER, err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s\n", err);
		goto out_client;
	}
	if (msg_put_bin(&o, pub, publen) == -1 ||
	    msg_put_bin(&o, seed, sizeof(seed)) == -1 ||
	    msg_put_bin(&o, salt, sizeof(salt)) == -1 ||
	    msg_put_bin(&o, sig, siglen) == -1 ||
	    msg_put_bin(&o, head, have_head ? sizeof(head) : 0) == -1) {
		fprintf(stderr, "contrast: %s\n", o.err);
		goto out_client;
	}
	if (client_call(&cl, &o, WIRE_RECOVER_OK, &frame, &framelen, &m,
	    &code, err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s\n", err);
		goto out_client;
	}
	if (msg_get_str(&m, &root, WIRE_MAX_PEM) == -1 ||
	    msg_get_str(&m, &mesh, WIRE_MAX_PEM) == -1 || msg_end(&m) == -1)
		fprintf(stderr, "contrast: %s: bad RECOVER_OK: %s\n",
		    coordinator, msg_errstr(&m));
	else if (cli_write(cli_path(ws, "coordinator-root-ca.pem", p1,
	    sizeof(p1)), root, strlen(root), 0644) == 0 &&
	    cli_write(cli_path(ws, "mesh-ca.pem", p1, sizeof(p1)), mesh,
	    strlen(mesh), 0644) == 0) {
		printf("recovered: %s has its seed back; the mesh CA was "
		    "rotated (restart your workloads)\n", coordinator);
		rc = 0;
	}
	msg_clear(&m);
	free(frame);
	free(root);
	free(mesh);
 out_client:
	msg_out_free(&o);	/* zeroed: the frame held the seed */
	free(sig);
	free(pub);
	client_close(&cl);
 out_manifest:
	cli_manifest_free(&cm);
 out_key:
	OPENSSL_cleanse(seed, sizeof(seed));
	OPENSSL_cleanse(salt, sizeof(salt));
	EVP_PKEY_free(key);
	return rc;
}
