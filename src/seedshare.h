/*
 * Seed shares, byte-compatible with upstream Contrast
 * (internal/manifest/crypto.go): the whole seed, encrypted to each seed
 * share owner's RSA key with RSA-OAEP, SHA-256 for both the OAEP hash and
 * MGF1, label "seedshare".  No secret sharing (yet, as upstream).
 *
 * Owner keys arrive as in the manifest's SeedshareOwnerPubKeys: DER of a
 * PKCS#1 RSAPublicKey, or of a PKIX SubjectPublicKeyInfo (upstream's CLI
 * hexes a PEM "PUBLIC KEY" verbatim, so both occur); a share records the
 * owner key bytes exactly as given.
 */
#ifndef CONTRAST_SEEDSHARE_H
#define CONTRAST_SEEDSHARE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define SEEDSHARE_OAEP_LABEL	"seedshare"
#define SEEDSHARE_MAX_OWNERS	64	/* ours: bounds work per manifest */
#define SEEDSHARE_CT_MAX	2048	/* RSA-16384 ciphertext */

struct seedshare {
	uint8_t		*pubkey;	/* owner key DER, as in the manifest */
	size_t		 pubkey_len;
	uint8_t		*encrypted;	/* RSA-OAEP ciphertext */
	size_t		 encrypted_len;
};

/* Encrypt seed to one owner key (PKCS#1 or PKIX DER). */
int	 seedshare_encrypt(const uint8_t *, size_t, const uint8_t *, size_t,
	    uint8_t **, size_t *, char *, size_t);
/*
 * Encrypt seed to each of n owner keys (1..SEEDSHARE_MAX_OWNERS), in
 * order.  *sharesp is an array of n; free with seedshare_free().
 */
int	 seedshare_encrypt_all(const uint8_t *const *, const size_t *, size_t,
	    const uint8_t *, size_t, struct seedshare **, char *, size_t);
void	 seedshare_free(struct seedshare *, size_t);

/*
 * Decrypt one share with the owner's private key into seed (seedcap
 * bytes); the plaintext must be exactly seedcap bytes (SEED_LEN), else
 * the share is refused.  Errors never say why OAEP failed.
 */
int	 seedshare_decrypt(EVP_PKEY *, const uint8_t *, size_t, uint8_t *,
	    size_t, char *, size_t);
/*
 * The index of the share meant for priv: its pubkey equals the PKCS#1
 * DER of priv's public key (upstream's rule) or its PKIX DER.  -1 with a
 * message if none.
 */
int	 seedshare_find(EVP_PKEY *, const struct seedshare *, size_t, char *,
	    size_t);

#endif
