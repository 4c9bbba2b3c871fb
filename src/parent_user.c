/*
 * The user API flows in the parent (doc/PROTOCOL.privsep §5):
 *
 *  SET_MANIFEST  check (verifier) -> authorise -> [CA_INIT] -> CA_ROTATE
 *                -> CA_SIGN -> persist (CAS of the head) -> CA_COMMIT
 *                -> REFVALS_SET -> reply
 *  RECOVER       authorise -> CA_RECOVER -> verify the stored head with
 *                the seed's key -> CA_ROTATE -> CA_COMMIT -> REFVALS_SET
 *  GET_MANIFESTS synchronous read of the store
 *
 * Nothing active changes before CA_COMMIT_OK; any failure after the CA
 * prepared something ends with CA_ABORT.  One SET or RECOVER at a time.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "coordinator.h"
#include "log.h"
#include "parent.h"
#include "pki.h"
#include "store.h"
#include "util.h"
#include "wire.h"

enum {
	S_CHECK = 1,	/* MANIFEST_CHECK sent */
	S_INIT,		/* CA_INIT or CA_RECOVER sent */
	S_ROTATE,
	S_SIGN,
	S_COMMIT,
	S_REFVALS,
	S_ABORT
};

static const uint8_t	 zero_hash[PCORE_HASH_LEN];

/* The front request's connection: must have done HELLO on this API. */
static struct pconn *
puser_conn(struct pcore *pc, struct msg *m, uint32_t conn, uint32_t api)
{
	struct pconn	*pcn;

	if ((pcn = pcore_conn_find(pc, conn)) == NULL || pcn->api != api) {
		log_warnx("front: %s on connection %u without HELLO on the %s "
		    "API", msg_type_name(m->type), conn,
		    api == MSG_API_USER ? "user" : "mesh");
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_INTERNAL,
		    "internal error");
		return NULL;
	}
	return pcn;
}

static void
puser_reply(struct pcore *pc, struct pop *op)
{
	struct msg_out	 o;

	if (op->kind == POP_SET) {
		pcore_reply_init(pc, op, &o, MSG_PARENT_SET_MANIFEST_OK, 0);
		if (msg_put_str(&o, pc->root_pem) == -1 ||
		    msg_put_str(&o, pc->mesh_pem) == -1 ||
		    msg_put_bin(&o, op->shares, op->shares_len) == -1)
			fatalx("set reply: %s", o.err);
	} else {
		pcore_reply_init(pc, op, &o, MSG_PARENT_RECOVER_OK, 0);
		if (msg_put_str(&o, pc->root_pem) == -1 ||
		    msg_put_str(&o, pc->mesh_pem) == -1)
			fatalx("recover reply: %s", o.err);
	}
	pcore_reply_send(pc, op, &o);
	pcore_op_free(pc, op);
}

static void
puser_fail(struct pcore *pc, struct pop *op, uint32_t code, const char *text)
{
	pcore_client_fail(pc, op, code, "%s", text);
	pcore_op_free(pc, op);
}

/*
 * Something failed after the CA prepared state: drop it there first,
 * then tell the client (on ABORT_OK).
 */
static void
puser_abort(struct pcore *pc, struct pop *op, uint32_t code, const char *text)
{
	struct msg_out	 o;

	op->fail_code = code;
	snprintf(op->fail_msg, sizeof(op->fail_msg), "%s", text);
	op->step = S_ABORT;
	if (pcore_request(pc, op, PROC_CA, MSG_PARENT_CA_ABORT_REQ, op->gen,
	    &o) == 0) {
		puser_fail(pc, op, code, text);
		return;
	}
	pcore_queue(pc, PROC_CA, &o);
}

static void
puser_internal(struct pcore *pc, struct pop *op, const char *what,
    const char *why)
{
	log_warnx("%s: %s", what, why);
	puser_abort(pc, op, WIRE_ERR_INTERNAL, "internal error");
}

void
puser_set(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	struct pop	*op;
	struct msg_out	 o;
	uint8_t		*man = NULL, *prev = NULL, *sig = NULL, *okey = NULL;
	struct msg_bin	*pols = NULL;
	size_t		 manlen, npols, prevlen, siglen, okeylen;
	uint32_t	 conn;

	msg_get_u32(m, &conn);
	msg_get_bin(m, &man, &manlen, WIRE_MAX_MANIFEST);
	msg_get_bin_array(m, &pols, &npols, WIRE_MAX_POLICIES,
	    WIRE_MAX_POLICY);
	msg_get_bin(m, &prev, &prevlen, PCORE_HASH_LEN);
	msg_get_bin(m, &sig, &siglen, WIRE_MAX_SIGNATURE);
	msg_get_bin(m, &okey, &okeylen, WIRE_MAX_KEY);
	msg_end(m);

	if (puser_conn(pc, m, conn, MSG_API_USER) == NULL)
		goto out;
	if (pc->state == COORD_STATE_RECOVERY) {
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_NEEDS_RECOVERY,
		    "coordinator is in recovery mode: run contrast recover");
		goto out;
	}
	if (pc->busy) {
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_MANIFEST_CONFLICT,
		    "update in progress");
		goto out;
	}
	if (prevlen != 0 && prevlen != PCORE_HASH_LEN) {
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_INVALID_ARGUMENT,
		    "previous transition must be 0 or 32 bytes");
		goto out;
	}
	if (manlen == 0) {
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_INVALID_ARGUMENT,
		    "empty manifest");
		goto out;
	}
	op = pcore_op_new(pc, POP_SET, m, conn);
	if (pcore_request(pc, op, PROC_VERIFIER,
	    MSG_PARENT_MANIFEST_CHECK_REQ, 0, &o) == 0) {
		log_warnx("set manifest: verifier not running");
		puser_fail(pc, op, WIRE_ERR_INTERNAL, "internal error");
		goto out;
	}
	if (msg_put_bin(&o, man, manlen) == -1 ||
	    msg_put_bin_array(&o, pols, npols) == -1)
		fatalx("manifest check: %s", o.err);
	pcore_queue(pc, PROC_VERIFIER, &o);
	pc->busy = 1;
	op->step = S_CHECK;
	op->manifest = man;
	op->manifest_len = manlen;
	op->pols = pols;
	op->npols = npols;
	op->osig = sig;
	op->osiglen = siglen;
	op->okey = okey;
	op->okeylen = okeylen;
	if (prevlen == PCORE_HASH_LEN) {
		op->has_prev_req = 1;
		memcpy(op->prev_req, prev, PCORE_HASH_LEN);
	}
	free(prev);
	return;
 out:
	free(man);
	msg_free_bin_array(pols, npols, 0);
	free(prev);
	free(sig);
	free(okey);
}

void
puser_check_fail(struct pcore *pc, struct pop *op, struct msg *m)
{
	char	*text;

	msg_get_str(m, &text, 4096);
	msg_end(m);
	/* Path-prefixed validation errors: the client's own mistake. */
	pcore_client_fail(pc, op, WIRE_ERR_INVALID_ARGUMENT, "%s", text);
	free(text);
	pcore_op_free(pc, op);
}

/* Same SeedshareOwnerPubKeys, in order (upstream's rule). */
static int
puser_seedshares_equal(const struct psummary *a, const struct psummary *b)
{
	size_t	 i;

	if (a->nseedshare != b->nseedshare)
		return 0;
	for (i = 0; i < a->nseedshare; i++)
		if (a->seedshare_keys[i].len != b->seedshare_keys[i].len ||
		    memcmp(a->seedshare_keys[i].data, b->seedshare_keys[i].data,
		    a->seedshare_keys[i].len) != 0)
			return 0;
	return 1;
}

void
puser_check_ok(struct pcore *pc, struct pop *op, struct msg *m)
{
	struct msg_out	 o;
	uint8_t		 signing[PCORE_HASH_LEN];
	char		 err[PCORE_ERRLEN], hex[2 * PCORE_HASH_LEN + 1];

	psummary_read(m, &op->sum);
	/* Manifests from the store come without policies; a client's
	 * never does (the verifier checked completeness otherwise). */
	if (op->npols == 0 && op->sum.npol > 0) {
		hex_encode(op->sum.hashes[0], PCORE_HASH_LEN, hex);
		puser_fail(pc, op, WIRE_ERR_INVALID_ARGUMENT, "no policy "
		    "provided for hash");
		log_info("set manifest refused: no policy provided for %s",
		    hex);
		return;
	}
	memcpy(op->prev, pc->have_head ? pc->head : zero_hash,
	    PCORE_HASH_LEN);
	if (op->has_prev_req &&
	    CRYPTO_memcmp(op->prev_req, op->prev, PCORE_HASH_LEN) != 0) {
		puser_fail(pc, op, WIRE_ERR_MANIFEST_CONFLICT, "previous "
		    "transition is not the current latest transition");
		return;
	}
	if (EVP_Digest(op->manifest, op->manifest_len, op->mhash, NULL,
	    EVP_sha256(), NULL) != 1)
		fatalx("SHA-256 failed");
	wire_owner_signing_hash(op->mhash, op->prev, signing);
	if (pauth_owner(pc, op->osig, op->osiglen, op->okey, op->okeylen,
	    signing, err, sizeof(err)) == -1) {
		log_info("set manifest refused: %s", err);
		puser_fail(pc, op, WIRE_ERR_PERMISSION_DENIED, err);
		return;
	}
	if (pc->state == COORD_STATE_READY &&
	    !puser_seedshares_equal(&pc->sum, &op->sum)) {
		puser_fail(pc, op, WIRE_ERR_PERMISSION_DENIED,
		    "SeedshareOwnerPubKeys cannot change across updates");
		return;
	}
	store_transition_hash(op->mhash, op->prev, op->thash);
	op->first = pc->state == COORD_STATE_NO_MANIFEST;
	if (op->first) {
		op->step = S_INIT;
		if (pcore_request(pc, op, PROC_CA, MSG_PARENT_CA_INIT_REQ,
		    0, &o) == 0) {
			puser_fail(pc, op, WIRE_ERR_INTERNAL, "internal error");
			return;
		}
		if (msg_put_bin_array(&o, op->sum.seedshare_keys,
		    op->sum.nseedshare) == -1)
			fatalx("ca init: %s", o.err);
	} else {
		op->step = S_ROTATE;
		if (pcore_request(pc, op, PROC_CA, MSG_PARENT_CA_ROTATE_REQ,
		    pc->gen + 1, &o) == 0) {
			puser_fail(pc, op, WIRE_ERR_INTERNAL, "internal error");
			return;
		}
	}
	pcore_queue(pc, PROC_CA, &o);
}

static void
puser_rotate(struct pcore *pc, struct pop *op, uint64_t gen)
{
	struct msg_out	 o;

	op->step = S_ROTATE;
	if (pcore_request(pc, op, PROC_CA, MSG_PARENT_CA_ROTATE_REQ, gen,
	    &o) == 0) {
		puser_abort(pc, op, WIRE_ERR_INTERNAL, "internal error");
		return;
	}
	pcore_queue(pc, PROC_CA, &o);
}

/* CA_INIT_OK or CA_RECOVER_OK: the candidate's transaction key. */
static void
puser_init_ok(struct pcore *pc, struct pop *op, struct msg *m)
{
	uint8_t	*tx = NULL;
	size_t	 txlen, n = 0;
	char	 e[PCORE_ERRLEN];

	if (m->type == MSG_CA_INIT_OK)
		msg_get_bin(m, &op->shares, &op->shares_len,
		    PCORE_SHARES_MAX);
	msg_get_bin(m, &tx, &txlen, WIRE_MAX_KEY);
	msg_end(m);
	op->txkey = pki_pubkey_from_spki_der(tx, txlen, e, sizeof(e));
	free(tx);
	if (op->txkey == NULL) {
		puser_internal(pc, op, "transaction key from ca", e);
		return;
	}
	if (op->kind == POP_SET) {
		puser_rotate(pc, op, pc->gen + 1);
		return;
	}
	/*
	 * The seed must sign the head we loaded: a wrong seed, an edited
	 * or swapped head, a missing or altered transition or manifest all
	 * fail here, and nothing changes.
	 */
	e[0] = '\0';
	if (store_check(pc->store, op->txkey, pc->head, &n, e,
	    sizeof(e)) != 0) {
		log_warnx("recovery refused: the stored history does not "
		    "verify with the supplied seed: %s", e[0] ? e : "empty");
		puser_abort(pc, op, WIRE_ERR_PERMISSION_DENIED, "the stored "
		    "history does not verify with this seed (wrong seed, "
		    "rolled back or edited store)");
		return;
	}
	if (n != pc->gen)
		log_warnx("recovery: history length %zu, counted %llu at "
		    "start", n, (unsigned long long)pc->gen);
	puser_rotate(pc, op, n);
}

/* CA_COMMIT_OK: the prepared generation becomes the active one. */
static void
puser_commit_ok(struct pcore *pc, struct pop *op)
{
	free(pc->root_pem);
	free(pc->mesh_pem);
	pc->root_pem = op->root_pem;
	pc->mesh_pem = op->mesh_pem;
	op->root_pem = op->mesh_pem = NULL;
	if (op->txkey != NULL) {
		EVP_PKEY_free(pc->txkey);
		pc->txkey = op->txkey;
		op->txkey = NULL;
	}
	if (op->kind == POP_SET) {
		memcpy(pc->head, op->thash, PCORE_HASH_LEN);
		free(pc->head_sig);
		pc->head_sig = op->sig;
		pc->head_siglen = op->siglen;
		op->sig = NULL;
		free(pc->manifest);
		pc->manifest = op->manifest;
		pc->manifest_len = op->manifest_len;
		op->manifest = NULL;
		psummary_free(&pc->sum);
		pc->sum = op->sum;
		memset(&op->sum, 0, sizeof(op->sum));
		pc->have_sum = 1;
		pc->have_head = 1;
		pstore_hist_add(pc, &pc->sum);
		pc->metrics.sets++;
		log_info("manifest generation %llu active (%zu policies)",
		    (unsigned long long)op->gen, pc->sum.npol);
	} else {
		pc->metrics.recoveries++;
		log_info("recovered: generation %llu active",
		    (unsigned long long)op->gen);
	}
	pc->state = COORD_STATE_READY;
	pc->gen = op->gen;
	op->step = S_REFVALS;
	/* The reply waits until the verifier judges by the new values. */
	if (pcore_refvals(pc, op) == 0)
		puser_reply(pc, op);
}

static void
puser_sign_ok(struct pcore *pc, struct pop *op, struct msg *m)
{
	struct msg_out	 o;
	EVP_PKEY	*k;
	char		 e[PCORE_ERRLEN];

	msg_get_bin(m, &op->sig, &op->siglen, STORE_MAX_SIG);
	msg_end(m);
	/* A head we could not verify at recovery would be a dead end. */
	k = op->txkey != NULL ? op->txkey : pc->txkey;
	if (k == NULL || store_verify_latest(k, op->thash, op->sig,
	    op->siglen, e, sizeof(e)) == -1) {
		puser_internal(pc, op, "transition signature from ca",
		    k == NULL ? "no transaction key" : e);
		return;
	}
	if (pstore_persist(pc, op, e, sizeof(e)) == -1) {
		if (strstr(e, "conflict") != NULL) {
			log_warnx("state directory: head moved under us: %s",
			    e);
			puser_abort(pc, op, WIRE_ERR_MANIFEST_CONFLICT,
			    "the stored head changed");
		} else
			puser_internal(pc, op, "state directory", e);
		return;
	}
	op->step = S_COMMIT;
	if (pcore_request(pc, op, PROC_CA, MSG_PARENT_CA_COMMIT_REQ, op->gen,
	    &o) == 0)
		fatalx("ca gone between sign and commit");
	pcore_queue(pc, PROC_CA, &o);
}

void
puser_ca_reply(struct pcore *pc, struct pop *op, struct msg *m)
{
	struct msg_out	 o;
	uint64_t	 gen = op->gen;

	switch (m->type) {
	case MSG_CA_INIT_OK:
	case MSG_CA_RECOVER_OK:
		if (op->step != S_INIT)
			msg_error(m, "unexpected in step %d", op->step);
		puser_init_ok(pc, op, m);
		break;
	case MSG_CA_ROTATE_OK:
		if (op->step != S_ROTATE)
			msg_error(m, "unexpected in step %d", op->step);
		msg_get_str(m, &op->root_pem, WIRE_MAX_PEM);
		msg_get_str(m, &op->mesh_pem, WIRE_MAX_PEM);
		msg_end(m);
		op->gen = gen;
		if (op->kind == POP_SET) {
			op->step = S_SIGN;
			if (pcore_request(pc, op, PROC_CA,
			    MSG_PARENT_CA_SIGN_REQ, gen, &o) == 0)
				fatalx("ca gone");
			if (msg_put_bin(&o, op->thash, PCORE_HASH_LEN) == -1)
				fatalx("sign: %s", o.err);
		} else {
			op->step = S_COMMIT;
			if (pcore_request(pc, op, PROC_CA,
			    MSG_PARENT_CA_COMMIT_REQ, gen, &o) == 0)
				fatalx("ca gone");
		}
		pcore_queue(pc, PROC_CA, &o);
		break;
	case MSG_CA_SIGN_OK:
		if (op->step != S_SIGN)
			msg_error(m, "unexpected in step %d", op->step);
		puser_sign_ok(pc, op, m);
		break;
	case MSG_CA_COMMIT_OK:
		msg_end(m);
		if (op->step != S_COMMIT)
			msg_error(m, "unexpected in step %d", op->step);
		puser_commit_ok(pc, op);
		break;
	case MSG_CA_ABORT_OK:
		msg_end(m);
		if (op->step != S_ABORT)
			msg_error(m, "unexpected in step %d", op->step);
		puser_fail(pc, op, op->fail_code, op->fail_msg);
		break;
	default:
		msg_error(m, "not a user-API answer");
	}
}

void
puser_refvals_ok(struct pcore *pc, struct pop *op)
{
	puser_reply(pc, op);
}

/* The child the op waited for died. */
void
puser_op_failed(struct pcore *pc, struct pop *op)
{
	if (op->step == S_REFVALS) {
		/* Committed already; the restarted verifier gets them. */
		puser_reply(pc, op);
		return;
	}
	log_warnx("%s: lost the child it waited for",
	    op->kind == POP_SET ? "set manifest" : "recover");
	if (op->step > S_CHECK && op->step != S_ABORT) {
		puser_abort(pc, op, WIRE_ERR_INTERNAL, "internal error");
		return;
	}
	puser_fail(pc, op, op->step == S_ABORT ? op->fail_code :
	    WIRE_ERR_INTERNAL, op->step == S_ABORT ? op->fail_msg :
	    "internal error");
}

void
puser_recover(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	struct pconn	*pcn;
	struct pop	*op;
	struct msg_out	 o;
	EVP_PKEY	*k = NULL;
	uint8_t		 seed[WIRE_SEED_LEN], salt[WIRE_SALT_LEN];
	uint8_t		 digest[WIRE_HASH_LEN], *key = NULL, *sig = NULL;
	uint8_t		*expect = NULL;
	size_t		 keylen, siglen, expectlen;
	uint32_t	 conn;
	char		 e[PCORE_ERRLEN];

	msg_get_u32(m, &conn);
	msg_get_bin(m, &key, &keylen, WIRE_MAX_KEY);
	msg_get_fixbin(m, seed, sizeof(seed));
	msg_get_fixbin(m, salt, sizeof(salt));
	msg_get_bin(m, &sig, &siglen, WIRE_MAX_SIGNATURE);
	msg_get_bin(m, &expect, &expectlen, WIRE_HASH_LEN);
	msg_end(m);

	if ((pcn = puser_conn(pc, m, conn, MSG_API_USER)) == NULL)
		goto out;
	if (pcore_client_need_state(pc, m, conn, COORD_STATE_RECOVERY) == -1)
		goto out;
	if (pc->busy) {
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_MANIFEST_CONFLICT,
		    "update in progress");
		goto out;
	}
	if (pc->head_damaged) {
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_PERMISSION_DENIED,
		    "the stored history does not verify (edited or incomplete "
		    "store; see the coordinator log)");
		goto out;
	}
	/*
	 * An older copy of the store is validly signed too: only the head
	 * the seed-share owner last verified tells a rollback apart.
	 */
	if (expectlen == WIRE_HASH_LEN && (!pc->have_head ||
	    CRYPTO_memcmp(expect, pc->head, WIRE_HASH_LEN) != 0)) {
		char	 have[2 * WIRE_HASH_LEN + 1], want[2 * WIRE_HASH_LEN + 1];

		hex_encode(pc->head, WIRE_HASH_LEN, have);
		hex_encode(expect, WIRE_HASH_LEN, want);
		log_warnx("recovery refused: the stored history head %s is "
		    "not the expected %s (rolled back or replaced store)",
		    pc->have_head ? have : "(none)", want);
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_MANIFEST_CONFLICT,
		    "the stored history head is not the one you expect: "
		    "the store was rolled back or replaced");
		goto out;
	}
	if (!pc->have_sum) {
		log_warnx("recover: the stored manifest has not been "
		    "summarised by the verifier%s", pc->scan_done ?
		    " (it does not validate)" : " yet");
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_INTERNAL,
		    "internal error");
		goto out;
	}
	if (!pauth_seedshare_key(pc, key, keylen)) {
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_PERMISSION_DENIED,
		    "not a seed-share owner key of the stored manifest");
		goto out;
	}
	/* Fresh (our nonce on this connection) and bound to seed, salt. */
	wire_recover_digest(pcn->nonce, seed, salt, digest);
	if ((k = pki_rsa_pub_from_der(key, keylen, e, sizeof(e))) == NULL ||
	    wire_recover_verify(k, digest, sig, siglen, e, sizeof(e)) == -1) {
		log_info("recover refused: seed-share signature: %s", e);
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_PERMISSION_DENIED,
		    "seed-share owner signature does not verify");
		goto out;
	}
	op = pcore_op_new(pc, POP_RECOVER, m, conn);
	op->step = S_INIT;
	if (pcore_request(pc, op, PROC_CA, MSG_PARENT_CA_RECOVER_REQ, 0,
	    &o) == 0) {
		puser_fail(pc, op, WIRE_ERR_INTERNAL, "internal error");
		goto out;
	}
	if (msg_put_bin(&o, seed, sizeof(seed)) == -1 ||
	    msg_put_bin(&o, salt, sizeof(salt)) == -1)
		fatalx("ca recover: %s", o.err);
	pcore_queue(pc, PROC_CA, &o);	/* MSGT_SECRET: zeroed when sent */
	pc->busy = 1;
 out:
	OPENSSL_cleanse(seed, sizeof(seed));
	OPENSSL_cleanse(salt, sizeof(salt));
	EVP_PKEY_free(k);
	free(key);
	free(sig);
	free(expect);
}

void
puser_get(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	struct msg_bin	*mans = NULL, *pols = NULL;
	struct msg_out	 o;
	size_t		 nmans = 0, npols = 0, total = 0, i;
	uint32_t	 conn;
	char		 e[PCORE_ERRLEN];

	msg_get_u32(m, &conn);
	msg_end(m);
	if (puser_conn(pc, m, conn, MSG_API_USER) == NULL)
		return;
	if (pcore_client_need_state(pc, m, conn, COORD_STATE_READY) == -1)
		return;
	if (pstore_history(pc, &mans, &nmans, NULL, e, sizeof(e)) == -1 ||
	    pstore_policies(pc, &pols, &npols, e, sizeof(e)) == -1) {
		log_warnx("get manifests: state directory: %s", e);
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_INTERNAL,
		    "internal error");
		goto out;
	}
	for (i = 0; i < nmans; i++)
		total += mans[i].len + 8;
	for (i = 0; i < npols; i++)
		total += pols[i].len + 8;
	if (total + 2 * WIRE_MAX_PEM + 1024 > MSG_MAXLEN_BIG) {
		log_warnx("get manifests: history of %zu bytes does not fit "
		    "one reply", total);
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_INTERNAL,
		    "history too large");
		goto out;
	}
	if (msg_out_init(&o, MSG_PARENT_GET_MANIFESTS_OK, m->reqid,
	    m->gen) == -1 || msg_put_u32(&o, conn) == -1 ||
	    msg_put_bin_array(&o, mans, nmans) == -1 ||
	    msg_put_bin_array(&o, pols, npols) == -1 ||
	    msg_put_str(&o, pc->root_pem) == -1 ||
	    msg_put_str(&o, pc->mesh_pem) == -1 ||
	    msg_put_bin(&o, pc->head, PCORE_HASH_LEN) == -1 ||
	    msg_put_bin(&o, pc->head_sig, pc->head_siglen) == -1)
		fatalx("get manifests reply: %s", o.err);
	pcore_queue(pc, PROC_FRONT, &o);
 out:
	msg_free_bin_array(mans, nmans, 0);
	msg_free_bin_array(pols, npols, 0);
}
