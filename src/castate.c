/*
 * CA state (see castate.h): glue between the seed engine, the certificate
 * builder and the seed shares, holding the current mesh CA.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "castate.h"
#include "pki.h"
#include "seedengine.h"

#define CASTATE_HASH_LEN	32

struct castate {
	struct seed_engine	*eng;
	X509			*root;
	EVP_PKEY		*mesh_key;
	X509			*intermediate;
	X509			*mesh;
	/*
	 * PEM of root, intermediate and mesh (by enum castate_cert - 1):
	 * every issuance sends them, and they change only here.
	 */
	char			*pem[CASTATE_MESH];
	size_t			 pemlen[CASTATE_MESH];
};

static struct castate *
castate_build(const uint8_t *seed, size_t seedlen, const uint8_t *salt,
    size_t saltlen, time_t now, char *err, size_t errlen)
{
	struct castate	*st;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((st->eng = seed_engine_new(seed, seedlen, salt, saltlen, err,
	    errlen)) == NULL ||
	    (st->root = x509ca_root_new(seed_engine_root_key(st->eng), now,
	    err, errlen)) == NULL ||
	    pki_cert_to_pem(st->root, &st->pem[CASTATE_ROOT - 1],
	    &st->pemlen[CASTATE_ROOT - 1], err, errlen) == -1 ||
	    castate_rotate_mesh(st, now, err, errlen) == -1) {
		castate_free(st);
		return NULL;
	}
	return st;
}

struct castate *
castate_new(time_t now, char *err, size_t errlen)
{
	struct castate	*st;
	uint8_t		 seed[SEED_LEN], salt[SEED_SALT_LEN];

	if (seed_generate(seed, salt, err, errlen) == -1)
		return NULL;
	st = castate_build(seed, sizeof(seed), salt, sizeof(salt), now, err,
	    errlen);
	OPENSSL_cleanse(seed, sizeof(seed));
	return st;
}

struct castate *
castate_recover(const uint8_t *seed, size_t seedlen, const uint8_t *salt,
    size_t saltlen, time_t now, char *err, size_t errlen)
{
	return castate_build(seed, seedlen, salt, saltlen, now, err, errlen);
}

void
castate_free(struct castate *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	seed_engine_free(st->eng);
	X509_free(st->root);
	EVP_PKEY_free(st->mesh_key);
	X509_free(st->intermediate);
	X509_free(st->mesh);
	for (i = 0; i < CASTATE_MESH; i++)
		free(st->pem[i]);
	free(st);
}

int
castate_rotate_mesh(struct castate *st, time_t now, char *err, size_t errlen)
{
	EVP_PKEY	*key;
	X509		*inter = NULL, *mesh = NULL;
	char		*ipem = NULL, *mpem = NULL;
	size_t		 ilen, mlen;

	if ((key = seed_mesh_ca_key_new(err, errlen)) == NULL)
		return -1;
	if ((inter = x509ca_intermediate_new(key, st->root,
	    seed_engine_root_key(st->eng), now, err, errlen)) == NULL ||
	    (mesh = x509ca_mesh_new(key, now, err, errlen)) == NULL ||
	    pki_cert_to_pem(inter, &ipem, &ilen, err, errlen) == -1 ||
	    pki_cert_to_pem(mesh, &mpem, &mlen, err, errlen) == -1) {
		free(ipem);
		X509_free(mesh);
		X509_free(inter);
		EVP_PKEY_free(key);
		return -1;
	}
	/* All or nothing: a failed rotation leaves the old mesh CA whole. */
	EVP_PKEY_free(st->mesh_key);
	X509_free(st->intermediate);
	X509_free(st->mesh);
	free(st->pem[CASTATE_INTERMEDIATE - 1]);
	free(st->pem[CASTATE_MESH - 1]);
	st->mesh_key = key;
	st->intermediate = inter;
	st->mesh = mesh;
	st->pem[CASTATE_INTERMEDIATE - 1] = ipem;
	st->pemlen[CASTATE_INTERMEDIATE - 1] = ilen;
	st->pem[CASTATE_MESH - 1] = mpem;
	st->pemlen[CASTATE_MESH - 1] = mlen;
	return 0;
}

X509 *
castate_issue_leaf(const struct castate *st, const struct x509ca_leaf *req,
    time_t now, char *err, size_t errlen)
{
	return x509ca_leaf_new(req, st->mesh, st->mesh_key, now, err, errlen);
}

int
castate_issue_leaf_pem(const struct castate *st, const struct x509ca_leaf *req,
    time_t now, char **pem, size_t *len, char *err, size_t errlen)
{
	return x509ca_leaf_pem(req, st->mesh, st->mesh_key, now, pem, len, err,
	    errlen);
}

int
castate_workload_secret(const struct castate *st, const char *id,
    uint8_t *out, char *err, size_t errlen)
{
	return seed_engine_workload_secret(st->eng, id, out, err, errlen);
}

int
castate_seed_shares(const struct castate *st, const uint8_t *const *keys,
    const size_t *lens, size_t n, struct seedshare **out, char *err,
    size_t errlen)
{
	const uint8_t	*seed;
	size_t		 len;

	seed = seed_engine_seed(st->eng, &len);
	return seedshare_encrypt_all(keys, lens, n, seed, len, out, err,
	    errlen);
}

int
castate_sign_transition(const struct castate *st, const uint8_t *hash,
    size_t hashlen, uint8_t **sigp, size_t *siglenp, char *err, size_t errlen)
{
	if (hashlen != CASTATE_HASH_LEN) {
		snprintf(err, errlen, "transition hash must be %d bytes",
		    CASTATE_HASH_LEN);
		return -1;
	}
	return pki_ecdsa_sign_digest(seed_engine_tx_key(st->eng), hash,
	    hashlen, sigp, siglenp, err, errlen);
}

int
castate_verify_transition(const struct castate *st, const uint8_t *hash,
    size_t hashlen, const uint8_t *sig, size_t siglen, char *err,
    size_t errlen)
{
	if (hashlen != CASTATE_HASH_LEN) {
		snprintf(err, errlen, "transition hash must be %d bytes",
		    CASTATE_HASH_LEN);
		return -1;
	}
	return pki_ecdsa_verify_digest(seed_engine_tx_key(st->eng), hash,
	    hashlen, sig, siglen, err, errlen);
}

X509 *
castate_cert(const struct castate *st, enum castate_cert which)
{
	switch (which) {
	case CASTATE_ROOT:
		return st->root;
	case CASTATE_INTERMEDIATE:
		return st->intermediate;
	case CASTATE_MESH:
		return st->mesh;
	}
	return NULL;
}

const char *
castate_pem(const struct castate *st, enum castate_cert which, size_t *lenp)
{
	if (which < CASTATE_ROOT || which > CASTATE_MESH)
		return NULL;
	*lenp = st->pemlen[which - 1];
	return st->pem[which - 1];
}

int
castate_tx_pub_der(const struct castate *st, uint8_t **derp, size_t *lenp,
    char *err, size_t errlen)
{
	return pki_spki_der(seed_engine_tx_key(st->eng), derp, lenp, err,
	    errlen);
}

const uint8_t *
castate_salt(const struct castate *st)
{
	return seed_engine_salt(st->eng);
}
