/*
 * Reference-value patches (`generate --reference-value-patches`,
 * contrast.md 1.7).  Upstream marshals each typed entry to JSON, applies
 * the patch set and unmarshals it again; so an entry always has every
 * field of its Go struct when the patch sees it, and "replace" of e.g.
 * /AllowedChipIDs works on an entry whose file omitted that field.  We
 * reproduce that by first adding each missing field with its Go zero
 * value.  A set whose "test" fails is "not for this entry" and skipped.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "jsonpatch.h"
#include "manifest.h"

/* Add member k = v (stolen) unless present. */
static int
add_default(json_t *e, const char *k, json_t *v)
{
	if (v == NULL)
		return -1;
	if (json_object_get(e, k) != NULL) {
		json_decref(v);
		return 0;
	}
	return json_object_set_new(e, k, v);
}

static int
normalize_snp(json_t *e)
{
	int	 rc = 0;

	rc |= add_default(e, "Platform", json_string(""));
	rc |= add_default(e, "ProductName", json_string(""));
	rc |= add_default(e, "TrustedMeasurement", json_string(""));
	rc |= add_default(e, "MinimumTCB", json_pack("{s:n,s:n,s:n,s:n}",
	    "BootloaderVersion", "TEEVersion", "SNPVersion",
	    "MicrocodeVersion"));
	rc |= add_default(e, "GuestPolicy", json_pack("{s:i,s:i,s:b,s:b,s:b,"
	    "s:b,s:b,s:b,s:b,s:b,s:b}", "ABIMinor", 0, "ABIMajor", 0, "SMT",
	    0, "MigrateMA", 0, "Debug", 0, "SingleSocket", 0, "CXLAllowed", 0,
	    "MemAES256XTS", 0, "RAPLDis", 0, "CipherTextHidingDRAM", 0,
	    "PageSwapDisable", 0));
	rc |= add_default(e, "PlatformInfo", json_pack("{s:b,s:b,s:b,s:b,s:b,"
	    "s:b,s:b}", "SMTEnabled", 0, "TSMEEnabled", 0, "ECCEnabled", 0,
	    "RAPLDisabled", 0, "CiphertextHidingDRAMEnabled", 0,
	    "AliasCheckComplete", 0, "TIOEnabled", 0));
	rc |= add_default(e, "MinimumMitigationVector", json_integer(0));
	rc |= add_default(e, "AllowedChipIDs", json_null());
	rc |= add_default(e, "CPUs", json_integer(0));
	return rc ? -1 : 0;
}

static int
normalize_tdx(json_t *e)
{
	int	 rc = 0;

	rc |= add_default(e, "Platform", json_string(""));
	rc |= add_default(e, "MinTCBEvaluationDataNumber", json_integer(0));
	rc |= add_default(e, "MrTd", json_string(""));
	rc |= add_default(e, "MrSeam", json_string(""));
	if (json_object_get(e, "Rtrms") == NULL)
		rc |= add_default(e, "Rtmrs", json_pack("[s,s,s,s]", "", "",
		    "", ""));
	rc |= add_default(e, "Xfam", json_string(""));
	rc |= add_default(e, "AllowedPIIDs", json_null());
	rc |= add_default(e, "MemoryIntegrity", json_false());
	rc |= add_default(e, "SMTDisabled", json_false());
	rc |= add_default(e, "StaticPlatform", json_false());
	rc |= add_default(e, "CPUs", json_integer(0));
	return rc ? -1 : 0;
}

/* Apply every patch set to every entry of the array rv[key]. */
static int
patch_entries(json_t *rv, const char *key, const json_t *patches,
    char *err, size_t errlen)
{
	json_t		*arr = json_object_get(rv, key), *e;
	const char	*kind = strcmp(key, "snp") == 0 ? "SNP" : "TDX";
	char		 e2[256];
	size_t		 i, j;
	int		 rc;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "ReferenceValues.%s is not an array",
		    key);
		return -1;
	}
	for (j = 0; j < json_array_size(arr); j++) {
		e = json_array_get(arr, j);
		if (!json_is_object(e) || (strcmp(key, "snp") == 0 ?
		    normalize_snp(e) : normalize_tdx(e)) == -1) {
			snprintf(err, errlen, "ReferenceValues.%s[%zu] is not "
			    "an object", key, j);
			return -1;
		}
	}
	for (i = 0; i < json_array_size(patches); i++) {
		for (j = 0; j < json_array_size(arr); j++) {
			e = json_incref(json_array_get(arr, j));
			rc = jsonpatch_apply(&e, json_array_get(patches, i),
			    e2, sizeof(e2));
			if (rc == JSONPATCH_TEST_FAILED) {
				json_decref(e);
				continue;
			}
			if (rc != JSONPATCH_OK) {
				json_decref(e);
				snprintf(err, errlen, "applying patch[%zu] to %s "
				    "reference values [%zu]: %s", i, kind, j, e2);
				return -1;
			}
			if (!json_is_object(e) ||
			    json_array_set_new(arr, j, e) == -1) {
				if (json_is_object(e))
					e = NULL;
				json_decref(e);
				snprintf(err, errlen, "applying patch[%zu] to %s "
				    "reference values [%zu]: result is not an "
				    "object", i, kind, j);
				return -1;
			}
		}
	}
	return 0;
}

int
manifest_apply_refval_patches(json_t *doc, const json_t *patches, char *err,
    size_t errlen)
{
	json_t	*rv, *work;
	size_t	 i;
	int	 bare;

	if (!json_is_object(doc)) {
		snprintf(err, errlen, "document is not an object");
		return -1;
	}
	if (!json_is_array(patches)) {
		snprintf(err, errlen, "patches: expected an array of patch sets");
		return -1;
	}
	for (i = 0; i < json_array_size(patches); i++) {
		if (!json_is_array(json_array_get(patches, i))) {
			snprintf(err, errlen, "decoding specs patch[%zu]: not "
			    "an array of operations", i);
			return -1;
		}
	}
	bare = json_object_get(doc, "ReferenceValues") == NULL &&
	    (json_object_get(doc, "snp") != NULL ||
	    json_object_get(doc, "tdx") != NULL);
	rv = bare ? doc : json_object_get(doc, "ReferenceValues");
	if (rv == NULL || json_is_null(rv))
		return 0;
	if (!json_is_object(rv)) {
		snprintf(err, errlen, "ReferenceValues is not an object");
		return -1;
	}
	/* Work on a copy so a failure leaves the document untouched. */
	if ((work = json_deep_copy(rv)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (patch_entries(work, "snp", patches, err, errlen) == -1 ||
	    patch_entries(work, "tdx", patches, err, errlen) == -1) {
		json_decref(work);
		return -1;
	}
	if (bare) {
		json_object_clear(doc);
		if (json_object_update(doc, work) == -1) {
			json_decref(work);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		json_decref(work);
		return 0;
	}
	if (json_object_set_new(doc, "ReferenceValues", work) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}
