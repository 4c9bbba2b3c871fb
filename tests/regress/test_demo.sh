#!/bin/bash
# The README's demo, as a test: the whole workflow on loopback with the
# simulated TEE (contrib/demo/run.sh).  One test point; the demo's own
# output is shown as diagnostics on failure.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"
coord_need_user

out=$(mktemp)
if bash "$top_srcdir/contrib/demo/run.sh" "$top_builddir" >"$out" 2>&1; then
	ok "demo: $(tail -n 1 "$out")"
else
	sed 's/^/# /' "$out"
	not_ok "demo failed"
fi
rm -f "$out"
done_testing
