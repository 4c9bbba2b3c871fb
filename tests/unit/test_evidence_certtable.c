/*
 * The SNP extended-report certificate table: build/parse round trip,
 * GUID byte order, and every malformation the parser must refuse (bad
 * offsets, overlap, missing terminator, duplicate GUIDs, ...).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certtable.h"
#include "tests/tap.h"

static char	 err[256];

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

/* A hand-made table: n entries, then terminator, then a data area. */
static void
entry(uint8_t *blob, size_t i, const uint8_t *guid, uint32_t off,
    uint32_t len)
{
	memcpy(blob + i * 24, guid, 16);
	put_le32(blob + i * 24 + 16, off);
	put_le32(blob + i * 24 + 20, len);
}

static int
parse_fails(const uint8_t *blob, size_t len, const char *needle)
{
	struct certtable	 t;
	int			 r;

	r = certtable_parse(blob, len, &t, err, sizeof(err));
	if (r == 0)
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
	struct certtable_entry	 in[4];
	struct certtable	 t;
	const struct certtable_entry *e;
	uint8_t			 other[16], blob[512], *out = NULL;
	uint8_t			 vcek[100], ask[50], ark[70], *padded;
	size_t			 outlen = 0, i;

	for (i = 0; i < sizeof(vcek); i++)
		vcek[i] = (uint8_t)(i + 1);
	memset(ask, 0xa5, sizeof(ask));
	memset(ark, 0x5a, sizeof(ark));
	memset(other, 0x77, sizeof(other));

	/* GUIDs in RFC 4122 byte order. */
	ok(memcmp(certtable_guid_vcek,
	    "\x63\xda\x75\x8d\xe6\x64\x45\x64\xad\xc5\xf4\xb9\x3b\xe8\xac\xcd",
	    16) == 0, "VCEK GUID 63da758d-e664-4564-adc5-f4b93be8accd");
	ok(memcmp(certtable_guid_ark,
	    "\xc0\xb4\x06\xa4\xa8\x03\x49\x52\x97\x43\x3f\xb6\x01\x4c\xd0\xae",
	    16) == 0, "ARK GUID c0b406a4-a803-4952-9743-3fb6014cd0ae");
	is_int(certtable_guid_kind(certtable_guid_vlek), CERTTABLE_VLEK,
	    "VLEK GUID → VLEK");
	is_int(certtable_guid_kind(certtable_guid_ask), CERTTABLE_ASK,
	    "ASK GUID → ASK");
	is_int(certtable_guid_kind(other), CERTTABLE_OTHER,
	    "unknown GUID → other");

	/* Build and parse back. */
	memset(in, 0, sizeof(in));
	memcpy(in[0].guid, certtable_guid_vcek, 16);
	in[0].data = vcek, in[0].len = sizeof(vcek);
	memcpy(in[1].guid, certtable_guid_ask, 16);
	in[1].data = ask, in[1].len = sizeof(ask);
	memcpy(in[2].guid, certtable_guid_ark, 16);
	in[2].data = ark, in[2].len = sizeof(ark);
	memcpy(in[3].guid, other, 16);
	in[3].data = vcek, in[3].len = 10;
	ok(certtable_build(in, 4, &out, &outlen, err, sizeof(err)) == 0,
	    "build a table of 4");
	is_int(outlen, 5 * 24 + 100 + 50 + 70 + 10, "built size");
	ok(out != NULL && outlen >= 120 &&
	    memcmp(out + 4 * 24, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
	    "\0\0\0\0\0\0\0\0", 24) == 0, "terminator after the entries");
	ok(out != NULL && out[16] == 120 && out[17] == 0 && out[20] == 100,
	    "first entry: offset 120, length 100, little-endian");
	ok(certtable_parse(out, outlen, &t, err, sizeof(err)) == 0,
	    "parse it back");
	is_int(t.n, 4, "4 entries");
	ok((e = certtable_find(&t, CERTTABLE_VCEK)) != NULL &&
	    e->len == sizeof(vcek) && memcmp(e->data, vcek, e->len) == 0,
	    "VCEK data");
	ok((e = certtable_find(&t, CERTTABLE_ASK)) != NULL &&
	    e->len == sizeof(ask) && memcmp(e->data, ask, e->len) == 0,
	    "ASK data");
	ok((e = certtable_find(&t, CERTTABLE_ARK)) != NULL &&
	    e->len == sizeof(ark) && memcmp(e->data, ark, e->len) == 0,
	    "ARK data");
	ok(certtable_find(&t, CERTTABLE_VLEK) == NULL, "no VLEK");
	is_int(t.entries[3].kind, CERTTABLE_OTHER, "unknown GUID kept");

	/* Page padding after the data is fine (the kernel's buffers). */
	if ((padded = calloc(1, 4096)) != NULL && out != NULL) {
		memcpy(padded, out, outlen);
		ok(certtable_parse(padded, 4096, &t, err, sizeof(err)) == 0 &&
		    t.n == 4, "zero padding after the data is ignored");
		ok(parse_fails(padded, outlen - 1, "past the end"),
		    "truncated data: error says past the end");
	}
	free(padded);

	/* Terminator only: no certificates. */
	memset(blob, 0, sizeof(blob));
	ok(certtable_parse(blob, 24, &t, err, sizeof(err)) == 0 && t.n == 0,
	    "terminator only: an empty table");
	ok(parse_fails(blob, 23, "no terminating"),
	    "23 bytes: no terminator");
	ok(parse_fails(blob, 0, "no terminating"), "0 bytes: no terminator");

	/* Missing terminator: the entries run into the end. */
	memset(blob, 0, sizeof(blob));
	entry(blob, 0, certtable_guid_vcek, 48, 10);
	ok(parse_fails(blob, 24, "no terminating"),
	    "one entry, no room for a terminator");
	memset(blob, 0x41, sizeof(blob));
	for (i = 0; i < sizeof(blob) / 24; i++)
		entry(blob, i, certtable_guid_vcek, 0, 1);
	ok(parse_fails(blob, sizeof(blob), NULL),
	    "a blob of entries and no terminator");

	/* Offsets. */
	memset(blob, 0, sizeof(blob));
	entry(blob, 0, certtable_guid_vcek, 24, 10);
	ok(parse_fails(blob, 200, "inside the table"),
	    "data overlapping the terminator");
	entry(blob, 0, certtable_guid_vcek, 0, 10);
	ok(parse_fails(blob, 200, "inside the table"),
	    "offset 0 (the table itself)");
	entry(blob, 0, certtable_guid_vcek, 48, 153);
	ok(parse_fails(blob, 200, "past the end"), "data past the end");
	entry(blob, 0, certtable_guid_vcek, 0xffffffff, 2);
	ok(parse_fails(blob, 200, "past the end"),
	    "offset near 2^32 does not wrap");
	entry(blob, 0, certtable_guid_vcek, 48, 0xffffffff);
	ok(parse_fails(blob, 200, "past the end"),
	    "length near 2^32 does not wrap");
	entry(blob, 0, certtable_guid_vcek, 48, 0);
	ok(parse_fails(blob, 200, "empty data"), "zero-length data refused");
	entry(blob, 0, certtable_guid_vcek, 48, 152);
	ok(certtable_parse(blob, 200, &t, err, sizeof(err)) == 0,
	    "data up to the last byte is fine");

	/* Overlap. */
	memset(blob, 0, sizeof(blob));
	entry(blob, 0, certtable_guid_vcek, 72, 50);
	entry(blob, 1, certtable_guid_ask, 121, 20);
	ok(parse_fails(blob, 300, "overlaps entry 0"),
	    "overlapping data by one byte");
	entry(blob, 1, certtable_guid_ask, 122, 20);
	ok(certtable_parse(blob, 300, &t, err, sizeof(err)) == 0,
	    "adjacent data is fine");
	entry(blob, 1, certtable_guid_ask, 60, 200);
	ok(parse_fails(blob, 300, NULL), "data enclosing another's");

	/* Duplicate GUIDs. */
	memset(blob, 0, sizeof(blob));
	entry(blob, 0, certtable_guid_vcek, 96, 10);
	entry(blob, 1, certtable_guid_ask, 106, 10);
	entry(blob, 2, certtable_guid_vcek, 116, 10);
	ok(parse_fails(blob, 300, "duplicate GUID"), "duplicate VCEK refused");

	/* A zero GUID with data is not a terminator. */
	memset(blob, 0, sizeof(blob));
	entry(blob, 0, (const uint8_t *)"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
	    48, 10);
	ok(parse_fails(blob, 300, "zero GUID"), "zero GUID, non-zero fields");

	/* Too many entries. */
	{
		size_t	 n = CERTTABLE_MAX_ENTRIES + 1;
		size_t	 sz = (n + 1) * 24 + n;
		uint8_t	*big = calloc(1, sz), g[16];

		if (big != NULL) {
			for (i = 0; i < n; i++) {
				memset(g, 0, sizeof(g));
				g[0] = 1;
				g[1] = (uint8_t)i;
				entry(big, i, g, (uint32_t)((n + 1) * 24 + i),
				    1);
			}
			ok(parse_fails(big, sz, "more than"),
			    "more than %d entries refused",
			    CERTTABLE_MAX_ENTRIES);
			free(big);
		}
	}

	/* Build refuses what parse refuses. */
	in[3] = in[0];
	ok(certtable_build(in, 4, &padded, &outlen, err, sizeof(err)) == -1 &&
	    strstr(err, "duplicate") != NULL, "build refuses duplicates");
	in[3].len = 0;
	memcpy(in[3].guid, other, 16);
	ok(certtable_build(in, 4, &padded, &outlen, err, sizeof(err)) == -1 &&
	    strstr(err, "empty") != NULL, "build refuses empty data");
	ok(certtable_build(in, 0, &padded, &outlen, err, sizeof(err)) == 0 &&
	    outlen == 24 && padded[0] == 0, "build of nothing: a terminator");
	free(padded);
	free(out);
	return tap_done();
}
