/*
 * Shared by set, verify and recover: loading the manifest and reaching
 * an attested Coordinator.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cli.h"
#include "client.h"
#include "manifest.h"
#include "util.h"
#include "store.h"
#include "verify.h"
#include "wire.h"

#define CLI_CONNECT_TIMEOUT	10

int
cli_manifest_load(const char *path, struct cli_manifest *cm)
{
	struct manifest_errors	 errs;
	char			 err[512], *text;
	size_t			 textlen = 16384;

	memset(cm, 0, sizeof(*cm));
	if ((cm->path = strdup(path)) == NULL)
		return -1;
	if (file_read(path, MANIFEST_MAX_SIZE, &cm->bytes, &cm->len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s\n", err);
		goto fail;
	}
	manifest_errors_init(&errs);
	if (manifest_parse(cm->bytes, cm->len, &cm->m, &errs) == -1 ||
	    manifest_validate(cm->m, &errs) == -1) {
		if ((text = malloc(textlen)) != NULL) {
			manifest_errors_format(&errs, text, textlen);
			fprintf(stderr, "contrast: %s: invalid manifest:\n%s\n",
			    path, text);
			free(text);
		}
		if (manifest_errors_only_missing(&errs))
			fprintf(stderr, "contrast: %s: please fill in the "
			    "reference values\n", path);
		goto fail;
	}
	return 0;
 fail:
	cli_manifest_free(cm);
	return -1;
}

void
cli_manifest_free(struct cli_manifest *cm)
{
	if (cm->m != NULL)
		manifest_free(cm->m);
	free(cm->bytes);
	free(cm->path);
	memset(cm, 0, sizeof(*cm));
}

int
cli_connect_attested(const char *coordinator, const struct manifest *m,
    int retry_seconds, struct client *cl, char *err, size_t errlen)
{
	struct attest_verdict	 verdict;
	const struct manifest_policy *pol;
	const char		*reason;
	uint8_t			 rd[64];
	char			 why[512];
	time_t			 deadline = time(NULL) + retry_seconds;
	int			 tries = 0;

	/* Retry only reachability; an attestation failure is final. */
	while (client_open(cl, coordinator, CLI_CONNECT_TIMEOUT, 1, err,
	    errlen) == -1) {
		if (time(NULL) >= deadline)
			return -1;
		if (tries++ == 0)
			fprintf(stderr, "contrast: %s; retrying for up to %d s\n",
			    err, retry_seconds);
		sleep(1);
	}
	wire_rd_coordinator(cl->client_nonce, cl->exporter, rd);
	if (verify_evidence(NULL, cl->evidence, cl->evidence_len,
	    &m->refvals, rd, time(NULL), &verdict, &reason, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: attestation failed (%s): %s",
		    coordinator, reason, why);
		client_close(cl);
		return -3;
	}
	if ((pol = manifest_policy_lookup(m, verdict.policy_hash)) == NULL ||
	    pol->role != MANIFEST_ROLE_COORDINATOR) {
		char	 hex[2 * ATTEST_POLICY_HASH_LEN + 1];

		hex_encode(verdict.policy_hash, sizeof(verdict.policy_hash),
		    hex);
		snprintf(err, errlen, "%s: runs policy %s, which is not the "
		    "manifest's coordinator policy", coordinator, hex);
		client_close(cl);
		return -3;
	}
	return 0;
}

int
cli_latest_transition(const char *ws, const char *arg, uint8_t out[32])
{
	char		 path[4096], err[512];
	uint8_t		*buf = NULL;
	size_t		 len;
	const char	*hex = arg;
	int		 rc = 1;

	memset(out, 0, 32);
	if (arg == NULL) {
		cli_path(ws, "verify/latest-transition", path, sizeof(path));
		if (file_read(path, 256, &buf, &len, err, sizeof(err)) == -1)
			return 0;
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
			buf[--len] = '\0';
		hex = (const char *)buf;
	}
	if (hex_decode(hex, strlen(hex), out, 32) == -1) {
		fprintf(stderr, "contrast: %s: want 64 hex digits\n",
		    arg != NULL ? "--latest-transition" : path);
		memset(out, 0, 32);
		rc = -1;
	}
	free(buf);
	return rc;
}

int
cli_doc_hashes(const struct msg_bin *docs, size_t n, uint8_t (**out)[32])
{
	uint8_t	(*h)[32] = NULL;
	size_t	 i;

	if (n > 0 && (h = calloc(n, sizeof(*h))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		EVP_Digest(docs[i].data, docs[i].len, h[i], NULL, EVP_sha256(),
		    NULL);
	*out = h;
	return 0;
}

int
cli_hash_listed(const uint8_t h[32], const uint8_t (*hs)[32], size_t n)
{
	size_t	 i;
	int	 found = 0;

	for (i = 0; i < n; i++)
		found |= CRYPTO_memcmp(h, hs[i], 32) == 0;
	return found;
}

const char *
cli_path(const char *ws, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", ws != NULL ? ws : ".", name);
	return buf;
}

int
cli_write(const char *path, const void *data, size_t len, int mode)
{
	char	 err[512];

	if (file_write_atomic(path, data, len, mode, err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: %s\n", err);
		return -1;
	}
	return 0;
}

void
cli_history_free(struct cli_history *h)
{
	msg_free_bin_array(h->manifests, h->nmanifests, 0);
	msg_free_bin_array(h->policies, h->npolicies, 0);
	free(h->root_ca);
	free(h->mesh_ca);
	free(h->latest_sig);
	memset(h, 0, sizeof(*h));
}

/* GET_MANIFESTS on an attested session. */
int
cli_get_manifests(struct client *cl, struct cli_history *h, uint32_t *code,
    char *err, size_t errlen)
{
	struct msg_out	 o;
	struct msg	 m;
	uint8_t		*frame;
	size_t		 framelen;
	int		 rc = -1;

	memset(h, 0, sizeof(*h));
	if (client_request(cl, &o, WIRE_GET_MANIFESTS, err, errlen) == -1)
		return -1;
	if (client_call(cl, &o, WIRE_GET_MANIFESTS_OK, &frame, &framelen, &m,
	    code, err, errlen) == -1) {
		msg_out_free(&o);
		return -1;
	}
	msg_out_free(&o);
	if (msg_get_bin_array(&m, &h->manifests, &h->nmanifests, 1u << 20,
	    WIRE_MAX_MANIFEST) == -1 ||
	    msg_get_bin_array(&m, &h->policies, &h->npolicies,
	    WIRE_MAX_POLICIES * 64, WIRE_MAX_POLICY) == -1 ||
	    msg_get_str(&m, &h->root_ca, WIRE_MAX_PEM) == -1 ||
	    msg_get_str(&m, &h->mesh_ca, WIRE_MAX_PEM) == -1 ||
	    msg_get_fixbin(&m, h->latest, sizeof(h->latest)) == -1 ||
	    msg_get_bin(&m, &h->latest_sig, &h->latest_sig_len,
	    WIRE_MAX_SIGNATURE) == -1 || msg_end(&m) == -1) {
		snprintf(err, errlen, "%s: bad GET_MANIFESTS_OK: %s",
		    cl->conn.peer, msg_errstr(&m));
		cli_history_free(h);
	} else if (h->nmanifests == 0) {
		snprintf(err, errlen, "%s: empty history", cl->conn.peer);
		cli_history_free(h);
	} else
		rc = 0;
	msg_clear(&m);
	free(frame);
	return rc;
}

