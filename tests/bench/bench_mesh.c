/*
 * bench_mesh: concurrent simulated workloads ask a running Coordinator
 * for mesh certificates for a fixed time.
 *
 *   bench_mesh HOST:PORT SIMDIR HOSTDATA_HEX CLIENTS SECONDS COORD_PID
 *
 * Each client process loops: TLS + HELLO, sim evidence over the nonce
 * and a fresh P-256 key, MESH_CERT.  Prints certificates per second,
 * p50/p99 latency, the share of the machine busy during the load, the
 * Coordinator's CPU seconds per certificate (all four processes, from
 * /proc) and their total RSS, one "key: value" line each, for
 * bench_mesh.sh to compare with openssl speed.
 */
#include "config.h"

#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "client.h"
#include "evidence.h"
#include "util.h"
#include "wire.h"

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One certificate; 0 on success. */
static int
one_cert(const char *hp, struct evidence_src *src)
{
	struct client	 cl;
	struct msg_out	 o;
	struct msg	 m;
	struct evidence	 ev;
	EVP_PKEY	*key;
	unsigned char	*spki = NULL;
	uint8_t		 rd[64], *wire = NULL, *frame;
	size_t		 wirelen, framelen;
	uint32_t	 code;
	char		 err[1024];
	int		 n, rc = -1;

	if ((key = EVP_EC_gen("P-256")) == NULL ||
	    (n = i2d_PUBKEY(key, &spki)) <= 0)
		return -1;
	memset(&o, 0, sizeof(o));
	if (client_open(&cl, hp, 10, 0, err, sizeof(err)) == -1)
		goto out_key;
	wire_rd_mesh(cl.server_nonce, spki, (size_t)n, rd);
	if (evidence_get(src, rd, &ev, err, sizeof(err)) == -1)
		goto out;
	if (evidence_encode(&ev, &wire, &wirelen, err, sizeof(err)) == -1) {
		evidence_free(&ev);
		goto out;
	}
	evidence_free(&ev);
	if (client_request(&cl, &o, WIRE_MESH_CERT, err, sizeof(err)) == -1 ||
	    msg_put_bin(&o, wire, wirelen) == -1 ||
	    msg_put_bin(&o, spki, (size_t)n) == -1)
		goto out;
	if (client_call(&cl, &o, WIRE_MESH_CERT_OK, &frame, &framelen, &m,
	    &code, err, sizeof(err)) == -1)
		goto out;
	msg_clear(&m);
	msg_freezero(frame, framelen);
	rc = 0;
 out:
	if (rc == -1)
		fprintf(stderr, "bench_mesh: %s\n", err);
	msg_out_free(&o);
	free(wire);
	client_close(&cl);
 out_key:
	OPENSSL_free(spki);
	EVP_PKEY_free(key);
	return rc;
}

static void __attribute__((__noreturn__))
client_loop(const char *hp, const char *simdir, const uint8_t hostdata[32],
    double until, int fd)
{
	struct evidence_opts	 eo;
	struct evidence_src	*src;
	char			 err[512];
	double			 t0;
	uint32_t		 us;

	signal(SIGPIPE, SIG_IGN);	/* our close_notify may meet a closed
					 * connection: the Coordinator's first */
	memset(&eo, 0, sizeof(eo));
	eo.sim_dir = simdir;
	eo.sim_hostdata = hostdata;
	if (evidence_open(EVIDENCE_SIM, &eo, &src, err, sizeof(err)) == -1) {
		fprintf(stderr, "bench_mesh: %s\n", err);
		_exit(1);
	}
	while ((t0 = now()) < until) {
		if (one_cert(hp, src) == -1) {
			us = UINT32_MAX;	/* a failure */
		} else
			us = (uint32_t)((now() - t0) * 1e6);
		if (write(fd, &us, sizeof(us)) != sizeof(us))
			_exit(1);
	}
	_exit(0);
}

/* CPU of one Coordinator process, by its name (parent, front, ...). */
#define USAGE_MAX	8
struct usage {
	char			 comm[32];
	unsigned long long	 ticks;
};

/* The sum of the "KEY N kB" lines (key with its colon) of /proc/PID/FILE. */
static unsigned long
proc_kb(pid_t pid, const char *file, const char *key)
{
	char		 path[64], buf[256];
	unsigned long	 sum = 0;
	size_t		 n = strlen(key);
	FILE		*f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(buf, sizeof(buf), f) != NULL)
		if (strncmp(buf, key, n) == 0)
			sum += strtoul(buf + n, NULL, 10);
	fclose(f);
	return sum;
}

/*
 * utime+stime (clock ticks), RSS and PSS (kB) of pid and its children,
 * in all and per process (in u, up to USAGE_MAX, by name).  RSS counts
 * the shared library pages once per process; PSS divides them among
 * the processes sharing them.
 */
static void
proc_usage(pid_t pid, unsigned long long *ticks, unsigned long *rss_kb,
    unsigned long *pss_kb, struct usage u[USAGE_MAX])
{
	char			 path[64], buf[4096], *p, *c;
	size_t			 k;
	FILE			*f;
	DIR			*d;
	struct dirent		*de;
	unsigned long long	 ut, st;
	long			 ppid;
	pid_t			 q;

	*ticks = 0;
	memset(u, 0, USAGE_MAX * sizeof(*u));
	*rss_kb = 0;
	*pss_kb = 0;
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if ((q = (pid_t)atol(de->d_name)) <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)q);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) == NULL ||
		    (p = strrchr(buf, ')')) == NULL) {
			fclose(f);
			continue;
		}
		fclose(f);
		/* After ")": state ppid ... utime(14) stime(15). */
		if (sscanf(p + 2, "%*c %ld %*d %*d %*d %*d %*u %*u %*u %*u "
		    "%*u %llu %llu", &ppid, &ut, &st) != 3)
			continue;
		if (q != pid && ppid != pid)
			continue;
		*ticks += ut + st;
		*p = '\0';
		c = (c = strchr(buf, '(')) != NULL ? c + 1 : buf;
		for (k = 0; k < USAGE_MAX; k++)
			if (u[k].comm[0] == '\0' || strcmp(u[k].comm, c) == 0)
				break;
		if (k < USAGE_MAX) {
			snprintf(u[k].comm, sizeof(u[k].comm), "%.31s", c);
			u[k].ticks += ut + st;
		}
		*rss_kb += proc_kb(q, "status", "VmRSS:");
		*pss_kb += proc_kb(q, "smaps_rollup", "Pss:");
	}
	closedir(d);
}

/*
 * Busy and total jiffies of the whole machine from /proc/stat; busy is
 * everything but idle and iowait.  0 for both if unreadable.
 */
static void
machine_usage(unsigned long long *busy, unsigned long long *total)
{
	unsigned long long	 v[8];
	FILE			*f;
	int			 n = 0, i;

	*busy = *total = 0;
	if ((f = fopen("/proc/stat", "r")) != NULL) {
		n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		    &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
		fclose(f);
	}
	if (n != 8)
		return;
	for (i = 0; i < 8; i++)
		*total += v[i];
	*busy = *total - v[3] - v[4];
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	uint8_t			 hostdata[32];
	uint32_t		*lat = NULL, us;
	size_t			 n = 0, cap = 0, fails = 0;
	unsigned long long	 t0, t1, busy0, busy1, all0, all1;
	unsigned long		 rss0, rss1, pss0, pss1;
	struct usage		 u0[USAGE_MAX], u1[USAGE_MAX];
	size_t			 j, k;
	double			 start, elapsed, secs;
	int			 clients, i, fds[2], status;
	pid_t			 coord;
	long			 hz = sysconf(_SC_CLK_TCK);

	if (argc != 7 || hex_decode(argv[3], strlen(argv[3]), hostdata,
	    sizeof(hostdata)) == -1 || (clients = atoi(argv[4])) < 1 ||
	    (secs = atof(argv[5])) <= 0 || (coord = (pid_t)atoi(argv[6])) <= 0) {
		fprintf(stderr, "usage: bench_mesh HOST:PORT SIMDIR HOSTDATA_HEX "
		    "CLIENTS SECONDS COORD_PID\n");
		return 2;
	}
	if (pipe(fds) == -1)
		return 1;
	proc_usage(coord, &t0, &rss0, &pss0, u0);
	machine_usage(&busy0, &all0);
	start = now();
	for (i = 0; i < clients; i++) {
		switch (fork()) {
		case -1:
			return 1;
		case 0:
			close(fds[0]);
			client_loop(argv[1], argv[2], hostdata, start + secs,
			    fds[1]);
			/* NOTREACHED */
		default:
			break;
		}
	}
	close(fds[1]);
	while (read(fds[0], &us, sizeof(us)) == sizeof(us)) {
		if (us == UINT32_MAX) {
			fails++;
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			if ((lat = realloc(lat, cap * sizeof(*lat))) == NULL)
				return 1;
		}
		lat[n++] = us;
	}
	elapsed = now() - start;
	machine_usage(&busy1, &all1);
	proc_usage(coord, &t1, &rss1, &pss1, u1);
	while (wait(&status) > 0)
		;
	if (n == 0) {
		fprintf(stderr, "bench_mesh: no certificate issued\n");
		return 1;
	}
	qsort(lat, n, sizeof(*lat), cmp_u32);
	printf("clients: %d\n", clients);
	printf("seconds: %.2f\n", elapsed);
	printf("certificates: %zu\n", n);
	printf("failures: %zu\n", fails);
	printf("certs_per_second: %.1f\n", n / elapsed);
	printf("p50_ms: %.2f\n", lat[n / 2] / 1000.0);
	printf("p99_ms: %.2f\n", lat[(n * 99) / 100] / 1000.0);
	printf("coordinator_cpu_seconds: %.3f\n", (double)(t1 - t0) / hz);
	printf("coordinator_cpu_ms_per_cert: %.3f\n",
	    (double)(t1 - t0) / hz * 1000.0 / n);
	/* Per process; a child restarted during the run counts from 0. */
	for (k = 0; k < USAGE_MAX && u1[k].comm[0] != '\0'; k++) {
		for (j = 0; j < USAGE_MAX; j++)
			if (strcmp(u0[j].comm, u1[k].comm) == 0)
				break;
		if (j < USAGE_MAX && u0[j].ticks <= u1[k].ticks)
			u1[k].ticks -= u0[j].ticks;
		printf("cpu_ms_per_cert_%s: %.3f\n", u1[k].comm,
		    (double)u1[k].ticks / hz * 1000.0 / n);
	}
	/* The share of all cores in use, by anything, during the load. */
	printf("machine_busy_pct: %.0f\n", all1 > all0 ?
	    100.0 * (double)(busy1 - busy0) / (double)(all1 - all0) : 0.0);
	printf("coordinator_rss_kb: %lu\n", rss1);
	printf("coordinator_pss_kb: %lu\n", pss1);
	free(lat);
	return fails == 0 ? 0 : 1;
}
