/*
 * Evidence dispatcher.  The platform byte inside the evidence is chosen
 * by whoever sent it, so it only selects the parser; what is accepted is
 * decided by the reference-value entries (a real SNP entry never accepts
 * a simulated chain, and the reverse).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "snp.h"
#include "tdx.h"
#include "verify.h"

int
verify_evidence(struct snp_ctx *snp, const uint8_t *wire, size_t len,
    const struct refvals *rv, const uint8_t *expected_rd, time_t at,
    struct attest_verdict *verdict, const char **reason, char *err,
    size_t errlen)
{
	struct evidence		 ev;
	struct snp_evidence	 se;
	struct snp_ctx		*own = NULL;
	uint8_t			*chain = NULL;
	size_t			 chainlen = 0;
	int			 rc = -1;

	memset(verdict, 0, sizeof(*verdict));
	*reason = "malformed";
	if (evidence_decode(wire, len, &ev, err, errlen) == -1)
		return -1;
	switch (ev.platform) {
	case ATTEST_PLATFORM_SNP:
	case ATTEST_PLATFORM_SIM_SNP: {
		enum snp_reason	 r;

		if (evidence_snp_chain(&ev, &chain, &chainlen, err,
		    errlen) == -1)
			break;
		if (snp == NULL && (snp = own = snp_ctx_new(err,
		    errlen)) == NULL) {
			*reason = "internal";
			break;
		}
		memset(&se, 0, sizeof(se));
		se.report = ev.report;
		se.report_len = ev.report_len;
		se.vcek = ev.vcek != NULL ? ev.vcek : ev.vlek;
		se.vcek_len = ev.vcek != NULL ? ev.vcek_len : ev.vlek_len;
		se.chain = chain;
		se.chain_len = chainlen;
		r = snp_verify(snp, &se, rv, expected_rd, at, verdict, NULL,
		    err, errlen);
		if (r == SNP_OK)
			rc = 0;
		else
			*reason = snp_reason_name(r);
		break;
	}
	case ATTEST_PLATFORM_TDX: {
		enum attest_reject	 r;

		r = tdx_verify(ev.report, ev.report_len, NULL, rv, expected_rd,
		    at, verdict, err, errlen);
		if (r == ATTEST_OK)
			rc = 0;
		else
			*reason = attest_reject_name(r);
		break;
	}
	default:
		snprintf(err, errlen, "evidence: unknown platform %d",
		    (int)ev.platform);
		break;
	}
	if (rc == 0)
		*reason = "ok";
	snp_ctx_free(own);
	free(chain);
	evidence_free(&ev);
	return rc;
}
