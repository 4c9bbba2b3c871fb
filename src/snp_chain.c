/*
 * SEV-SNP endorsement chain: ARK -> ASK (VCEK) or ASVK (VLEK) -> leaf.
 *
 * Certificates arrive from the untrusted host, so every list is parsed
 * with exact consumption, AMD's RSASSA-PSS parameters are required on
 * every signature, and the ARK is either the built-in one for the product
 * line or (simulated TEE only) the one pinned by SHA-256.  Chains that
 * verified are cached per context; a hit is re-checked against the
 * verification time only.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "snp.h"
#include "snp_int.h"
#include "util.h"

#define AMD_OID_PREFIX		"1.3.6.1.4.1.3704.1."
#define AMD_PSS_SALT_LEN	48
#define AMD_RSA_MIN_BITS	4096

static const char pem_cert_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_cert_end[] = "-----END CERTIFICATE-----";
static const char pem_crl_begin[] = "-----BEGIN X509 CRL-----";
static const char pem_crl_end[] = "-----END X509 CRL-----";

/* Subject CN for messages; "?" when absent. */
static void
cert_cn(const X509 *x, char *buf, size_t len)
{
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, buf, (int)len) < 0)
		snprintf(buf, len, "?");
}

static const uint8_t *
skip_space(const uint8_t *p, const uint8_t *end)
{
	while (p < end && (isspace(*p) || *p == '\0'))
		p++;
	return p;
}

static const uint8_t *
find_str(const uint8_t *p, const uint8_t *end, const char *s)
{
	size_t	 n = strlen(s);

	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, s, n) == 0)
			return p;
	return NULL;
}

/* Decode one PEM block [p, end) of the given type to DER. */
static int
pem_block_der(const uint8_t *p, size_t len, const char *type, uint8_t **der,
    long *derlen)
{
	BIO	*bio;
	char	*name = NULL;
	int	 rc;

	if ((bio = BIO_new_mem_buf(p, (int)len)) == NULL)
		return -1;
	rc = PEM_bytes_read_bio(der, derlen, &name, type, bio, NULL, NULL);
	BIO_free(bio);
	OPENSSL_free(name);
	return rc == 1 ? 0 : -1;
}

/*
 * Split input into DER items: PEM blocks (only whitespace around them)
 * or concatenated DER.  cb is called per item; returns 0 or -1.
 */
typedef int (*der_item_cb)(const uint8_t *, size_t, size_t, void *, char *,
    size_t);

static int
split_items(const uint8_t *in, size_t len, const char *begin,
    const char *end_marker, const char *pem_type, const char *what,
    der_item_cb cb, void *arg, char *err, size_t errlen)
{
	const uint8_t	*p = in, *end = in + len, *e;
	uint8_t		*der;
	long		 derlen;
	size_t		 n = 0;
	int		 rc;

	if (len > SNP_EVIDENCE_MAX) {
		snprintf(err, errlen, "%s: %zu bytes, limit %d", what, len,
		    SNP_EVIDENCE_MAX);
		return -1;
	}
	p = skip_space(p, end);
	if (p == end) {
		snprintf(err, errlen, "%s: empty", what);
		return -1;
	}
	if (*p != '-') {
		/* DER: the callback consumes exactly one item at a time. */
		while (p < end) {
			rc = cb(p, (size_t)(end - p), n++, arg, err, errlen);
			if (rc <= 0) {
				if (rc == 0)
					snprintf(err, errlen, "%s: bad DER at "
					    "offset %zu", what,
					    (size_t)(p - in));
				return -1;
			}
			p += rc;
		}
		return 0;
	}
	while (p < end) {
		if ((size_t)(end - p) < strlen(begin) ||
		    memcmp(p, begin, strlen(begin)) != 0) {
			snprintf(err, errlen, "%s: unexpected text at offset "
			    "%zu (want %s)", what, (size_t)(p - in), begin);
			return -1;
		}
		if ((e = find_str(p, end, end_marker)) == NULL) {
			snprintf(err, errlen, "%s: PEM block at offset %zu "
			    "has no end line", what, (size_t)(p - in));
			return -1;
		}
		e += strlen(end_marker);
		if (pem_block_der(p, (size_t)(e - p), pem_type, &der,
		    &derlen) == -1) {
			snprintf(err, errlen, "%s: PEM block at offset %zu "
			    "does not decode", what, (size_t)(p - in));
			return -1;
		}
		rc = cb(der, (size_t)derlen, n++, arg, err, errlen);
		if (rc >= 0 && rc != derlen) {
			snprintf(err, errlen, "%s: PEM block at offset %zu: "
			    "%s", what, (size_t)(p - in), rc == 0 ?
			    "bad DER" : "trailing bytes after the DER");
			rc = -1;
		}
		OPENSSL_free(der);
		if (rc < 0)
			return -1;
		p = skip_space(e, end);
	}
	return 0;
}

/* Callback: one DER certificate; returns bytes consumed, 0 bad, -1 err. */
static int
cert_item(const uint8_t *p, size_t len, size_t idx, void *arg, char *err,
    size_t errlen)
{
	STACK_OF(X509)	*sk = arg;
	const uint8_t	*q = p;
	X509		*x;

	if (idx >= SNP_CHAIN_MAX_CERTS) {
		snprintf(err, errlen, "more than %d certificates",
		    SNP_CHAIN_MAX_CERTS);
		return -1;
	}
	if (len > SNP_EVIDENCE_MAX)
		return 0;
	if ((x = d2i_X509(NULL, &q, (long)len)) == NULL)
		return 0;
	if (sk_X509_push(sk, x) <= 0) {
		X509_free(x);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return (int)(q - p);
}

enum snp_reason
snp_certs_parse(const uint8_t *in, size_t len, void **out, char *err,
    size_t errlen)
{
	STACK_OF(X509)	*sk;

	*out = NULL;
	if ((sk = sk_X509_new_null()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SNP_ERR_INTERNAL;
	}
	if (split_items(in, len, pem_cert_begin, pem_cert_end,
	    PEM_STRING_X509, "certificates", cert_item, sk, err,
	    errlen) == -1) {
		sk_X509_pop_free(sk, X509_free);
		ERR_clear_error();
		return SNP_ERR_CERT_FORMAT;
	}
	*out = sk;
	return SNP_OK;
}

void
snp_certs_free(void *sk)
{
	sk_X509_pop_free(sk, X509_free);
}

static int
crl_item(const uint8_t *p, size_t len, size_t idx, void *arg, char *err,
    size_t errlen)
{
	X509_CRL	**crl = arg;
	const uint8_t	*q = p;

	if (idx > 0) {
		snprintf(err, errlen, "more than one CRL");
		return -1;
	}
	if ((*crl = d2i_X509_CRL(NULL, &q, (long)len)) == NULL)
		return 0;
	return (int)(q - p);
}

static enum snp_reason
crl_parse(const uint8_t *in, size_t len, X509_CRL **crl, char *err,
    size_t errlen)
{
	*crl = NULL;
	if (split_items(in, len, pem_crl_begin, pem_crl_end, PEM_STRING_X509_CRL,
	    "CRL", crl_item, crl, err, errlen) == -1) {
		X509_CRL_free(*crl);
		*crl = NULL;
		ERR_clear_error();
		return SNP_ERR_CRL;
	}
	return SNP_OK;
}

/* The DER content of AMD extension <suffix>, or NULL; -1 on duplicates. */
static int
amd_ext(const X509 *x, const char *suffix, const ASN1_OCTET_STRING **val)
{
	char		 oid[64];
	ASN1_OBJECT	*obj;
	int		 i, j;

	*val = NULL;
	snprintf(oid, sizeof(oid), "%s%s", AMD_OID_PREFIX, suffix);
	if ((obj = OBJ_txt2obj(oid, 1)) == NULL)
		return -1;
	i = X509_get_ext_by_OBJ(x, obj, -1);
	j = i >= 0 ? X509_get_ext_by_OBJ(x, obj, i) : -1;
	ASN1_OBJECT_free(obj);
	if (j >= 0)
		return -1;
	if (i >= 0)
		*val = X509_EXTENSION_get_data(X509_get_ext(x, i));
	return 0;
}

/* An INTEGER extension in [0, max]; -1 absent, -2 malformed. */
static long
amd_ext_int(const X509 *x, const char *suffix, long max)
{
	const ASN1_OCTET_STRING	*os;
	const uint8_t		*p;
	ASN1_INTEGER		*ai;
	long			 v;
	int64_t			 v64;

	if (amd_ext(x, suffix, &os) == -1)
		return -2;
	if (os == NULL)
		return -1;
	p = ASN1_STRING_get0_data(os);
	if ((ai = d2i_ASN1_INTEGER(NULL, &p, ASN1_STRING_length(os))) == NULL)
		return -2;
	v = -2;
	if (p == ASN1_STRING_get0_data(os) + ASN1_STRING_length(os) &&
	    ASN1_INTEGER_get_int64(&v64, ai) == 1 && v64 >= 0 && v64 <= max)
		v = (long)v64;
	ASN1_INTEGER_free(ai);
	return v;
}

/* An IA5String extension into buf; 0 absent, 1 present, -1 malformed. */
static int
amd_ext_str(const X509 *x, const char *suffix, char *buf, size_t len)
{
	const ASN1_OCTET_STRING	*os;
	const uint8_t		*p;
	ASN1_IA5STRING		*s;
	int			 rc = -1, n, i;

	buf[0] = '\0';
	if (amd_ext(x, suffix, &os) == -1)
		return -1;
	if (os == NULL)
		return 0;
	p = ASN1_STRING_get0_data(os);
	if ((s = d2i_ASN1_IA5STRING(NULL, &p, ASN1_STRING_length(os))) == NULL)
		return -1;
	n = ASN1_STRING_length(s);
	if (p == ASN1_STRING_get0_data(os) + ASN1_STRING_length(os) &&
	    n >= 0 && (size_t)n < len) {
		memcpy(buf, ASN1_STRING_get0_data(s), (size_t)n);
		buf[n] = '\0';
		rc = 1;
		/* Printable ASCII only: the name ends up in messages. */
		for (i = 0; i < n; i++)
			if (!isprint((unsigned char)buf[i]))
				rc = -1;
	}
	ASN1_IA5STRING_free(s);
	if (rc == -1)
		buf[0] = '\0';
	return rc;
}

enum snp_reason
snp_vcek_ext_parse(const void *cert, struct snp_vcek_ext *e, char *err,
    size_t errlen)
{
	static const struct {
		const char	*suffix, *name;
		uint8_t		 off;	/* offset in struct snp_tcb */
	} spls[] = {
		{ "3.1", "blSPL", offsetof(struct snp_tcb, bootloader) },
		{ "3.2", "teeSPL", offsetof(struct snp_tcb, tee) },
		{ "3.3", "snpSPL", offsetof(struct snp_tcb, snp) },
		{ "3.8", "ucodeSPL", offsetof(struct snp_tcb, microcode) },
	};
	const X509		*x = cert;
	const ASN1_OCTET_STRING	*os;
	ASN1_OCTET_STRING	*inner;
	const uint8_t		*p;
	long			 v;
	size_t			 i;
	int			 n;

	memset(e, 0, sizeof(*e));
	e->struct_version = (int)amd_ext_int(x, "1", 0xffff);
	if (e->struct_version == -2) {
		snprintf(err, errlen, "VCEK: structVersion malformed");
		return SNP_ERR_CERT_FORMAT;
	}
	if (amd_ext_str(x, "2", e->product_name, sizeof(e->product_name))
	    != 1) {
		snprintf(err, errlen, "VCEK: productName missing or malformed");
		return SNP_ERR_CERT_FORMAT;
	}
	for (i = 0; i < sizeof(spls) / sizeof(spls[0]); i++) {
		if ((v = amd_ext_int(x, spls[i].suffix, 255)) < 0) {
			snprintf(err, errlen, "VCEK: %s %s", spls[i].name,
			    v == -1 ? "missing" : "malformed or > 255");
			return SNP_ERR_CERT_FORMAT;
		}
		((uint8_t *)&e->tcb)[spls[i].off] = (uint8_t)v;
	}
	if ((v = amd_ext_int(x, "3.9", 255)) == -2) {
		snprintf(err, errlen, "VCEK: fmcSPL malformed or > 255");
		return SNP_ERR_CERT_FORMAT;
	}
	if (v >= 0) {
		e->has_fmc = 1;
		e->tcb.fmc = (uint8_t)v;
	}
	if (amd_ext_str(x, "5", e->csp_id, sizeof(e->csp_id)) == -1) {
		snprintf(err, errlen, "VCEK: cspID malformed");
		return SNP_ERR_CERT_FORMAT;
	}
	if (amd_ext(x, "4", &os) == -1) {
		snprintf(err, errlen, "VCEK: duplicate hwID");
		return SNP_ERR_CERT_FORMAT;
	}
	if (os == NULL)
		return SNP_OK;
	/* hwID: raw 64 (or 8 on Turin) bytes, or DER-wrapped in an OCTET STRING. */
	n = ASN1_STRING_length(os);
	p = ASN1_STRING_get0_data(os);
	if (n == SNP_CHIP_ID_LEN || n == SNP_HWID_TURIN_LEN) {
		memcpy(e->hwid, p, (size_t)n);
		e->hwid_len = (size_t)n;
		return SNP_OK;
	}
	if ((inner = d2i_ASN1_OCTET_STRING(NULL, &p, n)) == NULL ||
	    p != ASN1_STRING_get0_data(os) + n ||
	    (ASN1_STRING_length(inner) != SNP_CHIP_ID_LEN &&
	    ASN1_STRING_length(inner) != SNP_HWID_TURIN_LEN)) {
		ASN1_OCTET_STRING_free(inner);
		ERR_clear_error();
		snprintf(err, errlen, "VCEK: hwID is %d bytes, neither raw "
		    "64/8 bytes nor a DER OCTET STRING of them", n);
		return SNP_ERR_CERT_FORMAT;
	}
	e->hwid_len = (size_t)ASN1_STRING_length(inner);
	memcpy(e->hwid, ASN1_STRING_get0_data(inner), e->hwid_len);
	ASN1_OCTET_STRING_free(inner);
	return SNP_OK;
}

/* Is alg SHA-384 (absent parameters or NULL)? */
static int
alg_is_sha384(const X509_ALGOR *alg)
{
	const ASN1_OBJECT	*obj;
	int			 ptype;

	if (alg == NULL)
		return 0;
	X509_ALGOR_get0(&obj, &ptype, NULL, alg);
	return OBJ_obj2nid(obj) == NID_sha384 &&
	    (ptype == V_ASN1_UNDEF || ptype == V_ASN1_NULL);
}

/* RSASSA-PSS with SHA-384, MGF1-SHA-384, salt 48, trailer 1 (AMD). */
static int
sigalg_is_amd_pss(const X509_ALGOR *sig)
{
	const ASN1_OBJECT	*obj;
	const void		*pval;
	const ASN1_STRING	*seq;
	const uint8_t		*p;
	RSA_PSS_PARAMS		*pss = NULL;
	X509_ALGOR		*mgf_hash = NULL;
	const ASN1_OBJECT	*mobj;
	int			 ptype, mtype, ok = 0;
	int64_t			 salt, trailer = 1;

	X509_ALGOR_get0(&obj, &ptype, &pval, sig);
	if (OBJ_obj2nid(obj) != NID_rsassaPss || ptype != V_ASN1_SEQUENCE)
		return 0;
	seq = pval;
	p = ASN1_STRING_get0_data(seq);
	if ((pss = d2i_RSA_PSS_PARAMS(NULL, &p, ASN1_STRING_length(seq))) ==
	    NULL)
		goto out;
	if (!alg_is_sha384(pss->hashAlgorithm) ||
	    pss->maskGenAlgorithm == NULL || pss->saltLength == NULL)
		goto out;
	X509_ALGOR_get0(&mobj, &mtype, &pval, pss->maskGenAlgorithm);
	if (OBJ_obj2nid(mobj) != NID_mgf1 || mtype != V_ASN1_SEQUENCE)
		goto out;
	seq = pval;
	p = ASN1_STRING_get0_data(seq);
	if ((mgf_hash = d2i_X509_ALGOR(NULL, &p, ASN1_STRING_length(seq))) ==
	    NULL || !alg_is_sha384(mgf_hash))
		goto out;
	if (ASN1_INTEGER_get_int64(&salt, pss->saltLength) != 1 ||
	    salt != AMD_PSS_SALT_LEN)
		goto out;
	if (pss->trailerField != NULL &&
	    ASN1_INTEGER_get_int64(&trailer, pss->trailerField) != 1)
		goto out;
	ok = trailer == 1;
 out:
	RSA_PSS_PARAMS_free(pss);
	X509_ALGOR_free(mgf_hash);
	ERR_clear_error();
	return ok;
}

static int
cert_is_amd_pss(const X509 *x)
{
	const X509_ALGOR	*alg;

	X509_get0_signature(NULL, &alg, x);
	return sigalg_is_amd_pss(alg) &&
	    sigalg_is_amd_pss(X509_get0_tbs_sigalg(x));
}

static int
cert_is_ca(X509 *x)
{
	if (X509_check_ca(x) != 1)
		return 0;
	return (X509_get_extension_flags(x) & EXFLAG_KUSAGE) == 0 ||
	    (X509_get_key_usage(x) & KU_KEY_CERT_SIGN) != 0;
}

static int
key_is_rsa4096(const X509 *x)
{
	EVP_PKEY	*k = X509_get0_pubkey(x);

	return k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA &&
	    EVP_PKEY_get_bits(k) >= AMD_RSA_MIN_BITS;
}

static int
key_is_p384(const X509 *x)
{
	EVP_PKEY	*k = X509_get0_pubkey(x);
	char		 name[32];
	size_t		 len;

	return k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
	    EVP_PKEY_get_utf8_string_param(k, "group", name, sizeof(name),
	    &len) == 1 && strcmp(name, "secp384r1") == 0;
}

static int
cert_der_equal(const X509 *a, const X509 *b)
{
	uint8_t	*da = NULL, *db = NULL;
	int	 la, lb, eq;

	la = i2d_X509(a, &da);
	lb = i2d_X509(b, &db);
	eq = la > 0 && la == lb && memcmp(da, db, (size_t)la) == 0;
	OPENSSL_free(da);
	OPENSSL_free(db);
	return eq;
}

static int
cert_sha256(const X509 *x, uint8_t out[32])
{
	uint8_t		*d = NULL;
	int		 l;
	unsigned int	 olen;
	int		 rc;

	if ((l = i2d_X509(x, &d)) <= 0)
		return -1;
	rc = EVP_Digest(d, (size_t)l, out, &olen, EVP_sha256(), NULL);
	OPENSSL_free(d);
	return rc == 1 ? 0 : -1;
}

/* A time-valid check usable on cache hits; 1 if t in [nb, na]. */
static int
time_in(const ASN1_TIME *nb, const ASN1_TIME *na, time_t t)
{
	int	 a, b;

	if (nb == NULL || na == NULL)
		return 0;
	a = ASN1_TIME_cmp_time_t(nb, t);
	b = ASN1_TIME_cmp_time_t(na, t);
	return (a == -1 || a == 0) && (b == 0 || b == 1);
}

static int
chain_time_ok(const struct snp_chain *c, time_t t)
{
	return time_in(X509_get0_notBefore(c->leaf),
	    X509_get0_notAfter(c->leaf), t) &&
	    time_in(X509_get0_notBefore(c->inter),
	    X509_get0_notAfter(c->inter), t) &&
	    time_in(X509_get0_notBefore(c->ark),
	    X509_get0_notAfter(c->ark), t) &&
	    (c->crl == NULL || time_in(X509_CRL_get0_lastUpdate(c->crl),
	    X509_CRL_get0_nextUpdate(c->crl), t));
}

static void
chain_clear(struct snp_chain *c)
{
	X509_free(c->leaf);
	X509_free(c->inter);
	X509_free(c->ark);
	X509_CRL_free(c->crl);
	EVP_PKEY_CTX_free(c->vctx);
	memset(c, 0, sizeof(*c));
}

static int
load_pem(const char *pem, X509 **out)
{
	BIO	*bio;

	if (pem == NULL || (bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return -1;
	*out = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return *out == NULL ? -1 : 0;
}

struct snp_ctx *
snp_ctx_new(char *err, size_t errlen)
{
	struct snp_ctx	*ctx;
	enum snp_product p;
	int		 i;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ctx->sha384 = EVP_MD_fetch(NULL, "SHA384", NULL);
	ctx->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (ctx->sha384 == NULL || ctx->sha256 == NULL) {
		snprintf(err, errlen, "cannot fetch SHA-384/SHA-256");
		goto fail;
	}
	for (i = 0; i < SNP_NPRODUCTS; i++) {
		p = (enum snp_product)(SNP_PRODUCT_MILAN + i);
		if (load_pem(snp_amd_root_pem(p, SNP_ROOT_ARK),
		    &ctx->ark[i]) == -1 ||
		    load_pem(snp_amd_root_pem(p, SNP_ROOT_ASK),
		    &ctx->ask[i]) == -1 ||
		    load_pem(snp_amd_root_pem(p, SNP_ROOT_ASVK),
		    &ctx->asvk[i]) == -1) {
			snprintf(err, errlen, "built-in %s roots do not parse",
			    snp_product_name(p));
			goto fail;
		}
		/* A corrupted binary must not yield a usable root. */
		if (X509_verify(ctx->ark[i], X509_get0_pubkey(ctx->ark[i]))
		    != 1 || X509_verify(ctx->ask[i],
		    X509_get0_pubkey(ctx->ark[i])) != 1 ||
		    X509_verify(ctx->asvk[i],
		    X509_get0_pubkey(ctx->ark[i])) != 1) {
			snprintf(err, errlen, "built-in %s roots do not verify",
			    snp_product_name(p));
			goto fail;
		}
	}
	return ctx;
 fail:
	ERR_clear_error();
	snp_ctx_free(ctx);
	return NULL;
}

void
snp_ctx_flush(struct snp_ctx *ctx)
{
	size_t	 i;

	for (i = 0; i < SNP_CACHE_SIZE; i++)
		if (ctx->cache[i].used)
			chain_clear(&ctx->cache[i]);
	ctx->next = 0;
}

void
snp_ctx_free(struct snp_ctx *ctx)
{
	int	 i;

	if (ctx == NULL)
		return;
	snp_ctx_flush(ctx);
	for (i = 0; i < SNP_NPRODUCTS; i++) {
		X509_free(ctx->ark[i]);
		X509_free(ctx->ask[i]);
		X509_free(ctx->asvk[i]);
	}
	EVP_MD_free(ctx->sha384);
	EVP_MD_free(ctx->sha256);
	free(ctx);
}

/* Cache key: every input that decides the chain verdict except time. */
static int
chain_key(struct snp_ctx *ctx, const struct snp_evidence *ev,
    const struct snp_anchor *a, enum snp_signer signer,
    enum snp_product rprod, uint8_t key[32])
{
	EVP_MD_CTX	*md;
	uint8_t		 hdr[4 + 32];
	uint64_t	 lens[3];
	unsigned int	 olen;
	int		 ok;

	hdr[0] = (uint8_t)a->kind;
	hdr[1] = (uint8_t)(a->kind == SNP_ANCHOR_AMD ? a->product : 0);
	hdr[2] = (uint8_t)signer;
	hdr[3] = (uint8_t)rprod;
	if (a->kind == SNP_ANCHOR_PINNED)
		memcpy(hdr + 4, a->ark_sha256, 32);
	else
		memset(hdr + 4, 0, 32);
	lens[0] = ev->vcek_len;
	lens[1] = ev->chain != NULL ? ev->chain_len : 0;
	lens[2] = ev->crl != NULL ? ev->crl_len : 0;
	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(md, ctx->sha256, NULL) == 1 &&
	    EVP_DigestUpdate(md, hdr, sizeof(hdr)) == 1 &&
	    EVP_DigestUpdate(md, lens, sizeof(lens)) == 1 &&
	    EVP_DigestUpdate(md, ev->vcek, lens[0]) == 1 &&
	    (lens[1] == 0 || EVP_DigestUpdate(md, ev->chain, lens[1]) == 1) &&
	    (lens[2] == 0 || EVP_DigestUpdate(md, ev->crl, lens[2]) == 1) &&
	    EVP_DigestFinal_ex(md, key, &olen) == 1;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

static enum snp_reason
check_crl(X509_CRL *crl, X509 *ark, X509 *inter, time_t at, char *err,
    size_t errlen)
{
	X509_REVOKED		*rev;
	const X509_ALGOR	*alg;
	char			 cn[64];

	if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(ark)) != 0) {
		snprintf(err, errlen, "CRL: issuer is not the ARK");
		return SNP_ERR_CRL;
	}
	X509_CRL_get0_signature(crl, NULL, &alg);
	if (!sigalg_is_amd_pss(alg)) {
		snprintf(err, errlen, "CRL: signature algorithm is not "
		    "RSASSA-PSS SHA-384/MGF1-SHA-384/salt 48");
		return SNP_ERR_CRL;
	}
	if (X509_CRL_verify(crl, X509_get0_pubkey(ark)) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "CRL: signature by the ARK invalid");
		return SNP_ERR_CRL;
	}
	if (X509_CRL_get0_nextUpdate(crl) == NULL ||
	    !time_in(X509_CRL_get0_lastUpdate(crl),
	    X509_CRL_get0_nextUpdate(crl), at)) {
		snprintf(err, errlen, "CRL: not valid at the verification "
		    "time (thisUpdate..nextUpdate)");
		return SNP_ERR_CRL;
	}
	if (X509_CRL_get0_by_serial(crl, &rev,
	    X509_get0_serialNumber(inter)) == 1) {
		cert_cn(inter, cn, sizeof(cn));
		snprintf(err, errlen, "CRL: %s is revoked", cn);
		return SNP_ERR_REVOKED;
	}
	return SNP_OK;
}

/* The product line from the anchor, report and VCEK; all must agree. */
static enum snp_reason
resolve_product(const struct snp_anchor *a, enum snp_product rprod,
    const struct snp_vcek_ext *ext, enum snp_product *out, char *err,
    size_t errlen)
{
	enum snp_product cprod = snp_product_from_name(ext->product_name);
	enum snp_product aprod = a->kind == SNP_ANCHOR_AMD ? a->product :
	    SNP_PRODUCT_UNKNOWN;

	if (cprod == SNP_PRODUCT_UNKNOWN) {
		snprintf(err, errlen, "VCEK productName '%s' is not a known "
		    "product line", ext->product_name);
		return SNP_ERR_PRODUCT;
	}
	if (rprod != SNP_PRODUCT_UNKNOWN && rprod != cprod) {
		snprintf(err, errlen, "report CPUID is %s but VCEK "
		    "productName is '%s'", snp_product_name(rprod),
		    ext->product_name);
		return SNP_ERR_PRODUCT;
	}
	if (aprod != SNP_PRODUCT_UNKNOWN && aprod != cprod) {
		snprintf(err, errlen, "reference values want %s but VCEK "
		    "productName is '%s'", snp_product_name(aprod),
		    ext->product_name);
		return SNP_ERR_PRODUCT;
	}
	if (cprod == SNP_PRODUCT_TURIN && !ext->has_fmc) {
		snprintf(err, errlen, "Turin VCEK without fmcSPL");
		return SNP_ERR_CERT_FORMAT;
	}
	*out = cprod;
	return SNP_OK;
}

/* Pick the ARK and intermediate from the supplied certificates. */
static enum snp_reason
select_roots(struct snp_ctx *ctx, const struct snp_anchor *a,
    STACK_OF(X509) *given, enum snp_product prod, enum snp_signer signer,
    X509 **ark, X509 **inter, char *err, size_t errlen)
{
	uint8_t		 h[32];
	X509		*x, *want_ark, *want_inter;
	char		 cn[64];
	int		 i;

	*ark = *inter = NULL;
	if (a->kind == SNP_ANCHOR_AMD) {
		want_ark = ctx->ark[prod - SNP_PRODUCT_MILAN];
		want_inter = signer == SNP_SIGNER_VLEK ?
		    ctx->asvk[prod - SNP_PRODUCT_MILAN] :
		    ctx->ask[prod - SNP_PRODUCT_MILAN];
		for (i = 0; i < sk_X509_num(given); i++) {
			x = sk_X509_value(given, i);
			if (cert_der_equal(x, want_ark) ||
			    cert_der_equal(x, want_inter))
				continue;
			cert_cn(x, cn, sizeof(cn));
			snprintf(err, errlen, "supplied certificate %d "
			    "(CN=%s) is not AMD's built-in %s ARK or %s", i,
			    cn, snp_product_name(prod),
			    signer == SNP_SIGNER_VLEK ? "ASVK" : "ASK");
			return SNP_ERR_ROOT;
		}
		*ark = want_ark;
		*inter = want_inter;
		return SNP_OK;
	}
	for (i = 0; i < sk_X509_num(given) && *ark == NULL; i++) {
		x = sk_X509_value(given, i);
		if (cert_sha256(x, h) == -1)
			return SNP_ERR_INTERNAL;
		if (CRYPTO_memcmp(h, a->ark_sha256, sizeof(h)) == 0)
			*ark = x;
	}
	if (*ark == NULL) {
		snprintf(err, errlen, "chain does not contain the pinned ARK");
		return SNP_ERR_ROOT;
	}
	for (i = 0; i < sk_X509_num(given); i++) {
		x = sk_X509_value(given, i);
		if (x == *ark || cert_der_equal(x, *ark))
			continue;
		if (*inter != NULL) {
			snprintf(err, errlen, "pinned chain: more than one "
			    "intermediate certificate");
			return SNP_ERR_CHAIN;
		}
		*inter = x;
	}
	if (*inter == NULL) {
		snprintf(err, errlen, "chain has no ASK/ASVK");
		return SNP_ERR_CHAIN;
	}
	return SNP_OK;
}

/* Signatures, CA properties and validity of leaf <- inter <- ark. */
static enum snp_reason
verify_path(X509 *leaf, X509 *inter, X509 *ark, time_t at, char *err,
    size_t errlen)
{
	X509_STORE	*store = NULL;
	X509_STORE_CTX	*sctx = NULL;
	STACK_OF(X509)	*untrusted = NULL;
	enum snp_reason	 reason = SNP_ERR_INTERNAL;
	const char	*which;
	char		 cn[64];
	int		 e, depth;

	which = !cert_is_amd_pss(ark) ? "ARK" : !cert_is_amd_pss(inter) ?
	    "ASK/ASVK" : !cert_is_amd_pss(leaf) ? "VCEK/VLEK" : NULL;
	if (which != NULL) {
		snprintf(err, errlen, "%s: signature algorithm is not "
		    "RSASSA-PSS SHA-384/MGF1-SHA-384/salt 48", which);
		return SNP_ERR_CHAIN;
	}
	if (!key_is_rsa4096(ark) || !key_is_rsa4096(inter)) {
		snprintf(err, errlen, "ARK/ASK key is not RSA >= %d bits",
		    AMD_RSA_MIN_BITS);
		return SNP_ERR_CHAIN;
	}
	/* ARK and ASK are CAs that may sign certificates; the leaf is not. */
	which = !cert_is_ca(ark) ? "ARK" : !cert_is_ca(inter) ? "ASK/ASVK" :
	    X509_check_ca(leaf) != 0 ? "VCEK/VLEK" : NULL;
	if (which != NULL) {
		snprintf(err, errlen, "%s: wrong basicConstraints/keyUsage for "
		    "its place in the chain", which);
		return SNP_ERR_CHAIN;
	}
	if (X509_check_issued(ark, ark) != X509_V_OK ||
	    X509_verify(ark, X509_get0_pubkey(ark)) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "ARK is not validly self-signed");
		return SNP_ERR_CHAIN;
	}
	if ((store = X509_STORE_new()) == NULL ||
	    (sctx = X509_STORE_CTX_new()) == NULL ||
	    (untrusted = sk_X509_new_null()) == NULL ||
	    X509_STORE_add_cert(store, ark) != 1 ||
	    sk_X509_push(untrusted, inter) <= 0 ||
	    X509_STORE_CTX_init(sctx, store, leaf, untrusted) != 1) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* No X509_STRICT: VCEKs have no AKID (attestation.md 1.5). */
	X509_STORE_CTX_set_flags(sctx, X509_V_FLAG_CHECK_SS_SIGNATURE);
	X509_STORE_CTX_set_time(sctx, 0, at);
	if (X509_verify_cert(sctx) != 1) {
		e = X509_STORE_CTX_get_error(sctx);
		depth = X509_STORE_CTX_get_error_depth(sctx);
		which = depth == 0 ? "VCEK/VLEK" : depth == 1 ? "ASK/ASVK" :
		    "ARK";
		if (e == X509_V_ERR_CERT_HAS_EXPIRED ||
		    e == X509_V_ERR_CERT_NOT_YET_VALID) {
			cert_cn(X509_STORE_CTX_get_current_cert(sctx) ?
			    X509_STORE_CTX_get_current_cert(sctx) : leaf,
			    cn, sizeof(cn));
			snprintf(err, errlen, "%s (CN=%s) %s at the "
			    "verification time", which, cn,
			    e == X509_V_ERR_CERT_HAS_EXPIRED ?
			    "has expired" : "is not yet valid");
			reason = SNP_ERR_CERT_TIME;
		} else {
			snprintf(err, errlen, "chain: %s: %s", which,
			    X509_verify_cert_error_string(e));
			reason = SNP_ERR_CHAIN;
		}
		goto out;
	}
	if (sk_X509_num(X509_STORE_CTX_get0_chain(sctx)) != 3) {
		snprintf(err, errlen, "chain: expected ARK -> ASK -> VCEK");
		reason = SNP_ERR_CHAIN;
		goto out;
	}
	reason = SNP_OK;
 out:
	ERR_clear_error();
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(sctx);
	X509_STORE_free(store);
	return reason;
}

/* Full (uncached) chain verification into c. */
static enum snp_reason
chain_build(struct snp_ctx *ctx, const struct snp_evidence *ev,
    const struct snp_anchor *a, enum snp_signer signer,
    enum snp_product rprod, time_t at, struct snp_chain *c, char *err,
    size_t errlen)
{
	STACK_OF(X509)	*leafs = NULL, *given = NULL;
	void		*sk;
	X509		*leaf, *ark, *inter;
	X509_CRL	*crl = NULL;
	enum snp_reason	 reason;
	char		 cn[64];

	if (ev->vcek == NULL) {
		snprintf(err, errlen, "no VCEK/VLEK supplied");
		return SNP_ERR_CERT_FORMAT;
	}
	if ((reason = snp_certs_parse(ev->vcek, ev->vcek_len, &sk, err,
	    errlen)) != SNP_OK)
		return reason;
	leafs = sk;
	if (ev->chain != NULL && ev->chain_len > 0) {
		if ((reason = snp_certs_parse(ev->chain, ev->chain_len, &sk,
		    err, errlen)) != SNP_OK)
			goto out;
		given = sk;
	} else if ((given = sk_X509_new_null()) == NULL) {
		reason = SNP_ERR_INTERNAL;
		goto out;
	}
	/* Certificates after the leaf (Azure's PEM) join the chain. */
	while (sk_X509_num(leafs) > 1) {
		if (sk_X509_push(given, sk_X509_value(leafs, 1)) <= 0) {
			reason = SNP_ERR_INTERNAL;
			goto out;
		}
		(void)sk_X509_delete(leafs, 1);
		if (sk_X509_num(given) > SNP_CHAIN_MAX_CERTS) {
			snprintf(err, errlen, "more than %d certificates",
			    SNP_CHAIN_MAX_CERTS);
			reason = SNP_ERR_CERT_FORMAT;
			goto out;
		}
	}
	leaf = sk_X509_value(leafs, 0);
	if (!key_is_p384(leaf)) {
		snprintf(err, errlen, "VCEK/VLEK key is not EC P-384");
		reason = SNP_ERR_CHAIN;
		goto out;
	}
	if ((reason = snp_vcek_ext_parse(leaf, &c->ext, err, errlen)) !=
	    SNP_OK)
		goto out;
	if ((reason = resolve_product(a, rprod, &c->ext, &c->product, err,
	    errlen)) != SNP_OK)
		goto out;
	if (a->kind == SNP_ANCHOR_AMD) {
		cert_cn(leaf, cn, sizeof(cn));
		if (strcmp(cn, signer == SNP_SIGNER_VLEK ? "SEV-VLEK" :
		    "SEV-VCEK") != 0) {
			snprintf(err, errlen, "report is signed by the %s but "
			    "the certificate is CN=%s", signer ==
			    SNP_SIGNER_VLEK ? "VLEK" : "VCEK", cn);
			reason = SNP_ERR_CHAIN;
			goto out;
		}
	}
	if (signer == SNP_SIGNER_VCEK && c->ext.hwid_len !=
	    (c->product == SNP_PRODUCT_TURIN ? SNP_HWID_TURIN_LEN :
	    SNP_CHIP_ID_LEN)) {
		snprintf(err, errlen, "VCEK hwID is %zu bytes, want %d for %s",
		    c->ext.hwid_len, c->product == SNP_PRODUCT_TURIN ?
		    SNP_HWID_TURIN_LEN : SNP_CHIP_ID_LEN,
		    snp_product_name(c->product));
		reason = SNP_ERR_CERT_FORMAT;
		goto out;
	}
	if ((reason = select_roots(ctx, a, given, c->product, signer, &ark,
	    &inter, err, errlen)) != SNP_OK)
		goto out;
	if ((reason = verify_path(leaf, inter, ark, at, err, errlen)) !=
	    SNP_OK)
		goto out;
	if (ev->crl != NULL && ev->crl_len > 0) {
		if ((reason = crl_parse(ev->crl, ev->crl_len, &crl, err,
		    errlen)) != SNP_OK)
			goto out;
		if ((reason = check_crl(crl, ark, inter, at, err, errlen)) !=
		    SNP_OK)
			goto out;
	}
	if (X509_up_ref(leaf) != 1 || X509_up_ref(inter) != 1 ||
	    X509_up_ref(ark) != 1) {
		reason = SNP_ERR_INTERNAL;
		goto out;
	}
	c->leaf = leaf;
	c->inter = inter;
	c->ark = ark;
	c->crl = crl;
	crl = NULL;
	c->signer = signer;
	if ((c->vctx = EVP_PKEY_CTX_new(X509_get0_pubkey(leaf), NULL)) ==
	    NULL || EVP_PKEY_verify_init(c->vctx) != 1) {
		snprintf(err, errlen, "cannot set up the VCEK key");
		reason = SNP_ERR_INTERNAL;
		goto out;
	}
	reason = SNP_OK;
 out:
	sk_X509_pop_free(leafs, X509_free);
	sk_X509_pop_free(given, X509_free);
	X509_CRL_free(crl);
	ERR_clear_error();
	return reason;
}

enum snp_reason
snp_chain_get(struct snp_ctx *ctx, const struct snp_evidence *ev,
    const struct snp_anchor *a, enum snp_signer signer,
    enum snp_product rprod, time_t at, struct snp_chain **out, int *hit,
    char *err, size_t errlen)
{
	struct snp_chain	 fresh, *slot;
	uint8_t			 key[32];
	enum snp_reason		 reason;
	size_t			 i;

	*out = NULL;
	*hit = 0;
	if (a->kind != SNP_ANCHOR_AMD && a->kind != SNP_ANCHOR_PINNED) {
		snprintf(err, errlen, "invalid trust anchor");
		return SNP_ERR_INTERNAL;
	}
	if (ev->vcek == NULL || ev->vcek_len > SNP_EVIDENCE_MAX ||
	    ev->chain_len > SNP_EVIDENCE_MAX || ev->crl_len > SNP_EVIDENCE_MAX) {
		snprintf(err, errlen, "certificate input missing or larger "
		    "than %d bytes", SNP_EVIDENCE_MAX);
		return SNP_ERR_CERT_FORMAT;
	}
	if (chain_key(ctx, ev, a, signer, rprod, key) == -1) {
		snprintf(err, errlen, "cannot hash the evidence");
		return SNP_ERR_INTERNAL;
	}
	for (i = 0; i < SNP_CACHE_SIZE; i++) {
		slot = &ctx->cache[i];
		if (slot->used && memcmp(slot->key, key, sizeof(key)) == 0 &&
		    chain_time_ok(slot, at)) {
			*out = slot;
			*hit = 1;
			return SNP_OK;
		}
	}
	memset(&fresh, 0, sizeof(fresh));
	if ((reason = chain_build(ctx, ev, a, signer, rprod, at, &fresh, err,
	    errlen)) != SNP_OK) {
		chain_clear(&fresh);
		return reason;
	}
	/* Replace a stale copy of the same key, else the oldest slot. */
	for (i = 0; i < SNP_CACHE_SIZE; i++)
		if (ctx->cache[i].used &&
		    memcmp(ctx->cache[i].key, key, sizeof(key)) == 0)
			break;
	if (i == SNP_CACHE_SIZE) {
		i = ctx->next;
		ctx->next = (ctx->next + 1) % SNP_CACHE_SIZE;
	}
	slot = &ctx->cache[i];
	if (slot->used)
		chain_clear(slot);
	*slot = fresh;
	memcpy(slot->key, key, sizeof(key));
	slot->used = 1;
	*out = slot;
	return SNP_OK;
}
