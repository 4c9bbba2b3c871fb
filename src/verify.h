/*
 * Judge serialised evidence (evidence.h wire form) against the reference
 * values of a manifest: the one entry point the Coordinator's verifier
 * process and the CLI's Coordinator attestation share.  SNP and simulated
 * SNP go through snp_verify() (which picks AMD's roots or the pinned
 * simulated ARK per reference-value entry), TDX through tdx_verify().
 */
#ifndef CONTRAST_VERIFY_H
#define CONTRAST_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "attest.h"

struct snp_ctx;

/*
 * 0 with *verdict filled when the evidence matches an entry of rv and its
 * REPORT_DATA equals expected_rd (64 bytes, never NULL here).  -1
 * otherwise: *reason is a stable metric label ("measurement",
 * "signature", "malformed", ...) and err the full reason.  snp may be
 * NULL (a context is made and freed per call: slower, no chain cache).
 */
int	 verify_evidence(struct snp_ctx *, const uint8_t *, size_t,
	    const struct refvals *, const uint8_t *, time_t,
	    struct attest_verdict *, const char **, char *, size_t);

#endif
