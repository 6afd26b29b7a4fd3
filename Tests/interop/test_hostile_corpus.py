"""Hostile inputs to `rampart serve`, over DIMSE and DICOMweb: each gets a specific refusal (a
DICOM status, an A-ABORT, an HTTP status), and changes nothing in the archive (its blob files
and index rows are counted before and after). A store the gate allowed and the archive then
refused leaves a record of the refusal in the audit log, after the decision it follows. The
PDU decoder's A-ABORT is a security alert of its own (protocol-violation, at most one a minute
per host with the count), and so is an HTTP 400 (malformed-request): a header or a UID that cannot
be read, refused before the gate is asked. Those alerts are coalesced per address, so each HTTP
case is sent from an address of its own in 127.0.0.0/8 to be recorded at once.
`test_a_slow_http_peer_is_disconnected` dribbles a request header a byte a second (Slowloris) and
opens a connection that sends nothing: the server closes both after `http.idle_timeout_seconds`.

The table `HOSTILE` is the corpus: path-traversal, over-long and illegal UIDs; element lengths
near 2^32; sequences nested past the parser's bound; a deflated data set that inflates 1,000
times (a decompression bomb); an invalid character set; an oversized PDU and an oversized HTTP
header. `test_query_meta_characters_match_literally` sends the SQL LIKE and GLOB
meta-characters (`%`, `_`, `'`, `[`) and the DICOM wild cards (`*`, `?`) as C-FIND and QIDO-RS
keys against patients whose IDs hold them, and checks the exact set that matches.

Not here: garbage and truncated PDUs, ARTIM timeouts and stalled peers (test_net_robustness.py),
damaged Part 10 files on the command line (test_malformed_input.py), association limits
(test_net_serve_limits.py). Data is synthetic.
"""

from __future__ import annotations

import socket
import sqlite3
import ssl
import struct
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import requests
from pydicom.dataset import Dataset
from pynetdicom import AE
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind

import nethelpers as h
import netserve
from netpeers import HOST

pytestmark = pytest.mark.net

CALLING = "HOSTILE"
IDLE_TIMEOUT = 3  # http.idle_timeout_seconds of the site
CT = "1.2.840.10008.5.1.4.1.1.2"
IMPLICIT, EXPLICIT, DEFLATED = "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99"
UID_ROOT = "1.2.826.0.1.3680043.2.1125.77"
# Patient IDs that hold what SQL patterns and DICOM wild cards treat specially, and their look-alikes.
META_IDS = ["50%", "500", "A_B", "AXB", "O'Brien", "OXBrien", "[A]1", "A1", "back\\slash"]


# --- building data sets by hand (the point is bytes no well-behaved library writes) ----------

def uid_bytes(uid: str) -> bytes:
    data = uid.encode("latin-1")
    return data + b"\0" if len(data) % 2 else data


def implicit(group: int, element: int, value: bytes, length: int | None = None) -> bytes:
    if length is None and len(value) % 2:
        value += b" "
    return struct.pack("<HHI", group, element, len(value) if length is None else length) + value


def explicit(group: int, element: int, vr: str, value: bytes) -> bytes:
    if len(value) % 2:
        value += b"\0" if vr == "UI" else b" "
    if vr in ("OB", "OW", "SQ", "UN", "UT"):
        return struct.pack("<HH2sHI", group, element, vr.encode(), 0, len(value)) + value
    return struct.pack("<HH2sH", group, element, vr.encode(), len(value)) + value


def data_set(sop: str, *, study: str = UID_ROOT + ".1", series: str = UID_ROOT + ".2", patient_id: str = "HOSTILE",
             before: bytes = b"", after: bytes = b"") -> bytes:
    """A CT image's identifying attributes, implicit VR little endian, with `before` and `after`."""
    return (before + implicit(0x0008, 0x0016, uid_bytes(CT)) + implicit(0x0008, 0x0018, uid_bytes(sop))
            + implicit(0x0008, 0x0060, b"CT") + implicit(0x0010, 0x0010, b"Hostile^Synthetic")
            + implicit(0x0010, 0x0020, patient_id.encode("latin-1")) + implicit(0x0020, 0x000D, uid_bytes(study))
            + implicit(0x0020, 0x000E, uid_bytes(series)) + after)


def nested_sequences(depth: int) -> bytes:
    """(0040,A730) Content Sequence items inside each other `depth` deep, undefined lengths."""
    inner = b""
    for _ in range(depth):
        inner = (struct.pack("<HHI", 0x0040, 0xA730, 0xFFFFFFFF) + struct.pack("<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF) + inner
                 + struct.pack("<HHI", 0xFFFE, 0xE00D, 0) + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0))
    return inner


def deflate_bomb(sop: str, inflated: int = 64 << 20) -> bytes:
    """A Deflated Explicit VR Little Endian data set whose private OB of `inflated` zero bytes
    deflates about 1,000 times: some 64 KiB on the wire."""
    head = (explicit(0x0008, 0x0016, "UI", uid_bytes(CT)) + explicit(0x0008, 0x0018, "UI", uid_bytes(sop))
            + explicit(0x0010, 0x0020, "LO", b"BOMB") + explicit(0x0020, 0x000D, "UI", uid_bytes(UID_ROOT + ".1"))
            + explicit(0x0020, 0x000E, "UI", uid_bytes(UID_ROOT + ".2")) + explicit(0x0029, 0x0010, "LO", b"SYNTHETIC")
            + struct.pack("<HH2sHI", 0x0029, 0x1010, b"OB", 0, inflated))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = compressor.compress(head)
    zeros = bytes(1 << 20)
    for _ in range(inflated >> 20):
        out += compressor.compress(zeros)
    return out + compressor.flush()


# --- the DIMSE side -------------------------------------------------------------------------

def pdvs(body: bytes) -> list[tuple[int, bytes]]:
    out, offset = [], 0
    while offset + 6 <= len(body):
        length, _, header = struct.unpack(">IBB", body[offset:offset + 6])
        out.append((header, body[offset + 6:offset + 4 + length]))
        offset += 4 + length
    return out


def command_value(command: bytes, element: int) -> bytes | None:
    """The value of (0000,`element`) in a command set."""
    offset = 0
    while offset + 8 <= len(command):
        group, number, length = struct.unpack("<HHI", command[offset:offset + 8])
        if (group, number) == (0x0000, element):
            return command[offset + 8:offset + 8 + length]
        offset += 8 + length
    return None


def answer(sock, comment: list[str] | None = None) -> str:
    """What the server answered: "status 0x...." (a DIMSE response), "A-ABORT", or how it ended.
    A response's Error Comment (0000,0902) is appended to `comment`."""
    try:
        pdu_type, body = h.read_pdu(sock, timeout=60)
    except (ConnectionError, TimeoutError) as error:
        return f"no answer ({error})"
    if pdu_type == 0x04:
        command = b"".join(v for header, v in pdvs(body) if header & 1)
        if comment is not None:
            comment.append((command_value(command, 0x0902) or b"").decode("latin-1"))
        return f"status {struct.unpack('<H', command_value(command, 0x0900))[0]:#06x}"
    return "A-ABORT" if pdu_type == 0x07 else f"PDU type {pdu_type:#04x}"


def raw_store(site: dict, sop: str, dataset: bytes, syntax: str = IMPLICIT) -> str:
    """One C-STORE-RQ over a raw association: the command, the data set in P-DATA-TF PDUs within
    the negotiated maximum, and what the server answered."""
    sock, _ = h.raw_associate(site["server"], contexts=((1, CT, (syntax,)),), calling=CALLING)
    try:
        sock.sendall(h.p_data_tf(1, h.c_store_rq_command(CT, sop)))
        step = 16_000
        for at in range(0, len(dataset), step):
            if h.send_all_tolerant(sock, h.p_data_tf(1, dataset[at:at + step], command=False, last=at + step >= len(dataset))):
                break
        return answer(sock)
    finally:
        sock.close()


def oversized_pdu(site: dict) -> str:
    """A P-DATA-TF that announces 4 GiB - 1: refused from its header, before any body."""
    sock, _ = h.raw_associate(site["server"], contexts=((1, CT, (IMPLICIT,)),), calling=CALLING)
    try:
        sock.sendall(struct.pack(">BBI", 0x04, 0, 0xFFFFFFFF) + bytes(1024))
        return answer(sock)
    finally:
        sock.close()


def find_with_identifier(site: dict, identifier: bytes, comment: list[str] | None = None) -> str:
    """A Study Root C-FIND-RQ carrying `identifier` as it is; the first response's status."""
    find = "1.2.840.10008.5.1.4.1.2.2.1"
    sock, _ = h.raw_associate(site["server"], contexts=((1, find, (IMPLICIT,)),), calling=CALLING)
    try:
        body = (implicit(0x0000, 0x0002, uid_bytes(find)) + implicit(0x0000, 0x0100, struct.pack("<H", 0x0020))
                + implicit(0x0000, 0x0110, struct.pack("<H", 1)) + implicit(0x0000, 0x0700, struct.pack("<H", 0))
                + implicit(0x0000, 0x0800, struct.pack("<H", 0x0000)))
        sock.sendall(h.p_data_tf(1, implicit(0x0000, 0x0000, struct.pack("<I", len(body))) + body))
        sock.sendall(h.p_data_tf(1, identifier, command=False))
        return answer(sock, comment)
    finally:
        sock.close()


# --- the DICOMweb side ----------------------------------------------------------------------

def http(site: dict, method: str, path: str, source: str | None = None, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {site['token']}", **kwargs.pop("headers", {})}
    with requests.Session() as session:
        if source:
            session.mount("https://", netserve.SourceAddressAdapter(source))
        return session.request(method, site["url"] + path, headers=headers, verify=site["ca"], timeout=120, **kwargs)


def part10(dataset: bytes, sop: str, syntax: str = IMPLICIT) -> bytes:
    """`dataset` behind a preamble and a meta group."""
    meta = (explicit(0x0002, 0x0001, "OB", b"\0\1") + explicit(0x0002, 0x0002, "UI", uid_bytes(CT))
            + explicit(0x0002, 0x0003, "UI", uid_bytes(sop)) + explicit(0x0002, 0x0010, "UI", uid_bytes(syntax))
            + explicit(0x0002, 0x0012, "UI", uid_bytes(UID_ROOT + ".9")))
    return bytes(128) + b"DICM" + explicit(0x0002, 0x0000, "UL", struct.pack("<I", len(meta))) + meta + dataset


def stow(site: dict, file: bytes) -> str:
    boundary = "hostile-corpus-boundary"
    body = (f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode() + file + f"\r\n--{boundary}--\r\n".encode())
    response = http(site, "POST", "/studies", data=body,
                    headers={"Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
                             "Accept": "application/dicom+json"})
    reasons = []
    if response.headers.get("Content-Type", "").startswith("application/dicom+json"):
        failed = response.json().get("00081198", {}).get("Value", [])
        reasons = [f"{item['00081197']['Value'][0]:#06x}" for item in failed if "00081197" in item]
    return f"HTTP {response.status_code}" + (f" failure {','.join(reasons)}" if reasons else "")


def get_status(site: dict, path: str, **kwargs) -> str:
    return f"HTTP {http(site, 'GET', path, **kwargs).status_code}"


def oversized_header(site: dict, source: str) -> str:
    return get_status(site, "/studies", source=source, headers={"X-Padding": "A" * (256 * 1024)})


# The address each HTTP case comes from: its alert is the first of its address, recorded at once.
MALFORMED_FROM = {"wado-study-uid-path-traversal": "127.0.0.31", "qido-uid-with-letters": "127.0.0.32",
                  "http-header-of-256-KiB": "127.0.0.33"}


def malformed_case(name: str, send: Callable[[dict, str], str]) -> Hostile:
    return Hostile(name, lambda site: send(site, MALFORMED_FROM[name]), "HTTP 400", f"from {MALFORMED_FROM[name]} refused as malformed")


# --- the corpus -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Hostile:
    name: str
    send: Callable[[dict], str]
    expected: str
    # What the audit record of the refusal says: a fragment of its reason.
    recorded: str


def store_case(name: str, sop: str, dataset: bytes, recorded: str, syntax: str = IMPLICIT) -> Hostile:
    return Hostile(name, lambda site: raw_store(site, sop, dataset, syntax), "status 0xc000", recorded)


def stow_case(name: str, sop: str, dataset: bytes, recorded: str, syntax: str = IMPLICIT) -> Hostile:
    return Hostile(name, lambda site: stow(site, part10(dataset, sop, syntax)), "HTTP 409 failure 0xc000", recorded)


TRAVERSAL = "../../../../../tmp/hostile"
LONG_UID = "1." + "2" * 70
HUGE = struct.pack("<HHI", 0x0010, 0x1000, 0xFFFFFFF0) + b"AB"

HOSTILE = [
    store_case("sop-uid-path-traversal", TRAVERSAL, data_set(TRAVERSAL), "a UID is digits and dots only"),
    store_case("study-uid-path-traversal", UID_ROOT + ".10", data_set(UID_ROOT + ".10", study="../../.."), "a UID is digits and dots only"),
    store_case("series-uid-absolute-path", UID_ROOT + ".11", data_set(UID_ROOT + ".11", series="/etc/passwd"), "a UID is digits and dots only"),
    store_case("uid-over-64-characters", LONG_UID, data_set(LONG_UID), "PS3.5 9.1 allows at most 64"),
    store_case("uid-with-letters", "1.2.abc.4", data_set("1.2.abc.4"), "a UID is digits and dots only"),
    store_case("uid-with-nul", "1.2.3\0.5", data_set("1.2.3\0.5"), "a UID is digits and dots only"),
    store_case("element-length-near-2^32", UID_ROOT + ".12", data_set(UID_ROOT + ".12", after=HUGE), "declares a value of 4294967280 bytes"),
    store_case("pixel-data-length-near-2^32", UID_ROOT + ".13",
               data_set(UID_ROOT + ".13", after=struct.pack("<HHI", 0x7FE0, 0x0010, 0xFFFFFFFE)), "declares a value of 4294967294 bytes"),
    store_case("sequences-nested-500-deep", UID_ROOT + ".14", data_set(UID_ROOT + ".14", after=nested_sequences(500)),
               "sequences nested deeper than"),
    store_case("deflate-bomb", UID_ROOT + ".15", deflate_bomb(UID_ROOT + ".15"), "refused as a decompression bomb", syntax=DEFLATED),
    Hostile("p-data-tf-of-4-GiB", oversized_pdu, "A-ABORT", "aborted for breaking the DICOM protocol"),
    stow_case("stow-sop-uid-path-traversal", TRAVERSAL, data_set(TRAVERSAL), "a UID is digits and dots only"),
    stow_case("stow-uid-over-64-characters", LONG_UID, data_set(LONG_UID), "PS3.5 9.1 allows at most 64"),
    stow_case("stow-element-length-near-2^32", UID_ROOT + ".16", data_set(UID_ROOT + ".16", after=HUGE), "declares a value of 4294967280 bytes"),
    stow_case("stow-sequences-nested-500-deep", UID_ROOT + ".17", data_set(UID_ROOT + ".17", after=nested_sequences(500)),
              "sequences nested deeper than"),
    stow_case("stow-deflate-bomb", UID_ROOT + ".18", deflate_bomb(UID_ROOT + ".18"), "refused as a decompression bomb", syntax=DEFLATED),
    malformed_case("wado-study-uid-path-traversal", lambda site, source: get_status(site, "/studies/..%2F..%2F..%2Fetc%2Fpasswd", source=source)),
    malformed_case("qido-uid-with-letters", lambda site, source: get_status(site, "/studies", source=source, params={"StudyInstanceUID": "1.2.abc"})),
    # NIO's HTTP parser ends the request at its header limit (80 KiB) with 400, before any route.
    malformed_case("http-header-of-256-KiB", oversized_header),
]


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory) -> dict:
    """A served data folder: the AE HOSTILE (a modality: stores and queries), a radiologist's
    token for DICOMweb, and one patient per ID of `META_IDS`."""
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "data"
    netserve.run(rampart, "init", "--data-dir", data, check=True)
    # No self-scan: its probes would be refusals in the audit log besides the corpus's.
    # A short idle timeout for test_a_slow_http_peer_is_disconnected.
    config = (data / "rampart.yaml").read_text().replace(f"idle_timeout_seconds: 30", f"idle_timeout_seconds: {IDLE_TIMEOUT}")
    assert f"idle_timeout_seconds: {IDLE_TIMEOUT}" in config
    (data / "rampart.yaml").write_text(config + "\nself_scan:\n  at_start: false\n")
    netserve.register(rampart, data, CALLING, host=HOST)
    netserve.run(rampart, "user", "add", "rad", "--role", "radiologist", "--data-dir", data, check=True)
    token = netserve.run(rampart, "token", "issue", "--user", "rad", "--data-dir", data, check=True).stdout.strip()
    with netserve.serve(rampart, data, folder / "serve.log") as server:
        site = {"server": server, "data": data, "root": folder, "token": token, "rampart": rampart,
                "url": netserve.dicomweb_url(server), "ca": str(data / "tls" / "ca.pem")}
        for n, patient_id in enumerate(META_IDS):
            sop = f"{UID_ROOT}.100.{n}"
            outcome = raw_store(site, sop, data_set(sop, study=f"{UID_ROOT}.200.{n}", series=f"{UID_ROOT}.300.{n}", patient_id=patient_id))
            assert outcome == "status 0x0000", f"{patient_id}: {outcome}"
        yield site


def archive_state(site: dict) -> tuple[frozenset, int]:
    """The files below the archive folder and the index's instance rows."""
    root = site["data"] / "archive"
    files = frozenset(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name not in ("index.sqlite-wal", "index.sqlite-shm"))
    with sqlite3.connect(f"file:{root / 'index.sqlite'}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT count(*) FROM instance").fetchone()[0]
    return files, rows


def refusals_after(site: dict, sequence: int) -> list[dict]:
    return [e["event"] for e in netserve.audit_events(site["rampart"], site["data"])
            if e["sequence"] > sequence and e["event"]["outcome"] != 0]


def last_sequence(site: dict) -> int:
    events = netserve.audit_events(site["rampart"], site["data"])
    return events[-1]["sequence"] if events else 0


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_a_hostile_input_is_refused_recorded_and_changes_nothing(site, case):
    before, sequence = archive_state(site), last_sequence(site)
    outcome = case.send(site)
    assert outcome == case.expected, site["server"].log_text(4000)
    assert archive_state(site) == before
    assert not list(site["root"].parent.rglob("hostile.dcm")) and not Path("/tmp/hostile.dcm").exists()
    # A store's refusal follows its decision; a protocol violation is a security alert, written
    # once the connection has ended (so waited for, briefly), and so is a malformed HTTP request.
    def recorded(event) -> bool:
        return case.recorded in event["reason"] and (event.get("action") == "store"
                                                     or event.get("type") in ("protocol-violation", "malformed-request"))
    deadline = time.monotonic() + 10
    while not any(recorded(e) for e in refusals_after(site, sequence)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert any(recorded(e) for e in refusals_after(site, sequence)), refusals_after(site, sequence)
    # The server goes on serving.
    assert h.echoscu(site["server"], calling=CALLING).returncode == 0


def test_a_slow_http_peer_is_disconnected(site):
    """A connection that sends nothing after its TLS handshake, and one that dribbles a request
    header a byte every half second (Slowloris), are both closed by the server, unanswered,
    long before the peer would give up (a bound of 20 idle timeouts); the server goes on
    answering others."""
    host, port = site["url"].split("//")[1].split("/")[0].rsplit(":", 1)
    context = ssl.create_default_context(cafile=site["ca"])

    def connect() -> ssl.SSLSocket:
        connection = context.wrap_socket(socket.create_connection((host, int(port)), timeout=10), server_hostname=host)
        connection.settimeout(0.5)
        return connection

    def closed_by_server(connection: ssl.SSLSocket) -> bool | None:
        """True: closed; None: open and silent for half a second; anything it answers fails the test."""
        try:
            data = connection.recv(1024)
        except (TimeoutError, socket.timeout):
            return None
        except (ConnectionResetError, ssl.SSLError):
            return True
        assert data == b"", f"the server answered a request it never got whole: {data[:80]!r}"
        return True

    silent, slow = connect(), connect()
    try:
        slow.sendall(b"GET /dicomweb/studies HTTP/1.1\r\nHost: " + host.encode() + b"\r\nX-Slow: ")
        slow_closed = silent_closed = False
        for _ in range(IDLE_TIMEOUT * 40):  # a byte every half second: 20 idle timeouts at most
            if not slow_closed:
                try:
                    slow.sendall(b"a")
                except OSError:
                    slow_closed = True
            slow_closed = slow_closed or bool(closed_by_server(slow))
            silent_closed = silent_closed or bool(closed_by_server(silent))
            if slow_closed and silent_closed:
                break
        assert slow_closed, "a header dribbled a byte at a time kept its connection open"
        assert silent_closed, "a connection that sent nothing was kept open"
    finally:
        silent.close()
        slow.close()
    assert get_status(site, "/studies", params={"PatientID": "500"}) == "HTTP 200"


# --- meta-characters in query keys ------------------------------------------------------------

META_QUERIES = [
    ("50%", ["50%"]),
    ("A_B", ["A_B"]),
    ("O'Brien", ["O'Brien"]),
    ("[A]1", ["[A]1"]),
    ("5*", ["50%", "500"]),
    ("*%", ["50%"]),
    ("*_*", ["A_B"]),
    ("A?B", ["A_B", "AXB"]),
    ("[*", ["[A]1"]),
    ("O'*", ["O'Brien"]),
    ("x' OR '1'='1", []),
    ("%", []),
    ("_", []),
]


def c_find_patient_ids(site: dict, key: str) -> list[str]:
    ae = AE(ae_title=CALLING)
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    assoc = h.associate(ae, site["server"])
    assert assoc.is_established
    try:
        identifier = Dataset()
        identifier.QueryRetrieveLevel = "STUDY"
        identifier.PatientID = key
        identifier.StudyInstanceUID = ""
        found, final = [], None
        for status, answer_set in assoc.send_c_find(identifier, StudyRootQueryRetrieveInformationModelFind):
            final = status.Status
            if status.Status in (0xFF00, 0xFF01):
                found.append(str(answer_set.PatientID))
        assert final == 0x0000, f"{key!r}: final status {final:#06x}"
        return sorted(found)
    finally:
        assoc.release()


def qido_patient_ids(site: dict, key: str) -> list[str]:
    response = http(site, "GET", "/studies", params={"PatientID": key, "includefield": "00100020"},
                    headers={"Accept": "application/dicom+json"})
    assert response.status_code in (200, 204), f"{key!r}: {response.status_code} {response.text[:300]}"
    answers = response.json() if response.status_code == 200 else []
    return sorted(a["00100020"]["Value"][0] for a in answers if a.get("00100020", {}).get("Value"))


@pytest.mark.parametrize("key, expected", META_QUERIES, ids=[q for q, _ in META_QUERIES])
def test_query_meta_characters_match_literally(site, key, expected):
    before = archive_state(site)
    assert c_find_patient_ids(site, key) == sorted(expected)
    assert qido_patient_ids(site, key) == sorted(expected)
    assert archive_state(site) == before


def test_an_unknown_character_set_refuses_a_key_it_alone_could_decode(site):
    """An undefined Specific Character Set with a key beyond ASCII: 0xC000, naming (0008,0005).
    With ASCII keys the set does not matter (the default repertoire reads them, as pydicom and
    DCMTK do), so the same query in ASCII finds the patient."""
    def identifier(name: bytes) -> bytes:
        return (implicit(0x0008, 0x0005, b"ISO_IR 999") + implicit(0x0008, 0x0052, b"STUDY")
                + implicit(0x0010, 0x0010, name) + implicit(0x0020, 0x000D, b""))
    before, comment = archive_state(site), []
    assert find_with_identifier(site, identifier("Hostile^Sýnthetic".encode("latin-1")), comment) == "status 0xc000"
    # Error Comment is an LO: the first 64 characters of the reason.
    assert comment[0].startswith('Specific Character Set (0008,0005) "ISO_IR 999" is not'), comment
    assert find_with_identifier(site, identifier(b"Hostile^Synthetic")) == "status 0xff00"
    assert archive_state(site) == before
