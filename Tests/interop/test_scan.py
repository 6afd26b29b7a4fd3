"""`rampart scan` against real archives on loopback, started by the tests: an Orthanc left
open the way the 2019 incidents found them, a permissive DCMTK dcmqrscp, and `rampart serve`
with its defaults. Every target is 127.0.0.1 and a port the test started; each scan is bounded
by the scanner's own timeouts and by subprocess timeouts here.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import html.parser
import json
import re
import subprocess
import threading
from pathlib import Path

import pytest
import requests

import nethelpers as h
import netpeers
import netserve
import nettls
from netpeers import describe_run

pytestmark = pytest.mark.net

ORTHANC = Path("/usr/sbin/Orthanc")
DICOMWEB_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
# Generous: on a loaded machine Orthanc's DICOMweb plugin can take seconds to list its studies.
SCAN_OPTIONS = ["--timeout", "10", "--connect-timeout", "2"]


def scan(rampart: Path, *targets: str, fmt: str | None = "--json", extra=()) -> tuple[subprocess.CompletedProcess, dict | None]:
    """`rampart scan` with `fmt` (--json, --sarif, or None for the table) and its parsed report."""
    result = subprocess.run([str(rampart), "scan", *SCAN_OPTIONS, *extra, *([fmt] if fmt else []), *targets], capture_output=True, text=True,
                            timeout=120, check=False)
    report = json.loads(result.stdout) if result.returncode in (0, 1) and fmt in ("--json", "--sarif") else None
    return result, report


def by_id(report: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["id"], []).append(finding)
    return found


def patient_values(archive) -> set[str]:
    """Every patient value of the synthetic archive, and each name component on its own."""
    values = set()
    for instance in archive.instances:
        for keyword in ("PatientName", "PatientID", "PatientBirthDate", "AccessionNumber", "ReferringPhysicianName"):
            value = str(instance.attrs.get(keyword, ""))
            if len(value) >= 3:
                values.add(value)
                values.update(part for part in value.split("^") if len(part) >= 3)
    return values


def assert_no_patient_value(text: str, archive) -> None:
    leaked = sorted(value for value in patient_values(archive) if value in text)
    assert not leaked, f"the scanner's output holds {len(leaked)} synthetic patient values"


@contextlib.contextmanager
def open_orthanc(folder: Path, files: Path, **changes):
    """Orthanc as found in the field: remote access allowed, authentication off, any AE may
    echo, store and query, the DICOMweb plugin on; loaded with the synthetic archive. `changes`
    replace settings of its configuration."""
    folder.mkdir(parents=True)
    (folder / "storage").mkdir()
    dicom_port, http_port = netpeers.free_port(), netpeers.free_port()
    config = {
        "Name": "RampartScanTarget", "StorageDirectory": str(folder / "storage"), "IndexDirectory": str(folder / "storage"),
        "DicomServerEnabled": True, "DicomAet": "ORTHANC", "DicomPort": dicom_port, "DicomCheckCalledAet": False,
        "DicomAlwaysAllowEcho": True, "DicomAlwaysAllowStore": True, "DicomAlwaysAllowFind": True, "DicomAlwaysAllowMove": True,
        "HttpServerEnabled": True, "HttpPort": http_port, "RemoteAccessAllowed": True, "AuthenticationEnabled": False,
        "Plugins": [str(DICOMWEB_PLUGIN)],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "EnableWado": True, "WadoRoot": "/wado"},
    } | changes
    (folder / "orthanc.json").write_text(json.dumps(config, indent=2))
    log = folder / "orthanc.log"
    proc = netpeers.spawn([str(ORTHANC), str(folder / "orthanc.json")], log=log, env=netpeers.dcmtk_env(), cwd=folder, lifetime=600)
    try:
        netpeers.wait_for_port(proc, dicom_port, "Orthanc", log, timeout=60)
        netpeers.wait_for_port(proc, http_port, "Orthanc", log, timeout=60)
        peer = netpeers.Peer("orthanc", netpeers.HOST, dicom_port, "ORTHANC", proc, log, folder, folder / "storage", extra={"http_port": http_port})
        result = h.storescu(peer, files)
        assert result.returncode == 0, describe_run(result) + peer.log_text()
        yield peer
    finally:
        netpeers.stop_process(proc)


@pytest.mark.skipif(not (ORTHANC.exists() and DICOMWEB_PLUGIN.exists()), reason="apt-get install orthanc orthanc-dicomweb")
def test_net_scan_reports_the_open_orthanc(rampart, net_archive, tmp_path):
    patients = len({i.patient_id for i in net_archive.instances})
    studies = len({i.study_uid for i in net_archive.instances})
    with open_orthanc(tmp_path / "orthanc", net_archive.root) as orthanc:
        dicom, web = f"127.0.0.1:{orthanc.port}", f"127.0.0.1:{orthanc.extra['http_port']}"
        # The HTML page of the same scan as the JSON report.
        page = tmp_path / "report.html"
        result, report = scan(rampart, dicom, web, extra=("--html", str(page)))
        table, _ = scan(rampart, dicom, web, fmt=None)
        sarif_result, sarif = scan(rampart, dicom, web, fmt="--sarif")
    assert result.returncode == 1, describe_run(result)
    found = by_id(report)
    patient_query = found["DICOM-PATIENT-QUERY-UNAUTHENTICATED"][0]
    assert patient_query["severity"] == "critical" and patient_query["target"] == dicom
    assert f" {patients} records answered" in patient_query["evidence"]
    assert "PatientName" in patient_query["evidence"] and "PatientBirthDate" in patient_query["evidence"]
    study_query = found["DICOM-STUDY-QUERY-UNAUTHENTICATED"][0]
    assert f" {studies} records answered" in study_query["evidence"]
    assert found["DICOM-ANY-AE-ACCEPTED"][0]["severity"] == "high"
    assert "DICOM-STORAGE-UNAUTHENTICATED" in found and "DICOM-ECHO-UNAUTHENTICATED" in found
    # Debian's Orthanc announces 1.10.1: below 1.12.11 (CVE-2026-5437 to 5445), above 1.5.8 (CVE-2025-0896).
    known = [f for f in found["KNOWN-VULNERABILITY"] if f["target"] == web]
    assert len(known) == 1 and "Orthanc 1.10.1 (GET /system Version) is below 1.12.11" in known[0]["evidence"], known
    assert "CVE-2026-5437" in known[0]["evidence"] and "CVE-2025-0896" not in known[0]["evidence"] and known[0]["severity"] == "critical"
    rest = found["WEB-ORTHANC-REST-UNAUTHENTICATED"][0]
    assert rest["target"] == web and f"listed {patients} patients" in rest["evidence"]
    dicomweb = found["WEB-DICOMWEB-UNAUTHENTICATED"][0]
    assert f"with {studies} studies" in dicomweb["evidence"] and dicomweb["severity"] == "critical"
    exposed = found["WEB-PATIENT-DATA-EXPOSED"][0]
    assert exposed["severity"] == "critical" and "person name" in exposed["evidence"]
    assert all(f["fix"] for f in report["findings"])
    assert_no_patient_value(result.stdout + result.stderr, net_archive)
    assert "CRITICAL" in table.stdout and "What to do:" in table.stdout, table.stdout
    assert_no_patient_value(table.stdout + sarif_result.stdout, net_archive)
    assert sarif["version"] == "2.1.0"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"DICOM-PATIENT-QUERY-UNAUTHENTICATED", "WEB-ORTHANC-REST-UNAUTHENTICATED"}
    check_html_report(page.read_text(), report, net_archive)


class _Page(html.parser.HTMLParser):
    """What an HTML report holds: its text, the tags used, and any reference to another resource."""

    def __init__(self):
        super().__init__()
        self.text, self.tags, self.external = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.external += [v for k, v in attrs if k in ("src", "href") and v and not v.startswith("#")]

    def handle_data(self, data):
        self.text.append(data)


def check_html_report(page: str, report: dict, archive) -> None:
    """The HTML report is one page that loads nothing (no script, no external reference), charts the
    findings per severity with the counts the JSON report gives, lists every finding with its fix,
    and holds no patient value."""
    parsed = _Page()
    parsed.feed(page)
    text = " ".join(parsed.text)
    assert "script" not in parsed.tags and "link" not in parsed.tags and parsed.external == []
    assert "svg" in parsed.tags and "Findings per severity" in text
    counts = {s: sum(f["severity"] == s for f in report["findings"]) for s in ("critical", "high", "medium", "low", "info")}
    cells = page.split('<table class="counts">', 1)[1].split("</table>", 1)[0]
    assert [int(c) for c in re.findall(r"<td>(\d+)</td>", cells)] == list(counts.values())
    for finding in report["findings"]:
        assert finding["id"] in text and html.unescape(html.escape(finding["evidence"])) in text
        if finding["severity"] != "info":
            assert finding["fix"] in text
    assert_no_patient_value(page, archive)


@pytest.mark.skipif(not (ORTHANC.exists() and DICOMWEB_PLUGIN.exists()), reason="apt-get install orthanc orthanc-dicomweb")
def test_net_scan_intrusive_stores_a_test_object_and_signs_in_with_default_credentials(rampart, net_archive, tmp_path):
    """Orthanc with its web sign-in on, but for the user of its guides (orthanc/orthanc), and
    DICOM storage open: without --intrusive nothing is sent and no password tried; with it, the
    test object is stored (Orthanc then holds it, under the UID the report gives) and the default
    sign-in is found."""
    with open_orthanc(tmp_path / "orthanc", net_archive.root, AuthenticationEnabled=True, RegisteredUsers={"orthanc": "orthanc"}) as orthanc:
        dicom, web = f"127.0.0.1:{orthanc.port}", f"127.0.0.1:{orthanc.extra['http_port']}"
        base = f"http://{web}"
        before = requests.get(base + "/instances", auth=("orthanc", "orthanc"), timeout=30).json()
        gentle, report = scan(rampart, dicom, web)
        found = by_id(report)
        assert "WEB-DEFAULT-CREDENTIALS" not in found and "WEB-ORTHANC-REST-UNAUTHENTICATED" not in found
        assert "no object sent" in found["DICOM-STORAGE-UNAUTHENTICATED"][0]["evidence"]
        assert requests.get(base + "/instances", auth=("orthanc", "orthanc"), timeout=30).json() == before
        # One endpoint at a time: Orthanc filing the test object (an fsync, slow on a loaded
        # machine) must not hold up its answer to the sign-in.
        intrusive, report = scan(rampart, web, extra=("--intrusive", "--timeout", "30"))
        found = by_id(report)
        assert "WEB-DEFAULT-CREDENTIALS" in found, json.dumps(report["findings"], indent=1)
        signed_in = found["WEB-DEFAULT-CREDENTIALS"][0]
        assert signed_in["target"] == web and signed_in["severity"] == "critical" and "user orthanc" in signed_in["evidence"]
        assert "orthanc\"" not in signed_in["evidence"] and ":orthanc" not in signed_in["evidence"]
        intrusive, report = scan(rampart, dicom, extra=("--intrusive", "--timeout", "30"))
        found = by_id(report)
        stored = found["DICOM-STORAGE-UNAUTHENTICATED"][0]["evidence"]
        assert "stored a synthetic test object" in stored, stored
        uid = stored.rsplit("SOP Instance UID ", 1)[1]
        matches = requests.post(base + "/tools/find", auth=("orthanc", "orthanc"), timeout=30,
                                json={"Level": "Instance", "Query": {"SOPInstanceUID": uid}, "Expand": True}).json()
        assert len(matches) == 1 and matches[0]["MainDicomTags"]["SOPInstanceUID"] == uid
        patient = requests.get(base + f"/instances/{matches[0]['ID']}/patient", auth=("orthanc", "orthanc"), timeout=30).json()
        assert patient["MainDicomTags"]["PatientID"] == "RAMPART-SCAN-TEST"


class _Dcm4cheeStandIn(http.server.BaseHTTPRequestHandler):
    """Answers as an unsecured dcm4chee-arc-light does (there is no dcm4chee on Debian to run): its
    REST list of AEs, one AE's QIDO-RS with two synthetic studies, and the UI's page."""

    STUDIES = [{"00100010": {"vr": "PN", "Value": [{"Alphabetic": "Synthetic^Alpha"}]}, "00100030": {"vr": "DA", "Value": ["19700101"]}},
               {"00100010": {"vr": "PN", "Value": [{"Alphabetic": "Synthetic^Beta"}]}, "00100030": {"vr": "DA", "Value": ["19800202"]}}]

    def do_GET(self):
        routes = {
            "/dcm4chee-arc/aets": ("application/json", json.dumps([{"dicomAETitle": "DCM4CHEE"}, {"dicomAETitle": "IOCM_REGULAR_USE"}])),
            "/dcm4chee-arc/aets/DCM4CHEE/rs/studies": ("application/dicom+json", json.dumps(self.STUDIES)),
            "/dcm4chee-arc/ui2/": ("text/html", "<!doctype html><title>dcm4chee-arc</title><app-root></app-root>"),
            "/": ("text/html", "<!doctype html><title>Welcome</title>"),
        }
        if self.path not in routes:
            self.send_error(404)
            return
        kind, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def test_net_scan_reports_an_unsecured_dcm4chee_and_its_dicomweb(rampart):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Dcm4cheeStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        target = f"127.0.0.1:{server.server_address[1]}"
        result, report = scan(rampart, target)
    finally:
        server.shutdown()
    assert result.returncode == 1, result.stdout + result.stderr
    found = by_id(report)
    rest = found["WEB-DCM4CHEE-REST-UNAUTHENTICATED"][0]
    assert "listed 2 archive AEs" in rest["evidence"] and "ui2/ answered 200" in rest["evidence"] and rest["severity"] == "high"
    dicomweb = found["WEB-DICOMWEB-UNAUTHENTICATED"][0]
    assert "GET /dcm4chee-arc/aets/DCM4CHEE/rs/studies answered 200 with 2 studies" in dicomweb["evidence"], dicomweb
    assert dicomweb["severity"] == "critical" and "WEB-PATIENT-DATA-EXPOSED" in found
    assert "Synthetic" not in result.stdout and "19700101" not in result.stdout


def test_net_scan_reports_the_permissive_dcmqrscp(rampart, net_archive, peers):
    files = [i.path for i in net_archive.instances]
    server = peers.dcmqrscp(files)
    result, report = scan(rampart, f"127.0.0.1:{server.port}")
    assert result.returncode == 1, describe_run(result)
    found = by_id(report)
    accepted = found["DICOM-ANY-AE-ACCEPTED"][0]["evidence"]
    assert "'DCMQRSCP'" in accepted, accepted
    patients = len({i.patient_id for i in net_archive.instances})
    studies = len({i.study_uid for i in net_archive.instances})
    assert f" {patients} records answered" in found["DICOM-PATIENT-QUERY-UNAUTHENTICATED"][0]["evidence"]
    assert f" {studies} records answered" in found["DICOM-STUDY-QUERY-UNAUTHENTICATED"][0]["evidence"]
    assert_no_patient_value(result.stdout + result.stderr, net_archive)


def test_net_scan_tells_an_scp_that_checks_identities_from_one_that_does_not(rampart, peers):
    """pynetdicom SCPs that refuse an association without a user identity: one checks the
    identity against its users (the scanner's made-up one is refused: nothing above info but
    cleartext), the other takes any (DICOM-IDENTITY-NOT-VERIFIED)."""
    checking = peers.pynetdicom_scp(users={"alice": "secret"}, extra=["--require-identity"])
    # The SCP answers to its own AE title only: named, so that the identity is what decides.
    result, report = scan(rampart, f"127.0.0.1:{checking.port}", extra=("--called-ae", checking.ae))
    assert result.returncode == 0, result.stdout + result.stderr
    found = by_id(report)
    assert "DICOM-ASSOCIATION-REFUSED" in found and "DICOM-IDENTITY-NOT-VERIFIED" not in found and "DICOM-ANY-AE-ACCEPTED" not in found
    assert {f["severity"] for f in report["findings"]} <= {"info", "low", "medium"}, report["findings"]
    gullible = peers.pynetdicom_scp(extra=["--require-identity", "--accept-any-identity"])
    result, report = scan(rampart, f"127.0.0.1:{gullible.port}", extra=("--called-ae", gullible.ae))
    assert result.returncode == 1, result.stdout + result.stderr
    assert by_id(report)["DICOM-IDENTITY-NOT-VERIFIED"][0]["severity"] == "high"


def test_net_scan_reads_a_dcmtk_release_from_the_association_and_names_its_cves(rampart, peers):
    """An SCP that calls itself OFFIS_DCMTK_366 (DCMTK 3.6.6) in its A-ASSOCIATE-AC is below
    3.6.7, which fixed CVE-2022-2119, -2120 and -2121; one that says OFFIS_DCMTK_367 is not."""
    old = peers.pynetdicom_scp(extra=["--implementation-version-name", "OFFIS_DCMTK_366"])
    result, report = scan(rampart, f"127.0.0.1:{old.port}", extra=("--called-ae", old.ae))
    known = by_id(report)["KNOWN-VULNERABILITY"]
    assert len(known) == 1 and known[0]["severity"] == "high", known
    assert "DCMTK 3.6.6 (Implementation Version Name OFFIS_DCMTK_366) is below 3.6.7" in known[0]["evidence"]
    assert all(cve in known[0]["evidence"] for cve in ("CVE-2022-2119", "CVE-2022-2120", "CVE-2022-2121"))
    current = peers.pynetdicom_scp(extra=["--implementation-version-name", "OFFIS_DCMTK_367"])
    result, report = scan(rampart, f"127.0.0.1:{current.port}", extra=("--called-ae", current.ae))
    assert "KNOWN-VULNERABILITY" not in by_id(report)


def test_net_scan_speaks_dicom_over_tls_and_reports_an_open_scp_behind_it(rampart, peers, tmp_path):
    """TLS is not authentication: a pynetdicom SCP behind TLS (a site CA's certificate) that takes
    any AE is found through the TLS port, with no cleartext finding."""
    tls = nettls.make_tls_material(tmp_path / "tls")
    server = peers.pynetdicom_scp(tls=tls)
    result, report = scan(rampart, f"127.0.0.1:{server.port}", extra=("--called-ae", server.ae))
    assert result.returncode == 1, result.stdout + result.stderr
    found = by_id(report)
    assert {e["endpoint"]: e["service"] for e in report["openEndpoints"]} == {f"127.0.0.1:{server.port}": "dicom-tls"}
    assert found["DICOM-ANY-AE-ACCEPTED"][0]["severity"] == "high"
    assert "DICOM-ECHO-UNAUTHENTICATED" in found and "DICOM-STORAGE-UNAUTHENTICATED" in found
    assert "DICOM-CLEARTEXT" not in found and "TLS-CERTIFICATE-UNTRUSTED" in found
    # Python's default server ciphers are forward-secret; RSA key exchange allowed is a finding.
    assert "TLS-NO-FORWARD-SECRECY" not in found
    weak = peers.pynetdicom_scp(tls=tls, extra=["--tls-ciphers", "AES128-GCM-SHA256:AES128-SHA"])
    result, report = scan(rampart, f"127.0.0.1:{weak.port}", extra=("--called-ae", weak.ae))
    no_pfs = by_id(report)["TLS-NO-FORWARD-SECRECY"][0]
    assert no_pfs["severity"] == "medium" and "TLS 1.2 handshake offering only RSA key exchange" in no_pfs["evidence"], no_pfs


def expired_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 that expired ten days ago (made with the
    `cryptography` package: openssl's command line will not sign one in the past)."""
    import datetime
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "expired.test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=400))
                   .not_valid_after(now - datetime.timedelta(days=10))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert, key_path = folder / "expired.pem", folder / "expired-key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert, key_path


def test_net_scan_reports_an_expired_certificate_on_a_dicom_tls_port(rampart, peers, tmp_path):
    cert, key = expired_certificate(tmp_path / "expired")
    server = peers.pynetdicom_scp(extra=["--tls-cert", str(cert), "--tls-key", str(key)])
    result, report = scan(rampart, f"127.0.0.1:{server.port}")
    found = by_id(report)
    expired = found["TLS-CERTIFICATE-EXPIRED"][0]
    assert expired["target"] == f"127.0.0.1:{server.port}" and "expired 10 days ago" in expired["evidence"], expired
    assert "TLS-CERTIFICATE-UNTRUSTED" in found
    assert result.returncode in (0, 1), result.stdout + result.stderr


def test_net_scan_finds_nothing_above_info_on_rampart_defaults(rampart, tmp_path):
    data = tmp_path / "data"
    init = netserve.run(rampart, "init", "--data-dir", data)
    assert init.returncode == 0, describe_run(init)
    with netserve.serve(rampart, data, tmp_path / "serve.log") as server:
        targets = [f"127.0.0.1:{server.port}", f"127.0.0.1:{server.extra['http_port']}"]
        result, report = scan(rampart, *targets)
    assert result.returncode == 0, describe_run(result)
    above_info = [f"{f['id']} {f['severity']} {f['target']}: {f['evidence']}" for f in report["findings"] if f["severity"] != "info"]
    assert not above_info, above_info
    services = {e["endpoint"]: e["service"] for e in report["openEndpoints"]}
    assert services == {targets[0]: "dicom", targets[1]: "https"}, services
    assert "DICOM-ASSOCIATION-REFUSED" in by_id(report)


def test_net_serve_scans_itself_and_reports_exactly_its_legacy_exception(rampart, tmp_path):
    """`rampart serve` scans its own listeners (plain DICOM, DICOM TLS, HTTPS) and its AE
    registry once they are up: with the defaults nothing above info; with one AE admitted by
    title and host alone, exactly that finding, naming the AE and host."""
    data = tmp_path / "data"
    assert netserve.run(rampart, "init", "--data-dir", data).returncode == 0
    with netserve.serve(rampart, data, tmp_path / "serve.log", tls=True) as server:
        assert netserve.wait_for_self_scan(server.proc, server.log) == "no finding above info"
    assert netserve.run(rampart, "ae", "add", "LEGACY1", "--host", "127.0.0.7", "--port", "104", "--data-dir", data).returncode == 0
    with netserve.serve(rampart, data, tmp_path / "serve-legacy.log", tls=True) as server:
        summary = netserve.wait_for_self_scan(server.proc, server.log)
    assert summary == "1 finding(s): medium DICOM-LEGACY-EXCEPTION ae-registry.json: AE LEGACY1 from host 127.0.0.7 (roles modality)", summary


def test_scan_refuses_ranges_it_was_not_allowed(rampart):
    result, _ = scan(rampart, "127.0.0.0/24", fmt="--json")
    assert result.returncode == 2 and "--i-own-this-network" in result.stderr
    result, _ = scan(rampart, "127.0.0.0/16", fmt="--json", extra=["--i-own-this-network"])
    assert result.returncode == 2 and "/22" in result.stderr
