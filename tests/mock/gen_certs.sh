#!/usr/bin/env bash
# gen_certs.sh OUTDIR: test certificates for the mock API server (bash + openssl CLI only).
#
# Creates in OUTDIR (all keys EC P-256, PKCS#8 PEM; all certificates PEM, SHA-256):
#   ca.pem / ca.key                 test CA (CA:TRUE), valid from 2020-01-01 for 10 years from today
#   server.pem / server.key         signed by ca.pem, CN=localhost,
#                                   SAN DNS:localhost, IP:127.0.0.1, IP:::1, valid 30 days from now
#   other-ca.pem (+ other-ca.key)   an unrelated self-signed CA, for "untrusted CA" tests
#   wrong-host.pem / wrong-host.key signed by ca.pem, SAN DNS:wrong.example only
#   expired.pem / expired.key       signed by ca.pem, for localhost, valid 2021-01-01 .. 2021-02-01 only
#   future.pem / future.key         signed by ca.pem, for localhost, valid from 30 days from now
#
# Idempotent: when OUTDIR already holds a complete set whose server certificate verifies against
# ca.pem and stays valid for at least another day, nothing is touched. Otherwise the whole set is
# regenerated in a scratch directory inside OUTDIR and moved into place. Prints nothing on success;
# on failure prints the failing command and openssl's output to stderr and exits non-zero.
#
# OpenSSL 3.0 (Debian 12) has no `x509 -not_before/-not_after`, so every certificate is issued
# with `openssl ca` and a throwaway config, which takes explicit -startdate/-enddate.
set -euo pipefail

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
command -v openssl >/dev/null 2>&1 || {
    echo "gen_certs.sh: openssl not found (apt-get install -y openssl)" >&2
    exit 1
}

out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)

files=(ca.pem ca.key server.pem server.key other-ca.pem other-ca.key
       wrong-host.pem wrong-host.key expired.pem expired.key future.pem future.key)

complete=1
for f in "${files[@]}"; do
    [ -s "$out/$f" ] || complete=0
done
if [ "$complete" = 1 ] &&
    openssl verify -CAfile "$out/ca.pem" "$out/server.pem" >/dev/null 2>&1 &&
    openssl x509 -in "$out/server.pem" -noout -checkend 86400 >/dev/null 2>&1; then
    exit 0
fi

work=$(mktemp -d "$out/.gen_certs.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/openssl.log

run() {
    if ! "$@" >>"$log" 2>&1; then
        echo "gen_certs.sh: failed: $*" >&2
        cat "$log" >&2
        exit 1
    fi
}

# Dates for `openssl ca` (GeneralizedTime strings are accepted by OpenSSL 3.0).
now_plus() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
ca_start=20200101000000Z
ca_end=$(now_plus '+3650 days')
leaf_start=$(now_plus '-1 hour')   # a little slack for clocks that disagree
leaf_end=$(now_plus '+30 days')
expired_start=20210101000000Z
expired_end=20210201000000Z
future_start=$(now_plus '+30 days')
future_end=$(now_plus '+60 days')

mkdir -p "$work/newcerts"
: >"$work/index.txt"
openssl rand -hex 8 >"$work/serial"

cat >"$work/openssl.cnf" <<EOF
[ req ]
distinguished_name = req_dn
prompt             = no

[ req_dn ]
CN = placeholder

[ ca ]
default_ca = test_ca

[ test_ca ]
database        = $work/index.txt
new_certs_dir   = $work/newcerts
serial          = $work/serial
default_md      = sha256
policy          = policy_any
unique_subject  = no
copy_extensions = none
email_in_dn     = no
preserve        = yes

[ policy_any ]
commonName = supplied

[ ca_ext ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ server_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:localhost, IP:127.0.0.1, IP:::1

[ wrong_host_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = DNS:wrong.example
EOF
cnf=$work/openssl.cnf

newkey() {
    run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/$1.key"
}

csr() { # name common-name
    run openssl req -new -config "$cnf" -key "$work/$1.key" -subj "/CN=$2" -out "$work/$1.csr"
}

# issue name extensions-section startdate enddate [self]
issue() {
    local signer=(-cert "$work/ca.pem" -keyfile "$work/ca.key")
    if [ "${5:-}" = self ]; then
        signer=(-selfsign -keyfile "$work/$1.key")
    fi
    run openssl ca -batch -notext -config "$cnf" "${signer[@]}" -extensions "$2" \
        -startdate "$3" -enddate "$4" -in "$work/$1.csr" -out "$work/$1.pem"
}

newkey ca
csr ca "ambc test CA"
issue ca ca_ext "$ca_start" "$ca_end" self

newkey other-ca
csr other-ca "ambc unrelated test CA"
issue other-ca ca_ext "$ca_start" "$ca_end" self

newkey server
csr server localhost
issue server server_ext "$leaf_start" "$leaf_end"

newkey wrong-host
csr wrong-host wrong.example
issue wrong-host wrong_host_ext "$leaf_start" "$leaf_end"

newkey expired
csr expired localhost
issue expired server_ext "$expired_start" "$expired_end"

newkey future
csr future localhost
issue future server_ext "$future_start" "$future_end"

# Sanity: fail loudly here rather than in a confusing TLS test later.
run openssl verify -CAfile "$work/ca.pem" "$work/server.pem"
run openssl verify -CAfile "$work/ca.pem" -verify_hostname localhost -verify_ip 127.0.0.1 "$work/server.pem"

for f in "${files[@]}"; do
    [ "${f##*.}" = key ] && chmod 600 "$work/$f"
    mv -f "$work/$f" "$out/$f"
done
