"""Rampart's SCU commands (`rampart echo|store|find|move|get`) against DCMTK's storescp and
dcmqrscp and against the pynetdicom SCP (net_pynetdicom_scp.py), plain and TLS.

The interface under test (see the brief in README/Makefile): each command takes
--host, --port, --calling-ae, --called-ae, --tls [--tls-ca] [--tls-cert --tls-key],
--username/--password or --token. `store` prints `stored N of M instances` last and
exits 0 iff all succeeded, 1 otherwise, 2 without an association; `find` prints one
DICOM JSON array; `move` prints `moved N of M instances…`; `get` writes
<SOPInstanceUID>.dcm files and prints `retrieved N of M instances`. Errors: a
non-zero exit and a stderr line starting `rampart:`.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import netdata
import nethelpers as h
import rampart_cli
from netpeers import HOST, free_port, read_folder

pytestmark = pytest.mark.net

USERS = {"alice": "correct-horse-battery"}
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyYW1wYXJ0LXRlc3QifQ.c3ludGhldGljLXNpZ25hdHVyZQ"


def peer_log(peer) -> str:
    return f"\n{peer} log: {peer.log_text()}"


@pytest.fixture(scope="module")
def qr(module_peers, net_archive):
    """A storescp as move destination (STORESCP), a dcmqrscp and a pynetdicom SCP, both
    holding the archive and knowing STORESCP."""
    destination = module_peers.storescp(ae="STORESCP")
    known = {"STORESCP": (HOST, destination.port)}
    dcmqrscp = module_peers.dcmqrscp([i.path for i in net_archive.instances], peers=known)
    pynetdicom = module_peers.pynetdicom_scp(preload=net_archive.root, destinations=known)
    return SimpleNamespace(destination=destination, dcmqrscp=dcmqrscp, pynetdicom=pynetdicom)


def empty(folder):
    for path in folder.iterdir():
        path.unlink()


# --- echo -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["storescp", "dcmqrscp", "pynetdicom"])
def test_echo(rampart, qr, which):
    peer = {"storescp": qr.destination, "dcmqrscp": qr.dcmqrscp, "pynetdicom": qr.pynetdicom}[which]
    result = h.rampart_scu(rampart, "echo", peer)
    assert result.returncode == 0, h.describe_rampart(result) + peer_log(peer)
    assert len(h.stdout_lines(result)) == 1, f"expected one stdout line: {h.describe_rampart(result)}"


@pytest.mark.parametrize("which", ["storescp", "pynetdicom"])
def test_echo_tls(rampart, peers, tls_material, which):
    """Mutual TLS: the peer requires a client certificate from the test CA."""
    peer = (peers.storescp(tls=tls_material, peer_cert="require") if which == "storescp"
            else peers.pynetdicom_scp(tls=tls_material, require_client_cert=True))
    result = h.rampart_scu(rampart, "echo", peer, tls=tls_material)
    assert result.returncode == 0, h.describe_rampart(result) + peer_log(peer)


def test_echo_tls_without_client_certificate(rampart, peers, tls_material):
    peer = peers.storescp(tls=tls_material, peer_cert="ignore")
    result = h.rampart_scu(rampart, "echo", peer, tls=tls_material, client_cert=False)
    assert result.returncode == 0, h.describe_rampart(result) + peer_log(peer)


def test_echo_tls_untrusted_server(rampart, peers, tls_material):
    """The server's certificate is not from the CA rampart is given: no association."""
    peer = peers.storescp(tls=tls_material, peer_cert="ignore")
    untrusted = SimpleNamespace(ca=tls_material.untrusted_ca, client_cert=tls_material.client_cert, client_key=tls_material.client_key)
    result = h.rampart_scu(rampart, "echo", peer, tls=untrusted, client_cert=False)
    problem = h.clean_refusal(result)
    assert problem is None, f"{problem}: {h.describe_rampart(result)}"


def test_echo_nothing_listening(rampart):
    nobody = SimpleNamespace(host=HOST, port=free_port(), ae="NOBODY")
    result = h.rampart_scu(rampart, "echo", nobody, timeout=60)
    problem = h.clean_refusal(result)
    assert problem is None, f"{problem}: {h.describe_rampart(result)}"


def test_echo_rejected(rampart, peers):
    peer = peers.storescp(extra=["--refuse"])
    result = h.rampart_scu(rampart, "echo", peer)
    problem = h.clean_refusal(result)
    assert problem is None, f"{problem}: {h.describe_rampart(result)}"


# --- store ----------------------------------------------------------------------------------------------


def check_store(result, peer, originals):
    counts = h.count_line(result, "stored")
    assert counts == (len(originals), len(originals)), f"last line should say 'stored {len(originals)} of {len(originals)} instances': {h.describe_rampart(result)}"
    assert result.returncode == 0, h.describe_rampart(result) + peer_log(peer)
    problems = h.check_received(originals, peer.received())
    assert not problems, h.summary(problems) + peer_log(peer)


def test_store_to_storescp(rampart, peers, net_archive, net_variety):
    """The archive folder (recursively) and every variety file, on one association."""
    peer = peers.storescp()
    result = h.rampart_scu(rampart, "store", peer, net_archive.root, *[i.path for i in net_variety])
    check_store(result, peer, net_archive.instances + net_variety)


def test_store_to_storescp_uncompressed_only(rampart, peers, net_archive):
    """storescp accepting only its default uncompressed syntaxes."""
    peer = peers.storescp(accept_all=False)
    result = h.rampart_scu(rampart, "store", peer, net_archive.root)
    check_store(result, peer, net_archive.instances)


@pytest.mark.parametrize("client_cert", [True, False], ids=["mutual", "server-only"])
def test_store_to_storescp_tls(rampart, peers, tls_material, net_variety, client_cert):
    peer = peers.storescp(tls=tls_material, peer_cert="require" if client_cert else "ignore")
    result = h.rampart_scu(rampart, "store", peer, *[i.path for i in net_variety], tls=tls_material, client_cert=client_cert)
    check_store(result, peer, net_variety)


def test_store_large_instances(rampart, peers, net_bulk):
    peer = peers.storescp()
    result = h.rampart_scu(rampart, "store", peer, *net_bulk)
    assert h.count_line(result, "stored") == (len(net_bulk), len(net_bulk)), h.describe_rampart(result)
    received = peer.received()
    for path in net_bulk:
        original = h.read(path)
        stored = received.get(str(original.SOPInstanceUID))
        assert stored is not None, f"{path.name} not stored"
        assert h.read(stored).PixelData == original.PixelData, f"{path.name}: pixel data differs"


def test_store_to_pynetdicom(rampart, peers, net_archive, net_variety):
    peer = peers.pynetdicom_scp()
    result = h.rampart_scu(rampart, "store", peer, net_archive.root, *[i.path for i in net_variety])
    check_store(result, peer, net_archive.instances + net_variety)


def test_store_to_pynetdicom_tls(rampart, peers, tls_material, net_variety):
    peer = peers.pynetdicom_scp(tls=tls_material, require_client_cert=True)
    result = h.rampart_scu(rampart, "store", peer, *[i.path for i in net_variety], tls=tls_material)
    check_store(result, peer, net_variety)


def test_store_with_user_identity(rampart, peers, net_variety):
    peer = peers.pynetdicom_scp(users=USERS, tokens=[TOKEN])
    name, password = next(iter(USERS.items()))
    result = h.rampart_scu(rampart, "store", peer, net_variety[0].path, username=name, password=password)
    assert result.returncode == 0, "user name + passcode: " + h.describe_rampart(result) + peer_log(peer)
    result = h.rampart_scu(rampart, "store", peer, net_variety[1].path, token=TOKEN)
    assert result.returncode == 0, "token: " + h.describe_rampart(result) + peer_log(peer)
    result = h.rampart_scu(rampart, "store", peer, net_variety[2].path, username=name, password="wrong")
    assert result.returncode == 2, "a rejected association must exit 2: " + h.describe_rampart(result)
    assert set(peer.received()) == {net_variety[0].sop_instance_uid, net_variety[1].sop_instance_uid}


def test_store_partial_failure(rampart, peers, net_archive, tmp_path):
    """One file of a SOP class storescp does not know (it refuses that context): the
    others are stored, the last line says so, and the exit status is 1."""
    folder = tmp_path / "in"
    folder.mkdir()
    chosen = net_archive.instances[:5]
    for inst in chosen:
        (folder / f"{inst.sop_instance_uid}.dcm").write_bytes(inst.path.read_bytes())
    odd = h.read(net_archive.instances[5].path)
    odd.SOPClassUID = "1.2.826.0.1.3680043.9.7433.1.42"  # a private, unknown storage class
    odd.SOPInstanceUID = netdata.uid(1, "odd-class")
    odd.file_meta.MediaStorageSOPClassUID = odd.SOPClassUID
    odd.file_meta.MediaStorageSOPInstanceUID = odd.SOPInstanceUID
    odd.save_as(folder / "odd.dcm", enforce_file_format=True)
    peer = peers.storescp()
    result = h.rampart_scu(rampart, "store", peer, folder)
    assert h.count_line(result, "stored") == (5, 6), f"expected 'stored 5 of 6 instances': {h.describe_rampart(result)}"
    assert result.returncode == 1, h.describe_rampart(result)
    assert not h.check_received(chosen, peer.received())


def test_store_no_association(rampart, net_variety):
    nobody = SimpleNamespace(host=HOST, port=free_port(), ae="NOBODY")
    result = h.rampart_scu(rampart, "store", nobody, net_variety[0].path, timeout=60)
    assert result.returncode == 2, h.describe_rampart(result)
    assert h.clean_refusal(result) is None, h.describe_rampart(result)


# --- find -----------------------------------------------------------------------------------------------


def run_find(rampart, peer, level, model, keys, **kwargs):
    result = h.rampart_scu(rampart, "find", peer, *h.keys_args(level, keys, model), **kwargs)
    assert result.returncode == 0, h.describe_rampart(result) + peer_log(peer)
    return h.json_datasets(result)


@pytest.mark.parametrize("query_id", h.QUERY_IDS)
def test_find_dcmqrscp(rampart, qr, net_archive, query_id):
    level, model, keys = h.query(net_archive, query_id, drop=h.DCMQRSCP_UNSUPPORTED)
    matches = run_find(rampart, qr.dcmqrscp, level, model, keys)
    expected = h.expected_rows(net_archive, level, keys)
    actual = h.find_rows(matches, level, keys)
    assert actual == expected, f"{query_id} ({model} root, {level}): {h.diff_rows(expected, actual, level)}"


@pytest.mark.parametrize("query_id", ["patient-all", "study-date-range", "series-of-study", "image-patient-root"])
def test_find_pynetdicom(rampart, qr, net_archive, query_id):
    level, model, keys = h.query(net_archive, query_id)
    matches = run_find(rampart, qr.pynetdicom, level, model, keys)
    expected = h.expected_rows(net_archive, level, keys)
    actual = h.find_rows(matches, level, keys)
    assert actual == expected, f"{query_id}: {h.diff_rows(expected, actual, level)}"


def test_find_pynetdicom_tls(rampart, peers, net_archive, tls_material):
    peer = peers.pynetdicom_scp(preload=net_archive.root, tls=tls_material, require_client_cert=True)
    level, model, keys = h.query(net_archive, "study-by-patient")
    matches = run_find(rampart, peer, level, model, keys, tls=tls_material)
    expected = h.expected_rows(net_archive, level, keys)
    assert h.find_rows(matches, level, keys) == expected


def test_find_default_model_is_study_root(rampart, qr, net_archive):
    level, _model, keys = h.query(net_archive, "study-uid-list")
    result = h.rampart_scu(rampart, "find", qr.dcmqrscp, *h.keys_args(level, keys))
    assert result.returncode == 0, h.describe_rampart(result)
    assert h.find_rows(h.json_datasets(result), level, keys) == h.expected_rows(net_archive, level, keys)


def test_find_no_match_is_empty_array(rampart, qr):
    result = h.rampart_scu(rampart, "find", qr.dcmqrscp, *h.keys_args("STUDY", {"PatientID": "NO-SUCH-PATIENT", "StudyInstanceUID": ""}))
    assert result.returncode == 0, h.describe_rampart(result)
    assert h.json_datasets(result) == []


# --- move -----------------------------------------------------------------------------------------------


def check_move(result, destination, instances, peer):
    counts = h.count_line(result, "moved")
    assert counts == (len(instances), len(instances)), f"expected 'moved {len(instances)} of {len(instances)} instances': {h.describe_rampart(result)}"
    assert result.returncode == 0, h.describe_rampart(result) + peer_log(peer)
    problems = h.check_received(instances, destination.received())
    assert not problems, h.summary(problems) + peer_log(peer)


@pytest.mark.parametrize("which", ["dcmqrscp", "pynetdicom"])
def test_move_study(rampart, qr, net_archive, which):
    peer = qr.dcmqrscp if which == "dcmqrscp" else qr.pynetdicom
    study = net_archive.studies()[1]
    empty(qr.destination.store_dir)
    result = h.rampart_scu(rampart, "move", peer, "--destination", "STORESCP",
                           *h.keys_args("STUDY", {"StudyInstanceUID": study}))
    check_move(result, qr.destination, net_archive.select(StudyInstanceUID=study), peer)


def test_move_patient_root_series(rampart, qr, net_archive):
    series = net_archive.series()[-1]
    instances = net_archive.select(SeriesInstanceUID=series)
    empty(qr.destination.store_dir)
    keys = {"PatientID": instances[0].patient_id, "StudyInstanceUID": instances[0].study_uid, "SeriesInstanceUID": series}
    result = h.rampart_scu(rampart, "move", qr.dcmqrscp, "--destination", "STORESCP", *h.keys_args("SERIES", keys, "patient"))
    check_move(result, qr.destination, instances, qr.dcmqrscp)


def test_move_pynetdicom_tls(rampart, peers, net_archive, tls_material):
    destination = peers.storescp(ae="STORESCP")
    peer = peers.pynetdicom_scp(preload=net_archive.root, tls=tls_material, require_client_cert=True,
                                destinations={"STORESCP": (HOST, destination.port)})
    series = net_archive.series()[2]
    instances = net_archive.select(SeriesInstanceUID=series)
    keys = {"StudyInstanceUID": instances[0].study_uid, "SeriesInstanceUID": series}
    result = h.rampart_scu(rampart, "move", peer, "--destination", "STORESCP", *h.keys_args("SERIES", keys), tls=tls_material)
    check_move(result, destination, instances, peer)


def test_move_unknown_destination(rampart, qr, net_archive):
    result = h.rampart_scu(rampart, "move", qr.pynetdicom, "--destination", "NOBODY-KNOWN",
                           *h.keys_args("STUDY", {"StudyInstanceUID": net_archive.studies()[0]}))
    assert result.returncode != 0, "a C-MOVE to an unknown destination (0xA801) must fail: " + h.describe_rampart(result)
    assert any(line.startswith("rampart:") for line in rampart_cli.stderr_lines(result)), h.describe_rampart(result)


# --- get ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["dcmqrscp", "pynetdicom"])
def test_get_series(rampart, qr, net_archive, tmp_path, which):
    peer = qr.dcmqrscp if which == "dcmqrscp" else qr.pynetdicom
    series = net_archive.series()[0]
    instances = net_archive.select(SeriesInstanceUID=series)
    out = tmp_path / "out"
    out.mkdir()
    result = h.rampart_scu(rampart, "get", peer, "--output", out,
                           *h.keys_args("SERIES", {"StudyInstanceUID": instances[0].study_uid, "SeriesInstanceUID": series}))
    assert h.count_line(result, "retrieved") == (len(instances), len(instances)), h.describe_rampart(result) + peer_log(peer)
    assert result.returncode == 0, h.describe_rampart(result)
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"{i.sop_instance_uid}.dcm" for i in instances), f"files in --output: {files}"
    problems = h.check_received(instances, read_folder(out))
    assert not problems, h.summary(problems)


def test_get_study_dcmqrscp(rampart, qr, net_archive, tmp_path):
    study = net_archive.studies()[4]
    instances = net_archive.select(StudyInstanceUID=study)
    out = tmp_path / "out"
    out.mkdir()
    result = h.rampart_scu(rampart, "get", qr.dcmqrscp, "--output", out, *h.keys_args("STUDY", {"StudyInstanceUID": study}))
    assert h.count_line(result, "retrieved") == (len(instances), len(instances)), h.describe_rampart(result)
    problems = h.check_received(instances, read_folder(out))
    assert not problems, h.summary(problems)
