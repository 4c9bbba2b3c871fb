/*
 * AMD SEV-SNP attestation report verification.
 *
 * Layers, each usable on its own:
 *
 *   snp_report_parse()	bytes -> struct snp_report (exactly 0x4A0 bytes,
 *			versions 2..5, MBZ ranges checked).  No crypto.
 *   snp_verify_evidence()	report signature, certificate chain ARK ->
 *			ASK/ASVK -> VCEK/VLEK against a trust anchor, VCEK
 *			extension bindings (SPLs, productName, hwID), CRL.
 *			This is the "offline" check: no reference values.
 *   snp_check_refval()	one manifest reference-value entry against a
 *			parsed (and already verified) report.
 *   snp_verify()		all of the above against every entry of a
 *			struct refvals: what the verifier role calls.
 *
 * Trust anchors: either AMD's built-in ARK/ASK/ASVK for a product line
 * (compiled in, src/amd_roots.c) or, for ATTEST_PLATFORM_SIM_SNP only, an
 * ARK pinned by the SHA-256 of its DER (the simulated TEE).  A real
 * platform entry never accepts a chain ending in any other ARK.
 *
 * Library code: nothing here exits or logs secrets.  Every function that
 * can fail returns an enum snp_reason (SNP_OK = 0) and writes a message
 * naming the field / certificate / offset to err (errlen bytes;
 * ATTEST_ERR_LEN is enough).
 *
 * A struct snp_ctx holds the parsed built-in roots and a cache of verified
 * chains keyed by the SHA-256 of (anchor, VCEK DER, chain bytes, CRL
 * bytes), so that a repeated verification costs about one ECDSA P-384
 * verify.  A context is not thread-safe: use one per thread/process.
 */
#ifndef CONTRAST_SNP_H
#define CONTRAST_SNP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "attest.h"

#define SNP_REPORT_LEN		0x4A0	/* 1184 */
#define SNP_SIGNED_LEN		0x2A0	/* bytes [0, 0x2A0) are signed */
#define SNP_SIG_COMPONENT_LEN	48	/* significant bytes of r and s */
#define SNP_HWID_TURIN_LEN	8	/* Turin hwID = CHIP_ID[0:8] */
#define SNP_EVIDENCE_MAX	(64 * 1024)	/* cap on cert/chain/CRL input */

/*
 * Stable reason codes: the coordinator's metrics count failures by
 * snp_reason_name().  Order is check order (later = got further); never
 * renumber, only append before SNP_REASON_MAX.
 */
enum snp_reason {
	SNP_OK = 0,
	SNP_ERR_INTERNAL,	/* allocation or OpenSSL failure */
	SNP_ERR_REPORT_FORMAT,	/* size, version, algo, MBZ bits */
	SNP_ERR_SIGNER,		/* unsigned report, unknown signing key */
	SNP_ERR_CERT_FORMAT,	/* VCEK/chain/CRL not parseable */
	SNP_ERR_PRODUCT,	/* product line of report/VCEK/anchor differ */
	SNP_ERR_ROOT,		/* ARK/ASK not the built-in or pinned one */
	SNP_ERR_CHAIN,		/* a chain signature or CA property fails */
	SNP_ERR_CERT_TIME,	/* a certificate not valid at the time */
	SNP_ERR_CRL,		/* CRL bad signature, issuer or time */
	SNP_ERR_REVOKED,	/* intermediate listed in the CRL */
	SNP_ERR_SIGNATURE,	/* report signature invalid */
	SNP_ERR_TCB_BINDING,	/* VCEK SPLs != REPORTED_TCB */
	SNP_ERR_CHIP_BINDING,	/* VCEK hwID != CHIP_ID */
	SNP_ERR_NO_REFVAL,	/* no SNP entry for this platform/product */
	SNP_ERR_VMPL,		/* VMPL != 0 */
	SNP_ERR_POLICY,		/* guest policy not allowed */
	SNP_ERR_PLATFORM_INFO,	/* platform features not allowed/missing */
	SNP_ERR_TCB,		/* a TCB below the minimum, or inconsistent */
	SNP_ERR_MITIGATION,	/* mitigation vector below the minimum */
	SNP_ERR_CHIP_ID,	/* CHIP_ID not in AllowedChipIDs */
	SNP_ERR_MEASUREMENT,	/* MEASUREMENT mismatch */
	SNP_ERR_REPORT_DATA,	/* REPORT_DATA != expected */
	SNP_REASON_MAX
};

/* "measurement_mismatch", ...: a stable metric label; "unknown" if out of range. */
const char	*snp_reason_name(enum snp_reason);

enum snp_signer {
	SNP_SIGNER_VCEK = 0,
	SNP_SIGNER_VLEK = 1,
	SNP_SIGNER_NONE = 7	/* unsigned report */
};

/* Every field of a report, decoded; raw keeps the exact input bytes. */
struct snp_report {
	uint8_t		 raw[SNP_REPORT_LEN];
	uint32_t	 version;
	uint32_t	 guest_svn;
	uint64_t	 policy;
	uint8_t		 family_id[16];
	uint8_t		 image_id[16];
	uint32_t	 vmpl;
	uint32_t	 signature_algo;
	uint64_t	 current_tcb;		/* raw TCB_VERSION words */
	uint64_t	 platform_info;
	uint32_t	 signer_info;
	int		 author_key_en;		/* signer_info bit 0 */
	int		 mask_chip_key;		/* bit 1 */
	unsigned int	 signing_key;		/* bits 4:2, enum snp_signer */
	uint8_t		 report_data[ATTEST_REPORT_DATA_LEN];
	uint8_t		 measurement[ATTEST_MEASUREMENT_LEN];
	uint8_t		 host_data[ATTEST_POLICY_HASH_LEN];
	uint8_t		 id_key_digest[48];
	uint8_t		 author_key_digest[48];
	uint8_t		 report_id[32];
	uint8_t		 report_id_ma[32];
	uint64_t	 reported_tcb;
	uint8_t		 cpuid_fam_id;		/* v3+, else 0 */
	uint8_t		 cpuid_mod_id;
	uint8_t		 cpuid_step;
	uint8_t		 chip_id[SNP_CHIP_ID_LEN];
	uint64_t	 committed_tcb;
	uint8_t		 current_build, current_minor, current_major;
	uint8_t		 committed_build, committed_minor, committed_major;
	uint64_t	 launch_tcb;
	uint64_t	 launch_mit_vector;	/* v5, else 0 */
	uint64_t	 current_mit_vector;	/* v5, else 0 */
	uint8_t		 sig_r[SNP_SIG_COMPONENT_LEN];	/* little-endian */
	uint8_t		 sig_s[SNP_SIG_COMPONENT_LEN];	/* little-endian */
	/* From CPUID (v3+); SNP_PRODUCT_UNKNOWN for v2 or unknown ids. */
	enum snp_product product;
};

/*
 * Parse exactly SNP_REPORT_LEN bytes ("report is 1183 bytes, want 1184").
 * Accepts versions 2..5 (4 like 3), SIGNATURE_ALGO 1, POLICY bit 17 set,
 * POLICY bits 63:26 clear and every MBZ range zero.  Unknown
 * PLATFORM_INFO bits are not an error (policy decides).
 */
enum snp_reason	 snp_report_parse(const uint8_t *, size_t, struct snp_report *,
		    char *, size_t);

/* Decode a raw TCB_VERSION word with the layout of the product line. */
void		 snp_tcb_decode(uint64_t, enum snp_product, struct snp_tcb *);
/* "Milan", "Genoa", "Turin", "unknown". */
const char	*snp_product_name(enum snp_product);
/* Product line of a VCEK productName ("Milan-B0", "Genoa", ...), or UNKNOWN. */
enum snp_product snp_product_from_name(const char *);
/* Product line from CPUID family/model (attestation.md 1.2), or UNKNOWN. */
enum snp_product snp_product_from_cpuid(uint8_t, uint8_t);

/*
 * Print every field, hex in on-wire byte order (as the vectors README).
 * json = 0: "name: value" lines; json = 1: one JSON object and a newline.
 * TCBs are decoded with product (pass r->product, or the product verified
 * from the VCEK for v2 reports).  Returns 0, or -1 on a write error.
 */
int		 snp_report_print(FILE *, const struct snp_report *,
		    enum snp_product, int);

/* The trust anchor for a verification. */
enum snp_anchor_kind {
	SNP_ANCHOR_AMD = 1,	/* built-in AMD roots */
	SNP_ANCHOR_PINNED	/* simulated ARK pinned by SHA-256 of its DER */
};

struct snp_anchor {
	enum snp_anchor_kind	 kind;
	/*
	 * AMD: the product line whose roots to use; SNP_PRODUCT_UNKNOWN
	 * means "the line the report/VCEK claim" (offline CLI use).
	 * PINNED: ignored.
	 */
	enum snp_product	 product;
	/* PINNED: SHA-256 of the ARK DER; the chain must carry that ARK. */
	uint8_t			 ark_sha256[32];
};

/*
 * Evidence as received.  vcek: the VCEK or VLEK, DER or PEM (a PEM may
 * carry ASK/ASVK and ARK after the leaf, as Azure does).  chain: optional
 * (NULL/0) ASK or ASVK and optionally ARK, PEM or concatenated DER; for
 * AMD anchors any ASK/ASVK/ARK given must equal the built-in ones, for
 * pinned anchors the chain must carry the ARK (and its ASK).  crl:
 * optional DER or PEM CRL issued by the ARK.
 */
struct snp_evidence {
	const uint8_t	*report;
	size_t		 report_len;
	const uint8_t	*vcek;
	size_t		 vcek_len;
	const uint8_t	*chain;
	size_t		 chain_len;
	const uint8_t	*crl;
	size_t		 crl_len;
};

/* What snp_verify_evidence() established about the signer. */
struct snp_signer_info {
	enum snp_product	 product;	/* verified product line */
	enum snp_signer		 signer;	/* VCEK or VLEK */
	struct snp_tcb		 cert_tcb;	/* SPLs from the VCEK/VLEK */
	char			 product_name[32];	/* VCEK productName */
	int			 crl_checked;	/* a CRL was given and passed */
	int			 cache_hit;	/* chain came from the cache */
};

struct snp_ctx;

/* A fresh context (parses the built-in roots); NULL + err on failure. */
struct snp_ctx	*snp_ctx_new(char *, size_t);
void		 snp_ctx_free(struct snp_ctx *);
/* Drop every cached chain (e.g. when a new CRL arrives). */
void		 snp_ctx_flush(struct snp_ctx *);

/*
 * Parse the report into *out and verify it: signer, chain to the anchor
 * at time `at', CRL (if given), report signature, VCEK bindings.
 * *out is filled as far as parsing got, for printing even on rejection.
 * info may be NULL.  Returns SNP_OK or the reason.
 */
enum snp_reason	 snp_verify_evidence(struct snp_ctx *,
		    const struct snp_evidence *, const struct snp_anchor *,
		    time_t, struct snp_report *, struct snp_signer_info *,
		    char *, size_t);

/*
 * Verify only a VCEK/VLEK and its chain (no report), e.g. a VCEK fetched
 * from AMD's KDS: ev->report is ignored, ev->vcek/chain/crl are used.
 * The product comes from the anchor or the VCEK's productName.
 */
enum snp_reason	 snp_verify_cert_chain(struct snp_ctx *,
		    const struct snp_evidence *, const struct snp_anchor *,
		    enum snp_signer, time_t, struct snp_signer_info *, char *,
		    size_t);

/*
 * Judge a verified report against one reference-value entry.  product is
 * the verified product line (struct snp_signer_info.product).
 * expected_report_data: NULL = do not check, else 64 bytes compared in
 * constant time.
 *
 * Rules (go-sev-guest validate semantics, see doc/attestation-snp.md):
 * VMPL 0; MEASUREMENT exact; guest policy ABI >= the entry's minimum;
 * "permission" bits (SMT, MigrateMA, Debug, CXLAllowed) set in the report
 * but not allowed by the entry -> reject; "restriction" bits
 * (SingleSocket, MemAES256XTS, RAPLDis, CipherTextHidingDRAM,
 * PageSwapDisable) required by the entry but clear -> reject;
 * PLATFORM_INFO: SMT/TSME enabled but not allowed -> reject, ECC,
 * RAPL-disabled, ciphertext hiding, alias check, TIO required but absent
 * -> reject, unknown bits ignored; MinimumTCB component-wise against
 * CURRENT, COMMITTED, LAUNCH and REPORTED TCB, REPORTED <= CURRENT;
 * COMMITTED == CURRENT is not required (provisional firmware permitted,
 * as upstream Contrast); every bit of MinimumMitigationVector set in both
 * mitigation vectors (a non-zero minimum rejects pre-v5 reports);
 * CHIP_ID in AllowedChipIDs if that list is non-empty; REPORT_DATA.
 */
enum snp_reason	 snp_check_refval(const struct snp_report *, enum snp_product,
		    const struct snp_refval *, const uint8_t *, char *, size_t);

/*
 * The full check: try each SNP entry of refvals (real entries with the
 * built-in roots of their product, SIM_SNP entries with their pinned
 * ARK); the first entry that accepts fills verdict (platform,
 * policy_hash = HOST_DATA, refval_index).  On rejection the reason is the
 * one of the entry that got furthest (an entry that does not apply, e.g.
 * without a product line, counts least), and err lists every entry's reason
 * ("entry 0 (Metal-QEMU-SNP): MEASUREMENT mismatch; ...").
 * report_out may be NULL.
 */
enum snp_reason	 snp_verify(struct snp_ctx *, const struct snp_evidence *,
		    const struct refvals *, const uint8_t *, time_t,
		    struct attest_verdict *, struct snp_report *, char *, size_t);

/* Built-in AMD certificates (src/amd_roots.c), PEM text. */
enum snp_root_kind {
	SNP_ROOT_ARK = 0,
	SNP_ROOT_ASK,
	SNP_ROOT_ASVK
};
/* PEM of a built-in certificate, or NULL for SNP_PRODUCT_UNKNOWN. */
const char	*snp_amd_root_pem(enum snp_product, enum snp_root_kind);

/*
 * Lower-level certificate helpers (also used by the fuzzers).
 */

/* AMD VCEK/VLEK extensions (OID 1.3.6.1.4.1.3704.1.*). */
struct snp_vcek_ext {
	int		 struct_version;	/* -1 if absent */
	char		 product_name[32];	/* "" if absent */
	struct snp_tcb	 tcb;
	int		 has_fmc;
	uint8_t		 hwid[SNP_CHIP_ID_LEN];
	size_t		 hwid_len;		/* 0 (VLEK), 8 or 64 */
	char		 csp_id[128];		/* VLEK only */
};

/*
 * Parse a certificate list (PEM blocks, or concatenated DER) into an
 * OpenSSL stack (STACK_OF(X509) *, returned as void * to keep OpenSSL out
 * of this header's users).  At most 8 certificates; trailing garbage is
 * an error.  Free with snp_certs_free().
 */
enum snp_reason	 snp_certs_parse(const uint8_t *, size_t, void **, char *,
		    size_t);
void		 snp_certs_free(void *);
/* Decode the AMD extensions of a certificate (an X509 *). */
enum snp_reason	 snp_vcek_ext_parse(const void *, struct snp_vcek_ext *,
		    char *, size_t);

#endif
