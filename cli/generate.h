/*
 * `contrast generate': internals shared by its files.
 *
 *   generate_input.c     read files, directories and stdin; walk the
 *                        resources (multi-document, kind: List)
 *   generate_inject.c    runtime class, initializer, service mesh, volumes
 *   generate_policy.c    the Rego policy, initdata TOML, its annotation
 *   generate_manifest.c  platforms, runtime handler names, manifest.json
 *   cmd_generate.c       options, the phases, the all-or-nothing commit
 */
#ifndef CLI_GENERATE_H
#define CLI_GENERATE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "yamledit.h"

#define GEN_ERR_LEN		1024
#define GEN_INPUT_MAX		(64 * 1024 * 1024)	/* one input file */
#define GEN_ANNOTATIONS_MAX	(256 * 1024)	/* Kubernetes' total limit */
#define GEN_NAME_MAX		254

#define GEN_ANN_PREFIX		"contrast.edgeless.systems/"
#define GEN_ANN_INITDATA	"io.katacontainers.config.hypervisor.cc_init_data"
#define GEN_INITIALIZER_NAME	"contrast-initializer"
#define GEN_MESH_NAME		"contrast-service-mesh"
#define GEN_SECRETS_VOLUME	"contrast-secrets"
#define GEN_SECRETS_PATH	"/contrast"

enum gen_platform {
	GEN_PLATFORM_NONE = 0,
	GEN_PLATFORM_METAL_QEMU_SNP,
	GEN_PLATFORM_METAL_QEMU_TDX,
	GEN_PLATFORM_SIM_SNP
};

struct gen_opts {
	const char		*manifest_path;
	enum gen_platform	 platform;
	const char		*sim_dir;
	const char		**patches;
	size_t			 npatches;
	const char		**owner_keys;
	size_t			 nowner_keys;
	const char		**seed_keys;
	size_t			 nseed_keys;
	int			 disable_updates;
	int			 skip_initializer;
	const char		*output;
	const char		*initializer_image;
	const char		*mesh_image;
};

struct gen_input {
	char			*path;	/* as given; "<stdin>" for stdin */
	int			 is_stdin;
	int			 is_json;
	char			*text;	/* original bytes, NUL-terminated */
	size_t			 len;
	char			*out;	/* final bytes (== text if untouched) */
	size_t			 outlen;
	int			 changed;
	struct yamledit_stream	*st;	/* parse of text (phase A) */
};

/* One resource (a document root, or an item of a kind: List). */
struct gen_resource {
	struct gen_input		*in;
	const struct yamledit_node	*obj;
	const char			*kind;
	const char			*api_version;
	const char			*name;
	const char			*ns;		/* NULL: default */
	size_t				 line;		/* 1-based */
	/* Pod-owning kinds only: */
	const struct yamledit_node	*tmpl;		/* has metadata+spec */
	const struct yamledit_node	*podspec;
};

/* A confidential workload, as it goes into the manifest. */
struct gen_workload {
	char			*file;
	size_t			 line;
	char			*name;
	char			*secret_id;
	int			 coordinator;
	uint8_t			 hash[32];
	char			 hash_hex[65];
};

struct gen_ctx {
	const struct gen_opts	*o;
	struct gen_input	*inputs;
	size_t			 ninputs;
	struct gen_workload	*wl;
	size_t			 nwl;
	const char		*platform_name;	/* "metal-qemu-snp" ... */
	json_t			*refvals;	/* the platform's ReferenceValues */
	char			 handler[128];	/* versioned runtime class */
	char			 coord_ns[GEN_NAME_MAX];
	int			 have_coordinator;
	size_t			 nwarnings;
	char			 err[GEN_ERR_LEN];
};

/* Errors and warnings name file and line: "web.yml:12: ...". */
int	 gen_error(struct gen_ctx *, const struct gen_input *, size_t,
	    const char *, ...) __attribute__((__format__ (printf, 4, 5)));
void	 gen_warn(struct gen_ctx *, const struct gen_input *, size_t,
	    const char *, ...) __attribute__((__format__ (printf, 4, 5)));

/* generate_input.c */
int	 gen_inputs_read(struct gen_ctx *, char **, int);
void	 gen_inputs_free(struct gen_ctx *);
typedef int (*gen_resource_fn)(struct gen_ctx *, struct gen_resource *,
	    const struct yamledit_stream *, void *);
int	 gen_walk(struct gen_ctx *, struct gen_input *,
	    const struct yamledit_stream *, gen_resource_fn, void *);
/* Mapping lookup by dotted path ("spec.template.spec"). */
const struct yamledit_node *
	 gen_path(const struct yamledit_node *, const char *);
/* The pod template's annotation value, or NULL. */
const char *
	 gen_annotation(const struct gen_resource *, const char *);
/* 1 if the workload's runtime class asks for a confidential pod. */
int	 gen_is_confidential(const struct gen_resource *);
int	 gen_is_coordinator(const struct gen_resource *);

/* generate_manifest.c */
/* Keys to create at commit time (none exist yet). */
struct gen_key_plan {
	char			*paths[2];
	EVP_PKEY		*keys[2];
	size_t			 n;
};
void	 gen_key_plan_free(struct gen_key_plan *);

enum gen_platform
	 gen_platform_parse(const char *);
const char *
	 gen_platform_name(enum gen_platform);
int	 gen_platform_refvals(enum gen_platform, const char *, json_t **,
	    char *, size_t);
int	 gen_handler_name(enum gen_platform, const json_t *, char *, size_t,
	    char *, size_t);
/* Classify a runtimeClassName: 1 ours (platform in *pp, may be NONE for
 * plain contrast-cc), 0 not ours, -1 malformed contrast-cc-* name. */
int	 gen_runtime_class(const char *, enum gen_platform *);
int	 gen_manifest_build(struct gen_ctx *, char **, size_t *,
	    struct gen_key_plan *);

/* generate_inject.c */
int	 gen_inject(struct gen_ctx *, struct gen_resource *,
	    const struct yamledit_stream *, struct yamledit_edits *);
int	 gen_mesh_validate(struct gen_ctx *, const struct gen_resource *);

/* generate_policy.c */
int	 gen_policy(struct gen_ctx *, struct gen_resource *,
	    const struct yamledit_stream *, struct yamledit_edits *,
	    struct gen_workload *);
/* The initdata TOML for a pod spec (exposed for tests). */
int	 gen_initdata(const json_t *, const char *, char **, size_t *, char *,
	    size_t);

#endif
