/*
 * The parent's Prometheus counters (text exposition format 0.0.4); the
 * front appends its own before serving /metrics on the probe port.
 * Reason labels come from the verifier's fixed set (attest_reject_name,
 * snp_reason_name) or the parent's own; anything else is folded into
 * "other" so a label can never carry arbitrary text.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "coordinator.h"
#include "parent.h"

/* [a-z0-9_], 1..31 bytes: a safe label value. */
static int
pmetrics_label_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return i > 0 && i < 32;
}

void
pmetrics_failure(struct pcore *pc, const char *reason)
{
	struct pmetrics	*mt = &pc->metrics;
	size_t		 i;

	if (!pmetrics_label_ok(reason))
		reason = "other";
	for (i = 0; i < mt->nfailures; i++)
		if (strcmp(mt->failures[i].reason, reason) == 0)
			break;
	if (i == mt->nfailures) {
		if (mt->nfailures == PCORE_REASONS_MAX) {
			reason = "other";
			for (i = 0; i < mt->nfailures; i++)
				if (strcmp(mt->failures[i].reason,
				    reason) == 0)
					break;
			if (i == mt->nfailures)
				i = mt->nfailures - 1;	/* full: last one */
		} else {
			snprintf(mt->failures[i].reason,
			    sizeof(mt->failures[i].reason), "%s", reason);
			mt->nfailures++;
		}
	}
	mt->failures[i].n++;
}

static int
pmetrics_add(char *buf, size_t len, size_t *off, const char *fmt, ...)
    __attribute__((__format__ (printf, 4, 5)));

static int
pmetrics_add(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *off)
		return -1;
	*off += (size_t)n;
	return 0;
}

int
pmetrics_text(const struct pcore *pc, char *buf, size_t len)
{
	const struct pmetrics	*mt = &pc->metrics;
	size_t			 off = 0, i;

	buf[0] = '\0';
	if (pmetrics_add(buf, len, &off,
	    "# HELP contrast_coordinator_manifest_generation Generation of "
	    "the active manifest (0: none).\n"
	    "# TYPE contrast_coordinator_manifest_generation gauge\n"
	    "contrast_coordinator_manifest_generation %llu\n"
	    "# HELP contrast_coordinator_state 0 no manifest, 1 active, "
	    "2 recovery.\n"
	    "# TYPE contrast_coordinator_state gauge\n"
	    "contrast_coordinator_state %u\n"
	    "# HELP contrast_coordinator_certificates_issued_total Mesh "
	    "certificates issued.\n"
	    "# TYPE contrast_coordinator_certificates_issued_total counter\n"
	    "contrast_coordinator_certificates_issued_total %llu\n"
	    "# HELP contrast_coordinator_manifest_updates_total Manifests "
	    "set since start.\n"
	    "# TYPE contrast_coordinator_manifest_updates_total counter\n"
	    "contrast_coordinator_manifest_updates_total %llu\n"
	    "# HELP contrast_coordinator_recoveries_total Recoveries since "
	    "start.\n"
	    "# TYPE contrast_coordinator_recoveries_total counter\n"
	    "contrast_coordinator_recoveries_total %llu\n"
	    "# HELP contrast_meshapi_attestation_failures_total Rejected "
	    "mesh certificate requests by reason.\n"
	    "# TYPE contrast_meshapi_attestation_failures_total counter\n",
	    (unsigned long long)(pc->state == COORD_STATE_READY ? pc->gen : 0),
	    pc->state, (unsigned long long)mt->certs_issued,
	    (unsigned long long)mt->sets,
	    (unsigned long long)mt->recoveries) == -1)
		return -1;
	for (i = 0; i < mt->nfailures; i++)
		if (pmetrics_add(buf, len, &off,
		    "contrast_meshapi_attestation_failures_total"
		    "{reason=\"%s\"} %llu\n", mt->failures[i].reason,
		    (unsigned long long)mt->failures[i].n) == -1)
			return -1;
	return 0;
}
