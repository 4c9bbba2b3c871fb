/*
 * SEV-SNP evidence verification: report signature (ECDSA P-384 over
 * SHA-384 of bytes [0, 0x2A0), r and s little-endian), the endorsement
 * chain (snp_chain.c), the VCEK-to-report bindings, and the loop over the
 * manifest's reference-value entries.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "snp.h"
#include "snp_int.h"

const char *
snp_reason_name(enum snp_reason r)
{
	static const char *const names[SNP_REASON_MAX] = {
		[SNP_OK] = "ok",
		[SNP_ERR_INTERNAL] = "internal_error",
		[SNP_ERR_REPORT_FORMAT] = "report_format",
		[SNP_ERR_SIGNER] = "signer",
		[SNP_ERR_CERT_FORMAT] = "cert_format",
		[SNP_ERR_PRODUCT] = "product_mismatch",
		[SNP_ERR_ROOT] = "untrusted_root",
		[SNP_ERR_CHAIN] = "chain_invalid",
		[SNP_ERR_CERT_TIME] = "cert_time",
		[SNP_ERR_CRL] = "crl_invalid",
		[SNP_ERR_REVOKED] = "revoked",
		[SNP_ERR_SIGNATURE] = "signature_invalid",
		[SNP_ERR_TCB_BINDING] = "tcb_binding",
		[SNP_ERR_CHIP_BINDING] = "chip_binding",
		[SNP_ERR_NO_REFVAL] = "no_reference_values",
		[SNP_ERR_VMPL] = "vmpl",
		[SNP_ERR_POLICY] = "guest_policy",
		[SNP_ERR_PLATFORM_INFO] = "platform_info",
		[SNP_ERR_TCB] = "tcb",
		[SNP_ERR_MITIGATION] = "mitigation_vector",
		[SNP_ERR_CHIP_ID] = "chip_id",
		[SNP_ERR_MEASUREMENT] = "measurement_mismatch",
		[SNP_ERR_REPORT_DATA] = "report_data_mismatch",
	};

	if ((unsigned int)r >= SNP_REASON_MAX || names[r] == NULL)
		return "unknown";
	return names[r];
}

/* ECDSA verify of the report with the cached, verify-initialised key. */
static enum snp_reason
report_signature(struct snp_ctx *ctx, const struct snp_report *r,
    EVP_PKEY_CTX *vctx, char *err, size_t errlen)
{
	uint8_t		 dgst[EVP_MAX_MD_SIZE], der[2 * 56 + 8], *p;
	unsigned int	 dlen;
	ECDSA_SIG	*sig;
	BIGNUM		*br, *bs;
	int		 derlen, rc;

	if (EVP_Digest(r->raw, SNP_SIGNED_LEN, dgst, &dlen, ctx->sha384,
	    NULL) != 1) {
		snprintf(err, errlen, "SHA-384 failed");
		return SNP_ERR_INTERNAL;
	}
	br = BN_lebin2bn(r->sig_r, SNP_SIG_COMPONENT_LEN, NULL);
	bs = BN_lebin2bn(r->sig_s, SNP_SIG_COMPONENT_LEN, NULL);
	if (br == NULL || bs == NULL || (sig = ECDSA_SIG_new()) == NULL) {
		BN_free(br);
		BN_free(bs);
		snprintf(err, errlen, "out of memory");
		return SNP_ERR_INTERNAL;
	}
	ECDSA_SIG_set0(sig, br, bs);
	/* 48-byte r and s: the DER form always fits in der[]. */
	derlen = i2d_ECDSA_SIG(sig, NULL);
	if (derlen <= 0 || (size_t)derlen > sizeof(der)) {
		ECDSA_SIG_free(sig);
		snprintf(err, errlen, "signature encoding failed");
		return SNP_ERR_INTERNAL;
	}
	p = der;
	i2d_ECDSA_SIG(sig, &p);
	ECDSA_SIG_free(sig);
	rc = EVP_PKEY_verify(vctx, der, (size_t)derlen, dgst, dlen);
	ERR_clear_error();
	if (rc != 1) {
		snprintf(err, errlen, "signature invalid");
		return SNP_ERR_SIGNATURE;
	}
	return SNP_OK;
}

/* VCEK/VLEK extensions against the report (attestation.md 1.6). */
static enum snp_reason
check_bindings(const struct snp_report *r, const struct snp_chain *c,
    char *err, size_t errlen)
{
	struct snp_tcb	 rep;
	const struct snp_tcb *crt = &c->ext.tcb;
	static const uint8_t zero[SNP_CHIP_ID_LEN];

	snp_tcb_decode(r->reported_tcb, c->product, &rep);
#define SPL(f, name)							\
	if (crt->f != rep.f) {						\
		snprintf(err, errlen, "VCEK %s %u != REPORTED_TCB.%s %u",\
		    name, crt->f, #f, rep.f);				\
		return SNP_ERR_TCB_BINDING;				\
	}
	SPL(bootloader, "blSPL");
	SPL(tee, "teeSPL");
	SPL(snp, "snpSPL");
	SPL(microcode, "ucodeSPL");
	if (c->product == SNP_PRODUCT_TURIN) {
		SPL(fmc, "fmcSPL");
	}
#undef SPL
	if (c->signer != SNP_SIGNER_VCEK)
		return SNP_OK;
	/* An all-zero CHIP_ID is a masked one (MASK_CHIP_ID). */
	if (memcmp(r->chip_id, zero, sizeof(zero)) == 0)
		return SNP_OK;
	if (CRYPTO_memcmp(r->chip_id, c->ext.hwid, c->ext.hwid_len) != 0 ||
	    memcmp(r->chip_id + c->ext.hwid_len, zero,
	    SNP_CHIP_ID_LEN - c->ext.hwid_len) != 0) {
		snprintf(err, errlen, "VCEK hwID != report CHIP_ID");
		return SNP_ERR_CHIP_BINDING;
	}
	return SNP_OK;
}

static void
fill_info(struct snp_signer_info *info, const struct snp_chain *c, int hit)
{
	info->product = c->product;
	info->signer = c->signer;
	info->cert_tcb = c->ext.tcb;
	snprintf(info->product_name, sizeof(info->product_name), "%s",
	    c->ext.product_name);
	info->crl_checked = c->crl != NULL;
	info->cache_hit = hit;
}

enum snp_reason
snp_verify_evidence(struct snp_ctx *ctx, const struct snp_evidence *ev,
    const struct snp_anchor *a, time_t at, struct snp_report *r,
    struct snp_signer_info *info, char *err, size_t errlen)
{
	struct snp_chain	*c;
	enum snp_reason		 reason;
	enum snp_signer		 signer;
	int			 hit;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if ((reason = snp_report_parse(ev->report, ev->report_len, r, err,
	    errlen)) != SNP_OK)
		return reason;
	if (r->signing_key != SNP_SIGNER_VCEK &&
	    r->signing_key != SNP_SIGNER_VLEK) {
		snprintf(err, errlen, "report SIGNING_KEY %u: %s",
		    r->signing_key, r->signing_key == SNP_SIGNER_NONE ?
		    "report is unsigned" : "reserved value");
		return SNP_ERR_SIGNER;
	}
	signer = (enum snp_signer)r->signing_key;
	if (signer == SNP_SIGNER_VCEK && r->mask_chip_key) {
		snprintf(err, errlen, "report has MASK_CHIP_KEY set but claims "
		    "a VCEK signature");
		return SNP_ERR_SIGNER;
	}
	if (r->version >= 3 && r->product == SNP_PRODUCT_UNKNOWN) {
		snprintf(err, errlen, "report CPUID %02x/%02x is not a "
		    "supported product line", r->cpuid_fam_id,
		    r->cpuid_mod_id);
		return SNP_ERR_PRODUCT;
	}
	if ((reason = snp_chain_get(ctx, ev, a, signer, r->product, at, &c,
	    &hit, err, errlen)) != SNP_OK)
		return reason;
	if ((reason = report_signature(ctx, r, c->vctx, err, errlen)) !=
	    SNP_OK)
		return reason;
	if ((reason = check_bindings(r, c, err, errlen)) != SNP_OK)
		return reason;
	if (info != NULL)
		fill_info(info, c, hit);
	return SNP_OK;
}

enum snp_reason
snp_verify_cert_chain(struct snp_ctx *ctx, const struct snp_evidence *ev,
    const struct snp_anchor *a, enum snp_signer signer, time_t at,
    struct snp_signer_info *info, char *err, size_t errlen)
{
	struct snp_chain	*c;
	enum snp_reason		 reason;
	int			 hit;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (signer != SNP_SIGNER_VCEK && signer != SNP_SIGNER_VLEK) {
		snprintf(err, errlen, "signer must be VCEK or VLEK");
		return SNP_ERR_SIGNER;
	}
	if ((reason = snp_chain_get(ctx, ev, a, signer, SNP_PRODUCT_UNKNOWN,
	    at, &c, &hit, err, errlen)) != SNP_OK)
		return reason;
	if (info != NULL)
		fill_info(info, c, hit);
	return SNP_OK;
}

/* One verification per distinct anchor within a snp_verify() call. */
struct anchor_result {
	struct snp_anchor	 anchor;
	enum snp_reason		 reason;
	struct snp_signer_info	 info;
	char			 err[ATTEST_ERR_LEN];
};

static int
anchor_eq(const struct snp_anchor *a, const struct snp_anchor *b)
{
	return a->kind == b->kind && a->product == b->product &&
	    memcmp(a->ark_sha256, b->ark_sha256, sizeof(a->ark_sha256)) == 0;
}

static void
append(char *err, size_t errlen, size_t idx, const char *name,
    const char *msg)
{
	size_t	 used = strlen(err);

	if (used + 1 >= errlen)
		return;
	snprintf(err + used, errlen - used, "%sentry %zu (%s): %s",
	    used ? "; " : "", idx, name[0] ? name : "unnamed", msg);
}

enum snp_reason
snp_verify(struct snp_ctx *ctx, const struct snp_evidence *ev,
    const struct refvals *rv, const uint8_t *expected_report_data,
    time_t at, struct attest_verdict *verdict, struct snp_report *report_out,
    char *err, size_t errlen)
{
	struct anchor_result	*res = NULL;
	struct snp_report	*r, local;
	const struct snp_refval	*e;
	struct snp_anchor	 a;
	enum snp_reason		 reason, best = SNP_OK;
	char			 msg[ATTEST_ERR_LEN];
	size_t			 i, j, nres = 0;

	memset(verdict, 0, sizeof(*verdict));
	if (errlen > 0)
		err[0] = '\0';
	r = report_out != NULL ? report_out : &local;
	if (rv == NULL || rv->n_snp == 0) {
		snprintf(err, errlen, "no SNP reference values");
		(void)snp_report_parse(ev->report, ev->report_len, r, msg,
		    sizeof(msg));
		return SNP_ERR_NO_REFVAL;
	}
	if ((res = calloc(rv->n_snp, sizeof(*res))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SNP_ERR_INTERNAL;
	}
	for (i = 0; i < rv->n_snp; i++) {
		e = &rv->snp[i];
		memset(&a, 0, sizeof(a));
		if (e->platform == ATTEST_PLATFORM_SNP) {
			a.kind = SNP_ANCHOR_AMD;
			a.product = e->product;
		} else if (e->platform == ATTEST_PLATFORM_SIM_SNP) {
			a.kind = SNP_ANCHOR_PINNED;
			memcpy(a.ark_sha256, e->sim_ark_sha256,
			    sizeof(a.ark_sha256));
		}
		if (a.kind == 0 || (a.kind == SNP_ANCHOR_AMD &&
		    snp_amd_root_pem(a.product, SNP_ROOT_ARK) == NULL)) {
			reason = SNP_ERR_NO_REFVAL;
			snprintf(msg, sizeof(msg), "entry has no SNP platform "
			    "or no known product line");
		} else {
			for (j = 0; j < nres; j++)
				if (anchor_eq(&res[j].anchor, &a))
					break;
			if (j == nres) {
				res[j].anchor = a;
				res[j].reason = snp_verify_evidence(ctx, ev,
				    &a, at, r, &res[j].info, res[j].err,
				    sizeof(res[j].err));
				nres++;
			}
			/* r holds the parse of the same bytes either way. */
			reason = res[j].reason;
			snprintf(msg, sizeof(msg), "%s", res[j].err);
			if (reason == SNP_OK)
				reason = snp_check_refval(r,
				    res[j].info.product, e,
				    expected_report_data, msg, sizeof(msg));
		}
		if (reason == SNP_OK) {
			verdict->platform = e->platform;
			memcpy(verdict->policy_hash, r->host_data,
			    sizeof(verdict->policy_hash));
			verdict->refval_index = i;
			snprintf(err, errlen, "entry %zu (%s) matched", i,
			    e->platform_name[0] ? e->platform_name :
			    "unnamed");
			free(res);
			return SNP_OK;
		}
		/* An entry that does not apply says the least. */
		if (best == SNP_OK || best == SNP_ERR_NO_REFVAL ||
		    (reason > best && reason != SNP_ERR_NO_REFVAL))
			best = reason;
		append(err, errlen, i, e->platform_name, msg);
	}
	free(res);
	return best;
}
