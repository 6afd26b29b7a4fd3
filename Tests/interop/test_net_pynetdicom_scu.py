"""pynetdicom 3 as the SCU against rampart-test-scp: C-ECHO, C-STORE, C-FIND, C-MOVE and
C-GET, plain and TLS; user identity negotiation; the asynchronous operations window;
association rejection.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydicom.dataset import Dataset
from pynetdicom import AE, evt
from pynetdicom.pdu_primitives import AsynchronousOperationsWindowNegotiation
from pynetdicom.sop_class import (
    PatientRootQueryRetrieveInformationModelFind,
    PatientRootQueryRetrieveInformationModelGet,
    PatientRootQueryRetrieveInformationModelMove,
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
    Verification,
)

import nethelpers as h
from netpeers import HOST, free_port, read_folder

pytestmark = pytest.mark.net

FIND = {"study": StudyRootQueryRetrieveInformationModelFind, "patient": PatientRootQueryRetrieveInformationModelFind}
MOVE = {"study": StudyRootQueryRetrieveInformationModelMove, "patient": PatientRootQueryRetrieveInformationModelMove}
GET = {"study": StudyRootQueryRetrieveInformationModelGet, "patient": PatientRootQueryRetrieveInformationModelGet}
USERS = {"alice": "correct-horse-battery"}
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyYW1wYXJ0LXRlc3QifQ.c3ludGhldGljLXNpZ25hdHVyZQ"
OWN_AE = "PYNSCU"


def scp_log(peer) -> str:
    return f"\n{peer} log: {peer.log_text()}"


@contextlib.contextmanager
def established(ae: AE, peer, **kwargs):
    assoc = h.associate(ae, peer, **kwargs)
    try:
        assert assoc.is_established, f"association to {peer}: {h.association_outcome(assoc)}" + scp_log(peer)
        yield assoc
    finally:
        if assoc.is_established:
            assoc.release()


def echo_ae() -> AE:
    ae = AE(OWN_AE)
    ae.add_requested_context(Verification)
    return ae


def statuses(responses) -> list[int]:
    return [int(status.Status) for status, _ in responses if status is not None and "Status" in status]


@pytest.fixture(scope="module")
def qr(module_peers, net_archive, tmp_path_factory):
    destination = module_peers.storescp(ae="STORESCP")
    own_port = free_port()
    scp = module_peers.test_scp(preload=net_archive.root,
                                destinations={"STORESCP": (HOST, destination.port), OWN_AE: (HOST, own_port)})
    return SimpleNamespace(scp=scp, destination=destination, own_port=own_port)


# --- C-ECHO ---------------------------------------------------------------------------------------------


def test_echo(qr):
    with established(echo_ae(), qr.scp) as assoc:
        status = assoc.send_c_echo()
        assert status and status.Status == 0x0000, f"C-ECHO status {status}"


@pytest.mark.parametrize("hostname", ["localhost", "127.0.0.1"])
def test_echo_tls(peers, tls_material, hostname):
    """TLS with the server certificate checked against the CA and the host name (SAN DNS and IP)."""
    scp = peers.test_scp(tls=tls_material, require_client_cert=True)
    ae = echo_ae()
    assoc = ae.associate(scp.host, scp.port, ae_title=scp.ae, tls_args=h.pynetdicom_tls(tls_material, hostname=hostname))
    try:
        assert assoc.is_established, h.association_outcome(assoc) + scp_log(scp)
        assert assoc.send_c_echo().Status == 0x0000
    finally:
        if assoc.is_established:
            assoc.release()


# --- C-STORE --------------------------------------------------------------------------------------------


def store_ae(instances) -> AE:
    """One presentation context per (SOP class, the file's own transfer syntax)."""
    ae = AE(OWN_AE)
    for pair in sorted({(i.sop_class_uid, i.transfer_syntax) for i in instances}):
        ae.add_requested_context(pair[0], [pair[1]])
    return ae


def store_all(assoc, instances) -> list[str]:
    problems = []
    for inst in instances:
        status = assoc.send_c_store(h.read(inst.path))
        code = getattr(status, "Status", None)
        if code != 0x0000:
            problems.append(f"{inst.path.name}: C-STORE status {code if code is None else hex(code)}")
    return problems


def test_store_every_sop_class_in_its_own_transfer_syntax(peers, net_variety):
    """Each variety file sent in its own transfer syntax (Implicit, Explicit, Deflated, RLE)."""
    scp = peers.test_scp()
    with established(store_ae(net_variety), scp) as assoc:
        failed = store_all(assoc, net_variety)
    assert not failed, "; ".join(failed) + scp_log(scp)
    problems = h.check_received(net_variety, scp.received())
    assert not problems, h.summary(problems) + scp_log(scp)


def test_store_tls(peers, tls_material, net_archive):
    scp = peers.test_scp(tls=tls_material, require_client_cert=True)
    instances = net_archive.instances[:12]
    with established(store_ae(instances), scp, tls=tls_material) as assoc:
        failed = store_all(assoc, instances)
    assert not failed, "; ".join(failed) + scp_log(scp)
    problems = h.check_received(instances, scp.received())
    assert not problems, h.summary(problems) + scp_log(scp)


# --- C-FIND ---------------------------------------------------------------------------------------------


def run_find(scp, level, model, keys, tls=None):
    ae = AE(OWN_AE)
    ae.add_requested_context(FIND[model])
    with established(ae, scp, tls=tls) as assoc:
        responses = list(assoc.send_c_find(h.identifier(level, keys), FIND[model]))
    codes = statuses(responses)
    assert codes and codes[-1] == 0x0000, f"C-FIND statuses {[hex(c) for c in codes]}" + scp_log(scp)
    assert all(c in (0xFF00, 0xFF01) for c in codes[:-1]), f"C-FIND statuses {[hex(c) for c in codes]}"
    return [ds for status, ds in responses if ds is not None and int(status.Status) in (0xFF00, 0xFF01)]


@pytest.mark.parametrize("query_id", h.QUERY_IDS)
def test_find(qr, net_archive, query_id):
    level, model, keys = h.query(net_archive, query_id)
    matches = run_find(qr.scp, level, model, keys)
    expected = h.expected_rows(net_archive, level, keys)
    actual = h.find_rows(matches, level, keys)
    assert actual == expected, f"{query_id} ({model} root, {level}): {h.diff_rows(expected, actual, level)}"


def test_find_tls(peers, net_archive, tls_material):
    scp = peers.test_scp(preload=net_archive.root, tls=tls_material, require_client_cert=True)
    level, model, keys = h.query(net_archive, "study-by-patient")
    matches = run_find(scp, level, model, keys, tls=tls_material)
    expected = h.expected_rows(net_archive, level, keys)
    actual = h.find_rows(matches, level, keys)
    assert actual == expected, h.diff_rows(expected, actual, level)


# --- C-MOVE ---------------------------------------------------------------------------------------------


def run_move(scp, level, model, keys, destination, tls=None):
    ae = AE(OWN_AE)
    ae.add_requested_context(MOVE[model])
    with established(ae, scp, tls=tls) as assoc:
        return list(assoc.send_c_move(h.identifier(level, keys), destination, MOVE[model]))


def final(responses) -> Dataset:
    assert responses, "no C-MOVE/C-GET response"
    return responses[-1][0]


def test_move_study_to_storescp(qr, net_archive):
    study = net_archive.studies()[2]
    for path in qr.destination.store_dir.iterdir():
        path.unlink()
    responses = run_move(qr.scp, "STUDY", "study", {"StudyInstanceUID": study}, "STORESCP")
    last = final(responses)
    expected = net_archive.select(StudyInstanceUID=study)
    assert last.Status == 0x0000, f"final C-MOVE status {hex(last.Status)}" + scp_log(qr.scp)
    assert last.get("NumberOfCompletedSuboperations") == len(expected), f"completed sub-operations: {last.get('NumberOfCompletedSuboperations')}"
    assert last.get("NumberOfFailedSuboperations", 0) == 0
    problems = h.check_received(expected, qr.destination.received())
    assert not problems, h.summary(problems) + scp_log(qr.scp)


def test_move_series_to_own_listener(qr, net_archive, tmp_path):
    """The move destination is this test's own storage SCP (AE PYNSCU)."""
    receiver = h.Receiver(tmp_path / "received", qr.own_port, OWN_AE)
    try:
        series = net_archive.series()[4]
        instances = net_archive.select(SeriesInstanceUID=series)
        responses = run_move(qr.scp, "SERIES", "patient", {"PatientID": instances[0].patient_id,
                                                            "StudyInstanceUID": instances[0].study_uid,
                                                            "SeriesInstanceUID": series}, OWN_AE)
        assert final(responses).Status == 0x0000, f"final status {hex(final(responses).Status)}" + scp_log(qr.scp)
    finally:
        receiver.close()
    problems = h.check_received(instances, read_folder(receiver.folder))
    assert not problems, h.summary(problems) + scp_log(qr.scp)


def test_move_to_unknown_destination(qr, net_archive):
    responses = run_move(qr.scp, "STUDY", "study", {"StudyInstanceUID": net_archive.studies()[0]}, "NOBODY-KNOWN")
    assert final(responses).Status == 0xA801, f"expected 0xA801 (move destination unknown), got {hex(final(responses).Status)}"


def test_move_tls(peers, net_archive, tls_material, tmp_path):
    destination = peers.storescp(ae="STORESCP")
    scp = peers.test_scp(preload=net_archive.root, tls=tls_material, require_client_cert=True,
                         destinations={"STORESCP": (HOST, destination.port)})
    series = net_archive.series()[5]
    instances = net_archive.select(SeriesInstanceUID=series)
    responses = run_move(scp, "SERIES", "study", {"StudyInstanceUID": instances[0].study_uid, "SeriesInstanceUID": series},
                         "STORESCP", tls=tls_material)
    assert final(responses).Status == 0x0000, scp_log(scp)
    problems = h.check_received(instances, destination.received())
    assert not problems, h.summary(problems) + scp_log(scp)


# --- C-GET ----------------------------------------------------------------------------------------------


def run_get(scp, level, model, keys, folder: Path, tls=None):
    """C-GET with SCP role for CT and MR storage, one context per uncompressed transfer syntax."""
    ae, roles = h.get_ae(OWN_AE, GET[model])
    with established(ae, scp, tls=tls, ext_neg=roles, evt_handlers=[(evt.EVT_C_STORE, h.store_to(folder))]) as assoc:
        return list(assoc.send_c_get(h.identifier(level, keys), GET[model]))


def test_get_series(qr, net_archive, tmp_path):
    series = net_archive.series()[6]
    instances = net_archive.select(SeriesInstanceUID=series)
    responses = run_get(qr.scp, "SERIES", "study", {"StudyInstanceUID": instances[0].study_uid, "SeriesInstanceUID": series},
                        tmp_path / "get")
    last = final(responses)
    assert last.Status == 0x0000, f"final C-GET status {hex(last.Status)}" + scp_log(qr.scp)
    assert last.get("NumberOfCompletedSuboperations") == len(instances)
    problems = h.check_received(instances, read_folder(tmp_path / "get"))
    assert not problems, h.summary(problems) + scp_log(qr.scp)


def test_get_patient(qr, net_archive, tmp_path):
    patient = net_archive.instances[0].patient_id
    instances = net_archive.select(PatientID=patient)
    responses = run_get(qr.scp, "PATIENT", "patient", {"PatientID": patient}, tmp_path / "get")
    assert final(responses).Status == 0x0000, scp_log(qr.scp)
    problems = h.check_received(instances, read_folder(tmp_path / "get"))
    assert not problems, h.summary(problems) + scp_log(qr.scp)


def test_get_tls(peers, net_archive, tls_material, tmp_path):
    scp = peers.test_scp(preload=net_archive.root, tls=tls_material, require_client_cert=True)
    study = net_archive.studies()[3]
    instances = net_archive.select(StudyInstanceUID=study)
    responses = run_get(scp, "STUDY", "study", {"StudyInstanceUID": study}, tmp_path / "get", tls=tls_material)
    assert final(responses).Status == 0x0000, scp_log(scp)
    problems = h.check_received(instances, read_folder(tmp_path / "get"))
    assert not problems, h.summary(problems) + scp_log(scp)


def test_get_cancel_stops_the_sub_operations(qr, net_archive, tmp_path):
    """C-CANCEL during a C-GET (PS3.4 C.4.3.2): the SCU cancels while answering the first C-STORE
    sub-operation, so the SCP sees the cancel before it starts the second. The final response has
    status Cancel (FE00), one completed sub-operation, and the rest counted as remaining."""
    patient = net_archive.instances[0].patient_id
    instances = net_archive.select(PatientID=patient)
    assert len(instances) > 2
    folder = tmp_path / "get"
    folder.mkdir()
    ae, roles = h.get_ae(OWN_AE, GET["patient"])
    message_id = 7
    stored = []

    def on_store(event):
        if not stored:
            context_id = next(c.context_id for c in event.assoc.accepted_contexts if c.abstract_syntax == GET["patient"])
            event.assoc.send_c_cancel(message_id, context_id)
        stored.append(event.request.AffectedSOPInstanceUID)
        return 0x0000

    with established(ae, qr.scp, ext_neg=roles, evt_handlers=[(evt.EVT_C_STORE, on_store)]) as assoc:
        responses = list(assoc.send_c_get(h.identifier("PATIENT", {"PatientID": patient}), GET["patient"], msg_id=message_id))
    last = final(responses)
    assert last.Status == 0xFE00, f"final C-GET status {hex(last.Status)}" + scp_log(qr.scp)
    assert len(stored) == 1, scp_log(qr.scp)
    assert last.get("NumberOfCompletedSuboperations") == 1
    assert last.get("NumberOfRemainingSuboperations") == len(instances) - 1


# --- user identity --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def identity_scp(module_peers):
    return module_peers.test_scp(users=USERS, tokens=[TOKEN], require_identity=True)


NAME, PASSWORD = next(iter(USERS.items()))
REJECTED = [
    ("none", None),
    ("username-only", h.identity(1, NAME.encode())),
    ("wrong-passcode", h.identity(2, NAME.encode(), b"not-" + PASSWORD.encode())),
    ("unknown-user", h.identity(2, b"mallory", PASSWORD.encode())),
    ("wrong-token", h.identity(5, TOKEN[:-4].encode() + b"AAAA")),
]


@pytest.mark.parametrize("case", [c[0] for c in REJECTED])
def test_identity_required_rejects(identity_scp, case):
    """--require-identity: no, or no valid, user identity -> A-ASSOCIATE-RJ
    (permanent, service-user, no reason given)."""
    item = dict(REJECTED)[case]
    assoc = h.associate(echo_ae(), identity_scp, ext_neg=[item] if item else None)
    if assoc.is_established:
        assoc.release()
    assert h.reject_triple(assoc) == (1, 1, 1), f"{case}: {h.association_outcome(assoc)}, expected rejected (1, 1, 1)"


@pytest.mark.parametrize("positive", [False, True], ids=["no-response-requested", "positive-response-requested"])
def test_identity_username_and_passcode(identity_scp, positive):
    item = h.identity(2, NAME.encode(), PASSWORD.encode(), positive)
    with established(echo_ae(), identity_scp, ext_neg=[item]) as assoc:
        assert assoc.send_c_echo().Status == 0x0000
        response = assoc.acceptor.user_identity
        if positive:
            assert response is not None, "a positive response was requested, but the A-ASSOCIATE-AC has no 59H item"
        else:
            assert response is None, "the A-ASSOCIATE-AC has a 59H item although no positive response was requested"


def test_identity_jwt_with_positive_response(identity_scp):
    item = h.identity(5, TOKEN.encode(), positive=True)
    with established(echo_ae(), identity_scp, ext_neg=[item]) as assoc:
        assert assoc.send_c_echo().Status == 0x0000
        assert assoc.acceptor.user_identity is not None, "JWT with positive response requested: no 59H item in the A-ASSOCIATE-AC"


def test_identity_optional_without_require(peers):
    """--user without --require-identity: an association without identity is accepted,
    and so is one with a valid identity."""
    scp = peers.test_scp(users=USERS)
    with established(echo_ae(), scp) as assoc:
        assert assoc.send_c_echo().Status == 0x0000
    with established(echo_ae(), scp, ext_neg=[h.identity(2, NAME.encode(), PASSWORD.encode())]) as assoc:
        assert assoc.send_c_echo().Status == 0x0000


# --- asynchronous operations window ---------------------------------------------------------------------


def async_window(invoked: int, performed: int) -> AsynchronousOperationsWindowNegotiation:
    item = AsynchronousOperationsWindowNegotiation()
    item.maximum_number_operations_invoked = invoked
    item.maximum_number_operations_performed = performed
    return item


@pytest.mark.parametrize("window, expected", [(None, (1, 1)), (5, (5, 5)), (2, (2, 2))],
                         ids=["default", "window-5", "window-2"])
def test_async_operations_window(peers, window, expected):
    """The SCU proposes 5/5; the SCP answers with its --async-window (never more than
    proposed); by default it does not go beyond 1/1 (no item, or 1/1)."""
    scp = peers.test_scp(async_window=window)
    with established(echo_ae(), scp, ext_neg=[async_window(5, 5)]) as assoc:
        assert assoc.acceptor.asynchronous_operations == expected, (
            f"negotiated window {assoc.acceptor.asynchronous_operations}, expected {expected}")
        for _ in range(3):
            assert assoc.send_c_echo().Status == 0x0000


# --- association rejection ------------------------------------------------------------------------------


def test_no_acceptable_presentation_context_rejected(qr):
    """Only an unknown abstract syntax proposed -> A-ASSOCIATE-RJ (1, 1, 1)."""
    def make_ae():
        ae = AE(OWN_AE)
        ae.add_requested_context("1.2.826.0.1.3680043.9.7433.1.999", ["1.2.840.10008.1.2"])
        return ae
    outcomes = h.rejection_outcomes(make_ae, qr.scp)
    assert outcomes[-1] == (1, 1, 1), f"{outcomes}, expected rejected (1, 1, 1)"


def test_unknown_transfer_syntax_only_rejected(qr):
    def make_ae():
        ae = AE(OWN_AE)
        ae.add_requested_context(Verification, ["1.2.826.0.1.3680043.9.7433.2.999"])
        return ae
    outcomes = h.rejection_outcomes(make_ae, qr.scp)
    assert outcomes[-1] == (1, 1, 1), f"{outcomes}, expected rejected (1, 1, 1)"


def test_wrong_called_ae_rejected(qr):
    outcomes = h.rejection_outcomes(echo_ae, qr.scp, ae_title="NOT-" + qr.scp.ae)
    assert isinstance(outcomes[-1], tuple), f"called AE NOT-{qr.scp.ae}: {outcomes}, expected a rejection"


def test_concurrent_associations(qr, net_archive):
    """Four associations at once, each running C-FIND and C-ECHO: all served."""
    level, model, keys = h.query(net_archive, "patient-all")
    expected = h.expected_rows(net_archive, level, keys)
    errors: list[str] = []

    def worker(n):
        try:
            actual = h.find_rows(run_find(qr.scp, level, model, keys), level, keys)
            if actual != expected:
                errors.append(f"worker {n}: {h.diff_rows(expected, actual, level)}")
        except AssertionError as error:
            errors.append(f"worker {n}: {error}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, "; ".join(errors)
