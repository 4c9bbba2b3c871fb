/*
 * The simulated TEE end to end: `sim init' output, reports issued by the
 * sim and fetched through the evidence interface, verified by the SNP
 * verifier against the sim dir's reference-values.json, and rejected
 * when any of MEASUREMENT, HOSTDATA, REPORT_DATA, TCB or the pinned ARK
 * differ, or when the entry is a real platform's.
 */
#include "config.h"

#include <sys/stat.h>

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "attest.h"
#include "certtable.h"
#include "evidence.h"
#include "manifest.h"
#include "sim.h"
#include "snp.h"
#include "util.h"
#include "tests/tap.h"

static char	 err[512];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Remove a test's scratch tree. */
static void
rm_tree(const char *path)
{
	(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int
mode_of(const char *dir, const char *name)
{
	char		 p[4096];
	struct stat	 st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (stat(p, &st) == -1)
		return -1;
	return st.st_mode & 0777;
}

static int
load_refvals(const char *dir, struct refvals *rv)
{
	struct manifest_errors	 errs;
	char			 p[4096];
	uint8_t			*buf;
	size_t			 len;
	int			 r;

	snprintf(p, sizeof(p), "%s/reference-values.json", dir);
	if (file_read(p, 1 << 20, &buf, &len, err, sizeof(err)) == -1)
		return -1;
	manifest_errors_init(&errs);
	memset(rv, 0, sizeof(*rv));
	r = manifest_parse_refvals(buf, len, rv, &errs);
	if (r == -1) {
		manifest_errors_format(&errs, err, sizeof(err));
		tap_diag("refvals: %s", err);
	}
	free(buf);
	return r;
}

/* Get sim evidence through the evidence interface. */
static int
get_evidence(const char *dir, const uint8_t hostdata[32],
    const uint8_t *measurement, const uint8_t rd[64], struct evidence *ev)
{
	struct evidence_opts	 o;
	struct evidence_src	*src;
	int			 r;

	memset(&o, 0, sizeof(o));
	o.sim_dir = dir;
	o.sim_hostdata = hostdata;
	o.sim_measurement = measurement;
	if (evidence_open(EVIDENCE_SIM, &o, &src, err, sizeof(err)) == -1) {
		tap_diag("evidence_open: %s", err);
		return -1;
	}
	r = evidence_get(src, rd, ev, err, sizeof(err));
	if (r == -1)
		tap_diag("evidence_get: %s", err);
	evidence_close(src);
	return r;
}

static enum snp_reason
verify(struct snp_ctx *ctx, const struct evidence *ev,
    const struct refvals *rv, const uint8_t rd[64],
    struct attest_verdict *vd)
{
	struct snp_evidence	 se;
	uint8_t			*chain = NULL;
	size_t			 chainlen = 0;
	enum snp_reason		 r;

	memset(&se, 0, sizeof(se));
	if (evidence_snp_chain(ev, &chain, &chainlen, err, sizeof(err)) == -1)
		return SNP_ERR_INTERNAL;
	se.report = ev->report;
	se.report_len = ev->report_len;
	se.vcek = ev->vcek;
	se.vcek_len = ev->vcek_len;
	se.chain = chain;
	se.chain_len = chainlen;
	memset(vd, 0, sizeof(*vd));
	r = snp_verify(ctx, &se, rv, rd, time(NULL), vd, NULL, err,
	    sizeof(err));
	if (r != SNP_OK)
		tap_diag("snp_verify: %s: %s", snp_reason_name(r), err);
	free(chain);
	return r;
}

static uint64_t
le64(const uint8_t *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
test_report_fields(struct sim *s, const uint8_t hostdata[32],
    const uint8_t rd[64])
{
	struct snp_report	 r;
	uint8_t			 raw[SIM_REPORT_LEN];
	uint8_t			 raw2[SIM_REPORT_LEN];
	uint8_t			*aux = NULL, ff[32], meas[48];
	size_t			 auxlen = 0;
	struct certtable	 t;
	const struct certtable_entry *e;
	size_t			 len;
	const uint8_t		*der;

	ok(sim_issue_report(s, hostdata, rd, raw, &aux, &auxlen, err,
	    sizeof(err)) == 0, "sim_issue_report");
	ok(snp_report_parse(raw, sizeof(raw), &r, err, sizeof(err)) ==
	    SNP_OK, "the sim report parses as SNP");
	is_int(r.version, 3, "report version 3");
	ok(r.policy == 0x30000, "policy 0x30000 (SMT + bit 17)");
	is_int(r.vmpl, 0, "VMPL 0");
	is_int(r.signature_algo, 1, "SIGNATURE_ALGO 1");
	is_int(r.signing_key, SNP_SIGNER_VCEK, "signed by the VCEK");
	ok(r.platform_info == SIM_PLATFORM_INFO, "PLATFORM_INFO 0x25");
	ok(r.cpuid_fam_id == 0x19 && r.cpuid_mod_id == 0x01 &&
	    r.cpuid_step == 0x01, "CPUID 19/01/01 (Milan)");
	is_int(r.product, SNP_PRODUCT_MILAN, "product from CPUID: Milan");
	ok(r.current_tcb == 0xdb18000000000004ULL &&
	    r.reported_tcb == r.current_tcb &&
	    r.committed_tcb == r.current_tcb && r.launch_tcb == r.current_tcb,
	    "current = reported = committed = launch TCB 0xdb18000000000004");
	ok(r.current_major == 1 && r.current_minor == 55 &&
	    r.current_build == 29 && r.committed_major == 1 &&
	    r.committed_minor == 55 && r.committed_build == 29,
	    "firmware 1.55.29");
	ok(memcmp(r.host_data, hostdata, 32) == 0, "HOSTDATA as launched");
	ok(memcmp(r.report_data, rd, 64) == 0, "REPORT_DATA as asked");
	sim_image_measurement(SIM_DEFAULT_IMAGE, meas);
	ok(memcmp(r.measurement, meas, 48) == 0,
	    "MEASUREMENT of the default image");
	memset(ff, 0xff, sizeof(ff));
	ok(memcmp(r.report_id_ma, ff, 32) == 0, "REPORT_ID_MA all ff");
	ok(le64(raw + 0x180) == r.reported_tcb, "REPORTED_TCB at 0x180");
	ok(sim_issue_report(s, hostdata, rd, raw2, NULL, NULL, err,
	    sizeof(err)) == 0 && memcmp(raw + 0x140, raw2 + 0x140, 32) != 0,
	    "REPORT_ID is fresh per report");

	ok(certtable_parse(aux, auxlen, &t, err, sizeof(err)) == 0 &&
	    t.n == 3, "auxblob: a cert table with 3 entries");
	der = sim_vcek_der(s, &len);
	ok((e = certtable_find(&t, CERTTABLE_VCEK)) != NULL &&
	    e->len == len && memcmp(e->data, der, len) == 0,
	    "auxblob VCEK = vcek.pem");
	der = sim_ask_der(s, &len);
	ok((e = certtable_find(&t, CERTTABLE_ASK)) != NULL &&
	    e->len == len && memcmp(e->data, der, len) == 0,
	    "auxblob ASK = ask.pem");
	der = sim_ark_der(s, &len);
	ok((e = certtable_find(&t, CERTTABLE_ARK)) != NULL &&
	    e->len == len && memcmp(e->data, der, len) == 0,
	    "auxblob ARK = ark.pem");
	free(aux);
}

int
main(void)
{
	char			 base[] = "/tmp/contrast-test-sim-XXXXXX";
	char			 a[1024], b[1024], empty[1024], p[4096];
	struct sim_init_opts	 o;
	struct sim		*s = NULL;
	struct snp_ctx		*ctx;
	struct refvals		 rva, rvb, rvreal;
	struct evidence		 ev;
	struct attest_verdict	 vd;
	struct snp_refval	 saved;
	uint8_t			 hostdata[32], other_hd[32];
	uint8_t			 rd[64], rd2[64];
	uint8_t			 meas_other[48], arka[32], arkb_old[32];
	uint8_t			*buf;
	size_t			 len;
	const char		*names[] = { "ark.pem", "ask.pem", "vcek.pem",
				    "vcek.der", "cert_chain.pem", "sim.json",
				    "reference-values.json" };
	size_t			 i;
	enum snp_reason		 r;

	if (mkdtemp(base) == NULL)
		return 1;
	snprintf(a, sizeof(a), "%s/a", base);
	snprintf(b, sizeof(b), "%s/b", base);
	snprintf(empty, sizeof(empty), "%s/empty", base);
	memset(&o, 0, sizeof(o));
	for (i = 0; i < 32; i++) {
		hostdata[i] = (uint8_t)(0xa0 + i);
		other_hd[i] = (uint8_t)(0x10 + i);
	}
	for (i = 0; i < 64; i++) {
		rd[i] = (uint8_t)i;
		rd2[i] = (uint8_t)(i + 1);
	}

	/* sim init */
	ok(sim_init(a, &o, err, sizeof(err)) == 0, "sim init A");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		is_int(mode_of(a, names[i]), 0644, "%s is 0644", names[i]);
	is_int(mode_of(a, "ark.key"), 0600, "ark.key is 0600");
	is_int(mode_of(a, "ask.key"), 0600, "ask.key is 0600");
	is_int(mode_of(a, "vcek.key"), 0600, "vcek.key is 0600");
	is_int(mode_of(base, "a"), 0700, "the sim dir is 0700");
	ok(sim_init(a, &o, err, sizeof(err)) == -1 &&
	    strstr(err, "--force") != NULL,
	    "sim init refuses an existing sim dir without --force");
	ok(mkdir(empty, 0755) == 0 && sim_init(empty, &o, err,
	    sizeof(err)) == 0 && mode_of(empty, "vcek.key") == 0600,
	    "sim init fills an existing empty directory");
	snprintf(p, sizeof(p), "%s/file", base);
	ok(file_write_atomic(p, "x", 1, 0644, err, sizeof(err)) == 0 &&
	    sim_init(p, &o, err, sizeof(err)) == -1 &&
	    strstr(err, "not a directory") != NULL,
	    "sim init refuses a path that is a file");

	ok(sim_init(b, &o, err, sizeof(err)) == 0, "sim init B");
	ok(sim_open(b, &s, err, sizeof(err)) == 0, "sim open B");
	if (s != NULL)
		sim_ark_sha256(s, arkb_old);
	sim_close(s);
	s = NULL;
	o.force = 1;
	ok(sim_init(b, &o, err, sizeof(err)) == 0, "sim init --force B");
	o.force = 0;
	ok(sim_open(b, &s, err, sizeof(err)) == 0, "sim open B again");
	if (s != NULL) {
		sim_ark_sha256(s, rd2);
		ok(memcmp(rd2, arkb_old, 32) != 0,
		    "--force made a new chain");
		memset(rd2, 0, sizeof(rd2));
		for (i = 0; i < 64; i++)
			rd2[i] = (uint8_t)(i + 1);
	}
	sim_close(s);
	s = NULL;
	snprintf(p, sizeof(p), "%s", base);
	ok(access(p, F_OK) == 0, "base still there");

	if (sim_open(a, &s, err, sizeof(err)) == -1) {
		tap_diag("sim_open A: %s", err);
		ok(0, "sim open A");
		return tap_done();
	}
	sim_ark_sha256(s, arka);
	test_report_fields(s, hostdata, rd);
	sim_close(s);

	/* The reference values file. */
	snprintf(p, sizeof(p), "%s/reference-values.json", a);
	ok(file_read(p, 1 << 20, &buf, &len, err, sizeof(err)) == 0,
	    "read reference-values.json");
	if (buf != NULL) {
		char	 hex[65];

		hex_encode(arka, 32, hex);
		ok(strstr((char *)buf, "\"Platform\": \"Sim-SNP\"") != NULL,
		    "reference values: Platform Sim-SNP");
		ok(strstr((char *)buf, hex) != NULL,
		    "reference values: SimulatedARKDigest = SHA-256(ARK)");
		free(buf);
	}
	if (load_refvals(a, &rva) == -1 || load_refvals(b, &rvb) == -1) {
		ok(0, "manifest_parse_refvals of the sim refvals");
		return tap_done();
	}
	ok(rva.n_snp == 1 && rva.snp[0].platform == ATTEST_PLATFORM_SIM_SNP &&
	    memcmp(rva.snp[0].sim_ark_sha256, arka, 32) == 0,
	    "the manifest parser reads a Sim-SNP entry pinning ARK A");

	if ((ctx = snp_ctx_new(err, sizeof(err))) == NULL) {
		tap_diag("snp_ctx_new: %s", err);
		return 1;
	}

	/* Round trip. */
	ok(get_evidence(a, hostdata, NULL, rd, &ev) == 0 &&
	    ev.platform == ATTEST_PLATFORM_SIM_SNP && ev.vcek != NULL &&
	    ev.ask != NULL && ev.ark != NULL && ev.vlek == NULL,
	    "sim evidence: SIM_SNP with VCEK, ASK, ARK");
	is_int(verify(ctx, &ev, &rva, rd, &vd), SNP_OK,
	    "sim evidence verifies against its reference values");
	is_int(vd.platform, ATTEST_PLATFORM_SIM_SNP, "verdict: SIM_SNP");
	ok(memcmp(vd.policy_hash, hostdata, 32) == 0,
	    "verdict: policy hash = HOSTDATA");

	/* REPORT_DATA differs. */
	is_int(verify(ctx, &ev, &rva, rd2, &vd), SNP_ERR_REPORT_DATA,
	    "rejected: REPORT_DATA differs");
	/* TCB: an entry with a higher minimum. */
	saved = rva.snp[0];
	rva.snp[0].min_tcb.microcode = SIM_TCB_MICROCODE + 1;
	is_int(verify(ctx, &ev, &rva, rd, &vd), SNP_ERR_TCB,
	    "rejected: MinimumTCB.MicrocodeVersion above the sim's");
	rva.snp[0] = saved;
	rva.snp[0].min_tcb.snp = SIM_TCB_SNP + 1;
	is_int(verify(ctx, &ev, &rva, rd, &vd), SNP_ERR_TCB,
	    "rejected: MinimumTCB.SNPVersion above the sim's");
	rva.snp[0] = saved;
	/* The pinned ARK: B's reference values pin another ARK. */
	ok(memcmp(rvb.snp[0].measurement, rva.snp[0].measurement, 48) == 0,
	    "B's entry differs from A's only in the ARK pin");
	r = verify(ctx, &ev, &rvb, rd, &vd);
	ok(r == SNP_ERR_ROOT || r == SNP_ERR_CHAIN,
	    "rejected: the ARK is not the pinned one (sim dir B)");
	/* Without the ARK in the evidence nothing can match the pin. */
	free(ev.ark);
	ev.ark = NULL;
	ev.ark_len = 0;
	is_int(verify(ctx, &ev, &rva, rd, &vd), SNP_ERR_ROOT,
	    "rejected: evidence without the pinned ARK");
	evidence_free(&ev);
	ok(get_evidence(a, hostdata, NULL, rd, &ev) == 0,
	    "sim evidence again");
	/* A real platform entry, even with the sim chain supplied. */
	memset(&rvreal, 0, sizeof(rvreal));
	rvreal.snp = &saved;
	rvreal.n_snp = 1;
	saved.platform = ATTEST_PLATFORM_SNP;
	snprintf(saved.platform_name, sizeof(saved.platform_name),
	    "Metal-QEMU-SNP");
	saved.product = SNP_PRODUCT_MILAN;
	memset(saved.sim_ark_sha256, 0, 32);
	ok(verify(ctx, &ev, &rvreal, rd, &vd) != SNP_OK,
	    "rejected: a Metal-QEMU-SNP entry never accepts sim evidence");
	memcpy(saved.sim_ark_sha256, arka, 32);
	ok(verify(ctx, &ev, &rvreal, rd, &vd) != SNP_OK,
	    "rejected: ... even when it carries the sim ARK digest");
	/* HOSTDATA: tampering breaks the signature ... */
	ev.report[0xc0] ^= 1;
	is_int(verify(ctx, &ev, &rva, rd, &vd), SNP_ERR_SIGNATURE,
	    "rejected: HOSTDATA changed after signing");
	ev.report[0xc0] ^= 1;
	evidence_free(&ev);
	/* ... and another launch's HOSTDATA names another policy. */
	ok(get_evidence(a, other_hd, NULL, rd, &ev) == 0 &&
	    verify(ctx, &ev, &rva, rd, &vd) == SNP_OK &&
	    memcmp(vd.policy_hash, hostdata, 32) != 0 &&
	    memcmp(vd.policy_hash, other_hd, 32) == 0,
	    "another HOSTDATA yields another policy hash, not the expected");
	evidence_free(&ev);
	/* MEASUREMENT: another image. */
	sim_image_measurement("some-other-image", meas_other);
	ok(get_evidence(a, hostdata, meas_other, rd, &ev) == 0,
	    "sim evidence for another image");
	is_int(verify(ctx, &ev, &rva, rd, &vd), SNP_ERR_MEASUREMENT,
	    "rejected: MEASUREMENT of another image");
	evidence_free(&ev);
	/* Evidence from B against A's reference values. */
	ok(get_evidence(b, hostdata, NULL, rd, &ev) == 0 &&
	    ((r = verify(ctx, &ev, &rva, rd, &vd)) == SNP_ERR_ROOT ||
	    r == SNP_ERR_CHAIN),
	    "rejected: evidence of sim dir B against A's pin");
	ok(verify(ctx, &ev, &rvb, rd, &vd) == SNP_OK,
	    "B's evidence verifies against B's reference values");
	evidence_free(&ev);

	/* The sim evidence source needs its HOSTDATA. */
	{
		struct evidence_opts	 eo;
		struct evidence_src	*src;

		memset(&eo, 0, sizeof(eo));
		eo.sim_dir = a;
		ok(evidence_open(EVIDENCE_SIM, &eo, &src, err,
		    sizeof(err)) == -1 && strstr(err, "HOSTDATA") != NULL,
		    "evidence_open(sim) without HOSTDATA fails");
		eo.sim_dir = empty;
		snprintf(p, sizeof(p), "%s/vcek.key", empty);
		unlink(p);
		eo.sim_hostdata = hostdata;
		ok(evidence_open(EVIDENCE_SIM, &eo, &src, err,
		    sizeof(err)) == -1 && strstr(err, "vcek.key") != NULL,
		    "a sim dir without vcek.key: error names the file");
	}

	snp_ctx_free(ctx);
	refvals_free(&rva);
	refvals_free(&rvb);
	rm_tree(base);
	return tap_done();
}
