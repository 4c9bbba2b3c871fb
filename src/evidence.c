/*
 * The evidence interface: source selection, the sim back end, the
 * certificate table and the checks every struct evidence obeys.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certtable.h"
#include "evidence.h"
#include "evidence_int.h"
#include "sim.h"
#include "util.h"

static const struct {
	const char		*name;
	enum evidence_kind	 kind;
} evidence_kinds[] = {
	{ "auto",		EVIDENCE_AUTO },
	{ "configfs-tsm",	EVIDENCE_CONFIGFS_TSM },
	{ "sev-guest",		EVIDENCE_SEV_GUEST },
	{ "sim",		EVIDENCE_SIM },
};

int
evidence_kind_parse(const char *s, enum evidence_kind *kind)
{
	size_t	 i;

	for (i = 0; i < sizeof(evidence_kinds) / sizeof(evidence_kinds[0]);
	    i++)
		if (strcmp(s, evidence_kinds[i].name) == 0) {
			*kind = evidence_kinds[i].kind;
			return 0;
		}
	return -1;
}

const char *
evidence_kind_name(enum evidence_kind kind)
{
	size_t	 i;

	for (i = 0; i < sizeof(evidence_kinds) / sizeof(evidence_kinds[0]);
	    i++)
		if (evidence_kinds[i].kind == kind)
			return evidence_kinds[i].name;
	return "unknown";
}

uint8_t *
evidence_dup(const uint8_t *p, size_t len)
{
	uint8_t	*q;

	if (len == 0 || (q = malloc(len)) == NULL)
		return NULL;
	memcpy(q, p, len);
	return q;
}

static int
is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
set_path(struct evidence_src *src, const char *path, char *err,
    size_t errlen)
{
	if (strlen(path) >= sizeof(src->path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	strcpy(src->path, path);
	return 0;
}

int
evidence_open(enum evidence_kind kind, const struct evidence_opts *opts,
    struct evidence_src **srcp, char *err, size_t errlen)
{
	struct evidence_opts	 none;
	struct evidence_src	*src;
	const char		*tsm, *dev;

	*srcp = NULL;
	if (opts == NULL) {
		memset(&none, 0, sizeof(none));
		opts = &none;
	}
	tsm = opts->tsm_root ? opts->tsm_root : EVIDENCE_TSM_ROOT;
	dev = opts->sev_guest_dev ? opts->sev_guest_dev :
	    EVIDENCE_SEV_GUEST_DEV;
	if (kind == EVIDENCE_AUTO) {
		if (is_dir(tsm))
			kind = EVIDENCE_CONFIGFS_TSM;
		else if (access(dev, F_OK) == 0)
			kind = EVIDENCE_SEV_GUEST;
		else {
			snprintf(err, errlen, "no TEE evidence source: neither "
			    "%s nor %s exists (not in a confidential VM?)",
			    tsm, dev);
			return -1;
		}
	}
	if ((src = calloc(1, sizeof(*src))) == NULL) {
		snprintf(err, errlen, "evidence: out of memory");
		return -1;
	}
	src->kind = kind;
	src->fd = -1;
	switch (kind) {
	case EVIDENCE_CONFIGFS_TSM:
		if (set_path(src, tsm, err, errlen) == -1)
			goto fail;
		if (!is_dir(src->path)) {
			snprintf(err, errlen, "%s: not a directory (configfs "
			    "mounted, kernel with CONFIG_TSM_REPORTS?)",
			    src->path);
			goto fail;
		}
		src->hook = opts->tsm_entry_hook;
		src->hook_arg = opts->tsm_entry_arg;
		break;
	case EVIDENCE_SEV_GUEST:
		if (set_path(src, dev, err, errlen) == -1 ||
		    evidence_sevguest_open(src, err, errlen) == -1)
			goto fail;
		break;
	case EVIDENCE_SIM:
		if (opts->sim_hostdata == NULL) {
			snprintf(err, errlen, "evidence: the sim needs the "
			    "HOSTDATA the guest was launched with");
			goto fail;
		}
		if (set_path(src, opts->sim_dir ? opts->sim_dir :
		    sim_default_dir(), err, errlen) == -1 ||
		    sim_open(src->path, &src->sim, err, errlen) == -1)
			goto fail;
		memcpy(src->hostdata, opts->sim_hostdata, 32);
		if (opts->sim_measurement != NULL)
			sim_set_measurement(src->sim, opts->sim_measurement);
		break;
	default:
		snprintf(err, errlen, "evidence: unknown source kind %d",
		    (int)kind);
		goto fail;
	}
	*srcp = src;
	return 0;
 fail:
	evidence_close(src);
	return -1;
}

enum evidence_kind
evidence_src_kind(const struct evidence_src *src)
{
	return src->kind;
}

void
evidence_close(struct evidence_src *src)
{
	if (src == NULL)
		return;
	if (src->fd != -1)
		close(src->fd);
	sim_close(src->sim);
	free(src);
}

void
evidence_free(struct evidence *ev)
{
	free(ev->report);
	free(ev->vcek);
	free(ev->vlek);
	free(ev->ask);
	free(ev->ark);
	memset(ev, 0, sizeof(*ev));
}

static int
evidence_sim_get(struct evidence_src *src, const uint8_t rd[64],
    struct evidence *ev, char *err, size_t errlen)
{
	uint8_t	 report[SIM_REPORT_LEN], *aux = NULL;
	size_t	 auxlen = 0;
	int	 rv;

	if (sim_issue_report(src->sim, src->hostdata, rd, report, &aux,
	    &auxlen, err, errlen) == -1)
		return -1;
	ev->platform = ATTEST_PLATFORM_SIM_SNP;
	if ((ev->report = evidence_dup(report, sizeof(report))) == NULL) {
		free(aux);
		snprintf(err, errlen, "evidence: out of memory");
		return -1;
	}
	ev->report_len = sizeof(report);
	rv = evidence_set_auxblob(ev, aux, auxlen, err, errlen);
	free(aux);
	return rv;
}

int
evidence_get(struct evidence_src *src, const uint8_t rd[64],
    struct evidence *ev, char *err, size_t errlen)
{
	int	 rv = -1;

	memset(ev, 0, sizeof(*ev));
	switch (src->kind) {
	case EVIDENCE_CONFIGFS_TSM:
		rv = evidence_tsm_get(src, rd, ev, err, errlen);
		break;
	case EVIDENCE_SEV_GUEST:
		rv = evidence_sevguest_get(src, rd, ev, err, errlen);
		break;
	case EVIDENCE_SIM:
		rv = evidence_sim_get(src, rd, ev, err, errlen);
		break;
	default:
		snprintf(err, errlen, "evidence: unknown source kind");
		break;
	}
	if (rv == 0)
		rv = evidence_check(ev, err, errlen);
	if (rv == -1)
		evidence_free(ev);
	return rv;
}

int
evidence_set_auxblob(struct evidence *ev, const uint8_t *aux, size_t len,
    char *err, size_t errlen)
{
	static const enum certtable_kind kinds[] = {
		CERTTABLE_VCEK, CERTTABLE_VLEK, CERTTABLE_ASK, CERTTABLE_ARK
	};
	struct certtable		 t;
	const struct certtable_entry	*e;
	uint8_t				**dst[4];
	size_t				*dstlen[4], i;

	dst[0] = &ev->vcek, dstlen[0] = &ev->vcek_len;
	dst[1] = &ev->vlek, dstlen[1] = &ev->vlek_len;
	dst[2] = &ev->ask, dstlen[2] = &ev->ask_len;
	dst[3] = &ev->ark, dstlen[3] = &ev->ark_len;
	if (len > EVIDENCE_AUXBLOB_MAX) {
		snprintf(err, errlen, "auxblob: %zu bytes, at most %d", len,
		    EVIDENCE_AUXBLOB_MAX);
		return -1;
	}
	if (certtable_parse(aux, len, &t, err, errlen) == -1)
		return -1;
	if (certtable_find(&t, CERTTABLE_VCEK) != NULL &&
	    certtable_find(&t, CERTTABLE_VLEK) != NULL) {
		snprintf(err, errlen, "auxblob: has both a VCEK and a VLEK");
		return -1;
	}
	for (i = 0; i < 4; i++) {
		if ((e = certtable_find(&t, kinds[i])) == NULL)
			continue;
		if (e->len > EVIDENCE_CERT_MAX) {
			snprintf(err, errlen, "auxblob: %s is %zu bytes, at "
			    "most %d", certtable_kind_name(kinds[i]), e->len,
			    EVIDENCE_CERT_MAX);
			return -1;
		}
		free(*dst[i]);
		if ((*dst[i] = evidence_dup(e->data, e->len)) == NULL) {
			*dstlen[i] = 0;
			snprintf(err, errlen, "evidence: out of memory");
			return -1;
		}
		*dstlen[i] = e->len;
	}
	return 0;
}

int
evidence_certs_auxblob(const struct evidence *ev, uint8_t **outp,
    size_t *lenp, char *err, size_t errlen)
{
	struct certtable_entry	 e[4];
	size_t			 n = 0;

	memset(e, 0, sizeof(e));
	if (ev->vcek_len > 0) {
		memcpy(e[n].guid, certtable_guid_vcek, CERTTABLE_GUID_LEN);
		e[n].data = ev->vcek, e[n++].len = ev->vcek_len;
	}
	if (ev->vlek_len > 0) {
		memcpy(e[n].guid, certtable_guid_vlek, CERTTABLE_GUID_LEN);
		e[n].data = ev->vlek, e[n++].len = ev->vlek_len;
	}
	if (ev->ask_len > 0) {
		memcpy(e[n].guid, certtable_guid_ask, CERTTABLE_GUID_LEN);
		e[n].data = ev->ask, e[n++].len = ev->ask_len;
	}
	if (ev->ark_len > 0) {
		memcpy(e[n].guid, certtable_guid_ark, CERTTABLE_GUID_LEN);
		e[n].data = ev->ark, e[n++].len = ev->ark_len;
	}
	return certtable_build(e, n, outp, lenp, err, errlen);
}

int
evidence_snp_chain(const struct evidence *ev, uint8_t **outp, size_t *lenp,
    char *err, size_t errlen)
{
	uint8_t	*out;

	*outp = NULL;
	*lenp = 0;
	if (ev->ask_len + ev->ark_len == 0)
		return 0;
	if ((out = malloc(ev->ask_len + ev->ark_len)) == NULL) {
		snprintf(err, errlen, "evidence: out of memory");
		return -1;
	}
	if (ev->ask_len > 0)
		memcpy(out, ev->ask, ev->ask_len);
	if (ev->ark_len > 0)
		memcpy(out + ev->ask_len, ev->ark, ev->ark_len);
	*outp = out;
	*lenp = ev->ask_len + ev->ark_len;
	return 0;
}

int
evidence_check(const struct evidence *ev, char *err, size_t errlen)
{
	size_t	 certs = ev->vcek_len + ev->vlek_len + ev->ask_len +
		    ev->ark_len;

	if (ev->report_len == 0 || ev->report == NULL) {
		snprintf(err, errlen, "evidence: no report");
		return -1;
	}
	if (ev->report_len > EVIDENCE_REPORT_MAX) {
		snprintf(err, errlen, "evidence: report is %zu bytes, at most "
		    "%d", ev->report_len, EVIDENCE_REPORT_MAX);
		return -1;
	}
	if ((ev->vcek_len > 0) != (ev->vcek != NULL) ||
	    (ev->vlek_len > 0) != (ev->vlek != NULL) ||
	    (ev->ask_len > 0) != (ev->ask != NULL) ||
	    (ev->ark_len > 0) != (ev->ark != NULL)) {
		snprintf(err, errlen, "evidence: certificate pointer and "
		    "length disagree");
		return -1;
	}
	if (ev->vcek_len > EVIDENCE_CERT_MAX ||
	    ev->vlek_len > EVIDENCE_CERT_MAX ||
	    ev->ask_len > EVIDENCE_CERT_MAX ||
	    ev->ark_len > EVIDENCE_CERT_MAX) {
		snprintf(err, errlen, "evidence: a certificate is larger "
		    "than %d bytes", EVIDENCE_CERT_MAX);
		return -1;
	}
	switch (ev->platform) {
	case ATTEST_PLATFORM_SNP:
	case ATTEST_PLATFORM_SIM_SNP:
		if (ev->report_len != EVIDENCE_SNP_REPORT_LEN) {
			snprintf(err, errlen, "evidence: SNP report is %zu "
			    "bytes, want %d", ev->report_len,
			    EVIDENCE_SNP_REPORT_LEN);
			return -1;
		}
		if (ev->vcek_len > 0 && ev->vlek_len > 0) {
			snprintf(err, errlen, "evidence: both a VCEK and a "
			    "VLEK");
			return -1;
		}
		return 0;
	case ATTEST_PLATFORM_TDX:
		if (certs != 0) {
			snprintf(err, errlen, "evidence: a TDX quote carries "
			    "its certificates itself");
			return -1;
		}
		return 0;
	default:
		snprintf(err, errlen, "evidence: unknown platform %d",
		    (int)ev->platform);
		return -1;
	}
}
