#!/bin/sh
# Short bounded libFuzzer run of the front's client-frame state machine
# (fuzz build only).  FUZZ_SECONDS overrides the time (default 20).
. "$top_srcdir/tests/lib.sh"
h=front_session
secs=${FUZZ_SECONDS:-20}
bin="$top_builddir/tests/fuzz/fuzz_$h"
[ -x "$bin" ] || skip_all "$bin not built (configure --enable-fuzzing)"
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$h.XXXXXX") || exit 1
log="$work.log"
trap 'rm -rf "$work" "$log"' EXIT
if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 \
    -timeout=10 -print_final_stats=1 "$work" \
    "$top_srcdir/tests/fuzz/corpus/$h" >"$log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	ok "fuzz_$h: ${runs:-?} executions in ${secs}s, no crash"
else
	not_ok "fuzz_$h crashed or leaked"
	sed 's/^/# /' "$log" | tail -40
fi
done_testing
