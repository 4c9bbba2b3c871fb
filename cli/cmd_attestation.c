/*
 * contrast attestation: inspect and verify attestation evidence offline.
 *
 *   contrast attestation verify --report FILE [--vcek FILE] [--chain FILE]
 *       [--crl FILE] [--certs FILE] [--collateral DIR|FILE]
 *       [--reference-values FILE] [--sim-dir DIR] [--report-data HEX]
 *       [--hostdata HEX] [--at RFC3339] [--format text|json]
 *   contrast attestation inspect --report FILE [--format text|json]
 *
 * --report takes a raw SNP report, a hex dump of one (whitespace
 * tolerated), a TDX quote (raw or hex), or an evidence blob (`contrast sim
 * report --evidence', src/evidence.h) which brings its certificates.
 * The verification itself is the SNP / TDX verifier's (src/snp.h,
 * src/tdx.h); this file only gathers inputs and prints the verdict.
 * Exit: 0 verified, 3 evidence rejected, 1 usage or I/O error.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cli.h"
#include "evidence.h"
#include "manifest.h"
#include "sim.h"
#include "snp.h"
#include "tdx.h"
#include "util.h"

#define AT_INPUT_MAX	(1024 * 1024)	/* --report, hex text included */
#define AT_ERR_LEN	1024

enum at_kind { AT_SNP, AT_TDX };

struct at_opts {
	const char	*report, *vcek, *chain, *crl, *certs, *collateral;
	const char	*refvals, *sim_dir, *report_data, *hostdata, *at;
	int		 json;
	int		 verify;
};

/* Everything gathered for one run; freed by at_free(). */
struct at_run {
	enum at_kind		 kind;
	uint8_t			*raw;		/* report or quote */
	size_t			 raw_len;
	struct evidence		 ev;		/* certs from blob / --certs */
	uint8_t			*vcek, *chain, *crl;
	size_t			 vcek_len, chain_len, crl_len;
	struct refvals		 rv;
	struct manifest		*manifest;	/* when refvals came from one */
	int			 have_rv;
	uint8_t			 rd[64], hd[32];
	int			 have_rd, have_hd;
	time_t			 at;
	/* Results. */
	int			 verified;
	const char		*reason;
	char			 err[AT_ERR_LEN];
	enum attest_platform	 platform;
	struct attest_verdict	 vd;
	int			 have_vd;
	char			 signer[8];
	char			 refval_name[96];
	char			 tcb_status[64];
	char			*fields_text;	/* the printer's output */
	size_t			 fields_len;
};

static void
at_usage(FILE *f)
{
	fprintf(f,
	    "usage: contrast attestation verify --report FILE [--vcek FILE] "
	    "[--chain FILE]\n"
	    "           [--crl FILE] [--certs FILE] [--collateral DIR|FILE]\n"
	    "           [--reference-values FILE] [--sim-dir DIR] "
	    "[--report-data HEX]\n"
	    "           [--hostdata HEX] [--at RFC3339] "
	    "[--format text|json]\n"
	    "       contrast attestation inspect --report FILE "
	    "[--format text|json]\n"
	    "Exit status: 0 verified, 3 evidence rejected, 1 usage or I/O "
	    "error.\n");
}

static int
at_read(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	char	 err[512];

	if (file_read(path, max, buf, len, err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: attestation: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM), or a bare date (UTC
 * midnight).  Fractions are dropped: certificates have whole seconds.
 */
static int
at_parse_time(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*p;
	int		 n = 0, oh, om, sign;
	long		 off = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &n) != 3 || n != 10)
		return -1;
	p = s + n;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		n = 0;
		if (sscanf(p + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min,
		    &tm.tm_sec, &n) != 3 || n != 8)
			return -1;
		p += 1 + n;
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -1;
			while (isdigit((unsigned char)*p))
				p++;
		}
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			n = 0;
			if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 ||
			    n != 5 || oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600L + om * 60L);
			p += 1 + n;
		} else
			return -1;
	}
	if (*p != '\0' || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm) - off;
	return 0;
}

static int
at_hex_arg(const char *what, const char *s, uint8_t *out, size_t len)
{
	if (strlen(s) != 2 * len || hex_decode(s, 2 * len, out, len) == -1) {
		fprintf(stderr, "contrast: attestation: --%s: want %zu bytes "
		    "of hex\n", what, len);
		return -1;
	}
	return 0;
}

/* Hex text with any whitespace → bytes; -1 if it is not that. */
static int
at_unhex(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	char	*s;
	size_t	 i, n = 0;
	int	 rv;

	if ((s = malloc(len + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		if (isspace(in[i]))
			continue;
		if (!isxdigit(in[i])) {
			free(s);
			return -1;
		}
		s[n++] = (char)in[i];
	}
	rv = n == 0 ? -1 : hex_decode_alloc(s, n, out, outlen);
	free(s);
	return rv;
}

/* --report: raw SNP, hex SNP, TDX quote (raw or hex), evidence blob. */
static int
at_load_report(struct at_run *r, const char *path)
{
	uint8_t	*buf, *dec;
	size_t	 len, declen;
	char	 err[512];

	if (at_read(path, AT_INPUT_MAX, &buf, &len) == -1)
		return -1;
	if (len >= 4 && memcmp(buf, "CTEV", 4) == 0) {
		if (evidence_decode(buf, len, &r->ev, err, sizeof(err)) == -1) {
			fprintf(stderr, "contrast: attestation: %s: %s\n",
			    path, err);
			free(buf);
			return -1;
		}
		free(buf);
		r->kind = r->ev.platform == ATTEST_PLATFORM_TDX ? AT_TDX :
		    AT_SNP;
		r->raw = r->ev.report;
		r->raw_len = r->ev.report_len;
		r->ev.report = NULL;
		r->ev.report_len = 0;
		return 0;
	}
	if (len != SNP_REPORT_LEN && !tdx_is_quote(buf, len) &&
	    at_unhex(buf, len, &dec, &declen) == 0) {
		free(buf);
		buf = dec;
		len = declen;
	}
	if (tdx_is_quote(buf, len))
		r->kind = AT_TDX;
	else if (len == SNP_REPORT_LEN)
		r->kind = AT_SNP;
	else {
		fprintf(stderr, "contrast: attestation: %s: not an SNP report "
		    "(%zu bytes, want %d), a hex dump of one, a TDX quote or "
		    "an evidence blob\n", path, len, SNP_REPORT_LEN);
		free(buf);
		return -1;
	}
	r->raw = buf;
	r->raw_len = len;
	return 0;
}

static int
at_load_refvals(struct at_run *r, const char *path)
{
	struct manifest_errors	 errs;
	json_t			*j;
	json_error_t		 jerr;
	uint8_t			*buf;
	size_t			 len;
	char			 msg[2048];
	int			 rc;

	if (at_read(path, MANIFEST_MAX_SIZE, &buf, &len) == -1)
		return -1;
	manifest_errors_init(&errs);
	j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		fprintf(stderr, "contrast: attestation: %s: line %d: %s\n",
		    path, jerr.line, jerr.text);
		free(buf);
		return -1;
	}
	if (json_is_object(j) && json_object_get(j, "ReferenceValues")) {
		/* A whole manifest: only a valid one may judge evidence. */
		rc = manifest_parse(buf, len, &r->manifest, &errs);
		if (rc == 0 && manifest_validate(r->manifest, &errs) == -1)
			rc = -1;
		if (rc == 0) {
			r->rv = r->manifest->refvals;
			r->have_rv = 1;
		}
	} else {
		rc = manifest_parse_refvals(buf, len, &r->rv, &errs);
		if (rc == 0)
			r->have_rv = 2;
	}
	json_decref(j);
	free(buf);
	if (rc == -1) {
		manifest_errors_format(&errs, msg, sizeof(msg));
		fprintf(stderr, "contrast: attestation: %s: invalid reference "
		    "values:\n%s\n", path, msg);
		return -1;
	}
	return 0;
}

static void
at_free(struct at_run *r)
{
	free(r->raw);
	free(r->vcek);
	free(r->chain);
	free(r->crl);
	free(r->fields_text);
	evidence_free(&r->ev);
	if (r->have_rv == 2)
		refvals_free(&r->rv);
	manifest_free(r->manifest);
}

/* The printer's output into r->fields_text (text or JSON). */
static int
at_capture_snp(struct at_run *r, const struct snp_report *rep,
    enum snp_product prod, int json)
{
	FILE	*f;

	if ((f = open_memstream(&r->fields_text, &r->fields_len)) == NULL)
		return -1;
	snp_report_print(f, rep, prod, json);
	return fclose(f) == 0 ? 0 : -1;
}

static int
at_capture_tdx(struct at_run *r, const struct tdx_quote *q, int json)
{
	FILE	*f;

	if ((f = open_memstream(&r->fields_text, &r->fields_len)) == NULL)
		return -1;
	tdx_quote_print(f, q, json);
	return fclose(f) == 0 ? 0 : -1;
}

static int
at_sim_ark_sha256(const char *dir, uint8_t out[32])
{
	struct sim	*s;
	char		 err[512];

	if (sim_open(dir, &s, err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: attestation: --sim-dir: %s\n", err);
		return -1;
	}
	sim_ark_sha256(s, out);
	sim_close(s);
	return 0;
}

static void
at_reject(struct at_run *r, const char *reason, const char *fmt, ...)
    __attribute__((__format__ (printf, 3, 4)));

static void
at_reject(struct at_run *r, const char *reason, const char *fmt, ...)
{
	va_list	 ap;

	r->verified = 0;
	r->reason = reason;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
}

static int
at_snp(struct at_run *r, const struct at_opts *o)
{
	struct snp_ctx		*ctx;
	struct snp_evidence	 se;
	struct snp_anchor	 anchor;
	struct snp_signer_info	 info;
	struct snp_report	 rep;
	enum snp_product	 prod;
	enum snp_reason		 rc;
	char			 err[ATTEST_ERR_LEN * 4], path[4096];

	memset(&se, 0, sizeof(se));
	memset(&rep, 0, sizeof(rep));
	memset(&info, 0, sizeof(info));
	if (!o->verify) {
		rc = snp_report_parse(r->raw, r->raw_len, &rep, err,
		    sizeof(err));
		if (rc != SNP_OK) {
			at_reject(r, snp_reason_name(rc), "%s", err);
			return 0;
		}
		r->platform = ATTEST_PLATFORM_SNP;
		return at_capture_snp(r, &rep, rep.product, o->json);
	}
	if ((ctx = snp_ctx_new(err, sizeof(err))) == NULL) {
		fprintf(stderr, "contrast: attestation: %s\n", err);
		return -1;
	}
	se.report = r->raw;
	se.report_len = r->raw_len;
	/* Explicit files win over what the evidence brought along. */
	if (r->vcek != NULL) {
		se.vcek = r->vcek;
		se.vcek_len = r->vcek_len;
	} else if (r->ev.vcek != NULL) {
		se.vcek = r->ev.vcek;
		se.vcek_len = r->ev.vcek_len;
	} else if (r->ev.vlek != NULL) {
		se.vcek = r->ev.vlek;
		se.vcek_len = r->ev.vlek_len;
	}
	if (r->chain == NULL && o->sim_dir != NULL) {
		snprintf(path, sizeof(path), "%s/cert_chain.pem", o->sim_dir);
		if (at_read(path, SNP_EVIDENCE_MAX, &r->chain,
		    &r->chain_len) == -1)
			goto fail;
	}
	if (r->chain == NULL && evidence_snp_chain(&r->ev, &r->chain,
	    &r->chain_len, err, sizeof(err)) == -1)
		goto fail;
	se.chain = r->chain;
	se.chain_len = r->chain_len;
	se.crl = r->crl;
	se.crl_len = r->crl_len;

	if (r->have_rv) {
		rc = snp_verify(ctx, &se, &r->rv, r->have_rd ? r->rd : NULL,
		    r->at, &r->vd, &rep, err, sizeof(err));
		prod = rep.product;
		if (rc == SNP_OK) {
			const struct snp_refval	*e =
			    &r->rv.snp[r->vd.refval_index];

			r->have_vd = 1;
			if (e->product != SNP_PRODUCT_UNKNOWN)
				prod = e->product;
			snprintf(r->refval_name, sizeof(r->refval_name),
			    "%zu (%s)", r->vd.refval_index,
			    e->platform_name);
		}
	} else {
		memset(&anchor, 0, sizeof(anchor));
		if (o->sim_dir != NULL) {
			anchor.kind = SNP_ANCHOR_PINNED;
			if (at_sim_ark_sha256(o->sim_dir,
			    anchor.ark_sha256) == -1)
				goto fail;
		} else {
			anchor.kind = SNP_ANCHOR_AMD;
			anchor.product = SNP_PRODUCT_UNKNOWN;
		}
		rc = snp_verify_evidence(ctx, &se, &anchor, r->at, &rep,
		    &info, err, sizeof(err));
		prod = rc == SNP_OK ? info.product : rep.product;
		if (rc == SNP_OK) {
			r->have_vd = 1;
			r->vd.platform = anchor.kind == SNP_ANCHOR_PINNED ?
			    ATTEST_PLATFORM_SIM_SNP : ATTEST_PLATFORM_SNP;
			memcpy(r->vd.policy_hash, rep.host_data, 32);
			snprintf(r->signer, sizeof(r->signer), "%s",
			    info.signer == SNP_SIGNER_VLEK ? "VLEK" : "VCEK");
		}
		if (rc == SNP_OK && r->have_rd &&
		    CRYPTO_memcmp(rep.report_data, r->rd, 64) != 0) {
			rc = SNP_ERR_REPORT_DATA;
			snprintf(err, sizeof(err), "REPORT_DATA mismatch");
			r->have_vd = 0;
		}
	}
	if (rc == SNP_OK && r->have_hd &&
	    CRYPTO_memcmp(rep.host_data, r->hd, 32) != 0) {
		at_reject(r, "hostdata_mismatch", "HOSTDATA mismatch: the "
		    "report names another policy");
		r->have_vd = 0;
	} else if (rc != SNP_OK)
		at_reject(r, snp_reason_name(rc), "%s", err);
	else
		r->verified = 1;
	r->platform = r->have_vd ? r->vd.platform : ATTEST_PLATFORM_SNP;
	if (r->signer[0] == '\0' && rep.version != 0)
		snprintf(r->signer, sizeof(r->signer), "%s",
		    rep.signing_key == SNP_SIGNER_VLEK ? "VLEK" : "VCEK");
	/* Fields only if the report parsed (version is never 0 then). */
	if (rep.version != 0 && at_capture_snp(r, &rep, prod, o->json) == -1)
		goto fail;
	snp_ctx_free(ctx);
	return 0;
 fail:
	snp_ctx_free(ctx);
	return -1;
}

static int
at_tdx(struct at_run *r, const struct at_opts *o)
{
	struct tdx_quote	 q;
	struct tdx_evidence	 tev;
	struct tdx_collateral	*coll = NULL;
	struct stat		 st;
	enum attest_reject	 rc;
	uint8_t			*buf;
	size_t			 len;
	char			 err[ATTEST_ERR_LEN * 4];
	static const uint8_t	 zero16[16];

	r->platform = ATTEST_PLATFORM_TDX;
	memset(&tev, 0, sizeof(tev));
	if ((rc = tdx_quote_parse(r->raw, r->raw_len, &q, err,
	    sizeof(err))) != ATTEST_OK) {
		at_reject(r, attest_reject_name(rc), "%s", err);
		return 0;
	}
	if (!o->verify)
		return at_capture_tdx(r, &q, o->json);
	if (o->collateral != NULL) {
		if (stat(o->collateral, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (tdx_collateral_load_dir(o->collateral, &coll, err,
			    sizeof(err)) == -1) {
				fprintf(stderr, "contrast: attestation: "
				    "--collateral: %s\n", err);
				return -1;
			}
		} else {
			if (at_read(o->collateral, AT_INPUT_MAX, &buf,
			    &len) == -1)
				return -1;
			if (tdx_collateral_load_json(buf, len, &coll, err,
			    sizeof(err)) == -1) {
				fprintf(stderr, "contrast: attestation: %s: "
				    "%s\n", o->collateral, err);
				free(buf);
				return -1;
			}
			free(buf);
		}
	}
	if (r->have_rv) {
		rc = tdx_verify(r->raw, r->raw_len, coll, &r->rv,
		    r->have_rd ? r->rd : NULL, r->at, &r->vd, err,
		    sizeof(err));
		if (rc == ATTEST_OK) {
			r->have_vd = 1;
			snprintf(r->refval_name, sizeof(r->refval_name),
			    "%zu (%s)", r->vd.refval_index,
			    r->rv.tdx[r->vd.refval_index].platform_name);
		}
	} else {
		rc = tdx_verify_evidence(&q, coll, NULL, r->at, &tev, err,
		    sizeof(err));
		if (rc == ATTEST_OK && r->have_rd &&
		    CRYPTO_memcmp(q.body.report_data, r->rd, 64) != 0) {
			rc = ATTEST_REJECT_REPORT_DATA;
			snprintf(err, sizeof(err), "REPORTDATA mismatch");
		}
		if (rc == ATTEST_OK) {
			r->have_vd = 1;
			r->vd.platform = ATTEST_PLATFORM_TDX;
			memcpy(r->vd.policy_hash, q.body.mr_config_id, 32);
			if (tev.have_collateral)
				snprintf(r->tcb_status, sizeof(r->tcb_status),
				    "%s", tdx_tcb_status_name(tev.status));
		}
	}
	if (rc == ATTEST_OK && r->have_hd &&
	    (CRYPTO_memcmp(q.body.mr_config_id, r->hd, 32) != 0 ||
	    CRYPTO_memcmp(q.body.mr_config_id + 32, zero16, 16) != 0)) {
		at_reject(r, "hostdata_mismatch", "MRCONFIGID is not the "
		    "given policy hash");
		r->have_vd = 0;
	} else if (rc != ATTEST_OK)
		at_reject(r, attest_reject_name(rc), "%s", err);
	else
		r->verified = 1;
	tdx_collateral_free(coll);
	return at_capture_tdx(r, &q, o->json);
}

static const char *
at_platform_name(enum attest_platform p)
{
	switch (p) {
	case ATTEST_PLATFORM_SNP:
		return "SNP";
	case ATTEST_PLATFORM_TDX:
		return "TDX";
	case ATTEST_PLATFORM_SIM_SNP:
		return "Sim-SNP";
	default:
		return "none";
	}
}

static int
at_print(struct at_run *r, const struct at_opts *o)
{
	const char	*verdict = !o->verify ? (r->reason ? "malformed" :
			    "parsed") : r->verified ? "verified" : "rejected";
	char		 hex[65];
	json_t		*j, *fields = NULL;
	json_error_t	 jerr;
	char		*s;

	hex_encode(r->vd.policy_hash, 32, hex);
	if (!o->json) {
		printf("verdict: %s\n", verdict);
		printf("platform: %s\n", at_platform_name(r->platform));
		if (r->reason != NULL)
			printf("reason: %s\nerror: %s\n", r->reason, r->err);
		if (r->signer[0] != '\0')
			printf("signer: %s\n", r->signer);
		if (r->have_vd)
			printf("policy_hash: %s\n", hex);
		if (r->refval_name[0] != '\0')
			printf("reference_value: %s\n", r->refval_name);
		if (r->tcb_status[0] != '\0')
			printf("tcb_status: %s\n", r->tcb_status);
		if (r->fields_text != NULL)
			fwrite(r->fields_text, 1, r->fields_len, stdout);
		return ferror(stdout) ? -1 : 0;
	}
	if (r->fields_text != NULL && (fields = json_loadb(r->fields_text,
	    r->fields_len, 0, &jerr)) == NULL) {
		fprintf(stderr, "contrast: attestation: internal: field "
		    "printer output is not JSON: %s\n", jerr.text);
		return -1;
	}
	j = json_pack("{s:s, s:s}", "verdict", verdict, "platform",
	    at_platform_name(r->platform));
	if (j == NULL)
		return -1;
	if (r->reason != NULL) {
		json_object_set_new(j, "reason", json_string(r->reason));
		json_object_set_new(j, "error", json_string(r->err));
	}
	if (r->signer[0] != '\0')
		json_object_set_new(j, "signer", json_string(r->signer));
	if (r->have_vd)
		json_object_set_new(j, "policy_hash", json_string(hex));
	if (r->refval_name[0] != '\0')
		json_object_set_new(j, "reference_value",
		    json_integer((json_int_t)r->vd.refval_index));
	if (r->tcb_status[0] != '\0')
		json_object_set_new(j, "tcb_status",
		    json_string(r->tcb_status));
	if (fields != NULL)
		json_object_set_new(j, r->kind == AT_SNP ? "report" : "quote",
		    fields);
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s == NULL)
		return -1;
	printf("%s\n", s);
	free(s);
	return ferror(stdout) ? -1 : 0;
}

static int
at_main(int argc, char **argv, int verify)
{
	static const struct option longopts[] = {
		{ "report",		required_argument, NULL, 'R' },
		{ "vcek",		required_argument, NULL, 'v' },
		{ "chain",		required_argument, NULL, 'c' },
		{ "crl",		required_argument, NULL, 'l' },
		{ "certs",		required_argument, NULL, 'C' },
		{ "collateral",		required_argument, NULL, 'o' },
		{ "reference-values",	required_argument, NULL, 'V' },
		{ "sim-dir",		required_argument, NULL, 'd' },
		{ "report-data",	required_argument, NULL, 'r' },
		{ "hostdata",		required_argument, NULL, 'H' },
		{ "at",			required_argument, NULL, 'a' },
		{ "format",		required_argument, NULL, 'f' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct at_opts	 o;
	struct at_run	 r;
	uint8_t		*buf;
	size_t		 len;
	char		 err[512];
	int		 ch, rv = 1;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	o.verify = verify;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'R': o.report = optarg; break;
		case 'v': o.vcek = optarg; break;
		case 'c': o.chain = optarg; break;
		case 'l': o.crl = optarg; break;
		case 'C': o.certs = optarg; break;
		case 'o': o.collateral = optarg; break;
		case 'V': o.refvals = optarg; break;
		case 'd': o.sim_dir = optarg; break;
		case 'r': o.report_data = optarg; break;
		case 'H': o.hostdata = optarg; break;
		case 'a': o.at = optarg; break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				o.json = 1;
			else if (strcmp(optarg, "text") != 0) {
				fprintf(stderr, "contrast: attestation: "
				    "--format: text or json\n");
				return 1;
			}
			break;
		case 'h':
			at_usage(stdout);
			return 0;
		default:
			at_usage(stderr);
			return 1;
		}
	}
	if (optind != argc || o.report == NULL) {
		fprintf(stderr, "contrast: attestation: --report is "
		    "required\n");
		at_usage(stderr);
		return 1;
	}
	if (!verify && (o.vcek || o.chain || o.crl || o.certs ||
	    o.collateral || o.refvals || o.sim_dir || o.report_data ||
	    o.hostdata || o.at)) {
		fprintf(stderr, "contrast: attestation inspect: takes only "
		    "--report and --format\n");
		return 1;
	}
	r.at = time(NULL);
	if (o.at != NULL && at_parse_time(o.at, &r.at) == -1) {
		fprintf(stderr, "contrast: attestation: --at '%s': want "
		    "RFC 3339, e.g. 2025-06-01T00:00:00Z\n", o.at);
		return 1;
	}
	if (o.report_data != NULL) {
		if (at_hex_arg("report-data", o.report_data, r.rd, 64) == -1)
			return 1;
		r.have_rd = 1;
	}
	if (o.hostdata != NULL) {
		if (at_hex_arg("hostdata", o.hostdata, r.hd, 32) == -1)
			return 1;
		r.have_hd = 1;
	}
	if (at_load_report(&r, o.report) == -1)
		goto out;
	if (o.vcek != NULL && at_read(o.vcek, SNP_EVIDENCE_MAX, &r.vcek,
	    &r.vcek_len) == -1)
		goto out;
	if (o.chain != NULL && at_read(o.chain, SNP_EVIDENCE_MAX, &r.chain,
	    &r.chain_len) == -1)
		goto out;
	if (o.crl != NULL && at_read(o.crl, SNP_EVIDENCE_MAX, &r.crl,
	    &r.crl_len) == -1)
		goto out;
	if (o.certs != NULL) {
		if (at_read(o.certs, EVIDENCE_AUXBLOB_MAX, &buf, &len) == -1)
			goto out;
		if (evidence_set_auxblob(&r.ev, buf, len, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "contrast: attestation: %s: %s\n",
			    o.certs, err);
			free(buf);
			goto out;
		}
		free(buf);
	}
	if (o.refvals != NULL && at_load_refvals(&r, o.refvals) == -1)
		goto out;
	if ((r.kind == AT_SNP ? at_snp(&r, &o) : at_tdx(&r, &o)) == -1)
		goto out;
	if (at_print(&r, &o) == -1) {
		fprintf(stderr, "contrast: attestation: writing the result "
		    "failed\n");
		goto out;
	}
	if (r.reason != NULL) {
		fprintf(stderr, "contrast: attestation %s: %s: %s\n",
		    verify ? "verify" : "inspect", r.reason, r.err);
		rv = EXIT_REJECTED;
	} else
		rv = 0;
 out:
	at_free(&r);
	return rv;
}

int
cmd_attestation(int argc, char **argv)
{
	if (argc < 2) {
		at_usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "verify") == 0)
		return at_main(argc - 1, argv + 1, 1);
	if (strcmp(argv[1], "inspect") == 0)
		return at_main(argc - 1, argv + 1, 0);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		at_usage(stdout);
		return 0;
	}
	fprintf(stderr, "contrast: attestation: unknown subcommand '%s'\n",
	    argv[1]);
	at_usage(stderr);
	return 1;
}
