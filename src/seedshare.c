/*
 * Seed shares (see seedshare.h).  The decrypted seed passes through one
 * secure-heap buffer of the RSA modulus size, cleansed before return.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "pki.h"
#include "seedshare.h"

/* Configure ctx for OAEP-SHA256 with the "seedshare" label. */
static int
seedshare_oaep(EVP_PKEY_CTX *ctx)
{
	static const char	 label[] = SEEDSHARE_OAEP_LABEL;
	unsigned char		*l;

	if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0)
		return -1;
	/* The context takes ownership of the label buffer. */
	if ((l = OPENSSL_memdup(label, sizeof(label) - 1)) == NULL)
		return -1;
	if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, l, (int)sizeof(label) - 1) <=
	    0) {
		OPENSSL_free(l);
		return -1;
	}
	return 0;
}

int
seedshare_encrypt(const uint8_t *pubder, size_t publen, const uint8_t *seed,
    size_t seedlen, uint8_t **ctp, size_t *ctlenp, char *err, size_t errlen)
{
	EVP_PKEY	*pub;
	EVP_PKEY_CTX	*ctx = NULL;
	uint8_t		*ct = NULL;
	size_t		 ctlen = 0;
	int		 rc = -1;

	if ((pub = pki_rsa_pub_from_der(pubder, publen, err, errlen)) == NULL)
		return -1;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL)) == NULL ||
	    EVP_PKEY_encrypt_init(ctx) <= 0 || seedshare_oaep(ctx) == -1 ||
	    EVP_PKEY_encrypt(ctx, NULL, &ctlen, seed, seedlen) <= 0 ||
	    ctlen > SEEDSHARE_CT_MAX || (ct = malloc(ctlen)) == NULL ||
	    EVP_PKEY_encrypt(ctx, ct, &ctlen, seed, seedlen) <= 0) {
		snprintf(err, errlen, "seed share encryption failed");
		ERR_clear_error();
		free(ct);
		goto done;
	}
	*ctp = ct;
	*ctlenp = ctlen;
	rc = 0;
 done:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pub);
	return rc;
}

int
seedshare_encrypt_all(const uint8_t *const *keys, const size_t *keylens,
    size_t n, const uint8_t *seed, size_t seedlen, struct seedshare **sharesp,
    char *err, size_t errlen)
{
	struct seedshare	*sh;
	char			 e[PKI_ERR_LEN];
	size_t			 i;

	if (n == 0 || n > SEEDSHARE_MAX_OWNERS) {
		snprintf(err, errlen, "need 1..%d seed share owner keys, got "
		    "%zu", SEEDSHARE_MAX_OWNERS, n);
		return -1;
	}
	if ((sh = calloc(n, sizeof(*sh))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((sh[i].pubkey = malloc(keylens[i] ? keylens[i] : 1)) ==
		    NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		memcpy(sh[i].pubkey, keys[i], keylens[i]);
		sh[i].pubkey_len = keylens[i];
		if (seedshare_encrypt(keys[i], keylens[i], seed, seedlen,
		    &sh[i].encrypted, &sh[i].encrypted_len, e, sizeof(e)) ==
		    -1) {
			snprintf(err, errlen, "SeedshareOwnerPubKeys[%zu]: %s",
			    i, e);
			goto fail;
		}
	}
	*sharesp = sh;
	return 0;
 fail:
	seedshare_free(sh, n);
	return -1;
}

void
seedshare_free(struct seedshare *sh, size_t n)
{
	size_t	 i;

	if (sh == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(sh[i].pubkey);
		free(sh[i].encrypted);
	}
	free(sh);
}

int
seedshare_decrypt(EVP_PKEY *priv, const uint8_t *ct, size_t ctlen,
    uint8_t *seed, size_t seedcap, char *err, size_t errlen)
{
	EVP_PKEY_CTX	*ctx = NULL;
	uint8_t		*pt = NULL;
	size_t		 ptcap, ptlen;
	int		 rc = -1;

	if (!pki_is_rsa(priv)) {
		snprintf(err, errlen, "seed share key is not an RSA key");
		return -1;
	}
	ptcap = (size_t)EVP_PKEY_get_size(priv);
	if (ctlen != ptcap) {
		snprintf(err, errlen, "seed share is %zu bytes, the key needs "
		    "%zu", ctlen, ptcap);
		return -1;
	}
	if ((pt = OPENSSL_secure_malloc(ptcap)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ptlen = ptcap;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL)) == NULL ||
	    EVP_PKEY_decrypt_init(ctx) <= 0 || seedshare_oaep(ctx) == -1 ||
	    EVP_PKEY_decrypt(ctx, pt, &ptlen, ct, ctlen) <= 0) {
		/* One message for every OAEP failure: no padding oracle. */
		snprintf(err, errlen, "seed share decryption failed (wrong "
		    "key or corrupted share)");
		ERR_clear_error();
		goto done;
	}
	if (ptlen != seedcap) {
		snprintf(err, errlen, "decrypted seed is %zu bytes, expected "
		    "%zu", ptlen, seedcap);
		goto done;
	}
	memcpy(seed, pt, seedcap);
	rc = 0;
 done:
	OPENSSL_secure_clear_free(pt, ptcap);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

int
seedshare_find(EVP_PKEY *priv, const struct seedshare *sh, size_t n,
    char *err, size_t errlen)
{
	uint8_t	*pkcs1 = NULL, *spki = NULL;
	size_t	 pkcs1len = 0, spkilen = 0, i;
	int	 found = -1;

	if (pki_rsa_pkcs1_pub_der(priv, &pkcs1, &pkcs1len, err, errlen) ==
	    -1)
		return -1;
	if (pki_spki_der(priv, &spki, &spkilen, err, errlen) == -1) {
		free(pkcs1);
		return -1;
	}
	for (i = 0; i < n && found == -1; i++) {
		if ((sh[i].pubkey_len == pkcs1len &&
		    memcmp(sh[i].pubkey, pkcs1, pkcs1len) == 0) ||
		    (sh[i].pubkey_len == spkilen &&
		    memcmp(sh[i].pubkey, spki, spkilen) == 0))
			found = (int)i;
	}
	free(pkcs1);
	free(spki);
	if (found == -1)
		snprintf(err, errlen, "no seed share for this key among %zu",
		    n);
	return found;
}
