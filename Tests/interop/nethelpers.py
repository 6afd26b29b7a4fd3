"""Helpers of the network tests: running DCMTK SCUs and `rampart` SCU commands, pynetdicom
clients, comparing received instances with the generated ones, C-FIND expectations,
and raw DICOM upper layer PDUs for the robustness tests.

Failure messages name instances by file name and UID, never by patient attributes:
the data are synthetic, but the habit is the one we keep for real data.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import ssl
import struct
import subprocess
import time
import warnings
from pathlib import Path

import pydicom
import pynetdicom
from pydicom.dataset import Dataset
from pynetdicom.pdu_primitives import UserIdentityNegotiation
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind
from pydicom.multival import MultiValue

import dicomcompare
import netdata
import nettls
import rampart_cli
from netpeers import HOST, Peer, describe_run, run_dcmtk

UNCOMPRESSED = {str(ts) for ts in netdata.UNCOMPRESSED}


# --- comparing instances -------------------------------------------------------------------------------


def read(path: Path) -> Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pydicom.dcmread(path)


def compare_instance(original: netdata.Instance, received: Path) -> list[str]:
    """Differences between a generated instance and a received copy of it: every data
    element (dicomcompare, "dataset" mode), the file meta SOP class/instance, and the
    transfer syntax (an uncompressed one may change to another uncompressed one; a
    compressed one must be kept as it was)."""
    expected, actual = read(original.path), read(received)
    meta = getattr(actual, "file_meta", None)
    if (meta is not None and str(meta.get("TransferSyntaxUID", "")) == IMPLICIT_LE and "PixelData" in expected
            and "PixelData" in actual and expected["PixelData"].VR == "OB" and actual["PixelData"].VR == "OW"):
        actual["PixelData"].VR = "OB"  # native Pixel Data is always OW in Implicit VR (PS3.5 A.1): not a difference
    problems = dicomcompare.compare_datasets(expected, actual, mode="dataset")
    if meta is None or "TransferSyntaxUID" not in meta:
        return problems + ["no file meta information"]
    if str(meta.get("MediaStorageSOPInstanceUID", "")) != original.sop_instance_uid:
        problems.append(f"MediaStorageSOPInstanceUID {meta.get('MediaStorageSOPInstanceUID')} != {original.sop_instance_uid}")
    if str(meta.get("MediaStorageSOPClassUID", "")) != original.sop_class_uid:
        problems.append(f"MediaStorageSOPClassUID {meta.get('MediaStorageSOPClassUID')} != {original.sop_class_uid}")
    ts = str(meta.TransferSyntaxUID)
    if original.transfer_syntax in UNCOMPRESSED:
        if ts not in UNCOMPRESSED:
            problems.append(f"transfer syntax {ts}: an uncompressed original came back compressed")
    elif ts != original.transfer_syntax:
        problems.append(f"transfer syntax {ts} != {original.transfer_syntax}: a compressed instance must be kept as received")
    return problems


def _missing_and_unexpected(wanted: dict, received: dict[str, Path], exact: bool) -> list[str]:
    problems = [f"{wanted[uid].path.name} ({uid}): not received" for uid in sorted(set(wanted) - set(received))]
    if exact:
        problems += [f"{received[uid].name} ({uid}): received but not expected" for uid in sorted(set(received) - set(wanted))]
    return problems


def check_received(originals: list[netdata.Instance], received: dict[str, Path], *, exact: bool = True) -> list[str]:
    """Problems with a set of received files (SOP Instance UID -> path) against the
    instances that should have arrived: missing ones, unexpected ones (when
    `exact`) and any difference inside an instance."""
    wanted = {i.sop_instance_uid: i for i in originals}
    problems = _missing_and_unexpected(wanted, received, exact)
    for uid in sorted(set(wanted) & set(received)):
        for difference in compare_instance(wanted[uid], received[uid])[:10]:
            problems.append(f"{wanted[uid].path.name} ({uid}): {difference}")
    return problems


# Value lengths of these VRs take 4 bytes after 2 reserved ones in explicit VR (PS3.5 7.1.2).
_LONG_VRS = {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"}


def dataset_bytes(path: Path) -> tuple[str, bytes]:
    """(Transfer Syntax UID, the bytes of the data set) of a Part 10 file: everything after the
    file meta group, which a server may rewrite (it zeroes the preamble and names itself in
    Implementation Class UID); the data set it must keep as it was received."""
    data = Path(path).read_bytes()
    if data[128:132] != b"DICM":
        raise ValueError(f"{Path(path).name}: no DICM prefix at byte 128")
    offset, syntax = 132, ""
    while offset + 8 <= len(data):
        group, element = struct.unpack("<HH", data[offset:offset + 4])
        if group != 0x0002:
            break
        vr = data[offset + 4:offset + 6]
        if vr in _LONG_VRS:
            length, header = struct.unpack("<I", data[offset + 8:offset + 12])[0], 12
        else:
            length, header = struct.unpack("<H", data[offset + 6:offset + 8])[0], 8
        if element == 0x0010:
            syntax = data[offset + header:offset + header + length].rstrip(b"\0 ").decode("ascii")
        offset += header + length
    return syntax, data[offset:]


def dataset_digest(path: Path) -> tuple[str, str]:
    """(Transfer Syntax UID, sha256 of the data set after the file meta group)."""
    syntax, body = dataset_bytes(path)
    return syntax, hashlib.sha256(body).hexdigest()


def check_identical(originals: list[netdata.Instance], received: dict[str, Path], *, exact: bool = True) -> list[str]:
    """Problems with received files against the originals, byte for byte: the same transfer
    syntax and the same data set bytes after the file meta group (`dataset_digest`)."""
    wanted = {i.sop_instance_uid: i for i in originals}
    problems = _missing_and_unexpected(wanted, received, exact)
    for uid in sorted(set(wanted) & set(received)):
        (syntax, digest), (got_syntax, got_digest) = dataset_digest(wanted[uid].path), dataset_digest(received[uid])
        if got_syntax != syntax:
            problems.append(f"{wanted[uid].path.name} ({uid}): transfer syntax {got_syntax} != {syntax}")
        elif got_digest != digest:
            problems.append(f"{wanted[uid].path.name} ({uid}): the data set differs (sha256 {got_digest[:12]} != {digest[:12]})")
    return problems


def summary(problems: list[str], limit: int = 25) -> str:
    head = "\n  ".join(problems[:limit])
    more = f"\n  … and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problems:\n  {head}{more}"


# --- C-FIND results ------------------------------------------------------------------------------------


def value_text(keyword: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, MultiValue)):
        return value_text(keyword, "\\".join(str(v) for v in value))
    text = str(value).strip()
    if keyword == "ModalitiesInStudy":  # a set: the archive lists modalities in the order they came
        return "\\".join(sorted(text.split("\\")))
    if "\\" in text:
        return "\\".join(value_text(keyword, v) for v in text.split("\\"))
    vr = pydicom.datadict.dictionary_VR(keyword)
    if vr == "PN":
        return dicomcompare.normalise_person_name(text)
    if vr == "TM" and "." in text and set(text.split(".", 1)[1]) <= {"0"}:
        return text.split(".", 1)[0]
    if vr == "IS" and text:
        try:
            return str(int(text))
        except ValueError:
            return text
    return text


def find_rows(datasets: list[Dataset], level: str, keys: dict[str, str]) -> list[dict]:
    """C-FIND responses as rows comparable with `Archive.expected(level, keys)`."""
    unique = netdata.UNIQUE_KEY[level]
    wanted = [k for k, v in keys.items() if k in _level_and_above(level) and not isinstance(v, dict)]
    if unique not in wanted:
        wanted.append(unique)
    rows = []
    for ds in datasets:
        rows.append({k: value_text(k, ds.get(k)) for k in wanted})
    return sorted(rows, key=lambda r: r[unique])


def _level_and_above(level: str) -> set[str]:
    return set(netdata.keys_at_and_above(level))


def expected_rows(archive: netdata.Archive, level: str, keys: dict, **rules) -> list[dict]:
    """`archive.expected(level, keys, **rules)` as rows comparable with `find_rows`."""
    rows = archive.expected(level, keys, **rules)
    return [{k: value_text(k, v) for k, v in row.items()} for row in rows]


def diff_rows(expected: list[dict], actual: list[dict], level: str) -> str:
    unique = netdata.UNIQUE_KEY[level]
    exp = {r[unique]: r for r in expected}
    act = {r[unique]: r for r in actual}
    lines = []
    lines += [f"missing match {u}" for u in sorted(set(exp) - set(act))]
    lines += [f"unexpected match {u}" for u in sorted(set(act) - set(exp))]
    for u in sorted(set(exp) & set(act)):
        for k in exp[u]:
            if exp[u][k] != act[u].get(k):
                lines.append(f"{u}: {k} differs (len {len(act[u].get(k) or '')} vs expected len {len(exp[u][k])})")
    if len(actual) != len(act):
        lines.append(f"{len(actual) - len(act)} duplicate matches")
    return "; ".join(lines[:20]) or "no difference"


# Return keys DCMTK's dcmqrscp does not keep in its index (it returns them empty).
DCMQRSCP_UNSUPPORTED = frozenset({"SeriesDescription", "SOPClassUID"})

QUERY_IDS = [
    "patient-all", "patient-name-wildcard", "patient-birthdate-range", "study-by-patient", "study-date-range",
    "study-date-open-end", "study-accession-question-mark", "study-uid-list", "study-patient-root", "series-of-study",
    "series-modality", "image-of-series", "image-patient-root",
]


def query(archive: netdata.Archive, query_id: str, *, drop: frozenset = frozenset()) -> tuple[str, str, dict]:
    """(level, model, keys) of the query `query_id` of `queries(archive)`, without the keys in `drop`."""
    for qid, level, model, keys in queries(archive):
        if qid == query_id:
            return level, model, {k: v for k, v in keys.items() if k not in drop}
    raise KeyError(query_id)


# A table of C-FIND queries over the generated archive, built from what it holds:
# (id, level, model, keys). Model "study" or "patient" (root). Keys with '' are return keys.
def queries(archive: netdata.Archive) -> list[tuple[str, str, str, dict]]:
    first = archive.instances[0].attrs
    last = archive.instances[-1].attrs
    other_study = next(i.attrs for i in archive.instances if i.study_uid != first["StudyInstanceUID"])
    mr_study = next(i.attrs for i in archive.instances if i.attrs["Modality"] == "MR")
    accession = first["AccessionNumber"]
    return [
        ("patient-all", "PATIENT", "patient", {"PatientID": "*", "PatientName": "", "PatientBirthDate": "", "PatientSex": ""}),
        ("patient-name-wildcard", "PATIENT", "patient", {"PatientName": first["PatientName"][:3] + "*", "PatientID": ""}),
        ("patient-birthdate-range", "PATIENT", "patient", {"PatientBirthDate": "19000101-19791231", "PatientID": "", "PatientName": ""}),
        ("study-by-patient", "STUDY", "study", {"PatientID": first["PatientID"], "StudyInstanceUID": "", "StudyDate": "",
                                                "StudyTime": "", "AccessionNumber": "", "StudyDescription": "", "PatientName": ""}),
        ("study-date-range", "STUDY", "study", {"StudyDate": "20200101-20211231", "StudyInstanceUID": "", "AccessionNumber": ""}),
        ("study-date-open-end", "STUDY", "study", {"StudyDate": "20220101-", "StudyInstanceUID": "", "PatientID": ""}),
        ("study-accession-question-mark", "STUDY", "study", {"AccessionNumber": accession[:-2] + "??", "StudyInstanceUID": "",
                                                             "ReferringPhysicianName": ""}),
        ("study-uid-list", "STUDY", "study", {"StudyInstanceUID": f"{first['StudyInstanceUID']}\\{last['StudyInstanceUID']}",
                                              "StudyID": "", "PatientID": ""}),
        ("study-patient-root", "STUDY", "patient", {"PatientID": other_study["PatientID"], "StudyDate": "-20211231",
                                                    "StudyInstanceUID": "", "StudyDescription": ""}),
        ("series-of-study", "SERIES", "study", {"StudyInstanceUID": first["StudyInstanceUID"], "SeriesInstanceUID": "",
                                                "Modality": "", "SeriesNumber": "", "SeriesDescription": ""}),
        ("series-modality", "SERIES", "study", {"StudyInstanceUID": mr_study["StudyInstanceUID"], "Modality": "MR",
                                                "SeriesInstanceUID": "", "SeriesDescription": ""}),
        ("image-of-series", "IMAGE", "study", {"StudyInstanceUID": first["StudyInstanceUID"], "SeriesInstanceUID": first["SeriesInstanceUID"],
                                               "SOPInstanceUID": "", "SOPClassUID": "", "InstanceNumber": ""}),
        ("image-patient-root", "IMAGE", "patient", {"PatientID": last["PatientID"], "StudyInstanceUID": last["StudyInstanceUID"],
                                                    "SeriesInstanceUID": last["SeriesInstanceUID"], "SOPInstanceUID": "", "InstanceNumber": ""}),
    ]


# --- DCMTK SCUs -------------------------------------------------------------------------------------------


def dcmtk_tls(tls: nettls.TLSMaterial | None, *, client_cert: bool = True, untrusted: bool = False) -> list[str]:
    """DCMTK client TLS options: +tls KEY CERT (or +tla, anonymous) and +cf CA."""
    if tls is None:
        return []
    if not client_cert:
        return ["+tla", "+cf", str(tls.ca)]
    if untrusted:
        return ["+tls", str(tls.untrusted_client_key), str(tls.untrusted_client_cert), "-pw", "+cf", str(tls.ca)]
    return ["+tls", str(tls.client_key), str(tls.client_cert), "-pw", "+cf", str(tls.ca)]


def echoscu(peer: Peer, *, tls=None, client_cert=True, untrusted=False, calling="ECHOSCU", called=None, timeout=60) -> subprocess.CompletedProcess:
    return run_dcmtk("echoscu", "-aet", calling, "-aec", called or peer.ae, "-to", "20", "-ta", "20", "-td", "20",
                     *dcmtk_tls(tls, client_cert=client_cert, untrusted=untrusted), peer.host, peer.port, timeout=timeout)


def storescu(peer: Peer, *paths, tls=None, client_cert=True, proposal="-xr", extra=(), timeout=300) -> subprocess.CompletedProcess:
    """storescu of files and folders (recursively) on one association, not halting on a failed
    store (-nh). The default `proposal` "-xr" proposes RLE Lossless besides the uncompressed
    syntaxes, so that the RLE files of the variety set go as they are; "-xi" proposes only
    Implicit VR Little Endian (and DCMTK converts every uncompressed file to it)."""
    return run_dcmtk("storescu", "-aet", "STORESCU", "-aec", peer.ae, "+sd", "+r", "-nh", "-to", "20", "-ta", "20", "-td", "60",
                     proposal, *dcmtk_tls(tls, client_cert=client_cert), *extra, peer.host, peer.port, *paths, timeout=timeout)


def dcmtk_keys(level: str, keys: dict) -> list[str]:
    """findscu/movescu/getscu -k options; a dict value is the item of a sequence key."""
    out = ["-k", f"QueryRetrieveLevel={level}"]
    for keyword, value in keys.items():
        if isinstance(value, dict):
            out += [arg for item_keyword, item_value in value.items()
                    for arg in ("-k", f"{keyword}[0].{item_keyword}={item_value}" if item_value else f"{keyword}[0].{item_keyword}")]
        else:
            out += ["-k", f"{keyword}={value}" if value else keyword]
    return out


def findscu(peer: Peer, folder: Path, level: str, model: str, keys: dict[str, str], *, tls=None, timeout=120) -> tuple[subprocess.CompletedProcess, list[Dataset]]:
    """findscu -X into `folder` (responses are not logged: -sr); returns the run and the responses."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("rsp*.dcm"):
        old.unlink()
    result = run_dcmtk("findscu", "-aet", "FINDSCU", "-aec", peer.ae, "-P" if model == "patient" else "-S", "-X", "-sr",
                       "-od", str(folder), "-to", "20", "-ta", "20", "-td", "60", *dcmtk_tls(tls),
                       *dcmtk_keys(level, keys), peer.host, peer.port, timeout=timeout)
    responses = [read(p) for p in sorted(folder.glob("rsp*.dcm"))]
    return result, responses


def movescu(peer: Peer, level: str, model: str, keys: dict[str, str], *, destination: str, own_port: int | None = None,
            folder: Path | None = None, calling: str = "MOVESCU", timeout=300) -> subprocess.CompletedProcess:
    args = ["-aet", calling, "-aec", peer.ae, "-aem", destination, "-P" if model == "patient" else "-S", "-to", "20", "-ta", "20", "-td", "60"]
    if own_port is not None:
        args += ["+P", str(own_port), "+xa", "-od", str(folder)]
    return run_dcmtk("movescu", *args, *dcmtk_keys(level, keys), peer.host, peer.port, timeout=timeout)


def getscu(peer: Peer, folder: Path, level: str, model: str, keys: dict[str, str], *, extra=(), timeout=300) -> subprocess.CompletedProcess:
    folder.mkdir(parents=True, exist_ok=True)
    return run_dcmtk("getscu", "-aet", "GETSCU", "-aec", peer.ae, "-P" if model == "patient" else "-S", "-od", str(folder),
                     "-to", "20", "-ta", "20", "-td", "60", *extra, *dcmtk_keys(level, keys), peer.host, peer.port, timeout=timeout)


# --- the rampart SCU commands ---------------------------------------------------------------------------


def rampart_scu(rampart: Path, command: str, peer: Peer, *args, called_ae: str | None = None, calling_ae: str | None = None,
                tls: nettls.TLSMaterial | None = None, client_cert: bool = True, username: str | None = None,
                password: str | None = None, token: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`rampart COMMAND --host H --port P --called-ae AE [TLS] [identity] ARGS…`."""
    cmd = [command, "--host", peer.host, "--port", str(peer.port), "--called-ae", called_ae or peer.ae]
    if calling_ae:
        cmd += ["--calling-ae", calling_ae]
    if tls:
        cmd += ["--tls", "--tls-ca", str(tls.ca)]
        if client_cert:
            cmd += ["--tls-cert", str(tls.client_cert), "--tls-key", str(tls.client_key)]
    if username is not None:
        cmd += ["--username", username, "--password", password or ""]
    if token is not None:
        cmd += ["--token", token]
    return rampart_cli.run(rampart, *cmd, *map(str, args), timeout=timeout)


def describe_rampart(result: subprocess.CompletedProcess, limit: int = 800) -> str:
    out = (result.stdout or b"").decode("utf-8", "replace")
    return f"{rampart_cli.describe(result, limit)}; stdout tail: {out[-limit:]!r}"


def stdout_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in (result.stdout or b"").decode("utf-8", "replace").splitlines() if line.strip()]


def count_line(result: subprocess.CompletedProcess, verb: str) -> tuple[int, int] | None:
    """(N, M) from the last stdout line `VERB N of M instances…`, or None."""
    lines = stdout_lines(result)
    if not lines:
        return None
    match = re.match(rf"^{verb} (\d+) of (\d+) instances\b", lines[-1].strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def keys_args(level: str, keys: dict[str, str], model: str | None = None) -> list[str]:
    args = ["--level", level]
    if model:
        args += ["--model", model]
    for keyword, value in keys.items():
        args += ["-k", f"{keyword}={value}" if value else keyword]
    return args


def json_datasets(result: subprocess.CompletedProcess) -> list[Dataset]:
    """The DICOM JSON array on stdout of `rampart find`, as pydicom data sets."""
    data = json.loads((result.stdout or b"").decode("utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"expected a JSON array, got {type(data).__name__}")
    return [Dataset.from_json(item) for item in data]


def clean_refusal(result: subprocess.CompletedProcess) -> str | None:
    """Why a failed `rampart` SCU command did not fail cleanly (None when it did):
    non-zero exit, not killed, and one stderr line starting 'rampart:'."""
    if result.returncode == 0:
        return "exit 0"
    if result.returncode < 0:
        return f"killed by {rampart_cli.signal_name(result.returncode)}"
    lines = rampart_cli.stderr_lines(result)
    errors = [line for line in lines if line.startswith("rampart:")]
    if not errors:
        return "no stderr line starts with 'rampart:'"
    return None


# --- pynetdicom clients ----------------------------------------------------------------------------------


def pynetdicom_tls(tls: nettls.TLSMaterial | None, *, client_cert: bool = True, untrusted: bool = False, hostname: str = "localhost"):
    if tls is None:
        return None
    return nettls.client_context(tls, cert=client_cert, untrusted=untrusted), hostname


def associate(ae, peer: Peer, *, tls=None, client_cert=True, untrusted=False, ae_title: str | None = None, **kwargs):
    """ae.associate to `peer` (TLS when `tls`), with the peer's AE title as called AE."""
    return ae.associate(peer.host, peer.port, ae_title=ae_title or peer.ae,
                        tls_args=pynetdicom_tls(tls, client_cert=client_cert, untrusted=untrusted), **kwargs)


def identifier(level: str, keys: dict) -> Dataset:
    """A C-FIND/C-MOVE/C-GET identifier for pynetdicom; a dict value is the single item of a
    sequence key (PS3.4 C.2.2.2.6)."""
    ds = Dataset()
    ds.QueryRetrieveLevel = level
    for keyword, value in keys.items():
        if isinstance(value, dict):
            setattr(ds, keyword, [identifier_item(value)])
        else:
            setattr(ds, keyword, value or None)
    return ds


def identifier_item(keys: dict) -> Dataset:
    item = Dataset()
    for keyword, value in keys.items():
        setattr(item, keyword, value or None)
    return item


UNCOMPRESSED_TS = ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]  # Explicit, Implicit VR Little Endian
CT_MR = ("1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.4")


class Receiver:
    """A pynetdicom storage SCP in this process (a C-MOVE destination) for `sop_classes`,
    writing what it receives to `folder`/<SOP Instance UID>.dcm as received (pynetdicom keeps
    the data set's bytes; it writes its own file meta group)."""

    def __init__(self, folder: Path, port: int, ae_title: str, sop_classes=CT_MR):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.ae = pynetdicom.AE(ae_title)
        for sop_class in sop_classes:
            self.ae.add_supported_context(sop_class, UNCOMPRESSED_TS + ["1.2.840.10008.1.2.1.99"])
        self.server = self.ae.start_server((HOST, port), block=False, evt_handlers=[(pynetdicom.evt.EVT_C_STORE, self.on_store)])

    def on_store(self, event):
        uid = str(event.request.AffectedSOPInstanceUID)
        (self.folder / f"{uid}.dcm").write_bytes(event.encoded_dataset(include_meta=True))
        return 0x0000

    def close(self):
        self.server.shutdown()


def get_ae(ae_title: str, get_model: str, sop_classes=CT_MR):
    """A pynetdicom AE for C-GET in `get_model` (a SOP class UID) that takes the SCP role for
    `sop_classes`, one presentation context per uncompressed transfer syntax; returns it with
    the role selection items to pass as ext_neg."""
    ae = pynetdicom.AE(ae_title)
    ae.add_requested_context(get_model)
    for sop_class in sop_classes:
        for ts in UNCOMPRESSED_TS:
            ae.add_requested_context(sop_class, [ts])
    return ae, [pynetdicom.build_role(sop_class, scp_role=True) for sop_class in sop_classes]


def store_to(folder: Path):
    """An EVT_C_STORE handler that writes each instance as received to `folder`/<UID>.dcm."""
    folder.mkdir(parents=True, exist_ok=True)

    def on_store(event):
        (folder / f"{event.request.AffectedSOPInstanceUID}.dcm").write_bytes(event.encoded_dataset(include_meta=True))
        return 0x0000
    return on_store


def association_outcome(assoc) -> str:
    if assoc.is_established:
        return "established"
    if assoc.is_rejected:
        rsp = assoc.acceptor.primitive
        if rsp is not None:
            return f"rejected (result {rsp.result}, source {rsp.result_source}, reason {rsp.diagnostic})"
        return "rejected"
    if assoc.is_aborted:
        return "aborted"
    return "failed (no association: connection or TLS failure)"


def reject_triple(assoc) -> tuple[int, int, int] | None:
    rsp = assoc.acceptor.primitive
    if not assoc.is_rejected or rsp is None:
        return None
    return int(rsp.result), int(rsp.result_source), int(rsp.diagnostic)


def identity(kind: int, primary: bytes, secondary: bytes | None = None, positive: bool = False) -> UserIdentityNegotiation:
    """A user identity negotiation item (PS3.7 D.3.3.7): kind 1 user name, 2 user name and
    passcode, 5 JWT; `positive` asks for the server's response."""
    item = UserIdentityNegotiation()
    item.user_identity_type = kind
    item.primary_field = primary
    if secondary is not None:
        item.secondary_field = secondary
    item.positive_response_requested = positive
    return item


REJECTION_ATTEMPTS = 5


def rejection_outcomes(make_ae, peer: Peer, **kwargs) -> list:
    """Associates with `make_ae()` until the outcome is conclusive; returns every outcome, the
    reject triple (result, source, reason) for a rejection.

    pynetdicom 3.0.4 now and then reports a rejection as an abort when the machine is busy (about
    one in five under load, against DCMTK's storescp --refuse as much as against Rampart; the
    A-ASSOCIATE-RJ is on the wire, a raw socket always reads it). Such an inconclusive attempt is
    repeated, up to REJECTION_ATTEMPTS times; an established association ends the attempts."""
    outcomes = []
    for _ in range(REJECTION_ATTEMPTS):
        assoc = associate(make_ae(), peer, **kwargs)
        outcomes.append(reject_triple(assoc) or association_outcome(assoc))
        if assoc.is_established:
            assoc.release()
            break
        if assoc.is_rejected:
            break
    return outcomes


# --- raw DICOM upper layer PDUs (PS3.8 9.3) ---------------------------------------------------------------

APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1"
VERIFICATION = "1.2.840.10008.1.1"
IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
HARNESS_IMPLEMENTATION_UID = "2.25.119911296137843416186231212812394766432"


def _uid_bytes(uid: str) -> bytes:
    data = uid.encode("ascii")
    return data + b"\0" if len(data) % 2 else data


def _item(item_type: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", item_type, 0, len(payload)) + payload


def a_associate_rq(called: str, calling: str = "RAWSCU", contexts=((1, VERIFICATION, (IMPLICIT_LE,)),), max_pdu: int = 16384) -> bytes:
    variable = _item(0x10, _uid_bytes(APPLICATION_CONTEXT))
    for context_id, abstract, syntaxes in contexts:
        sub = _item(0x30, _uid_bytes(abstract)) + b"".join(_item(0x40, _uid_bytes(ts)) for ts in syntaxes)
        variable += _item(0x20, struct.pack(">BBBB", context_id, 0, 0, 0) + sub)
    user = _item(0x51, struct.pack(">I", max_pdu)) + _item(0x52, _uid_bytes(HARNESS_IMPLEMENTATION_UID))
    variable += _item(0x50, user)
    fixed = struct.pack(">HH", 1, 0) + called.encode("ascii").ljust(16) + calling.encode("ascii").ljust(16) + bytes(32)
    body = fixed + variable
    return struct.pack(">BBI", 0x01, 0, len(body)) + body


def p_data_tf(context_id: int, payload: bytes, *, command: bool = True, last: bool = True) -> bytes:
    header = (0x01 if command else 0) | (0x02 if last else 0)
    pdv = struct.pack(">IBB", len(payload) + 2, context_id, header) + payload
    return struct.pack(">BBI", 0x04, 0, len(pdv)) + pdv


def connect(peer: Peer, timeout: float = 10) -> socket.socket:
    sock = socket.create_connection((peer.host, peer.port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def recv_exact(sock: socket.socket, count: int, deadline: float) -> bytes:
    data = b""
    while len(data) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"got {len(data)} of {count} bytes before the deadline")
        sock.settimeout(remaining)
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} of {count} bytes")
        data += chunk
    return data


def read_pdu(sock: socket.socket, timeout: float = 10) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout
    header = recv_exact(sock, 6, deadline)
    pdu_type, _, length = struct.unpack(">BBI", header)
    return pdu_type, recv_exact(sock, length, deadline)


def ac_max_pdu(body: bytes) -> int | None:
    """The acceptor's maximum PDU length from an A-ASSOCIATE-AC body."""
    offset = 68
    while offset + 4 <= len(body):
        item_type, _, length = struct.unpack(">BBH", body[offset:offset + 4])
        if item_type == 0x50:
            sub = body[offset + 4: offset + 4 + length]
            pos = 0
            while pos + 4 <= len(sub):
                sub_type, _, sub_len = struct.unpack(">BBH", sub[pos:pos + 4])
                if sub_type == 0x51 and sub_len == 4:
                    return struct.unpack(">I", sub[pos + 4:pos + 8])[0]
                pos += 4 + sub_len
        offset += 4 + length
    return None


def accepted_context_ids(body: bytes) -> list[int]:
    ids, offset = [], 68
    while offset + 4 <= len(body):
        item_type, _, length = struct.unpack(">BBH", body[offset:offset + 4])
        if item_type == 0x21 and body[offset + 6] == 0:  # result 0: acceptance
            ids.append(body[offset + 4])
        offset += 4 + length
    return ids


def send_all_tolerant(sock: socket.socket, data: bytes) -> str | None:
    """sendall; returns None, or the error when the peer already closed or reset."""
    try:
        sock.settimeout(10)
        sock.sendall(data)
        return None
    except (BrokenPipeError, ConnectionResetError, socket.timeout) as error:
        return type(error).__name__


def await_end(sock: socket.socket, timeout: float) -> tuple[str, bytes]:
    """Read until the peer ends the connection or `timeout` passes. Returns (how, data):
    how is "abort" (a whole A-ABORT PDU came), "rejected" (a whole A-ASSOCIATE-RJ came),
    "closed" (FIN without either), "reset" (RST without either) or "open" (still open at the
    deadline). It returns as soon as an A-ABORT or A-ASSOCIATE-RJ is in: after sending one,
    the server may keep the connection until its ARTIM timer expires (PS3.8 9.2, Sta13),
    waiting for the client to close."""
    deadline = time.monotonic() + timeout
    data = b""
    how = "open"
    while True:
        if contains_abort(data):
            return "abort", data
        if data[:1] == b"\x03" and len(data) >= 10:
            return "rejected", data
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sock.settimeout(min(remaining, 1.0))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, ssl.SSLError, OSError):
            how = "reset"
            break
        if not chunk:
            how = "closed"
            break
        data += chunk
    if contains_abort(data):
        return "abort", data
    if data[:1] == b"\x03" and len(data) >= 10:
        return "rejected", data
    return how, data


def contains_abort(data: bytes) -> bool:
    """Whether `data` (a stream of PDUs from the server) holds an A-ABORT PDU."""
    offset = 0
    while offset + 6 <= len(data):
        pdu_type, _, length = struct.unpack(">BBI", data[offset:offset + 6])
        if pdu_type == 0x07 and length == 4:
            return True
        offset += 6 + length
    return False


def c_echo_rq_command(message_id: int = 1) -> bytes:
    """A C-ECHO-RQ command set, implicit VR little endian."""
    def element(group, elem, value: bytes) -> bytes:
        return struct.pack("<HHI", group, elem, len(value)) + value
    body = (element(0x0000, 0x0002, _uid_bytes(VERIFICATION)) + element(0x0000, 0x0100, struct.pack("<H", 0x0030))
            + element(0x0000, 0x0110, struct.pack("<H", message_id)) + element(0x0000, 0x0800, struct.pack("<H", 0x0101)))
    return element(0x0000, 0x0000, struct.pack("<I", len(body))) + body


def host_port(peer: Peer) -> tuple[str, int]:
    return peer.host or HOST, peer.port



def c_store_rq_command(sop_class: str, sop_instance: str, message_id: int = 1) -> bytes:
    """A C-STORE-RQ command set (a data set follows), implicit VR little endian."""
    def element(group, elem, value: bytes) -> bytes:
        return struct.pack("<HHI", group, elem, len(value)) + value
    body = (element(0x0000, 0x0002, _uid_bytes(sop_class)) + element(0x0000, 0x0100, struct.pack("<H", 0x0001))
            + element(0x0000, 0x0110, struct.pack("<H", message_id)) + element(0x0000, 0x0700, struct.pack("<H", 0))
            + element(0x0000, 0x0800, struct.pack("<H", 0x0000)) + element(0x0000, 0x1000, _uid_bytes(sop_instance)))
    return element(0x0000, 0x0000, struct.pack("<I", len(body))) + body


def raw_associate(peer: Peer, contexts=((1, VERIFICATION, (IMPLICIT_LE,)),), max_pdu: int = 16384, calling: str = "RAWSCU") -> tuple[socket.socket, bytes]:
    """Connect and negotiate an association with raw PDUs; returns the socket and the
    A-ASSOCIATE-AC body. Raises AssertionError when the answer is not an AC."""
    sock = connect(peer)
    sock.sendall(a_associate_rq(peer.ae, calling, contexts, max_pdu))
    pdu_type, body = read_pdu(sock)
    if pdu_type != 0x02:
        sock.close()
        raise AssertionError(f"expected A-ASSOCIATE-AC (0x02), got PDU type 0x{pdu_type:02x}")
    return sock, body


def reset_close(sock: socket.socket) -> None:
    """Close with a TCP RST (SO_LINGER 0): the peer sees the connection vanish."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def store_and_find_study(assoc, stored: Dataset) -> list[str]:
    """C-STORE `stored` (asserting success), then C-FIND its study (Study Root): the Study
    Instance UIDs of the matches."""
    assert assoc.send_c_store(stored).Status == 0x0000
    found = assoc.send_c_find(identifier("STUDY", {"StudyInstanceUID": stored.StudyInstanceUID}),
                              StudyRootQueryRetrieveInformationModelFind)
    return [str(match.StudyInstanceUID) for status, match in found if status and status.Status in (0xFF00, 0xFF01)]
