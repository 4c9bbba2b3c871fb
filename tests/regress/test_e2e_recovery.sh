#!/bin/bash
# Issue 4: restart -> recovery mode -> recover with the seed-share owner
# key -> same root CA key, same workload secrets, history intact; wrong
# keys and a rolled-back or edited store are refused.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"
. "$top_srcdir/tests/regress/e2elib.sh"
coord_need_user

restart() {
	kill "$coord_pid" && wait "$coord_pid"
	coord_pid=
	e2e_start
}

check "workspace" e2e_setup
check "coordinator starts" e2e_start
check "first set" owner set -c "127.0.0.1:$USER_PORT" deploy
check "vote-bot gets its certificate and secret" pod vote-bot
cp "$(pod_file vote-bot secrets/workload-secret-seed)" "$CW/secret.1"
root1=$(pubkey_hash "$WS/coordinator-root-ca.pem")
# A full copy of the store as it is now: validly signed, one manifest.
cp -a "$CW/state" "$CW/state.v1"
sed -i 's/^        "web",$/        "web",\n        "web.example",/' "$WS/manifest.json"
check "a signed update" owner set -c "127.0.0.1:$USER_PORT" deploy
check "verify sees two manifests" eval 'owner verify -c "127.0.0.1:$USER_PORT" &&
    test -f "$WS/verify/manifest.1.json"'
cp "$WS/mesh-ca.pem" "$CW/mesh-ca.before"

check "SIGTERM and restart" restart
check "readiness 503 in recovery mode" probe_is /probe/readiness 503
check "the mesh API says recovery is needed" \
    eval '! pod web && grep -q needs_recovery "$CW/pod-web.log"'
check "verify says recovery is needed" \
    eval '! owner verify -c "127.0.0.1:$USER_PORT" && last_has needs_recovery'
check "a stranger's recover is refused" \
    "$E2E_CLIENT" recover-stranger "127.0.0.1:$USER_PORT"
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$CW/wrong-owner.pem" 2>/dev/null
check "recover with a key that owns no share fails, saying so" \
    eval '! owner recover -c "127.0.0.1:$USER_PORT" --seedshare-owner-key \
    "$CW/wrong-owner.pem" && last_has "share"'
check "still in recovery mode" probe_is /probe/readiness 503

# An edited store: a stored manifest changed behind the Coordinator.
kill "$coord_pid" && wait "$coord_pid"; coord_pid=
m=$(ls "$CW/state/manifests/" | head -1)
cp "$CW/state/manifests/$m" "$CW/manifest.saved"
printf ' ' >>"$CW/state/manifests/$m"
check "restart over an edited store" e2e_start
if owner recover -c "127.0.0.1:$USER_PORT"; then
	not_ok "recover refuses an edited store"
else
	check "recover refuses an edited store" eval 'last_has "does not verify" ||
	    last_has "hash mismatch"'
fi
check "the edit is reported in the log" coord_log_has "mismatch"
check "still in recovery mode after the refusal" probe_is /probe/readiness 503
kill "$coord_pid" && wait "$coord_pid"; coord_pid=
cp "$CW/manifest.saved" "$CW/state/manifests/$m"

# A rolled-back store: the older copy, validly signed by the same key.
mv "$CW/state" "$CW/state.v2"
cp -a "$CW/state.v1" "$CW/state"
check "restart over a rolled-back store" e2e_start
if owner recover -c "127.0.0.1:$USER_PORT"; then
	not_ok "recover refuses a rolled-back store (verify/latest-transition)"
else
	check "recover refuses a rolled-back store (verify/latest-transition)" \
	    last_has "rolled back"
fi
check "the rollback is reported in the log" coord_log_has "rolled back"
check "still in recovery mode after the refusal" probe_is /probe/readiness 503
kill "$coord_pid" && wait "$coord_pid"; coord_pid=
rm -rf "$CW/state"
mv "$CW/state.v2" "$CW/state"

check "restart over the real store" e2e_start
check "recover" owner recover -c "127.0.0.1:$USER_PORT"
check "readiness 200 after recovery" wait_for 5 probe_is /probe/readiness 200
check "the root CA key is the same" test "$(pubkey_hash "$WS/coordinator-root-ca.pem")" = "$root1"
check "recovery rotated the mesh CA" eval '! cmp -s "$WS/mesh-ca.pem" "$CW/mesh-ca.before"'
check "vote-bot's workload secret is the same" eval 'pod vote-bot &&
    cmp -s "$(pod_file vote-bot secrets/workload-secret-seed)" "$CW/secret.1"'
check "the history is intact" eval 'owner verify -c "127.0.0.1:$USER_PORT" &&
    test -f "$WS/verify/manifest.1.json" && ! test -f "$WS/verify/manifest.2.json"'
check "recover on a recovered Coordinator is refused" \
    eval '! owner recover -c "127.0.0.1:$USER_PORT" && last_has already_recovered'
done_testing
