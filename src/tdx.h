/*
 * Intel TDX DCAP quote (v4, v5) parsing and verification.
 *
 * Layers, each usable on its own:
 *   tdx_quote_parse()      bytes -> struct tdx_quote (no crypto)
 *   tdx_verify_evidence()  quote + QE signatures, QE binding, PCK chain
 *                          to the built-in Intel SGX Root CA, CRLs and
 *                          collateral (TCB Info, QE Identity) if given
 *   tdx_check_refval()     one manifest ReferenceValues.tdx[] entry and
 *                          the expected REPORTDATA
 *   tdx_verify()           all of the above -> struct attest_verdict
 *
 * Every check fails closed.  Functions return ATTEST_OK (0) or an
 * enum attest_reject code, and write a reason naming the field, offset
 * or certificate to err.  The verification time is always a parameter:
 * real collateral expires within a month.  See doc/attestation-tdx.md.
 */
#ifndef CONTRAST_TDX_H
#define CONTRAST_TDX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "attest.h"

#define TDX_HEADER_LEN		48
#define TDX_BODY_V10_LEN	584	/* TDX 1.0 TD report body */
#define TDX_BODY_V15_LEN	648	/* TDX 1.5: + TEE_TCB_SVN2, MRSERVICETD */
#define TDX_QE_REPORT_LEN	384
#define TDX_SIG_LEN		64	/* ECDSA P-256 r||s, big-endian */
#define TDX_ATT_KEY_LEN		64	/* P-256 X||Y, big-endian */
#define TDX_MR_LEN		48
/* Largest input we look at: real quotes are 5-8 KiB. */
#define TDX_QUOTE_MAX_LEN	(64 * 1024)

#define TDX_TEE_TYPE		0x00000081u
#define TDX_ATT_KEY_ECDSA_P256	2
#define TDX_CERT_QE_REPORT	6
#define TDX_CERT_PCK_CHAIN	5
#define TDX_BODY_TYPE_TD10	2
#define TDX_BODY_TYPE_TD15	3

/* TDATTRIBUTES bits (little-endian u64). */
#define TDX_TDATTR_DEBUG		(1ULL << 0)
#define TDX_TDATTR_SEPT_VE_DISABLE	(1ULL << 28)

struct tdx_header {
	uint16_t	 version;		/* 4 or 5 */
	uint16_t	 att_key_type;		/* 2 */
	uint32_t	 tee_type;		/* 0x81 */
	uint8_t		 reserved[4];
	uint8_t		 qe_vendor_id[16];
	uint8_t		 user_data[20];
};

/* The TD report body; v15 fields are valid only when is_v15. */
struct tdx_body {
	uint16_t	 body_type;		/* v4: 2 (implied) */
	uint32_t	 body_size;		/* v4: 584 (implied) */
	int		 is_v15;
	uint8_t		 tee_tcb_svn[16];
	uint8_t		 mr_seam[TDX_MR_LEN];
	uint8_t		 mr_signer_seam[TDX_MR_LEN];
	uint8_t		 seam_attributes[8];
	uint8_t		 td_attributes[8];
	uint8_t		 xfam[8];
	uint8_t		 mr_td[TDX_MR_LEN];
	uint8_t		 mr_config_id[TDX_MR_LEN];
	uint8_t		 mr_owner[TDX_MR_LEN];
	uint8_t		 mr_owner_config[TDX_MR_LEN];
	uint8_t		 rtmr[4][TDX_MR_LEN];
	uint8_t		 report_data[64];
	uint8_t		 tee_tcb_svn2[16];
	uint8_t		 mr_servicetd[TDX_MR_LEN];
};

/* The quoting enclave's SGX report (384 bytes). */
struct tdx_qe_report {
	uint8_t		 cpu_svn[16];
	uint32_t	 misc_select;
	uint8_t		 attributes[16];
	uint8_t		 mr_enclave[32];
	uint8_t		 mr_signer[32];
	uint16_t	 isv_prod_id;
	uint16_t	 isv_svn;
	uint8_t		 report_data[64];
};

/*
 * A parsed quote.  Pointer members borrow the caller's buffer, which
 * must outlive the struct; nothing here needs freeing.
 */
struct tdx_quote {
	struct tdx_header	 header;
	struct tdx_body		 body;
	const uint8_t		*raw;
	size_t			 raw_len;	/* bytes given */
	size_t			 signed_len;	/* [0, signed_len) is signed */
	uint32_t		 sig_data_len;
	size_t			 sig_data_off;
	size_t			 trailing;	/* ignored bytes after it */
	uint8_t			 quote_sig[TDX_SIG_LEN];
	uint8_t			 att_key[TDX_ATT_KEY_LEN];
	uint16_t		 cert_type;	/* 6 */
	uint32_t		 cert_size;
	struct tdx_qe_report	 qe_report;
	const uint8_t		*qe_report_raw;	/* 384 bytes, signed by PCK */
	size_t			 qe_report_off;
	uint8_t			 qe_report_sig[TDX_SIG_LEN];
	const uint8_t		*qe_auth;
	uint16_t		 qe_auth_len;
	uint16_t		 pck_cert_type;	/* 5 */
	const uint8_t		*pck_chain;	/* PEM text */
	uint32_t		 pck_chain_len;
};

/* PCK certificate SGX extension (OID 1.2.840.113741.1.13.1). */
struct tdx_pck_ext {
	uint8_t		 ppid[16];
	uint8_t		 comp_svn[16];	/* SGX TCB components 1..16 */
	uint16_t	 pcesvn;
	uint8_t		 cpu_svn[16];
	uint8_t		 pceid[2];
	uint8_t		 fmspc[6];
	int		 sgx_type;	/* 0 Standard, 1 Scalable, 2 +Integrity */
	int		 has_piid;	/* Platform-CA certs only */
	uint8_t		 piid[16];
	/* From the Configuration child; -1 when absent. */
	int		 dynamic_platform;
	int		 cached_keys;
	int		 smt_enabled;
};

/* TCB status strings of Intel's collateral, best first. */
enum tdx_tcb_status {
	TDX_TCB_UNKNOWN = 0,		/* not evaluated (no collateral) */
	TDX_TCB_UP_TO_DATE,
	TDX_TCB_SW_HARDENING_NEEDED,
	TDX_TCB_CONFIGURATION_NEEDED,
	TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED,
	TDX_TCB_OUT_OF_DATE,
	TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED,
	TDX_TCB_REVOKED,
	TDX_TCB__MAX
};
#define TDX_TCB_MASK(s)		(1u << (s))
/*
 * Default statuses accepted: UpToDate and SWHardeningNeeded (the platform
 * TCB is current; the named mitigations belong in the TD's software,
 * which the reference values pin).  Everything else is refused.
 */
#define TDX_TCB_ACCEPT_DEFAULT	(TDX_TCB_MASK(TDX_TCB_UP_TO_DATE) | \
	    TDX_TCB_MASK(TDX_TCB_SW_HARDENING_NEEDED))

struct tdx_verify_opts {
	unsigned	 accept_status;	/* TDX_TCB_MASK() bits; 0 = default */
	int		 require_collateral; /* reject when no collateral */
};

#define TDX_MAX_ADVISORIES	32
#define TDX_ADVISORY_LEN	24

/* What evidence verification established. */
struct tdx_evidence {
	struct tdx_pck_ext	 pck;
	time_t			 pck_not_after;
	int			 have_collateral;
	int			 crl_checked;	/* bitmask: 1 root CRL, 2 PCK CRL */
	/* The following are valid only when have_collateral. */
	enum tdx_tcb_status	 platform_status;
	enum tdx_tcb_status	 module_status;	/* UNKNOWN if not applicable */
	enum tdx_tcb_status	 qe_status;
	enum tdx_tcb_status	 status;	/* worst of the three */
	uint32_t		 tcb_eval_number;	/* min of TCB Info, QE Id */
	size_t			 n_advisories;
	char			 advisories[TDX_MAX_ADVISORIES][TDX_ADVISORY_LEN];
};

/* Collateral: opaque, loaded from files or memory. */
struct tdx_collateral;

enum tdx_coll_item {
	/* TCB Info: a PCS body {"tcbInfo":{...},"signature":"..."} or the
	 * bare tcbInfo object (then TCB_INFO_SIG is required). */
	TDX_COLL_TCB_INFO,
	TDX_COLL_TCB_INFO_SIG,		/* 64 raw bytes or 128 hex chars */
	TDX_COLL_QE_IDENTITY,		/* same two forms, "enclaveIdentity" */
	TDX_COLL_QE_IDENTITY_SIG,
	TDX_COLL_TCB_ISSUER_CHAIN,	/* PEM: TCB Signing (+ root) */
	TDX_COLL_PCK_CRL,		/* DER, PEM or hex of DER */
	TDX_COLL_ROOT_CA_CRL,
	TDX_COLL_PCK_CRL_ISSUER_CHAIN,	/* PEM: accepted, not needed */
	TDX_COLL__MAX
};

/* Explicit file names; NULL members are not loaded. */
struct tdx_collateral_files {
	const char	*path[TDX_COLL__MAX];
};

/* Cheap detection: header says TDX quote v4/v5 with an ECDSA key. */
int	tdx_is_quote(const uint8_t *, size_t);

/* Parse; structure only.  Trailing bytes after the signature data are
 * counted in q->trailing and otherwise ignored. */
enum attest_reject
	tdx_quote_parse(const uint8_t *, size_t, struct tdx_quote *, char *,
	    size_t);

/* Print every field; hex in on-wire byte order.  json != 0: one JSON
 * object.  Also prints the PCK extension if the leaf parses. */
void	tdx_quote_print(FILE *, const struct tdx_quote *, int);

/* The PCK leaf of the quote's chain and its SGX extension. */
enum attest_reject
	tdx_quote_pck_ext(const struct tdx_quote *, struct tdx_pck_ext *,
	    char *, size_t);

struct tdx_collateral *
	tdx_collateral_new(void);
void	tdx_collateral_free(struct tdx_collateral *);
/* Set one item from memory (copied).  Checks form only; signatures and
 * dates are judged by tdx_verify_evidence at its time. */
int	tdx_collateral_set(struct tdx_collateral *, enum tdx_coll_item,
	    const uint8_t *, size_t, char *, size_t);
/*
 * A directory with any of: tcb_info.json (+ tcb_info.sig) or tcbInfo.json,
 * qe_identity.json (+ qe_identity.sig) or enclaveIdentity.json,
 * tcb_info_issuer_chain.pem, pck_crl.der, root_ca_crl.der,
 * pck_crl_issuer_chain.pem.  Fails if it has none of TCB Info, QE
 * Identity or a CRL.
 */
int	tdx_collateral_load_dir(const char *, struct tdx_collateral **,
	    char *, size_t);
int	tdx_collateral_load_files(const struct tdx_collateral_files *,
	    struct tdx_collateral **, char *, size_t);
/* dcap-qvl's one-object JSON (tcb_info, tcb_info_signature, ...). */
int	tdx_collateral_load_json(const uint8_t *, size_t,
	    struct tdx_collateral **, char *, size_t);

const char *
	tdx_tcb_status_name(enum tdx_tcb_status);

/*
 * Evidence only: signatures, QE binding, PCK chain at time at, CRLs and
 * collateral when coll != NULL.  opts may be NULL (defaults).  ev is
 * filled as far as verification got.
 */
enum attest_reject
	tdx_verify_evidence(const struct tdx_quote *,
	    const struct tdx_collateral *, const struct tdx_verify_opts *,
	    time_t, struct tdx_evidence *, char *, size_t);

/* One reference value entry against verified evidence.  expected_rd may
 * be NULL (REPORTDATA not checked). */
enum attest_reject
	tdx_check_refval(const struct tdx_quote *, const struct tdx_evidence *,
	    const struct tdx_refval *, const uint8_t *, char *, size_t);

/*
 * Everything: parse, verify evidence, then the first matching entry of
 * rv->tdx.  On success the verdict is platform TDX with policy_hash =
 * MRCONFIGID[0:32] (MRCONFIGID[32:48] must be zero).  verdict->reason is
 * set in every case.
 */
enum attest_reject
	tdx_verify(const uint8_t *, size_t, const struct tdx_collateral *,
	    const struct refvals *, const uint8_t *, time_t,
	    struct attest_verdict *, char *, size_t);

/* Built-in Intel certificates (src/intel_roots.c), PEM text. */
extern const char	tdx_intel_root_ca_pem[];
extern const char	tdx_intel_tcb_signing_2025_pem[];
extern const char	tdx_intel_tcb_signing_2018_pem[];

#endif
