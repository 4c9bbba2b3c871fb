/*
 * contrast-coordinator: the privilege-separated attested CA.  Four
 * processes (doc/README.privsep): parent (parent.c), front (front.c),
 * ca (ca.c), verifier (verifier.c); configuration in coordinator_config.c,
 * the probe request parser in probe.c.
 */
#ifndef SRC_COORDINATOR_H
#define SRC_COORDINATOR_H

#include <sys/types.h>
#include <sys/resource.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

#define COORD_PROGNAME		"contrast-coordinator"
#define COORD_CONFIG_MAX	(64 * 1024)	/* config file size cap */
#define COORD_ADDR_MAX		64		/* "[v6]:port" text */
#define COORD_CHROOT_NAME	"empty"		/* <state-dir>/empty */
#define COORD_OWNER_KEY_MAX	1024		/* hex PKIX or a path */
#define COORD_INITDATA_MAX	(1024 * 1024)	/* --sim-initdata file */

/* Fixed fds of the front (PROC_LISTEN_FD + n). */
#define FRONT_FD_USER		4
#define FRONT_FD_MESH		5
#define FRONT_FD_PROBE		6

/* MSG_PARENT_STATUS_OK state values. */
#define COORD_STATE_NO_MANIFEST	0
#define COORD_STATE_READY	1	/* active manifest */
#define COORD_STATE_RECOVERY	2	/* history stored, seed not known */

/* Child receiver state (ipc rule states bitmask). */
#define CHILD_RUNNING		0x01

struct coord_addr {
	int		 family;		/* AF_INET or AF_INET6 */
	char		 host[48];		/* numeric only: no DNS */
	uint16_t	 port;
};

struct coord_config {
	char			 state_dir[PATH_MAX];
	struct coord_addr	 user_api;
	struct coord_addr	 mesh_api;
	struct coord_addr	 probe_listen;
	char			 file[PATH_MAX];	/* config file, "" if none */
	/* own attestation (evidence.h kinds) */
	char			 tee[16];		/* auto, sim, ... */
	char			 sim_dir[PATH_MAX];	/* "" = default */
	char			 sim_hostdata[65];	/* hex, "" if unset */
	char			 sim_initdata[PATH_MAX];	/* "" if unset */
	/* pinned workload owner key: hex PKIX DER or a PEM file */
	char			 owner_key[COORD_OWNER_KEY_MAX];
};

/* coordinator_config.c */
void	coord_config_defaults(struct coord_config *);
int	coord_addr_parse(const char *, struct coord_addr *, char *, size_t);
void	coord_addr_format(const struct coord_addr *, char *, size_t);
int	coord_config_set(struct coord_config *, const char *, const char *,
	    char *, size_t);
/* YAML mapping of the keys above; name is used in errors ("FILE:LINE"). */
int	coord_config_parse(struct coord_config *, const char *,
	    const uint8_t *, size_t, char *, size_t);
int	coord_config_load(struct coord_config *, const char *, char *, size_t);
int	coord_config_env(struct coord_config *, char *, size_t);
int	coord_config_check(const struct coord_config *, char *, size_t);
void	coord_config_print(const struct coord_config *, FILE *);
/* The long option names coordinator.c maps onto coord_config_set(). */
extern const char *const coord_config_keys[];
extern const size_t coord_config_nkeys;
/* --owner-key: NULL (and err) on failure; *key NULL when not set. */
int	coord_owner_key_load(const struct coord_config *, EVP_PKEY **,
	    char *, size_t);
/* HOSTDATA the sim "hypervisor" launched us with (hex or initdata). */
int	coord_sim_hostdata(const struct coord_config *, uint8_t[32], char *,
	    size_t);

/* probe.c: one HTTP/1.x request of the probe port */
#define PROBE_REQ_MAX		2048	/* bytes of request line + headers */
#define PROBE_INCOMPLETE	0	/* need more bytes */
#define PROBE_BAD		(-1)	/* malformed: 400 and close */
enum probe_path {
	PROBE_PATH_OTHER = 0,
	PROBE_PATH_STARTUP,
	PROBE_PATH_LIVENESS,
	PROBE_PATH_READINESS,
	PROBE_PATH_METRICS
};
struct probe_req {
	int		 get;		/* method is GET (else 405) */
	enum probe_path	 path;
	size_t		 len;		/* bytes of the request */
};
int	probe_parse(const uint8_t *, size_t, struct probe_req *);
/* The response for status code code, with body body, into buf. */
int	probe_response(char *, size_t, int, const char *);

/* coordinator.c: shared by the children */
struct ipc_chan;
struct msg;
struct msg_rule;
struct ipc_chan	*coord_child_start(int, int, char **, const char *, rlim_t);
void	coord_child_loop(struct ipc_chan *, const struct msg_rule *, size_t)
	    __attribute__((__noreturn__));
#ifdef SANDBOX_SELFTEST
void	coord_selftest(struct ipc_chan *, struct msg *, void *);
#endif
void	coord_child_shutdown(struct ipc_chan *, struct msg *, void *);

/* Role tables and state (ca.c, verifier.c); *_reset() for tests. */
extern const struct msg_rule *const ca_rules_p;
extern const size_t ca_nrules;
void	ca_reset(void);
extern const struct msg_rule *const verifier_rules_p;
extern const size_t verifier_nrules;
void	verifier_reset(void);

/* The roles. */
int	parent_main(struct coord_config *, int);
void	front_main(int, char **, const char *) __attribute__((__noreturn__));
void	ca_main(int, char **, const char *) __attribute__((__noreturn__));
void	verifier_main(int, char **, const char *)
	    __attribute__((__noreturn__));

#endif
