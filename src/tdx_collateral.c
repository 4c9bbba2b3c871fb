/*
 * Intel collateral for TDX: TCB Info, QE Identity, their signing chain and
 * the CRLs.  Loading checks form only (JSON shape, sizes, hex); signatures,
 * dates and matching against a quote happen in tdx_verify.c at the
 * caller's verification time.
 *
 * Intel signs the exact bytes of the "tcbInfo" / "enclaveIdentity" value
 * as served, so the signed span is cut from the raw text (tdx_json_span)
 * and never re-serialised.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tdx.h"
#include "tdx_int.h"
#include "util.h"

static int __attribute__((__format__ (printf, 3, 4)))
cerr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *const status_names[TDX_TCB__MAX] = {
	"(not evaluated)", "UpToDate", "SWHardeningNeeded",
	"ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded",
	"OutOfDate", "OutOfDateConfigurationNeeded", "Revoked"
};

const char *
tdx_tcb_status_name(enum tdx_tcb_status s)
{
	if ((unsigned)s >= TDX_TCB__MAX)
		return "(invalid)";
	return status_names[s];
}

enum tdx_tcb_status
tdx_tcb_status_parse(const char *s)
{
	int	 i;

	for (i = TDX_TCB_UP_TO_DATE; i < TDX_TCB__MAX; i++)
		if (strcmp(s, status_names[i]) == 0)
			return (enum tdx_tcb_status)i;
	return TDX_TCB_UNKNOWN;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SSZ", optionally with fractional seconds. */
int
tdx_time_parse(const char *s, time_t *out)
{
	unsigned	 Y, M, D, h, m, sec;
	int		 n = 0;
	const char	*p;
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };

	if (strlen(s) < 20 || sscanf(s, "%4u-%2u-%2uT%2u:%2u:%2u%n", &Y, &M,
	    &D, &h, &m, &sec, &n) != 6 || n != 19)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (strcmp(p, "Z") != 0 || Y < 1970 || M < 1 || M > 12 || D < 1 ||
	    D > mdays[M - 1] || h > 23 || m > 59 || sec > 60)
		return -1;
	if (M == 2 && D == 29 && !(Y % 4 == 0 && (Y % 100 != 0 ||
	    Y % 400 == 0)))
		return -1;
	*out = (time_t)(days_from_civil(Y, M, D) * 86400 + h * 3600 +
	    m * 60 + sec);
	return 0;
}

void
tdx_time_fmt(time_t t, char *buf, size_t len)
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "@%lld", (long long)t);
}

/* JSON text scanning for the signed span. */
static size_t
skip_ws(const uint8_t *b, size_t len, size_t i)
{
	while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' ||
	    b[i] == '\r'))
		i++;
	return i;
}

/* b[i] == '"': index after the closing quote, or 0. */
static size_t
skip_string(const uint8_t *b, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (b[i] == '\\')
			i++;
		else if (b[i] == '"')
			return i + 1;
	}
	return 0;
}

static size_t
skip_value(const uint8_t *b, size_t len, size_t i)
{
	size_t	 depth = 0;

	if (i >= len)
		return 0;
	if (b[i] == '"')
		return skip_string(b, len, i);
	if (b[i] != '{' && b[i] != '[') {
		while (i < len && b[i] != ',' && b[i] != '}' && b[i] != ']' &&
		    b[i] != ' ' && b[i] != '\n' && b[i] != '\r' && b[i] != '\t')
			i++;
		return i;
	}
	while (i < len) {
		if (b[i] == '"') {
			if ((i = skip_string(b, len, i)) == 0)
				return 0;
			continue;
		}
		if (b[i] == '{' || b[i] == '[')
			depth++;
		else if (b[i] == '}' || b[i] == ']') {
			if (--depth == 0)
				return i + 1;
		}
		i++;
	}
	return 0;
}

/*
 * Find the raw text of the value of top-level member key.  The caller
 * has already checked that the text is valid JSON without duplicate keys
 * (jansson), so this walk only needs to be right for valid input.
 */
int
tdx_json_span(const uint8_t *b, size_t len, const char *key, size_t *off,
    size_t *vlen, char *err, size_t errlen)
{
	size_t	 i, ks, ke, vs, ve, kl = strlen(key);
	int	 found = 0;

	i = skip_ws(b, len, 0);
	if (i >= len || b[i] != '{')
		return cerr(err, errlen, "JSON: not an object");
	i = skip_ws(b, len, i + 1);
	while (i < len && b[i] != '}') {
		if (b[i] != '"' || (ke = skip_string(b, len, i)) == 0)
			return cerr(err, errlen, "JSON: bad member at byte %zu",
			    i);
		ks = i + 1;
		i = skip_ws(b, len, ke);
		if (i >= len || b[i] != ':')
			return cerr(err, errlen, "JSON: no ':' at byte %zu", i);
		vs = skip_ws(b, len, i + 1);
		if ((ve = skip_value(b, len, vs)) == 0 || ve == vs)
			return cerr(err, errlen, "JSON: bad value at byte %zu",
			    vs);
		if (ke - 1 - ks == kl && memcmp(b + ks, key, kl) == 0) {
			if (found)
				return cerr(err, errlen, "JSON: \"%s\" twice",
				    key);
			found = 1;
			*off = vs;
			*vlen = ve - vs;
		}
		i = skip_ws(b, len, ve);
		if (i < len && b[i] == ',')
			i = skip_ws(b, len, i + 1);
	}
	if (!found)
		return cerr(err, errlen, "JSON: no \"%s\" member", key);
	return 0;
}

/* Typed field access with a path in the error. */
static int
j_hex(json_t *o, const char *k, uint8_t *out, size_t n, const char *what,
    char *err, size_t errlen)
{
	json_t		*v = json_object_get(o, k);
	const char	*s;

	if (!json_is_string(v))
		return cerr(err, errlen, "%s.%s: missing or not a string",
		    what, k);
	s = json_string_value(v);
	if (json_string_length(v) != 2 * n ||
	    hex_decode(s, 2 * n, out, n) != 0)
		return cerr(err, errlen, "%s.%s: want %zu hex bytes", what, k,
		    n);
	return 0;
}

static int
j_uint(json_t *o, const char *k, json_int_t max, json_int_t *out,
    const char *what, char *err, size_t errlen)
{
	json_t	*v = json_object_get(o, k);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > max)
		return cerr(err, errlen, "%s.%s: missing or not an integer in "
		    "0..%lld", what, k, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

static int
j_time(json_t *o, const char *k, time_t *out, const char *what, char *err,
    size_t errlen)
{
	json_t	*v = json_object_get(o, k);

	if (!json_is_string(v) || tdx_time_parse(json_string_value(v), out))
		return cerr(err, errlen, "%s.%s: missing or not a "
		    "YYYY-MM-DDThh:mm:ssZ time", what, k);
	return 0;
}

static int
j_status(json_t *o, enum tdx_tcb_status *st, const char *what, char *err,
    size_t errlen)
{
	json_t	*v = json_object_get(o, "tcbStatus");

	if (!json_is_string(v) || (*st = tdx_tcb_status_parse(
	    json_string_value(v))) == TDX_TCB_UNKNOWN)
		return cerr(err, errlen, "%s.tcbStatus: missing or unknown",
		    what);
	return 0;
}

static int
j_svns(json_t *tcb, const char *k, uint8_t out[16], const char *what,
    char *err, size_t errlen)
{
	json_t		*a = json_object_get(tcb, k);
	json_int_t	 x;
	size_t		 i;

	if (!json_is_array(a) || json_array_size(a) != 16)
		return cerr(err, errlen, "%s.tcb.%s: want an array of 16", what,
		    k);
	for (i = 0; i < 16; i++) {
		if (!json_is_object(json_array_get(a, i)) ||
		    j_uint(json_array_get(a, i), "svn", 255, &x, what, err,
		    errlen))
			return cerr(err, errlen, "%s.tcb.%s[%zu].svn: want "
			    "0..255", what, k, i);
		out[i] = (uint8_t)x;
	}
	return 0;
}

static json_t *
load_object(const uint8_t *b, size_t len, const char *what, char *err,
    size_t errlen)
{
	json_t		*j;
	json_error_t	 je;

	j = json_loadb((const char *)b, len, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL) {
		cerr(err, errlen, "%s: JSON error at line %d column %d: %s",
		    what, je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		cerr(err, errlen, "%s: not a JSON object", what);
		return NULL;
	}
	return j;
}

static int
isv_levels(json_t *o, struct tdx_isv_level **lv, size_t *n,
    const char *what, char *err, size_t errlen)
{
	json_t		*a = json_object_get(o, "tcbLevels"), *e, *t;
	json_int_t	 x;
	size_t		 i;
	char		 w[64];

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > TDX_MAX_TCB_LEVELS)
		return cerr(err, errlen, "%s.tcbLevels: want 1..%d levels",
		    what, TDX_MAX_TCB_LEVELS);
	if ((*lv = calloc(json_array_size(a), sizeof(**lv))) == NULL)
		return cerr(err, errlen, "%s: out of memory", what);
	*n = json_array_size(a);
	for (i = 0; i < *n; i++) {
		snprintf(w, sizeof(w), "%s.tcbLevels[%zu]", what, i);
		e = json_array_get(a, i);
		t = json_object_get(e, "tcb");
		if (!json_is_object(e) || !json_is_object(t))
			return cerr(err, errlen, "%s.tcb: missing", w);
		if (j_uint(t, "isvsvn", 65535, &x, w, err, errlen) ||
		    j_status(e, &(*lv)[i].status, w, err, errlen))
			return -1;
		(*lv)[i].isvsvn = (uint16_t)x;
	}
	return 0;
}

void
tdx_tcb_info_free(struct tdx_tcb_info *ti)
{
	size_t	 i;

	if (ti == NULL)
		return;
	for (i = 0; i < ti->n_modules; i++)
		free(ti->modules[i].levels);
	free(ti->modules);
	free(ti->levels);
	free(ti);
}

static int
tcb_level_parse(json_t *e, struct tdx_tcb_level *l, const char *w,
    char *err, size_t errlen)
{
	json_t		*t = json_object_get(e, "tcb"), *adv;
	json_int_t	 x;
	size_t		 i;

	if (!json_is_object(e) || !json_is_object(t))
		return cerr(err, errlen, "%s.tcb: missing", w);
	if (j_svns(t, "sgxtcbcomponents", l->sgx, w, err, errlen) ||
	    j_svns(t, "tdxtcbcomponents", l->tdx, w, err, errlen) ||
	    j_uint(t, "pcesvn", 65535, &x, w, err, errlen) ||
	    j_status(e, &l->status, w, err, errlen))
		return -1;
	l->pcesvn = (uint16_t)x;
	adv = json_object_get(e, "advisoryIDs");
	if (adv == NULL)
		return 0;
	if (!json_is_array(adv) || json_array_size(adv) > TDX_MAX_ADVISORIES)
		return cerr(err, errlen, "%s.advisoryIDs: want at most %d "
		    "strings", w, TDX_MAX_ADVISORIES);
	for (i = 0; i < json_array_size(adv); i++) {
		json_t	*s = json_array_get(adv, i);

		if (!json_is_string(s) ||
		    json_string_length(s) >= TDX_ADVISORY_LEN ||
		    strlen(json_string_value(s)) != json_string_length(s))
			return cerr(err, errlen, "%s.advisoryIDs[%zu]: want a "
			    "short string", w, i);
		snprintf(l->adv[i], TDX_ADVISORY_LEN, "%s",
		    json_string_value(s));
	}
	l->n_adv = json_array_size(adv);
	return 0;
}

static int
tcb_info_fill(json_t *j, struct tdx_tcb_info *ti, char *err, size_t errlen)
{
	json_t		*v, *m, *a;
	json_int_t	 x;
	size_t		 i;
	char		 w[64];
	const char	*W = "tcbInfo";

	v = json_object_get(j, "id");
	if (!json_is_string(v) || strcmp(json_string_value(v), "TDX") != 0)
		return cerr(err, errlen, "tcbInfo.id: want \"TDX\"");
	if (j_uint(j, "version", 1000, &x, W, err, errlen))
		return -1;
	if (x != 3)
		return cerr(err, errlen, "tcbInfo.version: %lld, want 3",
		    (long long)x);
	if (j_time(j, "issueDate", &ti->issue_date, W, err, errlen) ||
	    j_time(j, "nextUpdate", &ti->next_update, W, err, errlen) ||
	    j_hex(j, "fmspc", ti->fmspc, 6, W, err, errlen) ||
	    j_hex(j, "pceId", ti->pceid, 2, W, err, errlen) ||
	    j_uint(j, "tcbEvaluationDataNumber", UINT32_MAX, &x, W, err,
	    errlen))
		return -1;
	ti->eval_number = (uint32_t)x;
	if (json_object_get(j, "tcbType") != NULL &&
	    (j_uint(j, "tcbType", 1000, &x, W, err, errlen) || x != 0))
		return cerr(err, errlen, "tcbInfo.tcbType: want 0");
	m = json_object_get(j, "tdxModule");
	if (!json_is_object(m))
		return cerr(err, errlen, "tcbInfo.tdxModule: missing");
	if (j_hex(m, "mrsigner", ti->module_mrsigner, 48, "tcbInfo.tdxModule",
	    err, errlen) || j_hex(m, "attributes", ti->module_attributes, 8,
	    "tcbInfo.tdxModule", err, errlen) || j_hex(m, "attributesMask",
	    ti->module_attributes_mask, 8, "tcbInfo.tdxModule", err, errlen))
		return -1;

	a = json_object_get(j, "tdxModuleIdentities");
	if (a != NULL) {
		if (!json_is_array(a) ||
		    json_array_size(a) > TDX_MAX_MODULE_IDS)
			return cerr(err, errlen, "tcbInfo.tdxModuleIdentities:"
			    " want an array of at most %d", TDX_MAX_MODULE_IDS);
		ti->n_modules = json_array_size(a);
		if (ti->n_modules > 0 && (ti->modules = calloc(ti->n_modules,
		    sizeof(*ti->modules))) == NULL)
			return cerr(err, errlen, "out of memory");
		for (i = 0; i < ti->n_modules; i++) {
			struct tdx_module_identity *mi = &ti->modules[i];

			m = json_array_get(a, i);
			snprintf(w, sizeof(w), "tcbInfo.tdxModuleIdentities"
			    "[%zu]", i);
			v = json_object_get(m, "id");
			if (!json_is_string(v) ||
			    json_string_length(v) >= sizeof(mi->id))
				return cerr(err, errlen, "%s.id: missing", w);
			snprintf(mi->id, sizeof(mi->id), "%s",
			    json_string_value(v));
			if (j_hex(m, "mrsigner", mi->mrsigner, 48, w, err,
			    errlen) || j_hex(m, "attributes", mi->attributes,
			    8, w, err, errlen) || j_hex(m, "attributesMask",
			    mi->attributes_mask, 8, w, err, errlen) ||
			    isv_levels(m, &mi->levels, &mi->n_levels, w, err,
			    errlen))
				return -1;
		}
	}

	a = json_object_get(j, "tcbLevels");
	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > TDX_MAX_TCB_LEVELS)
		return cerr(err, errlen, "tcbInfo.tcbLevels: want 1..%d levels",
		    TDX_MAX_TCB_LEVELS);
	ti->n_levels = json_array_size(a);
	if ((ti->levels = calloc(ti->n_levels, sizeof(*ti->levels))) == NULL)
		return cerr(err, errlen, "out of memory");
	for (i = 0; i < ti->n_levels; i++) {
		snprintf(w, sizeof(w), "tcbInfo.tcbLevels[%zu]", i);
		if (tcb_level_parse(json_array_get(a, i), &ti->levels[i], w,
		    err, errlen))
			return -1;
	}
	return 0;
}

struct tdx_tcb_info *
tdx_tcb_info_parse(const uint8_t *b, size_t len, char *err, size_t errlen)
{
	struct tdx_tcb_info	*ti;
	json_t			*j;

	if ((j = load_object(b, len, "tcbInfo", err, errlen)) == NULL)
		return NULL;
	if ((ti = calloc(1, sizeof(*ti))) == NULL) {
		json_decref(j);
		cerr(err, errlen, "out of memory");
		return NULL;
	}
	if (tcb_info_fill(j, ti, err, errlen) != 0) {
		tdx_tcb_info_free(ti);
		ti = NULL;
	}
	json_decref(j);
	return ti;
}

void
tdx_qe_identity_free(struct tdx_qe_identity *qi)
{
	if (qi == NULL)
		return;
	free(qi->levels);
	free(qi);
}

static int
qe_identity_fill(json_t *j, struct tdx_qe_identity *qi, char *err,
    size_t errlen)
{
	json_t		*v;
	json_int_t	 x;
	uint8_t		 b4[4];
	const char	*W = "enclaveIdentity";

	v = json_object_get(j, "id");
	if (!json_is_string(v) || strcmp(json_string_value(v), "TD_QE") != 0)
		return cerr(err, errlen, "enclaveIdentity.id: want \"TD_QE\"");
	if (j_uint(j, "version", 1000, &x, W, err, errlen))
		return -1;
	if (x != 2)
		return cerr(err, errlen, "enclaveIdentity.version: %lld, want "
		    "2", (long long)x);
	if (j_time(j, "issueDate", &qi->issue_date, W, err, errlen) ||
	    j_time(j, "nextUpdate", &qi->next_update, W, err, errlen) ||
	    j_uint(j, "tcbEvaluationDataNumber", UINT32_MAX, &x, W, err,
	    errlen))
		return -1;
	qi->eval_number = (uint32_t)x;
	/* MISCSELECT hex is read as the u32 value, most significant first. */
	if (j_hex(j, "miscselect", b4, 4, W, err, errlen))
		return -1;
	qi->miscselect = (uint32_t)b4[0] << 24 | (uint32_t)b4[1] << 16 |
	    (uint32_t)b4[2] << 8 | b4[3];
	if (j_hex(j, "miscselectMask", b4, 4, W, err, errlen))
		return -1;
	qi->miscselect_mask = (uint32_t)b4[0] << 24 | (uint32_t)b4[1] << 16 |
	    (uint32_t)b4[2] << 8 | b4[3];
	if (j_hex(j, "attributes", qi->attributes, 16, W, err, errlen) ||
	    j_hex(j, "attributesMask", qi->attributes_mask, 16, W, err,
	    errlen) || j_hex(j, "mrsigner", qi->mrsigner, 32, W, err, errlen) ||
	    j_uint(j, "isvprodid", 65535, &x, W, err, errlen))
		return -1;
	qi->isvprodid = (uint16_t)x;
	return isv_levels(j, &qi->levels, &qi->n_levels, W, err, errlen);
}

struct tdx_qe_identity *
tdx_qe_identity_parse(const uint8_t *b, size_t len, char *err, size_t errlen)
{
	struct tdx_qe_identity	*qi;
	json_t			*j;

	if ((j = load_object(b, len, "enclaveIdentity", err, errlen)) == NULL)
		return NULL;
	if ((qi = calloc(1, sizeof(*qi))) == NULL) {
		json_decref(j);
		cerr(err, errlen, "out of memory");
		return NULL;
	}
	if (qe_identity_fill(j, qi, err, errlen) != 0) {
		tdx_qe_identity_free(qi);
		qi = NULL;
	}
	json_decref(j);
	return qi;
}

struct tdx_collateral *
tdx_collateral_new(void)
{
	return calloc(1, sizeof(struct tdx_collateral));
}

void
tdx_collateral_free(struct tdx_collateral *c)
{
	if (c == NULL)
		return;
	free(c->tcb_info_raw);
	free(c->qe_id_raw);
	tdx_tcb_info_free(c->tcb_info);
	tdx_qe_identity_free(c->qe_id);
	X509_free(c->tcb_signing);
	X509_CRL_free(c->pck_crl);
	X509_CRL_free(c->root_crl);
	X509_free(c->pck_crl_issuer);
	free(c);
}

/* 64 raw bytes, or 128 hex characters (surrounding whitespace allowed). */
static int
sig_decode(const uint8_t *b, size_t len, uint8_t out[TDX_SIG_LEN])
{
	size_t	 s = 0, e = len;

	if (len == TDX_SIG_LEN) {
		memcpy(out, b, TDX_SIG_LEN);
		return 0;
	}
	while (s < e && (b[s] == ' ' || b[s] == '\n' || b[s] == '\r'))
		s++;
	while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\n' ||
	    b[e - 1] == '\r'))
		e--;
	if (e - s != 2 * TDX_SIG_LEN)
		return -1;
	return hex_decode((const char *)b + s, e - s, out, TDX_SIG_LEN);
}

/*
 * A signed JSON item: PCS body {"<key>":{...},"signature":"hex"} or the
 * bare object.  Sets *raw to a copy of the signed bytes.
 */
static int
signed_json(const uint8_t *b, size_t len, const char *key, uint8_t **raw,
    size_t *rawlen, uint8_t sig[TDX_SIG_LEN], int *has_sig, char *err,
    size_t errlen)
{
	json_t		*j, *s;
	size_t		 off, vlen;

	if ((j = load_object(b, len, key, err, errlen)) == NULL)
		return -1;
	if (json_object_get(j, key) != NULL) {
		s = json_object_get(j, "signature");
		if (!json_is_string(s) || sig_decode((const uint8_t *)
		    json_string_value(s), json_string_length(s), sig) != 0) {
			json_decref(j);
			return cerr(err, errlen, "%s body: \"signature\" is not"
			    " 128 hex characters", key);
		}
		*has_sig = 1;
		json_decref(j);
		if (tdx_json_span(b, len, key, &off, &vlen, err, errlen) != 0)
			return -1;
	} else {
		json_decref(j);
		off = skip_ws(b, len, 0);
		vlen = len - off;
		while (vlen > 0 && (b[off + vlen - 1] == ' ' ||
		    b[off + vlen - 1] == '\n' || b[off + vlen - 1] == '\r' ||
		    b[off + vlen - 1] == '\t'))
			vlen--;
	}
	if ((*raw = malloc(vlen)) == NULL)
		return cerr(err, errlen, "out of memory");
	memcpy(*raw, b + off, vlen);
	*rawlen = vlen;
	return 0;
}

static X509_CRL *
crl_decode(const uint8_t *b, size_t len, const char *what, char *err,
    size_t errlen)
{
	X509_CRL		*crl = NULL;
	BIO			*bio;
	uint8_t			*der = NULL;
	size_t			 derlen, i;
	const unsigned char	*p;
	int			 ishex = len > 0 && len % 2 == 0;

	if (len > INT32_MAX)
		return NULL;
	if (len > 10 && memcmp(b, "-----BEGIN", 10) == 0) {
		if ((bio = BIO_new_mem_buf(b, (int)len)) != NULL) {
			crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
			BIO_free(bio);
		}
	} else {
		for (i = 0; i < len && ishex; i++)
			ishex = strchr("0123456789abcdefABCDEF", b[i]) != NULL &&
			    b[i] != '\0';
		if (ishex) {
			if (hex_decode_alloc((const char *)b, len, &der,
			    &derlen) != 0)
				derlen = 0;
		} else
			derlen = len;
		p = ishex ? der : b;
		if (derlen > 0 && (crl = d2i_X509_CRL(NULL, &p, (long)derlen))
		    != NULL && p != (ishex ? der : b) + derlen) {
			X509_CRL_free(crl);
			crl = NULL;
		}
		free(der);
	}
	ERR_clear_error();
	if (crl == NULL)
		cerr(err, errlen, "%s: not one DER, PEM or hex CRL", what);
	return crl;
}

int
tdx_collateral_set(struct tdx_collateral *c, enum tdx_coll_item it,
    const uint8_t *b, size_t len, char *err, size_t errlen)
{
	BIO		*bio;
	X509		*x;
	X509_CRL	*crl;

	if (len > TDX_COLL_MAX_LEN)
		return cerr(err, errlen, "collateral item %d: %zu bytes, more "
		    "than %d", (int)it, len, TDX_COLL_MAX_LEN);
	switch (it) {
	case TDX_COLL_TCB_INFO:
		if (c->tcb_info != NULL)
			return cerr(err, errlen, "TCB Info given twice");
		if (signed_json(b, len, "tcbInfo", &c->tcb_info_raw,
		    &c->tcb_info_len, c->tcb_info_sig, &c->has_tcb_info_sig,
		    err, errlen) != 0)
			return -1;
		c->tcb_info = tdx_tcb_info_parse(c->tcb_info_raw,
		    c->tcb_info_len, err, errlen);
		return c->tcb_info == NULL ? -1 : 0;
	case TDX_COLL_QE_IDENTITY:
		if (c->qe_id != NULL)
			return cerr(err, errlen, "QE Identity given twice");
		if (signed_json(b, len, "enclaveIdentity", &c->qe_id_raw,
		    &c->qe_id_len, c->qe_id_sig, &c->has_qe_id_sig, err,
		    errlen) != 0)
			return -1;
		c->qe_id = tdx_qe_identity_parse(c->qe_id_raw, c->qe_id_len,
		    err, errlen);
		return c->qe_id == NULL ? -1 : 0;
	case TDX_COLL_TCB_INFO_SIG:
		if (sig_decode(b, len, c->tcb_info_sig) != 0)
			return cerr(err, errlen, "TCB Info signature: want 64 "
			    "bytes or 128 hex characters, got %zu bytes", len);
		c->has_tcb_info_sig = 1;
		return 0;
	case TDX_COLL_QE_IDENTITY_SIG:
		if (sig_decode(b, len, c->qe_id_sig) != 0)
			return cerr(err, errlen, "QE Identity signature: want "
			    "64 bytes or 128 hex characters, got %zu bytes",
			    len);
		c->has_qe_id_sig = 1;
		return 0;
	case TDX_COLL_TCB_ISSUER_CHAIN:
	case TDX_COLL_PCK_CRL_ISSUER_CHAIN:
		/* Only the first (issuing) certificate matters: the root
		 * is always the built-in one. */
		if ((bio = BIO_new_mem_buf(b, (int)len)) == NULL)
			return cerr(err, errlen, "out of memory");
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		BIO_free(bio);
		ERR_clear_error();
		if (x == NULL)
			return cerr(err, errlen, "%s: no PEM certificate",
			    it == TDX_COLL_TCB_ISSUER_CHAIN ?
			    "TCB Info issuer chain" : "PCK CRL issuer chain");
		if (it == TDX_COLL_TCB_ISSUER_CHAIN) {
			X509_free(c->tcb_signing);
			c->tcb_signing = x;
		} else {
			X509_free(c->pck_crl_issuer);
			c->pck_crl_issuer = x;
		}
		return 0;
	case TDX_COLL_PCK_CRL:
	case TDX_COLL_ROOT_CA_CRL:
		crl = crl_decode(b, len, it == TDX_COLL_PCK_CRL ? "PCK CRL" :
		    "root CA CRL", err, errlen);
		if (crl == NULL)
			return -1;
		if (it == TDX_COLL_PCK_CRL) {
			X509_CRL_free(c->pck_crl);
			c->pck_crl = crl;
		} else {
			X509_CRL_free(c->root_crl);
			c->root_crl = crl;
		}
		return 0;
	default:
		return cerr(err, errlen, "unknown collateral item %d", (int)it);
	}
}

static int
set_file(struct tdx_collateral *c, enum tdx_coll_item it, const char *path,
    int optional, int *loaded, char *err, size_t errlen)
{
	struct stat	 st;
	uint8_t		*b;
	size_t		 len;
	char		 e2[ATTEST_ERR_LEN];
	int		 r;

	if (optional && stat(path, &st) == -1 && errno == ENOENT)
		return 0;
	if (file_read(path, TDX_COLL_MAX_LEN, &b, &len, err, errlen) != 0)
		return -1;
	r = tdx_collateral_set(c, it, b, len, e2, sizeof(e2));
	free(b);
	if (r != 0)
		return cerr(err, errlen, "%s: %s", path, e2);
	(*loaded)++;
	return 0;
}

int
tdx_collateral_load_files(const struct tdx_collateral_files *f,
    struct tdx_collateral **out, char *err, size_t errlen)
{
	struct tdx_collateral	*c;
	int			 i, n = 0;

	*out = NULL;
	if ((c = tdx_collateral_new()) == NULL)
		return cerr(err, errlen, "out of memory");
	for (i = 0; i < TDX_COLL__MAX; i++) {
		if (f->path[i] == NULL)
			continue;
		if (set_file(c, (enum tdx_coll_item)i, f->path[i], 0, &n, err,
		    errlen) != 0) {
			tdx_collateral_free(c);
			return -1;
		}
	}
	*out = c;
	return 0;
}

int
tdx_collateral_load_dir(const char *dir, struct tdx_collateral **out,
    char *err, size_t errlen)
{
	static const struct {
		enum tdx_coll_item	 it;
		const char		*name;
	} names[] = {
		{ TDX_COLL_TCB_INFO, "tcb_info.json" },
		{ TDX_COLL_TCB_INFO, "tcbInfo.json" },
		{ TDX_COLL_TCB_INFO_SIG, "tcb_info.sig" },
		{ TDX_COLL_QE_IDENTITY, "qe_identity.json" },
		{ TDX_COLL_QE_IDENTITY, "enclaveIdentity.json" },
		{ TDX_COLL_QE_IDENTITY_SIG, "qe_identity.sig" },
		{ TDX_COLL_TCB_ISSUER_CHAIN, "tcb_info_issuer_chain.pem" },
		{ TDX_COLL_PCK_CRL, "pck_crl.der" },
		{ TDX_COLL_ROOT_CA_CRL, "root_ca_crl.der" },
		{ TDX_COLL_PCK_CRL_ISSUER_CHAIN, "pck_crl_issuer_chain.pem" },
	};
	struct tdx_collateral	*c;
	char			 path[4096];
	size_t			 i;
	int			 n = 0;

	*out = NULL;
	if ((c = tdx_collateral_new()) == NULL)
		return cerr(err, errlen, "out of memory");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i].name) >= sizeof(path)) {
			tdx_collateral_free(c);
			return cerr(err, errlen, "%s: path too long", dir);
		}
		if (set_file(c, names[i].it, path, 1, &n, err, errlen) != 0) {
			tdx_collateral_free(c);
			return -1;
		}
	}
	if (c->tcb_info == NULL && c->qe_id == NULL && c->pck_crl == NULL &&
	    c->root_crl == NULL) {
		tdx_collateral_free(c);
		return cerr(err, errlen, "%s: no TDX collateral (tcb_info.json, "
		    "qe_identity.json, pck_crl.der, root_ca_crl.der)", dir);
	}
	*out = c;
	return 0;
}

int
tdx_collateral_load_json(const uint8_t *b, size_t len,
    struct tdx_collateral **out, char *err, size_t errlen)
{
	static const struct {
		enum tdx_coll_item	 it;
		const char		*key;
	} keys[] = {
		{ TDX_COLL_TCB_INFO, "tcb_info" },
		{ TDX_COLL_TCB_INFO_SIG, "tcb_info_signature" },
		{ TDX_COLL_QE_IDENTITY, "qe_identity" },
		{ TDX_COLL_QE_IDENTITY_SIG, "qe_identity_signature" },
		{ TDX_COLL_TCB_ISSUER_CHAIN, "tcb_info_issuer_chain" },
		{ TDX_COLL_PCK_CRL, "pck_crl" },
		{ TDX_COLL_ROOT_CA_CRL, "root_ca_crl" },
		{ TDX_COLL_PCK_CRL_ISSUER_CHAIN, "pck_crl_issuer_chain" },
	};
	struct tdx_collateral	*c;
	json_t			*j, *v;
	size_t			 i;
	char			 e2[ATTEST_ERR_LEN];

	*out = NULL;
	if ((j = load_object(b, len, "collateral", err, errlen)) == NULL)
		return -1;
	if ((c = tdx_collateral_new()) == NULL) {
		json_decref(j);
		return cerr(err, errlen, "out of memory");
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(j, keys[i].key);
		if (v == NULL)
			continue;
		if (!json_is_string(v) || tdx_collateral_set(c, keys[i].it,
		    (const uint8_t *)json_string_value(v),
		    json_string_length(v), e2, sizeof(e2)) != 0) {
			cerr(err, errlen, "collateral JSON \"%s\": %s",
			    keys[i].key, json_is_string(v) ? e2 :
			    "not a string");
			tdx_collateral_free(c);
			json_decref(j);
			return -1;
		}
	}
	json_decref(j);
	*out = c;
	return 0;
}
