/*
 * Seed engine: the HKDF-SHA256 primitive against RFC 5869's SHA-256
 * vectors, the engine's determinism (same seed and salt give the same
 * keys and workload secrets in independent instances; another salt gives
 * others), input checks, and the transaction-signing key at work.
 *
 * With "derive SEEDHEX SALTHEX ID" it prints the derived values for the
 * openssl cross-check in test_seed_openssl.sh (test seeds only).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "pki.h"
#include "seedengine.h"
#include "util.h"
#include "tests/tap.h"

static int
hkdf_vector(const char *ikmh, const char *salth, const char *infoh,
    const char *okmh)
{
	uint8_t	 ikm[128], salt[128], info[128], okm[128], want[128];
	size_t	 ikml = strlen(ikmh) / 2, saltl = strlen(salth) / 2;
	size_t	 infol = strlen(infoh) / 2, okml = strlen(okmh) / 2;
	char	 err[PKI_ERR_LEN];

	if (hex_decode(ikmh, strlen(ikmh), ikm, ikml) == -1 ||
	    hex_decode(salth, strlen(salth), salt, saltl) == -1 ||
	    hex_decode(infoh, strlen(infoh), info, infol) == -1 ||
	    hex_decode(okmh, strlen(okmh), want, okml) == -1)
		return 0;
	if (seed_hkdf(ikm, ikml, salt, saltl, info, infol, okm, okml, err,
	    sizeof(err)) == -1)
		return 0;
	return memcmp(okm, want, okml) == 0;
}

static int
priv_hex(EVP_PKEY *k, char *out)
{
	BIGNUM	*bn = NULL;
	uint8_t	 d[48];
	int	 rc = -1;

	if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &bn) &&
	    BN_bn2binpad(bn, d, sizeof(d)) == sizeof(d)) {
		hex_encode(d, sizeof(d), out);
		rc = 0;
	}
	BN_clear_free(bn);
	return rc;
}

/* Print derived values for the shell cross-check. */
static int
derive(const char *seedh, const char *salth, const char *id)
{
	struct seed_engine	*e;
	uint8_t			 seed[SEED_LEN], salt[SEED_SALT_LEN];
	uint8_t			 ws[SEED_WORKLOAD_SECRET_LEN];
	char			 err[PKI_ERR_LEN], hex[2 * 64 + 1];

	if (hex_decode(seedh, strlen(seedh), seed, sizeof(seed)) == -1 ||
	    hex_decode(salth, strlen(salth), salt, sizeof(salt)) == -1) {
		fprintf(stderr, "bad hex\n");
		return 1;
	}
	if ((e = seed_engine_new(seed, sizeof(seed), salt, sizeof(salt), err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (seed_engine_workload_secret(e, id, ws, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	hex_encode(ws, sizeof(ws), hex);
	printf("workload %s\n", hex);
	if (priv_hex(seed_engine_root_key(e), hex) == -1)
		return 1;
	printf("root %s\n", hex);
	if (priv_hex(seed_engine_tx_key(e), hex) == -1)
		return 1;
	printf("tx %s\n", hex);
	seed_engine_free(e);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct seed_engine	*a, *b, *c;
	uint8_t			 seed[SEED_LEN], salt[SEED_SALT_LEN];
	uint8_t			 salt2[SEED_SALT_LEN];
	uint8_t			 wa[SEED_WORKLOAD_SECRET_LEN];
	uint8_t			 wb[SEED_WORKLOAD_SECRET_LEN];
	uint8_t			 wc[SEED_WORKLOAD_SECRET_LEN];
	uint8_t			 dig[32], *sig = NULL;
	size_t			 siglen = 0, slen;
	char			 err[PKI_ERR_LEN], longid[SEED_WORKLOAD_ID_MAX + 2];
	EVP_PKEY		*m1, *m2;

	if (argc == 5 && strcmp(argv[1], "derive") == 0)
		return derive(argv[2], argv[3], argv[4]);

	/* RFC 5869 Appendix A, test cases 1-3 (SHA-256). */
	ok(hkdf_vector("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	    "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9",
	    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	    "34007208d5b887185865"), "HKDF RFC 5869 A.1");
	ok(hkdf_vector(
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	    "404142434445464748494a4b4c4d4e4f",
	    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
	    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
	    "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	    "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
	    "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
	    "cc30c58179ec3e87c14c01d5c1f3434f1d87"), "HKDF RFC 5869 A.2");
	ok(hkdf_vector("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
	    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	    "9d201395faa4b61a96c8"), "HKDF RFC 5869 A.3 (empty salt and info)");
	ok(!hkdf_vector("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "00",
	    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	    "9d201395faa4b61a96c8"), "HKDF: a different info gives another OKM");

	ok(seed_generate(seed, salt, err, sizeof(err)) == 0, "random seed");
	memcpy(salt2, salt, sizeof(salt2));
	salt2[0] ^= 1;
	a = seed_engine_new(seed, sizeof(seed), salt, sizeof(salt), err,
	    sizeof(err));
	b = seed_engine_new(seed, sizeof(seed), salt, sizeof(salt), err,
	    sizeof(err));
	c = seed_engine_new(seed, sizeof(seed), salt2, sizeof(salt2), err,
	    sizeof(err));
	ok(a != NULL && b != NULL && c != NULL, "three engines built");
	if (a == NULL || b == NULL || c == NULL)
		return tap_done();
	ok(pki_is_p384(seed_engine_root_key(a)) &&
	    pki_is_p384(seed_engine_tx_key(a)), "root and tx keys are P-384");
	ok(EVP_PKEY_eq(seed_engine_root_key(a), seed_engine_root_key(b)) == 1,
	    "same seed+salt: same root CA key in two instances");
	ok(EVP_PKEY_eq(seed_engine_tx_key(a), seed_engine_tx_key(b)) == 1,
	    "same seed+salt: same transaction-signing key");
	ok(EVP_PKEY_eq(seed_engine_root_key(a), seed_engine_tx_key(a)) != 1,
	    "root and transaction keys differ (different labels)");
	ok(EVP_PKEY_eq(seed_engine_root_key(a), seed_engine_root_key(c)) != 1,
	    "different salt: different root CA key");
	ok(EVP_PKEY_eq(seed_engine_tx_key(a), seed_engine_tx_key(c)) != 1,
	    "different salt: different transaction-signing key");

	ok(seed_engine_workload_secret(a, "apps/v1/Deployment/default/web", wa,
	    err, sizeof(err)) == 0 &&
	    seed_engine_workload_secret(b, "apps/v1/Deployment/default/web", wb,
	    err, sizeof(err)) == 0 &&
	    memcmp(wa, wb, sizeof(wa)) == 0,
	    "same seed+salt: same workload secret");
	ok(seed_engine_workload_secret(c, "apps/v1/Deployment/default/web", wc,
	    err, sizeof(err)) == 0 && memcmp(wa, wc, sizeof(wa)) != 0,
	    "different salt: different workload secret");
	ok(seed_engine_workload_secret(a, "apps/v1/Deployment/default/db", wb,
	    err, sizeof(err)) == 0 && memcmp(wa, wb, sizeof(wa)) != 0,
	    "different id: different workload secret");
	ok(seed_engine_workload_secret(a, "", wb, err, sizeof(err)) == -1,
	    "empty workload secret id refused");
	tap_diag("%s", err);
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	ok(seed_engine_workload_secret(a, longid, wb, err, sizeof(err)) == -1,
	    "over-long workload secret id refused");
	longid[SEED_WORKLOAD_ID_MAX] = '\0';
	ok(seed_engine_workload_secret(a, longid, wb, err, sizeof(err)) == 0,
	    "workload secret id of the maximum length accepted");

	ok(memcmp(seed_engine_seed(a, &slen), seed, sizeof(seed)) == 0 &&
	    slen == SEED_LEN && memcmp(seed_engine_salt(a), salt,
	    sizeof(salt)) == 0, "engine keeps seed and salt");
	ok(seed_engine_new(seed, 32, salt, sizeof(salt), err, sizeof(err)) ==
	    NULL, "32-byte seed refused (we use exactly 64)");
	ok(seed_engine_new(seed, sizeof(seed), salt, 31, err, sizeof(err)) ==
	    NULL, "31-byte salt refused");

	/* transitions/latest: sign a raw 32-byte hash, verify it. */
	memset(dig, 0xa5, sizeof(dig));
	ok(pki_ecdsa_sign_digest(seed_engine_tx_key(a), dig, sizeof(dig), &sig,
	    &siglen, err, sizeof(err)) == 0, "sign a transition hash");
	ok(pki_ecdsa_verify_digest(seed_engine_tx_key(b), dig, sizeof(dig),
	    sig, siglen, err, sizeof(err)) == 0,
	    "the other instance's key verifies it");
	ok(pki_ecdsa_verify_digest(seed_engine_tx_key(c), dig, sizeof(dig),
	    sig, siglen, err, sizeof(err)) == -1,
	    "a different salt's key does not");
	dig[0] ^= 1;
	ok(pki_ecdsa_verify_digest(seed_engine_tx_key(a), dig, sizeof(dig),
	    sig, siglen, err, sizeof(err)) == -1, "a changed hash fails");
	dig[0] ^= 1;
	ok(pki_ecdsa_verify_digest(seed_engine_tx_key(a), dig, sizeof(dig),
	    sig, siglen - 1, err, sizeof(err)) == -1, "a truncated signature "
	    "fails");
	free(sig);

	m1 = seed_mesh_ca_key_new(err, sizeof(err));
	m2 = seed_mesh_ca_key_new(err, sizeof(err));
	ok(m1 != NULL && m2 != NULL && pki_is_p384(m1) &&
	    EVP_PKEY_eq(m1, m2) != 1, "mesh CA keys are random P-384 keys");
	EVP_PKEY_free(m1);
	EVP_PKEY_free(m2);
	seed_engine_free(a);
	seed_engine_free(b);
	seed_engine_free(c);
	seed_engine_free(NULL);
	return tap_done();
}
