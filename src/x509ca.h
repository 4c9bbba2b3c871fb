/*
 * The coordinator's certificates, as upstream Contrast's internal/ca:
 * every key ECDSA P-384, every signature ECDSA-SHA384, random 127-bit
 * serials.
 *
 *   root CA       CN system:coordinator:root, self-signed, seed-derived key
 *   intermediate  CN system:coordinator:intermediate, mesh CA key, signed
 *                 by the root
 *   mesh CA       CN system:coordinator:intermediate, self-signed by the
 *                 mesh CA key
 *   workload leaf signed by the mesh CA key, issuer = the mesh CA subject,
 *                 so it chains to the mesh CA cert or, through the
 *                 intermediate, to the root
 *
 * CAs are valid now-1h .. now+10y, leaves now-1h .. now+1y; `now' is a
 * parameter (0 = the current time).  A leaf is built from typed inputs
 * only (key, SAN strings, secret id, evidence, claims): never from a CSR.
 * Untrusted strings are never handed to OpenSSL's config-string parsers.
 */
#ifndef CONTRAST_X509CA_H
#define CONTRAST_X509CA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define X509CA_CN_ROOT		"system:coordinator:root"
#define X509CA_CN_INTERMEDIATE	"system:coordinator:intermediate"
/* Leaf CN when no SAN fits RFC 5280's 64-byte ub-common-name. */
#define X509CA_CN_LEAF_DEFAULT	"contrast-workload"
#define X509CA_CN_MAX		64

#define X509CA_SAN_MAX		64	/* SANs per leaf, peer IP included */
#define X509CA_DNS_MAX		253
#define X509CA_URI_MAX		2048
#define X509CA_CLAIM_MAX	128
#define X509CA_CLAIM_BYTES_MAX	4096
#define X509CA_EVIDENCE_MAX	(64 * 1024)

/* Upstream's OIDs (internal/oid). */
#define X509CA_OID_SNP		"1.3.9901.2.1"	/* raw SNP report; claims .N */
#define X509CA_OID_TDX		"1.3.9901.2.2"	/* raw TDX quote; claims .N */
#define X509CA_OID_INSECURE	"1.3.9901.2.99"
#define X509CA_OID_WORKLOAD_SECRET_ID "1.3.9901.3.1"

enum x509ca_san_kind {
	X509CA_SAN_DNS = 1,	/* also the wildcard "*" and "*.example" */
	X509CA_SAN_IP,		/* IPv4 or IPv6 literal */
	X509CA_SAN_URI		/* scheme ":" rest, printable ASCII */
};

/*
 * Classify and validate one manifest SAN: an IP literal is an IP SAN; a
 * string with a URI scheme ([A-Za-z][A-Za-z0-9+.-]*:) and a non-empty
 * rest is a URI SAN; anything else must be a DNS name (labels of
 * [A-Za-z0-9_-], 1..63 bytes, total <= 253, a leftmost "*" label allowed).
 * Control characters, spaces and non-ASCII bytes are refused everywhere.
 */
int	 x509ca_san_classify(const char *, enum x509ca_san_kind *, char *,
	    size_t);

enum x509ca_claim_type {
	X509CA_CLAIM_INT = 1,	/* DER INTEGER, unsigned */
	X509CA_CLAIM_BOOL,	/* DER BOOLEAN */
	X509CA_CLAIM_BYTES	/* DER OCTET STRING */
};

/*
 * One parsed attestation claim (contrast.md 4.3): a non-critical
 * extension whose value is the DER of an INTEGER, BOOLEAN or OCTET
 * STRING.  The OID must be X509CA_OID_SNP or X509CA_OID_TDX plus one
 * more arc in 1..99.
 */
struct x509ca_claim {
	const char		*oid;
	enum x509ca_claim_type	 type;
	uint64_t		 ival;
	int			 bval;
	const uint8_t		*bytes;
	size_t			 len;
};

struct x509ca_leaf {
	const uint8_t		 *spki;		/* workload public key, SPKI DER */
	size_t			  spki_len;
	const char *const	 *sans;		/* from the manifest policy */
	size_t			  nsans;
	const char		 *peer_ip;	/* NULL, or added as an IP SAN */
	const char		 *workload_secret_id;	/* NULL = none */
	/*
	 * Raw evidence under evidence_oid (X509CA_OID_SNP or _TDX), the
	 * bytes themselves as the extension value, as upstream's aTLS.
	 */
	const char		 *evidence_oid;
	const uint8_t		 *evidence;
	size_t			  evidence_len;
	const struct x509ca_claim *claims;
	size_t			  nclaims;
};

X509	*x509ca_root_new(EVP_PKEY *, time_t, char *, size_t);
/* Intermediate: subject key = mesh key, signed by (root cert, root key). */
X509	*x509ca_intermediate_new(EVP_PKEY *, X509 *, EVP_PKEY *, time_t,
	    char *, size_t);
X509	*x509ca_mesh_new(EVP_PKEY *, time_t, char *, size_t);
/* Workload leaf signed by (mesh CA cert, mesh CA key). */
X509	*x509ca_leaf_new(const struct x509ca_leaf *, X509 *, EVP_PKEY *,
	    time_t, char *, size_t);
/*
 * The same leaf straight to PEM (*pem malloc'd, NUL-terminated): what the
 * CA process sends, without decoding the workload key back (OpenSSL 3's
 * key decoder costs about a third of a P-384 signature).
 */
int	 x509ca_leaf_pem(const struct x509ca_leaf *, X509 *, EVP_PKEY *,
	    time_t, char **, size_t *, char *, size_t);

#endif
