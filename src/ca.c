/*
 * The ca role: the key custodian.  It holds the seed, the salt, the
 * root CA key, the mesh CA key and the transaction-signing key, talks
 * only to the parent, never opens a file and never sees network bytes
 * except what the parent forwards.  It is never restarted: its death
 * ends the coordinator (keys are gone; the restart is in recovery).
 *
 * Generations (doc/PROTOCOL.privsep §5.3): `active' serves ISSUE for
 * its generation; INIT (new seed) or RECOVER (a supplied seed) makes a
 * candidate, ROTATE prepares the `pending' state of the next generation
 * (a new random mesh CA; upstream rebuilds the whole CA on every update
 * and recovery), COMMIT swaps pending in, ABORT drops it.  The seed of
 * each state is kept beside it because castate does not hand it out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "castate.h"
#include "coordinator.h"
#include "evidence.h"
#include "ipc.h"
#include "log.h"
#include "manifest.h"
#include "pki.h"
#include "proc.h"
#include "seedengine.h"
#include "util.h"
#include "wire.h"

#define CA_NOFILE	8	/* 0-3 and room for a passed fd */
#define CA_ERRLEN	256

struct ca_gen {
	struct castate	*st;
	uint8_t		 seed[SEED_LEN];
	uint8_t		 salt[SEED_SALT_LEN];
	uint64_t	 gen;
	int		 rotated;	/* ROTATE named its generation */
};

static struct ca_gen	 ca_active, ca_pending;

static void	ca_init(struct ipc_chan *, struct msg *, void *);
static void	ca_recover(struct ipc_chan *, struct msg *, void *);
static void	ca_rotate(struct ipc_chan *, struct msg *, void *);
static void	ca_sign(struct ipc_chan *, struct msg *, void *);
static void	ca_commit(struct ipc_chan *, struct msg *, void *);
static void	ca_abort(struct ipc_chan *, struct msg *, void *);
static void	ca_issue(struct ipc_chan *, struct msg *, void *);

static const struct msg_rule ca_rules[] = {
	{ MSG_PARENT_SHUTDOWN, PROC_PARENT, CHILD_RUNNING, MSGF_ONCE, 0,
	    coord_child_shutdown },
	{ MSG_PARENT_CA_INIT_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0, ca_init },
	{ MSG_PARENT_CA_RECOVER_REQ, PROC_PARENT, CHILD_RUNNING, MSGF_SECRET,
	    0, ca_recover },
	{ MSG_PARENT_CA_ROTATE_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    ca_rotate },
	{ MSG_PARENT_CA_SIGN_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0, ca_sign },
	{ MSG_PARENT_CA_COMMIT_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    ca_commit },
	{ MSG_PARENT_CA_ABORT_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    ca_abort },
	{ MSG_PARENT_CA_ISSUE_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    ca_issue },
#ifdef SANDBOX_SELFTEST
	{ MSG_PARENT_SELFTEST_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    coord_selftest },
#endif
};
const struct msg_rule *const ca_rules_p = ca_rules;
const size_t ca_nrules = sizeof(ca_rules) / sizeof(ca_rules[0]);

static void
ca_gen_clear(struct ca_gen *g)
{
	castate_free(g->st);
	OPENSSL_cleanse(g, sizeof(*g));
	g->st = NULL;
}

/* For tests: forget every key. */
void
ca_reset(void)
{
	ca_gen_clear(&ca_active);
	ca_gen_clear(&ca_pending);
}

static void
ca_send(struct ipc_chan *c, struct msg_out *o)
{
	char	 err[CA_ERRLEN];

	if (ipc_queue(c, o, -1, err, sizeof(err)) == -1)
		fatalx("to parent: %s", err);
	msg_out_free(o);
}

static void
ca_reply_init(struct msg_out *o, uint32_t type, const struct msg *m)
{
	if (msg_out_init(o, type, m->reqid, m->gen) == -1)
		fatalx("%s: %s", msg_type_name(type), o->err);
}

/* A candidate from seed and salt, not yet bound to a generation. */
static int
ca_candidate(const uint8_t *seed, const uint8_t *salt, char *err,
    size_t errlen)
{
	ca_gen_clear(&ca_pending);
	if ((ca_pending.st = castate_recover(seed, SEED_LEN, salt,
	    SEED_SALT_LEN, 0, err, errlen)) == NULL)
		return -1;
	memcpy(ca_pending.seed, seed, SEED_LEN);
	memcpy(ca_pending.salt, salt, SEED_SALT_LEN);
	return 0;
}

static void
ca_put_txkey(struct msg_out *o, const struct castate *st)
{
	uint8_t	*der;
	size_t	 len;
	char	 err[CA_ERRLEN];

	if (castate_tx_pub_der(st, &der, &len, err, sizeof(err)) == -1)
		fatalx("transaction key: %s", err);
	if (msg_put_bin(o, der, len) == -1)
		fatalx("%s", o->err);
	free(der);
}

/* The seed-shares document of the candidate for the owner keys. */
static int
ca_shares_doc(const struct msg_bin *keys, size_t n, char **doc,
    size_t *len, char *err, size_t errlen)
{
	struct manifest_seedshares	 ms;
	struct seedshare		*sh = NULL;
	const uint8_t			*kp[SEEDSHARE_MAX_OWNERS];
	size_t				 kl[SEEDSHARE_MAX_OWNERS], i;
	int				 rc = -1;

	memset(&ms, 0, sizeof(ms));
	if (n > SEEDSHARE_MAX_OWNERS) {
		snprintf(err, errlen, "more than %d seed-share owners",
		    SEEDSHARE_MAX_OWNERS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		kp[i] = keys[i].data;
		kl[i] = keys[i].len;
	}
	if (n > 0 && castate_seed_shares(ca_pending.st, kp, kl, n, &sh, err,
	    errlen) == -1)
		return -1;
	if ((ms.shares = calloc(n + 1, sizeof(*ms.shares))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ms.n_shares = n;
	for (i = 0; i < n; i++) {
		if ((ms.shares[i].public_key_hex = malloc(2 * sh[i].pubkey_len
		    + 1)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		hex_encode(sh[i].pubkey, sh[i].pubkey_len,
		    ms.shares[i].public_key_hex);
		ms.shares[i].encrypted_seed = sh[i].encrypted;
		ms.shares[i].encrypted_seed_len = sh[i].encrypted_len;
	}
	ms.salt = ca_pending.salt;
	ms.salt_len = SEED_SALT_LEN;
	rc = manifest_seedshares_write(&ms, doc, len, err, errlen);
 out:
	for (i = 0; ms.shares != NULL && i < n; i++)
		free(ms.shares[i].public_key_hex);
	free(ms.shares);
	seedshare_free(sh, n);
	return rc;
}

static void
ca_init(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct msg_bin	*keys = NULL;
	struct msg_out	 o;
	uint8_t		 seed[SEED_LEN], salt[SEED_SALT_LEN];
	size_t		 n, doclen;
	char		*doc = NULL, err[CA_ERRLEN];

	msg_get_bin_array(m, &keys, &n, SEEDSHARE_MAX_OWNERS, WIRE_MAX_KEY);
	msg_end(m);
	if (ca_active.st != NULL || ca_pending.st != NULL)
		msg_error(m, "a seed exists already");
	if (seed_generate(seed, salt, err, sizeof(err)) == -1 ||
	    ca_candidate(seed, salt, err, sizeof(err)) == -1)
		fatalx("new seed: %s", err);
	OPENSSL_cleanse(seed, sizeof(seed));
	OPENSSL_cleanse(salt, sizeof(salt));
	/* The verifier checked the keys; a bad one is a parent bug. */
	if (ca_shares_doc(keys, n, &doc, &doclen, err, sizeof(err)) == -1)
		fatalx("seed shares: %s", err);
	msg_free_bin_array(keys, n, 0);
	ca_reply_init(&o, MSG_CA_INIT_OK, m);
	if (msg_put_bin(&o, doc, doclen) == -1)
		fatalx("%s", o.err);
	free(doc);
	ca_put_txkey(&o, ca_pending.st);
	ca_send(c, &o);
	log_info("new seed generated for %zu seed-share owners", n);
}

static void
ca_recover(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct msg_out	 o;
	uint8_t		 seed[SEED_LEN], salt[SEED_SALT_LEN];
	char		 err[CA_ERRLEN];

	msg_get_fixbin(m, seed, sizeof(seed));
	msg_get_fixbin(m, salt, sizeof(salt));
	msg_end(m);
	if (ca_active.st != NULL)
		msg_error(m, "already recovered");
	if (ca_candidate(seed, salt, err, sizeof(err)) == -1)
		fatalx("recovered seed: %s", err);
	OPENSSL_cleanse(seed, sizeof(seed));
	OPENSSL_cleanse(salt, sizeof(salt));
	ca_reply_init(&o, MSG_CA_RECOVER_OK, m);
	ca_put_txkey(&o, ca_pending.st);
	ca_send(c, &o);
}

static const char *
ca_pem(const struct castate *st, enum castate_cert w, size_t *len)
{
	const char	*pem;

	if ((pem = castate_pem(st, w, len)) == NULL)
		fatalx("certificate %d: none", (int)w);
	return pem;
}

static void
ca_put_pem(struct msg_out *o, const struct castate *st, enum castate_cert w)
{
	size_t	 len;

	if (msg_put_str(o, ca_pem(st, w, &len)) == -1)
		fatalx("%s", o->err);
}

static void
ca_rotate(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct msg_out	 o;
	char		 err[CA_ERRLEN];

	msg_end(m);
	if (m->gen == 0 || m->gen <= ca_active.gen)
		msg_error(m, "generation %llu is not after %llu",
		    (unsigned long long)m->gen,
		    (unsigned long long)ca_active.gen);
	if (ca_pending.st != NULL && ca_pending.rotated)
		msg_error(m, "generation %llu is being prepared already",
		    (unsigned long long)ca_pending.gen);
	/* A candidate from INIT/RECOVER has a fresh mesh CA already. */
	if (ca_pending.st == NULL) {
		if (ca_active.st == NULL)
			msg_error(m, "no seed");
		if (ca_candidate(ca_active.seed, ca_active.salt, err,
		    sizeof(err)) == -1)
			fatalx("new mesh CA: %s", err);
	}
	ca_pending.gen = m->gen;
	ca_pending.rotated = 1;
	ca_reply_init(&o, MSG_CA_ROTATE_OK, m);
	ca_put_pem(&o, ca_pending.st, CASTATE_ROOT);
	ca_put_pem(&o, ca_pending.st, CASTATE_MESH);
	ca_send(c, &o);
}

static void
ca_sign(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct msg_out	 o;
	uint8_t		 hash[32], *sig;
	size_t		 siglen;
	char		 err[CA_ERRLEN];

	msg_get_fixbin(m, hash, sizeof(hash));
	msg_end(m);
	/* Only the generation being prepared is signed. */
	if (ca_pending.st == NULL || !ca_pending.rotated ||
	    ca_pending.gen != m->gen)
		msg_error(m, "generation %llu is not being prepared",
		    (unsigned long long)m->gen);
	if (castate_sign_transition(ca_pending.st, hash, sizeof(hash), &sig,
	    &siglen, err, sizeof(err)) == -1)
		fatalx("sign transition: %s", err);
	ca_reply_init(&o, MSG_CA_SIGN_OK, m);
	if (msg_put_bin(&o, sig, siglen) == -1)
		fatalx("%s", o.err);
	free(sig);
	ca_send(c, &o);
}

static void
ca_commit(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct msg_out	 o;

	msg_end(m);
	if (ca_pending.st == NULL || !ca_pending.rotated ||
	    ca_pending.gen != m->gen)
		msg_error(m, "generation %llu is not being prepared",
		    (unsigned long long)m->gen);
	ca_gen_clear(&ca_active);
	ca_active = ca_pending;
	/* moved, not copied: no second copy of the seed stays behind */
	OPENSSL_cleanse(&ca_pending, sizeof(ca_pending));
	ca_pending.st = NULL;
	ca_reply_init(&o, MSG_CA_COMMIT_OK, m);
	ca_send(c, &o);
	log_info("generation %llu active", (unsigned long long)ca_active.gen);
}

static void
ca_abort(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct msg_out	 o;

	msg_end(m);
	ca_gen_clear(&ca_pending);
	ca_reply_init(&o, MSG_CA_ABORT_OK, m);
	ca_send(c, &o);
}

static void
ca_issue_fail(struct ipc_chan *c, const struct msg *m, const char *text)
{
	struct msg_out	 o;

	ca_reply_init(&o, MSG_CA_ISSUE_FAIL, m);
	if (msg_put_str(&o, text) == -1)
		fatalx("%s", o.err);
	ca_send(c, &o);
}

/* Leaf, leaf+intermediate chain PEM, secret: the answer's parts. */
static int
ca_issue_build(const struct x509ca_leaf *req, const char *secret_id,
    char **chain, uint8_t *secret, size_t *secretlen, char *err,
    size_t errlen)
{
	const char	*b;
	char		*a = NULL;
	size_t		 alen, blen;
	int		 rc = -1;

	*secretlen = 0;
	if (castate_issue_leaf_pem(ca_active.st, req, 0, &a, &alen, err,
	    errlen) == -1)
		goto out;
	b = ca_pem(ca_active.st, CASTATE_INTERMEDIATE, &blen);
	if ((*chain = malloc(alen + blen + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memcpy(*chain, a, alen);
	memcpy(*chain + alen, b, blen);
	(*chain)[alen + blen] = '\0';
	if (secret_id[0] != '\0') {
		if (castate_workload_secret(ca_active.st, secret_id, secret,
		    err, errlen) == -1) {
			free(*chain);
			*chain = NULL;
			goto out;
		}
		*secretlen = SEED_WORKLOAD_SECRET_LEN;
	}
	rc = 0;
 out:
	free(a);
	return rc;
}

static void
ca_issue(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct x509ca_leaf	 req;
	struct evidence		 ev;
	struct msg_out		 o;
	uint8_t			*pub = NULL, *evw = NULL;
	uint8_t			 secret[SEED_WORKLOAD_SECRET_LEN];
	char			**sans = NULL, *peer = NULL, *sid = NULL;
	const char		*mesh, *root;
	char			*chain = NULL;
	char			 err[CA_ERRLEN];
	size_t			 publen, nsans, evlen, secretlen, meshlen;
	size_t			 rootlen;

	msg_get_bin(m, &pub, &publen, WIRE_MAX_KEY);
	msg_get_str_array(m, &sans, &nsans, X509CA_SAN_MAX, X509CA_URI_MAX);
	msg_get_str(m, &peer, 64);
	msg_get_str(m, &sid, SEED_WORKLOAD_ID_MAX);
	msg_get_bin(m, &evw, &evlen, WIRE_MAX_EVIDENCE);
	msg_end(m);
	memset(&ev, 0, sizeof(ev));
	if (ca_active.st == NULL || m->gen != ca_active.gen) {
		ca_issue_fail(c, m, "generation is not active");
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.spki = pub;
	req.spki_len = publen;
	req.sans = (const char *const *)sans;
	req.nsans = nsans;
	req.peer_ip = peer[0] != '\0' ? peer : NULL;
	req.workload_secret_id = sid[0] != '\0' ? sid : NULL;
	/* The raw report/quote goes into the leaf, as upstream's aTLS. */
	if (evidence_decode(evw, evlen, &ev, err, sizeof(err)) == 0 &&
	    ev.report_len <= X509CA_EVIDENCE_MAX) {
		req.evidence_oid = ev.platform == ATTEST_PLATFORM_TDX ?
		    X509CA_OID_TDX : X509CA_OID_SNP;
		req.evidence = ev.report;
		req.evidence_len = ev.report_len;
	}
	if (ca_issue_build(&req, sid, &chain, secret, &secretlen, err,
	    sizeof(err)) == -1) {
		ca_issue_fail(c, m, err);
		goto out;
	}
	mesh = ca_pem(ca_active.st, CASTATE_MESH, &meshlen);
	root = ca_pem(ca_active.st, CASTATE_ROOT, &rootlen);
	/* MSGT_SECRET: a fixed buffer, sized to what it holds. */
	if (msg_out_init_cap(&o, MSG_CA_ISSUE_OK, m->reqid, m->gen,
	    meshlen + strlen(chain) + rootlen + secretlen) == -1 ||
	    msg_put_str(&o, mesh) == -1 || msg_put_str(&o, chain) == -1 ||
	    msg_put_str(&o, root) == -1 ||
	    msg_put_bin(&o, secret, secretlen) == -1)
		fatalx("%s", o.err);
	ca_send(c, &o);		/* zeroed when written */
 out:
	OPENSSL_cleanse(secret, sizeof(secret));
	evidence_free(&ev);
	free(chain);
	free(pub);
	free(evw);
	msg_free_str_array(sans, nsans);
	free(peer);
	free(sid);
}

void
ca_main(int argc, char **argv, const char *chroot)
{
	struct ipc_chan	*c;

	c = coord_child_start(PROC_CA, argc, argv, chroot, CA_NOFILE);
	coord_child_loop(c, ca_rules, ca_nrules);
}
