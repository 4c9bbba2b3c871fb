/*
 * The SEV-SNP extended-report certificate table ("auxblob"): what
 * SNP_GET_EXT_REPORT and configfs-tsm hand the guest next to the report.
 *
 * Layout (GHCB spec, attestation.md §1.1): a run of 24-byte entries
 * { GUID[16], offset u32 LE, length u32 LE } ended by an all-zero entry;
 * offsets count from the start of the table.  The data of each entry
 * lies after the table (terminator included) and entries do not overlap.
 * Bytes after the last entry's data are padding (the kernel hands out
 * whole pages) and are ignored.
 *
 * GUIDs are kept in RFC 4122 byte order (the string's hex digits in
 * order), as go-sev-guest and the Linux sev-guest driver's users do.
 */
#ifndef CONTRAST_CERTTABLE_H
#define CONTRAST_CERTTABLE_H

#include <stddef.h>
#include <stdint.h>

#define CERTTABLE_GUID_LEN	16
#define CERTTABLE_ENTRY_LEN	24
#define CERTTABLE_MAX_ENTRIES	32	/* real tables have 3 or 4 */
#define CERTTABLE_MAX_LEN	(1024 * 1024)	/* the whole blob */

enum certtable_kind {
	CERTTABLE_OTHER = 0,	/* unknown GUID: kept, not interpreted */
	CERTTABLE_VCEK,
	CERTTABLE_VLEK,
	CERTTABLE_ASK,		/* ASK or ASVK: the GUID does not say */
	CERTTABLE_ARK
};

extern const uint8_t	certtable_guid_vcek[CERTTABLE_GUID_LEN];
extern const uint8_t	certtable_guid_vlek[CERTTABLE_GUID_LEN];
extern const uint8_t	certtable_guid_ask[CERTTABLE_GUID_LEN];
extern const uint8_t	certtable_guid_ark[CERTTABLE_GUID_LEN];

/* One entry; data points into the parsed blob (or the caller's bytes). */
struct certtable_entry {
	uint8_t			 guid[CERTTABLE_GUID_LEN];
	enum certtable_kind	 kind;
	const uint8_t		*data;
	size_t			 len;
};

struct certtable {
	struct certtable_entry	 entries[CERTTABLE_MAX_ENTRIES];
	size_t			 n;
};

/*
 * Parse blob into t.  Entries point into blob, which must outlive t.
 * Rejects: no terminator, an entry with a zero GUID but non-zero fields,
 * zero-length data, data inside the table or past the end, overlapping
 * data, duplicate GUIDs, more than CERTTABLE_MAX_ENTRIES entries.  An
 * empty table (terminator only) is valid: the host supplied no certs.
 * The error names the entry index and byte offset.
 */
int	certtable_parse(const uint8_t *, size_t, struct certtable *, char *,
	    size_t);

/* The entry of a kind (first one; kinds are unique after parsing). */
const struct certtable_entry *certtable_find(const struct certtable *,
	    enum certtable_kind);

/* GUID → kind, and kind → GUID (NULL for CERTTABLE_OTHER). */
enum certtable_kind certtable_guid_kind(const uint8_t *);
const uint8_t	*certtable_kind_guid(enum certtable_kind);
const char	*certtable_kind_name(enum certtable_kind);

/*
 * Build a table from n entries (guid, data, len used; kind ignored):
 * header, terminator, then the data in order.  The same rules as parsing
 * apply (no duplicates, no empty data).  *out is malloc'd.
 */
int	certtable_build(const struct certtable_entry *, size_t, uint8_t **,
	    size_t *, char *, size_t);

#endif
