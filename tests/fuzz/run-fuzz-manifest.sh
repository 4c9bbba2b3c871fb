#!/bin/sh
# Short bounded libFuzzer runs of fuzz_manifest and fuzz_jsonpatch (fuzz
# build only), seeded from tests/data/manifests and, when present,
# ../shared/k8s-inputs/contrast-manifests.
. "$top_srcdir/tests/lib.sh"

fz="$top_builddir/tests/fuzz"
[ -x "$fz/fuzz_manifest" ] && [ -x "$fz/fuzz_jsonpatch" ] ||
	skip_all "fuzz harnesses not built (configure --enable-fuzzing)"
t="${FUZZ_TIME:-20}"
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

run() {
	name=$1 corpus=$2
	if "$fz/$name" -max_total_time="$t" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	    -max_len=65536 "$corpus" >"$work/$name.log" 2>&1; then
		ok "$name ran ${t}s: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$name.log" | head -1)"
	else
		tail -n 40 "$work/$name.log" | sed 's/^/# /'
		not_ok "$name found a crash"
	fi
}
run fuzz_manifest "$work/m"
run fuzz_jsonpatch "$work/p"
done_testing
