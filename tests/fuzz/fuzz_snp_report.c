/*
 * libFuzzer: SEV-SNP report parsing, field printing (text and JSON),
 * full verification against a fixed real chain (the microsoft-tav Milan
 * VCEK from $SHARED_DIR, with the built-in roots) and the reference-value
 * checks.  Without $SHARED_DIR only parse, print and refval run.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snp.h"
#include "util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct snp_ctx	*ctx;
static uint8_t		*vcek;
static size_t		 vcek_len;
static FILE		*devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*shared = getenv("SHARED_DIR");
	char		 path[4096], err[ATTEST_ERR_LEN];

	if ((ctx = snp_ctx_new(err, sizeof(err))) == NULL ||
	    (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (shared != NULL) {
		snprintf(path, sizeof(path),
		    "%s/vectors/snp/microsoft-tav/milan_vcek.pem", shared);
		if (file_read(path, 1 << 16, &vcek, &vcek_len, err,
		    sizeof(err)) == -1)
			vcek = NULL;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct snp_report	 r;
	struct snp_refval	 e;
	struct snp_evidence	 ev;
	struct snp_anchor	 a;
	struct snp_signer_info	 info;
	char			 err[ATTEST_ERR_LEN];

	if (snp_report_parse(data, len, &r, err, sizeof(err)) != SNP_OK)
		return 0;
	snp_report_print(devnull, &r, r.product, 0);
	snp_report_print(devnull, &r, SNP_PRODUCT_TURIN, 1);
	memset(&e, 0, sizeof(e));
	e.platform = ATTEST_PLATFORM_SNP;
	e.product = r.product == SNP_PRODUCT_UNKNOWN ? SNP_PRODUCT_MILAN :
	    r.product;
	memcpy(e.measurement, r.measurement, sizeof(e.measurement));
	e.guest_policy.smt = 1;
	e.platform_info.smt_enabled = 1;
	e.min_tcb.snp = 8;
	e.min_mitigation_vector = r.launch_mit_vector & 3;
	(void)snp_check_refval(&r, e.product, &e, r.report_data, err,
	    sizeof(err));
	if (vcek == NULL)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.report = data;
	ev.report_len = len;
	ev.vcek = vcek;
	ev.vcek_len = vcek_len;
	memset(&a, 0, sizeof(a));
	a.kind = SNP_ANCHOR_AMD;
	a.product = SNP_PRODUCT_MILAN;
	(void)snp_verify_evidence(ctx, &ev, &a, 1795305600, &r, &info, err,
	    sizeof(err));
	return 0;
}
