/*
 * Deterministic ECDSA P-384 key generation per c2sp.org/det-keygen (as in
 * filippo.io/keygen v1.0.0, which upstream Contrast uses for its root CA
 * and transaction-signing keys): HMAC_DRBG(SHA-256) seeded with the seed
 * and the personalization string "det ECDSA key gen P-384", 48 bytes of
 * output read as a big-endian scalar, no retry (d = 0 or d >= n fails).
 */
#ifndef CONTRAST_DETKEYGEN_H
#define CONTRAST_DETKEYGEN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define DETKEYGEN_SEED_MIN	16	/* the spec's minimum, 128 bits */
#define DETKEYGEN_SEED_MAX	4096	/* ours: bounds the HMAC input */
#define DETKEYGEN_P384_LEN	48
#define DETKEYGEN_PERS_P384	"det ECDSA key gen P-384"

/* The private scalar d (big-endian, 48 bytes) for seed. */
int		 detkeygen_p384_scalar(const uint8_t *, size_t, uint8_t *,
		    char *, size_t);
/* The key pair (d, [d]G) for seed. */
EVP_PKEY	*detkeygen_p384(const uint8_t *, size_t, char *, size_t);

#endif
