"""`rampart serve` at archive scale: 1,000 generated instances (netdata.make_collection, the
generator of Scripts/generate-test-data.py) stored by DCMTK storescu, then

* C-FIND by findscu and by pynetdicom, at every level in both models, for each matching rule
  of PS3.4 C.2.2.2 the server offers without extended negotiation: single value, list of UIDs,
  universal, wild cards * and ?, date and time ranges (closed and open), sequence matching,
  multi-valued entity values (Modalities in Study), person names regardless of case, return
  keys, Required Keys whose value is unknown (they match, C.2.2.1.2) and Optional Keys whose
  value is empty (they do not). Each answer must equal what the generator says, row by row;
* C-MOVE (movescu to a registered storescp, pynetdicom to its own listener) and C-GET
  (getscu, pynetdicom) return byte-identical objects: the same transfer syntax and the same
  data set bytes after the file meta group (the server zeroes the preamble and writes its own
  file meta group, so those are not compared);
* pynetdicom C-STORE of new instances and of ones already archived (duplicates: success,
  the archived object kept);
* associations from an unregistered AE (with or without a user identity: the server has no
  user accounts yet, so no credential gets anyone in) and from a registered AE on another
  host are rejected.

test_net_serve.py covers the small archive, DCMTK's rejections and the restart.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from pynetdicom import AE, evt
from pynetdicom.sop_class import (
    PatientRootQueryRetrieveInformationModelFind,
    PatientRootQueryRetrieveInformationModelGet,
    PatientRootQueryRetrieveInformationModelMove,
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
)

import netdata
import nethelpers as h
import netpeers
import netserve
from netpeers import Peer, describe_run, read_folder
from netserve import WORKSTATION, blob_files, register, serve

pytestmark = pytest.mark.net

COLLECTION_SIZE = 1000
COLLECTION_SEED = 5
OWN_AE = "PYNSCU"
RECEIVER_AE = "PYNSTORE"
FIND = {"study": StudyRootQueryRetrieveInformationModelFind, "patient": PatientRootQueryRetrieveInformationModelFind}
MOVE = {"study": StudyRootQueryRetrieveInformationModelMove, "patient": PatientRootQueryRetrieveInformationModelMove}
GET = {"study": StudyRootQueryRetrieveInformationModelGet, "patient": PatientRootQueryRetrieveInformationModelGet}
# How rampart serve matches (QueryMatchingOptions.baseline): person names regardless of case,
# Required Keys with an unknown value match.
RULES = {"person_name_case": False, "unknown_required_matches": True}


@dataclass
class Served:
    server: Peer
    data: Path
    storescp: Peer
    receiver: h.Receiver  # pynetdicom's storage SCP, registered as RECEIVER_AE
    collection: netdata.Archive  # stored by storescu
    extra: netdata.Archive  # stored by pynetdicom
    everything: netdata.Archive  # what the server holds
    store_statuses: dict[str, list[int]]  # "new" / "duplicate" -> C-STORE statuses

    @property
    def sop_classes(self) -> list[str]:
        return everything_classes(self.everything)


def pynetdicom_store(server: Peer, instances: list[netdata.Instance]) -> list[int]:
    """C-STORE each instance on one pynetdicom association, in its own transfer syntax."""
    ae = AE(OWN_AE)
    for sop_class in sorted({i.sop_class_uid for i in instances}):
        for ts in h.UNCOMPRESSED_TS:
            ae.add_requested_context(sop_class, [ts])
    statuses = []
    with established(ae, server) as assoc:
        for instance in instances:
            status = assoc.send_c_store(h.read(instance.path))
            statuses.append(int(status.Status) if status and "Status" in status else -1)
    return statuses


@contextlib.contextmanager
def established(ae: AE, server: Peer, **kwargs):
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 60
    assoc = h.associate(ae, server, **kwargs)
    try:
        assert assoc.is_established, f"association to {server}: {h.association_outcome(assoc)}; log: {server.log_text()}"
        yield assoc
    finally:
        if assoc.is_established:
            assoc.release()


@pytest.fixture(scope="module")
def served(rampart, net_archive, tmp_path_factory):
    collection = netdata.collection_cached(COLLECTION_SIZE, COLLECTION_SEED)
    folder = tmp_path_factory.mktemp("serve-archive")
    data = folder / "data"
    with contextlib.ExitStack() as stack:
        # +B: storescp writes the data set exactly as it arrived, so bytes can be compared
        destination = stack.enter_context(netpeers.storescp(folder / "storescp", ae="STORESCP", extra=["+B"]))
        for title in ("STORESCU", "FINDSCU"):
            register(rampart, data, title)
        for title in ("GETSCU", "MOVESCU", OWN_AE):
            register(rampart, data, title, role=WORKSTATION)
        register(rampart, data, "STORESCP", port=destination.port)
        receiver_port = netpeers.free_port()
        register(rampart, data, RECEIVER_AE, port=receiver_port)
        server = stack.enter_context(serve(rampart, data, folder / "serve.log"))
        # storescu sends a file as it is only when it proposed the file's transfer syntax in a
        # context of its own (else it converts, Implicit to Explicit VR): one run per syntax
        for syntax, proposal in ((netdata.ExplicitVRLittleEndian, "-x="), (netdata.ImplicitVRLittleEndian, "-xi")):
            paths = [i.path for i in collection.instances if i.transfer_syntax == syntax]
            result = h.storescu(server, *paths, proposal=proposal, timeout=600)
            assert result.returncode == 0, describe_run(result) + server.log_text()
        # the small Q/R archive is new to the server; a few of the collection are duplicates
        duplicates = collection.instances[::250]
        statuses = {"new": pynetdicom_store(server, net_archive.instances), "duplicate": pynetdicom_store(server, duplicates)}
        everything = netdata.Archive(root=folder, seed=COLLECTION_SEED, instances=collection.instances + net_archive.instances)
        receiver = h.Receiver(folder / "received", receiver_port, RECEIVER_AE, everything_classes(everything))
        stack.callback(receiver.close)
        yield Served(server, data, destination, receiver, collection, net_archive, everything, statuses)


def everything_classes(archive: netdata.Archive) -> list[str]:
    return sorted({i.sop_class_uid for i in archive.instances})


# --- C-STORE ------------------------------------------------------------------------------------------------


def test_every_stored_instance_is_archived_intact(served):
    """Each blob holds the data set exactly as sent (storescu and pynetdicom alike), and the
    blob store holds nothing else."""
    assert served.store_statuses["new"] == [0] * len(served.extra.instances), served.store_statuses["new"]
    blobs = blob_files(served.data)
    problems = h.check_identical(served.everything.instances, blobs)
    assert not problems, h.summary(problems)


def test_a_duplicate_is_acknowledged_and_the_archived_object_kept(served):
    """The duplicate policy is `keep`: a re-sent instance gets success (a modality that lost the
    first response must not see a failure), and the archive still holds one copy."""
    assert served.store_statuses["duplicate"] == [0] * len(served.store_statuses["duplicate"])
    result, responses = h.findscu(served.server, served.data.parent / "dup-find", "IMAGE", "study", {"SOPInstanceUID": ""})
    assert result.returncode == 0, describe_run(result)
    uids = [str(r.SOPInstanceUID) for r in responses]
    assert len(uids) == len(set(uids)) == len(served.everything.instances)


# --- C-FIND -------------------------------------------------------------------------------------------------



def collection_queries(archive: netdata.Archive) -> dict[str, tuple[str, str, dict]]:
    """query id -> (level, model, keys) over the collection, with values picked from what it
    holds: one or more queries per matching rule, at every level of both models."""
    patients = archive.records("PATIENT")
    studies = archive.records("STUDY")
    upper = next(p for p in patients if p["PatientName"] == p["PatientName"].upper())
    mixed = next(p for p in patients if p["PatientName"] != p["PatientName"].upper() and p["PatientName"][:3].isalpha())
    family = mixed["PatientName"].split("^")[0]
    busy = max(patients, key=lambda p: (int(p["NumberOfPatientRelatedStudies"]), p["PatientID"]))
    study = next(s for s in studies if s["PatientID"] == busy["PatientID"])
    with_id = next(s for s in studies if s["StudyID"])
    a_series = next(s for s in archive.records("SERIES") if s["StudyInstanceUID"] == study["StudyInstanceUID"])
    mg_class = next(i.sop_class_uid for i in archive.instances if i.attrs["Modality"] == "MG")
    mr_code = next(s["ProcedureCodeSequence"][0]["CodeValue"] for s in studies if s["ModalitiesInStudy"] == "MR")
    return {
        # PATIENT level (Patient Root only)
        "patient-universal": ("PATIENT", "patient", {"PatientID": "", "PatientName": "", "PatientBirthDate": "", "PatientSex": "",
                                                     "NumberOfPatientRelatedStudies": "", "NumberOfPatientRelatedInstances": ""}),
        "patient-id-single": ("PATIENT", "patient", {"PatientID": busy["PatientID"], "PatientName": ""}),
        "patient-name-other-case-wildcard": ("PATIENT", "patient", {"PatientName": upper["PatientName"][:4].lower() + "*", "PatientID": ""}),
        "patient-name-question-mark": ("PATIENT", "patient", {"PatientName": family[0] + "?" + family[2:] + "^*", "PatientID": ""}),
        "patient-birthdate-range": ("PATIENT", "patient", {"PatientBirthDate": "19500101-19791231", "PatientID": ""}),
        "patient-sex-single": ("PATIENT", "patient", {"PatientSex": "F", "PatientID": ""}),
        # STUDY level
        "study-universal": ("STUDY", "study", {"StudyInstanceUID": "", "StudyDate": "", "StudyTime": "", "AccessionNumber": "",
                                               "StudyID": "", "PatientID": "", "ModalitiesInStudy": "",
                                               "NumberOfStudyRelatedSeries": "", "NumberOfStudyRelatedInstances": ""}),
        "study-date-single": ("STUDY", "study", {"StudyDate": study["StudyDate"], "StudyInstanceUID": ""}),
        "study-date-range": ("STUDY", "study", {"StudyDate": "20170101-20201231", "StudyInstanceUID": ""}),
        "study-date-open-start": ("STUDY", "study", {"StudyDate": "-20161231", "StudyInstanceUID": ""}),
        "study-date-open-end": ("STUDY", "study", {"StudyDate": "20220101-", "StudyInstanceUID": ""}),
        "study-time-range": ("STUDY", "study", {"StudyTime": "080000-115959", "StudyInstanceUID": ""}),
        "study-accession-question-marks": ("STUDY", "study", {"AccessionNumber": study["AccessionNumber"][:3] + "??????",
                                                              "StudyInstanceUID": ""}),
        "study-uid-list": ("STUDY", "study", {"StudyInstanceUID": "\\".join(s["StudyInstanceUID"] for s in studies[1::7]),
                                              "StudyDescription": ""}),
        "study-modalities-single": ("STUDY", "study", {"ModalitiesInStudy": "PT", "StudyInstanceUID": ""}),
        "study-modalities-list": ("STUDY", "study", {"ModalitiesInStudy": "MG\\US", "StudyInstanceUID": ""}),
        "study-id-required-unknown-matches": ("STUDY", "study", {"StudyID": with_id["StudyID"], "StudyInstanceUID": ""}),
        "study-description-optional-empty-excluded": ("STUDY", "study", {"StudyDescription": "*CONTRAST*", "StudyInstanceUID": ""}),
        "study-referring-name-case": ("STUDY", "study", {"ReferringPhysicianName": "quill^*", "StudyInstanceUID": ""}),
        "study-sequence-single": ("STUDY", "study", {"ProcedureCodeSequence": {"CodeValue": mr_code}, "StudyInstanceUID": ""}),
        "study-sequence-wildcard": ("STUDY", "study", {"ProcedureCodeSequence": {"CodeValue": "RMP-CT-*"}, "StudyInstanceUID": ""}),
        "study-patient-name-study-root": ("STUDY", "study", {"PatientName": f"{family[:3]}*", "StudyInstanceUID": "", "PatientID": ""}),
        "study-patient-root": ("STUDY", "patient", {"PatientID": busy["PatientID"], "StudyInstanceUID": "", "StudyDate": "",
                                                    "ModalitiesInStudy": ""}),
        # SERIES level
        "series-of-study": ("SERIES", "study", {"StudyInstanceUID": study["StudyInstanceUID"], "SeriesInstanceUID": "", "Modality": "",
                                                "SeriesNumber": "", "SeriesDescription": "", "NumberOfSeriesRelatedInstances": ""}),
        "series-modality-single": ("SERIES", "study", {"Modality": "CR", "SeriesInstanceUID": ""}),
        "series-description-optional-empty-excluded": ("SERIES", "study", {"SeriesDescription": "*AX*", "SeriesInstanceUID": ""}),
        "series-number-single": ("SERIES", "study", {"SeriesNumber": "2", "SeriesInstanceUID": ""}),
        "series-patient-root": ("SERIES", "patient", {"PatientID": busy["PatientID"], "StudyInstanceUID": study["StudyInstanceUID"],
                                                      "SeriesInstanceUID": "", "Modality": ""}),
        # IMAGE level
        "image-universal": ("IMAGE", "study", {"SOPInstanceUID": "", "SOPClassUID": "", "InstanceNumber": ""}),
        "image-of-series": ("IMAGE", "study", {"StudyInstanceUID": a_series["StudyInstanceUID"],
                                               "SeriesInstanceUID": a_series["SeriesInstanceUID"], "SOPInstanceUID": "", "InstanceNumber": ""}),
        "image-sop-class-single": ("IMAGE", "study", {"SOPClassUID": mg_class, "SOPInstanceUID": ""}),
        "image-sop-uid-list": ("IMAGE", "study", {"SOPInstanceUID": "\\".join(i.sop_instance_uid for i in archive.instances[5::300]),
                                                  "InstanceNumber": ""}),
        "image-instance-number-single": ("IMAGE", "study", {"InstanceNumber": "1", "SOPInstanceUID": ""}),
        "image-patient-root": ("IMAGE", "patient", {"PatientID": busy["PatientID"], "StudyInstanceUID": a_series["StudyInstanceUID"],
                                                    "SeriesInstanceUID": a_series["SeriesInstanceUID"], "SOPInstanceUID": "",
                                                    "SOPClassUID": ""}),
    }


QUERY_IDS = [
    "patient-universal", "patient-id-single", "patient-name-other-case-wildcard", "patient-name-question-mark",
    "patient-birthdate-range", "patient-sex-single", "study-universal", "study-date-single", "study-date-range",
    "study-date-open-start", "study-date-open-end", "study-time-range", "study-accession-question-marks", "study-uid-list",
    "study-modalities-single", "study-modalities-list", "study-id-required-unknown-matches",
    "study-description-optional-empty-excluded", "study-referring-name-case", "study-sequence-single", "study-sequence-wildcard",
    "study-patient-name-study-root", "study-patient-root", "series-of-study", "series-modality-single",
    "series-description-optional-empty-excluded", "series-number-single", "series-patient-root", "image-universal",
    "image-of-series", "image-sop-class-single", "image-sop-uid-list", "image-instance-number-single", "image-patient-root",
]


def test_every_query_exercises_its_rule(served):
    """Each query of the table matches something, and each but the universal ones leaves
    something out (a rule the data never exercise would pass whatever the server did); the
    case and unknown-value rules change the answer of the queries named after them."""
    queries = collection_queries(served.collection)
    assert list(queries) == QUERY_IDS
    for query_id, (level, _, keys) in queries.items():
        matched = len(served.everything.expected(level, keys, **RULES))
        total = len(served.everything.records(level))
        assert matched > 0, f"{query_id}: matches nothing"
        assert "universal" in query_id or matched < total, f"{query_id}: matches all {total} {level} entities"
    level, _, keys = queries["patient-name-other-case-wildcard"]
    assert not served.everything.expected(level, keys), "the key would match case-sensitively too"
    level, _, keys = queries["study-id-required-unknown-matches"]
    assert len(served.everything.expected(level, keys, **RULES)) > len(served.everything.expected(level, keys, person_name_case=False))


@pytest.mark.parametrize("query_id", QUERY_IDS)
def test_findscu_finds_what_the_generator_says(served, tmp_path, query_id):
    level, model, keys = collection_queries(served.collection)[query_id]
    result, responses = h.findscu(served.server, tmp_path, level, model, keys)
    assert result.returncode == 0, describe_run(result)
    expected = h.expected_rows(served.everything, level, keys, **RULES)
    actual = h.find_rows(responses, level, keys)
    assert actual == expected, f"{query_id} ({model} root, {level}): {h.diff_rows(expected, actual, level)}"


def test_pynetdicom_finds_what_the_generator_says(served):
    """Every query of the table from pynetdicom, on one association per model."""
    queries = collection_queries(served.collection)
    problems = []
    for model in ("patient", "study"):
        ae = AE(OWN_AE)
        ae.add_requested_context(FIND[model])
        with established(ae, served.server) as assoc:
            for query_id, (level, query_model, keys) in queries.items():
                if query_model != model:
                    continue
                responses = list(assoc.send_c_find(h.identifier(level, keys), FIND[model]))
                statuses = [int(status.Status) for status, _ in responses if status is not None and "Status" in status]
                if not statuses or statuses[-1] != 0x0000:
                    problems.append(f"{query_id}: final status {statuses[-1:]}")
                    continue
                matches = [ds for status, ds in responses if ds is not None and int(status.Status) in (0xFF00, 0xFF01)]
                expected = h.expected_rows(served.everything, level, keys, **RULES)
                actual = h.find_rows(matches, level, keys)
                if actual != expected:
                    problems.append(f"{query_id}: {h.diff_rows(expected, actual, level)}")
    assert not problems, h.summary(problems)


# --- C-MOVE and C-GET -------------------------------------------------------------------------------------


def mixed_study(archive: netdata.Archive) -> str:
    """The smallest study with both an Explicit and an Implicit VR Little Endian series."""
    studies: dict[str, list[netdata.Instance]] = {}
    for inst in archive.instances:
        studies.setdefault(inst.study_uid, []).append(inst)
    candidates = [uid for uid, insts in studies.items() if len({i.transfer_syntax for i in insts}) == 2]
    return min(candidates, key=lambda uid: (len(studies[uid]), uid))


def final_counts(responses) -> tuple[int, dict]:
    """(final status, sub-operation counts) of a C-MOVE or C-GET."""
    assert responses, "no C-MOVE/C-GET response"
    last = responses[-1][0]
    return int(last.Status), {k: int(last.get(f"Number{k}Suboperations", 0) or 0) for k in ("OfCompleted", "OfFailed", "OfWarning")}


def test_movescu_returns_byte_identical_objects(served):
    """C-MOVE of a study with an Explicit and an Implicit VR series to storescp (+B). Explicit
    VR objects arrive byte-identical. For an Implicit VR object the server proposes, in one
    presentation context, its own syntax then Explicit and Implicit VR Little Endian
    (InstanceSender.contexts); storescp picks Explicit VR, its preference, and the server
    transcodes as the negotiation asks: those are compared element by element."""
    study = mixed_study(served.collection)
    instances = served.collection.select(StudyInstanceUID=study)
    for path in served.storescp.store_dir.iterdir():
        path.unlink()
    result = h.movescu(served.server, "STUDY", "study", {"StudyInstanceUID": study}, destination="STORESCP")
    assert result.returncode == 0, describe_run(result) + served.server.log_text()
    # movescu ends after the final C-MOVE response, which comes after the last sub-operation
    received = read_folder(served.storescp.store_dir)
    assert set(received) == {i.sop_instance_uid for i in instances}
    explicit = [i for i in instances if i.transfer_syntax == netdata.ExplicitVRLittleEndian]
    implicit = [i for i in instances if i.transfer_syntax == netdata.ImplicitVRLittleEndian]
    problems = h.check_identical(explicit, received, exact=False) + h.check_received(implicit, received, exact=False)
    assert not problems, h.summary(problems)


def test_getscu_returns_byte_identical_objects(served, tmp_path):
    """getscu +B (bit-preserving) of a series in Patient Root."""
    instance = next(i for i in served.collection.instances if i.attrs["Modality"] == "PT")
    keys = {"PatientID": instance.patient_id, "StudyInstanceUID": instance.study_uid, "SeriesInstanceUID": instance.series_uid}
    folder = tmp_path / "get"
    result = h.getscu(served.server, folder, "SERIES", "patient", keys, extra=["+B"])
    assert result.returncode == 0, describe_run(result)
    problems = h.check_identical(served.collection.select(SeriesInstanceUID=instance.series_uid), read_folder(folder))
    assert not problems, h.summary(problems)


def test_pynetdicom_move_returns_byte_identical_objects(served):
    """C-MOVE of a patient (Patient Root) to pynetdicom's own storage SCP, a registered AE."""
    patient = min({i.patient_id for i in served.collection.instances},
                  key=lambda p: (len(served.collection.select(PatientID=p)), p))
    expected = served.collection.select(PatientID=patient)
    ae = AE(OWN_AE)
    ae.add_requested_context(MOVE["patient"])
    with established(ae, served.server) as assoc:
        responses = list(assoc.send_c_move(h.identifier("PATIENT", {"PatientID": patient}), RECEIVER_AE, MOVE["patient"]))
    status, counts = final_counts(responses)
    assert (status, counts) == (0, {"OfCompleted": len(expected), "OfFailed": 0, "OfWarning": 0}), (hex(status), counts)
    problems = h.check_identical(expected, read_folder(served.receiver.folder))
    assert not problems, h.summary(problems)


def test_pynetdicom_get_returns_byte_identical_objects(served, tmp_path):
    """C-GET of a study in Study Root, into this process as received."""
    study = mixed_study(served.collection)
    expected = served.collection.select(StudyInstanceUID=study)
    ae, roles = h.get_ae(OWN_AE, GET["study"], served.sop_classes)
    folder = tmp_path / "get"
    with established(ae, served.server, ext_neg=roles, evt_handlers=[(evt.EVT_C_STORE, h.store_to(folder))]) as assoc:
        responses = list(assoc.send_c_get(h.identifier("STUDY", {"StudyInstanceUID": study}), GET["study"]))
    status, counts = final_counts(responses)
    assert (status, counts) == (0, {"OfCompleted": len(expected), "OfFailed": 0, "OfWarning": 0}), (hex(status), counts)
    problems = h.check_identical(expected, read_folder(folder))
    assert not problems, h.summary(problems)


# --- who may associate ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["unregistered-no-credentials", "unregistered-with-user-identity", "registered-from-another-host"])
def test_association_is_rejected(rampart, served, case):
    """Rejected permanently by the service user and each denial recorded in the audit log:
    an unknown or misplaced AE as calling AE title not recognised (1, 1, 3), a failed user
    identity with no reason given (1, 1, 1), so that its operator checks the credential."""
    calling, expected, kwargs = {
        "unregistered-no-credentials": ("NOBODY", (1, 1, 3), {}),
        "unregistered-with-user-identity": ("NOBODY", (1, 1, 1), {"ext_neg": [h.identity(2, b"admin", b"not-a-password", positive=True)]}),
        "registered-from-another-host": ("FINDSCU", (1, 1, 3), {"bind_address": ("127.0.0.2", 0)}),
    }[case]
    def denials():
        return netserve.decisions_text(rampart, served.data).count("\tdeny\t")
    before = denials()

    def make_ae():
        ae = AE(calling)
        ae.add_requested_context(FIND["study"])
        ae.acse_timeout = ae.network_timeout = 30
        return ae
    outcomes = h.rejection_outcomes(make_ae, served.server, **kwargs)
    assert outcomes[-1] == expected, outcomes
    assert denials() == before + len(outcomes), "a denial is not in the audit log"
