#!/bin/sh
# The CA's certificates as the openssl command line sees them: both trust
# paths of a leaf (root + intermediate, mesh CA alone), its SANs, EKU and
# KU, and what a mesh CA rotation does to old and new leaves.
. "$top_srcdir/tests/lib.sh"

prog="$top_builddir/tests/unit/test_x509ca"
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT

if ! "$prog" write "$d"; then
	echo "Bail out! test_x509ca write failed"
	exit 1
fi

v() { "$OPENSSL" verify "$@" >"$d/verify.out" 2>&1; }

check "verify -CAfile root.pem -untrusted intermediate.pem leaf.pem" \
    v -CAfile "$d/root.pem" -untrusted "$d/intermediate.pem" "$d/leaf.pem"
check "verify -CAfile mesh-ca.pem leaf.pem" \
    v -CAfile "$d/mesh-ca.pem" "$d/leaf.pem"
check "leaf is a valid TLS server and client certificate" \
    v -purpose sslserver -CAfile "$d/mesh-ca.pem" "$d/leaf.pem"
check "... and client" \
    v -purpose sslclient -CAfile "$d/mesh-ca.pem" "$d/leaf.pem"
if v -CAfile "$d/root.pem" "$d/leaf.pem"; then
	not_ok "leaf without the intermediate must not verify against the root"
else
	ok "leaf without the intermediate does not verify against the root"
fi

"$OPENSSL" x509 -in "$d/leaf.pem" -noout \
    -ext subjectAltName,extendedKeyUsage,keyUsage >"$d/ext" 2>&1
sed 's/^/# /' "$d/ext"
has() { grep -F -q -- "$1" "$d/ext"; }
check "SAN DNS:web" has "DNS:web,"
check "SAN DNS:* (wildcard)" has "DNS:*,"
check "SAN DNS:web.default.svc.cluster.local" has "DNS:web.default.svc.cluster.local"
check "SAN IP 10.1.2.3" has "IP Address:10.1.2.3"
check "SAN peer IP 192.168.0.7" has "IP Address:192.168.0.7"
check "SAN URI" has "URI:spiffe://cluster.local/ns/default/web"
check "EKU clientAuth, serverAuth (upstream's order)" \
    has "TLS Web Client Authentication, TLS Web Server Authentication"
check "KU digitalSignature (critical)" has "Digital Signature"
check "KU is critical" has "X509v3 Key Usage: critical"
if grep -q "Certificate Sign" "$d/ext"; then
	not_ok "leaf KU must not include keyCertSign"
else
	ok "leaf KU does not include keyCertSign"
fi

subj() { "$OPENSSL" x509 -in "$d/$1" -noout -subject -nameopt RFC2253; }
check "leaf CN is the first DNS SAN" [ "$(subj leaf.pem)" = "subject=CN=web" ]
check "root CN" [ "$(subj root.pem)" = "subject=CN=system:coordinator:root" ]
check "mesh CA CN" \
    [ "$(subj mesh-ca.pem)" = "subject=CN=system:coordinator:intermediate" ]
check "leaf signature is ecdsa-with-SHA384" sh -c \
    "'$OPENSSL' x509 -in '$d/leaf.pem' -noout -text | grep -q 'Signature Algorithm: ecdsa-with-SHA384'"
check "root CA: CA:TRUE, keyCertSign" sh -c \
    "'$OPENSSL' x509 -in '$d/root.pem' -noout -ext basicConstraints,keyUsage | tr -d '\n' | grep -q 'CA:TRUE.*Digital Signature, Certificate Sign'"
check "WorkloadSecretID extension 1.3.9901.3.1 present" sh -c \
    "'$OPENSSL' asn1parse -in '$d/leaf.pem' | grep -q ':1.3.9901.3.1'"

# Rotation.
if v -CAfile "$d/mesh-ca2.pem" "$d/leaf.pem"; then
	not_ok "old leaf must not verify against the rotated mesh CA"
else
	ok "old leaf does not verify against the rotated mesh CA"
fi
check "new leaf verifies against the rotated mesh CA" \
    v -CAfile "$d/mesh-ca2.pem" "$d/leaf2.pem"
check "new leaf chains to the unchanged root via the new intermediate" \
    v -CAfile "$d/root.pem" -untrusted "$d/intermediate2.pem" "$d/leaf2.pem"
if v -CAfile "$d/root.pem" -untrusted "$d/intermediate2.pem" "$d/leaf.pem"
then
	not_ok "old leaf must not chain via the new intermediate"
else
	ok "old leaf does not chain via the new intermediate"
fi
done_testing
