/*
 * The Contrast manifest: parse, validate, write, patch reference values,
 * owner-key checks and the seed-shares document.
 *
 * A manifest is untrusted JSON.  manifest_parse() checks syntax, types,
 * sizes and unknown fields (hard errors: parsing fails), and at the same
 * time evaluates upstream's validation rules (contrast.md 1.5) into the
 * manifest's own issue list; manifest_validate() reports those.  So a
 * manifest with placeholder reference values still parses (generate must
 * be able to load, patch and print it) but never validates.
 *
 * Only a manifest for which manifest_validate() returned 0 may be used to
 * judge evidence or to issue certificates.
 */
#ifndef CONTRAST_MANIFEST_H
#define CONTRAST_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "attest.h"

#define MANIFEST_MAX_SIZE	(1024 * 1024)	/* bytes of manifest.json */
#define MANIFEST_MAX_DEPTH	32		/* JSON nesting */
#define MANIFEST_HASH_LEN	32		/* SHA-256 */
#define MANIFEST_MAX_ERRORS	64		/* kept; more are counted */

/* One error: a JSON path like "ReferenceValues.snp[0].MrTd" and a text. */
struct manifest_error {
	char	 path[160];
	char	 msg[160];
	int	 expected_missing;	/* the user must fill in a value */
};

/* All errors of one parse or validation, in document order. */
struct manifest_errors {
	struct manifest_error	 e[MANIFEST_MAX_ERRORS];
	size_t			 n;		/* stored in e[] */
	size_t			 n_dropped;	/* beyond MANIFEST_MAX_ERRORS */
	size_t			 n_missing;	/* how many are expected_missing */
};

void	 manifest_errors_init(struct manifest_errors *);
/* Total number of errors, including dropped ones. */
size_t	 manifest_errors_count(const struct manifest_errors *);
/* 1 if there is at least one error and every error is "expected missing". */
int	 manifest_errors_only_missing(const struct manifest_errors *);
/* "path: msg" lines joined with '\n' into buf (always NUL-terminated). */
void	 manifest_errors_format(const struct manifest_errors *, char *, size_t);

enum manifest_role {
	MANIFEST_ROLE_NONE = 0,		/* "" or absent */
	MANIFEST_ROLE_COORDINATOR,	/* "coordinator" */
	MANIFEST_ROLE_UNKNOWN		/* anything else: a validation error */
};

struct manifest_policy {
	char			*hash_hex;	/* the key as written */
	uint8_t			 hash[MANIFEST_HASH_LEN];
	int			 hash_ok;	/* key is 64 valid hex chars */
	char			**sans;
	size_t			 n_sans;
	char			*workload_secret_id;	/* "" when absent */
	enum manifest_role	 role;
};

struct manifest_blob {
	uint8_t			*data;
	size_t			 len;
};

struct manifest {
	json_t			*doc;		/* the parsed document (owned) */
	/* Policies, sorted by key. */
	struct manifest_policy	*policies;
	size_t			 n_policies;
	/* Filled for every entry; fields with issues are left zero. */
	struct refvals		 refvals;
	int			 legacy_refvals; /* read from the <= v0.7 shape */
	/* WorkloadOwnerPubKeys: PKIX DER (valid hex entries only). */
	struct manifest_blob	*owner_pubkeys;
	size_t			 n_owner_pubkeys;
	/* WorkloadOwnerKeyDigests: SHA-256 of PKIX DER (valid entries only). */
	uint8_t			(*owner_key_digests)[32];
	size_t			 n_owner_key_digests;
	/* SeedshareOwnerPubKeys: PKCS#1 RSAPublicKey DER, as in the manifest. */
	struct manifest_blob	*seedshare_keys;
	char			**seedshare_keys_hex;
	size_t			 n_seedshare_keys;
	char			*min_api_version;	/* NULL when absent */
	/* Validation outcome computed during parsing. */
	struct manifest_errors	 issues;
};

/*
 * Parse a manifest.  Returns 0 and a new manifest, or -1 with the hard
 * errors in *errs (at least one).  errs may not be NULL.
 */
int	 manifest_parse(const uint8_t *, size_t, struct manifest **,
	    struct manifest_errors *);
/* Same from an already-loaded JSON value (borrowed; copied). */
int	 manifest_parse_json(const json_t *, struct manifest **,
	    struct manifest_errors *);
/*
 * Upstream's validation rules.  Returns 0 if valid, else -1 and appends
 * every error to *errs (path-prefixed; "expected missing" ones flagged).
 */
int	 manifest_validate(const struct manifest *, struct manifest_errors *);
void	 manifest_free(struct manifest *);

/* SHA-256 of the exact bytes (the history key and transition input). */
void	 manifest_hash(const uint8_t *, size_t, uint8_t[MANIFEST_HASH_LEN]);

/* The policy entry for a 32-byte policy hash, or NULL. */
const struct manifest_policy *
	 manifest_policy_lookup(const struct manifest *,
	    const uint8_t[MANIFEST_HASH_LEN]);
/* Number of policies with role coordinator. */
size_t	 manifest_coordinator_count(const struct manifest *);

/*
 * 1 if the PKIX (SubjectPublicKeyInfo) DER key is a workload owner: it is
 * in WorkloadOwnerPubKeys, or its SHA-256 is in WorkloadOwnerKeyDigests.
 * Constant-time compares.  0 otherwise (also for an empty list: the
 * manifest is then immutable).
 */
int	 manifest_owner_key_allowed(const struct manifest *, const uint8_t *,
	    size_t);
/* Number of owner entries (both fields); 0 means "updates disabled". */
size_t	 manifest_owner_count(const struct manifest *);

/* SeedshareOwnerPubKeys as PKCS#1 DER blobs (borrowed). */
const struct manifest_blob *
	 manifest_seedshare_keys(const struct manifest *, size_t *);
/*
 * 1 if both manifests have the same SeedshareOwnerPubKeys (ordered
 * compare, as upstream); an update that changes them is refused.
 */
int	 manifest_seedshare_keys_equal(const struct manifest *,
	    const struct manifest *);

/*
 * A bare ReferenceValues object ({"snp": [...], "tdx": [...]}), as the
 * sim helper writes and `attestation verify --reference-values` reads.
 * Returns 0 and fills *out if it parses AND validates; otherwise -1 with
 * all errors (paths start at "ReferenceValues").
 */
int	 manifest_parse_refvals(const uint8_t *, size_t, struct refvals *,
	    struct manifest_errors *);
int	 manifest_parse_refvals_json(const json_t *, struct refvals *,
	    struct manifest_errors *);

/*
 * Write any JSON value the way upstream's CLI does (Go encoding/json
 * MarshalIndent with 2 spaces, plus a trailing newline): object keys
 * sorted, "<", ">", "&", U+2028, U+2029 escaped as \u003c..., "/" never
 * escaped.  *out is NUL-terminated, caller frees.  -1 on error.
 */
int	 manifest_write(const json_t *, char **, size_t *, char *, size_t);

/* How the CA must encode a SAN string (Go: net.ParseIP, url.Parse). */
enum manifest_san_kind {
	MANIFEST_SAN_DNS = 0,
	MANIFEST_SAN_IP,
	MANIFEST_SAN_URI
};
/* ip/iplen receive the 4 or 16 address bytes for an IP SAN (may be NULL). */
enum manifest_san_kind
	 manifest_san_kind(const char *, uint8_t[16], size_t *);

/*
 * Reference-value patches (contrast.md 1.7): patches is a JSON array of
 * RFC 6902 patch sets (each an array of operations).  Every set is applied
 * to every ReferenceValues.snp[] and .tdx[] entry of the JSON manifest
 * *doc (or of a bare ReferenceValues object when the top level has "snp"
 * or "tdx"); a set whose "test" operation fails is not meant for that
 * entry and is skipped.  Any other failure aborts with nothing changed.
 */
int	 manifest_apply_refval_patches(json_t *, const json_t *, char *,
	    size_t);

/* seed-shares.json: {"SeedShares": [{"PublicKey", "EncryptedSeed"}], "salt"} */
struct manifest_seedshare {
	char		*public_key_hex;	/* hex PKCS#1 DER, as written */
	uint8_t		*encrypted_seed;	/* RSA-OAEP ciphertext */
	size_t		 encrypted_seed_len;
};

struct manifest_seedshares {
	struct manifest_seedshare	*shares;
	size_t				 n_shares;
	uint8_t				*salt;
	size_t				 salt_len;
};

#define MANIFEST_SEEDSHARES_MAX_SIZE	(1024 * 1024)

int	 manifest_seedshares_parse(const uint8_t *, size_t,
	    struct manifest_seedshares *, char *, size_t);
/* Go field order: SeedShares then salt; base64 standard with padding. */
int	 manifest_seedshares_write(const struct manifest_seedshares *, char **,
	    size_t *, char *, size_t);
void	 manifest_seedshares_free(struct manifest_seedshares *);

#endif
