/*
 * SEV-SNP verification on evidence built here: our own ARK -> ASK -> VCEK
 * (RSA-4096 RSASSA-PSS like AMD's, pinned by SHA-256 like the simulated
 * TEE), reports signed with the VCEK key.  This reaches what the real
 * vectors cannot: CRLs signed by the ARK, revoked ASKs, both hwID
 * encodings, Turin's layout with a wrong fmcSPL, bad PSS parameters,
 * non-CA intermediates, pinned vs built-in anchors.  Needs no ../shared.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "snp.h"
#include "tests/tap.h"

#define T_2020	1577836800
#define T_2026	1795305600
#define T_2040	2208988800

static EVP_PKEY		*ark_key, *ask_key, *vcek_key, *p256_key;
static struct snp_ctx	*ctx;

/* Signature flavours for the helpers below. */
enum sigkind { SIG_PSS48, SIG_PSS32, SIG_PKCS1 };

static EVP_MD_CTX *
signer(EVP_PKEY *key, enum sigkind kind)
{
	EVP_MD_CTX	*m = EVP_MD_CTX_new();
	EVP_PKEY_CTX	*p;

	if (EVP_DigestSignInit(m, &p, EVP_sha384(), NULL, key) != 1)
		return NULL;
	if (kind != SIG_PKCS1 &&
	    (EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(p, kind == SIG_PSS48 ? 48 : 32)
	    != 1 || EVP_PKEY_CTX_set_rsa_mgf1_md(p, EVP_sha384()) != 1))
		return NULL;
	return m;
}

static void
add_ext_der(X509 *x, const char *oid, const uint8_t *der, int len)
{
	ASN1_OBJECT		*obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING	*os = ASN1_OCTET_STRING_new();
	X509_EXTENSION		*ext;

	ASN1_OCTET_STRING_set(os, der, len);
	ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
}

static void
add_ext_int(X509 *x, const char *oid, long v)
{
	ASN1_INTEGER	*ai = ASN1_INTEGER_new();
	uint8_t		*der = NULL;
	int		 len;

	ASN1_INTEGER_set(ai, v);
	len = i2d_ASN1_INTEGER(ai, &der);
	add_ext_der(x, oid, der, len);
	OPENSSL_free(der);
	ASN1_INTEGER_free(ai);
}

static void
add_ext_ia5(X509 *x, const char *oid, const char *s)
{
	ASN1_IA5STRING	*str = ASN1_IA5STRING_new();
	uint8_t		*der = NULL;
	int		 len;

	ASN1_STRING_set(str, s, (int)strlen(s));
	len = i2d_ASN1_IA5STRING(str, &der);
	add_ext_der(x, oid, der, len);
	OPENSSL_free(der);
	ASN1_IA5STRING_free(str);
}

/* What a test VCEK looks like; defaults are a Milan VCEK. */
struct vcek_opts {
	const char	*product;	/* productName */
	int		 bl, tee, snp, ucode, fmc;	/* fmc < 0: absent */
	const uint8_t	*hwid;
	int		 hwid_len;	/* 0: absent */
	int		 hwid_wrapped;	/* DER OCTET STRING form */
	time_t		 nb, na;
	enum sigkind	 sig;
	EVP_PKEY	*key;		/* leaf public key */
	const char	*cn;
	int		 ca;		/* give the leaf CA:TRUE */
};

static X509 *
mkcert(const char *cn, X509 *issuer, EVP_PKEY *issuer_key, EVP_PKEY *pub,
    long serial, int ca, time_t nb, time_t na, enum sigkind sig)
{
	X509		*x = X509_new();
	X509_NAME	*n = X509_NAME_new();
	X509_EXTENSION	*ext;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const uint8_t *)"Test Micro Devices", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const uint8_t *)cn,
	    -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	ASN1_TIME_set(X509_getm_notBefore(x), nb);
	ASN1_TIME_set(X509_getm_notAfter(x), na);
	X509_set_pubkey(x, pub);
	if (ca) {
		ext = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints,
		    issuer ? "critical,CA:TRUE,pathlen:0" : "critical,CA:TRUE");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
		ext = X509V3_EXT_conf_nid(NULL, NULL, NID_key_usage,
		    "critical,keyCertSign,cRLSign");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	return x;
}

static void
sign_cert(X509 *x, EVP_PKEY *key, enum sigkind sig)
{
	EVP_MD_CTX	*m = signer(key, sig);

	if (m == NULL || X509_sign_ctx(x, m) <= 0) {
		printf("Bail out! cannot sign certificate\n");
		exit(1);
	}
	EVP_MD_CTX_free(m);
}

static uint8_t *
der_of(X509 *x, size_t *len)
{
	uint8_t	*d = NULL;
	int	 l = i2d_X509(x, &d);

	*len = (size_t)l;
	return d;
}

static X509	*ark, *ask;
static uint8_t	 ark_hash[32];
static uint8_t	*chain_der;	/* ASK DER || ARK DER */
static size_t	 chain_len;

static void
make_roots(void)
{
	uint8_t		*a, *k;
	size_t		 al, kl;
	unsigned int	 hl;

	ark = mkcert("ARK-Test", NULL, ark_key, ark_key, 1, 1, T_2020, T_2040,
	    SIG_PSS48);
	sign_cert(ark, ark_key, SIG_PSS48);
	ask = mkcert("SEV-Test", ark, ark_key, ask_key, 0x100, 1, T_2020,
	    T_2040, SIG_PSS48);
	sign_cert(ask, ark_key, SIG_PSS48);
	a = der_of(ark, &al);
	k = der_of(ask, &kl);
	EVP_Digest(a, al, ark_hash, &hl, EVP_sha256(), NULL);
	chain_len = al + kl;
	chain_der = malloc(chain_len);
	memcpy(chain_der, k, kl);
	memcpy(chain_der + kl, a, al);
	OPENSSL_free(a);
	OPENSSL_free(k);
}

static uint8_t	 chip_id[64];

static void
vcek_defaults(struct vcek_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->product = "Milan-B0";
	o->bl = 3;
	o->tee = 0;
	o->snp = 8;
	o->ucode = 115;
	o->fmc = -1;
	o->hwid = chip_id;
	o->hwid_len = 64;
	o->nb = T_2020;
	o->na = T_2040;
	o->sig = SIG_PSS48;
	o->key = vcek_key;
	o->cn = "SEV-VCEK";
}

static uint8_t *
make_vcek(const struct vcek_opts *o, X509 *issuer, EVP_PKEY *issuer_key,
    size_t *len)
{
	X509	*x;
	uint8_t	*d, wrapped[2 + 64];

	x = mkcert(o->cn, issuer, issuer_key, o->key, 0, o->ca, o->nb, o->na,
	    o->sig);
	add_ext_int(x, "1.3.6.1.4.1.3704.1.1", o->fmc >= 0 ? 1 : 0);
	add_ext_ia5(x, "1.3.6.1.4.1.3704.1.2", o->product);
	add_ext_int(x, "1.3.6.1.4.1.3704.1.3.1", o->bl);
	add_ext_int(x, "1.3.6.1.4.1.3704.1.3.2", o->tee);
	add_ext_int(x, "1.3.6.1.4.1.3704.1.3.3", o->snp);
	add_ext_int(x, "1.3.6.1.4.1.3704.1.3.8", o->ucode);
	if (o->fmc >= 0)
		add_ext_int(x, "1.3.6.1.4.1.3704.1.3.9", o->fmc);
	if (o->hwid_len > 0 && o->hwid_wrapped) {
		wrapped[0] = 0x04;
		wrapped[1] = (uint8_t)o->hwid_len;
		memcpy(wrapped + 2, o->hwid, (size_t)o->hwid_len);
		add_ext_der(x, "1.3.6.1.4.1.3704.1.4", wrapped,
		    o->hwid_len + 2);
	} else if (o->hwid_len > 0)
		add_ext_der(x, "1.3.6.1.4.1.3704.1.4", o->hwid, o->hwid_len);
	sign_cert(x, issuer_key, o->sig);
	d = der_of(x, len);
	X509_free(x);
	return d;
}

/* A report; TCBs given raw; signed by key unless key is NULL. */
struct rep_opts {
	uint32_t	 version;
	uint8_t		 fam, mod;
	uint64_t	 tcb;
	uint32_t	 signer_info;
	uint64_t	 policy;
	const uint8_t	*chip;
};

static void
le_put(uint8_t *p, uint64_t v, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
make_report(const struct rep_opts *o, EVP_PKEY *key, uint8_t *rep)
{
	uint8_t		 dgst[48], sigder[128];
	const uint8_t	*p;
	size_t		 siglen = sizeof(sigder);
	unsigned int	 dl;
	EVP_PKEY_CTX	*pc;
	ECDSA_SIG	*sig;
	const BIGNUM	*r, *s;
	int		 i;

	memset(rep, 0, SNP_REPORT_LEN);
	le_put(rep + 0x000, o->version, 4);
	le_put(rep + 0x008, o->policy, 8);
	le_put(rep + 0x034, 1, 4);
	le_put(rep + 0x038, o->tcb, 8);
	le_put(rep + 0x040, 0x1, 8);
	le_put(rep + 0x048, o->signer_info, 4);
	for (i = 0; i < 48; i++)
		rep[0x090 + i] = (uint8_t)i;
	memset(rep + 0x0C0, 0x5a, 32);
	le_put(rep + 0x180, o->tcb, 8);
	if (o->version >= 3) {
		rep[0x188] = o->fam;
		rep[0x189] = o->mod;
		rep[0x18A] = 1;
	}
	memcpy(rep + 0x1A0, o->chip, 64);
	le_put(rep + 0x1E0, o->tcb, 8);
	le_put(rep + 0x1F0, o->tcb, 8);
	if (o->version >= 5) {
		le_put(rep + 0x1F8, 0x3f, 8);
		le_put(rep + 0x200, 0x3f, 8);
	}
	if (key == NULL)
		return;
	EVP_Digest(rep, SNP_SIGNED_LEN, dgst, &dl, EVP_sha384(), NULL);
	pc = EVP_PKEY_CTX_new(key, NULL);
	EVP_PKEY_sign_init(pc);
	EVP_PKEY_sign(pc, sigder, &siglen, dgst, sizeof(dgst));
	EVP_PKEY_CTX_free(pc);
	p = sigder;
	sig = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
	ECDSA_SIG_get0(sig, &r, &s);
	BN_bn2lebinpad(r, rep + 0x2A0, 48);
	BN_bn2lebinpad(s, rep + 0x2E8, 48);
	ECDSA_SIG_free(sig);
}

static const struct rep_opts milan_v3 = {
	3, 0x19, 0x01, 0x7308000000000003ULL, 0, 0x30000, chip_id
};

static struct snp_anchor
pinned(void)
{
	struct snp_anchor	 a;

	memset(&a, 0, sizeof(a));
	a.kind = SNP_ANCHOR_PINNED;
	memcpy(a.ark_sha256, ark_hash, 32);
	return a;
}

static enum snp_reason
run(const uint8_t *rep, const uint8_t *vcek, size_t vlen,
    const uint8_t *crl, size_t crl_len, const struct snp_anchor *a,
    time_t at, struct snp_signer_info *info, char *err, size_t errlen)
{
	struct snp_evidence	 ev = { rep, SNP_REPORT_LEN, vcek, vlen,
	    chain_der, chain_len, crl, crl_len };
	struct snp_report	 r;

	return snp_verify_evidence(ctx, &ev, a, at, &r, info, err, errlen);
}

static void
test_basic(void)
{
	struct vcek_opts	 o;
	struct snp_signer_info	 info;
	struct snp_anchor	 a = pinned(), amd;
	uint8_t			 rep[SNP_REPORT_LEN], *v;
	size_t			 vl;
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;

	vcek_defaults(&o);
	v = make_vcek(&o, ask, ask_key, &vl);
	make_report(&milan_v3, vcek_key, rep);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_OK && info.product == SNP_PRODUCT_MILAN && !info.cache_hit,
	    "pinned chain + signed report verify (%s)", rc ? err : "ok");
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_OK && info.cache_hit, "second verification hits the "
	    "cache");
	memset(&amd, 0, sizeof(amd));
	amd.kind = SNP_ANCHOR_AMD;
	amd.product = SNP_PRODUCT_MILAN;
	rc = run(rep, v, vl, NULL, 0, &amd, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_ERR_ROOT, "built-in Milan roots refuse a foreign ARK: %s",
	    err);
	amd.product = SNP_PRODUCT_UNKNOWN;
	rc = run(rep, v, vl, NULL, 0, &amd, T_2026, &info, err, sizeof(err));
	is_int(rc, SNP_ERR_ROOT, "built-in roots (any product) refuse it too");
	a.ark_sha256[0] ^= 1;
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_ERR_ROOT, "another pin refuses it: %s", err);
	a.ark_sha256[0] ^= 1;
	rc = run(rep, v, vl, NULL, 0, &a, T_2040 + 86400, &info, err,
	    sizeof(err));
	ok(rc == SNP_ERR_CERT_TIME, "after notAfter: %s", err);
	rc = run(rep, v, vl, NULL, 0, &a, T_2020 - 86400, &info, err,
	    sizeof(err));
	ok(rc == SNP_ERR_CERT_TIME, "before notBefore: %s", err);

	/* Signer field. */
	{
		struct rep_opts ro = milan_v3;

		ro.signer_info = 7 << 2;
		make_report(&ro, vcek_key, rep);
		rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err,
		    sizeof(err));
		ok(rc == SNP_ERR_SIGNER, "unsigned report: %s", err);
		ro.signer_info = 2;	/* MASK_CHIP_KEY with VCEK */
		make_report(&ro, vcek_key, rep);
		rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err,
		    sizeof(err));
		ok(rc == SNP_ERR_SIGNER, "MASK_CHIP_KEY + VCEK: %s", err);
		ro.signer_info = 1 << 5;
		make_report(&ro, vcek_key, rep);
		rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err,
		    sizeof(err));
		ok(rc == SNP_ERR_REPORT_FORMAT, "SIGNER_INFO MBZ: %s", err);
		ro = milan_v3;
		ro.version = 4;		/* treated like v3 */
		make_report(&ro, vcek_key, rep);
		rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err,
		    sizeof(err));
		ok(rc == SNP_OK, "version 4 accepted like v3");
		ro.version = 6;
		make_report(&ro, vcek_key, rep);
		rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err,
		    sizeof(err));
		ok(rc == SNP_ERR_REPORT_FORMAT, "version 6: %s", err);
		ro.version = 3;
		ro.fam = 0x1a;
		ro.mod = 0x50;	/* Venice: no roots */
		make_report(&ro, vcek_key, rep);
		rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err,
		    sizeof(err));
		ok(rc == SNP_ERR_PRODUCT, "unknown CPUID: %s", err);
		ro.fam = 0x19;
		ro.mod = 0x11;	/* Genoa CPUID, Milan VCEK */
		make_report(&ro, vcek_key, rep);
		rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err,
		    sizeof(err));
		ok(rc == SNP_ERR_PRODUCT, "Genoa report, Milan VCEK: %s", err);
		ro = milan_v3;
		ro.policy = 0x10000;	/* bit 17 clear */
		make_report(&ro, vcek_key, rep);
		rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err,
		    sizeof(err));
		ok(rc == SNP_ERR_REPORT_FORMAT, "policy bit 17 clear: %s", err);
		make_report(&milan_v3, vcek_key, rep);
		rep[0x2A0 + 60] = 1;	/* r beyond 48 bytes */
		rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err,
		    sizeof(err));
		ok(rc == SNP_ERR_REPORT_FORMAT && strstr(err, "0x2dc") != NULL,
		    "non-zero high byte of r: %s", err);
	}
	OPENSSL_free(v);
}

static void
test_bindings(void)
{
	struct vcek_opts	 o;
	struct snp_anchor	 a = pinned();
	uint8_t			 rep[SNP_REPORT_LEN], *v, other[64], zero[64];
	size_t			 vl;
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;
	struct rep_opts		 ro;

	make_report(&milan_v3, vcek_key, rep);
	vcek_defaults(&o);
	o.hwid_wrapped = 1;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_OK, "DER-wrapped hwID accepted (%s)", rc ? err : "ok");
	OPENSSL_free(v);

	memcpy(other, chip_id, 64);
	other[10] ^= 1;
	o.hwid_wrapped = 0;
	o.hwid = other;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CHIP_BINDING, "hwID != CHIP_ID: %s", err);
	/* A masked (all-zero) CHIP_ID does not bind. */
	memset(zero, 0, sizeof(zero));
	ro = milan_v3;
	ro.chip = zero;
	make_report(&ro, vcek_key, rep);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_OK, "masked CHIP_ID accepted");
	OPENSSL_free(v);

	make_report(&milan_v3, vcek_key, rep);
	vcek_defaults(&o);
	o.ucode = 116;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_TCB_BINDING && strcmp(err, "VCEK ucodeSPL 116 != "
	    "REPORTED_TCB.microcode 115") == 0, "ucodeSPL mismatch: %s", err);
	OPENSSL_free(v);
	vcek_defaults(&o);
	o.bl = 2;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_TCB_BINDING, "blSPL mismatch: %s", err);
	OPENSSL_free(v);
	vcek_defaults(&o);
	o.ucode = 300;	/* two-byte INTEGER > 255 */
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CERT_FORMAT, "ucodeSPL 300: %s", err);
	OPENSSL_free(v);
	vcek_defaults(&o);
	o.hwid_len = 0;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CERT_FORMAT, "VCEK without hwID: %s", err);
	OPENSSL_free(v);
	vcek_defaults(&o);
	o.product = "Genoa";
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_PRODUCT, "Genoa VCEK for a Milan report: %s", err);
	OPENSSL_free(v);
}

static void
test_turin(void)
{
	struct vcek_opts	 o;
	struct snp_anchor	 a = pinned();
	struct snp_signer_info	 info;
	struct snp_report	 r;
	struct snp_refval	 e;
	struct rep_opts		 ro = { 5, 0x1a, 0x02, 0x5100000004010101ULL,
	    0, 0x30000, chip_id };
	uint8_t			 rep[SNP_REPORT_LEN], *v, chip8[64];
	size_t			 vl;
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;
	struct snp_evidence	 ev;

	memset(chip8, 0, sizeof(chip8));
	memcpy(chip8, chip_id, 8);
	ro.chip = chip8;
	make_report(&ro, vcek_key, rep);
	vcek_defaults(&o);
	o.product = "Turin";
	o.fmc = 1;
	o.bl = 1;
	o.tee = 1;
	o.snp = 4;
	o.ucode = 81;
	o.hwid_len = 8;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_OK && info.product == SNP_PRODUCT_TURIN &&
	    info.cert_tcb.fmc == 1, "Turin v5 with 8-byte hwID and fmcSPL "
	    "(%s)", rc ? err : "ok");
	/* The refval sees the Turin layout and the mitigation vector. */
	memset(&ev, 0, sizeof(ev));
	ev.report = rep;
	ev.report_len = sizeof(rep);
	ev.vcek = v;
	ev.vcek_len = vl;
	ev.chain = chain_der;
	ev.chain_len = chain_len;
	snp_verify_evidence(ctx, &ev, &a, T_2026, &r, &info, err, sizeof(err));
	memset(&e, 0, sizeof(e));
	e.platform = ATTEST_PLATFORM_SIM_SNP;
	memcpy(e.measurement, r.measurement, 48);
	e.guest_policy.smt = 1;
	e.platform_info.smt_enabled = 1;
	e.min_tcb.fmc = 1;
	e.min_tcb.snp = 4;
	e.min_mitigation_vector = 0x3f;
	rc = snp_check_refval(&r, info.product, &e, NULL, err, sizeof(err));
	ok(rc == SNP_OK, "Turin reference values accept (%s)",
	    rc ? err : "ok");
	e.min_tcb.fmc = 2;
	rc = snp_check_refval(&r, info.product, &e, NULL, err, sizeof(err));
	is_str(err, "CURRENT_TCB.fmc 1 < minimum 2", "Turin fmc minimum");
	OPENSSL_free(v);

	o.fmc = 2;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_ERR_TCB_BINDING, "Turin fmcSPL mismatch: %s", err);
	OPENSSL_free(v);
	o.fmc = -1;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_ERR_CERT_FORMAT, "Turin VCEK without fmcSPL: %s", err);
	OPENSSL_free(v);
	o.fmc = 1;
	v = make_vcek(&o, ask, ask_key, &vl);
	ro.chip = chip_id;	/* bytes beyond 8 not zero */
	make_report(&ro, vcek_key, rep);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_ERR_CHIP_BINDING, "Turin CHIP_ID with bytes 8..63 set: "
	    "%s", err);
	OPENSSL_free(v);
}

static void
test_chain_shape(void)
{
	struct vcek_opts	 o;
	struct snp_anchor	 a = pinned();
	uint8_t			 rep[SNP_REPORT_LEN], *v, *saved, *buf;
	size_t			 vl, saved_len;
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;
	X509			*bad_ask;

	make_report(&milan_v3, vcek_key, rep);
	vcek_defaults(&o);
	o.sig = SIG_PKCS1;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CHAIN, "VCEK signed with PKCS#1 v1.5: %s", err);
	OPENSSL_free(v);
	o.sig = SIG_PSS32;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CHAIN, "VCEK signed with PSS salt 32: %s", err);
	OPENSSL_free(v);
	vcek_defaults(&o);
	v = make_vcek(&o, ask, ark_key, &vl);	/* wrong signer */
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CHAIN, "VCEK not signed by the ASK: %s", err);
	OPENSSL_free(v);
	vcek_defaults(&o);
	o.key = p256_key;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CHAIN, "P-256 VCEK: %s", err);
	OPENSSL_free(v);

	vcek_defaults(&o);
	o.ca = 1;
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CHAIN, "VCEK that is a CA: %s", err);
	OPENSSL_free(v);

	/* An intermediate that is not a CA. */
	bad_ask = mkcert("SEV-Test", ark, ark_key, ask_key, 0x101, 0, T_2020,
	    T_2040, SIG_PSS48);
	sign_cert(bad_ask, ark_key, SIG_PSS48);
	saved = chain_der;
	saved_len = chain_len;
	buf = NULL;
	chain_len = (size_t)i2d_X509(bad_ask, &buf);
	chain_der = malloc(chain_len + saved_len);
	memcpy(chain_der, buf, chain_len);
	memcpy(chain_der + chain_len, saved + (saved_len - (size_t)
	    i2d_X509(ark, NULL)), (size_t)i2d_X509(ark, NULL));
	chain_len += (size_t)i2d_X509(ark, NULL);
	OPENSSL_free(buf);
	vcek_defaults(&o);
	v = make_vcek(&o, bad_ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CHAIN, "non-CA intermediate: %s", err);
	/* ARK only, no intermediate. */
	chain_len = (size_t)i2d_X509(ark, NULL);
	memmove(chain_der, chain_der + (size_t)i2d_X509(bad_ask, NULL),
	    chain_len);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CHAIN, "no intermediate: %s", err);
	OPENSSL_free(v);
	free(chain_der);
	X509_free(bad_ask);
	chain_der = saved;
	chain_len = saved_len;

	/* Trailing bytes after the DER chain. */
	buf = malloc(chain_len + 1);
	memcpy(buf, chain_der, chain_len);
	buf[chain_len] = 0x30;
	saved = chain_der;
	chain_der = buf;
	chain_len++;
	vcek_defaults(&o);
	v = make_vcek(&o, ask, ask_key, &vl);
	rc = run(rep, v, vl, NULL, 0, &a, T_2026, NULL, err, sizeof(err));
	ok(rc == SNP_ERR_CERT_FORMAT, "trailing byte after the chain: %s",
	    err);
	chain_der = saved;
	chain_len--;
	free(buf);
	OPENSSL_free(v);
}

static uint8_t *
make_crl(EVP_PKEY *key, enum sigkind sig, long revoked, time_t last,
    time_t next, size_t *len)
{
	X509_CRL	*crl = X509_CRL_new();
	X509_REVOKED	*rev;
	ASN1_TIME	*t = ASN1_TIME_new();
	ASN1_INTEGER	*serial = ASN1_INTEGER_new();
	EVP_MD_CTX	*m = signer(key, sig);
	uint8_t		*d = NULL;

	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(ark));
	ASN1_TIME_set(t, last);
	X509_CRL_set1_lastUpdate(crl, t);
	ASN1_TIME_set(t, next);
	X509_CRL_set1_nextUpdate(crl, t);
	if (revoked >= 0) {
		rev = X509_REVOKED_new();
		ASN1_INTEGER_set(serial, revoked);
		X509_REVOKED_set_serialNumber(rev, serial);
		ASN1_TIME_set(t, last);
		X509_REVOKED_set_revocationDate(rev, t);
		X509_CRL_add0_revoked(crl, rev);
	}
	X509_CRL_sort(crl);
	X509_CRL_sign_ctx(crl, m);
	*len = (size_t)i2d_X509_CRL(crl, &d);
	EVP_MD_CTX_free(m);
	ASN1_INTEGER_free(serial);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	return d;
}

static void
test_crl(void)
{
	struct vcek_opts	 o;
	struct snp_anchor	 a = pinned();
	struct snp_signer_info	 info;
	uint8_t			 rep[SNP_REPORT_LEN], *v, *crl;
	size_t			 vl, cl;
	char			 err[ATTEST_ERR_LEN];
	enum snp_reason		 rc;

	make_report(&milan_v3, vcek_key, rep);
	vcek_defaults(&o);
	v = make_vcek(&o, ask, ask_key, &vl);

	crl = make_crl(ark_key, SIG_PSS48, 0x777, T_2026 - 86400,
	    T_2026 + 86400, &cl);
	rc = run(rep, v, vl, crl, cl, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_OK && info.crl_checked, "CRL without the ASK: accepted "
	    "(%s)", rc ? err : "ok");
	rc = run(rep, v, vl, crl, cl, &a, T_2026 + 2 * 86400, &info, err,
	    sizeof(err));
	ok(rc == SNP_ERR_CRL, "CRL after nextUpdate (cached chain): %s", err);
	OPENSSL_free(crl);

	crl = make_crl(ark_key, SIG_PSS48, 0x100, T_2026 - 86400,
	    T_2026 + 86400, &cl);
	rc = run(rep, v, vl, crl, cl, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_ERR_REVOKED, "ASK serial revoked: %s", err);
	OPENSSL_free(crl);

	crl = make_crl(ask_key, SIG_PSS48, -1, T_2026 - 86400,
	    T_2026 + 86400, &cl);
	rc = run(rep, v, vl, crl, cl, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_ERR_CRL, "CRL not signed by the ARK: %s", err);
	OPENSSL_free(crl);

	crl = make_crl(ark_key, SIG_PKCS1, -1, T_2026 - 86400,
	    T_2026 + 86400, &cl);
	rc = run(rep, v, vl, crl, cl, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_ERR_CRL, "CRL with PKCS#1 v1.5: %s", err);
	OPENSSL_free(crl);

	crl = make_crl(ark_key, SIG_PSS48, -1, T_2026 + 86400,
	    T_2026 + 2 * 86400, &cl);
	rc = run(rep, v, vl, crl, cl, &a, T_2026, &info, err, sizeof(err));
	ok(rc == SNP_ERR_CRL, "CRL not yet valid: %s", err);
	crl[cl - 1] ^= 1;
	rc = run(rep, v, vl, crl, cl, &a, T_2026 + 86400 + 1, &info, err,
	    sizeof(err));
	ok(rc == SNP_ERR_CRL, "CRL with a broken signature: %s", err);
	rc = run(rep, v, vl, (const uint8_t *)"garbage", 7, &a, T_2026,
	    &info, err, sizeof(err));
	ok(rc == SNP_ERR_CRL, "garbage CRL: %s", err);
	OPENSSL_free(crl);
	OPENSSL_free(v);
}

/* snp_verify(): a real-platform entry never takes the simulated chain. */
static void
test_refvals(void)
{
	struct vcek_opts	 o;
	struct snp_refval	 e[2];
	struct refvals		 rv;
	struct attest_verdict	 verdict;
	struct snp_report	 r;
	struct snp_evidence	 ev;
	uint8_t			 rep[SNP_REPORT_LEN], *v;
	size_t			 vl;
	char			 err[1024];
	enum snp_reason		 rc;
	int			 i;

	make_report(&milan_v3, vcek_key, rep);
	vcek_defaults(&o);
	v = make_vcek(&o, ask, ask_key, &vl);
	memset(e, 0, sizeof(e));
	for (i = 0; i < 2; i++) {
		for (int k = 0; k < 48; k++)
			e[i].measurement[k] = (uint8_t)k;
		e[i].guest_policy.smt = 1;
		e[i].platform_info.smt_enabled = 1;
		e[i].product = SNP_PRODUCT_MILAN;
	}
	e[0].platform = ATTEST_PLATFORM_SNP;
	snprintf(e[0].platform_name, sizeof(e[0].platform_name), "Metal-QEMU-SNP");
	e[1].platform = ATTEST_PLATFORM_SIM_SNP;
	snprintf(e[1].platform_name, sizeof(e[1].platform_name), "Sim-SNP");
	memcpy(e[1].sim_ark_sha256, ark_hash, 32);
	rv.snp = e;
	rv.n_snp = 2;
	rv.tdx = NULL;
	rv.n_tdx = 0;
	memset(&ev, 0, sizeof(ev));
	ev.report = rep;
	ev.report_len = sizeof(rep);
	ev.vcek = v;
	ev.vcek_len = vl;
	ev.chain = chain_der;
	ev.chain_len = chain_len;
	rc = snp_verify(ctx, &ev, &rv, NULL, T_2026, &verdict, &r, err,
	    sizeof(err));
	ok(rc == SNP_OK && verdict.refval_index == 1 &&
	    verdict.platform == ATTEST_PLATFORM_SIM_SNP,
	    "sim entry accepts, real entry does not (%s)", err);
	ok(verdict.policy_hash[0] == 0x5a && verdict.policy_hash[31] == 0x5a,
	    "policy hash is HOST_DATA");
	rv.n_snp = 1;
	rc = snp_verify(ctx, &ev, &rv, NULL, T_2026, &verdict, &r, err,
	    sizeof(err));
	ok(rc == SNP_ERR_ROOT, "real entry alone rejects the simulated chain: "
	    "%s", err);
	OPENSSL_free(v);
}

int
main(void)
{
	char	 err[ATTEST_ERR_LEN];
	int	 i;

	for (i = 0; i < 64; i++)
		chip_id[i] = (uint8_t)(0xc0 + i);
	ark_key = EVP_RSA_gen(4096);
	ask_key = EVP_RSA_gen(4096);
	vcek_key = EVP_EC_gen("secp384r1");
	p256_key = EVP_EC_gen("prime256v1");
	if (ark_key == NULL || ask_key == NULL || vcek_key == NULL ||
	    p256_key == NULL) {
		printf("Bail out! key generation failed\n");
		return 1;
	}
	if ((ctx = snp_ctx_new(err, sizeof(err))) == NULL) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	make_roots();
	test_basic();
	test_bindings();
	test_turin();
	test_chain_shape();
	test_crl();
	test_refvals();
	snp_ctx_free(ctx);
	X509_free(ark);
	X509_free(ask);
	free(chain_der);
	EVP_PKEY_free(ark_key);
	EVP_PKEY_free(ask_key);
	EVP_PKEY_free(vcek_key);
	EVP_PKEY_free(p256_key);
	return tap_done();
}
