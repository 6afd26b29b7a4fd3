"""`rampart deidentify` against PS3.15 Table E.1-1, read here from the JSON table itself (not from
the Swift that Scripts/generate-deidentification-profile.py makes of it) with pydicom's dictionary.

A synthetic file holds every attribute of the table that has a single tag pydicom knows, each with
a value valid for its VR (sequences with one item), plus private attributes. For each option set
the output is checked attribute by attribute against the table's action for that option set.
Then two studies of one synthetic patient, de-identified in separate runs with the same key, must
share the new Patient ID and the date shift, and UID references must map like what they reference.

The checker's reading of the table, as documented in Sources/Deidentify:
- combined codes: X/Z → Z, X/D → D, Z/D → D, X/Z/D → D, X/Z/U* → U (the strongest action that keeps
  any IOD valid);
- when several chosen options name a row, K beats C beats any other;
- Patient ID becomes a keyed pseudonym (16 hex digits) rather than empty;
- C: dates move by the patient's whole-day shift under Modified Dates (times kept), text becomes a
  dummy, UIDs are remapped, sequences recursed, binary values removed;
- private attributes are removed (the safe-private list is empty).
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pydicom
import pytest
from pydicom.datadict import dictionary_has_tag, dictionary_VR
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

import rampart_cli

TABLE = Path(__file__).resolve().parents[2] / "Scripts" / "sources" / "ps3.15-table-E.1-1.json"

COLUMNS = {
    "rtnSafePrivOpt": "retainSafePrivate",
    "rtnUIDsOpt": "retainUIDs",
    "rtnDevIdOpt": "retainDeviceIdentity",
    "rtnInstIdOpt": "retainInstitutionIdentity",
    "rtnPatCharsOpt": "retainPatientCharacteristics",
    "rtnLongFullDatesOpt": "retainLongitudinalFullDates",
    "rtnLongModifDatesOpt": "retainLongitudinalModifiedDates",
    "cleanDescOpt": "cleanDescriptors",
    "cleanStructContOpt": "cleanStructuredContent",
    "cleanGraphOpt": "cleanGraphics",
}
COMBINED = {"X/Z": "Z", "X/D": "D", "Z/D": "D", "X/Z/D": "D", "X/Z/U*": "U"}
CID_7050 = {
    "cleanPixelData": "113101",
    "cleanRecognizableVisualFeatures": "113102",
    "cleanGraphics": "113103",
    "cleanStructuredContent": "113104",
    "cleanDescriptors": "113105",
    "retainLongitudinalFullDates": "113106",
    "retainLongitudinalModifiedDates": "113107",
    "retainPatientCharacteristics": "113108",
    "retainDeviceIdentity": "113109",
    "retainUIDs": "113110",
    "retainSafePrivate": "113111",
    "retainInstitutionIdentity": "113112",
}

OPTION_SETS = [
    [],
    ["retainUIDs", "retainLongitudinalFullDates"],
    ["cleanDescriptors", "retainPatientCharacteristics", "retainDeviceIdentity"],
    ["retainLongitudinalModifiedDates", "retainInstitutionIdentity", "cleanStructuredContent", "cleanGraphics"],
    ["cleanDescriptors", "retainSafePrivate", "retainUIDs", "retainLongitudinalModifiedDates"],
]

PATIENT_ID = (0x0010, 0x0020)
PATIENT_NAME = 0x00100010
ORIGINAL_DATE = "20240301"
ORIGINAL_TIME = "101500"
TEXT_VRS = {"AE", "AS", "CS", "DS", "IS", "LO", "LT", "PN", "SH", "ST", "UC", "UT", "UR"}


def table_rows() -> list[dict]:
    return json.loads(TABLE.read_text())


def single_tag(row: dict) -> int | None:
    match = re.fullmatch(r"\(([0-9A-F]{4}),([0-9A-F]{4})\)", row["tag"].upper())
    return int(match.group(1) + match.group(2), 16) if match else None


def expected_action(row: dict, options: list[str]) -> str:
    chosen = [row[column] for column, option in COLUMNS.items() if option in options and column in row]
    if "K" in chosen:
        return "K"
    if "C" in chosen:
        return "C"
    code = chosen[0] if chosen else row["basicProfile"]
    return COMBINED.get(code, code)


def checked_rows() -> list[tuple[int, str, dict]]:
    """(tag, VR, row) for each row with one tag that pydicom knows and that belongs in a data set
    (not the command group 0000 or the file meta group 0002), Patient ID apart."""
    rows = []
    for row in table_rows():
        tag = single_tag(row)
        if tag is None or tag >> 16 in (0x0000, 0x0002) or tag == 0x00100020 or not dictionary_has_tag(tag):
            continue
        vr = dictionary_VR(tag).split(" or ")[0]
        rows.append((tag, vr, row))
    return rows


def original_value(tag: int, vr: str):
    """A value valid for the VR, distinct per tag where the VR allows."""
    return {
        "AE": "ORIGAE",
        "AS": "045Y",
        "CS": "ORIGINAL",
        "DA": ORIGINAL_DATE,
        "DT": ORIGINAL_DATE + ORIGINAL_TIME,
        "DS": "1.5",
        "IS": "7",
        "LO": f"Original {tag:08X}",
        "LT": f"Original text {tag:08X}",
        "PN": "Doe^Jane",
        "SH": f"Orig{tag:08X}",
        "ST": f"Original text {tag:08X}",
        "TM": ORIGINAL_TIME,
        "UC": f"Original {tag:08X}",
        "UI": f"1.2.826.0.1.3680043.10.1137.{tag}",
        "UR": "http://example.com/original",
        "UT": f"Original text {tag:08X}",
        "US": 7,
        "OB": b"\x01\x02",
    }[vr]


def item() -> Dataset:
    """A sequence item: a code (not in the table, kept) and a name (emptied wherever it is)."""
    ds = Dataset()
    ds.CodeValue = "ORIG"
    ds.PatientName = "Doe^Jane"
    return ds


def rich_file(path: Path) -> Dataset:
    ds = Dataset()
    for tag, vr, _ in checked_rows():
        if vr == "SQ":
            ds.add_new(tag, vr, Sequence([item()]))
        else:
            ds.add_new(tag, vr, original_value(tag, vr))
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.PatientID = "SYNTH-PAT-0001"
    ds.add_new(0x00091010, "LO", "ACME PRIVATE")
    ds.add_new(0x00091001, "LO", "private value")
    write(ds, path)
    return ds


def write(ds: Dataset, path: Path) -> None:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.save_as(path, enforce_file_format=True)


def deidentify(rampart, inputs: list[Path], out: Path, key: Path, options: list[str]) -> list[Dataset]:
    args = ["deidentify", "--out", out, "--key-file", key, "--options", ",".join(options), "--quiet", *inputs]
    result = rampart_cli.run(rampart, *args)
    assert result.returncode == 0, rampart_cli.describe(result)
    assert "de-identified" in result.stdout.decode()
    return [pydicom.dcmread(path) for path in sorted(out.glob("*.dcm"))]


@pytest.fixture(scope="module")
def key(rampart, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("key") / "project.key"
    result = rampart_cli.run(rampart, "deidentify", "--out", path.parent / "none", "--key-file", path, "--new-key", "--quiet")
    assert result.returncode == 0, rampart_cli.describe(result)
    assert re.fullmatch(r"[0-9a-f]{64}\n", path.read_text())
    return path


def is_remapped(new, old) -> bool:
    return isinstance(new, str) and new.startswith("2.25.") and new != old and len(new) <= 64


def shifted_days(value: str) -> int:
    return (datetime.date(int(value[:4]), int(value[4:6]), int(value[6:8])) - datetime.date(2024, 3, 1)).days


def problems_with(ds: Dataset, original: Dataset, options: list[str]) -> list[str]:
    problems = []
    modified_dates = "retainLongitudinalModifiedDates" in options
    uid_map: dict[str, str] = {}
    shifts: set[int] = set()
    for tag, vr, row in checked_rows():
        action = expected_action(row, options)
        old = original[tag].value
        elem = ds.get(tag)
        where = f"{row['name']} {row['tag']} {vr} {action}"
        if action == "X" or (action == "C" and vr in ("OB", "US")):
            if elem is not None:
                problems.append(f"{where}: present, expected removed")
            continue
        if elem is None:
            problems.append(f"{where}: removed, expected present")
            continue
        if vr == "SQ":
            if action == "Z":
                if len(elem.value) != 0:
                    problems.append(f"{where}: {len(elem.value)} items, expected none")
            elif len(elem.value) != 1 or elem.value[0].get("CodeValue") != "ORIG" or not elem.value[0][PATIENT_NAME].is_empty:
                problems.append(f"{where}: expected its item, de-identified (name emptied)")
            continue
        new = elem.value
        if action == "Z":
            if not elem.is_empty:
                problems.append(f"{where}: {new!r}, expected empty")
        elif action == "K":
            if new != old:
                problems.append(f"{where}: {new!r}, expected kept")
        elif vr == "UI" and action in ("U", "D", "C"):
            if not is_remapped(new, old) or uid_map.setdefault(old, new) != new:
                problems.append(f"{where}: {new!r}, expected a consistent 2.25 UID")
        elif action == "C" and modified_dates and vr in ("DA", "DT"):
            days = shifted_days(str(new))
            shifts.add(days)
            if not -3650 <= days <= -1 or (vr == "DT" and str(new)[8:] != ORIGINAL_TIME):
                problems.append(f"{where}: {new!r}, expected {old!r} moved back by whole days")
        elif action == "C" and modified_dates and vr == "TM":
            if new != old:
                problems.append(f"{where}: {new!r}, expected the time kept")
        elif action in ("D", "C"):
            if elem.is_empty or new == old:
                problems.append(f"{where}: {new!r}, expected a dummy")
        else:
            problems.append(f"{where}: action {action} unexpected for VR {vr}")
    if len(shifts) > 1:
        problems.append(f"dates moved by different shifts: {sorted(shifts)}")
    if "retainUIDs" not in options and ds.file_meta.MediaStorageSOPInstanceUID != ds.SOPInstanceUID:
        problems.append("Media Storage SOP Instance UID (0002,0003) is not the new SOP Instance UID")
    pid = ds.get("PatientID")
    if pid is None or not re.fullmatch(r"[0-9A-F]{16}", str(pid)):
        problems.append(f"Patient ID {pid!r}: expected a 16-hex-digit pseudonym")
    if any(elem.tag.is_private for elem in ds):
        problems.append("private attributes remain")
    if ds.get("PatientIdentityRemoved") != "YES":
        problems.append("Patient Identity Removed (0012,0062) is not YES")
    codes = [(code.CodingSchemeDesignator, code.CodeValue) for code in ds.get("DeidentificationMethodCodeSequence", [])]
    expected = [("DCM", "113100")] + sorted(("DCM", CID_7050[option]) for option in options)
    if codes != expected:
        problems.append(f"De-identification Method Code Sequence {codes}, expected {expected}")
    return problems


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda options: "+".join(options) or "basic")
def test_every_table_attribute_gets_its_action(rampart, key, tmp_path, options):
    original = rich_file(tmp_path / "rich.dcm")
    assert len(checked_rows()) > 400
    outputs = deidentify(rampart, [tmp_path / "rich.dcm"], tmp_path / "out", key, options)
    assert len(outputs) == 1
    problems = problems_with(outputs[0], original, options)
    assert not problems, f"{len(problems)} attributes wrong:\n" + "\n".join(problems)


def study(path: Path, study_uid: str, study_date: str, referenced: Dataset | None) -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPInstanceUID = study_uid + ".1.1"
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = study_uid + ".1"
    ds.StudyDate = study_date
    ds.PatientName = "Roe^Richard"
    ds.PatientID = "SYNTH-PAT-0002"
    series = Dataset()
    series.SeriesInstanceUID = ds.SeriesInstanceUID
    ds.ReferencedSeriesSequence = Sequence([series])
    if referenced is not None:
        image = Dataset()
        image.ReferencedSOPClassUID = referenced.SOPClassUID
        image.ReferencedSOPInstanceUID = referenced.SOPInstanceUID
        ds.SourceImageSequence = Sequence([image])
    write(ds, path)
    return ds


def test_two_studies_of_one_patient_share_pseudonym_shift_and_references(rampart, key, tmp_path):
    options = ["retainLongitudinalModifiedDates"]
    first = study(tmp_path / "first.dcm", "1.2.826.0.1.3680043.10.1137.100", "20240301", None)
    study(tmp_path / "second.dcm", "1.2.826.0.1.3680043.10.1137.200", "20240311", first)
    (a,) = deidentify(rampart, [tmp_path / "first.dcm"], tmp_path / "a", key, options)
    (b,) = deidentify(rampart, [tmp_path / "second.dcm"], tmp_path / "b", key, options)
    assert a.PatientID == b.PatientID != "SYNTH-PAT-0002"
    assert shifted_days(b.StudyDate) - shifted_days(a.StudyDate) == 10
    assert a.StudyDate != "20240301"
    assert a.StudyInstanceUID != b.StudyInstanceUID
    assert a.ReferencedSeriesSequence[0].SeriesInstanceUID == a.SeriesInstanceUID != first.SeriesInstanceUID
    assert b.SourceImageSequence[0].ReferencedSOPInstanceUID == a.SOPInstanceUID
    assert b.SourceImageSequence[0].ReferencedSOPClassUID == first.SOPClassUID


def test_burned_in_annotation_is_refused_without_clean_pixel_data(rampart, key, tmp_path):
    ds = study(tmp_path / "burned.dcm", "1.2.826.0.1.3680043.10.1137.300", "20240301", None)
    ds.BurnedInAnnotation = "YES"
    write(ds, tmp_path / "burned.dcm")
    result = rampart_cli.run(rampart, "deidentify", "--out", tmp_path / "out", "--key-file", key, "--quiet", tmp_path / "burned.dcm")
    assert result.returncode == 1, rampart_cli.describe(result)
    assert "Burned In Annotation" in result.stdout.decode()
    assert not list((tmp_path / "out").glob("*.dcm"))
    accepted = deidentify(rampart, [tmp_path / "burned.dcm"], tmp_path / "clean", key, ["cleanPixelData"])
    assert len(accepted) == 1


def test_missing_key_file_says_how_to_make_one(rampart, tmp_path):
    result = rampart_cli.run(rampart, "deidentify", "--out", tmp_path / "out", "--key-file", tmp_path / "absent.key", tmp_path)
    assert result.returncode == 2
    assert "--new-key" in result.stderr.decode()
