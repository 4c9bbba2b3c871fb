/*
 * Small key and certificate helpers shared by the CA, the CLI and the
 * initializer: generate, load and save keys and certificates as PEM,
 * extract public key encodings (SPKI / PKCS#1 DER), and build a P-384
 * key from a known scalar (deterministic key generation).
 *
 * Library code: every function returns an error (-1 or NULL) and writes a
 * message to err (errlen bytes, see PKI_ERR_LEN); none of them exits.
 * Buffers returned through uint8_t ** / char ** are malloc'd; free them
 * with free(), or with freezero_buf() when they hold a private key.
 */
#ifndef CONTRAST_PKI_H
#define CONTRAST_PKI_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define PKI_ERR_LEN		256
#define PKI_P384_SCALAR_LEN	48	/* big-endian private scalar */
#define PKI_RSA_SEEDSHARE_BITS	4096	/* upstream's seedshare owner keys */
#define PKI_PEM_MAX		(1024 * 1024)	/* cap on PEM files we read */
#define PKI_CHAIN_MAX		16	/* certificates in one PEM bundle */

/* Key generation. */
EVP_PKEY	*pki_p384_generate(char *, size_t);
EVP_PKEY	*pki_rsa_generate(unsigned int, char *, size_t);
/* P-384 key pair from a 48-byte big-endian scalar d; 0 < d < n. */
EVP_PKEY	*pki_p384_from_scalar(const uint8_t *, size_t, char *, size_t);
/* 1 if the key is an EC key on P-384, else 0. */
int		 pki_is_p384(const EVP_PKEY *);
/* 1 if the key is an RSA key, else 0. */
int		 pki_is_rsa(const EVP_PKEY *);

/*
 * Private keys as PEM.  Writing uses upstream's encodings: EC keys as
 * SEC1 "EC PRIVATE KEY", RSA keys as PKCS#1 "RSA PRIVATE KEY".  Reading
 * accepts those and PKCS#8 "PRIVATE KEY" (unencrypted); exactly one key
 * block, nothing but whitespace around it.  Files are written with
 * file_write_atomic() and mode 0600; the PEM text is zeroed afterwards.
 */
int		 pki_key_to_pem(EVP_PKEY *, char **, size_t *, char *, size_t);
EVP_PKEY	*pki_key_from_pem(const uint8_t *, size_t, char *, size_t);
int		 pki_key_write(const char *, EVP_PKEY *, char *, size_t);
EVP_PKEY	*pki_key_read(const char *, char *, size_t);
/*
 * Load the private key at path; if the file does not exist, generate one
 * (P-384 when rsa_bits is 0, else RSA of rsa_bits) and write it 0600.
 * *created (if not NULL) tells which happened.  An existing key of the
 * wrong type is an error.
 */
EVP_PKEY	*pki_key_load_or_generate(const char *, unsigned int, int *,
		    char *, size_t);

/* Public key encodings. */
/* PKIX SubjectPublicKeyInfo DER (Go's x509.MarshalPKIXPublicKey). */
int		 pki_spki_der(EVP_PKEY *, uint8_t **, size_t *, char *,
		    size_t);
/* PKCS#1 RSAPublicKey DER (Go's x509.MarshalPKCS1PublicKey); RSA only. */
int		 pki_rsa_pkcs1_pub_der(EVP_PKEY *, uint8_t **, size_t *,
		    char *, size_t);
/* Public key from SPKI DER; exact length, no trailing bytes. */
EVP_PKEY	*pki_pubkey_from_spki_der(const uint8_t *, size_t, char *,
		    size_t);
/* RSA public key from PKCS#1 DER or, failing that, SPKI DER. */
EVP_PKEY	*pki_rsa_pub_from_der(const uint8_t *, size_t, char *, size_t);
/* Public key as PEM "PUBLIC KEY" (SPKI). */
int		 pki_pubkey_to_pem(EVP_PKEY *, char **, size_t *, char *,
		    size_t);
/*
 * What `contrast generate' puts into SeedshareOwnerPubKeys for a PEM file
 * (upstream's ExtractSeedshareOwnerPublicKey): "RSA PRIVATE KEY" or
 * "PRIVATE KEY" (RSA) → PKCS#1 public DER; "RSA PUBLIC KEY" → its PKCS#1
 * DER; "PUBLIC KEY" (RSA) → the SPKI DER verbatim, as upstream does.
 */
int		 pki_seedshare_pub_der_from_pem(const uint8_t *, size_t,
		    uint8_t **, size_t *, char *, size_t);

/*
 * ECDSA over a caller-supplied digest (1..64 bytes), used as is and not
 * hashed again (Go's ecdsa.SignASN1/VerifyASN1): transitions/latest and
 * owner signatures sign a raw 32-byte SHA-256.  Signatures are DER; the
 * verifier rejects non-DER encodings and trailing bytes.
 */
int		 pki_ecdsa_sign_digest(EVP_PKEY *, const uint8_t *, size_t,
		    uint8_t **, size_t *, char *, size_t);
int		 pki_ecdsa_verify_digest(EVP_PKEY *, const uint8_t *, size_t,
		    const uint8_t *, size_t, char *, size_t);

/* Certificates. */
int		 pki_cert_to_pem(X509 *, char **, size_t *, char *, size_t);
int		 pki_cert_to_der(X509 *, uint8_t **, size_t *, char *, size_t);
/* One DER certificate; exact length, no trailing bytes. */
X509		*pki_cert_from_der(const uint8_t *, size_t, char *, size_t);
/*
 * Parse a PEM bundle of 1..max "CERTIFICATE" blocks (max ≤ PKI_CHAIN_MAX);
 * any other block type or non-whitespace garbage is an error.  The error
 * names the block number.
 */
STACK_OF(X509)	*pki_certs_from_pem(const uint8_t *, size_t, int, char *,
		    size_t);
int		 pki_cert_write(const char *, X509 *, char *, size_t);
STACK_OF(X509)	*pki_certs_read(const char *, int, char *, size_t);
/*
 * Verify leaf against one trust anchor, with optional untrusted
 * intermediates, at time `at' (0 = now).  Purpose any; the error carries
 * OpenSSL's reason and the depth.
 */
int		 pki_cert_verify(X509 *, STACK_OF(X509) *, X509 *, time_t,
		    char *, size_t);

#endif
