/*
 * generate: reading the inputs and walking their resources.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "generate.h"
#include "log.h"
#include "util.h"

#define GEN_MAX_FILES	100000
#define GEN_MAX_DEPTH	32

int
gen_error(struct gen_ctx *c, const struct gen_input *in, size_t line,
    const char *fmt, ...)
{
	char	 msg[GEN_ERR_LEN / 2];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A truncated message is still a message. */
	if (in != NULL && line > 0)
		n = snprintf(c->err, sizeof(c->err), "%.400s:%zu: %s", in->path,
		    line, msg);
	else if (in != NULL)
		n = snprintf(c->err, sizeof(c->err), "%.400s: %s", in->path, msg);
	else
		n = snprintf(c->err, sizeof(c->err), "%s", msg);
	(void)n;
	return -1;
}

void
gen_warn(struct gen_ctx *c, const struct gen_input *in, size_t line,
    const char *fmt, ...)
{
	char	 msg[GEN_ERR_LEN];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->nwarnings++;
	if (in != NULL && line > 0)
		log_warnx("warning: %s:%zu: %s", in->path, line, msg);
	else if (in != NULL)
		log_warnx("warning: %s: %s", in->path, msg);
	else
		log_warnx("warning: %s", msg);
}

static int
has_ext(const char *name, const char *ext)
{
	size_t	 n = strlen(name), e = strlen(ext);

	return n > e && strcmp(name + n - e, ext) == 0;
}

static int
add_input(struct gen_ctx *c, const char *path, int is_stdin)
{
	struct gen_input	*ni, *in;

	if (c->ninputs >= GEN_MAX_FILES)
		return gen_error(c, NULL, 0, "more than %d input files",
		    GEN_MAX_FILES);
	ni = reallocarray(c->inputs, c->ninputs + 1, sizeof(*ni));
	if (ni == NULL)
		return gen_error(c, NULL, 0, "out of memory");
	c->inputs = ni;
	in = &c->inputs[c->ninputs];
	memset(in, 0, sizeof(*in));
	if ((in->path = strdup(is_stdin ? "<stdin>" : path)) == NULL)
		return gen_error(c, NULL, 0, "out of memory");
	c->ninputs++;
	in->is_stdin = is_stdin;
	in->is_json = !is_stdin && has_ext(path, ".json");
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directories: recursively, .yml/.yaml/.json, in sorted order. */
static int
walk_dir(struct gen_ctx *c, const char *dir, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		**names = NULL, *p;
	size_t		 n = 0, i;
	int		 rc = 0;

	if (depth > GEN_MAX_DEPTH)
		return gen_error(c, NULL, 0, "%s: directories nested too "
		    "deep", dir);
	if ((d = opendir(dir)) == NULL)
		return gen_error(c, NULL, 0, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char **nn;
		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) == -1) {
			rc = gen_error(c, NULL, 0, "out of memory");
			break;
		}
		if ((nn = reallocarray(names, n + 1, sizeof(*nn))) == NULL) {
			free(p);
			rc = gen_error(c, NULL, 0, "out of memory");
			break;
		}
		names = nn;
		names[n++] = p;
	}
	closedir(d);
	if (rc == 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n && rc == 0; i++) {
		if (stat(names[i], &st) == -1)
			rc = gen_error(c, NULL, 0, "%s: %s", names[i],
			    strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = walk_dir(c, names[i], depth + 1);
		else if (S_ISREG(st.st_mode) && (has_ext(names[i], ".yml") ||
		    has_ext(names[i], ".yaml") || has_ext(names[i], ".json")))
			rc = add_input(c, names[i], 0);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int
read_stdin(struct gen_ctx *c, struct gen_input *in)
{
	size_t	 cap = 65536, len = 0;
	ssize_t	 r;
	char	*p, *np;

	if ((p = malloc(cap)) == NULL)
		return gen_error(c, NULL, 0, "out of memory");
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= GEN_INPUT_MAX + 1) {
				free(p);
				return gen_error(c, in, 0, "larger than %d "
				    "bytes", GEN_INPUT_MAX);
			}
			cap *= 2;
			if ((np = realloc(p, cap)) == NULL) {
				free(p);
				return gen_error(c, NULL, 0, "out of memory");
			}
			p = np;
		}
		r = read(STDIN_FILENO, p + len, cap - len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			free(p);
			return gen_error(c, in, 0, "read: %s", strerror(errno));
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > GEN_INPUT_MAX) {
			free(p);
			return gen_error(c, in, 0, "larger than %d bytes",
			    GEN_INPUT_MAX);
		}
	}
	p[len] = '\0';
	in->text = p;
	in->len = len;
	/* kubectl reads JSON from stdin too. */
	for (r = 0; (size_t)r < len && strchr(" \t\r\n", p[r]) != NULL; r++)
		;
	in->is_json = (size_t)r < len && p[r] == '{';
	return 0;
}

int
gen_inputs_read(struct gen_ctx *c, char **paths, int npaths)
{
	struct stat	 st;
	uint8_t		*buf;
	size_t		 len, i;
	int		 k, nstdin = 0;
	char		 err[256];

	for (k = 0; k < npaths; k++) {
		if (strcmp(paths[k], "-") == 0) {
			if (nstdin++ > 0)
				return gen_error(c, NULL, 0, "'-' given twice");
			if (add_input(c, "-", 1) == -1)
				return -1;
			continue;
		}
		if (stat(paths[k], &st) == -1)
			return gen_error(c, NULL, 0, "%s: %s", paths[k],
			    strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			if (walk_dir(c, paths[k], 0) == -1)
				return -1;
		} else if (add_input(c, paths[k], 0) == -1)
			return -1;
	}
	/* The same file twice would be rewritten twice: refuse. */
	for (i = 0; i < c->ninputs; i++) {
		size_t j;
		for (j = i + 1; j < c->ninputs; j++)
			if (!c->inputs[i].is_stdin &&
			    strcmp(c->inputs[i].path, c->inputs[j].path) == 0)
				return gen_error(c, NULL, 0, "%s: given twice",
				    c->inputs[i].path);
	}
	for (i = 0; i < c->ninputs; i++) {
		struct gen_input *in = &c->inputs[i];
		if (in->is_stdin) {
			if (read_stdin(c, in) == -1)
				return -1;
			continue;
		}
		if (file_read(in->path, GEN_INPUT_MAX, &buf, &len, err,
		    sizeof(err)) == -1)
			return gen_error(c, NULL, 0, "%s", err);
		in->text = (char *)buf;
		in->len = len;
	}
	return 0;
}

void
gen_inputs_free(struct gen_ctx *c)
{
	size_t	 i;

	for (i = 0; i < c->ninputs; i++) {
		if (c->inputs[i].out != c->inputs[i].text)
			free(c->inputs[i].out);
		yamledit_free(c->inputs[i].st);
		free(c->inputs[i].text);
		free(c->inputs[i].path);
	}
	free(c->inputs);
	c->inputs = NULL;
	c->ninputs = 0;
}

const struct yamledit_node *
gen_path(const struct yamledit_node *n, const char *path)
{
	char		 comp[128];
	const char	*p = path, *dot;
	size_t		 l;

	while (n != NULL && *p != '\0') {
		dot = strchr(p, '.');
		l = dot ? (size_t)(dot - p) : strlen(p);
		if (l >= sizeof(comp))
			return NULL;
		memcpy(comp, p, l);
		comp[l] = '\0';
		n = yamledit_map_get(n, comp);
		p += l;
		if (*p == '.')
			p++;
	}
	return n;
}

const char *
gen_annotation(const struct gen_resource *r, const char *key)
{
	if (r->tmpl == NULL)
		return NULL;
	return yamledit_str(yamledit_map_get(gen_path(r->tmpl,
	    "metadata.annotations"), key));
}

int
gen_is_confidential(const struct gen_resource *r)
{
	enum gen_platform	 p;
	const char		*rc;

	if (r->podspec == NULL)
		return 0;
	rc = yamledit_str(yamledit_map_get(r->podspec, "runtimeClassName"));
	return rc != NULL && gen_runtime_class(rc, &p) != 0;
}

int
gen_is_coordinator(const struct gen_resource *r)
{
	const char	*v = gen_annotation(r, GEN_ANN_PREFIX "pod-role");

	return v != NULL && strcmp(v, "coordinator") == 0;
}

/* Where each pod-owning kind keeps its pod template. */
static const struct {
	const char	*kind;
	const char	*tmpl;		/* "" = the object itself */
} gen_kinds[] = {
	{ "Pod",			"" },
	{ "Deployment",			"spec.template" },
	{ "StatefulSet",		"spec.template" },
	{ "DaemonSet",			"spec.template" },
	{ "ReplicaSet",			"spec.template" },
	{ "ReplicationController",	"spec.template" },
	{ "Job",			"spec.template" },
	{ "CronJob",			"spec.jobTemplate.spec.template" },
};

/* A runtimeClassName anywhere but at the pod spec is refused. */
static int
stray_runtime_class(struct gen_ctx *c, struct gen_resource *r,
    const struct yamledit_node *n, const struct yamledit_node *allowed)
{
	enum gen_platform	 p;
	size_t			 i;
	const char		*v;

	if (n == NULL)
		return 0;
	if (n->type == YAMLEDIT_MAPPING) {
		for (i = 0; i < yamledit_map_size(n); i++) {
			const struct yamledit_node *k = yamledit_map_key(n, i);
			const struct yamledit_node *val =
			    yamledit_map_value(n, i);
			if (n != allowed && k->type == YAMLEDIT_SCALAR &&
			    strcmp(k->value, "runtimeClassName") == 0 &&
			    (v = yamledit_str(val)) != NULL &&
			    gen_runtime_class(v, &p) != 0) {
				if (r->tmpl == NULL)
					return gen_error(c, r->in, k->line + 1,
					    "runtimeClassName %s on %s/%s: "
					    "kind %s has no pod spec generate "
					    "knows", v, r->kind,
					    r->name ? r->name : "?", r->kind);
				return gen_error(c, r->in, k->line + 1,
				    "runtimeClassName %s in %s/%s is not at "
				    "the pod spec", v, r->kind,
				    r->name ? r->name : "?");
			}
			if (stray_runtime_class(c, r, val, allowed) == -1)
				return -1;
		}
	} else if (n->type == YAMLEDIT_SEQUENCE) {
		for (i = 0; i < n->nkids; i++)
			if (stray_runtime_class(c, r, n->kids[i], allowed) ==
			    -1)
				return -1;
	}
	return 0;
}

static int
visit(struct gen_ctx *c, struct gen_input *in,
    const struct yamledit_stream *s, const struct yamledit_node *obj,
    gen_resource_fn fn, void *arg)
{
	struct gen_resource	 r;
	const struct yamledit_node *items;
	size_t			 i;

	if (obj == NULL || obj->type != YAMLEDIT_MAPPING)
		return 0;
	memset(&r, 0, sizeof(r));
	r.in = in;
	r.obj = obj;
	r.line = obj->line + 1;
	r.kind = yamledit_str(yamledit_map_get(obj, "kind"));
	r.api_version = yamledit_str(yamledit_map_get(obj, "apiVersion"));
	r.name = yamledit_str(gen_path(obj, "metadata.name"));
	r.ns = yamledit_str(gen_path(obj, "metadata.namespace"));
	if (r.kind == NULL)
		return stray_runtime_class(c, &r, obj, NULL);
	if (strcmp(r.kind, "List") == 0 ||
	    (strlen(r.kind) > 4 && strcmp(r.kind + strlen(r.kind) - 4,
	    "List") == 0 && yamledit_map_get(obj, "items") != NULL)) {
		items = yamledit_map_get(obj, "items");
		for (i = 0; i < yamledit_seq_size(items); i++)
			if (visit(c, in, s, yamledit_seq_item(items, i), fn,
			    arg) == -1)
				return -1;
		return 0;
	}
	for (i = 0; i < sizeof(gen_kinds) / sizeof(gen_kinds[0]); i++) {
		if (strcmp(r.kind, gen_kinds[i].kind) != 0)
			continue;
		r.tmpl = gen_kinds[i].tmpl[0] == '\0' ? obj :
		    gen_path(obj, gen_kinds[i].tmpl);
		if (r.tmpl != NULL && r.tmpl->type != YAMLEDIT_MAPPING)
			r.tmpl = NULL;
		r.podspec = r.tmpl ? yamledit_map_get(r.tmpl, "spec") : NULL;
		if (r.podspec != NULL && r.podspec->type != YAMLEDIT_MAPPING)
			r.podspec = NULL;
		break;
	}
	if (stray_runtime_class(c, &r, obj, r.podspec) == -1)
		return -1;
	return fn(c, &r, s, arg);
}

int
gen_walk(struct gen_ctx *c, struct gen_input *in,
    const struct yamledit_stream *s, gen_resource_fn fn, void *arg)
{
	size_t	 i;

	for (i = 0; i < s->ndocs; i++)
		if (visit(c, in, s, s->docs[i].root, fn, arg) == -1)
			return -1;
	return 0;
}
