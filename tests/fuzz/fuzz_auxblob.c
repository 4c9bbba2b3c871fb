/*
 * libFuzzer harness for the parsers of untrusted guest-side evidence:
 * the SNP extended-report certificate table (certtable_parse, and
 * evidence_set_auxblob on top of it) and the evidence wire form
 * (evidence_decode).  Beyond "no crash", it checks properties: every
 * accepted table's entries lie inside the input and after the table,
 * do not overlap, and rebuilding the table and parsing it again gives
 * the same entries; every accepted evidence blob encodes back to the
 * same bytes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certtable.h"
#include "evidence.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_table(const uint8_t *data, size_t size)
{
	struct certtable	 t, t2;
	struct evidence		 ev;
	uint8_t			*out = NULL;
	size_t			 outlen = 0, i, j, table_end;
	char			 err[256];

	if (certtable_parse(data, size, &t, err, sizeof(err)) == -1) {
		memset(&ev, 0, sizeof(ev));
		if (evidence_set_auxblob(&ev, data, size, err,
		    sizeof(err)) == 0)
			abort();	/* the two must agree */
		return;
	}
	table_end = (t.n + 1) * CERTTABLE_ENTRY_LEN;
	if (t.n > CERTTABLE_MAX_ENTRIES || table_end > size)
		abort();
	for (i = 0; i < t.n; i++) {
		const uint8_t	*p = t.entries[i].data;
		size_t		 n = t.entries[i].len;

		if (n == 0 || p < data + table_end || p + n > data + size)
			abort();
		for (j = 0; j < i; j++) {
			if (memcmp(t.entries[i].guid, t.entries[j].guid,
			    CERTTABLE_GUID_LEN) == 0)
				abort();
			if (p < t.entries[j].data + t.entries[j].len &&
			    t.entries[j].data < p + n)
				abort();
		}
	}
	if (certtable_build(t.entries, t.n, &out, &outlen, err,
	    sizeof(err)) == -1)
		abort();
	if (certtable_parse(out, outlen, &t2, err, sizeof(err)) == -1 ||
	    t2.n != t.n)
		abort();
	for (i = 0; i < t.n; i++)
		if (memcmp(t.entries[i].guid, t2.entries[i].guid,
		    CERTTABLE_GUID_LEN) != 0 ||
		    t.entries[i].len != t2.entries[i].len ||
		    memcmp(t.entries[i].data, t2.entries[i].data,
		    t.entries[i].len) != 0)
			abort();
	free(out);

	/* The evidence layer on top: may refuse (VCEK and VLEK, caps). */
	memset(&ev, 0, sizeof(ev));
	if (evidence_set_auxblob(&ev, data, size, err, sizeof(err)) == 0) {
		const struct certtable_entry *e =
		    certtable_find(&t, CERTTABLE_VCEK);

		if (e != NULL && (ev.vcek_len != e->len ||
		    memcmp(ev.vcek, e->data, e->len) != 0))
			abort();
	}
	evidence_free(&ev);
}

static void
check_evidence(const uint8_t *data, size_t size)
{
	struct evidence	 ev;
	uint8_t		*out = NULL;
	size_t		 outlen = 0;
	char		 err[256];

	if (evidence_decode(data, size, &ev, err, sizeof(err)) == -1)
		return;
	if (evidence_encode(&ev, &out, &outlen, err, sizeof(err)) == -1 ||
	    outlen != size || memcmp(out, data, size) != 0)
		abort();
	free(out);
	evidence_free(&ev);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_table(data, size);
	check_evidence(data, size);
	return 0;
}
