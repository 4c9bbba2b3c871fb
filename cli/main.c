/*
 * contrast: the workload owner's and data owner's tool.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "log.h"

static const struct cli_cmd cli_cmds[] = {
	{ "generate",	 cmd_generate,
	    "turn Kubernetes YAML into confidential workloads and a manifest" },
	{ "set",	 cmd_set,
	    "attest the Coordinator and install the manifest" },
	{ "verify",	 cmd_verify,
	    "attest the Coordinator and fetch the manifest history" },
	{ "recover",	 cmd_recover,
	    "give a restarted Coordinator its seed back" },
	{ "sign",	 cmd_sign,
	    "sign a manifest update with the workload owner key" },
	{ "runtime",	 cmd_runtime,
	    "print the RuntimeClass and node installer for a platform" },
	{ "attestation", cmd_attestation,
	    "inspect and verify attestation evidence offline" },
	{ "sim",	 cmd_sim,
	    "the simulated TEE for local runs (insecure)" },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: contrast <command> [options]\n\ncommands:\n");
	for (i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++)
		fprintf(f, "  %-12s %s\n", cli_cmds[i].name,
		    cli_cmds[i].summary);
	fprintf(f, "\nRun 'contrast <command> -h' for a command's options.\n");
}

int
main(int argc, char *argv[])
{
	size_t	 i;

	log_init(1, getenv("CONTRAST_DEBUG") != NULL);
	log_procinit("contrast");
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("contrast %s\n", PACKAGE_VERSION);
		return 0;
	}
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	/* A Coordinator that closes on us is an error to report (EPIPE),
	 * not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++)
		if (strcmp(argv[1], cli_cmds[i].name) == 0)
			return cli_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "contrast: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 1;
}
