"""Certificates for the TLS tests, made with Debian's `openssl` command.

`make_tls_material(folder)` writes, and returns the paths of:

* `ca.pem` / `ca.key`: the test CA, trusted by both sides;
* `server.pem` / `server.key`: a server certificate signed by that CA, for
  CN=localhost with subjectAltName DNS:localhost and IP:127.0.0.1 (serverAuth);
* `client.pem` / `client.key`: a client certificate signed by the CA (clientAuth);
* `untrusted-ca.pem` and `untrusted-client.pem` / `untrusted-client.key`: a second,
  unrelated CA and a client certificate it signed, which a server trusting only
  `ca.pem` must refuse.

Keys are RSA 2048 without a passphrase (DCMTK's default BCP 195 profile and
Python's default security level accept them); certificates are valid for 2 days.
Nothing here is secret: the keys live only in the test's temporary folder.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
DAYS = "2"


@dataclass(frozen=True)
class TLSMaterial:
    folder: Path
    ca: Path
    ca_key: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    untrusted_ca: Path
    untrusted_client_cert: Path
    untrusted_client_key: Path


def _openssl(*args, cwd: Path) -> None:
    result = subprocess.run([OPENSSL, *map(str, args)], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(map(str, args[:2]))} failed (exit {result.returncode}): "
                           f"{result.stderr.decode('utf-8', 'replace')[-800:]}")


def _ca(folder: Path, name: str, cn: str) -> tuple[Path, Path]:
    key, cert = folder / f"{name}.key", folder / f"{name}.pem"
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", DAYS,
             "-keyout", key, "-out", cert, "-subj", f"/O=Rampart Tests/CN={cn}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-addext", "subjectKeyIdentifier=hash", cwd=folder)
    return cert, key


def _leaf(folder: Path, name: str, cn: str, ca: tuple[Path, Path], extensions: str) -> tuple[Path, Path]:
    key, csr, cert, ext = folder / f"{name}.key", folder / f"{name}.csr", folder / f"{name}.pem", folder / f"{name}.ext"
    ext.write_text(extensions)
    _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256", "-keyout", key, "-out", csr,
             "-subj", f"/O=Rampart Tests/CN={cn}", cwd=folder)
    _openssl("x509", "-req", "-sha256", "-days", DAYS, "-in", csr, "-CA", ca[0], "-CAkey", ca[1],
             "-CAcreateserial", "-out", cert, "-extfile", ext, cwd=folder)
    csr.unlink()
    return cert, key


SERVER_EXT = """basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
authorityKeyIdentifier=keyid
"""
CLIENT_EXT = """basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
authorityKeyIdentifier=keyid
"""


def make_tls_material(folder: Path) -> TLSMaterial:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ca = _ca(folder, "ca", "Rampart Test CA")
    server = _leaf(folder, "server", "localhost", ca, SERVER_EXT)
    client = _leaf(folder, "client", "rampart-test-client", ca, CLIENT_EXT)
    untrusted = _ca(folder, "untrusted-ca", "Untrusted Test CA")
    untrusted_client = _leaf(folder, "untrusted-client", "untrusted-client", untrusted, CLIENT_EXT)
    for key in folder.glob("*.key"):
        key.chmod(0o600)
    return TLSMaterial(
        folder=folder, ca=ca[0], ca_key=ca[1], server_cert=server[0], server_key=server[1],
        client_cert=client[0], client_key=client[1], untrusted_ca=untrusted[0],
        untrusted_client_cert=untrusted_client[0], untrusted_client_key=untrusted_client[1],
    )


# --- Python ssl contexts for pynetdicom and raw sockets -------------------------------------------


def client_context(tls: TLSMaterial, *, cert: bool = True, untrusted: bool = False, verify: bool = True) -> ssl.SSLContext:
    """A client context that trusts the test CA and, with `cert`, presents the client
    certificate (the untrusted CA's one with `untrusted`)."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(tls.ca))
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if cert:
        if untrusted:
            ctx.load_cert_chain(str(tls.untrusted_client_cert), str(tls.untrusted_client_key))
        else:
            ctx.load_cert_chain(str(tls.client_cert), str(tls.client_key))
    return ctx


def server_context(tls: TLSMaterial, *, require_client_cert: bool = False) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(tls.ca))
    ctx.load_cert_chain(str(tls.server_cert), str(tls.server_key))
    ctx.verify_mode = ssl.CERT_REQUIRED if require_client_cert else ssl.CERT_OPTIONAL
    return ctx


def tls11_client_context(tls: TLSMaterial) -> ssl.SSLContext | None:
    """A client context that offers TLS 1.1 only, or None when the local OpenSSL
    cannot be made to (then a TLS 1.1 refusal cannot be tested here)."""
    try:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(str(tls.ca))
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # that is the point
            ctx.minimum_version = ssl.TLSVersion.TLSv1_1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        return ctx
    except (ValueError, ssl.SSLError):
        return None


def tls11_server_context(tls: TLSMaterial) -> ssl.SSLContext | None:
    """A server context that accepts TLS 1.1, to prove that the TLS 1.1 client works here."""
    try:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(tls.server_cert), str(tls.server_key))
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # that is the point
            ctx.minimum_version = ssl.TLSVersion.TLSv1_1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        return ctx
    except (ValueError, ssl.SSLError):
        return None


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="write the TLS test certificates into a folder")
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    material = make_tls_material(args.folder)
    for name, value in vars(material).items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
