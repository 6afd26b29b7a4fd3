#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer harnesses (Fuzz/, Scripts/fuzz.sh) into a folder:
real inputs each harness starts from, taken from pydicom's test files and pydicom-data
(synthetic or anonymised public test images) and Rampart's own synthetic data.

  part10/       Part 10 files of up to 64 KiB
  dicom-json/   DICOM JSON of those files, bulk data given as URIs
  codecs/       the first frame of every compressed test file Rampart decodes, behind the
                header Fuzz/Codecs/main.swift reads (syntax, rows, columns, layout flags)
  pdu/          streams of upper layer PDUs (Tests/interop/nethelpers.py's raw PDUs and
                pynetdicom's): A-ASSOCIATE-RQ/AC/RJ, P-DATA-TF with command sets and data
                sets, release, abort
  dimse-command/  command sets of every DIMSE request and response pynetdicom builds
  multipart/    multipart/related bodies of the Part 10 seeds up to 8 KiB, behind the boundary line and
                buffer-size byte Fuzz/Multipart/main.swift reads
  query-keys/   C-FIND identifiers of the Q/R tests (implicit VR little endian) and QIDO-RS
                query strings, behind the mode byte Fuzz/QueryKeys/main.swift reads

The same files in the same order each run: a fuzz run is repeatable from its seed.

Usage: Scripts/fuzz-seeds.py FOLDER
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
import warnings
from pathlib import Path

import pydicom
import pydicom.data
from pydicom.encaps import generate_frames

# Fuzz/Codecs/main.swift's `syntaxes`, in its order.
CODEC_SYNTAXES = ["1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80",
                  "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.201",
                  "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"]
PART10_LIMIT = 64 * 1024
FRAME_LIMIT = 128 * 1024
MULTIPART_PART_LIMIT = 8 * 1024


def write(folder: Path, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def codec_seed(ds) -> bytes | None:
    syntax = str(ds.file_meta.TransferSyntaxUID)
    if syntax not in CODEC_SYNTAXES or "PixelData" not in ds:
        return None
    rows, columns = int(ds.Rows), int(ds.Columns)
    samples, bits = int(getattr(ds, "SamplesPerPixel", 1)), int(ds.BitsAllocated)
    if not (1 <= rows <= 512 and 1 <= columns <= 512) or samples not in (1, 3) or bits not in (8, 16):
        return None
    frame = next(generate_frames(ds.PixelData, number_of_frames=int(getattr(ds, "NumberOfFrames", 1) or 1)))
    if len(frame) > FRAME_LIMIT:
        return None
    flags = (bits == 16) | (samples == 3) << 1 | (int(getattr(ds, "PixelRepresentation", 0)) == 1) << 2
    flags |= (str(getattr(ds, "PhotometricInterpretation", "")) == "YBR_FULL_422") << 3
    stored = int(getattr(ds, "BitsStored", bits))
    return struct.pack("<BHHBB", CODEC_SYNTAXES.index(syntax), rows - 1, columns - 1, flags, stored - 1) + frame


def command_sets() -> list[bytes]:
    """The command set of every DIMSE message pynetdicom builds, with typical values."""
    from pydicom.filewriter import write_dataset
    from pydicom.filebase import DicomBytesIO
    from pynetdicom import dimse_primitives as primitives
    from pynetdicom.dimse_messages import (C_ECHO_RQ, C_ECHO_RSP, C_FIND_RQ, C_FIND_RSP, C_GET_RQ, C_MOVE_RQ, C_MOVE_RSP,
                                           C_STORE_RQ, C_STORE_RSP, N_ACTION_RQ, N_EVENT_REPORT_RQ)

    sop_class, sop_instance = "1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.2.1125.1.1"
    sets = []
    for message, primitive, values in [
        (C_ECHO_RQ, primitives.C_ECHO, {"MessageID": 1, "AffectedSOPClassUID": "1.2.840.10008.1.1"}),
        (C_ECHO_RSP, primitives.C_ECHO, {"MessageIDBeingRespondedTo": 1, "AffectedSOPClassUID": "1.2.840.10008.1.1", "Status": 0}),
        (C_STORE_RQ, primitives.C_STORE, {"MessageID": 7, "AffectedSOPClassUID": sop_class, "AffectedSOPInstanceUID": sop_instance,
                                          "Priority": 0, "MoveOriginatorApplicationEntityTitle": "MOVER", "MoveOriginatorMessageID": 3}),
        (C_STORE_RSP, primitives.C_STORE, {"MessageIDBeingRespondedTo": 7, "AffectedSOPClassUID": sop_class,
                                           "AffectedSOPInstanceUID": sop_instance, "Status": 0xB000}),
        (C_FIND_RQ, primitives.C_FIND, {"MessageID": 2, "AffectedSOPClassUID": "1.2.840.10008.5.1.4.1.2.2.1", "Priority": 2}),
        (C_FIND_RSP, primitives.C_FIND, {"MessageIDBeingRespondedTo": 2, "AffectedSOPClassUID": "1.2.840.10008.5.1.4.1.2.2.1",
                                         "Status": 0xFF00}),
        (C_MOVE_RQ, primitives.C_MOVE, {"MessageID": 3, "AffectedSOPClassUID": "1.2.840.10008.5.1.4.1.2.2.2", "Priority": 0,
                                        "MoveDestination": "STORESCP"}),
        (C_MOVE_RSP, primitives.C_MOVE, {"MessageIDBeingRespondedTo": 3, "AffectedSOPClassUID": "1.2.840.10008.5.1.4.1.2.2.2",
                                         "Status": 0xFF00, "NumberOfRemainingSuboperations": 4, "NumberOfCompletedSuboperations": 1,
                                         "NumberOfFailedSuboperations": 0, "NumberOfWarningSuboperations": 0}),
        (C_GET_RQ, primitives.C_GET, {"MessageID": 4, "AffectedSOPClassUID": "1.2.840.10008.5.1.4.1.2.2.3", "Priority": 1}),
        (N_ACTION_RQ, primitives.N_ACTION, {"MessageID": 5, "RequestedSOPClassUID": "1.2.840.10008.1.20.1",
                                            "RequestedSOPInstanceUID": "1.2.840.10008.1.20.1.1", "ActionTypeID": 1}),
        (N_EVENT_REPORT_RQ, primitives.N_EVENT_REPORT, {"MessageID": 6, "AffectedSOPClassUID": "1.2.840.10008.1.20.1",
                                                        "AffectedSOPInstanceUID": "1.2.840.10008.1.20.1.1", "EventTypeID": 1}),
    ]:
        value = primitive()
        for name, item in values.items():
            setattr(value, name, item)
        msg = message()
        msg.primitive_to_message(value)
        buffer = DicomBytesIO()
        buffer.is_little_endian, buffer.is_implicit_VR = True, True
        write_dataset(buffer, msg.command_set)
        sets.append(buffer.getvalue())
    return sets


def network_seeds(out: Path, part10: list[bytes]) -> dict[str, int]:
    """The seeds of the PDU, DIMSE command, multipart and query-key harnesses."""
    import nethelpers as h
    import netdata
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_dataset

    counts = {"pdu": 0, "dimse-command": 0, "multipart": 0, "query-keys": 0}
    commands = command_sets()
    for command in commands:
        write(out / "dimse-command", command)
        counts["dimse-command"] += 1
    store = ((1, "1.2.840.10008.5.1.4.1.1.2", ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1")),)
    streams = [
        h.a_associate_rq("RAMPART"),
        h.a_associate_rq("RAMPART", contexts=store, max_pdu=0),
        h.a_associate_rq("RAMPART") + h.p_data_tf(1, h.c_echo_rq_command()) + bytes.fromhex("050000000004" + "00000000"),
        bytes.fromhex("0300000000040001 0102".replace(" ", "")) + bytes.fromhex("07000000000400000200"),
    ]
    data_set = part10[0][132:] if part10 else b""
    for command in commands:
        streams.append(h.p_data_tf(1, command))
        streams.append(h.p_data_tf(1, command[: len(command) // 2], last=False) + h.p_data_tf(1, command[len(command) // 2:]))
    streams.append(h.p_data_tf(1, h.c_store_rq_command(store[0][1], "1.2.3.4")) + h.p_data_tf(1, data_set[:4000], command=False))
    for stream in streams:
        write(out / "pdu", stream)
        counts["pdu"] += 1

    # Small files only: the harness feeds a body in buffers of up to 256 bytes, and a 64 KiB one
    # costs hundreds of calls per run.
    for n, file in enumerate([f for f in part10 if len(f) <= MULTIPART_PART_LIMIT][:40]):
        boundary = f"fuzz-boundary-{n}"
        body = (f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode() + file
                + f"\r\n--{boundary}\r\nContent-Type: application/dicom\r\nContent-Location: x\r\n\r\n".encode() + file[:200]
                + f"\r\n--{boundary}--\r\n".encode())
        write(out / "multipart", boundary.encode() + b"\n" + bytes([n * 37 % 256]) + body)
        counts["multipart"] += 1

    archive = netdata.make_archive(out / ".archive")
    for query_id, level, model, keys in h.queries(archive):
        buffer = DicomBytesIO()
        buffer.is_little_endian, buffer.is_implicit_VR = True, True
        write_dataset(buffer, h.identifier(level, keys))
        write(out / "query-keys", bytes([0x02 | (0x40 if model == "patient" else 0)]) + buffer.getvalue())
        counts["query-keys"] += 1
    for query in ["PatientID=50%25&includefield=all", "PatientName=Doe*&fuzzymatching=true&limit=10&offset=2",
                  "StudyDate=20200101-20211231&ModalitiesInStudy=CT", "00100020=A_B&StudyInstanceUID=1.2.3\\1.2.4",
                  "AccessionNumber=A??1&includefield=00081030,StudyDescription", "PatientName=O'Brien^*&StudyTime=0700-1959"]:
        write(out / "query-keys", bytes([0x01 | 0x02]) + query.encode())
        counts["query-keys"] += 1
    return counts


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests" / "interop"))
    import netdata  # the synthetic variety set: one instance per common SOP class and syntax

    synthetic = [i.path for i in netdata.make_variety(out / ".variety")]
    counts = {"part10": 0, "dicom-json": 0, "codecs": 0}
    part10_seeds: list[bytes] = []
    for path in sorted(Path(p) for p in pydicom.data.get_testdata_files()) + synthetic:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = pydicom.dcmread(path)
                seed = codec_seed(ds)
        except Exception:  # noqa: BLE001 - a test file pydicom cannot read is no seed
            continue
        if seed is not None:
            write(out / "codecs", seed)
            counts["codecs"] += 1
        if path.stat().st_size <= PART10_LIMIT:
            part10_seeds.append(path.read_bytes())
            write(out / "part10", path.read_bytes())
            counts["part10"] += 1
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    document = ds.to_json_dict(bulk_data_threshold=1024, bulk_data_element_handler=lambda _: "http://127.0.0.1/bulk")
            except Exception:  # noqa: BLE001 - pydicom cannot write every test file as JSON
                continue
            write(out / "dicom-json", json.dumps([document]).encode())
            counts["dicom-json"] += 1
    counts.update(network_seeds(out, sorted(part10_seeds)))
    print("fuzz seeds: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
