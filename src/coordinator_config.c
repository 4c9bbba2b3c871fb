/*
 * Configuration of contrast-coordinator: defaults < YAML file < the
 * environment < flags.  The file is one YAML mapping of scalar keys to
 * scalar values; anything else (unknown or duplicate keys, sequences,
 * nesting, aliases, several documents) is an error naming file and line.
 * Addresses are numeric (no DNS lookups in the daemon).
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "coordinator.h"
#include "util.h"

#define KEY_STATE_DIR	"state-dir"
#define KEY_USER_API	"user-api"
#define KEY_MESH_API	"mesh-api"
#define KEY_PROBE	"probe-listen"

static const char *const coord_keys[] = {
	KEY_STATE_DIR, KEY_USER_API, KEY_MESH_API, KEY_PROBE
};
#define NKEYS	(sizeof(coord_keys) / sizeof(coord_keys[0]))

void
coord_config_defaults(struct coord_config *cf)
{
	char	 err[128];

	memset(cf, 0, sizeof(*cf));
	snprintf(cf->state_dir, sizeof(cf->state_dir), "%s", STATE_DIR);
	/* Constant, valid inputs. */
	(void)coord_addr_parse("0.0.0.0:1313", &cf->user_api, err,
	    sizeof(err));
	(void)coord_addr_parse("0.0.0.0:7777", &cf->mesh_api, err,
	    sizeof(err));
	(void)coord_addr_parse("0.0.0.0:9102", &cf->probe_listen, err,
	    sizeof(err));
}

int
coord_addr_parse(const char *s, struct coord_addr *a, char *err,
    size_t errlen)
{
	struct in6_addr	 in6;
	struct in_addr	 in4;
	char		 host[sizeof(a->host)];
	const char	*p, *colon;
	size_t		 hl;
	unsigned long	 port = 0;
	int		 family;

	if (s[0] == '[') {
		if ((p = strchr(s, ']')) == NULL || p[1] != ':') {
			snprintf(err, errlen, "\"%s\": want [IPV6]:PORT", s);
			return -1;
		}
		hl = (size_t)(p - s - 1);
		colon = p + 1;
		family = AF_INET6;
		s++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL) {
			snprintf(err, errlen, "\"%s\": want ADDR:PORT", s);
			return -1;
		}
		hl = (size_t)(colon - s);
		family = AF_INET;
	}
	if (hl == 0 || hl >= sizeof(host)) {
		snprintf(err, errlen, "\"%s\": bad address length", s);
		return -1;
	}
	memcpy(host, s, hl);
	host[hl] = '\0';
	if ((family == AF_INET && inet_pton(AF_INET, host, &in4) != 1) ||
	    (family == AF_INET6 && inet_pton(AF_INET6, host, &in6) != 1)) {
		snprintf(err, errlen, "\"%s\": not a numeric %s address", host,
		    family == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	for (p = colon + 1; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (unsigned long)(*p - '0');
	if (p == colon + 1 || *p != '\0' || port == 0 || port > 65535 ||
	    colon[1] == '0') {
		snprintf(err, errlen, "\"%s\": port must be 1..65535",
		    colon + 1);
		return -1;
	}
	a->family = family;
	memcpy(a->host, host, hl + 1);
	a->port = (uint16_t)port;
	return 0;
}

void
coord_addr_format(const struct coord_addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a->host, (unsigned)a->port);
	else
		snprintf(buf, len, "%s:%u", a->host, (unsigned)a->port);
}

/* Set one key; err does not name the source (the caller prefixes it). */
int
coord_config_set(struct coord_config *cf, const char *key, const char *val,
    char *err, size_t errlen)
{
	if (val[0] == '\0') {
		snprintf(err, errlen, "%s: empty value", key);
		return -1;
	}
	if (strcmp(key, KEY_STATE_DIR) == 0) {
		if (val[0] != '/') {
			snprintf(err, errlen, "%s: \"%s\" is not an absolute "
			    "path", key, val);
			return -1;
		}
		/* Room for "/empty" and the state files' names. */
		if (strlen(val) >= sizeof(cf->state_dir) - 64) {
			snprintf(err, errlen, "%s: path too long", key);
			return -1;
		}
		snprintf(cf->state_dir, sizeof(cf->state_dir), "%s", val);
		return 0;
	}
	if (strcmp(key, KEY_USER_API) == 0 || strcmp(key, KEY_MESH_API) == 0 ||
	    strcmp(key, KEY_PROBE) == 0) {
		struct coord_addr	 a, *dst;
		char			 e[128];

		if (coord_addr_parse(val, &a, e, sizeof(e)) == -1) {
			snprintf(err, errlen, "%s: %s", key, e);
			return -1;
		}
		dst = strcmp(key, KEY_USER_API) == 0 ? &cf->user_api :
		    strcmp(key, KEY_MESH_API) == 0 ? &cf->mesh_api :
		    &cf->probe_listen;
		*dst = a;
		return 0;
	}
	snprintf(err, errlen, "unknown key \"%s\"", key);
	return -1;
}

static const char *
yaml_event_name(yaml_event_type_t t)
{
	switch (t) {
	case YAML_SEQUENCE_START_EVENT:
		return "a sequence";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_ALIAS_EVENT:
		return "an alias";
	case YAML_DOCUMENT_START_EVENT:
		return "a second document";
	default:
		return "an unexpected element";
	}
}

int
coord_config_parse(struct coord_config *cf, const char *name,
    const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	char		 key[32], e[256];
	int		 seen[NKEYS], havekey = 0, depth = 0, docs = 0, rc = -1;
	int		 done = 0;
	size_t		 i, line;

	memset(seen, 0, sizeof(seen));
	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errlen, "%s: cannot initialise YAML parser", name);
		return -1;
	}
	yaml_parser_set_input_string(&p, buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			snprintf(err, errlen, "%s:%zu: %s", name,
			    p.problem_mark.line + 1,
			    p.problem ? p.problem : "YAML syntax error");
			goto out;
		}
		line = ev.start_mark.line + 1;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				goto unexpected;
			break;
		case YAML_MAPPING_START_EVENT:
			if (depth++ != 0)
				goto unexpected;
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.anchor != NULL)
				goto unexpected;
			/* A document that is just a scalar is not a mapping. */
			if (depth != 1) {
				if (depth == 0 && ev.data.scalar.length == 0 &&
				    ev.data.scalar.plain_implicit)
					break;	/* empty document */
				snprintf(err, errlen, "%s:%zu: expected a "
				    "mapping of keys", name, line);
				yaml_event_delete(&ev);
				goto out;
			}
			if (strlen((char *)ev.data.scalar.value) !=
			    ev.data.scalar.length) {
				snprintf(err, errlen, "%s:%zu: NUL byte in "
				    "value", name, line);
				yaml_event_delete(&ev);
				goto out;
			}
			if (!havekey) {
				for (i = 0; i < NKEYS; i++)
					if (strcmp((char *)ev.data.scalar.value,
					    coord_keys[i]) == 0)
						break;
				if (i == NKEYS) {
					snprintf(err, errlen, "%s:%zu: unknown "
					    "key \"%.64s\"", name, line,
					    (char *)ev.data.scalar.value);
					yaml_event_delete(&ev);
					goto out;
				}
				if (seen[i]++) {
					snprintf(err, errlen, "%s:%zu: "
					    "duplicate key \"%s\"", name, line,
					    coord_keys[i]);
					yaml_event_delete(&ev);
					goto out;
				}
				snprintf(key, sizeof(key), "%s", coord_keys[i]);
				havekey = 1;
				break;
			}
			havekey = 0;
			if (coord_config_set(cf, key,
			    (char *)ev.data.scalar.value, e, sizeof(e)) == -1) {
				snprintf(err, errlen, "%s:%zu: %s", name, line,
				    e);
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		default:
 unexpected:
			snprintf(err, errlen, "%s:%zu: %s is not allowed here",
			    name, line, yaml_event_name(ev.type));
			yaml_event_delete(&ev);
			goto out;
		}
		yaml_event_delete(&ev);
	}
	rc = 0;
 out:
	yaml_parser_delete(&p);
	return rc;
}

int
coord_config_load(struct coord_config *cf, const char *path, char *err,
    size_t errlen)
{
	uint8_t	*buf;
	size_t	 len;
	char	 e[256];
	int	 rc;

	if (file_read(path, COORD_CONFIG_MAX, &buf, &len, e, sizeof(e)) == -1) {
		snprintf(err, errlen, "%s", e);
		return -1;
	}
	rc = coord_config_parse(cf, path, buf, len, err, errlen);
	free(buf);
	if (rc == 0)
		snprintf(cf->file, sizeof(cf->file), "%s", path);
	return rc;
}

/* The environment overrides the file, flags override both. */
int
coord_config_env(struct coord_config *cf, char *err, size_t errlen)
{
	static const struct {
		const char	*env, *key;
	} map[] = {
		{ "CONTRAST_STATE_DIR", KEY_STATE_DIR },
		{ "CONTRAST_USER_API", KEY_USER_API },
		{ "CONTRAST_MESH_API", KEY_MESH_API },
		{ "CONTRAST_PROBE_LISTEN", KEY_PROBE },
	};
	const char	*v;
	char		 e[256];
	size_t		 i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if ((v = getenv(map[i].env)) == NULL)
			continue;
		if (coord_config_set(cf, map[i].key, v, e, sizeof(e)) == -1) {
			snprintf(err, errlen, "environment %s: %s", map[i].env,
			    e);
			return -1;
		}
	}
	return 0;
}

static int
coord_addr_eq(const struct coord_addr *a, const struct coord_addr *b)
{
	return a->port == b->port && a->family == b->family &&
	    strcmp(a->host, b->host) == 0;
}

int
coord_config_check(const struct coord_config *cf, char *err, size_t errlen)
{
	if (coord_addr_eq(&cf->user_api, &cf->mesh_api) ||
	    coord_addr_eq(&cf->user_api, &cf->probe_listen) ||
	    coord_addr_eq(&cf->mesh_api, &cf->probe_listen)) {
		snprintf(err, errlen, "user-api, mesh-api and probe-listen "
		    "must be different addresses");
		return -1;
	}
	return 0;
}

void
coord_config_print(const struct coord_config *cf, FILE *fp)
{
	char	 a[COORD_ADDR_MAX];

	fprintf(fp, "state-dir: %s\n", cf->state_dir);
	coord_addr_format(&cf->user_api, a, sizeof(a));
	fprintf(fp, "user-api: %s\n", a);
	coord_addr_format(&cf->mesh_api, a, sizeof(a));
	fprintf(fp, "mesh-api: %s\n", a);
	coord_addr_format(&cf->probe_listen, a, sizeof(a));
	fprintf(fp, "probe-listen: %s\n", a);
}
