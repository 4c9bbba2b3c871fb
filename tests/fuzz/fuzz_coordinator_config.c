/*
 * libFuzzer harness for contrast-coordinator's configuration parser
 * (src/coordinator_config.c, libyaml event stream): any bytes as a file;
 * on success the result must be a valid configuration.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coordinator.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct coord_config	 cf;
	char			 err[256];

	if (len > COORD_CONFIG_MAX)
		return 0;
	coord_config_defaults(&cf);
	err[0] = '\0';
	if (coord_config_parse(&cf, "fuzz.yaml", data, len, err,
	    sizeof(err)) == 0) {
		if (cf.state_dir[0] != '/' || cf.user_api.port == 0 ||
		    cf.mesh_api.port == 0 || cf.probe_listen.port == 0)
			abort();
	} else if (strncmp(err, "fuzz.yaml:", 10) != 0)
		abort();	/* every error names the file */
	return 0;
}
