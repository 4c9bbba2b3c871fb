/*
 * Manifest parsing and validation (contrast.md section 1).
 *
 * One pass over the JSON does both jobs.  Syntax, type and shape problems
 * are hard errors: the manifest does not parse.  Upstream's validation
 * rules (Manifest.Validate) are evaluated in the same pass, in upstream's
 * order, and kept in m->issues for manifest_validate(); a manifest with
 * placeholder values therefore parses but does not validate.  Unknown
 * fields are hard errors: a field we do not understand might carry a
 * constraint we would silently fail to enforce.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "manifest.h"
#include "manifest_int.h"
#include "util.h"

/* Errors */

void
manifest_errors_init(struct manifest_errors *errs)
{
	memset(errs, 0, sizeof(*errs));
}

size_t
manifest_errors_count(const struct manifest_errors *errs)
{
	return errs->n + errs->n_dropped;
}

int
manifest_errors_only_missing(const struct manifest_errors *errs)
{
	return errs->n > 0 && errs->n_dropped == 0 &&
	    errs->n_missing == errs->n;
}

void
manifest_errors_add(struct manifest_errors *errs, const char *path,
    int missing, const char *fmt, ...)
{
	struct manifest_error	*e;
	va_list			 ap;

	if (errs->n == MANIFEST_MAX_ERRORS) {
		errs->n_dropped++;
		return;
	}
	e = &errs->e[errs->n++];
	snprintf(e->path, sizeof(e->path), "%s", path);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->expected_missing = missing;
	if (missing)
		errs->n_missing++;
}

static void
errors_append(struct manifest_errors *dst, const struct manifest_errors *src)
{
	size_t	 i;

	for (i = 0; i < src->n; i++)
		manifest_errors_add(dst, src->e[i].path,
		    src->e[i].expected_missing, "%s", src->e[i].msg);
	dst->n_dropped += src->n_dropped;
}

void
manifest_errors_format(const struct manifest_errors *errs, char *buf,
    size_t len)
{
	size_t	 i, off = 0;
	int	 w;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < errs->n && off < len; i++) {
		if (errs->e[i].path[0] != '\0')
			w = snprintf(buf + off, len - off, "%s%s: %s",
			    i ? "\n" : "", errs->e[i].path, errs->e[i].msg);
		else
			w = snprintf(buf + off, len - off, "%s%s",
			    i ? "\n" : "", errs->e[i].msg);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	if (errs->n_dropped > 0 && off < len)
		snprintf(buf + off, len - off, "\n(%zu more errors)",
		    errs->n_dropped);
}

/* Small helpers */

static const char *
json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:	return "object";
	case JSON_ARRAY:	return "array";
	case JSON_STRING:	return "string";
	case JSON_INTEGER:	return "integer";
	case JSON_REAL:		return "number";
	case JSON_TRUE:
	case JSON_FALSE:	return "boolean";
	default:		return "null";
	}
}

void
manifest_path(char *out, size_t len, const char *base, const char *fmt, ...)
{
	char	 tail[128];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(tail, sizeof(tail), fmt, ap);
	va_end(ap);
	if (base[0] == '\0')
		snprintf(out, len, "%s", tail);
	else if (tail[0] == '[')
		snprintf(out, len, "%s%s", base, tail);
	else
		snprintf(out, len, "%s.%s", base, tail);
}

/* Go's %q for short keys in paths: quote, escape ", \ and non-ASCII. */
static void
go_quote(char *out, size_t len, const char *s)
{
	size_t	 o = 0;

	if (len < 3)
		return;
	out[o++] = '"';
	for (; *s != '\0' && o + 6 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f)
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", c);
	}
	out[o++] = '"';
	out[o] = '\0';
}

/*
 * Decode hex like Go's hex.DecodeString and describe failures in its
 * words (error strings are part of what users grep for).
 */
int
manifest_hex_check(const char *s, size_t len, char *msg, size_t msglen)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isxdigit(c))
			continue;
		if (c >= 0x20 && c < 0x7f)
			snprintf(msg, msglen, "encoding/hex: invalid byte: "
			    "U+%04X '%c'", c, c);
		else
			snprintf(msg, msglen, "encoding/hex: invalid byte: "
			    "U+%04X", c);
		return -1;
	}
	if (len % 2 != 0) {
		snprintf(msg, msglen, "encoding/hex: odd length hex string");
		return -1;
	}
	return 0;
}

/* validateHexString: length first, then the digits. */
static int
hex_fixed(struct pctx *c, const char *path, const char *s, size_t len,
    uint8_t *out, size_t outlen, int missing_if_empty)
{
	char	 msg[96];

	if (len == 0 && missing_if_empty) {
		manifest_errors_add(c->soft, path, 1, "expected value missing");
		return -1;
	}
	if (len != outlen * 2) {
		manifest_errors_add(c->soft, path, 0,
		    "invalid length: %zu (expected %zu)", len, outlen * 2);
		return -1;
	}
	if (manifest_hex_check(s, len, msg, sizeof(msg)) == -1) {
		manifest_errors_add(c->soft, path, 0, "%s", msg);
		return -1;
	}
	if (hex_decode(s, len, out, outlen) == -1) {
		manifest_errors_add(c->soft, path, 0, "invalid hex");
		return -1;
	}
	return 0;
}

static void
hard_type(struct pctx *c, const char *path, const json_t *v, const char *want)
{
	manifest_errors_add(c->hard, path, 0, "expected %s, got %s", want,
	    json_type_name(v));
}

/* Reject members outside known (NULL-terminated). */
static void
check_unknown(struct pctx *c, const json_t *obj, const char *path,
    const char *const *known)
{
	const char	*k;
	json_t		*v;
	char		 p[MANIFEST_PATH_LEN];
	size_t		 i;

	json_object_foreach((json_t *)obj, k, v) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (known[i] == NULL) {
			manifest_path(p, sizeof(p), path, "%s", k);
			manifest_errors_add(c->hard, p, 0, "unknown field");
		}
	}
}

/*
 * Typed getters.  A missing member or JSON null gives the Go zero value
 * (json.Unmarshal leaves the field alone), reported as absent (0).
 * Returns 1 if present, 0 if absent/null, -1 on a type error (recorded).
 */
static int
get_string(struct pctx *c, const json_t *obj, const char *key,
    const char *path, const char **s, size_t *len)
{
	const json_t	*v = json_object_get(obj, key);
	char		 p[MANIFEST_PATH_LEN];

	*s = "";
	*len = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		manifest_path(p, sizeof(p), path, "%s", key);
		hard_type(c, p, v, "a string");
		return -1;
	}
	*s = json_string_value(v);
	*len = json_string_length(v);
	return 1;
}

static int
get_bool(struct pctx *c, const json_t *obj, const char *key, const char *path,
    int *b)
{
	const json_t	*v = json_object_get(obj, key);
	char		 p[MANIFEST_PATH_LEN];

	*b = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		manifest_path(p, sizeof(p), path, "%s", key);
		hard_type(c, p, v, "a boolean");
		return -1;
	}
	*b = json_is_true(v);
	return 1;
}

static int
get_uint(struct pctx *c, const json_t *obj, const char *key, const char *path,
    uint64_t max, uint64_t *u, const char *range_msg)
{
	const json_t	*v = json_object_get(obj, key);
	char		 p[MANIFEST_PATH_LEN];
	json_int_t	 i;

	*u = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	manifest_path(p, sizeof(p), path, "%s", key);
	if (!json_is_integer(v)) {
		hard_type(c, p, v, "an integer");
		return -1;
	}
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i > max) {
		manifest_errors_add(c->hard, p, 0, "%s", range_msg);
		return -1;
	}
	*u = (uint64_t)i;
	return 1;
}

/* An object member that must be an object (or absent/null). */
static const json_t *
get_object(struct pctx *c, const json_t *obj, const char *key,
    const char *path)
{
	const json_t	*v = json_object_get(obj, key);
	char		 p[MANIFEST_PATH_LEN];

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_object(v)) {
		manifest_path(p, sizeof(p), path, "%s", key);
		hard_type(c, p, v, "an object");
		return NULL;
	}
	return v;
}

/* An array of strings (or absent/null).  NULL if absent or bad. */
static const json_t *
get_string_array(struct pctx *c, const json_t *obj, const char *key,
    const char *path)
{
	const json_t	*v = json_object_get(obj, key);
	char		 p[MANIFEST_PATH_LEN];
	size_t		 i;

	if (v == NULL || json_is_null(v))
		return NULL;
	manifest_path(p, sizeof(p), path, "%s", key);
	if (!json_is_array(v)) {
		hard_type(c, p, v, "an array");
		return NULL;
	}
	for (i = 0; i < json_array_size(v); i++) {
		if (!json_is_string(json_array_get(v, i))) {
			char q[MANIFEST_PATH_LEN];

			manifest_path(q, sizeof(q), p, "[%zu]", i);
			hard_type(c, q, json_array_get(v, i), "a string");
			return NULL;
		}
	}
	return v;
}

static int
is_insecure_platform(const char *name)
{
	return strncasecmp(name, "sim-", 4) == 0;
}

/* Reference values */

static const char *const snp_fields[] = {
	"Platform", "ProductName", "TrustedMeasurement", "APEIP",
	"MinimumTCB", "GuestPolicy", "PlatformInfo",
	"MinimumMitigationVector", "AllowedChipIDs", "CPUs",
	"SimulatedARKDigest", NULL
};
static const char *const tcb_fields[] = {
	"BootloaderVersion", "TEEVersion", "SNPVersion", "MicrocodeVersion",
	"FMCVersion", NULL
};
static const char *const gp_fields[] = {
	"ABIMinor", "ABIMajor", "SMT", "MigrateMA", "Debug", "SingleSocket",
	"CXLAllowed", "MemAES256XTS", "RAPLDis", "CipherTextHidingDRAM",
	"PageSwapDisable", NULL
};
static const char *const pi_fields[] = {
	"SMTEnabled", "TSMEEnabled", "ECCEnabled", "RAPLDisabled",
	"CiphertextHidingDRAMEnabled", "AliasCheckComplete", "TIOEnabled", NULL
};
static const char *const tdx_fields[] = {
	"Platform", "MinTCBEvaluationDataNumber", "MrTd", "MrSeam", "Rtmrs",
	"Rtrms", "Xfam", "AllowedPIIDs", "MemoryIntegrity", "SMTDisabled",
	"StaticPlatform", "CPUs", NULL
};

/* MinimumTCB: each field a nullable uint8; null is "expected missing". */
static void
parse_tcb(struct pctx *c, const json_t *tcb, const char *path,
    enum snp_product prod, struct snp_tcb *out)
{
	static const char *const names[] = { "BootloaderVersion",
	    "TEEVersion", "SNPVersion", "MicrocodeVersion" };
	uint8_t		*dst[4];
	uint64_t	 u;
	char		 p[MANIFEST_PATH_LEN];
	size_t		 i;
	int		 r;

	dst[0] = &out->bootloader;
	dst[1] = &out->tee;
	dst[2] = &out->snp;
	dst[3] = &out->microcode;
	if (tcb != NULL)
		check_unknown(c, tcb, path, tcb_fields);
	for (i = 0; i < 4; i++) {
		r = tcb == NULL ? 0 : get_uint(c, tcb, names[i], path, 255, &u,
		    "value out of range for uint8");
		if (r == 0) {
			manifest_path(p, sizeof(p), path, "%s", names[i]);
			manifest_errors_add(c->soft, p, 1,
			    "expected value missing");
		}
		*dst[i] = (uint8_t)u;
	}
	/* Only Turin's TCB has an FMC field; elsewhere it must stay empty. */
	r = tcb == NULL ? 0 : get_uint(c, tcb, "FMCVersion", path, 255, &u,
	    "value out of range for uint8");
	manifest_path(p, sizeof(p), path, "FMCVersion");
	if (prod == SNP_PRODUCT_TURIN && r == 0)
		manifest_errors_add(c->soft, p, 1, "expected value missing");
	else if (prod != SNP_PRODUCT_TURIN && prod != SNP_PRODUCT_UNKNOWN &&
	    r == 1)
		manifest_errors_add(c->soft, p, 0,
		    "only Turin has an FMC version");
	out->fmc = (uint8_t)u;
}

static void
parse_guest_policy(struct pctx *c, const json_t *gp, const char *path,
    struct snp_guest_policy *out)
{
	static const char *const deny[] = { "MigrateMA", "Debug",
	    "SingleSocket", "CXLAllowed", "MemAES256XTS", "RAPLDis",
	    "CipherTextHidingDRAM" };
	int		*denyv[7];
	uint64_t	 u;
	char		 p[MANIFEST_PATH_LEN];
	size_t		 i;
	const char	*nomod = "modifying this field is not permitted";

	memset(out, 0, sizeof(*out));
	denyv[0] = &out->migrate_ma;
	denyv[1] = &out->debug;
	denyv[2] = &out->single_socket;
	denyv[3] = &out->cxl_allowed;
	denyv[4] = &out->mem_aes_256_xts;
	denyv[5] = &out->rapl_dis;
	denyv[6] = &out->ciphertext_hiding_dram;
	if (gp != NULL) {
		check_unknown(c, gp, path, gp_fields);
		get_uint(c, gp, "ABIMinor", path, 255, &u,
		    "value out of range for uint8");
		out->abi_minor = (uint8_t)u;
		get_uint(c, gp, "ABIMajor", path, 255, &u,
		    "value out of range for uint8");
		out->abi_major = (uint8_t)u;
		get_bool(c, gp, "SMT", path, &out->smt);
		for (i = 0; i < 7; i++)
			get_bool(c, gp, deny[i], path, denyv[i]);
		get_bool(c, gp, "PageSwapDisable", path,
		    &out->page_swap_disable);
	}
	/* The static rules of SNPReferenceValues.Validate, in its order. */
	if (out->abi_major != 0) {
		manifest_path(p, sizeof(p), path, "ABIMajor");
		manifest_errors_add(c->soft, p, 0, "%s", nomod);
	}
	if (out->abi_minor != 0 && out->abi_minor != 31) {
		manifest_path(p, sizeof(p), path, "ABIMinor");
		manifest_errors_add(c->soft, p, 0, "%s", nomod);
	}
	if (!out->smt) {
		manifest_path(p, sizeof(p), path, "SMT");
		manifest_errors_add(c->soft, p, 0, "%s", nomod);
	}
	for (i = 0; i < 7; i++) {
		if (*denyv[i]) {
			manifest_path(p, sizeof(p), path, "%s", deny[i]);
			manifest_errors_add(c->soft, p, 0, "%s", nomod);
		}
	}
}

static void
parse_platform_info(struct pctx *c, const json_t *pi, const char *path,
    struct snp_platform_info *out)
{
	memset(out, 0, sizeof(*out));
	if (pi == NULL)
		return;
	check_unknown(c, pi, path, pi_fields);
	get_bool(c, pi, "SMTEnabled", path, &out->smt_enabled);
	get_bool(c, pi, "TSMEEnabled", path, &out->tsme_enabled);
	get_bool(c, pi, "ECCEnabled", path, &out->ecc_enabled);
	get_bool(c, pi, "RAPLDisabled", path, &out->rapl_disabled);
	get_bool(c, pi, "CiphertextHidingDRAMEnabled", path,
	    &out->ciphertext_hiding_dram_enabled);
	get_bool(c, pi, "AliasCheckComplete", path,
	    &out->alias_check_complete);
	get_bool(c, pi, "TIOEnabled", path, &out->tio_enabled);
}

/* A list of fixed-size hex values into a fresh array of n * size bytes. */
static uint8_t *
parse_hex_list(struct pctx *c, const json_t *obj, const char *key,
    const char *path, size_t size, size_t *n)
{
	const json_t	*arr;
	uint8_t		*out;
	char		 p[MANIFEST_PATH_LEN];
	size_t		 i;

	*n = 0;
	if ((arr = get_string_array(c, obj, key, path)) == NULL ||
	    json_array_size(arr) == 0)
		return NULL;
	if ((out = calloc(json_array_size(arr), size)) == NULL) {
		manifest_errors_add(c->hard, path, 0, "out of memory");
		return NULL;
	}
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *s = json_array_get(arr, i);

		manifest_path(p, sizeof(p), path, "%s[%zu]", key, i);
		if (hex_fixed(c, p, json_string_value(s),
		    json_string_length(s), out + *n * size, size, 0) == 0)
			(*n)++;
	}
	return out;
}

static void
parse_snp(struct pctx *c, const json_t *e, const char *path,
    struct snp_refval *r)
{
	const char	*s;
	size_t		 len;
	char		 p[MANIFEST_PATH_LEN];
	uint64_t	 u;
	int		 has_ark;

	r->platform = ATTEST_PLATFORM_SNP;
	if (!json_is_object(e)) {
		hard_type(c, path, e, "an object");
		return;
	}
	check_unknown(c, e, path, snp_fields);

	if (get_string(c, e, "Platform", path, &s, &len) == 1) {
		if (len >= sizeof(r->platform_name) || strlen(s) != len) {
			manifest_path(p, sizeof(p), path, "Platform");
			manifest_errors_add(c->hard, p, 0, "too long");
		} else
			memcpy(r->platform_name, s, len + 1);
	}
	if (is_insecure_platform(r->platform_name))
		r->platform = ATTEST_PLATFORM_SIM_SNP;

	get_string(c, e, "ProductName", path, &s, &len);
	if (strcmp(s, "Milan") == 0)
		r->product = SNP_PRODUCT_MILAN;
	else if (strcmp(s, "Genoa") == 0)
		r->product = SNP_PRODUCT_GENOA;
	else if (strcmp(s, "Turin") == 0)
		r->product = SNP_PRODUCT_TURIN;

	/* Upstream's order: MinimumTCB, ProductName, TrustedMeasurement. */
	manifest_path(p, sizeof(p), path, "MinimumTCB");
	parse_tcb(c, get_object(c, e, "MinimumTCB", path), p, r->product,
	    &r->min_tcb);

	if (r->product == SNP_PRODUCT_UNKNOWN) {
		manifest_path(p, sizeof(p), path, "ProductName");
		if (len == 0)
			manifest_errors_add(c->soft, p, 1,
			    "expected value missing");
		else
			manifest_errors_add(c->soft, p, 0,
			    "unknown product name: %.64s", s);
	}

	get_string(c, e, "TrustedMeasurement", path, &s, &len);
	manifest_path(p, sizeof(p), path, "TrustedMeasurement");
	hex_fixed(c, p, s, len, r->measurement, sizeof(r->measurement), 1);

	manifest_path(p, sizeof(p), path, "GuestPolicy");
	parse_guest_policy(c, get_object(c, e, "GuestPolicy", path), p,
	    &r->guest_policy);

	r->allowed_chip_ids = (uint8_t (*)[SNP_CHIP_ID_LEN])parse_hex_list(c,
	    e, "AllowedChipIDs", path, SNP_CHIP_ID_LEN, &r->n_allowed_chip_ids);

	manifest_path(p, sizeof(p), path, "PlatformInfo");
	parse_platform_info(c, get_object(c, e, "PlatformInfo", path), p,
	    &r->platform_info);

	get_uint(c, e, "MinimumMitigationVector", path, UINT64_MAX,
	    &r->min_mitigation_vector, "out of range");
	get_uint(c, e, "CPUs", path, UINT64_MAX, &u, "out of range");

	if (get_string(c, e, "APEIP", path, &s, &len) == 1 && len > 0) {
		manifest_path(p, sizeof(p), path, "APEIP");
		if (hex_fixed(c, p, s, len, r->ap_eip, sizeof(r->ap_eip),
		    0) == 0)
			r->has_ap_eip = 1;
	}

	/* The simulated platform pins its ARK; real entries never may. */
	has_ark = get_string(c, e, "SimulatedARKDigest", path, &s, &len) == 1;
	manifest_path(p, sizeof(p), path, "SimulatedARKDigest");
	if (r->platform == ATTEST_PLATFORM_SIM_SNP) {
		if (!has_ark || len == 0)
			manifest_errors_add(c->soft, p, 0,
			    "required for the simulated platform");
		else
			hex_fixed(c, p, s, len, r->sim_ark_sha256,
			    sizeof(r->sim_ark_sha256), 0);
	} else if (has_ark)
		manifest_errors_add(c->soft, p, 0, "only allowed for a "
		    "simulated platform (Platform \"Sim-...\")");
}

static void
parse_tdx(struct pctx *c, const json_t *e, const char *path,
    struct tdx_refval *r)
{
	const json_t	*rt, *rt2;
	const char	*s;
	size_t		 len, i;
	char		 p[MANIFEST_PATH_LEN];
	uint64_t	 u;

	/* Fixed by Kata/QEMU: only SEPT_VE_DISABLE (bit 28), little-endian. */
	memset(r->td_attributes, 0, sizeof(r->td_attributes));
	r->td_attributes[3] = 0x10;
	if (!json_is_object(e)) {
		hard_type(c, path, e, "an object");
		return;
	}
	check_unknown(c, e, path, tdx_fields);

	if (get_string(c, e, "Platform", path, &s, &len) == 1) {
		if (len >= sizeof(r->platform_name) || strlen(s) != len) {
			manifest_path(p, sizeof(p), path, "Platform");
			manifest_errors_add(c->hard, p, 0, "too long");
		} else
			memcpy(r->platform_name, s, len + 1);
	}
	get_uint(c, e, "MinTCBEvaluationDataNumber", path, UINT32_MAX, &u,
	    "out of range");
	r->min_tcb_evaluation_data_number = (uint32_t)u;
	get_uint(c, e, "CPUs", path, UINT64_MAX, &u, "out of range");
	get_bool(c, e, "MemoryIntegrity", path, &r->memory_integrity);
	get_bool(c, e, "SMTDisabled", path, &r->smt_disabled);
	get_bool(c, e, "StaticPlatform", path, &r->static_platform);

	/* Upstream's order: MrTd, MrSeam, Xfam, RTMR[1..4]. */
	get_string(c, e, "MrTd", path, &s, &len);
	manifest_path(p, sizeof(p), path, "MrTd");
	hex_fixed(c, p, s, len, r->mr_td, sizeof(r->mr_td), 0);
	/* MrSeam is left for the user to fill in (SHA-384 of the module). */
	get_string(c, e, "MrSeam", path, &s, &len);
	manifest_path(p, sizeof(p), path, "MrSeam");
	hex_fixed(c, p, s, len, r->mr_seam, sizeof(r->mr_seam), 1);
	get_string(c, e, "Xfam", path, &s, &len);
	manifest_path(p, sizeof(p), path, "Xfam");
	hex_fixed(c, p, s, len, r->xfam, sizeof(r->xfam), 0);

	rt = json_object_get(e, "Rtmrs");
	rt2 = json_object_get(e, "Rtrms");	/* the older misspelling */
	if (rt != NULL && rt2 != NULL) {
		manifest_path(p, sizeof(p), path, "Rtrms");
		manifest_errors_add(c->hard, p, 0,
		    "both Rtmrs and its old name Rtrms are set");
	}
	if (rt == NULL)
		rt = get_string_array(c, e, "Rtrms", path);
	else
		rt = get_string_array(c, e, "Rtmrs", path);
	if (rt != NULL && json_array_size(rt) > 4) {
		manifest_path(p, sizeof(p), path, "Rtmrs");
		manifest_errors_add(c->hard, p, 0,
		    "has %zu entries, expected 4", json_array_size(rt));
		rt = NULL;
	}
	for (i = 0; i < 4; i++) {
		const json_t *v = rt ? json_array_get(rt, i) : NULL;

		manifest_path(p, sizeof(p), path, "RTMR[%zu]", i + 1);
		hex_fixed(c, p, v ? json_string_value(v) : "",
		    v ? json_string_length(v) : 0, r->rtmrs[i],
		    sizeof(r->rtmrs[i]), 0);
	}
	r->allowed_piids = (uint8_t (*)[TDX_PIID_LEN])parse_hex_list(c, e,
	    "AllowedPIIDs", path, TDX_PIID_LEN, &r->n_allowed_piids);

	if (is_insecure_platform(r->platform_name)) {
		manifest_path(p, sizeof(p), path, "Platform");
		manifest_errors_add(c->soft, p, 0,
		    "there is no simulated TDX platform");
	}
}

/* The <= v0.7 shape: {"SNP": {"MinimumTCB": {...}}, "TrustedMeasurement"}. */
static void
parse_legacy_refvals(struct pctx *c, const json_t *rv, const char *path,
    struct refvals *out)
{
	static const char *const fields[] = { "SNP", "TrustedMeasurement",
	    NULL };
	static const char *const snpf[] = { "MinimumTCB", NULL };
	struct snp_refval	*r;
	const json_t		*snp;
	const char		*s;
	size_t			 len;
	char			 p[MANIFEST_PATH_LEN];

	check_unknown(c, rv, path, fields);
	if ((r = out->snp = calloc(1, sizeof(*r))) == NULL) {
		manifest_errors_add(c->hard, path, 0, "out of memory");
		return;
	}
	out->n_snp = 1;
	r->platform = ATTEST_PLATFORM_SNP;
	/*
	 * That era ran on AKS only, validated with go-sev-guest's default
	 * product (Milan) and the fixed guest policy {SMT: true}.
	 */
	r->product = SNP_PRODUCT_MILAN;
	r->guest_policy.smt = 1;
	manifest_path(p, sizeof(p), path, "SNP");
	snp = get_object(c, rv, "SNP", path);
	if (snp != NULL)
		check_unknown(c, snp, p, snpf);
	manifest_path(p, sizeof(p), path, "SNP.MinimumTCB");
	parse_tcb(c, snp ? get_object(c, snp, "MinimumTCB", path) : NULL, p,
	    SNP_PRODUCT_UNKNOWN, &r->min_tcb);
	get_string(c, rv, "TrustedMeasurement", path, &s, &len);
	manifest_path(p, sizeof(p), path, "TrustedMeasurement");
	hex_fixed(c, p, s, len, r->measurement, sizeof(r->measurement), 1);
}

void
manifest_parse_refvals_into(struct pctx *c, const json_t *rv,
    const char *path, struct refvals *out, int *legacy)
{
	static const char *const fields[] = { "snp", "tdx", NULL };
	const json_t	*snp, *tdx;
	char		 p[MANIFEST_PATH_LEN];
	size_t		 i, n_insecure = 0, n_secure = 0;

	memset(out, 0, sizeof(*out));
	*legacy = 0;
	if (rv != NULL && !json_is_object(rv)) {
		hard_type(c, path, rv, "an object");
		return;
	}
	if (rv != NULL && (json_object_get(rv, "SNP") != NULL ||
	    json_object_get(rv, "TrustedMeasurement") != NULL)) {
		if (json_object_get(rv, "snp") != NULL ||
		    json_object_get(rv, "tdx") != NULL) {
			manifest_errors_add(c->hard, path, 0, "mixes the "
			    "<= v0.7 shape (SNP, TrustedMeasurement) with the "
			    "current one (snp, tdx)");
			return;
		}
		*legacy = 1;
		parse_legacy_refvals(c, rv, path, out);
		goto checks;
	}
	if (rv != NULL)
		check_unknown(c, rv, path, fields);
	snp = rv ? json_object_get(rv, "snp") : NULL;
	tdx = rv ? json_object_get(rv, "tdx") : NULL;
	if (snp != NULL && !json_is_null(snp) && !json_is_array(snp)) {
		manifest_path(p, sizeof(p), path, "snp");
		hard_type(c, p, snp, "an array");
		snp = NULL;
	}
	if (tdx != NULL && !json_is_null(tdx) && !json_is_array(tdx)) {
		manifest_path(p, sizeof(p), path, "tdx");
		hard_type(c, p, tdx, "an array");
		tdx = NULL;
	}
	if (json_array_size(snp) > 0) {
		out->snp = calloc(json_array_size(snp), sizeof(*out->snp));
		if (out->snp == NULL) {
			manifest_errors_add(c->hard, path, 0, "out of memory");
			return;
		}
		out->n_snp = json_array_size(snp);
	}
	if (json_array_size(tdx) > 0) {
		out->tdx = calloc(json_array_size(tdx), sizeof(*out->tdx));
		if (out->tdx == NULL) {
			manifest_errors_add(c->hard, path, 0, "out of memory");
			return;
		}
		out->n_tdx = json_array_size(tdx);
	}
	for (i = 0; i < out->n_snp; i++) {
		manifest_path(p, sizeof(p), path, "snp[%zu]", i);
		parse_snp(c, json_array_get(snp, i), p, &out->snp[i]);
	}
	for (i = 0; i < out->n_tdx; i++) {
		manifest_path(p, sizeof(p), path, "tdx[%zu]", i);
		parse_tdx(c, json_array_get(tdx, i), p, &out->tdx[i]);
	}
 checks:
	if (out->n_snp + out->n_tdx == 0)
		manifest_errors_add(c->soft, path, 0, "reference values in "
		    "manifest cannot be empty. Is the chosen platform "
		    "supported?");
	for (i = 0; i < out->n_snp; i++) {
		if (out->snp[i].platform == ATTEST_PLATFORM_SIM_SNP)
			n_insecure++;
		else
			n_secure++;
	}
	for (i = 0; i < out->n_tdx; i++) {
		if (is_insecure_platform(out->tdx[i].platform_name))
			n_insecure++;
		else
			n_secure++;
	}
	if (n_insecure > 0 && n_secure > 0)
		manifest_errors_add(c->soft, path, 0,
		    "must not mix secure and insecure platforms");
}

void
refvals_free(struct refvals *rv)
{
	size_t	 i;

	if (rv == NULL)
		return;
	for (i = 0; i < rv->n_snp; i++)
		free(rv->snp[i].allowed_chip_ids);
	for (i = 0; i < rv->n_tdx; i++)
		free(rv->tdx[i].allowed_piids);
	free(rv->snp);
	free(rv->tdx);
	memset(rv, 0, sizeof(*rv));
}

/* Policies */

static int
policy_cmp(const void *a, const void *b)
{
	const struct manifest_policy *pa = a, *pb = b;

	return strcmp(pa->hash_hex, pb->hash_hex);
}

static int
strdup_array(const json_t *arr, char ***out, size_t *n)
{
	size_t	 i;

	*out = NULL;
	*n = 0;
	if (arr == NULL || json_array_size(arr) == 0)
		return 0;
	if ((*out = calloc(json_array_size(arr), sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i < json_array_size(arr); i++) {
		if (((*out)[i] = strdup(json_string_value(
		    json_array_get(arr, i)))) == NULL)
			return -1;
		(*n)++;
	}
	return 0;
}

static void
parse_policies(struct pctx *c, const json_t *pol, struct manifest *m)
{
	static const char *const fields[] = { "SANs", "WorkloadSecretID",
	    "Role", NULL };
	struct manifest_policy	*p;
	const char		*k, *s;
	json_t			*v;
	char			 path[MANIFEST_PATH_LEN], q[96], msg[96];
	size_t			 i, len;

	if (pol == NULL)
		return;
	if ((m->policies = calloc(json_object_size(pol) + 1,
	    sizeof(*m->policies))) == NULL) {
		manifest_errors_add(c->hard, "Policies", 0, "out of memory");
		return;
	}
	json_object_foreach((json_t *)pol, k, v) {
		p = &m->policies[m->n_policies++];
		if ((p->hash_hex = strdup(k)) == NULL) {
			manifest_errors_add(c->hard, "Policies", 0,
			    "out of memory");
			return;
		}
	}
	qsort(m->policies, m->n_policies, sizeof(*m->policies), policy_cmp);

	for (i = 0; i < m->n_policies; i++) {
		p = &m->policies[i];
		s = "";
		v = json_object_get(pol, p->hash_hex);
		go_quote(q, sizeof(q), p->hash_hex);
		manifest_path(path, sizeof(path), "Policies", "[%s]", q);
		if (json_is_array(v)) {
			/* <= v0.7: the value is the SAN list. */
			if (get_string_array(c, pol, p->hash_hex, "Policies")
			    != NULL && strdup_array(v, &p->sans,
			    &p->n_sans) == -1)
				manifest_errors_add(c->hard, path, 0,
				    "out of memory");
		} else if (json_is_object(v)) {
			check_unknown(c, v, path, fields);
			if (strdup_array(get_string_array(c, v, "SANs", path),
			    &p->sans, &p->n_sans) == -1)
				manifest_errors_add(c->hard, path, 0,
				    "out of memory");
			get_string(c, v, "WorkloadSecretID", path, &s, &len);
			if (strlen(s) != len)
				manifest_errors_add(c->hard, path, 0,
				    "WorkloadSecretID contains NUL");
		} else if (!json_is_null(v))
			hard_type(c, path, v, "an object");
		if ((p->workload_secret_id = strdup(
		    json_is_object(v) ? s : "")) == NULL)
			manifest_errors_add(c->hard, path, 0, "out of memory");

		/* PolicyEntry.Validate: the key, then the role. */
		len = strlen(p->hash_hex);
		if (manifest_hex_check(p->hash_hex, len, msg, sizeof(msg))
		    == -1)
			manifest_errors_add(c->soft, path, 0,
			    "decoding policy hash %s: %s", q, msg);
		else if (len != 2 * MANIFEST_HASH_LEN)
			manifest_errors_add(c->soft, path, 0,
			    "invalid policy hash length: %zu (expected %d)",
			    len, 2 * MANIFEST_HASH_LEN);
		else if (hex_decode(p->hash_hex, len, p->hash,
		    sizeof(p->hash)) == 0)
			p->hash_ok = 1;

		s = "";
		if (json_is_object(v))
			get_string(c, v, "Role", path, &s, &len);
		if (*s == '\0')
			p->role = MANIFEST_ROLE_NONE;
		else if (strcmp(s, "coordinator") == 0)
			p->role = MANIFEST_ROLE_COORDINATOR;
		else {
			char rp[MANIFEST_PATH_LEN];

			p->role = MANIFEST_ROLE_UNKNOWN;
			manifest_path(rp, sizeof(rp), path, "Role");
			manifest_errors_add(c->soft, rp, 0,
			    "unknown role: %.64s", s);
		}
	}
	/* Two keys that differ only in hex case name the same policy. */
	for (i = 1; i < m->n_policies; i++) {
		size_t j;

		if (!m->policies[i].hash_ok)
			continue;
		for (j = 0; j < i; j++)
			if (m->policies[j].hash_ok &&
			    memcmp(m->policies[i].hash, m->policies[j].hash,
			    MANIFEST_HASH_LEN) == 0) {
				go_quote(q, sizeof(q),
				    m->policies[i].hash_hex);
				manifest_path(path, sizeof(path), "Policies",
				    "[%s]", q);
				manifest_errors_add(c->soft, path, 0,
				    "duplicate policy hash");
			}
	}
}

/* Keys */

static int
decode_hex_entry(struct pctx *c, const char *path, const json_t *v,
    uint8_t **out, size_t *outlen)
{
	char	 msg[96];

	if (manifest_hex_check(json_string_value(v), json_string_length(v),
	    msg, sizeof(msg)) == -1) {
		manifest_errors_add(c->soft, path, 0, "%s", msg);
		return -1;
	}
	if (hex_decode_alloc(json_string_value(v), json_string_length(v), out,
	    outlen) == -1) {
		manifest_errors_add(c->hard, path, 0, "out of memory");
		return -1;
	}
	return 0;
}

/* PKIX SubjectPublicKeyInfo DER of an ECDSA key, nothing after it. */
static int
check_ec_pkix(const uint8_t *der, size_t len, char *msg, size_t msglen)
{
	const unsigned char	*p = der;
	EVP_PKEY		*pk;
	int			 ok;

	if (len > 4096 || (pk = d2i_PUBKEY(NULL, &p, (long)len)) == NULL) {
		snprintf(msg, msglen, "not a PKIX public key");
		return -1;
	}
	ok = p == der + len && EVP_PKEY_base_id(pk) == EVP_PKEY_EC;
	EVP_PKEY_free(pk);
	if (!ok) {
		snprintf(msg, msglen, p == der + len ?
		    "not an ECDSA public key" : "trailing bytes after key");
		return -1;
	}
	return 0;
}

int
manifest_check_rsa_pkcs1(const uint8_t *der, size_t len, char *msg,
    size_t msglen)
{
	OSSL_DECODER_CTX	*dctx;
	EVP_PKEY		*pk = NULL;
	const unsigned char	*p = der;
	size_t			 left = len;
	int			 ok;

	if (len == 0 || len > 8192) {
		snprintf(msg, msglen, "not a PKCS#1 RSA public key");
		return -1;
	}
	dctx = OSSL_DECODER_CTX_new_for_pkey(&pk, "DER", "type-specific",
	    "RSA", EVP_PKEY_PUBLIC_KEY, NULL, NULL);
	if (dctx == NULL) {
		snprintf(msg, msglen, "no RSA decoder");
		return -1;
	}
	ok = OSSL_DECODER_from_data(dctx, &p, &left) == 1 && pk != NULL &&
	    left == 0 && EVP_PKEY_base_id(pk) == EVP_PKEY_RSA;
	OSSL_DECODER_CTX_free(dctx);
	EVP_PKEY_free(pk);
	if (!ok) {
		snprintf(msg, msglen, "not a PKCS#1 RSA public key");
		return -1;
	}
	return 0;
}

static void
parse_keys(struct pctx *c, const json_t *doc, struct manifest *m)
{
	const json_t	*a;
	char		 p[MANIFEST_PATH_LEN], msg[96];
	uint8_t		*der;
	size_t		 i, n, len;

	if ((a = get_string_array(c, doc, "WorkloadOwnerPubKeys", "")) != NULL &&
	    (n = json_array_size(a)) > 0) {
		if ((m->owner_pubkeys = calloc(n, sizeof(*m->owner_pubkeys)))
		    == NULL) {
			manifest_errors_add(c->hard, "", 0, "out of memory");
			return;
		}
		for (i = 0; i < n; i++) {
			manifest_path(p, sizeof(p), "WorkloadOwnerPubKeys",
			    "[%zu]", i);
			if (decode_hex_entry(c, p, json_array_get(a, i), &der,
			    &len) == -1)
				continue;
			if (check_ec_pkix(der, len, msg, sizeof(msg)) == -1) {
				manifest_errors_add(c->soft, p, 0, "%s", msg);
				free(der);
				continue;
			}
			m->owner_pubkeys[m->n_owner_pubkeys].data = der;
			m->owner_pubkeys[m->n_owner_pubkeys++].len = len;
		}
	}
	if ((a = get_string_array(c, doc, "WorkloadOwnerKeyDigests", ""))
	    != NULL && (n = json_array_size(a)) > 0) {
		if ((m->owner_key_digests = calloc(n, 32)) == NULL) {
			manifest_errors_add(c->hard, "", 0, "out of memory");
			return;
		}
		for (i = 0; i < n; i++) {
			const json_t *v = json_array_get(a, i);

			manifest_path(p, sizeof(p), "WorkloadOwnerKeyDigests",
			    "[%zu]", i);
			len = json_string_length(v);
			if (manifest_hex_check(json_string_value(v), len, msg,
			    sizeof(msg)) == -1)
				manifest_errors_add(c->soft, p, 0, "%s", msg);
			else if (len != 64)
				manifest_errors_add(c->soft, p, 0,
				    "invalid length: %zu (expected 64)", len);
			else if (hex_decode(json_string_value(v), len,
			    m->owner_key_digests[m->n_owner_key_digests],
			    32) == 0)
				m->n_owner_key_digests++;
		}
	}
	if ((a = get_string_array(c, doc, "SeedshareOwnerPubKeys", "")) != NULL &&
	    (n = json_array_size(a)) > 0) {
		m->seedshare_keys = calloc(n, sizeof(*m->seedshare_keys));
		m->seedshare_keys_hex = calloc(n, sizeof(char *));
		if (m->seedshare_keys == NULL || m->seedshare_keys_hex == NULL) {
			manifest_errors_add(c->hard, "", 0, "out of memory");
			return;
		}
		for (i = 0; i < n; i++) {
			const json_t *v = json_array_get(a, i);

			manifest_path(p, sizeof(p), "SeedshareOwnerPubKeys",
			    "[%zu]", i);
			if (decode_hex_entry(c, p, v, &der, &len) == -1)
				continue;
			if (manifest_check_rsa_pkcs1(der, len, msg,
			    sizeof(msg)) == -1) {
				manifest_errors_add(c->soft, p, 0, "%s", msg);
				free(der);
				continue;
			}
			m->seedshare_keys_hex[m->n_seedshare_keys] =
			    strdup(json_string_value(v));
			m->seedshare_keys[m->n_seedshare_keys].data = der;
			m->seedshare_keys[m->n_seedshare_keys++].len = len;
			if (m->seedshare_keys_hex[m->n_seedshare_keys - 1] ==
			    NULL)
				manifest_errors_add(c->hard, p, 0,
				    "out of memory");
		}
	}
}

/* Limits and entry points */

int
manifest_json_depth_ok(const json_t *v, int depth)
{
	const char	*k;
	json_t		*e;
	size_t		 i;

	if (depth > MANIFEST_MAX_DEPTH)
		return 0;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, e)
			if (!manifest_json_depth_ok(e, depth + 1))
				return 0;
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if (!manifest_json_depth_ok(json_array_get(v, i),
			    depth + 1))
				return 0;
	}
	return 1;
}

json_t *
manifest_load_json(const uint8_t *buf, size_t len, size_t max,
    const char *what, struct manifest_errors *errs)
{
	json_error_t	 je;
	json_t		*doc;

	if (len > max) {
		manifest_errors_add(errs, "", 0, "%s is %zu bytes, more than "
		    "the limit of %zu", what, len, max);
		return NULL;
	}
	/* Duplicate keys could make two readers see different manifests. */
	doc = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL) {
		manifest_errors_add(errs, "", 0, "%s: invalid JSON at line %d "
		    "column %d (byte %d): %s", what, je.line, je.column,
		    je.position, je.text);
		return NULL;
	}
	if (!manifest_json_depth_ok(doc, 1)) {
		manifest_errors_add(errs, "", 0, "%s: JSON nested deeper than "
		    "%d", what, MANIFEST_MAX_DEPTH);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int
manifest_parse_json(const json_t *doc, struct manifest **mp,
    struct manifest_errors *errs)
{
	static const char *const fields[] = { "Policies", "ReferenceValues",
	    "WorkloadOwnerPubKeys", "WorkloadOwnerKeyDigests",
	    "SeedshareOwnerPubKeys", "MinimumAPIVersion", NULL };
	struct manifest		*m;
	struct manifest_errors	 hard;
	struct pctx		 c;
	const char		*s;
	size_t			 len, i;

	*mp = NULL;
	if (!json_is_object(doc)) {
		manifest_errors_add(errs, "", 0,
		    "manifest: expected an object, got %s",
		    json_type_name(doc));
		return -1;
	}
	if (!manifest_json_depth_ok(doc, 1)) {
		manifest_errors_add(errs, "", 0, "manifest: JSON nested deeper "
		    "than %d", MANIFEST_MAX_DEPTH);
		return -1;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		manifest_errors_add(errs, "", 0, "out of memory");
		return -1;
	}
	if ((m->doc = json_deep_copy(doc)) == NULL) {
		free(m);
		manifest_errors_add(errs, "", 0, "out of memory");
		return -1;
	}
	manifest_errors_init(&hard);
	manifest_errors_init(&m->issues);
	c.hard = &hard;
	c.soft = &m->issues;

	check_unknown(&c, doc, "", fields);
	parse_policies(&c, get_object(&c, doc, "Policies", ""), m);
	if (manifest_coordinator_count(m) == 0)
		manifest_errors_add(c.soft, "", 0,
		    "expected at least 1 policy with role 'coordinator'");
	manifest_parse_refvals_into(&c, json_object_get(doc,
	    "ReferenceValues"), "ReferenceValues", &m->refvals,
	    &m->legacy_refvals);
	parse_keys(&c, doc, m);
	if (get_string(&c, doc, "MinimumAPIVersion", "", &s, &len) == 1) {
		for (i = 1; i < len && isdigit((unsigned char)s[i]); i++)
			;
		if (len < 2 || s[0] != 'v' || i != len || len > 16)
			manifest_errors_add(c.soft, "MinimumAPIVersion", 0,
			    "invalid API version (expected v<number>)");
		else if ((m->min_api_version = strdup(s)) == NULL)
			manifest_errors_add(c.hard, "", 0, "out of memory");
	}
	if (manifest_errors_count(&hard) > 0) {
		errors_append(errs, &hard);
		manifest_free(m);
		return -1;
	}
	*mp = m;
	return 0;
}

int
manifest_parse(const uint8_t *buf, size_t len, struct manifest **mp,
    struct manifest_errors *errs)
{
	json_t	*doc;
	int	 rc;

	*mp = NULL;
	if ((doc = manifest_load_json(buf, len, MANIFEST_MAX_SIZE, "manifest",
	    errs)) == NULL)
		return -1;
	rc = manifest_parse_json(doc, mp, errs);
	json_decref(doc);
	return rc;
}

int
manifest_validate(const struct manifest *m, struct manifest_errors *errs)
{
	if (manifest_errors_count(&m->issues) == 0)
		return 0;
	errors_append(errs, &m->issues);
	return -1;
}

void
manifest_free(struct manifest *m)
{
	size_t	 i, j;

	if (m == NULL)
		return;
	json_decref(m->doc);
	for (i = 0; i < m->n_policies; i++) {
		free(m->policies[i].hash_hex);
		for (j = 0; j < m->policies[i].n_sans; j++)
			free(m->policies[i].sans[j]);
		free(m->policies[i].sans);
		free(m->policies[i].workload_secret_id);
	}
	free(m->policies);
	refvals_free(&m->refvals);
	for (i = 0; i < m->n_owner_pubkeys; i++)
		free(m->owner_pubkeys[i].data);
	free(m->owner_pubkeys);
	free(m->owner_key_digests);
	for (i = 0; i < m->n_seedshare_keys; i++) {
		free(m->seedshare_keys[i].data);
		free(m->seedshare_keys_hex[i]);
	}
	free(m->seedshare_keys);
	free(m->seedshare_keys_hex);
	free(m->min_api_version);
	free(m);
}

int
manifest_parse_refvals_json(const json_t *rv, struct refvals *out,
    struct manifest_errors *errs)
{
	struct manifest_errors	 hard, soft;
	struct pctx		 c;
	int			 legacy;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(rv)) {
		manifest_errors_add(errs, "ReferenceValues", 0,
		    "expected an object, got %s", json_type_name(rv));
		return -1;
	}
	if (!manifest_json_depth_ok(rv, 1)) {
		manifest_errors_add(errs, "ReferenceValues", 0,
		    "JSON nested deeper than %d", MANIFEST_MAX_DEPTH);
		return -1;
	}
	manifest_errors_init(&hard);
	manifest_errors_init(&soft);
	c.hard = &hard;
	c.soft = &soft;
	manifest_parse_refvals_into(&c, rv, "ReferenceValues", out, &legacy);
	if (manifest_errors_count(&hard) + manifest_errors_count(&soft) > 0) {
		errors_append(errs, &hard);
		errors_append(errs, &soft);
		refvals_free(out);
		return -1;
	}
	return 0;
}

int
manifest_parse_refvals(const uint8_t *buf, size_t len, struct refvals *out,
    struct manifest_errors *errs)
{
	json_t	*doc;
	int	 rc;

	memset(out, 0, sizeof(*out));
	if ((doc = manifest_load_json(buf, len, MANIFEST_MAX_SIZE,
	    "reference values", errs)) == NULL)
		return -1;
	rc = manifest_parse_refvals_json(doc, out, errs);
	json_decref(doc);
	return rc;
}

/* Queries */

void
manifest_hash(const uint8_t *buf, size_t len, uint8_t out[MANIFEST_HASH_LEN])
{
	SHA256(buf, len, out);
}

const struct manifest_policy *
manifest_policy_lookup(const struct manifest *m,
    const uint8_t hash[MANIFEST_HASH_LEN])
{
	size_t	 i;

	for (i = 0; i < m->n_policies; i++)
		if (m->policies[i].hash_ok &&
		    memcmp(m->policies[i].hash, hash, MANIFEST_HASH_LEN) == 0)
			return &m->policies[i];
	return NULL;
}

size_t
manifest_coordinator_count(const struct manifest *m)
{
	size_t	 i, n = 0;

	for (i = 0; i < m->n_policies; i++)
		if (m->policies[i].role == MANIFEST_ROLE_COORDINATOR)
			n++;
	return n;
}

size_t
manifest_owner_count(const struct manifest *m)
{
	return m->n_owner_pubkeys + m->n_owner_key_digests;
}

int
manifest_owner_key_allowed(const struct manifest *m, const uint8_t *spki,
    size_t len)
{
	uint8_t	 d[32];
	size_t	 i;
	int	 found = 0;

	if (spki == NULL || len == 0)
		return 0;
	/* Visit every entry so timing does not reveal which one matched. */
	for (i = 0; i < m->n_owner_pubkeys; i++)
		if (m->owner_pubkeys[i].len == len &&
		    CRYPTO_memcmp(m->owner_pubkeys[i].data, spki, len) == 0)
			found = 1;
	SHA256(spki, len, d);
	for (i = 0; i < m->n_owner_key_digests; i++)
		if (CRYPTO_memcmp(m->owner_key_digests[i], d, sizeof(d)) == 0)
			found = 1;
	return found;
}

const struct manifest_blob *
manifest_seedshare_keys(const struct manifest *m, size_t *n)
{
	*n = m->n_seedshare_keys;
	return m->seedshare_keys;
}

int
manifest_seedshare_keys_equal(const struct manifest *a,
    const struct manifest *b)
{
	size_t	 i;

	if (a->n_seedshare_keys != b->n_seedshare_keys)
		return 0;
	for (i = 0; i < a->n_seedshare_keys; i++)
		if (a->seedshare_keys[i].len != b->seedshare_keys[i].len ||
		    memcmp(a->seedshare_keys[i].data, b->seedshare_keys[i].data,
		    a->seedshare_keys[i].len) != 0)
			return 0;
	return 1;
}
