/*
 * libFuzzer harness: certificate and key parsing as the initializer and
 * the CLI do it.  Every input goes through
 *   - pki_certs_from_pem (strict PEM bundle), then chain verification of
 *     the bundle (leaf first, the rest untrusted) against a fixed root
 *     and mesh CA, and against the leaf itself (aTLS-style self-signed);
 *   - pki_cert_from_der, pki_key_from_pem, pki_seedshare_pub_der_from_pem,
 *     pki_pubkey_from_spki_der, pki_rsa_pub_from_der;
 *   - x509ca_san_classify on the input as a string.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "castate.h"
#include "pki.h"
#include "seedengine.h"
#include "x509ca.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct castate	*fz_ca;
static time_t		 fz_now = 1893456000;	/* 2030-01-01 */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t	 seed[SEED_LEN], salt[SEED_SALT_LEN];
	char	 err[PKI_ERR_LEN];

	memset(seed, 0x42, sizeof(seed));
	memset(salt, 0x24, sizeof(salt));
	if ((fz_ca = castate_recover(seed, sizeof(seed), salt, sizeof(salt),
	    fz_now, err, sizeof(err))) == NULL)
		abort();
	return 0;
}

static void
fz_chain(const uint8_t *data, size_t size)
{
	STACK_OF(X509)	*sk, *rest;
	X509		*leaf;
	char		 err[PKI_ERR_LEN];

	if ((sk = pki_certs_from_pem(data, size, PKI_CHAIN_MAX, err,
	    sizeof(err))) == NULL)
		return;
	leaf = sk_X509_value(sk, 0);
	if ((rest = sk_X509_dup(sk)) != NULL) {
		(void)sk_X509_shift(rest);
		(void)pki_cert_verify(leaf, rest, castate_cert(fz_ca,
		    CASTATE_ROOT), fz_now, err, sizeof(err));
		sk_X509_free(rest);
	}
	(void)pki_cert_verify(leaf, NULL, castate_cert(fz_ca, CASTATE_MESH),
	    fz_now, err, sizeof(err));
	(void)pki_cert_verify(leaf, NULL, leaf, 0, err, sizeof(err));
	sk_X509_pop_free(sk, X509_free);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum x509ca_san_kind	 kind;
	EVP_PKEY		*k;
	X509			*c;
	uint8_t			*der;
	size_t			 derlen;
	char			 err[PKI_ERR_LEN], *s;

	fz_chain(data, size);
	if ((c = pki_cert_from_der(data, size, err, sizeof(err))) != NULL)
		X509_free(c);
	if ((k = pki_key_from_pem(data, size, err, sizeof(err))) != NULL)
		EVP_PKEY_free(k);
	if (pki_seedshare_pub_der_from_pem(data, size, &der, &derlen, err,
	    sizeof(err)) == 0)
		free(der);
	if ((k = pki_pubkey_from_spki_der(data, size, err, sizeof(err))) !=
	    NULL)
		EVP_PKEY_free(k);
	if ((k = pki_rsa_pub_from_der(data, size, err, sizeof(err))) != NULL)
		EVP_PKEY_free(k);
	if (size < 4096 && (s = malloc(size + 1)) != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
		(void)x509ca_san_classify(s, &kind, err, sizeof(err));
		free(s);
	}
	ERR_clear_error();
	return 0;
}
