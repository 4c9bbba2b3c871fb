/*
 * `contrast sim init': create a simulated AMD chain (ARK → ASK → VCEK),
 * a chip id, and the reference values that pin them.  The certificates
 * copy the shape of AMD's (attestation.md §1.5, §1.6) so the SNP
 * verifier runs its ordinary checks on them; the organisation name says
 * "Insecure Simulated" so nobody mistakes one for AMD's.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sim.h"
#include "util.h"

#define SIM_ORG		"Insecure Simulated Advanced Micro Devices"
#define SIM_DAY		(24L * 60 * 60)
#define SIM_MEAS_DOMAIN	"contrast-sim-image-v1:"

/* One file of the sim dir, built in memory before anything is written. */
struct sim_file {
	const char	*name;
	char		*data;
	size_t		 len;
	int		 mode;
	int		 secret;	/* zero before free */
};

enum {
	SF_ARK_PEM, SF_ASK_PEM, SF_VCEK_PEM, SF_VCEK_DER, SF_CHAIN,
	SF_ARK_KEY, SF_ASK_KEY, SF_VCEK_KEY, SF_STATE, SF_REFVALS, SF_COUNT
};

const char *
sim_default_dir(void)
{
	const char	*d = getenv(SIM_DIR_ENV);

	return d != NULL && *d != '\0' ? d : SIM_DEFAULT_DIR;
}

void
sim_image_measurement_bytes(const uint8_t *img, size_t len,
    uint8_t out[SIM_MEASUREMENT_LEN])
{
	EVP_MD_CTX	*ctx;

	/* Only fails on allocation: fail closed with a measurement of 0xff. */
	memset(out, 0xff, SIM_MEASUREMENT_LEN);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return;
	if (EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, SIM_MEAS_DOMAIN,
	    sizeof(SIM_MEAS_DOMAIN) - 1) != 1 ||
	    EVP_DigestUpdate(ctx, img, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		memset(out, 0xff, SIM_MEASUREMENT_LEN);
	EVP_MD_CTX_free(ctx);
}

void
sim_image_measurement(const char *name, uint8_t out[SIM_MEASUREMENT_LEN])
{
	sim_image_measurement_bytes((const uint8_t *)name, strlen(name), out);
}

static void
sim_ossl_err(char *err, size_t errlen, const char *what)
{
	char	 w[128];

	snprintf(w, sizeof(w), "sim init: %s", what);
	ossl_error(err, errlen, w);
}

static X509_NAME *
sim_name(const char *cn)
{
	X509_NAME	*n;

	if ((n = X509_NAME_new()) == NULL)
		return NULL;
	/* AMD's field order: OU, C, L, ST, O, CN. */
	if (!X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_ASC,
	    (const unsigned char *)"Engineering", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC,
	    (const unsigned char *)"US", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "L", MBSTRING_ASC,
	    (const unsigned char *)"Santa Clara", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "ST", MBSTRING_ASC,
	    (const unsigned char *)"CA", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)SIM_ORG, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0)) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

static int
sim_add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 rv;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	rv = X509_add_ext(x, ext, -1) ? 0 : -1;
	X509_EXTENSION_free(ext);
	return rv;
}

/* An AMD extension whose OCTET STRING holds der (len bytes) verbatim. */
static int
sim_add_amd_ext(X509 *x, const char *oid, const uint8_t *der, size_t len)
{
	ASN1_OBJECT		*obj;
	ASN1_OCTET_STRING	*os = NULL;
	X509_EXTENSION		*ext = NULL;
	int			 rv = -1;

	if ((obj = OBJ_txt2obj(oid, 1)) == NULL)
		return -1;
	if ((os = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(os, der, (int)len))
		goto out;
	if ((ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) == NULL)
		goto out;
	if (X509_add_ext(x, ext, -1))
		rv = 0;
 out:
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	return rv;
}

static int
sim_add_amd_int(X509 *x, const char *oid, long v)
{
	ASN1_INTEGER	*ai;
	unsigned char	*der = NULL;
	int		 len, rv = -1;

	if ((ai = ASN1_INTEGER_new()) == NULL || !ASN1_INTEGER_set(ai, v))
		goto out;
	if ((len = i2d_ASN1_INTEGER(ai, &der)) <= 0)
		goto out;
	rv = sim_add_amd_ext(x, oid, der, (size_t)len);
 out:
	OPENSSL_free(der);
	ASN1_INTEGER_free(ai);
	return rv;
}

static int
sim_add_amd_ia5(X509 *x, const char *oid, const char *s)
{
	ASN1_IA5STRING	*ia5;
	unsigned char	*der = NULL;
	int		 len, rv = -1;

	if ((ia5 = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(ia5, s, -1))
		goto out;
	if ((len = i2d_ASN1_IA5STRING(ia5, &der)) <= 0)
		goto out;
	rv = sim_add_amd_ext(x, oid, der, (size_t)len);
 out:
	OPENSSL_free(der);
	ASN1_IA5STRING_free(ia5);
	return rv;
}

/* RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48: what AMD's ARK/ASK use. */
static int
sim_sign_pss(X509 *x, EVP_PKEY *key)
{
	EVP_MD_CTX	*mctx;
	EVP_PKEY_CTX	*pctx = NULL;
	int		 rv = -1;

	if ((mctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestSignInit(mctx, &pctx, EVP_sha384(), NULL, key) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()) <= 0)
		goto out;
	if (X509_sign_ctx(x, mctx) > 0)
		rv = 0;
 out:
	EVP_MD_CTX_free(mctx);
	return rv;
}

static int
sim_random_serial(X509 *x)
{
	uint8_t		 r[16];
	BIGNUM		*bn;
	int		 rv = -1;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	r[0] &= 0x7f;	/* positive */
	r[0] |= 0x40;	/* and exactly 16 bytes long */
	if ((bn = BN_bin2bn(r, sizeof(r), NULL)) == NULL)
		return -1;
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL)
		rv = 0;
	BN_free(bn);
	return rv;
}

/*
 * An unsigned certificate for key, named as issued by issuer (self-issued
 * when NULL), valid from a day ago for `years'.
 */
static X509 *
sim_cert_new(const char *cn, EVP_PKEY *key, X509 *issuer, int years,
    int zero_serial)
{
	X509		*x;
	X509_NAME	*name = NULL;

	if ((x = X509_new()) == NULL)
		return NULL;
	if (!X509_set_version(x, 2))
		goto fail;
	if (zero_serial) {
		if (!ASN1_INTEGER_set(X509_get_serialNumber(x), 0))
			goto fail;
	} else if (sim_random_serial(x) == -1)
		goto fail;
	if ((name = sim_name(cn)) == NULL || !X509_set_subject_name(x, name))
		goto fail;
	if (!X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name))
		goto fail;
	if (X509_time_adj_ex(X509_getm_notBefore(x), -1, 0, NULL) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), 365 * years + years / 4,
	    0, NULL) == NULL)
		goto fail;
	if (!X509_set_pubkey(x, key))
		goto fail;
	X509_NAME_free(name);
	return x;
 fail:
	X509_NAME_free(name);
	X509_free(x);
	return NULL;
}

static X509 *
sim_make_ark(EVP_PKEY *key)
{
	X509	*x;

	x = sim_cert_new("ARK-" SIM_PRODUCT_NAME, key, NULL, 25, 0);
	if (x == NULL)
		return NULL;
	if (sim_add_ext(x, x, NID_key_usage,
	    "critical,keyCertSign,cRLSign") == -1 ||
	    sim_add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") ==
	    -1 ||
	    sim_add_ext(x, x, NID_subject_key_identifier, "hash") == -1 ||
	    sim_sign_pss(x, key) == -1) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static X509 *
sim_make_ask(EVP_PKEY *key, X509 *ark, EVP_PKEY *ark_key)
{
	X509	*x;

	x = sim_cert_new("SEV-" SIM_PRODUCT_NAME, key, ark, 25, 0);
	if (x == NULL)
		return NULL;
	if (sim_add_ext(x, ark, NID_key_usage,
	    "critical,keyCertSign,cRLSign") == -1 ||
	    sim_add_ext(x, ark, NID_basic_constraints,
	    "critical,CA:TRUE,pathlen:0") == -1 ||
	    sim_add_ext(x, ark, NID_subject_key_identifier, "hash") == -1 ||
	    sim_add_ext(x, ark, NID_authority_key_identifier,
	    "keyid:always") == -1 ||
	    sim_sign_pss(x, ark_key) == -1) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/*
 * The VCEK: serial 0, no AKID, key usage or basic constraints; only the
 * AMD extensions (1.3.6.1.4.1.3704.1.*), the SPLs equal to the TCB the
 * sim reports and hwID = CHIP_ID as raw bytes, as in AMD's VCEKs.
 */
static X509 *
sim_make_vcek(EVP_PKEY *key, X509 *ask, EVP_PKEY *ask_key,
    const uint8_t chip_id[SIM_CHIP_ID_LEN])
{
	X509	*x;

	if ((x = sim_cert_new("SEV-VCEK", key, ask, 7, 1)) == NULL)
		return NULL;
	if (sim_add_amd_int(x, "1.3.6.1.4.1.3704.1.1", 0) == -1 ||
	    sim_add_amd_ia5(x, "1.3.6.1.4.1.3704.1.2", SIM_PRODUCT_NAME) ==
	    -1 ||
	    sim_add_amd_int(x, "1.3.6.1.4.1.3704.1.3.1",
	    SIM_TCB_BOOTLOADER) == -1 ||
	    sim_add_amd_int(x, "1.3.6.1.4.1.3704.1.3.2", SIM_TCB_TEE) == -1 ||
	    sim_add_amd_int(x, "1.3.6.1.4.1.3704.1.3.3", SIM_TCB_SNP) == -1 ||
	    sim_add_amd_int(x, "1.3.6.1.4.1.3704.1.3.4", 0) == -1 ||
	    sim_add_amd_int(x, "1.3.6.1.4.1.3704.1.3.5", 0) == -1 ||
	    sim_add_amd_int(x, "1.3.6.1.4.1.3704.1.3.6", 0) == -1 ||
	    sim_add_amd_int(x, "1.3.6.1.4.1.3704.1.3.7", 0) == -1 ||
	    sim_add_amd_int(x, "1.3.6.1.4.1.3704.1.3.8",
	    SIM_TCB_MICROCODE) == -1 ||
	    sim_add_amd_ext(x, "1.3.6.1.4.1.3704.1.4", chip_id,
	    SIM_CHIP_ID_LEN) == -1 ||
	    sim_sign_pss(x, ask_key) == -1) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* PEM text of a certificate or private key into f (malloc'd). */
static int
sim_pem(struct sim_file *f, X509 *x, EVP_PKEY *key)
{
	BIO	*bio;
	BUF_MEM	*mem;
	int	 rv = -1;

	if ((bio = BIO_new(BIO_s_secmem())) == NULL)
		return -1;
	if (x != NULL ? !PEM_write_bio_X509(bio, x) :
	    !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL))
		goto out;
	BIO_get_mem_ptr(bio, &mem);
	if ((f->data = malloc(mem->length + 1)) == NULL)
		goto out;
	memcpy(f->data, mem->data, mem->length);
	f->len = mem->length;
	f->data[f->len] = '\0';
	rv = 0;
 out:
	BIO_free(bio);	/* secmem BIO: cleansed on free */
	return rv;
}

static int
sim_der(struct sim_file *f, X509 *x)
{
	unsigned char	*der = NULL;
	int		 len;

	if ((len = i2d_X509(x, &der)) <= 0)
		return -1;
	if ((f->data = malloc((size_t)len)) == NULL) {
		OPENSSL_free(der);
		return -1;
	}
	memcpy(f->data, der, (size_t)len);
	f->len = (size_t)len;
	OPENSSL_free(der);
	return 0;
}

static int
sim_json_file(struct sim_file *f, json_t *j)
{
	char	*s;
	size_t	 n;

	if (j == NULL)
		return -1;
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s == NULL)
		return -1;
	n = strlen(s);
	if ((f->data = malloc(n + 2)) == NULL) {
		free(s);
		return -1;
	}
	memcpy(f->data, s, n);
	f->data[n] = '\n';
	f->data[n + 1] = '\0';
	f->len = n + 1;
	free(s);
	return 0;
}

static json_t *
sim_tcb_json(void)
{
	return json_pack("{s:i, s:i, s:i, s:i}",
	    "BootloaderVersion", SIM_TCB_BOOTLOADER,
	    "TEEVersion", SIM_TCB_TEE,
	    "SNPVersion", SIM_TCB_SNP,
	    "MicrocodeVersion", SIM_TCB_MICROCODE);
}

static json_t *
sim_state_json(const uint8_t chip_id[SIM_CHIP_ID_LEN], const char *image,
    const uint8_t meas[SIM_MEASUREMENT_LEN])
{
	char	 chip_hex[2 * SIM_CHIP_ID_LEN + 1];
	char	 meas_hex[2 * SIM_MEASUREMENT_LEN + 1];

	hex_encode(chip_id, SIM_CHIP_ID_LEN, chip_hex);
	hex_encode(meas, SIM_MEASUREMENT_LEN, meas_hex);
	return json_pack("{s:i, s:s, s:s, s:o, s:{s:i, s:i, s:i}, s:s, s:s}",
	    "Version", 1,
	    "Product", SIM_PRODUCT_NAME,
	    "ChipID", chip_hex,
	    "ReportedTCB", sim_tcb_json(),
	    "Firmware", "Major", SIM_FW_MAJOR, "Minor", SIM_FW_MINOR,
	    "Build", SIM_FW_BUILD,
	    "Image", image,
	    "Measurement", meas_hex);
}

/*
 * The manifest ReferenceValues object: one Sim-SNP entry with the
 * measurement, the minimum TCB (what the sim reports), the guest policy
 * and platform info it launches with, and the ARK pin.
 */
static json_t *
sim_refvals_json(const uint8_t meas[SIM_MEASUREMENT_LEN],
    const uint8_t ark_sha256[32])
{
	char	 meas_hex[2 * SIM_MEASUREMENT_LEN + 1], ark_hex[65];
	json_t	*entry;

	hex_encode(meas, SIM_MEASUREMENT_LEN, meas_hex);
	hex_encode(ark_sha256, 32, ark_hex);
	entry = json_pack("{s:s, s:s, s:s, s:o, "
	    "s:{s:i, s:i, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}, "
	    "s:{s:b, s:b, s:b, s:b, s:b, s:b, s:b}, s:s}",
	    "Platform", SIM_PLATFORM_NAME,
	    "ProductName", SIM_PRODUCT_NAME,
	    "TrustedMeasurement", meas_hex,
	    "MinimumTCB", sim_tcb_json(),
	    "GuestPolicy",
	    "ABIMinor", (int)(SIM_GUEST_POLICY & 0xff),
	    "ABIMajor", (int)((SIM_GUEST_POLICY >> 8) & 0xff),
	    "SMT", (int)((SIM_GUEST_POLICY >> 16) & 1),
	    "MigrateMA", 0, "Debug", 0, "SingleSocket", 0, "CXLAllowed", 0,
	    "MemAES256XTS", 0, "RAPLDis", 0, "CipherTextHidingDRAM", 0,
	    "PlatformInfo",
	    "SMTEnabled", (int)(SIM_PLATFORM_INFO & 1),
	    "TSMEEnabled", (int)((SIM_PLATFORM_INFO >> 1) & 1),
	    "ECCEnabled", (int)((SIM_PLATFORM_INFO >> 2) & 1),
	    "RAPLDisabled", (int)((SIM_PLATFORM_INFO >> 3) & 1),
	    "CiphertextHidingDRAMEnabled", (int)((SIM_PLATFORM_INFO >> 4) & 1),
	    "AliasCheckComplete", (int)((SIM_PLATFORM_INFO >> 5) & 1),
	    "TIOEnabled", (int)((SIM_PLATFORM_INFO >> 7) & 1),
	    "SimulatedARKDigest", ark_hex);
	if (entry == NULL)
		return NULL;
	return json_pack("{s:[o]}", "snp", entry);
}

/* Build every file of a sim dir in memory. */
static int
sim_build_files(const struct sim_init_opts *o, struct sim_file *f,
    char *err, size_t errlen)
{
	EVP_PKEY	*ark_key = NULL, *ask_key = NULL, *vcek_key = NULL;
	X509		*ark = NULL, *ask = NULL, *vcek = NULL;
	uint8_t		 chip_id[SIM_CHIP_ID_LEN];
	uint8_t		 meas[SIM_MEASUREMENT_LEN];
	uint8_t		 ark_sha[32];
	unsigned int	 shalen = sizeof(ark_sha);
	const char	*image = o->image_name ? o->image_name :
			    SIM_DEFAULT_IMAGE;
	struct sim_file	 chain[2];
	int		 rv = -1;

	memset(chain, 0, sizeof(chain));
	if (o->image != NULL)
		sim_image_measurement_bytes(o->image, o->image_len, meas);
	else
		sim_image_measurement(image, meas);
	if (RAND_bytes(chip_id, sizeof(chip_id)) != 1) {
		sim_ossl_err(err, errlen, "chip id");
		goto out;
	}
	if ((ark_key = EVP_RSA_gen(4096)) == NULL ||
	    (ask_key = EVP_RSA_gen(4096)) == NULL ||
	    (vcek_key = EVP_EC_gen("P-384")) == NULL) {
		sim_ossl_err(err, errlen, "key generation");
		goto out;
	}
	if ((ark = sim_make_ark(ark_key)) == NULL ||
	    (ask = sim_make_ask(ask_key, ark, ark_key)) == NULL ||
	    (vcek = sim_make_vcek(vcek_key, ask, ask_key, chip_id)) == NULL) {
		sim_ossl_err(err, errlen, "certificate");
		goto out;
	}
	if (!X509_digest(ark, EVP_sha256(), ark_sha, &shalen)) {
		sim_ossl_err(err, errlen, "ARK digest");
		goto out;
	}
	if (sim_pem(&f[SF_ARK_PEM], ark, NULL) == -1 ||
	    sim_pem(&f[SF_ASK_PEM], ask, NULL) == -1 ||
	    sim_pem(&f[SF_VCEK_PEM], vcek, NULL) == -1 ||
	    sim_der(&f[SF_VCEK_DER], vcek) == -1 ||
	    sim_pem(&f[SF_ARK_KEY], NULL, ark_key) == -1 ||
	    sim_pem(&f[SF_ASK_KEY], NULL, ask_key) == -1 ||
	    sim_pem(&f[SF_VCEK_KEY], NULL, vcek_key) == -1) {
		sim_ossl_err(err, errlen, "PEM encoding");
		goto out;
	}
	/* KDS cert_chain order: ASK first, then ARK. */
	f[SF_CHAIN].len = f[SF_ASK_PEM].len + f[SF_ARK_PEM].len;
	if ((f[SF_CHAIN].data = malloc(f[SF_CHAIN].len + 1)) == NULL) {
		snprintf(err, errlen, "sim init: out of memory");
		goto out;
	}
	memcpy(f[SF_CHAIN].data, f[SF_ASK_PEM].data, f[SF_ASK_PEM].len);
	memcpy(f[SF_CHAIN].data + f[SF_ASK_PEM].len, f[SF_ARK_PEM].data,
	    f[SF_ARK_PEM].len + 1);
	if (sim_json_file(&f[SF_STATE], sim_state_json(chip_id, image,
	    meas)) == -1 ||
	    sim_json_file(&f[SF_REFVALS], sim_refvals_json(meas,
	    ark_sha)) == -1) {
		snprintf(err, errlen, "sim init: JSON encoding failed");
		goto out;
	}
	rv = 0;
 out:
	X509_free(ark);
	X509_free(ask);
	X509_free(vcek);
	EVP_PKEY_free(ark_key);
	EVP_PKEY_free(ask_key);
	EVP_PKEY_free(vcek_key);
	return rv;
}

static void
sim_files_free(struct sim_file *f)
{
	int	 i;

	for (i = 0; i < SF_COUNT; i++) {
		if (f[i].data == NULL)
			continue;
		if (f[i].secret)
			freezero_buf(f[i].data, f[i].len);
		else
			free(f[i].data);
		f[i].data = NULL;
	}
}

/* 1 if path is a directory with entries, 0 if absent or empty, -1 else. */
static int
sim_dir_state(const char *path, char *err, size_t errlen)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	int		 nonempty = 0;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a directory",
		    path);
		return -1;
	}
	if ((d = opendir(path)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			nonempty = 1;
			break;
		}
	closedir(d);
	return nonempty;
}

/* Remove the plain files of a directory and the directory itself. */
static int
sim_rmdir_files(const char *path)
{
	struct dirent	*de;
	DIR		*d;
	int		 fd, rv = 0;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/* Never recurse: a subdirectory is not ours to delete. */
		if (unlinkat(fd, de->d_name, 0) == -1)
			rv = -1;
	}
	closedir(d);
	if (rmdir(path) == -1)
		rv = -1;
	return rv;
}

static int
sim_fsync_path(const char *path)
{
	int	 fd, rv;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rv = fsync(fd);
	close(fd);
	return rv;
}

int
sim_init(const char *dir, const struct sim_init_opts *opts, char *err,
    size_t errlen)
{
	static const char	*names[SF_COUNT] = {
		"ark.pem", "ask.pem", "vcek.pem", "vcek.der",
		"cert_chain.pem", "ark.key", "ask.key", "vcek.key",
		"sim.json", "reference-values.json"
	};
	struct sim_init_opts	 defopts;
	struct sim_file		 f[SF_COUNT];
	char			 path[PATH_MAX], tmp[PATH_MAX];
	char			 parent[PATH_MAX], *slash;
	size_t			 dlen;
	int			 i, state, rv = -1, have_tmp = 0;

	memset(f, 0, sizeof(f));
	memset(&defopts, 0, sizeof(defopts));
	if (opts == NULL)
		opts = &defopts;
	/* Trailing slashes would put the temp dir inside the target. */
	dlen = strlen(dir);
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	if (dlen == 0 || dlen >= sizeof(path) - 16) {
		snprintf(err, errlen, "sim init: bad directory name '%s'", dir);
		return -1;
	}
	memcpy(path, dir, dlen);
	path[dlen] = '\0';
	if (opts->image_name != NULL && (*opts->image_name == '\0' ||
	    strlen(opts->image_name) > 256)) {
		snprintf(err, errlen, "sim init: image name must be 1..256 "
		    "characters");
		return -1;
	}
	if ((state = sim_dir_state(path, err, errlen)) == -1)
		return -1;
	if (state == 1 && !opts->force) {
		snprintf(err, errlen, "%s: exists and is not empty (use "
		    "--force to replace it)", path);
		return -1;
	}

	for (i = 0; i < SF_COUNT; i++) {
		f[i].name = names[i];
		f[i].mode = 0644;
	}
	f[SF_ARK_KEY].mode = f[SF_ASK_KEY].mode = f[SF_VCEK_KEY].mode = 0600;
	f[SF_ARK_KEY].secret = f[SF_ASK_KEY].secret =
	    f[SF_VCEK_KEY].secret = 1;
	if (sim_build_files(opts, f, err, errlen) == -1)
		goto out;

	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >=
	    (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		goto out;
	}
	if (mkdtemp(tmp) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	have_tmp = 1;
	for (i = 0; i < SF_COUNT; i++) {
		char	 fp[PATH_MAX];

		if (snprintf(fp, sizeof(fp), "%s/%s", tmp, f[i].name) >=
		    (int)sizeof(fp)) {
			snprintf(err, errlen, "%s: path too long", tmp);
			goto out;
		}
		if (file_write_atomic(fp, f[i].data, f[i].len, f[i].mode, err,
		    errlen) == -1)
			goto out;
	}
	if (sim_fsync_path(tmp) == -1) {
		snprintf(err, errlen, "%s: fsync: %s", tmp, strerror(errno));
		goto out;
	}
	if (state == 0) {
		/* rename(2) replaces an empty directory atomically. */
		if (rename(tmp, path) == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		have_tmp = 0;
	} else {
		/* --force: swap atomically, then remove the old files. */
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
		    RENAME_EXCHANGE) == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (sim_rmdir_files(tmp) == -1) {
			snprintf(err, errlen, "%s: the new sim dir is in "
			    "place, but the old one could not be removed "
			    "completely; it is left at %s", path, tmp);
			have_tmp = 0;
			goto out;
		}
		have_tmp = 0;
	}
	memcpy(parent, path, dlen + 1);
	if ((slash = strrchr(parent, '/')) == NULL)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if (sim_fsync_path(parent) == -1) {
		snprintf(err, errlen, "%s: fsync: %s", parent,
		    strerror(errno));
		goto out;
	}
	rv = 0;
 out:
	if (have_tmp)
		(void)sim_rmdir_files(tmp);
	sim_files_free(f);
	return rv;
}
