"""DCMTK's SCUs (echoscu, storescu, findscu, movescu, getscu from /usr/bin) against
rampart-test-scp, plain and, where the DCMTK tool has TLS (echoscu, storescu, findscu), TLS.

Stored instances are compared with the generated originals element by element
(nethelpers.compare_instance); C-FIND matches are compared with what the data
generator says the query must match (netdata.Archive.expected).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import nethelpers as h
from netpeers import HOST, describe_run, free_port, read_folder

pytestmark = pytest.mark.net

USERS = {"alice": "correct-horse-battery"}
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyYW1wYXJ0LXRlc3QifQ.c3ludGhldGljLXNpZ25hdHVyZQ"


@pytest.fixture(scope="module")
def qr(module_peers, net_archive):
    """One rampart-test-scp preloaded with the archive, its move destinations: a DCMTK
    storescp (STORESCP) and a port kept for movescu's own listener (MOVESCU)."""
    destination = module_peers.storescp(ae="STORESCP")
    movescu_port = free_port()
    scp = module_peers.test_scp(preload=net_archive.root,
                                destinations={"STORESCP": (HOST, destination.port), "MOVESCU": (HOST, movescu_port)})
    return SimpleNamespace(scp=scp, destination=destination, movescu_port=movescu_port)


def emptied(folder):
    for path in folder.iterdir():
        path.unlink()
    return folder


def scp_log(peer) -> str:
    return f"\n{peer} log: {peer.log_text()}"


# --- C-ECHO ---------------------------------------------------------------------------------------------


def test_echoscu(qr):
    result = h.echoscu(qr.scp)
    assert result.returncode == 0, describe_run(result) + scp_log(qr.scp)


def test_echoscu_tls_with_client_certificate(peers, tls_material):
    scp = peers.test_scp(tls=tls_material, require_client_cert=True)
    result = h.echoscu(scp, tls=tls_material)
    assert result.returncode == 0, describe_run(result) + scp_log(scp)


def test_echoscu_tls_without_client_certificate(peers, tls_material):
    scp = peers.test_scp(tls=tls_material)  # a CA is given, no client certificate required
    result = h.echoscu(scp, tls=tls_material, client_cert=False)
    assert result.returncode == 0, describe_run(result) + scp_log(scp)


# --- C-STORE --------------------------------------------------------------------------------------------


def test_storescu_archive_and_every_sop_class(peers, net_archive, net_variety):
    """All 36 archive files and one instance of each common storage SOP class (Implicit,
    Explicit, Deflated and RLE Lossless) on one association; each stored file equals its original."""
    scp = peers.test_scp()
    result = h.storescu(scp, net_archive.root, *[i.path for i in net_variety])
    assert result.returncode == 0, describe_run(result) + scp_log(scp)
    problems = h.check_received(net_archive.instances + net_variety, scp.received())
    assert not problems, h.summary(problems) + scp_log(scp)


def test_storescu_implicit_vr_only(peers, net_archive, net_variety):
    """storescu proposing only Implicit VR Little Endian (DCMTK converts each file)."""
    scp = peers.test_scp()
    originals = net_archive.instances[:6] + [i for i in net_variety if i.transfer_syntax in h.UNCOMPRESSED]
    result = h.storescu(scp, *[i.path for i in originals], proposal="-xi")
    assert result.returncode == 0, describe_run(result) + scp_log(scp)
    problems = h.check_received(originals, scp.received())
    assert not problems, h.summary(problems) + scp_log(scp)


@pytest.mark.parametrize("max_pdu", [16384, 131072])
def test_storescu_large_instances(peers, net_bulk, max_pdu):
    """512 KiB instances, each fragmented over many P-DATA-TF PDUs."""
    scp = peers.test_scp()
    result = h.storescu(scp, *net_bulk, extra=["-pdu", str(max_pdu)])
    assert result.returncode == 0, describe_run(result) + scp_log(scp)
    received = scp.received()
    assert len(received) == len(net_bulk), f"{len(received)} of {len(net_bulk)} stored" + scp_log(scp)
    for path in net_bulk:
        original = h.read(path)
        stored = h.read(received[str(original.SOPInstanceUID)])
        assert stored.PixelData == original.PixelData, f"{path.name}: pixel data differs"


def test_storescu_tls(peers, tls_material, net_variety):
    scp = peers.test_scp(tls=tls_material, require_client_cert=True)
    result = h.storescu(scp, *[i.path for i in net_variety], tls=tls_material)
    assert result.returncode == 0, describe_run(result) + scp_log(scp)
    problems = h.check_received(net_variety, scp.received())
    assert not problems, h.summary(problems) + scp_log(scp)


def test_storescu_user_identity(peers, net_variety, tmp_path):
    """--require-identity: storescu with user name and passcode (-usr/-pwd), with a JWT (--jwt),
    each asking for a positive response (-rsp), is served; a wrong passcode is refused."""
    scp = peers.test_scp(users=USERS, tokens=[TOKEN], require_identity=True)
    files = [i.path for i in net_variety[:2]]
    name, password = next(iter(USERS.items()))
    result = h.storescu(scp, *files, extra=["-usr", name, "-pwd", password, "-rsp"])
    assert result.returncode == 0, "user name + passcode: " + describe_run(result) + scp_log(scp)
    jwt = tmp_path / "token.jwt"
    jwt.write_text(TOKEN)
    result = h.storescu(scp, *files, extra=["--jwt", str(jwt), "-rsp"])
    assert result.returncode == 0, "JWT: " + describe_run(result) + scp_log(scp)
    before = set(scp.received())
    result = h.storescu(scp, net_variety[3].path, extra=["-usr", name, "-pwd", password + "-wrong"])
    assert result.returncode != 0, "a wrong passcode was accepted: " + describe_run(result)
    assert set(scp.received()) == before, "an instance was stored on an association that should have been rejected"
    result = h.storescu(scp, net_variety[3].path)
    assert result.returncode != 0, "no user identity, yet accepted: " + describe_run(result)


# --- C-FIND ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query_id", h.QUERY_IDS)
def test_findscu(qr, net_archive, tmp_path, query_id):
    level, model, keys = h.query(net_archive, query_id)
    result, responses = h.findscu(qr.scp, tmp_path / "rsp", level, model, keys)
    assert result.returncode == 0, describe_run(result) + scp_log(qr.scp)
    expected = h.expected_rows(net_archive, level, keys)
    actual = h.find_rows(responses, level, keys)
    assert actual == expected, f"{query_id} ({model} root, {level}): {h.diff_rows(expected, actual, level)}"


def test_findscu_tls(peers, net_archive, tls_material, tmp_path):
    scp = peers.test_scp(preload=net_archive.root, tls=tls_material, require_client_cert=True)
    level, model, keys = h.query(net_archive, "series-of-study")
    result, responses = h.findscu(scp, tmp_path / "rsp", level, model, keys, tls=tls_material)
    assert result.returncode == 0, describe_run(result) + scp_log(scp)
    expected = h.expected_rows(net_archive, level, keys)
    actual = h.find_rows(responses, level, keys)
    assert actual == expected, h.diff_rows(expected, actual, level)


# --- C-MOVE ---------------------------------------------------------------------------------------------


def test_movescu_study_to_storescp(qr, net_archive):
    study = net_archive.studies()[0]
    emptied(qr.destination.store_dir)
    result = h.movescu(qr.scp, "STUDY", "study", {"StudyInstanceUID": study}, destination="STORESCP")
    assert result.returncode == 0, describe_run(result) + scp_log(qr.scp)
    problems = h.check_received(net_archive.select(StudyInstanceUID=study), qr.destination.received())
    assert not problems, h.summary(problems) + scp_log(qr.scp)


def test_movescu_patient_to_storescp(qr, net_archive):
    patient = net_archive.instances[-1].patient_id
    emptied(qr.destination.store_dir)
    result = h.movescu(qr.scp, "PATIENT", "patient", {"PatientID": patient}, destination="STORESCP")
    assert result.returncode == 0, describe_run(result) + scp_log(qr.scp)
    problems = h.check_received(net_archive.select(PatientID=patient), qr.destination.received())
    assert not problems, h.summary(problems) + scp_log(qr.scp)


def test_movescu_series_to_its_own_port(qr, net_archive, tmp_path):
    """movescu +P: the destination is movescu's own listener (MOVESCU at a port kept for it)."""
    series = net_archive.series()[3]
    instances = net_archive.select(SeriesInstanceUID=series)
    folder = tmp_path / "movescu"
    folder.mkdir()
    result = h.movescu(qr.scp, "SERIES", "study", {"StudyInstanceUID": instances[0].study_uid, "SeriesInstanceUID": series},
                       destination="MOVESCU", own_port=qr.movescu_port, folder=folder)
    assert result.returncode == 0, describe_run(result) + scp_log(qr.scp)
    problems = h.check_received(instances, read_folder(folder))
    assert not problems, h.summary(problems) + scp_log(qr.scp)


# --- C-GET ----------------------------------------------------------------------------------------------


def test_getscu_series(qr, net_archive, tmp_path):
    series = net_archive.series()[1]
    instances = net_archive.select(SeriesInstanceUID=series)
    result = h.getscu(qr.scp, tmp_path / "get", "SERIES", "study", {"StudyInstanceUID": instances[0].study_uid, "SeriesInstanceUID": series})
    assert result.returncode == 0, describe_run(result) + scp_log(qr.scp)
    problems = h.check_received(instances, read_folder(tmp_path / "get"))
    assert not problems, h.summary(problems) + scp_log(qr.scp)


def test_getscu_image_patient_root(qr, net_archive, tmp_path):
    instance = net_archive.instances[7]
    keys = {"PatientID": instance.patient_id, "StudyInstanceUID": instance.study_uid,
            "SeriesInstanceUID": instance.series_uid, "SOPInstanceUID": instance.sop_instance_uid}
    result = h.getscu(qr.scp, tmp_path / "get", "IMAGE", "patient", keys)
    assert result.returncode == 0, describe_run(result) + scp_log(qr.scp)
    problems = h.check_received([instance], read_folder(tmp_path / "get"))
    assert not problems, h.summary(problems) + scp_log(qr.scp)


def test_getscu_study(qr, net_archive, tmp_path):
    study = net_archive.studies()[-1]
    result = h.getscu(qr.scp, tmp_path / "get", "STUDY", "study", {"StudyInstanceUID": study})
    assert result.returncode == 0, describe_run(result) + scp_log(qr.scp)
    problems = h.check_received(net_archive.select(StudyInstanceUID=study), read_folder(tmp_path / "get"))
    assert not problems, h.summary(problems) + scp_log(qr.scp)
