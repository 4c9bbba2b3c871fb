/*
 * The contrast CLI: one function per subcommand, each in its own file
 * (cmd_<name>.c), called with argv[0] = the subcommand name.
 * Exit codes: 0 success, 1 usage or I/O error, 3 evidence or manifest
 * not what was expected (verify, attestation verify).
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stddef.h>
#include <stdint.h>

#define EXIT_REJECTED	3

struct client;
struct manifest;
struct msg_bin;

struct cli_cmd {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*summary;
};

int	cmd_generate(int, char **);
int	cmd_set(int, char **);
int	cmd_verify(int, char **);
int	cmd_recover(int, char **);
int	cmd_sign(int, char **);
int	cmd_runtime(int, char **);
int	cmd_attestation(int, char **);
int	cmd_sim(int, char **);

/* cli_common.c: what set, verify and recover share. */

/* A manifest file: its exact bytes (the hash input) and the parse. */
struct cli_manifest {
	char		*path;
	uint8_t		*bytes;
	size_t		 len;
	struct manifest	*m;
};

/*
 * Read, parse and validate a manifest; errors (all of them, with paths)
 * go to stderr prefixed by the file name.  0 or -1.
 */
int	 cli_manifest_load(const char *, struct cli_manifest *);
void	 cli_manifest_free(struct cli_manifest *);

/*
 * Connect to the Coordinator's user API, retrying while it is
 * unreachable for up to retry_seconds, and attest it against the
 * manifest: reference values, REPORT_DATA bound to this session, and a
 * policy hash that is the manifest's coordinator policy.  Returns 0, -1
 * on a connection failure (err), or EXIT_REJECTED-style -3 when the
 * Coordinator is reachable but is not what the manifest describes.
 */
int	 cli_connect_attested(const char *, const struct manifest *, int,
	    struct client *, char *, size_t);

/*
 * The latest transition: the given hex, else <workspace>/verify/
 * latest-transition, else 32 zero bytes (no history seen: the first
 * manifest).  1 found, 0 none (zeros), -1 malformed (message printed).
 */
int	 cli_latest_transition(const char *, const char *, uint8_t[32]);

/* What GET_MANIFESTS returns. */
struct cli_history {
	struct msg_bin	*manifests;
	size_t		 nmanifests;
	struct msg_bin	*policies;
	size_t		 npolicies;
	char		*root_ca;
	char		*mesh_ca;
	uint8_t		 latest[32];
	uint8_t		*latest_sig;
	size_t		 latest_sig_len;
};

/*
 * GET_MANIFESTS on an attested session: 0 and *h filled, or -1 with err
 * (and *code the Coordinator's error code, 0 if none).
 */
int	 cli_get_manifests(struct client *, struct cli_history *, uint32_t *,
	    char *, size_t);
void	 cli_history_free(struct cli_history *);

/*
 * cli_policies.c: the policy documents (decoded initdata) of every
 * confidential workload in the given YAML files and directories.
 * Errors name file and line. 0 or -1.
 */
int	 cli_policies_from_yaml(char **, int, struct msg_bin **, size_t *);

/*
 * SHA-256 of each of n documents, once: *out is malloc'd (NULL when n is
 * 0).  0 or -1 (out of memory).
 */
int	 cli_doc_hashes(const struct msg_bin *, size_t, uint8_t (**)[32]);
/* 1 if h is one of the n hashes (constant-time compares). */
int	 cli_hash_listed(const uint8_t[32], const uint8_t (*)[32], size_t);

/* "<workspace>/<name>" into buf; the workspace defaults to ".". */
const char *cli_path(const char *, const char *, char *, size_t);
/* Write a text file atomically with mode; errors to stderr. 0 or -1. */
int	 cli_write(const char *, const void *, size_t, int);

#endif
