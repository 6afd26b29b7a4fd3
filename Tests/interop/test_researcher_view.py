"""The researcher's view is the whole PS3.15 Basic Profile, applied on the fly: a file holding
every attribute of Table E.1-1 is imported, served, and retrieved by a `researcher` by C-GET
(`rampart get`) and by WADO-RS metadata. A checker that reads Scripts/sources/ps3.15-table-E.1-1.json
itself finds no attribute whose basic action is X, every Z attribute empty, no private attribute,
and the UIDs kept (retrieval names objects by them).
"""

from __future__ import annotations

import re

import pydicom
import pytest
import requests

import nethelpers as h
import netserve
from netserve import run
from test_deidentify import COMBINED, rich_file, single_tag, table_rows

pytestmark = pytest.mark.net


def basic_actions() -> tuple[dict[int, str], list[tuple[int, int]]]:
    """The Basic Profile's action for each single tag (combined codes resolved as the profile
    resolves them), and the (value, mask) of each family whose action is X."""
    exact, removed_families = {}, []
    for row in table_rows():
        action = COMBINED.get(row["basicProfile"], row["basicProfile"])
        tag = single_tag(row)
        if tag is not None:
            exact[tag] = action
        elif action == "X":
            text = re.sub(r"[^0-9A-Fx]", "", row["tag"].replace("X", "x"))
            value = int(text.replace("x", "0"), 16)
            mask = int("".join("0" if c == "x" else "F" for c in text), 16)
            removed_families.append((value, mask))
    return exact, removed_families


ACTIONS, REMOVED_FAMILIES = basic_actions()


def problems(elements) -> list[str]:
    """What the view should have hidden, among (tag, is_empty) pairs at every depth."""
    found = []
    for tag, empty in elements:
        action = ACTIONS.get(tag)
        if tag >> 16 & 1:
            found.append(f"private {tag:08X} present")
        elif action == "X" or any(tag & mask == value for value, mask in REMOVED_FAMILIES):
            found.append(f"{tag:08X} (X) present")
        elif action == "Z" and not empty:
            found.append(f"{tag:08X} (Z) not empty")
    return found


def dataset_elements(ds):
    for element in ds.iterall():
        value = element.value
        yield int(element.tag), value is None or (len(value) == 0 if hasattr(value, "__len__") else False)


def json_elements(dataset: dict):
    for key, element in dataset.items():
        values = element.get("Value", [])
        yield int(key, 16), not values and "InlineBinary" not in element and "BulkDataURI" not in element
        if element.get("vr") == "SQ":
            for item in values:
                yield from json_elements(item)


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    folder = tmp_path_factory.mktemp("researcher")
    data, incoming = folder / "data", folder / "incoming"
    incoming.mkdir()
    original = rich_file(incoming / "rich.dcm")
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    added = run(rampart, "user", "add", "rita", "--role", "researcher", "--data-dir", data)
    assert added.returncode == 0, added.stderr
    password = next(line.split()[1] for line in added.stdout.splitlines() if line.startswith("password:"))
    imported = run(rampart, "import", "--data-dir", data, "--quiet", incoming)
    assert imported.returncode == 0, imported.stderr
    token = run(rampart, "token", "issue", "--user", "rita", "--data-dir", data)
    assert token.returncode == 0, token.stderr
    with netserve.serve(rampart, data, folder / "serve.log") as server:
        yield {"folder": folder, "data": data, "server": server, "password": password, "token": token.stdout.strip(),
               "original": original}


def test_the_checker_finds_what_the_original_holds(site):
    # Else an empty answer would pass.
    found = problems(dataset_elements(site["original"]))
    assert any("(X) present" in p for p in found) and any("(Z) not empty" in p for p in found) and any("private" in p for p in found)


def test_a_researchers_c_get_carries_the_basic_profile(rampart, site):
    original, out = site["original"], site["folder"] / "get"
    out.mkdir()
    result = h.rampart_scu(rampart, "get", site["server"], "--level", "STUDY", "-k", f"StudyInstanceUID={original.StudyInstanceUID}",
                           "--output", out, username="rita", password=site["password"])
    assert result.returncode == 0, h.describe_rampart(result)
    files = list(out.glob("*.dcm"))
    assert len(files) == 1
    ds = pydicom.dcmread(files[0])
    assert problems(dataset_elements(ds)) == []
    assert (ds.StudyInstanceUID, ds.SOPInstanceUID) == (original.StudyInstanceUID, original.SOPInstanceUID)


def test_a_researchers_wado_rs_metadata_carries_the_basic_profile(site):
    original = site["original"]
    answer = requests.get(f"{netserve.dicomweb_url(site['server'])}/studies/{original.StudyInstanceUID}/metadata",
                          headers={"Authorization": f"Bearer {site['token']}", "Accept": "application/dicom+json"},
                          verify=str(site["data"] / "tls" / "ca.pem"), timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    instances = answer.json()
    assert len(instances) == 1
    assert problems(json_elements(instances[0])) == []
    assert instances[0]["00080018"]["Value"] == [original.SOPInstanceUID]
