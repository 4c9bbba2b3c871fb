/*
 * libFuzzer: certificate-list parsing (PEM or DER), AMD VCEK extension
 * decoding, chain verification and CRL parsing/checking.  The first byte
 * picks the path: 0 parse + extensions, 1 input as VCEK(+chain) against
 * the built-in roots, 2 input as the CRL of a fixed real chain (the
 * microsoft-tav Milan VCEK from $SHARED_DIR), 3 input as the chain of
 * that VCEK.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "snp.h"
#include "util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct snp_ctx	*ctx;
static uint8_t		*vcek;
static size_t		 vcek_len;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*shared = getenv("SHARED_DIR");
	char		 path[4096], err[ATTEST_ERR_LEN];

	if ((ctx = snp_ctx_new(err, sizeof(err))) == NULL)
		abort();
	if (shared != NULL) {
		snprintf(path, sizeof(path),
		    "%s/vectors/snp/microsoft-tav/milan_vcek.pem", shared);
		if (file_read(path, 1 << 16, &vcek, &vcek_len, err,
		    sizeof(err)) == -1)
			vcek = NULL;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct snp_evidence	 ev;
	struct snp_anchor	 a;
	struct snp_signer_info	 info;
	struct snp_vcek_ext	 ext;
	char			 err[ATTEST_ERR_LEN];
	STACK_OF(X509)		*sk;
	void			*v;
	int			 i;

	if (len < 1)
		return 0;
	memset(&ev, 0, sizeof(ev));
	memset(&a, 0, sizeof(a));
	a.kind = SNP_ANCHOR_AMD;
	switch (data[0] % 4) {
	case 0:
		if (snp_certs_parse(data + 1, len - 1, &v, err, sizeof(err)) !=
		    SNP_OK)
			return 0;
		sk = v;
		for (i = 0; i < sk_X509_num(sk); i++)
			(void)snp_vcek_ext_parse(sk_X509_value(sk, i), &ext,
			    err, sizeof(err));
		snp_certs_free(sk);
		return 0;
	case 1:
		ev.vcek = data + 1;
		ev.vcek_len = len - 1;
		break;
	case 2:
		if (vcek == NULL)
			return 0;
		ev.vcek = vcek;
		ev.vcek_len = vcek_len;
		ev.crl = data + 1;
		ev.crl_len = len - 1;
		break;
	default:
		if (vcek == NULL)
			return 0;
		ev.vcek = vcek;
		ev.vcek_len = vcek_len;
		ev.chain = data + 1;
		ev.chain_len = len - 1;
		break;
	}
	(void)snp_verify_cert_chain(ctx, &ev, &a, (data[0] & 4) ?
	    SNP_SIGNER_VLEK : SNP_SIGNER_VCEK, 1795305600, &info, err,
	    sizeof(err));
	/* The cache must not grow stale entries across inputs. */
	snp_ctx_flush(ctx);
	return 0;
}
