/*
 * Seed engine (see seedengine.h).  The derivations are fixed by upstream
 * Contrast: changing a label or a length changes every key and secret of
 * every deployment, so they are spelled out once, here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "detkeygen.h"
#include "pki.h"
#include "seedengine.h"

struct seed_secrets {
	uint8_t		 seed[SEED_LEN];
	size_t		 seedlen;
	uint8_t		 salt[SEED_SALT_LEN];
	uint8_t		 pod_state[SEED_LEN];
	uint8_t		 history[SEED_LEN];
};

struct seed_engine {
	struct seed_secrets	*s;	/* secure heap when available */
	EVP_PKEY		*root_key;
	EVP_PKEY		*tx_key;
};

int
seed_hkdf(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt,
    size_t saltlen, const uint8_t *info, size_t infolen, uint8_t *out,
    size_t outlen, char *err, size_t errlen)
{
	EVP_KDF		*kdf;
	EVP_KDF_CTX	*ctx = NULL;
	OSSL_PARAM	 params[5], *p = params;
	int		 rc = -1;

	if (outlen == 0 || outlen > 255 * 32) {
		snprintf(err, errlen, "HKDF: output length %zu out of range",
		    outlen);
		return -1;
	}
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (ctx = EVP_KDF_CTX_new(kdf)) == NULL) {
		snprintf(err, errlen, "HKDF unavailable");
		goto done;
	}
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)ikm, ikmlen);
	/* An absent salt is HashLen zeros (RFC 5869 2.2); OpenSSL agrees. */
	if (saltlen > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    (void *)(uintptr_t)salt, saltlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)info, infolen);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, outlen, params) <= 0) {
		snprintf(err, errlen, "HKDF derivation failed");
		OPENSSL_cleanse(out, outlen);
		goto done;
	}
	rc = 0;
 done:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

int
seed_generate(uint8_t *seed, uint8_t *salt, char *err, size_t errlen)
{
	if (RAND_priv_bytes(seed, SEED_LEN) != 1 ||
	    RAND_bytes(salt, SEED_SALT_LEN) != 1) {
		OPENSSL_cleanse(seed, SEED_LEN);
		snprintf(err, errlen, "random seed generation failed");
		return -1;
	}
	return 0;
}

/* hkdf(secret, label) with the engine's salt, len(secret) bytes out. */
static int
seed_derive(const struct seed_secrets *s, const uint8_t *secret,
    const char *label, size_t labellen, uint8_t *out, char *err,
    size_t errlen)
{
	return seed_hkdf(secret, s->seedlen, s->salt, SEED_SALT_LEN,
	    (const uint8_t *)label, labellen, out, s->seedlen, err, errlen);
}

/* det-keygen P-384 from hkdf(seed, label); the HKDF output is cleansed. */
static EVP_PKEY *
seed_derive_key(const struct seed_secrets *s, const char *label, char *err,
    size_t errlen)
{
	uint8_t		 k[SEED_LEN];
	EVP_PKEY	*key = NULL;

	if (seed_derive(s, s->seed, label, strlen(label), k, err, errlen) ==
	    0)
		key = detkeygen_p384(k, s->seedlen, err, errlen);
	OPENSSL_cleanse(k, sizeof(k));
	return key;
}

struct seed_engine *
seed_engine_new(const uint8_t *seed, size_t seedlen, const uint8_t *salt,
    size_t saltlen, char *err, size_t errlen)
{
	struct seed_engine	*e;
	struct seed_secrets	*s;

	if (seedlen != SEED_LEN) {
		snprintf(err, errlen, "seed must be %d bytes, got %zu",
		    SEED_LEN, seedlen);
		return NULL;
	}
	if (saltlen != SEED_SALT_LEN) {
		snprintf(err, errlen, "salt must be %d bytes, got %zu",
		    SEED_SALT_LEN, saltlen);
		return NULL;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (s = OPENSSL_secure_zalloc(sizeof(*s))) == NULL) {
		free(e);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->s = s;
	memcpy(s->seed, seed, seedlen);
	s->seedlen = seedlen;
	memcpy(s->salt, salt, SEED_SALT_LEN);
	if (seed_derive(s, s->seed, SEED_LABEL_POD_STATE,
	    sizeof(SEED_LABEL_POD_STATE) - 1, s->pod_state, err, errlen) ==
	    -1 ||
	    seed_derive(s, s->seed, SEED_LABEL_HISTORY,
	    sizeof(SEED_LABEL_HISTORY) - 1, s->history, err, errlen) == -1 ||
	    (e->tx_key = seed_derive_key(s, SEED_LABEL_TX_SIGNING, err,
	    errlen)) == NULL ||
	    (e->root_key = seed_derive_key(s, SEED_LABEL_ROOT_CA, err,
	    errlen)) == NULL) {
		seed_engine_free(e);
		return NULL;
	}
	return e;
}

void
seed_engine_free(struct seed_engine *e)
{
	if (e == NULL)
		return;
	/* OPENSSL_secure_clear_free cleanses whatever heap it came from. */
	OPENSSL_secure_clear_free(e->s, sizeof(*e->s));
	EVP_PKEY_free(e->root_key);
	EVP_PKEY_free(e->tx_key);
	free(e);
}

EVP_PKEY *
seed_engine_root_key(const struct seed_engine *e)
{
	return e->root_key;
}

EVP_PKEY *
seed_engine_tx_key(const struct seed_engine *e)
{
	return e->tx_key;
}

const uint8_t *
seed_engine_seed(const struct seed_engine *e, size_t *lenp)
{
	*lenp = e->s->seedlen;
	return e->s->seed;
}

const uint8_t *
seed_engine_salt(const struct seed_engine *e)
{
	return e->s->salt;
}

int
seed_engine_workload_secret(const struct seed_engine *e, const char *id,
    uint8_t *out, char *err, size_t errlen)
{
	char	 label[sizeof(SEED_LABEL_WORKLOAD) + SEED_WORKLOAD_ID_MAX];
	size_t	 idlen;

	if (id == NULL || (idlen = strnlen(id, SEED_WORKLOAD_ID_MAX + 1)) ==
	    0) {
		snprintf(err, errlen, "workload secret ID must not be empty");
		return -1;
	}
	if (idlen > SEED_WORKLOAD_ID_MAX) {
		snprintf(err, errlen, "workload secret ID longer than %d bytes",
		    SEED_WORKLOAD_ID_MAX);
		return -1;
	}
	memcpy(label, SEED_LABEL_WORKLOAD, sizeof(SEED_LABEL_WORKLOAD) - 1);
	memcpy(label + sizeof(SEED_LABEL_WORKLOAD) - 1, id, idlen);
	/* Upstream derives from podStateSeed with len(podStateSeed) = 64. */
	return seed_hkdf(e->s->pod_state, e->s->seedlen, e->s->salt,
	    SEED_SALT_LEN, (const uint8_t *)label,
	    sizeof(SEED_LABEL_WORKLOAD) - 1 + idlen, out,
	    SEED_WORKLOAD_SECRET_LEN, err, errlen);
}

EVP_PKEY *
seed_mesh_ca_key_new(char *err, size_t errlen)
{
	return pki_p384_generate(err, errlen);
}
