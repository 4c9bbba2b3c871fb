/*
 * contrast generate: Kubernetes YAML in, confidential workloads and
 * manifest.json out.
 *
 * Phases: read and parse every input; classify the workloads (platform,
 * Coordinator namespace); per file, splice the injections, re-parse,
 * splice the initdata annotations, re-parse again as a check; assemble
 * the manifest; only then write anything (keys, files, manifest), each
 * write atomic.  Any error before the commit leaves every file as it was.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "generate.h"
#include "log.h"
#include "manifest.h"
#include "pki.h"
#include "util.h"

#define GEN_MAX_LIST_ARGS	64

static void
usage(FILE *f)
{
	fprintf(f,
"usage: contrast generate [options] [path ...|-]\n"
"\n"
"Rewrites the Kubernetes resources in the given files and directories\n"
"(.yml, .yaml, .json; '-' is stdin) for confidential pods and writes the\n"
"manifest.  Workloads with runtimeClassName contrast-cc get the versioned\n"
"runtime class, the initializer, the service mesh (if annotated) and the\n"
"initdata policy annotation.\n"
"\n"
"  --reference-values P        platform: metal-qemu-snp, metal-qemu-tdx,\n"
"                              sim-snp (insecure; values from --sim-dir)\n"
"  --sim-dir DIR               simulator directory (default $CONTRAST_SIM_DIR\n"
"                              or ./sim)\n"
"  --reference-value-patches F JSON-Patch file for the reference values\n"
"                              (repeatable)\n"
"  -m, --manifest FILE         manifest path (default manifest.json)\n"
"  -w, --add-workload-owner-key FILE  (repeatable; default\n"
"                              workload-owner.pem, generated if missing)\n"
"  --add-seedshare-owner-key FILE     (repeatable; default\n"
"                              seedshare-owner.pem, generated if missing)\n"
"  -d, --disable-updates       no workload owner keys: immutable manifest\n"
"  --skip-initializer          do not inject the initializer\n"
"  --initializer-image REF     (default ghcr.io/contrast-c/initializer:%s)\n"
"  --mesh-image REF            (default ghcr.io/contrast-c/mesh:%s)\n"
"  -o, --output FILE           write all resources to FILE instead of in\n"
"                              place ('-' for stdout)\n",
	    PACKAGE_VERSION, PACKAGE_VERSION);
}

/* Phase A: classify. */
struct classify {
	size_t			 nconf;
	int			 bare;		/* plain contrast-cc seen */
	enum gen_platform	 explicit_p;	/* contrast-cc-<p>[-hash] */
	int			 mixed;
};

static int
classify_cb(struct gen_ctx *c, struct gen_resource *r,
    const struct yamledit_stream *s, void *arg)
{
	struct classify		*cl = arg;
	const struct yamledit_node *rcn;
	enum gen_platform	 p;
	const char		*rc;

	if (r->podspec == NULL)
		return 0;
	rcn = yamledit_map_get(r->podspec, "runtimeClassName");
	if ((rc = yamledit_str(rcn)) == NULL)
		return 0;
	switch (gen_runtime_class(rc, &p)) {
	case 0:
		return 0;
	case -1:
		return gen_error(c, r->in, rcn->line + 1, "%s/%s: unknown "
		    "runtime class %s (expected contrast-cc, "
		    "contrast-cc-<platform> or a versioned handler)", r->kind,
		    r->name ? r->name : "?", rc);
	}
	cl->nconf++;
	if (p == GEN_PLATFORM_NONE)
		cl->bare = 1;
	else if (cl->explicit_p == GEN_PLATFORM_NONE)
		cl->explicit_p = p;
	else if (cl->explicit_p != p)
		cl->mixed = 1;
	if (gen_is_coordinator(r)) {
		const char *ns = r->ns ? r->ns : "default";
		if (c->have_coordinator && strcmp(c->coord_ns, ns) != 0)
			return gen_error(c, r->in, r->line, "Coordinator "
			    "%s/%s is in namespace %s, another one in %s",
			    r->kind, r->name ? r->name : "?", ns, c->coord_ns);
		if (strlen(ns) >= sizeof(c->coord_ns))
			return gen_error(c, r->in, r->line, "namespace too "
			    "long");
		snprintf(c->coord_ns, sizeof(c->coord_ns), "%s", ns);
		c->have_coordinator = 1;
	}
	return 0;
}

static int
inject_cb(struct gen_ctx *c, struct gen_resource *r,
    const struct yamledit_stream *s, void *arg)
{
	if (!gen_is_confidential(r))
		return 0;
	return gen_inject(c, r, s, arg);
}

struct policy_arg {
	struct yamledit_edits	*ed;
};

static int
policy_cb(struct gen_ctx *c, struct gen_resource *r,
    const struct yamledit_stream *s, void *arg)
{
	struct policy_arg	*pa = arg;
	struct gen_workload	*nw;

	if (!gen_is_confidential(r))
		return 0;
	if ((nw = reallocarray(c->wl, c->nwl + 1, sizeof(*nw))) == NULL)
		return gen_error(c, NULL, 0, "out of memory");
	c->wl = nw;
	if (gen_policy(c, r, s, pa->ed, &c->wl[c->nwl]) == -1)
		return -1;
	c->nwl++;
	return 0;
}

/*
 * Run fn over the resources of text (parsed here unless s is given) and
 * splice its edits: *out is the result.
 */
static int
edit_pass(struct gen_ctx *c, struct gen_input *in, const char *text,
    size_t len, const struct yamledit_stream *given, gen_resource_fn fn,
    int policy, char **out, size_t *outlen)
{
	struct yamledit_stream	*s = NULL;
	struct yamledit_edits	 ed;
	struct policy_arg	 pa;
	size_t			 line;
	char			 err[YAMLEDIT_ERR_LEN];
	int			 rc;

	if (given == NULL && yamledit_parse(text, len, &s, &line, err,
	    sizeof(err)) == -1) {
		/* "line N: ..." from the parser: make it file:N: ... */
		const char *msg = strchr(err, ':');
		return gen_error(c, in, line, "%s%s", policy ?
		    "after injection: " : "", msg ? msg + 2 : err);
	}
	yamledit_edits_init(&ed);
	pa.ed = &ed;
	rc = gen_walk(c, in, given ? given : s, fn, policy ? (void *)&pa :
	    (void *)&ed);
	if (rc == 0 && yamledit_apply(text, len, &ed, out, outlen, err,
	    sizeof(err)) == -1)
		rc = gen_error(c, in, 0, "%s", err);
	yamledit_edits_free(&ed);
	yamledit_free(s);
	return rc;
}

/* JSON inputs that changed are re-emitted by jansson, order kept. */
static int
json_reformat(struct gen_ctx *c, struct gen_input *in)
{
	json_error_t	 je;
	json_t		*j;
	char		*t, *nt;

	j = json_loadb(in->out, in->outlen, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL)
		return gen_error(c, in, je.line, "JSON: %s", je.text);
	t = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (t == NULL || asprintf(&nt, "%s\n", t) == -1) {
		free(t);
		return gen_error(c, NULL, 0, "out of memory");
	}
	free(t);
	free(in->out);
	in->out = nt;
	in->outlen = strlen(nt);
	return 0;
}

/*
 * Pass 1 splices the injections into the text parsed in phase A; pass 2
 * re-parses that (so the policy sees the final pod spec, injected
 * containers included) and splices the initdata annotations.  Pass 2
 * only writes base64 scalars (plain-safe by construction), so its output
 * is not parsed a third time here; the tests and the fuzzer do that.
 */
static int
process_input(struct gen_ctx *c, struct gen_input *in)
{
	char			*t1 = NULL, *t2 = NULL;
	size_t			 l1, l2;

	if (edit_pass(c, in, in->text, in->len, in->st, inject_cb, 0, &t1,
	    &l1) == -1)
		return -1;
	yamledit_free(in->st);
	in->st = NULL;
	if (edit_pass(c, in, t1, l1, NULL, policy_cb, 1, &t2, &l2) == -1) {
		free(t1);
		return -1;
	}
	free(t1);
	if (l2 == in->len && memcmp(t2, in->text, l2) == 0) {
		free(t2);
		in->out = in->text;
		in->outlen = in->len;
		return 0;
	}
	in->out = t2;
	in->outlen = l2;
	in->changed = 1;
	if (in->is_json)
		return json_reformat(c, in);
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* All inputs as one stream, documents separated by "---". */
static char *
combined(struct gen_ctx *c, size_t *lenp)
{
	size_t	 i, total = 0, o = 0;
	char	*p;

	for (i = 0; i < c->ninputs; i++)
		total += c->inputs[i].outlen + 6;
	if ((p = malloc(total + 1)) == NULL)
		return NULL;
	for (i = 0; i < c->ninputs; i++) {
		const struct gen_input *in = &c->inputs[i];
		if (i > 0 && strncmp(in->out, "---", 3) != 0) {
			memcpy(p + o, "---\n", 4);
			o += 4;
		}
		memcpy(p + o, in->out, in->outlen);
		o += in->outlen;
		if (in->outlen > 0 && in->out[in->outlen - 1] != '\n')
			p[o++] = '\n';
	}
	p[o] = '\0';
	*lenp = o;
	return p;
}

static int
commit(struct gen_ctx *c, struct gen_key_plan *kp, const char *mnf,
    size_t mnflen)
{
	struct stat	 st;
	uint8_t		*old;
	size_t		 i, oldlen, len;
	char		 err[512], *all;
	int		 to_stdout, same;

	/* Keys first: the manifest never names a key that is not on disk. */
	for (i = 0; i < kp->n; i++) {
		if (pki_key_write(kp->paths[i], kp->keys[i], err,
		    sizeof(err)) == -1)
			return gen_error(c, NULL, 0, "%s", err);
		log_info("generated %s", kp->paths[i]);
	}
	to_stdout = (c->o->output != NULL && strcmp(c->o->output, "-") == 0) ||
	    (c->o->output == NULL && c->ninputs == 1 && c->inputs[0].is_stdin);
	if (c->o->output != NULL || to_stdout) {
		if ((all = combined(c, &len)) == NULL)
			return gen_error(c, NULL, 0, "out of memory");
		if (to_stdout) {
			if (write_all(STDOUT_FILENO, all, len) == -1) {
				free(all);
				return gen_error(c, NULL, 0, "stdout: %s",
				    strerror(errno));
			}
		} else if (file_write_atomic(c->o->output, all, len, 0644, err,
		    sizeof(err)) == -1) {
			free(all);
			return gen_error(c, NULL, 0, "%s", err);
		}
		free(all);
	} else {
		for (i = 0; i < c->ninputs; i++) {
			struct gen_input *in = &c->inputs[i];
			if (!in->changed || in->is_stdin)
				continue;
			if (stat(in->path, &st) == -1)
				return gen_error(c, NULL, 0, "%s: %s",
				    in->path, strerror(errno));
			if (file_write_atomic(in->path, in->out, in->outlen,
			    st.st_mode & 07777, err, sizeof(err)) == -1)
				return gen_error(c, NULL, 0, "%s", err);
		}
	}
	old = NULL;
	same = file_read(c->o->manifest_path, MANIFEST_MAX_SIZE, &old,
	    &oldlen, err, sizeof(err)) == 0 && oldlen == mnflen &&
	    memcmp(old, mnf, mnflen) == 0;
	free(old);
	if (!same && file_write_atomic(c->o->manifest_path, mnf, mnflen, 0644,
	    err, sizeof(err)) == -1)
		return gen_error(c, NULL, 0, "%s", err);
	return 0;
}

static void
ctx_free(struct gen_ctx *c)
{
	size_t	 i;

	for (i = 0; i < c->nwl; i++) {
		free(c->wl[i].file);
		free(c->wl[i].name);
		free(c->wl[i].secret_id);
	}
	free(c->wl);
	json_decref(c->refvals);
	gen_inputs_free(c);
}

static int
add_list(const char ***list, size_t *n, const char *v)
{
	const char	**nl;

	if (*n >= GEN_MAX_LIST_ARGS)
		return -1;
	if ((nl = reallocarray(*list, *n + 1, sizeof(*nl))) == NULL)
		return -1;
	nl[(*n)++] = v;
	*list = nl;
	return 0;
}

enum {
	OPT_REFVALS = 256,
	OPT_SIMDIR,
	OPT_PATCHES,
	OPT_SEEDKEY,
	OPT_SKIPINIT,
	OPT_INITIMG,
	OPT_MESHIMG
};

static const struct option gen_longopts[] = {
	{ "reference-values",		required_argument, NULL, OPT_REFVALS },
	{ "sim-dir",			required_argument, NULL, OPT_SIMDIR },
	{ "reference-value-patches",	required_argument, NULL, OPT_PATCHES },
	{ "manifest",			required_argument, NULL, 'm' },
	{ "add-workload-owner-key",	required_argument, NULL, 'w' },
	{ "add-seedshare-owner-key",	required_argument, NULL, OPT_SEEDKEY },
	{ "disable-updates",		no_argument,	   NULL, 'd' },
	{ "skip-initializer",		no_argument,	   NULL, OPT_SKIPINIT },
	{ "initializer-image",		required_argument, NULL, OPT_INITIMG },
	{ "mesh-image",			required_argument, NULL, OPT_MESHIMG },
	{ "output",			required_argument, NULL, 'o' },
	{ "help",			no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int
cmd_generate(int argc, char **argv)
{
	struct gen_opts		 o;
	struct gen_ctx		 c;
	struct classify		 cl;
	struct gen_key_plan	 kp;
	char			*mnf = NULL, err[512];
	size_t			 mnflen, i;
	int			 ch, rc = 1;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	memset(&cl, 0, sizeof(cl));
	memset(&kp, 0, sizeof(kp));
	o.manifest_path = "manifest.json";
	o.initializer_image = "ghcr.io/contrast-c/initializer:" PACKAGE_VERSION;
	o.mesh_image = "ghcr.io/contrast-c/mesh:" PACKAGE_VERSION;
	o.sim_dir = getenv("CONTRAST_SIM_DIR");
	if (o.sim_dir == NULL || *o.sim_dir == '\0')
		o.sim_dir = "sim";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "m:w:do:h", gen_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_REFVALS:
			if ((o.platform = gen_platform_parse(optarg)) ==
			    GEN_PLATFORM_NONE) {
				log_warnx("generate: unknown platform '%s' "
				    "(metal-qemu-snp, metal-qemu-tdx, "
				    "sim-snp)", optarg);
				return 1;
			}
			break;
		case OPT_SIMDIR:
			o.sim_dir = optarg;
			break;
		case OPT_PATCHES:
			if (add_list(&o.patches, &o.npatches, optarg) == -1)
				goto toomany;
			break;
		case 'm':
			o.manifest_path = optarg;
			break;
		case 'w':
			if (add_list(&o.owner_keys, &o.nowner_keys, optarg) ==
			    -1)
				goto toomany;
			break;
		case OPT_SEEDKEY:
			if (add_list(&o.seed_keys, &o.nseed_keys, optarg) == -1)
				goto toomany;
			break;
		case 'd':
			o.disable_updates = 1;
			break;
		case OPT_SKIPINIT:
			o.skip_initializer = 1;
			break;
		case OPT_INITIMG:
			o.initializer_image = optarg;
			break;
		case OPT_MESHIMG:
			o.mesh_image = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		goto out;
	}
	c.o = &o;
	if (gen_inputs_read(&c, argv + optind, argc - optind) == -1)
		goto fail;

	/* Phase A: which workloads are ours, which platform, Coordinator. */
	for (i = 0; i < c.ninputs; i++) {
		struct gen_input *in = &c.inputs[i];
		struct yamledit_stream *s;
		size_t line;
		char perr[YAMLEDIT_ERR_LEN];

		if (yamledit_parse(in->text, in->len, &s, &line, perr,
		    sizeof(perr)) == -1) {
			const char *msg = strchr(perr, ':');
			gen_error(&c, in, line, "%s", msg ? msg + 2 : perr);
			goto fail;
		}
		in->st = s;
		if (gen_walk(&c, in, s, classify_cb, &cl) == -1)
			goto fail;
	}
	if (o.platform == GEN_PLATFORM_NONE) {
		if (cl.bare || cl.mixed || cl.explicit_p == GEN_PLATFORM_NONE) {
			gen_error(&c, NULL, 0, "--reference-values is required "
			    "(metal-qemu-snp, metal-qemu-tdx, sim-snp)");
			goto fail;
		}
		o.platform = cl.explicit_p;
	}
	c.platform_name = gen_platform_name(o.platform);
	if (!c.have_coordinator) {
		gen_error(&c, NULL, 0, "No Coordinator resource found, did you "
		    "forget to add it to your resources?");
		goto fail;
	}
	if (gen_platform_refvals(o.platform, o.sim_dir, &c.refvals, err,
	    sizeof(err)) == -1 || gen_handler_name(o.platform, c.refvals,
	    c.handler, sizeof(c.handler), err, sizeof(err)) == -1) {
		gen_error(&c, NULL, 0, "%s", err);
		goto fail;
	}

	/* Phase B: rewrite every input in memory. */
	for (i = 0; i < c.ninputs; i++)
		if (process_input(&c, &c.inputs[i]) == -1)
			goto fail;

	/* Phase C: the manifest (and keys to create). */
	if (gen_manifest_build(&c, &mnf, &mnflen, &kp) == -1)
		goto fail;

	/* Phase D: commit. */
	if (commit(&c, &kp, mnf, mnflen) == -1)
		goto fail;
	log_info("generate: %zu workloads, runtime class %s, manifest %s",
	    c.nwl, c.handler, o.manifest_path);
	rc = 0;
	goto out;
 toomany:
	log_warnx("generate: too many values for one option");
	goto out;
 fail:
	log_warnx("generate: %s", c.err);
 out:
	free(mnf);
	gen_key_plan_free(&kp);
	ctx_free(&c);
	free(o.patches);
	free(o.owner_keys);
	free(o.seed_keys);
	return rc;
}
