/*
 * Known-answer tests for c2sp.org/det-keygen P-384.  The expected keys are
 * the official P-384 vectors of the spec's reference generator
 * (C2SP det-keygen/ecdsa.py), as shipped in Go's
 * src/crypto/ecdsa/testdata/det-keygen.json and filippo.io/keygen's
 * testdata/ecdsa.json: seed = 0x42 repeated 16, 21, 24, 36 and 48 times,
 * expected key = PKCS#8 DER (base64).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "detkeygen.h"
#include "pki.h"
#include "tests/tap.h"

static const struct {
	size_t		 seedlen;
	const char	*pkcs8_b64;
} vectors[] = {
	{ 16, "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDAxcM+HB4XMh9m7ATZk"
	    "aDR4MfllYIN1qajZxSjuZKlxbFc293g0zzbFTqJYEXBU4r6hZANiAARKMQM5fBux"
	    "/teQhJhd/EoYSaDvON5KpxfFxJTdbqcZtlOG63zykDTBSJTch9mw8/6I6R5On0GX"
	    "M0QmSnjs0YJHjMvcveVzkyrDDH3jHV8KgNiWm9e9OaQfP7VUD9j++e0=" },
	{ 21, "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDCgWLt18+U09yZdWYeY"
	    "AQny3+47FJjczmvc3TfxcfHZuyodvwAN25NBb4+00p//VWehZANiAAQ0BWAMq9td"
	    "LnNtagxFel58RJ6hRGyJKCJNpKD1QrnlskJMrvehx7req0rCMgU8+YwwViWfDtCs"
	    "Kh1S+VPZOYrj+LC4fRuqE7KmlLQFhQOnVxJrozpF1Wah3ZKRpeAirSE=" },
	{ 24, "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDD/s5OC27VOUllPwyw1"
	    "5MeeNWYv8Lqkie45z1dpzGwdBi7ExOQwnqkZDsWdV1ELSxihZANiAAQAXFI+KpKx"
	    "NsiHS6TP864K733Iw2mng8AoAepWWAtrFAp6M+ANjFtlRlEGd4w8SGmBZ2vASrgC"
	    "4SJHABuwPNmYLE9D+K56xuzl73mPIbvQwLcZswRDV6h+jQ5kct2GU8k=" },
	{ 36, "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDDcpXHxVQhPLTA9DR7G"
	    "NnCn0Xa0eOgmGcQJ/Mly7sOKpL9CUrHQMCfB1xqxqdZBlkihZANiAAQDvgz6ZcIG"
	    "rzAzllQVtrliQu3V75NCwPNANLLx/eT7UgbKHrG60GGJoz2Aw1aT7pfTtmzWdt2h"
	    "mvdMOxDq4jxsknYzvyAs+UD+JeyrqK7QCsxM7bB99qk81ggAVakK6VI=" },
	{ 48, "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDDIhmLSK/1Qxyet2Min"
	    "ln77gIQ00Hz93AxL0My9lcBvk+085eVgMiNfmfS7p0KhG4+hZANiAATN2HoTuMu5"
	    "vDJn+XYn0thwIgzKHJ7Mz6tki+iMdxGhxES4dpwPICguz9PBeZBK0sYe82Kz5g67"
	    "Ii7dUFZ+6AXNFuXT5UxU5wiZHY4E4oGLgMR9Mldw3hyMbGZXgZcyC8Y=" },
};

/* The expected key and its scalar from the vector's PKCS#8. */
static EVP_PKEY *
expected_key(const char *b64, uint8_t *d)
{
	uint8_t			 der[512];
	const unsigned char	*p = der;
	PKCS8_PRIV_KEY_INFO	*p8;
	EVP_PKEY		*k;
	BIGNUM			*bn = NULL;
	int			 n, len = (int)strlen(b64);

	if ((n = EVP_DecodeBlock(der, (const unsigned char *)b64, len)) < 0)
		return NULL;
	/* EVP_DecodeBlock counts '=' padding as zero bytes. */
	while (len > 0 && b64[--len] == '=')
		n--;
	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, n)) == NULL)
		return NULL;
	k = EVP_PKCS82PKEY(p8);
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (k == NULL || !EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY,
	    &bn) || BN_bn2binpad(bn, d, DETKEYGEN_P384_LEN) !=
	    DETKEYGEN_P384_LEN) {
		EVP_PKEY_free(k);
		BN_free(bn);
		return NULL;
	}
	BN_free(bn);
	return k;
}

int
main(void)
{
	uint8_t		 seed[64], d[DETKEYGEN_P384_LEN], want[DETKEYGEN_P384_LEN];
	uint8_t		 n[DETKEYGEN_P384_LEN] = {
		/* The order of P-384 (SP 800-186). */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
		0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a,
		0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73 };
	char		 err[PKI_ERR_LEN];
	EVP_PKEY	*k, *exp;
	size_t		 i;

	memset(seed, 0x42, sizeof(seed));
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		exp = expected_key(vectors[i].pkcs8_b64, want);
		ok(exp != NULL && pki_is_p384(exp),
		    "vector %zu: expected PKCS#8 parses as P-384", i);
		ok(detkeygen_p384_scalar(seed, vectors[i].seedlen, d, err,
		    sizeof(err)) == 0, "seed 0x42 x %zu: scalar derived",
		    vectors[i].seedlen);
		ok(memcmp(d, want, sizeof(d)) == 0,
		    "seed 0x42 x %zu: d matches the c2sp vector",
		    vectors[i].seedlen);
		k = detkeygen_p384(seed, vectors[i].seedlen, err, sizeof(err));
		ok(k != NULL && exp != NULL && EVP_PKEY_eq(k, exp) == 1,
		    "seed 0x42 x %zu: key pair (d and Q) equals the vector",
		    vectors[i].seedlen);
		EVP_PKEY_free(k);
		EVP_PKEY_free(exp);
	}

	/* Different seeds give different keys (the seed is really used). */
	seed[0] = 0x43;
	ok(detkeygen_p384_scalar(seed, 16, d, err, sizeof(err)) == 0 &&
	    memcmp(d, want, sizeof(d)) != 0, "changing one seed byte changes d");

	ok(detkeygen_p384_scalar(seed, 15, d, err, sizeof(err)) == -1,
	    "a 15-byte seed is refused");
	tap_diag("%s", err);
	ok(detkeygen_p384(NULL, 0, err, sizeof(err)) == NULL,
	    "an empty seed is refused");

	/* The range check the spec's step 12 requires. */
	memset(d, 0, sizeof(d));
	ok(pki_p384_from_scalar(d, sizeof(d), err, sizeof(err)) == NULL,
	    "d = 0 is refused");
	ok(pki_p384_from_scalar(n, sizeof(n), err, sizeof(err)) == NULL,
	    "d = n is refused");
	n[sizeof(n) - 1]--;
	k = pki_p384_from_scalar(n, sizeof(n), err, sizeof(err));
	ok(k != NULL && pki_is_p384(k), "d = n - 1 is accepted");
	EVP_PKEY_free(k);
	ok(pki_p384_from_scalar(n, 47, err, sizeof(err)) == NULL,
	    "a 47-byte scalar is refused");
	return tap_done();
}
