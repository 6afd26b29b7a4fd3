"""Checks of the test harness itself, with third-party tools only (no rampart).

If one of these fails, the comparisons in the other tests cannot be trusted:
fix the harness (or pin the pydicom/DCMTK that it was written against) first.

* the comparator finds no difference between `dcmread` and pydicom's own DICOM
  JSON written by a standard-conforming writer (pydicom's JSON with the two
  fixes below), for every file of the corpus, and does find planted differences;
* the dcmdump parser reads the same elements out of dcmdump's output as pydicom
  reads out of the file;
* the `rampart dump` parser reads the same elements out of a dump printed to the
  line format of the spec as out of dcmdump's output;
* Scripts/generate-test-data.py writes what netdata.make_collection describes, and the
  C-FIND expectations (netdata.match) follow the matching rules the archive tests rely on.

pydicom's `to_json` departs from PS3.18 F in two ways, so the round trip fixes
them the way a conforming writer would not need to: it includes Group Length
elements (F.2.2 forbids them; dropped here), and it base64-encodes OW/OF/OL/OD/OV
values of a big endian file in the file's byte order (swapped to little endian here).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import subprocess
import sys
import warnings

import pydicom
import pytest
from pydicom.dataset import Dataset

import dicomcompare
import dicomfiles
import dumpparse
import netdata
import nethelpers
from test_dump_matches_dcmdump import DUMP_FILES, SPECIFIC_CHARACTER_SET, dcmdump

BACKSLASH = "\\"


@contextlib.contextmanager
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def conforming_json(ds: Dataset, big_endian: bool) -> dict:
    """pydicom's DICOM JSON of `ds`, with the two departures from PS3.18 F fixed."""

    def fix(node: dict) -> dict:
        for key in list(node):
            attribute = node[key]
            if key.endswith("0000"):
                del node[key]
                continue
            vr = attribute.get("vr")
            if vr == "SQ":
                for item in attribute.get("Value", []):
                    fix(item)
            elif big_endian and vr in dicomcompare.SWAP_WIDTH and "InlineBinary" in attribute:
                data = base64.b64decode(attribute["InlineBinary"])
                swapped = dicomcompare.swap_bytes(data, dicomcompare.SWAP_WIDTH[vr])
                attribute["InlineBinary"] = base64.b64encode(swapped).decode("ascii")
        return node

    return fix(ds.to_json_dict())


def test_pydicom_json_round_trip_matches_dcmread():
    """The comparator accepts a conforming JSON rendering of every readable file."""
    failures, compared, skipped = [], 0, []
    for corpus_file in dicomfiles.readable_files():
        with quiet():
            ds = dicomfiles.read_quietly(corpus_file.path)
            big_endian = dicomcompare.read_big_endian(ds)
            try:
                document = conforming_json(ds, big_endian)
            except Exception as error:  # noqa: BLE001 - pydicom cannot write JSON for an invalid value
                skipped.append(f"{corpus_file.id} ({type(error).__name__})")
                continue
            back = Dataset.from_json(json.dumps(document))
            differences = dicomcompare.compare_datasets(ds, back, mode="json")
        compared += 1
        if differences:
            failures.append(f"{corpus_file.id}:\n" + dicomcompare.format_differences(differences[:10]))
    assert not failures, "\n".join(failures[:10])
    assert compared > 200, f"only {compared} files compared (skipped: {skipped})"
    assert len(skipped) <= 3, f"pydicom could not write JSON for {skipped}"


def test_comparator_finds_planted_differences():
    ds = dicomfiles.read_quietly(dicomfiles.by_name("test_files/rtplan.dcm").path)
    ct = dicomfiles.read_quietly(dicomfiles.by_name("test_files/CT_small.dcm").path)

    def differences(base, mutate, mode="dataset"):
        changed = copy.deepcopy(base)
        mutate(changed)
        with quiet():
            return dicomcompare.compare_datasets(base, changed, mode=mode)

    def flip_pixel(d):
        pixels = bytearray(d.PixelData)
        pixels[100] ^= 1
        d.PixelData = bytes(pixels)

    assert differences(ds, lambda d: setattr(d, "PatientName", "Other^Name"))
    assert differences(ds, lambda d: d.__delitem__(0x00100020))
    assert differences(ds, lambda d: setattr(d[0x00080016], "VR", "LO"))
    assert differences(ds, lambda d: d.BeamSequence[0].ControlPointSequence[0].__setattr__("GantryAngle", "181"))
    assert differences(ds, lambda d: d.BeamSequence.append(Dataset()))
    assert differences(ct, flip_pixel)
    assert differences(ct, lambda d: d.add_new(0x00080000, "UL", 10), mode="json")  # Group Length in JSON
    # equal after normalisation: DS "1.50" is 1.5; trailing empty PN components
    assert not differences(ds, lambda d: d.BeamSequence[0].ControlPointSequence[0].__setattr__("GantryAngle", "0.0"))
    assert not differences(ds, lambda d: setattr(d, "PatientName", str(ds.PatientName) + "^="))


def test_comparator_accepts_un_kept_from_the_file():
    """pydicom resolves UN through its (private) dictionary; a writer that keeps the
    file's UN and its raw bytes is accepted, one that changes the bytes is not."""
    corpus_file = dicomfiles.by_name("charset_files/chrKoreanMulti.dcm")
    raw = dicomcompare.raw_elements(corpus_file.path)
    kept_un = [key for key, (vr, _) in raw.items() if vr == "UN" and not key[0]]
    assert kept_un, "expected UN elements in the file"
    with quiet():
        ds = dicomfiles.read_quietly(corpus_file.path)
        document = conforming_json(ds, big_endian=False)
        for _, tag in kept_un:
            document[f"{tag:08X}"] = {"vr": "UN", "InlineBinary": base64.b64encode(raw[((), tag)][1]).decode()}
        back = Dataset.from_json(json.dumps(document))
        assert dicomcompare.compare_datasets(ds, back, mode="json", raw=raw) == []
        assert dicomcompare.compare_datasets(ds, back, mode="json"), "without raw, UN must not pass"
        document[f"{kept_un[0][1]:08X}"]["InlineBinary"] = base64.b64encode(b"changed!").decode()
        changed = Dataset.from_json(json.dumps(document))
        assert dicomcompare.compare_datasets(ds, changed, mode="json", raw=raw)


def records_from_pydicom(ds: Dataset) -> dict:
    """The elements of `ds` (file meta included) in dumpparse's form."""
    out = {}

    def walk(d, path):
        for elem in d:
            tag = int(elem.tag)
            if elem.VR == "SQ":
                out[(path, tag)] = dumpparse.Record("SQ", dumpparse.SEQUENCE)
                for index, item in enumerate(elem.value):
                    item_path = path + ((tag, index),)
                    out[(item_path, dumpparse.ITEM_TAG)] = dumpparse.Record("na", dumpparse.ITEM)
                    walk(item, item_path)
                continue
            vr = "OW" if elem.VR in ("OB or OW", "US or OW") else elem.VR
            values = dicomcompare.as_list(elem.value)
            if vr in dicomcompare.BULK_VRS:
                value = dumpparse.BULK
            elif vr == "AT":
                value = dumpparse.normalise_value(vr, "\\".join(f"({int(v) >> 16:04X},{int(v) & 0xFFFF:04X})" for v in values), dcmtk=False)
            else:
                value = dumpparse.normalise_value(vr, "\\".join("" if v is None else str(v) for v in values), dcmtk=False)
            out[(path, tag)] = dumpparse.Record(vr, value)

    walk(ds.file_meta, ())
    walk(ds, ())
    return out


def spec_dump(ds: Dataset) -> str:
    """`ds` printed to the line format that `rampart dump` follows (dumpparse.py)."""
    lines = []

    def emit(d, depth):
        pad = "  " * depth
        for elem in d:
            head = f"{pad}({elem.tag.group:04X},{elem.tag.element:04X}) {elem.VR if ' ' not in elem.VR else 'OW'}"
            keyword = elem.keyword or "Unknown"
            values = dicomcompare.as_list(elem.value)
            if elem.VR == "SQ":
                lines.append(f"{head} ({len(values)} items)  # {keyword}")
                for index, item in enumerate(values, 1):
                    lines.append(f"{pad}  (FFFE,E000) na Item #{index}")
                    emit(item, depth + 2)
            elif elem.VR in dicomcompare.BULK_VRS:
                lines.append(f"{head} <{len(elem.value or b'')} bytes>  # {keyword}")
            elif elem.VR in ("US", "SS", "UL", "SL", "UV", "SV", "FL", "FD"):
                lines.append(f"{head} {BACKSLASH.join(str(v) for v in values)}  # {keyword}")
            elif elem.VR == "AT":
                tags = BACKSLASH.join(f"({int(v) >> 16:04X},{int(v) & 0xFFFF:04X})" for v in values)
                lines.append(f"{head} {tags}  # {keyword}")
            else:
                text = BACKSLASH.join("" if v is None else str(v) for v in values)
                lines.append(f"{head} [{text}]  # {keyword}")

    emit(ds.file_meta, 0)
    emit(ds, 0)
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def un_kept():
    """Read UN as UN, the way dcmdump does by default."""
    saved = pydicom.config.replace_un_with_known_vr
    pydicom.config.replace_un_with_known_vr = False
    try:
        yield
    finally:
        pydicom.config.replace_un_with_known_vr = saved


@pytest.mark.parametrize("name", list(DUMP_FILES))
def test_dump_parsers(name):
    corpus_file = dicomfiles.by_name(name)
    from_dcmdump = dumpparse.parse_dcmdump(dcmdump(corpus_file.path))
    with un_kept(), quiet():
        ds = pydicom.dcmread(corpus_file.path)
        dicomfiles.walk_dataset(ds)
        from_pydicom = records_from_pydicom(ds)
        from_spec = dumpparse.parse_rampart_dump(spec_dump(ds))
    skip = {SPECIFIC_CHARACTER_SET}
    assert dumpparse.compare(from_dcmdump, from_pydicom, skip_tags=skip) == []
    assert dumpparse.compare(from_dcmdump, from_spec, skip_tags=skip) == []
    assert len(from_spec) == len(from_pydicom)


# --- the data generator and its C-FIND expectations ------------------------------------------------------


def test_generator_script_writes_what_make_collection_describes(tmp_path):
    """Scripts/generate-test-data.py is make_collection's command line: same seed and count,
    same files (data sets byte for byte); and its --find answer is Archive.expected's."""
    script = netdata.repo_root() / "Scripts" / "generate-test-data.py"
    result = subprocess.run([sys.executable, str(script), str(tmp_path / "script"), "--instances", "40", "--seed", "3",
                             "--find", "STUDY", "ModalitiesInStudy=CT", "StudyInstanceUID="],
                            capture_output=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    archive = netdata.make_collection(tmp_path / "module", 3, 40)
    written = sorted(p.relative_to(tmp_path / "script") for p in netdata.dicom_files(tmp_path / "script"))
    assert written == sorted(i.path.relative_to(tmp_path / "module") for i in archive.instances)
    for relative in written:
        assert nethelpers.dataset_digest(tmp_path / "script" / relative) == nethelpers.dataset_digest(tmp_path / "module" / relative), relative
    expected = archive.expected("STUDY", {"ModalitiesInStudy": "CT", "StudyInstanceUID": ""},
                                person_name_case=False, unknown_required_matches=True)
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith(f"wrote {netdata.describe_counts(archive)}")
    assert lines[1] == f"C-FIND STUDY must match {len(expected)}:"
    assert [line.strip() for line in lines[2:]] == [row["StudyInstanceUID"] for row in expected]
    assert len({i.patient_id for i in archive.instances}) >= 3 and len(archive.instances) == 40


@pytest.mark.parametrize("keyword, pattern, value, options, matches", [
    ("PatientName", "lind*", "LINDQVIST^MAJA", {}, False),
    ("PatientName", "lind*", "LINDQVIST^MAJA", {"person_name_case": False}, True),
    ("AccessionNumber", "a19*", "A19000001", {"person_name_case": False}, False),  # only PN ignores case
    ("ModalitiesInStudy", "PT", "CT\\PT", {}, True),
    ("ModalitiesInStudy", "MG\\US", "CT\\PT", {}, False),
    ("StudyTime", "080000-115959", "115959", {}, True),
    ("StudyTime", "080000-115959", "120000", {}, False),
    ("StudyDate", "-20161231", "20161231", {}, True),
    ("ProcedureCodeSequence", {"CodeValue": "RMP-CT-*"}, ({"CodeValue": "RMP-CT-HEAD"},), {}, True),
    ("ProcedureCodeSequence", {"CodeValue": "RMP-CT-*"}, ({"CodeValue": "RMP-MR-KNEE"},), {}, False),
    ("ProcedureCodeSequence", {"CodeValue": "X"}, "", {}, False),
])
def test_expected_matching_rules(keyword, pattern, value, options, matches):
    assert netdata.match(keyword, pattern, value, **options) is matches
