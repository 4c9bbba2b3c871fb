#!/bin/sh
# contrast generate over every file of ../shared/k8s-inputs: injections
# present, output parses, untouched documents byte-identical, policy
# hashes in manifest.json equal SHA-256 of the decoded initdata, and a
# second run changes nothing.
. "$top_srcdir/tests/lib.sh"
need_shared

CONTRAST="$top_builddir/cli/contrast"
YC="$top_builddir/tests/regress/yamlcheck"
DATA="$top_srcdir/tests/data/generate"
IN="$SHARED_DIR/k8s-inputs"
W=$(mktemp -d "${TMPDIR:-/tmp}/contrast-gen.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1

# One pair of owner keys for all runs (RSA-4096 generation is slow).
"$OPENSSL" ecparam -name secp384r1 -genkey -noout -out workload-owner.pem \
    2>/dev/null
"$OPENSSL" genrsa -traditional -out seedshare-owner.pem 3072 2>/dev/null ||
    "$OPENSSL" genrsa -out seedshare-owner.pem 3072 2>/dev/null

gen() {
	"$CONTRAST" generate --reference-values metal-qemu-snp "$@" \
	    2>>"$W/stderr"
}

# Give workloads without a runtime class the confidential one.
make_confidential() {
	if grep -q -e 'runtimeClassName' -e 'kata-cc-isolation' "$1"; then
		return
	fi
	case $1 in
	*.json)
		sed -i 's/"containers" *: *\[/"runtimeClassName": "contrast-cc", &/' "$1" ;;
	*)
		sed -i -E 's/^( +)containers:[[:space:]]*$/\1runtimeClassName: contrast-cc\n&/' "$1" ;;
	esac
}

# All initdata annotations decode to TOML whose SHA-256 is a policy key.
check_hashes() {
	out=$1
	manifest=$2
	n=0
	for v in $("$YC" workloads "$out" | sed -n 's/.* initdata=\([^-][^ ]*\)$/\1/p'); do
		h=$(printf '%s' "$v" | base64 -d | gunzip | sha256sum | cut -d' ' -f1)
		grep -q "\"$h\"" "$manifest" || { diag "hash $h not in $manifest"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# Every confidential workload has the injections; others have none.
check_injections() {
	"$YC" workloads "$1" > "$W/wl" || return 1
	while read -r kind name rc init mounts vol initdata; do
		case $rc in
		rc=contrast-cc-metal-qemu-snp-????????)
			case $init in
			init=contrast-initializer*) ;;
			*) diag "$kind $name: $init"; return 1 ;;
			esac
			[ "$mounts" = mounts=ok ] || { diag "$kind $name: $mounts"; return 1; }
			[ "$vol" = vol=Memory ] || { diag "$kind $name: $vol"; return 1; }
			[ "$initdata" != initdata=- ] || { diag "$kind $name: no initdata"; return 1; }
			;;
		*)
			case $init in
			*contrast-initializer*) diag "$kind $name: injected"; return 1 ;;
			esac
			[ "$initdata" = initdata=- ] || { diag "$kind $name: initdata"; return 1; }
			;;
		esac
	done < "$W/wl"
}

# Documents without a confidential workload are byte-identical.
check_untouched() {
	"$YC" docs "$1" > "$W/d1" && "$YC" docs "$2" > "$W/d2" || return 1
	[ "$(wc -l < "$W/d1")" = "$(wc -l < "$W/d2")" ] || return 1
	paste -d' ' "$W/d1" "$W/d2" | while read -r i h1 c1 j h2 c2; do
		if [ "$c1" = plain ] && [ "$h1" != "$h2" ]; then
			diag "document $i changed"
			exit 1
		fi
	done
}

i=0
for f in $(cd "$IN" && find . -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.json' \) | sort); do
	i=$((i + 1))
	d="$W/case$i"
	mkdir -p "$d"
	base=$(basename "$f")
	cp "$IN/$f" "$d/$base"
	make_confidential "$d/$base"
	cp "$d/$base" "$d/orig.$base"
	cp "$DATA/coordinator.yml" "$d/contrast-coordinator.yml"
	: > "$W/stderr"
	if ! gen -m "$d/manifest.json" "$d/$base" "$d/contrast-coordinator.yml"; then
		not_ok "$f: generate"
		sed 's/^/# /' "$W/stderr"
		continue
	fi
	ok "$f: generate"
	check "$f: output parses" "$YC" docs "$d/$base"
	if grep -q -e runtimeClassName -e 'kata-cc' "$d/orig.$base"; then
		check "$f: injections" check_injections "$d/$base"
		check "$f: policy hashes = SHA-256(initdata)" \
		    check_hashes "$d/$base" "$d/manifest.json"
	else
		check "$f: no workloads, unchanged" cmp -s "$d/$base" "$d/orig.$base"
	fi
	check "$f: untouched documents byte-identical" \
	    check_untouched "$d/orig.$base" "$d/$base"
	(cd "$d" && md5sum "$base" contrast-coordinator.yml manifest.json > "$W/sum")
	gen -m "$d/manifest.json" "$d/$base" "$d/contrast-coordinator.yml"
	check "$f: second run changes nothing" sh -c "cd '$d' && md5sum -c --quiet '$W/sum'"
done

# A directory as input; the non-confidential vote-bot stays as it was.
mkdir -p "$W/dir/emojivoto"
cp "$IN"/contrast-emojivoto/*.yml "$W/dir/emojivoto/"
cp "$DATA/coordinator.yml" "$W/dir/"
: > "$W/stderr"
check "directory: generate" gen -m "$W/dir/manifest.json" "$W/dir"
check "directory: vote-bot untouched" \
    cmp -s "$W/dir/emojivoto/vote-bot.yml" "$IN/contrast-emojivoto/vote-bot.yml"
check "directory: web injected" check_injections "$W/dir/emojivoto/web.yml"
check "directory: coordinator has the coordinator role" \
    grep -q '"Role": "coordinator"' "$W/dir/manifest.json"
check "directory: coordinator has no initializer" \
    sh -c "'$YC' workloads '$W/dir/coordinator.yml' | grep -q 'StatefulSet coordinator rc=contrast-cc-metal-qemu-snp-........ init=- '"
check "directory: COORDINATOR_HOST names the Coordinator namespace" \
    grep -q 'value: coordinator-ready.edg-default' "$W/dir/emojivoto/web.yml"
check "directory: WorkloadSecretID" \
    grep -q '"WorkloadSecretID": "apps/v1/Deployment/edg-default/web"' "$W/dir/manifest.json"
check "directory: owner keys in manifest" \
    grep -q '"WorkloadOwnerPubKeys": \[$' "$W/dir/manifest.json"
check "directory: memory warning names file and container" \
    grep -q 'emoji.yml:[0-9]*: Deployment/emoji: container emoji-svc: memory' "$W/stderr"

# Service mesh: native sidecar after the initializer, annotations copied.
mkdir -p "$W/mesh"
cp "$DATA/mesh.yml" "$DATA/coordinator.yml" "$W/mesh/"
check "mesh: generate" gen -m "$W/mesh/manifest.json" "$W/mesh/mesh.yml" "$W/mesh/coordinator.yml"
check "mesh: initializer then sidecar" \
    sh -c "'$YC' workloads '$W/mesh/mesh.yml' | grep -q 'init=contrast-initializer,contrast-service-mesh,setup '"
check "mesh: egress config passed on" \
    grep -q 'value: billing#127.137.0.1:8081#billing:8080##db#127.137.0.2:5432#db.example.com:5432$' "$W/mesh/mesh.yml"
check "mesh: comment kept" grep -q '# keep me' "$W/mesh/mesh.yml"
check "mesh: hashes" check_hashes "$W/mesh/mesh.yml" "$W/mesh/manifest.json"
(cd "$W/mesh" && md5sum mesh.yml manifest.json > "$W/sum")
gen -m "$W/mesh/manifest.json" "$W/mesh/mesh.yml" "$W/mesh/coordinator.yml"
check "mesh: second run changes nothing" sh -c "cd '$W/mesh' && md5sum -c --quiet '$W/sum'"

# stdin in, stdout out; the file arguments stay as they are.
cp "$DATA/coordinator.yml" "$W/coord2.yml"
cp "$W/coord2.yml" "$W/coord2.orig"
gen -m "$W/m2.json" - < "$IN/contrast-emojivoto/web.yml" > "$W/stdout.yml"
check "stdin without a Coordinator: error, no output" sh -c "[ $? -eq 1 ] && ! grep -q . '$W/stdout.yml'"
gen -m "$W/m3.json" -o - - "$W/coord2.yml" < "$IN/contrast-emojivoto/web.yml" > "$W/combined.yml"
check "stdin+file to stdout: both in the output" \
    sh -c "'$YC' workloads '$W/combined.yml' | grep -c 'rc=contrast-cc-metal' | grep -qx 2"
check "-o: input files untouched" cmp -s "$W/coord2.yml" "$W/coord2.orig"

# The simulated platform takes its values from the sim directory.
mkdir -p "$W/sim/sim"
cp "$DATA/sim-reference-values.json" "$W/sim/sim/reference-values.json"
cp "$DATA/coordinator.yml" "$W/sim/"
cp workload-owner.pem seedshare-owner.pem "$W/sim/"
check "sim-snp: generate" sh -c "cd '$W/sim' && '$CONTRAST' generate --reference-values sim-snp coordinator.yml 2>'$W/sim.err'"
check "sim-snp: no fill-in warning" sh -c "! grep -q 'fill in' '$W/sim.err'"
check "sim-snp: handler name" grep -q 'runtimeClassName: contrast-cc-sim-snp-[0-9a-f]\{8\}$' "$W/sim/coordinator.yml"
check "sim-snp: reference values copied" grep -q '"Platform": "Sim-SNP"' "$W/sim/manifest.json"
check "sim-snp: CONTRAST_SIM_DIR" sh -c "cd '$W/sim' && mv sim sim2 && CONTRAST_SIM_DIR=sim2 '$CONTRAST' generate --reference-values sim-snp coordinator.yml 2>/dev/null"

# Reference-value patches fill in the values; no warning remains.
mkdir -p "$W/patch"
cp "$DATA/coordinator.yml" workload-owner.pem seedshare-owner.pem "$W/patch/"
check "patches: generate" sh -c "cd '$W/patch' && '$CONTRAST' generate --reference-values metal-qemu-snp --reference-value-patches '$DATA/refval-patch-snp.json' coordinator.yml 2>'$W/patch.err'"
check "patches: applied" grep -q '"TrustedMeasurement": "0123' "$W/patch/manifest.json"
check "patches: no fill-in warning" sh -c "! grep -q 'fill in' '$W/patch.err'"

# Keys: generated 0600 when missing; --disable-updates empties the list.
mkdir -p "$W/keys"
cp "$DATA/coordinator.yml" seedshare-owner.pem "$W/keys/"
check "keys: default owner key generated" sh -c "cd '$W/keys' && '$CONTRAST' generate --reference-values metal-qemu-snp coordinator.yml 2>/dev/null && test -f workload-owner.pem"
check "keys: mode 0600" sh -c "[ \$(stat -c %a '$W/keys/workload-owner.pem') = 600 ]"
check "keys: public key in manifest" sh -c "grep -q \$('$OPENSSL' pkey -in '$W/keys/workload-owner.pem' -pubout -outform DER 2>/dev/null | od -An -tx1 | tr -d ' \n') '$W/keys/manifest.json'"
rm -f "$W/keys/manifest.json"
check "keys: --disable-updates" sh -c "cd '$W/keys' && '$CONTRAST' generate --reference-values metal-qemu-snp -d coordinator.yml 2>/dev/null && grep -q '\"WorkloadOwnerPubKeys\": \[\]' manifest.json"

# contrast runtime prints the RuntimeClass generate refers to.
"$CONTRAST" runtime --platform metal-qemu-snp > "$W/runtime.yml" 2>/dev/null
check "runtime: output parses" "$YC" docs "$W/runtime.yml"
h=$(sed -n 's/^handler: //p' "$W/runtime.yml")
check "runtime: handler is the one generate writes" \
    grep -q "runtimeClassName: $h\$" "$W/dir/emojivoto/web.yml"
check "runtime: node installer DaemonSet" \
    grep -q "name: $h-nodeinstaller\$" "$W/runtime.yml"
check "runtime: sim-snp handler matches generate's" sh -c \
    "'$CONTRAST' runtime --platform sim-snp --sim-dir '$W/sim/sim2' 2>/dev/null | grep -q \"^handler: \$(sed -n 's/^ *runtimeClassName: //p' '$W/sim/coordinator.yml')\\\$\""
check "runtime: unknown platform fails" sh -c "! '$CONTRAST' runtime --platform x86 2>/dev/null"

done_testing
