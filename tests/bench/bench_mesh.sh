#!/bin/bash
# Mesh-certificate throughput of a Coordinator on loopback with the
# simulated TEE, next to the crypto bound measured in the same run.
#
# Per certificate the Coordinator must at least: verify the workload's
# P-384 evidence signature (chain cached), sign the leaf with the P-384
# mesh CA key, and do its side of a TLS 1.3 handshake (an X25519 key
# exchange and a P-256 signature).  The bound is the CPU time of those
# four operations from `openssl speed`; the ratio is the Coordinator's
# CPU per certificate (all four processes) over that bound.
# Environment: BENCH_CLIENTS (8), BENCH_SECONDS (10).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"
. "$top_srcdir/tests/regress/e2elib.sh"
clients=${BENCH_CLIENTS:-8}
seconds=${BENCH_SECONDS:-10}

e2e_setup >/dev/null || { echo "bench_mesh: setup failed"; exit 1; }
e2e_start >/dev/null || { echo "bench_mesh: coordinator failed"; exit 1; }
owner set -c "127.0.0.1:$USER_PORT" deploy || { show_last; exit 1; }

speed=$("$OPENSSL" speed -seconds 3 ecdsap384 ecdsap256 ecdhx25519 2>/dev/null)
sign384=$(echo "$speed" | awk '/384 bits ecdsa/ {print $(NF-1)}')
verify384=$(echo "$speed" | awk '/384 bits ecdsa/ {print $NF}')
sign256=$(echo "$speed" | awk '/256 bits ecdsa/ {print $(NF-1)}')
x25519=$(echo "$speed" | awk '/ecdh \(X25519\)/ {print $NF}')
bound=$(awk -v a="$sign384" -v b="$verify384" -v c="$sign256" -v d="$x25519" \
    'BEGIN { printf "%.3f", 1000 * (1/a + 1/b + 1/c + 1/d) }')

out=$("$top_builddir/tests/bench/bench_mesh" "127.0.0.1:$MESH_PORT" \
    "$WS/sim" "$(hostdata web)" "$clients" "$seconds" "$coord_pid") || {
	echo "$out"; echo "bench_mesh: run failed"; exit 1; }
val() { echo "$out" | sed -n "s/^$1: //p"; }

echo "mesh certificates, $clients concurrent sim clients, $(val seconds) s:"
echo "  certificates per second:        $(val certs_per_second) (target >= 300)"
echo "  latency p50 / p99:              $(val p50_ms) ms / $(val p99_ms) ms"
echo "  coordinator CPU per cert:       $(val coordinator_cpu_ms_per_cert) ms"
echo "  crypto bound per cert:          $bound ms (openssl speed: P-384 sign $sign384/s, verify $verify384/s, P-256 sign $sign256/s, X25519 $x25519/s)"
echo "  ratio CPU / bound:              $(awk -v a="$(val coordinator_cpu_ms_per_cert)" -v b="$bound" 'BEGIN { printf "%.2f", a / b }') (target <= 1.5)"
echo "  RSS of the four processes:      $(( $(val coordinator_rss_kb) / 1024 )) MiB (target <= 32)"
echo "  failures:                       $(val failures)"
