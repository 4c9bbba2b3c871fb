/*
 * The simulated AMD-SP: load a sim dir and issue SNP v3 reports signed
 * by its VCEK.  The layout written here is attestation.md §1.1; every
 * field a real Milan launch sets is set.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "certtable.h"
#include "sim.h"
#include "util.h"

#define SIM_FILE_MAX	(64 * 1024)	/* any file of a sim dir */

struct sim {
	EVP_PKEY	*vcek_key;
	uint8_t		*ark_der, *ask_der, *vcek_der;
	size_t		 ark_len, ask_len, vcek_len;
	uint8_t		 ark_sha256[32];
	uint8_t		 chip_id[SIM_CHIP_ID_LEN];
	uint8_t		 measurement[SIM_MEASUREMENT_LEN];
	uint8_t		 tcb[8];	/* Milan layout */
	uint8_t		 fw[3];		/* build, minor, major */
	uint8_t		*auxblob;
	size_t		 auxlen;
};

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static void
put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static int
sim_read(const char *dir, const char *name, uint8_t **buf, size_t *len,
    char *err, size_t errlen)
{
	char	 path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	return file_read(path, SIM_FILE_MAX, buf, len, err, errlen);
}

/* A PEM certificate file → its DER. */
static int
sim_load_cert(const char *dir, const char *name, uint8_t **der,
    size_t *derlen, X509 **xp, char *err, size_t errlen)
{
	uint8_t		*buf, *p = NULL;
	size_t		 len;
	BIO		*bio;
	X509		*x = NULL;
	int		 n;

	if (sim_read(dir, name, &buf, &len, err, errlen) == -1)
		return -1;
	if ((bio = BIO_new_mem_buf(buf, (int)len)) != NULL)
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	free(buf);
	if (x == NULL || (n = i2d_X509(x, &p)) <= 0) {
		snprintf(err, errlen, "%s/%s: not a PEM certificate", dir,
		    name);
		X509_free(x);
		ERR_clear_error();
		return -1;
	}
	*der = p;
	*derlen = (size_t)n;
	if (xp != NULL)
		*xp = x;
	else
		X509_free(x);
	return 0;
}

static int
sim_json_u8(json_t *obj, const char *key, uint8_t *out)
{
	json_t		*v = json_object_get(obj, key);
	json_int_t	 i;

	if (!json_is_integer(v))
		return -1;
	i = json_integer_value(v);
	if (i < 0 || i > 255)
		return -1;
	*out = (uint8_t)i;
	return 0;
}

static int
sim_json_hex(json_t *obj, const char *key, uint8_t *out, size_t len)
{
	json_t	*v = json_object_get(obj, key);

	if (!json_is_string(v))
		return -1;
	return hex_decode(json_string_value(v), json_string_length(v), out,
	    len);
}

static int
sim_load_state(struct sim *s, const char *dir, char *err, size_t errlen)
{
	uint8_t		*buf;
	size_t		 len;
	json_t		*j, *tcb, *fw;
	json_error_t	 jerr;
	int		 rv = -1;

	if (sim_read(dir, "sim.json", &buf, &len, err, errlen) == -1)
		return -1;
	j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (j == NULL) {
		snprintf(err, errlen, "%s/sim.json: line %d: %s", dir,
		    jerr.line, jerr.text);
		return -1;
	}
	tcb = json_object_get(j, "ReportedTCB");
	fw = json_object_get(j, "Firmware");
	if (!json_is_integer(json_object_get(j, "Version")) ||
	    json_integer_value(json_object_get(j, "Version")) != 1) {
		snprintf(err, errlen, "%s/sim.json: Version: want 1", dir);
		goto out;
	}
	if (!json_is_string(json_object_get(j, "Product")) ||
	    strcmp(json_string_value(json_object_get(j, "Product")),
	    SIM_PRODUCT_NAME) != 0) {
		snprintf(err, errlen, "%s/sim.json: Product: want %s", dir,
		    SIM_PRODUCT_NAME);
		goto out;
	}
	if (sim_json_hex(j, "ChipID", s->chip_id, SIM_CHIP_ID_LEN) == -1 ||
	    sim_json_hex(j, "Measurement", s->measurement,
	    SIM_MEASUREMENT_LEN) == -1) {
		snprintf(err, errlen, "%s/sim.json: ChipID (64 bytes) or "
		    "Measurement (48 bytes) is not hex of the right length",
		    dir);
		goto out;
	}
	/* Milan TCB_VERSION: bl, tee, 4 reserved, snp, microcode. */
	memset(s->tcb, 0, sizeof(s->tcb));
	if (!json_is_object(tcb) || !json_is_object(fw) ||
	    sim_json_u8(tcb, "BootloaderVersion", &s->tcb[0]) == -1 ||
	    sim_json_u8(tcb, "TEEVersion", &s->tcb[1]) == -1 ||
	    sim_json_u8(tcb, "SNPVersion", &s->tcb[6]) == -1 ||
	    sim_json_u8(tcb, "MicrocodeVersion", &s->tcb[7]) == -1 ||
	    sim_json_u8(fw, "Build", &s->fw[0]) == -1 ||
	    sim_json_u8(fw, "Minor", &s->fw[1]) == -1 ||
	    sim_json_u8(fw, "Major", &s->fw[2]) == -1) {
		snprintf(err, errlen, "%s/sim.json: ReportedTCB or Firmware: "
		    "want integers 0..255", dir);
		goto out;
	}
	rv = 0;
 out:
	json_decref(j);
	return rv;
}

static int
sim_load_key(struct sim *s, const char *dir, X509 *vcek, char *err,
    size_t errlen)
{
	uint8_t	*buf;
	size_t	 len;
	BIO	*bio;

	if (sim_read(dir, "vcek.key", &buf, &len, err, errlen) == -1)
		return -1;
	if ((bio = BIO_new_mem_buf(buf, (int)len)) != NULL)
		s->vcek_key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	freezero_buf(buf, len);
	ERR_clear_error();
	if (s->vcek_key == NULL ||
	    EVP_PKEY_get_base_id(s->vcek_key) != EVP_PKEY_EC) {
		snprintf(err, errlen, "%s/vcek.key: not a PEM EC private key",
		    dir);
		return -1;
	}
	if (EVP_PKEY_eq(s->vcek_key, X509_get0_pubkey(vcek)) != 1) {
		snprintf(err, errlen, "%s/vcek.key does not match vcek.pem",
		    dir);
		return -1;
	}
	return 0;
}

int
sim_open(const char *dir, struct sim **sp, char *err, size_t errlen)
{
	struct certtable_entry	 e[3];
	struct sim		*s;
	X509			*vcek = NULL;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "sim: out of memory");
		return -1;
	}
	if (sim_load_state(s, dir, err, errlen) == -1 ||
	    sim_load_cert(dir, "ark.pem", &s->ark_der, &s->ark_len, NULL,
	    err, errlen) == -1 ||
	    sim_load_cert(dir, "ask.pem", &s->ask_der, &s->ask_len, NULL,
	    err, errlen) == -1 ||
	    sim_load_cert(dir, "vcek.pem", &s->vcek_der, &s->vcek_len, &vcek,
	    err, errlen) == -1 ||
	    sim_load_key(s, dir, vcek, err, errlen) == -1)
		goto fail;
	if (EVP_Digest(s->ark_der, s->ark_len, s->ark_sha256, NULL,
	    EVP_sha256(), NULL) != 1) {
		snprintf(err, errlen, "sim: SHA-256 failed");
		goto fail;
	}
	memset(e, 0, sizeof(e));
	memcpy(e[0].guid, certtable_guid_vcek, CERTTABLE_GUID_LEN);
	e[0].data = s->vcek_der;
	e[0].len = s->vcek_len;
	memcpy(e[1].guid, certtable_guid_ask, CERTTABLE_GUID_LEN);
	e[1].data = s->ask_der;
	e[1].len = s->ask_len;
	memcpy(e[2].guid, certtable_guid_ark, CERTTABLE_GUID_LEN);
	e[2].data = s->ark_der;
	e[2].len = s->ark_len;
	if (certtable_build(e, 3, &s->auxblob, &s->auxlen, err, errlen) == -1)
		goto fail;
	X509_free(vcek);
	*sp = s;
	return 0;
 fail:
	X509_free(vcek);
	sim_close(s);
	return -1;
}

void
sim_close(struct sim *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->vcek_key);
	OPENSSL_free(s->ark_der);
	OPENSSL_free(s->ask_der);
	OPENSSL_free(s->vcek_der);
	free(s->auxblob);
	free(s);
}

void
sim_set_measurement(struct sim *s, const uint8_t m[SIM_MEASUREMENT_LEN])
{
	memcpy(s->measurement, m, SIM_MEASUREMENT_LEN);
}

void
sim_get_measurement(const struct sim *s, uint8_t m[SIM_MEASUREMENT_LEN])
{
	memcpy(m, s->measurement, SIM_MEASUREMENT_LEN);
}

const uint8_t *
sim_ark_der(const struct sim *s, size_t *len)
{
	*len = s->ark_len;
	return s->ark_der;
}

void
sim_ark_sha256(const struct sim *s, uint8_t out[32])
{
	memcpy(out, s->ark_sha256, 32);
}

const uint8_t *
sim_ask_der(const struct sim *s, size_t *len)
{
	*len = s->ask_len;
	return s->ask_der;
}

const uint8_t *
sim_vcek_der(const struct sim *s, size_t *len)
{
	*len = s->vcek_len;
	return s->vcek_der;
}

/* ECDSA P-384 over SHA-384 of [0, 0x2A0); r and s little-endian. */
static int
sim_sign(struct sim *s, uint8_t *r, char *err, size_t errlen)
{
	EVP_MD_CTX		*ctx;
	ECDSA_SIG		*sig = NULL;
	const BIGNUM		*br, *bs;
	const unsigned char	*p;
	unsigned char		 der[160];
	size_t			 derlen = sizeof(der);
	int			 rv = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL,
	    s->vcek_key) != 1 ||
	    EVP_DigestSign(ctx, der, &derlen, r, 0x2a0) != 1)
		goto out;
	p = der;
	if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL)
		goto out;
	ECDSA_SIG_get0(sig, &br, &bs);
	if (BN_bn2lebinpad(br, r + 0x2a0, 72) != 72 ||
	    BN_bn2lebinpad(bs, r + 0x2e8, 72) != 72)
		goto out;
	rv = 0;
 out:
	if (rv == -1)
		snprintf(err, errlen, "sim: signing the report failed");
	ERR_clear_error();
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(ctx);
	return rv;
}

int
sim_issue_report(struct sim *s, const uint8_t hostdata[SIM_HOSTDATA_LEN],
    const uint8_t report_data[SIM_REPORT_DATA_LEN],
    uint8_t r[SIM_REPORT_LEN], uint8_t **auxp, size_t *auxlenp, char *err,
    size_t errlen)
{
	memset(r, 0, SIM_REPORT_LEN);
	put_le32(r + 0x000, SIM_REPORT_VERSION);
	put_le32(r + 0x004, 0);			/* GUEST_SVN */
	put_le64(r + 0x008, SIM_GUEST_POLICY);
	/* FAMILY_ID, IMAGE_ID: no ID block. */
	put_le32(r + 0x030, 0);			/* VMPL 0 */
	put_le32(r + 0x034, 1);			/* ECDSA P-384 SHA-384 */
	memcpy(r + 0x038, s->tcb, 8);		/* CURRENT_TCB */
	put_le64(r + 0x040, SIM_PLATFORM_INFO);
	put_le32(r + 0x048, 0);			/* signed by the VCEK */
	memcpy(r + 0x050, report_data, SIM_REPORT_DATA_LEN);
	memcpy(r + 0x090, s->measurement, SIM_MEASUREMENT_LEN);
	memcpy(r + 0x0c0, hostdata, SIM_HOSTDATA_LEN);
	if (RAND_bytes(r + 0x140, 32) != 1) {	/* REPORT_ID */
		snprintf(err, errlen, "sim: no randomness for REPORT_ID");
		return -1;
	}
	memset(r + 0x160, 0xff, 32);		/* no migration agent */
	memcpy(r + 0x180, s->tcb, 8);		/* REPORTED_TCB */
	r[0x188] = SIM_CPUID_FAMILY;
	r[0x189] = SIM_CPUID_MODEL;
	r[0x18a] = SIM_CPUID_STEPPING;
	memcpy(r + 0x1a0, s->chip_id, SIM_CHIP_ID_LEN);
	memcpy(r + 0x1e0, s->tcb, 8);		/* COMMITTED_TCB */
	/* CURRENT_BUILD/MINOR/MAJOR, then COMMITTED_*. */
	memcpy(r + 0x1e8, s->fw, 3);
	memcpy(r + 0x1ec, s->fw, 3);
	memcpy(r + 0x1f0, s->tcb, 8);		/* LAUNCH_TCB */
	if (sim_sign(s, r, err, errlen) == -1)
		return -1;
	if (auxp != NULL) {
		if ((*auxp = malloc(s->auxlen)) == NULL) {
			snprintf(err, errlen, "sim: out of memory");
			return -1;
		}
		memcpy(*auxp, s->auxblob, s->auxlen);
		*auxlenp = s->auxlen;
	}
	return 0;
}
