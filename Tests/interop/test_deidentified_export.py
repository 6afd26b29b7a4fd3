"""Exports of a query's result set: `rampart get` from `rampart serve` as a user, the user's view
applied by the server (a researcher's copies carry no name or patient ID), and with
`--deidentify` each copy de-identified by the PS3.15 profile before it is written (the original
never is), its identifiers sealed in a lookup file that `rampart reidentify` opens.
"""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest

import nethelpers as h
import netserve
from netserve import run

pytestmark = pytest.mark.net


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory, net_archive):
    folder = tmp_path_factory.mktemp("export")
    data = folder / "data"
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    passwords = {}
    for name, role in (("rita", "researcher"), ("rad", "radiologist")):
        added = run(rampart, "user", "add", name, "--role", role, "--data-dir", data)
        assert added.returncode == 0, added.stderr
        passwords[name] = next(line.split()[1] for line in added.stdout.splitlines() if line.startswith("password:"))
    imported = run(rampart, "import", "--data-dir", data, "--quiet", net_archive.root, timeout=300)
    assert imported.returncode == 0, imported.stderr
    key = folder / "project.key"
    assert run(rampart, "deidentify", "--key-file", key, "--new-key", "--out", folder / "unused").returncode == 0
    with netserve.serve(rampart, data, folder / "serve.log") as server:
        yield {"folder": folder, "server": server, "passwords": passwords, "key": key}


def study(archive) -> tuple[str, list]:
    uid = archive.instances[0].study_uid
    return uid, [i for i in archive.instances if i.study_uid == uid]


def get(rampart, site, user: str, out: Path, study_uid: str, *extra) -> object:
    out.mkdir(parents=True, exist_ok=True)
    return h.rampart_scu(rampart, "get", site["server"], "--level", "STUDY", "-k", f"StudyInstanceUID={study_uid}",
                         "--output", out, *extra, username=user, password=site["passwords"][user])


def identifiers(instances) -> set[str]:
    values = set()
    for instance in instances:
        for keyword in ("PatientName", "PatientID", "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "AccessionNumber"):
            if instance.attrs.get(keyword):
                values.add(str(instance.attrs[keyword]))
    return values


def test_a_researchers_export_carries_the_researcher_view(rampart, site, net_archive):
    study_uid, instances = study(net_archive)
    out = site["folder"] / "rita"
    result = get(rampart, site, "rita", out, study_uid)
    assert result.returncode == 0, h.describe_rampart(result)
    files = sorted(out.glob("*.dcm"))
    assert len(files) == len(instances)
    for path in files:
        ds = pydicom.dcmread(path)
        assert not str(ds.get("PatientName", "")) and not ds.get("PatientID", "") and not ds.get("AccessionNumber", "")


def test_a_deidentified_export_writes_only_deidentified_copies_and_seals_the_originals(rampart, site, net_archive):
    study_uid, instances = study(net_archive)
    out, lookup = site["folder"] / "rad", site["folder"] / "lookup.sealed"
    result = get(rampart, site, "rad", out, study_uid, "--deidentify", "--key-file", site["key"],
                 "--options", "retainLongitudinalModifiedDates", "--lookup", lookup)
    assert result.returncode == 0, h.describe_rampart(result)
    assert "retrieved and de-identified" in result.stdout.decode()
    files = sorted(out.glob("*.dcm"))
    assert len(files) == len(instances)
    originals = identifiers(instances)
    new_sop_uids = []
    for path in files:
        text = path.read_bytes()
        leaked = [value for value in originals if value.encode() in text]
        assert not leaked, f"{path.name} holds {len(leaked)} original identifiers"
        ds = pydicom.dcmread(path)
        assert ds.PatientIdentityRemoved == "YES" and path.stem == ds.SOPInstanceUID
        new_sop_uids.append(ds.SOPInstanceUID)
    # One pseudonym and one study for the whole export, as in the original.
    assert len({pydicom.dcmread(p).PatientID for p in files}) == 1
    assert len({pydicom.dcmread(p).StudyInstanceUID for p in files}) == 1
    sealed = lookup.read_bytes()
    assert not [value for value in originals if value.encode() in sealed]
    back = run(rampart, "reidentify", "--lookup", lookup, "--key-file", site["key"], "--uid", new_sop_uids[0])
    assert back.returncode == 0, back.stderr
    assert any(i.sop_instance_uid in back.stdout for i in instances)


def test_deidentify_needs_the_project_key(rampart, site, net_archive):
    study_uid, _ = study(net_archive)
    result = get(rampart, site, "rad", site["folder"] / "nokey", study_uid, "--deidentify")
    assert result.returncode != 0 and "--key-file" in result.stderr.decode()
