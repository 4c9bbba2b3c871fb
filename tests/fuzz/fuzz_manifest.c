/*
 * libFuzzer harness for the manifest parsers: manifest (parse, validate,
 * write, re-parse: the writer must be a fixed point), bare reference
 * values, the seed-shares document and SAN classification.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_manifest(const uint8_t *data, size_t size)
{
	struct manifest		*m, *m2;
	struct manifest_errors	 e, v;
	char			*out, *out2, err[256], buf[8192];
	size_t			 len, len2, i;
	uint8_t			 h[32];

	manifest_errors_init(&e);
	if (manifest_parse(data, size, &m, &e) == -1) {
		if (manifest_errors_count(&e) == 0)
			abort();	/* a failure must say why */
		return;
	}
	manifest_errors_init(&v);
	if ((manifest_validate(m, &v) == 0) != (manifest_errors_count(&v) == 0))
		abort();
	manifest_errors_format(&v, buf, sizeof(buf));
	memset(h, 0, sizeof(h));
	memcpy(h, data, size < 32 ? size : 32);
	(void)manifest_policy_lookup(m, h);
	(void)manifest_owner_key_allowed(m, data, size);
	for (i = 0; i < m->n_policies; i++)
		if (m->policies[i].hash_ok &&
		    manifest_policy_lookup(m, m->policies[i].hash) == NULL)
			abort();
	if (manifest_write(m->doc, &out, &len, err, sizeof(err)) == -1)
		abort();
	manifest_errors_init(&e);
	if (manifest_parse((uint8_t *)out, len, &m2, &e) == -1)
		abort();	/* our own output must parse */
	if (manifest_errors_count(&m2->issues) !=
	    manifest_errors_count(&m->issues))
		abort();	/* and validate the same */
	if (manifest_write(m2->doc, &out2, &len2, err, sizeof(err)) == -1 ||
	    len != len2 || memcmp(out, out2, len) != 0)
		abort();	/* the writer is a fixed point */
	free(out);
	free(out2);
	manifest_free(m2);
	manifest_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest_errors		 e;
	struct manifest_seedshares	 d, d2;
	struct refvals			 rv;
	char				*out, err[256], san[256];
	size_t				 len;

	check_manifest(data, size);

	manifest_errors_init(&e);
	if (manifest_parse_refvals(data, size, &rv, &e) == 0)
		refvals_free(&rv);

	if (manifest_seedshares_parse(data, size, &d, err, sizeof(err)) == 0) {
		if (manifest_seedshares_write(&d, &out, &len, err,
		    sizeof(err)) == -1)
			abort();
		if (manifest_seedshares_parse((uint8_t *)out, len, &d2, err,
		    sizeof(err)) == -1 || d2.n_shares != d.n_shares ||
		    d2.salt_len != d.salt_len)
			abort();
		manifest_seedshares_free(&d2);
		manifest_seedshares_free(&d);
		free(out);
	}

	len = size < sizeof(san) - 1 ? size : sizeof(san) - 1;
	memcpy(san, data, len);
	san[len] = '\0';
	(void)manifest_san_kind(san, (uint8_t [16]){ 0 }, &len);
	return 0;
}
