"""`rampart serve` retrieving for peers that accept fewer transfer syntaxes than it stored, and
relational queries negotiated by pynetdicom.

C-MOVE to DCMTK storescp restricted to Implicit VR Little Endian (+xi), and C-GET by pynetdicom
proposing only Implicit VR Little Endian or only Explicit VR Big Endian: every uncompressed
instance arrives re-encoded in the accepted syntax with the values of the original, and the RLE
instances arrive decompressed, their pixels equal to pydicom's decoding. An object in a syntax
Rampart cannot decode (H.264 here) is counted as failed and listed, and the others still go
(PS3.4 C.4.2.3.1, C.4.3.3.1). Relational queries (PS3.4 C.4.1.2.2, extended negotiation
C.5): an IMAGE-level query with only a patient-level and a series-level key finds exactly the
instances netdata wrote, and is refused without the negotiation; a relational C-GET and C-MOVE
at SERIES level without Study Instance UID retrieve the series.
"""

from __future__ import annotations

import contextlib
import copy
import time
from pathlib import Path

import pytest
from pydicom.encaps import encapsulate
from pynetdicom import AE, build_role, evt
from pynetdicom.pdu_primitives import SOPClassExtendedNegotiation
from pynetdicom.sop_class import (
    PatientRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
)

import dicomcompare
import nethelpers as h
import netpeers
from netpeers import describe_run
from netserve import WORKSTATION, register, serve

pytestmark = pytest.mark.net

IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_BE = "1.2.840.10008.1.2.2"
RLE = "1.2.840.10008.1.2.5"
H264 = "1.2.840.10008.1.2.4.102"
OWN_AE = "QRSCU"


@pytest.fixture(scope="module")
def served(rampart, net_archive, net_variety, tmp_path_factory):
    """A served archive holding the synthetic archive and the variety set (3 RLE instances among
    them, kept compressed), with two move destinations: storescp taking Implicit VR Little
    Endian only, and storescp taking anything."""
    folder = tmp_path_factory.mktemp("serve-retrieve")
    data = folder / "data"
    with contextlib.ExitStack() as stack:
        implicit = stack.enter_context(netpeers.storescp(folder / "implicit", ae="IMPLICITSCP", accept_all=False, extra=["+xi"]))
        anything = stack.enter_context(netpeers.storescp(folder / "anything", ae="ANYSCP"))
        register(rampart, data, "STORESCU")
        register(rampart, data, OWN_AE, role=WORKSTATION)
        register(rampart, data, implicit.ae, port=implicit.port)
        register(rampart, data, anything.ae, port=anything.port)
        server = stack.enter_context(serve(rampart, data, folder / "serve.log"))
        result = h.storescu(server, net_archive.root, net_variety[0].path.parent)
        assert result.returncode == 0, describe_run(result) + server.log_text()
        yield server, implicit, anything


def relational(*sop_classes: str) -> list[SOPClassExtendedNegotiation]:
    items = []
    for uid in sop_classes:
        item = SOPClassExtendedNegotiation()
        item.sop_class_uid = uid
        item.service_class_application_information = b"\x01"
        items.append(item)
    return items


@contextlib.contextmanager
def established(ae: AE, server, **kwargs):
    assoc = h.associate(ae, server, **kwargs)
    try:
        assert assoc.is_established, h.association_outcome(assoc) + server.log_text()
        yield assoc
    finally:
        if assoc.is_established:
            assoc.release()


def final(responses):
    status, ds = responses[-1]
    assert status is not None, "no final response"
    return status, ds


def get(server, level: str, keys: dict[str, str], folder: Path, sop_classes, syntax: str, ext_neg=()):
    """C-GET proposing each storage SOP class in `syntax` only, with the SCP role."""
    folder.mkdir(parents=True, exist_ok=True)
    ae = AE(OWN_AE)
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelGet)
    for sop_class in sop_classes:
        ae.add_requested_context(sop_class, [syntax])
    roles = [build_role(sop_class, scp_role=True) for sop_class in sop_classes]

    def on_store(event):
        (folder / f"{event.request.AffectedSOPInstanceUID}.dcm").write_bytes(event.encoded_dataset(include_meta=True))
        return 0x0000

    with established(ae, server, ext_neg=roles + list(ext_neg), evt_handlers=[(evt.EVT_C_STORE, on_store)]) as assoc:
        if ext_neg:
            assert assoc.acceptor.sop_class_extended.get(StudyRootQueryRetrieveInformationModelGet) == b"\x01"
        return list(assoc.send_c_get(h.identifier(level, keys), StudyRootQueryRetrieveInformationModelGet))


def move(server, level: str, keys: dict[str, str], destination: str, ext_neg=()):
    ae = AE(OWN_AE)
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelMove)
    with established(ae, server, ext_neg=list(ext_neg)) as assoc:
        if ext_neg:
            assert assoc.acceptor.sop_class_extended.get(StudyRootQueryRetrieveInformationModelMove) == b"\x01"
        return list(assoc.send_c_move(h.identifier(level, keys), destination, StudyRootQueryRetrieveInformationModelMove))


def wait_for(destination, uids: set[str]) -> dict[str, Path]:
    """The files `destination` wrote for `uids`, waiting (bounded) for storescp to finish writing."""
    deadline = time.monotonic() + 20
    while not uids <= set(destination.received()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return {uid: path for uid, path in destination.received().items() if uid in uids}


def compare(original, received: Path, syntax: str) -> list[str]:
    """Differences between an original and its received copy, which must be in `syntax`."""
    actual = h.read(received)
    problems = []
    if str(actual.file_meta.TransferSyntaxUID) != syntax:
        problems.append(f"arrived in {actual.file_meta.TransferSyntaxUID}, not {syntax}")
    if syntax != EXPLICIT_BE:
        return problems + h.compare_instance(original, received)
    # pydicom keeps OW/OF/... values in the file's byte order: compare them little endian.
    for element in actual.iterall():
        width = dicomcompare.SWAP_WIDTH.get(element.VR)
        if width and isinstance(element.value, bytes):
            element.value = dicomcompare.swap_bytes(element.value, width)
    return problems + dicomcompare.compare_datasets(h.read(original.path), actual, mode="dataset")


def compare_decompressed(original, received: Path, syntax: str) -> list[str]:
    """Differences between a compressed original and its copy decompressed into `syntax`: the
    pixels as pydicom decodes the original, every other element as it was."""
    expected, actual = h.read(original.path), h.read(received)
    if str(actual.file_meta.TransferSyntaxUID) != syntax:
        return [f"arrived in {actual.file_meta.TransferSyntaxUID}, not {syntax}"]
    problems = [] if (expected.pixel_array == actual.pixel_array).all() else ["decoded pixels differ from pydicom's"]
    for ds in (expected, actual):
        for keyword in ("PixelData", "PlanarConfiguration"):
            if keyword in ds:
                delattr(ds, keyword)
    if syntax == EXPLICIT_BE:
        for element in actual.iterall():
            width = dicomcompare.SWAP_WIDTH.get(element.VR)
            if width and isinstance(element.value, bytes):
                element.value = dicomcompare.swap_bytes(element.value, width)
    return problems + dicomcompare.compare_datasets(expected, actual, mode="dataset")


def check_retrieve(responses, variety, received: dict[str, Path], syntax: str, log: str) -> None:
    """Every instance arrived in `syntax`: the uncompressed ones intact, the RLE ones decoded."""
    compressed = [i for i in variety if i.transfer_syntax == RLE]
    assert len(compressed) == 3
    status, ds = final(responses)
    assert status.Status == 0x0000, f"final status {status.Status:#06x}" + log
    assert status.NumberOfCompletedSuboperations == len(variety)
    assert status.NumberOfFailedSuboperations == 0 and status.NumberOfWarningSuboperations == 0
    pending = [s for s, _ in responses[:-1] if s is not None and s.Status == 0xFF00]
    assert len(pending) == len(variety) - 1
    assert [s.NumberOfRemainingSuboperations for s in pending] == list(range(len(variety) - 1, 0, -1))
    problems = []
    for i in variety:
        if i.sop_instance_uid not in received:
            problems.append(f"{i.path.name}: not received")
            continue
        check = compare_decompressed if i.transfer_syntax == RLE else compare
        problems += [f"{i.path.name}: {p}" for p in check(i, received[i.sop_instance_uid], syntax)]
    assert not problems, h.summary(problems) + log


# --- transcoding on retrieve ------------------------------------------------------------------


def test_move_reencodes_and_decompresses_for_an_implicit_only_destination(served, net_variety):
    server, implicit, _ = served
    responses = move(server, "STUDY", {"StudyInstanceUID": net_variety[0].study_uid}, implicit.ae)
    received = wait_for(implicit, {i.sop_instance_uid for i in net_variety})
    check_retrieve(responses, net_variety, received, IMPLICIT_LE, server.log_text())


@pytest.mark.parametrize("syntax", [IMPLICIT_LE, EXPLICIT_BE], ids=["implicit-le", "explicit-be"])
def test_get_reencodes_and_decompresses_to_the_one_syntax_proposed(served, net_variety, tmp_path, syntax):
    server, _, _ = served
    sop_classes = sorted({i.sop_class_uid for i in net_variety})
    responses = get(server, "STUDY", {"StudyInstanceUID": net_variety[0].study_uid}, tmp_path / "get", sop_classes, syntax)
    check_retrieve(responses, net_variety, netpeers.read_folder(tmp_path / "get"), syntax, server.log_text())


def test_an_object_rampart_cannot_decode_is_a_failed_sub_operation(served, net_archive, tmp_path):
    """A video object (H.264, which Rampart stores but has no decoder for) in a study with an
    uncompressed instance: a C-GET proposing only Implicit VR Little Endian gets the instance,
    and the video is failed and listed, with the reason in the server's log."""
    server, _, _ = served
    plain = h.read(net_archive.instances[0].path)
    study = "1.2.826.0.1.3680043.10.1137.4242"
    video = copy.deepcopy(plain)
    video.StudyInstanceUID, video.SeriesInstanceUID, video.SOPInstanceUID = study, study + ".1", study + ".1.1"
    video.PixelData = encapsulate([b"\x00\x00\x00\x01" + bytes(30)])
    video["PixelData"].VR = "OB"
    video["PixelData"].is_undefined_length = True
    video.file_meta.TransferSyntaxUID = H264
    image = copy.deepcopy(plain)
    image.StudyInstanceUID, image.SeriesInstanceUID, image.SOPInstanceUID = study, study + ".2", study + ".2.1"
    ae = AE("STORESCU")
    ae.add_requested_context(plain.SOPClassUID, [H264])
    ae.add_requested_context(plain.SOPClassUID, [str(plain.file_meta.TransferSyntaxUID)])
    with established(ae, server) as assoc:
        assert [assoc.send_c_store(ds).Status for ds in (video, image)] == [0, 0], server.log_text()
    responses = get(server, "STUDY", {"StudyInstanceUID": study}, tmp_path / "get", [plain.SOPClassUID], IMPLICIT_LE)
    status, ds = final(responses)
    assert status.Status == 0xB000, f"final status {status.Status:#06x}" + server.log_text()
    assert (status.NumberOfCompletedSuboperations, status.NumberOfFailedSuboperations) == (1, 1)
    assert ds is not None and ds.FailedSOPInstanceUIDList == video.SOPInstanceUID  # one value: a str
    assert set(netpeers.read_folder(tmp_path / "get")) == {image.SOPInstanceUID}
    assert "none of which Rampart can decode it into" in server.log.read_text()


# --- relational queries and retrieval --------------------------------------------------------


def image_query(net_archive) -> tuple[dict[str, str], list]:
    patient = net_archive.instances[-1]
    keys = {"PatientName": patient.attrs["PatientName"], "Modality": "CT", "SOPInstanceUID": ""}
    expected = [i for i in net_archive.select(PatientName=patient.attrs["PatientName"]) if i.attrs["Modality"] == "CT"]
    return keys, expected


def test_relational_image_query_with_patient_and_series_keys(served, net_archive):
    server, _, _ = served
    keys, expected = image_query(net_archive)
    assert expected and len(expected) < len(net_archive.instances)
    ae = AE(OWN_AE)
    ae.add_requested_context(PatientRootQueryRetrieveInformationModelFind)
    with established(ae, server, ext_neg=relational(PatientRootQueryRetrieveInformationModelFind)) as assoc:
        assert assoc.acceptor.sop_class_extended.get(PatientRootQueryRetrieveInformationModelFind) == b"\x01"
        responses = list(assoc.send_c_find(h.identifier("IMAGE", keys), PatientRootQueryRetrieveInformationModelFind))
    status, _ = final(responses)
    assert status.Status == 0x0000, f"final status {status.Status:#06x}" + server.log_text()
    found = [str(ds.SOPInstanceUID) for s, ds in responses if s is not None and s.Status == 0xFF00]
    assert sorted(found) == sorted(i.sop_instance_uid for i in expected)


def test_the_same_query_without_the_negotiation_is_refused(served, net_archive):
    server, _, _ = served
    keys, _ = image_query(net_archive)
    ae = AE(OWN_AE)
    ae.add_requested_context(PatientRootQueryRetrieveInformationModelFind)
    with established(ae, server) as assoc:
        assert PatientRootQueryRetrieveInformationModelFind not in assoc.acceptor.sop_class_extended
        responses = list(assoc.send_c_find(h.identifier("IMAGE", keys), PatientRootQueryRetrieveInformationModelFind))
    assert len(responses) == 1
    status, _ = final(responses)
    assert status.Status == 0xA900, f"final status {status.Status:#06x}"


def test_relational_get_of_a_series_without_its_study(served, net_archive, tmp_path):
    server, _, _ = served
    series = net_archive.series()[2]
    instances = net_archive.select(SeriesInstanceUID=series)
    responses = get(server, "SERIES", {"SeriesInstanceUID": series}, tmp_path / "get", sorted({i.sop_class_uid for i in instances}),
                    IMPLICIT_LE, ext_neg=relational(StudyRootQueryRetrieveInformationModelGet))
    status, _ = final(responses)
    assert status.Status == 0x0000, f"final status {status.Status:#06x}" + server.log_text()
    problems = h.check_received(instances, netpeers.read_folder(tmp_path / "get"))
    assert not problems, h.summary(problems)


def test_relational_move_of_a_series_without_its_study(served, net_archive):
    server, _, anything = served
    series = net_archive.series()[3]
    instances = net_archive.select(SeriesInstanceUID=series)
    responses = move(server, "SERIES", {"SeriesInstanceUID": series}, anything.ae,
                     ext_neg=relational(StudyRootQueryRetrieveInformationModelMove))
    status, _ = final(responses)
    assert status.Status == 0x0000, f"final status {status.Status:#06x}" + server.log_text()
    received = wait_for(anything, {i.sop_instance_uid for i in instances})
    problems = h.check_received(instances, received)
    assert not problems, h.summary(problems)
