/*
 * yamlcheck: a test helper that reads YAML with the project's parser and
 * prints facts the generate tests compare.
 *
 *   yamlcheck docs FILE       one line per document: index, SHA-256 of
 *                             its exact bytes, "conf" if it holds a
 *                             runtimeClassName generate acts on, else
 *                             "plain"
 *   yamlcheck workloads FILE  one line per pod-owning resource:
 *     kind name rc=<runtimeClassName|-> init=<init container names,|->
 *     mounts=<containers without the /contrast mount, or ok>
 *     vol=<contrast-secrets volume medium|-> initdata=<annotation|->
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util.h"
#include "yamledit.h"

static const struct {
	const char	*kind;
	const char	*path[4];
} kinds[] = {
	{ "Pod", { NULL } },
	{ "Deployment", { "spec", "template", NULL } },
	{ "StatefulSet", { "spec", "template", NULL } },
	{ "DaemonSet", { "spec", "template", NULL } },
	{ "ReplicaSet", { "spec", "template", NULL } },
	{ "ReplicationController", { "spec", "template", NULL } },
	{ "Job", { "spec", "template", NULL } },
	{ "CronJob", { "spec", "jobTemplate", "spec", "template" } },
};

static const struct yamledit_node *
get(const struct yamledit_node *n, const char *a, const char *b)
{
	n = yamledit_map_get(n, a);
	return b != NULL ? yamledit_map_get(n, b) : n;
}

static void
workload(const struct yamledit_node *obj)
{
	const struct yamledit_node *t = obj, *spec, *ics, *vols, *v;
	const char	*kind = yamledit_str(yamledit_map_get(obj, "kind"));
	const char	*s;
	size_t		 i, k, j;
	int		 missing = 0;

	if (kind == NULL || obj->type != YAMLEDIT_MAPPING)
		return;
	if (strcmp(kind, "List") == 0) {
		v = yamledit_map_get(obj, "items");
		for (i = 0; i < yamledit_seq_size(v); i++)
			workload(yamledit_seq_item(v, i));
		return;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i].kind) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return;
	for (k = 0; k < 4 && kinds[i].path[k] != NULL; k++)
		t = yamledit_map_get(t, kinds[i].path[k]);
	spec = yamledit_map_get(t, "spec");
	s = yamledit_str(get(obj, "metadata", "name"));
	printf("%s %s", kind, s ? s : "-");
	s = yamledit_str(yamledit_map_get(spec, "runtimeClassName"));
	printf(" rc=%s init=", s ? s : "-");
	ics = yamledit_map_get(spec, "initContainers");
	for (i = 0; i < yamledit_seq_size(ics); i++) {
		s = yamledit_str(yamledit_map_get(yamledit_seq_item(ics, i),
		    "name"));
		printf("%s%s", i ? "," : "", s ? s : "?");
	}
	if (yamledit_seq_size(ics) == 0)
		printf("-");
	printf(" mounts=");
	for (k = 0; k < 2; k++) {
		const struct yamledit_node *cs = yamledit_map_get(spec,
		    k ? "containers" : "initContainers");
		for (i = 0; i < yamledit_seq_size(cs); i++) {
			const struct yamledit_node *c =
			    yamledit_seq_item(cs, i);
			const struct yamledit_node *vm =
			    yamledit_map_get(c, "volumeMounts");
			int found = 0;
			for (j = 0; j < yamledit_seq_size(vm); j++) {
				const char *p = yamledit_str(get(
				    yamledit_seq_item(vm, j), "mountPath",
				    NULL));
				const char *nm = yamledit_str(get(
				    yamledit_seq_item(vm, j), "name", NULL));
				if (p && nm && strcmp(p, "/contrast") == 0 &&
				    strcmp(nm, "contrast-secrets") == 0)
					found = 1;
			}
			if (!found) {
				s = yamledit_str(yamledit_map_get(c, "name"));
				printf("%s%s", missing++ ? "," : "",
				    s ? s : "?");
			}
		}
	}
	if (!missing)
		printf("ok");
	printf(" vol=");
	vols = yamledit_map_get(spec, "volumes");
	s = NULL;
	for (i = 0; i < yamledit_seq_size(vols); i++) {
		v = yamledit_seq_item(vols, i);
		const char *nm = yamledit_str(yamledit_map_get(v, "name"));
		if (nm != NULL && strcmp(nm, "contrast-secrets") == 0) {
			s = yamledit_str(get(v, "emptyDir", "medium"));
			if (s == NULL)
				s = "none";
		}
	}
	printf("%s", s ? s : "-");
	s = yamledit_str(yamledit_map_get(get(t, "metadata", "annotations"),
	    "io.katacontainers.config.hypervisor.cc_init_data"));
	printf(" initdata=%s\n", s ? s : "-");
}

static int
confidential(const struct yamledit_node *n)
{
	const char	*v;
	size_t		 i;

	if (n == NULL)
		return 0;
	if (n->type == YAMLEDIT_MAPPING) {
		for (i = 0; i < yamledit_map_size(n); i++) {
			v = yamledit_str(yamledit_map_key(n, i));
			if (v != NULL && strcmp(v, "runtimeClassName") == 0 &&
			    (v = yamledit_str(yamledit_map_value(n, i))) !=
			    NULL && (strncmp(v, "contrast-cc", 11) == 0 ||
			    strcmp(v, "kata-cc-isolation") == 0))
				return 1;
			if (confidential(yamledit_map_value(n, i)))
				return 1;
		}
	} else if (n->type == YAMLEDIT_SEQUENCE) {
		for (i = 0; i < n->nkids; i++)
			if (confidential(n->kids[i]))
				return 1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct yamledit_stream	*s;
	uint8_t			*buf, h[32];
	size_t			 len, i, line;
	char			 err[256], hex[65];

	if (argc != 3) {
		fprintf(stderr, "usage: yamlcheck docs|workloads FILE\n");
		return 2;
	}
	if (file_read(argv[2], 64 * 1024 * 1024, &buf, &len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "yamlcheck: %s\n", err);
		return 1;
	}
	if (yamledit_parse((char *)buf, len, &s, &line, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "yamlcheck: %s: %s\n", argv[2], err);
		free(buf);
		return 1;
	}
	for (i = 0; i < s->ndocs; i++) {
		if (strcmp(argv[1], "docs") == 0) {
			EVP_Digest(buf + s->docs[i].start, s->docs[i].end -
			    s->docs[i].start, h, NULL, EVP_sha256(), NULL);
			hex_encode(h, sizeof(h), hex);
			printf("%zu %s %s\n", i, hex,
			    confidential(s->docs[i].root) ? "conf" : "plain");
		} else if (s->docs[i].root != NULL)
			workload(s->docs[i].root);
	}
	yamledit_free(s);
	free(buf);
	return 0;
}
