#!/bin/sh
# Short bounded libFuzzer run of the probe request parser (fuzz build
# only).  FUZZ_SECONDS overrides the time (default 15).
. "$top_srcdir/tests/lib.sh"
h=probe
bin="$top_builddir/tests/fuzz/fuzz_$h"
[ -x "$bin" ] || skip_all "$bin not built (configure --enable-fuzzing)"
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$h.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
fuzz_run "fuzz_$h" 4096 "$work" "$top_srcdir/tests/fuzz/corpus/$h"
done_testing
