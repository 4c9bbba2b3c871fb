/*
 * MESH_CERT in the parent: the expected REPORT_DATA comes from the nonce
 * the parent issued on this connection and the key the workload
 * presents; the verifier's verdict names only a policy hash, which the
 * parent maps to the active manifest's entry; the CA builds the leaf.
 * A front cannot obtain a certificate for a policy it cannot attest.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "coordinator.h"
#include "log.h"
#include "parent.h"
#include "util.h"
#include "wire.h"

#define PMESH_SANS_MAX	64

void
pmesh_cert(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct pcore	*pc = arg;
	struct pconn	*pcn;
	struct pop	*op;
	struct msg_out	 o;
	uint8_t		*ev = NULL, *pub = NULL, rd[64];
	uint8_t		 nonce[PCORE_NONCE_LEN];
	size_t		 evlen, publen;
	uint32_t	 conn;
	char		 peer[PCORE_PEER_MAX];

	msg_get_u32(m, &conn);
	msg_get_bin(m, &ev, &evlen, WIRE_MAX_EVIDENCE);
	msg_get_bin(m, &pub, &publen, WIRE_MAX_KEY);
	msg_end(m);

	if ((pcn = pcore_conn_find(pc, conn)) == NULL ||
	    pcn->api != MSG_API_MESH) {
		log_warnx("front: MESH_CERT on connection %u without HELLO on "
		    "the mesh API", conn);
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_INTERNAL,
		    "internal error");
		goto out;
	}
	/*
	 * One nonce, one MESH_CERT, whatever its answer: the connection is
	 * forgotten here, and the front sends no CONN_CLOSED after it.
	 */
	memcpy(nonce, pcn->nonce, sizeof(nonce));
	snprintf(peer, sizeof(peer), "%s", pcn->peer);
	pcore_conn_forget(pc, pcn);
	if (pcore_client_need_state(pc, m, conn, COORD_STATE_READY) == -1)
		goto out;
	if (evlen == 0 || publen == 0) {
		pcore_client_fail_req(pc, m, conn, WIRE_ERR_INVALID_ARGUMENT,
		    "evidence and public key are required");
		goto out;
	}
	wire_rd_mesh(nonce, pub, publen, rd);
	op = pcore_op_new(pc, POP_MESH, m, conn);
	if (pcore_request(pc, op, PROC_VERIFIER, MSG_PARENT_VERIFY_REQ,
	    pc->gen, &o) == 0) {
		log_warnx("mesh certificate: verifier not running");
		pcore_client_fail(pc, op, WIRE_ERR_INTERNAL, "internal error");
		pcore_op_free(pc, op);
		goto out;
	}
	if (msg_put_bin(&o, ev, evlen) == -1 ||
	    msg_put_bin(&o, rd, sizeof(rd)) == -1)
		fatalx("verify: %s", o.err);
	pcore_queue(pc, PROC_VERIFIER, &o);
	op->evidence = ev;
	op->evidence_len = evlen;
	op->pubkey = pub;
	op->pubkey_len = publen;
	snprintf(op->peer, sizeof(op->peer), "%s", peer);
	return;
 out:
	free(ev);
	free(pub);
}

/* Split the '\n'-joined SANs of a policy (in place). */
static size_t
pmesh_split(char *s, char **v, size_t max)
{
	size_t	 n = 0;
	char	*p;

	if (*s == '\0')
		return 0;
	while (n < max) {
		v[n++] = s;
		if ((p = strchr(s, '\n')) == NULL)
			break;
		*p = '\0';
		s = p + 1;
	}
	return n;
}

void
pmesh_verify_reply(struct pcore *pc, struct pop *op, struct msg *m)
{
	struct msg_out	 o;
	uint8_t		 hash[PCORE_HASH_LEN];
	char		*reason, *text, *sans, *v[PMESH_SANS_MAX];
	char		 hex[2 * PCORE_HASH_LEN + 1];
	uint32_t	 platform;
	size_t		 n;
	int		 idx;

	if (op->kind != POP_MESH)
		msg_error(m, "no mesh request waits for it");
	if (m->type == MSG_VERIFIER_VERIFY_FAIL) {
		msg_get_str(m, &reason, 31);
		msg_get_str(m, &text, 4096);
		msg_end(m);
		log_info("mesh certificate for %s refused: attestation "
		    "failed (%s): %s", op->peer, reason, text);
		pmetrics_failure(pc, reason);
		pcore_client_fail(pc, op, WIRE_ERR_PERMISSION_DENIED,
		    "attestation failed: %s", reason);
		free(reason);
		free(text);
		pcore_op_free(pc, op);
		return;
	}
	msg_get_fixbin(m, hash, sizeof(hash));
	msg_get_u32(m, &platform);
	msg_end(m);
	/* Judged under the generation still active? */
	if (op->gen != pc->gen || pc->state != COORD_STATE_READY) {
		pcore_client_fail(pc, op, WIRE_ERR_INTERNAL,
		    "the manifest changed during the request: retry");
		pcore_op_free(pc, op);
		return;
	}
	if ((idx = psummary_find(&pc->sum, hash)) == -1) {
		hex_encode(hash, PCORE_HASH_LEN, hex);
		log_info("mesh certificate for %s refused: policy %s not in "
		    "the manifest", op->peer, hex);
		pmetrics_failure(pc, "policy_unknown");
		pcore_client_fail(pc, op, WIRE_ERR_PERMISSION_DENIED,
		    "policy not in the manifest");
		pcore_op_free(pc, op);
		return;
	}
	if ((sans = strdup(pc->sum.sans[idx])) == NULL)
		fatal("strdup");
	n = pmesh_split(sans, v, PMESH_SANS_MAX);
	if (pcore_request(pc, op, PROC_CA, MSG_PARENT_CA_ISSUE_REQ, pc->gen,
	    &o) == 0) {
		free(sans);
		pcore_client_fail(pc, op, WIRE_ERR_INTERNAL, "internal error");
		pcore_op_free(pc, op);
		return;
	}
	/* Everything the CA gets comes from the manifest, the verified
	 * evidence, the presented key and the observed peer. */
	if (msg_put_bin(&o, op->pubkey, op->pubkey_len) == -1 ||
	    msg_put_str_array(&o, v, n) == -1 ||
	    msg_put_str(&o, op->peer) == -1 ||
	    msg_put_str(&o, pc->sum.secret_ids[idx]) == -1 ||
	    msg_put_bin(&o, op->evidence, op->evidence_len) == -1)
		fatalx("issue: %s", o.err);
	free(sans);
	pcore_queue(pc, PROC_CA, &o);
}

void
pmesh_issue_reply(struct pcore *pc, struct pop *op, struct msg *m)
{
	struct msg_out	 o;
	char		*mesh = NULL, *chain = NULL, *root = NULL, *text;
	uint8_t		*secret = NULL;
	size_t		 secretlen = 0;

	if (m->type == MSG_CA_ISSUE_FAIL) {
		msg_get_str(m, &text, 4096);
		msg_end(m);
		log_warnx("mesh certificate for %s: ca refused: %s", op->peer,
		    text);
		pcore_client_fail(pc, op, WIRE_ERR_INVALID_ARGUMENT,
		    "certificate refused: %s", text);
		free(text);
		pcore_op_free(pc, op);
		return;
	}
	msg_get_str(m, &mesh, WIRE_MAX_PEM);
	msg_get_str(m, &chain, WIRE_MAX_PEM);
	msg_get_str(m, &root, WIRE_MAX_PEM);
	msg_get_bin(m, &secret, &secretlen, WIRE_SECRET_LEN);
	msg_end(m);
	if (secretlen != 0 && secretlen != WIRE_SECRET_LEN)
		msg_error(m, "workload secret of %zu bytes", secretlen);
	/* MSGT_SECRET: a fixed buffer, sized to what it holds. */
	pcore_reply_init(pc, op, &o, MSG_PARENT_MESH_CERT_OK, strlen(mesh) +
	    strlen(chain) + strlen(root) + secretlen);
	if (msg_put_str(&o, mesh) == -1 || msg_put_str(&o, chain) == -1 ||
	    msg_put_str(&o, root) == -1 ||
	    msg_put_bin(&o, secret, secretlen) == -1)
		fatalx("mesh cert reply: %s", o.err);
	/* MSGT_SECRET: the queued copy is zeroed once written. */
	pcore_reply_send(pc, op, &o);
	msg_freezero(secret, secretlen);
	free(mesh);
	free(chain);
	free(root);
	pc->metrics.certs_issued++;
	log_info("issued a mesh certificate to %s", op->peer);
	pcore_op_free(pc, op);
}
