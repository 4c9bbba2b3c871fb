#!/bin/sh
# contrast generate on bad input: exit 1, an error naming file and line,
# and nothing written (input checksums unchanged, no manifest, no keys).
# Needs no ../shared: the inputs are written here.
. "$top_srcdir/tests/lib.sh"

CONTRAST="$top_builddir/cli/contrast"
DATA="$top_srcdir/tests/data/generate"
W=$(mktemp -d "${TMPDIR:-/tmp}/contrast-generr.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
cp "$DATA/coordinator.yml" coordinator.yml
chmod u+w coordinator.yml

# A good workload to go with each bad one: it must not be written either.
cat > good.yml <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  runtimeClassName: contrast-cc
  containers:
    - name: app
      image: example.com/app@sha256:0000000000000000000000000000000000000000000000000000000000000000
EOF

# expect_error NAME PATTERN FILE [generate args...]: the bad file is FILE.
expect_error() {
	name=$1
	pattern=$2
	shift 2
	md5sum ./*.yml > "$W/sums"
	"$CONTRAST" generate --reference-values metal-qemu-snp "$@" \
	    >"$W/out" 2>"$W/err"
	rc=$?
	if [ "$rc" -eq 1 ]; then ok "$name: exit 1"; else not_ok "$name: exit $rc"; fi
	if grep -q -e "$pattern" "$W/err"; then
		ok "$name: error names the place"
	else
		not_ok "$name: error names the place"
		sed 's/^/# /' "$W/err"
	fi
	check "$name: inputs unchanged" md5sum -c --quiet "$W/sums"
	check "$name: no manifest, no keys" sh -c \
	    "! ls manifest.json workload-owner.pem seedshare-owner.pem 2>/dev/null | grep -q ."
}

printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {a: b\nspec: {}\n' > syntax.yml
expect_error "YAML syntax error" 'syntax.yml:[0-9][0-9]*: ' good.yml syntax.yml coordinator.yml

printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  name: y\n' > dupkey.yml
expect_error "duplicate key" "dupkey.yml:5: duplicate key 'name'" good.yml dupkey.yml coordinator.yml

mesh() {
	cat > mesh.yml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    metadata:
      annotations:
        contrast.edgeless.systems/servicemesh-$1: "$2"
    spec:
      runtimeClassName: contrast-cc
      containers:
        - name: shop
          image: example.com/shop:1
EOF
}
mesh egress "billing#10.0.0.1:8081#billing:8080"
expect_error "egress listen IP outside 127.0.0.0/8" \
    'mesh.yml:9: Deployment/shop: annotation contrast.edgeless.systems/servicemesh-egress: entry 1: listen address' \
    good.yml mesh.yml coordinator.yml
mesh egress "billing#127.0.0.1:0#billing:8080"
expect_error "egress port 0" 'mesh.yml:9: .*listen address' good.yml mesh.yml coordinator.yml
mesh egress "billing#127.0.0.1:80#billing:8080##x#127.0.0.2:81"
expect_error "egress entry with 2 fields" 'mesh.yml:9: .*entry 2 .* must have 3 fields' good.yml mesh.yml coordinator.yml
mesh egress "billing#127.0.0.1:80#billing:65536"
expect_error "egress remote port" 'mesh.yml:9: .*remote' good.yml mesh.yml coordinator.yml
mesh egress ""
expect_error "empty egress" 'mesh.yml:9: .*servicemesh-egress is empty' good.yml mesh.yml coordinator.yml
mesh ingress "web#8080#maybe"
expect_error "ingress bool" 'mesh.yml:9: .*must be true or false' good.yml mesh.yml coordinator.yml
mesh ingress "web#http#true"
expect_error "ingress port" 'mesh.yml:9: .*bad port' good.yml mesh.yml coordinator.yml
rm -f mesh.yml

cat > crd.yml <<'EOF'
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  template:
    spec:
      runtimeClassName: contrast-cc
EOF
expect_error "runtime class on an unknown kind" \
    'crd.yml:8: runtimeClassName contrast-cc on Widget/w: kind Widget' good.yml crd.yml coordinator.yml
rm -f crd.yml

printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  runtimeClassName: contrast-cc-metal-qemu-snp-xyz\n  containers: []\n' > badrc.yml
expect_error "malformed versioned runtime class" 'badrc.yml:6: .*unknown runtime class' good.yml badrc.yml coordinator.yml
rm -f badrc.yml

printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  runtimeClassName: contrast-cc-metal-qemu-tdx\n  containers:\n    - name: a\n      image: a\n' > tdx.yml
expect_error "runtime class for another platform" 'tdx.yml:6: .*is for platform metal-qemu-tdx' good.yml tdx.yml coordinator.yml
rm -f tdx.yml

expect_error "no Coordinator" 'No Coordinator resource found, did you forget to add it to your resources?' good.yml

expect_error "unreadable workload owner key" 'missing.pem' -w missing.pem good.yml coordinator.yml
echo garbage > bad.pem.yml
expect_error "garbage seedshare owner key" 'bad.pem.yml' --add-seedshare-owner-key bad.pem.yml good.yml coordinator.yml
rm -f bad.pem.yml

# 256 KiB of annotations: Kubernetes would refuse the pod.
{
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  annotations:\n    big: "'
	head -c 270000 /dev/zero | tr '\0' 'a'
	printf '"\nspec:\n  runtimeClassName: contrast-cc\n  containers:\n    - name: a\n      image: a\n'
} > big.yml
expect_error "annotations over 256 KiB" 'big.yml:1: Pod/big: annotations would be' good.yml big.yml coordinator.yml
rm -f big.yml

printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  runtimeClassName: contrast-cc\n  containers:\n    - name: a\n      image: a\n      env: &e\n        - name: X\n          value: y\n    - name: b\n      image: b\n      env: *e\n' > alias.yml
expect_error "YAML alias in a workload" 'alias.yml:[0-9]*: .*aliases are not supported' good.yml alias.yml coordinator.yml
rm -f alias.yml

expect_error "unknown platform" 'unknown platform' --reference-values nope good.yml coordinator.yml
expect_error "file given twice" 'given twice' good.yml good.yml coordinator.yml

done_testing
