#!/bin/bash
# The end-to-end demo on the simulated TEE, on loopback:
#
#   generate -> start the Coordinator -> set -> each pod's initializer ->
#   verify as a third party -> TLS to "web" with the mesh CA -> update the
#   manifest (IP SAN) -> verify -> restart -> recover -> verify
#
# usage: bash contrib/demo/run.sh [BUILDDIR]   (default: build/main)
# Every step is printed; any failure stops the demo with exit 1.
# Environment: DEMO_KEEP=1 keeps the work directory.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build/main}
build=$(cd "$build" && pwd) || exit 1
CONTRAST="$build/cli/contrast"
COORD="$build/src/contrast-coordinator"
INIT="$build/initializer/contrast-initializer"
OPENSSL=${OPENSSL:-openssl}

for p in "$CONTRAST" "$COORD" "$INIT"; do
	[ -x "$p" ] || { echo "demo: $p not built" >&2; exit 1; }
done

W=$(mktemp -d "${TMPDIR:-/tmp}/contrast-demo.XXXXXX") || exit 1
coord_pid=
server_pid=
step=0
passed=0

cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	if [ -n "$coord_pid" ]; then
		kill "$coord_pid" 2>/dev/null
		wait "$coord_pid" 2>/dev/null
	fi
	if [ -n "${DEMO_KEEP:-}" ]; then
		echo "demo: work directory kept: $W"
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT

say() {
	step=$((step + 1))
	printf '\n[%d] %s\n' "$step" "$*"
}

pass() {
	passed=$((passed + 1))
	echo "    ok: $*"
}

fail() {
	echo "    FAILED: $*" >&2
	if [ -f "$W/coordinator.log" ]; then
		echo "    --- last lines of the Coordinator's log:" >&2
		tail -n 15 "$W/coordinator.log" | sed 's/^/    /' >&2
	fi
	echo "demo: $passed steps passed, step $step failed" >&2
	exit 1
}

# run LOGNAME COMMAND...: run with output to $W/LOGNAME.out, shown on failure.
run() {
	local name=$1
	shift
	if ! "$@" >"$W/$name.out" 2>&1; then
		sed 's/^/    | /' "$W/$name.out" >&2
		return 1
	fi
	sed 's/^/    | /' "$W/$name.out"
}

free_port() {
	local p
	while :; do
		p=$(( (RANDOM << 1 | RANDOM & 1) % 30000 + 20000 ))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
}

# HTTP status of GET PATH on the probe port ("" when unreachable).
probe() {
	local line
	{ exec 5<>"/dev/tcp/127.0.0.1/$PROBE_PORT"; } 2>/dev/null || return 0
	printf 'GET %s HTTP/1.1\r\nHost: demo\r\n\r\n' "$1" >&5
	IFS= read -r -t 5 line <&5
	exec 5>&-
	line=${line%$'\r'}
	echo "$line" | cut -d' ' -f2
}

wait_probe() {	# PATH CODE SECONDS
	local n=$(($3 * 10))
	while [ "$n" -gt 0 ]; do
		[ "$(probe "$1")" = "$2" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# The decoded initdata of the (only) pod template in a YAML file: what
# the hypervisor measures into HOSTDATA when Kata starts the pod's VM.
initdata() {
	grep -m1 'io.katacontainers.config.hypervisor.cc_init_data:' "$1" |
	    sed 's/.*cc_init_data: *//; s/"//g' | base64 -d | gunzip
}

start_coordinator() {
	"$COORD" -d --state-dir "$W/state" \
	    --user-api "127.0.0.1:$USER_PORT" --mesh-api "127.0.0.1:$MESH_PORT" \
	    --probe-listen "127.0.0.1:$PROBE_PORT" \
	    --tee sim --sim-dir "$W/owner/sim" \
	    --sim-initdata "$W/initdata/coordinator.toml" \
	    >>"$W/coordinator.log" 2>&1 &
	coord_pid=$!
	wait_probe /probe/startup 200 30
}

stop_coordinator() {
	kill "$coord_pid" && wait "$coord_pid"
	local rc=$?
	coord_pid=
	return $rc
}

# pod NAME: run NAME's initializer in its simulated confidential VM.
pod() {
	mkdir -p "$W/pods/$1"
	"$INIT" -c "127.0.0.1:$MESH_PORT" --tee sim --sim-dir "$W/owner/sim" \
	    --sim-initdata "$W/initdata/$1.toml" --root "$W/pods/$1" --once
}

USER_PORT=$(free_port)
MESH_PORT=$(free_port)
while [ "$MESH_PORT" = "$USER_PORT" ]; do MESH_PORT=$(free_port); done
PROBE_PORT=$(free_port)
while [ "$PROBE_PORT" = "$USER_PORT" ] || [ "$PROBE_PORT" = "$MESH_PORT" ]; do
	PROBE_PORT=$(free_port)
done
mkdir -p "$W/owner" "$W/thirdparty" "$W/initdata" "$W/state"
cd "$W/owner" || exit 1
echo "contrast demo: work directory $W"
echo "  (simulated TEE: INSECURE, for trying things out on a laptop)"

say "the workload owner makes a simulated TEE and prepares emojivoto"
run sim-init "$CONTRAST" sim init ./sim || fail "contrast sim init"
mkdir deploy
cp "$top"/contrib/demo/emojivoto/*.yml "$top/contrib/kubernetes/coordinator.yml" \
    deploy/ || fail "copy the demo YAML"
pass "sim/ and deploy/ (web, emoji, voting, vote-bot, coordinator)"

say "contrast generate: confidential runtime class, initializer, mesh, policies"
run generate "$CONTRAST" generate --reference-values sim-snp deploy ||
    fail "contrast generate"
for f in web emoji voting vote-bot coordinator; do
	initdata "deploy/$f.yml" >"$W/initdata/$f.toml" &&
	    [ -s "$W/initdata/$f.toml" ] || fail "no initdata in deploy/$f.yml"
	h=$(sha256sum <"$W/initdata/$f.toml" | cut -d' ' -f1)
	grep -q "\"$h\"" manifest.json || fail "$f: policy $h not in manifest.json"
done
pass "every workload's initdata hash is a policy of manifest.json"

say "start the Coordinator in its simulated confidential VM"
start_coordinator || fail "the Coordinator did not come up"
[ "$(probe /probe/readiness)" = 503 ] || fail "readiness before set"
pass "startup 200, readiness 503 (no manifest yet)"

say "contrast set: attest the Coordinator, install the manifest"
run set "$CONTRAST" set -c "127.0.0.1:$USER_PORT" deploy || fail "contrast set"
[ -s seed-shares.json ] && [ -s mesh-ca.pem ] &&
    [ -s coordinator-root-ca.pem ] || fail "set wrote no CA or seed shares"
wait_probe /probe/readiness 200 10 || fail "readiness after set"
pass "mesh-ca.pem, coordinator-root-ca.pem, seed-shares.json; readiness 200"

say "each pod's initializer attests and gets its mesh certificate"
for f in web emoji voting vote-bot; do
	run "init-$f" pod "$f" || fail "initializer of $f"
	"$OPENSSL" verify -CAfile mesh-ca.pem \
	    "$W/pods/$f/tls-config/certChain.pem" >/dev/null ||
	    fail "$f: certificate does not verify against mesh-ca.pem"
done
[ -s "$W/pods/vote-bot/secrets/workload-secret-seed" ] ||
    fail "vote-bot got no workload secret"
pass "4 certificates verify against mesh-ca.pem; workload secrets written"

say "a third party verifies the deployment with only manifest.json"
cp manifest.json "$W/thirdparty/"
(cd "$W/thirdparty" && run verify1 "$CONTRAST" verify \
    -c "127.0.0.1:$USER_PORT") || fail "contrast verify"
pass "verify/ written: $(ls "$W/thirdparty/verify" | tr '\n' ' ')"

say "TLS to web, trusting only the verified mesh CA"
WEB_PORT=$(free_port)
"$OPENSSL" s_server -quiet -naccept 1 -accept "127.0.0.1:$WEB_PORT" \
    -cert "$W/pods/web/tls-config/certChain.pem" \
    -cert_chain "$W/pods/web/tls-config/certChain.pem" \
    -key "$W/pods/web/tls-config/key.pem" >/dev/null 2>&1 &
server_pid=$!
sleep 0.5
echo | "$OPENSSL" s_client -connect "127.0.0.1:$WEB_PORT" \
    -CAfile "$W/thirdparty/verify/mesh-ca.pem" -verify_return_error \
    -verify_hostname web >"$W/s_client.out" 2>&1 ||
    { cat "$W/s_client.out" >&2; fail "openssl s_client to web"; }
grep -q 'Verify return code: 0 (ok)' "$W/s_client.out" ||
    fail "s_client did not verify web"
wait "$server_pid" 2>/dev/null
server_pid=
pass "openssl s_client -verify_return_error: Verify return code: 0 (ok)"

say "update the manifest: web also answers on 127.0.0.1 (an IP SAN)"
cp mesh-ca.pem mesh-ca.old.pem
sed -i 's/^        "web",$/        "web",\n        "127.0.0.1",/' manifest.json
grep -q '"127.0.0.1"' manifest.json || fail "could not edit manifest.json"
run set2 "$CONTRAST" set -c "127.0.0.1:$USER_PORT" deploy ||
    fail "contrast set (update)"
cmp -s mesh-ca.pem mesh-ca.old.pem && fail "the update did not rotate the mesh CA"
run init-web2 pod web || fail "initializer of web after the update"
"$OPENSSL" x509 -in "$W/pods/web/tls-config/certChain.pem" -noout \
    -ext subjectAltName | grep -q 'IP Address:127.0.0.1' ||
    fail "the new web certificate has no IP SAN"
pass "signed update accepted, mesh CA rotated, web's new certificate has IP:127.0.0.1"

say "the third party verifies the updated deployment"
cp manifest.json "$W/thirdparty/"
(cd "$W/thirdparty" && run verify2 "$CONTRAST" verify \
    -c "127.0.0.1:$USER_PORT") || fail "contrast verify after the update"
[ -f "$W/thirdparty/verify/manifest.1.json" ] || fail "history has no manifest.1.json"
pass "history of 2 manifests, the active one is ours"

say "restart the Coordinator: it comes back in recovery mode"
stop_coordinator || fail "the Coordinator did not stop cleanly"
start_coordinator || fail "the Coordinator did not restart"
[ "$(probe /probe/readiness)" = 503 ] || fail "readiness in recovery mode"
pod web >/dev/null 2>&1 && fail "the mesh API served before recovery"
pass "readiness 503, mesh API refuses until recovered"

say "contrast recover with the seed-share owner key"
# The head the third party verified: a rolled-back store would be refused.
run recover "$CONTRAST" recover -c "127.0.0.1:$USER_PORT" \
    --latest-transition "$(cat "$W/thirdparty/verify/latest-transition")" ||
    fail "contrast recover"
wait_probe /probe/readiness 200 10 || fail "readiness after recover"
run init-web3 pod web || fail "initializer of web after recovery"
pass "recovered; readiness 200; pods get certificates again"

say "the third party verifies once more"
(cd "$W/thirdparty" && run verify3 "$CONTRAST" verify \
    -c "127.0.0.1:$USER_PORT") || fail "contrast verify after recovery"
pass "same history, same manifest"

stop_coordinator || fail "the Coordinator did not stop cleanly"
echo
echo "demo: all $passed steps passed"
