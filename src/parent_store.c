/*
 * The parent's history I/O on the state directory (store.h): load the
 * head at start, persist a new generation (content-addressed objects,
 * then a compare-and-swap of transitions/latest, the commit point),
 * read the history back for GET_MANIFESTS.  Everything here is public
 * data; integrity comes from the hashes and the CA's signature.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "coordinator.h"
#include "log.h"
#include "parent.h"
#include "store.h"
#include "util.h"

static const uint8_t	 zero_hash[PCORE_HASH_LEN];

struct pstore_walk {
	uint8_t		(*hashes)[PCORE_HASH_LEN];
	size_t		 n, cap;
};

static int
pstore_walk_cb(void *arg, const uint8_t th[STORE_HASH_LEN],
    const uint8_t mh[STORE_HASH_LEN], const uint8_t prev[STORE_HASH_LEN])
{
	struct pstore_walk	*w = arg;
	void			*v;
	size_t			 ncap;

	if (w->n == w->cap) {
		ncap = w->cap == 0 ? 16 : w->cap * 2;
		if ((v = reallocarray(w->hashes, ncap, PCORE_HASH_LEN)) == NULL)
			return -1;
		w->hashes = v;
		w->cap = ncap;
	}
	memcpy(w->hashes[w->n++], mh, PCORE_HASH_LEN);
	return 0;
}

/* Manifest hashes of the history, newest first. */
static int
pstore_walk(struct pcore *pc, struct pstore_walk *w, char *err,
    size_t errlen)
{
	int	 rc;

	memset(w, 0, sizeof(*w));
	if ((rc = store_walk(pc->store, pc->head, pstore_walk_cb, w, err,
	    errlen)) != 0) {
		if (rc > 0 || rc < -1 || err[0] == '\0')
			snprintf(err, errlen, "out of memory walking history");
		free(w->hashes);
		w->hashes = NULL;
		return -1;
	}
	return 0;
}

int
pstore_load_head(struct pcore *pc, char *err, size_t errlen)
{
	struct pstore_walk	 w;
	uint8_t			 mh[PCORE_HASH_LEN], prev[PCORE_HASH_LEN];
	char			 e[PCORE_ERRLEN], hex[2 * PCORE_HASH_LEN + 1];
	int			 rc;

	e[0] = '\0';
	rc = store_get_latest(pc->store, pc->head, &pc->head_sig,
	    &pc->head_siglen, e, sizeof(e));
	if (rc == -1) {
		log_warnx("THE STORED HISTORY IS DAMAGED: transitions/latest: "
		    "%s; recovery will be refused", e);
		memset(pc->head, 0, sizeof(pc->head));
		pc->head_damaged = 1;
		pc->have_head = 1;
		pc->state = COORD_STATE_RECOVERY;
		return 0;
	}
	if (rc == 1) {
		pc->state = COORD_STATE_NO_MANIFEST;
		pc->gen = 0;
		log_info("no history in the state directory: waiting for the "
		    "first manifest");
		return 0;
	}
	hex_encode(pc->head, PCORE_HASH_LEN, hex);
	/*
	 * A damaged history is not a reason to refuse to start: the
	 * coordinator waits in recovery mode, where RECOVER is refused
	 * (the seed cannot make an edited store verify), and says so.
	 */
	if ((rc = store_get_transition(pc->store, pc->head, mh, prev, e,
	    sizeof(e))) != 0 ||
	    (rc = store_get(pc->store, STORE_MANIFEST, mh, &pc->manifest,
	    &pc->manifest_len, e, sizeof(e))) != 0 ||
	    pstore_walk(pc, &w, e, sizeof(e)) == -1) {
		log_warnx("THE STORED HISTORY IS DAMAGED (latest transition "
		    "%s): %s; recovery will be refused", hex,
		    rc == 1 ? "missing object" : e);
		free(pc->manifest);
		pc->manifest = NULL;
		pc->manifest_len = 0;
		pc->head_damaged = 1;
		pc->have_head = 1;
		pc->state = COORD_STATE_RECOVERY;
		return 0;
	}
	pc->gen = w.n;
	free(w.hashes);
	pc->have_head = 1;
	pc->state = COORD_STATE_RECOVERY;
	log_warnx("history of %llu manifests found (latest transition %s, "
	    "not yet verified): recovery mode until `contrast recover'",
	    (unsigned long long)pc->gen, hex);
	return 0;
}

int
pstore_persist(struct pcore *pc, struct pop *op, char *err, size_t errlen)
{
	uint8_t	 h[PCORE_HASH_LEN];
	size_t	 i;

	for (i = 0; i < op->npols; i++)
		if (store_put(pc->store, STORE_POLICY, op->pols[i].data,
		    op->pols[i].len, NULL, err, errlen) == -1)
			return -1;
	if (store_put(pc->store, STORE_MANIFEST, op->manifest,
	    op->manifest_len, h, err, errlen) == -1)
		return -1;
	if (CRYPTO_memcmp(h, op->mhash, sizeof(h)) != 0) {
		snprintf(err, errlen, "manifest hash changed while storing");
		return -1;
	}
	if (store_put_transition(pc->store, op->mhash, op->prev, h, err,
	    errlen) == -1)
		return -1;
	if (CRYPTO_memcmp(h, op->thash, sizeof(h)) != 0) {
		snprintf(err, errlen, "transition hash mismatch");
		return -1;
	}
	/* The commit point: only if nobody moved the head meanwhile. */
	return store_set_latest(pc->store, op->thash, op->sig, op->siglen,
	    pc->have_head ? pc->head : zero_hash, err, errlen);
}

int
pstore_history(struct pcore *pc, struct msg_bin **out, size_t *nout,
    uint8_t (**hashes)[PCORE_HASH_LEN], char *err, size_t errlen)
{
	struct pstore_walk	 w;
	struct msg_bin		*v;
	size_t			 i, j;
	char			 e[PCORE_ERRLEN];
	int			 rc;

	*out = NULL;
	*nout = 0;
	e[0] = '\0';
	if (pstore_walk(pc, &w, e, sizeof(e)) == -1) {
		snprintf(err, errlen, "%s", e);
		return -1;
	}
	if ((v = calloc(w.n + 1, sizeof(*v))) == NULL) {
		free(w.hashes);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* oldest first */
	for (i = 0; i < w.n; i++) {
		j = w.n - 1 - i;
		if ((rc = store_get(pc->store, STORE_MANIFEST, w.hashes[j],
		    &v[i].data, &v[i].len, e, sizeof(e))) != 0) {
			snprintf(err, errlen, "manifest %zu of %zu: %s", i + 1,
			    w.n, rc == 1 ? "missing" : e);
			msg_free_bin_array(v, i, 0);
			free(w.hashes);
			return -1;
		}
	}
	if (hashes != NULL) {
		/* reverse in place: oldest first like the manifests */
		for (i = 0; i < w.n / 2; i++) {
			uint8_t	 t[PCORE_HASH_LEN];

			memcpy(t, w.hashes[i], PCORE_HASH_LEN);
			memcpy(w.hashes[i], w.hashes[w.n - 1 - i],
			    PCORE_HASH_LEN);
			memcpy(w.hashes[w.n - 1 - i], t, PCORE_HASH_LEN);
		}
		*hashes = w.hashes;
	} else
		free(w.hashes);
	*out = v;
	*nout = w.n;
	return 0;
}

/* Remember the policies a manifest of the history references. */
void
pstore_hist_add(struct pcore *pc, const struct psummary *s)
{
	void	*v;
	size_t	 i, j;

	for (i = 0; i < s->npol; i++) {
		for (j = 0; j < pc->nhist_pol; j++)
			if (memcmp(pc->hist_pol[j], s->hashes[i],
			    PCORE_HASH_LEN) == 0)
				break;
		if (j < pc->nhist_pol)
			continue;
		if ((v = reallocarray(pc->hist_pol, pc->nhist_pol + 1,
		    PCORE_HASH_LEN)) == NULL)
			fatal("reallocarray");
		pc->hist_pol = v;
		memcpy(pc->hist_pol[pc->nhist_pol++], s->hashes[i],
		    PCORE_HASH_LEN);
	}
}

int
pstore_policies(struct pcore *pc, struct msg_bin **out, size_t *nout,
    char *err, size_t errlen)
{
	struct msg_bin	*v;
	size_t		 i;
	char		 e[PCORE_ERRLEN];
	int		 rc;

	*out = NULL;
	*nout = 0;
	if ((v = calloc(pc->nhist_pol + 1, sizeof(*v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < pc->nhist_pol; i++)
		if ((rc = store_get(pc->store, STORE_POLICY, pc->hist_pol[i],
		    &v[i].data, &v[i].len, e, sizeof(e))) != 0) {
			snprintf(err, errlen, "policy %zu: %s", i,
			    rc == 1 ? "missing" : e);
			msg_free_bin_array(v, i, 0);
			return -1;
		}
	*out = v;
	*nout = pc->nhist_pol;
	return 0;
}
