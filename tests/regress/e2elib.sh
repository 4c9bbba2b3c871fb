# End-to-end helpers: a workspace with a simulated TEE and the demo
# deployment generated for it, a Coordinator in a simulated VM, pods'
# initializers.  Source after tests/lib.sh and tests/sandbox/coordlib.sh.

CONTRAST="$top_builddir/cli/contrast"
INIT="$top_builddir/initializer/contrast-initializer"
E2E_CLIENT="$top_builddir/tests/regress/e2e_client"
WS="$CW/ws"

# The decoded initdata of the pod template in a YAML file.
e2e_initdata() {
	grep -m1 'io.katacontainers.config.hypervisor.cc_init_data:' "$1" |
	    sed 's/.*cc_init_data: *//; s/"//g' | base64 -d | gunzip
}

# Owner workspace: sim/, deploy/ generated, keys, manifest.json; the
# initdata and HOSTDATA of each workload under $CW/initdata.
e2e_setup() {
	local f
	mkdir -p "$WS/deploy" "$CW/initdata" "$CW/pods"
	cp "$top_srcdir"/contrib/demo/emojivoto/*.yml \
	    "$top_srcdir/contrib/kubernetes/coordinator.yml" "$WS/deploy/" ||
	    return 1
	(cd "$WS" && "$CONTRAST" sim init ./sim >/dev/null 2>&1 &&
	    "$CONTRAST" generate --reference-values sim-snp deploy \
	    >"$CW/generate.log" 2>&1) || { sed 's/^/# /' "$CW/generate.log";
	    return 1; }
	for f in web emoji voting vote-bot coordinator; do
		e2e_initdata "$WS/deploy/$f.yml" >"$CW/initdata/$f.toml" ||
		    return 1
		sha256sum <"$CW/initdata/$f.toml" | cut -d' ' -f1 \
		    >"$CW/initdata/$f.hostdata"
	done
}

hostdata() {
	cat "$CW/initdata/$1.hostdata"
}

e2e_start() {
	coord_start --tee sim --sim-dir "$WS/sim" \
	    --sim-initdata "$CW/initdata/coordinator.toml" "$@" &&
	    wait_for 10 probe_is /probe/startup 200
}

probe_is() {
	[ "$(http_status "$PROBE_PORT" "$1")" = "$2" ]
}

# contrast in the owner workspace, output to $CW/last.out.
owner() {
	(cd "$WS" && "$CONTRAST" "$@") >"$CW/last.out" 2>&1
}

last_has() {
	grep -q -- "$1" "$CW/last.out"
}

show_last() {
	sed 's/^/# /' "$CW/last.out"
}

# pod NAME [initializer args]: NAME's initializer, once, into $CW/pods/NAME.
pod() {
	local name=$1
	shift
	rm -rf "$CW/pods/$name"
	mkdir -p "$CW/pods/$name"
	"$INIT" -c "127.0.0.1:$MESH_PORT" --tee sim --sim-dir "$WS/sim" \
	    --sim-initdata "$CW/initdata/$name.toml" --root "$CW/pods/$name" \
	    --once "$@" >"$CW/pod-$name.log" 2>&1
}

pod_file() {
	echo "$CW/pods/$1/$2"
}

# SHA-256 of a certificate's public key (stable across re-issued certs).
pubkey_hash() {
	"$OPENSSL" x509 -in "$1" -noout -pubkey | sha256sum | cut -d' ' -f1
}
