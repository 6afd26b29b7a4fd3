"""`rampart serve` as Storage Commitment Push Model SCP (PS3.4 J.3), with pynetdicom 3.0.4 as the
modality: storescu stores a few instances, then pynetdicom asks Rampart to commit to them plus one
instance it never sent and one named with the wrong SOP class. The report (N-EVENT-REPORT) must
commit exactly the stored ones and fail the others with 0112H and 0119H, on the requestor's
association while it stays open, or on a new association to the AE's registered host and port
once it has released. An unregistered AE is refused as for every other service.
"""

from __future__ import annotations

import contextlib
import queue

import pytest
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom import AE, evt
from pynetdicom.sop_class import StorageCommitmentPushModel, StorageCommitmentPushModelInstance

import nethelpers as h
import netdata
import netpeers
from netpeers import HOST, describe_run
from netserve import register, serve

pytestmark = pytest.mark.net

MODALITY = "COMMITSCU"
WAIT = 20  # seconds: every association timeout and every wait for a report
NO_SUCH_OBJECT_INSTANCE = 0x0112
CLASS_INSTANCE_CONFLICT = 0x0119


@pytest.fixture(scope="module")
def commitment_server(rampart, net_archive, tmp_path_factory):
    """A served archive holding three instances stored by storescu; MODALITY is registered with
    the port its own SCP will listen on for reports sent on a new association."""
    folder = tmp_path_factory.mktemp("commitment")
    data = folder / "data"
    report_port = netpeers.free_port()
    register(rampart, data, "STORESCU")
    register(rampart, data, MODALITY, port=report_port)
    stored = net_archive.instances[:3]
    with serve(rampart, data, folder / "serve.log") as server:
        result = h.storescu(server, *[instance.path for instance in stored])
        assert result.returncode == 0, describe_run(result) + server.log_text()
        yield server, stored, report_port


def modality(title: str = MODALITY) -> AE:
    ae = AE(ae_title=title)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = WAIT
    return ae


def commitment_request(stored: list[netdata.Instance]) -> tuple[Dataset, set, dict]:
    """Action information for the stored instances, the first two as stored, the third under
    another SOP class, plus one unknown; with the committed set and failures to expect."""
    def item(sop_class: str, sop_instance: str) -> Dataset:
        reference = Dataset()
        reference.ReferencedSOPClassUID = sop_class
        reference.ReferencedSOPInstanceUID = sop_instance
        return reference

    other_class = netdata.MR_IMAGE if stored[2].sop_class_uid != netdata.MR_IMAGE else netdata.CT_IMAGE
    unknown = generate_uid(prefix="2.25.")
    information = Dataset()
    information.TransactionUID = generate_uid(prefix="2.25.")
    information.ReferencedSOPSequence = [item(i.sop_class_uid, i.sop_instance_uid) for i in stored[:2]] + [
        item(other_class, stored[2].sop_instance_uid), item(netdata.CT_IMAGE, unknown)]
    committed = {(i.sop_class_uid, i.sop_instance_uid) for i in stored[:2]}
    failed = {(other_class, stored[2].sop_instance_uid): CLASS_INSTANCE_CONFLICT,
              (netdata.CT_IMAGE, unknown): NO_SUCH_OBJECT_INSTANCE}
    return information, committed, failed


def report_collector(reports: queue.Queue):
    """An EVT_N_EVENT_REPORT handler that keeps what arrived and on which association."""
    def on_report(event):
        reports.put((int(event.request.EventTypeID), event.event_information, event.assoc.requestor.ae_title,
                     event.assoc.is_acceptor))
        return 0x0000, None
    return on_report


def check_report(information: Dataset, transaction: str, committed: set, failed: dict) -> None:
    assert information.TransactionUID == transaction
    got_committed = {(str(r.ReferencedSOPClassUID), str(r.ReferencedSOPInstanceUID))
                     for r in information.get("ReferencedSOPSequence", [])}
    got_failed = {(str(r.ReferencedSOPClassUID), str(r.ReferencedSOPInstanceUID)): int(r.FailureReason)
                  for r in information.get("FailedSOPSequence", [])}
    assert got_committed == committed
    assert got_failed == failed


def request_commitment(assoc, information: Dataset) -> None:
    status, _ = assoc.send_n_action(information, 1, StorageCommitmentPushModel, StorageCommitmentPushModelInstance)
    assert status is not None, "no N-ACTION-RSP"
    assert status.Status == 0x0000, f"N-ACTION-RSP status {status.Status:#06x}: {status.get('ErrorComment', '')}"


def test_report_arrives_on_the_same_association(commitment_server):
    server, stored, _ = commitment_server
    information, committed, failed = commitment_request(stored)
    reports: queue.Queue = queue.Queue()
    ae = modality()
    ae.add_requested_context(StorageCommitmentPushModel)
    assoc = h.associate(ae, server, evt_handlers=[(evt.EVT_N_EVENT_REPORT, report_collector(reports))])
    assert assoc.is_established, h.association_outcome(assoc) + server.log_text()
    try:
        request_commitment(assoc, information)
        event_type, report, _, on_acceptor = reports.get(timeout=WAIT)
    finally:
        assoc.release()
    assert not on_acceptor, "the report came on the requestor's own association"
    assert event_type == 2, "failures exist: Event Type ID 2"
    check_report(report, information.TransactionUID, committed, failed)


def test_report_arrives_on_a_new_association_after_release(commitment_server):
    server, stored, report_port = commitment_server
    information, committed, failed = commitment_request(stored)
    reports: queue.Queue = queue.Queue()
    listener = modality()
    listener.add_supported_context(StorageCommitmentPushModel, scu_role=False, scp_role=True)
    scp = listener.start_server((HOST, report_port), block=False, evt_handlers=[(evt.EVT_N_EVENT_REPORT, report_collector(reports))])
    try:
        ae = modality()
        ae.add_requested_context(StorageCommitmentPushModel)
        assoc = h.associate(ae, server)
        assert assoc.is_established, h.association_outcome(assoc) + server.log_text()
        try:
            request_commitment(assoc, information)
        finally:
            assoc.release()
        event_type, report, calling, on_acceptor = reports.get(timeout=WAIT)
    finally:
        scp.shutdown()
    assert on_acceptor, "the report came on an association Rampart opened"
    assert calling == server.ae
    assert event_type == 2
    check_report(report, information.TransactionUID, committed, failed)
    assert "new association" in server.log_text()


def test_all_committed_is_event_type_1(commitment_server):
    server, stored, _ = commitment_server
    information, committed, _ = commitment_request(stored)
    information.ReferencedSOPSequence = information.ReferencedSOPSequence[:2]
    reports: queue.Queue = queue.Queue()
    ae = modality()
    ae.add_requested_context(StorageCommitmentPushModel)
    assoc = h.associate(ae, server, evt_handlers=[(evt.EVT_N_EVENT_REPORT, report_collector(reports))])
    assert assoc.is_established, h.association_outcome(assoc)
    try:
        request_commitment(assoc, information)
        event_type, report, _, _ = reports.get(timeout=WAIT)
    finally:
        assoc.release()
    assert event_type == 1
    check_report(report, information.TransactionUID, committed, {})


def test_unregistered_ae_is_refused(commitment_server):
    server, _, _ = commitment_server
    ae = modality("NOBODY")
    ae.add_requested_context(StorageCommitmentPushModel)
    assoc = h.associate(ae, server)
    with contextlib.suppress(Exception):
        if assoc.is_established:
            assoc.release()
    assert h.reject_triple(assoc) == (1, 1, 3), h.association_outcome(assoc)
