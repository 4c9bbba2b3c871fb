#!/bin/bash
# kill -9 of contrast-coordinator's parent: every child dies with it
# (PR_SET_PDEATHSIG, re-armed after the uid switch), none is left
# holding anything.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"
coord_need_user

coord_start || { not_ok "coordinator starts"; done_testing; exit 1; }
kids=$(coord_children)
check "three children running ($(echo $kids))" \
    test "$(echo $kids | wc -w)" = 3
kill -KILL "$coord_pid"
wait "$coord_pid" 2>/dev/null
check "children gone within 5 s of the parent's SIGKILL" \
    wait_for 5 pids_gone $kids
for k in $kids; do
	check "pid $k is gone" pids_gone "$k"
done
done_testing
