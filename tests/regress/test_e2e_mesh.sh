#!/bin/bash
# Issue 4, end to end on loopback with the simulated TEE: a workload gets
# a mesh certificate only with evidence that matches the manifest, bound
# to the Coordinator's nonce and to its own key; updates need the owner's
# signature and rotate the mesh CA under an unchanged root.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"
. "$top_srcdir/tests/regress/e2elib.sh"
coord_need_user

check "workspace: sim init and generate" e2e_setup
check "coordinator starts with the simulated TEE" e2e_start
check "readiness 503 before a manifest" probe_is /probe/readiness 503
check "mesh API refuses before a manifest" \
    eval '! pod web && grep -q no_manifest "$CW/pod-web.log"'

# set re-reads the policies from the YAML: they must be the manifest's.
if owner set -c "127.0.0.1:$USER_PORT" --retry-timeout 0 deploy/web.yml
then not_ok "set refuses YAML missing some of the manifest's policies"
else check "set refuses YAML missing some of the manifest's policies" \
    last_has "no resource among the given paths has it"; fi
cp "$WS/deploy/web.yml" "$CW/web-changed.yml"
sed -i 's/emojivoto-web:v11/emojivoto-web:v12/' "$CW/web-changed.yml"
(cd "$WS" && "$CONTRAST" generate --reference-values sim-snp -m "$CW/other.json" \
    "$CW/web-changed.yml" "$WS/deploy/coordinator.yml" -o "$CW/changed.yml") >/dev/null 2>&1
if owner set -c "127.0.0.1:$USER_PORT" --retry-timeout 0 deploy "$CW/changed.yml"
then not_ok "set refuses a workload whose policy is not in the manifest"
else check "set refuses a workload whose policy is not in the manifest" \
    last_has "is not in"; fi

if owner set -c "127.0.0.1:$USER_PORT" deploy; then ok "first set (TOFU)"
else show_last; not_ok "first set (TOFU)"; fi
check "set wrote the CAs and seed shares" test -s "$WS/mesh-ca.pem" -a \
    -s "$WS/coordinator-root-ca.pem" -a -s "$WS/seed-shares.json"
check "seed-shares.json is 0600" \
    test "$(stat -c %a "$WS/seed-shares.json")" = 600
check "readiness 200 with a manifest" wait_for 5 probe_is /probe/readiness 200

check "web's initializer gets a certificate" pod web
chain=$(pod_file web tls-config/certChain.pem)
cp "$chain" "$CW/web.1.pem"
check "openssl verify -CAfile mesh-ca.pem accepts it" \
    "$OPENSSL" verify -CAfile "$WS/mesh-ca.pem" "$chain"
check "it chains to the root through the intermediate" \
    "$OPENSSL" verify -CAfile "$WS/coordinator-root-ca.pem" \
    -untrusted "$chain" "$chain"
sans=$("$OPENSSL" x509 -in "$chain" -noout -ext subjectAltName 2>/dev/null)
check "SANs are the manifest's (web, *) plus the peer IP" \
    eval 'echo "$sans" | grep -q "DNS:web" && echo "$sans" | grep -q "DNS:\*" &&
    echo "$sans" | grep -q "IP Address:127.0.0.1"'
eku=$("$OPENSSL" x509 -in "$chain" -noout -ext extendedKeyUsage 2>/dev/null)
check "EKU client and server auth" eval 'echo "$eku" | grep -q "TLS Web Server Authentication" &&
    echo "$eku" | grep -q "TLS Web Client Authentication"'
check "key.pem is 0400" test "$(stat -c %a "$(pod_file web tls-config/key.pem)")" = 400
check "the leaf is for the key the pod made" eval '[ "$("$OPENSSL" x509 -in "$chain" \
    -noout -pubkey)" = "$("$OPENSSL" pkey -in "$(pod_file web tls-config/key.pem)" -pubout)" ]'
secret=$(pod_file web secrets/workload-secret-seed)
check "workload secret: 128 hex digits, 0400" eval '[ "$(stat -c %a "$secret")" = 400 ] &&
    grep -qE "^[0-9a-f]{128}$" "$secret"'

check "a HOSTDATA not in the manifest is refused" eval '! pod web --sim-hostdata \
    "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d " \n")" &&
    grep -q permission_denied "$CW/pod-web.log"'
hd=$(hostdata web)
check "the hostile client gets a certificate when honest" \
    "$E2E_CLIENT" mesh-ok "127.0.0.1:$MESH_PORT" "$WS/sim" "$hd"
check "evidence for another connection's nonce is refused" \
    "$E2E_CLIENT" foreign-nonce "127.0.0.1:$MESH_PORT" "$WS/sim" "$hd"
check "evidence replayed on a new connection is refused" \
    "$E2E_CLIENT" replay "127.0.0.1:$MESH_PORT" "$WS/sim" "$hd"
check "evidence covering another key is refused" \
    "$E2E_CLIENT" other-key "127.0.0.1:$MESH_PORT" "$WS/sim" "$hd"
check "the Coordinator closes the connection after MESH_CERT" \
    "$E2E_CLIENT" spent "127.0.0.1:$MESH_PORT" "$WS/sim" "$hd"

# Updates.
cp "$WS/manifest.json" "$CW/manifest.1.json"
sed -i 's/^        "web",$/        "web",\n        "web.example",/' "$WS/manifest.json"
"$OPENSSL" ecparam -name secp384r1 -genkey -noout -out "$CW/stranger.pem" 2>/dev/null
if owner set -c "127.0.0.1:$USER_PORT" --workload-owner-key "$CW/stranger.pem" deploy
then not_ok "an update signed by a stranger is refused"
else check "an update signed by a stranger is refused" last_has permission_denied; fi
head -c 102 /dev/urandom >"$CW/garbage.sig"
if owner set -c "127.0.0.1:$USER_PORT" -s "$CW/garbage.sig" deploy
then not_ok "an update with a garbage signature is refused"
else check "an update with a garbage signature is refused" last_has permission_denied; fi
(cd "$WS" && "$CONTRAST" sign --latest-transition \
    "$(printf '%064d' 0)" --out "$CW/stale.sig") >/dev/null 2>&1
if owner set -c "127.0.0.1:$USER_PORT" -s "$CW/stale.sig" deploy
then not_ok "an owner signature over a stale transition is refused"
else check "an owner signature over a stale transition is refused" last_has permission_denied; fi

cp "$WS/mesh-ca.pem" "$CW/mesh-ca.1.pem"
cp "$WS/coordinator-root-ca.pem" "$CW/root.1.pem"
if owner set -c "127.0.0.1:$USER_PORT" deploy; then ok "a signed update is accepted"
else show_last; not_ok "a signed update is accepted"; fi
check "the update rotated the mesh CA" eval '! cmp -s "$WS/mesh-ca.pem" "$CW/mesh-ca.1.pem"'
check "the root CA key is unchanged" test "$(pubkey_hash "$WS/coordinator-root-ca.pem")" = \
    "$(pubkey_hash "$CW/root.1.pem")"
check "the old leaf no longer verifies against the new mesh CA" \
    eval '! "$OPENSSL" verify -CAfile "$WS/mesh-ca.pem" "$CW/web.1.pem" >/dev/null 2>&1'
check "the old leaf still chains to the unchanged root" \
    "$OPENSSL" verify -CAfile "$WS/coordinator-root-ca.pem" -untrusted "$CW/web.1.pem" "$CW/web.1.pem"
check "a new leaf carries the new SAN" eval 'pod web && "$OPENSSL" x509 -in "$chain" \
    -noout -ext subjectAltName | grep -q "DNS:web.example"'
check "the new leaf verifies against the new mesh CA" \
    "$OPENSSL" verify -CAfile "$WS/mesh-ca.pem" "$chain"
# The HSM flow: contrast sign --prepare writes the transition hash (hex);
# any ECDSA signer signs SHA-256 of that text; set sends it detached.
owner verify -c "127.0.0.1:$USER_PORT" >/dev/null 2>&1
sed -i 's/^        "web.example",$/        "web.example",\n        "web.internal",/' "$WS/manifest.json"
check "contrast sign --prepare writes the next transition hash" eval '(cd "$WS" &&
    "$CONTRAST" sign --prepare --out "$CW/th.hex") && grep -qE "^[0-9a-f]{64}$" "$CW/th.hex"'
check "openssl signs it like an HSM would" "$OPENSSL" dgst -sha256 \
    -sign "$WS/workload-owner.pem" -out "$CW/hsm.sig" "$CW/th.hex"
if owner set -c "127.0.0.1:$USER_PORT" --workload-owner-key /nonexistent -s "$CW/hsm.sig" deploy
then ok "set with the detached HSM signature is accepted"
else show_last; not_ok "set with the detached HSM signature is accepted"; fi
check "verify: the active manifest is the HSM-signed one" owner verify -c "127.0.0.1:$USER_PORT"
cp "$CW/manifest.1.json" "$CW/old.json"
if (cd "$WS" && "$CONTRAST" set -c "127.0.0.1:$USER_PORT" -m "$CW/old.json" \
    --atomic --latest-transition "$(printf '%064d' 0)" deploy) >"$CW/last.out" 2>&1
then not_ok "an atomic update against a stale head is refused"
else check "an atomic update against a stale head is refused" last_has manifest_conflict; fi
done_testing
