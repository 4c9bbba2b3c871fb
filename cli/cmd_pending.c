/*
 * Subcommands whose issue is still open.  Each says so and fails; the
 * area that implements one removes it from here (and this file goes once
 * it is empty).
 */
#include "config.h"

#include <stdio.h>

#include "cli.h"

static int
pending(const char *name, int issue)
{
	fprintf(stderr, "contrast: %s: not implemented yet (issue %d)\n",
	    name, issue);
	return 1;
}

int
cmd_runtime(int argc, char **argv)
{
	return pending("runtime", 5);
}
