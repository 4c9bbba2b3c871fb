/*
 * SEV-SNP attestation report: fixed-offset parsing, TCB layouts, product
 * lines and field printing.  No cryptography here (see snp_verify.c).
 * Offsets follow the SNP ABI (attestation.md 1.1).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "snp.h"
#include "util.h"

#define OFF_VERSION		0x000
#define OFF_GUEST_SVN		0x004
#define OFF_POLICY		0x008
#define OFF_FAMILY_ID		0x010
#define OFF_IMAGE_ID		0x020
#define OFF_VMPL		0x030
#define OFF_SIG_ALGO		0x034
#define OFF_CURRENT_TCB		0x038
#define OFF_PLATFORM_INFO	0x040
#define OFF_SIGNER_INFO		0x048
#define OFF_REPORT_DATA		0x050
#define OFF_MEASUREMENT		0x090
#define OFF_HOST_DATA		0x0C0
#define OFF_ID_KEY_DIGEST	0x0E0
#define OFF_AUTHOR_KEY_DIGEST	0x110
#define OFF_REPORT_ID		0x140
#define OFF_REPORT_ID_MA	0x160
#define OFF_REPORTED_TCB	0x180
#define OFF_CPUID		0x188
#define OFF_CHIP_ID		0x1A0
#define OFF_COMMITTED_TCB	0x1E0
#define OFF_CURRENT_VER		0x1E8
#define OFF_COMMITTED_VER	0x1EC
#define OFF_LAUNCH_TCB		0x1F0
#define OFF_LAUNCH_MIT		0x1F8
#define OFF_CURRENT_MIT		0x200
#define OFF_SIG_R		0x2A0
#define OFF_SIG_S		0x2E8
#define SIG_FIELD_LEN		72

#define SNP_SIG_ALGO_ECDSA_P384_SHA384	1
#define POLICY_RESERVED_ONE	(1ULL << 17)
#define POLICY_MBZ_MASK		(~((1ULL << 26) - 1))
#define SIGNER_INFO_MBZ_MASK	(~(uint32_t)0x1f)

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* First non-zero offset in [from, to), or -1. */
static long
nonzero_at(const uint8_t *p, size_t from, size_t to)
{
	size_t	 i;

	for (i = from; i < to; i++)
		if (p[i] != 0)
			return (long)i;
	return -1;
}

/* The reserved (must-be-zero) ranges, depending on the version. */
static int
check_mbz(const uint8_t *p, uint32_t version, char *err, size_t errlen)
{
	struct {
		size_t		 from, to;
		uint32_t	 below;	/* range is MBZ for versions < below */
	} const ranges[] = {
		{ 0x04C, 0x050, 0 },
		{ 0x188, 0x18B, 3 },	/* CPUID bytes: v3+ only */
		{ 0x18B, 0x1A0, 0 },
		{ 0x1EB, 0x1EC, 0 },
		{ 0x1EF, 0x1F0, 0 },
		{ OFF_LAUNCH_MIT, 0x208, 5 },	/* mitigation vectors: v5 */
		{ 0x208, 0x2A0, 0 },
		{ OFF_SIG_R + SNP_SIG_COMPONENT_LEN, OFF_SIG_R + SIG_FIELD_LEN, 0 },
		{ OFF_SIG_S + SNP_SIG_COMPONENT_LEN, OFF_SIG_S + SIG_FIELD_LEN, 0 },
		{ OFF_SIG_S + SIG_FIELD_LEN, SNP_REPORT_LEN, 0 },
	};
	size_t	 i;
	long	 off;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (ranges[i].below != 0 && version >= ranges[i].below)
			continue;
		if ((off = nonzero_at(p, ranges[i].from, ranges[i].to)) >= 0) {
			snprintf(err, errlen, "report: reserved byte at offset "
			    "0x%03lx is 0x%02x, must be zero (version %" PRIu32
			    ")", (unsigned long)off, p[off], version);
			return -1;
		}
	}
	return 0;
}

enum snp_reason
snp_report_parse(const uint8_t *p, size_t len, struct snp_report *r,
    char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	if (p == NULL || len != SNP_REPORT_LEN) {
		snprintf(err, errlen, "report is %zu bytes, want %d",
		    p == NULL ? 0 : len, SNP_REPORT_LEN);
		return SNP_ERR_REPORT_FORMAT;
	}
	memcpy(r->raw, p, SNP_REPORT_LEN);

	r->version = le32(p + OFF_VERSION);
	if (r->version < 2 || r->version > 5) {
		snprintf(err, errlen, "report: VERSION %" PRIu32
		    " not supported (want 2..5)", r->version);
		return SNP_ERR_REPORT_FORMAT;
	}
	r->guest_svn = le32(p + OFF_GUEST_SVN);
	r->policy = le64(p + OFF_POLICY);
	memcpy(r->family_id, p + OFF_FAMILY_ID, sizeof(r->family_id));
	memcpy(r->image_id, p + OFF_IMAGE_ID, sizeof(r->image_id));
	r->vmpl = le32(p + OFF_VMPL);
	r->signature_algo = le32(p + OFF_SIG_ALGO);
	r->current_tcb = le64(p + OFF_CURRENT_TCB);
	r->platform_info = le64(p + OFF_PLATFORM_INFO);
	r->signer_info = le32(p + OFF_SIGNER_INFO);
	r->author_key_en = r->signer_info & 1;
	r->mask_chip_key = (r->signer_info >> 1) & 1;
	r->signing_key = (r->signer_info >> 2) & 7;
	memcpy(r->report_data, p + OFF_REPORT_DATA, sizeof(r->report_data));
	memcpy(r->measurement, p + OFF_MEASUREMENT, sizeof(r->measurement));
	memcpy(r->host_data, p + OFF_HOST_DATA, sizeof(r->host_data));
	memcpy(r->id_key_digest, p + OFF_ID_KEY_DIGEST,
	    sizeof(r->id_key_digest));
	memcpy(r->author_key_digest, p + OFF_AUTHOR_KEY_DIGEST,
	    sizeof(r->author_key_digest));
	memcpy(r->report_id, p + OFF_REPORT_ID, sizeof(r->report_id));
	memcpy(r->report_id_ma, p + OFF_REPORT_ID_MA, sizeof(r->report_id_ma));
	r->reported_tcb = le64(p + OFF_REPORTED_TCB);
	if (r->version >= 3) {
		r->cpuid_fam_id = p[OFF_CPUID];
		r->cpuid_mod_id = p[OFF_CPUID + 1];
		r->cpuid_step = p[OFF_CPUID + 2];
	}
	memcpy(r->chip_id, p + OFF_CHIP_ID, sizeof(r->chip_id));
	r->committed_tcb = le64(p + OFF_COMMITTED_TCB);
	r->current_build = p[OFF_CURRENT_VER];
	r->current_minor = p[OFF_CURRENT_VER + 1];
	r->current_major = p[OFF_CURRENT_VER + 2];
	r->committed_build = p[OFF_COMMITTED_VER];
	r->committed_minor = p[OFF_COMMITTED_VER + 1];
	r->committed_major = p[OFF_COMMITTED_VER + 2];
	r->launch_tcb = le64(p + OFF_LAUNCH_TCB);
	if (r->version >= 5) {
		r->launch_mit_vector = le64(p + OFF_LAUNCH_MIT);
		r->current_mit_vector = le64(p + OFF_CURRENT_MIT);
	}
	memcpy(r->sig_r, p + OFF_SIG_R, sizeof(r->sig_r));
	memcpy(r->sig_s, p + OFF_SIG_S, sizeof(r->sig_s));
	r->product = r->version >= 3 ?
	    snp_product_from_cpuid(r->cpuid_fam_id, r->cpuid_mod_id) :
	    SNP_PRODUCT_UNKNOWN;

	if (r->signature_algo != SNP_SIG_ALGO_ECDSA_P384_SHA384) {
		snprintf(err, errlen, "report: SIGNATURE_ALGO %" PRIu32
		    " not supported (want 1, ECDSA P-384 SHA-384)",
		    r->signature_algo);
		return SNP_ERR_REPORT_FORMAT;
	}
	if ((r->policy & POLICY_RESERVED_ONE) == 0) {
		snprintf(err, errlen, "report: POLICY 0x%" PRIx64
		    " has reserved bit 17 clear, must be 1", r->policy);
		return SNP_ERR_REPORT_FORMAT;
	}
	if ((r->policy & POLICY_MBZ_MASK) != 0) {
		snprintf(err, errlen, "report: POLICY 0x%" PRIx64
		    " has reserved bits 63:26 set", r->policy);
		return SNP_ERR_REPORT_FORMAT;
	}
	if ((r->signer_info & SIGNER_INFO_MBZ_MASK) != 0) {
		snprintf(err, errlen, "report: SIGNER_INFO 0x%" PRIx32
		    " has reserved bits 31:5 set", r->signer_info);
		return SNP_ERR_REPORT_FORMAT;
	}
	if (check_mbz(p, r->version, err, errlen) == -1)
		return SNP_ERR_REPORT_FORMAT;
	return SNP_OK;
}

void
snp_tcb_decode(uint64_t raw, enum snp_product product, struct snp_tcb *t)
{
	memset(t, 0, sizeof(*t));
	if (product == SNP_PRODUCT_TURIN) {
		t->fmc = raw & 0xff;
		t->bootloader = (raw >> 8) & 0xff;
		t->tee = (raw >> 16) & 0xff;
		t->snp = (raw >> 24) & 0xff;
	} else {
		t->bootloader = raw & 0xff;
		t->tee = (raw >> 8) & 0xff;
		t->snp = (raw >> 48) & 0xff;
	}
	t->microcode = (raw >> 56) & 0xff;
}

const char *
snp_product_name(enum snp_product p)
{
	switch (p) {
	case SNP_PRODUCT_MILAN:
		return "Milan";
	case SNP_PRODUCT_GENOA:
		return "Genoa";
	case SNP_PRODUCT_TURIN:
		return "Turin";
	default:
		return "unknown";
	}
}

enum snp_product
snp_product_from_name(const char *name)
{
	static const struct {
		const char		*prefix;
		enum snp_product	 product;
	} names[] = {
		{ "Milan", SNP_PRODUCT_MILAN },
		{ "Genoa", SNP_PRODUCT_GENOA },
		{ "Turin", SNP_PRODUCT_TURIN },
	};
	size_t	 i, n;

	/* "Milan" or "Milan-B0": the stepping suffix is optional. */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = strlen(names[i].prefix);
		if (strncmp(name, names[i].prefix, n) == 0 &&
		    (name[n] == '\0' || name[n] == '-'))
			return names[i].product;
	}
	return SNP_PRODUCT_UNKNOWN;
}

enum snp_product
snp_product_from_cpuid(uint8_t fam, uint8_t mod)
{
	if (fam == 0x19 && mod <= 0x0f)
		return SNP_PRODUCT_MILAN;
	if (fam == 0x19 && ((mod >= 0x10 && mod <= 0x1f) ||
	    (mod >= 0xa0 && mod <= 0xaf)))
		return SNP_PRODUCT_GENOA;
	if (fam == 0x1a && mod <= 0x11)
		return SNP_PRODUCT_TURIN;
	return SNP_PRODUCT_UNKNOWN;
}

/* Field printing: one table drives both the text and the JSON form. */
struct printer {
	FILE	*f;
	int	 json;
	int	 n;
};

static void
pr_key(struct printer *pr, const char *name)
{
	if (pr->json)
		fprintf(pr->f, "%s\"%s\":", pr->n++ ? "," : "", name);
	else
		fprintf(pr->f, "%s: ", name);
}

static void
pr_end(struct printer *pr)
{
	if (!pr->json)
		fputc('\n', pr->f);
}

static void
pr_hex(struct printer *pr, const char *name, const uint8_t *p, size_t len)
{
	char	 buf[2 * SNP_CHIP_ID_LEN + 1];

	hex_encode(p, len, buf);
	pr_key(pr, name);
	fprintf(pr->f, pr->json ? "\"%s\"" : "%s", buf);
	pr_end(pr);
}

static void
pr_u64(struct printer *pr, const char *name, uint64_t v)
{
	pr_key(pr, name);
	fprintf(pr->f, "%" PRIu64, v);
	pr_end(pr);
}

static void
pr_x64(struct printer *pr, const char *name, uint64_t v)
{
	pr_key(pr, name);
	fprintf(pr->f, pr->json ? "\"0x%" PRIx64 "\"" : "0x%" PRIx64, v);
	pr_end(pr);
}

static void
pr_str(struct printer *pr, const char *name, const char *s)
{
	pr_key(pr, name);
	fprintf(pr->f, pr->json ? "\"%s\"" : "%s", s);
	pr_end(pr);
}

static void
pr_tcb(struct printer *pr, const char *name, uint64_t raw,
    enum snp_product product)
{
	struct snp_tcb	 t;

	snp_tcb_decode(raw, product, &t);
	pr_key(pr, name);
	if (pr->json) {
		fprintf(pr->f, "{\"raw\":\"0x%016" PRIx64 "\",", raw);
		if (product == SNP_PRODUCT_TURIN)
			fprintf(pr->f, "\"fmc\":%u,", t.fmc);
		fprintf(pr->f, "\"bootloader\":%u,\"tee\":%u,\"snp\":%u,"
		    "\"microcode\":%u}", t.bootloader, t.tee, t.snp,
		    t.microcode);
	} else {
		fprintf(pr->f, "0x%016" PRIx64 " (", raw);
		if (product == SNP_PRODUCT_TURIN)
			fprintf(pr->f, "fmc=%u ", t.fmc);
		fprintf(pr->f, "bl=%u tee=%u snp=%u ucode=%u)", t.bootloader,
		    t.tee, t.snp, t.microcode);
	}
	pr_end(pr);
}

static void
pr_version(struct printer *pr, const char *name, uint8_t major,
    uint8_t minor, uint8_t build)
{
	char	 buf[16];

	snprintf(buf, sizeof(buf), "%u.%u.%u", major, minor, build);
	pr_str(pr, name, buf);
}

int
snp_report_print(FILE *f, const struct snp_report *r,
    enum snp_product product, int json)
{
	struct printer	 pr = { f, json, 0 };
	char		 buf[16];

	if (product == SNP_PRODUCT_UNKNOWN)
		product = r->product;
	if (json)
		fputc('{', f);
	pr_u64(&pr, "version", r->version);
	pr_str(&pr, "product", snp_product_name(product));
	pr_u64(&pr, "guest_svn", r->guest_svn);
	pr_x64(&pr, "policy", r->policy);
	pr_hex(&pr, "family_id", r->family_id, sizeof(r->family_id));
	pr_hex(&pr, "image_id", r->image_id, sizeof(r->image_id));
	pr_u64(&pr, "vmpl", r->vmpl);
	pr_u64(&pr, "signature_algo", r->signature_algo);
	pr_tcb(&pr, "current_tcb", r->current_tcb, product);
	pr_x64(&pr, "platform_info", r->platform_info);
	pr_u64(&pr, "author_key_en", r->author_key_en);
	pr_u64(&pr, "mask_chip_key", r->mask_chip_key);
	pr_str(&pr, "signing_key", r->signing_key == SNP_SIGNER_VCEK ? "VCEK" :
	    r->signing_key == SNP_SIGNER_VLEK ? "VLEK" :
	    r->signing_key == SNP_SIGNER_NONE ? "none" : "reserved");
	pr_hex(&pr, "report_data", r->report_data, sizeof(r->report_data));
	pr_hex(&pr, "measurement", r->measurement, sizeof(r->measurement));
	pr_hex(&pr, "host_data", r->host_data, sizeof(r->host_data));
	pr_hex(&pr, "id_key_digest", r->id_key_digest,
	    sizeof(r->id_key_digest));
	pr_hex(&pr, "author_key_digest", r->author_key_digest,
	    sizeof(r->author_key_digest));
	pr_hex(&pr, "report_id", r->report_id, sizeof(r->report_id));
	pr_hex(&pr, "report_id_ma", r->report_id_ma, sizeof(r->report_id_ma));
	pr_tcb(&pr, "reported_tcb", r->reported_tcb, product);
	if (r->version >= 3) {
		snprintf(buf, sizeof(buf), "%02x/%02x/%02x", r->cpuid_fam_id,
		    r->cpuid_mod_id, r->cpuid_step);
		pr_str(&pr, "cpuid_fam_mod_step", buf);
	}
	pr_hex(&pr, "chip_id", r->chip_id, sizeof(r->chip_id));
	pr_tcb(&pr, "committed_tcb", r->committed_tcb, product);
	pr_version(&pr, "current_version", r->current_major, r->current_minor,
	    r->current_build);
	pr_version(&pr, "committed_version", r->committed_major,
	    r->committed_minor, r->committed_build);
	pr_tcb(&pr, "launch_tcb", r->launch_tcb, product);
	if (r->version >= 5) {
		pr_x64(&pr, "launch_mit_vector", r->launch_mit_vector);
		pr_x64(&pr, "current_mit_vector", r->current_mit_vector);
	}
	pr_hex(&pr, "signature_r", r->sig_r, sizeof(r->sig_r));
	pr_hex(&pr, "signature_s", r->sig_s, sizeof(r->sig_s));
	if (json)
		fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}
