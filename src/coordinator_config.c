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

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <yaml.h>

#include "coordinator.h"
#include "evidence.h"
#include "pki.h"
#include "util.h"

#define KEY_STATE_DIR	"state-dir"
#define KEY_USER_API	"user-api"
#define KEY_MESH_API	"mesh-api"
#define KEY_PROBE	"probe-listen"
#define KEY_TEE		"tee"
#define KEY_SIM_DIR	"sim-dir"
#define KEY_SIM_HOSTDATA "sim-hostdata"
#define KEY_SIM_INITDATA "sim-initdata"
#define KEY_OWNER_KEY	"owner-key"

const char *const coord_config_keys[] = {
	KEY_STATE_DIR, KEY_USER_API, KEY_MESH_API, KEY_PROBE, KEY_TEE,
	KEY_SIM_DIR, KEY_SIM_HOSTDATA, KEY_SIM_INITDATA, KEY_OWNER_KEY
};
#define NKEYS	(sizeof(coord_config_keys) / sizeof(coord_config_keys[0]))
const size_t coord_config_nkeys = NKEYS;
#define coord_keys	coord_config_keys

void
coord_config_defaults(struct coord_config *cf)
{
	char	 err[128];

	memset(cf, 0, sizeof(*cf));
	snprintf(cf->state_dir, sizeof(cf->state_dir), "%s", STATE_DIR);
	snprintf(cf->tee, sizeof(cf->tee), "auto");
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
	if (strcmp(key, KEY_TEE) == 0) {
		enum evidence_kind	 k;

		if (evidence_kind_parse(val, &k) == -1) {
			snprintf(err, errlen, "%s: \"%.32s\" is not one of "
			    "auto, configfs-tsm, sev-guest, sim", key, val);
			return -1;
		}
		snprintf(cf->tee, sizeof(cf->tee), "%s", val);
		return 0;
	}
	if (strcmp(key, KEY_SIM_DIR) == 0 || strcmp(key, KEY_SIM_INITDATA) == 0) {
		char	*dst = strcmp(key, KEY_SIM_DIR) == 0 ? cf->sim_dir :
		    cf->sim_initdata;

		if (val[0] != '/') {
			snprintf(err, errlen, "%s: \"%s\" is not an absolute "
			    "path", key, val);
			return -1;
		}
		if (strlen(val) >= PATH_MAX) {
			snprintf(err, errlen, "%s: path too long", key);
			return -1;
		}
		snprintf(dst, PATH_MAX, "%s", val);
		return 0;
	}
	if (strcmp(key, KEY_SIM_HOSTDATA) == 0) {
		uint8_t	 h[32];

		if (strlen(val) != 64 || hex_decode(val, 64, h, sizeof(h)) == -1) {
			snprintf(err, errlen, "%s: want 64 hex digits", key);
			return -1;
		}
		snprintf(cf->sim_hostdata, sizeof(cf->sim_hostdata), "%s", val);
		return 0;
	}
	if (strcmp(key, KEY_OWNER_KEY) == 0) {
		if (strlen(val) >= sizeof(cf->owner_key)) {
			snprintf(err, errlen, "%s: value too long", key);
			return -1;
		}
		snprintf(cf->owner_key, sizeof(cf->owner_key), "%s", val);
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
		{ "CONTRAST_TEE", KEY_TEE },
		{ "CONTRAST_SIM_DIR", KEY_SIM_DIR },
		{ "CONTRAST_SIM_HOSTDATA", KEY_SIM_HOSTDATA },
		{ "CONTRAST_SIM_INITDATA", KEY_SIM_INITDATA },
		{ "CONTRAST_OWNER_KEY", KEY_OWNER_KEY },
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
	if (cf->sim_hostdata[0] != '\0' && cf->sim_initdata[0] != '\0') {
		snprintf(err, errlen, "sim-hostdata and sim-initdata exclude "
		    "each other");
		return -1;
	}
	if (strcmp(cf->tee, "sim") == 0) {
		if (cf->sim_hostdata[0] == '\0' &&
		    cf->sim_initdata[0] == '\0') {
			snprintf(err, errlen, "tee sim needs sim-hostdata or "
			    "sim-initdata (what the simulated hypervisor "
			    "launched us with)");
			return -1;
		}
	} else if (cf->sim_dir[0] != '\0' || cf->sim_hostdata[0] != '\0' ||
	    cf->sim_initdata[0] != '\0') {
		snprintf(err, errlen, "sim-dir, sim-hostdata and sim-initdata "
		    "need tee sim");
		return -1;
	}
	return 0;
}

/* All hex digits, even length: a hex PKIX DER; else a PEM file. */
static int
coord_is_hex(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return i > 0 && i % 2 == 0;
}

int
coord_owner_key_load(const struct coord_config *cf, EVP_PKEY **keyp,
    char *err, size_t errlen)
{
	EVP_PKEY	*k = NULL;
	BIO		*b;
	uint8_t		*der = NULL, *buf = NULL;
	size_t		 derlen, len;
	char		 e[256];

	*keyp = NULL;
	if (cf->owner_key[0] == '\0')
		return 0;
	if (coord_is_hex(cf->owner_key)) {
		if (hex_decode_alloc(cf->owner_key, strlen(cf->owner_key), &der,
		    &derlen) == -1 || (k = pki_pubkey_from_spki_der(der, derlen,
		    e, sizeof(e))) == NULL) {
			snprintf(err, errlen, "owner-key: not a hex PKIX public "
			    "key");
			free(der);
			return -1;
		}
		free(der);
	} else {
		if (file_read(cf->owner_key, 64 * 1024, &buf, &len, e,
		    sizeof(e)) == -1) {
			snprintf(err, errlen, "owner-key: %s", e);
			return -1;
		}
		if ((b = BIO_new_mem_buf(buf, (int)len)) != NULL) {
			k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
			BIO_free(b);
		}
		free(buf);
		ERR_clear_error();
		if (k == NULL) {
			snprintf(err, errlen, "owner-key: %s: no PEM PUBLIC KEY",
			    cf->owner_key);
			return -1;
		}
	}
	if (!pki_is_p384(k)) {
		EVP_PKEY_free(k);
		snprintf(err, errlen, "owner-key: not an ECDSA P-384 key (the "
		    "workload owner key type)");
		return -1;
	}
	*keyp = k;
	return 0;
}

int
coord_sim_hostdata(const struct coord_config *cf, uint8_t out[32],
    char *err, size_t errlen)
{
	uint8_t	*buf;
	size_t	 len;
	char	 e[256];
	int	 ok;

	if (cf->sim_hostdata[0] != '\0') {
		if (hex_decode(cf->sim_hostdata, 64, out, 32) == -1) {
			snprintf(err, errlen, "sim-hostdata: bad hex");
			return -1;
		}
		return 0;
	}
	if (file_read(cf->sim_initdata, COORD_INITDATA_MAX, &buf, &len, e,
	    sizeof(e)) == -1) {
		snprintf(err, errlen, "sim-initdata: %s", e);
		return -1;
	}
	/* As the hypervisor does: HOSTDATA = SHA-256(initdata). */
	ok = EVP_Digest(buf, len, out, NULL, EVP_sha256(), NULL) == 1;
	free(buf);
	if (!ok) {
		snprintf(err, errlen, "sim-initdata: digest failed");
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
	fprintf(fp, "tee: %s\n", cf->tee);
	if (cf->sim_dir[0] != '\0')
		fprintf(fp, "sim-dir: %s\n", cf->sim_dir);
	if (cf->sim_hostdata[0] != '\0')
		fprintf(fp, "sim-hostdata: %s\n", cf->sim_hostdata);
	if (cf->sim_initdata[0] != '\0')
		fprintf(fp, "sim-initdata: %s\n", cf->sim_initdata);
	if (cf->owner_key[0] != '\0')
		fprintf(fp, "owner-key: %s\n", cf->owner_key);
}
