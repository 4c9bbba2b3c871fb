/*
 * libFuzzer harness for the YAML document model and editor: parse, convert
 * every document to JSON, make one edit of each kind at a node chosen by
 * the input, apply, and re-parse the result; also the stored-gzip reader.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gzip.h"
#include "yamledit.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXNODES	64

static void
collect(const struct yamledit_node *n, const struct yamledit_node **v,
    size_t *nv)
{
	size_t	 i;

	if (n == NULL || *nv >= MAXNODES)
		return;
	v[(*nv)++] = n;
	for (i = 0; i < n->nkids; i++)
		collect(n->kids[i], v, nv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yamledit_stream	*s, *s2;
	struct yamledit_edits	 ed;
	const struct yamledit_node *nodes[MAXNODES];
	size_t			 nn = 0, i, line, outlen, pick;
	char			*text, *out, err[256];
	uint8_t			*gz;
	json_t			*j, *v;

	if (gzip_stored_decode(data, size, 1 << 20, &gz, &outlen, err,
	    sizeof(err)) == 0)
		free(gz);
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (yamledit_parse(text, size, &s, &line, err, sizeof(err)) == -1) {
		free(text);
		return 0;
	}
	for (i = 0; i < s->ndocs; i++) {
		j = yamledit_to_json(s->docs[i].root, err, sizeof(err));
		json_decref(j);
		collect(s->docs[i].root, nodes, &nn);
	}
	v = json_pack("{s:s, s:[i, s], s:{}}", "name", "contrast-secrets",
	    "l", 1, "true", "e");
	pick = size;
	for (i = 0; i < nn && v != NULL; i++) {
		const struct yamledit_node *n = nodes[(pick + i) % nn];

		yamledit_edits_init(&ed);
		switch ((pick + i) % 4) {
		case 0:
			if (n->type == YAMLEDIT_MAPPING)
				yamledit_map_append(&ed, s, n, "k", v, err,
				    sizeof(err));
			break;
		case 1:
			if (n->type == YAMLEDIT_MAPPING)
				yamledit_map_prepend(&ed, s, n, "k", v, err,
				    sizeof(err));
			break;
		case 2:
			if (n->type == YAMLEDIT_SEQUENCE)
				yamledit_seq_insert(&ed, s, n, (pick >> 2) %
				    (n->nkids + 1), v, err, sizeof(err));
			break;
		default:
			if (n->parent != NULL)
				yamledit_set(&ed, s, n, v, err, sizeof(err));
			break;
		}
		if (yamledit_apply(text, size, &ed, &out, &outlen, err,
		    sizeof(err)) == 0) {
			if (yamledit_parse(out, outlen, &s2, &line, err,
			    sizeof(err)) == 0)
				yamledit_free(s2);
			free(out);
		}
		yamledit_edits_free(&ed);
		if (i >= 3)
			break;
	}
	json_decref(v);
	yamledit_free(s);
	free(text);
	return 0;
}
