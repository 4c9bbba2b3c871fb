/*
 * The parent's state machine: rule tables for the three children,
 * connections and their nonces, operations waiting for children, and
 * the small requests answered at once (STATUS, METRICS, HELLO,
 * CONN_CLOSED).  Each flow continues in the handler of the child's
 * reply (parent_user.c, parent_mesh.c).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "coordinator.h"
#include "evidence.h"
#include "log.h"
#include "parent.h"
#include "store.h"
#include "wire.h"

static void	pcore_ready(struct ipc_chan *, struct msg *, void *);
static void	pcore_status(struct ipc_chan *, struct msg *, void *);
static void	pcore_metrics(struct ipc_chan *, struct msg *, void *);
static void	pcore_hello(struct ipc_chan *, struct msg *, void *);
static void	pcore_conn_closed(struct ipc_chan *, struct msg *, void *);
static void	pcore_verifier_reply(struct ipc_chan *, struct msg *, void *);
static void	pcore_ca_reply(struct ipc_chan *, struct msg *, void *);

#define R	CHAN_RUNNING

static const struct msg_rule pcore_rules_front[] = {
	{ MSG_FRONT_READY, PROC_FRONT, CHAN_STARTING, MSGF_ONCE, 0,
	    pcore_ready },
	{ MSG_FRONT_STATUS_REQ, PROC_FRONT, R, 0, 0, pcore_status },
	{ MSG_FRONT_METRICS_REQ, PROC_FRONT, R, 0, 0, pcore_metrics },
	{ MSG_FRONT_HELLO_REQ, PROC_FRONT, R, 0, 0, pcore_hello },
	{ MSG_FRONT_CONN_CLOSED, PROC_FRONT, R, 0, 0, pcore_conn_closed },
	{ MSG_FRONT_SET_MANIFEST_REQ, PROC_FRONT, R, 0, 0, puser_set },
	{ MSG_FRONT_GET_MANIFESTS_REQ, PROC_FRONT, R, 0, 0, puser_get },
	{ MSG_FRONT_RECOVER_REQ, PROC_FRONT, R, MSGF_SECRET, 0,
	    puser_recover },
	{ MSG_FRONT_MESH_CERT_REQ, PROC_FRONT, R, 0, 0, pmesh_cert },
};
static const struct msg_rule pcore_rules_ca[] = {
	{ MSG_CA_READY, PROC_CA, CHAN_STARTING, MSGF_ONCE, 0, pcore_ready },
	{ MSG_CA_INIT_OK, PROC_CA, R, MSGF_REPLY, 0, pcore_ca_reply },
	{ MSG_CA_RECOVER_OK, PROC_CA, R, MSGF_REPLY, 0, pcore_ca_reply },
	{ MSG_CA_ROTATE_OK, PROC_CA, R, MSGF_REPLY, 0, pcore_ca_reply },
	{ MSG_CA_SIGN_OK, PROC_CA, R, MSGF_REPLY, 0, pcore_ca_reply },
	{ MSG_CA_COMMIT_OK, PROC_CA, R, MSGF_REPLY, 0, pcore_ca_reply },
	{ MSG_CA_ABORT_OK, PROC_CA, R, MSGF_REPLY, 0, pcore_ca_reply },
	{ MSG_CA_ISSUE_OK, PROC_CA, R, MSGF_REPLY | MSGF_SECRET, 0,
	    pcore_ca_reply },
	{ MSG_CA_ISSUE_FAIL, PROC_CA, R, MSGF_REPLY, 0, pcore_ca_reply },
};
static const struct msg_rule pcore_rules_verifier[] = {
	{ MSG_VERIFIER_READY, PROC_VERIFIER, CHAN_STARTING, MSGF_ONCE, 0,
	    pcore_ready },
	{ MSG_VERIFIER_MANIFEST_CHECK_OK, PROC_VERIFIER, R, MSGF_REPLY, 0,
	    pcore_verifier_reply },
	{ MSG_VERIFIER_MANIFEST_CHECK_FAIL, PROC_VERIFIER, R, MSGF_REPLY, 0,
	    pcore_verifier_reply },
	{ MSG_VERIFIER_REFVALS_SET_OK, PROC_VERIFIER, R, MSGF_REPLY, 0,
	    pcore_verifier_reply },
	{ MSG_VERIFIER_VERIFY_OK, PROC_VERIFIER, R, MSGF_REPLY, 0,
	    pcore_verifier_reply },
	{ MSG_VERIFIER_VERIFY_FAIL, PROC_VERIFIER, R, MSGF_REPLY, 0,
	    pcore_verifier_reply },
};

#undef R

#define NRULES(t)	(sizeof(t) / sizeof((t)[0]))

const struct msg_rule *
pcore_rules(int id, size_t *n)
{
	switch (id) {
	case PROC_FRONT:
		*n = NRULES(pcore_rules_front);
		return pcore_rules_front;
	case PROC_CA:
		*n = NRULES(pcore_rules_ca);
		return pcore_rules_ca;
	case PROC_VERIFIER:
		*n = NRULES(pcore_rules_verifier);
		return pcore_rules_verifier;
	}
	*n = 0;
	return NULL;
}

int
pcore_init(struct pcore *pc, int dirfd, struct evidence_src *ev,
    EVP_PKEY *pinned, char *err, size_t errlen)
{
	char	 e[PCORE_ERRLEN];

	memset(pc, 0, sizeof(*pc));
	TAILQ_INIT(&pc->conns);
	TAILQ_INIT(&pc->ops);
	pc->evsrc = ev;
	pc->pinned_owner = pinned;
	if (store_open_fd(dirfd, &pc->store, e, sizeof(e)) == -1) {
		snprintf(err, errlen, "state directory: %s", e);
		return -1;
	}
	if (pstore_load_head(pc, err, errlen) == -1)
		return -1;
	return 0;
}

void
psummary_free(struct psummary *s)
{
	free(s->hashes);
	free(s->roles);
	msg_free_str_array(s->secret_ids, s->npol);
	msg_free_str_array(s->sans, s->npol);
	msg_free_bin_array(s->owner_keys, s->nowner, 0);
	free(s->owner_digests);
	msg_free_bin_array(s->seedshare_keys, s->nseedshare, 0);
	memset(s, 0, sizeof(*s));
}

void
pcore_op_free(struct pcore *pc, struct pop *op)
{
	if (op == NULL)
		return;
	TAILQ_REMOVE(&pc->ops, op, entry);
	if ((op->kind == POP_SET || op->kind == POP_RECOVER) && pc->busy)
		pc->busy = 0;
	free(op->osig);
	free(op->okey);
	free(op->manifest);
	msg_free_bin_array(op->pols, op->npols, 0);
	psummary_free(&op->sum);
	free(op->shares);
	EVP_PKEY_free(op->txkey);
	free(op->sig);
	free(op->root_pem);
	free(op->mesh_pem);
	free(op->evidence);
	free(op->pubkey);
	free(op);
}

void
pcore_free(struct pcore *pc)
{
	struct pconn	*c;
	struct pop	*op;

	while ((op = TAILQ_FIRST(&pc->ops)) != NULL)
		pcore_op_free(pc, op);
	while ((c = TAILQ_FIRST(&pc->conns)) != NULL) {
		TAILQ_REMOVE(&pc->conns, c, entry);
		explicit_bzero(c, sizeof(*c));
		free(c);
	}
	store_close(pc->store);
	EVP_PKEY_free(pc->txkey);
	free(pc->head_sig);
	free(pc->manifest);
	psummary_free(&pc->sum);
	free(pc->root_pem);
	free(pc->mesh_pem);
	free(pc->hist_pol);
	memset(pc, 0, sizeof(*pc));
}

struct pconn *
pcore_conn_find(struct pcore *pc, uint32_t conn)
{
	struct pconn	*c;

	TAILQ_FOREACH(c, &pc->conns, entry)
		if (c->conn == conn)
			return c;
	return NULL;
}

void
pcore_queue(struct pcore *pc, int id, struct msg_out *o)
{
	char	 err[256];

	if (pc->chan[id] == NULL) {
		msg_out_free(o);
		return;
	}
	if (ipc_queue(pc->chan[id], o, -1, err, sizeof(err)) == -1)
		fatalx("to %s: %s", proc_name(id), err);
	msg_out_free(o);
}

struct pop *
pcore_op_new(struct pcore *pc, enum pop_kind kind, struct msg *m,
    uint32_t conn)
{
	struct pop	*op;

	if ((op = calloc(1, sizeof(*op))) == NULL)
		fatal("calloc");
	op->kind = kind;
	op->child = -1;
	if (m != NULL) {
		op->has_front = 1;
		op->front_epoch = pc->front_epoch;
		op->conn = conn;
		op->freqid = m->reqid;
		op->fgen = m->gen;
	}
	TAILQ_INSERT_TAIL(&pc->ops, op, entry);
	return op;
}

uint32_t
pcore_request(struct pcore *pc, struct pop *op, int id, uint32_t type,
    uint64_t gen, struct msg_out *o)
{
	uint32_t	 reqid;

	if (pc->chan[id] == NULL || pc->chstate[id] != CHAN_RUNNING)
		return 0;
	if ((reqid = ipc_request_new(pc->chan[id], type, gen)) == 0)
		return 0;
	if (msg_out_init(o, type, reqid, gen) == -1)
		fatalx("%s: %s", msg_type_name(type), o->err);
	op->child = id;
	op->creqid = reqid;
	op->gen = gen;
	return reqid;
}

struct pop *
pcore_op_take(struct pcore *pc, int id, uint32_t reqid)
{
	struct pop	*op;

	TAILQ_FOREACH(op, &pc->ops, entry)
		if (op->child == id && op->creqid == reqid) {
			op->child = -1;
			op->creqid = 0;
			return op;
		}
	return NULL;
}

/* payload: what the fields after conn hold at most; 0: the type's cap. */
int
pcore_reply_init(struct pcore *pc, struct pop *op, struct msg_out *o,
    uint32_t type, size_t payload)
{
	if ((payload == 0 ? msg_out_init(o, type, op->freqid, op->fgen) :
	    msg_out_init_cap(o, type, op->freqid, op->fgen,
	    sizeof(uint32_t) + payload)) == -1 ||
	    msg_put_u32(o, op->conn) == -1)
		fatalx("%s: %s", msg_type_name(type), o->err);
	return 0;
}

void
pcore_reply_send(struct pcore *pc, struct pop *op, struct msg_out *o)
{
	/* A restarted front never asked: its old requests died with it. */
	if (!op->has_front || op->front_epoch != pc->front_epoch ||
	    pc->chan[PROC_FRONT] == NULL) {
		msg_out_free(o);
		return;
	}
	pcore_queue(pc, PROC_FRONT, o);
}

static void
pcore_fail_frame(struct pcore *pc, uint32_t reqid, uint64_t gen,
    uint32_t conn, uint32_t code, const char *text)
{
	struct msg_out	 o;

	if (msg_out_init(&o, MSG_PARENT_CLIENT_FAIL, reqid, gen) == -1 ||
	    msg_put_u32(&o, conn) == -1 || msg_put_u32(&o, code) == -1 ||
	    msg_put_str(&o, text) == -1)
		fatalx("client fail: %s", o.err);
	pcore_queue(pc, PROC_FRONT, &o);
}

void
pcore_client_fail(struct pcore *pc, struct pop *op, uint32_t code,
    const char *fmt, ...)
{
	va_list	 ap;
	char	 text[WIRE_MAX_MESSAGE];

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!op->has_front || op->front_epoch != pc->front_epoch ||
	    pc->chan[PROC_FRONT] == NULL)
		return;
	pcore_fail_frame(pc, op->freqid, op->fgen, op->conn, code, text);
}

/* Fail a front request that never became an operation. */
void
pcore_client_fail_req(struct pcore *pc, struct msg *m, uint32_t conn,
    uint32_t code, const char *fmt, ...)
{
	va_list	 ap;
	char	 text[WIRE_MAX_MESSAGE];

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pcore_fail_frame(pc, m->reqid, m->gen, conn, code, text);
}

/*
 * Refuses a front request that needs the Coordinator in state want
 * (COORD_STATE_*) when it is not, with the code for where it is.
 */
int
pcore_client_need_state(struct pcore *pc, struct msg *m, uint32_t conn,
    uint32_t want)
{
	if (pc->state == want)
		return 0;
	switch (pc->state) {
	case COORD_STATE_RECOVERY:
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_NEEDS_RECOVERY,
		    "coordinator is in recovery mode");
		break;
	case COORD_STATE_READY:
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_ALREADY_RECOVERED,
		    "coordinator is already recovered");
		break;
	default:
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_NO_MANIFEST,
		    "no manifest has been set");
		break;
	}
	return -1;
}

static void
pcore_ready(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	int		 id = ipc_chan_peer(c);

	msg_end(m);
	pc->chstate[id] = CHAN_RUNNING;
	if (pc->on_ready != NULL)
		pc->on_ready(pc, id, pc->on_ready_arg);
	pcore_child_up(pc, id);
}

/* Ask the verifier for the summary of one stored manifest. */
static void
pcore_scan_one(struct pcore *pc, const uint8_t *man, size_t len, int latest)
{
	struct pop	*op;
	struct msg_out	 o;

	op = pcore_op_new(pc, POP_SCAN, NULL, 0);
	op->scan_latest = latest;
	if (pcore_request(pc, op, PROC_VERIFIER,
	    MSG_PARENT_MANIFEST_CHECK_REQ, 0, &o) == 0) {
		pcore_op_free(pc, op);
		return;
	}
	if (msg_put_bin(&o, man, len) == -1 ||
	    msg_put_bin_array(&o, NULL, 0) == -1)
		fatalx("manifest check: %s", o.err);
	pcore_queue(pc, PROC_VERIFIER, &o);
	pc->scan_pending++;
}

/*
 * Summaries of the stored history: the latest manifest's seed-share
 * keys (RECOVER) and every referenced policy hash (GET_MANIFESTS).
 * Manifests from the store are sent without policies; the verifier then
 * summarises without the completeness check (PROTOCOL.privsep §5.2).
 */
static void
pcore_scan(struct pcore *pc)
{
	struct msg_bin	*mans = NULL;
	size_t		 n = 0, i;
	char		 err[PCORE_ERRLEN];

	if (pc->scan_done || pc->scan_pending > 0 || !pc->have_head ||
	    pc->head_damaged)
		return;
	if (pstore_history(pc, &mans, &n, NULL, err, sizeof(err)) == -1) {
		log_warnx("stored history: %s", err);
		/* Still learn the latest manifest's seed-share owners. */
		pcore_scan_one(pc, pc->manifest, pc->manifest_len, 1);
		return;
	}
	i = n > PCORE_MAXSCAN ? n - PCORE_MAXSCAN : 0;
	if (i > 0)
		log_warnx("history of %zu manifests: policies of the oldest "
		    "%zu are not listed by GET_MANIFESTS", n, i);
	for (; i < n; i++)
		pcore_scan_one(pc, mans[i].data, mans[i].len, i == n - 1);
	msg_free_bin_array(mans, n, 0);
}

/*
 * The active generation's reference values to the verifier, for op (or
 * for an op of its own when NULL).  0 when the verifier is down: its
 * restart sends them again.
 */
int
pcore_refvals(struct pcore *pc, struct pop *op)
{
	struct msg_out	 o;
	int		 own = op == NULL;

	if (own)
		op = pcore_op_new(pc, POP_REFVALS, NULL, 0);
	if (pcore_request(pc, op, PROC_VERIFIER, MSG_PARENT_REFVALS_SET_REQ,
	    pc->gen, &o) == 0) {
		if (own)
			pcore_op_free(pc, op);
		return 0;
	}
	if (msg_put_bin(&o, pc->manifest, pc->manifest_len) == -1)
		fatalx("refvals: %s", o.err);
	pcore_queue(pc, PROC_VERIFIER, &o);
	return 1;
}

void
pcore_child_up(struct pcore *pc, int id)
{
	if (id == PROC_FRONT)
		return;
	if (id != PROC_VERIFIER)
		return;
	/* A (re)started verifier knows nothing: tell it before use. */
	if (pc->state == COORD_STATE_READY)
		pcore_refvals(pc, NULL);
	else if (pc->state == COORD_STATE_RECOVERY)
		pcore_scan(pc);
}

void
pcore_child_down(struct pcore *pc, int id)
{
	struct pop	*op, *next;
	struct pconn	*c;

	pc->chan[id] = NULL;
	pc->chstate[id] = 0;
	if (id == PROC_FRONT) {
		/* Its connections are gone; so are their nonces. */
		pc->front_epoch++;
		while ((c = TAILQ_FIRST(&pc->conns)) != NULL) {
			TAILQ_REMOVE(&pc->conns, c, entry);
			explicit_bzero(c, sizeof(*c));
			free(c);
		}
		pc->nconns = 0;
		return;
	}
	/* Requests in flight to a dead child fail. */
	for (op = TAILQ_FIRST(&pc->ops); op != NULL; op = next) {
		next = TAILQ_NEXT(op, entry);
		if (op->child != id)
			continue;
		op->child = -1;
		op->creqid = 0;
		switch (op->kind) {
		case POP_SCAN:
			pc->scan_pending--;
			pcore_op_free(pc, op);
			break;
		case POP_REFVALS:
			pcore_op_free(pc, op);
			break;
		case POP_MESH:
			pcore_client_fail(pc, op, WIRE_ERR_INTERNAL,
			    "internal error");
			pcore_op_free(pc, op);
			break;
		default:
			puser_op_failed(pc, op);
			break;
		}
	}
}

static void
pcore_status(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	struct msg_out	 o;

	msg_end(m);
	if (msg_out_init(&o, MSG_PARENT_STATUS_OK, m->reqid, m->gen) == -1 ||
	    msg_put_u32(&o, pc->state) == -1 ||
	    msg_put_u64(&o, pc->state == COORD_STATE_READY ? pc->gen : 0) == -1)
		fatalx("status reply: %s", o.err);
	pcore_queue(pc, PROC_FRONT, &o);
}

static void
pcore_metrics(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	struct msg_out	 o;
	char		*text;

	msg_end(m);
	if ((text = malloc(64 * 1024)) == NULL)
		fatal("malloc");
	if (pmetrics_text(pc, text, 64 * 1024) == -1)
		fatalx("metrics text too long");
	if (msg_out_init(&o, MSG_PARENT_METRICS_OK, m->reqid, m->gen) == -1 ||
	    msg_put_str(&o, text) == -1)
		fatalx("metrics reply: %s", o.err);
	free(text);
	pcore_queue(pc, PROC_FRONT, &o);
}

static void
pcore_hello(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	struct pconn	*pcn;
	struct evidence	 ev;
	struct msg_out	 o;
	uint8_t		 cnonce[WIRE_NONCE_LEN], exporter[WIRE_EXPORTER_LEN];
	uint8_t		 rd[64], *wire = NULL;
	size_t		 wirelen = 0;
	uint32_t	 conn, api;
	char		 peer[PCORE_PEER_MAX], err[PCORE_ERRLEN];
	int		 want;

	msg_get_u32(m, &conn);
	msg_get_u32(m, &api);
	msg_get_strbuf(m, peer, sizeof(peer));
	msg_get_fixbin(m, cnonce, sizeof(cnonce));
	msg_get_fixbin(m, exporter, sizeof(exporter));
	msg_get_bool(m, &want);
	msg_end(m);
	if (api != MSG_API_USER && api != MSG_API_MESH)
		msg_error(m, "api %u", api);
	if (pcore_conn_find(pc, conn) != NULL) {
		log_warnx("front: HELLO twice on connection %u", conn);
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_INTERNAL,
		    "internal error");
		return;
	}
	if (pc->nconns >= PCORE_MAXCONN) {
		log_warnx("front: more than %d connections", PCORE_MAXCONN);
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_INTERNAL,
		    "too many connections");
		return;
	}
	if (want) {
		/* The parent binds its evidence to what the client chose
		 * and to the TLS session: never to a value the front made
		 * up on its own. */
		wire_rd_coordinator(cnonce, exporter, rd);
		if (pc->evsrc == NULL) {
			pcore_client_fail_req(pc, m, conn, WIRE_ERR_INTERNAL,
			    "this coordinator has no attestation source");
			return;
		}
		if (evidence_get(pc->evsrc, rd, &ev, err, sizeof(err)) == -1) {
			log_warnx("own evidence: %s", err);
			pcore_client_fail_req(pc, m, conn, WIRE_ERR_INTERNAL,
			    "internal error");
			return;
		}
		if (evidence_encode(&ev, &wire, &wirelen, err,
		    sizeof(err)) == -1) {
			evidence_free(&ev);
			log_warnx("own evidence: %s", err);
			pcore_client_fail_req(pc, m, conn, WIRE_ERR_INTERNAL,
			    "internal error");
			return;
		}
		evidence_free(&ev);
	}
	if ((pcn = calloc(1, sizeof(*pcn))) == NULL)
		fatal("calloc");
	pcn->conn = conn;
	pcn->api = api;
	snprintf(pcn->peer, sizeof(pcn->peer), "%s", peer);
	if (RAND_bytes(pcn->nonce, sizeof(pcn->nonce)) != 1)
		fatalx("RAND_bytes failed");
	TAILQ_INSERT_TAIL(&pc->conns, pcn, entry);
	pc->nconns++;
	if (msg_out_init(&o, MSG_PARENT_HELLO_OK, m->reqid, m->gen) == -1 ||
	    msg_put_u32(&o, conn) == -1 ||
	    msg_put_bin(&o, pcn->nonce, sizeof(pcn->nonce)) == -1 ||
	    msg_put_bin(&o, wire, wirelen) == -1)
		fatalx("hello reply: %s", o.err);
	free(wire);
	pcore_queue(pc, PROC_FRONT, &o);
}

static void
pcore_conn_closed(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	struct pconn	*pcn;
	uint32_t	 conn;

	msg_get_u32(m, &conn);
	msg_end(m);
	if ((pcn = pcore_conn_find(pc, conn)) == NULL)
		return;		/* closed before or during HELLO */
	pcore_conn_forget(pc, pcn);
}

void
pcore_conn_forget(struct pcore *pc, struct pconn *pcn)
{
	TAILQ_REMOVE(&pc->conns, pcn, entry);
	explicit_bzero(pcn, sizeof(*pcn));
	free(pcn);
	pc->nconns--;
}

void
psummary_read(struct msg *m, struct psummary *s)
{
	struct msg_bin	*h = NULL, *d = NULL;
	uint8_t		*roles = NULL;
	size_t		 nh, nroles, nsec, nsans, nd, i;

	memset(s, 0, sizeof(*s));
	msg_get_bin_array(m, &h, &nh, WIRE_MAX_POLICIES, PCORE_HASH_LEN);
	msg_get_bin(m, &roles, &nroles, WIRE_MAX_POLICIES);
	msg_get_str_array(m, &s->secret_ids, &nsec, WIRE_MAX_POLICIES, 4096);
	msg_get_str_array(m, &s->sans, &nsans, WIRE_MAX_POLICIES, 64 * 1024);
	msg_get_bin_array(m, &s->owner_keys, &s->nowner, 1024, WIRE_MAX_KEY);
	msg_get_bin_array(m, &d, &nd, 1024, PCORE_HASH_LEN);
	msg_get_bin_array(m, &s->seedshare_keys, &s->nseedshare, 64,
	    WIRE_MAX_KEY);
	msg_end(m);
	/* An empty bin still holds one byte: count from the array sizes. */
	if (nh == 0)
		nroles = 0;
	if (nroles != nh || nsec != nh || nsans != nh)
		msg_error(m, "summary counts differ (%zu hashes, %zu roles, "
		    "%zu ids, %zu sans)", nh, nroles, nsec, nsans);
	s->npol = nh;
	if ((s->hashes = calloc(nh + 1, PCORE_HASH_LEN)) == NULL ||
	    (s->owner_digests = calloc(nd + 1, PCORE_HASH_LEN)) == NULL)
		fatal("calloc");
	for (i = 0; i < nh; i++) {
		if (h[i].len != PCORE_HASH_LEN)
			msg_error(m, "policy hash %zu of %zu bytes", i,
			    h[i].len);
		memcpy(s->hashes[i], h[i].data, PCORE_HASH_LEN);
	}
	for (i = 0; i < nd; i++) {
		if (d[i].len != PCORE_HASH_LEN)
			msg_error(m, "owner digest %zu of %zu bytes", i,
			    d[i].len);
		memcpy(s->owner_digests[i], d[i].data, PCORE_HASH_LEN);
	}
	s->ndigest = nd;
	s->roles = roles;
	msg_free_bin_array(h, nh, 0);
	msg_free_bin_array(d, nd, 0);
}

int
psummary_find(const struct psummary *s, const uint8_t *hash)
{
	size_t	 i;

	for (i = 0; i < s->npol; i++)
		if (CRYPTO_memcmp(s->hashes[i], hash, PCORE_HASH_LEN) == 0)
			return (int)i;
	return -1;
}

static void
pcore_scan_reply(struct pcore *pc, struct pop *op, struct msg *m)
{
	struct psummary	 s;
	char		*text;

	pc->scan_pending--;
	if (m->type == MSG_VERIFIER_MANIFEST_CHECK_FAIL) {
		msg_get_str(m, &text, 4096);
		msg_end(m);
		log_warnx("stored manifest does not validate: %s", text);
		free(text);
	} else {
		psummary_read(m, &s);
		pstore_hist_add(pc, &s);
		if (op->scan_latest) {
			psummary_free(&pc->sum);
			pc->sum = s;
			pc->have_sum = 1;
		} else
			psummary_free(&s);
	}
	if (pc->scan_pending == 0) {
		pc->scan_done = 1;
		if (pc->have_sum)
			log_info("stored history summarised: %zu policies; "
			    "waiting for recovery", pc->nhist_pol);
	}
	pcore_op_free(pc, op);
}

static void
pcore_verifier_reply(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	struct pop	*op;

	if ((op = pcore_op_take(pc, PROC_VERIFIER, m->reqid)) == NULL)
		fatalx("%s: no operation for request %u", msg_type_name(m->type),
		    m->reqid);
	switch (m->type) {
	case MSG_VERIFIER_MANIFEST_CHECK_OK:
	case MSG_VERIFIER_MANIFEST_CHECK_FAIL:
		if (op->kind == POP_SCAN)
			pcore_scan_reply(pc, op, m);
		else if (m->type == MSG_VERIFIER_MANIFEST_CHECK_OK)
			puser_check_ok(pc, op, m);
		else
			puser_check_fail(pc, op, m);
		break;
	case MSG_VERIFIER_REFVALS_SET_OK:
		msg_end(m);
		if (op->kind == POP_REFVALS)
			pcore_op_free(pc, op);
		else
			puser_refvals_ok(pc, op);
		break;
	default:
		pmesh_verify_reply(pc, op, m);
		break;
	}
}

static void
pcore_ca_reply(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	struct pop	*op;

	if ((op = pcore_op_take(pc, PROC_CA, m->reqid)) == NULL)
		fatalx("%s: no operation for request %u", msg_type_name(m->type),
		    m->reqid);
	if (op->kind == POP_MESH)
		pmesh_issue_reply(pc, op, m);
	else
		puser_ca_reply(pc, op, m);
}

