/*
 * SEV-SNP verification throughput with the chain cached: repeated
 * snp_verify_evidence() and snp_verify() (with one reference-value entry)
 * on a real Milan report for a fixed CPU time.  Prints
 * "<name> <count> <seconds>" lines for tests/bench/bench_snp.sh.
 * Usage: bench_snp [seconds]; needs $SHARED_DIR.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snp.h"
#include "util.h"

#define T_2026	1795305600

/*
 * Process CPU time, as `openssl speed' measures by default: on a shared
 * machine wall time would count other processes' work against us.
 */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t *
load(const char *shared, const char *rel, size_t *len)
{
	char	 path[4096], err[256];
	uint8_t	*buf;

	snprintf(path, sizeof(path), "%s/vectors/%s", shared, rel);
	if (file_read(path, 1 << 20, &buf, len, err, sizeof(err)) == -1) {
		fprintf(stderr, "bench_snp: %s\n", err);
		exit(1);
	}
	return buf;
}

int
main(int argc, char *argv[])
{
	const char		*shared = getenv("SHARED_DIR");
	struct snp_ctx		*ctx;
	struct snp_evidence	 ev;
	struct snp_anchor	 a;
	struct snp_report	 r;
	struct snp_signer_info	 info;
	struct snp_refval	 e;
	struct refvals		 rv;
	struct attest_verdict	 verdict;
	char			 err[ATTEST_ERR_LEN];
	double			 secs = argc > 1 ? atof(argv[1]) : 3, t0, t;
	uint8_t			*rep, *vcek;
	size_t			 rl, vl;
	unsigned long		 n;

	if (shared == NULL) {
		fprintf(stderr, "bench_snp: SHARED_DIR not set\n");
		return 1;
	}
	if ((ctx = snp_ctx_new(err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench_snp: %s\n", err);
		return 1;
	}
	rep = load(shared, "snp/microsoft-tav/milan_attestation_report.bin",
	    &rl);
	vcek = load(shared, "snp/microsoft-tav/milan_vcek.pem", &vl);
	memset(&ev, 0, sizeof(ev));
	ev.report = rep;
	ev.report_len = rl;
	ev.vcek = vcek;
	ev.vcek_len = vl;
	memset(&a, 0, sizeof(a));
	a.kind = SNP_ANCHOR_AMD;
	a.product = SNP_PRODUCT_MILAN;
	t0 = now();
	if (snp_verify_evidence(ctx, &ev, &a, T_2026, &r, &info, err,
	    sizeof(err)) != SNP_OK) {
		fprintf(stderr, "bench_snp: %s\n", err);
		return 1;
	}
	printf("cold 1 %.6f\n", now() - t0);

	t0 = now();
	for (n = 0; (t = now() - t0) < secs; n++)
		if (snp_verify_evidence(ctx, &ev, &a, T_2026, &r, &info, err,
		    sizeof(err)) != SNP_OK || !info.cache_hit) {
			fprintf(stderr, "bench_snp: %s\n", err);
			return 1;
		}
	printf("evidence %lu %.6f\n", n, t);

	memset(&e, 0, sizeof(e));
	e.platform = ATTEST_PLATFORM_SNP;
	e.product = SNP_PRODUCT_MILAN;
	memcpy(e.measurement, r.measurement, sizeof(e.measurement));
	e.guest_policy.smt = 1;
	e.platform_info.smt_enabled = 1;
	memset(&rv, 0, sizeof(rv));
	rv.snp = &e;
	rv.n_snp = 1;
	t0 = now();
	for (n = 0; (t = now() - t0) < secs; n++)
		if (snp_verify(ctx, &ev, &rv, r.report_data, T_2026, &verdict,
		    NULL, err, sizeof(err)) != SNP_OK) {
			fprintf(stderr, "bench_snp: %s\n", err);
			return 1;
		}
	printf("verify %lu %.6f\n", n, t);
	free(rep);
	free(vcek);
	snp_ctx_free(ctx);
	return 0;
}
