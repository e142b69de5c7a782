"""Lab certificate authority: one CA and one server certificate for
127.0.0.1/localhost, made with the openssl command line tool."""
import hashlib
import os
import ssl
import subprocess

from .store import lab_paths


def ensure_ca(labdir):
    """Create DIR/tls/{ca.crt,ca.key,server.crt,server.key} once; return paths."""
    d = lab_paths(labdir)["tls"]
    os.makedirs(d, exist_ok=True)
    p = {k: os.path.join(d, k) for k in ("ca.crt", "ca.key", "server.crt", "server.key")}
    if all(os.path.exists(v) for v in p.values()):
        return p

    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
        "-subj", "/CN=vmigrate lab CA", "-keyout", p["ca.key"], "-out", p["ca.crt"],
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    csr = os.path.join(d, "server.csr")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", p["server.key"], "-out", csr)
    ext = os.path.join(d, "server.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\n"
                "keyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", csr, "-CA", p["ca.crt"], "-CAkey", p["ca.key"],
        "-CAcreateserial", "-days", "3650", "-out", p["server.crt"], "-extfile", ext)
    os.unlink(csr)
    return p


def server_context(labdir):
    p = ensure_ca(labdir)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(p["server.crt"], p["server.key"])
    return ctx


def sha1_thumbprint(labdir):
    """The server certificate's SHA-1 thumbprint as VDDK wants it (AA:BB:...)."""
    p = ensure_ca(labdir)
    with open(p["server.crt"]) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    h = hashlib.sha1(der).hexdigest().upper()
    return ":".join(h[i:i + 2] for i in range(0, len(h), 2))
