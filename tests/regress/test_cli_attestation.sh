#!/bin/sh
# contrast attestation verify / inspect and contrast sim, end to end:
# the real vectors of ../shared at the README's times (exit 0 and the
# documented fields, text and JSON), invalid evidence (exit 3), I/O and
# usage errors (exit 1), and the simulated TEE's round trip and its
# rejections.
. "$top_srcdir/tests/lib.sh"

C="$top_builddir/cli/contrast"
V="$SHARED_DIR/vectors"
T=$(mktemp -d "${TMPDIR:-/tmp}/contrast-cli-att-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

# run NAME WANT_EXIT args...: output in $T/NAME.out, $T/NAME.err
run() {
	name=$1 want=$2
	shift 2
	"$C" "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name: exit $want"
	else
		not_ok "$name: exit $rc, want $want"
		sed 's/^/# /' "$T/$name.err"
	fi
}

# has NAME PATTERN: the output of NAME contains the fixed string
has() {
	if grep -qF -- "$2" "$T/$1.out"; then
		ok "$1: has $2"
	else
		not_ok "$1: lacks $2"
	fi
}

err_has() {
	if grep -qF -- "$2" "$T/$1.err"; then
		ok "$1: stderr names $2"
	else
		not_ok "$1: stderr lacks $2"
		sed 's/^/# /' "$T/$1.err"
	fi
}

# --- the simulated TEE (needs no ../shared) ---
run sim-init 0 sim init "$T/s"
run sim-init-again 1 sim init "$T/s"
err_has sim-init-again "--force"
run sim-init-b 0 sim init --image other-image "$T/b"
printf 'version = "0.1.0"\nalgorithm = "sha256"\n' >"$T/initdata.toml"
HD=$("$OPENSSL" dgst -sha256 -r "$T/initdata.toml" | cut -c1-64)
RD=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
run sim-report 0 sim report --sim-dir "$T/s" --initdata "$T/initdata.toml" \
    --report-data "$RD" -o "$T/r.bin" --certs "$T/aux.bin" \
    --evidence "$T/ev.bin"
check "sim report: 1184-byte report" test "$(wc -c <"$T/r.bin")" -eq 1184
run sim-verify 0 attestation verify --report "$T/r.bin" --certs "$T/aux.bin" \
    --reference-values "$T/s/reference-values.json" --report-data "$RD" \
    --hostdata "$HD"
has sim-verify "verdict: verified"
has sim-verify "platform: Sim-SNP"
has sim-verify "policy_hash: $HD"
has sim-verify "host_data: $HD"
has sim-verify "report_data: $RD"
has sim-verify "version: 3"
run sim-verify-blob 0 attestation verify --report "$T/ev.bin" --sim-dir "$T/s"
# The sim ARK in --chain, pinned by the reference values' digest.
run sim-verify-chain 0 attestation verify --report "$T/r.bin" \
    --vcek "$T/s/vcek.der" --chain "$T/s/cert_chain.pem" \
    --reference-values "$T/s/reference-values.json"
# CONTRAST_SIM_DIR names the sim dir when --sim-dir is absent.
CONTRAST_SIM_DIR="$T/s"
export CONTRAST_SIM_DIR
run sim-env 0 sim report --hostdata "$HD" --evidence "$T/ev3.bin"
unset CONTRAST_SIM_DIR
run sim-env-verify 0 attestation verify --report "$T/ev3.bin" \
    --reference-values "$T/s/reference-values.json" --hostdata "$HD"
run sim-verify-json 0 attestation verify --report "$T/ev.bin" \
    --reference-values "$T/s/reference-values.json" --format json
has sim-verify-json '"verdict": "verified"'
has sim-verify-json '"platform": "Sim-SNP"'
has sim-verify-json "\"host_data\": \"$HD\""
# Rejections.
run sim-no-pin 3 attestation verify --report "$T/ev.bin"
has sim-no-pin "verdict: rejected"
run sim-other-ark 3 attestation verify --report "$T/ev.bin" \
    --reference-values "$T/b/reference-values.json"
run sim-report-data 3 attestation verify --report "$T/ev.bin" \
    --reference-values "$T/s/reference-values.json" \
    --report-data "$(printf '%0128d' 0)"
has sim-report-data "reason: report_data_mismatch"
run sim-hostdata 3 attestation verify --report "$T/ev.bin" \
    --reference-values "$T/s/reference-values.json" \
    --hostdata "$(printf '%064d' 0)"
has sim-hostdata "reason: hostdata_mismatch"
run sim-image 0 sim report --sim-dir "$T/s" --hostdata "$HD" \
    --image other-image --evidence "$T/ev2.bin" -o "$T/r2.bin"
run sim-measurement 3 attestation verify --report "$T/ev2.bin" \
    --reference-values "$T/s/reference-values.json"
has sim-measurement "reason: measurement_mismatch"
sed 's/"MicrocodeVersion": 219/"MicrocodeVersion": 220/' \
    "$T/s/reference-values.json" >"$T/tcb.json"
run sim-tcb 3 attestation verify --report "$T/ev.bin" \
    --reference-values "$T/tcb.json"
has sim-tcb "reason: tcb"
# The same entry as a real platform (no ARK pin: CPUs keeps the JSON valid).
sed -e 's/"Sim-SNP"/"Metal-QEMU-SNP"/' \
    -e 's/"SimulatedARKDigest": "[0-9a-f]*"/"CPUs": 1/' \
    "$T/s/reference-values.json" >"$T/real.json"
run sim-real-entry 3 attestation verify --report "$T/ev.bin" \
    --sim-dir "$T/s" --reference-values "$T/real.json"
has sim-real-entry "reason: untrusted_root"
# Tampering: one bit of HOSTDATA.
od -An -v -tx1 "$T/r.bin" | tr -d ' \n' >"$T/r.hex"
run sim-hex 0 attestation verify --report "$T/r.hex" --certs "$T/aux.bin" \
    --sim-dir "$T/s"
sed 's/^\(.\{384\}\)\(.\)/\1f/' "$T/r.hex" >"$T/bad.hex"
if cmp -s "$T/r.hex" "$T/bad.hex"; then
	sed 's/^\(.\{384\}\)\(.\)/\1e/' "$T/r.hex" >"$T/bad.hex"
fi
run sim-tampered 3 attestation verify --report "$T/bad.hex" \
    --certs "$T/aux.bin" --sim-dir "$T/s"
has sim-tampered "reason: signature_invalid"

# --- usage and I/O errors ---
run missing-file 1 attestation verify --report "$T/nonexistent.bin"
err_has missing-file "$T/nonexistent.bin"
run missing-vcek 1 attestation verify --report "$T/r.bin" \
    --vcek "$T/no-vcek.der"
err_has missing-vcek "$T/no-vcek.der"
run no-report 1 attestation verify
run bad-at 1 attestation verify --report "$T/r.bin" --at yesterday
printf 'not a report' >"$T/junk"
run junk 1 attestation verify --report "$T/junk"
err_has junk "not an SNP report"
run inspect 0 attestation inspect --report "$T/r.bin"
has inspect "verdict: parsed"

# --- the real vectors ---
if [ ! -f "$SHARED_DIR/ARCHITECTURE.md" ]; then
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP ../shared (test vectors) not found at $SHARED_DIR"
	done_testing
	exit $?
fi
AT=2026-11-22T00:00:00Z

run gsg 0 attestation verify --report "$V/snp/go-sev-guest/attestation.bin" \
    --vcek "$V/snp/go-sev-guest/vcek.testcer" --at $AT
has gsg "verdict: verified"
has gsg "policy: 0xb0000"
has gsg "reported_tcb: 0x4405000000000002"
has gsg "measurement: b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01"
has gsg "chip_id: 3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b564ea464cdce40c05f63c9b610c5068b006b5d"
has gsg "report_id: 8edc638e1857c555d21f6b11bda3c8b1b5a09dba4852b4c8ee7aa2f16f22cc0a"
has gsg "current_version: 1.49.3"
run gsg-json 0 attestation verify --report "$V/snp/go-sev-guest/attestation.bin" \
    --vcek "$V/snp/go-sev-guest/vcek.testcer" --at $AT --format json
has gsg-json '"verdict": "verified"'
has gsg-json '"measurement": "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01"'
has gsg-json '"raw": "0x4405000000000002"'

run virtee 0 attestation verify --report "$V/snp/virtee-sev/report_milan.hex" \
    --vcek "$V/snp/virtee-sev/vcek_milan.der" \
    --chain "$V/snp/virtee-sev/cert_chain_milan.pem" --at $AT
has virtee "report_data: d447b55d197491bfe15cf298f9de9986b7a7c4be2468b4f6e2d53b71d7c645810b0f2cdfca0040433be063fc1a8293f0f3f8dae7b79fecb3d1cd82bd6a93ebfd"
has virtee "current_version: 1.52.4"

run trustee 0 attestation verify --report "$V/snp/trustee/test-report.bin" \
    --vcek "$V/snp/trustee/test-vcek.der" --at $AT
has trustee "current_tcb: 0xce08000000000003"
has trustee "id_key_digest: 0356215882a825279a85b300b0b742931d113bf7e32dde2e50ffde7ec743ca491ecdd7f336dc28a6e0b2bb57af7a44a3"

run vlek 0 attestation verify --report "$V/snp/trustee/test-vlek-report.bin" \
    --vcek "$V/snp/trustee/test-vlek.der" --at 2025-06-01T00:00:00Z
has vlek "signer: VLEK"
has vlek "vmpl: 1"
run vlek-expired 3 attestation verify \
    --report "$V/snp/trustee/test-vlek-report.bin" \
    --vcek "$V/snp/trustee/test-vlek.der" --at $AT
has vlek-expired "verdict: rejected"

run genoa 0 attestation verify --report "$V/snp/trustee/e2e-genoa-report.bin" \
    --vcek "$V/snp/trustee/e2e-genoa-vcek.der" --at $AT
has genoa "cpuid_fam_mod_step: 19/a0/02"
has genoa "product: Genoa"

run azure 0 attestation verify \
    --report "$V/snp/azure-via-trustee/milan-snp-report.bin" \
    --vcek "$V/snp/azure-via-trustee/milan-vcek-ask-ark.pem" --at $AT
has azure "report_id: 0d4188526468615ddf11dac0e0ef1b2a712631b2b9ec02d0e863a8f6d69ed0b0"

run turin 0 attestation verify \
    --report "$V/snp/microsoft-tav/turin_attestation_report.bin" \
    --vcek "$V/snp/microsoft-tav/turin_vcek.pem" --at $AT --format json
has turin '"product": "Turin"'
has turin '"host_data": "b3452a0ed30f1010bd32740dd1610bc63296ceb0f882f2cac3a3152d651fe7e4"'
has turin '"launch_mit_vector": "0x3f"'

# Invalid evidence: exit 3.
run invalid-vcek 3 attestation verify --report "$V/snp/trustee/test-report.bin" \
    --vcek "$V/snp/trustee/test-vcek-invalid-legacy.der" --at $AT
tr -d ' \n\r\t' <"$V/snp/virtee-sev/report_milan.hex" >"$T/v.hex"
# Flip report byte 21 (hex chars 42..43) as the virtee test does.
b=$(cut -c43-44 "$T/v.hex")
nb=$(printf '%02x' $((0x$b ^ 0x80)))
sed "s/^\(.\{42\}\)../\1$nb/" "$T/v.hex" >"$T/v-bad.hex"
run virtee-flipped 3 attestation verify --report "$T/v-bad.hex" \
    --vcek "$V/snp/virtee-sev/vcek_milan.der" --at $AT
has virtee-flipped "reason: signature_invalid"
run wrong-roots 3 attestation verify \
    --report "$V/snp/microsoft-tav/milan_attestation_report.bin" \
    --vcek "$V/snp/microsoft-tav/milan_vcek.pem" \
    --chain "$V/snp/microsoft-tav/genoa_ask.pem" --at $AT

# TDX.
run tdx-spr 0 attestation verify \
    --report "$V/tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat" \
    --at 2023-07-01T00:00:00Z
has tdx-spr "verdict: verified"
has tdx-spr "platform: TDX"
run tdx-spr-late 3 attestation verify \
    --report "$V/tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat" \
    --at 2053-07-01T00:00:00Z
run tdx-qvl 0 attestation verify --report "$V/tdx/dcap-qvl/tdx_quote.dat" \
    --collateral "$V/tdx/dcap-qvl/tdx_quote_collateral.json" \
    --at 2025-07-01T00:00:00Z --format json
has tdx-qvl '"tcb_status": "UpToDate"'
has tdx-qvl '"verdict": "verified"'
run tdx-outdated 3 attestation verify \
    --report "$V/tdx/dcap-qvl/tdx_quote_outdated.dat" \
    --collateral "$V/tdx/dcap-qvl/tdx_quote_outdated_collateral.json" \
    --at 2026-03-01T00:00:00Z
run tdx-inspect 0 attestation inspect \
    --report "$V/tdx/trustee/tdx_quote_6.dat"

done_testing
