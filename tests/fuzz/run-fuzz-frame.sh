#!/bin/sh
# Short bounded libFuzzer runs of the channel layer (fuzz build only):
# fuzz_frame (framing, prescan, decode, getters) and fuzz_dispatch (a
# stream of frames through ipc_dispatch and a receiver table).
# FUZZ_SECONDS overrides the time per harness (default 15).
. "$top_srcdir/tests/lib.sh"

secs=${FUZZ_SECONDS:-15}
for h in frame dispatch; do
	bin="$top_builddir/tests/fuzz/fuzz_$h"
	if [ ! -x "$bin" ]; then
		not_ok "fuzz_$h: $bin not built (configure --enable-fuzzing)"
		continue
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$h.XXXXXX")
	log="$work.log"
	# libFuzzer keeps its own output when fd 2 is closed
	# (-close_fd_mask=2): only the fatal() lines of the target go away.
	if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=70000 \
	    -timeout=10 -close_fd_mask=2 -print_final_stats=1 \
	    "$work" "$top_srcdir/tests/fuzz/corpus/$h" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		ok "fuzz_$h: ${runs:-?} executions in ${secs}s, no crash"
	else
		not_ok "fuzz_$h crashed or leaked"
		sed 's/^/# /' "$log" | tail -40
	fi
	rm -rf "$work" "$log"
done
done_testing
