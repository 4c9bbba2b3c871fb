/*
 * The upstream manifests and reference-value patch files of
 * ../shared/k8s-inputs/contrast-manifests: read, validated with the errors
 * upstream gives, written back stably, and the patch files applied as
 * upstream's ReferenceValues.Patch does.  Skips without ../shared.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpatch.h"
#include "manifest.h"
#include "util.h"
#include "tests/tap.h"

static const char	*shared, *srcdir;

static uint8_t *
slurp(const char *dir, const char *name, size_t *len)
{
	char	 path[4096], err[256];
	uint8_t	*buf;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (file_read(path, MANIFEST_MAX_SIZE, &buf, len, err, sizeof(err))
	    == -1) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	return buf;
}

static struct manifest *
load(const char *dir, const char *name, struct manifest_errors *v)
{
	struct manifest_errors	 e;
	struct manifest		*m;
	uint8_t			*buf;
	size_t			 len;
	char			 msg[2048];

	buf = slurp(dir, name, &len);
	manifest_errors_init(&e);
	ok(manifest_parse(buf, len, &m, &e) == 0, "%s parses", name);
	free(buf);
	if (m == NULL) {
		manifest_errors_format(&e, msg, sizeof(msg));
		tap_diag("%s", msg);
		exit(1);
	}
	manifest_errors_init(v);
	manifest_validate(m, v);
	return m;
}

/* parse -> write -> parse -> write gives identical bytes. */
static void
stable(const struct manifest *m, const char *name)
{
	struct manifest_errors	 e;
	struct manifest		*m2;
	char			*a, *b = NULL, err[128];
	size_t			 alen, blen = 0;

	manifest_write(m->doc, &a, &alen, err, sizeof(err));
	manifest_errors_init(&e);
	ok(manifest_parse((uint8_t *)a, alen, &m2, &e) == 0 &&
	    manifest_write(m2->doc, &b, &blen, err, sizeof(err)) == 0 &&
	    alen == blen && memcmp(a, b, alen) == 0 &&
	    manifest_errors_count(&m2->issues) ==
	    manifest_errors_count(&m->issues),
	    "%s: written form is stable and validates the same", name);
	free(a);
	free(b);
	manifest_free(m2);
}

static void
upstream_manifests(void)
{
	struct manifest_errors	 v;
	struct manifest		*m;
	char			 dir[4096], msg[2048];

	snprintf(dir, sizeof(dir), "%s/k8s-inputs/contrast-manifests", shared);

	m = load(dir, "sdk-verify-test-coordinator-snp.json", &v);
	ok(manifest_errors_count(&v) == 0, "sdk verify test manifest is valid");
	ok(m->refvals.n_snp == 1 && m->refvals.snp[0].product ==
	    SNP_PRODUCT_MILAN && m->refvals.snp[0].min_tcb.snp == 23 &&
	    m->refvals.snp[0].min_tcb.microcode == 213 &&
	    m->refvals.snp[0].has_ap_eip && m->refvals.snp[0].ap_eip[1] == 0x80
	    && m->refvals.snp[0].measurement[0] == 0x05 &&
	    m->refvals.snp[0].platform == ATTEST_PLATFORM_SNP,
	    "its SNP reference values");
	ok(manifest_coordinator_count(m) == 1 &&
	    manifest_owner_count(m) == 0,
	    "one coordinator policy, no owners (immutable)");
	stable(m, "sdk-verify-test-coordinator-snp.json");
	manifest_free(m);

	/*
	 * The security-overview example predates the coordinator policy and
	 * omits GuestPolicy, whose Go zero value has SMT=false: upstream's
	 * current Validate reports exactly these two problems.
	 */
	m = load(dir, "security-overview-two-workloads-snp.json", &v);
	manifest_errors_format(&v, msg, sizeof(msg));
	is_str(msg, "expected at least 1 policy with role 'coordinator'\n"
	    "ReferenceValues.snp[0].GuestPolicy.SMT: modifying this field is "
	    "not permitted", "security overview manifest: upstream's errors");
	ok(m->n_policies == 2 && m->policies[1].n_sans == 5 &&
	    strcmp(m->policies[1].sans[4], "secret.privatemode.ai") == 0 &&
	    m->n_seedshare_keys == 1 && m->seedshare_keys[0].len == 526 &&
	    m->n_owner_key_digests == 1 && m->owner_key_digests[0][0] == 0x89,
	    "its policies, RSA-4096 seed share key and owner digest");
	stable(m, "security-overview-two-workloads-snp.json");
	manifest_free(m);

	/* Placeholder values, but well-formed: upstream accepts it. */
	m = load(dir, "manifest-test-tdx-derived.json", &v);
	ok(manifest_errors_count(&v) == 0, "TDX derived manifest is valid");
	ok(m->refvals.n_tdx == 1 && m->refvals.tdx[0].mr_td[0] == 0xcc &&
	    m->refvals.tdx[0].mr_seam[47] == 0xff &&
	    m->refvals.tdx[0].rtmrs[0][0] == 0x55 &&
	    m->refvals.tdx[0].rtmrs[3][47] == 0x88 &&
	    m->refvals.tdx[0].xfam[7] == 0x44 && m->n_owner_key_digests == 1,
	    "its TDX reference values and owner digest");
	stable(m, "manifest-test-tdx-derived.json");
	manifest_free(m);
}

static json_t *
load_json(const char *dir, const char *name)
{
	json_t	*j;
	uint8_t	*buf;
	size_t	 len;

	buf = slurp(dir, name, &len);
	j = json_loadb((char *)buf, len, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	return j;
}

static void
patch_files(void)
{
	struct manifest_errors	 e, v;
	struct manifest		*m;
	json_t			*doc, *snp, *tdx;
	char			 dir[4096], data[4096], err[256], msg[2048];
	char			*out;
	size_t			 len;

	snprintf(dir, sizeof(dir), "%s/k8s-inputs/contrast-manifests", shared);
	snprintf(data, sizeof(data), "%s/tests/data/manifests", srcdir);

	/* Null TCB fields: only "expected missing" errors. */
	m = load(data, "snp-null-tcb.json", &v);
	manifest_errors_format(&v, msg, sizeof(msg));
	is_str(msg,
	    "ReferenceValues.snp[0].MinimumTCB.BootloaderVersion: expected "
	    "value missing\n"
	    "ReferenceValues.snp[0].MinimumTCB.TEEVersion: expected value "
	    "missing\n"
	    "ReferenceValues.snp[0].MinimumTCB.SNPVersion: expected value "
	    "missing\n"
	    "ReferenceValues.snp[0].MinimumTCB.MicrocodeVersion: expected "
	    "value missing", "null MinimumTCB fields: expected missing");
	ok(manifest_errors_only_missing(&v),
	    "... and nothing but expected missing (generate says fill in)");
	manifest_free(m);

	doc = load_json(data, "snp-platform-genoa.json");
	snp = load_json(dir, "refval-patch-discovery-snp.json");
	tdx = load_json(dir, "refval-patch-dgx-007-tdx.json");
	ok(doc && snp && tdx, "patch files load");
	ok(manifest_apply_refval_patches(doc, snp, err, sizeof(err)) == 0,
	    "discovery SNP patch applies");
	ok(manifest_apply_refval_patches(doc, tdx, err, sizeof(err)) == 0,
	    "dgx-007 TDX patch applies");
	manifest_write(doc, &out, &len, err, sizeof(err));
	manifest_errors_init(&e);
	ok(manifest_parse((uint8_t *)out, len, &m, &e) == 0,
	    "patched manifest parses");
	free(out);
	ok(m->refvals.n_snp == 3 &&
	    m->refvals.snp[0].min_tcb.bootloader == 7 &&
	    m->refvals.snp[0].min_tcb.snp == 15 &&
	    m->refvals.snp[0].min_tcb.microcode == 72 &&
	    m->refvals.snp[0].min_mitigation_vector == 9 &&
	    m->refvals.snp[0].n_allowed_chip_ids == 1 &&
	    m->refvals.snp[0].allowed_chip_ids[0][0] == 0xed,
	    "Metal-QEMU-SNP/Genoa entry patched (set 2)");
	ok(m->refvals.snp[1].min_tcb.snp == 15 &&
	    m->refvals.snp[1].min_mitigation_vector == 9,
	    "Metal-QEMU-SNP-GPU/Genoa entry patched (set 1)");
	ok(m->refvals.snp[2].min_mitigation_vector == 0 &&
	    m->refvals.snp[2].n_allowed_chip_ids == 0,
	    "Milan entry skipped: its test op failed");
	ok(m->refvals.n_tdx == 1 && m->refvals.tdx[0].mr_seam[0] == 0xab &&
	    m->refvals.tdx[0].mr_seam[47] == 0x6b &&
	    m->refvals.tdx[0].n_allowed_piids == 1 &&
	    m->refvals.tdx[0].allowed_piids[0][0] == 0xdc,
	    "Metal-QEMU-TDX entry gets MrSeam and AllowedPIIDs");
	manifest_errors_init(&v);
	manifest_validate(m, &v);
	manifest_errors_format(&v, msg, sizeof(msg));
	is_str(msg,
	    "ReferenceValues.snp[2].MinimumTCB.BootloaderVersion: expected "
	    "value missing\n"
	    "ReferenceValues.snp[2].MinimumTCB.TEEVersion: expected value "
	    "missing\n"
	    "ReferenceValues.snp[2].MinimumTCB.SNPVersion: expected value "
	    "missing\n"
	    "ReferenceValues.snp[2].MinimumTCB.MicrocodeVersion: expected "
	    "value missing", "only the unpatched Milan entry is left to fill in");
	manifest_free(m);
	json_decref(doc);

	/* Upstream's derived TDX manifest has no Platform: nothing applies. */
	doc = load_json(dir, "manifest-test-tdx-derived.json");
	ok(manifest_apply_refval_patches(doc, tdx, err, sizeof(err)) == 0 &&
	    strcmp(json_string_value(jsonpointer_get(doc,
	    "/ReferenceValues/tdx/0/MrSeam", err, sizeof(err))),
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffff") == 0,
	    "patch sets with a failing Platform test leave entries alone");
	json_decref(doc);
	json_decref(snp);
	json_decref(tdx);
}

int
main(void)
{
	if ((shared = tap_shared_dir()) == NULL)
		tap_skip_all("../shared (k8s-inputs) not found; set SHARED_DIR");
	if ((srcdir = getenv("top_srcdir")) == NULL)
		srcdir = ".";
	upstream_manifests();
	patch_files();
	return tap_done();
}
