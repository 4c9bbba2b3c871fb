/*
 * Certificates of the CA: SAN classification, the root / intermediate /
 * mesh CA hierarchy, workload leaves (SANs, CN choice, EKU/KU, secret id,
 * evidence and claim extensions, validity from the time parameter), mesh
 * CA rotation and recovery, and refusal of bad inputs.
 *
 * With "write DIR" it writes PEM files for test_x509ca_openssl.sh:
 * root.pem intermediate.pem mesh-ca.pem leaf.pem, and after a rotation
 * intermediate2.pem mesh-ca2.pem leaf2.pem.
 * With "bench N" it issues N leaves and prints "leaves N SECONDS" for
 * tests/bench/bench_ca.sh (process CPU time, as openssl speed counts).
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "castate.h"
#include "pki.h"
#include "seedengine.h"
#include "x509ca.h"
#include "tests/tap.h"

static char	 err[PKI_ERR_LEN];

static const char *const sans_web[] = {
	"web", "*", "10.1.2.3", "spiffe://cluster.local/ns/default/web",
	"web.default.svc.cluster.local"
};

static const uint8_t	 evidence[] = "simulated SNP report bytes";
static const uint8_t	 chip[4] = { 0xde, 0xad, 0xbe, 0xef };
static const struct x509ca_claim claims[] = {
	{ X509CA_OID_SNP ".1", X509CA_CLAIM_INT, 3, 0, NULL, 0 },
	{ X509CA_OID_SNP ".5", X509CA_CLAIM_BOOL, 0, 1, NULL, 0 },
	{ X509CA_OID_SNP ".32", X509CA_CLAIM_BYTES, 0, 0, chip, sizeof(chip) },
	{ X509CA_OID_SNP ".2", X509CA_CLAIM_INT, 0, 0, NULL, 0 },
};

/* The extension value (extnValue contents) for a dotted OID, or NULL. */
static const ASN1_OCTET_STRING *
ext_value(X509 *x, const char *oid)
{
	ASN1_OBJECT	*obj = OBJ_txt2obj(oid, 1);
	int		 i;

	i = obj ? X509_get_ext_by_OBJ(x, obj, -1) : -1;
	ASN1_OBJECT_free(obj);
	if (i < 0)
		return NULL;
	return X509_EXTENSION_get_data(X509_get_ext(x, i));
}

static int
ext_is(X509 *x, const char *oid, const uint8_t *want, size_t len)
{
	const ASN1_OCTET_STRING	*v = ext_value(x, oid);

	return v != NULL && (size_t)ASN1_STRING_length(v) == len &&
	    memcmp(ASN1_STRING_get0_data(v), want, len) == 0;
}

static int
cn_is(X509 *x, const char *want)
{
	char	 buf[128];

	return X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, buf, sizeof(buf)) > 0 && strcmp(buf, want) == 0;
}

static uint8_t	*leaf_spki;
static size_t	 leaf_spki_len;

static void
leaf_req(struct x509ca_leaf *r, const char *const *sans, size_t n)
{
	memset(r, 0, sizeof(*r));
	r->spki = leaf_spki;
	r->spki_len = leaf_spki_len;
	r->sans = sans;
	r->nsans = n;
}

/* Does a SAN of this type and value exist? */
static int
has_san(X509 *x, int type, const void *val, size_t len)
{
	GENERAL_NAMES	*gens;
	GENERAL_NAME	*g;
	ASN1_STRING	*s;
	int		 i, found = 0, t;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		s = GENERAL_NAME_get0_value(g, &t);
		if (t == type && (size_t)ASN1_STRING_length(s) == len &&
		    memcmp(ASN1_STRING_get0_data(s), val, len) == 0)
			found = 1;
	}
	GENERAL_NAMES_free(gens);
	return found;
}

static int
san_count(X509 *x)
{
	GENERAL_NAMES	*gens;
	int		 n;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	n = gens ? sk_GENERAL_NAME_num(gens) : -1;
	GENERAL_NAMES_free(gens);
	return n;
}

static void
test_classify(void)
{
	static const struct {
		const char		*s;
		enum x509ca_san_kind	 kind;	/* 0 = refused */
	} cases[] = {
		{ "web", X509CA_SAN_DNS },
		{ "*", X509CA_SAN_DNS },
		{ "*.svc.cluster.local", X509CA_SAN_DNS },
		{ "web.default.svc.cluster.local", X509CA_SAN_DNS },
		{ "_grpc.web", X509CA_SAN_DNS },
		{ "10.0.0.1", X509CA_SAN_IP },
		{ "::1", X509CA_SAN_IP },
		{ "fd00::1:2", X509CA_SAN_IP },
		{ "spiffe://cluster/ns/web", X509CA_SAN_URI },
		{ "https://example.com/x?y=1", X509CA_SAN_URI },
		{ "urn:uuid:1234", X509CA_SAN_URI },
		{ "", 0 },
		{ "a b", 0 },
		{ "a\nb", 0 },
		{ "a\tb", 0 },
		{ "w\x7f", 0 },
		{ "caf\xc3\xa9", 0 },
		{ "foo..bar", 0 },
		{ ".foo", 0 },
		{ "foo.", 0 },
		{ "a.*.b", 0 },
		{ "*foo.bar", 0 },
		{ "**", 0 },
		{ "foo:", 0 },
		{ "1http://x", 0 },
		{ "a,b", 0 },
		{ "10.0.0.256", 0 },
	};
	enum x509ca_san_kind	 k;
	char			 lab[80], big[300];
	size_t			 i;
	int			 r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k = 0;
		r = x509ca_san_classify(cases[i].s, &k, err, sizeof(err));
		if (cases[i].kind == 0)
			ok(r == -1, "SAN %zu refused (%s)", i, err);
		else
			ok(r == 0 && k == cases[i].kind, "SAN \"%s\" is kind "
			    "%d", cases[i].s, (int)cases[i].kind);
	}
	memset(lab, 'a', sizeof(lab));
	lab[63] = '\0';
	ok(x509ca_san_classify(lab, &k, err, sizeof(err)) == 0,
	    "63-byte label accepted");
	lab[63] = 'a';
	lab[64] = '\0';
	ok(x509ca_san_classify(lab, &k, err, sizeof(err)) == -1,
	    "64-byte label refused");
	for (i = 0; i < 253; i++)
		big[i] = (i % 50 == 49) ? '.' : 'b';
	big[253] = '\0';
	ok(x509ca_san_classify(big, &k, err, sizeof(err)) == 0 &&
	    k == X509CA_SAN_DNS, "253-byte DNS name accepted");
	big[253] = 'b';
	big[254] = '\0';
	ok(x509ca_san_classify(big, &k, err, sizeof(err)) == -1,
	    "254-byte DNS name refused");
	ok(x509ca_san_classify(NULL, &k, err, sizeof(err)) == -1,
	    "NULL SAN refused");
}

/* The cached PEM is the PEM of the certificate the state holds now. */
static int
pem_current(struct castate *st, enum castate_cert w)
{
	const char	*cached;
	char		*pem;
	size_t		 len, clen;
	int		 same;

	if ((cached = castate_pem(st, w, &clen)) == NULL ||
	    pki_cert_to_pem(castate_cert(st, w), &pem, &len, err,
	    sizeof(err)) == -1)
		return 0;
	same = len == clen && strlen(cached) == clen &&
	    memcmp(pem, cached, len) == 0;
	free(pem);
	return same;
}

static void
test_hierarchy(struct castate *st)
{
	X509		*root = castate_cert(st, CASTATE_ROOT);
	X509		*inter = castate_cert(st, CASTATE_INTERMEDIATE);
	X509		*mesh = castate_cert(st, CASTATE_MESH);
	EVP_PKEY	*rk = X509_get0_pubkey(root), *mk = X509_get0_pubkey(mesh);
	const char	*pem;
	size_t		 len;

	ok(root && inter && mesh, "root, intermediate and mesh CA exist");
	ok(cn_is(root, X509CA_CN_ROOT), "root CN");
	ok(cn_is(inter, X509CA_CN_INTERMEDIATE), "intermediate CN");
	ok(cn_is(mesh, X509CA_CN_INTERMEDIATE), "mesh CA CN");
	ok(X509_check_issued(root, root) == X509_V_OK, "root is self-issued");
	ok(X509_verify(root, rk) == 1, "root is self-signed");
	ok(X509_check_issued(root, inter) == X509_V_OK &&
	    X509_verify(inter, rk) == 1, "intermediate is signed by the root");
	ok(EVP_PKEY_eq(X509_get0_pubkey(inter), mk) == 1,
	    "intermediate carries the mesh CA key");
	ok(X509_verify(mesh, mk) == 1, "mesh CA is self-signed");
	ok(X509_check_ca(root) == 1 && X509_check_ca(inter) == 1 &&
	    X509_check_ca(mesh) == 1, "all three are CAs");
	ok((X509_get_key_usage(root) & (KU_DIGITAL_SIGNATURE |
	    KU_KEY_CERT_SIGN)) == (KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN) &&
	    (X509_get_key_usage(mesh) & ~(KU_DIGITAL_SIGNATURE |
	    KU_KEY_CERT_SIGN)) == 0,
	    "CA key usage is digitalSignature+keyCertSign");
	ok(pki_is_p384(rk) && pki_is_p384(mk), "CA keys are P-384");
	ok(X509_get_signature_nid(root) == NID_ecdsa_with_SHA384 &&
	    X509_get_signature_nid(inter) == NID_ecdsa_with_SHA384 &&
	    X509_get_signature_nid(mesh) == NID_ecdsa_with_SHA384,
	    "signatures are ECDSA-SHA384");
	ok(X509_get0_subject_key_id(root) != NULL &&
	    X509_get0_authority_key_id(inter) != NULL &&
	    ASN1_OCTET_STRING_cmp(X509_get0_subject_key_id(root),
	    X509_get0_authority_key_id(inter)) == 0,
	    "intermediate AKI = root SKI");
	ok(ASN1_INTEGER_cmp(X509_get0_serialNumber(inter),
	    X509_get0_serialNumber(mesh)) != 0, "serials differ");
	ok((pem = castate_pem(st, CASTATE_ROOT, &len)) != NULL &&
	    strncmp(pem, "-----BEGIN CERTIFICATE-----", 27) == 0,
	    "root exports as PEM");
	ok(pem_current(st, CASTATE_ROOT) && pem_current(st,
	    CASTATE_INTERMEDIATE) && pem_current(st, CASTATE_MESH),
	    "cached PEMs are the certificates'");
	ok(castate_pem(st, (enum castate_cert)0, &len) == NULL &&
	    castate_pem(st, (enum castate_cert)(CASTATE_MESH + 1), &len) ==
	    NULL, "no PEM for an unknown certificate");
}

/* The leaf's fixed extensions, criticality and key identifiers. */
static int
leaf_fixed_exts_ok(X509 *leaf, X509 *mesh)
{
	static const struct { int nid, crit; } want[] = {
		{ NID_basic_constraints, 1 }, { NID_key_usage, 1 },
		{ NID_ext_key_usage, 0 }, { NID_subject_key_identifier, 0 },
		{ NID_authority_key_identifier, 0 },
	};
	const ASN1_OCTET_STRING	*skid, *akid, *meshskid;
	uint8_t			 md[20];
	unsigned int		 n;
	size_t			 i;
	int			 loc;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if ((loc = X509_get_ext_by_NID(leaf, want[i].nid, -1)) < 0 ||
		    X509_EXTENSION_get_critical(X509_get_ext(leaf, loc)) !=
		    want[i].crit ||
		    X509_get_ext_by_NID(leaf, want[i].nid, loc) >= 0)
			return 0;
	skid = X509_get0_subject_key_id(leaf);
	akid = X509_get0_authority_key_id(leaf);
	meshskid = X509_get0_subject_key_id(mesh);
	return skid != NULL && akid != NULL && meshskid != NULL &&
	    X509_pubkey_digest(leaf, EVP_sha1(), md, &n) && n == 20 &&
	    ASN1_STRING_length(skid) == 20 &&
	    memcmp(ASN1_STRING_get0_data(skid), md, 20) == 0 &&
	    ASN1_OCTET_STRING_cmp(akid, meshskid) == 0 &&
	    X509_get0_authority_issuer(leaf) == NULL &&
	    X509_get0_authority_serial(leaf) == NULL;
}

static void
test_leaf(struct castate *st, time_t now)
{
	struct x509ca_leaf	 r;
	X509			*leaf, *mesh = castate_cert(st, CASTATE_MESH);
	STACK_OF(X509)		*chain;
	uint8_t			 ip4[4], ip4b[4], ip6[16];
	const ASN1_TIME		*nb, *na;
	int			 day, sec;
	static const uint8_t	 wsid_der[] = { 0x04, 0x0b, 'd', 'e', 'f',
	    'a', 'u', 'l', 't', '/', 'w', 'e', 'b' };
	static const uint8_t	 int3[] = { 0x02, 0x01, 0x03 };
	static const uint8_t	 int0[] = { 0x02, 0x01, 0x00 };
	static const uint8_t	 btrue[] = { 0x01, 0x01, 0xff };
	static const uint8_t	 chipder[] = { 0x04, 0x04, 0xde, 0xad, 0xbe,
	    0xef };

	leaf_req(&r, sans_web, 5);
	r.peer_ip = "192.168.0.7";
	r.workload_secret_id = "default/web";
	r.evidence_oid = X509CA_OID_SNP;
	r.evidence = evidence;
	r.evidence_len = sizeof(evidence) - 1;
	r.claims = claims;
	r.nclaims = 4;
	leaf = castate_issue_leaf(st, &r, now, err, sizeof(err));
	ok(leaf != NULL, "leaf issued (%s)", leaf ? "" : err);
	if (leaf == NULL)
		return;
	ok(pki_cert_verify(leaf, NULL, mesh, now + 60, err, sizeof(err)) == 0,
	    "leaf verifies against the mesh CA (%s)", err);
	chain = sk_X509_new_null();
	sk_X509_push(chain, castate_cert(st, CASTATE_INTERMEDIATE));
	ok(pki_cert_verify(leaf, chain, castate_cert(st, CASTATE_ROOT),
	    now + 60, err, sizeof(err)) == 0,
	    "leaf verifies against the root via the intermediate");
	ok(pki_cert_verify(leaf, NULL, castate_cert(st, CASTATE_ROOT),
	    now + 60, err, sizeof(err)) == -1,
	    "leaf does not verify against the root alone (%s)", err);
	ok(pki_cert_verify(leaf, chain, castate_cert(st, CASTATE_ROOT),
	    now + 2 * 365 * 86400, err, sizeof(err)) == -1,
	    "leaf has expired two years later (%s)", err);
	ok(pki_cert_verify(leaf, chain, castate_cert(st, CASTATE_ROOT),
	    now - 7200, err, sizeof(err)) == -1,
	    "leaf is not yet valid two hours earlier");
	sk_X509_free(chain);

	ok(cn_is(leaf, "web"), "CN = first DNS SAN");
	ok(san_count(leaf) == 6, "5 manifest SANs + peer IP");
	ok(has_san(leaf, GEN_DNS, "web", 3) && has_san(leaf, GEN_DNS, "*", 1) &&
	    has_san(leaf, GEN_DNS, "web.default.svc.cluster.local", 29),
	    "DNS SANs incl. wildcard");
	inet_pton(AF_INET, "10.1.2.3", ip4);
	inet_pton(AF_INET, "192.168.0.7", ip4b);
	ok(has_san(leaf, GEN_IPADD, ip4, 4) && has_san(leaf, GEN_IPADD, ip4b,
	    4), "IP SANs incl. the peer IP");
	ok(has_san(leaf, GEN_URI, "spiffe://cluster.local/ns/default/web", 37),
	    "URI SAN");
	ok((X509_get_extended_key_usage(leaf) & (XKU_SSL_SERVER |
	    XKU_SSL_CLIENT)) == (XKU_SSL_SERVER | XKU_SSL_CLIENT) &&
	    X509_get_extended_key_usage(leaf) == (XKU_SSL_SERVER |
	    XKU_SSL_CLIENT), "EKU is exactly serverAuth+clientAuth");
	ok(X509_get_key_usage(leaf) == KU_DIGITAL_SIGNATURE,
	    "KU is digitalSignature");
	ok(X509_check_ca(leaf) == 0, "leaf is not a CA");
	ok(leaf_fixed_exts_ok(leaf, mesh), "basicConstraints and keyUsage "
	    "critical, EKU, SKI and AKI not; SKI is the key's SHA-1, AKI the "
	    "mesh CA's SKI");
	ok(X509_check_purpose(leaf, X509_PURPOSE_SSL_SERVER, 0) == 1 &&
	    X509_check_purpose(leaf, X509_PURPOSE_SSL_CLIENT, 0) == 1,
	    "usable for TLS server and client");
	ok(X509_NAME_cmp(X509_get_issuer_name(leaf),
	    X509_get_subject_name(mesh)) == 0, "issuer = mesh CA subject");
	ok(ext_is(leaf, X509CA_OID_WORKLOAD_SECRET_ID, wsid_der,
	    sizeof(wsid_der)), "WorkloadSecretID extension = DER OCTET STRING");
	ok(ext_is(leaf, X509CA_OID_SNP, evidence, sizeof(evidence) - 1),
	    "raw evidence extension carries the report bytes");
	ok(ext_is(leaf, X509CA_OID_SNP ".1", int3, 3) &&
	    ext_is(leaf, X509CA_OID_SNP ".2", int0, 3) &&
	    ext_is(leaf, X509CA_OID_SNP ".5", btrue, 3) &&
	    ext_is(leaf, X509CA_OID_SNP ".32", chipder, sizeof(chipder)),
	    "claim extensions are DER INTEGER / BOOLEAN / OCTET STRING");
	nb = X509_get0_notBefore(leaf);
	na = X509_get0_notAfter(leaf);
	{
		ASN1_TIME	*t = ASN1_TIME_set(NULL, now);

		ok(ASN1_TIME_diff(&day, &sec, t, nb) && day == 0 &&
		    sec == -3600, "notBefore = now - 1h");
		ok(ASN1_TIME_diff(&day, &sec, t, na) && (day == 365 ||
		    day == 366) && sec == 0, "notAfter = now + 1y (%d days)",
		    day);
		ok(ASN1_TIME_diff(&day, &sec, t,
		    X509_get0_notAfter(castate_cert(st, CASTATE_ROOT))) &&
		    day >= 3652 && day <= 3653 && sec == 0,
		    "CA notAfter = now + 10y (%d days)", day);
		ASN1_TIME_free(t);
	}
	X509_free(leaf);

	/* CN fallbacks (upstream would panic without a DNS SAN). */
	{
		static const char *const ips[] = { "fd00::7", "10.0.0.9" };
		static const char *const longdns[] = {
		    "a0123456789012345678901234567890123456789012345678901234567890."
		    "example", "short" };
		static const char *const uri[] = { "spiffe://x/y" };

		leaf_req(&r, ips, 2);
		leaf = castate_issue_leaf(st, &r, now, err, sizeof(err));
		inet_pton(AF_INET6, "fd00::7", ip6);
		ok(leaf != NULL && cn_is(leaf, "fd00::7") &&
		    has_san(leaf, GEN_IPADD, ip6, 16),
		    "no DNS SAN: CN = first SAN (IPv6)");
		X509_free(leaf);
		leaf_req(&r, longdns, 2);
		leaf = castate_issue_leaf(st, &r, now, err, sizeof(err));
		ok(leaf != NULL && cn_is(leaf, X509CA_CN_LEAF_DEFAULT),
		    "first DNS SAN over 64 bytes: fixed CN");
		X509_free(leaf);
		leaf_req(&r, uri, 1);
		r.peer_ip = "10.1.2.3";
		leaf = castate_issue_leaf(st, &r, now, err, sizeof(err));
		ok(leaf != NULL && cn_is(leaf, "spiffe://x/y") &&
		    san_count(leaf) == 2, "URI first, peer IP added");
		X509_free(leaf);
		leaf_req(&r, sans_web, 5);
		r.peer_ip = "10.1.2.3";
		leaf = castate_issue_leaf(st, &r, now, err, sizeof(err));
		ok(leaf != NULL && san_count(leaf) == 5,
		    "peer IP already among the SANs is not repeated");
		ok(leaf != NULL && ext_value(leaf,
		    X509CA_OID_WORKLOAD_SECRET_ID) == NULL &&
		    ext_value(leaf, X509CA_OID_SNP) == NULL,
		    "no secret id / evidence extension unless asked");
		X509_free(leaf);
	}
}

static void
test_refusals(struct castate *st, time_t now)
{
	struct x509ca_leaf	 r;
	struct x509ca_claim	 bad[2];
	static const char *const badsan[] = { "web", "bad name" };
	static const char *many[X509CA_SAN_MAX + 1];
	static const uint8_t	 junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	EVP_PKEY		*rsa;
	uint8_t			*der;
	size_t			 derlen, i;

	leaf_req(&r, badsan, 2);
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "a bad SAN refuses the leaf (%s)", err);
	leaf_req(&r, NULL, 0);
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "no SAN and no peer IP refused (%s)", err);
	for (i = 0; i < X509CA_SAN_MAX + 1; i++)
		many[i] = "web";
	leaf_req(&r, many, X509CA_SAN_MAX + 1);
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "too many SANs refused (%s)", err);
	leaf_req(&r, many, X509CA_SAN_MAX);
	r.peer_ip = "10.0.0.1";
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "too many SANs with the peer IP refused");
	leaf_req(&r, sans_web, 1);
	r.peer_ip = "web";
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "peer IP that is not an IP refused (%s)", err);
	leaf_req(&r, sans_web, 1);
	r.spki = junk;
	r.spki_len = sizeof(junk);
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "garbage workload key refused (%s)", err);
	leaf_req(&r, sans_web, 1);
	r.spki_len = leaf_spki_len - 1;
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "truncated workload key refused");
	rsa = pki_rsa_generate(2048, err, sizeof(err));
	if (rsa != NULL && pki_spki_der(rsa, &der, &derlen, err,
	    sizeof(err)) == 0) {
		leaf_req(&r, sans_web, 1);
		r.spki = der;
		r.spki_len = derlen;
		ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
		    "RSA workload key refused (%s)", err);
		free(der);
	} else
		ok(0, "RSA key for the refusal test");

	memset(bad, 0, sizeof(bad));
	bad[0].oid = "1.3.9901.3.1";
	bad[0].type = X509CA_CLAIM_INT;
	leaf_req(&r, sans_web, 1);
	r.claims = bad;
	r.nclaims = 1;
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "claim outside the SNP/TDX arcs refused (%s)", err);
	bad[0].oid = X509CA_OID_SNP ".100";
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "claim arc 100 refused");
	bad[0].oid = X509CA_OID_SNP ".01";
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "claim arc with a leading zero refused");
	bad[0].oid = X509CA_OID_TDX ".7";
	bad[1] = bad[0];
	r.nclaims = 2;
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "duplicate claim refused (%s)", err);
	bad[1].oid = X509CA_OID_TDX ".8";
	bad[1].type = 99;
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "unknown claim type refused");
	bad[1].type = X509CA_CLAIM_BYTES;
	bad[1].len = X509CA_CLAIM_BYTES_MAX + 1;
	bad[1].bytes = (const uint8_t *)sans_web;	/* never read */
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "over-long claim refused");
	leaf_req(&r, sans_web, 1);
	r.evidence_oid = "1.3.9901.2.99";
	r.evidence = evidence;
	r.evidence_len = 4;
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "evidence under a non-SNP/TDX OID refused");
	r.evidence_oid = X509CA_OID_TDX;
	r.evidence_len = 0;
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "empty evidence refused");
	leaf_req(&r, sans_web, 1);
	r.workload_secret_id = "";
	ok(castate_issue_leaf(st, &r, now, err, sizeof(err)) == NULL,
	    "empty workload secret id refused");
	leaf_req(&r, sans_web, 1);
	ok(x509ca_leaf_new(&r, castate_cert(st, CASTATE_ROOT), rsa, now, err,
	    sizeof(err)) == NULL, "mismatched issuer key refused (%s)", err);
	EVP_PKEY_free(rsa);
}

static int
write_pem(const char *dir, const char *name, X509 *x)
{
	char	 path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (pki_cert_write(path, x, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
write_files(const char *dir)
{
	struct castate		*st;
	struct x509ca_leaf	 r;
	X509			*leaf, *leaf2;

	if ((st = castate_new(0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	leaf_req(&r, sans_web, 5);
	r.peer_ip = "192.168.0.7";
	r.workload_secret_id = "default/web";
	r.evidence_oid = X509CA_OID_SNP;
	r.evidence = evidence;
	r.evidence_len = sizeof(evidence) - 1;
	if ((leaf = castate_issue_leaf(st, &r, 0, err, sizeof(err))) == NULL ||
	    write_pem(dir, "root.pem", castate_cert(st, CASTATE_ROOT)) ||
	    write_pem(dir, "intermediate.pem", castate_cert(st,
	    CASTATE_INTERMEDIATE)) ||
	    write_pem(dir, "mesh-ca.pem", castate_cert(st, CASTATE_MESH)) ||
	    write_pem(dir, "leaf.pem", leaf))
		return 1;
	if (castate_rotate_mesh(st, 0, err, sizeof(err)) == -1 ||
	    (leaf2 = castate_issue_leaf(st, &r, 0, err, sizeof(err))) ==
	    NULL ||
	    write_pem(dir, "intermediate2.pem", castate_cert(st,
	    CASTATE_INTERMEDIATE)) ||
	    write_pem(dir, "mesh-ca2.pem", castate_cert(st, CASTATE_MESH)) ||
	    write_pem(dir, "leaf2.pem", leaf2))
		return 1;
	X509_free(leaf);
	X509_free(leaf2);
	castate_free(st);
	return 0;
}

static int
bench(int n)
{
	struct castate		*st;
	struct x509ca_leaf	 r;
	struct timespec		 t0, t1;
	char			*pem;
	size_t			 len;
	int			 i;

	if (n < 1 || (st = castate_new(0, err, sizeof(err))) == NULL)
		return 1;
	leaf_req(&r, sans_web, 5);
	r.peer_ip = "192.168.0.7";
	r.workload_secret_id = "default/web";
	r.evidence_oid = X509CA_OID_SNP;
	r.evidence = evidence;
	r.evidence_len = sizeof(evidence) - 1;
	r.claims = claims;
	r.nclaims = 4;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	/* What the CA process does per certificate: the PEM path. */
	for (i = 0; i < n; i++) {
		if (castate_issue_leaf_pem(st, &r, 0, &pem, &len, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		free(pem);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	printf("leaves %d %.6f\n", n, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	castate_free(st);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct castate		*st, *st2;
	struct x509ca_leaf	 r;
	EVP_PKEY		*wk;
	X509			*leaf, *leaf2, *oldmesh, *oldinter, *root1;
	STACK_OF(X509)		*chain;
	uint8_t			 seed[SEED_LEN], salt[SEED_SALT_LEN];
	uint8_t			 w1[SEED_WORKLOAD_SECRET_LEN];
	uint8_t			 w2[SEED_WORKLOAD_SECRET_LEN];
	uint8_t			 hash[32], *sig;
	size_t			 siglen;
	time_t			 now = 1893456000;	/* 2030-01-01 */

	if ((wk = pki_p384_generate(err, sizeof(err))) == NULL ||
	    pki_spki_der(wk, &leaf_spki, &leaf_spki_len, err,
	    sizeof(err)) == -1) {
		printf("Bail out! workload key: %s\n", err);
		return 1;
	}
	if (argc == 3 && (strcmp(argv[1], "write") == 0 ||
	    strcmp(argv[1], "bench") == 0)) {
		int	 rc = strcmp(argv[1], "write") == 0 ?
		    write_files(argv[2]) : bench(atoi(argv[2]));

		EVP_PKEY_free(wk);
		free(leaf_spki);
		return rc;
	}

	test_classify();
	st = castate_new(now, err, sizeof(err));
	ok(st != NULL, "CA state created (%s)", st ? "" : err);
	if (st == NULL)
		return tap_done();
	test_hierarchy(st);
	test_leaf(st, now);
	test_refusals(st, now);

	/* The CA process's path: the same leaf, straight to PEM. */
	{
		STACK_OF(X509)	*pl;
		char		*pem = NULL;
		size_t		 plen = 0;

		leaf_req(&r, sans_web, 1);
		ok(castate_issue_leaf_pem(st, &r, now, &pem, &plen, err,
		    sizeof(err)) == 0 && (pl = pki_certs_from_pem(
		    (const uint8_t *)pem, plen, 1, err, sizeof(err))) != NULL &&
		    pki_cert_verify(sk_X509_value(pl, 0), NULL,
		    castate_cert(st, CASTATE_MESH), now, err, sizeof(err)) == 0 &&
		    (sk_X509_pop_free(pl, X509_free), 1),
		    "PEM path: the leaf parses and verifies against the mesh CA");
		free(pem);
		r.spki_len--;
		ok(castate_issue_leaf_pem(st, &r, now, &pem, &plen, err,
		    sizeof(err)) == -1 && strstr(err, "workload public key"),
		    "PEM path: a truncated SPKI is refused (%s)", err);
		r.spki_len++;
	}

	/* Rotation: old leaves stop verifying against the new mesh CA. */
	leaf_req(&r, sans_web, 1);
	leaf = castate_issue_leaf(st, &r, now, err, sizeof(err));
	oldmesh = X509_dup(castate_cert(st, CASTATE_MESH));
	oldinter = X509_dup(castate_cert(st, CASTATE_INTERMEDIATE));
	root1 = X509_dup(castate_cert(st, CASTATE_ROOT));
	ok(castate_rotate_mesh(st, now, err, sizeof(err)) == 0,
	    "mesh CA rotated");
	leaf2 = castate_issue_leaf(st, &r, now, err, sizeof(err));
	ok(leaf != NULL && leaf2 != NULL, "leaves before and after rotation");
	ok(EVP_PKEY_eq(X509_get0_pubkey(oldmesh), X509_get0_pubkey(
	    castate_cert(st, CASTATE_MESH))) != 1, "rotation changed the key");
	ok(pki_cert_verify(leaf, NULL, castate_cert(st, CASTATE_MESH), now,
	    err, sizeof(err)) == -1,
	    "old leaf does not verify against the new mesh CA (%s)", err);
	ok(pki_cert_verify(leaf2, NULL, castate_cert(st, CASTATE_MESH), now,
	    err, sizeof(err)) == 0, "new leaf verifies against the new mesh CA");
	ok(pki_cert_verify(leaf2, NULL, oldmesh, now, err, sizeof(err)) == -1,
	    "new leaf does not verify against the old mesh CA");
	chain = sk_X509_new_null();
	sk_X509_push(chain, castate_cert(st, CASTATE_INTERMEDIATE));
	ok(pki_cert_verify(leaf2, chain, castate_cert(st, CASTATE_ROOT), now,
	    err, sizeof(err)) == 0,
	    "new leaf chains to the unchanged root via the new intermediate");
	ok(X509_cmp(root1, castate_cert(st, CASTATE_ROOT)) == 0,
	    "root certificate unchanged by rotation");
	ok(pem_current(st, CASTATE_ROOT) && pem_current(st,
	    CASTATE_INTERMEDIATE) && pem_current(st, CASTATE_MESH),
	    "cached PEMs follow the rotation");
	ok(pki_cert_verify(leaf, chain, castate_cert(st, CASTATE_ROOT), now,
	    err, sizeof(err)) == -1,
	    "old leaf does not chain via the new intermediate");
	sk_X509_pop(chain);
	sk_X509_push(chain, oldinter);
	ok(pki_cert_verify(leaf, chain, castate_cert(st, CASTATE_ROOT), now,
	    err, sizeof(err)) == 0,
	    "old leaf still chains to the root with the old intermediate");
	sk_X509_free(chain);
	X509_free(leaf);
	X509_free(leaf2);
	X509_free(oldmesh);
	X509_free(oldinter);

	/* Recovery: same seed and salt, same root key and secrets. */
	ok(seed_generate(seed, salt, err, sizeof(err)) == 0, "seed for recovery");
	st2 = castate_recover(seed, sizeof(seed), salt, sizeof(salt), now, err,
	    sizeof(err));
	castate_free(st);
	st = castate_recover(seed, sizeof(seed), salt, sizeof(salt), now + 10,
	    err, sizeof(err));
	ok(st != NULL && st2 != NULL, "two recoveries from one seed");
	if (st == NULL || st2 == NULL)
		return tap_done();
	ok(EVP_PKEY_eq(X509_get0_pubkey(castate_cert(st, CASTATE_ROOT)),
	    X509_get0_pubkey(castate_cert(st2, CASTATE_ROOT))) == 1,
	    "recovered root key is the same");
	ok(X509_cmp(castate_cert(st, CASTATE_ROOT),
	    castate_cert(st2, CASTATE_ROOT)) != 0,
	    "recovered root certificate is new (new serial and validity)");
	ok(EVP_PKEY_eq(X509_get0_pubkey(castate_cert(st, CASTATE_MESH)),
	    X509_get0_pubkey(castate_cert(st2, CASTATE_MESH))) != 1,
	    "recovery gives a new mesh CA key");
	ok(castate_workload_secret(st, "default/web", w1, err,
	    sizeof(err)) == 0 && castate_workload_secret(st2, "default/web",
	    w2, err, sizeof(err)) == 0 && memcmp(w1, w2, sizeof(w1)) == 0,
	    "recovered workload secret is the same");
	ok(memcmp(castate_salt(st), salt, sizeof(salt)) == 0, "salt kept");
	memset(hash, 0x5a, sizeof(hash));
	ok(castate_sign_transition(st, hash, sizeof(hash), &sig, &siglen, err,
	    sizeof(err)) == 0 && castate_verify_transition(st2, hash,
	    sizeof(hash), sig, siglen, err, sizeof(err)) == 0,
	    "transition signed by one verifies with the other");
	ok(castate_sign_transition(st, hash, 31, &sig, &siglen, err,
	    sizeof(err)) == -1, "31-byte transition hash refused");
	free(sig);
	ok(castate_recover(seed, sizeof(seed), salt, 16, now, err,
	    sizeof(err)) == NULL, "recovery with a short salt refused");
	castate_free(st);
	castate_free(st2);
	EVP_PKEY_free(wk);
	free(leaf_spki);
	X509_free(root1);
	return tap_done();
}
