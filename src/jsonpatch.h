/*
 * RFC 6902 JSON Patch and RFC 6901 JSON Pointer over jansson values.
 *
 * A patch is applied atomically: on any failure the document is left as
 * it was.  A failing "test" operation is reported distinctly because
 * reference-value patching treats it as "not meant for this entry".
 */
#ifndef CONTRAST_JSONPATCH_H
#define CONTRAST_JSONPATCH_H

#include <stddef.h>

#include <jansson.h>

#define JSONPATCH_OK		0
#define JSONPATCH_ERROR		(-1)	/* malformed patch or failed op */
#define JSONPATCH_TEST_FAILED	(-2)	/* a "test" op did not match */

#define JSONPATCH_MAX_OPS	4096

/*
 * Apply the patch (a JSON array of operation objects) to *doc.  *doc may
 * be replaced (an op on the root path ""); the old value is released.
 * Returns JSONPATCH_OK, JSONPATCH_TEST_FAILED or JSONPATCH_ERROR, with a
 * message naming the operation index and path in err.
 */
int	 jsonpatch_apply(json_t **, const json_t *, char *, size_t);

/*
 * Resolve an RFC 6901 pointer ("" is the whole document; "~1" is "/",
 * "~0" is "~").  Returns a borrowed reference or NULL, with a reason in
 * err.
 */
json_t	*jsonpointer_get(json_t *, const char *, char *, size_t);

/* RFC 6902 4.6 equality: numbers by value, objects without order. */
int	 jsonpatch_equal(const json_t *, const json_t *);

#endif
