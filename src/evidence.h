/*
 * Guest-side attestation evidence behind one interface, for the
 * initializer and the Coordinator's own attestation:
 *
 *   configfs-tsm  Linux /sys/kernel/config/tsm/report (SNP and TDX)
 *   sev-guest     the /dev/sev-guest SNP_GET_EXT_REPORT ioctl (SNP)
 *   sim           the simulated TEE of a sim dir (INSECURE, see sim.h)
 *   auto          configfs-tsm if present, else sev-guest, else an error
 *
 * A source is opened once and asked for evidence over 64 bytes of report
 * data as often as needed.  struct evidence carries the platform, the
 * raw report (SNP) or quote (TDX) and, for SNP, the certificates the host
 * supplied (VCEK or VLEK, ASK or ASVK, ARK) as DER.  Nothing here is
 * trusted: the verifier judges it.
 *
 * evidence_encode()/evidence_decode() turn struct evidence into bytes
 * and back (versioned, length-checked, exact) so it can travel inside a
 * protocol message.  Format in doc/sim.md.
 */
#ifndef CONTRAST_EVIDENCE_H
#define CONTRAST_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "attest.h"

#define EVIDENCE_TSM_ROOT	"/sys/kernel/config/tsm/report"
#define EVIDENCE_SEV_GUEST_DEV	"/dev/sev-guest"

#define EVIDENCE_SNP_REPORT_LEN	0x4a0
#define EVIDENCE_REPORT_MAX	(32 * 1024)	/* TDX quotes: ~5..8 KiB */
#define EVIDENCE_CERT_MAX	(16 * 1024)	/* one DER certificate */
#define EVIDENCE_AUXBLOB_MAX	(256 * 1024)	/* the host's cert table */
#define EVIDENCE_WIRE_VERSION	1
#define EVIDENCE_WIRE_MAX	(EVIDENCE_REPORT_MAX + 4 * EVIDENCE_CERT_MAX \
				    + 64)
#define EVIDENCE_TSM_RETRIES	3	/* generation conflicts tolerated */

enum evidence_kind {
	EVIDENCE_AUTO = 0,
	EVIDENCE_CONFIGFS_TSM,
	EVIDENCE_SEV_GUEST,
	EVIDENCE_SIM
};

struct evidence {
	enum attest_platform	 platform;	/* SNP, TDX or SIM_SNP */
	uint8_t			*report;	/* SNP report or TDX quote */
	size_t			 report_len;
	/* SNP only; NULL when the host did not supply them. */
	uint8_t			*vcek;		/* exclusive with vlek */
	size_t			 vcek_len;
	uint8_t			*vlek;
	size_t			 vlek_len;
	uint8_t			*ask;		/* ASK, or ASVK for a VLEK */
	size_t			 ask_len;
	uint8_t			*ark;
	size_t			 ark_len;
};

struct evidence_opts {
	const char	*tsm_root;	/* NULL: EVIDENCE_TSM_ROOT */
	const char	*sev_guest_dev;	/* NULL: EVIDENCE_SEV_GUEST_DEV */
	const char	*sim_dir;	/* NULL: sim_default_dir() */
	/*
	 * sim only: what the "hypervisor" launched the guest with.  A real
	 * guest cannot choose its HOSTDATA, so it is fixed at open time.
	 * hostdata is required; measurement NULL = the sim dir's image.
	 */
	const uint8_t	*sim_hostdata;		/* 32 bytes */
	const uint8_t	*sim_measurement;	/* 48 bytes or NULL */
	/*
	 * configfs-tsm: called after the report entry is created, with its
	 * path.  configfs populates a new entry itself; a test standing in
	 * for configfs with a plain directory fills it here.
	 */
	void		(*tsm_entry_hook)(const char *, void *);
	void		*tsm_entry_arg;
};

struct evidence_src;

/* "auto", "configfs-tsm", "sev-guest", "sim" → kind; -1 if unknown. */
int		 evidence_kind_parse(const char *, enum evidence_kind *);
const char	*evidence_kind_name(enum evidence_kind);

/*
 * Open a source.  opts may be NULL except for sim.  For auto, the
 * resolved kind is available from evidence_src_kind().  Fails with a
 * message naming the path when the source is unusable.
 */
int		 evidence_open(enum evidence_kind, const struct evidence_opts *,
		    struct evidence_src **, char *, size_t);
enum evidence_kind evidence_src_kind(const struct evidence_src *);
void		 evidence_close(struct evidence_src *);

/*
 * Evidence over report_data (64 bytes).  *ev is filled on success and
 * must be released with evidence_free(); on failure it is empty.
 */
int		 evidence_get(struct evidence_src *, const uint8_t[64],
		    struct evidence *, char *, size_t);
void		 evidence_free(struct evidence *);

/*
 * Take the certificates from an SNP extended-report cert table (see
 * certtable.h) into ev (copied).  Unknown GUIDs are ignored; a table
 * with both a VCEK and a VLEK is refused.
 */
int		 evidence_set_auxblob(struct evidence *, const uint8_t *,
		    size_t, char *, size_t);

/* The reverse: a cert table of ev's certificates (for files, tests). */
int		 evidence_certs_auxblob(const struct evidence *, uint8_t **,
		    size_t *, char *, size_t);

/*
 * The intermediate and root as one buffer (ASK DER then ARK DER; either
 * may be absent), which is the `chain' form the SNP verifier takes.
 * *out is NULL with *len 0 when there are none.
 */
int		 evidence_snp_chain(const struct evidence *, uint8_t **,
		    size_t *, char *, size_t);

/*
 * Wire form (version EVIDENCE_WIRE_VERSION):
 *   "CTEV" | u8 version | u8 platform | u16 0 |
 *   5 × (u32 length | bytes): report, vcek, vlek, ask, ark
 * Integers big-endian.  Decoding checks every length against what is
 * left and against its cap before allocating, the platform's rules (SNP
 * report exactly 0x4A0 bytes, no certificates for TDX, not both VCEK and
 * VLEK) and that the input is consumed exactly.
 */
int		 evidence_encode(const struct evidence *, uint8_t **, size_t *,
		    char *, size_t);
int		 evidence_decode(const uint8_t *, size_t, struct evidence *,
		    char *, size_t);

#endif
