#!/bin/sh
# Run fuzz_yaml for a short bounded time over a seed corpus made of the
# project's YAML test data (and ../shared/k8s-inputs when present).
. "$top_srcdir/tests/lib.sh"

FUZZ="$top_builddir/tests/fuzz/fuzz_yaml"
[ -x "$FUZZ" ] || skip_all "fuzz_yaml not built (configure --enable-fuzzing)"
W=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-yaml.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
mkdir "$W/corpus"
cp "$top_srcdir"/tests/data/generate/*.yml "$W/corpus/"
if [ -d "$SHARED_DIR/k8s-inputs" ]; then
	find "$SHARED_DIR/k8s-inputs" -name '*.yml' -o -name '*.json' |
	    while read -r f; do
		cp "$f" "$W/corpus/$(echo "$f" | md5sum | cut -c1-16)"
	    done
fi
fuzz_default=20
fuzz_run fuzz_yaml 65536 "$W/corpus"
done_testing
