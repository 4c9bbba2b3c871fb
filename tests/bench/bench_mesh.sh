#!/bin/bash
# Mesh-certificate throughput of a Coordinator on loopback with the
# simulated TEE, next to the crypto bound measured in the same run.
#
# Per certificate the Coordinator must at least: verify the workload's
# P-384 evidence signature (chain cached), sign the leaf with the P-384
# mesh CA key, and do its side of a TLS 1.3 handshake: an ephemeral X25519
# key pair and the shared secret (two scalar multiplications; `openssl
# speed ecdhx25519' times one, the derivation) and a P-256 signature.
# The bound is the CPU time of those operations from `openssl speed'; the
# ratio is the Coordinator's CPU per certificate (all four processes)
# over that bound.  The clients run on the same two cores.
# Environment: BENCH_CLIENTS (8), BENCH_SECONDS (8), BENCH_ROUNDS (5).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"
. "$top_srcdir/tests/regress/e2elib.sh"
clients=${BENCH_CLIENTS:-8}
seconds=${BENCH_SECONDS:-8}

e2e_setup >/dev/null || { echo "bench_mesh: setup failed"; exit 1; }
e2e_start >/dev/null || { echo "bench_mesh: coordinator failed"; exit 1; }
owner set -c "127.0.0.1:$USER_PORT" deploy || { show_last; exit 1; }

# Rounds of (bound, load, bound) back to back; the machine is shared, so
# a round's bound is the mean of the one just before and just after its
# load, the median of the rounds is the figure, and every round is shown.
rounds=${BENCH_ROUNDS:-5}
val() { echo "$out" | sed -n "s/^$1: //p"; }
# One bound measurement: sets sign384 verify384 sign256 x25519 (ops/s)
# and bound (ms).
measure_bound() {
	speed=$("$OPENSSL" speed -seconds 1 ecdsap384 ecdsap256 ecdhx25519 \
	    2>/dev/null)
	sign384=$(echo "$speed" | awk '/384 bits ecdsa/ {print $(NF-1)}')
	verify384=$(echo "$speed" | awk '/384 bits ecdsa/ {print $NF}')
	sign256=$(echo "$speed" | awk '/256 bits ecdsa/ {print $(NF-1)}')
	x25519=$(echo "$speed" | awk '/ecdh \(X25519\)/ {print $NF}')
	[ -n "$sign384" ] && [ -n "$verify384" ] && [ -n "$sign256" ] &&
	    [ -n "$x25519" ] || { echo "bench_mesh: openssl speed failed" >&2;
	    exit 1; }
	bound=$(awk -v a="$sign384" -v b="$verify384" -v c="$sign256" \
	    -v d="$x25519" 'BEGIN { printf "%.4f", 1000 * (1/a + 1/b + 1/c + 2/d) }')
}
: >"$CW/rounds"
for r in $(seq 1 "$rounds"); do
	measure_bound
	before=$bound
	out=$("$top_builddir/tests/bench/bench_mesh" "127.0.0.1:$MESH_PORT" \
	    "$WS/sim" "$(hostdata web)" "$clients" "$seconds" "$coord_pid") || {
		echo "$out"; echo "bench_mesh: run failed"; exit 1; }
	measure_bound
	after=$bound
	bound=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.3f", (a + b) / 2 }')
	ratio=$(awk -v a="$(val coordinator_cpu_ms_per_cert)" -v b="$bound" \
	    'BEGIN { printf "%.2f", a / b }')
	echo "$(val certs_per_second) $ratio $(val p50_ms) $(val p99_ms) $(val coordinator_cpu_ms_per_cert) $bound $(val coordinator_rss_kb) $(val coordinator_pss_kb) $(val failures)" >>"$CW/rounds"
	printf '  round %d: %s certs/s, p50 %s ms, p99 %s ms, CPU %s ms/cert, bound %s ms (%s before, %s after: P-384 sign %s/s, verify %s/s, P-256 sign %s/s, X25519 %s/s), ratio %s\n' \
	    "$r" "$(val certs_per_second)" "$(val p50_ms)" "$(val p99_ms)" \
	    "$(val coordinator_cpu_ms_per_cert)" "$bound" "$before" "$after" \
	    "$sign384" "$verify384" "$sign256" "$x25519" "$ratio"
	echo "$out" | sed -n 's/^cpu_ms_per_cert_\([^:]*\): \(.*\)/\1 \2/p' |
	    awk '{ s = s sprintf("%s%s %s", NR > 1 ? ", " : "", $1, $2) }
	    END { print "    CPU ms/cert by process: " s }'
done
# Median and least of column $1 over the rounds.
median() {
	awk -v c="$1" '{ print $c }' "$CW/rounds" | sort -g |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
least() {
	awk -v c="$1" '{ print $c }' "$CW/rounds" | sort -g | head -n 1
}
# Interference from other tenants only adds CPU time, to the load and to
# openssl speed alike, so the least disturbed round of each is the
# closest to the true cost (as bench_ca.sh counts the best round of
# each); the median is shown next to it.
best=$(awk -v a="$(least 5)" -v b="$(least 6)" 'BEGIN { printf "%.2f", a / b }')
echo "mesh certificates, $clients concurrent sim clients, $rounds rounds of $seconds s (median unless said):"
echo "  certificates per second:        $(median 1) (target >= 300)"
echo "  latency p50 / p99:              $(median 3) ms / $(median 4) ms"
echo "  coordinator CPU per cert:       $(median 5) ms (all four processes; least $(least 5) ms)"
echo "  crypto bound per cert:          $(median 6) ms (P-384 verify + P-384 sign + P-256 sign + 2 x X25519; least $(least 6) ms)"
echo "  ratio CPU / bound:              $best, least CPU over least bound (target <= 1.5); median of the rounds' ratios $(median 2)"
echo "  RSS of the four processes:      $(awk -v k="$(median 7)" 'BEGIN { printf "%.1f", k / 1024 }') MiB (target <= 32; counts each shared library page 4 times)"
echo "  PSS of the four processes:      $(awk -v k="$(median 8)" 'BEGIN { printf "%.1f", k / 1024 }') MiB (shared pages counted once)"
echo "  failures:                       $(awk '{ s += $9 } END { print s }' "$CW/rounds")"
