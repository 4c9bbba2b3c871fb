/*
 * Client protocol tables and bindings.  The arities and caps here are the
 * contract of doc/PROTOCOL.md: msg_decode() enforces them before any
 * handler looks at a field.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "store.h"
#include "util.h"
#include "wire.h"

#define SMALL	256

const struct msg_typeinfo wire_types[WIRE_TYPE_MAX] = {
	[WIRE_HELLO] =
	    { "HELLO", 4, SMALL, MSGT_REQ, 0 },
	[WIRE_HELLO_OK] =
	    { "HELLO_OK", 3, SMALL + 2 * WIRE_MAX_EVIDENCE, MSGT_REPLY,
	      WIRE_HELLO },
	[WIRE_SET_MANIFEST] =
	    { "SET_MANIFEST", 5, WIRE_MAX_FRAME_USER, MSGT_REQ, 0 },
	[WIRE_SET_MANIFEST_OK] =
	    { "SET_MANIFEST_OK", 3, 2 * WIRE_MAX_PEM + WIRE_MAX_MANIFEST,
	      MSGT_REPLY, WIRE_SET_MANIFEST },
	[WIRE_GET_MANIFESTS] =
	    { "GET_MANIFESTS", 0, SMALL, MSGT_REQ, 0 },
	[WIRE_GET_MANIFESTS_OK] =
	    { "GET_MANIFESTS_OK", 6, 64u * 1024 * 1024, MSGT_REPLY,
	      WIRE_GET_MANIFESTS },
	[WIRE_RECOVER] =
	    { "RECOVER", 5, SMALL + 2 * WIRE_MAX_KEY + WIRE_MAX_SIGNATURE,
	      MSGT_REQ | MSGT_SECRET, 0 },
	[WIRE_RECOVER_OK] =
	    { "RECOVER_OK", 2, 2 * WIRE_MAX_PEM + SMALL, MSGT_REPLY,
	      WIRE_RECOVER },
	[WIRE_MESH_CERT] =
	    { "MESH_CERT", 2, WIRE_MAX_FRAME_MESH, MSGT_REQ, 0 },
	[WIRE_MESH_CERT_OK] =
	    { "MESH_CERT_OK", 4, 4 * WIRE_MAX_PEM + SMALL,
	      MSGT_REPLY | MSGT_SECRET, WIRE_MESH_CERT },
	/* Answers whatever request the client made, with its reqid. */
	[WIRE_ERROR] =
	    { "ERROR", 2, SMALL + WIRE_MAX_MESSAGE, MSGT_REPLY | MSGT_ANYREQ,
	      0 },
};

const char *
wire_error_name(uint32_t code)
{
	static const char *const names[WIRE_ERR_MAX] = {
		"none", "invalid_argument", "permission_denied",
		"no_manifest", "needs_recovery", "already_recovered",
		"manifest_conflict", "internal", "unsupported_version",
	};

	if (code >= WIRE_ERR_MAX)
		return "unknown";
	return names[code];
}

/* digest(label || a || b); the inputs are public, the digest too. */
static void
wire_digest(const EVP_MD *md, const char *label, const uint8_t *a,
    size_t alen, const uint8_t *b, size_t blen, uint8_t *out)
{
	EVP_MD_CTX	*c;

	/* Allocation failure here leaves no safe answer: all-ones never
	 * matches a real digest, so verification fails closed. */
	if ((c = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(c, md, NULL) != 1 ||
	    EVP_DigestUpdate(c, label, strlen(label)) != 1 ||
	    EVP_DigestUpdate(c, a, alen) != 1 ||
	    EVP_DigestUpdate(c, b, blen) != 1 ||
	    EVP_DigestFinal_ex(c, out, NULL) != 1)
		memset(out, 0xff, (size_t)EVP_MD_get_size(md));
	EVP_MD_CTX_free(c);
}

void
wire_rd_coordinator(const uint8_t nonce[WIRE_NONCE_LEN],
    const uint8_t exporter[WIRE_EXPORTER_LEN], uint8_t out[64])
{
	wire_digest(EVP_sha512(), "contrast/coordinator/v1", nonce,
	    WIRE_NONCE_LEN, exporter, WIRE_EXPORTER_LEN, out);
}

void
wire_rd_mesh(const uint8_t nonce[WIRE_NONCE_LEN], const uint8_t *key,
    size_t keylen, uint8_t out[64])
{
	wire_digest(EVP_sha512(), "contrast/mesh/v1", nonce, WIRE_NONCE_LEN,
	    key, keylen, out);
}

void
wire_owner_signing_hash(const uint8_t manifest_hash[WIRE_HASH_LEN],
    const uint8_t previous[WIRE_HASH_LEN], uint8_t out[WIRE_HASH_LEN])
{
	uint8_t	 th[WIRE_HASH_LEN];
	char	 hex[2 * WIRE_HASH_LEN + 1];

	/* Upstream signs the hex text of the transition hash (RFC 015). */
	store_transition_hash(manifest_hash, previous, th);
	hex_encode(th, sizeof(th), hex);
	wire_digest(EVP_sha256(), "", (const uint8_t *)hex, 2 * WIRE_HASH_LEN,
	    NULL, 0, out);
}

void
wire_recover_digest(const uint8_t nonce[WIRE_NONCE_LEN],
    const uint8_t seed[WIRE_SEED_LEN], const uint8_t salt[WIRE_SALT_LEN],
    uint8_t out[WIRE_HASH_LEN])
{
	uint8_t	 ss[WIRE_HASH_LEN];

	wire_digest(EVP_sha256(), "", seed, WIRE_SEED_LEN, salt, WIRE_SALT_LEN,
	    ss);
	wire_digest(EVP_sha256(), "contrast/recover/v1", nonce, WIRE_NONCE_LEN,
	    ss, sizeof(ss), out);
	OPENSSL_cleanse(ss, sizeof(ss));
}

/* A PKEY context for RSA-PSS over a precomputed SHA-256 digest. */
static EVP_PKEY_CTX *
wire_pss_ctx(EVP_PKEY *key, int sign, char *err, size_t errlen)
{
	EVP_PKEY_CTX	*ctx;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		snprintf(err, errlen, "seed-share owner key is not RSA");
		return NULL;
	}
	if ((ctx = EVP_PKEY_CTX_new(key, NULL)) == NULL ||
	    (sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, WIRE_HASH_LEN) != 1) {
		EVP_PKEY_CTX_free(ctx);
		ERR_clear_error();
		snprintf(err, errlen, "RSA-PSS setup failed");
		return NULL;
	}
	return ctx;
}

int
wire_recover_sign(EVP_PKEY *key, const uint8_t digest[WIRE_HASH_LEN],
    uint8_t **sigp, size_t *siglenp, char *err, size_t errlen)
{
	EVP_PKEY_CTX	*ctx;
	uint8_t		*sig = NULL;
	size_t		 siglen = 0;

	if ((ctx = wire_pss_ctx(key, 1, err, errlen)) == NULL)
		return -1;
	if (EVP_PKEY_sign(ctx, NULL, &siglen, digest, WIRE_HASH_LEN) != 1 ||
	    siglen > WIRE_MAX_SIGNATURE || (sig = malloc(siglen)) == NULL ||
	    EVP_PKEY_sign(ctx, sig, &siglen, digest, WIRE_HASH_LEN) != 1) {
		free(sig);
		EVP_PKEY_CTX_free(ctx);
		ERR_clear_error();
		snprintf(err, errlen, "RSA-PSS signing failed");
		return -1;
	}
	EVP_PKEY_CTX_free(ctx);
	*sigp = sig;
	*siglenp = siglen;
	return 0;
}

int
wire_recover_verify(EVP_PKEY *key, const uint8_t digest[WIRE_HASH_LEN],
    const uint8_t *sig, size_t siglen, char *err, size_t errlen)
{
	EVP_PKEY_CTX	*ctx;
	int		 ok;

	if ((ctx = wire_pss_ctx(key, 0, err, errlen)) == NULL)
		return -1;
	ok = EVP_PKEY_verify(ctx, sig, siglen, digest, WIRE_HASH_LEN) == 1;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	if (!ok) {
		snprintf(err, errlen, "seed-share owner signature invalid");
		return -1;
	}
	return 0;
}
