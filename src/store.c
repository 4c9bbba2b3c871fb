/*
 * The history store on a state directory (contrast.md 7.2).
 *
 * All access goes through directory fds with *at() calls and O_NOFOLLOW,
 * so the parent can keep one dirfd under its seccomp filter and a symlink
 * planted in the state directory is never followed.  Names are checked
 * against upstream's key grammar [a-zA-Z0-9-]+, so "/" and ".." can never
 * reach a system call; temp files start with "." and therefore can never
 * be mistaken for an entry, and store_open_fd() removes those a crash
 * left behind.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "log.h"
#include "manifest.h"
#include "store.h"
#include "util.h"

#define STORE_NAME_MAX	128
#define TMP_PREFIX	".tmp-"

static const char *const kind_dir[] = { "manifests", "policies",
    "transitions" };

struct store {
	int	 dirfd;
	int	 sub[3];
};

static const uint8_t zero_hash[STORE_HASH_LEN];

/* Upstream's key grammar: [a-zA-Z0-9-]+ */
static int
name_ok(const char *name)
{
	size_t	 i;

	for (i = 0; name[i] != '\0'; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return i > 0 && i <= STORE_NAME_MAX;
}

/* Remove temp files a crashed writer left behind. */
static void
clean_tmp(int fd)
{
	DIR		*d;
	struct dirent	*de;
	int		 dfd;

	if ((dfd = dup(fd)) == -1)
		return;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0)
			(void)unlinkat(fd, de->d_name, 0);
	closedir(d);
}

int
store_open_fd(int dirfd, struct store **sp, char *err, size_t errlen)
{
	struct store	*s;
	size_t		 i;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	s->sub[0] = s->sub[1] = s->sub[2] = -1;
	if ((s->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		seterr(err, errlen, "state directory: %s", strerror(errno));
		free(s);
		return -1;
	}
	for (i = 0; i < 3; i++) {
		if (mkdirat(s->dirfd, kind_dir[i], 0755) == -1 &&
		    errno != EEXIST) {
			seterr(err, errlen, "state directory: mkdir %s: %s",
			    kind_dir[i], strerror(errno));
			goto fail;
		}
		s->sub[i] = openat(s->dirfd, kind_dir[i],
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s->sub[i] == -1) {
			seterr(err, errlen, "state directory: open %s: %s",
			    kind_dir[i], strerror(errno));
			goto fail;
		}
		clean_tmp(s->sub[i]);
	}
	*sp = s;
	return 0;
 fail:
	store_close(s);
	return -1;
}

int
store_open(const char *path, struct store **sp, char *err, size_t errlen)
{
	int	 fd, rc;

	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC))
	    == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = store_open_fd(fd, sp, err, errlen);
	close(fd);
	return rc;
}

void
store_close(struct store *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < 3; i++)
		if (s->sub[i] != -1)
			close(s->sub[i]);
	close(s->dirfd);
	free(s);
}

/* Atomic replace of dir/name: temp, fsync, renameat, fsync dir. */
static int
write_entry(struct store *s, enum store_kind k, const char *name,
    const uint8_t *data, size_t len, char *err, size_t errlen)
{
	char		 tmp[STORE_NAME_MAX + 32];
	uint8_t		 rnd[8];
	char		 rhex[17];
	int		 fd, fdir = s->sub[k];
	size_t		 off = 0;
	ssize_t		 w;

	if (!name_ok(name)) {
		seterr(err, errlen, "%s: invalid name", kind_dir[k]);
		return -1;
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		seterr(err, errlen, "no randomness for a temp name");
		return -1;
	}
	hex_encode(rnd, sizeof(rnd), rhex);
	snprintf(tmp, sizeof(tmp), TMP_PREFIX "%s-%s", name, rhex);
	fd = openat(fdir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	if (fd == -1) {
		seterr(err, errlen, "%s/%s: %s", kind_dir[k], tmp,
		    strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((w = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(fdir, tmp, fdir, name) == -1)
		goto fail;
	if (fsync(fdir) == -1) {
		seterr(err, errlen, "%s: fsync: %s", kind_dir[k],
		    strerror(errno));
		return -1;
	}
	return 0;
 fail:
	seterr(err, errlen, "%s/%s: %s", kind_dir[k], name, strerror(errno));
	if (fd != -1)
		close(fd);
	(void)unlinkat(fdir, tmp, 0);
	return -1;
}

/* Read dir/name, at most max bytes.  0, 1 if absent, -1. */
static int
read_entry(struct store *s, enum store_kind k, const char *name, size_t max,
    uint8_t **data, size_t *len, char *err, size_t errlen)
{
	struct stat	 st;
	uint8_t		*buf = NULL;
	size_t		 off = 0;
	ssize_t		 r;
	uint8_t		 extra;
	int		 fd;

	*data = NULL;
	*len = 0;
	if (!name_ok(name)) {
		seterr(err, errlen, "%s: invalid name", kind_dir[k]);
		return -1;
	}
	fd = openat(s->sub[k], name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		seterr(err, errlen, "%s/%s: %s", kind_dir[k], name,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		seterr(err, errlen, "%s/%s: not a regular file", kind_dir[k],
		    name);
		goto fail;
	}
	if ((uint64_t)st.st_size > max) {
		seterr(err, errlen, "%s/%s: %lld bytes, more than %zu",
		    kind_dir[k], name, (long long)st.st_size, max);
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		seterr(err, errlen, "out of memory");
		goto fail;
	}
	while (off < (size_t)st.st_size) {
		r = read(fd, buf + off, (size_t)st.st_size - off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			seterr(err, errlen, "%s/%s: short read", kind_dir[k],
			    name);
			goto fail;
		}
		off += (size_t)r;
	}
	if (read(fd, &extra, 1) != 0) {
		seterr(err, errlen, "%s/%s: changed while reading",
		    kind_dir[k], name);
		goto fail;
	}
	close(fd);
	*data = buf;
	*len = off;
	return 0;
 fail:
	free(buf);
	close(fd);
	return -1;
}

int
store_put(struct store *s, enum store_kind k, const uint8_t *data,
    size_t len, uint8_t hash[STORE_HASH_LEN], char *err, size_t errlen)
{
	uint8_t	 h[STORE_HASH_LEN], *old;
	size_t	 oldlen;
	char	 name[2 * STORE_HASH_LEN + 1];
	int	 rc;

	if (len > STORE_MAX_OBJECT || (k == STORE_TRANSITION &&
	    len != STORE_TRANSITION_LEN)) {
		seterr(err, errlen, "%s: object of %zu bytes refused",
		    kind_dir[k], len);
		return -1;
	}
	SHA256(data, len, h);
	if (hash != NULL)
		memcpy(hash, h, sizeof(h));
	hex_encode(h, sizeof(h), name);
	/* Content-addressed: an intact copy need not be written again. */
	rc = read_entry(s, k, name, STORE_MAX_OBJECT, &old, &oldlen, NULL, 0);
	if (rc == 0) {
		rc = oldlen == len && memcmp(old, data, len) == 0;
		free(old);
		if (rc)
			return 0;
	}
	return write_entry(s, k, name, data, len, err, errlen);
}

int
store_get(struct store *s, enum store_kind k,
    const uint8_t hash[STORE_HASH_LEN], uint8_t **data, size_t *len,
    char *err, size_t errlen)
{
	uint8_t	 h[STORE_HASH_LEN];
	char	 name[2 * STORE_HASH_LEN + 1];
	int	 rc;

	hex_encode(hash, STORE_HASH_LEN, name);
	rc = read_entry(s, k, name, k == STORE_TRANSITION ?
	    STORE_TRANSITION_LEN : STORE_MAX_OBJECT, data, len, err, errlen);
	if (rc != 0)
		return rc;
	SHA256(*data, *len, h);
	if (memcmp(h, hash, sizeof(h)) != 0) {
		seterr(err, errlen, "%s/%s: hash mismatch", kind_dir[k], name);
		free(*data);
		*data = NULL;
		*len = 0;
		return -1;
	}
	return 0;
}

int
store_has(struct store *s, enum store_kind k,
    const uint8_t hash[STORE_HASH_LEN], char *err, size_t errlen)
{
	struct stat	 st;
	char		 name[2 * STORE_HASH_LEN + 1];

	hex_encode(hash, STORE_HASH_LEN, name);
	if (fstatat(s->sub[k], name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		seterr(err, errlen, "%s/%s: %s", kind_dir[k], name,
		    strerror(errno));
		return -1;
	}
	return S_ISREG(st.st_mode) ? 1 : 0;
}

void
store_transition_hash(const uint8_t mh[STORE_HASH_LEN],
    const uint8_t prev[STORE_HASH_LEN], uint8_t out[STORE_HASH_LEN])
{
	uint8_t	 t[STORE_TRANSITION_LEN];

	memcpy(t, mh, STORE_HASH_LEN);
	memcpy(t + STORE_HASH_LEN, prev, STORE_HASH_LEN);
	SHA256(t, sizeof(t), out);
}

int
store_put_transition(struct store *s, const uint8_t mh[STORE_HASH_LEN],
    const uint8_t prev[STORE_HASH_LEN], uint8_t out[STORE_HASH_LEN],
    char *err, size_t errlen)
{
	uint8_t	 t[STORE_TRANSITION_LEN];

	memcpy(t, mh, STORE_HASH_LEN);
	memcpy(t + STORE_HASH_LEN, prev, STORE_HASH_LEN);
	return store_put(s, STORE_TRANSITION, t, sizeof(t), out, err, errlen);
}

int
store_get_transition(struct store *s, const uint8_t th[STORE_HASH_LEN],
    uint8_t mh[STORE_HASH_LEN], uint8_t prev[STORE_HASH_LEN], char *err,
    size_t errlen)
{
	uint8_t	*t;
	size_t	 len;
	int	 rc;

	if ((rc = store_get(s, STORE_TRANSITION, th, &t, &len, err, errlen))
	    != 0)
		return rc;
	if (len != STORE_TRANSITION_LEN) {
		seterr(err, errlen, "transition: %zu bytes, expected %d", len,
		    STORE_TRANSITION_LEN);
		free(t);
		return -1;
	}
	memcpy(mh, t, STORE_HASH_LEN);
	memcpy(prev, t + STORE_HASH_LEN, STORE_HASH_LEN);
	free(t);
	return 0;
}

int
store_get_latest(struct store *s, uint8_t hash[STORE_HASH_LEN],
    uint8_t **sig, size_t *siglen, char *err, size_t errlen)
{
	uint8_t	*buf;
	size_t	 len;
	int	 rc;

	*sig = NULL;
	*siglen = 0;
	rc = read_entry(s, STORE_TRANSITION, "latest",
	    STORE_HASH_LEN + STORE_MAX_SIG, &buf, &len, err, errlen);
	if (rc != 0)
		return rc;
	if (len <= STORE_HASH_LEN) {
		seterr(err, errlen, "transitions/latest: %zu bytes, too short",
		    len);
		free(buf);
		return -1;
	}
	memcpy(hash, buf, STORE_HASH_LEN);
	if ((*sig = malloc(len - STORE_HASH_LEN)) == NULL) {
		seterr(err, errlen, "out of memory");
		free(buf);
		return -1;
	}
	memcpy(*sig, buf + STORE_HASH_LEN, len - STORE_HASH_LEN);
	*siglen = len - STORE_HASH_LEN;
	free(buf);
	return 0;
}

int
store_set_latest(struct store *s, const uint8_t hash[STORE_HASH_LEN],
    const uint8_t *sig, size_t siglen, const uint8_t *expected_old,
    char *err, size_t errlen)
{
	uint8_t	 buf[STORE_HASH_LEN + STORE_MAX_SIG], cur[STORE_HASH_LEN];
	uint8_t	*cursig;
	size_t	 cursiglen;
	int	 rc;

	if (siglen == 0 || siglen > STORE_MAX_SIG) {
		seterr(err, errlen, "transitions/latest: signature of %zu "
		    "bytes refused", siglen);
		return -1;
	}
	/*
	 * Compare-and-swap.  Only the parent writes the store and it is
	 * single-threaded, so read-compare-rename is atomic enough here.
	 */
	if (expected_old != NULL) {
		rc = store_get_latest(s, cur, &cursig, &cursiglen, err,
		    errlen);
		if (rc == -1)
			return -1;
		free(cursig);
		if (rc == 1)
			memset(cur, 0, sizeof(cur));
		if (memcmp(cur, expected_old, STORE_HASH_LEN) != 0) {
			seterr(err, errlen, "transitions/latest: conflict: "
			    "the head moved");
			return -1;
		}
	}
	memcpy(buf, hash, STORE_HASH_LEN);
	memcpy(buf + STORE_HASH_LEN, sig, siglen);
	return write_entry(s, STORE_TRANSITION, "latest", buf,
	    STORE_HASH_LEN + siglen, err, errlen);
}

int
store_verify_latest(EVP_PKEY *pub, const uint8_t hash[STORE_HASH_LEN],
    const uint8_t *sig, size_t siglen, char *err, size_t errlen)
{
	EVP_PKEY_CTX	*ctx;
	int		 ok;

	if (pub == NULL || EVP_PKEY_base_id(pub) != EVP_PKEY_EC) {
		seterr(err, errlen, "transitions/latest: verification key "
		    "is not an EC key");
		return -1;
	}
	if ((ctx = EVP_PKEY_CTX_new(pub, NULL)) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	/* No digest set: the 32-byte hash is the ECDSA input, as upstream. */
	ok = EVP_PKEY_verify_init(ctx) == 1 &&
	    EVP_PKEY_verify(ctx, sig, siglen, hash, STORE_HASH_LEN) == 1;
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		seterr(err, errlen, "transitions/latest: bad signature");
		return -1;
	}
	return 0;
}

/* Split "<dir>/<name>" into a kind and a checked name. */
static int
kv_key(const char *key, enum store_kind *k, const char **name, char *err,
    size_t errlen)
{
	const char	*slash;
	size_t		 i;

	if ((slash = strchr(key, '/')) != NULL) {
		for (i = 0; i < 3; i++) {
			if (strlen(kind_dir[i]) == (size_t)(slash - key) &&
			    strncmp(key, kind_dir[i], (size_t)(slash - key))
			    == 0 && name_ok(slash + 1)) {
				*k = (enum store_kind)i;
				*name = slash + 1;
				return 0;
			}
		}
	}
	seterr(err, errlen, "invalid store key \"%.80s\"", key);
	return -1;
}

int
store_kv_get(struct store *s, const char *key, uint8_t **data, size_t *len,
    char *err, size_t errlen)
{
	enum store_kind	 k;
	const char	*name;

	*data = NULL;
	*len = 0;
	if (kv_key(key, &k, &name, err, errlen) == -1)
		return -1;
	return read_entry(s, k, name, STORE_MAX_OBJECT, data, len, err,
	    errlen);
}

int
store_kv_set(struct store *s, const char *key, const uint8_t *data,
    size_t len, char *err, size_t errlen)
{
	enum store_kind	 k;
	const char	*name;

	if (kv_key(key, &k, &name, err, errlen) == -1)
		return -1;
	if (len > STORE_MAX_OBJECT) {
		seterr(err, errlen, "%s: %zu bytes refused", key, len);
		return -1;
	}
	return write_entry(s, k, name, data, len, err, errlen);
}

int
store_walk(struct store *s, const uint8_t head[STORE_HASH_LEN],
    store_walk_cb cb, void *arg, char *err, size_t errlen)
{
	uint8_t	 cur[STORE_HASH_LEN], mh[STORE_HASH_LEN], prev[STORE_HASH_LEN];
	char	 hex[2 * STORE_HASH_LEN + 1];
	size_t	 n;
	int	 rc;

	memcpy(cur, head, STORE_HASH_LEN);
	/*
	 * Each transition is re-hashed on read and names its predecessor by
	 * hash, so a cycle would need a SHA-256 collision; the bound keeps a
	 * hostile store from making us loop anyway.
	 */
	for (n = 0; memcmp(cur, zero_hash, STORE_HASH_LEN) != 0; n++) {
		if (n == STORE_MAX_HISTORY) {
			seterr(err, errlen, "history longer than %d "
			    "transitions", STORE_MAX_HISTORY);
			return -1;
		}
		rc = store_get_transition(s, cur, mh, prev, err, errlen);
		if (rc == 1) {
			hex_encode(cur, STORE_HASH_LEN, hex);
			seterr(err, errlen, "transitions/%s: missing", hex);
			return -1;
		}
		if (rc == -1)
			return -1;
		if (cb != NULL && (rc = cb(arg, cur, mh, prev)) != 0)
			return rc;
		memcpy(cur, prev, STORE_HASH_LEN);
	}
	return 0;
}

struct check_arg {
	struct store	*s;
	size_t		 n;
	char		*err;
	size_t		 errlen;
};

/* Every manifest and each policy it names must be present and intact. */
static int
check_one(void *argp, const uint8_t th[STORE_HASH_LEN],
    const uint8_t mh[STORE_HASH_LEN], const uint8_t prev[STORE_HASH_LEN])
{
	struct check_arg	*a = argp;
	struct manifest		*m;
	struct manifest_errors	 errs;
	uint8_t			*data, *pol;
	size_t			 len, plen, i;
	char			 hex[2 * STORE_HASH_LEN + 1];
	int			 rc;

	a->n++;
	hex_encode(mh, STORE_HASH_LEN, hex);
	rc = store_get(a->s, STORE_MANIFEST, mh, &data, &len, a->err,
	    a->errlen);
	if (rc == 1)
		seterr(a->err, a->errlen, "manifests/%s: missing", hex);
	if (rc != 0)
		return -1;
	manifest_errors_init(&errs);
	rc = manifest_parse(data, len, &m, &errs);
	free(data);
	if (rc == -1) {
		seterr(a->err, a->errlen, "manifests/%s: does not parse", hex);
		return -1;
	}
	for (i = 0; i < m->n_policies; i++) {
		if (!m->policies[i].hash_ok)
			continue;
		rc = store_get(a->s, STORE_POLICY, m->policies[i].hash, &pol,
		    &plen, a->err, a->errlen);
		if (rc == 1)
			seterr(a->err, a->errlen, "policies/%s: missing "
			    "(named by manifests/%s)",
			    m->policies[i].hash_hex, hex);
		if (rc != 0) {
			manifest_free(m);
			return -1;
		}
		free(pol);
	}
	manifest_free(m);
	return 0;
}

/* 1 if the directory of kind k has any entry but temp files and latest. */
static int
has_entries(struct store *s, enum store_kind k)
{
	DIR		*d;
	struct dirent	*de;
	int		 dfd, found = 0;

	if ((dfd = dup(s->sub[k])) == -1)
		return 1;	/* fail closed */
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return 1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && strcmp(de->d_name, "latest") != 0)
			found = 1;
	closedir(d);
	return found;
}

int
store_check(struct store *s, EVP_PKEY *pub, const uint8_t *expected_head,
    size_t *n_manifests, char *err, size_t errlen)
{
	struct check_arg	 a;
	uint8_t			 head[STORE_HASH_LEN], *sig;
	size_t			 siglen;
	char			 h1[2 * STORE_HASH_LEN + 1];
	char			 h2[2 * STORE_HASH_LEN + 1];
	int			 rc;

	if (n_manifests != NULL)
		*n_manifests = 0;
	rc = store_get_latest(s, head, &sig, &siglen, err, errlen);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		/* A deleted head must not pass for a fresh store. */
		if (expected_head != NULL &&
		    memcmp(expected_head, zero_hash, STORE_HASH_LEN) != 0) {
			seterr(err, errlen, "transitions/latest: missing");
			return -1;
		}
		if (has_entries(s, STORE_TRANSITION) ||
		    has_entries(s, STORE_MANIFEST)) {
			seterr(err, errlen, "transitions/latest: missing, but "
			    "the store holds history");
			return -1;
		}
		return 1;
	}
	rc = store_verify_latest(pub, head, sig, siglen, err, errlen);
	free(sig);
	if (rc == -1)
		return -1;
	if (expected_head != NULL &&
	    memcmp(expected_head, head, STORE_HASH_LEN) != 0) {
		hex_encode(head, STORE_HASH_LEN, h1);
		hex_encode(expected_head, STORE_HASH_LEN, h2);
		seterr(err, errlen, "transitions/latest: head %s, expected %s "
		    "(rolled back or replaced)", h1, h2);
		return -1;
	}
	a.s = s;
	a.n = 0;
	a.err = err;
	a.errlen = errlen;
	if (store_walk(s, head, check_one, &a, err, errlen) != 0)
		return -1;
	if (n_manifests != NULL)
		*n_manifests = a.n;
	return 0;
}
