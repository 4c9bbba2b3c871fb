/*
 * contrast verify: what a data owner runs.  Attest the Coordinator
 * against the manifest the data owner expects, fetch the whole history,
 * re-chain every transition, and check that the active manifest is
 * byte for byte the expected one.  Writes verify/ for the record.
 *
 * Exit 0 verified, 3 the Coordinator is not what was expected, 1 error.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cli.h"
#include "client.h"
#include "manifest.h"
#include "store.h"
#include "util.h"
#include "wire.h"

static int
verify_usage(void)
{
	fprintf(stderr, "usage: contrast verify -c HOST:PORT [-m manifest.json] "
	    "[--workspace-dir DIR]\n");
	return 1;
}

/*
 * The history must chain: t0 = H(H(M0) || 0), ti = H(H(Mi) || t(i-1)),
 * ending in the latest transition the Coordinator signed; every policy
 * of every manifest must be present.  -1 with err otherwise.
 */
static int
verify_chain(const struct cli_history *h, char *err, size_t errlen)
{
	struct manifest_errors	 errs;
	struct manifest		*m;
	uint8_t			 prev[WIRE_HASH_LEN], mh[WIRE_HASH_LEN];
	uint8_t			(*ph)[WIRE_HASH_LEN];
	size_t			 i, j;
	int			 rc = -1;

	if (cli_doc_hashes(h->policies, h->npolicies, &ph) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(prev, 0, sizeof(prev));
	for (i = 0; i < h->nmanifests; i++) {
		manifest_hash(h->manifests[i].data, h->manifests[i].len, mh);
		store_transition_hash(mh, prev, prev);
		manifest_errors_init(&errs);
		if (manifest_parse(h->manifests[i].data, h->manifests[i].len,
		    &m, &errs) == -1) {
			snprintf(err, errlen, "manifest %zu of the history "
			    "does not parse", i);
			goto out;
		}
		for (j = 0; j < m->n_policies; j++)
			if (!cli_hash_listed(m->policies[j].hash,
			    (const uint8_t (*)[32])ph, h->npolicies)) {
				snprintf(err, errlen, "manifest %zu: policy %s "
				    "missing from the history", i,
				    m->policies[j].hash_hex);
				manifest_free(m);
				goto out;
			}
		manifest_free(m);
	}
	if (CRYPTO_memcmp(prev, h->latest, sizeof(prev)) != 0) {
		snprintf(err, errlen, "the history does not chain to the "
		    "latest transition");
		goto out;
	}
	rc = 0;
 out:
	free(ph);
	return rc;
}

static int
verify_write(const char *ws, const struct cli_history *h)
{
	char		 dir[4096], path[4200], name[128];
	char		 hex[2 * WIRE_HASH_LEN + 2];
	uint8_t		 ph[WIRE_HASH_LEN];
	size_t		 i;

	cli_path(ws, "verify", dir, sizeof(dir));
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "contrast: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (cli_write(cli_path(dir, "coordinator-root-ca.pem", path,
	    sizeof(path)), h->root_ca, strlen(h->root_ca), 0644) == -1 ||
	    cli_write(cli_path(dir, "mesh-ca.pem", path, sizeof(path)),
	    h->mesh_ca, strlen(h->mesh_ca), 0644) == -1)
		return -1;
	for (i = 0; i < h->nmanifests; i++) {
		snprintf(name, sizeof(name), "manifest.%zu.json", i);
		if (cli_write(cli_path(dir, name, path, sizeof(path)),
		    h->manifests[i].data, h->manifests[i].len, 0644) == -1)
			return -1;
	}
	for (i = 0; i < h->npolicies; i++) {
		EVP_Digest(h->policies[i].data, h->policies[i].len, ph, NULL,
		    EVP_sha256(), NULL);
		hex_encode(ph, sizeof(ph), hex);
		snprintf(name, sizeof(name), "policy.%s.toml", hex);
		if (cli_write(cli_path(dir, name, path, sizeof(path)),
		    h->policies[i].data, h->policies[i].len, 0644) == -1)
			return -1;
	}
	hex_encode(h->latest, sizeof(h->latest), hex);
	strcat(hex, "\n");
	return cli_write(cli_path(dir, "latest-transition", path,
	    sizeof(path)), hex, strlen(hex), 0644);
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "coordinator",	required_argument, NULL, 'c' },
		{ "manifest",		required_argument, NULL, 'm' },
		{ "workspace-dir",	required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_manifest	 cm;
	struct client		 cl;
	struct cli_history	 h;
	const char		*coordinator = NULL, *mpath = NULL, *ws = NULL;
	const struct msg_bin	*active;
	char			 err[1024], path[4096];
	uint32_t		 code;
	int			 ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:m:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			coordinator = optarg;
			break;
		case 'm':
			mpath = optarg;
			break;
		case 'w':
			ws = optarg;
			break;
		default:
			return verify_usage();
		}
	}
	if (optind != argc || coordinator == NULL)
		return verify_usage();
	if (mpath == NULL)
		mpath = cli_path(ws, "manifest.json", path, sizeof(path));
	if (cli_manifest_load(mpath, &cm) == -1)
		return 1;
	if ((rc = cli_connect_attested(coordinator, cm.m, 30, &cl, err,
	    sizeof(err))) != 0) {
		fprintf(stderr, "contrast: %s\n", err);
		cli_manifest_free(&cm);
		return rc == -3 ? EXIT_REJECTED : 1;
	}
	rc = 1;
	if (cli_get_manifests(&cl, &h, &code, err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s\n", err);
		goto out;
	}
	if (verify_chain(&h, err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s: %s\n", coordinator, err);
		rc = EXIT_REJECTED;
		goto out_h;
	}
	if (verify_write(ws, &h) == -1)
		goto out_h;
	active = &h.manifests[h.nmanifests - 1];
	if (active->len != cm.len ||
	    memcmp(active->data, cm.bytes, cm.len) != 0) {
		fprintf(stderr, "contrast: %s: the active manifest (verify/"
		    "manifest.%zu.json) differs from %s\n", coordinator,
		    h.nmanifests - 1, mpath);
		rc = EXIT_REJECTED;
		goto out_h;
	}
	printf("verified: %s runs the coordinator policy of %s; the active "
	    "manifest is %s (generation %zu of the history)\n", coordinator,
	    mpath, mpath, h.nmanifests);
	rc = 0;
 out_h:
	cli_history_free(&h);
 out:
	client_close(&cl);
	cli_manifest_free(&cm);
	return rc;
}
