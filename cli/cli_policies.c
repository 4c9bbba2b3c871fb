/*
 * The policies `contrast set` sends: the initdata documents found in the
 * deployment YAML, decoded from the Kata annotation (base64 of gzip).
 * The same resource walk as `contrast generate`, so both agree on what
 * a confidential workload is.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cli.h"
#include "generate.h"
#include "gzip.h"
#include "msg.h"
#include "wire.h"

struct pol_acc {
	struct msg_bin	*v;
	uint8_t		(*h)[WIRE_HASH_LEN];	/* SHA-256 of each v[i] */
	size_t		 n;
	size_t		 cap;
};

/* Strict base64 (standard alphabet, padded): -1 on anything else. */
static int
pol_b64_decode(const char *in, uint8_t **outp, size_t *lenp)
{
	size_t	 inlen = strlen(in), pad = 0;
	uint8_t	*out;
	int	 n;

	if (inlen == 0 || inlen % 4 != 0 || inlen > 4 * (WIRE_MAX_POLICY / 3
	    + 4))
		return -1;
	if (in[inlen - 1] == '=')
		pad++;
	if (in[inlen - 2] == '=')
		pad++;
	if ((out = malloc(inlen / 4 * 3 + 1)) == NULL)
		return -1;
	if ((n = EVP_DecodeBlock(out, (const unsigned char *)in,
	    (int)inlen)) < 0 || (size_t)n < pad) {
		free(out);
		return -1;
	}
	*outp = out;
	*lenp = (size_t)n - pad;
	return 0;
}

static int
pol_add(struct pol_acc *acc, uint8_t *doc, size_t len)
{
	uint8_t	 h[WIRE_HASH_LEN];

	/* Replicas of one workload share a policy: send it once. */
	EVP_Digest(doc, len, h, NULL, EVP_sha256(), NULL);
	if (cli_hash_listed(h, (const uint8_t (*)[32])acc->h, acc->n)) {
		free(doc);
		return 0;
	}
	if (acc->n == acc->cap) {
		struct msg_bin	*nv;
		uint8_t		(*nh)[WIRE_HASH_LEN];
		size_t		 ncap = acc->cap ? 2 * acc->cap : 16;

		if (ncap > WIRE_MAX_POLICIES)
			return -1;
		if ((nv = reallocarray(acc->v, ncap, sizeof(*nv))) == NULL)
			return -1;
		acc->v = nv;
		if ((nh = reallocarray(acc->h, ncap, sizeof(*nh))) == NULL)
			return -1;
		acc->h = nh;
		acc->cap = ncap;
	}
	acc->v[acc->n].data = doc;
	acc->v[acc->n].len = len;
	memcpy(acc->h[acc->n], h, sizeof(h));
	acc->n++;
	return 0;
}

static int
pol_resource(struct gen_ctx *ctx, struct gen_resource *r,
    const struct yamledit_stream *st, void *arg)
{
	struct pol_acc	*acc = arg;
	const char	*ann;
	uint8_t		*gz = NULL, *doc = NULL;
	size_t		 gzlen, doclen;
	char		 why[256];

	if (r->podspec == NULL || !gen_is_confidential(r))
		return 0;
	if ((ann = gen_annotation(r, GEN_ANN_INITDATA)) == NULL)
		return gen_error(ctx, r->in, r->line, "%s %s has no %s "
		    "annotation (run contrast generate)", r->kind, r->name,
		    GEN_ANN_INITDATA);
	if (pol_b64_decode(ann, &gz, &gzlen) == -1)
		return gen_error(ctx, r->in, r->line, "%s %s: %s is not "
		    "base64", r->kind, r->name, GEN_ANN_INITDATA);
	if (gzip_stored_decode(gz, gzlen, WIRE_MAX_POLICY, &doc, &doclen, why,
	    sizeof(why)) == -1) {
		free(gz);
		return gen_error(ctx, r->in, r->line, "%s %s: %s: %s",
		    r->kind, r->name, GEN_ANN_INITDATA, why);
	}
	free(gz);
	if (pol_add(acc, doc, doclen) == -1) {
		free(doc);
		return gen_error(ctx, r->in, r->line, "too many policies");
	}
	return 0;
}

int
cli_policies_from_yaml(char **paths, int npaths, struct msg_bin **out,
    size_t *nout)
{
	struct gen_opts		 o;
	struct gen_ctx		 ctx;
	struct pol_acc		 acc;
	struct yamledit_stream	*st;
	size_t			 i;
	int			 rc = -1;

	memset(&o, 0, sizeof(o));
	memset(&ctx, 0, sizeof(ctx));
	memset(&acc, 0, sizeof(acc));
	ctx.o = &o;
	if (gen_inputs_read(&ctx, paths, npaths) == -1) {
		fprintf(stderr, "contrast: %s\n", ctx.err);
		return -1;
	}
	for (i = 0; i < ctx.ninputs; i++) {
		struct gen_input *in = &ctx.inputs[i];
		char		  why[GEN_ERR_LEN];

		if (yamledit_parse(in->text, in->len, &st, NULL, why,
		    sizeof(why)) == -1) {
			fprintf(stderr, "contrast: %s:%s\n", in->path, why);
			goto out;
		}
		if (gen_walk(&ctx, in, st, pol_resource, &acc) == -1) {
			yamledit_free(st);
			fprintf(stderr, "contrast: %s\n", ctx.err);
			goto out;
		}
		yamledit_free(st);
	}
	if (acc.n == 0) {
		fprintf(stderr, "contrast: no confidential workload in the "
		    "given paths\n");
		goto out;
	}
	*out = acc.v;
	*nout = acc.n;
	acc.v = NULL;
	acc.n = 0;
	rc = 0;
 out:
	msg_free_bin_array(acc.v, acc.n, 0);
	free(acc.h);
	gen_inputs_free(&ctx);
	return rc;
}
