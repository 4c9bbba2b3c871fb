/*
 * libFuzzer harness for the probe port's request parser (src/probe.c):
 * any bytes, whole and as every prefix the front could have read; the
 * verdict must be consistent (a complete request never longer than the
 * input or the cap, a prefix of a complete request never "bad").
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "coordinator.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct probe_req r;
	size_t		 k;
	int		 rc, prc;

	if (len > PROBE_REQ_MAX)
		len = PROBE_REQ_MAX;
	rc = probe_parse(data, len, &r);
	if (rc > 0 && ((size_t)rc > len || r.len != (size_t)rc ||
	    (size_t)rc > PROBE_REQ_MAX))
		abort();
	if (rc < PROBE_BAD)
		abort();
	/* The front feeds growing prefixes: earlier verdicts must agree. */
	for (k = 0; k < len; k += 1 + k / 8) {
		prc = probe_parse(data, k, &r);
		if (rc == PROBE_INCOMPLETE && prc != PROBE_INCOMPLETE)
			abort();
		if (rc > 0 && prc == PROBE_BAD)
			abort();
	}
	return 0;
}
