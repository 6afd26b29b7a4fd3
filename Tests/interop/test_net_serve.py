"""`rampart serve` with its archive (SQLite index and blob folder in --data-dir), driven by
DCMTK: only registered AEs from their registered host may associate; what storescu stores,
findscu finds at every level, getscu and movescu retrieve intact, and it survives a restart.
"""

from __future__ import annotations

import contextlib
import socket
import time

import pytest

import nethelpers as h
import netpeers
import netserve
from netpeers import describe_run
from netserve import WORKSTATION, register, serve

pytestmark = pytest.mark.net


@pytest.fixture(scope="module")
def archive_server(rampart, net_archive, tmp_path_factory):
    """A served archive holding the whole synthetic archive, stored by DCMTK storescu."""
    folder = tmp_path_factory.mktemp("serve")
    data = folder / "data"
    storescp_folder = folder / "storescp"
    with contextlib.ExitStack() as stack:
        destination = stack.enter_context(netpeers.storescp(storescp_folder, ae="STORESCP"))
        for title in ("STORESCU", "FINDSCU", "ECHOSCU"):
            register(rampart, data, title)
        for title in ("GETSCU", "MOVESCU"):
            register(rampart, data, title, role=WORKSTATION)
        register(rampart, data, "STORESCP", port=destination.port)
        server = stack.enter_context(serve(rampart, data, folder / "serve.log"))
        result = h.storescu(server, net_archive.root)
        assert result.returncode == 0, describe_run(result) + server.log_text()
        yield server, destination, data


def test_unregistered_calling_ae_is_rejected(archive_server):
    server, _, _ = archive_server
    result = h.echoscu(server, calling="NOBODY")
    assert result.returncode != 0
    assert "Calling AE Title Not Recognized" in describe_run(result)


def test_registered_ae_from_another_host_is_rejected(rampart, archive_server):
    """ECHOSCU is registered for 127.0.0.1; the same title calling from 127.0.0.2 is refused."""
    server, _, _ = archive_server
    sock = socket.socket()
    sock.bind(("127.0.0.2", 0))
    sock.settimeout(10)
    sock.connect((server.host, server.port))
    try:
        sock.sendall(h.a_associate_rq(server.ae, calling="ECHOSCU"))
        pdu_type, body = h.read_pdu(sock)
    finally:
        sock.close()
    assert pdu_type == 0x03, f"expected A-ASSOCIATE-RJ, got PDU type {pdu_type:#x}"
    assert tuple(body[1:4]) == (1, 1, 3), f"reject (result, source, reason) = {tuple(body[1:4])}"
    assert "registered for host 127.0.0.1, but called from 127.0.0.2" in netserve.decisions_text(rampart, server.folder)


@pytest.mark.parametrize("level", ["PATIENT", "STUDY", "SERIES", "IMAGE"])
def test_find_counts_every_level(archive_server, net_archive, tmp_path, level):
    server, _, _ = archive_server
    model = "patient" if level == "PATIENT" else "study"
    key = {"PATIENT": "PatientID", "STUDY": "StudyInstanceUID", "SERIES": "SeriesInstanceUID", "IMAGE": "SOPInstanceUID"}[level]
    result, responses = h.findscu(server, tmp_path, level, model, {key: ""})
    assert result.returncode == 0, describe_run(result)
    expected = {getattr(i, {"PatientID": "patient_id", "StudyInstanceUID": "study_uid",
                            "SeriesInstanceUID": "series_uid", "SOPInstanceUID": "sop_instance_uid"}[key]) for i in net_archive.instances}
    assert {str(r.get(key)) for r in responses} == expected


def test_get_returns_intact_objects(archive_server, net_archive, tmp_path):
    server, _, _ = archive_server
    study = net_archive.studies()[0]
    result = h.getscu(server, tmp_path / "get", "STUDY", "study", {"StudyInstanceUID": study})
    assert result.returncode == 0, describe_run(result)
    problems = h.check_received(net_archive.select(StudyInstanceUID=study), netpeers.read_folder(tmp_path / "get"))
    assert not problems, h.summary(problems)


def test_move_to_a_registered_destination(archive_server, net_archive):
    server, destination, _ = archive_server
    series = net_archive.series()[1]
    result = h.movescu(server, "SERIES", "study", {"StudyInstanceUID": net_archive.select(SeriesInstanceUID=series)[0].study_uid,
                                                   "SeriesInstanceUID": series}, destination="STORESCP")
    assert result.returncode == 0, describe_run(result)
    deadline = time.monotonic() + 20
    expected = net_archive.select(SeriesInstanceUID=series)
    while len(destination.received()) < len(expected) and time.monotonic() < deadline:
        time.sleep(0.05)
    problems = h.check_received(expected, destination.received(), exact=False)
    assert not problems, h.summary(problems)


def test_archive_survives_a_restart(rampart, archive_server, net_archive, tmp_path):
    """Everything acknowledged is still there after the server stops and starts again."""
    server, _, data = archive_server
    server.stop()
    with serve(rampart, data, tmp_path / "again.log") as again:
        result, responses = h.findscu(again, tmp_path, "IMAGE", "study", {"SOPInstanceUID": ""})
        assert result.returncode == 0, describe_run(result)
        assert len(responses) == len(net_archive.instances)
