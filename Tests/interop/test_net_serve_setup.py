"""`rampart init` and what it sets up for `rampart serve`: the configuration file, DICOM over
TLS with the local CA (DCMTK as the peer), user accounts checked in user identity negotiation
(pynetdicom as the peer), the refusal to expose plain DICOM beyond loopback, and a graceful
shutdown that lets an open association finish its stores.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from pydicom import dcmread
from pynetdicom import AE
from pynetdicom.sop_class import CTImageStorage, StudyRootQueryRetrieveInformationModelFind, Verification

import netdata
import nethelpers as h
import netpeers
import netserve
from netpeers import HOST, Peer, describe_run
from netserve import register, run, serve

pytestmark = pytest.mark.net


def init(rampart: Path, data: Path) -> str:
    """`rampart init`; returns the admin password it printed."""
    result = run(rampart, "init", "--data-dir", data)
    assert result.returncode == 0, result.stderr
    match = re.search(r"password:\s+(\S+)", result.stdout)
    assert match, result.stdout
    return match.group(1)


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    """An initialized data folder and its admin password."""
    data = tmp_path_factory.mktemp("site") / "data"
    return data, init(rampart, data)


def test_init_prints_the_password_once_and_keeps_only_a_hash(rampart, site):
    data, password = site
    for name in ("accounts.json", "rampart.yaml", "tls/ca.pem", "tls/ca-key.pem", "tls/server.pem", "tls/server-key.pem"):
        path = data / name
        assert path.is_file(), name
        assert path.stat().st_mode & 0o077 == 0, f"{name} is readable by others"
    accounts = (data / "accounts.json").read_text()
    assert password not in accounts and "$scrypt$" in accounts
    again = run(rampart, "init", "--data-dir", data)
    assert again.returncode == 1 and "already initialized" in again.stderr and password not in again.stdout
    quiet = run(rampart, "init", "--data-dir", data, "--if-needed")
    assert quiet.returncode == 0 and quiet.stdout == ""
    users = run(rampart, "user", "list", "--data-dir", data)
    assert users.stdout.split() == ["admin", "admin"]


def test_dicom_tls_with_the_local_ca(rampart, site, tmp_path):
    """DCMTK trusts the CA `init` made: echo and store over TLS succeed for a registered AE, and a
    peer that trusts another CA cannot connect."""
    data, _ = site
    register(rampart, data, "STORESCU")
    files = netdata.make_bulk(tmp_path / "bulk", 2, size=4096)
    with serve(rampart, data, tmp_path / "serve.log", tls=True) as server:
        tls_peer = Peer(server.name, HOST, server.extra["tls_port"], "RAMPART", server.proc, server.log, data)
        ca = ["+tla", "+cf", str(data / "tls" / "ca.pem")]
        result = netpeers.run_dcmtk("storescu", "-aet", "STORESCU", "-aec", "RAMPART", *ca, HOST, tls_peer.port, *map(str, files))
        assert result.returncode == 0, describe_run(result) + server.log_text()
        found, responses = h.findscu(server, tmp_path / "find", "IMAGE", "study", {"SOPInstanceUID": ""})
        assert found.returncode != 0 or not responses  # FINDSCU is not registered: refused
        other_ca = tmp_path / "other-ca.pem"
        subprocess.run(["/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", str(tmp_path / "other-ca.key"), "-out", str(other_ca), "-subj", "/CN=Other CA", "-days", "1"],
                       check=True, capture_output=True, timeout=30)
        refused = netpeers.run_dcmtk("echoscu", "-aet", "STORESCU", "-aec", "RAMPART", "+tla", "+cf", str(other_ca), HOST, tls_peer.port)
        assert refused.returncode != 0


def test_user_identity_is_checked_against_the_accounts(rampart, site, tmp_path):
    """No AE is registered for PYNETDICOM: the right user name and password let it in (and the
    user can store), a wrong one is refused and recorded, a bare user name proves nothing."""
    data, password = site
    files = netdata.make_bulk(tmp_path / "bulk", 1, size=4096)
    with serve(rampart, data, tmp_path / "serve.log", tls=True) as server:
        ae = AE(ae_title="PYNETDICOM")
        ae.add_requested_context(Verification)
        ae.add_requested_context(CTImageStorage)
        ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30

        assoc = ae.associate(HOST, server.port, ae_title="RAMPART", ext_neg=[h.identity(2, b"admin", password.encode(), positive=True)])
        assert assoc.is_established, server.log_text()
        status = assoc.send_c_store(dcmread(files[0]))
        assert status.Status == 0x0000
        assoc.release()

        wrong = ae.associate(HOST, server.port, ae_title="RAMPART", ext_neg=[h.identity(2, b"admin", (password + "x").encode(), positive=True)])
        assert wrong.is_rejected

        unverified = ae.associate(HOST, server.port, ae_title="RAMPART", ext_neg=[h.identity(1, b"admin")])
        assert unverified.is_rejected
    decisions = netserve.decisions_text(rampart, data)
    assert "allow\tuser admin\tdimse" in decisions
    assert "wrong user name or password" in decisions
    assert password not in decisions and password not in server.log_text()


@pytest.mark.parametrize("flags, setting", [
    (["--listen", "0.0.0.0"], "dicom.port: 0"),
    (["--listen", "0.0.0.0", "--no-tls"], "dicom.port: 0"),
    (["--listen", "0.0.0.0", "--dicom-port", "0", "--no-tls"], "no DICOM listener"),
])
def test_exposed_listeners_without_tls_are_refused_with_what_to_change(rampart, site, flags, setting):
    data, _ = site
    result = run(rampart, "serve", "--data-dir", data, *flags, timeout=30)
    assert result.returncode == 78
    assert setting in result.stderr


def test_a_typo_in_the_configuration_stops_the_server_with_its_line(rampart, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "rampart.yaml").write_text("dicom:\n  tls_prot: 2762\n")
    result = run(rampart, "serve", "--data-dir", data, timeout=30)
    assert result.returncode == 78
    assert "rampart.yaml:2: unknown key \"tls_prot\"" in result.stderr


def _port_closed(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((HOST, port)) != 0


def test_sigterm_stops_accepting_but_lets_an_open_association_store(rampart, site, tmp_path):
    data, password = site
    files = netdata.make_bulk(tmp_path / "bulk", 2, size=4096)
    with serve(rampart, data, tmp_path / "serve.log", tls=True) as server:
        ae = AE(ae_title="PYNETDICOM")
        ae.add_requested_context(CTImageStorage)
        ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
        assoc = ae.associate(HOST, server.port, ae_title="RAMPART", ext_neg=[h.identity(2, b"admin", password.encode(), positive=True)])
        assert assoc.is_established
        assert assoc.send_c_store(dcmread(files[0])).Status == 0x0000

        # To rampart itself: /usr/bin/timeout would pass it on twice (to its child and to its
        # group), and a second signal ends rampart at once, as a second Ctrl-C should.
        rampart_pid = int(subprocess.check_output(["pgrep", "-P", str(server.proc.pid)], text=True).split()[0])
        os.kill(rampart_pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while not _port_closed(server.port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _port_closed(server.port), "still accepting after SIGTERM"
        assert server.alive(), "ended before the open association did"

        assert assoc.send_c_store(dcmread(files[1])).Status == 0x0000
        assoc.release()
        server.proc.wait(timeout=30)
        assert server.proc.returncode == 0, server.log_text()
    with serve(rampart, data, tmp_path / "again.log", tls=True) as again:
        ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
        assoc = ae.associate(HOST, again.port, ae_title="RAMPART", ext_neg=[h.identity(2, b"admin", password.encode(), positive=True)])
        assert assoc.is_established
        query = netdata.pydicom.Dataset()
        query.QueryRetrieveLevel = "IMAGE"
        query.SOPInstanceUID = [str(dcmread(f).SOPInstanceUID) for f in files]
        query.StudyInstanceUID = str(dcmread(files[0]).StudyInstanceUID)
        query.SeriesInstanceUID = str(dcmread(files[0]).SeriesInstanceUID)
        found = {str(identifier.SOPInstanceUID) for status, identifier in
                 assoc.send_c_find(query, StudyRootQueryRetrieveInformationModelFind) if identifier is not None}
        assoc.release()
        assert found == set(query.SOPInstanceUID)


@pytest.mark.parametrize("case_insensitive", [True, False])
def test_person_name_case_follows_the_configuration(rampart, tmp_path, case_insensitive):
    """query.case_insensitive_person_names decides whether findscu's "bulk^test" finds "Bulk^Test"."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "rampart.yaml").write_text(f"query:\n  case_insensitive_person_names: {str(case_insensitive).lower()}\n")
    for title in ("STORESCU", "FINDSCU"):
        register(rampart, data, title)
    files = netdata.make_bulk(tmp_path / "bulk", 1, size=4096)
    with serve(rampart, data, tmp_path / "serve.log") as server:
        stored = h.storescu(server, *map(str, files))
        assert stored.returncode == 0, describe_run(stored)
        exact, rows = h.findscu(server, tmp_path / "exact", "PATIENT", "patient", {"PatientName": "Bulk^Test", "PatientID": ""})
        assert exact.returncode == 0 and len(rows) == 1, describe_run(exact)
        folded, rows = h.findscu(server, tmp_path / "folded", "PATIENT", "patient", {"PatientName": "bulk^test", "PatientID": ""})
        assert folded.returncode == 0, describe_run(folded)
        assert len(rows) == (1 if case_insensitive else 0)


def _sign_in(server: Peer, name: str, password: str):
    """The outcomes of associating as `name` (see nethelpers.rejection_outcomes)."""
    ae = AE(ae_title="PYNETDICOM")
    ae.add_requested_context(Verification)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    return h.rejection_outcomes(lambda: ae, server, ext_neg=[h.identity(2, name.encode(), password.encode(), positive=True)])


def test_disabling_a_user_takes_effect_without_a_restart(rampart, site, tmp_path):
    data, _ = site
    added = run(rampart, "user", "add", "tech1", "--role", "technologist", "--data-dir", data)
    assert added.returncode == 0, added.stderr
    password = re.search(r"password: (\S+)", added.stdout).group(1)
    with serve(rampart, data, tmp_path / "serve.log", tls=True) as server:
        assert _sign_in(server, "tech1", password)[-1] == "established"
        assert run(rampart, "user", "disable", "tech1", "--data-dir", data).returncode == 0
        assert _sign_in(server, "tech1", password)[-1] == (1, 1, 1)
        assert run(rampart, "user", "enable", "tech1", "--data-dir", data).returncode == 0
        assert _sign_in(server, "tech1", password)[-1] == "established"

        # Disabling also stops an association that is already open, at its next operation.
        ae = AE(ae_title="PYNETDICOM")
        ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
        ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
        assoc = ae.associate(HOST, server.port, ae_title="RAMPART", ext_neg=[h.identity(2, b"tech1", password.encode())])
        assert assoc.is_established
        query = h.identifier("STUDY", {"StudyInstanceUID": ""})
        before = [status.Status for status, _ in assoc.send_c_find(query, StudyRootQueryRetrieveInformationModelFind)]
        assert before[-1] == 0x0000
        assert run(rampart, "user", "disable", "tech1", "--data-dir", data).returncode == 0
        after = [status.Status for status, _ in assoc.send_c_find(query, StudyRootQueryRetrieveInformationModelFind)]
        assoc.release()
        assert after == [0x0124], [hex(s) for s in after]
    decisions = netserve.decisions_text(rampart, data)
    assert "the account is disabled" in decisions
    assert "was disabled after the association began" in decisions
    assert run(rampart, "user", "enable", "tech1", "--data-dir", data).returncode == 0
    listed = run(rampart, "user", "list", "--data-dir", data).stdout
    assert "tech1\ttechnologist" in listed and "disabled" not in listed


def test_repeated_wrong_passwords_lock_the_name(rampart, site, tmp_path):
    """Five wrong passwords lock the user name: the right password is refused next, as locked."""
    data, _ = site
    added = run(rampart, "user", "add", "target", "--data-dir", data)
    password = re.search(r"password: (\S+)", added.stdout).group(1)
    with serve(rampart, data, tmp_path / "serve.log", tls=True) as server:
        for attempt in range(5):
            assert _sign_in(server, "target", f"guess-{attempt}")[-1] == (1, 1, 1)
        assert _sign_in(server, "target", password)[-1] == (1, 1, 1)
    decisions = netserve.decisions_text(rampart, data)
    assert "user target is locked after repeated failed sign-ins" in decisions
    assert password not in decisions


def test_registering_an_ae_takes_effect_without_a_restart(rampart, tmp_path):
    data = tmp_path / "data"
    with serve(rampart, data, tmp_path / "serve.log") as server:
        assert h.echoscu(server, calling="LATECOMER").returncode != 0
        register(rampart, data, "LATECOMER")
        accepted = h.echoscu(server, calling="LATECOMER")
        assert accepted.returncode == 0, describe_run(accepted) + server.log_text()
        assert run(rampart, "ae", "remove", "LATECOMER", "--data-dir", data).returncode == 0
        assert h.echoscu(server, calling="LATECOMER").returncode != 0
