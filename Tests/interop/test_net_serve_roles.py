"""Roles and attribute-level views through `rampart serve`, with pynetdicom as the peer: each
user signs in with user identity negotiation (username and passcode) and acts with the role
`rampart user add --role` gave it. A researcher queries and retrieves and never sees a patient
identifier, a referring physician may not store, an auditor may not query; each denial is in
the audit log.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset
from pynetdicom import AE, evt
from pynetdicom.sop_class import CTImageStorage, StudyRootQueryRetrieveInformationModelFind, StudyRootQueryRetrieveInformationModelGet

import netdata
import nethelpers as h
import netserve
from netpeers import HOST
from netserve import run, serve

pytestmark = pytest.mark.net

NOT_AUTHORIZED = 0x0124
# What a researcher's de-identified view must never show, with the synthetic values stored.
IDENTIFIERS = {
    "PatientName": "Roles^Test",
    "PatientID": "ROLES-PID-1",
    "PatientBirthDate": "19700101",
    "OtherPatientIDs": "SSN-000-12-3456",
    "PatientAddress": "1 Synthetic Street",
    "PatientTelephoneNumbers": "555-0100",
    "AccessionNumber": "ACC-ROLES-1",
    "ReferringPhysicianName": "Referring^Synthetic",
    "InstitutionName": "Synthetic Hospital",
}
# Those among them that the Study Root key tables admit at STUDY level (PS3.4 C.6.2.1.2); the
# others are checked in the retrieved object.
FIND_KEYS = ["PatientName", "PatientID", "PatientBirthDate", "OtherPatientIDs", "AccessionNumber", "ReferringPhysicianName"]


def password(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    match = re.search(r"password:\s+(\S+)", result.stdout)
    assert match, "no password printed"
    return match.group(1)


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    """A data folder with an admin and one user per role under test, and one stored CT that
    carries every identifier of IDENTIFIERS, in a sequence item and in a private element too."""
    folder = tmp_path_factory.mktemp("roles")
    data = folder / "data"
    users = {"admin": password(run(rampart, "init", "--data-dir", data))}
    for name, role in (("rita", "researcher"), ("ravi", "referring-physician"), ("audrey", "auditor")):
        users[name] = password(run(rampart, "user", "add", name, "--role", role, "--data-dir", data))
    path = netdata.make_bulk(folder / "bulk", 1, size=4096)[0]
    ds = dcmread(path)
    for keyword, value in IDENTIFIERS.items():
        setattr(ds, keyword, value)
    item = Dataset()
    item.PatientID = "SSN-IN-SEQUENCE"
    item.TypeOfPatientID = "TEXT"
    ds.OtherPatientIDsSequence = [item]
    ds.add_new(0x00090010, "LO", "SYNTHETIC CREATOR")
    ds.add_new(0x00091001, "LO", "PRIVATE-ID-1")
    ds.save_as(path, enforce_file_format=True)
    return data, users, dcmread(path)


def associate(server, name: str, password: str, contexts, **kwargs):
    ae = AE(ae_title="PYNETDICOM")
    for context in contexts:
        ae.add_requested_context(context)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    extended = [h.identity(2, name.encode(), password.encode())] + kwargs.pop("ext_neg", [])
    assoc = ae.associate(HOST, server.port, ae_title="RAMPART", ext_neg=extended, **kwargs)
    assert assoc.is_established, server.log_text()
    return assoc


def find(assoc, keys: dict) -> list[tuple[int, Dataset | None]]:
    return [(status.Status, identifier) for status, identifier in
            assoc.send_c_find(h.identifier("STUDY", keys), StudyRootQueryRetrieveInformationModelFind)]


def test_each_role_sees_and_does_what_its_view_and_actions_allow(rampart, site, tmp_path):
    data, users, stored = site
    with serve(rampart, data, tmp_path / "serve.log") as server:
        admin = associate(server, "admin", users["admin"], [CTImageStorage, StudyRootQueryRetrieveInformationModelFind])
        assert admin.send_c_store(stored).Status == 0x0000
        # The admin's view is the full one: the name comes back as stored.
        rows = [i for s, i in find(admin, {"StudyInstanceUID": stored.StudyInstanceUID, "PatientName": ""}) if s == 0xFF00]
        assert [str(r.PatientName) for r in rows] == [IDENTIFIERS["PatientName"]]
        admin.release()

        # A researcher queries: every identifier is empty or absent, and matching on one would
        # tell what it is, so a key on a hidden attribute matches anything.
        ask = {keyword: "" for keyword in FIND_KEYS} | {"StudyInstanceUID": stored.StudyInstanceUID, "ModalitiesInStudy": ""}
        researcher = associate(server, "rita", users["rita"], [StudyRootQueryRetrieveInformationModelFind])
        for keys in (ask, ask | {"PatientName": "Nobody^Else", "PatientID": "WRONG"}):
            responses = find(researcher, keys)
            assert [s for s, _ in responses] == [0xFF00, 0x0000], [hex(s) for s, _ in responses]
            answer = responses[0][1]
            assert answer.StudyInstanceUID == stored.StudyInstanceUID
            for keyword in FIND_KEYS:
                assert not answer.get(keyword), keyword
        researcher.release()

        # A researcher retrieves: the object comes back re-encoded without the identifiers,
        # inside sequences and private elements alike.
        ae, roles = h.get_ae("PYNETDICOM", StudyRootQueryRetrieveInformationModelGet)
        ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
        folder = tmp_path / "get"
        getting = ae.associate(HOST, server.port, ae_title="RAMPART", ext_neg=[h.identity(2, b"rita", users["rita"].encode()), *roles],
                               evt_handlers=[(evt.EVT_C_STORE, h.store_to(folder))])
        assert getting.is_established, server.log_text()
        statuses = [s.Status for s, _ in getting.send_c_get(h.identifier("STUDY", {"StudyInstanceUID": stored.StudyInstanceUID}),
                                                             StudyRootQueryRetrieveInformationModelGet)]
        getting.release()
        assert statuses[-1] == 0x0000, [hex(s) for s in statuses]
        received = [h.read(p) for p in folder.glob("*.dcm")]
        assert len(received) == 1
        got = received[0]
        # Emptied or removed, or (PS3.15 action D: Institution Name) the profile's dummy value.
        for keyword in IDENTIFIERS:
            assert str(got.get(keyword, "")) in ("", "ANONYMIZED"), keyword
        assert "OtherPatientIDsSequence" not in got and 0x00091001 not in got and 0x00090010 not in got
        # Its pixels stay in too: the object does not say they carry no burned-in text
        # (Burned In Annotation), and the researcher's view hides the patient's identity.
        assert got.SOPInstanceUID == stored.SOPInstanceUID and "PixelData" not in got
        raw = next(folder.glob("*.dcm")).read_bytes()
        for value in list(IDENTIFIERS.values()) + ["SSN-IN-SEQUENCE", "PRIVATE-ID-1"]:
            assert value.encode() not in raw, value

        # A referring physician may query and retrieve, not store.
        physician = associate(server, "ravi", users["ravi"], [CTImageStorage])
        assert physician.send_c_store(stored).Status == NOT_AUTHORIZED
        physician.release()

        # An auditor may sign in, and may not query.
        auditor = associate(server, "audrey", users["audrey"], [StudyRootQueryRetrieveInformationModelFind])
        assert [s for s, _ in find(auditor, {"StudyInstanceUID": ""})] == [NOT_AUTHORIZED]
        auditor.release()

    decisions = netserve.decisions_text(rampart, data)
    assert re.search(r"\tdeny\tuser ravi\tdimse\t.*\tstore\t.*role referring-physician does not allow store", decisions)
    assert re.search(r"\tdeny\tuser audrey\tdimse\t.*\tquery\t.*role auditor does not allow query", decisions)
    assert re.search(r"\tallow\tuser rita\tdimse\t.*\tretrieve\t.*role researcher allows retrieve", decisions)
    netserve.assert_patients_named_by_id_only(IDENTIFIERS, server.log_text(), decisions)
