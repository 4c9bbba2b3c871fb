/*
 * Internals shared by the snp_*.c files; not part of the public API.
 */
#ifndef CONTRAST_SNP_INT_H
#define CONTRAST_SNP_INT_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "snp.h"

#define SNP_CACHE_SIZE		64	/* verified chains kept per context */
#define SNP_CHAIN_MAX_CERTS	8
#define SNP_NPRODUCTS		3	/* Milan, Genoa, Turin */

/* A verified chain: one cache slot. */
struct snp_chain {
	int			 used;
	uint8_t			 key[32];	/* SHA-256 of the inputs */
	X509			*leaf, *inter, *ark;
	X509_CRL		*crl;
	EVP_PKEY_CTX		*vctx;		/* verify-initialised, leaf key */
	enum snp_product	 product;
	enum snp_signer		 signer;
	struct snp_vcek_ext	 ext;
};

struct snp_ctx {
	X509			*ark[SNP_NPRODUCTS];
	X509			*ask[SNP_NPRODUCTS];
	X509			*asvk[SNP_NPRODUCTS];
	EVP_MD			*sha384;
	EVP_MD			*sha256;
	struct snp_chain	 cache[SNP_CACHE_SIZE];
	size_t			 next;		/* ring replacement */
};

/*
 * Find or build the verified chain for this evidence and anchor at time
 * at.  signer and report_product come from the parsed report.  On success
 * *out points into ctx->cache (valid until the next call).
 */
enum snp_reason	 snp_chain_get(struct snp_ctx *, const struct snp_evidence *,
		    const struct snp_anchor *, enum snp_signer,
		    enum snp_product, time_t, struct snp_chain **, int *,
		    char *, size_t);

#endif
