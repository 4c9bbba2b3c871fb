/*
 * Certificate construction for the CA (see x509ca.h).  Extensions with
 * fixed content use OpenSSL's config syntax on constant strings; anything
 * carrying caller data (SANs, secret id, evidence, claims) is built as
 * ASN.1 objects directly, so no input can inject extension syntax.
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki.h"
#include "x509ca.h"
#include "util.h"

#define X509CA_SERIAL_LEN	16
#define X509CA_BACKDATE		3600	/* now - 1h, as upstream */

/* ---- SAN validation ------------------------------------------------- */

static int
x509ca_dns_ok(const char *s, size_t len, char *err, size_t errlen)
{
	size_t	 i, lab = 0, nlabels = 0;
	int	 c;

	if (len > X509CA_DNS_MAX) {
		snprintf(err, errlen, "DNS name longer than %d bytes",
		    X509CA_DNS_MAX);
		return -1;
	}
	for (i = 0; i <= len; i++) {
		c = i < len ? (unsigned char)s[i] : '.';
		if (c == '.') {
			if (lab == 0 || lab > 63) {
				snprintf(err, errlen, "DNS name \"%s\": empty "
				    "or over-long label", s);
				return -1;
			}
			/* "*" only as the whole leftmost label. */
			if (memchr(s + i - lab, '*', lab) != NULL &&
			    (nlabels != 0 || lab != 1)) {
				snprintf(err, errlen, "DNS name \"%s\": '*' "
				    "only as the leftmost label", s);
				return -1;
			}
			nlabels++;
			/* An all-numeric last label reads as a bad IP. */
			if (i == len && strspn(s + i - lab, "0123456789") ==
			    lab) {
				snprintf(err, errlen, "\"%s\" is neither an IP "
				    "address nor a DNS name", s);
				return -1;
			}
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '*')) {
			snprintf(err, errlen, "DNS name: invalid character 0x%02x "
			    "at offset %zu", c, i);
			return -1;
		}
		lab++;
	}
	return 0;
}

/* RFC 3986 scheme followed by ':' and a non-empty rest. */
static int
x509ca_is_uri(const char *s, size_t len)
{
	size_t	 i;
	int	 c;

	if (len == 0 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == ':')
			return i + 1 < len;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
			return 0;
	}
	return 0;
}

/* Parse an IP literal into 4 or 16 bytes; returns the length or 0. */
static size_t
x509ca_parse_ip(const char *s, uint8_t *out)
{
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 16;
	return 0;
}

int
x509ca_san_classify(const char *s, enum x509ca_san_kind *kind, char *err,
    size_t errlen)
{
	uint8_t	 ip[16];
	size_t	 len, i;

	if (s == NULL || (len = strnlen(s, X509CA_URI_MAX + 1)) == 0) {
		snprintf(err, errlen, "empty SAN");
		return -1;
	}
	if (len > X509CA_URI_MAX) {
		snprintf(err, errlen, "SAN longer than %d bytes",
		    X509CA_URI_MAX);
		return -1;
	}
	/* Printable ASCII only: no controls, spaces, DEL or UTF-8. */
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f) {
			snprintf(err, errlen, "SAN: invalid byte 0x%02x at "
			    "offset %zu", (unsigned char)s[i], i);
			return -1;
		}
	if (x509ca_parse_ip(s, ip) != 0) {
		*kind = X509CA_SAN_IP;
		return 0;
	}
	if (x509ca_is_uri(s, len)) {
		*kind = X509CA_SAN_URI;
		return 0;
	}
	if (x509ca_dns_ok(s, len, err, errlen) == -1)
		return -1;
	*kind = X509CA_SAN_DNS;
	return 0;
}

/* ---- common certificate skeleton ------------------------------------ */

/* t + years, calendar-wise (Go's AddDate). */
static time_t
x509ca_add_years(time_t t, int years)
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL)
		return (time_t)-1;
	tm.tm_year += years;
	return timegm(&tm);
}

static int
x509ca_serial(X509 *x)
{
	uint8_t		 buf[X509CA_SERIAL_LEN];
	BIGNUM		*bn;
	int		 ok = 0;

	if (RAND_bytes(buf, sizeof(buf)) != 1)
		return 0;
	buf[0] &= 0x7f;		/* positive, as rand.Int(2^128) */
	buf[0] |= 0x40;		/* never zero, never short */
	if ((bn = BN_bin2bn(buf, sizeof(buf), NULL)) != NULL)
		ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

static X509_NAME *
x509ca_name(const char *cn)
{
	X509_NAME	*n;

	if ((n = X509_NAME_new()) == NULL)
		return NULL;
	/* V_ASN1_UTF8STRING: no OpenSSL string-table rewriting. */
	if (!X509_NAME_add_entry_by_NID(n, NID_commonName, V_ASN1_UTF8STRING,
	    (const unsigned char *)cn, (int)strlen(cn), -1, 0)) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

/*
 * A v3 certificate with serial, subject CN, issuer name, validity and
 * public key; extensions and signature are added by the caller.
 */
/*
 * A workload's key as SubjectPublicKeyInfo DER, accepted only in the one
 * encoding every client produces: an uncompressed point on a named NIST
 * curve.  Matching the DER prefix byte for byte and checking the point is
 * on the curve is what decoding would establish, at a fraction of OpenSSL
 * 3's decoder cost (it dominated leaf issuance besides the signature).
 */
static const struct x509ca_ec_spki {
	int		 nid;
	size_t		 prefixlen;
	const uint8_t	*prefix;
	size_t		 pointlen;	/* 0x04 || X || Y */
} x509ca_ec_spkis[] = {
	{ NID_X9_62_prime256v1, 26, (const uint8_t *)
	    "\x30\x59\x30\x13\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06"
	    "\x08\x2a\x86\x48\xce\x3d\x03\x01\x07\x03\x42\x00", 65 },
	{ NID_secp384r1, 23, (const uint8_t *)
	    "\x30\x76\x30\x10\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06"
	    "\x05\x2b\x81\x04\x00\x22\x03\x62\x00", 97 },
	{ NID_secp521r1, 25, (const uint8_t *)
	    "\x30\x81\x9b\x30\x10\x06\x07\x2a\x86\x48\xce\x3d\x02\x01"
	    "\x06\x05\x2b\x81\x04\x00\x23\x03\x81\x86\x00", 133 },
};

/* The curve's entry, with the point checked; NULL and err otherwise. */
static const struct x509ca_ec_spki *
x509ca_ec_spki_check(const uint8_t *der, size_t len, char *err, size_t errlen)
{
	/* Built once per curve: a group costs more than the point check. */
	static EC_GROUP			*groups[sizeof(x509ca_ec_spkis) /
					    sizeof(x509ca_ec_spkis[0])];
	const struct x509ca_ec_spki	*t;
	EC_GROUP			*g;
	EC_POINT			*pt;
	size_t				 i;
	int				 ok;

	for (i = 0; i < sizeof(x509ca_ec_spkis) / sizeof(x509ca_ec_spkis[0]);
	    i++) {
		t = &x509ca_ec_spkis[i];
		if (len != t->prefixlen + t->pointlen ||
		    memcmp(der, t->prefix, t->prefixlen) != 0)
			continue;
		if (der[t->prefixlen] != 0x04) {
			snprintf(err, errlen, "workload public key: only "
			    "uncompressed EC points are accepted");
			return NULL;
		}
		if (groups[i] == NULL)
			groups[i] = EC_GROUP_new_by_curve_name(t->nid);
		if ((g = groups[i]) == NULL || (pt = EC_POINT_new(g)) == NULL) {
			ossl_error(err, errlen, "EC group");
			return NULL;
		}
		ok = EC_POINT_oct2point(g, pt, der + t->prefixlen, t->pointlen,
		    NULL) == 1 && EC_POINT_is_on_curve(g, pt, NULL) == 1 &&
		    EC_POINT_is_at_infinity(g, pt) == 0;
		EC_POINT_free(pt);
		ERR_clear_error();
		if (!ok) {
			snprintf(err, errlen, "workload public key: point not "
			    "on the curve");
			return NULL;
		}
		return t;
	}
	snprintf(err, errlen, "workload public key: not an uncompressed "
	    "P-256, P-384 or P-521 key in SubjectPublicKeyInfo DER");
	return NULL;
}

/* Set an already checked EC SPKI as the certificate's key, no decoding. */
static int
x509ca_set_ec_spki(X509 *x, const struct x509ca_ec_spki *t,
    const uint8_t *der)
{
	X509_PUBKEY	*xpk;
	uint8_t		*pt;

	if ((xpk = X509_get_X509_PUBKEY(x)) == NULL ||
	    (pt = OPENSSL_malloc(t->pointlen)) == NULL)
		return 0;
	memcpy(pt, der + t->prefixlen, t->pointlen);
	if (!X509_PUBKEY_set0_param(xpk, OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
	    V_ASN1_OBJECT, OBJ_nid2obj(t->nid), pt, (int)t->pointlen)) {
		OPENSSL_free(pt);
		return 0;
	}
	return 1;
}

static X509 *
x509ca_skeleton(const char *cn, const X509_NAME *issuer, EVP_PKEY *pub,
    time_t now, int years, char *err, size_t errlen)
{
	X509		*x;
	X509_NAME	*subj = NULL;
	time_t		 nb, na;

	if (now == 0)
		now = time(NULL);
	nb = now - X509CA_BACKDATE;
	if ((na = x509ca_add_years(now, years)) == (time_t)-1) {
		snprintf(err, errlen, "validity end out of range");
		return NULL;
	}
	if ((x = X509_new()) == NULL || !X509_set_version(x, X509_VERSION_3) ||
	    !x509ca_serial(x) || (subj = x509ca_name(cn)) == NULL ||
	    !X509_set_subject_name(x, subj) ||
	    !X509_set_issuer_name(x, issuer != NULL ? issuer : subj) ||
	    ASN1_TIME_set(X509_getm_notBefore(x), nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), na) == NULL ||
	    (pub != NULL && !X509_set_pubkey(x, pub))) {
		ossl_error(err, errlen, "certificate skeleton");
		X509_free(x);
		x = NULL;
	}
	X509_NAME_free(subj);
	return x;
}

/* Add an extension from a constant config string (never caller data). */
static int
x509ca_ext_conf(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

/* An extension whose extnValue holds exactly val (its DER). */
static int
x509ca_ext_der(X509 *x, const ASN1_OBJECT *obj, int crit, const uint8_t *val,
    size_t len)
{
	ASN1_OCTET_STRING	*os = NULL;
	X509_EXTENSION		*ext = NULL;
	int			 ok = 0;

	if (obj == NULL || len > INT32_MAX)
		return 0;
	if ((os = ASN1_OCTET_STRING_new()) != NULL &&
	    ASN1_OCTET_STRING_set(os, val, (int)len) &&
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, crit, os)) != NULL)
		ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	return ok;
}

/* A non-critical extension, by dotted OID, whose extnValue is val. */
static int
x509ca_ext_raw(X509 *x, const char *oid, const uint8_t *val, size_t len)
{
	ASN1_OBJECT	*obj;
	int		 ok;

	if ((obj = OBJ_txt2obj(oid, 1)) == NULL)
		return 0;
	ok = x509ca_ext_der(x, obj, 0, val, len);
	ASN1_OBJECT_free(obj);
	return ok;
}

/*
 * The leaf's fixed extensions as DER, not parsed from config text on every
 * issuance: what "critical,CA:FALSE", "critical,digitalSignature",
 * "clientAuth,serverAuth", SKI "hash" and AKI "keyid:always" encode to.
 */
static const uint8_t x509ca_leaf_bc[] = { 0x30, 0x00 };
static const uint8_t x509ca_leaf_ku[] = { 0x03, 0x02, 0x07, 0x80 };
static const uint8_t x509ca_leaf_eku[] = {
	0x30, 0x14,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01,
};

static int
x509ca_leaf_fixed_exts(X509 *x, X509 *mesh)
{
	const ASN1_OCTET_STRING	*akid;
	uint8_t			 ski[2 + 20], aki[4 + 20];
	unsigned int		 n;

	/* SKI "hash": SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2) */
	if (!X509_pubkey_digest(x, EVP_sha1(), ski + 2, &n) || n != 20)
		return 0;
	ski[0] = 0x04;
	ski[1] = 20;
	/* AKI "keyid:always": the mesh CA's own SKI, which it must have */
	if ((akid = X509_get0_subject_key_id(mesh)) == NULL ||
	    ASN1_STRING_length(akid) != 20)
		return 0;
	aki[0] = 0x30;
	aki[1] = 2 + 20;
	aki[2] = 0x80;
	aki[3] = 20;
	memcpy(aki + 4, ASN1_STRING_get0_data(akid), 20);
	return x509ca_ext_der(x, OBJ_nid2obj(NID_basic_constraints), 1,
	    x509ca_leaf_bc, sizeof(x509ca_leaf_bc)) &&
	    x509ca_ext_der(x, OBJ_nid2obj(NID_key_usage), 1, x509ca_leaf_ku,
	    sizeof(x509ca_leaf_ku)) &&
	    x509ca_ext_der(x, OBJ_nid2obj(NID_ext_key_usage), 0,
	    x509ca_leaf_eku, sizeof(x509ca_leaf_eku)) &&
	    x509ca_ext_der(x, OBJ_nid2obj(NID_subject_key_identifier), 0,
	    ski, sizeof(ski)) &&
	    x509ca_ext_der(x, OBJ_nid2obj(NID_authority_key_identifier), 0,
	    aki, sizeof(aki));
}

static int
x509ca_sign(X509 *x, EVP_PKEY *key, char *err, size_t errlen)
{
	if (!pki_is_p384(key)) {
		snprintf(err, errlen, "signing key is not ECDSA P-384");
		return -1;
	}
	if (X509_sign(x, key, EVP_sha384()) <= 0) {
		ossl_error(err, errlen, "certificate signature");
		return -1;
	}
	return 0;
}

/* CA extensions: CA:true, KU digitalSignature+keyCertSign, SKI, AKI. */
static int
x509ca_ca_exts(X509 *x, X509 *issuer)
{
	return x509ca_ext_conf(x, issuer, NID_basic_constraints,
	    "critical,CA:TRUE") &&
	    x509ca_ext_conf(x, issuer, NID_key_usage,
	    "critical,digitalSignature,keyCertSign") &&
	    x509ca_ext_conf(x, issuer, NID_subject_key_identifier, "hash") &&
	    x509ca_ext_conf(x, issuer, NID_authority_key_identifier,
	    "keyid:always");
}

static X509 *
x509ca_ca_new(const char *cn, EVP_PKEY *subject_key, X509 *issuer,
    EVP_PKEY *issuer_key, time_t now, char *err, size_t errlen)
{
	X509	*x;

	if (!pki_is_p384(subject_key)) {
		snprintf(err, errlen, "%s: key is not ECDSA P-384", cn);
		return NULL;
	}
	if ((x = x509ca_skeleton(cn, issuer ? X509_get_subject_name(issuer) :
	    NULL, subject_key, now, 10, err, errlen)) == NULL)
		return NULL;
	if (!x509ca_ca_exts(x, issuer != NULL ? issuer : x)) {
		ossl_error(err, errlen, "CA extensions");
		X509_free(x);
		return NULL;
	}
	if (x509ca_sign(x, issuer_key, err, errlen) == -1) {
		X509_free(x);
		return NULL;
	}
	return x;
}

X509 *
x509ca_root_new(EVP_PKEY *root_key, time_t now, char *err, size_t errlen)
{
	return x509ca_ca_new(X509CA_CN_ROOT, root_key, NULL, root_key, now,
	    err, errlen);
}

X509 *
x509ca_intermediate_new(EVP_PKEY *mesh_key, X509 *root, EVP_PKEY *root_key,
    time_t now, char *err, size_t errlen)
{
	if (X509_check_private_key(root, root_key) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "root key does not match the root "
		    "certificate");
		return NULL;
	}
	return x509ca_ca_new(X509CA_CN_INTERMEDIATE, mesh_key, root, root_key,
	    now, err, errlen);
}

X509 *
x509ca_mesh_new(EVP_PKEY *mesh_key, time_t now, char *err, size_t errlen)
{
	return x509ca_ca_new(X509CA_CN_INTERMEDIATE, mesh_key, NULL, mesh_key,
	    now, err, errlen);
}

/* ---- workload leaves ------------------------------------------------ */

static int
x509ca_gen_push(GENERAL_NAMES *gens, int type, const void *data, size_t len)
{
	GENERAL_NAME		*gen;
	ASN1_STRING		*str;

	if ((gen = GENERAL_NAME_new()) == NULL)
		return 0;
	str = type == GEN_IPADD ? ASN1_OCTET_STRING_new() :
	    ASN1_IA5STRING_new();
	if (str == NULL || !ASN1_STRING_set(str, data, (int)len)) {
		ASN1_STRING_free(str);
		GENERAL_NAME_free(gen);
		return 0;
	}
	GENERAL_NAME_set0_value(gen, type, str);
	if (!sk_GENERAL_NAME_push(gens, gen)) {
		GENERAL_NAME_free(gen);
		return 0;
	}
	return 1;
}

/*
 * Build the SAN extension and pick the CN: the first DNS SAN, else the
 * first SAN, else a fixed CN; a CN over 64 bytes also falls back.
 */
static int
x509ca_leaf_sans(X509 *x, const struct x509ca_leaf *req, char *cn,
    size_t cnlen, char *err, size_t errlen)
{
	GENERAL_NAMES		*gens;
	enum x509ca_san_kind	 kind;
	const char		*first = NULL, *firstdns = NULL, *pick;
	uint8_t			 ip[16], peer[16];
	size_t			 i, iplen, peerlen = 0, total;
	char			 e[PKI_ERR_LEN];
	int			 rc = -1, have_peer = 0;

	total = req->nsans + (req->peer_ip != NULL);
	if (total == 0) {
		snprintf(err, errlen, "leaf has no SAN and no peer IP");
		return -1;
	}
	if (total > X509CA_SAN_MAX) {
		snprintf(err, errlen, "more than %d SANs", X509CA_SAN_MAX);
		return -1;
	}
	if (req->peer_ip != NULL &&
	    (x509ca_san_classify(req->peer_ip, &kind, e, sizeof(e)) == -1 ||
	    kind != X509CA_SAN_IP ||
	    (peerlen = x509ca_parse_ip(req->peer_ip, peer)) == 0)) {
		snprintf(err, errlen, "peer IP \"%.64s\" is not an IP address",
		    req->peer_ip);
		return -1;
	}
	if ((gens = sk_GENERAL_NAME_new_null()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < req->nsans; i++) {
		if (x509ca_san_classify(req->sans[i], &kind, e, sizeof(e)) ==
		    -1) {
			snprintf(err, errlen, "SAN %zu: %s", i, e);
			goto done;
		}
		if (first == NULL)
			first = req->sans[i];
		if (kind == X509CA_SAN_DNS && firstdns == NULL)
			firstdns = req->sans[i];
		if (kind == X509CA_SAN_IP) {
			iplen = x509ca_parse_ip(req->sans[i], ip);
			if (iplen == peerlen && memcmp(ip, peer, iplen) == 0)
				have_peer = 1;
			if (!x509ca_gen_push(gens, GEN_IPADD, ip, iplen))
				goto oom;
		} else if (!x509ca_gen_push(gens, kind == X509CA_SAN_DNS ?
		    GEN_DNS : GEN_URI, req->sans[i], strlen(req->sans[i])))
			goto oom;
	}
	if (req->peer_ip != NULL && !have_peer) {
		if (!x509ca_gen_push(gens, GEN_IPADD, peer, peerlen))
			goto oom;
		if (first == NULL)
			first = req->peer_ip;
	}
	pick = firstdns != NULL ? firstdns : first;
	if (strlen(pick) > X509CA_CN_MAX)
		pick = X509CA_CN_LEAF_DEFAULT;
	snprintf(cn, cnlen, "%s", pick);
	if (!X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
	    X509V3_ADD_APPEND))
		goto oom;
	rc = 0;
	goto done;
 oom:
	ossl_error(err, errlen, "subjectAltName");
 done:
	GENERAL_NAMES_free(gens);
	return rc;
}

/* Claims: OID = SNP/TDX root + one arc 1..99, no duplicates. */
static int
x509ca_claim_oid_ok(const struct x509ca_leaf *req, size_t idx)
{
	const char	*oid = req->claims[idx].oid, *arc;
	size_t		 i, n;

	if (oid == NULL)
		return 0;
	if (strncmp(oid, X509CA_OID_SNP ".", sizeof(X509CA_OID_SNP)) == 0)
		arc = oid + sizeof(X509CA_OID_SNP);
	else if (strncmp(oid, X509CA_OID_TDX ".", sizeof(X509CA_OID_TDX)) ==
	    0)
		arc = oid + sizeof(X509CA_OID_TDX);
	else
		return 0;
	n = strlen(arc);
	if (n == 0 || n > 2 || arc[0] == '0' ||
	    strspn(arc, "0123456789") != n)
		return 0;
	for (i = 0; i < idx; i++)
		if (strcmp(req->claims[i].oid, oid) == 0)
			return 0;
	return 1;
}

/* DER of the claim's value: INTEGER, BOOLEAN or OCTET STRING. */
static int
x509ca_claim_der(const struct x509ca_claim *c, uint8_t **derp, int *lenp)
{
	ASN1_INTEGER		*ai;
	ASN1_OCTET_STRING	*os;
	uint8_t			*der = NULL;
	int			 n = -1;

	switch (c->type) {
	case X509CA_CLAIM_INT:
		if ((ai = ASN1_INTEGER_new()) == NULL)
			return 0;
		if (ASN1_INTEGER_set_uint64(ai, c->ival))
			n = i2d_ASN1_INTEGER(ai, &der);
		ASN1_INTEGER_free(ai);
		break;
	case X509CA_CLAIM_BOOL:
		if ((der = OPENSSL_malloc(3)) == NULL)
			return 0;
		der[0] = V_ASN1_BOOLEAN;
		der[1] = 1;
		der[2] = c->bval ? 0xff : 0x00;	/* DER: TRUE is 0xff */
		n = 3;
		break;
	case X509CA_CLAIM_BYTES:
		if (c->len > X509CA_CLAIM_BYTES_MAX ||
		    (c->len > 0 && c->bytes == NULL) ||
		    (os = ASN1_OCTET_STRING_new()) == NULL)
			return 0;
		if (ASN1_OCTET_STRING_set(os, c->bytes, (int)c->len))
			n = i2d_ASN1_OCTET_STRING(os, &der);
		ASN1_OCTET_STRING_free(os);
		break;
	default:
		return 0;
	}
	if (n <= 0) {
		OPENSSL_free(der);
		return 0;
	}
	*derp = der;
	*lenp = n;
	return 1;
}

static int
x509ca_leaf_exts(X509 *x, X509 *mesh, const struct x509ca_leaf *req,
    char *err, size_t errlen)
{
	ASN1_OCTET_STRING	*os;
	uint8_t			*der = NULL;
	size_t			 i, idlen;
	int			 n = 0, ok;

	if (!x509ca_leaf_fixed_exts(x, mesh)) {
		ossl_error(err, errlen, "leaf extensions");
		return -1;
	}
	if (req->workload_secret_id != NULL) {
		/* Value = DER OCTET STRING of the UTF-8 id (upstream). */
		idlen = strnlen(req->workload_secret_id, 4097);
		if (idlen == 0 || idlen > 4096) {
			snprintf(err, errlen, "workload secret id must be 1..4096 "
			    "bytes");
			return -1;
		}
		if ((os = ASN1_OCTET_STRING_new()) == NULL)
			goto oom;
		if (ASN1_OCTET_STRING_set(os,
		    (const unsigned char *)req->workload_secret_id, (int)idlen))
			n = i2d_ASN1_OCTET_STRING(os, &der);
		ASN1_OCTET_STRING_free(os);
		ok = n > 0 && x509ca_ext_raw(x, X509CA_OID_WORKLOAD_SECRET_ID,
		    der, (size_t)n);
		OPENSSL_free(der);
		der = NULL;
		if (!ok)
			goto oom;
	}
	if (req->evidence_oid != NULL) {
		if (strcmp(req->evidence_oid, X509CA_OID_SNP) != 0 &&
		    strcmp(req->evidence_oid, X509CA_OID_TDX) != 0) {
			snprintf(err, errlen, "evidence OID %.40s is neither "
			    "SNP nor TDX", req->evidence_oid);
			return -1;
		}
		if (req->evidence_len == 0 || req->evidence == NULL ||
		    req->evidence_len > X509CA_EVIDENCE_MAX) {
			snprintf(err, errlen, "evidence must be 1..%d bytes",
			    X509CA_EVIDENCE_MAX);
			return -1;
		}
		if (!x509ca_ext_raw(x, req->evidence_oid, req->evidence,
		    req->evidence_len))
			goto oom;
	}
	if (req->nclaims > X509CA_CLAIM_MAX) {
		snprintf(err, errlen, "more than %d claims", X509CA_CLAIM_MAX);
		return -1;
	}
	for (i = 0; i < req->nclaims; i++) {
		if (!x509ca_claim_oid_ok(req, i)) {
			snprintf(err, errlen, "claim %zu: OID \"%.40s\" not an "
			    "SNP/TDX claim or duplicated", i,
			    req->claims[i].oid ? req->claims[i].oid : "");
			return -1;
		}
		if (!x509ca_claim_der(&req->claims[i], &der, &n)) {
			snprintf(err, errlen, "claim %zu (%s): bad value", i,
			    req->claims[i].oid);
			return -1;
		}
		ok = x509ca_ext_raw(x, req->claims[i].oid, der, (size_t)n);
		OPENSSL_free(der);
		der = NULL;
		if (!ok)
			goto oom;
	}
	return 0;
 oom:
	ossl_error(err, errlen, "leaf extension");
	return -1;
}

/*
 * The leaf as built: its public key is set from the SPKI bytes and never
 * decoded, so it is fit for encoding (what the CA sends) but not for
 * calls that need the key object; x509ca_leaf_new() re-reads it.
 */
static X509 *
x509ca_leaf_build(const struct x509ca_leaf *req, X509 *mesh, EVP_PKEY *mesh_key,
    time_t now, char *err, size_t errlen)
{
	const struct x509ca_ec_spki *spki;
	X509		*x = NULL, *tmp = NULL;
	char		 cn[X509CA_CN_MAX + 1];

	if (X509_check_private_key(mesh, mesh_key) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "mesh CA key does not match the mesh CA "
		    "certificate");
		return NULL;
	}
	if ((spki = x509ca_ec_spki_check(req->spki, req->spki_len, err,
	    errlen)) == NULL)
		return NULL;
	/* SANs first: they decide the CN, which the skeleton needs. */
	if ((tmp = X509_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (x509ca_leaf_sans(tmp, req, cn, sizeof(cn), err, errlen) == -1)
		goto done;
	if ((x = x509ca_skeleton(cn, X509_get_subject_name(mesh), NULL, now, 1,
	    err, errlen)) == NULL)
		goto done;
	if (!x509ca_set_ec_spki(x, spki, req->spki)) {
		ossl_error(err, errlen, "workload public key");
		goto fail;
	}
	if (!X509_add_ext(x, X509_get_ext(tmp, 0), -1)) {
		ossl_error(err, errlen, "subjectAltName");
		goto fail;
	}
	if (x509ca_leaf_exts(x, mesh, req, err, errlen) == -1 ||
	    x509ca_sign(x, mesh_key, err, errlen) == -1)
		goto fail;
	goto done;
 fail:
	X509_free(x);
	x = NULL;
 done:
	X509_free(tmp);
	return x;
}

X509 *
x509ca_leaf_new(const struct x509ca_leaf *req, X509 *mesh, EVP_PKEY *mesh_key,
    time_t now, char *err, size_t errlen)
{
	X509	*x, *y = NULL;
	uint8_t	*der = NULL;
	size_t	 len;
	char	 e[PKI_ERR_LEN];

	if ((x = x509ca_leaf_build(req, mesh, mesh_key, now, err,
	    errlen)) == NULL)
		return NULL;
	if (pki_cert_to_der(x, &der, &len, e, sizeof(e)) == -1 ||
	    (y = pki_cert_from_der(der, len, e, sizeof(e))) == NULL)
		snprintf(err, errlen, "leaf: %s", e);
	free(der);
	X509_free(x);
	return y;
}

int
x509ca_leaf_pem(const struct x509ca_leaf *req, X509 *mesh, EVP_PKEY *mesh_key,
    time_t now, char **pem, size_t *len, char *err, size_t errlen)
{
	X509	*x;
	int	 rc;

	if ((x = x509ca_leaf_build(req, mesh, mesh_key, now, err,
	    errlen)) == NULL)
		return -1;
	rc = pki_cert_to_pem(x, pem, len, err, errlen);
	X509_free(x);
	return rc;
}
