#!/bin/sh
# Bounded libFuzzer runs of fuzz_snp_report and fuzz_cert_chain (fuzz
# build only), seeded from the SNP vectors of ../shared and the built-in
# AMD roots.  FUZZ_TIME overrides the seconds per harness (default 20).
. "$top_srcdir/tests/lib.sh"

rep="$top_builddir/tests/fuzz/fuzz_snp_report"
cert="$top_builddir/tests/fuzz/fuzz_cert_chain"
[ -x "$rep" ] && [ -x "$cert" ] ||
    skip_all "SNP fuzzers not built (configure --enable-fuzzing)"
need_shared
: "${FUZZ_TIME:=20}"
export SHARED_DIR

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-snp.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/reports" "$work/certs"
v="$SHARED_DIR/vectors"
for f in "$v"/snp/*/*.bin; do
	case "$f" in *hcl-report*) continue ;; esac
	cp "$f" "$work/reports/$(basename "$(dirname "$f")")-$(basename "$f")"
done
xxd -r -p "$v/snp/virtee-sev/report_milan.hex" "$work/reports/virtee.bin" \
    2>/dev/null || rm -f "$work/reports/virtee.bin"
# Certificate seeds: one copy per harness path (first byte 0..3).
i=0
for f in "$v"/snp/*/*.der "$v"/snp/*/*.pem "$v"/snp/*/*.testcer \
    "$v"/roots/amd/*/*.pem "$v"/roots/amd/kds-bundles/*.pem; do
	[ -f "$f" ] || continue
	for m in 0 1 3; do
		{ printf "\\00$m"; cat "$f"; } >"$work/certs/$i-$m"
	done
	i=$((i + 1))
done
diag "seeds: $(ls "$work/reports" | wc -l) reports, $(ls "$work/certs" | wc -l) certificate inputs"

run() {
	name=$1
	shift
	if "$@" -max_total_time="$FUZZ_TIME" -rss_limit_mb=2048 \
	    -max_len=16384 -timeout=10 -print_final_stats=1 \
	    >"$work/$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$work/$name.log")
		ok "$name: ${runs:-?} executions in ${FUZZ_TIME}s, no crash"
	else
		not_ok "$name crashed, leaked or timed out"
		sed 's/^/# /' "$work/$name.log" | tail -40
	fi
}
run fuzz_snp_report "$rep" "$work/reports"
run fuzz_cert_chain "$cert" "$work/certs"
done_testing
