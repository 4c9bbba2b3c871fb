#!/bin/sh
# SEV-SNP verifications per second with the chain cached, against the
# machine's raw ECDSA P-384 verify rate (`openssl speed ecdsap384'), both
# measured now.  One cached verification = report parse + cache lookup
# (SHA-256 of the certificates) + SHA-384 of 672 bytes + one ECDSA P-384
# verify, so the ratio should be close to 1 (target >= 0.90).  Both
# rates are per CPU second (openssl speed counts user CPU time), so other
# load on the machine does not skew the ratio.
set -eu
: "${top_builddir:=.}"
: "${OPENSSL:=openssl}"
: "${SHARED_DIR:=}"
secs=${BENCH_SECONDS:-3}
if [ ! -f "$SHARED_DIR/ARCHITECTURE.md" ]; then
	echo "bench_snp: skipped, ../shared (SNP vectors) not found"
	exit 0
fi
export SHARED_DIR

out=$("$top_builddir/tests/bench/bench_snp" "$secs")
# "384 bits ecdsa (nistp384)   0.0006s   0.0005s   1777.4   2079.0"
speed=$("$OPENSSL" speed -seconds "$secs" ecdsap384 2>/dev/null |
    awk '/ecdsa \(nistp384\)/ { print $NF }')
if [ -z "$out" ] || [ -z "$speed" ]; then
	echo "bench_snp: could not measure (bench: '$out', openssl: '$speed')"
	exit 1
fi
echo "$out" | awk -v sp="$speed" '
	$1 == "cold" { printf "first verification (full chain): %.1f ms\n", $3 * 1e3 }
	$1 == "evidence" || $1 == "verify" {
		rate = $2 / $3
		printf "snp_%s (cached chain): %.0f/s (%.1f us each)\n", \
		    $1 == "evidence" ? "verify_evidence" : "verify + refvals", \
		    rate, 1e6 / rate
		printf "  ratio to openssl speed ecdsap384 verify (%.0f/s): %.2f\n", \
		    sp, rate / sp
	}'
