#!/bin/bash
# Sandbox violations (--enable-sandbox-selftest builds only): a test hook
# makes a role perform a forbidden call after its filter is loaded
# (ptrace in front, socket in ca, execve in verifier).  The kernel kills
# it with SIGSYS; the parent logs the role and "seccomp violation";
# front and verifier come back with new pids (probes answer again), the
# sixth death within a minute ends the daemon with status 1, and the
# ca's death ends it at once with status 1 and no process left.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"

[ "$COORD_SELFTEST" = yes ] ||
    skip_all "needs configure --enable-sandbox-selftest (CI: build/selftest)"
[ "$COORD_SANDBOX" = seccomp ] ||
    skip_all "built with --disable-seccomp: nothing would be killed"
coord_need_user

# restart_once ROLE: kill ROLE through the hook, expect a new instance.
restart_once() {
	local role=$1 old new
	CONTRAST_SELFTEST_VIOLATE=$role:signal coord_start ||
	    { not_ok "$role: coordinator starts"; return; }
	old=$(coord_role_pid "$role")
	kill -USR1 "$coord_pid"
	check "$role: parent logs the seccomp violation" wait_for 10 \
	    coord_log_has "parent: lost child $role: killed by SIGSYS (seccomp violation)"
	check "$role: old pid $old is gone" wait_for 5 pids_gone "$old"
	check "$role: restarted" wait_for 10 coord_log_has "parent: $role restarted"
	new=$(coord_role_pid "$role")
	check "$role: new pid ($old -> $new)" \
	    test -n "$new" -a "$new" != "$old"
	if [ -n "$new" ]; then
		check "$role: new instance is sandboxed too" \
		    test "$(proc_field "$new" Seccomp)" = 2
	fi
	check "$role: probes answer again" wait_for 10 probe_ok
	check "$role: daemon still running" kill -0 "$coord_pid"
	coord_kids=$(coord_children)
	kill -TERM "$coord_pid"
	coord_wait_exit 10
	check "$role: SIGTERM afterwards exits 0 (got $coord_status)" \
	    test "$coord_status" = 0
	check "$role: no process left" pids_gone $coord_kids
}

probe_ok() {
	test "$(http_status $PROBE_PORT /probe/liveness)" = 200
}

restart_once front
restart_once verifier

# The ca holds the keys: its death ends the daemon.
CONTRAST_SELFTEST_VIOLATE=ca:signal coord_start ||
    not_ok "ca: coordinator starts"
kids=$(coord_children)
kill -USR1 "$coord_pid"
coord_wait_exit 15
check "ca: daemon exits with status 1 (got $coord_status)" \
    test "$coord_status" = 1
check "ca: parent logged the violation" \
    coord_log_has "parent: lost child ca: killed by SIGSYS (seccomp violation)"
check "ca: no process left" wait_for 5 pids_gone $kids
check "ca: the ca made a forbidden call after its filter was loaded" \
    coord_log_has "^ca: selftest: making forbidden call"

# A front that dies at every start: 5 restarts, then give up.
CONTRAST_SELFTEST_VIOLATE=front:ready coord_start ||
    not_ok "front:ready: coordinator starts"
coord_wait_exit 30
check "restart budget: daemon exits with status 1 (got $coord_status)" \
    test "$coord_status" = 1
n=$(grep -c "parent: lost child front: killed by SIGSYS (seccomp violation)" \
    "$CW/log")
check "restart budget: front died 6 times (got $n)" test "$n" = 6
r=$(grep -c "parent: front restarted" "$CW/log")
check "restart budget: front was restarted 5 times (got $r)" test "$r" = 5
check "restart budget: parent says it gives up" \
    coord_log_has "parent: front died 6 times within 60 seconds: giving up"
# Every instance the parent ever started is named in its log.
logged=$(sed -n 's/^parent: [a-z]* \(ready\|restarted\), pid \([0-9]*\)$/\2/p' \
    "$CW/log")
check "restart budget: all $(echo $logged | wc -w) instances gone" \
    wait_for 5 pids_gone $logged
done_testing
