/*
 * The contrast CLI: one function per subcommand, each in its own file
 * (cmd_<name>.c), called with argv[0] = the subcommand name.
 * Exit codes: 0 success, 1 usage or I/O error, 3 evidence or manifest
 * not what was expected (verify, attestation verify).
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#define EXIT_REJECTED	3

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

#endif
