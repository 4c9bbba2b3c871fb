/*
 * One manifest ReferenceValues.snp[] entry against a verified report.
 * Semantics follow go-sev-guest's validate package as upstream Contrast
 * uses it; the choices are written down in doc/attestation-snp.md.
 * Every rejection names the field and both values.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "snp.h"

/* POLICY bits (attestation.md 1.3). */
#define POL_SMT			(1ULL << 16)
#define POL_MIGRATE_MA		(1ULL << 18)
#define POL_DEBUG		(1ULL << 19)
#define POL_SINGLE_SOCKET	(1ULL << 20)
#define POL_CXL_ALLOW		(1ULL << 21)
#define POL_MEM_AES_256_XTS	(1ULL << 22)
#define POL_RAPL_DIS		(1ULL << 23)
#define POL_CIPHERTEXT_HIDING	(1ULL << 24)
#define POL_PAGE_SWAP_DISABLE	(1ULL << 25)

/* PLATFORM_INFO bits. */
#define PI_SMT_EN		(1ULL << 0)
#define PI_TSME_EN		(1ULL << 1)
#define PI_ECC_EN		(1ULL << 2)
#define PI_RAPL_DIS		(1ULL << 3)
#define PI_CIPHERTEXT_HIDING	(1ULL << 4)
#define PI_ALIAS_CHECK		(1ULL << 5)
#define PI_TIO_EN		(1ULL << 7)

static enum snp_reason
check_policy(const struct snp_report *r, const struct snp_guest_policy *g,
    char *err, size_t errlen)
{
	/* Bits that widen what the guest may do: must be allowed. */
	const struct {
		uint64_t	 bit;
		int		 allowed;
		const char	*name;
	} perm[] = {
		{ POL_SMT, g->smt, "SMT" },
		{ POL_MIGRATE_MA, g->migrate_ma, "MigrateMA" },
		{ POL_DEBUG, g->debug, "Debug" },
		{ POL_CXL_ALLOW, g->cxl_allowed, "CXLAllowed" },
	};
	/* Bits that restrict the guest: if required, must be set. */
	const struct {
		uint64_t	 bit;
		int		 required;
		const char	*name;
	} restr[] = {
		{ POL_SINGLE_SOCKET, g->single_socket, "SingleSocket" },
		{ POL_MEM_AES_256_XTS, g->mem_aes_256_xts, "MemAES256XTS" },
		{ POL_RAPL_DIS, g->rapl_dis, "RAPLDis" },
		{ POL_CIPHERTEXT_HIDING, g->ciphertext_hiding_dram,
		    "CipherTextHidingDRAM" },
		{ POL_PAGE_SWAP_DISABLE, g->page_swap_disable,
		    "PageSwapDisable" },
	};
	unsigned int	 minor = r->policy & 0xff, major = (r->policy >> 8) & 0xff;
	size_t		 i;

	if (major < g->abi_major || (major == g->abi_major &&
	    minor < g->abi_minor)) {
		snprintf(err, errlen, "POLICY ABI %u.%u < minimum %u.%u",
		    major, minor, g->abi_major, g->abi_minor);
		return SNP_ERR_POLICY;
	}
	for (i = 0; i < sizeof(perm) / sizeof(perm[0]); i++)
		if ((r->policy & perm[i].bit) && !perm[i].allowed) {
			snprintf(err, errlen, "POLICY 0x%" PRIx64 " has %s set,"
			    " not allowed by the reference values", r->policy,
			    perm[i].name);
			return SNP_ERR_POLICY;
		}
	for (i = 0; i < sizeof(restr) / sizeof(restr[0]); i++)
		if (restr[i].required && !(r->policy & restr[i].bit)) {
			snprintf(err, errlen, "POLICY 0x%" PRIx64 " lacks %s, "
			    "required by the reference values", r->policy,
			    restr[i].name);
			return SNP_ERR_POLICY;
		}
	return SNP_OK;
}

static enum snp_reason
check_platform_info(const struct snp_report *r,
    const struct snp_platform_info *pi, char *err, size_t errlen)
{
	const struct {
		uint64_t	 bit;
		int		 allowed;
		const char	*name;
	} perm[] = {
		{ PI_SMT_EN, pi->smt_enabled, "SMTEnabled" },
		{ PI_TSME_EN, pi->tsme_enabled, "TSMEEnabled" },
	};
	const struct {
		uint64_t	 bit;
		int		 required;
		const char	*name;
	} req[] = {
		{ PI_ECC_EN, pi->ecc_enabled, "ECCEnabled" },
		{ PI_RAPL_DIS, pi->rapl_disabled, "RAPLDisabled" },
		{ PI_CIPHERTEXT_HIDING, pi->ciphertext_hiding_dram_enabled,
		    "CiphertextHidingDRAMEnabled" },
		{ PI_ALIAS_CHECK, pi->alias_check_complete,
		    "AliasCheckComplete" },
		{ PI_TIO_EN, pi->tio_enabled, "TIOEnabled" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(perm) / sizeof(perm[0]); i++)
		if ((r->platform_info & perm[i].bit) && !perm[i].allowed) {
			snprintf(err, errlen, "PLATFORM_INFO 0x%" PRIx64 ": %s "
			    "but not allowed by the reference values",
			    r->platform_info, perm[i].name);
			return SNP_ERR_PLATFORM_INFO;
		}
	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (req[i].required && !(r->platform_info & req[i].bit)) {
			snprintf(err, errlen, "PLATFORM_INFO 0x%" PRIx64 ": %s "
			    "required but absent", r->platform_info,
			    req[i].name);
			return SNP_ERR_PLATFORM_INFO;
		}
	return SNP_OK;
}

/* Component-wise a >= b; names the first failing component. */
static int
tcb_ge(const struct snp_tcb *a, const struct snp_tcb *b, int fmc,
    const char **comp, unsigned int *av, unsigned int *bv)
{
#define CMP(f)								\
	if (a->f < b->f) {						\
		*comp = #f;						\
		*av = a->f;						\
		*bv = b->f;						\
		return 0;						\
	}
	CMP(bootloader);
	CMP(tee);
	CMP(snp);
	CMP(microcode);
	if (fmc) {
		CMP(fmc);
	}
#undef CMP
	return 1;
}

static enum snp_reason
check_tcb(const struct snp_report *r, enum snp_product product,
    const struct snp_tcb *min, char *err, size_t errlen)
{
	const struct {
		const char	*name;
		uint64_t	 raw;
	} tcbs[] = {
		{ "CURRENT_TCB", r->current_tcb },
		{ "COMMITTED_TCB", r->committed_tcb },
		{ "LAUNCH_TCB", r->launch_tcb },
		{ "REPORTED_TCB", r->reported_tcb },
	};
	struct snp_tcb	 t, cur, rep;
	const char	*comp;
	unsigned int	 av, bv;
	int		 fmc = product == SNP_PRODUCT_TURIN;
	size_t		 i;

	for (i = 0; i < sizeof(tcbs) / sizeof(tcbs[0]); i++) {
		snp_tcb_decode(tcbs[i].raw, product, &t);
		if (!tcb_ge(&t, min, fmc, &comp, &av, &bv)) {
			snprintf(err, errlen, "%s.%s %u < minimum %u",
			    tcbs[i].name, comp, av, bv);
			return SNP_ERR_TCB;
		}
	}
	/* The VCEK's TCB (== REPORTED_TCB) must not exceed the current one. */
	snp_tcb_decode(r->current_tcb, product, &cur);
	snp_tcb_decode(r->reported_tcb, product, &rep);
	if (!tcb_ge(&cur, &rep, fmc, &comp, &av, &bv)) {
		snprintf(err, errlen, "REPORTED_TCB.%s %u > CURRENT_TCB.%s %u",
		    comp, bv, comp, av);
		return SNP_ERR_TCB;
	}
	return SNP_OK;
}

enum snp_reason
snp_check_refval(const struct snp_report *r, enum snp_product product,
    const struct snp_refval *e, const uint8_t *expected_report_data,
    char *err, size_t errlen)
{
	enum snp_reason	 reason;
	uint64_t	 min = e->min_mitigation_vector;
	size_t		 i;

	if (e->platform == ATTEST_PLATFORM_SNP && e->product != product) {
		snprintf(err, errlen, "reference values are for %s, report is "
		    "from %s", snp_product_name(e->product),
		    snp_product_name(product));
		return SNP_ERR_PRODUCT;
	}
	if (r->vmpl != 0) {
		snprintf(err, errlen, "VMPL %u, must be 0", (unsigned)r->vmpl);
		return SNP_ERR_VMPL;
	}
	if ((reason = check_policy(r, &e->guest_policy, err, errlen)) !=
	    SNP_OK)
		return reason;
	if ((reason = check_platform_info(r, &e->platform_info, err,
	    errlen)) != SNP_OK)
		return reason;
	if ((reason = check_tcb(r, product, &e->min_tcb, err, errlen)) !=
	    SNP_OK)
		return reason;
	if (min != 0) {
		if (r->version < 5) {
			snprintf(err, errlen, "report version %u has no "
			    "mitigation vectors, minimum is 0x%" PRIx64,
			    (unsigned)r->version, min);
			return SNP_ERR_MITIGATION;
		}
		if ((r->launch_mit_vector & min) != min ||
		    (r->current_mit_vector & min) != min) {
			snprintf(err, errlen, "mitigation vectors launch 0x%"
			    PRIx64 " / current 0x%" PRIx64 " lack bits of the "
			    "minimum 0x%" PRIx64, r->launch_mit_vector,
			    r->current_mit_vector, min);
			return SNP_ERR_MITIGATION;
		}
	}
	if (e->n_allowed_chip_ids > 0) {
		for (i = 0; i < e->n_allowed_chip_ids; i++)
			if (CRYPTO_memcmp(r->chip_id, e->allowed_chip_ids[i],
			    SNP_CHIP_ID_LEN) == 0)
				break;
		if (i == e->n_allowed_chip_ids) {
			snprintf(err, errlen, "CHIP_ID not in AllowedChipIDs");
			return SNP_ERR_CHIP_ID;
		}
	}
	if (CRYPTO_memcmp(r->measurement, e->measurement,
	    ATTEST_MEASUREMENT_LEN) != 0) {
		snprintf(err, errlen, "MEASUREMENT mismatch");
		return SNP_ERR_MEASUREMENT;
	}
	if (expected_report_data != NULL &&
	    CRYPTO_memcmp(r->report_data, expected_report_data,
	    ATTEST_REPORT_DATA_LEN) != 0) {
		snprintf(err, errlen, "REPORT_DATA mismatch");
		return SNP_ERR_REPORT_DATA;
	}
	return SNP_OK;
}
