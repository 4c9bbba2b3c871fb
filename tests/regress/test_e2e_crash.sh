#!/bin/bash
# Issue 4: kill -9 of the front or the verifier under load: restarted,
# keys intact, clients succeed on retry.  kill -9 of the ca: exit 1, no
# process left, the state on disk intact.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"
. "$top_srcdir/tests/regress/e2elib.sh"
coord_need_user

# N initializers in parallel, retrying; all must succeed.
load() {
	local i pids= rc=0
	for i in $(seq 1 "$1"); do
		mkdir -p "$CW/load/$i"
		# Bounded: a failing run must not leave retrying clients.
		timeout 60 "$INIT" -c "127.0.0.1:$MESH_PORT" --tee sim \
		    --sim-dir "$WS/sim" \
		    --sim-initdata "$CW/initdata/web.toml" --root "$CW/load/$i" \
		    --max-backoff 1 >"$CW/load/$i.log" 2>&1 &
		pids="$pids $!"
	done
	for i in $pids; do
		wait "$i" || rc=1
	done
	return $rc
}

store_sum() {
	(cd "$CW/state" && find manifests policies transitions -type f |
	    sort | xargs sha256sum)
}

check "workspace" e2e_setup
check "coordinator starts" e2e_start
check "set" owner set -c "127.0.0.1:$USER_PORT" deploy
mesh1=$(sha256sum <"$WS/mesh-ca.pem")

for role in front verifier; do
	old=$(coord_role_pid "$role")
	rm -rf "$CW/load"
	load 12 &
	lp=$!
	sleep 0.3
	kill -9 "$old"
	if wait "$lp"; then ok "12 clients succeed while the $role is killed"
	else not_ok "12 clients succeed while the $role is killed"
		sed 's/^/# /' "$CW"/load/*.log | tail -20; fi
	# Restarts back off; give the parent a few seconds.
	restarted() {
		new=$(coord_role_pid "$role") && [ "$new" != "$old" ] &&
		    coord_log_has "$role restarted, pid $new"
	}
	check "the $role was restarted with a new pid" wait_for 15 restarted
	check "the parent logged the $role's death" coord_log_has "lost child $role"
	check "the keys are intact: same mesh CA in every new certificate" \
	    eval 'for f in "$CW"/load/*/tls-config/mesh-ca.pem; do
	    [ "$(sha256sum <"$f")" = "$mesh1" ] || exit 1; done'
	check "a new certificate still verifies against mesh-ca.pem" \
	    eval 'pod web && "$OPENSSL" verify -CAfile "$WS/mesh-ca.pem" \
	    "$(pod_file web tls-config/certChain.pem)" >/dev/null'
done

before=$(store_sum)
pids="$coord_pid $(coord_children)"
kill -9 "$(coord_role_pid ca)"
check "kill -9 of the ca ends the Coordinator" coord_wait_exit 10
check "with exit status 1" test "$coord_status" = 1
check "no process is left" wait_for 5 pids_gone $pids
coord_pid=
check "the state on disk is intact" test "$(store_sum)" = "$before"
check "the restarted Coordinator recovers from it" eval 'e2e_start &&
    owner recover -c "127.0.0.1:$USER_PORT" && pod web'
done_testing
