/*
 * TDX quote verification: signatures, QE binding, PCK chain to the
 * built-in Intel SGX Root CA, CRLs, collateral (TCB Info, QE Identity)
 * and the manifest's reference values.  Every check fails closed; the
 * order is cheap-and-structural first, so a reason names the first thing
 * that is wrong.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "tdx.h"
#include "tdx_int.h"
#include "util.h"

static const uint8_t intel_qe_vendor_id[16] = {
	0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
	0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07
};

static enum attest_reject __attribute__((__format__ (printf, 4, 5)))
verr(enum attest_reject r, char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

/* ECDSA P-256 / SHA-256 with a raw r||s signature. */
int
tdx_ecdsa_verify_pkey(EVP_PKEY *key, const uint8_t *msg, size_t len,
    const uint8_t *sig)
{
	ECDSA_SIG	*es;
	BIGNUM		*r, *s;
	EVP_MD_CTX	*md;
	unsigned char	*der = NULL;
	int		 derlen, ok = 0;

	if ((es = ECDSA_SIG_new()) == NULL)
		return 0;
	r = BN_bin2bn(sig, 32, NULL);
	s = BN_bin2bn(sig + 32, 32, NULL);
	if (r == NULL || s == NULL || !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return 0;
	}
	derlen = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	if (derlen <= 0)
		return 0;
	if ((md = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(md, der, (size_t)derlen, msg, len) == 1)
		ok = 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ERR_clear_error();
	return ok;
}

static EVP_PKEY *
p256_from_raw(const uint8_t xy[TDX_ATT_KEY_LEN])
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pk = NULL;
	OSSL_PARAM	 params[3];
	uint8_t		 pub[1 + TDX_ATT_KEY_LEN];
	char		 group[] = "prime256v1";

	pub[0] = 0x04;
	memcpy(pub + 1, xy, TDX_ATT_KEY_LEN);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    pub, sizeof(pub));
	params[2] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL)
		return NULL;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return pk;
}

int
tdx_ecdsa_verify_raw(const uint8_t *xy, const uint8_t *msg, size_t len,
    const uint8_t *sig)
{
	EVP_PKEY	*pk;
	int		 ok;

	if ((pk = p256_from_raw(xy)) == NULL)
		return 0;
	ok = tdx_ecdsa_verify_pkey(pk, msg, len, sig);
	EVP_PKEY_free(pk);
	return ok;
}

static int
is_p256(X509 *x)
{
	EVP_PKEY	*pk = X509_get0_pubkey(x);
	char		 g[64];
	size_t		 gl;

	return pk != NULL && EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, g,
	    sizeof(g), &gl) == 1 && strcmp(g, "prime256v1") == 0;
}

static int
same_cert(X509 *a, X509 *b)
{
	unsigned char	*da = NULL, *db = NULL;
	int		 la, lb, same;

	la = i2d_X509(a, &da);
	lb = i2d_X509(b, &db);
	same = la > 0 && la == lb && memcmp(da, db, (size_t)la) == 0;
	OPENSSL_free(da);
	OPENSSL_free(db);
	return same;
}

/*
 * Verify leaf (via the optional intermediate) to the pinned root at time
 * at.  what names the chain in messages.
 */
static enum attest_reject
chain_verify(X509 *root, X509 *inter, X509 *leaf, time_t at,
    const char *what, char *err, size_t errlen)
{
	X509_STORE		*st = NULL;
	X509_STORE_CTX		*ctx = NULL;
	STACK_OF(X509)		*untrusted = NULL;
	X509_VERIFY_PARAM	*vp;
	X509			*bad;
	enum attest_reject	 r = ATTEST_REJECT_INTERNAL;
	struct tm		 tm;
	int			 e, depth, i;
	char			 cn[128], when[48] = "";

	if ((st = X509_STORE_new()) == NULL || !X509_STORE_add_cert(st, root)
	    || (untrusted = sk_X509_new_null()) == NULL ||
	    (inter != NULL && !sk_X509_push(untrusted, inter)) ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, st, leaf, untrusted)) {
		verr(r, err, errlen, "%s: cannot set up verification", what);
		goto out;
	}
	/* Name the lowest expired certificate (OpenSSL reports the root
	 * first), so the reason points at what actually needs renewing. */
	for (i = 0; i < 3; i++) {
		X509	*x = i == 0 ? leaf : i == 1 ? inter : root;

		if (x == NULL)
			continue;
		tdx_x509_name_cn(X509_get_subject_name(x), cn, sizeof(cn));
		if (X509_cmp_time(X509_get0_notBefore(x), &at) >= 0) {
			if (ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm) == 1)
				strftime(when, sizeof(when),
				    "%Y-%m-%dT%H:%M:%SZ", &tm);
			r = verr(ATTEST_REJECT_EXPIRED, err, errlen, "%s: "
			    "certificate CN=%s is not yet valid: before %s",
			    what, cn, when);
			goto out;
		}
		if (X509_cmp_time(X509_get0_notAfter(x), &at) <= 0) {
			if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
				strftime(when, sizeof(when),
				    "%Y-%m-%dT%H:%M:%SZ", &tm);
			r = verr(ATTEST_REJECT_EXPIRED, err, errlen, "%s: "
			    "certificate CN=%s has expired: after %s", what,
			    cn, when);
			goto out;
		}
	}
	vp = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(vp, at);
	X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_X509_STRICT);
	X509_VERIFY_PARAM_set_depth(vp, inter != NULL ? 2 : 1);
	if (X509_verify_cert(ctx) == 1) {
		r = ATTEST_OK;
		goto out;
	}
	e = X509_STORE_CTX_get_error(ctx);
	depth = X509_STORE_CTX_get_error_depth(ctx);
	bad = X509_STORE_CTX_get_current_cert(ctx);
	tdx_x509_name_cn(bad ? X509_get_subject_name(bad) : NULL, cn,
	    sizeof(cn));
	r = ATTEST_REJECT_CHAIN;
	if (e == X509_V_ERR_CERT_HAS_EXPIRED && bad != NULL) {
		r = ATTEST_REJECT_EXPIRED;
		if (ASN1_TIME_to_tm(X509_get0_notAfter(bad), &tm) == 1)
			strftime(when, sizeof(when), " after %Y-%m-%dT%H:%M:%SZ",
			    &tm);
	} else if (e == X509_V_ERR_CERT_NOT_YET_VALID) {
		r = ATTEST_REJECT_EXPIRED;
		if (ASN1_TIME_to_tm(X509_get0_notBefore(bad), &tm) == 1)
			strftime(when, sizeof(when), " before %Y-%m-%dT%H:%M:%SZ",
			    &tm);
	}
	verr(r, err, errlen, "%s: %s%s at depth %d (CN=%s)", what,
	    X509_verify_cert_error_string(e), when, depth, cn);
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(st);
	ERR_clear_error();
	return r;
}

static int
has_cn(X509 *x, const char *want)
{
	char	 cn[128];

	tdx_x509_name_cn(X509_get_subject_name(x), cn, sizeof(cn));
	return strcmp(cn, want) == 0;
}

/* A CRL issued by issuer, current at time at, not listing subject. */
enum attest_reject
tdx_crl_check(X509_CRL *crl, X509 *issuer, X509 *subject, time_t at,
    const char *what, char *err, size_t errlen)
{
	X509_REVOKED		*rev;
	const ASN1_TIME		*nu;
	EVP_PKEY		*pk = X509_get0_pubkey(issuer);
	char			 cn[128];

	if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(issuer)) != 0) {
		tdx_x509_name_cn(X509_CRL_get_issuer(crl), cn, sizeof(cn));
		return verr(ATTEST_REJECT_COLLATERAL, err, errlen, "%s is "
		    "issued by CN=%s, not by the chain's issuer", what, cn);
	}
	if (pk == NULL || X509_CRL_verify(crl, pk) != 1) {
		ERR_clear_error();
		return verr(ATTEST_REJECT_COLLATERAL, err, errlen, "%s: bad "
		    "signature", what);
	}
	nu = X509_CRL_get0_nextUpdate(crl);
	if (X509_cmp_time(X509_CRL_get0_lastUpdate(crl), &at) >= 0)
		return verr(ATTEST_REJECT_EXPIRED, err, errlen, "%s: "
		    "thisUpdate is after the verification time", what);
	if (nu == NULL || X509_cmp_time(nu, &at) <= 0)
		return verr(ATTEST_REJECT_EXPIRED, err, errlen, "%s: "
		    "nextUpdate is missing or before the verification time "
		    "(stale CRL)", what);
	if (X509_CRL_get0_by_serial(crl, &rev,
	    X509_get0_serialNumber(subject)) == 1) {
		tdx_x509_name_cn(X509_get_subject_name(subject), cn,
		    sizeof(cn));
		return verr(ATTEST_REJECT_REVOKED, err, errlen, "%s lists the "
		    "certificate CN=%s as revoked", what, cn);
	}
	return ATTEST_OK;
}

/* The first TCB Signing certificate that chains to the root at time at
 * and verifies sig over msg. */
static enum attest_reject
collateral_sig(const struct tdx_collateral *c, X509 *root,
    const uint8_t *msg, size_t len, const uint8_t *sig, const char *what,
    time_t at, char *err, size_t errlen)
{
	X509			*cand[3] = { NULL, NULL, NULL };
	enum attest_reject	 r = ATTEST_REJECT_COLLATERAL, cr;
	char			 e2[ATTEST_ERR_LEN] = "no signing certificate";
	int			 i, n = 0, own[3] = { 0, 0, 0 }, sigbad = 0;

	/* The supplied signer first, then the built-in copies (same key,
	 * re-issued): each must still chain to the root at time at. */
	if (c->tcb_signing != NULL)
		cand[n++] = c->tcb_signing;
	cand[n] = tdx_x509_from_pem(tdx_intel_tcb_signing_2025_pem);
	own[n++] = 1;
	cand[n] = tdx_x509_from_pem(tdx_intel_tcb_signing_2018_pem);
	own[n++] = 1;
	for (i = 0; i < n; i++) {
		if (cand[i] == NULL)
			continue;
		if (!has_cn(cand[i], "Intel SGX TCB Signing") ||
		    !is_p256(cand[i])) {
			snprintf(e2, sizeof(e2), "signer is not an Intel SGX "
			    "TCB Signing P-256 certificate");
			continue;
		}
		cr = chain_verify(root, NULL, cand[i], at, "TCB Signing "
		    "certificate", e2, sizeof(e2));
		if (cr != ATTEST_OK) {
			r = cr;
			continue;
		}
		if (!tdx_ecdsa_verify_pkey(X509_get0_pubkey(cand[i]), msg, len,
		    sig)) {
			sigbad = 1;
			continue;
		}
		r = ATTEST_OK;
		break;
	}
	/* A valid signer whose key does not verify says more than an
	 * expired fallback certificate. */
	if (r != ATTEST_OK && sigbad) {
		r = ATTEST_REJECT_COLLATERAL;
		snprintf(e2, sizeof(e2), "signature does not verify with the "
		    "TCB Signing key");
	}
	for (i = 0; i < n; i++)
		if (own[i])
			X509_free(cand[i]);
	if (r != ATTEST_OK)
		verr(r, err, errlen, "%s: %s", what, e2);
	return r;
}

static enum attest_reject
window(time_t issue, time_t next, time_t at, const char *what, char *err,
    size_t errlen)
{
	char	 a[32], b[32], t[32];

	if (at >= issue && at <= next)
		return ATTEST_OK;
	tdx_time_fmt(issue, a, sizeof(a));
	tdx_time_fmt(next, b, sizeof(b));
	tdx_time_fmt(at, t, sizeof(t));
	return verr(ATTEST_REJECT_EXPIRED, err, errlen, "%s is valid %s..%s, "
	    "not at %s", what, a, b, t);
}

static enum tdx_tcb_status
worse(enum tdx_tcb_status a, enum tdx_tcb_status b)
{
	return a > b ? a : b;
}

/* TCB Info against the quote and its PCK (attestation.md 2.6). */
static enum attest_reject
eval_tcb_info(const struct tdx_quote *q, const struct tdx_tcb_info *ti,
    struct tdx_evidence *ev, char *err, size_t errlen)
{
	const struct tdx_body	*bd = &q->body;
	const struct tdx_tcb_level *l = NULL;
	const struct tdx_module_identity *mi = NULL;
	char			 a[16], b[16], id[16];
	size_t			 i, k;
	int			 skip;

	if (memcmp(ti->fmspc, ev->pck.fmspc, 6) != 0) {
		hex_encode(ti->fmspc, 6, a);
		hex_encode(ev->pck.fmspc, 6, b);
		return verr(ATTEST_REJECT_COLLATERAL, err, errlen, "TCB Info "
		    "FMSPC %s does not match the PCK's %s", a, b);
	}
	if (memcmp(ti->pceid, ev->pck.pceid, 2) != 0)
		return verr(ATTEST_REJECT_COLLATERAL, err, errlen, "TCB Info "
		    "pceId does not match the PCK's PCE-ID");
	if (memcmp(ti->module_mrsigner, bd->mr_signer_seam, 48) != 0)
		return verr(ATTEST_REJECT_TCB, err, errlen, "MRSIGNERSEAM does "
		    "not match tcbInfo.tdxModule.mrsigner");
	for (k = 0; k < 8; k++)
		if ((bd->seam_attributes[k] & ti->module_attributes_mask[k]) !=
		    ti->module_attributes[k])
			return verr(ATTEST_REJECT_TCB, err, errlen,
			    "SEAMATTRIBUTES byte %zu does not match "
			    "tcbInfo.tdxModule attributes under its mask", k);

	skip = bd->tee_tcb_svn[1] > 0 ? 2 : 0;
	for (i = 0; i < ti->n_levels && l == NULL; i++) {
		const struct tdx_tcb_level *c = &ti->levels[i];
		int	 okl = ev->pck.pcesvn >= c->pcesvn;

		for (k = 0; k < 16 && okl; k++)
			okl = ev->pck.comp_svn[k] >= c->sgx[k];
		for (k = (size_t)skip; k < 16 && okl; k++)
			okl = bd->tee_tcb_svn[k] >= c->tdx[k];
		if (okl)
			l = c;
	}
	if (l == NULL)
		return verr(ATTEST_REJECT_TCB, err, errlen, "TCB level not "
		    "found: no tcbInfo.tcbLevels entry is met by the PCK "
		    "(PCESVN %u) and TEE_TCB_SVN; TCB not supported",
		    ev->pck.pcesvn);
	ev->platform_status = l->status;
	ev->n_advisories = l->n_adv;
	memcpy(ev->advisories, l->adv, sizeof(ev->advisories));
	ev->module_status = TDX_TCB_UNKNOWN;

	if (bd->tee_tcb_svn[1] > 0) {
		snprintf(id, sizeof(id), "TDX_%02X", bd->tee_tcb_svn[1]);
		for (i = 0; i < ti->n_modules && mi == NULL; i++)
			if (strcmp(ti->modules[i].id, id) == 0)
				mi = &ti->modules[i];
		if (mi == NULL)
			return verr(ATTEST_REJECT_TCB, err, errlen, "TCB Info "
			    "has no tdxModuleIdentities entry %s", id);
		if (memcmp(mi->mrsigner, bd->mr_signer_seam, 48) != 0)
			return verr(ATTEST_REJECT_TCB, err, errlen,
			    "MRSIGNERSEAM does not match module %s", id);
		for (k = 0; k < 8; k++)
			if ((bd->seam_attributes[k] & mi->attributes_mask[k])
			    != mi->attributes[k])
				return verr(ATTEST_REJECT_TCB, err, errlen,
				    "SEAMATTRIBUTES do not match module %s",
				    id);
		for (i = 0; i < mi->n_levels; i++)
			if (mi->levels[i].isvsvn <= bd->tee_tcb_svn[0])
				break;
		if (i == mi->n_levels)
			return verr(ATTEST_REJECT_TCB, err, errlen, "TDX "
			    "module %s SVN %u is below every level", id,
			    bd->tee_tcb_svn[0]);
		ev->module_status = mi->levels[i].status;
	}
	return ATTEST_OK;
}

static enum attest_reject
eval_qe_identity(const struct tdx_quote *q, const struct tdx_qe_identity *qi,
    struct tdx_evidence *ev, char *err, size_t errlen)
{
	const struct tdx_qe_report *r = &q->qe_report;
	size_t	 i;

	if ((r->misc_select & qi->miscselect_mask) != qi->miscselect)
		return verr(ATTEST_REJECT_TCB, err, errlen, "QE report "
		    "MISCSELECT does not match QE Identity under its mask");
	for (i = 0; i < 16; i++)
		if ((r->attributes[i] & qi->attributes_mask[i]) !=
		    qi->attributes[i])
			return verr(ATTEST_REJECT_TCB, err, errlen, "QE report "
			    "ATTRIBUTES byte %zu does not match QE Identity "
			    "under its mask", i);
	if (memcmp(r->mr_signer, qi->mrsigner, 32) != 0)
		return verr(ATTEST_REJECT_TCB, err, errlen, "QE report "
		    "MRSIGNER is not QE Identity's mrsigner");
	if (r->isv_prod_id != qi->isvprodid)
		return verr(ATTEST_REJECT_TCB, err, errlen, "QE report "
		    "ISVPRODID %u, QE Identity wants %u", r->isv_prod_id,
		    qi->isvprodid);
	for (i = 0; i < qi->n_levels; i++)
		if (qi->levels[i].isvsvn <= r->isv_svn)
			break;
	if (i == qi->n_levels)
		return verr(ATTEST_REJECT_TCB, err, errlen, "QE ISVSVN %u is "
		    "below every QE Identity level", r->isv_svn);
	ev->qe_status = qi->levels[i].status;
	return ATTEST_OK;
}

static enum attest_reject
verify_collateral(const struct tdx_quote *q, const struct tdx_collateral *c,
    const struct tdx_verify_opts *o, X509 *root, time_t at,
    struct tdx_evidence *ev, char *err, size_t errlen)
{
	enum attest_reject	 r;
	unsigned		 accept;

	if (c->qe_id != NULL) {
		if (!c->has_qe_id_sig)
			return verr(ATTEST_REJECT_COLLATERAL, err, errlen,
			    "QE Identity has no signature");
		if ((r = collateral_sig(c, root, c->qe_id_raw, c->qe_id_len,
		    c->qe_id_sig, "QE Identity", at, err, errlen)) != ATTEST_OK
		    || (r = window(c->qe_id->issue_date, c->qe_id->next_update,
		    at, "QE Identity", err, errlen)) != ATTEST_OK ||
		    (r = eval_qe_identity(q, c->qe_id, ev, err, errlen)) !=
		    ATTEST_OK)
			return r;
	}
	if (c->tcb_info == NULL) {
		if (o != NULL && o->require_collateral)
			return verr(ATTEST_REJECT_COLLATERAL, err, errlen,
			    "TCB Info is required but was not supplied");
		return ATTEST_OK;
	}
	if (!c->has_tcb_info_sig)
		return verr(ATTEST_REJECT_COLLATERAL, err, errlen, "TCB Info "
		    "has no signature");
	if ((r = collateral_sig(c, root, c->tcb_info_raw, c->tcb_info_len,
	    c->tcb_info_sig, "TCB Info", at, err, errlen)) != ATTEST_OK ||
	    (r = window(c->tcb_info->issue_date, c->tcb_info->next_update, at,
	    "TCB Info", err, errlen)) != ATTEST_OK ||
	    (r = eval_tcb_info(q, c->tcb_info, ev, err, errlen)) != ATTEST_OK)
		return r;
	ev->have_collateral = 1;
	ev->tcb_eval_number = c->tcb_info->eval_number;
	if (c->qe_id != NULL && c->qe_id->eval_number < ev->tcb_eval_number)
		ev->tcb_eval_number = c->qe_id->eval_number;
	ev->status = worse(ev->platform_status, worse(ev->module_status,
	    ev->qe_status));
	accept = o != NULL && o->accept_status != 0 ? o->accept_status :
	    TDX_TCB_ACCEPT_DEFAULT;
	if (!(accept & TDX_TCB_MASK(ev->status)))
		return verr(ATTEST_REJECT_TCB, err, errlen, "TCB status %s "
		    "(platform %s, TDX module %s, QE %s) is not accepted",
		    tdx_tcb_status_name(ev->status),
		    tdx_tcb_status_name(ev->platform_status),
		    tdx_tcb_status_name(ev->module_status),
		    tdx_tcb_status_name(ev->qe_status));
	return ATTEST_OK;
}

enum attest_reject
tdx_verify_evidence(const struct tdx_quote *q, const struct tdx_collateral *c,
    const struct tdx_verify_opts *o, time_t at, struct tdx_evidence *ev,
    char *err, size_t errlen)
{
	X509			*pin = NULL, *cert[3] = { NULL, NULL, NULL };
	EVP_PKEY		*pk;
	enum attest_reject	 r;
	uint8_t			 h[32];
	const char		*inter_cn = "Intel SGX PCK Platform CA";
	static const uint8_t	 zero[32];
	EVP_MD_CTX		*md = NULL;
	size_t			 i;

	memset(ev, 0, sizeof(*ev));
	if (q == NULL || q->raw == NULL)
		return verr(ATTEST_REJECT_MALFORMED, err, errlen, "no quote");

	/* 1. The quote signed by the attestation key: cheapest first, and
	 * nothing is trusted until every step has passed. */
	if (!tdx_ecdsa_verify_raw(q->att_key, q->raw, q->signed_len,
	    q->quote_sig)) {
		r = verr(ATTEST_REJECT_SIGNATURE, err, errlen, "quote signature "
		    "over bytes [0, %zu) does not verify with the attestation "
		    "key", q->signed_len);
		goto out;
	}

	/* 2. The PCK chain to the pinned root. */
	if ((pin = tdx_x509_from_pem(tdx_intel_root_ca_pem)) == NULL) {
		r = verr(ATTEST_REJECT_INTERNAL, err, errlen, "built-in Intel "
		    "root does not parse");
		goto out;
	}
	if ((r = tdx_pck_chain_split(q, cert, err, errlen)) != ATTEST_OK)
		goto out;
	if (!same_cert(cert[2], pin)) {
		r = verr(ATTEST_REJECT_CHAIN, err, errlen, "PCK chain root is "
		    "not the Intel SGX Root CA built into this verifier");
		goto out;
	}
	if (!has_cn(cert[1], inter_cn) &&
	    !has_cn(cert[1], inter_cn = "Intel SGX PCK Processor CA")) {
		r = verr(ATTEST_REJECT_CHAIN, err, errlen, "PCK chain "
		    "intermediate is not an Intel SGX PCK Platform/Processor "
		    "CA");
		goto out;
	}
	if (!has_cn(cert[0], "Intel SGX PCK Certificate")) {
		r = verr(ATTEST_REJECT_CHAIN, err, errlen, "PCK chain leaf is "
		    "not an Intel SGX PCK Certificate");
		goto out;
	}
	for (i = 0; i < 3; i++)
		if (!is_p256(cert[i])) {
			r = verr(ATTEST_REJECT_CHAIN, err, errlen, "PCK chain "
			    "certificate %zu has no P-256 key", i);
			goto out;
		}
	if ((r = chain_verify(pin, cert[1], cert[0], at, "PCK chain", err,
	    errlen)) != ATTEST_OK)
		goto out;

	/* 3. Revocation, when CRLs were given. */
	if (c != NULL && c->root_crl != NULL) {
		if ((r = tdx_crl_check(c->root_crl, pin, cert[1], at,
		    "root CA CRL", err, errlen)) != ATTEST_OK)
			goto out;
		ev->crl_checked |= 1;
	}
	if (c != NULL && c->pck_crl != NULL) {
		if ((r = tdx_crl_check(c->pck_crl, cert[1], cert[0], at,
		    "PCK CRL", err, errlen)) != ATTEST_OK)
			goto out;
		ev->crl_checked |= 2;
	}

	/* 4. QE report signed by the PCK key. */
	pk = X509_get0_pubkey(cert[0]);
	if (!tdx_ecdsa_verify_pkey(pk, q->qe_report_raw, TDX_QE_REPORT_LEN,
	    q->qe_report_sig)) {
		r = verr(ATTEST_REJECT_SIGNATURE, err, errlen, "QE report "
		    "signature (offset %zu) does not verify with the PCK key",
		    q->qe_report_off + TDX_QE_REPORT_LEN);
		goto out;
	}

	/* 5. The QE vouches for the attestation key. */
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, q->att_key, TDX_ATT_KEY_LEN) != 1 ||
	    EVP_DigestUpdate(md, q->qe_auth, q->qe_auth_len) != 1 ||
	    EVP_DigestFinal_ex(md, h, NULL) != 1) {
		r = verr(ATTEST_REJECT_INTERNAL, err, errlen, "SHA-256 failed");
		goto out;
	}
	if (CRYPTO_memcmp(h, q->qe_report.report_data, 32) != 0 ||
	    CRYPTO_memcmp(zero, q->qe_report.report_data + 32, 32) != 0) {
		r = verr(ATTEST_REJECT_BINDING, err, errlen, "QE report data "
		    "is not SHA-256(attestation key || QE auth data) || "
		    "32 zero bytes");
		goto out;
	}

	/* 6. PCK extension, then collateral. */
	if ((r = tdx_pck_ext_from_cert(cert[0], &ev->pck, err, errlen)) !=
	    ATTEST_OK)
		goto out;
	if (c != NULL)
		r = verify_collateral(q, c, o, pin, at, ev, err, errlen);
	else if (o != NULL && o->require_collateral)
		r = verr(ATTEST_REJECT_COLLATERAL, err, errlen, "collateral is "
		    "required but was not supplied");
out:
	EVP_MD_CTX_free(md);
	for (i = 0; i < 3; i++)
		X509_free(cert[i]);
	X509_free(pin);
	ERR_clear_error();
	return r;
}

static enum attest_reject
mr_check(const uint8_t *got, const uint8_t *want, size_t n,
    const char *field, enum attest_reject r, char *err, size_t errlen)
{
	char	 g[2 * 48 + 1], w[2 * 48 + 1];

	if (memcmp(got, want, n) == 0)
		return ATTEST_OK;
	hex_encode(got, n, g);
	hex_encode(want, n, w);
	return verr(r, err, errlen, "%s is %s, reference value wants %s",
	    field, g, w);
}

enum attest_reject
tdx_check_refval(const struct tdx_quote *q, const struct tdx_evidence *ev,
    const struct tdx_refval *rv, const uint8_t *expected_rd, char *err,
    size_t errlen)
{
	const struct tdx_body	*bd = &q->body;
	static const uint8_t	 zero[16];
	enum attest_reject	 r;
	char			 name[16];
	size_t			 i;
	int			 found;

	if (CRYPTO_memcmp(q->header.qe_vendor_id, intel_qe_vendor_id, 16) != 0)
		return verr(ATTEST_REJECT_POLICY, err, errlen, "QE vendor ID is "
		    "not Intel's");
	if ((r = mr_check(bd->mr_td, rv->mr_td, 48, "MRTD",
	    ATTEST_REJECT_MEASUREMENT, err, errlen)) != ATTEST_OK ||
	    (r = mr_check(bd->mr_seam, rv->mr_seam, 48, "MRSEAM",
	    ATTEST_REJECT_MEASUREMENT, err, errlen)) != ATTEST_OK)
		return r;
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "RTMR%zu", i);
		if ((r = mr_check(bd->rtmr[i], rv->rtmrs[i], 48, name,
		    ATTEST_REJECT_MEASUREMENT, err, errlen)) != ATTEST_OK)
			return r;
	}
	if ((r = mr_check(bd->td_attributes, rv->td_attributes, 8,
	    "TDATTRIBUTES", ATTEST_REJECT_POLICY, err, errlen)) != ATTEST_OK ||
	    (r = mr_check(bd->xfam, rv->xfam, 8, "XFAM", ATTEST_REJECT_POLICY,
	    err, errlen)) != ATTEST_OK)
		return r;
	if (memcmp(bd->mr_config_id + ATTEST_POLICY_HASH_LEN, zero, 16) != 0)
		return verr(ATTEST_REJECT_POLICY, err, errlen, "MRCONFIGID "
		    "bytes 32..47 are not zero: not a policy hash");
	if (rv->n_allowed_piids > 0) {
		if (!ev->pck.has_piid)
			return verr(ATTEST_REJECT_PLATFORM_ID, err, errlen,
			    "AllowedPIIDs is set but the PCK certificate has no "
			    "PIID");
		for (i = 0, found = 0; i < rv->n_allowed_piids; i++)
			found |= CRYPTO_memcmp(ev->pck.piid,
			    rv->allowed_piids[i], TDX_PIID_LEN) == 0;
		if (!found)
			return verr(ATTEST_REJECT_PLATFORM_ID, err, errlen,
			    "PCK PIID is not in AllowedPIIDs");
	}
	if (rv->memory_integrity && ev->pck.sgx_type != 2)
		return verr(ATTEST_REJECT_PLATFORM_ID, err, errlen, "PCK SGX "
		    "type is %d, MemoryIntegrity wants 2 (scalable with "
		    "integrity)", ev->pck.sgx_type);
	if (rv->smt_disabled && ev->pck.smt_enabled != 0)
		return verr(ATTEST_REJECT_PLATFORM_ID, err, errlen, "SMTDisabled"
		    " is set but the PCK %s", ev->pck.smt_enabled < 0 ?
		    "does not state SMT" : "reports SMT enabled");
	if (rv->static_platform && ev->pck.dynamic_platform != 0)
		return verr(ATTEST_REJECT_PLATFORM_ID, err, errlen,
		    "StaticPlatform is set but the PCK %s",
		    ev->pck.dynamic_platform < 0 ? "does not state it" :
		    "reports a dynamic platform");
	if (rv->min_tcb_evaluation_data_number > 0) {
		if (!ev->have_collateral)
			return verr(ATTEST_REJECT_TCB, err, errlen,
			    "MinTCBEvaluationDataNumber %u needs collateral, "
			    "none was verified",
			    rv->min_tcb_evaluation_data_number);
		if (ev->tcb_eval_number < rv->min_tcb_evaluation_data_number)
			return verr(ATTEST_REJECT_TCB, err, errlen, "collateral "
			    "tcbEvaluationDataNumber %u is below the minimum %u",
			    ev->tcb_eval_number,
			    rv->min_tcb_evaluation_data_number);
	}
	if (expected_rd != NULL && CRYPTO_memcmp(bd->report_data, expected_rd,
	    ATTEST_REPORT_DATA_LEN) != 0)
		return verr(ATTEST_REJECT_REPORT_DATA, err, errlen, "REPORTDATA "
		    "is not the expected value");
	return ATTEST_OK;
}

/* How far tdx_check_refval got: the reported reason is the furthest. */
static int
stage(enum attest_reject r)
{
	switch (r) {
	case ATTEST_REJECT_MEASUREMENT:
		return 1;
	case ATTEST_REJECT_POLICY:
		return 2;
	case ATTEST_REJECT_PLATFORM_ID:
		return 3;
	case ATTEST_REJECT_TCB:
		return 4;
	case ATTEST_REJECT_REPORT_DATA:
		return 5;
	default:
		return 0;
	}
}

enum attest_reject
tdx_verify(const uint8_t *buf, size_t len, const struct tdx_collateral *c,
    const struct refvals *rvs, const uint8_t *expected_rd, time_t at,
    struct attest_verdict *v, char *err, size_t errlen)
{
	struct tdx_quote	 q;
	struct tdx_evidence	 ev;
	enum attest_reject	 r, first = ATTEST_OK;
	char			 e2[ATTEST_ERR_LEN];
	size_t			 i, used = 0;

	memset(v, 0, sizeof(*v));
	if ((r = tdx_quote_parse(buf, len, &q, err, errlen)) != ATTEST_OK ||
	    (r = tdx_verify_evidence(&q, c, NULL, at, &ev, err, errlen)) !=
	    ATTEST_OK) {
		v->reason = r;
		return r;
	}
	if (rvs == NULL || rvs->n_tdx == 0) {
		v->reason = verr(ATTEST_REJECT_NO_REFVAL, err, errlen, "the "
		    "manifest has no TDX reference values");
		return v->reason;
	}
	if (errlen > 0)
		err[0] = '\0';
	for (i = 0; i < rvs->n_tdx; i++) {
		r = tdx_check_refval(&q, &ev, &rvs->tdx[i], expected_rd, e2,
		    sizeof(e2));
		if (r == ATTEST_OK) {
			v->platform = ATTEST_PLATFORM_TDX;
			memcpy(v->policy_hash, q.body.mr_config_id,
			    ATTEST_POLICY_HASH_LEN);
			v->refval_index = i;
			v->reason = ATTEST_OK;
			if (errlen > 0)
				err[0] = '\0';
			return ATTEST_OK;
		}
		if (i == 0 || stage(r) > stage(first))
			first = r;
		if (used < errlen) {
			int n = snprintf(err + used, errlen - used, "%s"
			    "ReferenceValues.tdx[%zu]: %s", i ? "; " : "", i,
			    e2);
			if (n > 0)
				used += (size_t)n;
		}
	}
	v->reason = first;
	return first;
}
