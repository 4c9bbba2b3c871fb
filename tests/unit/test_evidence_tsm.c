/*
 * Guest-side evidence against a fake configfs-tsm tree: a plain
 * directory stands in for /sys/kernel/config/tsm/report, and the entry
 * hook fills each new report entry the way the kernel would (provider,
 * generation, outblob, auxblob).  A generation change while the report is
 * read is simulated with a FIFO outblob whose writer bumps `generation'
 * before it hands out the report.  Also: auto selection and the
 * sev-guest back end's errors on a device that is not one.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certtable.h"
#include "evidence.h"
#include "util.h"
#include "tests/tap.h"

enum gen_mode { GEN_STABLE, GEN_CHANGE_ALWAYS, GEN_CHANGE_ONCE };

struct fake {
	const char	*provider;	/* NULL: no file */
	const uint8_t	*out;
	size_t		 outlen;
	const uint8_t	*aux;		/* NULL: no file */
	size_t		 auxlen;
	int		 no_inblob;
	int		 no_generation;
	enum gen_mode	 gen;
	int		 calls;
	char		 last[4096];
};

static char	 err[512];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Remove a test's scratch tree. */
static void
rm_tree(const char *path)
{
	(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
put(const char *dir, const char *name, const void *data, size_t len)
{
	char	 p[8192];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (file_write_atomic(p, data, len, 0644, err, sizeof(err)) == -1) {
		fprintf(stderr, "fake: %s\n", err);
		exit(1);
	}
}

/*
 * The FIFO writer: runs when the code under test opens outblob, bumps
 * the generation first (as a concurrent writer would) and then serves
 * the report, so the reader sees the new generation afterwards.
 */
static void
fifo_writer(const char *entry, const struct fake *f)
{
	char	 p[8192];
	int	 fd;

	alarm(20);	/* never outlive a broken test */
	snprintf(p, sizeof(p), "%s/outblob", entry);
	if ((fd = open(p, O_WRONLY)) == -1)
		_exit(1);
	put(entry, "generation", "7\n", 2);
	if (write(fd, f->out, f->outlen) != (ssize_t)f->outlen)
		_exit(1);
	close(fd);
	_exit(0);
}

static void
hook(const char *entry, void *arg)
{
	struct fake	*f = arg;
	char		 p[4096];
	int		 change;

	f->calls++;
	snprintf(f->last, sizeof(f->last), "%s", entry);
	if (!f->no_inblob)
		put(entry, "inblob", "", 0);
	if (!f->no_generation)
		put(entry, "generation", "6\n", 2);
	if (f->provider != NULL)
		put(entry, "provider", f->provider, strlen(f->provider));
	if (f->aux != NULL)
		put(entry, "auxblob", f->aux, f->auxlen);
	change = f->gen == GEN_CHANGE_ALWAYS ||
	    (f->gen == GEN_CHANGE_ONCE && f->calls == 1);
	if (!change) {
		put(entry, "outblob", f->out, f->outlen);
		return;
	}
	snprintf(p, sizeof(p), "%s/outblob", entry);
	if (mkfifo(p, 0600) == -1) {
		perror("mkfifo");
		exit(1);
	}
	if (fork() == 0)
		fifo_writer(entry, f);
}

static int
get(const char *root, struct fake *f, const uint8_t rd[64],
    struct evidence *ev)
{
	struct evidence_opts	 o;
	struct evidence_src	*src;
	int			 r;

	memset(&o, 0, sizeof(o));
	o.tsm_root = root;
	o.tsm_entry_hook = hook;
	o.tsm_entry_arg = f;
	f->calls = 0;
	if (evidence_open(EVIDENCE_CONFIGFS_TSM, &o, &src, err,
	    sizeof(err)) == -1)
		return -1;
	r = evidence_get(src, rd, ev, err, sizeof(err));
	evidence_close(src);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return r;
}

static int
file_is(const char *dir, const char *name, const uint8_t *want, size_t len)
{
	char	 p[8192];
	uint8_t	*buf;
	size_t	 blen;
	int	 r;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (file_read(p, 1 << 20, &buf, &blen, err, sizeof(err)) == -1)
		return 0;
	r = blen == len && memcmp(buf, want, len) == 0;
	free(buf);
	return r;
}

int
main(void)
{
	char			 root[] = "/tmp/contrast-test-tsm-XXXXXX";
	struct fake		 f;
	struct evidence		 ev;
	struct evidence_opts	 o;
	struct evidence_src	*src;
	struct certtable_entry	 ce[3];
	uint8_t			 report[1184], quote[5000], rd[64];
	uint8_t			 vcek[300], ask[400], ark[500], *aux;
	size_t			 auxlen, i;
	int			 st;

	if (mkdtemp(root) == NULL)
		return 1;
	for (i = 0; i < sizeof(report); i++)
		report[i] = (uint8_t)(i * 7);
	for (i = 0; i < sizeof(quote); i++)
		quote[i] = (uint8_t)(i * 13);
	for (i = 0; i < 64; i++)
		rd[i] = (uint8_t)(0xc0 ^ i);
	memset(vcek, 0x11, sizeof(vcek));
	memset(ask, 0x22, sizeof(ask));
	memset(ark, 0x33, sizeof(ark));
	memset(ce, 0, sizeof(ce));
	memcpy(ce[0].guid, certtable_guid_vcek, 16);
	ce[0].data = vcek, ce[0].len = sizeof(vcek);
	memcpy(ce[1].guid, certtable_guid_ask, 16);
	ce[1].data = ask, ce[1].len = sizeof(ask);
	memcpy(ce[2].guid, certtable_guid_ark, 16);
	ce[2].data = ark, ce[2].len = sizeof(ark);
	if (certtable_build(ce, 3, &aux, &auxlen, err, sizeof(err)) == -1)
		return 1;

	/* SNP, everything present. */
	memset(&f, 0, sizeof(f));
	f.provider = "sev_guest\n";
	f.out = report, f.outlen = sizeof(report);
	f.aux = aux, f.auxlen = auxlen;
	ok(get(root, &f, rd, &ev) == 0, "configfs-tsm SNP evidence");
	is_int(f.calls, 1, "one report entry");
	ok(strncmp(f.last, root, strlen(root)) == 0 &&
	    strstr(f.last, "/contrast-") != NULL,
	    "the entry is created under the root");
	ok(file_is(f.last, "inblob", rd, 64),
	    "inblob holds the 64 bytes of report data");
	is_int(ev.platform, ATTEST_PLATFORM_SNP, "provider sev_guest → SNP");
	ok(ev.report_len == sizeof(report) &&
	    memcmp(ev.report, report, sizeof(report)) == 0,
	    "report = outblob");
	ok(ev.vcek_len == sizeof(vcek) && memcmp(ev.vcek, vcek,
	    sizeof(vcek)) == 0, "VCEK from the auxblob");
	ok(ev.ask_len == sizeof(ask) && memcmp(ev.ask, ask,
	    sizeof(ask)) == 0, "ASK from the auxblob");
	ok(ev.ark_len == sizeof(ark) && memcmp(ev.ark, ark,
	    sizeof(ark)) == 0, "ARK from the auxblob");
	ok(ev.vlek == NULL, "no VLEK");
	evidence_free(&ev);

	/* No auxblob: report only. */
	f.aux = NULL;
	ok(get(root, &f, rd, &ev) == 0 && ev.vcek == NULL && ev.ask == NULL &&
	    ev.ark == NULL, "no auxblob: a report without certificates");
	evidence_free(&ev);

	/* A bad auxblob is an error, not silently dropped. */
	f.aux = aux, f.auxlen = 30;
	ok(get(root, &f, rd, &ev) == -1 && strstr(err, "cert table") != NULL,
	    "a truncated auxblob is an error");
	tap_diag("%s", err);
	f.auxlen = auxlen;

	/* TDX: the quote, no auxblob interpretation. */
	f.provider = "tdx_guest\n";
	f.out = quote, f.outlen = sizeof(quote);
	ok(get(root, &f, rd, &ev) == 0 && ev.platform == ATTEST_PLATFORM_TDX &&
	    ev.report_len == sizeof(quote) && memcmp(ev.report, quote,
	    sizeof(quote)) == 0 && ev.vcek == NULL,
	    "provider tdx_guest → TDX quote, no certificates");
	evidence_free(&ev);

	/* Wrong sizes and providers. */
	f.provider = "sev_guest\n";
	f.out = report, f.outlen = sizeof(report) - 1;
	ok(get(root, &f, rd, &ev) == -1 && strstr(err, "1183") != NULL,
	    "an SNP outblob of 1183 bytes is refused");
	tap_diag("%s", err);
	f.outlen = 0;
	ok(get(root, &f, rd, &ev) == -1 && strstr(err, "outblob") != NULL,
	    "an empty outblob is refused");
	f.outlen = sizeof(report);
	f.provider = "foo_guest\n";
	ok(get(root, &f, rd, &ev) == -1 && strstr(err, "foo_guest") != NULL,
	    "an unknown provider is refused by name");
	f.provider = "sev_guest\n";
	f.no_inblob = 1;
	ok(get(root, &f, rd, &ev) == -1 && strstr(err, "inblob") != NULL,
	    "no inblob attribute: error names it (never created)");
	f.no_inblob = 0;
	f.no_generation = 1;
	ok(get(root, &f, rd, &ev) == -1 &&
	    strstr(err, "generation") != NULL,
	    "no generation attribute: error names it");
	f.no_generation = 0;

	/* Generation changes. */
	f.gen = GEN_CHANGE_ONCE;
	ok(get(root, &f, rd, &ev) == 0 && ev.report_len == sizeof(report),
	    "a generation change once: retried in a new entry, succeeds");
	is_int(f.calls, 2, "two entries were used");
	evidence_free(&ev);
	f.gen = GEN_CHANGE_ALWAYS;
	ok(get(root, &f, rd, &ev) == -1 && strstr(err, "generation") != NULL,
	    "the generation changing every time is an error");
	tap_diag("%s", err);
	is_int(f.calls, EVIDENCE_TSM_RETRIES + 1, "after %d attempts",
	    EVIDENCE_TSM_RETRIES + 1);
	ok(ev.report == NULL && ev.report_len == 0,
	    "nothing is returned on error");
	f.gen = GEN_STABLE;

	/* Source selection. */
	memset(&o, 0, sizeof(o));
	o.tsm_root = "/nonexistent/tsm";
	ok(evidence_open(EVIDENCE_CONFIGFS_TSM, &o, &src, err,
	    sizeof(err)) == -1 && strstr(err, "/nonexistent/tsm") != NULL,
	    "configfs-tsm: a missing root is named");
	o.sev_guest_dev = "/nonexistent/sev-guest";
	ok(evidence_open(EVIDENCE_AUTO, &o, &src, err, sizeof(err)) == -1 &&
	    strstr(err, "/nonexistent/tsm") != NULL &&
	    strstr(err, "/nonexistent/sev-guest") != NULL,
	    "auto: neither source: both paths named");
	o.tsm_root = root;
	ok(evidence_open(EVIDENCE_AUTO, &o, &src, err, sizeof(err)) == 0 &&
	    evidence_src_kind(src) == EVIDENCE_CONFIGFS_TSM,
	    "auto picks configfs-tsm when its root exists");
	evidence_close(src);
	o.tsm_root = "/nonexistent/tsm";
	o.sev_guest_dev = "/dev/null";
	ok(evidence_open(EVIDENCE_AUTO, &o, &src, err, sizeof(err)) == 0 &&
	    evidence_src_kind(src) == EVIDENCE_SEV_GUEST,
	    "auto falls back to sev-guest");
	ok(evidence_get(src, rd, &ev, err, sizeof(err)) == -1 &&
	    strstr(err, "/dev/null") != NULL &&
	    strstr(err, "SNP_GET_EXT_REPORT") != NULL,
	    "sev-guest on a non-device: the ioctl error names the device");
	tap_diag("%s", err);
	evidence_close(src);
	ok(evidence_open(EVIDENCE_SEV_GUEST, &o, &src, err, sizeof(err)) ==
	    0, "sev-guest opens a device path");
	evidence_close(src);
	o.sev_guest_dev = "/nonexistent/sev-guest";
	ok(evidence_open(EVIDENCE_SEV_GUEST, &o, &src, err, sizeof(err)) ==
	    -1 && strstr(err, "/nonexistent/sev-guest") != NULL,
	    "sev-guest: a missing device is named");

	{
		enum evidence_kind	 k;

		ok(evidence_kind_parse("configfs-tsm", &k) == 0 &&
		    k == EVIDENCE_CONFIGFS_TSM && evidence_kind_parse("sim",
		    &k) == 0 && k == EVIDENCE_SIM &&
		    evidence_kind_parse("tpm", &k) == -1,
		    "kind names parse");
	}

	while (wait(&st) > 0)
		;
	free(aux);
	rm_tree(root);
	return tap_done();
}
