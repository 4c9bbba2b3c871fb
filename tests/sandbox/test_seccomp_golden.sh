#!/bin/bash
# The seccomp filters are frozen: each role's filter, exported as
# libseccomp pseudo filter code, must equal tests/sandbox/<role>.pfc.
# A deliberate allow-list change is made with `make update-seccomp-golden'
# and reviewed as a diff.  The golden files were made on x86_64 with the
# libseccomp named in their first line; elsewhere the test skips.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"

[ "$COORD_SANDBOX" = seccomp ] ||
    skip_all "built with --disable-seccomp: no filters to compare"
[ "$(uname -m)" = x86_64 ] ||
    skip_all "golden filters are for x86_64, this is $(uname -m)"

for role in front ca verifier parent; do
	golden="$top_srcdir/tests/sandbox/$role.pfc"
	out="$CW/$role.pfc"
	if ! "$COORD" --dump-seccomp "$role" >"$out" 2>"$CW/err"; then
		not_ok "$role: --dump-seccomp failed: $(cat "$CW/err")"
		continue
	fi
	if [ "$(head -1 "$out")" != "$(head -1 "$golden")" ]; then
		skip_one "$role: golden made with '$(head -1 "$golden" |
		    sed 's/.*libseccomp/libseccomp/')', this build has" \
		    "'$(head -1 "$out" | sed 's/.*libseccomp/libseccomp/')'"
		continue
	fi
	if cmp -s "$golden" "$out"; then
		ok "$role: filter equals $role.pfc"
	else
		not_ok "$role: filter differs from $role.pfc" \
		    "(make update-seccomp-golden, then review the diff)"
		diff -u "$golden" "$out" | sed 's/^/# /' | head -60
	fi
done

# The dump is the filter that is loaded: unknown roles are refused.
check "unknown role refused" \
    bash -c '! "$0" --dump-seccomp nosuchrole >/dev/null 2>&1' "$COORD"
done_testing
