/*
 * c2sp.org/det-keygen for P-384.  The HMAC_DRBG state (K, V) and the
 * DRBG output are secrets derived from the seed: they live on the stack
 * and are cleansed before return.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "detkeygen.h"
#include "pki.h"

#define DK_HLEN	32	/* SHA-256 */

/* out = HMAC-SHA256(key, a || b || c || d); NULL parts are skipped. */
static int
dk_hmac(EVP_MAC *mac, const uint8_t *key, const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen, const uint8_t *c, size_t clen,
    const uint8_t *d, size_t dlen, uint8_t *out)
{
	EVP_MAC_CTX	*ctx;
	OSSL_PARAM	 params[2];
	size_t		 outlen = 0;
	int		 ok;

	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, key, DK_HLEN, params) &&
	    (a == NULL || EVP_MAC_update(ctx, a, alen)) &&
	    (b == NULL || EVP_MAC_update(ctx, b, blen)) &&
	    (c == NULL || EVP_MAC_update(ctx, c, clen)) &&
	    (d == NULL || EVP_MAC_update(ctx, d, dlen)) &&
	    EVP_MAC_final(ctx, out, &outlen, DK_HLEN) && outlen == DK_HLEN;
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
detkeygen_p384_scalar(const uint8_t *seed, size_t seedlen, uint8_t *d,
    char *err, size_t errlen)
{
	static const uint8_t	 pers[] = DETKEYGEN_PERS_P384;
	static const uint8_t	 zero = 0x00, one = 0x01;
	EVP_MAC			*mac;
	uint8_t			 k[DK_HLEN], v[DK_HLEN], temp[2 * DK_HLEN];
	int			 rc = -1;

	if (seedlen < DETKEYGEN_SEED_MIN || seedlen > DETKEYGEN_SEED_MAX) {
		snprintf(err, errlen, "det-keygen: seed length %zu not in "
		    "[%d, %d]", seedlen, DETKEYGEN_SEED_MIN,
		    DETKEYGEN_SEED_MAX);
		return -1;
	}
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL) {
		snprintf(err, errlen, "det-keygen: HMAC unavailable");
		return -1;
	}
	/* Instantiate: K = 0^32, V = 0x01^32, two updates with the seed. */
	memset(k, 0x00, sizeof(k));
	memset(v, 0x01, sizeof(v));
	if (dk_hmac(mac, k, v, DK_HLEN, &zero, 1, seed, seedlen, pers,
	    sizeof(pers) - 1, k) == -1 ||
	    dk_hmac(mac, k, v, DK_HLEN, NULL, 0, NULL, 0, NULL, 0, v) == -1 ||
	    dk_hmac(mac, k, v, DK_HLEN, &one, 1, seed, seedlen, pers,
	    sizeof(pers) - 1, k) == -1 ||
	    dk_hmac(mac, k, v, DK_HLEN, NULL, 0, NULL, 0, NULL, 0, v) == -1)
		goto fail;
	/* Generate: two blocks, bits2int keeps the leftmost 384 bits. */
	if (dk_hmac(mac, k, v, DK_HLEN, NULL, 0, NULL, 0, NULL, 0, v) == -1)
		goto fail;
	memcpy(temp, v, DK_HLEN);
	if (dk_hmac(mac, k, v, DK_HLEN, NULL, 0, NULL, 0, NULL, 0, v) == -1)
		goto fail;
	memcpy(temp + DK_HLEN, v, DK_HLEN);
	memcpy(d, temp, DETKEYGEN_P384_LEN);
	rc = 0;
	goto done;
 fail:
	snprintf(err, errlen, "det-keygen: HMAC failed");
 done:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(v, sizeof(v));
	OPENSSL_cleanse(temp, sizeof(temp));
	EVP_MAC_free(mac);
	return rc;
}

EVP_PKEY *
detkeygen_p384(const uint8_t *seed, size_t seedlen, char *err, size_t errlen)
{
	uint8_t		 d[DETKEYGEN_P384_LEN];
	EVP_PKEY	*key;

	if (detkeygen_p384_scalar(seed, seedlen, d, err, errlen) == -1)
		return NULL;
	/* pki_p384_from_scalar fails on d = 0 or d >= n, as the spec says. */
	key = pki_p384_from_scalar(d, sizeof(d), err, errlen);
	OPENSSL_cleanse(d, sizeof(d));
	return key;
}
