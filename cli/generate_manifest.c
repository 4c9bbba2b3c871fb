/*
 * generate: platforms, versioned runtime handler names, manifest.json.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "generate.h"
#include "log.h"
#include "manifest.h"
#include "pki.h"
#include "util.h"

#define GEN_REFVALS_MAX		(1024 * 1024)
#define GEN_PATCH_MAX		(1024 * 1024)
#define GEN_KEY_MAX		(64 * 1024)

static const struct {
	enum gen_platform	 p;
	const char		*name;	/* --reference-values and handlers */
	const char		*marker; /* ReferenceValues Platform field */
} gen_platforms[] = {
	{ GEN_PLATFORM_METAL_QEMU_SNP, "metal-qemu-snp", "Metal-QEMU-SNP" },
	{ GEN_PLATFORM_METAL_QEMU_TDX, "metal-qemu-tdx", "Metal-QEMU-TDX" },
	{ GEN_PLATFORM_SIM_SNP, "sim-snp", "Sim-SNP" },
};
#define NPLATFORMS (sizeof(gen_platforms) / sizeof(gen_platforms[0]))

enum gen_platform
gen_platform_parse(const char *s)
{
	size_t	 i;

	for (i = 0; i < NPLATFORMS; i++)
		if (strcasecmp(s, gen_platforms[i].name) == 0)
			return gen_platforms[i].p;
	return GEN_PLATFORM_NONE;
}

const char *
gen_platform_name(enum gen_platform p)
{
	size_t	 i;

	for (i = 0; i < NPLATFORMS; i++)
		if (gen_platforms[i].p == p)
			return gen_platforms[i].name;
	return "none";
}

/*
 * "contrast-cc" and the legacy "kata-cc-isolation" (platform from
 * --reference-values), "contrast-cc-<platform>" and
 * "contrast-cc-<platform>-<8 hex>" (any version: re-mapped to ours).
 */
int
gen_runtime_class(const char *rc, enum gen_platform *pp)
{
	const char	*rest;
	size_t		 i, n, k;

	*pp = GEN_PLATFORM_NONE;
	if (strcmp(rc, "contrast-cc") == 0 ||
	    strcmp(rc, "kata-cc-isolation") == 0)
		return 1;
	if (strncmp(rc, "contrast-cc-", 12) != 0)
		return 0;
	rest = rc + 12;
	for (i = 0; i < NPLATFORMS; i++) {
		n = strlen(gen_platforms[i].name);
		if (strncmp(rest, gen_platforms[i].name, n) != 0)
			continue;
		if (rest[n] == '\0') {
			*pp = gen_platforms[i].p;
			return 1;
		}
		if (rest[n] != '-' || strlen(rest + n + 1) != 8)
			continue;
		for (k = 0; k < 8; k++)
			if (strchr("0123456789abcdef", rest[n + 1 + k]) ==
			    NULL || rest[n + 1 + k] == '\0')
				break;
		if (k == 8) {
			*pp = gen_platforms[i].p;
			return 1;
		}
	}
	return -1;
}

static json_t *
snp_placeholder(const char *product)
{
	/*
	 * We ship no measured values for real hardware: the measurement and
	 * minimum TCB stay null ("expected missing") until the user fills
	 * them in or patches them with --reference-value-patches.  The
	 * guest policy and platform info are the static values every
	 * Contrast guest has.
	 */
	return json_pack("{s:s, s:s, s:n, s:{s:n, s:n, s:n, s:n}, "
	    "s:{s:i, s:i, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}, "
	    "s:{s:b, s:b, s:b, s:b, s:b, s:b, s:b}}",
	    "Platform", "Metal-QEMU-SNP",
	    "ProductName", product,
	    "TrustedMeasurement",
	    "MinimumTCB", "BootloaderVersion", "TEEVersion", "SNPVersion",
	    "MicrocodeVersion",
	    "GuestPolicy", "ABIMinor", 0, "ABIMajor", 0, "SMT", 1,
	    "MigrateMA", 0, "Debug", 0, "SingleSocket", 0, "CXLAllowed", 0,
	    "MemAES256XTS", 0, "RAPLDis", 0, "CipherTextHidingDRAM", 0,
	    "PageSwapDisable", 0,
	    "PlatformInfo", "SMTEnabled", 1, "TSMEEnabled", 0,
	    "ECCEnabled", 0, "RAPLDisabled", 0,
	    "CiphertextHidingDRAMEnabled", 0, "AliasCheckComplete", 0,
	    "TIOEnabled", 0);
}

int
gen_platform_refvals(enum gen_platform p, const char *sim_dir, json_t **out,
    char *err, size_t errlen)
{
	struct manifest_errors	 me;
	struct refvals		 rv;
	json_error_t		 je;
	json_t			*j, *snp, *e;
	uint8_t			*buf;
	size_t			 len, i;
	char			 path[4096], ferr[256];

	*out = NULL;
	switch (p) {
	case GEN_PLATFORM_METAL_QEMU_SNP:
		*out = json_pack("{s:[o,o]}", "snp", snp_placeholder("Milan"),
		    snp_placeholder("Genoa"));
		break;
	case GEN_PLATFORM_METAL_QEMU_TDX:
		*out = json_pack("{s:[{s:s, s:i, s:n, s:n, s:n, s:n}]}", "tdx",
		    "Platform", "Metal-QEMU-TDX",
		    "MinTCBEvaluationDataNumber", 0, "MrTd", "MrSeam",
		    "Rtmrs", "Xfam");
		break;
	case GEN_PLATFORM_SIM_SNP:
		if (snprintf(path, sizeof(path), "%s/reference-values.json",
		    sim_dir) >= (int)sizeof(path)) {
			snprintf(err, errlen, "%s: path too long", sim_dir);
			return -1;
		}
		if (file_read(path, GEN_REFVALS_MAX, &buf, &len, ferr,
		    sizeof(ferr)) == -1) {
			snprintf(err, errlen, "%s (run 'contrast sim init' "
			    "first?)", ferr);
			return -1;
		}
		j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES,
		    &je);
		if (j == NULL) {
			snprintf(err, errlen, "%s:%d: %s", path, je.line,
			    je.text);
			free(buf);
			return -1;
		}
		manifest_errors_init(&me);
		memset(&rv, 0, sizeof(rv));
		if (manifest_parse_refvals(buf, len, &rv, &me) == -1) {
			char msg[512];
			manifest_errors_format(&me, msg, sizeof(msg));
			snprintf(err, errlen, "%s: %s", path, msg);
			free(buf);
			json_decref(j);
			return -1;
		}
		refvals_free(&rv);
		free(buf);
		/* Only simulated entries: never let a sim dir smuggle in
		 * values for real hardware. */
		snp = json_object_get(j, "snp");
		if (json_object_size(j) != 1 || !json_is_array(snp) ||
		    json_array_size(snp) == 0) {
			snprintf(err, errlen, "%s: expected only \"snp\" "
			    "entries", path);
			json_decref(j);
			return -1;
		}
		json_array_foreach(snp, i, e) {
			const char *pl = json_string_value(
			    json_object_get(e, "Platform"));
			if (pl == NULL || strcasecmp(pl, "Sim-SNP") != 0) {
				snprintf(err, errlen, "%s: snp[%zu]: Platform "
				    "is not Sim-SNP", path, i);
				json_decref(j);
				return -1;
			}
		}
		*out = j;
		break;
	default:
		snprintf(err, errlen, "unknown platform");
		return -1;
	}
	if (*out == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * The versioned handler: contrast-cc-<platform>-<8 hex>, the hex being the
 * first 4 bytes of SHA-256("contrast-runtime-handler" NUL version NUL
 * platform NUL reference values as manifest.json writes them).  A new
 * release or new platform values (a new sim image) give a new name, so
 * pods never land on a runtime whose measurements the manifest does not
 * describe.
 */
int
gen_handler_name(enum gen_platform p, const json_t *refvals, char *out,
    size_t outlen, char *err, size_t errlen)
{
	static const char	 label[] = "contrast-runtime-handler";
	const char		*name = gen_platform_name(p);
	EVP_MD_CTX		*md;
	uint8_t			 h[32];
	char			*txt = NULL, hex[9];
	size_t			 txtlen;
	int			 ok;

	if (manifest_write(refvals, &txt, &txtlen, err, errlen) == -1)
		return -1;
	if ((md = EVP_MD_CTX_new()) == NULL) {
		free(txt);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(md, label, sizeof(label)) &&
	    EVP_DigestUpdate(md, PACKAGE_VERSION, sizeof(PACKAGE_VERSION)) &&
	    EVP_DigestUpdate(md, name, strlen(name) + 1) &&
	    EVP_DigestUpdate(md, txt, txtlen) &&
	    EVP_DigestFinal_ex(md, h, NULL);
	EVP_MD_CTX_free(md);
	free(txt);
	if (!ok) {
		snprintf(err, errlen, "SHA-256 failed");
		return -1;
	}
	hex_encode(h, 4, hex);
	if (snprintf(out, outlen, "contrast-cc-%s-%s", name, hex) >=
	    (int)outlen) {
		snprintf(err, errlen, "handler name too long");
		return -1;
	}
	return 0;
}

void
gen_key_plan_free(struct gen_key_plan *kp)
{
	size_t	 i;

	for (i = 0; i < kp->n; i++) {
		free(kp->paths[i]);
		EVP_PKEY_free(kp->keys[i]);
	}
	memset(kp, 0, sizeof(*kp));
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append hex to a sorted, duplicate-free string array (as JSON). */
static int
add_hex(json_t *arr, const uint8_t *der, size_t len)
{
	char	*hex;
	size_t	 i;
	json_t	*v;
	int	 rc;

	if ((hex = malloc(2 * len + 1)) == NULL)
		return -1;
	hex_encode(der, len, hex);
	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), hex) == 0) {
			free(hex);
			return 0;
		}
	rc = json_array_append_new(arr, json_string(hex));
	free(hex);
	return rc;
}

static int
sort_hex(json_t *arr)
{
	const char	**s;
	size_t		  i, n = json_array_size(arr);
	json_t		 *sorted;

	if (n < 2)
		return 0;
	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		s[i] = json_string_value(json_array_get(arr, i));
	qsort(s, n, sizeof(*s), str_cmp);
	if ((sorted = json_array()) == NULL) {
		free(s);
		return -1;
	}
	for (i = 0; i < n; i++)
		json_array_append_new(sorted, json_string(s[i]));
	free(s);
	json_array_clear(arr);
	json_array_extend(arr, sorted);
	json_decref(sorted);
	return 0;
}

/* A workload owner key file: a P-384 private key, or its PUBLIC KEY. */
static EVP_PKEY *
owner_key_read(const char *path, char *err, size_t errlen)
{
	EVP_PKEY	*k;
	BIO		*bio;
	uint8_t		*buf;
	size_t		 len;
	char		 e1[PKI_ERR_LEN];

	if ((k = pki_key_read(path, e1, sizeof(e1))) != NULL)
		return k;
	if (file_read(path, GEN_KEY_MAX, &buf, &len, err, errlen) == -1)
		return NULL;
	/* The file may hold a private key we could not read: zero it. */
	if (strstr((char *)buf, "-----BEGIN PUBLIC KEY-----") == NULL) {
		snprintf(err, errlen, "%s", e1);
		freezero_buf(buf, len);
		return NULL;
	}
	if ((bio = BIO_new_mem_buf(buf, (int)len)) != NULL) {
		k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	freezero_buf(buf, len);
	if (k == NULL)
		snprintf(err, errlen, "%s: not a PEM public key", path);
	return k;
}

static int
owner_keys(struct gen_ctx *c, json_t *arr, struct gen_key_plan *kp)
{
	const struct gen_opts	*o = c->o;
	static const char	*def[] = { "workload-owner.pem" };
	const char		**paths = o->owner_keys;
	size_t			 n = o->nowner_keys, i, len;
	EVP_PKEY		*k;
	uint8_t			*der;
	char			 err[PKI_ERR_LEN];

	if (n == 0) {
		paths = def;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		if (o->nowner_keys == 0 && access(paths[i], F_OK) == -1 &&
		    errno == ENOENT) {
			if ((k = pki_p384_generate(err, sizeof(err))) == NULL)
				return gen_error(c, NULL, 0, "%s", err);
			kp->paths[kp->n] = strdup(paths[i]);
			kp->keys[kp->n++] = k;
			if (kp->paths[kp->n - 1] == NULL)
				return gen_error(c, NULL, 0, "out of memory");
		} else if ((k = owner_key_read(paths[i], err, sizeof(err))) ==
		    NULL)
			return gen_error(c, NULL, 0, "workload owner key: %s",
			    err);
		else if (!pki_is_p384(k)) {
			EVP_PKEY_free(k);
			return gen_error(c, NULL, 0, "%s: workload owner key "
			    "is not an EC P-384 key", paths[i]);
		} else {
			/* Owned by the plan only when generated. */
			if (pki_spki_der(k, &der, &len, err, sizeof(err)) ==
			    -1) {
				EVP_PKEY_free(k);
				return gen_error(c, NULL, 0, "%s: %s",
				    paths[i], err);
			}
			EVP_PKEY_free(k);
			if (add_hex(arr, der, len) == -1) {
				free(der);
				return gen_error(c, NULL, 0, "out of memory");
			}
			free(der);
			continue;
		}
		if (pki_spki_der(k, &der, &len, err, sizeof(err)) == -1)
			return gen_error(c, NULL, 0, "%s: %s", paths[i], err);
		if (add_hex(arr, der, len) == -1) {
			free(der);
			return gen_error(c, NULL, 0, "out of memory");
		}
		free(der);
	}
	return 0;
}

static int
seedshare_keys(struct gen_ctx *c, json_t *arr, struct gen_key_plan *kp)
{
	const struct gen_opts	*o = c->o;
	static const char	*def[] = { "seedshare-owner.pem" };
	const char		**paths = o->seed_keys;
	size_t			 n = o->nseed_keys, i, len, plen;
	EVP_PKEY		*k;
	uint8_t			*der, *buf;
	char			 err[PKI_ERR_LEN];

	if (n == 0) {
		paths = def;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		if (o->nseed_keys == 0 && access(paths[i], F_OK) == -1 &&
		    errno == ENOENT) {
			k = pki_rsa_generate(PKI_RSA_SEEDSHARE_BITS, err,
			    sizeof(err));
			if (k == NULL)
				return gen_error(c, NULL, 0, "%s", err);
			kp->paths[kp->n] = strdup(paths[i]);
			kp->keys[kp->n++] = k;
			if (kp->paths[kp->n - 1] == NULL)
				return gen_error(c, NULL, 0, "out of memory");
			if (pki_rsa_pkcs1_pub_der(k, &der, &len, err,
			    sizeof(err)) == -1)
				return gen_error(c, NULL, 0, "%s", err);
		} else {
			if (file_read(paths[i], GEN_KEY_MAX, &buf, &plen, err,
			    sizeof(err)) == -1)
				return gen_error(c, NULL, 0, "seedshare owner "
				    "key: %s", err);
			if (pki_seedshare_pub_der_from_pem(buf, plen, &der,
			    &len, err, sizeof(err)) == -1) {
				freezero_buf(buf, plen);
				return gen_error(c, NULL, 0, "%s: %s",
				    paths[i], err);
			}
			freezero_buf(buf, plen);
		}
		if (add_hex(arr, der, len) == -1) {
			free(der);
			return gen_error(c, NULL, 0, "out of memory");
		}
		free(der);
	}
	return 0;
}

static int
apply_patches(struct gen_ctx *c, json_t *doc)
{
	json_error_t	 je;
	json_t		*p;
	uint8_t		*buf;
	size_t		 len, i;
	char		 err[512];

	for (i = 0; i < c->o->npatches; i++) {
		const char *path = c->o->patches[i];
		if (file_read(path, GEN_PATCH_MAX, &buf, &len, err,
		    sizeof(err)) == -1)
			return gen_error(c, NULL, 0, "%s", err);
		p = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES,
		    &je);
		free(buf);
		if (p == NULL)
			return gen_error(c, NULL, 0, "%s:%d: %s", path,
			    je.line, je.text);
		if (manifest_apply_refval_patches(doc, p, err, sizeof(err)) ==
		    -1) {
			json_decref(p);
			return gen_error(c, NULL, 0, "%s: %s", path, err);
		}
		json_decref(p);
	}
	return 0;
}

/* Keys already in an existing manifest.json stay (upstream appends). */
static int
existing_keys(struct gen_ctx *c, json_t *owners, json_t *seeds)
{
	struct manifest		*m = NULL;
	struct manifest_errors	 me;
	uint8_t			*buf;
	size_t			 len, i;
	char			 err[512];

	if (access(c->o->manifest_path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if (file_read(c->o->manifest_path, MANIFEST_MAX_SIZE, &buf, &len,
	    err, sizeof(err)) == -1)
		return gen_error(c, NULL, 0, "%s", err);
	manifest_errors_init(&me);
	if (manifest_parse(buf, len, &m, &me) == -1) {
		manifest_errors_format(&me, err, sizeof(err));
		free(buf);
		return gen_error(c, NULL, 0, "%s: %s (remove it to start "
		    "over)", c->o->manifest_path, err);
	}
	free(buf);
	if (!c->o->disable_updates)
		for (i = 0; i < m->n_owner_pubkeys; i++)
			if (add_hex(owners, m->owner_pubkeys[i].data,
			    m->owner_pubkeys[i].len) == -1)
				goto oom;
	for (i = 0; i < m->n_seedshare_keys; i++)
		if (add_hex(seeds, m->seedshare_keys[i].data,
		    m->seedshare_keys[i].len) == -1)
			goto oom;
	manifest_free(m);
	return 0;
 oom:
	manifest_free(m);
	return gen_error(c, NULL, 0, "out of memory");
}

static int
policies(struct gen_ctx *c, json_t *pol)
{
	size_t	 i;
	json_t	*e, *old;

	for (i = 0; i < c->nwl; i++) {
		struct gen_workload *w = &c->wl[i];
		if ((old = json_object_get(pol, w->hash_hex)) != NULL) {
			/* Same policy, same identity: first one wins. */
			gen_warn(c, NULL, 0, "%s:%zu: %s has the same policy "
			    "as an earlier workload; it shares that entry "
			    "(SANs %s, workload secret)", w->file, w->line,
			    w->name, json_string_value(json_array_get(
			    json_object_get(old, "SANs"), 0)));
			continue;
		}
		e = json_pack("{s:[s,s], s:s}", "SANs", w->name, "*",
		    "WorkloadSecretID", w->secret_id);
		if (e == NULL)
			return gen_error(c, NULL, 0, "out of memory");
		if (w->coordinator)
			json_object_set_new(e, "Role", json_string(
			    "coordinator"));
		if (json_object_set_new(pol, w->hash_hex, e) == -1)
			return gen_error(c, NULL, 0, "out of memory");
	}
	return 0;
}

int
gen_manifest_build(struct gen_ctx *c, char **out, size_t *outlen,
    struct gen_key_plan *kp)
{
	struct manifest		*m = NULL;
	struct manifest_errors	 me;
	json_t			*doc, *pol, *owners, *seeds;
	char			 err[4096];
	size_t			 i;
	int			 rc = -1;

	*out = NULL;
	doc = json_object();
	pol = json_object();
	owners = json_array();
	seeds = json_array();
	if (doc == NULL || pol == NULL || owners == NULL || seeds == NULL) {
		gen_error(c, NULL, 0, "out of memory");
		goto done;
	}
	if (c->o->disable_updates && c->o->nowner_keys > 0) {
		gen_error(c, NULL, 0, "--disable-updates and "
		    "--add-workload-owner-key are mutually exclusive");
		goto done;
	}
	if (policies(c, pol) == -1 || existing_keys(c, owners, seeds) == -1)
		goto done;
	if (!c->o->disable_updates && owner_keys(c, owners, kp) == -1)
		goto done;
	if (seedshare_keys(c, seeds, kp) == -1 || sort_hex(owners) == -1 ||
	    sort_hex(seeds) == -1)
		goto done;
	json_object_set(doc, "Policies", pol);
	json_object_set_new(doc, "ReferenceValues", json_deep_copy(c->refvals));
	json_object_set(doc, "WorkloadOwnerPubKeys", owners);
	json_object_set(doc, "SeedshareOwnerPubKeys", seeds);
	if (apply_patches(c, doc) == -1)
		goto done;
	if (manifest_write(doc, out, outlen, err, sizeof(err)) == -1) {
		gen_error(c, NULL, 0, "manifest: %s", err);
		goto done;
	}
	/* Check what we wrote with the parser everybody else uses. */
	manifest_errors_init(&me);
	if (manifest_parse((uint8_t *)*out, *outlen, &m, &me) == -1 ||
	    (manifest_errors_init(&me), manifest_validate(m, &me)) == -1) {
		manifest_errors_format(&me, err, sizeof(err));
		if (m == NULL || !manifest_errors_only_missing(&me)) {
			gen_error(c, NULL, 0, "the generated manifest is not "
			    "valid:\n%s", err);
			goto done;
		}
		gen_warn(c, NULL, 0, "%s: please fill in the reference values "
		    "(contrast ships no measured values for %s; use "
		    "--reference-value-patches or edit the file):",
		    c->o->manifest_path, c->platform_name);
		for (i = 0; i < me.n; i++)
			log_warnx("  %s: %s", me.e[i].path, me.e[i].msg);
	}
	rc = 0;
 done:
	manifest_free(m);
	if (rc == -1) {
		free(*out);
		*out = NULL;
	}
	json_decref(doc);
	json_decref(pol);
	json_decref(owners);
	json_decref(seeds);
	return rc;
}
