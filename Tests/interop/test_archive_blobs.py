"""`rampart serve` with its blobs elsewhere than the plain local folder (`archive.blobs`,
`archive.encryption_key_file` in rampart.yaml): on an S3 API (moto_server, the fixture of
test_object_store.py), on S3 sealed with a key file, and in the local folder sealed.

DCMTK storescu stores the Q/R test archive, findscu finds every instance, getscu brings a
study back pixel for pixel, movescu sends a series to storescp the same, and WADO-RS sends
each of a series' objects back with the values and pixels stored; on plain S3 an object
changed in the bucket is refused by its SHA-256 once the cache no longer has it; a study
deleted over DICOMweb leaves no object or file behind. Then the storage is read behind
Rampart's back: the bucket through boto3 (one object per instance, under keys of their own)
and the data folder's files. Sealed, none
of them holds any synthetic patient's name, ID or accession number; plain S3 holds Part 10
files. With blobs on S3 no blob lands in the local blob folder.

At start-up an object of the bucket that no index row names is removed once it is older than
`archive.unindexed_blob_grace_minutes`, and left while younger (another node may be between
its upload and its index commit).
"""

from __future__ import annotations

import re
import time
from io import BytesIO
from pathlib import Path

import pytest
import requests
from pydicom import dcmread

import nethelpers as h
import netpeers
from netpeers import describe_run
from netserve import WORKSTATION, dicomweb_url, register, run, serve
from test_object_store import BUCKET, location, moto  # noqa: F401 (moto is the fixture)

pytestmark = pytest.mark.net

BACKENDS = ["s3", "s3-sealed", "local-sealed"]


def secrets(net_archive) -> set[bytes]:
    """The synthetic patients' identifying values, as the files hold them."""
    values = set()
    for instance in net_archive.instances:
        for keyword in ("PatientName", "PatientID", "AccessionNumber"):
            value = str(instance.attrs.get(keyword, ""))
            if len(value) >= 4:
                values.add(value.encode())
    return values


def files_below(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def assert_sealed_without(values: set[bytes], blobs: dict[str, bytes]) -> None:
    assert blobs, "nothing to check"
    for name, content in blobs.items():
        assert content.startswith(b"RPSEAL"), f"{name} is not sealed"
        leaked = [v for v in values if v in content]
        assert not leaked, f"{name} holds patient values in the clear"


def dicom_parts(response: requests.Response) -> list[bytes]:
    """The parts of a multipart/related WADO-RS answer."""
    boundary = re.search(r'boundary="?([^";]+)"?', response.headers["Content-Type"]).group(1).encode()
    parts = []
    for chunk in response.content.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, body = chunk.split(b"\r\n\r\n", 1)
        parts.append(body[:-2] if body.endswith(b"\r\n") else body)
    return parts


def same_object(received, original) -> None:
    assert received.SOPInstanceUID == original.SOPInstanceUID
    assert str(received.PatientName) == str(original.PatientName)
    assert received.PatientID == original.PatientID
    assert received.PixelData == original.PixelData, f"{original.SOPInstanceUID}: pixels differ"


@pytest.mark.parametrize("backend", BACKENDS)
def test_serve_stores_finds_and_retrieves_with_blobs_elsewhere(rampart, net_archive, moto, tmp_path, monkeypatch, backend):  # noqa: F811
    endpoint, credentials, s3 = moto
    data = tmp_path / "data"
    for title in ("STORESCU", "FINDSCU"):
        register(rampart, data, title)
    register(rampart, data, "GETSCU", role=WORKSTATION)
    register(rampart, data, "MOVESCU", role=WORKSTATION)
    tokens = {}
    for user, role in (("rad", "radiologist"), ("boss", "admin")):
        assert run(rampart, "user", "add", user, "--role", role, "--data-dir", data).returncode == 0
        issued = run(rampart, "token", "issue", "--user", user, "--data-dir", data)
        assert issued.returncode == 0, describe_run(issued)
        tokens[user] = issued.stdout.strip()

    prefix = f"archive-{backend}"
    settings = ["archive:"]
    if backend.startswith("s3"):
        settings.append(f"  blobs: {location(endpoint, prefix)}")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["aws_access_key_id"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["aws_secret_access_key"])
    if backend.endswith("sealed"):
        made = run(rampart, "object-store", "create-key", data / "blob-key")
        assert made.returncode == 0, describe_run(made)
        settings.append("  encryption_key_file: blob-key")
    (data / "rampart.yaml").write_text("\n".join(settings) + "\n")

    originals = {i.sop_instance_uid: dcmread(i.path) for i in net_archive.instances}
    with netpeers.storescp(tmp_path / "storescp") as destination, serve(rampart, data, tmp_path / "serve.log") as server:
        register(rampart, data, "STORESCP", port=destination.port)
        result = h.storescu(server, net_archive.root)
        assert result.returncode == 0, describe_run(result) + server.log_text()

        result, responses = h.findscu(server, tmp_path / "find", "IMAGE", "study", {"SOPInstanceUID": ""})
        assert result.returncode == 0, describe_run(result)
        assert {str(r.SOPInstanceUID) for r in responses} == set(originals)

        study = net_archive.instances[0].study_uid
        result = h.getscu(server, tmp_path / "get", "STUDY", "study", {"StudyInstanceUID": study})
        assert result.returncode == 0, describe_run(result) + server.log_text()
        retrieved = [dcmread(p) for p in (tmp_path / "get").iterdir()]
        assert {r.SOPInstanceUID for r in retrieved} == {i.sop_instance_uid for i in net_archive.instances if i.study_uid == study}
        for received in retrieved:
            same_object(received, originals[received.SOPInstanceUID])

        series = net_archive.instances[0].series_uid
        moved = h.movescu(server, "SERIES", "study", {"StudyInstanceUID": study, "SeriesInstanceUID": series}, destination="STORESCP")
        assert moved.returncode == 0, describe_run(moved) + server.log_text()
        received = [dcmread(p) for p in (tmp_path / "storescp" / "received").iterdir()]
        assert {r.SOPInstanceUID for r in received} == {i.sop_instance_uid for i in net_archive.instances if i.series_uid == series}
        for one in received:
            same_object(one, originals[one.SOPInstanceUID])

        session = requests.Session()
        session.trust_env = False
        session.headers["Authorization"] = f"Bearer {tokens['rad']}"
        response = session.get(f"{dicomweb_url(server)}/studies/{study}/series/{series}", timeout=120,
                               headers={"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'})
        assert response.status_code == 200, response.text[:500]
        parts = dicom_parts(response)
        assert len(parts) == sum(1 for i in net_archive.instances if i.series_uid == series)
        for part in parts:
            assert part[:128] == bytes(128) and part[128:132] == b"DICM"
            received = dcmread(BytesIO(part))
            same_object(received, originals[received.SOPInstanceUID])

        if backend == "s3":
            # An object changed in the bucket is refused when it is fetched (the cache dropped):
            # its SHA-256 is not the one the index recorded.
            target = net_archive.instances[-1]
            key = next(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/")["Contents"]
                       if f"/{target.sop_instance_uid}.dcm." in o["Key"])
            rendered = f"{dicomweb_url(server)}/studies/{target.study_uid}/series/{target.series_uid}/instances/{target.sop_instance_uid}/rendered"
            assert session.get(rendered, timeout=120, headers={"Accept": "image/png"}).status_code == 200
            changed = bytearray(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
            changed[-1] ^= 0xFF
            s3.put_object(Bucket=BUCKET, Key=key, Body=bytes(changed))
            (data / "archive" / "cache" / key.split("/", 1)[1].replace("/", "_")).unlink()
            refused = session.get(rendered, timeout=120, headers={"Accept": "image/png"})
            assert refused.status_code == 500, refused.text[:300]
            assert "changed or damaged in the store" in server.log_text(20000)
        # A deleted study's blobs go after its rows: the other study stays whole.
        deleted_study = net_archive.instances[-1].study_uid
        deleted = requests.delete(f"{dicomweb_url(server)}/studies/{deleted_study}", timeout=120,
                                  headers={"Authorization": f"Bearer {tokens['boss']}"})
        assert deleted.status_code == 204, deleted.text[:300]
        originals = {uid: ds for uid, ds in originals.items() if ds.StudyInstanceUID != deleted_study}
        server_log = server.log_text(100000)

    values = secrets(net_archive)
    assert not [v for v in values if v in server_log.encode()], "patient values in the process log"
    local_blobs = files_below(data / "archive" / "blobs")
    if backend.startswith("s3"):
        assert not local_blobs, "blobs on S3 left files in the local blob folder"
        listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/")
        keys = [o["Key"] for o in listed.get("Contents", [])]
        # One object per instance, each under a key of its own version: <study>/<series>/<sop>.dcm.<hex>.
        assert len(keys) == len(originals)
        assert {re.sub(r"\.dcm\.[0-9a-f]+$", "", k.rsplit("/", 1)[1]) for k in keys} == set(originals)
        objects = {k: s3.get_object(Bucket=BUCKET, Key=k)["Body"].read() for k in keys}
        if backend == "s3-sealed":
            assert_sealed_without(values, objects)
            # The read cache holds what the bucket holds: sealed too.
            assert_sealed_without(values, {str(p): p.read_bytes() for p in files_below(data / "archive" / "cache")})
        else:
            assert all(o[128:132] == b"DICM" for o in objects.values())
    else:
        assert len(local_blobs) == len(originals)
        assert_sealed_without(values, {str(p): p.read_bytes() for p in local_blobs})


def wait_for_log(server, text: str, deadline_s: float = 120) -> str:
    """The server's log once it holds `text` (a liveness bound, not a timing assertion)."""
    deadline = time.monotonic() + deadline_s
    while text not in (log := server.log.read_text(errors="replace")):
        assert time.monotonic() < deadline and server.proc.poll() is None, f"no {text!r} in the log: {log[-2000:]}"
        time.sleep(0.1)
    return log


def test_start_up_removes_unindexed_objects_only_past_the_grace_period(rampart, net_archive, moto, tmp_path, monkeypatch):  # noqa: F811
    endpoint, credentials, s3 = moto
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["aws_secret_access_key"])
    data = tmp_path / "data"
    register(rampart, data, "STORESCU")
    prefix = "archive-sweep"
    # What a crash between upload and index commit leaves: an object no row names.
    stray = f"{prefix}/1.2.826.0.1.9/1.2.826.0.1.9.1/1.2.826.0.1.9.1.1.dcm.0123abcd"
    s3.put_object(Bucket=BUCKET, Key=stray, Body=b"not indexed")
    stored = [i for i in net_archive.instances if i.study_uid == net_archive.instances[0].study_uid]

    def configure(grace_minutes: int) -> None:
        (data / "rampart.yaml").write_text(f"archive:\n  blobs: {location(endpoint, prefix)}\n"
                                           f"  unindexed_blob_grace_minutes: {grace_minutes}\n")

    def keys() -> set[str]:
        return {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/").get("Contents", [])}

    configure(60)
    with serve(rampart, data, tmp_path / "first.log") as server:
        result = h.storescu(server, *[i.path for i in stored])
        assert result.returncode == 0, describe_run(result) + server.log_text()
        # Younger than the grace period: perhaps another node's store in flight, so it stays.
        assert stray in keys()
    filed = keys() - {stray}
    assert len(filed) == len(stored)

    configure(0)
    with serve(rampart, data, tmp_path / "second.log") as server:
        wait_for_log(server, "removed 1 unindexed objects from the object store")
    assert keys() == filed, "the sweep removed the stray object and nothing indexed"


def test_readiness_fails_while_the_bucket_does_not_answer(rampart, moto, tmp_path, monkeypatch):  # noqa: F811
    """/health/ready lists one key of the bucket: ready while it answers; once the bucket is
    gone, 503 naming the blob store (the process log says which bucket and why)."""
    endpoint, credentials, s3 = moto
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["aws_secret_access_key"])
    bucket = "rampart-readiness"
    s3.create_bucket(Bucket=bucket)
    data = tmp_path / "data"
    register(rampart, data, "STORESCU")
    (data / "rampart.yaml").write_text(f"archive:\n  blobs: {location(endpoint, 'archive').replace(BUCKET, bucket, 1)}\n")
    with serve(rampart, data, tmp_path / "serve.log") as server:
        ready = dicomweb_url(server).removesuffix("/dicomweb") + "/health/ready"
        ca = str(data / "tls" / "ca.pem")
        answer = requests.get(ready, verify=ca, timeout=120)
        assert answer.status_code == 200 and answer.json() == {"status": "ready"}, answer.text
        s3.delete_bucket(Bucket=bucket)
        answer = requests.get(ready, verify=ca, timeout=120)
        assert answer.status_code == 503 and answer.json() == {"status": "not ready", "failing": ["blob-store"]}, answer.text
        assert bucket in server.log_text(20000)
