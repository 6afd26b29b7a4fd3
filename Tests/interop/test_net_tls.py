"""TLS of rampart-test-scp (--tls-cert/--tls-key/--tls-ca/--require-client-cert): what
it must refuse, cleanly, and what it must present. The positive TLS paths of each
service are in the DCMTK and pynetdicom test files.

Certificates come from nettls.py (a test CA, a server certificate for localhost and
127.0.0.1, a client certificate, and a client certificate from an untrusted CA).
"""

from __future__ import annotations

import socket
import time
import ssl
import threading

import pytest
from pynetdicom import AE
from pynetdicom.sop_class import Verification

import nethelpers as h
import nettls
from netpeers import describe_run

pytestmark = pytest.mark.net

DEADLINE = 20


def scp_log(peer) -> str:
    return f"\n{peer} log: {peer.log_text()}"


def echo_ae() -> AE:
    ae = AE("PYNSCU")
    ae.add_requested_context(Verification)
    return ae


def tls_echo_works(scp, tls, **kwargs) -> None:
    result = h.echoscu(scp, tls=tls, **kwargs)
    assert result.returncode == 0, "a correct TLS client is not served: " + describe_run(result) + scp_log(scp)


def handshake(scp, ctx: ssl.SSLContext, hostname: str = "localhost") -> tuple[str, bytes]:
    """TLS handshake plus one read (TLS 1.3 reports a refused client certificate only
    then). Returns (outcome, detail): "ok" with the server certificate (DER), or "refused"."""
    raw = socket.create_connection((scp.host, scp.port), timeout=DEADLINE)
    try:
        tls = ctx.wrap_socket(raw, server_hostname=hostname)
    except (ssl.SSLError, ConnectionError, OSError) as error:
        raw.close()
        return "refused", str(error).encode()
    try:
        certificate = tls.getpeercert(binary_form=True)
        tls.settimeout(3)
        try:
            # send an A-ASSOCIATE-RQ and read: a server that dropped us says so now
            tls.sendall(h.a_associate_rq(scp.ae))
            data = tls.recv(6)
            if not data:
                return "refused", b"closed after the handshake"
        except (ssl.SSLError, ConnectionError, OSError) as error:
            return "refused", str(error).encode()
        return "ok", certificate
    finally:
        tls.close()


@pytest.fixture(scope="module")
def tls_scp(module_peers, tls_material):
    return module_peers.test_scp(tls=tls_material, require_client_cert=True)


def test_plain_client_to_tls_server(tls_scp, tls_material):
    result = h.echoscu(tls_scp)
    assert result.returncode != 0, "a plain echoscu got through to a TLS server: " + describe_run(result)
    assoc = h.associate(echo_ae(), tls_scp)
    assert not assoc.is_established, "a plain pynetdicom association was established with a TLS server"
    tls_echo_works(tls_scp, tls_material)


def test_untrusted_client_certificate_refused(tls_scp, tls_material):
    result = h.echoscu(tls_scp, tls=tls_material, untrusted=True)
    assert result.returncode != 0, "a client certificate from an untrusted CA was accepted (echoscu): " + describe_run(result)
    assoc = h.associate(echo_ae(), tls_scp, tls=tls_material, untrusted=True)
    if assoc.is_established:
        assoc.release()
        pytest.fail("a client certificate from an untrusted CA was accepted (pynetdicom)")
    outcome, _ = handshake(tls_scp, nettls.client_context(tls_material, untrusted=True))
    assert outcome == "refused", "a raw TLS client with an untrusted certificate got an answer"
    tls_echo_works(tls_scp, tls_material)


def test_missing_client_certificate_refused(tls_scp, tls_material):
    result = h.echoscu(tls_scp, tls=tls_material, client_cert=False)
    assert result.returncode != 0, "--require-client-cert, yet a client without certificate was served: " + describe_run(result)
    outcome, _ = handshake(tls_scp, nettls.client_context(tls_material, cert=False))
    assert outcome == "refused", "--require-client-cert, yet a raw TLS client without certificate got an answer"
    tls_echo_works(tls_scp, tls_material)


def test_server_presents_the_configured_certificate(tls_scp, tls_material):
    outcome, certificate = handshake(tls_scp, nettls.client_context(tls_material), hostname="127.0.0.1")
    assert outcome == "ok", f"TLS handshake with a valid client certificate failed: {certificate[:200]!r}" + scp_log(tls_scp)
    expected = ssl.PEM_cert_to_DER_cert(tls_material.server_cert.read_text())
    assert certificate == expected, "the server presented another certificate than --tls-cert"


def test_client_certificate_optional_without_require(peers, tls_material):
    scp = peers.test_scp(tls=tls_material)
    tls_echo_works(scp, tls_material, client_cert=False)
    tls_echo_works(scp, tls_material)


@pytest.fixture(scope="session")
def tls11_context(tls_material):
    """A client context offering only TLS 1.1, proven to work against a local TLS 1.1
    server; skips when this machine's OpenSSL cannot speak TLS 1.1 at all."""
    client = nettls.tls11_client_context(tls_material)
    server = nettls.tls11_server_context(tls_material)
    if client is None or server is None:
        pytest.skip("the local OpenSSL cannot be configured for TLS 1.1")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(10)
    outcome = {}

    def serve():
        try:
            conn, _ = listener.accept()
            with server.wrap_socket(conn, server_side=True) as tls:
                outcome["server"] = tls.version()
        except Exception as error:  # noqa: BLE001
            outcome["server"] = f"error: {error}"

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with client.wrap_socket(socket.create_connection(listener.getsockname(), timeout=10), server_hostname="localhost") as tls:
            version = tls.version()
    except Exception as error:  # noqa: BLE001
        version = f"error: {error}"
    thread.join(10)
    listener.close()
    if version != "TLSv1.1":
        pytest.skip(f"the local OpenSSL cannot negotiate TLS 1.1 even with itself ({version}); TLS 1.1 refusal not testable here")
    return client


def test_tls_1_1_refused(tls_scp, tls_material, tls11_context):
    outcome, detail = handshake(tls_scp, tls11_context)
    assert outcome == "refused", "rampart-test-scp accepted a TLS 1.1 connection"
    tls_echo_works(tls_scp, tls_material)


@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_tls_1_2_and_1_3_accepted(tls_scp, tls_material, version):
    ctx = nettls.client_context(tls_material)
    ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, version)
    outcome, detail = handshake(tls_scp, ctx)
    assert outcome == "ok", f"{version} refused: {detail[:200]!r}" + scp_log(tls_scp)


def test_peer_certificate_reaches_the_upper_layer(peers, tls_material):
    """The client certificate is handed to the layers above TLS (they will authenticate and audit
    with it): the SCP's association log line names the client certificate's common name."""
    scp = peers.test_scp(tls=tls_material, require_client_cert=True)
    tls_echo_works(scp, tls_material)
    deadline = time.monotonic() + DEADLINE
    while "rampart-test-client" not in scp.log_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "rampart-test-client" in scp.log_text(), "the client certificate is not known above TLS" + scp_log(scp)
