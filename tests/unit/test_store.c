/*
 * The history store (src/store.c): round trip, the signed head, walking,
 * detection of each kind of corruption, rollback (detectable only with
 * the expected head), crash leftovers, symlinks and bad names.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/sha.h>

#include "store.h"
#include "util.h"
#include "tests/tap.h"

#define MANIFEST	"{\"Policies\":{\"%s\":{\"SANs\":[\"a\"]," \
			"\"Role\":\"coordinator\"}}}"

static char	 dir[] = "/tmp/contrast-store-XXXXXX";
static EVP_PKEY	*key, *other;

static void
sign(EVP_PKEY *k, const uint8_t h[32], uint8_t *sig, size_t *siglen)
{
	EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new(k, NULL);

	*siglen = STORE_MAX_SIG;
	if (ctx == NULL || EVP_PKEY_sign_init(ctx) != 1 ||
	    EVP_PKEY_sign(ctx, sig, siglen, h, 32) != 1) {
		printf("Bail out! cannot sign\n");
		exit(1);
	}
	EVP_PKEY_CTX_free(ctx);
}

static void
path_of(char *out, size_t len, const char *sub, const uint8_t h[32])
{
	char	 hex[65];

	if (h != NULL) {
		hex_encode(h, 32, hex);
		snprintf(out, len, "%s/%s/%s", dir, sub, hex);
	} else
		snprintf(out, len, "%s/%s", dir, sub);
}

static int
slurp(const char *p, uint8_t **b, size_t *l)
{
	char	 err[256];

	return file_read(p, 1 << 20, b, l, err, sizeof(err));
}

static void
spit(const char *p, const uint8_t *b, size_t l)
{
	FILE	*f = fopen(p, "w");

	if (f == NULL || fwrite(b, 1, l, f) != l || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", p);
		exit(1);
	}
}

/* Flip one byte of a file, run the check, flip it back. */
static void
corrupt_and_check(struct store *s, const char *p, size_t off,
    const char *want, const char *what)
{
	uint8_t	*b;
	size_t	 l;
	char	 err[512];

	if (slurp(p, &b, &l) == -1 || off >= l) {
		ok(0, "%s: cannot read %s", what, p);
		return;
	}
	b[off] ^= 0x01;
	spit(p, b, l);
	err[0] = '\0';
	ok(store_check(s, key, NULL, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, want) != NULL, "%s detected (%s)", what, err);
	b[off] ^= 0x01;
	spit(p, b, l);
	free(b);
}

static size_t
count_tmp(const char *sub)
{
	char		 p[512];
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	if ((d = opendir(p)) == NULL)
		return 999;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, ".tmp-", 5) == 0)
			n++;
	closedir(d);
	return n;
}

struct walk_acc {
	uint8_t	 mh[4][32];
	size_t	 n;
};

static int
walk_cb(void *arg, const uint8_t th[32], const uint8_t mh[32],
    const uint8_t prev[32])
{
	struct walk_acc	*a = arg;

	if (a->n < 4)
		memcpy(a->mh[a->n], mh, 32);
	a->n++;
	return 0;
}

int
main(void)
{
	static const uint8_t zero[32];
	char		 m1[256], m2[256];
	struct store	*s;
	struct walk_acc	 acc;
	uint8_t		 mh1[32], mh2[32], ph1[32], ph2[32], t1[32], t2[32];
	uint8_t		 h[32], p[32], sig[STORE_MAX_SIG], *b, *b2, *lat1;
	uint8_t		 pol1[] = "policy one", pol2[] = "policy two";
	size_t		 siglen, l, l2, lat1len, n;
	char		 err[512], path[512], hex[65];
	int		 fd;

	key = EVP_EC_gen("P-384");
	other = EVP_EC_gen("P-384");
	if (mkdtemp(dir) == NULL || key == NULL || other == NULL) {
		printf("Bail out! setup\n");
		return 1;
	}
	ok(store_open(dir, &s, err, sizeof(err)) == 0, "open a new store");
	ok(store_check(s, key, NULL, NULL, err, sizeof(err)) == 1,
	    "empty store checks as empty");

	/* History of two manifests, each naming one policy by its hash. */
	SHA256(pol1, sizeof(pol1) - 1, h);
	hex_encode(h, 32, hex);
	snprintf(m1, sizeof(m1), MANIFEST, hex);
	SHA256(pol2, sizeof(pol2) - 1, h);
	hex_encode(h, 32, hex);
	snprintf(m2, sizeof(m2), MANIFEST, hex);
	ok(store_put(s, STORE_POLICY, pol1, sizeof(pol1) - 1, ph1, err,
	    sizeof(err)) == 0 && store_put(s, STORE_POLICY, pol2,
	    sizeof(pol2) - 1, ph2, err, sizeof(err)) == 0, "put policies");
	ok(store_put(s, STORE_MANIFEST, (const uint8_t *)m1, strlen(m1), mh1,
	    err, sizeof(err)) == 0, "put manifest 1");
	SHA256((const uint8_t *)m1, strlen(m1), h);
	ok(memcmp(h, mh1, 32) == 0, "manifest key is SHA-256 of the bytes");
	ok(store_put(s, STORE_MANIFEST, (const uint8_t *)m1, strlen(m1), NULL,
	    err, sizeof(err)) == 0, "putting the same bytes again is fine");
	ok(store_get(s, STORE_MANIFEST, mh1, &b, &l, err, sizeof(err)) == 0 &&
	    l == strlen(m1) && memcmp(b, m1, l) == 0, "get manifest 1 back");
	free(b);
	ok(store_has(s, STORE_MANIFEST, mh1, err, sizeof(err)) == 1 &&
	    store_has(s, STORE_MANIFEST, ph1, err, sizeof(err)) == 0,
	    "has: present and absent");
	ok(store_get(s, STORE_MANIFEST, ph1, &b, &l, err, sizeof(err)) == 1,
	    "get of an absent object returns 1");

	ok(store_put_transition(s, mh1, zero, t1, err, sizeof(err)) == 0,
	    "put root transition");
	store_transition_hash(mh1, zero, h);
	ok(memcmp(h, t1, 32) == 0, "transition hash = SHA-256(mh || prev)");
	ok(store_get_transition(s, t1, h, p, err, sizeof(err)) == 0 &&
	    memcmp(h, mh1, 32) == 0 && memcmp(p, zero, 32) == 0,
	    "get transition back");
	sign(key, t1, sig, &siglen);
	ok(store_set_latest(s, t1, sig, siglen, zero, err, sizeof(err)) == 0,
	    "set first head (compare-and-swap from empty)");
	path_of(path, sizeof(path), "transitions/latest", NULL);
	slurp(path, &lat1, &lat1len);
	ok(lat1len == 32 + siglen && memcmp(lat1, t1, 32) == 0,
	    "latest = hash || DER signature");

	store_put(s, STORE_MANIFEST, (const uint8_t *)m2, strlen(m2), mh2, err,
	    sizeof(err));
	store_put_transition(s, mh2, t1, t2, err, sizeof(err));
	sign(key, t2, sig, &siglen);
	ok(store_set_latest(s, t2, sig, siglen, zero, err, sizeof(err)) == -1 &&
	    strstr(err, "conflict") != NULL, "CAS with a stale head refused");
	ok(store_set_latest(s, t2, sig, siglen, t1, err, sizeof(err)) == 0,
	    "CAS with the current head succeeds");
	ok(store_get_latest(s, h, &b, &l, err, sizeof(err)) == 0 &&
	    memcmp(h, t2, 32) == 0 && l == siglen &&
	    store_verify_latest(key, h, b, l, err, sizeof(err)) == 0,
	    "latest verifies with the signing key");
	ok(store_verify_latest(other, h, b, l, err, sizeof(err)) == -1,
	    "latest does not verify with another key");
	free(b);

	memset(&acc, 0, sizeof(acc));
	ok(store_walk(s, t2, walk_cb, &acc, err, sizeof(err)) == 0 &&
	    acc.n == 2 && memcmp(acc.mh[0], mh2, 32) == 0 &&
	    memcmp(acc.mh[1], mh1, 32) == 0,
	    "walk from latest to the root, newest first");
	ok(store_check(s, key, t2, &n, err, sizeof(err)) == 0 && n == 2,
	    "check passes with the expected head (%s)", err);
	ok(store_check(s, other, NULL, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "bad signature") != NULL,
	    "check with the wrong public key fails");

	/* Corruption of each file type. */
	path_of(path, sizeof(path), "manifests", mh1);
	corrupt_and_check(s, path, 5, "hash mismatch", "edited old manifest");
	path_of(path, sizeof(path), "manifests", mh2);
	corrupt_and_check(s, path, 0, "hash mismatch", "edited head manifest");
	path_of(path, sizeof(path), "policies", ph1);
	corrupt_and_check(s, path, 0, "hash mismatch", "edited policy");
	path_of(path, sizeof(path), "transitions", t1);
	corrupt_and_check(s, path, 40, "hash mismatch", "edited transition");
	path_of(path, sizeof(path), "transitions/latest", NULL);
	corrupt_and_check(s, path, 3, "bad signature", "latest naming another "
	    "hash");
	corrupt_and_check(s, path, 32 + 10, "bad signature",
	    "edited latest signature");
	path_of(path, sizeof(path), "manifests", mh1);
	ok(store_get(s, STORE_MANIFEST, mh1, &b, &l, err, sizeof(err)) == 0,
	    "restored files read again");
	free(b);

	/* Missing objects. */
	path_of(path, sizeof(path), "policies", ph2);
	slurp(path, &b, &l);
	unlink(path);
	ok(store_check(s, key, NULL, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "missing") != NULL, "deleted policy detected (%s)", err);
	spit(path, b, l);
	free(b);
	path_of(path, sizeof(path), "transitions", t1);
	slurp(path, &b, &l);
	unlink(path);
	ok(store_check(s, key, NULL, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "missing") != NULL,
	    "deleted transition detected (%s)", err);
	spit(path, b, l);
	free(b);

	/*
	 * Rollback: an older head, validly signed by the same key.  Only a
	 * caller that knows the expected head can tell.
	 */
	path_of(path, sizeof(path), "transitions/latest", NULL);
	slurp(path, &b2, &l2);
	spit(path, lat1, lat1len);
	ok(store_check(s, key, NULL, &n, err, sizeof(err)) == 0 && n == 1,
	    "rollback to an older signed head is NOT detectable alone");
	ok(store_check(s, key, t2, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "rolled back") != NULL,
	    "rollback detected given the expected head");
	unlink(path);
	ok(store_check(s, key, NULL, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "holds history") != NULL,
	    "deleted head with history left is not a fresh store");
	spit(path, b2, l2);
	free(b2);
	ok(store_check(s, key, t2, NULL, err, sizeof(err)) == 0,
	    "store intact again");

	/* Crash leftovers and hostile entries. */
	snprintf(path, sizeof(path), "%s/manifests/.tmp-abc-123", dir);
	spit(path, (const uint8_t *)"junk", 4);
	snprintf(path, sizeof(path), "%s/transitions/.tmp-latest-1", dir);
	spit(path, (const uint8_t *)"junk", 4);
	ok(count_tmp("manifests") == 1, "temp file left by a crash");
	store_close(s);
	ok(store_open(dir, &s, err, sizeof(err)) == 0 &&
	    count_tmp("manifests") == 0 && count_tmp("transitions") == 0,
	    "reopening removes temp files");
	ok(store_check(s, key, t2, NULL, err, sizeof(err)) == 0,
	    "and the store is intact");

	memset(h, 0x42, sizeof(h));
	hex_encode(h, 32, hex);
	snprintf(path, sizeof(path), "%s/manifests/%s", dir, hex);
	ok(symlink("/etc/passwd", path) == 0, "plant a symlink");
	ok(store_get(s, STORE_MANIFEST, h, &b, &l, err, sizeof(err)) == -1,
	    "symlinked entry is not followed (%s)", err);
	ok(store_has(s, STORE_MANIFEST, h, err, sizeof(err)) == 0,
	    "symlink does not count as present");
	unlink(path);

	ok(store_kv_set(s, "policies/abc-1", (const uint8_t *)"x", 1, err,
	    sizeof(err)) == 0 && store_kv_get(s, "policies/abc-1", &b, &l,
	    err, sizeof(err)) == 0 && l == 1 && b[0] == 'x',
	    "key/value round trip");
	free(b);
	ok(store_kv_get(s, "policies/nope", &b, &l, err, sizeof(err)) == 1,
	    "absent key returns 1");
	{
		static const char *const bad[] = { "manifests/../x",
		    "manifests/a/b", "../manifests/a", "manifests/..",
		    "manifests/.tmp-x", "manifests/", "manifests", "secrets/a",
		    "manifests/a b", "/etc/passwd", "transitions/latest/x" };
		size_t	 i;
		int	 all = 1;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (store_kv_set(s, bad[i], (const uint8_t *)"x", 1,
			    err, sizeof(err)) != -1 ||
			    strstr(err, "invalid store key") == NULL ||
			    store_kv_get(s, bad[i], &b, &l, err, sizeof(err))
			    != -1) {
				tap_diag("accepted: %s", bad[i]);
				all = 0;
			}
		}
		ok(all, "keys with '/', '..', dots or unknown dirs refused");
	}

	/* A head that is too short, and an oversized signature. */
	path_of(path, sizeof(path), "transitions/latest", NULL);
	spit(path, t2, 32);
	ok(store_get_latest(s, h, &b, &l, err, sizeof(err)) == -1 &&
	    strstr(err, "too short") != NULL, "head without signature refused");
	memset(sig, 0, sizeof(sig));
	ok(store_set_latest(s, t2, sig, STORE_MAX_SIG + 1, NULL, err,
	    sizeof(err)) == -1, "oversized signature refused");

	/* The store works through an fd it dups. */
	store_close(s);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(store_open_fd(fd, &s, err, sizeof(err)) == 0, "open from a dirfd");
	close(fd);
	ok(store_get(s, STORE_MANIFEST, mh1, &b, &l, err, sizeof(err)) == 0,
	    "usable after the caller closed its fd");
	free(b);
	store_close(s);

	free(lat1);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			tap_diag("cannot remove %s", dir);
	}
	return tap_done();
}
