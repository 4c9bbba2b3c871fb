/*
 * Manifest parsing and validation (src/manifest*.c): every validation
 * rule has a failing case with its exact path-prefixed message; typed
 * values, owner-key checks, SAN classification, the Go-compatible writer,
 * seed-shares documents and reference-value patches.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "jsonpatch.h"
#include "manifest.h"
#include "util.h"
#include "tests/tap.h"

#define H1	"ef27c1c91a0ce044c67f0ec10d7c66ea9f178453dc96a233e97f0675578042f2"
#define H2	"1c24233516f95303d174b7d61dd4bb447a141468186dbcb9eed696cef4461dfc"
#define MEAS	"05c504736ca974b9ac0c84b5099f957907507c09e4844bd0672d0b6472" \
		"05f35837bd479ae35567b22b69ce636666c286"
#define CHIP	"EDD59A3B59E93CE7A957AF98A0BF19D5DFEAE631B97DEC7DCEFB48DFB2B5" \
		"223005772072443C4CAE1CA8931C4AC5EAB6EB7835342433C7244EFFA2EB" \
		"7B84BF96"
/* 48 bytes of hex: M48("ab") */
#define M48(c)	c c c c c c c c c c c c c c c c c c c c c c c c \
		c c c c c c c c c c c c c c c c c c c c c c c c

static char	*ec_hex, *ec2_hex, *rsa_hex, *rsa_pkix_hex;
static uint8_t	*ec_der, *ec2_der;
static size_t	 ec_len, ec2_len;

static char *
hexdup(const uint8_t *d, size_t n)
{
	char	*h = malloc(2 * n + 1);

	hex_encode(d, n, h);
	return h;
}

static void
make_keys(void)
{
	EVP_PKEY		*ec, *ec2, *rsa;
	OSSL_ENCODER_CTX	*ectx;
	unsigned char		*p = NULL, *q;
	size_t			 len = 0;
	int			 n;

	ec = EVP_EC_gen("P-384");
	ec2 = EVP_EC_gen("P-384");
	rsa = EVP_RSA_gen(2048);
	n = i2d_PUBKEY(ec, NULL);
	ec_der = malloc(n);
	q = ec_der;
	ec_len = (size_t)i2d_PUBKEY(ec, &q);
	ec_hex = hexdup(ec_der, ec_len);
	n = i2d_PUBKEY(ec2, NULL);
	ec2_der = malloc(n);
	q = ec2_der;
	ec2_len = (size_t)i2d_PUBKEY(ec2, &q);
	ec2_hex = hexdup(ec2_der, ec2_len);
	/* PKCS#1 RSAPublicKey, as SeedshareOwnerPubKeys holds. */
	ectx = OSSL_ENCODER_CTX_new_for_pkey(rsa, EVP_PKEY_PUBLIC_KEY, "DER",
	    "type-specific", NULL);
	OSSL_ENCODER_to_data(ectx, &p, &len);
	OSSL_ENCODER_CTX_free(ectx);
	rsa_hex = hexdup(p, len);
	OPENSSL_free(p);
	n = i2d_PUBKEY(rsa, NULL);
	p = malloc(n);
	q = p;
	len = (size_t)i2d_PUBKEY(rsa, &q);
	rsa_pkix_hex = hexdup(p, len);
	free(p);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ec2);
	EVP_PKEY_free(rsa);
}

/* A complete, valid manifest with SNP and TDX entries. */
static json_t *
base(void)
{
	uint8_t	 d[32];
	char	 dh[65];
	json_t	*m;

	SHA256(ec2_der, ec2_len, d);
	hex_encode(d, 32, dh);
	m = json_pack("{s:{s:{s:[s,s],s:s,s:s},s:{s:[s,s,s],s:s}},"
	    "s:{s:[{s:s,s:s,s:s,s:s,s:{s:i,s:i,s:i,s:i},"
	    "s:{s:i,s:i,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b},"
	    "s:{s:b,s:b},s:i,s:[s],s:i}],"
	    "s:[{s:s,s:i,s:s,s:s,s:[s,s,s,s],s:s,s:[s],s:b,s:b,s:b}]},"
	    "s:[s],s:[s],s:[s],s:s}",
	    "Policies",
	    H1, "SANs", "coordinator", "*", "WorkloadSecretID",
	    "apps/v1/StatefulSet/default/coordinator", "Role", "coordinator",
	    H2, "SANs", "web", "10.0.0.1", "spiffe://example.org/web",
	    "WorkloadSecretID", "apps/v1/Deployment/default/web",
	    "ReferenceValues",
	    "snp", "Platform", "Metal-QEMU-SNP", "ProductName", "Genoa",
	    "TrustedMeasurement", MEAS, "APEIP", "0080b004",
	    "MinimumTCB", "BootloaderVersion", 7, "TEEVersion", 0,
	    "SNPVersion", 15, "MicrocodeVersion", 72,
	    "GuestPolicy", "ABIMinor", 0, "ABIMajor", 0, "SMT", 1,
	    "MigrateMA", 0, "Debug", 0, "SingleSocket", 0, "CXLAllowed", 0,
	    "MemAES256XTS", 0, "RAPLDis", 0, "CipherTextHidingDRAM", 0,
	    "PageSwapDisable", 0,
	    "PlatformInfo", "SMTEnabled", 1, "ECCEnabled", 1,
	    "MinimumMitigationVector", 9, "AllowedChipIDs", CHIP, "CPUs", 2,
	    "tdx", "Platform", "Metal-QEMU-TDX", "MinTCBEvaluationDataNumber",
	    17, "MrTd", M48("cc"), "MrSeam", M48("ab"), "Rtmrs", M48("01"),
	    M48("02"), M48("03"), M48("04"), "Xfam", "e702060000000000",
	    "AllowedPIIDs", "dcce32a12f7c89eeb4a747465504cdee",
	    "MemoryIntegrity", 1, "SMTDisabled", 0, "StaticPlatform", 1,
	    "WorkloadOwnerPubKeys", ec_hex, "WorkloadOwnerKeyDigests", dh,
	    "SeedshareOwnerPubKeys", rsa_hex, "MinimumAPIVersion", "v1");
	if (m == NULL) {
		printf("Bail out! cannot build the base manifest\n");
		exit(1);
	}
	return m;
}

/* Serialize, then parse from bytes (the real entry point). */
static int
parse_json(const json_t *doc, struct manifest **m, struct manifest_errors *e)
{
	char	*buf, err[128];
	size_t	 len;
	int	 rc;

	manifest_errors_init(e);
	if (manifest_write(doc, &buf, &len, err, sizeof(err)) == -1)
		return -2;
	rc = manifest_parse((uint8_t *)buf, len, m, e);
	free(buf);
	return rc;
}

/* base() with one JSON Patch applied. */
static json_t *
patched(const char *patch)
{
	json_t	*doc = base(), *p;
	char	 err[256];

	p = json_loads(patch, 0, NULL);
	if (p == NULL || jsonpatch_apply(&doc, p, err, sizeof(err)) != 0) {
		printf("Bail out! bad test patch %s: %s\n", patch, err);
		exit(1);
	}
	json_decref(p);
	return doc;
}

static int
has_error(const struct manifest_errors *e, const char *path, const char *msg,
    int missing)
{
	size_t	 i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->e[i].path, path) == 0 &&
		    strcmp(e->e[i].msg, msg) == 0 &&
		    e->e[i].expected_missing == missing)
			return 1;
	return 0;
}

static void
dump(const struct manifest_errors *e)
{
	char	 buf[4096];

	manifest_errors_format(e, buf, sizeof(buf));
	tap_diag("errors:\n# %s", buf);
}

/* The patch must make validation fail with exactly this error (only). */
static void
invalid(const char *patch, const char *path, const char *msg, int missing)
{
	struct manifest		*m = NULL;
	struct manifest_errors	 e, v;
	json_t			*doc = patched(patch);
	int			 rc;

	rc = parse_json(doc, &m, &e);
	manifest_errors_init(&v);
	ok(rc == 0 && manifest_validate(m, &v) == -1 &&
	    manifest_errors_count(&v) == 1 && has_error(&v, path, msg, missing),
	    "%s: %s%s", path, msg, missing ? " (expected missing)" : "");
	if (rc != 0)
		dump(&e);
	else if (manifest_errors_count(&v) != 1 ||
	    !has_error(&v, path, msg, missing))
		dump(&v);
	manifest_free(m);
	json_decref(doc);
}

/* The patch must make parsing fail with this error among others. */
static void
unparsable(const char *patch, const char *path, const char *msg)
{
	struct manifest		*m = NULL;
	struct manifest_errors	 e;
	json_t			*doc = patched(patch);
	int			 rc;

	rc = parse_json(doc, &m, &e);
	ok(rc == -1 && m == NULL && has_error(&e, path, msg, 0),
	    "parse error %s: %s", path, msg);
	if (rc != -1 || !has_error(&e, path, msg, 0))
		dump(&e);
	manifest_free(m);
	json_decref(doc);
}

static void
test_valid(void)
{
	struct manifest			*m;
	struct manifest_errors		 e, v;
	const struct manifest_policy	*p;
	const struct manifest_blob	*ss;
	json_t				*doc = base();
	uint8_t				 h[32], meas[48];
	size_t				 n;

	ok(parse_json(doc, &m, &e) == 0, "base manifest parses");
	manifest_errors_init(&v);
	ok(manifest_validate(m, &v) == 0, "base manifest validates");
	if (manifest_errors_count(&v))
		dump(&v);
	is_int(m->n_policies, 2, "two policies");
	/* Sorted by key: H2 (1c..) before H1 (ef..). */
	is_str(m->policies[0].hash_hex, H2, "policies sorted by hash");
	hex_decode(H1, 64, h, 32);
	p = manifest_policy_lookup(m, h);
	ok(p != NULL && p->role == MANIFEST_ROLE_COORDINATOR &&
	    p->n_sans == 2 && strcmp(p->sans[1], "*") == 0 &&
	    strcmp(p->workload_secret_id,
	    "apps/v1/StatefulSet/default/coordinator") == 0,
	    "policy lookup by hash gives SANs, secret id and role");
	h[0] ^= 1;
	ok(manifest_policy_lookup(m, h) == NULL, "unknown hash: no policy");
	is_int(manifest_coordinator_count(m), 1, "one coordinator");

	ok(m->refvals.n_snp == 1 && m->refvals.n_tdx == 1, "one SNP, one TDX");
	hex_decode(MEAS, 96, meas, 48);
	ok(m->refvals.snp[0].platform == ATTEST_PLATFORM_SNP &&
	    m->refvals.snp[0].product == SNP_PRODUCT_GENOA &&
	    strcmp(m->refvals.snp[0].platform_name, "Metal-QEMU-SNP") == 0 &&
	    memcmp(m->refvals.snp[0].measurement, meas, 48) == 0,
	    "SNP platform, product and measurement");
	ok(m->refvals.snp[0].min_tcb.bootloader == 7 &&
	    m->refvals.snp[0].min_tcb.tee == 0 &&
	    m->refvals.snp[0].min_tcb.snp == 15 &&
	    m->refvals.snp[0].min_tcb.microcode == 72,
	    "SNP minimum TCB");
	ok(m->refvals.snp[0].guest_policy.smt == 1 &&
	    m->refvals.snp[0].platform_info.smt_enabled == 1 &&
	    m->refvals.snp[0].platform_info.ecc_enabled == 1 &&
	    m->refvals.snp[0].platform_info.tsme_enabled == 0,
	    "SNP guest policy and platform info");
	ok(m->refvals.snp[0].min_mitigation_vector == 9 &&
	    m->refvals.snp[0].n_allowed_chip_ids == 1 &&
	    m->refvals.snp[0].allowed_chip_ids[0][0] == 0xed &&
	    m->refvals.snp[0].allowed_chip_ids[0][63] == 0x96,
	    "SNP mitigation vector and chip id (upper-case hex read)");
	ok(m->refvals.snp[0].has_ap_eip &&
	    memcmp(m->refvals.snp[0].ap_eip, "\x00\x80\xb0\x04", 4) == 0,
	    "SNP APEIP");
	ok(m->refvals.tdx[0].mr_td[0] == 0xcc && m->refvals.tdx[0].mr_seam[47]
	    == 0xab && m->refvals.tdx[0].rtmrs[0][0] == 0x01 &&
	    m->refvals.tdx[0].rtmrs[3][47] == 0x04 &&
	    m->refvals.tdx[0].xfam[0] == 0xe7 &&
	    m->refvals.tdx[0].min_tcb_evaluation_data_number == 17,
	    "TDX measurements");
	ok(m->refvals.tdx[0].n_allowed_piids == 1 &&
	    m->refvals.tdx[0].allowed_piids[0][0] == 0xdc &&
	    m->refvals.tdx[0].memory_integrity &&
	    !m->refvals.tdx[0].smt_disabled &&
	    m->refvals.tdx[0].static_platform &&
	    memcmp(m->refvals.tdx[0].td_attributes,
	    "\x00\x00\x00\x10\x00\x00\x00\x00", 8) == 0,
	    "TDX PIIDs, PCK flags, fixed TD attributes");

	ok(manifest_owner_key_allowed(m, ec_der, ec_len),
	    "owner key from WorkloadOwnerPubKeys allowed");
	ok(manifest_owner_key_allowed(m, ec2_der, ec2_len),
	    "owner key whose SHA-256 is in WorkloadOwnerKeyDigests allowed");
	ec_der[ec_len - 1] ^= 1;
	ok(!manifest_owner_key_allowed(m, ec_der, ec_len),
	    "a different key is not an owner");
	ec_der[ec_len - 1] ^= 1;
	ok(!manifest_owner_key_allowed(m, ec_der, ec_len - 1),
	    "a truncated key is not an owner");
	is_int(manifest_owner_count(m), 2, "two owner entries");
	ss = manifest_seedshare_keys(m, &n);
	ok(n == 1 && ss[0].len == strlen(rsa_hex) / 2 &&
	    strcmp(m->seedshare_keys_hex[0], rsa_hex) == 0,
	    "seed share owner key as PKCS#1 DER");
	is_str(m->min_api_version, "v1", "MinimumAPIVersion");
	manifest_free(m);
	json_decref(doc);
}

static void
test_rules(void)
{
	char	 p[512];

	/* 1.5.1 policy keys and roles */
	invalid("[{\"op\":\"move\",\"from\":\"/Policies/" H2 "\",\"path\":"
	    "\"/Policies/abc\"}]", "Policies[\"abc\"]",
	    "decoding policy hash \"abc\": encoding/hex: odd length hex "
	    "string", 0);
	invalid("[{\"op\":\"move\",\"from\":\"/Policies/" H2 "\",\"path\":"
	    "\"/Policies/abcd\"}]", "Policies[\"abcd\"]",
	    "invalid policy hash length: 4 (expected 64)", 0);
	invalid("[{\"op\":\"move\",\"from\":\"/Policies/" H2 "\",\"path\":"
	    "\"/Policies/zz\"}]", "Policies[\"zz\"]",
	    "decoding policy hash \"zz\": encoding/hex: invalid byte: "
	    "U+007A 'z'", 0);
	invalid("[{\"op\":\"add\",\"path\":\"/Policies/" H2 "/Role\","
	    "\"value\":\"admin\"}]", "Policies[\"" H2 "\"].Role",
	    "unknown role: admin", 0);
	invalid("[{\"op\":\"add\",\"path\":\"/Policies/" H2 "/Role\","
	    "\"value\":\"contrast-node-installer\"}]",
	    "Policies[\"" H2 "\"].Role",
	    "unknown role: contrast-node-installer", 0);
	/* An upper-case copy of a key names the same policy. */
	snprintf(p, sizeof(p), "[{\"op\":\"copy\",\"from\":\"/Policies/" H2
	    "\",\"path\":\"/Policies/%s\"}]",
	    "1C24233516F95303D174B7D61DD4BB447A141468186DBCB9EED696CEF4461DFC");
	invalid(p, "Policies[\"1c24233516f95303d174b7d61dd4bb447a141468186dbc"
	    "b9eed696cef4461dfc\"]", "duplicate policy hash", 0);
	/* 1.5.2 a coordinator */
	invalid("[{\"op\":\"remove\",\"path\":\"/Policies/" H1 "/Role\"}]", "",
	    "expected at least 1 policy with role 'coordinator'", 0);
	/* 1.5.3 reference values */
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues\","
	    "\"value\":{}}]", "ReferenceValues",
	    "reference values in manifest cannot be empty. Is the chosen "
	    "platform supported?", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "MinimumTCB/BootloaderVersion\",\"value\":null}]",
	    "ReferenceValues.snp[0].MinimumTCB.BootloaderVersion",
	    "expected value missing", 1);
	invalid("[{\"op\":\"remove\",\"path\":\"/ReferenceValues/snp/0/"
	    "MinimumTCB/MicrocodeVersion\"}]",
	    "ReferenceValues.snp[0].MinimumTCB.MicrocodeVersion",
	    "expected value missing", 1);
	invalid("[{\"op\":\"add\",\"path\":\"/ReferenceValues/snp/0/"
	    "MinimumTCB/FMCVersion\",\"value\":1}]",
	    "ReferenceValues.snp[0].MinimumTCB.FMCVersion",
	    "only Turin has an FMC version", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "ProductName\",\"value\":\"Turin\"}]",
	    "ReferenceValues.snp[0].MinimumTCB.FMCVersion",
	    "expected value missing", 1);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "ProductName\",\"value\":\"Naples\"}]",
	    "ReferenceValues.snp[0].ProductName",
	    "unknown product name: Naples", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "ProductName\",\"value\":\"\"}]",
	    "ReferenceValues.snp[0].ProductName", "expected value missing", 1);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "TrustedMeasurement\",\"value\":\"abcd\"}]",
	    "ReferenceValues.snp[0].TrustedMeasurement",
	    "invalid length: 4 (expected 96)", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "TrustedMeasurement\",\"value\":\"0g0000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000\"}]",
	    "ReferenceValues.snp[0].TrustedMeasurement",
	    "encoding/hex: invalid byte: U+0067 'g'", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "TrustedMeasurement\",\"value\":\"\"}]",
	    "ReferenceValues.snp[0].TrustedMeasurement",
	    "expected value missing", 1);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "GuestPolicy/ABIMajor\",\"value\":1}]",
	    "ReferenceValues.snp[0].GuestPolicy.ABIMajor",
	    "modifying this field is not permitted", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "GuestPolicy/ABIMinor\",\"value\":5}]",
	    "ReferenceValues.snp[0].GuestPolicy.ABIMinor",
	    "modifying this field is not permitted", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "GuestPolicy/SMT\",\"value\":false}]",
	    "ReferenceValues.snp[0].GuestPolicy.SMT",
	    "modifying this field is not permitted", 0);
	{
		static const char *const deny[] = { "MigrateMA", "Debug",
		    "SingleSocket", "CXLAllowed", "MemAES256XTS", "RAPLDis",
		    "CipherTextHidingDRAM" };
		char	 path[128];
		size_t	 i;

		for (i = 0; i < 7; i++) {
			snprintf(p, sizeof(p), "[{\"op\":\"replace\",\"path\":"
			    "\"/ReferenceValues/snp/0/GuestPolicy/%s\","
			    "\"value\":true}]", deny[i]);
			snprintf(path, sizeof(path),
			    "ReferenceValues.snp[0].GuestPolicy.%s", deny[i]);
			invalid(p, path, "modifying this field is not "
			    "permitted", 0);
		}
	}
	invalid("[{\"op\":\"add\",\"path\":\"/ReferenceValues/snp/0/"
	    "AllowedChipIDs/-\",\"value\":\"abcd\"}]",
	    "ReferenceValues.snp[0].AllowedChipIDs[1]",
	    "invalid length: 4 (expected 128)", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "APEIP\",\"value\":\"0080\"}]", "ReferenceValues.snp[0].APEIP",
	    "invalid length: 4 (expected 8)", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/tdx/0/"
	    "MrTd\",\"value\":\"cc\"}]", "ReferenceValues.tdx[0].MrTd",
	    "invalid length: 2 (expected 96)", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/tdx/0/"
	    "MrSeam\",\"value\":\"\"}]", "ReferenceValues.tdx[0].MrSeam",
	    "expected value missing", 1);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/tdx/0/"
	    "MrSeam\",\"value\":\"ab\"}]", "ReferenceValues.tdx[0].MrSeam",
	    "invalid length: 2 (expected 96)", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/tdx/0/"
	    "Xfam\",\"value\":\"e7020600\"}]", "ReferenceValues.tdx[0].Xfam",
	    "invalid length: 8 (expected 16)", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/tdx/0/"
	    "Rtmrs/2\",\"value\":\"\"}]", "ReferenceValues.tdx[0].RTMR[3]",
	    "invalid length: 0 (expected 96)", 0);
	invalid("[{\"op\":\"remove\",\"path\":\"/ReferenceValues/tdx/0/"
	    "Rtmrs/3\"}]", "ReferenceValues.tdx[0].RTMR[4]",
	    "invalid length: 0 (expected 96)", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/tdx/0/"
	    "AllowedPIIDs/0\",\"value\":\"dcce\"}]",
	    "ReferenceValues.tdx[0].AllowedPIIDs[0]",
	    "invalid length: 4 (expected 32)", 0);
	/* 1.5.4 and the simulated platform */
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "Platform\",\"value\":\"Sim-SNP\"},{\"op\":\"remove\","
	    "\"path\":\"/ReferenceValues/tdx\"}]",
	    "ReferenceValues.snp[0].SimulatedARKDigest",
	    "required for the simulated platform", 0);
	invalid("[{\"op\":\"add\",\"path\":\"/ReferenceValues/snp/0/"
	    "SimulatedARKDigest\",\"value\":\"" M48("00") "\"}]",
	    "ReferenceValues.snp[0].SimulatedARKDigest",
	    "only allowed for a simulated platform (Platform \"Sim-...\")",
	    0);
	invalid("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "Platform\",\"value\":\"sim-snp\"},{\"op\":\"add\",\"path\":"
	    "\"/ReferenceValues/snp/0/SimulatedARKDigest\",\"value\":"
	    "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	    "\"}]", "ReferenceValues",
	    "must not mix secure and insecure platforms", 0);
	invalid("[{\"op\":\"remove\",\"path\":\"/ReferenceValues/snp\"},"
	    "{\"op\":\"replace\",\"path\":\"/ReferenceValues/tdx/0/Platform\","
	    "\"value\":\"Sim-TDX\"}]", "ReferenceValues.tdx[0].Platform",
	    "there is no simulated TDX platform", 0);
	/* 1.5.5 / 1.5.6 keys */
	invalid("[{\"op\":\"replace\",\"path\":\"/WorkloadOwnerPubKeys/0\","
	    "\"value\":\"zz\"}]", "WorkloadOwnerPubKeys[0]",
	    "encoding/hex: invalid byte: U+007A 'z'", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/WorkloadOwnerPubKeys/0\","
	    "\"value\":\"3000\"}]", "WorkloadOwnerPubKeys[0]",
	    "not a PKIX public key", 0);
	{
		char *q;

		if (asprintf(&q, "[{\"op\":\"replace\",\"path\":"
		    "\"/WorkloadOwnerPubKeys/0\",\"value\":\"%s\"}]",
		    rsa_pkix_hex) > 0) {
			invalid(q, "WorkloadOwnerPubKeys[0]",
			    "not an ECDSA public key", 0);
			free(q);
		}
		if (asprintf(&q, "[{\"op\":\"replace\",\"path\":"
		    "\"/WorkloadOwnerPubKeys/0\",\"value\":\"%s00\"}]",
		    ec_hex) > 0) {
			invalid(q, "WorkloadOwnerPubKeys[0]",
			    "trailing bytes after key", 0);
			free(q);
		}
		if (asprintf(&q, "[{\"op\":\"replace\",\"path\":"
		    "\"/SeedshareOwnerPubKeys/0\",\"value\":\"%s\"}]",
		    ec_hex) > 0) {
			invalid(q, "SeedshareOwnerPubKeys[0]",
			    "not a PKCS#1 RSA public key", 0);
			free(q);
		}
		if (asprintf(&q, "[{\"op\":\"replace\",\"path\":"
		    "\"/SeedshareOwnerPubKeys/0\",\"value\":\"%s00\"}]",
		    rsa_hex) > 0) {
			invalid(q, "SeedshareOwnerPubKeys[0]",
			    "not a PKCS#1 RSA public key", 0);
			free(q);
		}
	}
	invalid("[{\"op\":\"replace\",\"path\":\"/WorkloadOwnerKeyDigests/0\","
	    "\"value\":\"abcd\"}]", "WorkloadOwnerKeyDigests[0]",
	    "invalid length: 4 (expected 64)", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/WorkloadOwnerKeyDigests/0\","
	    "\"value\":\"abc\"}]", "WorkloadOwnerKeyDigests[0]",
	    "encoding/hex: odd length hex string", 0);
	invalid("[{\"op\":\"replace\",\"path\":\"/MinimumAPIVersion\","
	    "\"value\":\"1\"}]", "MinimumAPIVersion",
	    "invalid API version (expected v<number>)", 0);

	/* Shape errors fail parsing. */
	unparsable("[{\"op\":\"add\",\"path\":\"/Foo\",\"value\":1}]", "Foo",
	    "unknown field");
	unparsable("[{\"op\":\"add\",\"path\":\"/ReferenceValues/snp/0/Foo\","
	    "\"value\":1}]", "ReferenceValues.snp[0].Foo", "unknown field");
	unparsable("[{\"op\":\"add\",\"path\":\"/ReferenceValues/tdx/0/"
	    "MinimumQeSvn\",\"value\":1}]",
	    "ReferenceValues.tdx[0].MinimumQeSvn", "unknown field");
	unparsable("[{\"op\":\"replace\",\"path\":\"/Policies\",\"value\":[]}]",
	    "Policies", "expected an object, got array");
	unparsable("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "MinimumTCB/SNPVersion\",\"value\":256}]",
	    "ReferenceValues.snp[0].MinimumTCB.SNPVersion",
	    "value out of range for uint8");
	unparsable("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "MinimumTCB/SNPVersion\",\"value\":\"1\"}]",
	    "ReferenceValues.snp[0].MinimumTCB.SNPVersion",
	    "expected an integer, got string");
	unparsable("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "GuestPolicy/SMT\",\"value\":1}]",
	    "ReferenceValues.snp[0].GuestPolicy.SMT",
	    "expected a boolean, got integer");
	unparsable("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "MinimumMitigationVector\",\"value\":-1}]",
	    "ReferenceValues.snp[0].MinimumMitigationVector", "out of range");
	unparsable("[{\"op\":\"add\",\"path\":\"/ReferenceValues/tdx/0/"
	    "Rtmrs/-\",\"value\":\"\"}]", "ReferenceValues.tdx[0].Rtmrs",
	    "has 5 entries, expected 4");
	unparsable("[{\"op\":\"add\",\"path\":\"/ReferenceValues/tdx/0/"
	    "Rtrms\",\"value\":[]}]", "ReferenceValues.tdx[0].Rtrms",
	    "both Rtmrs and its old name Rtrms are set");
	unparsable("[{\"op\":\"add\",\"path\":\"/WorkloadOwnerPubKeys/-\","
	    "\"value\":1}]", "WorkloadOwnerPubKeys[1]",
	    "expected a string, got integer");
	unparsable("[{\"op\":\"add\",\"path\":\"/ReferenceValues/SNP\","
	    "\"value\":{}}]", "ReferenceValues",
	    "mixes the <= v0.7 shape (SNP, TrustedMeasurement) with the "
	    "current one (snp, tdx)");
}

/* All errors are collected, in upstream's order, missing ones flagged. */
static void
test_collect(void)
{
	struct manifest		*m;
	struct manifest_errors	 e, v;
	json_t			*doc;
	char			 buf[2048];

	doc = patched("[{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/"
	    "MinimumTCB/TEEVersion\",\"value\":null},"
	    "{\"op\":\"replace\",\"path\":\"/ReferenceValues/snp/0/GuestPolicy/"
	    "Debug\",\"value\":true},"
	    "{\"op\":\"remove\",\"path\":\"/Policies/" H1 "/Role\"},"
	    "{\"op\":\"replace\",\"path\":\"/ReferenceValues/tdx/0/MrSeam\","
	    "\"value\":\"\"}]");
	ok(parse_json(doc, &m, &e) == 0, "manifest with four problems parses");
	manifest_errors_init(&v);
	ok(manifest_validate(m, &v) == -1 && manifest_errors_count(&v) == 4 &&
	    v.n_missing == 2 && !manifest_errors_only_missing(&v),
	    "all four errors collected, two expected missing");
	manifest_errors_format(&v, buf, sizeof(buf));
	is_str(buf, "expected at least 1 policy with role 'coordinator'\n"
	    "ReferenceValues.snp[0].MinimumTCB.TEEVersion: expected value "
	    "missing\n"
	    "ReferenceValues.snp[0].GuestPolicy.Debug: modifying this field "
	    "is not permitted\n"
	    "ReferenceValues.tdx[0].MrSeam: expected value missing",
	    "errors formatted one per line, in order");
	manifest_free(m);
	json_decref(doc);
}

static void
test_bytes(void)
{
	struct manifest		*m;
	struct manifest_errors	 e;
	uint8_t			*big, h[32];
	char			 hex[65];
	size_t			 i;

	manifest_errors_init(&e);
	ok(manifest_parse((const uint8_t *)"{\"Policies\":{},\"Policies\":{}}",
	    29, &m, &e) == -1 && strstr(e.e[0].msg, "duplicate") != NULL,
	    "duplicate keys refused (%s)", e.e[0].msg);
	manifest_errors_init(&e);
	ok(manifest_parse((const uint8_t *)"{} {}", 5, &m, &e) == -1 &&
	    strstr(e.e[0].msg, "invalid JSON") != NULL,
	    "trailing garbage refused (%s)", e.e[0].msg);
	manifest_errors_init(&e);
	ok(manifest_parse((const uint8_t *)"[]", 2, &m, &e) == -1 &&
	    strcmp(e.e[0].msg, "manifest: expected an object, got array") == 0,
	    "non-object manifest refused");
	manifest_errors_init(&e);
	ok(manifest_parse((const uint8_t *)"{\"a\":\"\\u0000\"}", 14, &m, &e)
	    == -1, "NUL inside a string refused");
	manifest_errors_init(&e);
	ok(manifest_parse((const uint8_t *)"{\"a\":\"\xff\"}", 8, &m, &e) == -1,
	    "invalid UTF-8 refused");
	big = malloc(MANIFEST_MAX_SIZE + 1);
	memset(big, ' ', MANIFEST_MAX_SIZE + 1);
	big[0] = '{';
	big[MANIFEST_MAX_SIZE] = '}';
	manifest_errors_init(&e);
	ok(manifest_parse(big, MANIFEST_MAX_SIZE + 1, &m, &e) == -1 &&
	    strstr(e.e[0].msg, "more than the limit") != NULL,
	    "manifest over 1 MiB refused before parsing");
	/* 40 nested arrays under a known key. */
	for (i = 0; i < 40; i++)
		big[i] = '[';
	for (i = 0; i < 40; i++)
		big[40 + i] = ']';
	manifest_errors_init(&e);
	ok(manifest_parse(big, 80, &m, &e) == -1 &&
	    strstr(e.e[0].msg, "nested deeper") != NULL,
	    "nesting deeper than %d refused", MANIFEST_MAX_DEPTH);
	free(big);

	manifest_hash((const uint8_t *)"abc", 3, h);
	hex_encode(h, 32, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "manifest hash is SHA-256 of the bytes");
}

static void
test_legacy_and_refvals(const char *srcdir)
{
	struct manifest		*m;
	struct manifest_errors	 e, v;
	struct refvals		 rv;
	uint8_t			*buf;
	size_t			 len;
	char			 path[4096], err[256];

	snprintf(path, sizeof(path), "%s/tests/data/manifests/legacy-v0.7.json",
	    srcdir);
	ok(file_read(path, MANIFEST_MAX_SIZE, &buf, &len, err, sizeof(err))
	    == 0, "read %s", path);
	manifest_errors_init(&e);
	ok(manifest_parse(buf, len, &m, &e) == 0 && m->legacy_refvals &&
	    m->n_policies == 1 && m->policies[0].n_sans == 2 &&
	    strcmp(m->policies[0].sans[1], "web.default.svc.cluster.local")
	    == 0 && m->policies[0].role == MANIFEST_ROLE_NONE,
	    "<= v0.7 manifest parses: policy value is the SAN list");
	free(buf);
	if (m != NULL) {
		ok(m->refvals.n_snp == 1 &&
		    m->refvals.snp[0].product == SNP_PRODUCT_MILAN &&
		    m->refvals.snp[0].min_tcb.snp == 8 &&
		    m->refvals.snp[0].min_tcb.microcode == 115 &&
		    m->refvals.snp[0].measurement[0] == 0x05 &&
		    m->n_owner_key_digests == 1,
		    "<= v0.7 reference values become one Milan SNP entry");
		manifest_errors_init(&v);
		ok(manifest_validate(m, &v) == -1 &&
		    manifest_errors_count(&v) == 1 && has_error(&v, "",
		    "expected at least 1 policy with role 'coordinator'", 0),
		    "<= v0.7 manifest fails only the newest coordinator rule");
		manifest_free(m);
	}

	snprintf(path, sizeof(path), "%s/tests/data/manifests/sim-refvals.json",
	    srcdir);
	file_read(path, MANIFEST_MAX_SIZE, &buf, &len, err, sizeof(err));
	manifest_errors_init(&e);
	ok(manifest_parse_refvals(buf, len, &rv, &e) == 0 && rv.n_snp == 1 &&
	    rv.snp[0].platform == ATTEST_PLATFORM_SIM_SNP &&
	    rv.snp[0].sim_ark_sha256[0] == 0xe3 &&
	    rv.snp[0].sim_ark_sha256[31] == 0x55,
	    "bare simulated ReferenceValues parse and validate");
	if (manifest_errors_count(&e))
		dump(&e);
	refvals_free(&rv);
	free(buf);
	manifest_errors_init(&e);
	ok(manifest_parse_refvals((const uint8_t *)"{\"snp\":[{}]}", 12, &rv,
	    &e) == -1 && has_error(&e,
	    "ReferenceValues.snp[0].MinimumTCB.BootloaderVersion",
	    "expected value missing", 1) && rv.snp == NULL,
	    "bare ReferenceValues with gaps refused with paths");
	manifest_errors_init(&e);
	ok(manifest_parse_refvals((const uint8_t *)"{\"snp\":[],\"x\":1}", 16,
	    &rv, &e) == -1 && has_error(&e, "ReferenceValues.x",
	    "unknown field", 0), "bare ReferenceValues: unknown field");
}

static void
test_writer(const char *srcdir)
{
	static const char unsorted[] = "{\"n\":[1,-2,1.5,1e21,1e-7,0.000001,"
	    "123456789012,1e20,0.1,-0.25,1.2345678901234568e-300],"
	    "\"d\":{\"z\":null,\"y\":true,\"x\":false},\"c\":[],"
	    "\"b\":[\"x<y>&z\",\"a\\/b\",\"\\u2028\\u2029\","
	    "\"tab\\there\\n\\r\\b\\f\",\"\\u0001\\u001f\\\"\\\\\","
	    "\"\\u00e9\\u4e2d\\ud83d\\ude00\"],\"a\":{}}";
	struct manifest		*m;
	struct manifest_errors	 e;
	json_t			*doc;
	uint8_t			*want;
	char			*out = NULL, *out2 = NULL, path[4096], err[256];
	size_t			 wantlen, len = 0, len2 = 0;

	snprintf(path, sizeof(path), "%s/tests/data/manifests/go-written.json",
	    srcdir);
	ok(file_read(path, 65536, &want, &wantlen, err, sizeof(err)) == 0,
	    "read go-written.json");
	doc = json_loads(unsorted, JSON_REJECT_DUPLICATES, NULL);
	ok(doc != NULL && manifest_write(doc, &out, &len, err, sizeof(err))
	    == 0, "write a value");
	ok(len == wantlen && memcmp(out, want, len) == 0,
	    "bytes equal Go's MarshalIndent: sorted keys, 2 spaces, HTML "
	    "escapes, U+2028/9, unescaped /, Go floats, trailing newline");
	if (len != wantlen || memcmp(out, want, len) != 0)
		tap_diag("got:\n%s", out);
	free(out);
	json_decref(doc);
	free(want);

	/* parse -> write -> parse -> write is a fixed point. */
	doc = base();
	manifest_write(doc, &out, &len, err, sizeof(err));
	manifest_errors_init(&e);
	ok(manifest_parse((uint8_t *)out, len, &m, &e) == 0,
	    "written manifest parses");
	ok(m != NULL && manifest_write(m->doc, &out2, &len2, err,
	    sizeof(err)) == 0 && len == len2 && memcmp(out, out2, len) == 0,
	    "parse -> write -> parse -> write is stable");
	ok(out[len - 1] == '\n' && strncmp(out, "{\n  \"MinimumAPIVersion\"",
	    23) == 0 && strstr(out, "\n    \"" H2 "\": {\n") != NULL,
	    "sorted keys, 2-space indent, trailing newline");
	free(out);
	free(out2);
	manifest_free(m);
	json_decref(doc);
}

static void
test_san(void)
{
	uint8_t	 ip[16];
	size_t	 n;

	ok(manifest_san_kind("10.0.0.1", ip, &n) == MANIFEST_SAN_IP && n == 4 &&
	    memcmp(ip, "\x0a\x00\x00\x01", 4) == 0, "IPv4 SAN");
	ok(manifest_san_kind("::1", ip, &n) == MANIFEST_SAN_IP && n == 16 &&
	    ip[15] == 1, "IPv6 SAN");
	ok(manifest_san_kind("::ffff:1.2.3.4", ip, &n) == MANIFEST_SAN_IP &&
	    n == 4 && ip[3] == 4, "v4-mapped IPv6 is written as 4 bytes");
	ok(manifest_san_kind("spiffe://example.org/web", NULL, NULL) ==
	    MANIFEST_SAN_URI, "SPIFFE ID is a URI SAN");
	ok(manifest_san_kind("https://a.example/x%20y", NULL, NULL) ==
	    MANIFEST_SAN_URI, "https URL is a URI SAN");
	ok(manifest_san_kind("*", NULL, NULL) == MANIFEST_SAN_DNS, "* is DNS");
	ok(manifest_san_kind("web.default.svc.cluster.local", NULL, NULL) ==
	    MANIFEST_SAN_DNS, "host name is DNS");
	ok(manifest_san_kind("01.2.3.4", NULL, &n) == MANIFEST_SAN_DNS &&
	    n == 0, "leading zero: not an IP (as Go), DNS");
	ok(manifest_san_kind("1.2.3", NULL, NULL) == MANIFEST_SAN_DNS,
	    "short IPv4 form is DNS");
	ok(manifest_san_kind("fe80::1%eth0", NULL, NULL) == MANIFEST_SAN_DNS,
	    "IPv6 with zone is not an IP");
	ok(manifest_san_kind("a b:c", NULL, NULL) == MANIFEST_SAN_DNS,
	    "space before the colon: no scheme, DNS");
	ok(manifest_san_kind("x:%zz", NULL, NULL) == MANIFEST_SAN_DNS,
	    "bad %%-escape: URL does not parse, DNS");
	ok(manifest_san_kind("1abc:foo", NULL, NULL) == MANIFEST_SAN_DNS,
	    "scheme must start with a letter");
}

static void
test_seedshares(void)
{
	static const char doc[] = "{\n  \"SeedShares\": [\n    {\n"
	    "      \"EncryptedSeed\": \"AAECAw==\",\n"
	    "      \"PublicKey\": \"3082\"\n    }\n  ],\n"
	    "  \"salt\": \"/w==\"\n}\n";
	struct manifest_seedshares	 d;
	char				*out, err[256];
	size_t				 len;

	ok(manifest_seedshares_parse((const uint8_t *)doc, sizeof(doc) - 1, &d,
	    err, sizeof(err)) == 0 && d.n_shares == 1 &&
	    strcmp(d.shares[0].public_key_hex, "3082") == 0 &&
	    d.shares[0].encrypted_seed_len == 4 &&
	    memcmp(d.shares[0].encrypted_seed, "\0\1\2\3", 4) == 0 &&
	    d.salt_len == 1 && d.salt[0] == 0xff, "seed-shares.json parses");
	ok(manifest_seedshares_write(&d, &out, &len, err, sizeof(err)) == 0 &&
	    len == sizeof(doc) - 1 && memcmp(out, doc, len) == 0,
	    "seed-shares.json written back byte for byte");
	free(out);
	manifest_seedshares_free(&d);
	ok(manifest_seedshares_parse((const uint8_t *)"{\"salt\":\"AA=\"}", 14,
	    &d, err, sizeof(err)) == -1 && strstr(err, "salt") != NULL,
	    "bad base64 refused, naming the field");
	ok(manifest_seedshares_parse((const uint8_t *)"{\"salt\":\"AB==\"}", 15,
	    &d, err, sizeof(err)) == -1, "non-canonical base64 padding bits "
	    "refused");
	ok(manifest_seedshares_parse((const uint8_t *)"{\"Salt\":\"AA==\"}", 15,
	    &d, err, sizeof(err)) == -1 && strstr(err, "unknown field") != NULL,
	    "unknown field refused");
	ok(manifest_seedshares_parse((const uint8_t *)"{\"SeedShares\":[{"
	    "\"PublicKey\":\"zz\",\"EncryptedSeed\":\"AA==\"}]}", 58, &d, err,
	    sizeof(err)) == -1 && strstr(err, "SeedShares[0].PublicKey") != NULL,
	    "non-hex public key refused");
	ok(manifest_seedshares_parse((const uint8_t *)"{\"SeedShares\":[{"
	    "\"PublicKey\":\"00\"}]}", 35, &d, err, sizeof(err)) == -1 &&
	    strstr(err, "EncryptedSeed: missing") != NULL,
	    "share without EncryptedSeed refused");
}

static void
test_patches(void)
{
	json_t	*doc, *p;
	char	 err[256];

	doc = base();
	p = json_loads("[[{\"op\":\"test\",\"path\":\"/Platform\",\"value\":"
	    "\"Metal-QEMU-SNP\"},{\"op\":\"replace\",\"path\":\"/MinimumTCB/"
	    "SNPVersion\",\"value\":99}],[{\"op\":\"test\",\"path\":"
	    "\"/Platform\",\"value\":\"Metal-QEMU-TDX\"},{\"op\":\"replace\","
	    "\"path\":\"/Xfam\",\"value\":\"0000000000000000\"}]]", 0, NULL);
	ok(manifest_apply_refval_patches(doc, p, err, sizeof(err)) == 0,
	    "patch sets apply");
	is_int(json_integer_value(jsonpointer_get(doc, "/ReferenceValues/snp/0/"
	    "MinimumTCB/SNPVersion", err, sizeof(err))), 99,
	    "SNP set applied to the SNP entry only");
	is_str(json_string_value(jsonpointer_get(doc, "/ReferenceValues/tdx/0/"
	    "Xfam", err, sizeof(err))), "0000000000000000",
	    "TDX set applied to the TDX entry");
	json_decref(p);
	p = json_loads("[[{\"op\":\"replace\",\"path\":\"/MinimumTCB/"
	    "SNPVersion\",\"value\":1}]]", 0, NULL);
	ok(manifest_apply_refval_patches(doc, p, err, sizeof(err)) == -1 &&
	    strstr(err, "patch[0] to TDX") != NULL && json_integer_value(
	    jsonpointer_get(doc, "/ReferenceValues/snp/0/MinimumTCB/SNPVersion",
	    err, sizeof(err))) == 99,
	    "a failing set aborts and changes nothing (SNP part undone)");
	json_decref(p);
	json_decref(doc);
}

int
main(void)
{
	const char	*srcdir = getenv("top_srcdir");

	if (srcdir == NULL)
		srcdir = ".";
	make_keys();
	test_valid();
	test_rules();
	test_collect();
	test_bytes();
	test_legacy_and_refvals(srcdir);
	test_writer(srcdir);
	test_san();
	test_seedshares();
	test_patches();
	free(ec_hex);
	free(ec2_hex);
	free(rsa_hex);
	free(rsa_pkix_hex);
	free(ec_der);
	free(ec2_der);
	return tap_done();
}
