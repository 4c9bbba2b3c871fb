/*
 * The manifest history store (contrast.md 7.2): a state directory with
 *
 *	manifests/<hex sha256>		raw manifest bytes
 *	policies/<hex sha256>		raw policy (initdata) bytes
 *	transitions/<hex sha256>	ManifestHash(32) || PreviousTransitionHash(32)
 *	transitions/latest		TransitionHash(32) || DER ECDSA-P384 signature
 *
 * The all-zero hash is the root.  Everything is public; integrity comes
 * from content addressing (re-hashed on every read) and the signed head.
 * The store works on a directory fd only (openat/mkdirat/renameat, every
 * open O_NOFOLLOW) so the parent can hold it under seccomp.  Writes are
 * atomic: temp file, fsync, renameat, fsync of the directory.
 */
#ifndef CONTRAST_STORE_H
#define CONTRAST_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define STORE_HASH_LEN		32
#define STORE_TRANSITION_LEN	64
#define STORE_MAX_OBJECT	(4 * 1024 * 1024)	/* manifest or policy */
#define STORE_MAX_SIG		256	/* DER ECDSA-P384 is <= 104 bytes */
#define STORE_MAX_HISTORY	100000	/* transitions walked at most */

enum store_kind {
	STORE_MANIFEST = 0,
	STORE_POLICY,
	STORE_TRANSITION
};

struct store;

/*
 * Use an open directory fd (O_DIRECTORY; dup'ed, the caller keeps its
 * own).  Creates the three subdirectories if missing and removes temp
 * files a crash left behind.
 */
int	 store_open_fd(int, struct store **, char *, size_t);
/* Convenience for tests and tools: open (and mkdir) a path. */
int	 store_open(const char *, struct store **, char *, size_t);
void	 store_close(struct store *);

/* Store content-addressed bytes; the SHA-256 goes to hash (may be NULL). */
int	 store_put(struct store *, enum store_kind, const uint8_t *, size_t,
	    uint8_t[STORE_HASH_LEN], char *, size_t);
/*
 * Read by hash.  Returns 0, 1 if absent, -1 on error ("hash mismatch"
 * when the content does not hash to its name).  *data is caller-freed.
 */
int	 store_get(struct store *, enum store_kind,
	    const uint8_t[STORE_HASH_LEN], uint8_t **, size_t *, char *,
	    size_t);
/* 1 if present, 0 if absent, -1 on error (no re-hash). */
int	 store_has(struct store *, enum store_kind,
	    const uint8_t[STORE_HASH_LEN], char *, size_t);

/* Store the transition (manifest, prev) and return its hash. */
int	 store_put_transition(struct store *, const uint8_t[STORE_HASH_LEN],
	    const uint8_t[STORE_HASH_LEN], uint8_t[STORE_HASH_LEN], char *,
	    size_t);
/* 0, 1 if absent, -1 on error (hash mismatch, bad size). */
int	 store_get_transition(struct store *, const uint8_t[STORE_HASH_LEN],
	    uint8_t[STORE_HASH_LEN], uint8_t[STORE_HASH_LEN], char *, size_t);
/* SHA-256(manifest_hash || prev): what latest names and owners sign. */
void	 store_transition_hash(const uint8_t[STORE_HASH_LEN],
	    const uint8_t[STORE_HASH_LEN], uint8_t[STORE_HASH_LEN]);

/*
 * Write transitions/latest = hash || sig.  The signature is made by the
 * CA over the raw 32-byte hash.  If expected_old is not NULL the current
 * head must equal it (compare-and-swap; the all-zero hash means "no head
 * yet"), else -1 with "conflict".
 */
int	 store_set_latest(struct store *, const uint8_t[STORE_HASH_LEN],
	    const uint8_t *, size_t, const uint8_t *, char *, size_t);
/* 0, 1 if absent, -1 on error.  *sig is caller-freed. */
int	 store_get_latest(struct store *, uint8_t[STORE_HASH_LEN], uint8_t **,
	    size_t *, char *, size_t);
/* Verify an ECDSA signature over the raw hash (no further hashing). */
int	 store_verify_latest(EVP_PKEY *, const uint8_t[STORE_HASH_LEN],
	    const uint8_t *, size_t, char *, size_t);

/*
 * Upstream's key/value view (contrast.md 7.1), for tools that copy or
 * rebuild a store: key is "<dir>/<name>" with dir one of manifests,
 * policies, transitions and name [a-zA-Z0-9-]+; anything else (a "/" in
 * the name, "..", a dot) is refused.  Raw bytes, no re-hash: readers of
 * history use store_get().  get returns 0, 1 if absent, -1.
 */
int	 store_kv_get(struct store *, const char *, uint8_t **, size_t *,
	    char *, size_t);
int	 store_kv_set(struct store *, const char *, const uint8_t *, size_t,
	    char *, size_t);

/*
 * Walk from head to the all-zero root calling cb(arg, transition_hash,
 * manifest_hash, prev) for each transition, newest first.  Bounded by
 * STORE_MAX_HISTORY and cycle-safe.  cb returning non-zero stops the walk
 * with that value.  Returns 0 or -1 (missing or corrupt transition).
 */
typedef int (*store_walk_cb)(void *, const uint8_t[STORE_HASH_LEN],
	    const uint8_t[STORE_HASH_LEN], const uint8_t[STORE_HASH_LEN]);
int	 store_walk(struct store *, const uint8_t[STORE_HASH_LEN],
	    store_walk_cb, void *, char *, size_t);

/*
 * Check the whole store: latest signed by pub, every transition and
 * manifest reachable and intact.  If expected_head is not NULL, latest
 * must name it (this is what detects a rollback to an older, validly
 * signed head).  Returns 0, 1 if the store is empty, -1 with the reason.
 * *n_manifests (may be NULL) receives the history length.
 */
int	 store_check(struct store *, EVP_PKEY *, const uint8_t *, size_t *,
	    char *, size_t);

#endif
