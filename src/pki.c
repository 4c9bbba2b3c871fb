/*
 * Key and certificate helpers (see pki.h).  PEM input is parsed strictly
 * by our own tokenizer before OpenSSL decodes a block, because OpenSSL's
 * PEM reader silently skips text between blocks.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "pki.h"
#include "util.h"

#define PKI_LABEL_MAX	64

/* Append OpenSSL's first queued reason, then clear the queue. */
/* Copy an OpenSSL allocation into a malloc'd buffer of exactly len. */
static int
pki_copy_out(const uint8_t *src, size_t len, uint8_t **outp, size_t *lenp,
    char *err, size_t errlen)
{
	uint8_t	*out;

	if ((out = malloc(len ? len : 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(out, src, len);
	*outp = out;
	*lenp = len;
	return 0;
}

/*
 * Drain a memory BIO into a NUL-terminated malloc'd string.  The BIO is a
 * secure-memory BIO whenever the contents are secret, so its growth is
 * cleansed; our copy is allocated once at the final size.
 */
static int
pki_bio_out(BIO *bio, char **outp, size_t *lenp, char *err, size_t errlen)
{
	char	*data, *out;
	long	 n;

	if ((n = BIO_get_mem_data(bio, &data)) <= 0) {
		snprintf(err, errlen, "PEM encoding produced no data");
		return -1;
	}
	if ((out = malloc((size_t)n + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	*outp = out;
	*lenp = (size_t)n;
	return 0;
}

/* A memory BIO to PEM-encode into. */
static BIO *
pki_mem_bio(char *err, size_t errlen)
{
	BIO	*bio;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		ossl_error(err, errlen, "BIO");
	return bio;
}

/*
 * Ends a PEM encoding into bio (from pki_mem_bio()): ok is what the PEM
 * writers returned, what names the encoding in an error.  Frees bio.
 */
static int
pki_pem_done(BIO *bio, int ok, const char *what, char **pemp, size_t *lenp,
    char *err, size_t errlen)
{
	int	 rc = -1;

	if (!ok)
		ossl_error(err, errlen, what);
	else
		rc = pki_bio_out(bio, pemp, lenp, err, errlen);
	BIO_free(bio);
	return rc;
}

EVP_PKEY *
pki_p384_generate(char *err, size_t errlen)
{
	EVP_PKEY	*k;

	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384")) == NULL)
		ossl_error(err, errlen, "P-384 key generation");
	return k;
}

EVP_PKEY *
pki_rsa_generate(unsigned int bits, char *err, size_t errlen)
{
	EVP_PKEY	*k;

	if (bits < 2048 || bits > 16384) {
		snprintf(err, errlen, "RSA key size %u out of range", bits);
		return NULL;
	}
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits)) == NULL)
		ossl_error(err, errlen, "RSA key generation");
	return k;
}

EVP_PKEY *
pki_p384_from_scalar(const uint8_t *d, size_t dlen, char *err, size_t errlen)
{
	EC_GROUP	*group = NULL;
	EC_POINT	*pub = NULL;
	BIGNUM		*priv = NULL;
	BN_CTX		*bnctx = NULL;
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	EVP_PKEY	*key = NULL;
	uint8_t		 pubbuf[1 + 2 * PKI_P384_SCALAR_LEN];
	size_t		 publen;

	if (dlen != PKI_P384_SCALAR_LEN) {
		snprintf(err, errlen, "P-384 scalar must be %d bytes, got %zu",
		    PKI_P384_SCALAR_LEN, dlen);
		return NULL;
	}
	if ((group = EC_GROUP_new_by_curve_name(NID_secp384r1)) == NULL ||
	    (bnctx = BN_CTX_secure_new()) == NULL ||
	    (priv = BN_secure_new()) == NULL ||
	    (pub = EC_POINT_new(group)) == NULL) {
		ossl_error(err, errlen, "P-384 key from scalar");
		goto done;
	}
	if (BN_bin2bn(d, (int)dlen, priv) == NULL) {
		ossl_error(err, errlen, "P-384 scalar");
		goto done;
	}
	if (BN_is_zero(priv) || BN_cmp(priv, EC_GROUP_get0_order(group)) >= 0) {
		snprintf(err, errlen, "P-384 scalar out of range");
		goto done;
	}
	if (!EC_POINT_mul(group, pub, priv, NULL, NULL, bnctx) ||
	    (publen = EC_POINT_point2oct(group, pub,
	    POINT_CONVERSION_UNCOMPRESSED, pubbuf, sizeof(pubbuf), bnctx)) !=
	    sizeof(pubbuf)) {
		ossl_error(err, errlen, "P-384 public point");
		goto done;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "P-384", 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pubbuf, publen) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pctx) <= 0 ||
	    EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_KEYPAIR, params) <= 0) {
		ossl_error(err, errlen, "P-384 key import");
		key = NULL;
	}
 done:
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);	/* BN copies in params are cleared */
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(pub);
	BN_clear_free(priv);
	BN_CTX_free(bnctx);
	EC_GROUP_free(group);
	return key;
}

int
pki_is_p384(const EVP_PKEY *k)
{
	char	 name[32];
	size_t	 len;

	if (k == NULL || EVP_PKEY_get_base_id(k) != EVP_PKEY_EC)
		return 0;
	if (!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME,
	    name, sizeof(name), &len))
		return 0;
	return strcmp(name, "P-384") == 0 || strcmp(name, "secp384r1") == 0;
}

int
pki_is_rsa(const EVP_PKEY *k)
{
	return k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA;
}

/* Reject keys we never want to hold: only EC P-256/384/521 and RSA. */
static int
pki_key_acceptable(const EVP_PKEY *k, char *err, size_t errlen)
{
	int	 bits = EVP_PKEY_get_bits(k);

	char	 curve[32];
	size_t	 len;

	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_EC:
		/* Named NIST curves only: no explicit parameters. */
		if (EVP_PKEY_get_utf8_string_param(k,
		    OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve), &len) &&
		    (strcmp(curve, "prime256v1") == 0 ||
		    strcmp(curve, "P-256") == 0 ||
		    strcmp(curve, "secp384r1") == 0 ||
		    strcmp(curve, "P-384") == 0 ||
		    strcmp(curve, "secp521r1") == 0 ||
		    strcmp(curve, "P-521") == 0))
			return 0;
		ERR_clear_error();
		snprintf(err, errlen, "unsupported EC curve (%d bits)", bits);
		return -1;
	case EVP_PKEY_RSA:
		if (bits >= 2048 && bits <= 16384)
			return 0;
		snprintf(err, errlen, "unsupported RSA key size %d", bits);
		return -1;
	default:
		snprintf(err, errlen, "unsupported key type");
		return -1;
	}
}

/*
 * Strict PEM tokenizer.  From *off, skip whitespace; if at the end return
 * 0; else expect "-----BEGIN <label>-----" up to the matching END line and
 * return 1 with the block (BEGIN through END marker) and its label.  Text
 * that is not whitespace outside a block is an error (-1).
 */
static int
pki_pem_next(const uint8_t *buf, size_t len, size_t *off, char *label,
    const uint8_t **blk, size_t *blklen, char *err, size_t errlen)
{
	static const char	 begin[] = "-----BEGIN ";
	char			 endmark[PKI_LABEL_MAX + 16];
	size_t			 i = *off, l, start, mlen;
	const uint8_t		*e;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
	    buf[i] == '\n'))
		i++;
	if (i == len) {
		*off = i;
		return 0;
	}
	start = i;
	if (len - i < sizeof(begin) - 1 ||
	    memcmp(buf + i, begin, sizeof(begin) - 1) != 0) {
		snprintf(err, errlen, "unexpected text at offset %zu", i);
		return -1;
	}
	i += sizeof(begin) - 1;
	for (l = 0; i < len && buf[i] != '-'; i++, l++) {
		if (l + 1 >= PKI_LABEL_MAX || !((buf[i] >= 'A' &&
		    buf[i] <= 'Z') || (buf[i] >= '0' && buf[i] <= '9') ||
		    buf[i] == ' ')) {
			snprintf(err, errlen, "bad PEM label at offset %zu",
			    i);
			return -1;
		}
		label[l] = (char)buf[i];
	}
	label[l] = '\0';
	if (l == 0 || len - i < 5 || memcmp(buf + i, "-----", 5) != 0) {
		snprintf(err, errlen, "bad PEM header at offset %zu", start);
		return -1;
	}
	mlen = (size_t)snprintf(endmark, sizeof(endmark), "-----END %s-----",
	    label);
	if ((e = memmem(buf + i, len - i, endmark, mlen)) == NULL) {
		snprintf(err, errlen, "PEM block %s at offset %zu has no END "
		    "line", label, start);
		return -1;
	}
	i = (size_t)(e - buf) + mlen;
	if (i < len && buf[i] != '\n' && buf[i] != '\r' && buf[i] != ' ' &&
	    buf[i] != '\t') {
		snprintf(err, errlen, "unexpected text after PEM block at "
		    "offset %zu", i);
		return -1;
	}
	*blk = buf + start;
	*blklen = i - start;
	*off = i;
	return 1;
}

/* Exactly one PEM block and nothing but whitespace around it. */
static int
pki_pem_single(const uint8_t *pem, size_t len, char *label,
    const uint8_t **blk, size_t *blklen, char *err, size_t errlen)
{
	char		 l2[PKI_LABEL_MAX];
	const uint8_t	*b2;
	size_t		 off = 0, bl2;
	int		 r;

	if ((r = pki_pem_next(pem, len, &off, label, blk, blklen, err,
	    errlen)) != 1) {
		if (r == 0)
			snprintf(err, errlen, "no PEM block");
		return -1;
	}
	if ((r = pki_pem_next(pem, len, &off, l2, &b2, &bl2, err,
	    errlen)) != 0) {
		if (r == 1)
			snprintf(err, errlen, "more than one PEM block "
			    "(second at offset %zu)", (size_t)(b2 - pem));
		return -1;
	}
	return 0;
}

/*
 * Base64-decode one tokenized block whose label we already know.  Secret
 * blocks are decoded into the secure heap; encrypted PEM headers are
 * refused (we never hold passphrases).
 */
static int
pki_pem_decode(const uint8_t *blk, size_t blklen, int secret,
    unsigned char **derp, long *derlenp, char *err, size_t errlen)
{
	BIO		*bio;
	char		*name = NULL, *header = NULL;
	unsigned char	*der = NULL;
	long		 derlen = 0;
	int		 rc = -1;

	if (blklen > PKI_PEM_MAX ||
	    (bio = BIO_new_mem_buf(blk, (int)blklen)) == NULL) {
		snprintf(err, errlen, "PEM block too large");
		return -1;
	}
	if (!PEM_read_bio_ex(bio, &name, &header, &der, &derlen,
	    PEM_FLAG_ONLY_B64 | (secret ? PEM_FLAG_SECURE : 0))) {
		ossl_error(err, errlen, "PEM decoding");
		goto done;
	}
	if (header[0] != '\0') {
		snprintf(err, errlen, "PEM block has headers (encrypted keys "
		    "are not supported)");
		goto done;
	}
	*derp = der;
	*derlenp = derlen;
	der = NULL;
	rc = 0;
 done:
	if (secret) {
		OPENSSL_secure_clear_free(der, (size_t)derlen);
		OPENSSL_secure_free(name);
		OPENSSL_secure_free(header);
	} else {
		OPENSSL_free(der);
		OPENSSL_free(name);
		OPENSSL_free(header);
	}
	BIO_free(bio);
	return rc;
}

int
pki_key_to_pem(EVP_PKEY *k, char **pemp, size_t *lenp, char *err,
    size_t errlen)
{
	BIO	*bio;
	int	 rc = -1;

	if ((bio = BIO_new(BIO_s_secmem())) == NULL) {
		ossl_error(err, errlen, "BIO");
		return -1;
	}
	/* "Traditional" = SEC1 for EC, PKCS#1 for RSA, as upstream writes. */
	if (!PEM_write_bio_PrivateKey_traditional(bio, k, NULL, NULL, 0, NULL,
	    NULL))
		ossl_error(err, errlen, "private key PEM encoding");
	else
		rc = pki_bio_out(bio, pemp, lenp, err, errlen);
	BIO_free(bio);
	return rc;
}

EVP_PKEY *
pki_key_from_pem(const uint8_t *pem, size_t len, char *err, size_t errlen)
{
	char			 label[PKI_LABEL_MAX];
	const uint8_t		*blk;
	const unsigned char	*p;
	unsigned char		*der = NULL;
	long			 derlen = 0;
	size_t			 blklen;
	PKCS8_PRIV_KEY_INFO	*p8;
	EVP_PKEY		*k = NULL;

	if (pki_pem_single(pem, len, label, &blk, &blklen, err, errlen) == -1)
		return NULL;
	if (strcmp(label, "EC PRIVATE KEY") != 0 &&
	    strcmp(label, "RSA PRIVATE KEY") != 0 &&
	    strcmp(label, "PRIVATE KEY") != 0) {
		snprintf(err, errlen, "PEM block is \"%s\", not a private key",
		    label);
		return NULL;
	}
	if (pki_pem_decode(blk, blklen, 1, &der, &derlen, err, errlen) == -1)
		return NULL;
	p = der;
	if (strcmp(label, "EC PRIVATE KEY") == 0)
		k = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, derlen);
	else if (strcmp(label, "RSA PRIVATE KEY") == 0)
		k = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, derlen);
	else if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, derlen)) != NULL) {
		k = EVP_PKCS82PKEY(p8);
		PKCS8_PRIV_KEY_INFO_free(p8);
	}
	if (k == NULL)
		ossl_error(err, errlen, label);
	else if (p != der + derlen) {
		snprintf(err, errlen, "%s: trailing bytes after the key",
		    label);
		EVP_PKEY_free(k);
		k = NULL;
	} else if (pki_key_acceptable(k, err, errlen) == -1) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	OPENSSL_secure_clear_free(der, (size_t)derlen);
	return k;
}

/*
 * Read a small regular file into one buffer allocated at its final size:
 * private keys never pass through a growing buffer.
 */
static int
pki_read_secret_file(const char *path, uint8_t **bufp, size_t *lenp,
    char *err, size_t errlen)
{
	struct stat	 st;
	uint8_t		*buf;
	size_t		 len, off = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > PKI_PEM_MAX) {
		snprintf(err, errlen, "%s: not a regular file of at most %d "
		    "bytes", path, PKI_PEM_MAX);
		close(fd);
		return -1;
	}
	len = (size_t)st.st_size;
	if ((buf = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	while (off < len) {
		n = read(fd, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: %s", path, n == 0 ?
			    "file shrank while reading" : strerror(errno));
			freezero_buf(buf, len + 1);
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int
pki_key_write(const char *path, EVP_PKEY *k, char *err, size_t errlen)
{
	char	*pem;
	size_t	 len;
	int	 rc;

	if (pki_key_to_pem(k, &pem, &len, err, errlen) == -1)
		return -1;
	rc = file_write_atomic(path, pem, len, 0600, err, errlen);
	freezero_buf(pem, len + 1);
	return rc;
}

EVP_PKEY *
pki_key_read(const char *path, char *err, size_t errlen)
{
	uint8_t		*buf;
	size_t		 len;
	EVP_PKEY	*k;
	char		 e[PKI_ERR_LEN];

	if (pki_read_secret_file(path, &buf, &len, err, errlen) == -1)
		return NULL;
	if ((k = pki_key_from_pem(buf, len, e, sizeof(e))) == NULL)
		snprintf(err, errlen, "%s: %s", path, e);
	freezero_buf(buf, len + 1);
	return k;
}

EVP_PKEY *
pki_key_load_or_generate(const char *path, unsigned int rsa_bits,
    int *created, char *err, size_t errlen)
{
	struct stat	 st;
	EVP_PKEY	*k;

	if (created != NULL)
		*created = 0;
	if (lstat(path, &st) == 0 || errno != ENOENT) {
		if ((k = pki_key_read(path, err, errlen)) == NULL)
			return NULL;
		if (rsa_bits == 0 ? !pki_is_p384(k) : !pki_is_rsa(k)) {
			snprintf(err, errlen, "%s: expected %s key", path,
			    rsa_bits == 0 ? "an ECDSA P-384" : "an RSA");
			EVP_PKEY_free(k);
			return NULL;
		}
		return k;
	}
	k = rsa_bits == 0 ? pki_p384_generate(err, errlen) :
	    pki_rsa_generate(rsa_bits, err, errlen);
	if (k == NULL)
		return NULL;
	if (pki_key_write(path, k, err, errlen) == -1) {
		EVP_PKEY_free(k);
		return NULL;
	}
	if (created != NULL)
		*created = 1;
	return k;
}

int
pki_spki_der(EVP_PKEY *k, uint8_t **derp, size_t *lenp, char *err,
    size_t errlen)
{
	unsigned char	*der = NULL;
	int		 n, rc;

	if ((n = i2d_PUBKEY(k, &der)) <= 0) {
		ossl_error(err, errlen, "SubjectPublicKeyInfo encoding");
		return -1;
	}
	rc = pki_copy_out(der, (size_t)n, derp, lenp, err, errlen);
	OPENSSL_free(der);
	return rc;
}

int
pki_rsa_pkcs1_pub_der(EVP_PKEY *k, uint8_t **derp, size_t *lenp, char *err,
    size_t errlen)
{
	unsigned char	*der = NULL;
	int		 n, rc;

	if (!pki_is_rsa(k)) {
		snprintf(err, errlen, "not an RSA key");
		return -1;
	}
	/* For RSA, i2d_PublicKey is the PKCS#1 RSAPublicKey structure. */
	if ((n = i2d_PublicKey(k, &der)) <= 0) {
		ossl_error(err, errlen, "PKCS#1 public key encoding");
		return -1;
	}
	rc = pki_copy_out(der, (size_t)n, derp, lenp, err, errlen);
	OPENSSL_free(der);
	return rc;
}

EVP_PKEY *
pki_pubkey_from_spki_der(const uint8_t *der, size_t len, char *err,
    size_t errlen)
{
	const unsigned char	*p = der;
	EVP_PKEY		*k;

	if (len == 0 || len > PKI_PEM_MAX) {
		snprintf(err, errlen, "public key DER length %zu out of range",
		    len);
		return NULL;
	}
	if ((k = d2i_PUBKEY(NULL, &p, (long)len)) == NULL) {
		ossl_error(err, errlen, "SubjectPublicKeyInfo");
		return NULL;
	}
	if (p != der + len) {
		snprintf(err, errlen, "SubjectPublicKeyInfo: %zu trailing "
		    "bytes", len - (size_t)(p - der));
		EVP_PKEY_free(k);
		return NULL;
	}
	if (pki_key_acceptable(k, err, errlen) == -1) {
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

EVP_PKEY *
pki_rsa_pub_from_der(const uint8_t *der, size_t len, char *err,
    size_t errlen)
{
	const unsigned char	*p = der;
	EVP_PKEY		*k;

	if (len == 0 || len > PKI_PEM_MAX) {
		snprintf(err, errlen, "RSA public key DER length %zu out of "
		    "range", len);
		return NULL;
	}
	k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	ERR_clear_error();
	if (k != NULL && p != der + len) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	if (k == NULL) {
		/* Upstream also hexes PKIX "PUBLIC KEY" blocks verbatim. */
		if ((k = pki_pubkey_from_spki_der(der, len, err, errlen)) ==
		    NULL) {
			snprintf(err, errlen, "neither a PKCS#1 nor a PKIX RSA "
			    "public key");
			return NULL;
		}
	}
	if (!pki_is_rsa(k)) {
		snprintf(err, errlen, "not an RSA public key");
		EVP_PKEY_free(k);
		return NULL;
	}
	if (pki_key_acceptable(k, err, errlen) == -1) {
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

int
pki_pubkey_to_pem(EVP_PKEY *k, char **pemp, size_t *lenp, char *err,
    size_t errlen)
{
	BIO	*bio;

	if ((bio = pki_mem_bio(err, errlen)) == NULL)
		return -1;
	return pki_pem_done(bio, PEM_write_bio_PUBKEY(bio, k),
	    "public key PEM encoding", pemp, lenp, err, errlen);
}

int
pki_seedshare_pub_der_from_pem(const uint8_t *pem, size_t len,
    uint8_t **derp, size_t *lenp, char *err, size_t errlen)
{
	char		 label[PKI_LABEL_MAX];
	const uint8_t	*blk;
	unsigned char	*der = NULL;
	long		 derlen = 0;
	size_t		 blklen;
	EVP_PKEY	*k = NULL;
	int		 rc = -1;

	if (pki_pem_single(pem, len, label, &blk, &blklen, err, errlen) == -1)
		return -1;
	if (strcmp(label, "PUBLIC KEY") == 0 ||
	    strcmp(label, "RSA PUBLIC KEY") == 0) {
		if (pki_pem_decode(blk, blklen, 0, &der, &derlen, err,
		    errlen) == -1)
			return -1;
		/* Validate, but return the DER exactly as it was given. */
		if (strcmp(label, "PUBLIC KEY") == 0)
			k = pki_pubkey_from_spki_der(der, (size_t)derlen, err,
			    errlen);
		else
			k = pki_rsa_pub_from_der(der, (size_t)derlen, err,
			    errlen);
		if (k != NULL && !pki_is_rsa(k)) {
			snprintf(err, errlen, "seedshare owner key is not RSA");
			EVP_PKEY_free(k);
			k = NULL;
		}
		if (k != NULL)
			rc = pki_copy_out(der, (size_t)derlen, derp, lenp, err,
			    errlen);
		OPENSSL_free(der);
		EVP_PKEY_free(k);
		return rc;
	}
	if ((k = pki_key_from_pem(pem, len, err, errlen)) == NULL)
		return -1;
	rc = pki_rsa_pkcs1_pub_der(k, derp, lenp, err, errlen);
	EVP_PKEY_free(k);
	return rc;
}

int
pki_ecdsa_sign_digest(EVP_PKEY *k, const uint8_t *dig, size_t diglen,
    uint8_t **sigp, size_t *siglenp, char *err, size_t errlen)
{
	EVP_PKEY_CTX	*ctx;
	uint8_t		*sig = NULL;
	size_t		 siglen = 0;
	int		 rc = -1;

	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC || diglen == 0 ||
	    diglen > 64) {
		snprintf(err, errlen, "ECDSA sign: need an EC key and a 1..64 "
		    "byte digest");
		return -1;
	}
	/* No signature digest set: the input is signed as the digest. */
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL)) == NULL ||
	    EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_sign(ctx, NULL, &siglen, dig, diglen) <= 0 ||
	    (sig = malloc(siglen)) == NULL ||
	    EVP_PKEY_sign(ctx, sig, &siglen, dig, diglen) <= 0) {
		ossl_error(err, errlen, "ECDSA sign");
		free(sig);
		goto done;
	}
	*sigp = sig;
	*siglenp = siglen;
	rc = 0;
 done:
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

int
pki_ecdsa_verify_digest(EVP_PKEY *k, const uint8_t *dig, size_t diglen,
    const uint8_t *sig, size_t siglen, char *err, size_t errlen)
{
	EVP_PKEY_CTX	*ctx;
	int		 r;

	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC || diglen == 0 ||
	    diglen > 64 || siglen == 0 || siglen > 256) {
		snprintf(err, errlen, "ECDSA verify: need an EC key, a 1..64 "
		    "byte digest and a signature of at most 256 bytes");
		return -1;
	}
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL)) == NULL ||
	    EVP_PKEY_verify_init(ctx) <= 0) {
		ossl_error(err, errlen, "ECDSA verify");
		EVP_PKEY_CTX_free(ctx);
		return -1;
	}
	/* OpenSSL re-encodes the parsed signature and rejects non-DER. */
	r = EVP_PKEY_verify(ctx, sig, siglen, dig, diglen);
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	if (r != 1) {
		snprintf(err, errlen, "ECDSA signature does not verify");
		return -1;
	}
	return 0;
}

int
pki_cert_to_pem(X509 *c, char **pemp, size_t *lenp, char *err,
    size_t errlen)
{
	BIO	*bio;

	if ((bio = pki_mem_bio(err, errlen)) == NULL)
		return -1;
	return pki_pem_done(bio, PEM_write_bio_X509(bio, c),
	    "certificate PEM encoding", pemp, lenp, err, errlen);
}

int
pki_cert_to_der(X509 *c, uint8_t **derp, size_t *lenp, char *err,
    size_t errlen)
{
	unsigned char	*der = NULL;
	int		 n, rc;

	if ((n = i2d_X509(c, &der)) <= 0) {
		ossl_error(err, errlen, "certificate DER encoding");
		return -1;
	}
	rc = pki_copy_out(der, (size_t)n, derp, lenp, err, errlen);
	OPENSSL_free(der);
	return rc;
}

X509 *
pki_cert_from_der(const uint8_t *der, size_t len, char *err, size_t errlen)
{
	const unsigned char	*p = der;
	X509			*c;

	if (len == 0 || len > PKI_PEM_MAX) {
		snprintf(err, errlen, "certificate length %zu out of range",
		    len);
		return NULL;
	}
	if ((c = d2i_X509(NULL, &p, (long)len)) == NULL) {
		ossl_error(err, errlen, "certificate");
		return NULL;
	}
	if (p != der + len) {
		snprintf(err, errlen, "certificate: %zu trailing bytes",
		    len - (size_t)(p - der));
		X509_free(c);
		return NULL;
	}
	return c;
}

STACK_OF(X509) *
pki_certs_from_pem(const uint8_t *pem, size_t len, int max, char *err,
    size_t errlen)
{
	STACK_OF(X509)	*sk;
	char		 label[PKI_LABEL_MAX], e[PKI_ERR_LEN];
	const uint8_t	*blk;
	unsigned char	*der;
	long		 derlen;
	size_t		 off = 0, blklen;
	X509		*c;
	int		 n = 0, r;

	if (max < 1 || max > PKI_CHAIN_MAX)
		max = PKI_CHAIN_MAX;
	if (len > PKI_PEM_MAX) {
		snprintf(err, errlen, "PEM bundle larger than %d bytes",
		    PKI_PEM_MAX);
		return NULL;
	}
	if ((sk = sk_X509_new_null()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while ((r = pki_pem_next(pem, len, &off, label, &blk, &blklen, e,
	    sizeof(e))) == 1) {
		n++;
		if (n > max) {
			snprintf(err, errlen, "more than %d certificates", max);
			goto fail;
		}
		if (strcmp(label, "CERTIFICATE") != 0) {
			snprintf(err, errlen, "PEM block %d: \"%s\", expected "
			    "CERTIFICATE", n, label);
			goto fail;
		}
		if (pki_pem_decode(blk, blklen, 0, &der, &derlen, e,
		    sizeof(e)) == -1) {
			snprintf(err, errlen, "PEM block %d: %s", n, e);
			goto fail;
		}
		c = pki_cert_from_der(der, (size_t)derlen, e, sizeof(e));
		OPENSSL_free(der);
		if (c == NULL) {
			snprintf(err, errlen, "PEM block %d: %s", n, e);
			goto fail;
		}
		if (!sk_X509_push(sk, c)) {
			X509_free(c);
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (r == -1) {
		snprintf(err, errlen, "PEM block %d: %s", n + 1, e);
		goto fail;
	}
	if (n == 0) {
		snprintf(err, errlen, "no certificate");
		goto fail;
	}
	return sk;
 fail:
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

int
pki_cert_write(const char *path, X509 *c, char *err, size_t errlen)
{
	char	*pem;
	size_t	 len;
	int	 rc;

	if (pki_cert_to_pem(c, &pem, &len, err, errlen) == -1)
		return -1;
	rc = file_write_atomic(path, pem, len, 0644, err, errlen);
	free(pem);
	return rc;
}

STACK_OF(X509) *
pki_certs_read(const char *path, int max, char *err, size_t errlen)
{
	STACK_OF(X509)	*sk;
	uint8_t		*buf;
	size_t		 len;
	char		 e[PKI_ERR_LEN];

	if (file_read(path, PKI_PEM_MAX, &buf, &len, err, errlen) == -1)
		return NULL;
	if ((sk = pki_certs_from_pem(buf, len, max, e, sizeof(e))) == NULL)
		snprintf(err, errlen, "%s: %s", path, e);
	free(buf);
	return sk;
}

int
pki_cert_verify(X509 *leaf, STACK_OF(X509) *untrusted, X509 *root,
    time_t at, char *err, size_t errlen)
{
	X509_STORE	*store;
	X509_STORE_CTX	*ctx = NULL;
	int		 rc = -1, e;

	if ((store = X509_STORE_new()) == NULL ||
	    !X509_STORE_add_cert(store, root) ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, store, leaf, untrusted)) {
		ossl_error(err, errlen, "certificate verification setup");
		goto done;
	}
	if (at != 0)
		X509_STORE_CTX_set_time(ctx, 0, at);
	if (X509_verify_cert(ctx) == 1)
		rc = 0;
	else {
		e = X509_STORE_CTX_get_error(ctx);
		snprintf(err, errlen, "certificate verification failed at "
		    "depth %d: %s", X509_STORE_CTX_get_error_depth(ctx),
		    X509_verify_cert_error_string(e));
		ERR_clear_error();
	}
 done:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}
