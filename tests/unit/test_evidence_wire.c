/*
 * struct evidence serialization: round trips for each platform, exact
 * layout of the header, and refusal of every malformed input (bad magic,
 * version, platform, reserved bytes, lengths past the end or over a cap,
 * trailing bytes, platform rules), including every truncation.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "tests/tap.h"

static char	 err[256];

static int
same(const struct evidence *a, const struct evidence *b)
{
	return a->platform == b->platform &&
	    a->report_len == b->report_len &&
	    memcmp(a->report, b->report, a->report_len) == 0 &&
	    a->vcek_len == b->vcek_len && (a->vcek_len == 0 ||
	    memcmp(a->vcek, b->vcek, a->vcek_len) == 0) &&
	    a->vlek_len == b->vlek_len && (a->vlek_len == 0 ||
	    memcmp(a->vlek, b->vlek, a->vlek_len) == 0) &&
	    a->ask_len == b->ask_len && (a->ask_len == 0 ||
	    memcmp(a->ask, b->ask, a->ask_len) == 0) &&
	    a->ark_len == b->ark_len && (a->ark_len == 0 ||
	    memcmp(a->ark, b->ark, a->ark_len) == 0);
}

static int
decode_fails(const uint8_t *buf, size_t len, const char *needle)
{
	struct evidence	 ev;

	if (evidence_decode(buf, len, &ev, err, sizeof(err)) == 0) {
		evidence_free(&ev);
		return 0;
	}
	if (ev.report != NULL || ev.vcek != NULL)
		return 0;
	if (needle != NULL && strstr(err, needle) == NULL) {
		tap_diag("error '%s' lacks '%s'", err, needle);
		return 0;
	}
	return 1;
}

int
main(void)
{
	struct evidence	 ev, back;
	uint8_t		 report[1184], quote[4000], vcek[200], ask[300];
	uint8_t		 ark[400], *buf = NULL, *copy;
	size_t		 len = 0, i;
	int		 all;

	for (i = 0; i < sizeof(report); i++)
		report[i] = (uint8_t)(i * 3);
	memset(quote, 0x44, sizeof(quote));
	memset(vcek, 0x11, sizeof(vcek));
	memset(ask, 0x22, sizeof(ask));
	memset(ark, 0x33, sizeof(ark));

	/* SNP with certificates. */
	memset(&ev, 0, sizeof(ev));
	ev.platform = ATTEST_PLATFORM_SNP;
	ev.report = report, ev.report_len = sizeof(report);
	ev.vcek = vcek, ev.vcek_len = sizeof(vcek);
	ev.ask = ask, ev.ask_len = sizeof(ask);
	ev.ark = ark, ev.ark_len = sizeof(ark);
	ok(evidence_encode(&ev, &buf, &len, err, sizeof(err)) == 0,
	    "encode SNP evidence");
	is_int(len, 8 + 5 * 4 + 1184 + 200 + 300 + 400, "encoded length");
	ok(buf != NULL && memcmp(buf, "CTEV\x01\x01\x00\x00", 8) == 0,
	    "header: CTEV, version 1, platform 1 (SNP), reserved 0");
	ok(buf != NULL && memcmp(buf + 8, "\x00\x00\x04\xa0", 4) == 0,
	    "report length big-endian 0x4a0");
	ok(evidence_decode(buf, len, &back, err, sizeof(err)) == 0 &&
	    same(&ev, &back), "SNP round trip");
	evidence_free(&back);

	/* Every truncation fails cleanly; so does one extra byte. */
	all = 1;
	for (i = 0; i < len; i++)
		if (!decode_fails(buf, i, NULL)) {
			tap_diag("truncation to %zu accepted", i);
			all = 0;
			break;
		}
	ok(all, "every truncation of the blob is refused");
	if ((copy = malloc(len + 1)) != NULL) {
		memcpy(copy, buf, len);
		copy[len] = 0;
		ok(decode_fails(copy, len + 1, "trailing"),
		    "one trailing byte is refused");
		memcpy(copy, "CTEW", 4);
		ok(decode_fails(copy, len, "CTEV"), "bad magic refused");
		memcpy(copy, buf, len);
		copy[4] = 2;
		ok(decode_fails(copy, len, "version 2"),
		    "unknown version refused");
		copy[4] = 1;
		copy[5] = 9;
		ok(decode_fails(copy, len, "platform"),
		    "unknown platform refused");
		copy[5] = 1;
		copy[7] = 1;
		ok(decode_fails(copy, len, "reserved"),
		    "non-zero reserved bytes refused");
		copy[7] = 0;
		/* report length 1183: the platform rule catches it. */
		memcpy(copy, buf, len);
		copy[11] = 0x9f;
		ok(decode_fails(copy, len, NULL),
		    "a report length off by one is refused");
		/* A huge length never allocates. */
		memcpy(copy + 8, "\xff\xff\xff\xf0", 4);
		ok(decode_fails(copy, len, "exceeds"),
		    "length 0xfffffff0 refused before allocation");
		memcpy(copy, buf, len);
		/* vcek length past the end. */
		memcpy(copy + 12 + 1184, "\x00\x01\x00\x00", 4);
		ok(decode_fails(copy, len, "exceeds"),
		    "a certificate length past the end is refused");
		/* TDX platform with certificates. */
		memcpy(copy, buf, len);
		copy[5] = 2;
		ok(decode_fails(copy, len, "TDX"),
		    "TDX evidence with certificates is refused");
		free(copy);
	}
	free(buf);
	buf = NULL;

	/* Sim SNP, VLEK only. */
	memset(&ev, 0, sizeof(ev));
	ev.platform = ATTEST_PLATFORM_SIM_SNP;
	ev.report = report, ev.report_len = sizeof(report);
	ev.vlek = vcek, ev.vlek_len = sizeof(vcek);
	ok(evidence_encode(&ev, &buf, &len, err, sizeof(err)) == 0 &&
	    buf[5] == 3 && evidence_decode(buf, len, &back, err,
	    sizeof(err)) == 0 && same(&ev, &back),
	    "SIM_SNP round trip (platform code 3, VLEK)");
	evidence_free(&back);
	free(buf);
	buf = NULL;

	/* TDX quote. */
	memset(&ev, 0, sizeof(ev));
	ev.platform = ATTEST_PLATFORM_TDX;
	ev.report = quote, ev.report_len = sizeof(quote);
	ok(evidence_encode(&ev, &buf, &len, err, sizeof(err)) == 0 &&
	    buf[5] == 2 && evidence_decode(buf, len, &back, err,
	    sizeof(err)) == 0 && same(&ev, &back), "TDX round trip");
	evidence_free(&back);
	free(buf);
	buf = NULL;

	/* Encoding refuses what decoding would. */
	memset(&ev, 0, sizeof(ev));
	ev.platform = ATTEST_PLATFORM_SNP;
	ev.report = report, ev.report_len = 1000;
	ok(evidence_encode(&ev, &buf, &len, err, sizeof(err)) == -1 &&
	    strstr(err, "1000") != NULL, "encode: SNP report of 1000 bytes");
	ev.report_len = sizeof(report);
	ev.vcek = vcek, ev.vcek_len = sizeof(vcek);
	ev.vlek = vcek, ev.vlek_len = sizeof(vcek);
	ok(evidence_encode(&ev, &buf, &len, err, sizeof(err)) == -1 &&
	    strstr(err, "VLEK") != NULL, "encode: both VCEK and VLEK");
	ev.vlek = NULL, ev.vlek_len = 0;
	ev.platform = ATTEST_PLATFORM_NONE;
	ok(evidence_encode(&ev, &buf, &len, err, sizeof(err)) == -1,
	    "encode: no platform");
	ev.platform = ATTEST_PLATFORM_SNP;
	ev.report = NULL, ev.report_len = 0;
	ok(evidence_encode(&ev, &buf, &len, err, sizeof(err)) == -1 &&
	    strstr(err, "no report") != NULL, "encode: no report");
	ok(decode_fails((const uint8_t *)"", 0, "CTEV"), "empty input");
	return tap_done();
}
