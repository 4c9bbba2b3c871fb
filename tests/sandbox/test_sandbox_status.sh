#!/bin/bash
# Each child of contrast-coordinator, seen from outside through
# /proc/<pid>/status: seccomp filter mode, no_new_privs, empty capability
# sets and bounding set, and (as root) the privsep uid and a chroot to
# the empty directory; plus process titles and the parent's own drop.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"
coord_need_user

coord_start || { not_ok "coordinator starts"; done_testing; exit 1; }
ok "coordinator starts (parent $coord_pid)"

root=no
[ "$(id -u)" -eq 0 ] && root=yes
[ "$root" = yes ] && want_uid=$(id -u "$COORD_USER")

for role in front ca verifier; do
	pid=$(coord_role_pid $role)
	if [ -z "$pid" ]; then
		not_ok "$role: found by title among the parent's children"
		continue
	fi
	ok "$role: pid $pid titled 'contrast-coordinator: $role'"
	check "$role: comm is coord-$role" \
	    test "$(cat /proc/$pid/comm)" = "coord-$role"
	check "$role: NoNewPrivs: 1" test "$(proc_field $pid NoNewPrivs)" = 1
	check "$role: CapEff all zero" \
	    test "$(proc_field $pid CapEff)" = 0000000000000000
	check "$role: CapPrm all zero" \
	    test "$(proc_field $pid CapPrm)" = 0000000000000000
	check "$role: CapInh all zero" \
	    test "$(proc_field $pid CapInh)" = 0000000000000000
	check "$role: CapAmb all zero" \
	    test "$(proc_field $pid CapAmb)" = 0000000000000000
	if [ "$root" = yes ]; then
		check "$role: CapBnd all zero" \
		    test "$(proc_field $pid CapBnd)" = 0000000000000000
		uids=$(proc_field $pid Uid)
		check "$role: real/effective/saved/fs uid $want_uid ($uids)" \
		    test "$uids" = "$want_uid $want_uid $want_uid $want_uid"
		r=$(readlink /proc/$pid/root)
		check "$role: chroot $r is the state dir's empty dir" \
		    test "$r" = "$CW/state/empty"
		check "$role: its root is empty" \
		    test -z "$(ls -A "$CW/state/empty")"
	else
		skip_one "$role: not root: uid, chroot and bounding-set checks"
	fi
	check "$role: not dumpable (/proc/$pid/fd unreadable to others)" \
	    test "$(stat -c %U /proc/$pid/fd)" = root
	if [ "$COORD_SANDBOX" = seccomp ]; then
		check "$role: Seccomp: 2 (filter)" \
		    test "$(proc_field $pid Seccomp)" = 2
		check "$role: logged 'loaded seccomp filter'" \
		    coord_log_has "^$role: loaded seccomp filter"
	else
		skip_one "$role: Seccomp: built with --disable-seccomp"
		check "$role: warns that it runs without a filter" \
		    coord_log_has "^$role: RUNNING WITHOUT A SECCOMP FILTER"
	fi
done

# The parent keeps only what it needs to restart a child.
check "parent: NoNewPrivs: 1" test "$(proc_field $coord_pid NoNewPrivs)" = 1
if [ "$root" = yes ]; then
	# setgid setuid setpcap kill sys_chroot = bits 6 7 8 5 18
	check "parent: CapEff only kill,setgid,setuid,setpcap,sys_chroot" \
	    test "$(proc_field $coord_pid CapEff)" = 00000000000401e0
	check "parent: CapBnd the same" \
	    test "$(proc_field $coord_pid CapBnd)" = 00000000000401e0
fi
if [ "$COORD_SANDBOX" = seccomp ]; then
	check "parent: Seccomp: 2 (deny-list)" \
	    test "$(proc_field $coord_pid Seccomp)" = 2
fi

kill -TERM "$coord_pid"
coord_wait_exit 10
check "SIGTERM: parent exits 0 (got $coord_status)" test "$coord_status" = 0
check "SIGTERM: no child left" pids_gone $coord_kids
done_testing
