"""`rampart serve` as an unprivileged user, as the Debian package runs it (user `rampart`, no
capability but binding port 104): it starts, answers DCMTK's echo and store from a registered
AE over the plain and TLS ports, and stays up. The tests otherwise run as root, which once
hid a socket option that only root may set (SO_DEBUG, written where TCP_NODELAY was meant):
the first association then ended the server.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import netdata
import netpeers
import nethelpers as h
import netserve
from netserve import run

pytestmark = pytest.mark.net

USER = "nobody"


@pytest.fixture
def unprivileged(rampart, tmp_path):
    """The binary (and its resource bundles) and a data folder where `nobody` may read and write them."""
    if os.geteuid() != 0:
        pytest.skip("needs root, to run the server as another user")
    account = pwd.getpwnam(USER)
    home = Path(tempfile.mkdtemp(prefix="rampart-unprivileged-", dir="/tmp"))
    try:
        home.chmod(0o755)
        binary = home / "rampart"
        shutil.copy2(rampart, binary)
        for bundle in Path(rampart).parent.glob("*.resources"):
            shutil.copytree(bundle, home / bundle.name)
        data = home / "data"
        assert run(rampart, "init", "--data-dir", data).returncode == 0
        netserve.register(rampart, data, "STORESCU")
        netserve.register(rampart, data, "ECHOSCU")
        for root, folders, files in os.walk(home):
            for name in folders + files:
                os.chown(Path(root) / name, account.pw_uid, account.pw_gid, follow_symlinks=False)
        os.chown(home, account.pw_uid, account.pw_gid)
        yield binary, data
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_serve_as_an_unprivileged_user_answers_and_stays_up(unprivileged, tmp_path):
    binary, data = unprivileged
    port, tls_port, http_port = netpeers.free_port(), netpeers.free_port(), netpeers.free_port()
    log = tmp_path / "serve.log"
    proc = netpeers.spawn(["runuser", "-u", USER, "--", str(binary), "serve", "--data-dir", str(data), "--dicom-port", str(port),
                           "--dicom-tls-port", str(tls_port), "--http-port", str(http_port)], log=log)
    try:
        netpeers.wait_for_port(proc, port, "rampart serve", log)
        netpeers.wait_for_port(proc, http_port, "rampart serve (DICOMweb)", log)
        netserve.wait_for_self_scan(proc, log)
        server = netpeers.Peer("rampart serve", netpeers.HOST, port, "RAMPART", proc, log, data)
        files = netdata.make_archive(tmp_path / "files", patients=1, studies=1, series=1, images=2)
        for _ in range(2):
            echoed = h.echoscu(server)
            assert echoed.returncode == 0, echoed.stderr
        stored = h.storescu(server, *(i.path for i in files.instances))
        assert stored.returncode == 0, stored.stderr
        assert proc.poll() is None, log.read_text()[-2000:]
        owner = {p.stat().st_uid for p in netserve.blob_files(data).values()}
        assert owner == {pwd.getpwnam(USER).pw_uid}
    finally:
        netpeers.stop_process(proc)
    assert "Permission denied" not in log.read_text()
