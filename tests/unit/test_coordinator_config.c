/*
 * contrast-coordinator's configuration (src/coordinator_config.c):
 * address syntax, the YAML mapping with its errors naming file:line, and
 * that a failed parse says exactly what is wrong.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "../tap.h"
#include "coordinator.h"

static int
yaml(struct coord_config *cf, const char *text, char *err, size_t errlen)
{
	coord_config_defaults(cf);
	return coord_config_parse(cf, "t.yaml", (const uint8_t *)text,
	    strlen(text), err, errlen);
}

int
main(void)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: must be rejected */
	} addrs[] = {
		{ "0.0.0.0:1313", "0.0.0.0:1313" },
		{ "127.0.0.1:1", "127.0.0.1:1" },
		{ "10.1.2.3:65535", "10.1.2.3:65535" },
		{ "[::]:7777", "[::]:7777" },
		{ "[fe80::1]:9102", "[fe80::1]:9102" },
		{ "127.0.0.1:0", NULL },
		{ "127.0.0.1:65536", NULL },
		{ "127.0.0.1:01", NULL },
		{ "127.0.0.1:", NULL },
		{ "127.0.0.1", NULL },
		{ ":80", NULL },
		{ "localhost:80", NULL },
		{ "::1:80", NULL },
		{ "[::1]80", NULL },
		{ "[127.0.0.1]:80", NULL },
		{ "1.2.3.4:80x", NULL },
		{ "1.2.3.4:-1", NULL },
		{ "256.1.1.1:80", NULL },
	};
	static const struct {
		const char	*text;
		const char	*err;	/* expected message prefix */
	} bad[] = {
		{ "state-dir: /a\nfoo: bar\n", "t.yaml:2: unknown key \"foo\"" },
		{ "\n\nuser-api: 1.2.3.4:5\nuser-api: 1.2.3.4:6\n",
		  "t.yaml:4: duplicate key \"user-api\"" },
		{ "state-dir:\n  - a\n", "t.yaml:2: a sequence is not allowed" },
		{ "state-dir: &x /a\n", "t.yaml:1: an unexpected element" },
		{ "a: &x b\nstate-dir: *x\n", "t.yaml:1: unknown key \"a\"" },
		{ "state-dir: rel\n", "t.yaml:1: state-dir: \"rel\" is not an "
		  "absolute path" },
		{ "probe-listen: 1.2.3.4:0\n", "t.yaml:1: probe-listen: \"0\": "
		  "port must be 1..65535" },
		{ "user-api: \"\\0\"\n", "t.yaml:1: NUL byte in value" },
		{ "42\n", "t.yaml:1: expected a mapping" },
		{ "user-api: 'x\n", "t.yaml:2:" },
		{ "- a\n", "t.yaml:1: a sequence is not allowed" },
	};
	struct coord_config cf;
	struct coord_addr a;
	char		 err[256], txt[COORD_ADDR_MAX];
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		err[0] = '\0';
		rc = coord_addr_parse(addrs[i].in, &a, err, sizeof(err));
		if (addrs[i].out == NULL) {
			ok(rc == -1 && err[0] != '\0', "address \"%s\" "
			    "rejected (%s)", addrs[i].in, err);
			continue;
		}
		if (rc == 0)
			coord_addr_format(&a, txt, sizeof(txt));
		else
			snprintf(txt, sizeof(txt), "error %s", err);
		is_str(txt, addrs[i].out, "address \"%s\"", addrs[i].in);
	}

	ok(yaml(&cf, "# just a comment\n", err, sizeof(err)) == 0,
	    "comment-only file is an empty config");
	is_str(cf.state_dir, STATE_DIR, "defaults kept");
	ok(yaml(&cf, "state-dir: /srv/s\nuser-api: '127.0.0.1:1'\n"
	    "mesh-api: \"[::1]:2\"\nprobe-listen: 127.0.0.1:3\n", err,
	    sizeof(err)) == 0, "all four keys");
	is_str(cf.state_dir, "/srv/s", "state-dir set");
	coord_addr_format(&cf.user_api, txt, sizeof(txt));
	is_str(txt, "127.0.0.1:1", "user-api set");
	coord_addr_format(&cf.mesh_api, txt, sizeof(txt));
	is_str(txt, "[::1]:2", "mesh-api set");
	coord_addr_format(&cf.probe_listen, txt, sizeof(txt));
	is_str(txt, "127.0.0.1:3", "probe-listen set");
	ok(coord_config_check(&cf, err, sizeof(err)) == 0, "distinct ports");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		rc = yaml(&cf, bad[i].text, err, sizeof(err));
		ok(rc == -1 && strncmp(err, bad[i].err,
		    strlen(bad[i].err)) == 0, "bad config %zu: \"%s\"", i, err);
	}

	coord_config_defaults(&cf);
	ok(coord_config_set(&cf, "mesh-api", "0.0.0.0:1313", err,
	    sizeof(err)) == 0 && coord_config_check(&cf, err,
	    sizeof(err)) == -1, "mesh-api on the user-api port refused");
	ok(coord_config_set(&cf, "nope", "x", err, sizeof(err)) == -1,
	    "unknown key refused by coord_config_set");
	ok(coord_config_set(&cf, "state-dir", "", err, sizeof(err)) == -1,
	    "empty value refused");
	return tap_done();
}
