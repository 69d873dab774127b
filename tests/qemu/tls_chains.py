#!/usr/bin/env python3
"""Test certificate chains shaped like the ones api.anthropic.com may present (openssl CLI).

usage: tls_chains.py roots OUTDIR
           a root and an intermediate for each chain in CHAINS, in OUTDIR/<chain>/ (root.pem,
           root.der, int.pem and their keys); kept when already there (the firmware's test
           images compile root.pem in, so it must not change from one build to the next)
       tls_chains.py leaf OUTDIR CHAIN NAME START END
           a leaf for DNS:localhost issued by CHAIN's intermediate, valid START..END
           (YYYYMMDDHHMMSSZ), as OUTDIR/CHAIN/NAME.pem (leaf then intermediate: what a server
           sends) and NAME.key

The chains (the real ones they stand for in brackets):
  rsa4096  RSA-4096 root (GTS Root R1, ISRG Root X1) -> RSA-2048 intermediate -> ECDSA P-256 leaf
  p384     ECDSA P-384 root (GTS Root R4, ISRG Root X2) -> P-384 intermediate -> P-256 leaf
  rsa2048  RSA-2048 root (GlobalSign Root CA) -> RSA-2048 intermediate -> RSA-2048 leaf
Roots sign with SHA-384 where the real ones do (GTS R1/R4, X2), the rest with SHA-256.
Roots and intermediates are valid from 2020-01-01 for 20 years. OpenSSL 3.0 (Debian 12) has no
`x509 -not_before`, so everything is issued with `openssl ca` and a throwaway configuration.
"""
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile

# chain: (root key, root's signature hash, intermediate key, its signature hash, leaf key)
CHAINS = {
    "rsa4096": ("rsa:4096", "sha384", "rsa:2048", "sha256", "ec:P-256"),
    "p384": ("ec:P-384", "sha384", "ec:P-384", "sha384", "ec:P-256"),
    "rsa2048": ("rsa:2048", "sha256", "rsa:2048", "sha256", "rsa:2048"),
}
CA_START, CA_END = "20200101000000Z", "20400101000000Z"

CONFIG = """[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ ca ]
default_ca = this_ca
[ this_ca ]
database = {work}/index.txt
new_certs_dir = {work}
serial = {work}/serial
policy = any
unique_subject = no
copy_extensions = none
email_in_dn = no
preserve = yes
[ any ]
commonName = supplied
[ root_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ int_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature{rsa_usage}
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:localhost
"""


def run(*cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit(f"tls_chains.py: failed: {' '.join(cmd)}\n{r.stdout}")


def new_key(spec, path):
    alg, param = spec.split(":")
    if alg == "rsa":
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{param}",
            "-out", path)
    else:
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{param}",
            "-out", path)


def issue(work, key, cn, ext, md, start, end, out, signer=None, rsa_leaf=False):
    """A certificate for `key` (CN=cn, extensions section `ext`), signed by signer=(cert, key) or
    self-signed, written to out (PEM)."""
    cnf = os.path.join(work, "openssl.cnf")
    with open(cnf, "w") as f:
        f.write(CONFIG.format(work=work, rsa_usage=", keyEncipherment" if rsa_leaf else ""))
    open(os.path.join(work, "index.txt"), "w").close()
    with open(os.path.join(work, "serial"), "w") as f:
        f.write(os.urandom(8).hex() + "\n")
    csr = os.path.join(work, "req.csr")
    run("openssl", "req", "-new", "-config", cnf, "-key", key, "-subj", f"/CN={cn}", "-out", csr)
    sign = ["-selfsign", "-keyfile", key] if signer is None else \
        ["-cert", signer[0], "-keyfile", signer[1]]
    run("openssl", "ca", "-batch", "-notext", "-config", cnf, *sign, "-extensions", ext,
        "-md", md, "-startdate", start, "-enddate", end, "-in", csr, "-out", out)


def make_roots(outdir):
    """Under an exclusive lock on OUTDIR/.lock: two callers at once (two builds of one tree)
    would each make a chain and mix their files."""
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        make_roots_locked(outdir)


def make_roots_locked(outdir):
    for chain, (root_key, root_md, int_key, int_md, _) in CHAINS.items():
        d = os.path.join(outdir, chain)
        if all(os.path.exists(os.path.join(d, f)) for f in
               ("root.pem", "root.der", "int.pem", "int.key")):
            continue
        os.makedirs(d, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=d) as work:
            rk, ik = os.path.join(work, "root.key"), os.path.join(work, "int.key")
            rp, ip = os.path.join(work, "root.pem"), os.path.join(work, "int.pem")
            new_key(root_key, rk)
            issue(work, rk, f"ambc test root {chain}", "root_ext", root_md, CA_START, CA_END, rp)
            new_key(int_key, ik)
            issue(work, ik, f"ambc test intermediate {chain}", "int_ext", int_md, CA_START,
                  CA_END, ip, signer=(rp, rk))
            run("openssl", "x509", "-in", rp, "-outform", "DER", "-out",
                os.path.join(work, "root.der"))
            for f in ("root.key", "int.key", "root.der", "int.pem", "root.pem"):  # root.pem last:
                shutil.move(os.path.join(work, f), os.path.join(d, f))        # it marks done


def make_leaf(outdir, chain, name, start, end):
    d = os.path.join(outdir, chain)
    leaf_key = CHAINS[chain][4]
    with tempfile.TemporaryDirectory(dir=d) as work:
        key = os.path.join(work, "leaf.key")
        pem = os.path.join(work, "leaf.pem")
        new_key(leaf_key, key)
        issue(work, key, "localhost", "leaf_ext", CHAINS[chain][3], start, end, pem,
              signer=(os.path.join(d, "int.pem"), os.path.join(d, "int.key")),
              rsa_leaf=leaf_key.startswith("rsa"))
        with open(os.path.join(d, f"{name}.pem"), "w") as f:
            f.write(open(pem).read() + open(os.path.join(d, "int.pem")).read())
        shutil.move(key, os.path.join(d, f"{name}.key"))
    return os.path.join(d, f"{name}.pem"), os.path.join(d, f"{name}.key")


def main(argv):
    if len(argv) == 3 and argv[1] == "roots":
        make_roots(argv[2])
        return 0
    if len(argv) == 7 and argv[1] == "leaf" and argv[3] in CHAINS:
        make_leaf(*argv[2:])
        return 0
    print(__doc__.strip().splitlines()[2], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
