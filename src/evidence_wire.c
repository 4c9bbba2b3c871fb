/*
 * struct evidence as bytes, for protocol messages and files:
 *
 *   "CTEV" | u8 version (1) | u8 platform | u16 reserved (0) |
 *   u32 len | report | u32 len | vcek | u32 len | vlek |
 *   u32 len | ask | u32 len | ark
 *
 * Big-endian integers.  Platform codes are fixed here (1 SNP, 2 TDX,
 * 3 SIM-SNP), independent of enum attest_platform's values.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "evidence_int.h"

#define WIRE_MAGIC	"CTEV"
#define WIRE_HDR_LEN	8
#define WIRE_NFIELDS	5

enum {
	WIRE_SNP = 1,
	WIRE_TDX = 2,
	WIRE_SIM_SNP = 3
};

static const char *wire_field_names[WIRE_NFIELDS] = {
	"report", "vcek", "vlek", "ask", "ark"
};

static const size_t wire_field_max[WIRE_NFIELDS] = {
	EVIDENCE_REPORT_MAX, EVIDENCE_CERT_MAX, EVIDENCE_CERT_MAX,
	EVIDENCE_CERT_MAX, EVIDENCE_CERT_MAX
};

static void
wire_fields(struct evidence *ev, uint8_t ***p, size_t **len)
{
	p[0] = &ev->report, len[0] = &ev->report_len;
	p[1] = &ev->vcek, len[1] = &ev->vcek_len;
	p[2] = &ev->vlek, len[2] = &ev->vlek_len;
	p[3] = &ev->ask, len[3] = &ev->ask_len;
	p[4] = &ev->ark, len[4] = &ev->ark_len;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (v >> 24) & 0xff;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int
evidence_encode(const struct evidence *ev, uint8_t **outp, size_t *lenp,
    char *err, size_t errlen)
{
	struct evidence	 tmp = *ev;	/* shallow, for wire_fields() */
	uint8_t		**f[WIRE_NFIELDS], *out, *p;
	size_t		*flen[WIRE_NFIELDS], total = WIRE_HDR_LEN, i;
	uint8_t		 code;

	if (evidence_check(ev, err, errlen) == -1)
		return -1;
	switch (ev->platform) {
	case ATTEST_PLATFORM_SNP:
		code = WIRE_SNP;
		break;
	case ATTEST_PLATFORM_TDX:
		code = WIRE_TDX;
		break;
	default:
		/* evidence_check() allowed only this one. */
		code = WIRE_SIM_SNP;
		break;
	}
	wire_fields(&tmp, f, flen);
	for (i = 0; i < WIRE_NFIELDS; i++)
		total += 4 + *flen[i];
	if ((out = malloc(total)) == NULL) {
		snprintf(err, errlen, "evidence: out of memory");
		return -1;
	}
	memcpy(out, WIRE_MAGIC, 4);
	out[4] = EVIDENCE_WIRE_VERSION;
	out[5] = code;
	out[6] = out[7] = 0;
	p = out + WIRE_HDR_LEN;
	for (i = 0; i < WIRE_NFIELDS; i++) {
		put_be32(p, (uint32_t)*flen[i]);
		if (*flen[i] > 0)
			memcpy(p + 4, *f[i], *flen[i]);
		p += 4 + *flen[i];
	}
	*outp = out;
	*lenp = total;
	return 0;
}

int
evidence_decode(const uint8_t *in, size_t len, struct evidence *ev,
    char *err, size_t errlen)
{
	uint8_t		**f[WIRE_NFIELDS];
	size_t		*flen[WIRE_NFIELDS], pos, i;
	uint32_t	 n;

	memset(ev, 0, sizeof(*ev));
	if (len > EVIDENCE_WIRE_MAX) {
		snprintf(err, errlen, "evidence: %zu bytes, at most %d", len,
		    EVIDENCE_WIRE_MAX);
		return -1;
	}
	if (len < WIRE_HDR_LEN || memcmp(in, WIRE_MAGIC, 4) != 0) {
		snprintf(err, errlen, "evidence: not an evidence blob (no "
		    "\"%s\" header)", WIRE_MAGIC);
		return -1;
	}
	if (in[4] != EVIDENCE_WIRE_VERSION) {
		snprintf(err, errlen, "evidence: version %u, want %d", in[4],
		    EVIDENCE_WIRE_VERSION);
		return -1;
	}
	switch (in[5]) {
	case WIRE_SNP:
		ev->platform = ATTEST_PLATFORM_SNP;
		break;
	case WIRE_TDX:
		ev->platform = ATTEST_PLATFORM_TDX;
		break;
	case WIRE_SIM_SNP:
		ev->platform = ATTEST_PLATFORM_SIM_SNP;
		break;
	default:
		snprintf(err, errlen, "evidence: offset 5: unknown platform "
		    "%u", in[5]);
		return -1;
	}
	if (in[6] != 0 || in[7] != 0) {
		snprintf(err, errlen, "evidence: offset 6: reserved bytes "
		    "not zero");
		goto fail;
	}
	wire_fields(ev, f, flen);
	pos = WIRE_HDR_LEN;
	for (i = 0; i < WIRE_NFIELDS; i++) {
		if (len - pos < 4) {
			snprintf(err, errlen, "evidence: offset %zu: truncated "
			    "before the %s length", pos, wire_field_names[i]);
			goto fail;
		}
		n = be32(in + pos);
		pos += 4;
		if (n > wire_field_max[i] || n > len - pos) {
			snprintf(err, errlen, "evidence: offset %zu: %s length "
			    "%u exceeds %s", pos - 4, wire_field_names[i], n,
			    n > wire_field_max[i] ? "its cap" :
			    "the bytes left");
			goto fail;
		}
		if (n > 0) {
			if ((*f[i] = evidence_dup(in + pos, n)) == NULL) {
				snprintf(err, errlen, "evidence: out of "
				    "memory");
				goto fail;
			}
			*flen[i] = n;
		}
		pos += n;
	}
	if (pos != len) {
		snprintf(err, errlen, "evidence: %zu trailing bytes at offset "
		    "%zu", len - pos, pos);
		goto fail;
	}
	if (evidence_check(ev, err, errlen) == -1)
		goto fail;
	return 0;
 fail:
	evidence_free(ev);
	return -1;
}
