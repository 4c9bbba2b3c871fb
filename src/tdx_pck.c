/*
 * The PCK certificate chain carried in a TDX quote and the PCK leaf's SGX
 * extension (OID 1.2.840.113741.1.13.1): FMSPC, PCE-ID, TCB components,
 * PPID, SGX type, and on Platform-CA certificates PIID and configuration.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tdx.h"
#include "tdx_int.h"

#define SGX_EXT_OID	"1.2.840.113741.1.13.1"

static enum attest_reject __attribute__((__format__ (printf, 4, 5)))
perr(enum attest_reject r, char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

X509 *
tdx_x509_from_pem(const char *pem)
{
	BIO	*bio;
	X509	*x;

	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return NULL;
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return x;
}

void
tdx_x509_name_cn(X509_NAME *n, char *buf, size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (n == NULL || X509_NAME_get_text_by_NID(n, NID_commonName, buf,
	    (int)len) < 0)
		snprintf(buf, len, "(no CN)");
}

enum attest_reject
tdx_pck_chain_split(const struct tdx_quote *q, X509 *certs[3], char *err,
    size_t errlen)
{
	BIO		*bio;
	X509		*x;
	size_t		 n = 0, i;
	char		 tail[256];
	int		 got;

	certs[0] = certs[1] = certs[2] = NULL;
	if (q->pck_chain == NULL || q->pck_chain_len > INT32_MAX)
		return perr(ATTEST_REJECT_MALFORMED, err, errlen,
		    "TDX quote has no PCK chain");
	if ((bio = BIO_new_mem_buf(q->pck_chain, (int)q->pck_chain_len)) ==
	    NULL)
		return perr(ATTEST_REJECT_INTERNAL, err, errlen, "BIO: %s",
		    "out of memory");
	while (n < 3 && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) !=
	    NULL)
		certs[n++] = x;
	/* After the root only line ends and NUL padding may follow. */
	while (n == 3 && (got = BIO_read(bio, tail, sizeof(tail))) > 0)
		for (i = 0; i < (size_t)got; i++)
			if (tail[i] != '\n' && tail[i] != '\r' &&
			    tail[i] != '\0' && tail[i] != ' ' &&
			    tail[i] != '\t') {
				n = 4;
				break;
			}
	BIO_free(bio);
	ERR_clear_error();
	if (n != 3) {
		for (i = 0; i < 3; i++) {
			X509_free(certs[i]);
			certs[i] = NULL;
		}
		return perr(ATTEST_REJECT_CHAIN, err, errlen, "TDX quote PCK "
		    "chain (certification data type 5, offset %zu): %s%zu "
		    "certificates, want exactly 3 (PCK, intermediate, root)",
		    (size_t)(q->pck_chain - q->raw), n > 3 ? "data after " :
		    "", n > 3 ? (size_t)3 : n);
	}
	return ATTEST_OK;
}

/* Walks of DER sequences: each element is SEQUENCE { OID, value }. */
static STACK_OF(ASN1_TYPE) *
seq_parse(const uint8_t *der, size_t len)
{
	const unsigned char	*p = der;
	STACK_OF(ASN1_TYPE)	*sk;

	if (len > LONG_MAX)
		return NULL;
	sk = d2i_ASN1_SEQUENCE_ANY(NULL, &p, (long)len);
	if (sk != NULL && p != der + len) {
		sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
		return NULL;	/* trailing bytes */
	}
	return sk;
}

/* Split a SEQUENCE { OID, value }; returns the arc after prefix, or -1. */
static long
entry_arc(ASN1_TYPE *t, const char *prefix, STACK_OF(ASN1_TYPE) **kv,
    ASN1_TYPE **val)
{
	ASN1_TYPE	*o;
	char		 txt[128];
	size_t		 pl = strlen(prefix);
	long		 arc;
	char		*end;

	*kv = NULL;
	if (t->type != V_ASN1_SEQUENCE)
		return -1;
	*kv = seq_parse(t->value.sequence->data,
	    (size_t)t->value.sequence->length);
	if (*kv == NULL || sk_ASN1_TYPE_num(*kv) != 2)
		return -1;
	o = sk_ASN1_TYPE_value(*kv, 0);
	*val = sk_ASN1_TYPE_value(*kv, 1);
	if (o->type != V_ASN1_OBJECT ||
	    OBJ_obj2txt(txt, sizeof(txt), o->value.object, 1) <= 0 ||
	    strncmp(txt, prefix, pl) != 0 || txt[pl] != '.')
		return -1;
	arc = strtol(txt + pl + 1, &end, 10);
	if (*end != '\0' || arc < 0)
		return -1;
	return arc;
}

static int
get_octets(ASN1_TYPE *v, uint8_t *out, size_t n)
{
	if (v->type != V_ASN1_OCTET_STRING ||
	    (size_t)v->value.octet_string->length != n)
		return -1;
	memcpy(out, v->value.octet_string->data, n);
	return 0;
}

static int
get_int(ASN1_TYPE *v, int type, long max, long *out)
{
	const ASN1_INTEGER	*ai;
	int64_t			 x;

	if (v->type != type)
		return -1;
	ai = type == V_ASN1_INTEGER ? v->value.integer :
	    v->value.enumerated;
	if (type == V_ASN1_INTEGER ? !ASN1_INTEGER_get_int64(&x, ai) :
	    !ASN1_ENUMERATED_get_int64(&x, ai))
		return -1;
	if (x < 0 || x > max)
		return -1;
	*out = (long)x;
	return 0;
}

static enum attest_reject
parse_tcb(ASN1_TYPE *v, struct tdx_pck_ext *e, char *err, size_t errlen)
{
	STACK_OF(ASN1_TYPE)	*sk, *kv;
	ASN1_TYPE		*val;
	uint32_t		 seen = 0;
	long			 arc, x;
	int			 i, bad;

	if (v->type != V_ASN1_SEQUENCE || (sk = seq_parse(
	    v->value.sequence->data, (size_t)v->value.sequence->length)) ==
	    NULL)
		return perr(ATTEST_REJECT_CHAIN, err, errlen, "PCK SGX "
		    "extension: TCB (.2) is not a SEQUENCE");
	for (i = 0; i < sk_ASN1_TYPE_num(sk); i++) {
		arc = entry_arc(sk_ASN1_TYPE_value(sk, i), SGX_EXT_OID ".2",
		    &kv, &val);
		bad = 0;
		if (arc >= 1 && arc <= 18 && (seen & (1u << arc)))
			bad = 1;
		else if (arc >= 1 && arc <= 16) {
			if (get_int(val, V_ASN1_INTEGER, 255, &x) == 0)
				e->comp_svn[arc - 1] = (uint8_t)x;
			else
				bad = 1;
		} else if (arc == 17) {
			if (get_int(val, V_ASN1_INTEGER, 65535, &x) == 0)
				e->pcesvn = (uint16_t)x;
			else
				bad = 1;
		} else if (arc == 18)
			bad = get_octets(val, e->cpu_svn, 16);
		else
			bad = 1;
		sk_ASN1_TYPE_pop_free(kv, ASN1_TYPE_free);
		if (bad) {
			sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
			return perr(ATTEST_REJECT_CHAIN, err, errlen, "PCK SGX "
			    "extension: TCB entry %d (arc %ld) is malformed or "
			    "repeated", i, arc);
		}
		seen |= 1u << arc;
	}
	sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
	if (seen != 0x7fffeu)
		return perr(ATTEST_REJECT_CHAIN, err, errlen, "PCK SGX "
		    "extension: TCB lacks components (have mask 0x%x)", seen);
	return ATTEST_OK;
}

static enum attest_reject
parse_config(ASN1_TYPE *v, struct tdx_pck_ext *e, char *err, size_t errlen)
{
	STACK_OF(ASN1_TYPE)	*sk, *kv;
	ASN1_TYPE		*val;
	long			 arc;
	int			 i, *dst;

	if (v->type != V_ASN1_SEQUENCE || (sk = seq_parse(
	    v->value.sequence->data, (size_t)v->value.sequence->length)) ==
	    NULL)
		return perr(ATTEST_REJECT_CHAIN, err, errlen, "PCK SGX "
		    "extension: Configuration (.7) is not a SEQUENCE");
	for (i = 0; i < sk_ASN1_TYPE_num(sk); i++) {
		arc = entry_arc(sk_ASN1_TYPE_value(sk, i), SGX_EXT_OID ".7",
		    &kv, &val);
		dst = arc == 1 ? &e->dynamic_platform : arc == 2 ?
		    &e->cached_keys : arc == 3 ? &e->smt_enabled : NULL;
		if (dst == NULL || *dst != -1 || val->type != V_ASN1_BOOLEAN) {
			sk_ASN1_TYPE_pop_free(kv, ASN1_TYPE_free);
			sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
			return perr(ATTEST_REJECT_CHAIN, err, errlen, "PCK SGX "
			    "extension: Configuration entry %d malformed", i);
		}
		*dst = val->value.boolean ? 1 : 0;
		sk_ASN1_TYPE_pop_free(kv, ASN1_TYPE_free);
	}
	sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
	return ATTEST_OK;
}

enum attest_reject
tdx_pck_ext_parse(const uint8_t *der, size_t len, struct tdx_pck_ext *e,
    char *err, size_t errlen)
{
	STACK_OF(ASN1_TYPE)	*sk, *kv;
	ASN1_TYPE		*val;
	enum attest_reject	 r = ATTEST_OK;
	unsigned		 seen = 0;
	long			 arc, x;
	int			 i;

	memset(e, 0, sizeof(*e));
	e->dynamic_platform = e->cached_keys = e->smt_enabled = -1;
	if ((sk = seq_parse(der, len)) == NULL)
		return perr(ATTEST_REJECT_CHAIN, err, errlen, "PCK SGX "
		    "extension is not one DER SEQUENCE");
	for (i = 0; i < sk_ASN1_TYPE_num(sk) && r == ATTEST_OK; i++) {
		arc = entry_arc(sk_ASN1_TYPE_value(sk, i), SGX_EXT_OID, &kv,
		    &val);
		if (arc < 0 || (arc <= 7 && (seen & (1u << arc)))) {
			r = perr(ATTEST_REJECT_CHAIN, err, errlen, "PCK SGX "
			    "extension: entry %d is malformed or repeated", i);
			sk_ASN1_TYPE_pop_free(kv, ASN1_TYPE_free);
			break;
		}
		switch (arc) {
		case 1:
			if (get_octets(val, e->ppid, 16) != 0)
				r = perr(ATTEST_REJECT_CHAIN, err, errlen,
				    "PCK SGX extension: PPID not 16 octets");
			break;
		case 2:
			r = parse_tcb(val, e, err, errlen);
			break;
		case 3:
			if (get_octets(val, e->pceid, 2) != 0)
				r = perr(ATTEST_REJECT_CHAIN, err, errlen,
				    "PCK SGX extension: PCE-ID not 2 octets");
			break;
		case 4:
			if (get_octets(val, e->fmspc, 6) != 0)
				r = perr(ATTEST_REJECT_CHAIN, err, errlen,
				    "PCK SGX extension: FMSPC not 6 octets");
			break;
		case 5:
			if (get_int(val, V_ASN1_ENUMERATED, 2, &x) == 0)
				e->sgx_type = (int)x;
			else
				r = perr(ATTEST_REJECT_CHAIN, err, errlen,
				    "PCK SGX extension: SGX type not 0..2");
			break;
		case 6:
			if (get_octets(val, e->piid, 16) != 0)
				r = perr(ATTEST_REJECT_CHAIN, err, errlen,
				    "PCK SGX extension: PIID not 16 octets");
			e->has_piid = 1;
			break;
		case 7:
			r = parse_config(val, e, err, errlen);
			break;
		default:
			break;	/* later additions by Intel: not ours */
		}
		if (arc <= 7)
			seen |= 1u << arc;
		sk_ASN1_TYPE_pop_free(kv, ASN1_TYPE_free);
	}
	sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
	if (r == ATTEST_OK && (seen & 0x3e) != 0x3e)
		r = perr(ATTEST_REJECT_CHAIN, err, errlen, "PCK SGX extension "
		    "lacks PPID, TCB, PCE-ID, FMSPC or SGX type (mask 0x%x)",
		    seen);
	return r;
}

enum attest_reject
tdx_pck_ext_from_cert(X509 *x, struct tdx_pck_ext *e, char *err,
    size_t errlen)
{
	ASN1_OBJECT		*obj;
	const ASN1_OCTET_STRING	*d;
	int			 idx;

	if ((obj = OBJ_txt2obj(SGX_EXT_OID, 1)) == NULL)
		return perr(ATTEST_REJECT_INTERNAL, err, errlen, "OBJ_txt2obj");
	idx = X509_get_ext_by_OBJ(x, obj, -1);
	if (idx >= 0 && X509_get_ext_by_OBJ(x, obj, idx) >= 0)
		idx = -2;
	ASN1_OBJECT_free(obj);
	if (idx < 0)
		return perr(ATTEST_REJECT_CHAIN, err, errlen, "PCK certificate "
		    "has %s SGX extension (%s)", idx == -2 ? "more than one" :
		    "no", SGX_EXT_OID);
	d = X509_EXTENSION_get_data(X509_get_ext(x, idx));
	return tdx_pck_ext_parse(d->data, (size_t)d->length, e, err, errlen);
}

enum attest_reject
tdx_quote_pck_ext(const struct tdx_quote *q, struct tdx_pck_ext *e,
    char *err, size_t errlen)
{
	X509			*c[3];
	enum attest_reject	 r;
	int			 i;

	if ((r = tdx_pck_chain_split(q, c, err, errlen)) != ATTEST_OK)
		return r;
	r = tdx_pck_ext_from_cert(c[0], e, err, errlen);
	for (i = 0; i < 3; i++)
		X509_free(c[i]);
	return r;
}
