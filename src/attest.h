/*
 * Types shared by evidence verification (snp_*, tdx_*), the simulated TEE
 * (sim_*), the manifest parser (manifest_*) and the verifier role.
 *
 * Reference values are the typed form of one manifest
 * `ReferenceValues.snp[i]` / `ReferenceValues.tdx[i]` entry.  The manifest
 * parser fills them; verification only reads them.  A verdict names the
 * policy hash and platform and nothing else the parent could misuse.
 */
#ifndef CONTRAST_ATTEST_H
#define CONTRAST_ATTEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ATTEST_POLICY_HASH_LEN	32	/* SHA-256 of the initdata */
#define ATTEST_REPORT_DATA_LEN	64
#define ATTEST_MEASUREMENT_LEN	48	/* SHA-384 */
#define SNP_CHIP_ID_LEN		64
#define TDX_PIID_LEN		16
#define ATTEST_ERR_LEN		256

enum attest_platform {
	ATTEST_PLATFORM_NONE = 0,
	ATTEST_PLATFORM_SNP,		/* real AMD SEV-SNP */
	ATTEST_PLATFORM_TDX,		/* real Intel TDX */
	ATTEST_PLATFORM_SIM_SNP		/* simulated SNP: insecure, tests only */
};

/* SNP product lines; selects built-in roots and the TCB layout. */
enum snp_product {
	SNP_PRODUCT_UNKNOWN = 0,
	SNP_PRODUCT_MILAN,
	SNP_PRODUCT_GENOA,
	SNP_PRODUCT_TURIN
};

/* A TCB as its security patch levels; fmc is Turin-only. */
struct snp_tcb {
	uint8_t		 bootloader;
	uint8_t		 tee;
	uint8_t		 snp;
	uint8_t		 microcode;
	uint8_t		 fmc;
};

/* The allowed guest policy: bits the guest may have, and ABI minimums. */
struct snp_guest_policy {
	uint8_t		 abi_minor;
	uint8_t		 abi_major;
	int		 smt;
	int		 migrate_ma;
	int		 debug;
	int		 single_socket;
	int		 cxl_allowed;
	int		 mem_aes_256_xts;
	int		 rapl_dis;
	int		 ciphertext_hiding_dram;
	int		 page_swap_disable;
};

struct snp_platform_info {
	int		 smt_enabled;
	int		 tsme_enabled;
	int		 ecc_enabled;
	int		 rapl_disabled;
	int		 ciphertext_hiding_dram_enabled;
	int		 alias_check_complete;
	int		 tio_enabled;
};

struct snp_refval {
	enum attest_platform	 platform;	/* SNP or SIM_SNP */
	char			 platform_name[64];	/* "Metal-QEMU-SNP" */
	enum snp_product	 product;
	uint8_t			 measurement[ATTEST_MEASUREMENT_LEN];
	struct snp_tcb		 min_tcb;
	struct snp_guest_policy	 guest_policy;
	struct snp_platform_info platform_info;
	uint64_t		 min_mitigation_vector;
	uint8_t			(*allowed_chip_ids)[SNP_CHIP_ID_LEN];
	size_t			 n_allowed_chip_ids;
	/* SIM_SNP only: SHA-256 of the simulated ARK certificate (DER). */
	uint8_t			 sim_ark_sha256[32];
	/*
	 * APEIP (newest manifests): with it, measurement is the 1-vCPU seed
	 * and the verifier recomputes it per vCPU count; without, exact.
	 */
	int			 has_ap_eip;
	uint8_t			 ap_eip[4];
};

struct tdx_refval {
	char			 platform_name[64];
	uint32_t		 min_tcb_evaluation_data_number;
	uint8_t			 mr_td[48];
	uint8_t			 mr_seam[48];
	uint8_t			 rtmrs[4][48];
	uint8_t			 xfam[8];
	uint8_t			 td_attributes[8];
	uint8_t			(*allowed_piids)[TDX_PIID_LEN];
	size_t			 n_allowed_piids;
	int			 memory_integrity;
	int			 smt_disabled;
	int			 static_platform;
};

/* All reference values of one manifest generation. */
struct refvals {
	struct snp_refval	*snp;
	size_t			 n_snp;
	struct tdx_refval	*tdx;
	size_t			 n_tdx;
};

/*
 * Why evidence was rejected: a stable code for metrics (label =
 * attest_reject_name()) beside the precise human-readable reason string
 * that every verifier writes to its error buffer.  Append only; the
 * numbers and names are part of the metrics interface.
 */
enum attest_reject {
	ATTEST_OK = 0,
	ATTEST_REJECT_MALFORMED,	/* evidence does not parse */
	ATTEST_REJECT_SIGNATURE,	/* report/quote/QE report signature */
	ATTEST_REJECT_BINDING,		/* key binding (TDX QE report data) */
	ATTEST_REJECT_CHAIN,		/* endorsement chain to the pinned root */
	ATTEST_REJECT_EXPIRED,		/* cert, CRL or collateral out of date */
	ATTEST_REJECT_REVOKED,		/* serial listed in a CRL */
	ATTEST_REJECT_COLLATERAL,	/* collateral bad, unsigned or mismatched */
	ATTEST_REJECT_TCB,		/* TCB below minimum / status refused */
	ATTEST_REJECT_MEASUREMENT,	/* launch measurement / MRTD / RTMR / MRSEAM */
	ATTEST_REJECT_POLICY,		/* attributes, XFAM, guest policy, debug */
	ATTEST_REJECT_PLATFORM_ID,	/* CHIP_ID / PIID / platform properties */
	ATTEST_REJECT_REPORT_DATA,	/* REPORT_DATA != expected */
	ATTEST_REJECT_NO_REFVAL,	/* no reference value for this platform */
	ATTEST_REJECT_INTERNAL,		/* allocation or library failure */
	ATTEST_REJECT__MAX
};

static inline const char *
attest_reject_name(enum attest_reject r)
{
	static const char *const names[ATTEST_REJECT__MAX] = {
		"ok", "malformed", "signature", "binding", "chain",
		"expired", "revoked", "collateral", "tcb", "measurement",
		"policy", "platform_id", "report_data", "no_refval",
		"internal"
	};

	if ((unsigned)r >= ATTEST_REJECT__MAX)
		return "unknown";
	return names[r];
}

/*
 * What successful verification yields.  The parent maps policy_hash to
 * the manifest's policy entry; nothing else from evidence is trusted.
 */
struct attest_verdict {
	enum attest_platform	 platform;
	uint8_t			 policy_hash[ATTEST_POLICY_HASH_LEN];
	size_t			 refval_index;	/* which entry matched */
	enum attest_reject	 reason;	/* ATTEST_OK, or why rejected */
};

void	refvals_free(struct refvals *);

#endif
