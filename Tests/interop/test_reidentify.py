"""`rampart deidentify --lookup` and `rampart reidentify`: the originals come back from the
encrypted lookup file with the project key, not with another key, and the file holds none of them
(nor the pseudonyms) in the clear."""

from __future__ import annotations

import base64
from pathlib import Path

import pydicom

import rampart_cli
import test_deidentify as table

HEADER = ["Patient ID", "Patient Name", "Study Instance UID", "Series Instance UID", "SOP Instance UID"]


def new_key(rampart, path: Path) -> Path:
    result = rampart_cli.run(rampart, "deidentify", "--out", path.parent / "none", "--key-file", path, "--new-key", "--quiet")
    assert result.returncode == 0, rampart_cli.describe(result)
    return path


def two_studies(folder: Path) -> list[pydicom.Dataset]:
    folder.mkdir()
    first = table.study(folder / "first.dcm", "1.2.826.0.1.3680043.10.1137.400", "20240301", None)
    second = table.study(folder / "second.dcm", "1.2.826.0.1.3680043.10.1137.500", "20240311", first)
    return [first, second]


def deidentify_with_lookup(rampart, folder: Path, out: Path, key: Path, lookup: Path) -> list[pydicom.Dataset]:
    result = rampart_cli.run(rampart, "deidentify", "--out", out, "--key-file", key, "--lookup", lookup, "--quiet", folder)
    assert result.returncode == 0, rampart_cli.describe(result)
    return [pydicom.dcmread(path) for path in sorted(out.glob("*.dcm"))]


def reidentify(rampart, *args) -> list[list[str]]:
    result = rampart_cli.run(rampart, "reidentify", *args)
    assert result.returncode == 0, rampart_cli.describe(result)
    lines = [line.split("\t") for line in result.stdout.decode().splitlines()]
    assert lines[0] == HEADER
    return lines[1:]


def originals(ds: pydicom.Dataset) -> list[str]:
    return [ds.PatientID, str(ds.PatientName), ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID]


def test_the_lookup_file_gives_back_the_originals(rampart, tmp_path):
    key = new_key(rampart, tmp_path / "project.key")
    lookup = tmp_path / "lookup.sealed"
    sources = two_studies(tmp_path / "in")
    outputs = deidentify_with_lookup(rampart, tmp_path / "in", tmp_path / "out", key, lookup)
    assert len(outputs) == 2 and len(lookup.read_text().splitlines()) == 2
    assert lookup.stat().st_mode & 0o077 == 0
    expected = sorted(originals(ds) for ds in sources)

    found = [reidentify(rampart, "--lookup", lookup, "--key-file", key, "--uid", ds.SOPInstanceUID) for ds in outputs]
    assert all(len(rows) == 1 for rows in found)
    assert sorted(rows[0] for rows in found) == expected
    for ds, rows in zip(outputs, found):
        assert reidentify(rampart, "--lookup", lookup, "--key-file", key, "--uid", ds.StudyInstanceUID) == rows
        assert reidentify(rampart, "--lookup", lookup, "--key-file", key, "--uid", ds.SeriesInstanceUID) == rows

    assert outputs[0].PatientID == outputs[1].PatientID != sources[0].PatientID
    by_patient = reidentify(rampart, "--lookup", lookup, "--key-file", key, "--patient-id", outputs[0].PatientID)
    assert sorted(by_patient) == expected

    # A second run appends the same objects again; each is printed once.
    deidentify_with_lookup(rampart, tmp_path / "in", tmp_path / "again", key, lookup)
    assert len(lookup.read_text().splitlines()) == 4
    assert sorted(reidentify(rampart, "--lookup", lookup, "--key-file", key)) == expected


def test_no_match_exits_1(rampart, tmp_path):
    key = new_key(rampart, tmp_path / "project.key")
    two_studies(tmp_path / "in")
    deidentify_with_lookup(rampart, tmp_path / "in", tmp_path / "out", key, tmp_path / "lookup")
    result = rampart_cli.run(rampart, "reidentify", "--lookup", tmp_path / "lookup", "--key-file", key, "--uid", "1.2.3")
    assert result.returncode == 1, rampart_cli.describe(result)
    assert "no object" in result.stderr.decode() and result.stdout == b""


def test_another_key_cannot_read_the_lookup_file(rampart, tmp_path):
    key = new_key(rampart, tmp_path / "project.key")
    other = new_key(rampart, tmp_path / "other.key")
    two_studies(tmp_path / "in")
    deidentify_with_lookup(rampart, tmp_path / "in", tmp_path / "out", key, tmp_path / "lookup")
    result = rampart_cli.run(rampart, "reidentify", "--lookup", tmp_path / "lookup", "--key-file", other)
    assert result.returncode == 2, rampart_cli.describe(result)
    message = result.stderr.decode()
    assert "line 1" in message and "does not open with this key" in message and "--key-file" in message
    assert result.stdout == b""


def test_the_lookup_file_holds_no_identifier_in_the_clear(rampart, tmp_path):
    key = new_key(rampart, tmp_path / "project.key")
    sources = two_studies(tmp_path / "in")
    outputs = deidentify_with_lookup(rampart, tmp_path / "in", tmp_path / "out", key, tmp_path / "lookup")
    content = (tmp_path / "lookup").read_bytes()
    lines = content.splitlines()
    assert len(lines) == 2
    # Each line is base64 of sealed bytes: look for the identifiers in both the text and the bytes.
    sealed = b"".join(base64.b64decode(line, validate=True) for line in lines)
    identifiers = {value for ds in sources + outputs for value in originals(ds) if value}
    identifiers |= {"Roe", "Richard", "SYNTH-PAT", "patientID", "original"}
    for value in identifiers:
        assert value.encode() not in content and value.encode() not in sealed, f"{value!r} is in the lookup file"


def test_an_unwritable_lookup_file_stops_before_any_file(rampart, tmp_path):
    key = new_key(rampart, tmp_path / "project.key")
    two_studies(tmp_path / "in")
    lookup = tmp_path / "absent-folder" / "lookup"
    result = rampart_cli.run(rampart, "deidentify", "--out", tmp_path / "out", "--key-file", key, "--lookup", lookup, "--quiet", tmp_path / "in")
    assert result.returncode == 2, rampart_cli.describe(result)
    assert f"cannot open the lookup file {lookup}" in result.stderr.decode()
    assert not list((tmp_path / "out").glob("*.dcm"))
