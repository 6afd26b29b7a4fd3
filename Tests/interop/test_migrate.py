"""`rampart migrate`: an embedded archive (SQLite index, blobs in the data folder) copied onto
the test PostgreSQL and an S3 bucket (moto_server), then served from there.

DCMTK storescu fills the embedded archive through `rampart serve`; migrate copies every
instance and reads each copy back; a second run finds them all there already (the run is
resumable); an instance removed from the target between runs is copied again by the next.
With the printed settings in rampart.yaml, `rampart serve` answers findscu with every instance
and getscu with the objects' pixels, now from the bucket. The embedded archive is left as it
was. Needs RAMPART_TEST_POSTGRES.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid

import pytest
from pydicom import dcmread

import nethelpers as h
from netpeers import describe_run
from netserve import WORKSTATION, register, run, serve
from test_object_store import location, moto  # noqa: F401 (moto is the fixture)

POSTGRES = os.environ.get("RAMPART_TEST_POSTGRES", "")

pytestmark = [
    pytest.mark.net,
    pytest.mark.skipif(not POSTGRES, reason="RAMPART_TEST_POSTGRES is unset: start one with Scripts/test-postgres.sh start"),
]


def counts(output: str) -> dict[str, int]:
    line = next(line for line in output.splitlines() if line.startswith("migrate: copied"))
    return {name: int(number) for number, name in
            [(m.group(2), m.group(1)) for m in re.finditer(r"(copied|already there|verified|failed) (\d+)", line)]}


def test_an_embedded_archive_moves_to_postgres_and_s3(rampart, net_archive, moto, tmp_path, monkeypatch):  # noqa: F811
    endpoint, credentials, s3 = moto
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["aws_secret_access_key"])
    data = tmp_path / "data"
    for title in ("STORESCU", "FINDSCU"):
        register(rampart, data, title)
    register(rampart, data, "GETSCU", role=WORKSTATION)
    with serve(rampart, data, tmp_path / "embedded.log") as server:
        result = h.storescu(server, net_archive.root)
        assert result.returncode == 0, describe_run(result) + server.log_text()
    embedded = sorted(p.relative_to(data) for p in (data / "archive" / "blobs").rglob("*.dcm"))
    total = len(net_archive.instances)
    assert len(embedded) == total

    schema = "migrate_" + uuid.uuid4().hex
    index, blobs = f"{POSTGRES}?schema={schema}", location(endpoint, "migrated-" + schema)
    migrate = ["migrate", "--data-dir", data, "--to", index, "--blobs", blobs]
    first = run(rampart, *migrate, timeout=600)
    assert first.returncode == 0, describe_run(first)
    assert counts(first.stdout) == {"copied": total, "already there": 0, "verified": total, "failed": 0}
    assert f"  index: {index}" in first.stdout and f"  blobs: {blobs}" in first.stdout

    again = run(rampart, *migrate, timeout=600)
    assert again.returncode == 0, describe_run(again)
    assert counts(again.stdout) == {"copied": 0, "already there": total, "verified": total, "failed": 0}

    # An instance the target lost (as if a run had stopped before it) is copied by the next run.
    lost = net_archive.instances[0].sop_instance_uid
    psql = ["/usr/lib/postgresql/15/bin/psql", POSTGRES, "-v", "ON_ERROR_STOP=1", "-qc",
            f"SET search_path TO {schema}; DELETE FROM instance WHERE sopInstanceUID = '{lost}'"]
    removed = subprocess.run(psql, capture_output=True, text=True, timeout=60, check=False)
    assert removed.returncode == 0, describe_run(removed)
    third = run(rampart, *migrate, timeout=600)
    assert third.returncode == 0, describe_run(third)
    assert counts(third.stdout) == {"copied": 1, "already there": total - 1, "verified": total, "failed": 0}

    # The embedded archive is as it was.
    assert sorted(p.relative_to(data) for p in (data / "archive" / "blobs").rglob("*.dcm")) == embedded

    (data / "rampart.yaml").write_text(f"archive:\n  index: {index}\n  blobs: {blobs}\n")
    with serve(rampart, data, tmp_path / "migrated.log") as server:
        result, responses = h.findscu(server, tmp_path / "find", "IMAGE", "study", {"SOPInstanceUID": ""})
        assert result.returncode == 0, describe_run(result)
        assert sorted(str(r.SOPInstanceUID) for r in responses) == sorted(i.sop_instance_uid for i in net_archive.instances)
        study = net_archive.instances[0].study_uid
        result = h.getscu(server, tmp_path / "got", "STUDY", "study", {"StudyInstanceUID": study})
        assert result.returncode == 0, describe_run(result)
        received = {str(d.SOPInstanceUID): d for d in (dcmread(p) for p in (tmp_path / "got").iterdir())}
        sent = [i for i in net_archive.instances if i.study_uid == study]
        assert set(received) == {i.sop_instance_uid for i in sent}
        for instance in sent:
            assert received[instance.sop_instance_uid].PixelData == dcmread(instance.path).PixelData
