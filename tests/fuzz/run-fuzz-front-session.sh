#!/bin/sh
# Short bounded libFuzzer run of the front's client-frame state machine
# (fuzz build only).  FUZZ_SECONDS overrides the time (default 20).
. "$top_srcdir/tests/lib.sh"
h=front_session
secs=${FUZZ_SECONDS:-20}
bin="$top_builddir/tests/fuzz/fuzz_$h"
[ -x "$bin" ] || skip_all "$bin not built (configure --enable-fuzzing)"
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$h.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
fuzz_run "fuzz_$h" 65536 "$work" "$top_srcdir/tests/fuzz/corpus/$h"
done_testing
