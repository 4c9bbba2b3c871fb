#!/bin/sh
# Short bounded libFuzzer runs of the channel layer (fuzz build only):
# fuzz_frame (framing, prescan, decode, getters) and fuzz_dispatch (a
# stream of frames through ipc_dispatch and a receiver table).
# FUZZ_SECONDS overrides the time per harness (default 15).
. "$top_srcdir/tests/lib.sh"

for h in frame dispatch; do
	bin="$top_builddir/tests/fuzz/fuzz_$h"
	if [ ! -x "$bin" ]; then
		not_ok "fuzz_$h: $bin not built (configure --enable-fuzzing)"
		continue
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$h.XXXXXX")
	# libFuzzer keeps its own output when fd 2 is closed
	# (-close_fd_mask=2): only the fatal() lines of the target go away.
	fuzz_run "fuzz_$h" 70000 -close_fd_mask=2 "$work" \
	    "$top_srcdir/tests/fuzz/corpus/$h"
	rm -rf "$work"
done
done_testing
