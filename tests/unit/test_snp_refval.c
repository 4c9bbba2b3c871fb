/*
 * Reference-value checks (snp_check_refval, snp_verify) on real reports:
 * each rule once accepting and once rejecting, with the reason code and
 * message; the loop over several entries and the verdict.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "snp.h"
#include "tests/tap.h"
#include "tests/unit/snp_testvec.h"

static struct snp_ctx	*ctx;
static const char	*shared;

/* An entry that accepts vector v exactly. */
static void
refval_for(const struct snp_vec *v, struct snp_refval *e)
{
	memset(e, 0, sizeof(*e));
	e->platform = ATTEST_PLATFORM_SNP;
	snprintf(e->platform_name, sizeof(e->platform_name), "Metal-QEMU-SNP");
	e->product = v->product;
	hex_decode(v->measurement, 96, e->measurement, 48);
	e->guest_policy.smt = 1;
	e->guest_policy.debug = (v->policy >> 19) & 1;
	e->platform_info.smt_enabled = 1;
}

/* Verify v (loaded in l) against e, return the reason and message. */
static enum snp_reason
judge(const struct snp_vec *v, struct snp_loaded *l,
    const struct snp_refval *e, const uint8_t *rd, char *err, size_t len)
{
	struct snp_report	 r;
	struct snp_signer_info	 info;
	struct snp_anchor	 a = snp_t_amd(v->product);
	enum snp_reason		 rc;

	rc = snp_verify_evidence(ctx, &l->ev, &a, v->at, &r, &info, err, len);
	if (rc != SNP_OK)
		return rc;
	return snp_check_refval(&r, info.product, e, rd, err, len);
}

#define EXPECT(vi, setup, want, msg) do {				\
	struct snp_refval e;						\
	refval_for(&snp_vecs[vi], &e);					\
	setup;								\
	rc = judge(&snp_vecs[vi], &l[vi], &e, NULL, err, sizeof(err));	\
	ok(rc == (want) && (msg == NULL ||				\
	    strcmp(err, msg ? msg : "") == 0), "%s: %s -> %s (%s)",	\
	    snp_vecs[vi].report, #setup, snp_reason_name(want),	\
	    rc ? err : "accepted");					\
} while (0)

#define V_GOSEV		0	/* Milan v2, debug policy, pi 0x1 */
#define V_TRUSTEE	2	/* Milan v2, current != reported */
#define V_VLEK		3	/* Milan v3 VLEK, vmpl 1 */
#define V_TAV_MILAN	7	/* Milan v3 */
#define V_TAV_TURIN	9	/* Turin v5, pi 0x65, mit 0x3f */

static struct snp_loaded	 l[N_SNP_VECS];

static void
test_rules(void)
{
	const char	*nomsg = NULL;
	char		 err[ATTEST_ERR_LEN];
	enum snp_reason	 rc;
	uint8_t		 rd[64];

	/* Baselines. */
	EXPECT(V_TAV_MILAN, (void)0, SNP_OK, nomsg);
	EXPECT(V_TAV_TURIN, (void)0, SNP_OK, nomsg);
	EXPECT(V_GOSEV, (void)0, SNP_OK, nomsg);

	/* MEASUREMENT. */
	EXPECT(V_TAV_MILAN, e.measurement[47] ^= 1, SNP_ERR_MEASUREMENT,
	    "MEASUREMENT mismatch");

	/* Guest policy: Debug set in the report. */
	EXPECT(V_GOSEV, e.guest_policy.debug = 0, SNP_ERR_POLICY,
	    "POLICY 0xb0000 has Debug set, not allowed by the reference "
	    "values");
	EXPECT(V_TAV_MILAN, e.guest_policy.smt = 0, SNP_ERR_POLICY, nomsg);
	EXPECT(V_TAV_MILAN, e.guest_policy.migrate_ma = 1, SNP_OK, nomsg);
	EXPECT(V_TAV_MILAN, e.guest_policy.single_socket = 1, SNP_ERR_POLICY,
	    "POLICY 0x3001f lacks SingleSocket, required by the reference "
	    "values");
	EXPECT(V_TAV_MILAN, e.guest_policy.abi_minor = 31, SNP_OK, nomsg);
	EXPECT(V_TAV_MILAN, e.guest_policy.abi_minor = 32, SNP_ERR_POLICY,
	    "POLICY ABI 0.31 < minimum 0.32");
	EXPECT(V_TAV_MILAN, e.guest_policy.abi_major = 1, SNP_ERR_POLICY,
	    nomsg);

	/* PLATFORM_INFO: SMT enabled but not allowed; required features. */
	EXPECT(V_TAV_MILAN, e.platform_info.smt_enabled = 0,
	    SNP_ERR_PLATFORM_INFO, "PLATFORM_INFO 0x25: SMTEnabled but not "
	    "allowed by the reference values");
	EXPECT(V_TAV_TURIN, (e.platform_info.ecc_enabled = 1,
	    e.platform_info.alias_check_complete = 1), SNP_OK, nomsg);
	EXPECT(V_TAV_TURIN, e.platform_info.tio_enabled = 1,
	    SNP_ERR_PLATFORM_INFO, "PLATFORM_INFO 0x65: TIOEnabled required "
	    "but absent");
	EXPECT(V_GOSEV, e.platform_info.ecc_enabled = 1, SNP_ERR_PLATFORM_INFO,
	    "PLATFORM_INFO 0x1: ECCEnabled required but absent");

	/* Minimum TCB, per component and per TCB. */
	EXPECT(V_TAV_MILAN, (e.min_tcb.bootloader = 4, e.min_tcb.snp = 24,
	    e.min_tcb.microcode = 219), SNP_OK, nomsg);
	EXPECT(V_TAV_MILAN, e.min_tcb.microcode = 220, SNP_ERR_TCB,
	    "CURRENT_TCB.microcode 219 < minimum 220");
	EXPECT(V_TAV_MILAN, e.min_tcb.snp = 25, SNP_ERR_TCB,
	    "CURRENT_TCB.snp 24 < minimum 25");
	EXPECT(V_TAV_MILAN, e.min_tcb.tee = 1, SNP_ERR_TCB,
	    "CURRENT_TCB.tee 0 < minimum 1");
	/* trustee: CURRENT ucode 206, REPORTED 115. */
	EXPECT(V_TRUSTEE, e.min_tcb.microcode = 200, SNP_ERR_TCB, nomsg);
	EXPECT(V_TRUSTEE, e.min_tcb.microcode = 115, SNP_OK, nomsg);
	/* Turin layout: fmc is a component (fmc=1 bl=1 tee=1 snp=4 uc=81). */
	EXPECT(V_TAV_TURIN, (e.min_tcb.fmc = 1, e.min_tcb.bootloader = 1,
	    e.min_tcb.tee = 1, e.min_tcb.snp = 4, e.min_tcb.microcode = 81),
	    SNP_OK, nomsg);
	EXPECT(V_TAV_TURIN, e.min_tcb.fmc = 2, SNP_ERR_TCB,
	    "CURRENT_TCB.fmc 1 < minimum 2");
	EXPECT(V_TAV_TURIN, e.min_tcb.snp = 5, SNP_ERR_TCB,
	    "CURRENT_TCB.snp 4 < minimum 5");

	/* Mitigation vectors (v5 only). */
	EXPECT(V_TAV_TURIN, e.min_mitigation_vector = 0x3f, SNP_OK, nomsg);
	EXPECT(V_TAV_TURIN, e.min_mitigation_vector = 0x40, SNP_ERR_MITIGATION,
	    nomsg);
	EXPECT(V_TAV_MILAN, e.min_mitigation_vector = 0x1, SNP_ERR_MITIGATION,
	    "report version 3 has no mitigation vectors, minimum is 0x1");

	/* Allowed chip ids. */
	{
		uint8_t	 ids[2][SNP_CHIP_ID_LEN];

		memset(ids, 0xaa, sizeof(ids));
		EXPECT(V_TAV_MILAN, (e.allowed_chip_ids = ids,
		    e.n_allowed_chip_ids = 1), SNP_ERR_CHIP_ID,
		    "CHIP_ID not in AllowedChipIDs");
		hex_decode(snp_vecs[V_TAV_MILAN].chip_id, 128, ids[1], 64);
		EXPECT(V_TAV_MILAN, (e.allowed_chip_ids = ids,
		    e.n_allowed_chip_ids = 2), SNP_OK, nomsg);
	}

	/* Product line of the entry. */
	EXPECT(V_TAV_MILAN, e.product = SNP_PRODUCT_GENOA, SNP_ERR_PRODUCT,
	    nomsg);

	/* VMPL must be 0 (the AWS VLEK report is VMPL 1). */
	EXPECT(V_VLEK, (void)0, SNP_ERR_VMPL, "VMPL 1, must be 0");

	/* Expected REPORT_DATA. */
	{
		struct snp_refval e;

		refval_for(&snp_vecs[V_GOSEV], &e);
		hex_decode(snp_vecs[V_GOSEV].report_data, 128, rd, 64);
		rc = judge(&snp_vecs[V_GOSEV], &l[V_GOSEV], &e, rd, err,
		    sizeof(err));
		is_int(rc, SNP_OK, "expected REPORT_DATA accepted");
		rd[63] ^= 1;
		rc = judge(&snp_vecs[V_GOSEV], &l[V_GOSEV], &e, rd, err,
		    sizeof(err));
		ok(rc == SNP_ERR_REPORT_DATA && strcmp(err,
		    "REPORT_DATA mismatch") == 0, "wrong REPORT_DATA: %s", err);
	}
}

/* snp_verify(): several entries, verdict, aggregated reasons. */
static void
test_verify_loop(void)
{
	struct snp_refval	 e[3];
	struct refvals		 rv;
	struct attest_verdict	 verdict;
	struct snp_report	 r;
	const struct snp_vec	*v = &snp_vecs[V_TAV_MILAN];
	char			 err[1024];
	enum snp_reason		 rc;

	refval_for(v, &e[0]);
	e[0].measurement[0] ^= 1;
	refval_for(&snp_vecs[8], &e[1]);	/* Genoa entry */
	refval_for(v, &e[2]);
	snprintf(e[2].platform_name, sizeof(e[2].platform_name), "AKS-CLH-SNP");
	memset(&rv, 0, sizeof(rv));
	rv.snp = e;
	rv.n_snp = 3;
	rc = snp_verify(ctx, &l[V_TAV_MILAN].ev, &rv, NULL, v->at, &verdict, &r,
	    err, sizeof(err));
	is_int(rc, SNP_OK, "third entry accepts: %s", err);
	is_int(verdict.refval_index, 2, "verdict names entry 2");
	is_int(verdict.platform, ATTEST_PLATFORM_SNP, "verdict platform SNP");
	ok(snp_t_hex_is(verdict.policy_hash, 32, v->host_data),
	    "policy hash = HOST_DATA");
	ok(snp_t_hex_is(r.measurement, 48, v->measurement), "report returned");

	rv.n_snp = 2;
	rc = snp_verify(ctx, &l[V_TAV_MILAN].ev, &rv, NULL, v->at, &verdict, &r,
	    err, sizeof(err));
	is_int(rc, SNP_ERR_MEASUREMENT, "no entry accepts: furthest reason is "
	    "the measurement");
	ok(strstr(err, "entry 0 (Metal-QEMU-SNP): MEASUREMENT mismatch") !=
	    NULL && strstr(err, "entry 1 (Metal-QEMU-SNP): reference values "
	    "want Genoa") != NULL, "message lists each entry: %s", err);
	is_int(verdict.platform, ATTEST_PLATFORM_NONE, "no verdict on reject");

	/* A simulated entry never accepts real evidence with a fake pin. */
	refval_for(v, &e[0]);
	e[0].platform = ATTEST_PLATFORM_SIM_SNP;
	memset(e[0].sim_ark_sha256, 0x11, 32);
	rv.n_snp = 1;
	rc = snp_verify(ctx, &l[V_TAV_MILAN].ev, &rv, NULL, v->at, &verdict, &r,
	    err, sizeof(err));
	is_int(rc, SNP_ERR_ROOT, "sim entry with another pin: %s", err);

	rv.n_snp = 0;
	rc = snp_verify(ctx, &l[V_TAV_MILAN].ev, &rv, NULL, v->at, &verdict, &r,
	    err, sizeof(err));
	is_int(rc, SNP_ERR_NO_REFVAL, "no SNP entries: %s", err);

	/* An entry without a product line is skipped, not trusted. */
	refval_for(v, &e[0]);
	e[0].product = SNP_PRODUCT_UNKNOWN;
	rv.n_snp = 1;
	rc = snp_verify(ctx, &l[V_TAV_MILAN].ev, &rv, NULL, v->at, &verdict, &r,
	    err, sizeof(err));
	is_int(rc, SNP_ERR_NO_REFVAL, "entry without product: %s", err);
	/* ... and counts least next to a real rejection. */
	refval_for(v, &e[1]);
	e[1].measurement[5] ^= 1;
	rv.n_snp = 2;
	rc = snp_verify(ctx, &l[V_TAV_MILAN].ev, &rv, NULL, v->at, &verdict, &r,
	    err, sizeof(err));
	is_int(rc, SNP_ERR_MEASUREMENT, "inapplicable entry + measurement "
	    "mismatch -> measurement: %s", err);
	e[0] = e[1];
	e[1].product = SNP_PRODUCT_UNKNOWN;
	rc = snp_verify(ctx, &l[V_TAV_MILAN].ev, &rv, NULL, v->at, &verdict, &r,
	    err, sizeof(err));
	is_int(rc, SNP_ERR_MEASUREMENT, "same in the other order");
}

int
main(void)
{
	char	 err[ATTEST_ERR_LEN];
	size_t	 i;

	if ((shared = tap_shared_dir()) == NULL)
		tap_skip_all("../shared (SHARED_DIR) absent: SNP vectors "
		    "not available");
	if ((ctx = snp_ctx_new(err, sizeof(err))) == NULL) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	for (i = 0; i < N_SNP_VECS; i++)
		snp_t_load(shared, &snp_vecs[i], &l[i]);
	test_rules();
	test_verify_loop();
	for (i = 0; i < N_SNP_VECS; i++)
		snp_t_unload(&l[i]);
	snp_ctx_free(ctx);
	return tap_done();
}
