/*
 * libFuzzer harness for JSON Patch: the input is a JSON array
 * [document, patch, pointer]; apply the patch (which must leave the
 * document untouched on failure), resolve the pointer, and apply the
 * patch as reference-value patch sets.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "jsonpatch.h"
#include "manifest.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t	*in, *doc, *orig, *patch, *ptr;
	char	 err[256];
	int	 rc;

	if (size > 65536)
		return 0;
	in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    NULL);
	if (!json_is_array(in) || json_array_size(in) < 2) {
		json_decref(in);
		return 0;
	}
	doc = json_deep_copy(json_array_get(in, 0));
	orig = json_deep_copy(doc);
	patch = json_array_get(in, 1);
	rc = jsonpatch_apply(&doc, patch, err, sizeof(err));
	if (rc != JSONPATCH_OK && !json_equal(doc, orig))
		abort();	/* failed patches must not change anything */
	if (!jsonpatch_equal(orig, orig))
		abort();
	ptr = json_array_get(in, 2);
	if (json_is_string(ptr))
		(void)jsonpointer_get(doc, json_string_value(ptr), err,
		    sizeof(err));
	json_decref(doc);
	doc = json_deep_copy(orig);
	if (json_is_object(doc) &&
	    manifest_apply_refval_patches(doc, patch, err, sizeof(err)) == -1 &&
	    !json_equal(doc, orig))
		abort();
	json_decref(doc);
	json_decref(orig);
	json_decref(in);
	return 0;
}
