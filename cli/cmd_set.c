/*
 * contrast set: install a manifest at an attested Coordinator.
 *
 * The policies are re-read from the deployment YAML and must be exactly
 * those of the manifest (so what runs is what was reviewed).  The
 * Coordinator is attested against the manifest being set.  Updates are
 * signed with the workload owner key over the next transition (or a
 * detached signature from `contrast sign` is sent).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cli.h"
#include "client.h"
#include "manifest.h"
#include "pki.h"
#include "util.h"
#include "wire.h"

static int
set_usage(void)
{
	fprintf(stderr, "usage: contrast set -c HOST:PORT [-m manifest.json] "
	    "[--workload-owner-key FILE]\n"
	    "           [--atomic] [--latest-transition HEX] "
	    "[-s|--signature FILE]\n"
	    "           [--workspace-dir DIR] [--retry-timeout SECONDS] "
	    "paths...\n");
	return 1;
}

/* Every manifest policy provided, every provided policy in the manifest. */
static int
set_check_policies(const struct cli_manifest *cm, const struct msg_bin *pol,
    size_t npol)
{
	uint8_t		(*h)[WIRE_HASH_LEN];
	char		 hex[2 * WIRE_HASH_LEN + 1];
	size_t		 i;
	int		 rc = 0;

	if (cli_doc_hashes(pol, npol, &h) == -1) {
		fprintf(stderr, "contrast: out of memory\n");
		return -1;
	}
	for (i = 0; i < npol; i++) {
		if (manifest_policy_lookup(cm->m, h[i]) == NULL) {
			hex_encode(h[i], sizeof(h[i]), hex);
			fprintf(stderr, "contrast: policy %s of the given "
			    "resources is not in %s (run contrast generate)\n",
			    hex, cm->path);
			rc = -1;
		}
	}
	for (i = 0; i < cm->m->n_policies; i++) {
		if (!cli_hash_listed(cm->m->policies[i].hash,
		    (const uint8_t (*)[32])h, npol)) {
			fprintf(stderr, "contrast: %s: policy %s: no resource "
			    "among the given paths has it\n", cm->path,
			    cm->m->policies[i].hash_hex);
			rc = -1;
		}
	}
	free(h);
	return rc;
}

/* The current head, or zeros before the first manifest. */
static int
set_current_head(struct client *cl, uint8_t head[WIRE_HASH_LEN], int *first,
    char *err, size_t errlen)
{
	struct cli_history	 h;
	uint32_t		 code;

	if (cli_get_manifests(cl, &h, &code, err, errlen) == 0) {
		memcpy(head, h.latest, WIRE_HASH_LEN);
		*first = 0;
		cli_history_free(&h);
		return 0;
	}
	if (code == WIRE_ERR_NO_MANIFEST) {
		memset(head, 0, WIRE_HASH_LEN);
		*first = 1;
		return 0;
	}
	return -1;
}

int
cmd_set(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "coordinator",	required_argument, NULL, 'c' },
		{ "manifest",		required_argument, NULL, 'm' },
		{ "workload-owner-key",	required_argument, NULL, 'k' },
		{ "atomic",		no_argument,	   NULL, 'a' },
		{ "latest-transition",	required_argument, NULL, 'l' },
		{ "signature",		required_argument, NULL, 's' },
		{ "workspace-dir",	required_argument, NULL, 'w' },
		{ "retry-timeout",	required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_manifest	 cm;
	struct client		 cl;
	struct msg_out		 o;
	struct msg		 m;
	struct msg_bin		*pol = NULL;
	size_t			 npol = 0;
	EVP_PKEY		*key = NULL;
	const char		*coordinator = NULL, *mpath = NULL, *ws = NULL;
	const char		*kpath = NULL, *latest = NULL, *sigpath = NULL;
	char			 err[1024], p1[4096], p2[4096], mbuf[4096];
	char			*root = NULL, *mesh = NULL;
	uint8_t			 head[WIRE_HASH_LEN], prev[WIRE_HASH_LEN];
	uint8_t			 mhash[WIRE_HASH_LEN], digest[WIRE_HASH_LEN];
	uint8_t			*sig = NULL, *spki = NULL, *frame = NULL;
	uint8_t			*shares = NULL;
	size_t			 siglen = 0, spkilen = 0, framelen = 0;
	size_t			 shareslen = 0;
	uint32_t		 code;
	long			 retry = 180;
	int			 ch, atomic = 0, first = 0, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:m:s:", longopts, NULL)) !=
	    -1) {
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
		case 'a':
			atomic = 1;
			break;
		case 'l':
			latest = optarg;
			break;
		case 's':
			sigpath = optarg;
			break;
		case 'w':
			ws = optarg;
			break;
		case 'r':
			retry = strtol(optarg, NULL, 10);
			if (retry < 0 || retry > 3600)
				return set_usage();
			break;
		default:
			return set_usage();
		}
	}
	if (coordinator == NULL || optind == argc || (latest != NULL &&
	    !atomic))
		return set_usage();
	if (mpath == NULL)
		mpath = cli_path(ws, "manifest.json", mbuf, sizeof(mbuf));
	if (kpath == NULL)
		kpath = cli_path(ws, "workload-owner.pem", p2, sizeof(p2));
	if (cli_manifest_load(mpath, &cm) == -1)
		return 1;
	rc = 1;
	if (cli_policies_from_yaml(argv + optind, argc - optind, &pol,
	    &npol) == -1 || set_check_policies(&cm, pol, npol) == -1)
		goto out_manifest;
	if (atomic && cli_latest_transition(ws, latest, prev) == -1)
		goto out_manifest;
	/* A missing key is fine for the first set (trust on first use). */
	if (sigpath == NULL && access(kpath, F_OK) == 0 &&
	    (key = pki_key_read(kpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "contrast: %s\n", err);
		goto out_manifest;
	}
	if (key != NULL) {
		if (pki_spki_der(key, &spki, &spkilen, err, sizeof(err)) ==
		    -1) {
			fprintf(stderr, "contrast: %s: %s\n", kpath, err);
			goto out_manifest;
		}
		if (!manifest_owner_key_allowed(cm.m, spki, spkilen))
			fprintf(stderr, "contrast: warning: %s is not an owner "
			    "key of %s: you will not be able to update it\n",
			    kpath, mpath);
	}
	if ((rc = cli_connect_attested(coordinator, cm.m, (int)retry, &cl,
	    err, sizeof(err))) != 0) {
		fprintf(stderr, "contrast: %s\n", err);
		rc = rc == -3 ? EXIT_REJECTED : 1;
		goto out_manifest;
	}
	rc = 1;
	memset(&o, 0, sizeof(o));
	if (set_current_head(&cl, head, &first, err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s\n", err);
		goto out_client;
	}
	manifest_hash(cm.bytes, cm.len, mhash);
	if (sigpath != NULL) {
		if (file_read(sigpath, WIRE_MAX_SIGNATURE, &sig, &siglen, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "contrast: %s\n", err);
			goto out_client;
		}
	} else if (key != NULL) {
		wire_owner_signing_hash(mhash, head, digest);
		if (pki_ecdsa_sign_digest(key, digest, sizeof(digest), &sig,
		    &siglen, err, sizeof(err)) == -1) {
			fprintf(stderr, "contrast: %s: %s\n", kpath, err);
			goto out_client;
		}
	}
	if (client_request(&cl, &o, WIRE_SET_MANIFEST, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "contrast: %s\n", err);
		goto out_client;
	}
	if (msg_put_bin(&o, cm.bytes, cm.len) == -1 ||
	    msg_put_bin_array(&o, pol, npol) == -1 ||
	    msg_put_bin(&o, prev, atomic ? sizeof(prev) : 0) == -1 ||
	    msg_put_bin(&o, sig, siglen) == -1 ||
	    msg_put_bin(&o, spki, spkilen) == -1) {
		fprintf(stderr, "contrast: %s\n", o.err);
		goto out_client;
	}
	if (client_call(&cl, &o, WIRE_SET_MANIFEST_OK, &frame, &framelen, &m,
	    &code, err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s\n", err);
		goto out_client;
	}
	if (msg_get_str(&m, &root, WIRE_MAX_PEM) == -1 ||
	    msg_get_str(&m, &mesh, WIRE_MAX_PEM) == -1 ||
	    msg_get_bin(&m, &shares, &shareslen, WIRE_MAX_MANIFEST) == -1 ||
	    msg_end(&m) == -1)
		fprintf(stderr, "contrast: %s: bad SET_MANIFEST_OK: %s\n",
		    coordinator, msg_errstr(&m));
	else if (cli_write(cli_path(ws, "coordinator-root-ca.pem", p1,
	    sizeof(p1)), root, strlen(root), 0644) == 0 &&
	    cli_write(cli_path(ws, "mesh-ca.pem", p1, sizeof(p1)), mesh,
	    strlen(mesh), 0644) == 0 && (shareslen == 0 ||
	    cli_write(cli_path(ws, "seed-shares.json", p1, sizeof(p1)),
	    shares, shareslen, 0600) == 0)) {
		printf("set: %s now runs %s (%s)\n", coordinator, mpath,
		    first ? "first manifest; keep seed-shares.json safe" :
		    "update; the mesh CA was rotated");
		rc = 0;
	}
	msg_clear(&m);
	free(frame);
	free(root);
	free(mesh);
	free(shares);
 out_client:
	msg_out_free(&o);
	client_close(&cl);
 out_manifest:
	msg_free_bin_array(pol, npol, 0);
	free(sig);
	free(spki);
	EVP_PKEY_free(key);
	cli_manifest_free(&cm);
	return rc;
}
