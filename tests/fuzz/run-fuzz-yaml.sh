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
if "$FUZZ" -max_total_time="${FUZZ_TIME:-20}" -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 "$W/corpus" > "$W/log" 2>&1; then
	ok "fuzz_yaml: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$W/log" | cut -d' ' -f2) executions, no crash"
else
	not_ok "fuzz_yaml found a crash"
	tail -40 "$W/log" | sed 's/^/# /'
fi
done_testing
