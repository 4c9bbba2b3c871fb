/*
 * generate: pod-spec injection -- runtime class, the initializer, the
 * service-mesh sidecar, the contrast-secrets volume and its mounts.
 * Every change is a splice (yamledit), so the rest of the text stays.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generate.h"

#define ANN_INGRESS	GEN_ANN_PREFIX "servicemesh-ingress"
#define ANN_EGRESS	GEN_ANN_PREFIX "servicemesh-egress"
#define ANN_ADMIN	GEN_ANN_PREFIX "servicemesh-admin-interface-port"
#define ANN_SKIP	GEN_ANN_PREFIX "skip-initializer"

static const char *
res_name(const struct gen_resource *r)
{
	return r->name != NULL ? r->name : "(unnamed)";
}

static size_t
ann_line(const struct gen_resource *r, const char *key)
{
	const struct yamledit_node *n;

	n = yamledit_map_get(gen_path(r->tmpl, "metadata.annotations"), key);
	return n != NULL ? n->line + 1 : r->line;
}

static int
parse_port(const char *s, size_t len)
{
	size_t	 i;
	long	 v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (s[0] == '0' || v < 1 || v > 65535)
		return -1;
	return (int)v;
}

/* Dotted quad, no leading zeros; 1 if in 127.0.0.0/8. */
static int
loopback_ip(const char *s, size_t len)
{
	size_t	 i = 0, part;
	int	 octet, first = -1;

	for (part = 0; part < 4; part++) {
		size_t st = i;
		octet = 0;
		while (i < len && isdigit((unsigned char)s[i]) && i - st < 3)
			octet = octet * 10 + (s[i++] - '0');
		if (i == st || octet > 255 || (s[st] == '0' && i - st > 1))
			return 0;
		if (part == 0)
			first = octet;
		if (part < 3 && (i >= len || s[i++] != '.'))
			return 0;
	}
	return i == len && first == 127;
}

static int
valid_host(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.' && s[i] != '_')
			return 0;
	return 1;
}

static int
valid_name(const char *s, size_t len)
{
	return valid_host(s, len) && len <= 63;
}

/* Split s at the next "sep"; returns the field length. */
static size_t
field(const char *s, const char *sep, const char **next)
{
	const char	*e = strstr(s, sep);

	if (e == NULL) {
		*next = NULL;
		return strlen(s);
	}
	*next = e + strlen(sep);
	return (size_t)(e - s);
}

/* host:port with the port after the last colon. */
static int
split_hostport(const char *s, size_t len, size_t *hostlen, int *port)
{
	size_t	 i;

	for (i = len; i > 0; i--)
		if (s[i - 1] == ':')
			break;
	if (i == 0)
		return -1;
	*hostlen = i - 1;
	*port = parse_port(s + i, len - i);
	return *port == -1 ? -1 : 0;
}

/* contrast.md 11.2: entries "##", fields "#". */
static int
check_entries(struct gen_ctx *c, const struct gen_resource *r,
    const char *ann, const char *v, int egress)
{
	const char	*e = v, *next, *f, *fn;
	char		 names[64][64];
	size_t		 nnames = 0, elen, flen[3], hl, i, k;
	const char	*fs[3];
	int		 port, entry = 0;
	size_t		 line = ann_line(r, ann);

	while (e != NULL) {
		char ent[1024];

		entry++;
		elen = field(e, "##", &next);
		if (elen >= sizeof(ent))
			return gen_error(c, r->in, line, "%s/%s: annotation "
			    "%s: entry %d too long", r->kind, res_name(r), ann,
			    entry);
		memcpy(ent, e, elen);
		ent[elen] = '\0';
		f = ent;
		for (k = 0; k < 3 && f != NULL; k++) {
			fs[k] = f;
			flen[k] = field(f, "#", &fn);
			f = fn;
		}
		if (k != 3 || f != NULL)
			return gen_error(c, r->in, line, "%s/%s: annotation "
			    "%s: entry %d '%s' must have 3 fields separated "
			    "by '#' (%s)", r->kind, res_name(r), ann, entry,
			    ent, egress ? "name#127.x.y.z:port#host:port" :
			    "name#port#true|false");
		if (!valid_name(fs[0], flen[0]))
			return gen_error(c, r->in, line, "%s/%s: annotation "
			    "%s: entry %d: bad name '%.*s'", r->kind,
			    res_name(r), ann, entry, (int)flen[0], fs[0]);
		for (i = 0; i < nnames; i++)
			if (strlen(names[i]) == flen[0] &&
			    memcmp(names[i], fs[0], flen[0]) == 0)
				return gen_error(c, r->in, line, "%s/%s: "
				    "annotation %s: name '%.*s' used twice",
				    r->kind, res_name(r), ann, (int)flen[0],
				    fs[0]);
		if (nnames < 64) {
			memcpy(names[nnames], fs[0], flen[0]);
			names[nnames++][flen[0]] = '\0';
		}
		if (egress) {
			if (split_hostport(fs[1], flen[1], &hl, &port) == -1 ||
			    !loopback_ip(fs[1], hl))
				return gen_error(c, r->in, line, "%s/%s: "
				    "annotation %s: entry %d: listen address "
				    "'%.*s' must be IP:port with the IP in "
				    "127.0.0.0/8 and port 1..65535", r->kind,
				    res_name(r), ann, entry, (int)flen[1],
				    fs[1]);
			if (split_hostport(fs[2], flen[2], &hl, &port) == -1 ||
			    !valid_host(fs[2], hl))
				return gen_error(c, r->in, line, "%s/%s: "
				    "annotation %s: entry %d: remote '%.*s' "
				    "must be host:port with port 1..65535",
				    r->kind, res_name(r), ann, entry,
				    (int)flen[2], fs[2]);
		} else {
			if (parse_port(fs[1], flen[1]) == -1)
				return gen_error(c, r->in, line, "%s/%s: "
				    "annotation %s: entry %d: bad port "
				    "'%.*s' (1..65535)", r->kind, res_name(r),
				    ann, entry, (int)flen[1], fs[1]);
			if (!((flen[2] == 4 && memcmp(fs[2], "true", 4) ==
			    0) || (flen[2] == 5 && memcmp(fs[2], "false",
			    5) == 0)))
				return gen_error(c, r->in, line, "%s/%s: "
				    "annotation %s: entry %d: '%.*s' must be "
				    "true or false", r->kind, res_name(r), ann,
				    entry, (int)flen[2], fs[2]);
		}
		e = next;
	}
	return 0;
}

int
gen_mesh_validate(struct gen_ctx *c, const struct gen_resource *r)
{
	const struct yamledit_node *anns, *n;
	const char	*v;

	anns = gen_path(r->tmpl, "metadata.annotations");
	if ((n = yamledit_map_get(anns, ANN_EGRESS)) != NULL) {
		if ((v = yamledit_str(n)) == NULL || *v == '\0')
			return gen_error(c, r->in, n->line + 1, "%s/%s: "
			    "annotation %s is empty", r->kind, res_name(r),
			    ANN_EGRESS);
		if (check_entries(c, r, ANN_EGRESS, v, 1) == -1)
			return -1;
	}
	if ((n = yamledit_map_get(anns, ANN_INGRESS)) != NULL) {
		v = yamledit_str(n);
		if (n->type != YAMLEDIT_SCALAR)
			return gen_error(c, r->in, n->line + 1, "%s/%s: "
			    "annotation %s must be a string", r->kind,
			    res_name(r), ANN_INGRESS);
		if (v != NULL && *v != '\0' && strcmp(v, "DISABLED") != 0 &&
		    check_entries(c, r, ANN_INGRESS, v, 0) == -1)
			return -1;
	}
	if ((n = yamledit_map_get(anns, ANN_ADMIN)) != NULL) {
		v = yamledit_str(n);
		if (v == NULL || parse_port(v, strlen(v)) == -1)
			return gen_error(c, r->in, n->line + 1, "%s/%s: "
			    "annotation %s must be a port 1..65535", r->kind,
			    res_name(r), ANN_ADMIN);
	}
	return 0;
}

static int
mesh_wanted(const struct gen_resource *r)
{
	const struct yamledit_node *anns = gen_path(r->tmpl,
	    "metadata.annotations");

	return yamledit_map_get(anns, ANN_INGRESS) != NULL ||
	    yamledit_map_get(anns, ANN_EGRESS) != NULL ||
	    yamledit_map_get(anns, ANN_ADMIN) != NULL;
}

static json_t *
secrets_mount(void)
{
	return json_pack("{s:s, s:s}", "name", GEN_SECRETS_VOLUME,
	    "mountPath", GEN_SECRETS_PATH);
}

static json_t *
initializer_json(struct gen_ctx *c, int mesh)
{
	char	 host[GEN_NAME_MAX + 32];
	json_t	*j, *env;

	snprintf(host, sizeof(host), "coordinator-ready.%s", c->coord_ns);
	env = json_pack("[{s:s, s:s}]", "name", "COORDINATOR_HOST", "value",
	    host);
	if (env != NULL && !mesh)
		json_array_append_new(env, json_pack("{s:s, s:s}", "name",
		    "CONTRAST_SERVICE_MESH_DISABLED", "value", "true"));
	j = json_pack("{s:s, s:s, s:o, s:{s:{s:s}, s:{s:s}}, "
	    "s:{s:{s:[s]}}, s:[o]}",
	    "name", GEN_INITIALIZER_NAME,
	    "image", c->o->initializer_image,
	    "env", env,
	    "resources", "limits", "memory", "50Mi", "requests", "memory",
	    "50Mi",
	    "securityContext", "capabilities", "add", "NET_ADMIN",
	    "volumeMounts", secrets_mount());
	return j;
}

static json_t *
mesh_json(struct gen_ctx *c, const struct gen_resource *r)
{
	const char	*in = gen_annotation(r, ANN_INGRESS);
	const char	*eg = gen_annotation(r, ANN_EGRESS);
	const char	*ad = gen_annotation(r, ANN_ADMIN);
	json_t		*j, *env;

	env = json_pack("[{s:s, s:s}, {s:s, s:s}]",
	    "name", "CONTRAST_INGRESS_PROXY_CONFIG", "value", in ? in : "",
	    "name", "CONTRAST_EGRESS_PROXY_CONFIG", "value", eg ? eg : "");
	if (env != NULL && ad != NULL)
		json_array_append_new(env, json_pack("{s:s, s:s}", "name",
		    "CONTRAST_ADMIN_PORT", "value", ad));
	j = json_pack("{s:s, s:s, s:s, s:o, s:{s:{s:s}, s:{s:s}}, "
	    "s:{s:b, s:{s:[s]}}, s:{s:{s:[s,s,s]}, s:i, s:i, s:i}, s:[o]}",
	    "name", GEN_MESH_NAME,
	    "image", c->o->mesh_image,
	    "restartPolicy", "Always",
	    "env", env,
	    "resources", "limits", "memory", "100Mi", "requests", "memory",
	    "100Mi",
	    "securityContext", "privileged", 1, "capabilities", "add",
	    "NET_ADMIN",
	    "startupProbe", "exec", "command", "test", "-f", "/ready",
	    "initialDelaySeconds", 1, "periodSeconds", 5, "failureThreshold",
	    5,
	    "volumeMounts", secrets_mount());
	if (j != NULL && ad != NULL)
		json_object_set_new(j, "ports", json_pack("[{s:s, s:i}]",
		    "name", "contrast-admin", "containerPort", atoi(ad)));
	return j;
}

/* Index of the item whose "key" is name, or -1. */
static long
find_named(const struct yamledit_node *seq, const char *key,
    const char *name)
{
	size_t	 i;
	const char *v;

	for (i = 0; i < yamledit_seq_size(seq); i++) {
		v = yamledit_str(yamledit_map_get(yamledit_seq_item(seq, i),
		    key));
		if (v != NULL && strcmp(v, name) == 0)
			return (long)i;
	}
	return -1;
}

/* Replace item if it differs from want. */
static int
sync_item(struct gen_ctx *c, const struct gen_resource *r,
    const struct yamledit_stream *s, struct yamledit_edits *ed,
    const struct yamledit_node *item, const json_t *want)
{
	json_t	*have;
	char	 err[256] = "";
	int	 same;

	if ((have = yamledit_to_json(item, err, sizeof(err))) == NULL)
		return gen_error(c, r->in, item->line + 1, "%s/%s: %s",
		    r->kind, res_name(r), err);
	same = json_equal(have, (json_t *)want);
	json_decref(have);
	if (same)
		return 0;
	if (yamledit_set(ed, s, item, want, err, sizeof(err)) == -1)
		return gen_error(c, r->in, item->line + 1, "%s", err);
	return 0;
}

/* Make map[key] a sequence holding want (by name), inserting at idx. */
static int
ensure_named(struct gen_ctx *c, const struct gen_resource *r,
    const struct yamledit_stream *s, struct yamledit_edits *ed,
    const struct yamledit_node *map, const char *key, const char *name,
    const json_t *want, size_t idx)
{
	const struct yamledit_node *seq = yamledit_map_get(map, key);
	json_t	*arr;
	long	 at;
	char	 err[256];
	int	 rc;

	if (seq == NULL || yamledit_is_null(seq)) {
		if ((arr = json_array()) == NULL ||
		    json_array_append(arr, (json_t *)want) == -1) {
			json_decref(arr);
			return gen_error(c, NULL, 0, "out of memory");
		}
		if (seq == NULL)
			rc = yamledit_map_append(ed, s, map, key, arr, err,
			    sizeof(err));
		else
			rc = yamledit_set(ed, s, seq, arr, err, sizeof(err));
		json_decref(arr);
		if (rc == -1)
			return gen_error(c, r->in, map->line + 1, "%s", err);
		return 0;
	}
	if (seq->type != YAMLEDIT_SEQUENCE)
		return gen_error(c, r->in, seq->line + 1, "%s/%s: %s is not a "
		    "list", r->kind, res_name(r), key);
	if ((at = find_named(seq, "name", name)) >= 0)
		return sync_item(c, r, s, ed, yamledit_seq_item(seq,
		    (size_t)at), want);
	if (idx > seq->nkids)
		idx = seq->nkids;
	if (yamledit_seq_insert(ed, s, seq, idx, want, err, sizeof(err)) ==
	    -1)
		return gen_error(c, r->in, seq->line + 1, "%s", err);
	return 0;
}

static int
mount_secrets(struct gen_ctx *c, const struct gen_resource *r,
    const struct yamledit_stream *s, struct yamledit_edits *ed,
    const struct yamledit_node *ctr)
{
	const struct yamledit_node *vm = yamledit_map_get(ctr, "volumeMounts");
	const char	*p, *n;
	json_t		*want;
	size_t		 i;
	int		 rc;

	for (i = 0; i < yamledit_seq_size(vm); i++) {
		const struct yamledit_node *m = yamledit_seq_item(vm, i);
		p = yamledit_str(yamledit_map_get(m, "mountPath"));
		n = yamledit_str(yamledit_map_get(m, "name"));
		if (p != NULL && n != NULL &&
		    strcmp(p, GEN_SECRETS_PATH) == 0 &&
		    strcmp(n, GEN_SECRETS_VOLUME) != 0)
			return gen_error(c, r->in, m->line + 1, "%s/%s: "
			    "volume %s is mounted at %s, which contrast "
			    "needs for %s", r->kind, res_name(r), n,
			    GEN_SECRETS_PATH, GEN_SECRETS_VOLUME);
	}
	if ((want = secrets_mount()) == NULL)
		return gen_error(c, NULL, 0, "out of memory");
	rc = ensure_named(c, r, s, ed, ctr, "volumeMounts", GEN_SECRETS_VOLUME,
	    want, 0);
	json_decref(want);
	return rc;
}

/* Memory request == limit keeps the VM size predictable (issue #1195). */
static void
memory_warnings(struct gen_ctx *c, const struct gen_resource *r)
{
	static const char *const lists[] = { "initContainers", "containers" };
	const struct yamledit_node *ctrs, *ctr;
	const char	*req, *lim, *name;
	size_t		 i, k;

	for (k = 0; k < 2; k++) {
		ctrs = yamledit_map_get(r->podspec, lists[k]);
		for (i = 0; i < yamledit_seq_size(ctrs); i++) {
			ctr = yamledit_seq_item(ctrs, i);
			name = yamledit_str(yamledit_map_get(ctr, "name"));
			if (name != NULL && (strcmp(name,
			    GEN_INITIALIZER_NAME) == 0 ||
			    strcmp(name, GEN_MESH_NAME) == 0))
				continue;
			req = yamledit_str(gen_path(ctr,
			    "resources.requests.memory"));
			lim = yamledit_str(gen_path(ctr,
			    "resources.limits.memory"));
			if (req == NULL || lim == NULL)
				gen_warn(c, r->in, ctr->line + 1, "%s/%s: "
				    "container %s: memory %s missing; the pod "
				    "VM is sized from them, set both to the "
				    "same value", r->kind, res_name(r),
				    name ? name : "?", req == NULL && lim ==
				    NULL ? "request and limit" : req == NULL ?
				    "request" : "limit");
			else if (strcmp(req, lim) != 0)
				gen_warn(c, r->in, ctr->line + 1, "%s/%s: "
				    "container %s: memory request %s differs "
				    "from limit %s", r->kind, res_name(r),
				    name ? name : "?", req, lim);
		}
	}
}

int
gen_inject(struct gen_ctx *c, struct gen_resource *r,
    const struct yamledit_stream *s, struct yamledit_edits *ed)
{
	const struct yamledit_node *rcn, *ics, *ctrs, *ctr;
	enum gen_platform	 p;
	json_t			*init = NULL, *mesh = NULL, *vol = NULL, *h;
	const char		*rc, *skip, *name;
	char			 err[256];
	int			 want_init, want_mesh, ret = -1, e;
	long			 at_init = -1, at_mesh;
	size_t			 i, k;

	rcn = yamledit_map_get(r->podspec, "runtimeClassName");
	rc = yamledit_str(rcn);
	if (gen_runtime_class(rc, &p) == -1)
		return gen_error(c, r->in, rcn->line + 1, "%s/%s: unknown "
		    "runtime class %s", r->kind, res_name(r), rc);
	if (p != GEN_PLATFORM_NONE && p != c->o->platform)
		return gen_error(c, r->in, rcn->line + 1, "%s/%s: runtime "
		    "class %s is for platform %s, but the reference values "
		    "are for %s", r->kind, res_name(r), rc,
		    gen_platform_name(p), c->platform_name);
	if (strcmp(rc, c->handler) != 0) {
		if ((h = json_string(c->handler)) == NULL)
			return gen_error(c, NULL, 0, "out of memory");
		e = yamledit_set(ed, s, rcn, h, err, sizeof(err));
		json_decref(h);
		if (e != 0)
			return gen_error(c, r->in, rcn->line + 1, "%s", err);
	}
	memory_warnings(c, r);
	if (gen_mesh_validate(c, r) == -1)
		return -1;
	if (gen_is_coordinator(r))
		return 0;

	skip = gen_annotation(r, ANN_SKIP);
	want_init = !c->o->skip_initializer &&
	    !(skip != NULL && strcmp(skip, "true") == 0);
	want_mesh = mesh_wanted(r);
	ics = yamledit_map_get(r->podspec, "initContainers");
	if (ics != NULL && !yamledit_is_null(ics) &&
	    ics->type != YAMLEDIT_SEQUENCE)
		return gen_error(c, r->in, ics->line + 1, "%s/%s: "
		    "initContainers is not a list", r->kind, res_name(r));
	at_mesh = find_named(ics, "name", GEN_MESH_NAME);
	if (at_mesh >= 0 && !want_mesh)
		return gen_error(c, r->in, yamledit_seq_item(ics,
		    (size_t)at_mesh)->line + 1, "%s/%s: init container %s "
		    "is present but no %sservicemesh-* annotation is: remove "
		    "the container or add the annotation", r->kind,
		    res_name(r), GEN_MESH_NAME, GEN_ANN_PREFIX);
	if (!want_init && !want_mesh)
		return 0;

	/* The user's own containers first: they get the /contrast mount. */
	for (k = 0; k < 2; k++) {
		ctrs = yamledit_map_get(r->podspec, k == 0 ? "initContainers" :
		    "containers");
		for (i = 0; i < yamledit_seq_size(ctrs); i++) {
			ctr = yamledit_seq_item(ctrs, i);
			name = yamledit_str(yamledit_map_get(ctr, "name"));
			if (ctr->type != YAMLEDIT_MAPPING)
				return gen_error(c, r->in, ctr->line + 1,
				    "%s/%s: container is not a mapping",
				    r->kind, res_name(r));
			if (name != NULL && (strcmp(name,
			    GEN_INITIALIZER_NAME) == 0 ||
			    strcmp(name, GEN_MESH_NAME) == 0))
				continue;
			if (mount_secrets(c, r, s, ed, ctr) == -1)
				return -1;
		}
	}

	if (want_init && (init = initializer_json(c, want_mesh)) == NULL)
		goto oom;
	if (want_mesh && (mesh = mesh_json(c, r)) == NULL)
		goto oom;
	if (ics == NULL || yamledit_is_null(ics)) {
		json_t *arr = json_array();
		if (arr == NULL)
			goto oom;
		if (init != NULL)
			json_array_append(arr, init);
		if (mesh != NULL)
			json_array_append(arr, mesh);
		if (ics == NULL)
			e = yamledit_map_append(ed, s, r->podspec,
			    "initContainers", arr, err, sizeof(err));
		else
			e = yamledit_set(ed, s, ics, arr, err, sizeof(err));
		json_decref(arr);
		if (e != 0) {
			gen_error(c, r->in, r->podspec->line + 1, "%s", err);
			goto done;
		}
	} else {
		if (init != NULL) {
			at_init = find_named(ics, "name", GEN_INITIALIZER_NAME);
			if (ensure_named(c, r, s, ed, r->podspec,
			    "initContainers", GEN_INITIALIZER_NAME, init, 0) ==
			    -1)
				goto done;
		}
		/* The mesh sidecar right after the initializer. */
		if (mesh != NULL && ensure_named(c, r, s, ed, r->podspec,
		    "initContainers", GEN_MESH_NAME, mesh,
		    at_init >= 0 ? (size_t)at_init + 1 : 0) == -1)
			goto done;
	}

	if ((vol = json_pack("{s:s, s:{s:s}}", "name", GEN_SECRETS_VOLUME,
	    "emptyDir", "medium", "Memory")) == NULL)
		goto oom;
	if (ensure_named(c, r, s, ed, r->podspec, "volumes",
	    GEN_SECRETS_VOLUME, vol, 0) == -1)
		goto done;
	ret = 0;
	goto done;
 oom:
	gen_error(c, NULL, 0, "out of memory");
 done:
	json_decref(init);
	json_decref(mesh);
	json_decref(vol);
	return ret;
}
