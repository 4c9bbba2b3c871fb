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
fuzz_default=20
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

fuzz_run fuzz_snp_report 16384 "$work/reports"
fuzz_run fuzz_cert_chain 16384 "$work/certs"
done_testing
