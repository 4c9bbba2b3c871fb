/*
 * Internals shared by the tdx_*.c files (and the fuzz harness); not an
 * API for other areas.
 */
#ifndef CONTRAST_TDX_INT_H
#define CONTRAST_TDX_INT_H

#include <openssl/x509.h>

#include "tdx.h"

#define TDX_MAX_TCB_LEVELS	256
#define TDX_MAX_MODULE_IDS	16
#define TDX_COLL_MAX_LEN	(256 * 1024)	/* any one collateral item */

struct tdx_tcb_level {
	uint8_t			 sgx[16];
	uint16_t		 pcesvn;
	uint8_t			 tdx[16];
	enum tdx_tcb_status	 status;
	size_t			 n_adv;
	char			 adv[TDX_MAX_ADVISORIES][TDX_ADVISORY_LEN];
};

struct tdx_isv_level {
	uint16_t		 isvsvn;
	enum tdx_tcb_status	 status;
};

struct tdx_module_identity {
	char			 id[16];	/* "TDX_01" */
	uint8_t			 mrsigner[48];
	uint8_t			 attributes[8];
	uint8_t			 attributes_mask[8];
	struct tdx_isv_level	*levels;
	size_t			 n_levels;
};

struct tdx_tcb_info {
	time_t			 issue_date, next_update;
	uint8_t			 fmspc[6];
	uint8_t			 pceid[2];
	uint32_t		 eval_number;
	uint8_t			 module_mrsigner[48];
	uint8_t			 module_attributes[8];
	uint8_t			 module_attributes_mask[8];
	struct tdx_tcb_level	*levels;
	size_t			 n_levels;
	struct tdx_module_identity *modules;
	size_t			 n_modules;
};

struct tdx_qe_identity {
	time_t			 issue_date, next_update;
	uint32_t		 eval_number;
	uint32_t		 miscselect, miscselect_mask;
	uint8_t			 attributes[16], attributes_mask[16];
	uint8_t			 mrsigner[32];
	uint16_t		 isvprodid;
	struct tdx_isv_level	*levels;
	size_t			 n_levels;
};

struct tdx_collateral {
	/* Exact signed bytes and their signatures. */
	uint8_t			*tcb_info_raw;
	size_t			 tcb_info_len;
	uint8_t			 tcb_info_sig[TDX_SIG_LEN];
	int			 has_tcb_info_sig;
	struct tdx_tcb_info	*tcb_info;
	uint8_t			*qe_id_raw;
	size_t			 qe_id_len;
	uint8_t			 qe_id_sig[TDX_SIG_LEN];
	int			 has_qe_id_sig;
	struct tdx_qe_identity	*qe_id;
	X509			*tcb_signing;	/* leaf of the issuer chain */
	X509_CRL		*pck_crl;
	X509_CRL		*root_crl;
	X509			*pck_crl_issuer;
};

/* Little-endian readers. */
static inline uint16_t
tdx_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
tdx_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* tdx_pck.c */
enum attest_reject
	tdx_pck_ext_parse(const uint8_t *, size_t, struct tdx_pck_ext *,
	    char *, size_t);
enum attest_reject
	tdx_pck_ext_from_cert(X509 *, struct tdx_pck_ext *, char *, size_t);
/* Split the quote's PEM chain into exactly three certificates. */
enum attest_reject
	tdx_pck_chain_split(const struct tdx_quote *, X509 *[3], char *,
	    size_t);
X509	*tdx_x509_from_pem(const char *);
void	 tdx_x509_name_cn(X509_NAME *, char *, size_t);

/* tdx_collateral.c */
enum tdx_tcb_status
	tdx_tcb_status_parse(const char *);
int	tdx_json_span(const uint8_t *, size_t, const char *, size_t *,
	    size_t *, char *, size_t);
int	tdx_time_parse(const char *, time_t *);
void	tdx_time_fmt(time_t, char *, size_t);
struct tdx_tcb_info *
	tdx_tcb_info_parse(const uint8_t *, size_t, char *, size_t);
void	tdx_tcb_info_free(struct tdx_tcb_info *);
struct tdx_qe_identity *
	tdx_qe_identity_parse(const uint8_t *, size_t, char *, size_t);
void	tdx_qe_identity_free(struct tdx_qe_identity *);

/* tdx_verify.c */
int	tdx_ecdsa_verify_raw(const uint8_t *, const uint8_t *, size_t,
	    const uint8_t *);
int	tdx_ecdsa_verify_pkey(EVP_PKEY *, const uint8_t *, size_t,
	    const uint8_t *);
enum attest_reject
	tdx_crl_check(X509_CRL *, X509 *, X509 *, time_t, const char *,
	    char *, size_t);

#endif
