/*
 * Every SEV-SNP vector of ../shared/vectors: outcome and field values as
 * the README lists them, the time-dependent VLEK, the invalid VCEKs, wrong
 * product lines and roots, truncated and padded reports, field printing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "snp.h"
#include "tests/tap.h"
#include "tests/unit/snp_testvec.h"

static struct snp_ctx	*ctx;
static const char	*shared;

static void
check_fields(const struct snp_vec *v, const struct snp_report *r,
    const struct snp_signer_info *info)
{
	char	 fw[16], cpuid[16];

	is_int(r->version, v->version, "%s: version", v->report);
	is_int(r->vmpl, v->vmpl, "%s: vmpl", v->report);
	is_int(r->guest_svn, v->guest_svn, "%s: guest_svn", v->report);
	ok(r->policy == v->policy, "%s: policy 0x%llx", v->report,
	    (unsigned long long)r->policy);
	ok(r->platform_info == v->platform_info, "%s: platform_info 0x%llx",
	    v->report, (unsigned long long)r->platform_info);
	ok(r->reported_tcb == v->reported_tcb, "%s: reported_tcb", v->report);
	ok(r->current_tcb == v->current_tcb, "%s: current_tcb", v->report);
	snprintf(fw, sizeof(fw), "%u.%u.%u", r->current_major,
	    r->current_minor, r->current_build);
	is_str(fw, v->fw, "%s: firmware version", v->report);
	if (v->cpuid != NULL) {
		snprintf(cpuid, sizeof(cpuid), "%02x/%02x/%02x",
		    r->cpuid_fam_id, r->cpuid_mod_id, r->cpuid_step);
		is_str(cpuid, v->cpuid, "%s: cpuid", v->report);
		is_int(r->product, v->product, "%s: product from CPUID",
		    v->report);
	} else
		is_int(r->product, SNP_PRODUCT_UNKNOWN, "%s: v2 has no CPUID",
		    v->report);
	ok(snp_t_hex_is(r->measurement, 48, v->measurement),
	    "%s: measurement", v->report);
	ok(snp_t_hex_is(r->host_data, 32, v->host_data), "%s: host_data",
	    v->report);
	ok(snp_t_hex_is(r->report_data, 64, v->report_data),
	    "%s: report_data", v->report);
	ok(snp_t_hex_is(r->chip_id, 64, v->chip_id), "%s: chip_id", v->report);
	ok(snp_t_hex_is(r->id_key_digest, 48, v->id_key_digest),
	    "%s: id_key_digest", v->report);
	ok(snp_t_hex_is(r->report_id, 32, v->report_id), "%s: report_id",
	    v->report);
	is_int(r->signing_key, v->signer, "%s: signing key", v->report);
	is_int(info->product, v->product, "%s: verified product", v->report);
	is_str(info->product_name, v->product_name, "%s: VCEK productName",
	    v->report);
}

/* Text and JSON printing carry the expected values. */
static void
check_print(const struct snp_vec *v, const struct snp_report *r,
    enum snp_product product)
{
	char		*buf = NULL, want[256];
	size_t		 len = 0;
	FILE		*f;
	json_t		*j;
	json_error_t	 je;

	f = open_memstream(&buf, &len);
	ok(f != NULL && snp_report_print(f, r, product, 0) == 0,
	    "%s: print text", v->report);
	fclose(f);
	snprintf(want, sizeof(want), "\nmeasurement: %s\n", v->measurement);
	ok(strstr(buf, want) != NULL, "%s: text has measurement", v->report);
	snprintf(want, sizeof(want), "\nchip_id: %s\n", v->chip_id);
	ok(strstr(buf, want) != NULL, "%s: text has chip_id", v->report);
	snprintf(want, sizeof(want), "\ncurrent_version: %s\n", v->fw);
	ok(strstr(buf, want) != NULL, "%s: text has firmware", v->report);
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	ok(f != NULL && snp_report_print(f, r, product, 1) == 0,
	    "%s: print json", v->report);
	fclose(f);
	j = json_loads(buf, 0, &je);
	ok(j != NULL, "%s: json parses (%s)", v->report, j ? "" : je.text);
	if (j != NULL) {
		is_str(json_string_value(json_object_get(j, "report_id")),
		    v->report_id, "%s: json report_id", v->report);
		is_str(json_string_value(json_object_get(j, "product")),
		    snp_product_name(v->product), "%s: json product",
		    v->report);
		is_int(json_integer_value(json_object_get(j, "guest_svn")),
		    v->guest_svn, "%s: json guest_svn", v->report);
		snprintf(want, sizeof(want), "0x%016llx",
		    (unsigned long long)v->reported_tcb);
		is_str(json_string_value(json_object_get(json_object_get(j,
		    "reported_tcb"), "raw")), want, "%s: json reported_tcb",
		    v->report);
		json_decref(j);
	}
	free(buf);
}

static void
test_vectors(void)
{
	struct snp_loaded	 l;
	struct snp_report	 r;
	struct snp_signer_info	 info;
	struct snp_anchor	 a;
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;
	size_t			 i;

	for (i = 0; i < N_SNP_VECS; i++) {
		const struct snp_vec *v = &snp_vecs[i];

		snp_t_load(shared, v, &l);
		a = snp_t_amd(v->product);
		rc = snp_verify_evidence(ctx, &l.ev, &a, v->at, &r, &info, err,
		    sizeof(err));
		is_int(rc, SNP_OK, "%s: verifies against built-in %s roots "
		    "(%s)", v->report, snp_product_name(v->product),
		    rc ? err : "ok");
		check_fields(v, &r, &info);
		check_print(v, &r, info.product);

		/* Offline use: product not given, taken from the evidence. */
		a = snp_t_amd(SNP_PRODUCT_UNKNOWN);
		rc = snp_verify_evidence(ctx, &l.ev, &a, v->at, &r, &info, err,
		    sizeof(err));
		ok(rc == SNP_OK && info.product == v->product,
		    "%s: verifies with the product from the evidence",
		    v->report);
		/* Second time: from the cache. */
		rc = snp_verify_evidence(ctx, &l.ev, &a, v->at, &r, &info, err,
		    sizeof(err));
		ok(rc == SNP_OK && info.cache_hit, "%s: cached chain reused",
		    v->report);

		/* The other product lines' roots must refuse it. */
		for (enum snp_product p = SNP_PRODUCT_MILAN;
		    p <= SNP_PRODUCT_TURIN; p++) {
			if (p == v->product)
				continue;
			a = snp_t_amd(p);
			rc = snp_verify_evidence(ctx, &l.ev, &a, v->at, &r,
			    &info, err, sizeof(err));
			ok(rc == SNP_ERR_PRODUCT, "%s: rejected with %s roots: "
			    "%s", v->report, snp_product_name(p), err);
		}
		/* Far future: every VCEK has expired. */
		a = snp_t_amd(v->product);
		rc = snp_verify_evidence(ctx, &l.ev, &a, 2524608000 /* 2050 */,
		    &r, &info, err, sizeof(err));
		ok(rc == SNP_ERR_CERT_TIME, "%s: rejected in 2050: %s",
		    v->report, err);
		snp_t_unload(&l);
	}
}

static void
test_vlek_time(void)
{
	struct snp_loaded	 l;
	struct snp_report	 r;
	struct snp_signer_info	 info;
	struct snp_anchor	 a = snp_t_amd(SNP_PRODUCT_MILAN);
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;

	snp_t_load(shared, &snp_vecs[3], &l);
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, &info, err,
	    sizeof(err));
	ok(rc == SNP_ERR_CERT_TIME && strstr(err, "expired") != NULL,
	    "VLEK rejected at 2026-11-22 as expired: %s", err);
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2025_06_01, &r, &info, err,
	    sizeof(err));
	ok(rc == SNP_OK && info.signer == SNP_SIGNER_VLEK,
	    "VLEK accepted at 2025-06-01 with the ASVK");
	/* After a cache hit, a time outside the window still fails. */
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, &info, err,
	    sizeof(err));
	is_int(rc, SNP_ERR_CERT_TIME, "cached VLEK chain still time-checked");
	/* The VLEK with the VCEK ASK instead of the ASVK. */
	free(l.chain);
	l.chain = snp_t_read(shared, "roots/amd/milan/ask.pem", &l.chain_len);
	l.ev.chain = l.chain;
	l.ev.chain_len = l.chain_len;
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2025_06_01, &r, &info, err,
	    sizeof(err));
	ok(rc == SNP_ERR_ROOT, "VLEK with the ASK supplied is rejected: %s",
	    err);
	snp_t_unload(&l);
}

static void
test_invalid_vceks(void)
{
	static const char *const bad[] = {
		"snp/trustee/test-vcek-invalid-legacy.der",
		"snp/trustee/test-vcek-invalid-new.der",
	};
	struct snp_loaded	 l;
	struct snp_report	 r;
	struct snp_anchor	 a = snp_t_amd(SNP_PRODUCT_MILAN);
	struct snp_vcek_ext	 ext;
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;
	void			*sk;
	size_t			 i;

	snp_t_load(shared, &snp_vecs[2], &l);
	for (i = 0; i < 2; i++) {
		free(l.vcek);
		l.vcek = snp_t_read(shared, bad[i], &l.vcek_len);
		l.ev.vcek = l.vcek;
		l.ev.vcek_len = l.vcek_len;
		rc = snp_certs_parse(l.vcek, l.vcek_len, &sk, err, sizeof(err));
		ok(rc == SNP_OK, "%s parses", bad[i]);
		if (rc == SNP_OK) {
			rc = snp_vcek_ext_parse(sk_X509_value(sk, 0), &ext, err,
			    sizeof(err));
			ok(rc == SNP_OK && ext.hwid_len == 64,
			    "%s: hwID parses (%zu bytes)", bad[i], ext.hwid_len);
			snp_certs_free(sk);
		}
		rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, NULL,
		    err, sizeof(err));
		ok(rc == SNP_ERR_CHAIN, "%s: chain rejected: %s", bad[i], err);
	}
	snp_t_unload(&l);
}

/* Swap the VCEK or chain of a vector for one of another product. */
static void
test_wrong_product(void)
{
	struct snp_loaded	 l;
	struct snp_report	 r;
	struct snp_anchor	 a;
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;

	/* Milan v3 report (CPUID says Milan) with the Genoa VCEK. */
	snp_t_load(shared, &snp_vecs[7], &l);
	free(l.vcek);
	l.vcek = snp_t_read(shared, "snp/microsoft-tav/genoa_vcek.pem",
	    &l.vcek_len);
	l.ev.vcek = l.vcek;
	l.ev.vcek_len = l.vcek_len;
	a = snp_t_amd(SNP_PRODUCT_UNKNOWN);
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, NULL, err,
	    sizeof(err));
	ok(rc == SNP_ERR_PRODUCT, "Milan report + Genoa VCEK: %s", err);
	snp_t_unload(&l);

	/* Milan v2 report (no CPUID) with a Genoa VCEK, Milan roots. */
	snp_t_load(shared, &snp_vecs[0], &l);
	free(l.vcek);
	l.vcek = snp_t_read(shared, "snp/trustee/e2e-genoa-vcek.der",
	    &l.vcek_len);
	l.ev.vcek = l.vcek;
	l.ev.vcek_len = l.vcek_len;
	a = snp_t_amd(SNP_PRODUCT_MILAN);
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, NULL, err,
	    sizeof(err));
	ok(rc == SNP_ERR_PRODUCT, "v2 Milan report + Genoa VCEK on Milan "
	    "roots: %s", err);
	/* Same with product from the evidence: chain ok, signature not. */
	a = snp_t_amd(SNP_PRODUCT_UNKNOWN);
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, NULL, err,
	    sizeof(err));
	ok(rc == SNP_ERR_SIGNATURE, "v2 Milan report + Genoa VCEK: %s", err);
	snp_t_unload(&l);

	/* Milan VCEK with the Genoa ASK supplied. */
	snp_t_load(shared, &snp_vecs[7], &l);
	free(l.chain);
	l.chain = snp_t_read(shared, "snp/microsoft-tav/genoa_ask.pem",
	    &l.chain_len);
	l.ev.chain = l.chain;
	l.ev.chain_len = l.chain_len;
	a = snp_t_amd(SNP_PRODUCT_MILAN);
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, NULL, err,
	    sizeof(err));
	ok(rc == SNP_ERR_ROOT, "Milan VCEK + Genoa ASK: %s", err);

	/* The ASK used as the (pinned) ARK, the real ARK as "ASK". */
	snp_t_unload(&l);
	snp_t_load(shared, &snp_vecs[7], &l);
	memset(&a, 0, sizeof(a));
	a.kind = SNP_ANCHOR_PINNED;
	hex_decode("67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c"
	    "0bac1b", 64, a.ark_sha256, 32);
	rc = snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r, NULL, err,
	    sizeof(err));
	ok(rc == SNP_ERR_CHAIN && strstr(err, "self-signed") != NULL,
	    "ASK pinned as the ARK: %s", err);
	snp_t_unload(&l);
}

/* The Turin VCEK without a report, and the KDS bundles. */
static void
test_chain_only(void)
{
	struct snp_evidence	 ev;
	struct snp_signer_info	 info;
	struct snp_anchor	 a = snp_t_amd(SNP_PRODUCT_UNKNOWN);
	uint8_t			*vcek, *chain;
	size_t			 vlen, clen;
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;

	vcek = snp_t_read(shared, "snp/virtee-sev/vcek_turin.der", &vlen);
	chain = snp_t_read(shared, "snp/virtee-sev/cert_chain_turin.pem",
	    &clen);
	memset(&ev, 0, sizeof(ev));
	ev.vcek = vcek;
	ev.vcek_len = vlen;
	ev.chain = chain;
	ev.chain_len = clen;
	rc = snp_verify_cert_chain(ctx, &ev, &a, SNP_SIGNER_VCEK, T_2026_11_22,
	    &info, err, sizeof(err));
	ok(rc == SNP_OK && info.product == SNP_PRODUCT_TURIN,
	    "Turin VCEK chains to ARK-Turin (%s)", rc ? err : "ok");
	is_str(info.product_name, "Turin", "Turin productName");
	rc = snp_verify_cert_chain(ctx, &ev, &a, SNP_SIGNER_VLEK, T_2026_11_22,
	    &info, err, sizeof(err));
	ok(rc != SNP_OK, "Turin VCEK is not accepted as a VLEK: %s", err);
	free(chain);
	chain = snp_t_read(shared, "roots/amd/kds-bundles/ask_ark_milan.pem",
	    &clen);
	ev.chain = chain;
	ev.chain_len = clen;
	rc = snp_verify_cert_chain(ctx, &ev, &a, SNP_SIGNER_VCEK, T_2026_11_22,
	    &info, err, sizeof(err));
	ok(rc == SNP_ERR_ROOT, "Turin VCEK + Milan KDS bundle: %s", err);
	free(chain);
	free(vcek);
}

static void
test_lengths(void)
{
	struct snp_loaded	 l;
	struct snp_report	 r;
	struct snp_anchor	 a = snp_t_amd(SNP_PRODUCT_MILAN);
	uint8_t			 big[SNP_REPORT_LEN + 1];
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;
	size_t			 n;
	int			 all = 1;

	snp_t_load(shared, &snp_vecs[2], &l);
	rc = snp_report_parse(l.report, SNP_REPORT_LEN - 1, &r, err,
	    sizeof(err));
	ok(rc == SNP_ERR_REPORT_FORMAT, "truncated report rejected");
	is_str(err, "report is 1183 bytes, want 1184", "truncation message");
	memcpy(big, l.report, SNP_REPORT_LEN);
	big[SNP_REPORT_LEN] = 0;
	rc = snp_report_parse(big, sizeof(big), &r, err, sizeof(err));
	ok(rc == SNP_ERR_REPORT_FORMAT, "padded report rejected");
	is_str(err, "report is 1185 bytes, want 1184", "padding message");
	for (n = 0; n < SNP_REPORT_LEN; n++) {
		l.ev.report_len = n;
		if (snp_verify_evidence(ctx, &l.ev, &a, T_2026_11_22, &r,
		    NULL, err, sizeof(err)) != SNP_ERR_REPORT_FORMAT)
			all = 0;
	}
	ok(all, "every truncation 0..1183 rejected without crash");
	snp_t_unload(&l);
}

static void
test_roots(void)
{
	static const char *const want[3][3] = {
		{ "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
		  "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b",
		  "c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5" },
		{ "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
		  "5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521",
		  "197e610743a917d6b9bb982a5a9226ccc0a15b611be0619e626aca9151457372" },
		{ "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a",
		  "5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185",
		  "104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c" },
	};
	const char	*pem;
	void		*sk;
	uint8_t		*der, h[32];
	unsigned int	 hl;
	int		 i, k, len;
	char		 err[ATTEST_ERR_LEN];

	for (i = 0; i < 3; i++)
		for (k = 0; k < 3; k++) {
			pem = snp_amd_root_pem(SNP_PRODUCT_MILAN + i, k);
			ok(pem != NULL && snp_certs_parse((const uint8_t *)pem,
			    strlen(pem), &sk, err, sizeof(err)) == SNP_OK,
			    "built-in root %d/%d parses", i, k);
			der = NULL;
			len = i2d_X509(sk_X509_value(sk, 0), &der);
			EVP_Digest(der, (size_t)len, h, &hl, EVP_sha256(), NULL);
			ok(snp_t_hex_is(h, 32, want[i][k]),
			    "built-in %s root %d has the README's SHA-256",
			    snp_product_name(SNP_PRODUCT_MILAN + i), k);
			OPENSSL_free(der);
			snp_certs_free(sk);
		}
	ok(snp_amd_root_pem(SNP_PRODUCT_UNKNOWN, SNP_ROOT_ARK) == NULL,
	    "no roots for an unknown product");
	is_str(snp_reason_name(SNP_ERR_MEASUREMENT), "measurement_mismatch",
	    "stable reason name");
	is_str(snp_reason_name(SNP_REASON_MAX), "unknown", "out of range");
}

int
main(void)
{
	char	 err[ATTEST_ERR_LEN];

	if ((ctx = snp_ctx_new(err, sizeof(err))) == NULL) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	test_roots();
	if ((shared = tap_shared_dir()) == NULL) {
		tap_skip(1, "../shared (SHARED_DIR) absent: vector tests "
		    "skipped");
		snp_ctx_free(ctx);
		return tap_done();
	}
	test_vectors();
	test_vlek_time();
	test_invalid_vceks();
	test_wrong_product();
	test_chain_only();
	test_lengths();
	snp_ctx_free(ctx);
	return tap_done();
}
