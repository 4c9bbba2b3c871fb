/*
 * The CA's state: seed engine, root certificate, current mesh CA key and
 * its two certificates (intermediate, mesh CA).  A pure library object for
 * the privilege-separated CA process: no I/O, no globals, no process
 * assumptions.  Every operation either succeeds or leaves the state as it
 * was (rotation builds the new key and certificates before swapping).
 */
#ifndef CONTRAST_CASTATE_H
#define CONTRAST_CASTATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "seedshare.h"
#include "x509ca.h"

enum castate_cert {
	CASTATE_ROOT = 1,
	CASTATE_INTERMEDIATE,
	CASTATE_MESH
};

struct castate;

/* New deployment: random seed and salt, root CA, first mesh CA. */
struct castate	*castate_new(time_t, char *, size_t);
/*
 * From a recovered seed (SEED_LEN) and salt (SEED_SALT_LEN): the same root
 * key as before, new root certificate, and a new random mesh CA (upstream
 * rotates the mesh CA on every recovery).
 */
struct castate	*castate_recover(const uint8_t *, size_t, const uint8_t *,
		    size_t, time_t, char *, size_t);
void		 castate_free(struct castate *);

/* New random mesh CA key, intermediate and mesh CA certificates. */
int		 castate_rotate_mesh(struct castate *, time_t, char *, size_t);
/* A workload leaf signed by the current mesh CA. */
X509		*castate_issue_leaf(const struct castate *,
		    const struct x509ca_leaf *, time_t, char *, size_t);
/* The same leaf as PEM, for the CA process (see x509ca_leaf_pem()). */
int		 castate_issue_leaf_pem(const struct castate *,
		    const struct x509ca_leaf *, time_t, char **, size_t *,
		    char *, size_t);
/* SEED_WORKLOAD_SECRET_LEN bytes for a WorkloadSecretID. */
int		 castate_workload_secret(const struct castate *, const char *,
		    uint8_t *, char *, size_t);
/* Seed shares for the manifest's SeedshareOwnerPubKeys (DER, in order). */
int		 castate_seed_shares(const struct castate *,
		    const uint8_t *const *, const size_t *, size_t,
		    struct seedshare **, char *, size_t);
/* DER ECDSA signature of a 32-byte transition hash (transitions/latest). */
int		 castate_sign_transition(const struct castate *,
		    const uint8_t *, size_t, uint8_t **, size_t *, char *,
		    size_t);
int		 castate_verify_transition(const struct castate *,
		    const uint8_t *, size_t, const uint8_t *, size_t, char *,
		    size_t);
/* Public material. */
X509		*castate_cert(const struct castate *, enum castate_cert);
/* Its PEM (NUL-terminated), owned by the state until the next rotation. */
const char	*castate_pem(const struct castate *, enum castate_cert,
		    size_t *);
/* SPKI DER of the transaction-signing public key (for the store). */
int		 castate_tx_pub_der(const struct castate *, uint8_t **,
		    size_t *, char *, size_t);
const uint8_t	*castate_salt(const struct castate *);

#endif
