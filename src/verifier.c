/*
 * The verifier role: parses and judges untrusted manifests, policies and
 * evidence, holds no secret, and is restarted by the parent when it
 * dies (the parent then re-sends the active reference values before
 * using it).  Its verdicts name a policy hash and a platform only; the
 * manifest summary it returns is typed arrays the parent needs no JSON
 * parser for (doc/PROTOCOL.privsep §5.2).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "coordinator.h"
#include "ipc.h"
#include "log.h"
#include "manifest.h"
#include "pki.h"
#include "proc.h"
#include "seedengine.h"
#include "seedshare.h"
#include "snp.h"
#include "util.h"
#include "verify.h"
#include "wire.h"
#include "x509ca.h"

#define VERIFIER_NOFILE	8	/* 0-3 and room for a passed fd */
#define VERIFIER_TEXT	4000	/* bytes of an error message */

static struct manifest	*vf_active;	/* reference values of vf_gen */
static uint64_t		 vf_gen;
static struct snp_ctx	*vf_snp;	/* chain cache across requests */

static void	verifier_check(struct ipc_chan *, struct msg *, void *);
static void	verifier_refvals(struct ipc_chan *, struct msg *, void *);
static void	verifier_verify(struct ipc_chan *, struct msg *, void *);

static const struct msg_rule verifier_rules[] = {
	{ MSG_PARENT_SHUTDOWN, PROC_PARENT, CHILD_RUNNING, MSGF_ONCE, 0,
	    coord_child_shutdown },
	{ MSG_PARENT_MANIFEST_CHECK_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    verifier_check },
	{ MSG_PARENT_REFVALS_SET_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    verifier_refvals },
	{ MSG_PARENT_VERIFY_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    verifier_verify },
#ifdef SANDBOX_SELFTEST
	{ MSG_PARENT_SELFTEST_REQ, PROC_PARENT, CHILD_RUNNING, 0, 0,
	    coord_selftest },
#endif
};
const struct msg_rule *const verifier_rules_p = verifier_rules;
const size_t verifier_nrules = sizeof(verifier_rules) /
    sizeof(verifier_rules[0]);

/* For tests: forget the active values. */
void
verifier_reset(void)
{
	manifest_free(vf_active);
	vf_active = NULL;
	vf_gen = 0;
	snp_ctx_free(vf_snp);
	vf_snp = NULL;
}

static void
verifier_send(struct ipc_chan *c, struct msg_out *o)
{
	char	 err[256];

	if (ipc_queue(c, o, -1, err, sizeof(err)) == -1)
		fatalx("to parent: %s", err);
	msg_out_free(o);
}

static void
verifier_check_fail(struct ipc_chan *c, const struct msg *m, const char *text)
{
	struct msg_out	 o;

	if (msg_out_init(&o, MSG_VERIFIER_MANIFEST_CHECK_FAIL, m->reqid,
	    m->gen) == -1 || msg_put_str(&o, text) == -1)
		fatalx("check fail: %s", o.err);
	verifier_send(c, &o);
}

/* Parse and validate: 0, or -1 with the path-prefixed errors. */
static int
verifier_parse(const uint8_t *buf, size_t len, struct manifest **mfp,
    char *text, size_t textlen)
{
	struct manifest_errors	 errs;

	manifest_errors_init(&errs);
	*mfp = NULL;
	if (manifest_parse(buf, len, mfp, &errs) == -1) {
		manifest_errors_format(&errs, text, textlen);
		return -1;
	}
	if (manifest_validate(*mfp, &errs) == -1) {
		manifest_errors_format(&errs, text, textlen);
		manifest_free(*mfp);
		*mfp = NULL;
		return -1;
	}
	return 0;
}

/*
 * What the CA will need later must be usable now: a key the CA could not
 * encrypt to or a SAN it could not encode is the client's error here,
 * not a failure after the manifest became active.
 */
static int
verifier_keys_sans(const struct manifest *mf, char *text, size_t textlen)
{
	const struct manifest_policy	*p;
	enum x509ca_san_kind		 kind;
	EVP_PKEY			*k;
	char				 e[256];
	size_t				 i, j;

	for (i = 0; i < mf->n_owner_pubkeys; i++) {
		if ((k = pki_pubkey_from_spki_der(mf->owner_pubkeys[i].data,
		    mf->owner_pubkeys[i].len, e, sizeof(e))) == NULL) {
			snprintf(text, textlen, "WorkloadOwnerPubKeys[%zu]: %s",
			    i, e);
			return -1;
		}
		EVP_PKEY_free(k);
	}
	if (mf->n_seedshare_keys > SEEDSHARE_MAX_OWNERS) {
		snprintf(text, textlen, "SeedshareOwnerPubKeys: more than %d "
		    "keys", SEEDSHARE_MAX_OWNERS);
		return -1;
	}
	for (i = 0; i < mf->n_seedshare_keys; i++) {
		if ((k = pki_rsa_pub_from_der(mf->seedshare_keys[i].data,
		    mf->seedshare_keys[i].len, e, sizeof(e))) == NULL) {
			snprintf(text, textlen, "SeedshareOwnerPubKeys[%zu]: "
			    "%s", i, e);
			return -1;
		}
		EVP_PKEY_free(k);
	}
	for (i = 0; i < mf->n_policies; i++) {
		p = &mf->policies[i];
		if (p->n_sans >= X509CA_SAN_MAX) {
			snprintf(text, textlen, "Policies[%s].SANs: more than "
			    "%d", p->hash_hex, X509CA_SAN_MAX - 1);
			return -1;
		}
		for (j = 0; j < p->n_sans; j++)
			if (x509ca_san_classify(p->sans[j], &kind, e,
			    sizeof(e)) == -1) {
				snprintf(text, textlen, "Policies[%s].SANs[%zu]: "
				    "%s", p->hash_hex, j, e);
				return -1;
			}
		if (strlen(p->workload_secret_id) > SEED_WORKLOAD_ID_MAX) {
			snprintf(text, textlen, "Policies[%s].WorkloadSecretID: "
			    "longer than %d bytes", p->hash_hex,
			    SEED_WORKLOAD_ID_MAX);
			return -1;
		}
	}
	return 0;
}

/* Provided policies and the manifest's Policies must be the same set. */
static int
verifier_policies(const struct manifest *mf, const struct msg_bin *pols,
    size_t npols, char *text, size_t textlen)
{
	uint8_t	(*h)[32];
	char	 hex[65];
	size_t	 i, j;
	int	 rc = -1;

	if ((h = calloc(npols + 1, 32)) == NULL) {
		snprintf(text, textlen, "out of memory");
		return -1;
	}
	for (i = 0; i < npols; i++) {
		manifest_hash(pols[i].data, pols[i].len, h[i]);
		if (manifest_policy_lookup(mf, h[i]) == NULL) {
			hex_encode(h[i], 32, hex);
			snprintf(text, textlen, "policy %s not in the manifest",
			    hex);
			goto out;
		}
	}
	for (i = 0; i < mf->n_policies; i++) {
		for (j = 0; j < npols; j++)
			if (memcmp(h[j], mf->policies[i].hash, 32) == 0)
				break;
		if (j == npols) {
			snprintf(text, textlen, "no policy provided for hash %s",
			    mf->policies[i].hash_hex);
			goto out;
		}
	}
	rc = 0;
 out:
	free(h);
	return rc;
}

/* '\n'-joined SANs of one policy (checked: no control characters). */
static char *
verifier_join(const struct manifest_policy *p)
{
	size_t	 len = 1, i;
	char	*s;

	for (i = 0; i < p->n_sans; i++)
		len += strlen(p->sans[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		fatal("calloc");
	len = 0;
	for (i = 0; i < p->n_sans; i++) {
		if (i > 0)
			s[len++] = '\n';
		memcpy(s + len, p->sans[i], strlen(p->sans[i]));
		len += strlen(p->sans[i]);
	}
	return s;
}

static void
verifier_check_ok(struct ipc_chan *c, const struct msg *m,
    const struct manifest *mf)
{
	struct msg_out	 o;
	struct msg_bin	*h, *d;
	uint8_t		*roles;
	char		**ids, **sans;
	size_t		 n = mf->n_policies, i;

	if ((h = calloc(n + 1, sizeof(*h))) == NULL ||
	    (roles = calloc(n + 1, 1)) == NULL ||
	    (ids = calloc(n + 1, sizeof(*ids))) == NULL ||
	    (sans = calloc(n + 1, sizeof(*sans))) == NULL ||
	    (d = calloc(mf->n_owner_key_digests + 1, sizeof(*d))) == NULL)
		fatal("calloc");
	for (i = 0; i < n; i++) {
		h[i].data = mf->policies[i].hash;
		h[i].len = 32;
		roles[i] = mf->policies[i].role == MANIFEST_ROLE_COORDINATOR ?
		    MSG_ROLE_COORDINATOR : MSG_ROLE_NONE;
		ids[i] = mf->policies[i].workload_secret_id;
		sans[i] = verifier_join(&mf->policies[i]);
	}
	for (i = 0; i < mf->n_owner_key_digests; i++) {
		d[i].data = mf->owner_key_digests[i];
		d[i].len = 32;
	}
	if (msg_out_init(&o, MSG_VERIFIER_MANIFEST_CHECK_OK, m->reqid,
	    m->gen) == -1 || msg_put_bin_array(&o, h, n) == -1 ||
	    msg_put_bin(&o, roles, n) == -1 ||
	    msg_put_str_array(&o, ids, n) == -1 ||
	    msg_put_str_array(&o, sans, n) == -1 ||
	    msg_put_bin_array(&o, (const struct msg_bin *)mf->owner_pubkeys,
	    mf->n_owner_pubkeys) == -1 ||
	    msg_put_bin_array(&o, d, mf->n_owner_key_digests) == -1 ||
	    msg_put_bin_array(&o, (const struct msg_bin *)mf->seedshare_keys,
	    mf->n_seedshare_keys) == -1)
		fatalx("check reply: %s", o.err);
	for (i = 0; i < n; i++)
		free(sans[i]);
	free(sans);
	free(ids);
	free(roles);
	free(h);
	free(d);
	verifier_send(c, &o);
}

static void
verifier_check(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct manifest	*mf = NULL;
	struct msg_bin	*pols = NULL;
	uint8_t		*buf = NULL;
	size_t		 len, npols;
	char		*text;

	msg_get_bin(m, &buf, &len, WIRE_MAX_MANIFEST);
	msg_get_bin_array(m, &pols, &npols, WIRE_MAX_POLICIES,
	    WIRE_MAX_POLICY);
	msg_end(m);
	if ((text = calloc(1, VERIFIER_TEXT)) == NULL)
		fatal("calloc");
	/* No policies: a manifest from the parent's own store, summarised
	 * without the completeness check (the parent refuses that for a
	 * client's SET). */
	if (verifier_parse(buf, len, &mf, text, VERIFIER_TEXT) == -1 ||
	    verifier_keys_sans(mf, text, VERIFIER_TEXT) == -1 ||
	    (npols > 0 && verifier_policies(mf, pols, npols, text,
	    VERIFIER_TEXT) == -1))
		verifier_check_fail(c, m, text);
	else
		verifier_check_ok(c, m, mf);
	free(text);
	manifest_free(mf);
	msg_free_bin_array(pols, npols, 0);
	free(buf);
}

static void
verifier_refvals(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct manifest	*mf;
	struct msg_out	 o;
	uint8_t		*buf = NULL;
	size_t		 len;
	char		 text[VERIFIER_TEXT];

	msg_get_bin(m, &buf, &len, WIRE_MAX_MANIFEST);
	msg_end(m);
	/* The parent sends only manifests this verifier accepted. */
	if (verifier_parse(buf, len, &mf, text, sizeof(text)) == -1)
		msg_error(m, "manifest of generation %llu: %s",
		    (unsigned long long)m->gen, text);
	free(buf);
	manifest_free(vf_active);
	vf_active = mf;
	vf_gen = m->gen;
	if (msg_out_init(&o, MSG_VERIFIER_REFVALS_SET_OK, m->reqid,
	    m->gen) == -1)
		fatalx("refvals reply: %s", o.err);
	verifier_send(c, &o);
	log_info("reference values of generation %llu: %zu SNP, %zu TDX",
	    (unsigned long long)vf_gen, mf->refvals.n_snp, mf->refvals.n_tdx);
}

static void
verifier_verify(struct ipc_chan *c, struct msg *m, void *arg)
{
	struct attest_verdict	 v;
	struct msg_out		 o;
	uint8_t			*ev = NULL, rd[64];
	size_t			 len;
	const char		*reason = "generation";
	char			 err[VERIFIER_TEXT];
	int			 rc = -1;

	msg_get_bin(m, &ev, &len, WIRE_MAX_EVIDENCE);
	msg_get_fixbin(m, rd, sizeof(rd));
	msg_end(m);
	if (vf_active == NULL || m->gen != vf_gen) {
		snprintf(err, sizeof(err), "no reference values for "
		    "generation %llu (have %llu)", (unsigned long long)m->gen,
		    (unsigned long long)vf_gen);
	} else if (vf_snp == NULL && (vf_snp = snp_ctx_new(err,
	    sizeof(err))) == NULL) {
		reason = "internal";
	} else
		rc = verify_evidence(vf_snp, ev, len, &vf_active->refvals, rd,
		    time(NULL), &v, &reason, err, sizeof(err));
	free(ev);
	if (rc == 0) {
		if (msg_out_init(&o, MSG_VERIFIER_VERIFY_OK, m->reqid,
		    m->gen) == -1 ||
		    msg_put_bin(&o, v.policy_hash, sizeof(v.policy_hash)) == -1 ||
		    msg_put_u32(&o, (uint32_t)v.platform) == -1)
			fatalx("verify reply: %s", o.err);
	} else {
		if (msg_out_init(&o, MSG_VERIFIER_VERIFY_FAIL, m->reqid,
		    m->gen) == -1 || msg_put_str(&o, reason) == -1 ||
		    msg_put_str(&o, err) == -1)
			fatalx("verify reply: %s", o.err);
	}
	verifier_send(c, &o);
}

void
verifier_main(int argc, char **argv, const char *chroot)
{
	struct ipc_chan	*c;

	c = coord_child_start(PROC_VERIFIER, argc, argv, chroot,
	    VERIFIER_NOFILE);
	coord_child_loop(c, verifier_rules, verifier_nrules);
}
