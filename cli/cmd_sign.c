/*
 * contrast sign: sign a manifest update with the workload owner key, as
 * upstream's `contrast sign` (RFC 015): the signature covers the next
 * transition, so it is valid only on top of the given latest transition.
 * With --prepare only the transition hash is written (hex), for signing
 * with an HSM: the HSM signs SHA-256 of that hex text with ECDSA.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cli.h"
#include "manifest.h"
#include "pki.h"
#include "store.h"
#include "util.h"
#include "wire.h"

static int
sign_usage(void)
{
	fprintf(stderr, "usage: contrast sign [-m manifest.json] "
	    "[--workload-owner-key FILE]\n"
	    "           [--latest-transition HEX] [--prepare] --out FILE\n");
	return 1;
}

int
cmd_sign(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "manifest",		required_argument, NULL, 'm' },
		{ "workload-owner-key",	required_argument, NULL, 'k' },
		{ "latest-transition",	required_argument, NULL, 'l' },
		{ "prepare",		no_argument,	   NULL, 'p' },
		{ "out",		required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*mpath = "manifest.json", *kpath = "workload-owner.pem";
	const char	*latest = NULL, *out = NULL;
	uint8_t		*mbytes = NULL, mhash[WIRE_HASH_LEN];
	uint8_t		 prev[WIRE_HASH_LEN], digest[WIRE_HASH_LEN];
	uint8_t		*sig = NULL;
	size_t		 mlen, siglen;
	char		 err[512], hex[2 * WIRE_HASH_LEN + 2];
	EVP_PKEY	*key = NULL;
	int		 ch, prepare = 0, rc = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "m:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			mpath = optarg;
			break;
		case 'k':
			kpath = optarg;
			break;
		case 'l':
			latest = optarg;
			break;
		case 'p':
			prepare = 1;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return sign_usage();
		}
	}
	if (optind != argc || out == NULL)
		return sign_usage();
	if (cli_latest_transition(NULL, latest, prev) == -1)
		return 1;
	if (file_read(mpath, MANIFEST_MAX_SIZE, &mbytes, &mlen, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s\n", err);
		return 1;
	}
	manifest_hash(mbytes, mlen, mhash);
	if (prepare) {
		uint8_t	 th[WIRE_HASH_LEN];

		store_transition_hash(mhash, prev, th);
		hex_encode(th, sizeof(th), hex);
		rc = cli_write(out, hex, 2 * WIRE_HASH_LEN, 0644) == 0 ? 0 : 1;
		goto done;
	}
	if ((key = pki_key_read(kpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "contrast: %s\n", err);
		goto done;
	}
	wire_owner_signing_hash(mhash, prev, digest);
	if (pki_ecdsa_sign_digest(key, digest, sizeof(digest), &sig, &siglen,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s: %s\n", kpath, err);
		goto done;
	}
	if (cli_write(out, sig, siglen, 0644) == 0)
		rc = 0;
 done:
	free(sig);
	EVP_PKEY_free(key);
	free(mbytes);
	return rc;
}
