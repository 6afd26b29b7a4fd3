"""Study conditions of the policy (institution, referring physician) through `rampart serve`,
with pynetdicom as the peer: a referring physician finds (C-FIND) and retrieves (C-GET) only the
studies it referred, a partner clinic's user only its institution's studies, and the clinic's
modality cannot file an object of another institution, nor into another institution's study
(status 0124). Every decision is in the audit log, which names patients by ID only and never
the institution or physician names.
"""

from __future__ import annotations

import copy
import re

import pytest
from pydicom import dcmread
from pynetdicom import AE, evt
from pynetdicom.sop_class import CTImageStorage, StudyRootQueryRetrieveInformationModelFind, StudyRootQueryRetrieveInformationModelGet

import netdata
import nethelpers as h
import netserve
from netpeers import HOST
from netserve import run, serve

pytestmark = pytest.mark.net

NOT_AUTHORIZED = 0x0124
PARC, NORD = "Clinique du Parc", "Hopital Nord"
POLICY = f"""
roles:
  referring-physician:
    studies:
      referring_physician: self
  parc-staff:
    allow: [query, retrieve]
    studies:
      institutions: ["{PARC}"]
  parc-modality:
    allow: [store, query]
    studies:
      institutions: ["{PARC}"]
"""
# One study each: (institution, referring physician). "Doe^Jane^^" is Doe^Jane: trailing empty components do not count.
STUDIES = {"parc-doe": (PARC, "Doe^Jane"), "nord-doe": (NORD, "Doe^Jane^^"), "parc-roe": (PARC, "Roe^John")}


def password(result) -> str:
    assert result.returncode == 0, result.stderr
    return re.search(r"password:\s+(\S+)", result.stdout).group(1)


def variant(template, name: str, institution: str, referrer: str, study: tuple[str, str] | None = None):
    """The template CT as the only object of a new study of its own patient, or an object of
    `study` (patient ID, study UID)."""
    ds = copy.deepcopy(template)
    ds.PatientID = study[0] if study else f"SC-{name.upper()}"
    ds.StudyInstanceUID = study[1] if study else netdata.uid(7, "study-conditions", name)
    ds.SeriesInstanceUID = netdata.uid(7, "study-conditions", name, "series")
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = netdata.uid(7, "study-conditions", name, "sop")
    ds.InstitutionName = institution
    ds.ReferringPhysicianName = referrer
    return ds


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    folder = tmp_path_factory.mktemp("study-conditions")
    data = folder / "data"
    users = {"admin": password(run(rampart, "init", "--data-dir", data))}
    (data / "policy.yaml").write_text(POLICY)
    run(rampart, "policy", "validate", "--data-dir", data, check=True)
    users["dr-doe"] = password(run(rampart, "user", "add", "dr-doe", "--role", "referring-physician", "--person-name", "Doe^Jane",
                                   "--data-dir", data))
    users["parc"] = password(run(rampart, "user", "add", "parc", "--role", "parc-staff", "--data-dir", data))
    netserve.register(rampart, data, "PARC_CT", role="parc-modality")
    template = dcmread(netdata.make_bulk(folder / "bulk", 1, size=2048)[0])
    studies = {name: variant(template, name, *attributes) for name, attributes in STUDIES.items()}
    return data, users, template, studies


def associate(server, contexts, *, user: tuple[str, str] | None = None, ae_title: str = "PYNETDICOM", ext_neg=(), handlers=()):
    ae = AE(ae_title=ae_title)
    for context in contexts:
        ae.add_requested_context(*context) if isinstance(context, tuple) else ae.add_requested_context(context)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    identity = [h.identity(2, user[0].encode(), user[1].encode())] if user else []
    assoc = ae.associate(HOST, server.port, ae_title="RAMPART", ext_neg=[*identity, *ext_neg], evt_handlers=list(handlers))
    assert assoc.is_established, server.log_text()[-2000:]
    return assoc


def found_studies(server, user) -> set[str]:
    assoc = associate(server, [StudyRootQueryRetrieveInformationModelFind], user=user)
    try:
        responses = [(s.Status, i) for s, i in assoc.send_c_find(h.identifier("STUDY", {"StudyInstanceUID": "", "PatientID": ""}),
                                                                   StudyRootQueryRetrieveInformationModelFind)]
    finally:
        assoc.release()
    assert responses[-1][0] == 0x0000, [hex(s) for s, _ in responses]
    return {i.StudyInstanceUID for s, i in responses if s == 0xFF00}


def got_studies(server, user, uids: list[str], folder) -> set[str]:
    """C-GET of the studies `uids` (one UID list); the studies of the objects received."""
    get_ae, roles = h.get_ae("PYNETDICOM", StudyRootQueryRetrieveInformationModelGet)
    contexts = [(c.abstract_syntax, c.transfer_syntax) for c in get_ae.requested_contexts]
    assoc = associate(server, contexts, user=user, ext_neg=roles, handlers=[(evt.EVT_C_STORE, h.store_to(folder))])
    try:
        statuses = [s.Status for s, _ in assoc.send_c_get(h.identifier("STUDY", {"StudyInstanceUID": "\\".join(uids)}),
                                                           StudyRootQueryRetrieveInformationModelGet)]
    finally:
        assoc.release()
    assert statuses[-1] == 0x0000, [hex(s) for s in statuses]
    return {h.read(p).StudyInstanceUID for p in folder.glob("*.dcm")}


def test_roles_reach_only_the_studies_of_their_data(rampart, site, tmp_path):
    data, users, template, studies = site
    uid = {name: ds.StudyInstanceUID for name, ds in studies.items()}
    with serve(rampart, data, tmp_path / "serve.log") as server:
        admin = associate(server, [CTImageStorage], user=("admin", users["admin"]))
        try:
            assert [admin.send_c_store(ds).Status for ds in studies.values()] == [0x0000] * len(studies)
        finally:
            admin.release()

        doe = ("dr-doe", users["dr-doe"])
        assert found_studies(server, doe) == {uid["parc-doe"], uid["nord-doe"]}
        assert got_studies(server, doe, list(uid.values()), tmp_path / "doe") == {uid["parc-doe"], uid["nord-doe"]}
        parc = ("parc", users["parc"])
        assert found_studies(server, parc) == {uid["parc-doe"], uid["parc-roe"]}
        assert got_studies(server, parc, [uid["nord-doe"]], tmp_path / "parc") == set()

        # The clinic's modality (a registered AE): another institution's object, or its own
        # object filed into another institution's study, is refused; its own new study is filed.
        modality = associate(server, [CTImageStorage], ae_title="PARC_CT")
        try:
            statuses = [modality.send_c_store(ds).Status for ds in (
                variant(template, "nord-from-parc", NORD, "Roe^John"),
                variant(template, "into-nord", PARC, "Roe^John", study=("SC-NORD-DOE", uid["nord-doe"])),
                variant(template, "parc-new", PARC, "Roe^John"))]
        finally:
            modality.release()
        assert statuses == [NOT_AUTHORIZED, NOT_AUTHORIZED, 0x0000], [hex(s) for s in statuses]
        assert found_studies(server, parc) == {uid["parc-doe"], uid["parc-roe"], netdata.uid(7, "study-conditions", "parc-new")}
        log = server.log_text()

    decisions = netserve.decisions_text(rampart, data)
    assert re.search(r"\tdeny\tAE PARC_CT\tdimse\t.*\tstore\tpatient SC-NORD-FROM-PARC .*the object is outside the studies its roles reach: "
                     r"its Institution Name \(0008,0080\) is not one of 1 listed", decisions), decisions
    assert re.search(r"\tdeny\tAE PARC_CT\tdimse\t.*\tstore\tpatient SC-NORD-DOE .*the object's study is archived outside the studies its roles reach",
                     decisions), decisions
    assert re.search(r"\tallow\tAE PARC_CT\tdimse\t.*\tstore\tpatient SC-PARC-NEW ", decisions), decisions
    # What each query and retrieve disclosed: the patients of the studies it reached, and no other.
    transfers = [e["event"] for e in netserve.audit_events(rampart, data) if e["event"].get("follows") is not None
                 and e["event"]["actor"]["name"] in ("dr-doe", "parc")]
    disclosed = {(e["actor"]["name"], s["id"]) for e in transfers for s in e.get("subjects", []) if s["kind"] == "patient"}
    assert disclosed == {("dr-doe", "SC-PARC-DOE"), ("dr-doe", "SC-NORD-DOE"), ("parc", "SC-PARC-DOE"), ("parc", "SC-PARC-ROE"),
                         ("parc", "SC-PARC-NEW")}, disclosed
    netserve.assert_patients_named_by_id_only({"InstitutionName": PARC, "OtherInstitution": NORD, "ReferringPhysicianName": "Roe^John", "OwnName": "Doe^Jane",
                                               "PatientName": str(template.PatientName)}, log, decisions)
