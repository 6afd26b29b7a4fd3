"""Two `rampart serve` nodes on one archive: the index on PostgreSQL, the blobs in one S3 bucket
(moto_server), each node with a data folder of its own whose configuration files are copies of
the first's (docs/scaling.md, "Several nodes").

DCMTK storescu streams go to both nodes at once: half of the test archive to each, and a third
part to both at the same moment (each of its objects stored twice, once on each node). Then
findscu on either node finds every instance exactly once; an object stored through one node
comes back through the other over WADO-RS with its pixels; a browser session opened on one node
is resumed and closed on the other, and a bearer token issued for the first node's folder works
on the second; each node's audit log verifies as its own chain. Needs RAMPART_TEST_POSTGRES.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from io import BytesIO

import pytest
import requests
from pydicom import dcmread

import nethelpers as h
from netpeers import describe_run
from netserve import dicomweb_url, register, run, serve
from test_archive_blobs import dicom_parts
from test_object_store import location, moto  # noqa: F401 (moto is the fixture)

POSTGRES = os.environ.get("RAMPART_TEST_POSTGRES", "")

pytestmark = [
    pytest.mark.net,
    pytest.mark.skipif(not POSTGRES, reason="RAMPART_TEST_POSTGRES is unset: start one with Scripts/test-postgres.sh start"),
]


def api_url(peer) -> str:
    return dicomweb_url(peer).removesuffix("/dicomweb") + "/api"


def test_two_nodes_share_one_archive(rampart, net_archive, moto, tmp_path, monkeypatch):  # noqa: F811
    endpoint, credentials, _ = moto
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["aws_secret_access_key"])
    first, second = tmp_path / "node-a", tmp_path / "node-b"
    for title in ("STORESCU", "FINDSCU"):
        register(rampart, first, title)
    added = run(rampart, "user", "add", "rad", "--role", "radiologist", "--data-dir", first)
    assert added.returncode == 0, describe_run(added)
    password = added.stdout.split("password: ", 1)[1].split()[0]
    issued = run(rampart, "token", "issue", "--user", "rad", "--data-dir", first)
    assert issued.returncode == 0, describe_run(issued)
    token = issued.stdout.strip()
    schema = "nodes_" + uuid.uuid4().hex
    (first / "rampart.yaml").write_text(f"archive:\n  index: {POSTGRES}?schema={schema}\n"
                                        f"  blobs: {location(endpoint, 'nodes-' + schema)}\n")
    # The second node: the first's configuration, accounts, registry and keys, copied.
    shutil.copytree(first, second)

    instances = net_archive.instances
    third = len(instances) // 3
    to_first, to_second, to_both = instances[:third], instances[third:2 * third], instances[2 * third:]
    assert to_first and to_second and to_both

    with serve(rampart, first, tmp_path / "a.log") as node_a, serve(rampart, second, tmp_path / "b.log") as node_b:
        results: dict[str, object] = {}

        def send(name, node, batch):
            results[name] = h.storescu(node, *[str(i.path) for i in batch])

        streams = [threading.Thread(target=send, args=args) for args in (
            ("a", node_a, to_first), ("b", node_b, to_second), ("both-a", node_a, to_both), ("both-b", node_b, to_both))]
        for stream in streams:
            stream.start()
        for stream in streams:
            stream.join(600)
        for name, result in results.items():
            assert result.returncode == 0, name + ": " + describe_run(result) + node_a.log_text() + node_b.log_text()
        assert len(results) == 4

        expected = sorted(i.sop_instance_uid for i in instances)
        for node in (node_a, node_b):
            result, responses = h.findscu(node, tmp_path / f"find-{node.port}", "IMAGE", "study", {"SOPInstanceUID": ""})
            assert result.returncode == 0, describe_run(result)
            assert sorted(str(r.SOPInstanceUID) for r in responses) == expected, "every instance exactly once"

        # Stored through node A, retrieved through node B (from the bucket), pixels equal.
        original = dcmread(to_first[0].path)
        answer = requests.get(f"{dicomweb_url(node_b)}/studies/{original.StudyInstanceUID}/series/{original.SeriesInstanceUID}"
                              f"/instances/{original.SOPInstanceUID}", headers={"Authorization": f"Bearer {token}",
                              "Accept": 'multipart/related; type="application/dicom"'}, timeout=60)
        assert answer.status_code == 200, answer.text
        received = dcmread(BytesIO(dicom_parts(answer)[0]))
        assert received.SOPInstanceUID == original.SOPInstanceUID and received.PixelData == original.PixelData

        # A session opened on node A is resumed on node B, and closed there for both.
        browser = requests.Session()
        login = browser.post(api_url(node_a) + "/session", json={"username": "rad", "password": password}, timeout=60)
        assert login.status_code == 200, login.text
        csrf = login.json()["csrfToken"]
        on_b = browser.get(api_url(node_b) + "/session", timeout=60)
        assert on_b.status_code == 200 and on_b.json()["user"] == "rad", on_b.text
        assert browser.get(dicomweb_url(node_b) + "/studies", timeout=60).status_code == 200
        assert browser.delete(api_url(node_b) + "/session", headers={"X-CSRF-Token": csrf}, timeout=60).status_code == 204
        cookie = login.cookies.get("rampart_session")
        assert cookie
        after = requests.get(dicomweb_url(node_a) + "/studies", cookies={"rampart_session": cookie}, timeout=60)
        assert after.status_code == 401, "the session closed on node B is closed on node A"

    # One audit chain per node, each intact.
    for folder in (first, second):
        verified = run(rampart, "audit", "verify", "--data-dir", folder)
        assert verified.returncode == 0, describe_run(verified)
        assert "intact" in verified.stdout
