/*
 * TDX quote v4/v5 parsing and printing.  Structure only: nothing here
 * trusts a byte; tdx_verify.c judges signatures.  Every length field is
 * attacker-controlled and is checked against the bytes left before use.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tdx.h"
#include "tdx_int.h"

#define SIGDATA_FIXED	(TDX_SIG_LEN + TDX_ATT_KEY_LEN + 2 + 4)

static enum attest_reject __attribute__((__format__ (printf, 3, 4)))
qerr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ATTEST_REJECT_MALFORMED;
}

/* Does [off, off+need) fit in len?  Overflow-safe. */
static int
fits(size_t len, size_t off, size_t need)
{
	return off <= len && need <= len - off;
}

int
tdx_is_quote(const uint8_t *b, size_t len)
{
	uint16_t	 v;

	if (b == NULL || len < TDX_HEADER_LEN)
		return 0;
	v = tdx_le16(b);
	return (v == 4 || v == 5) &&
	    tdx_le16(b + 2) == TDX_ATT_KEY_ECDSA_P256 &&
	    tdx_le32(b + 4) == TDX_TEE_TYPE;
}

static void
parse_body(const uint8_t *p, struct tdx_body *bd)
{
	memcpy(bd->tee_tcb_svn, p + 0x000, 16);
	memcpy(bd->mr_seam, p + 0x010, 48);
	memcpy(bd->mr_signer_seam, p + 0x040, 48);
	memcpy(bd->seam_attributes, p + 0x070, 8);
	memcpy(bd->td_attributes, p + 0x078, 8);
	memcpy(bd->xfam, p + 0x080, 8);
	memcpy(bd->mr_td, p + 0x088, 48);
	memcpy(bd->mr_config_id, p + 0x0B8, 48);
	memcpy(bd->mr_owner, p + 0x0E8, 48);
	memcpy(bd->mr_owner_config, p + 0x118, 48);
	memcpy(bd->rtmr[0], p + 0x148, 48);
	memcpy(bd->rtmr[1], p + 0x178, 48);
	memcpy(bd->rtmr[2], p + 0x1A8, 48);
	memcpy(bd->rtmr[3], p + 0x1D8, 48);
	memcpy(bd->report_data, p + 0x208, 64);
	if (bd->is_v15) {
		memcpy(bd->tee_tcb_svn2, p + 0x248, 16);
		memcpy(bd->mr_servicetd, p + 0x258, 48);
	}
}

static void
parse_qe_report(const uint8_t *p, struct tdx_qe_report *r)
{
	memcpy(r->cpu_svn, p, 16);
	r->misc_select = tdx_le32(p + 16);
	memcpy(r->attributes, p + 48, 16);
	memcpy(r->mr_enclave, p + 64, 32);
	memcpy(r->mr_signer, p + 128, 32);
	r->isv_prod_id = tdx_le16(p + 256);
	r->isv_svn = tdx_le16(p + 258);
	memcpy(r->report_data, p + 320, 64);
}

enum attest_reject
tdx_quote_parse(const uint8_t *b, size_t len, struct tdx_quote *q,
    char *err, size_t errlen)
{
	size_t		 off, body_off, end, cert_off, left;

	memset(q, 0, sizeof(*q));
	if (b == NULL || len < TDX_HEADER_LEN)
		return qerr(err, errlen, "TDX quote truncated: header needs "
		    "%d bytes at offset 0, have %zu", TDX_HEADER_LEN,
		    b == NULL ? 0 : len);
	if (len > TDX_QUOTE_MAX_LEN)
		return qerr(err, errlen, "TDX quote is %zu bytes, more than "
		    "the %d allowed", len, TDX_QUOTE_MAX_LEN);
	q->raw = b;
	q->raw_len = len;
	q->header.version = tdx_le16(b);
	q->header.att_key_type = tdx_le16(b + 2);
	q->header.tee_type = tdx_le32(b + 4);
	memcpy(q->header.reserved, b + 8, 4);
	memcpy(q->header.qe_vendor_id, b + 12, 16);
	memcpy(q->header.user_data, b + 28, 20);
	if (q->header.version != 4 && q->header.version != 5)
		return qerr(err, errlen, "TDX quote header.version (offset 0) "
		    "is %u, want 4 or 5", q->header.version);
	if (q->header.att_key_type != TDX_ATT_KEY_ECDSA_P256)
		return qerr(err, errlen, "TDX quote header.att_key_type "
		    "(offset 2) is %u, want 2 (ECDSA P-256)",
		    q->header.att_key_type);
	if (q->header.tee_type != TDX_TEE_TYPE)
		return qerr(err, errlen, "TDX quote header.tee_type (offset 4)"
		    " is 0x%08" PRIx32 ", want 0x81 (TDX)", q->header.tee_type);

	if (q->header.version == 4) {
		body_off = TDX_HEADER_LEN;
		q->body.body_type = TDX_BODY_TYPE_TD10;
		q->body.body_size = TDX_BODY_V10_LEN;
	} else {
		if (!fits(len, TDX_HEADER_LEN, 6))
			return qerr(err, errlen, "TDX quote truncated: v5 "
			    "body_type/body_size at offset 48 need 6 bytes, "
			    "%zu left", len - TDX_HEADER_LEN);
		q->body.body_type = tdx_le16(b + 48);
		q->body.body_size = tdx_le32(b + 50);
		body_off = TDX_HEADER_LEN + 6;
		if (q->body.body_type == TDX_BODY_TYPE_TD10) {
			if (q->body.body_size != TDX_BODY_V10_LEN)
				return qerr(err, errlen, "TDX quote body_size "
				    "(offset 50) is %" PRIu32 ", want %d for "
				    "body type 2", q->body.body_size,
				    TDX_BODY_V10_LEN);
		} else if (q->body.body_type == TDX_BODY_TYPE_TD15) {
			if (q->body.body_size != TDX_BODY_V15_LEN)
				return qerr(err, errlen, "TDX quote body_size "
				    "(offset 50) is %" PRIu32 ", want %d for "
				    "body type 3", q->body.body_size,
				    TDX_BODY_V15_LEN);
			q->body.is_v15 = 1;
		} else
			return qerr(err, errlen, "TDX quote body_type "
			    "(offset 48) is %u, want 2 (TD 1.0) or 3 (TD 1.5)",
			    q->body.body_type);
	}
	if (!fits(len, body_off, q->body.body_size))
		return qerr(err, errlen, "TDX quote truncated: body at offset "
		    "%zu needs %" PRIu32 " bytes, %zu left", body_off,
		    q->body.body_size, len - body_off);
	parse_body(b + body_off, &q->body);
	q->signed_len = body_off + q->body.body_size;

	off = q->signed_len;
	if (!fits(len, off, 4))
		return qerr(err, errlen, "TDX quote truncated: "
		    "signature_data_len at offset %zu needs 4 bytes, %zu left",
		    off, len - off);
	q->sig_data_len = tdx_le32(b + off);
	q->sig_data_off = off + 4;
	if (!fits(len, q->sig_data_off, q->sig_data_len))
		return qerr(err, errlen, "TDX quote truncated: "
		    "signature_data_len (offset %zu) says %" PRIu32 " bytes, "
		    "%zu left", off, q->sig_data_len, len - q->sig_data_off);
	end = q->sig_data_off + q->sig_data_len;
	q->trailing = len - end;

	/* From here on, bounds are the signature data, not the input. */
	off = q->sig_data_off;
	if (!fits(end, off, SIGDATA_FIXED))
		return qerr(err, errlen, "TDX quote signature data at offset "
		    "%zu is %" PRIu32 " bytes, fixed part needs %d", off,
		    q->sig_data_len, SIGDATA_FIXED);
	memcpy(q->quote_sig, b + off, TDX_SIG_LEN);
	memcpy(q->att_key, b + off + 64, TDX_ATT_KEY_LEN);
	q->cert_type = tdx_le16(b + off + 128);
	q->cert_size = tdx_le32(b + off + 130);
	if (q->cert_type != TDX_CERT_QE_REPORT)
		return qerr(err, errlen, "TDX quote certification data type "
		    "(offset %zu) is %u, want 6 (QE report)", off + 128,
		    q->cert_type);
	cert_off = off + SIGDATA_FIXED;
	if (q->cert_size != end - cert_off)
		return qerr(err, errlen, "TDX quote certification data size "
		    "(offset %zu) is %" PRIu32 ", signature data leaves %zu",
		    off + 130, q->cert_size, end - cert_off);

	off = cert_off;
	if (!fits(end, off, TDX_QE_REPORT_LEN + TDX_SIG_LEN + 2))
		return qerr(err, errlen, "TDX quote truncated: QE report, its "
		    "signature and auth data size at offset %zu need %d "
		    "bytes, %zu left", off,
		    TDX_QE_REPORT_LEN + TDX_SIG_LEN + 2, end - off);
	q->qe_report_raw = b + off;
	q->qe_report_off = off;
	parse_qe_report(b + off, &q->qe_report);
	off += TDX_QE_REPORT_LEN;
	memcpy(q->qe_report_sig, b + off, TDX_SIG_LEN);
	off += TDX_SIG_LEN;
	q->qe_auth_len = tdx_le16(b + off);
	off += 2;
	if (!fits(end, off, q->qe_auth_len))
		return qerr(err, errlen, "TDX quote truncated: QE auth data at "
		    "offset %zu is %u bytes, %zu left", off, q->qe_auth_len,
		    end - off);
	q->qe_auth = b + off;
	off += q->qe_auth_len;
	if (!fits(end, off, 6))
		return qerr(err, errlen, "TDX quote truncated: PCK "
		    "certification data header at offset %zu needs 6 bytes, "
		    "%zu left", off, end - off);
	q->pck_cert_type = tdx_le16(b + off);
	if (q->pck_cert_type != TDX_CERT_PCK_CHAIN)
		return qerr(err, errlen, "TDX quote inner certification data "
		    "type (offset %zu) is %u, want 5 (PCK chain)", off,
		    q->pck_cert_type);
	q->pck_chain_len = tdx_le32(b + off + 2);
	off += 6;
	left = end - off;
	if (q->pck_chain_len != left)
		return qerr(err, errlen, "TDX quote PCK chain size (offset %zu)"
		    " is %" PRIu32 ", certification data leaves %zu",
		    off - 4, q->pck_chain_len, left);
	if (left == 0)
		return qerr(err, errlen, "TDX quote PCK chain (offset %zu) is "
		    "empty", off);
	q->pck_chain = b + off;
	return ATTEST_OK;
}

/* Printing: one table drives text and JSON so they never disagree. */
struct pr {
	FILE	*f;
	int	 json;
	int	 first;
};

static void
pr_hex(struct pr *p, const char *name, const uint8_t *b, size_t n)
{
	size_t	 i;

	if (p->json)
		fprintf(p->f, "%s\n  \"%s\": \"", p->first ? "" : ",", name);
	else
		fprintf(p->f, "%s: ", name);
	for (i = 0; i < n; i++)
		fprintf(p->f, "%02x", b[i]);
	fprintf(p->f, p->json ? "\"" : "\n");
	p->first = 0;
}

static void
pr_num(struct pr *p, const char *name, uint64_t v)
{
	if (p->json)
		fprintf(p->f, "%s\n  \"%s\": %" PRIu64, p->first ? "" : ",",
		    name, v);
	else
		fprintf(p->f, "%s: %" PRIu64 "\n", name, v);
	p->first = 0;
}

static void
pr_str(struct pr *p, const char *name, const char *s)
{
	/* Only our own constant strings reach here: no escaping needed. */
	if (p->json)
		fprintf(p->f, "%s\n  \"%s\": \"%s\"", p->first ? "" : ",",
		    name, s);
	else
		fprintf(p->f, "%s: %s\n", name, s);
	p->first = 0;
}

void
tdx_quote_print(FILE *f, const struct tdx_quote *q, int json)
{
	struct pr		 p = { f, json, 1 };
	const struct tdx_body	*bd = &q->body;
	const struct tdx_qe_report *r = &q->qe_report;
	struct tdx_pck_ext	 ext;
	char			 name[16], perr[128];
	int			 i;

	if (json)
		fprintf(f, "{");
	pr_str(&p, "type", "tdx-quote");
	pr_num(&p, "version", q->header.version);
	pr_num(&p, "att_key_type", q->header.att_key_type);
	pr_num(&p, "tee_type", q->header.tee_type);
	pr_hex(&p, "qe_vendor_id", q->header.qe_vendor_id, 16);
	pr_hex(&p, "user_data", q->header.user_data, 20);
	pr_num(&p, "size", q->raw_len);
	pr_num(&p, "trailing_bytes", q->trailing);
	pr_num(&p, "body_type", bd->body_type);
	pr_num(&p, "body_size", bd->body_size);
	pr_hex(&p, "tee_tcb_svn", bd->tee_tcb_svn, 16);
	pr_hex(&p, "mr_seam", bd->mr_seam, 48);
	pr_hex(&p, "mr_signer_seam", bd->mr_signer_seam, 48);
	pr_hex(&p, "seam_attributes", bd->seam_attributes, 8);
	pr_hex(&p, "td_attributes", bd->td_attributes, 8);
	pr_hex(&p, "xfam", bd->xfam, 8);
	pr_hex(&p, "mr_td", bd->mr_td, 48);
	pr_hex(&p, "mr_config_id", bd->mr_config_id, 48);
	pr_hex(&p, "mr_owner", bd->mr_owner, 48);
	pr_hex(&p, "mr_owner_config", bd->mr_owner_config, 48);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "rtmr%d", i);
		pr_hex(&p, name, bd->rtmr[i], 48);
	}
	pr_hex(&p, "report_data", bd->report_data, 64);
	if (bd->is_v15) {
		pr_hex(&p, "tee_tcb_svn2", bd->tee_tcb_svn2, 16);
		pr_hex(&p, "mr_servicetd", bd->mr_servicetd, 48);
	}
	pr_num(&p, "signature_data_len", q->sig_data_len);
	pr_hex(&p, "quote_signature", q->quote_sig, TDX_SIG_LEN);
	pr_hex(&p, "attestation_key", q->att_key, TDX_ATT_KEY_LEN);
	pr_num(&p, "cert_data_type", q->cert_type);
	pr_hex(&p, "qe_cpu_svn", r->cpu_svn, 16);
	pr_num(&p, "qe_misc_select", r->misc_select);
	pr_hex(&p, "qe_attributes", r->attributes, 16);
	pr_hex(&p, "qe_mr_enclave", r->mr_enclave, 32);
	pr_hex(&p, "qe_mr_signer", r->mr_signer, 32);
	pr_num(&p, "qe_isv_prod_id", r->isv_prod_id);
	pr_num(&p, "qe_isv_svn", r->isv_svn);
	pr_hex(&p, "qe_report_data", r->report_data, 64);
	pr_hex(&p, "qe_report_signature", q->qe_report_sig, TDX_SIG_LEN);
	pr_hex(&p, "qe_auth_data", q->qe_auth, q->qe_auth_len);
	pr_num(&p, "pck_cert_data_type", q->pck_cert_type);
	pr_num(&p, "pck_chain_len", q->pck_chain_len);
	if (tdx_quote_pck_ext(q, &ext, perr, sizeof(perr)) == ATTEST_OK) {
		pr_hex(&p, "pck_fmspc", ext.fmspc, 6);
		pr_hex(&p, "pck_pceid", ext.pceid, 2);
		pr_num(&p, "pck_pcesvn", ext.pcesvn);
		pr_hex(&p, "pck_cpu_svn", ext.cpu_svn, 16);
		pr_hex(&p, "pck_tcb_comp_svn", ext.comp_svn, 16);
		pr_hex(&p, "pck_ppid", ext.ppid, 16);
		pr_num(&p, "pck_sgx_type", (uint64_t)ext.sgx_type);
		if (ext.has_piid)
			pr_hex(&p, "pck_piid", ext.piid, 16);
	} else
		pr_str(&p, "pck", "unparsable");
	if (json)
		fprintf(f, "\n}\n");
}
