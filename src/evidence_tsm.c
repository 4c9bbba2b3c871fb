/*
 * Evidence from Linux configfs-tsm (Documentation/ABI/testing/
 * configfs-tsm): create a report entry, write 64 bytes of report data to
 * `inblob', read `outblob' (the report or quote) and for SNP `auxblob'
 * (the certificate table), then remove the entry.
 *
 * Another process writing to the same entry between our write and our
 * read would hand us a report over ITS data.  The kernel counts writes
 * in `generation': if it differs after the reads from what it was right
 * after our write, the result is discarded and we start over with a new
 * entry, at most EVIDENCE_TSM_RETRIES more times.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "evidence_int.h"
#include "util.h"

#define TSM_SMALL_MAX	64	/* provider, generation */

static int
tsm_path(char *buf, size_t len, const char *entry, const char *attr,
    char *err, size_t errlen)
{
	if (snprintf(buf, len, "%s/%s", entry, attr) >= (int)len) {
		snprintf(err, errlen, "%s: path too long", entry);
		return -1;
	}
	return 0;
}

static int
tsm_write_inblob(const char *entry, const uint8_t rd[64], char *err,
    size_t errlen)
{
	char	 path[PATH_MAX];
	ssize_t	 n;
	int	 fd;

	if (tsm_path(path, sizeof(path), entry, "inblob", err, errlen) == -1)
		return -1;
	/* No O_CREAT: the attribute must already be there. */
	if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	do
		n = write(fd, rd, 64);
	while (n == -1 && errno == EINTR);
	if (n != 64) {
		snprintf(err, errlen, "%s: %s", path, n == -1 ?
		    strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	/* configfs commits a binary attribute on close. */
	if (close(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* A small text attribute, without its trailing newline. */
static int
tsm_read_text(const char *entry, const char *attr, char *out, size_t outlen,
    char *err, size_t errlen)
{
	char	 path[PATH_MAX];
	uint8_t	*buf;
	size_t	 len;

	if (tsm_path(path, sizeof(path), entry, attr, err, errlen) == -1 ||
	    file_read(path, TSM_SMALL_MAX, &buf, &len, err, errlen) == -1)
		return -1;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len == 0 || len >= outlen || memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: empty or malformed", path);
		free(buf);
		return -1;
	}
	memcpy(out, buf, len);
	out[len] = '\0';
	free(buf);
	return 0;
}

static int
tsm_read_generation(const char *entry, unsigned long long *gen, char *err,
    size_t errlen)
{
	char	 s[TSM_SMALL_MAX], *end;
	size_t	 i;

	if (tsm_read_text(entry, "generation", s, sizeof(s), err,
	    errlen) == -1)
		return -1;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9' || i >= 20) {
			snprintf(err, errlen, "%s/generation: not a decimal "
			    "number", entry);
			return -1;
		}
	errno = 0;
	*gen = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0') {
		snprintf(err, errlen, "%s/generation: out of range", entry);
		return -1;
	}
	return 0;
}

/*
 * One attempt in a fresh entry.  Returns 0, -1 on error, or 1 when the
 * generation changed (the caller retries).
 */
static int
tsm_once(struct evidence_src *src, const char *entry, const uint8_t rd[64],
    struct evidence *ev, char *err, size_t errlen)
{
	char			 provider[TSM_SMALL_MAX], path[PATH_MAX];
	unsigned long long	 gen1, gen2;
	uint8_t			*out = NULL, *aux = NULL;
	size_t			 outlen = 0, auxlen = 0;
	int			 rv = -1;

	if (src->hook != NULL)
		src->hook(entry, src->hook_arg);
	if (tsm_write_inblob(entry, rd, err, errlen) == -1 ||
	    tsm_read_generation(entry, &gen1, err, errlen) == -1 ||
	    tsm_read_text(entry, "provider", provider, sizeof(provider), err,
	    errlen) == -1)
		goto out;
	if (strcmp(provider, "sev_guest") == 0)
		ev->platform = ATTEST_PLATFORM_SNP;
	else if (strcmp(provider, "tdx_guest") == 0)
		ev->platform = ATTEST_PLATFORM_TDX;
	else {
		snprintf(err, errlen, "%s/provider: unsupported provider '%s'",
		    entry, provider);
		goto out;
	}
	if (tsm_path(path, sizeof(path), entry, "outblob", err, errlen) == -1 ||
	    file_read(path, EVIDENCE_REPORT_MAX, &out, &outlen, err,
	    errlen) == -1)
		goto out;
	if (outlen == 0) {
		snprintf(err, errlen, "%s: empty", path);
		goto out;
	}
	if (ev->platform == ATTEST_PLATFORM_SNP) {
		if (tsm_path(path, sizeof(path), entry, "auxblob", err,
		    errlen) == -1)
			goto out;
		/* No auxblob: the host has no certificates configured. */
		if (access(path, F_OK) == 0 && file_read(path,
		    EVIDENCE_AUXBLOB_MAX, &aux, &auxlen, err, errlen) == -1)
			goto out;
	}
	if (tsm_read_generation(entry, &gen2, err, errlen) == -1)
		goto out;
	if (gen1 != gen2) {
		snprintf(err, errlen, "%s: generation changed from %llu to "
		    "%llu while reading: another writer on the entry", entry,
		    gen1, gen2);
		rv = 1;
		goto out;
	}
	ev->report = out;
	ev->report_len = outlen;
	out = NULL;
	if (auxlen > 0 && evidence_set_auxblob(ev, aux, auxlen, err,
	    errlen) == -1)
		goto out;
	rv = 0;
 out:
	free(out);
	free(aux);
	return rv;
}

int
evidence_tsm_get(struct evidence_src *src, const uint8_t rd[64],
    struct evidence *ev, char *err, size_t errlen)
{
	char	 entry[PATH_MAX];
	int	 attempt, tries, rv = -1;

	for (attempt = 0; attempt <= EVIDENCE_TSM_RETRIES; attempt++) {
		/* A name of our own; skip over leftovers of a crash. */
		for (tries = 0;; tries++) {
			if (snprintf(entry, sizeof(entry), "%s/contrast-%ld-%u",
			    src->path, (long)getpid(), src->seq++) >=
			    (int)sizeof(entry)) {
				snprintf(err, errlen, "%s: path too long",
				    src->path);
				return -1;
			}
			if (mkdir(entry, 0700) == 0)
				break;
			if (errno != EEXIST || tries == 16) {
				snprintf(err, errlen, "%s: %s", entry,
				    strerror(errno));
				return -1;
			}
		}
		evidence_free(ev);
		rv = tsm_once(src, entry, rd, ev, err, errlen);
		/*
		 * configfs removes the attributes with the entry.  A plain
		 * directory standing in for it (tests) keeps its files and
		 * the rmdir fails: nothing to undo then either.
		 */
		(void)rmdir(entry);
		if (rv != 1)
			break;
	}
	if (rv == 1) {
		char	 last[256];

		snprintf(last, sizeof(last), "%s", err);
		snprintf(err, errlen, "configfs-tsm: report generation kept "
		    "changing (%d attempts); last: %s",
		    EVIDENCE_TSM_RETRIES + 1, last);
		rv = -1;
	}
	if (rv == -1)
		evidence_free(ev);
	return rv;
}
