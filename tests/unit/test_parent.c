/*
 * The parent's state machine with the real ca and verifier handlers,
 * all in one process over socketpairs: the test plays the front.  A
 * simulated TEE (sim_init) makes the workload's and the coordinator's
 * evidence.  Covers first set (TOFU), signed updates and their refusals,
 * GET_MANIFESTS, MESH_CERT (good, replayed, wrong binding, unknown
 * policy), a restart into recovery, refused and accepted RECOVER, an
 * edited store, and a verifier restart.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "coordinator.h"
#include "evidence.h"
#include "ipc.h"
#include "manifest.h"
#include "parent.h"
#include "pki.h"
#include "seedshare.h"
#include "sim.h"
#include "store.h"
#include "tests/tap.h"
#include "util.h"
#include "wire.h"

/* coordinator.c's process plumbing is not part of this test. */
struct ipc_chan *
coord_child_start(int id, int argc, char **argv, const char *chroot,
    rlim_t nofile)
{
	abort();
}

void
coord_child_loop(struct ipc_chan *c, const struct msg_rule *r, size_t n)
{
	abort();
}

void
coord_child_shutdown(struct ipc_chan *c, struct msg *m, void *arg)
{
	abort();
}

#ifdef SANDBOX_SELFTEST
void
coord_selftest(struct ipc_chan *c, struct msg *m, void *arg)
{
	abort();
}
#endif

static char		 dir[256], simdir[300], statedir[300];
static struct pcore	 pc;
static struct ipc_chan	*fr, *cach, *vfch;	/* the children's ends */
static uint32_t		 child_state = CHILD_RUNNING;
static EVP_PKEY		*owner, *rsa, *rsa2, *wl;
static char		*owner_hex, *rsa_hex, *rsa2_hex;
static uint8_t		*pol_web, *pol_coord;
static size_t		 pol_web_len, pol_coord_len;
static uint8_t		 h_web[32], h_coord[32];
static json_t		*refvals;

/* A reply as the front sees it. */
struct reply {
	uint8_t		*frame;
	struct msg	 m;
	uint32_t	 type;
	uint32_t	 code;		/* CLIENT_FAIL */
	char		 text[1024];
};

static void
pair(int peer_of_parent, struct ipc_chan **parent_end,
    struct ipc_chan **child_end)
{
	int	 sp[2];
	char	 err[256];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1)
		abort();
	*parent_end = ipc_chan_new(sp[0], peer_of_parent, MSG_MAXLEN_BIG, err,
	    sizeof(err));
	*child_end = ipc_chan_new(sp[1], PROC_PARENT, MSG_MAXLEN_BIG, err,
	    sizeof(err));
}

/* Move frames until nothing moves. */
static void
pump(void)
{
	const struct msg_rule	*r;
	size_t			 n;
	int			 id, i;
	char			 err[256];

	for (i = 0; i < 1000; i++) {
		for (id = PROC_FRONT; id < PROC_MAX; id++)
			if (pc.chan[id] != NULL)
				ipc_flush(pc.chan[id], err, sizeof(err));
		ipc_flush(fr, err, sizeof(err));
		if (cach != NULL)
			ipc_flush(cach, err, sizeof(err));
		if (vfch != NULL)
			ipc_flush(vfch, err, sizeof(err));
		if (cach != NULL)
			ipc_dispatch(cach, ca_rules_p, ca_nrules, &child_state,
			    NULL);
		if (vfch != NULL)
			ipc_dispatch(vfch, verifier_rules_p, verifier_nrules,
			    &child_state, NULL);
		for (id = PROC_FRONT; id < PROC_MAX; id++) {
			if (pc.chan[id] == NULL)
				continue;
			r = pcore_rules(id, &n);
			ipc_dispatch(pc.chan[id], r, n, &pc.chstate[id], &pc);
		}
	}
}

static void
reply_free(struct reply *r)
{
	msg_clear(&r->m);
	free(r->frame);
	memset(r, 0, sizeof(*r));
}

/* Send o (type) from the front and read the one reply. */
static int
call(struct msg_out *o, struct reply *r)
{
	size_t	 len;
	int	 fd;
	char	 err[256];
	uint32_t conn;

	memset(r, 0, sizeof(*r));
	if (ipc_queue(fr, o, -1, err, sizeof(err)) == -1)
		return -1;
	msg_out_free(o);
	pump();
	if (ipc_recv_frame(fr, &r->frame, &len, &fd, err, sizeof(err)) !=
	    IPC_FRAME)
		return -1;
	if (msg_decode(&r->m, msg_types, MSG_TYPE_MAX, r->frame, len, err,
	    sizeof(err)) == -1)
		return -1;
	r->type = r->m.type;
	if (r->type == MSG_PARENT_CLIENT_FAIL) {
		msg_get_u32(&r->m, &conn);
		msg_get_u32(&r->m, &r->code);
		msg_get_strbuf(&r->m, r->text, sizeof(r->text));
	}
	return 0;
}

static void
req(struct msg_out *o, uint32_t type, uint32_t conn)
{
	msg_out_init(o, type, ipc_request_new(fr, type, 0), 0);
	if (conn != UINT32_MAX)
		msg_put_u32(o, conn);
}

/* HELLO on conn; the server nonce into nonce. */
static int
hello(uint32_t conn, uint32_t api, uint8_t nonce[32], int want,
    struct reply *out)
{
	struct msg_out	 o;
	struct reply	 r;
	uint8_t		 cn[32], ex[32], *ev;
	size_t		 evlen;
	uint32_t	 c;

	memset(cn, 0x11, sizeof(cn));
	memset(ex, 0x22, sizeof(ex));
	req(&o, MSG_FRONT_HELLO_REQ, conn);
	msg_put_u32(&o, api);
	msg_put_str(&o, "10.1.2.3");
	msg_put_bin(&o, cn, 32);
	msg_put_bin(&o, ex, 32);
	msg_put_bool(&o, want);
	if (call(&o, &r) == -1 || r.type != MSG_PARENT_HELLO_OK) {
		reply_free(&r);
		return -1;
	}
	msg_get_u32(&r.m, &c);
	msg_get_fixbin(&r.m, nonce, 32);
	if (out != NULL) {
		msg_get_bin(&r.m, &ev, &evlen, WIRE_MAX_EVIDENCE);
		out->frame = ev;
		out->code = (uint32_t)evlen;
	}
	reply_free(&r);
	return 0;
}

static char *
hexdup(const uint8_t *p, size_t n)
{
	char	*s = malloc(2 * n + 1);

	hex_encode(p, n, s);
	return s;
}

/* A manifest with the web and coordinator policies. */
static char *
manifest(const char *web_san, int with_owner, const char *ss_hex)
{
	json_t	*m;
	char	 hw[65], hc[65], *s;
	size_t	 len;
	char	 err[256];

	hex_encode(h_web, 32, hw);
	hex_encode(h_coord, 32, hc);
	m = json_pack("{s:{s:{s:[s,s],s:s},s:{s:[s],s:s}},s:O,s:[],s:[s]}",
	    "Policies", hw, "SANs", web_san, "*", "WorkloadSecretID", "web",
	    hc, "SANs", "coordinator", "Role", "coordinator",
	    "ReferenceValues", refvals, "WorkloadOwnerKeyDigests",
	    "SeedshareOwnerPubKeys", ss_hex);
	if (with_owner)
		json_object_set_new(m, "WorkloadOwnerPubKeys",
		    json_pack("[s]", owner_hex));
	else
		json_object_set_new(m, "WorkloadOwnerPubKeys", json_array());
	if (manifest_write(m, &s, &len, err, sizeof(err)) == -1) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	json_decref(m);
	return s;
}

/* SET_MANIFEST; signed by owner over the current head when sign. */
static void
set(struct reply *r, uint32_t conn, const char *man, int npol, int sign,
    const uint8_t *prev)
{
	struct msg_out	 o;
	struct msg_bin	 pols[2];
	uint8_t		 mh[32], sh[32], *sig = NULL, head[32];
	size_t		 siglen = 0;
	char		 err[256];

	pols[0].data = pol_web;
	pols[0].len = pol_web_len;
	pols[1].data = pol_coord;
	pols[1].len = pol_coord_len;
	if (sign) {
		memset(head, 0, sizeof(head));
		if (pc.have_head)
			memcpy(head, pc.head, 32);
		EVP_Digest(man, strlen(man), mh, NULL, EVP_sha256(), NULL);
		wire_owner_signing_hash(mh, head, sh);
		pki_ecdsa_sign_digest(owner, sh, 32, &sig, &siglen, err,
		    sizeof(err));
	}
	req(&o, MSG_FRONT_SET_MANIFEST_REQ, conn);
	msg_put_bin(&o, man, strlen(man));
	msg_put_bin_array(&o, pols, npol);
	msg_put_bin(&o, prev, prev != NULL ? 32 : 0);
	msg_put_bin(&o, sig, siglen);
	msg_put_bin(&o, NULL, 0);
	free(sig);
	if (call(&o, r) == -1)
		r->type = 0;
}

static uint32_t
status(uint64_t *gen)
{
	struct msg_out	 o;
	struct reply	 r;
	uint32_t	 st = 99;

	req(&o, MSG_FRONT_STATUS_REQ, UINT32_MAX);
	if (call(&o, &r) == 0 && r.type == MSG_PARENT_STATUS_OK) {
		msg_get_u32(&r.m, &st);
		msg_get_u64(&r.m, gen);
	}
	reply_free(&r);
	return st;
}

/* Workload evidence for hostdata over rd, wire form. */
static uint8_t *
wl_evidence(const uint8_t hostdata[32], const uint8_t rd[64], size_t *len)
{
	struct evidence_opts	 eo;
	struct evidence_src	*src;
	struct evidence		 ev;
	uint8_t			*w = NULL;
	char			 err[256];

	memset(&eo, 0, sizeof(eo));
	eo.sim_dir = simdir;
	eo.sim_hostdata = hostdata;
	if (evidence_open(EVIDENCE_SIM, &eo, &src, err, sizeof(err)) == -1 ||
	    evidence_get(src, rd, &ev, err, sizeof(err)) == -1 ||
	    evidence_encode(&ev, &w, len, err, sizeof(err)) == -1) {
		printf("Bail out! evidence: %s\n", err);
		exit(1);
	}
	evidence_free(&ev);
	evidence_close(src);
	return w;
}

/* MESH_CERT on conn (after HELLO on the mesh API). */
static void
meshcert(struct reply *r, uint32_t conn, const uint8_t nonce[32],
    const uint8_t hostdata[32], int bad_binding)
{
	struct msg_out	 o;
	uint8_t		*spki, rd[64], *ev;
	size_t		 spkilen, evlen;
	char		 err[256];

	pki_spki_der(wl, &spki, &spkilen, err, sizeof(err));
	wire_rd_mesh(nonce, spki, spkilen - (bad_binding ? 1 : 0), rd);
	ev = wl_evidence(hostdata, rd, &evlen);
	req(&o, MSG_FRONT_MESH_CERT_REQ, conn);
	msg_put_bin(&o, ev, evlen);
	msg_put_bin(&o, spki, spkilen);
	free(ev);
	free(spki);
	if (call(&o, r) == -1)
		r->type = 0;
}

static int
chain_ok(const char *chain, const char *root)
{
	STACK_OF(X509)	*c, *rt;
	char		 err[256];
	int		 ok;

	c = pki_certs_from_pem((const uint8_t *)chain, strlen(chain), 2, err,
	    sizeof(err));
	rt = pki_certs_from_pem((const uint8_t *)root, strlen(root), 1, err,
	    sizeof(err));
	if (c == NULL || rt == NULL || sk_X509_num(c) != 2)
		ok = 0;
	else
		ok = pki_cert_verify(sk_X509_value(c, 0), c,
		    sk_X509_value(rt, 0), 0, err, sizeof(err)) == 0;
	if (!ok)
		tap_diag("chain: %s", err);
	sk_X509_pop_free(c, X509_free);
	sk_X509_pop_free(rt, X509_free);
	return ok;
}

static void
start_parent(void)
{
	char	 err[512];
	int	 dfd, id;

	ca_reset();
	verifier_reset();
	dfd = open(statedir, O_RDONLY | O_DIRECTORY);
	if (pcore_init(&pc, dfd, NULL, NULL, err, sizeof(err)) == -1) {
		printf("Bail out! pcore_init: %s\n", err);
		exit(1);
	}
	close(dfd);
	pair(PROC_FRONT, &pc.chan[PROC_FRONT], &fr);
	pair(PROC_CA, &pc.chan[PROC_CA], &cach);
	pair(PROC_VERIFIER, &pc.chan[PROC_VERIFIER], &vfch);
	for (id = PROC_FRONT; id < PROC_MAX; id++) {
		pc.chstate[id] = CHAN_RUNNING;
		pcore_child_up(&pc, id);
	}
	pump();
}

static void
stop_parent(void)
{
	int	 id;

	for (id = PROC_FRONT; id < PROC_MAX; id++)
		ipc_chan_free(pc.chan[id]);
	pcore_free(&pc);
	ipc_chan_free(fr);
	ipc_chan_free(cach);
	ipc_chan_free(vfch);
	fr = cach = vfch = NULL;
}

static void
setup(void)
{
	uint8_t			*der, *buf;
	size_t			 len;
	char			 err[256], path[400];
	json_error_t		 je;

	snprintf(dir, sizeof(dir), "/tmp/test_parent.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(simdir, sizeof(simdir), "%s/sim", dir);
	snprintf(statedir, sizeof(statedir), "%s/state", dir);
	mkdir(statedir, 0700);
	if (sim_init(simdir, NULL, err, sizeof(err)) == -1) {
		printf("Bail out! sim init: %s\n", err);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/reference-values.json", simdir);
	if (file_read(path, 1 << 20, &buf, &len, err, sizeof(err)) == -1 ||
	    (refvals = json_loadb((char *)buf, len, 0, &je)) == NULL) {
		printf("Bail out! refvals: %s\n", err);
		exit(1);
	}
	free(buf);
	owner = pki_p384_generate(err, sizeof(err));
	wl = pki_p384_generate(err, sizeof(err));
	rsa = pki_rsa_generate(2048, err, sizeof(err));
	pki_spki_der(owner, &der, &len, err, sizeof(err));
	owner_hex = hexdup(der, len);
	free(der);
	pki_rsa_pkcs1_pub_der(rsa, &der, &len, err, sizeof(err));
	rsa_hex = hexdup(der, len);
	free(der);
	rsa2 = pki_rsa_generate(2048, err, sizeof(err));
	pki_rsa_pkcs1_pub_der(rsa2, &der, &len, err, sizeof(err));
	rsa2_hex = hexdup(der, len);
	free(der);
	pol_web = (uint8_t *)strdup("algorithm = \"sha256\"\nweb = 1\n");
	pol_web_len = strlen((char *)pol_web);
	pol_coord = (uint8_t *)strdup("algorithm = \"sha256\"\ncoord = 1\n");
	pol_coord_len = strlen((char *)pol_coord);
	EVP_Digest(pol_web, pol_web_len, h_web, NULL, EVP_sha256(), NULL);
	EVP_Digest(pol_coord, pol_coord_len, h_coord, NULL, EVP_sha256(),
	    NULL);
}

int
main(void)
{
	struct reply	 r;
	struct msg_out	 o;
	uint8_t		 n1[32], n2[32], n3[32], n4[32], head1[32], wrong[32];
	uint8_t		 seed[64], salt[32], dg[32], *sig, *pub, secret1[64];
	uint8_t		 rexp[32];
	size_t		 rexplen = 0;
	uint8_t		*shares = NULL, *b, *ev;
	size_t		 shareslen = 0, siglen, publen, blen, i, evlen;
	struct msg_bin	*mans, *pols;
	size_t		 nmans, npols;
	struct manifest_seedshares ms;
	char		*m1, *m2, *m3, *m4, *root1 = NULL, *mesh1 = NULL;
	char		*root2 = NULL, *mesh2 = NULL, *chain, *root, *mesh;
	char		 err[512], *text, path[512];
	uint64_t	 gen = 99;
	uint32_t	 c;
	int		 fd;

	setup();
	m1 = manifest("web", 1, rsa_hex);
	m2 = manifest("web2", 1, rsa_hex);
	m3 = manifest("web3", 1, rsa2_hex);	/* other seed-share key */
	m4 = manifest("web4", 0, rsa_hex);

	start_parent();
	ok(status(&gen) == COORD_STATE_NO_MANIFEST && gen == 0,
	    "fresh state dir: no manifest, generation 0");
	ok(hello(1, MSG_API_USER, n1, 0, NULL) == 0, "HELLO on the user API");
	req(&o, MSG_FRONT_GET_MANIFESTS_REQ, 1);
	ok(call(&o, &r) == 0 && r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_NO_MANIFEST, "GET before any set: NO_MANIFEST");
	reply_free(&r);
	ok(hello(1, MSG_API_USER, n1, 0, NULL) == -1,
	    "second HELLO on one connection refused");

	/* a request on a connection that never said HELLO */
	set(&r, 42, m1, 2, 0, NULL);
	ok(r.type == MSG_PARENT_CLIENT_FAIL && r.code == WIRE_ERR_INTERNAL,
	    "SET without HELLO refused");
	reply_free(&r);

	set(&r, 1, m1, 1, 0, NULL);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_INVALID_ARGUMENT &&
	    strstr(r.text, "no policy provided for hash") != NULL,
	    "SET with a policy missing: %s", r.text);
	reply_free(&r);
	set(&r, 1, "{\"Policies\": 3}", 2, 0, NULL);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_INVALID_ARGUMENT && strstr(r.text,
	    "Policies") != NULL, "invalid manifest: path-prefixed error: %s",
	    r.text);
	reply_free(&r);

	set(&r, 1, m1, 2, 0, NULL);
	ok(r.type == MSG_PARENT_SET_MANIFEST_OK, "first SET (trust on first "
	    "use) accepted%s%s", r.type ? "" : ": ", r.text);
	if (r.type == MSG_PARENT_SET_MANIFEST_OK) {
		msg_get_u32(&r.m, &c);
		msg_get_str(&r.m, &root1, WIRE_MAX_PEM);
		msg_get_str(&r.m, &mesh1, WIRE_MAX_PEM);
		msg_get_bin(&r.m, &shares, &shareslen, 1 << 20);
	}
	reply_free(&r);
	ok(root1 != NULL && strstr(root1, "BEGIN CERTIFICATE") != NULL &&
	    mesh1 != NULL && shareslen > 0, "root, mesh CA and seed shares "
	    "returned");
	ok(status(&gen) == COORD_STATE_READY && gen == 1,
	    "active, generation 1");
	memcpy(head1, pc.head, 32);

	set(&r, 1, m2, 2, 0, NULL);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_PERMISSION_DENIED, "unsigned update refused: %s",
	    r.text);
	reply_free(&r);
	memset(wrong, 0x5a, sizeof(wrong));
	set(&r, 1, m2, 2, 1, wrong);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_MANIFEST_CONFLICT, "stale previous transition: "
	    "MANIFEST_CONFLICT: %s", r.text);
	reply_free(&r);
	set(&r, 1, m3, 2, 1, NULL);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_PERMISSION_DENIED &&
	    strstr(r.text, "Seedshare") != NULL, "seed-share owners cannot "
	    "change: %s", r.text);
	reply_free(&r);
	ok(status(&gen) == COORD_STATE_READY && gen == 1 &&
	    memcmp(pc.head, head1, 32) == 0, "refusals changed nothing");

	set(&r, 1, m2, 2, 1, head1);
	ok(r.type == MSG_PARENT_SET_MANIFEST_OK, "signed, atomic update "
	    "accepted %s", r.text);
	if (r.type == MSG_PARENT_SET_MANIFEST_OK) {
		msg_get_u32(&r.m, &c);
		msg_get_str(&r.m, &root2, WIRE_MAX_PEM);
		msg_get_str(&r.m, &mesh2, WIRE_MAX_PEM);
	}
	reply_free(&r);
	ok(mesh2 != NULL && strcmp(mesh1, mesh2) != 0, "the mesh CA rotated");
	ok(status(&gen) == COORD_STATE_READY && gen == 2, "generation 2");

	/* replaying the same signed request: signature over an old head */
	set(&r, 1, m2, 2, 0, NULL);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_PERMISSION_DENIED, "update without signature "
	    "after the head moved: refused");
	reply_free(&r);

	req(&o, MSG_FRONT_GET_MANIFESTS_REQ, 1);
	ok(call(&o, &r) == 0 && r.type == MSG_PARENT_GET_MANIFESTS_OK,
	    "GET_MANIFESTS");
	if (r.type == MSG_PARENT_GET_MANIFESTS_OK) {
		uint8_t	 latest[32], *hsig;
		size_t	 hsiglen;

		msg_get_u32(&r.m, &c);
		msg_get_bin_array(&r.m, &mans, &nmans, 100, 1 << 20);
		msg_get_bin_array(&r.m, &pols, &npols, 100, 1 << 20);
		msg_get_str(&r.m, &root, WIRE_MAX_PEM);
		msg_get_str(&r.m, &mesh, WIRE_MAX_PEM);
		msg_get_fixbin(&r.m, latest, 32);
		msg_get_bin(&r.m, &hsig, &hsiglen, 1024);
		ok(nmans == 2 && mans[0].len == strlen(m1) &&
		    memcmp(mans[0].data, m1, mans[0].len) == 0 &&
		    mans[1].len == strlen(m2), "history oldest first");
		ok(npols == 2, "both referenced policies");
		ok(store_verify_latest(pc.txkey, latest, hsig, hsiglen, err,
		    sizeof(err)) == 0 && memcmp(latest, pc.head, 32) == 0,
		    "latest transition signed by the seed's key");
		ok(strcmp(mesh, mesh2) == 0, "current mesh CA");
		msg_free_bin_array(mans, nmans, 0);
		msg_free_bin_array(pols, npols, 0);
		free(root);
		free(mesh);
		free(hsig);
	}
	reply_free(&r);

	/* mesh API */
	ok(hello(2, MSG_API_MESH, n2, 0, NULL) == 0, "HELLO on the mesh API");
	meshcert(&r, 1, n1, h_web, 0);
	ok(r.type == MSG_PARENT_CLIENT_FAIL, "MESH_CERT on a user-API "
	    "connection refused");
	reply_free(&r);
	meshcert(&r, 2, n2, h_web, 0);
	ok(r.type == MSG_PARENT_MESH_CERT_OK, "mesh certificate issued %s",
	    r.text);
	if (r.type == MSG_PARENT_MESH_CERT_OK) {
		msg_get_u32(&r.m, &c);
		msg_get_str(&r.m, &mesh, WIRE_MAX_PEM);
		msg_get_str(&r.m, &chain, WIRE_MAX_PEM);
		msg_get_str(&r.m, &root, WIRE_MAX_PEM);
		msg_get_bin(&r.m, &b, &blen, 64);
		ok(strcmp(mesh, mesh2) == 0 && chain_ok(chain, root),
		    "chain (leaf, intermediate) verifies to the root");
		ok(blen == 64, "workload secret of 64 bytes");
		memcpy(secret1, b, sizeof(secret1));
		free(b);
		free(mesh);
		free(chain);
		free(root);
	}
	reply_free(&r);
	meshcert(&r, 2, n2, h_web, 0);
	ok(r.type == MSG_PARENT_CLIENT_FAIL && r.code == WIRE_ERR_INTERNAL &&
	    pc.nconns == 1, "second MESH_CERT on one connection refused "
	    "(INTERNAL: a front that sends it broke the rule): the first one "
	    "spent its nonce and the parent forgot the connection");
	reply_free(&r);
	ok(hello(3, MSG_API_MESH, n3, 0, NULL) == 0, "HELLO 3");
	meshcert(&r, 3, n3, h_web, 1);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_PERMISSION_DENIED &&
	    strcmp(r.text, "attestation failed: report_data_mismatch") == 0,
	    "evidence bound to another key: %s", r.text);
	reply_free(&r);
	ok(hello(4, MSG_API_MESH, n4, 0, NULL) == 0, "HELLO 4");
	meshcert(&r, 4, n3, h_web, 0);
	ok(r.type == MSG_PARENT_CLIENT_FAIL && strstr(r.text, "attestation "
	    "failed") != NULL, "evidence over another connection's nonce: %s",
	    r.text);
	reply_free(&r);
	ok(hello(5, MSG_API_MESH, n3, 0, NULL) == 0, "HELLO 5");
	meshcert(&r, 5, n3, wrong, 0);
	ok(r.type == MSG_PARENT_CLIENT_FAIL && strcmp(r.text, "policy not in "
	    "the manifest") == 0, "unknown policy hash: %s", r.text);
	reply_free(&r);

	req(&o, MSG_FRONT_METRICS_REQ, UINT32_MAX);
	ok(call(&o, &r) == 0 && r.type == MSG_PARENT_METRICS_OK, "metrics");
	if (r.type == MSG_PARENT_METRICS_OK) {
		msg_get_str(&r.m, &text, 65536);
		ok(strstr(text, "contrast_coordinator_certificates_issued_total"
		    " 1\n") != NULL && strstr(text, "contrast_coordinator_"
		    "manifest_generation 2\n") != NULL && strstr(text,
		    "attestation_failures_total{reason=\"report_data_mismatch\"} 2\n") !=
		    NULL && strstr(text, "{reason=\"policy_unknown\"} 1\n") !=
		    NULL, "metrics count certificates and failures by reason");
		free(text);
	}
	reply_free(&r);

	/* a verifier that dies with a request in flight, and its restart */
	ok(hello(6, MSG_API_MESH, n3, 0, NULL) == 0, "HELLO 6");
	{
		uint8_t	*spki, rd[64];
		size_t	 spkilen;

		pki_spki_der(wl, &spki, &spkilen, err, sizeof(err));
		wire_rd_mesh(n3, spki, spkilen, rd);
		ev = wl_evidence(h_web, rd, &evlen);
		req(&o, MSG_FRONT_MESH_CERT_REQ, 6);
		msg_put_bin(&o, ev, evlen);
		msg_put_bin(&o, spki, spkilen);
		ipc_queue(fr, &o, -1, err, sizeof(err));
		msg_out_free(&o);
		free(ev);
		free(spki);
		/* the parent reads it, asks the verifier, which is gone */
		ipc_flush(fr, err, sizeof(err));
		ipc_dispatch(pc.chan[PROC_FRONT], pcore_rules(PROC_FRONT,
		    &blen), blen, &pc.chstate[PROC_FRONT], &pc);
		ipc_chan_free(pc.chan[PROC_VERIFIER]);
		pcore_child_down(&pc, PROC_VERIFIER);
		ipc_chan_free(vfch);
		vfch = NULL;
		pump();
		memset(&r, 0, sizeof(r));
		ok(ipc_recv_frame(fr, &r.frame, &blen, &fd, err,
		    sizeof(err)) == IPC_FRAME && msg_decode(&r.m, msg_types,
		    MSG_TYPE_MAX, r.frame, blen, err, sizeof(err)) == 0 &&
		    r.m.type == MSG_PARENT_CLIENT_FAIL, "in-flight request of "
		    "a dead verifier fails (INTERNAL)");
		reply_free(&r);
	}
	verifier_reset();
	pair(PROC_VERIFIER, &pc.chan[PROC_VERIFIER], &vfch);
	pc.chstate[PROC_VERIFIER] = CHAN_RUNNING;
	pcore_child_up(&pc, PROC_VERIFIER);
	ok(hello(7, MSG_API_MESH, n3, 0, NULL) == 0, "HELLO 7");
	meshcert(&r, 7, n3, h_web, 0);
	ok(r.type == MSG_PARENT_MESH_CERT_OK, "restarted verifier got the "
	    "active reference values first %s", r.text);
	reply_free(&r);

	set(&r, 1, m4, 2, 1, NULL);
	ok(r.type == MSG_PARENT_SET_MANIFEST_OK, "update to a manifest "
	    "without owner keys %s", r.text);
	reply_free(&r);
	set(&r, 1, m2, 2, 1, NULL);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_PERMISSION_DENIED && strstr(r.text,
	    "immutable") != NULL, "then it is immutable: %s", r.text);
	reply_free(&r);
	memcpy(head1, pc.head, 32);

	/* restart: recovery mode */
	stop_parent();
	start_parent();
	ok(status(&gen) == COORD_STATE_RECOVERY, "restart: recovery mode");
	ok(pc.gen == 3 && pc.have_sum && pc.nhist_pol == 2,
	    "stored history summarised (3 manifests, 2 policies)");
	ok(hello(1, MSG_API_USER, n1, 0, NULL) == 0, "HELLO");
	set(&r, 1, m2, 2, 1, NULL);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_NEEDS_RECOVERY, "SET in recovery: "
	    "NEEDS_RECOVERY");
	reply_free(&r);
	ok(hello(2, MSG_API_MESH, n2, 0, NULL) == 0, "HELLO mesh");
	meshcert(&r, 2, n2, h_web, 0);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_NEEDS_RECOVERY && pc.nconns == 1,
	    "MESH_CERT in recovery: NEEDS_RECOVERY, its nonce spent");
	reply_free(&r);

	/* the seed from the seed-shares document */
	memset(&ms, 0, sizeof(ms));
	ok(manifest_seedshares_parse(shares, shareslen, &ms, err,
	    sizeof(err)) == 0 && ms.n_shares == 1 && ms.salt_len == 32 &&
	    seedshare_decrypt(rsa, ms.shares[0].encrypted_seed,
	    ms.shares[0].encrypted_seed_len, seed, 64, err, sizeof(err)) == 0,
	    "seed share decrypts with the owner's key");
	memcpy(salt, ms.salt, 32);
	manifest_seedshares_free(&ms);
	pki_rsa_pkcs1_pub_der(rsa, &pub, &publen, err, sizeof(err));

#define RECOVER(conn, nonce, sd, signok) do {				\
	wire_recover_digest(nonce, sd, salt, dg);			\
	if (!(signok))							\
		dg[0] ^= 1;						\
	wire_recover_sign(rsa, dg, &sig, &siglen, err, sizeof(err));	\
	req(&o, MSG_FRONT_RECOVER_REQ, conn);				\
	msg_put_bin(&o, pub, publen);					\
	msg_put_bin(&o, sd, 64);					\
	msg_put_bin(&o, salt, 32);					\
	msg_put_bin(&o, sig, siglen);					\
	msg_put_bin(&o, rexp, rexplen);					\
	free(sig);							\
	if (call(&o, &r) == -1)						\
		r.type = 0;						\
} while (0)

	rexplen = 32;
	memset(rexp, 0x11, sizeof(rexp));
	RECOVER(1, n1, seed, 1);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_MANIFEST_CONFLICT, "RECOVER expecting another "
	    "history head (a rolled-back store) refused: %s", r.text);
	reply_free(&r);
	rexplen = 0;
	RECOVER(1, n1, seed, 0);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_PERMISSION_DENIED, "RECOVER with a bad "
	    "signature refused: %s", r.text);
	reply_free(&r);
	RECOVER(1, n2, seed, 1);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_PERMISSION_DENIED, "RECOVER signed over "
	    "another connection's nonce refused");
	reply_free(&r);
	seed[3] ^= 0x40;
	RECOVER(1, n1, seed, 1);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_PERMISSION_DENIED &&
	    strstr(r.text, "does not verify with this seed") != NULL,
	    "wrong seed refused: %s", r.text);
	reply_free(&r);
	seed[3] ^= 0x40;
	ok(status(&gen) == COORD_STATE_RECOVERY, "still in recovery");
	RECOVER(1, n1, seed, 1);
	ok(r.type == MSG_PARENT_RECOVER_OK, "RECOVER with the right seed %s",
	    r.text);
	reply_free(&r);
	ok(status(&gen) == COORD_STATE_READY && gen == 3,
	    "active again, generation 3");
	RECOVER(1, n1, seed, 1);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_ALREADY_RECOVERED, "second RECOVER: "
	    "ALREADY_RECOVERED");
	reply_free(&r);
	ok(hello(3, MSG_API_MESH, n3, 0, NULL) == 0, "HELLO mesh");
	meshcert(&r, 3, n3, h_web, 0);
	ok(r.type == MSG_PARENT_MESH_CERT_OK, "mesh certificate after "
	    "recovery");
	if (r.type == MSG_PARENT_MESH_CERT_OK) {
		msg_get_u32(&r.m, &c);
		for (i = 0; i < 3; i++) {
			msg_get_str(&r.m, &text, WIRE_MAX_PEM);
			free(text);
		}
		msg_get_bin(&r.m, &b, &blen, 64);
		ok(blen == 64 && memcmp(b, secret1, 64) == 0, "workload "
		    "secret stable across updates and recovery");
		free(b);
	}
	reply_free(&r);

	/* an edited head: the signature no longer matches */
	stop_parent();
	snprintf(path, sizeof(path), "%s/transitions/latest", statedir);
	if (file_read(path, 4096, &b, &blen, err, sizeof(err)) == 0) {
		b[40] ^= 1;
		file_write_atomic(path, b, blen, 0644, err, sizeof(err));
		free(b);
	}
	start_parent();
	ok(status(&gen) == COORD_STATE_RECOVERY, "edited store: recovery "
	    "mode");
	ok(hello(1, MSG_API_USER, n1, 0, NULL) == 0, "HELLO");
	RECOVER(1, n1, seed, 1);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_PERMISSION_DENIED, "edited store detected: %s",
	    r.text);
	reply_free(&r);
	ok(status(&gen) == COORD_STATE_RECOVERY, "and nothing changed");
	stop_parent();

	/* an edited manifest: the coordinator starts, recovery is refused */
	{
		char	 hx[65];

		hex_encode(h_web, 32, hx);	/* any object will do: */
		EVP_Digest(m4, strlen(m4), dg, NULL, EVP_sha256(), NULL);
		hex_encode(dg, 32, hx);
		snprintf(path, sizeof(path), "%s/manifests/%s", statedir, hx);
		ok(file_write_atomic(path, (const uint8_t *)m1, strlen(m1),
		    0644, err, sizeof(err)) == 0, "head manifest replaced");
	}
	start_parent();
	ok(status(&gen) == COORD_STATE_RECOVERY, "damaged store: the "
	    "coordinator starts in recovery mode");
	ok(hello(1, MSG_API_USER, n1, 0, NULL) == 0, "HELLO");
	RECOVER(1, n1, seed, 1);
	ok(r.type == MSG_PARENT_CLIENT_FAIL &&
	    r.code == WIRE_ERR_PERMISSION_DENIED, "recovery over a damaged "
	    "store refused: %s", r.text);
	reply_free(&r);
	stop_parent();

	free(pub);
	free(shares);
	free(root1);
	free(mesh1);
	free(root2);
	free(mesh2);
	free(m1);
	free(m2);
	free(m3);
	free(m4);
	return tap_done();
}
