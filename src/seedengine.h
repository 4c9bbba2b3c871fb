/*
 * The seed engine: everything the coordinator derives from the secret
 * seed and salt, byte-compatible with upstream Contrast's
 * internal/seedengine.
 *
 *   hkdf(secret, label) = HKDF-SHA256(IKM = secret, salt = salt,
 *                                     info = label), len(secret) bytes
 *   podStateSeed        = hkdf(seed, "POD STATE SECRET")
 *   historySeed         = hkdf(seed, "HISTORY SECRET")     (unused)
 *   transaction key     = det-keygen P-384(hkdf(seed, "TRANSACTION SIGNING SECRET"))
 *   root CA key         = det-keygen P-384(hkdf(seed, "ROOT CA SEED"))
 *   workload secret(id) = hkdf(podStateSeed, "WORKLOAD SECRET ID: " || id)
 *
 * Secrets live in one allocation made at the final size and are
 * cleansed by seed_engine_free(); keys are held as EVP_PKEY only.
 */
#ifndef CONTRAST_SEEDENGINE_H
#define CONTRAST_SEEDENGINE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/*
 * Upstream's engine accepts seeds of 32 bytes or more, but its coordinator
 * only ever generates 64, and output lengths follow len(seed): we accept
 * exactly 64 so that every derived length is fixed.
 */
#define SEED_LEN		64
#define SEED_SALT_LEN		32
#define SEED_WORKLOAD_SECRET_LEN 64
#define SEED_WORKLOAD_ID_MAX	1024	/* bytes; ours, upstream has none */

#define SEED_LABEL_POD_STATE	"POD STATE SECRET"
#define SEED_LABEL_HISTORY	"HISTORY SECRET"
#define SEED_LABEL_TX_SIGNING	"TRANSACTION SIGNING SECRET"
#define SEED_LABEL_ROOT_CA	"ROOT CA SEED"
#define SEED_LABEL_WORKLOAD	"WORKLOAD SECRET ID: "

struct seed_engine;

/* The HKDF-SHA256 primitive (RFC 5869), any lengths; out gets outlen. */
int		 seed_hkdf(const uint8_t *, size_t, const uint8_t *, size_t,
		    const uint8_t *, size_t, uint8_t *, size_t, char *, size_t);

/* Fresh random seed (SEED_LEN) and salt (SEED_SALT_LEN) from the CSPRNG. */
int		 seed_generate(uint8_t *, uint8_t *, char *, size_t);

/*
 * Build an engine from seed (exactly SEED_LEN bytes) and salt
 * (exactly SEED_SALT_LEN); derives both keys.  The inputs are copied; the
 * caller cleanses its own copies.
 */
struct seed_engine *seed_engine_new(const uint8_t *, size_t, const uint8_t *,
		    size_t, char *, size_t);
void		 seed_engine_free(struct seed_engine *);

/* Borrowed references, valid until seed_engine_free(). */
EVP_PKEY	*seed_engine_root_key(const struct seed_engine *);
EVP_PKEY	*seed_engine_tx_key(const struct seed_engine *);
const uint8_t	*seed_engine_seed(const struct seed_engine *, size_t *);
const uint8_t	*seed_engine_salt(const struct seed_engine *);

/*
 * The workload secret for id (1..SEED_WORKLOAD_ID_MAX bytes, no NUL):
 * SEED_WORKLOAD_SECRET_LEN bytes into out.
 */
int		 seed_engine_workload_secret(const struct seed_engine *,
		    const char *, uint8_t *, char *, size_t);

/* A random (not derived) P-384 key for the mesh CA. */
EVP_PKEY	*seed_mesh_ca_key_new(char *, size_t);

#endif
