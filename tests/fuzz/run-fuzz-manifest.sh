#!/bin/sh
# Short bounded libFuzzer runs of fuzz_manifest and fuzz_jsonpatch (fuzz
# build only), seeded from tests/data/manifests and, when present,
# ../shared/k8s-inputs/contrast-manifests.
. "$top_srcdir/tests/lib.sh"

fz="$top_builddir/tests/fuzz"
[ -x "$fz/fuzz_manifest" ] && [ -x "$fz/fuzz_jsonpatch" ] ||
	skip_all "fuzz harnesses not built (configure --enable-fuzzing)"
fuzz_default=20
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-manifest.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/m" "$work/p"
cp "$top_srcdir"/tests/data/manifests/*.json "$work/m/"
if [ -d "$SHARED_DIR/k8s-inputs/contrast-manifests" ]; then
	cp "$SHARED_DIR"/k8s-inputs/contrast-manifests/*.json "$work/m/"
else
	diag "../shared not found: seeding from tests/data only"
fi
# jsonpatch inputs are [document, patch, pointer].
printf '[{"a":{"b":[1,2]}},[{"op":"move","from":"/a/b/0","path":"/c"},{"op":"test","path":"/c","value":1}],"/a/b"]' >"$work/p/1"
printf '[{"ReferenceValues":{"snp":[{"Platform":"x"}]}},[[{"op":"test","path":"/Platform","value":"x"},{"op":"replace","path":"/CPUs","value":2}]],"/"]' >"$work/p/2"

fuzz_run fuzz_manifest 65536 "$work/m"
fuzz_run fuzz_jsonpatch 65536 "$work/p"
done_testing
