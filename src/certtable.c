/*
 * SEV-SNP extended-report certificate table: parse and build.  Every
 * field comes from the (untrusted) host, so every offset and length is
 * checked against the blob before it is used.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certtable.h"

/* 63da758d-e664-4564-adc5-f4b93be8accd */
const uint8_t certtable_guid_vcek[CERTTABLE_GUID_LEN] = {
	0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
	0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd
};
/* a8074bc2-a25a-483e-aae6-39c045a0b8a1 */
const uint8_t certtable_guid_vlek[CERTTABLE_GUID_LEN] = {
	0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e,
	0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1
};
/* 4ab7b379-bbac-4fe4-a02f-05aef327c782 */
const uint8_t certtable_guid_ask[CERTTABLE_GUID_LEN] = {
	0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
	0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82
};
/* c0b406a4-a803-4952-9743-3fb6014cd0ae */
const uint8_t certtable_guid_ark[CERTTABLE_GUID_LEN] = {
	0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52,
	0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae
};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static int
is_zero(const uint8_t *p, size_t len)
{
	uint8_t	 acc = 0;
	size_t	 i;

	for (i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

enum certtable_kind
certtable_guid_kind(const uint8_t *guid)
{
	if (memcmp(guid, certtable_guid_vcek, CERTTABLE_GUID_LEN) == 0)
		return CERTTABLE_VCEK;
	if (memcmp(guid, certtable_guid_vlek, CERTTABLE_GUID_LEN) == 0)
		return CERTTABLE_VLEK;
	if (memcmp(guid, certtable_guid_ask, CERTTABLE_GUID_LEN) == 0)
		return CERTTABLE_ASK;
	if (memcmp(guid, certtable_guid_ark, CERTTABLE_GUID_LEN) == 0)
		return CERTTABLE_ARK;
	return CERTTABLE_OTHER;
}

const uint8_t *
certtable_kind_guid(enum certtable_kind kind)
{
	switch (kind) {
	case CERTTABLE_VCEK:
		return certtable_guid_vcek;
	case CERTTABLE_VLEK:
		return certtable_guid_vlek;
	case CERTTABLE_ASK:
		return certtable_guid_ask;
	case CERTTABLE_ARK:
		return certtable_guid_ark;
	default:
		return NULL;
	}
}

const char *
certtable_kind_name(enum certtable_kind kind)
{
	switch (kind) {
	case CERTTABLE_VCEK:
		return "VCEK";
	case CERTTABLE_VLEK:
		return "VLEK";
	case CERTTABLE_ASK:
		return "ASK";
	case CERTTABLE_ARK:
		return "ARK";
	default:
		return "other";
	}
}

/*
 * Shared by parse and build: data ranges must be non-empty, inside
 * [table_end, blob_len), pairwise disjoint, and GUIDs unique.  Ranges
 * are checked as 64-bit sums so offset + length cannot wrap.
 */
static int
certtable_check(const struct certtable_entry *e, const uint64_t *off,
    size_t n, uint64_t table_end, uint64_t blob_len, char *err,
    size_t errlen)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		if (e[i].len == 0) {
			snprintf(err, errlen, "cert table entry %zu (%s): "
			    "empty data", i, certtable_kind_name(e[i].kind));
			return -1;
		}
		if (off[i] < table_end) {
			snprintf(err, errlen, "cert table entry %zu (%s): "
			    "offset %llu inside the table (which ends at "
			    "%llu)", i, certtable_kind_name(e[i].kind),
			    (unsigned long long)off[i],
			    (unsigned long long)table_end);
			return -1;
		}
		if (off[i] + e[i].len > blob_len) {
			snprintf(err, errlen, "cert table entry %zu (%s): "
			    "data at %llu+%zu past the end of the %llu-byte "
			    "blob", i, certtable_kind_name(e[i].kind),
			    (unsigned long long)off[i], e[i].len,
			    (unsigned long long)blob_len);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (memcmp(e[i].guid, e[j].guid,
			    CERTTABLE_GUID_LEN) == 0) {
				snprintf(err, errlen, "cert table entry %zu "
				    "(%s): duplicate GUID (also entry %zu)",
				    i, certtable_kind_name(e[i].kind), j);
				return -1;
			}
			if (off[i] < off[j] + e[j].len &&
			    off[j] < off[i] + e[i].len) {
				snprintf(err, errlen, "cert table entry %zu "
				    "(%s): data overlaps entry %zu", i,
				    certtable_kind_name(e[i].kind), j);
				return -1;
			}
		}
	}
	return 0;
}

int
certtable_parse(const uint8_t *blob, size_t len, struct certtable *t,
    char *err, size_t errlen)
{
	uint64_t	 off[CERTTABLE_MAX_ENTRIES], table_end;
	const uint8_t	*p;
	size_t		 i, pos;

	memset(t, 0, sizeof(*t));
	if (len > CERTTABLE_MAX_LEN) {
		snprintf(err, errlen, "cert table: %zu bytes, at most %d",
		    len, CERTTABLE_MAX_LEN);
		return -1;
	}
	for (i = 0;; i++) {
		pos = i * CERTTABLE_ENTRY_LEN;
		if (len - pos < CERTTABLE_ENTRY_LEN) {
			snprintf(err, errlen, "cert table: no terminating "
			    "all-zero entry within %zu bytes (entry %zu at "
			    "offset %zu is truncated)", len, i, pos);
			return -1;
		}
		p = blob + pos;
		if (is_zero(p, CERTTABLE_ENTRY_LEN))
			break;
		if (is_zero(p, CERTTABLE_GUID_LEN)) {
			snprintf(err, errlen, "cert table entry %zu at offset "
			    "%zu: zero GUID with non-zero offset/length", i,
			    pos);
			return -1;
		}
		if (i == CERTTABLE_MAX_ENTRIES) {
			snprintf(err, errlen, "cert table: more than %d "
			    "entries", CERTTABLE_MAX_ENTRIES);
			return -1;
		}
		memcpy(t->entries[i].guid, p, CERTTABLE_GUID_LEN);
		t->entries[i].kind = certtable_guid_kind(p);
		off[i] = le32(p + 16);
		t->entries[i].len = le32(p + 20);
	}
	t->n = i;
	table_end = (uint64_t)(t->n + 1) * CERTTABLE_ENTRY_LEN;
	if (certtable_check(t->entries, off, t->n, table_end, len, err,
	    errlen) == -1) {
		memset(t, 0, sizeof(*t));
		return -1;
	}
	for (i = 0; i < t->n; i++)
		t->entries[i].data = blob + off[i];
	return 0;
}

const struct certtable_entry *
certtable_find(const struct certtable *t, enum certtable_kind kind)
{
	size_t	 i;

	if (kind == CERTTABLE_OTHER)
		return NULL;
	for (i = 0; i < t->n; i++)
		if (t->entries[i].kind == kind)
			return &t->entries[i];
	return NULL;
}

int
certtable_build(const struct certtable_entry *e, size_t n, uint8_t **outp,
    size_t *lenp, char *err, size_t errlen)
{
	struct certtable_entry	 tmp[CERTTABLE_MAX_ENTRIES];
	uint64_t		 off[CERTTABLE_MAX_ENTRIES], pos;
	uint8_t			*out, *p;
	size_t			 i, hdr;

	if (n > CERTTABLE_MAX_ENTRIES) {
		snprintf(err, errlen, "cert table: %zu entries, at most %d",
		    n, CERTTABLE_MAX_ENTRIES);
		return -1;
	}
	hdr = (n + 1) * CERTTABLE_ENTRY_LEN;
	pos = hdr;
	for (i = 0; i < n; i++) {
		tmp[i] = e[i];
		tmp[i].kind = certtable_guid_kind(e[i].guid);
		if (is_zero(e[i].guid, CERTTABLE_GUID_LEN)) {
			snprintf(err, errlen, "cert table entry %zu: zero "
			    "GUID", i);
			return -1;
		}
		if (e[i].len > CERTTABLE_MAX_LEN) {
			snprintf(err, errlen, "cert table entry %zu: %zu "
			    "bytes of data", i, e[i].len);
			return -1;
		}
		off[i] = pos;
		pos += e[i].len;
	}
	if (pos > CERTTABLE_MAX_LEN) {
		snprintf(err, errlen, "cert table: %llu bytes, at most %d",
		    (unsigned long long)pos, CERTTABLE_MAX_LEN);
		return -1;
	}
	if (certtable_check(tmp, off, n, hdr, pos, err, errlen) == -1)
		return -1;
	if ((out = calloc(1, (size_t)pos)) == NULL) {
		snprintf(err, errlen, "cert table: out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		p = out + i * CERTTABLE_ENTRY_LEN;
		memcpy(p, e[i].guid, CERTTABLE_GUID_LEN);
		put_le32(p + 16, (uint32_t)off[i]);
		put_le32(p + 20, (uint32_t)e[i].len);
		memcpy(out + off[i], e[i].data, e[i].len);
	}
	/* The terminator is already zero (calloc). */
	*outp = out;
	*lenp = (size_t)pos;
	return 0;
}
