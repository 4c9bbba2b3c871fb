/*
 * Every single-bit flip of every SNP report vector must be rejected:
 * all 672*8 bits of the signed region [0, 0x2A0) and all 512*8 bits of
 * the signature area.  The chain is cached after the first verification,
 * so each flip costs about one ECDSA P-384 verify.  Also the vectors
 * README's byte edits (trustee 42 / 384, virtee 21, microsoft-tav 100).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "snp.h"
#include "tests/tap.h"
#include "tests/unit/snp_testvec.h"

int
main(void)
{
	struct snp_ctx		*ctx;
	struct snp_loaded	 l;
	struct snp_report	 r;
	struct snp_signer_info	 info;
	struct snp_anchor	 a;
	const char		*shared;
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;
	size_t			 i, bit, accepted, sigfail, other;

	if ((shared = tap_shared_dir()) == NULL)
		tap_skip_all("../shared (SHARED_DIR) absent: SNP vectors "
		    "not available");
	if ((ctx = snp_ctx_new(err, sizeof(err))) == NULL) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	for (i = 0; i < N_SNP_VECS; i++) {
		const struct snp_vec *v = &snp_vecs[i];

		snp_t_load(shared, v, &l);
		a = snp_t_amd(v->product);
		rc = snp_verify_evidence(ctx, &l.ev, &a, v->at, &r, &info, err,
		    sizeof(err));
		is_int(rc, SNP_OK, "%s: unmodified report verifies", v->report);
		accepted = sigfail = other = 0;
		for (bit = 0; bit < SNP_SIGNED_LEN * 8; bit++) {
			l.report[bit / 8] ^= 1u << (bit % 8);
			rc = snp_verify_evidence(ctx, &l.ev, &a, v->at, &r,
			    &info, err, sizeof(err));
			l.report[bit / 8] ^= 1u << (bit % 8);
			if (rc == SNP_OK)
				accepted++;
			else if (rc == SNP_ERR_SIGNATURE)
				sigfail++;
			else
				other++;
		}
		is_int(accepted, 0, "%s: all %d flips in [0, 0x2A0) rejected "
		    "(%zu by the signature, %zu earlier)", v->report,
		    SNP_SIGNED_LEN * 8, sigfail, other);
		ok(sigfail > SNP_SIGNED_LEN * 8 / 2,
		    "%s: most flips reach the signature check", v->report);
		accepted = 0;
		for (bit = SNP_SIGNED_LEN * 8; bit < SNP_REPORT_LEN * 8;
		    bit++) {
			l.report[bit / 8] ^= 1u << (bit % 8);
			rc = snp_verify_evidence(ctx, &l.ev, &a, v->at, &r,
			    &info, err, sizeof(err));
			l.report[bit / 8] ^= 1u << (bit % 8);
			if (rc == SNP_OK)
				accepted++;
		}
		is_int(accepted, 0, "%s: all %d flips in the signature area "
		    "rejected", v->report, (SNP_REPORT_LEN - SNP_SIGNED_LEN) * 8);
		rc = snp_verify_evidence(ctx, &l.ev, &a, v->at, &r, &info, err,
		    sizeof(err));
		ok(rc == SNP_OK && info.cache_hit,
		    "%s: restored report verifies from the cache", v->report);
		snp_t_unload(&l);
	}

	/* The README's byte edits, with their expected reasons. */
	snp_t_load(shared, &snp_vecs[2], &l);
	a = snp_t_amd(SNP_PRODUCT_MILAN);
	l.report[42]++;
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, NULL, err,
	    sizeof(err));
	is_int(rc, SNP_ERR_SIGNATURE, "trustee bytes[42]+=1: %s", err);
	l.report[42]--;
	l.report[384]++;
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, NULL, err,
	    sizeof(err));
	is_int(rc, SNP_ERR_SIGNATURE, "trustee bytes[384]+=1: %s", err);
	snp_t_unload(&l);
	snp_t_load(shared, &snp_vecs[1], &l);
	l.report[21] ^= 0x80;
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, NULL, err,
	    sizeof(err));
	is_int(rc, SNP_ERR_SIGNATURE, "virtee report[21]^=0x80: %s", err);
	snp_t_unload(&l);
	snp_t_load(shared, &snp_vecs[7], &l);
	l.report[100] ^= 0xff;
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, NULL, err,
	    sizeof(err));
	is_int(rc, SNP_ERR_SIGNATURE, "microsoft-tav report[100]^=0xff: %s",
	    err);
	snp_t_unload(&l);
	snp_ctx_free(ctx);
	return tap_done();
}
