"""A pynetdicom Storage + Query/Retrieve SCP, run as a subprocess by the network tests.

It takes the same command line as rampart-test-scp (the options it can honour) and
speaks the same readiness protocol: once it accepts associations it prints one
line `listening HOST:PORT` on stdout; its log goes to stderr. It stops on SIGTERM,
or by itself after --lifetime seconds.

    net_pynetdicom_scp.py --port 0 [--host 127.0.0.1] [--ae PYNETDICOM]
        [--store-dir DIR] [--preload DIR] [--destination AE=HOST:PORT]...
        [--tls-cert PEM --tls-key PEM [--tls-ca PEM] [--require-client-cert] [--tls-ciphers LIST]]
        [--user NAME:PASSWORD]... [--token TOKEN]... [--require-identity] [--accept-any-identity]
        [--implementation-version-name NAME] [--artim SECONDS]
        [--max-pdu BYTES] [--async-window N] [--lifetime SECONDS] [--debug]

Services: Verification; Storage of every storage SOP class pynetdicom knows, in any
transfer syntax (received data sets are kept as sent, and written to --store-dir as
`<SOPInstanceUID>.dcm`); Patient and Study Root C-FIND, C-MOVE (to a --destination;
an unknown one gets 0xA801) and C-GET at PATIENT, STUDY, SERIES and IMAGE level,
matching as netdata.match does. A user identity, when sent, must match a --user
(type 1: name; type 2: name and passcode) or a --token (type 5, JWT); with
--accept-any-identity any identity is taken (an SCP that asks but does not check, for the
scanner's tests). pynetdicom accepts an association that sends no identity; with
--require-identity this script refuses it (it replaces pynetdicom's check, which has no such
option). It is a peer for Rampart's SCU commands, not a reference for everything
rampart-test-scp must do.
"""

from __future__ import annotations

import argparse
import logging
import signal
import ssl
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

sys.path.insert(0, str(Path(__file__).resolve().parent))
import netdata  # noqa: E402

from pynetdicom import AE, ALL_TRANSFER_SYNTAXES, AllStoragePresentationContexts, build_context, evt  # noqa: E402
from pynetdicom.acse import ACSE  # noqa: E402
from pynetdicom.sop_class import (  # noqa: E402
    PatientRootQueryRetrieveInformationModelFind,
    PatientRootQueryRetrieveInformationModelGet,
    PatientRootQueryRetrieveInformationModelMove,
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
    Verification,
)

QR_CLASSES = [
    PatientRootQueryRetrieveInformationModelFind,
    PatientRootQueryRetrieveInformationModelMove,
    PatientRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelMove,
    StudyRootQueryRetrieveInformationModelGet,
]
UNCOMPRESSED = [str(ts) for ts in netdata.UNCOMPRESSED]
ALL_KEYS = [k for level in netdata.LEVELS for k in netdata.LEVEL_KEYS[level]]
LOG = logging.getLogger("net_pynetdicom_scp")


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, MultiValue)):
        return "\\".join(text(v) for v in value)
    return str(value)


class Store:
    """The in-memory archive: SOP Instance UID -> (path, attributes, SOP class, transfer syntax)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.lock = threading.Lock()
        self.items: dict[str, tuple[Path, dict, str, str]] = {}

    def add(self, path: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(path, stop_before_pixels=True)
        attrs = {k: text(ds.get(k)) for k in ALL_KEYS}
        with self.lock:
            self.items[attrs["SOPInstanceUID"]] = (path, attrs, str(ds.SOPClassUID), str(ds.file_meta.TransferSyntaxUID))

    def records(self, level: str) -> list[dict]:
        keep = [k for lvl in netdata.LEVELS[: netdata.LEVELS.index(level) + 1] for k in netdata.LEVEL_KEYS[lvl]]
        seen: dict[str, dict] = {}
        with self.lock:
            values = list(self.items.values())
        for _path, attrs, _cls, _ts in values:
            seen.setdefault(attrs[netdata.UNIQUE_KEY[level]], {k: attrs[k] for k in keep})
        return list(seen.values())

    def instances_under(self, level: str, unique_values: set[str]) -> list[tuple[Path, dict, str, str]]:
        key = netdata.UNIQUE_KEY[level]
        with self.lock:
            return sorted((v for v in self.items.values() if v[1][key] in unique_values), key=lambda v: v[1]["SOPInstanceUID"])


def query(store: Store, identifier: Dataset) -> tuple[str, dict, list[dict]]:
    level = str(identifier.get("QueryRetrieveLevel", "")).strip().upper()
    if level not in netdata.LEVELS:
        raise ValueError(f"bad QueryRetrieveLevel {level!r}")
    keys = {}
    for elem in identifier:
        if elem.keyword in ("QueryRetrieveLevel", "SpecificCharacterSet", "") or elem.VR == "SQ":
            continue
        keys[elem.keyword] = text(elem.value)
    matches = [r for r in store.records(level) if all(netdata.match(k, v, r[k]) for k, v in keys.items() if k in r)]
    return level, keys, matches


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--ae", default="PYNETDICOM")
    parser.add_argument("--store-dir", type=Path)
    parser.add_argument("--preload", type=Path, action="append", default=[])
    parser.add_argument("--destination", action="append", default=[])
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--tls-ca")
    parser.add_argument("--require-client-cert", action="store_true")
    # OpenSSL cipher list of the TLS server (TLS 1.2 at most when given), for the scanner's tests.
    parser.add_argument("--tls-ciphers")
    parser.add_argument("--user", action="append", default=[])
    parser.add_argument("--token", action="append", default=[])
    parser.add_argument("--require-identity", action="store_true")
    parser.add_argument("--accept-any-identity", action="store_true")
    # What the A-ASSOCIATE-AC calls this implementation (the scanner reads releases from it).
    parser.add_argument("--implementation-version-name")
    parser.add_argument("--artim", type=float, default=30)
    parser.add_argument("--max-pdu", type=int, default=262144)
    parser.add_argument("--async-window", type=int, default=1)
    parser.add_argument("--lifetime", type=float, default=900)
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("pydicom").setLevel(logging.ERROR)

    scratch = tempfile.TemporaryDirectory(prefix="pynetdicom-scp-")
    store_dir = args.store_dir or Path(scratch.name)
    store_dir.mkdir(parents=True, exist_ok=True)
    store = Store(store_dir)
    for folder in args.preload:
        for path in netdata.dicom_files(folder):
            try:
                store.add(path)
            except Exception as error:  # noqa: BLE001 - a non-DICOM file in the folder
                LOG.warning("preload: skipped a file: %s", type(error).__name__)
    destinations = {}
    for item in args.destination:
        ae_title, _, address = item.partition("=")
        host, _, port = address.rpartition(":")
        destinations[ae_title.strip()] = (host, int(port))
    users = dict(u.partition(":")[::2] for u in args.user)

    ae = AE(ae_title=args.ae)
    if args.implementation_version_name:
        ae.implementation_version_name = args.implementation_version_name
    ae.maximum_pdu_size = args.max_pdu
    ae.acse_timeout = args.artim
    ae.network_timeout = args.artim
    ae.dimse_timeout = 60
    ae.maximum_associations = 32
    ae.require_called_aet = True
    ae.add_supported_context(Verification, ALL_TRANSFER_SYNTAXES[:4])
    for cx in AllStoragePresentationContexts:
        ae.add_supported_context(cx.abstract_syntax, ALL_TRANSFER_SYNTAXES, scu_role=True, scp_role=True)
    for sop_class in QR_CLASSES:
        ae.add_supported_context(sop_class, UNCOMPRESSED)

    def on_store(event):
        uid = str(event.request.AffectedSOPInstanceUID)
        path = store_dir / f"{uid}.dcm"
        path.write_bytes(event.encoded_dataset(include_meta=True))
        store.add(path)
        return 0x0000

    def on_find(event):
        try:
            level, keys, matches = query(store, event.identifier)
        except Exception as error:  # noqa: BLE001
            LOG.warning("C-FIND: bad identifier: %s", error)
            yield 0xA900, None
            return
        charset = event.identifier.get("SpecificCharacterSet")
        for record in sorted(matches, key=lambda r: r[netdata.UNIQUE_KEY[level]]):
            if event.is_cancelled:
                yield 0xFE00, None
                return
            rsp = Dataset()
            if charset is not None:
                rsp.SpecificCharacterSet = charset
            rsp.QueryRetrieveLevel = level
            for keyword in list(keys) + [netdata.UNIQUE_KEY[level]]:
                setattr(rsp, keyword, record.get(keyword, "") or None)
            yield 0xFF00, rsp

    def matched_instances(event):
        level, _keys, matches = query(store, event.identifier)
        unique = netdata.UNIQUE_KEY[level]
        return store.instances_under(level, {r[unique] for r in matches})

    def read(path: Path) -> Dataset:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pydicom.dcmread(path)

    def on_move(event):
        destination = destinations.get(str(event.move_destination).strip())
        if destination is None:
            yield None, None
            return
        try:
            found = matched_instances(event)
        except Exception as error:  # noqa: BLE001
            LOG.warning("C-MOVE: bad identifier: %s", error)
            yield None, None
            return
        by_class: dict[str, set[str]] = {}
        for _path, _attrs, sop_class, ts in found:
            by_class.setdefault(sop_class, set()).update(UNCOMPRESSED if ts in UNCOMPRESSED else [ts])
        contexts = [build_context(c, sorted(t)) for c, t in sorted(by_class.items())][:128]
        yield destination[0], destination[1], {"contexts": contexts or [build_context(Verification)]}
        yield len(found)
        for path, *_ in found:
            if event.is_cancelled:
                yield 0xFE00, None
                return
            yield 0xFF00, read(path)

    def on_get(event):
        try:
            found = matched_instances(event)
        except Exception as error:  # noqa: BLE001
            LOG.warning("C-GET: bad identifier: %s", error)
            yield 0
            return
        yield len(found)
        for path, *_ in found:
            if event.is_cancelled:
                yield 0xFE00, None
                return
            yield 0xFF00, read(path)

    def on_user_id(event):
        if args.accept_any_identity:
            return True, None
        kind = event.user_id_type
        primary = (event.primary_field or b"").decode("utf-8", "replace")
        secondary = (event.secondary_field or b"").decode("utf-8", "replace")
        if kind == 1:
            return primary in users, None
        if kind == 2:
            return users.get(primary) == secondary and primary in users, None
        if kind == 5:
            return primary in args.token, b""
        return False, None
    # (pynetdicom 3 sends no 59H item for types 1 and 2 even when a positive response is
    # requested, which DCMTK's storescu -rsp then refuses.)

    def on_async(event):  # pynetdicom 3 ignores the answer and always replies 1/1
        return min(event.nr_invoked, args.async_window), min(event.nr_performed, args.async_window)

    handlers = [
        (evt.EVT_C_STORE, on_store),
        (evt.EVT_C_FIND, on_find),
        (evt.EVT_C_MOVE, on_move),
        (evt.EVT_C_GET, on_get),
        (evt.EVT_ASYNC_OPS, on_async),
    ]
    if args.user or args.token or args.accept_any_identity:
        handlers.append((evt.EVT_USER_ID, on_user_id))
    if args.require_identity:
        negotiate = ACSE._negotiate_as_acceptor

        def identity_required(acse):
            # No identity item, to this AE: refused (A-ASSOCIATE-RJ permanent, service user, no
            # reason given), where pynetdicom would accept; its own checks decide the rest (a
            # wrong called AE title first, as a real SCP would).
            called = acse.requestor.primitive.called_ae_title
            right_ae = not acse.assoc.ae.require_called_aet or called == acse.acceptor.ae_title.strip()
            if acse.requestor.user_identity is None and right_ae:
                acse.send_reject(0x01, 0x01, 0x01)
                evt.trigger(acse.assoc, evt.EVT_REJECTED, {})
                acse.assoc.kill()
                return None
            return negotiate(acse)
        ACSE._negotiate_as_acceptor = identity_required

    ssl_context = None
    if args.tls_cert:
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(args.tls_cert, args.tls_key)
        if args.tls_ciphers:
            ssl_context.set_ciphers(args.tls_ciphers)
            ssl_context.maximum_version = ssl.TLSVersion.TLSv1_2
        if args.tls_ca:
            ssl_context.load_verify_locations(args.tls_ca)
            ssl_context.verify_mode = ssl.CERT_REQUIRED if args.require_client_cert else ssl.CERT_OPTIONAL
        else:
            ssl_context.verify_mode = ssl.CERT_NONE

    server = ae.start_server((args.host, args.port), block=False, evt_handlers=handlers, ssl_context=ssl_context)
    host, port = server.server_address[:2]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"listening {host}:{port}", flush=True)
    stop.wait(args.lifetime)
    server.shutdown()
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
