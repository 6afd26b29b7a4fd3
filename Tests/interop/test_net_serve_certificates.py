"""TLS client certificates bound to registered AEs, through `rampart serve` with DCMTK and
pynetdicom as the devices.

CT1 is registered for host 127.0.0.1 and bound to a certificate `rampart ae certificate` issued
from the local CA; HOSP1 is bound with `rampart ae add --certificate` to one from another CA
(the "hospital's own CA", nettls' test CA) that `dicom.tls.trusted_ca` names. A bound
certificate admits its AE from any loopback address and the AE can store; without it, with
another certificate, or under another AE title, the association is refused:

* no certificate, or a trusted certificate bound to another AE: the TLS handshake succeeds (client
  certificates are optional by default) and the gate rejects the A-ASSOCIATE-RQ: rejected-permanent,
  service-user, calling AE title not recognized (1, 1, 3), with the reason in the audit log;
* a certificate from a CA the server does not trust (another CA, or self-signed): the TLS handshake
  fails, so there is no association to reject;
* with `require_client_certificate: true`, a peer without a certificate fails the handshake.
* each failed handshake is a Node Authentication failure (Security Alert) in the audit log.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from dicomweb_client.api import DICOMwebClient
from pydicom import dcmread
from pynetdicom import AE
from pynetdicom.sop_class import CTImageStorage, Verification

import netdata
import nethelpers as h
import netpeers
import netserve
import rampart_cli
from netpeers import HOST, Peer, describe_run
from netserve import register, serve

pytestmark = pytest.mark.net

REJECTED_UNKNOWN_AE = (1, 1, 3)
CALLED = "RAMPART"


def rampart_ok(rampart: Path, *args) -> str:
    result = rampart_cli.run(rampart, *args)
    assert result.returncode == 0, rampart_cli.describe(result)
    return result.stdout.decode()


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory, tls_material):
    """An initialized data folder that also trusts nettls' CA; CT1 bound to a certificate from
    the local CA, HOSP1 to nettls' client certificate; the files a device gets."""
    folder = tmp_path_factory.mktemp("certificates")
    data = folder / "data"
    rampart_ok(rampart, "init", "--data-dir", data)
    config = data / "rampart.yaml"
    # No self-scan at start: its TLS probes would add handshake failures to those the tests count.
    config.write_text(config.read_text().replace("trusted_ca: tls/ca.pem", f"trusted_ca: {tls_material.ca}")
                      + "self_scan:\n  at_start: false\n")
    register(rampart, data, "CT1", host=HOST)
    issued = rampart_ok(rampart, "ae", "certificate", "CT1", "--out", folder / "ct1", "--data-dir", data)
    register(rampart, data, "HOSP1", host="192.0.2.1")
    bound = rampart_ok(rampart, "ae", "add", "HOSP1", "--host", "192.0.2.1", "--port", "104",
                       "--certificate", tls_material.client_cert, "--data-dir", data)
    self_signed = folder / "self-signed"
    subprocess.run(["/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(self_signed) + ".key", "-out", str(self_signed) + ".pem", "-subj", "/CN=CT1", "-days", "1"],
                   check=True, capture_output=True, timeout=30)
    return {
        "data": data, "issued": issued, "bound": bound, "ca": data / "tls" / "ca.pem",
        "ct1": (folder / "ct1" / "CT1.pem", folder / "ct1" / "CT1-key.pem"),
        "hosp1": (tls_material.client_cert, tls_material.client_key),
        "other_ca": (tls_material.untrusted_client_cert, tls_material.untrusted_client_key),
        "self_signed": (Path(str(self_signed) + ".pem"), Path(str(self_signed) + ".key")),
        "files": netdata.make_bulk(folder / "bulk", 2, size=4096),
    }


def text(result: subprocess.CompletedProcess) -> str:
    return (result.stdout + result.stderr).decode("utf-8", "replace")


def tls_peer(server: Peer) -> Peer:
    return Peer(server.name, HOST, server.extra["tls_port"], CALLED, server.proc, server.log, server.folder)


def device(site, cert: tuple[Path, Path] | None) -> dict:
    """nethelpers.associate's TLS arguments for a device that trusts the server's (local) CA and
    presents `cert` (certificate, key), or none."""
    material = SimpleNamespace(ca=site["ca"], client_cert=cert and cert[0], client_key=cert and cert[1])
    return {"tls": material, "client_cert": cert is not None}


def echo_ae(title: str) -> AE:
    ae = AE(ae_title=title)
    ae.add_requested_context(Verification)
    ae.add_requested_context(CTImageStorage)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 20
    return ae


def outcome(site, peer: Peer, title: str, cert, bind: str = HOST):
    """One association as `title` from `bind` with `cert`: the reject triple, or what happened."""
    assoc = h.associate(echo_ae(title), peer, bind_address=(bind, 0), **device(site, cert))
    if assoc.is_established:
        assoc.release()
        return "established"
    return h.reject_triple(assoc) or h.association_outcome(assoc)


def handshake_refused(result: str) -> bool:
    """No association because TLS failed: over TLS 1.3 the client learns of the refusal only at
    its first read after its side of the handshake (the server's alert), which pynetdicom
    reports as an abort; over TLS 1.2 the connection fails."""
    return result == "aborted" or result.startswith("failed")


def test_issued_certificate_is_bound_and_listed(rampart, site):
    assert (site["ct1"][1].stat().st_mode & 0o077) == 0 and (site["ct1"][0].stat().st_mode & 0o077) == 0
    hex_digits = sha256_fingerprint(site["ct1"][0])
    assert hex_digits in site["issued"]
    subject = subprocess.run(["/usr/bin/openssl", "x509", "-noout", "-subject", "-ext", "extendedKeyUsage", "-in", str(site["ct1"][0])],
                             capture_output=True, text=True, check=True, timeout=30).stdout
    assert "CN = CT1" in subject and "TLS Web Client Authentication" in subject and "Server Authentication" not in subject
    listed = {line.split("\t")[0]: line.split("\t") for line in rampart_ok(rampart, "ae", "list", "--data-dir", site["data"]).splitlines()}
    assert listed["CT1"][-1] == f"sha256:{hex_digits}"
    assert listed["HOSP1"][-1].startswith("sha256:") and listed["HOSP1"][-1][7:] in site["bound"]


def test_bound_certificates_admit_their_ae_from_any_loopback_address_and_it_stores(rampart, site, tmp_path):
    with serve(rampart, site["data"], tmp_path / "serve.log", tls=True) as server:
        peer = tls_peer(server)
        # DCMTK, as the README tells a site to set a device up with the issued files.
        key, cert = site["ct1"][1], site["ct1"][0]
        stored = netpeers.run_dcmtk("storescu", "-aet", "CT1", "-aec", CALLED, "+tls", str(key), str(cert), "-pw",
                                    "+cf", str(site["ca"]), "-to", "20", "-ta", "20", "-td", "20",
                                    HOST, peer.port, *map(str, site["files"]))
        assert stored.returncode == 0, describe_run(stored) + server.log_text()
        # pynetdicom from another address than CT1's registered one, and HOSP1 (registered
        # for 192.0.2.1) with the hospital CA's certificate.
        for title, cert, bind in [("CT1", site["ct1"], "127.0.0.2"), ("HOSP1", site["hosp1"], "127.0.0.3")]:
            assoc = h.associate(echo_ae(title), peer, bind_address=(bind, 0), **device(site, cert))
            assert assoc.is_established, f"{title} from {bind}: {h.association_outcome(assoc)}\n{server.log_text()}"
            status = assoc.send_c_store(dcmread(site["files"][1]))
            assoc.release()
            assert status.Status in (0x0000,), f"{title}: C-STORE status {status.Status:04X}"
    decisions = netserve.decisions_text(rampart, site["data"])
    assert "allow\tAE CT1\tdimse\t127.0.0.2" in decisions
    assert "AE presented its bound client certificate" in decisions


def test_the_gate_refuses_a_bound_ae_without_its_certificate(rampart, site, tmp_path):
    """No certificate (over TLS, and on the plain port) from CT1's registered host, CT1's
    certificate under HOSP1's title and under an unregistered title: the handshake works, the
    gate rejects (1, 1, 3) and the audit log says which certificate was missing or wrong."""
    with serve(rampart, site["data"], tmp_path / "serve.log", tls=True) as server:
        peer = tls_peer(server)
        assert h.rejection_outcomes(lambda: echo_ae("CT1"), peer, **device(site, None))[-1] == REJECTED_UNKNOWN_AE
        assert h.rejection_outcomes(lambda: echo_ae("CT1"), server)[-1] == REJECTED_UNKNOWN_AE
        for title in ("HOSP1", "NOTREG"):
            outcomes = h.rejection_outcomes(lambda: echo_ae(title), peer, **device(site, site["ct1"]))
            assert outcomes[-1] == REJECTED_UNKNOWN_AE, (title, outcomes)
        anonymous = netpeers.run_dcmtk("echoscu", "-aet", "CT1", "-aec", CALLED, "+tla", "+cf", str(site["ca"]),
                                       "-to", "20", "-ta", "20", HOST, peer.port)
        assert anonymous.returncode != 0 and "Association Rejected" in text(anonymous), describe_run(anonymous)
    decisions = netserve.decisions_text(rampart, site["data"])
    assert "AE CT1 is bound to the client certificate" in decisions and "presented none" in decisions
    assert "AE HOSP1 is bound to the client certificate" in decisions and "presented another" in decisions
    assert "calling AE title NOTREG is not registered" in decisions


def test_certificates_from_an_untrusted_ca_fail_the_handshake(rampart, site, tmp_path):
    """A certificate from another CA, or self-signed (even with CN=CT1): the server's TLS refuses
    it in the handshake, before any DICOM."""
    with serve(rampart, site["data"], tmp_path / "serve.log", tls=True) as server:
        peer = tls_peer(server)
        for name in ("other_ca", "self_signed"):
            assert handshake_refused(outcome(site, peer, "CT1", site[name])), name
            key, cert = site[name][1], site[name][0]
            refused = netpeers.run_dcmtk("echoscu", "-aet", "CT1", "-aec", CALLED, "+tls", str(key), str(cert), "-pw",
                                         "+cf", str(site["ca"]), "-to", "20", "-ta", "20", HOST, peer.port)
            assert refused.returncode != 0 and "Association Rejected" not in text(refused), describe_run(refused)
        assert outcome(site, peer, "CT1", site["ct1"]) == "established"
        assert "CERTIFICATE_VERIFY_FAILED" in server.log_text(20_000)
    # Each refused handshake (pynetdicom and DCMTK, two certificates) is a Node Authentication
    # failure in the audit log, from the device's address.
    failures = tls_failures(rampart, site["data"])
    assert len(failures) >= 4 and all("CERTIFICATE_VERIFY_FAILED" in e["reason"] for e in failures), failures
    assert all(e["source"]["address"].startswith(HOST + ":") for e in failures), failures


def tls_failures(rampart, data) -> list[dict]:
    return [e["event"] for e in netserve.audit_events(rampart, data, "--kind", "security-alert")
            if e["event"].get("type") == "node-authentication"]


def test_required_client_certificates_refuse_peers_without_one_in_the_handshake(rampart, site, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(site["data"], data)
    config = data / "rampart.yaml"
    config.write_text(config.read_text().replace("require_client_certificate: false", "require_client_certificate: true"))
    with serve(rampart, data, tmp_path / "serve.log", tls=True) as server:
        peer = tls_peer(server)
        assert handshake_refused(outcome(site, peer, "CT1", None))
        assert outcome(site, peer, "CT1", site["ct1"]) == "established"
        assert "PEER_DID_NOT_RETURN_A_CERTIFICATE" in server.log_text(20_000)
    assert any("PEER_DID_NOT_RETURN_A_CERTIFICATE" in e["reason"] for e in tls_failures(rampart, data))


def test_over_https_a_bound_certificate_is_its_device_and_others_prove_nobody(rampart, site, tmp_path):
    """HTTPS asks for the same client certificates as DICOM TLS. With no other credential, CT1's
    bound certificate is AE CT1 (modality: it stores with STOW-RS and queries, and may not
    retrieve); a trusted certificate bound to no AE, or none, proves nobody (401, recorded with
    the reason); one from an untrusted CA fails the handshake. With a token as well, the
    request is the token's user, and its decision names the device's certificate."""
    data = tmp_path / "data"
    shutil.copytree(site["data"], data)
    register(rampart, data, "GONE", host=HOST)
    rampart_ok(rampart, "ae", "certificate", "GONE", "--out", tmp_path / "gone", "--data-dir", data)
    rampart_ok(rampart, "ae", "remove", "GONE", "--data-dir", data)
    unbound = (tmp_path / "gone" / "GONE.pem", tmp_path / "gone" / "GONE-key.pem")
    token = rampart_ok(rampart, "token", "issue", "--user", "admin", "--data-dir", data).strip()
    stored = dcmread(site["files"][0])

    def client(cert, authorization: str | None = None) -> DICOMwebClient:
        session = requests.Session()
        session.trust_env = False  # else REQUESTS_CA_BUNDLE wins over session.verify
        session.verify = str(data / "tls" / "ca.pem")
        session.cert = tuple(map(str, cert)) if cert else None
        return DICOMwebClient(url=netserve.dicomweb_url(server), session=session,
                              headers={"Authorization": authorization} if authorization else None)

    def status(call) -> int:
        try:
            call()
            return 200
        except requests.exceptions.HTTPError as error:
            return error.response.status_code

    with serve(rampart, data, tmp_path / "serve.log", tls=True) as server:
        device_client = client(site["ct1"])
        assert status(lambda: device_client.store_instances(datasets=[stored])) == 200
        assert [s["0020000D"]["Value"][0] for s in device_client.search_for_studies(search_filters={"StudyInstanceUID": stored.StudyInstanceUID})] \
            == [stored.StudyInstanceUID]
        assert status(lambda: device_client.retrieve_study(stored.StudyInstanceUID)) == 403
        for cert in (unbound, None):
            assert status(lambda: client(cert).search_for_studies()) == 401, cert
        with pytest.raises(requests.exceptions.SSLError):
            client(site["other_ca"]).search_for_studies()
        assert status(lambda: client(site["ct1"], f"Bearer {token}").retrieve_study(stored.StudyInstanceUID)) == 200
    decisions = netserve.decisions_text(rampart, data)
    assert re.search(r"\tallow\tAE CT1\tdicomweb\t127\.0\.0\.1:\d+\tstore\t", decisions), decisions
    assert re.search(r"\tdeny\tAE CT1\tdicomweb\t127\.0\.0\.1:\d+\tretrieve\t", decisions)
    assert "is bound to no registered AE: bind it with rampart ae add TITLE --certificate FILE.pem" in decisions
    retrieved = [e["event"] for e in netserve.decisions(rampart, data)
                 if e["event"]["actor"].get("name") == "admin" and e["event"]["action"] == "retrieve"]
    assert [e["source"].get("certificateFingerprint") for e in retrieved] == [sha256_fingerprint(site["ct1"][0])]


def sha256_fingerprint(certificate: Path) -> str:
    """The certificate's SHA-256 fingerprint in lowercase hex, as openssl computes it."""
    printed = subprocess.run(["/usr/bin/openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", str(certificate)],
                             capture_output=True, text=True, check=True, timeout=30).stdout
    return printed.split("=", 1)[1].strip().replace(":", "").lower()
