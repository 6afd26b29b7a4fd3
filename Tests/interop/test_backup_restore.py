"""`rampart backup` and `rampart restore`.

A server runs while DCMTK stores a first patient, a backup is taken, a second patient is stored
and a second backup links the first patient's objects to the first snapshot (same inodes) and
copies only the new ones; a third backup runs while storescu is still sending a third batch.
Each snapshot is restored into an empty folder: every object's file has the original's SHA-256,
every audit record is the original's, the archive opens with nothing to repair, the audit chain
verifies, and a server on the restored folder answers C-FIND with the studies. A snapshot with
one damaged byte is refused, and so is a folder that is not empty.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import threading

import pytest

import netdata
import nethelpers as h
import netserve
from netserve import run

pytestmark = pytest.mark.net

IMAGES = 3


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def blob_hashes(data) -> dict[str, str]:
    root = netserve.blob_root(data)
    return {str(p.relative_to(root)): sha256(p) for p in root.rglob("*.dcm")}


def audit_records(rampart, data) -> list[dict]:
    return netserve.audit_events(rampart, data)


def backup(rampart, data, to) -> tuple[subprocess.CompletedProcess, str]:
    result = run(rampart, "backup", "--data-dir", data, "--to", to, "--quiet", timeout=300)
    assert result.returncode == 0, result.stderr
    snapshot = result.stdout.split(" to ", 1)[1].split(" in ", 1)[0]
    return result, snapshot


def manifest(snapshot) -> dict:
    return json.loads((snapshot / "backup.json").read_text())


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    folder = tmp_path_factory.mktemp("backup")
    data = folder / "data"
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    for title in ("STORESCU", "FINDSCU"):
        netserve.register(rampart, data, title)
    batches = [netdata.make_archive(folder / f"batch{n}", seed=1000 + n, patients=1, studies=1, series=1, images=images)
               for n, images in ((1, IMAGES), (2, IMAGES), (3, 40))]
    backups = folder / "backups"
    snapshots = []
    with netserve.serve(rampart, data, folder / "serve.log") as server:
        def store(batch):
            result = h.storescu(server, *(i.path for i in batch.instances))
            assert result.returncode == 0, result.stderr
        store(batches[0])
        first, path = backup(rampart, data, backups)
        snapshots.append((first, folder / path))
        store(batches[1])
        second, path = backup(rampart, data, backups)
        snapshots.append((second, folder / path))
        # Online: a backup while storescu sends the third batch.
        sender = threading.Thread(target=store, args=(batches[2],))
        sender.start()
        during, path = backup(rampart, data, backups)
        sender.join(timeout=300)
        snapshots.append((during, folder / path))
    # Everything, with the server stopped.
    last, path = backup(rampart, data, backups)
    snapshots.append((last, folder / path))
    yield {"folder": folder, "data": data, "backups": backups, "snapshots": snapshots, "batches": batches}


def test_the_second_snapshot_links_what_the_first_holds_and_copies_the_rest(site):
    (first_run, first), (second_run, second) = site["snapshots"][:2]
    assert manifest(first)["instances"] == IMAGES and manifest(first)["copiedBlobs"] == IMAGES
    assert manifest(second)["instances"] == 2 * IMAGES
    assert manifest(second)["copiedBlobs"] == IMAGES and manifest(second)["linkedBlobs"] == IMAGES
    assert manifest(second)["previous"] == first.name
    for relative in blob_hashes(first):
        a, b = first / "archive" / "blobs" / relative, second / "archive" / "blobs" / relative
        assert a.stat().st_ino == b.stat().st_ino, relative
    assert f"{IMAGES} copied, {IMAGES} linked to {first.name}" in second_run.stdout


def test_each_snapshot_lists_its_files_for_sha256sum(site):
    _, snapshot = site["snapshots"][1]
    files = subprocess.run(["sha256sum", "-c", "--quiet", "files.sha256"], cwd=snapshot, capture_output=True, text=True)
    blobs = subprocess.run(["sha256sum", "-c", "--quiet", "../../blobs.sha256"], cwd=snapshot / "archive" / "blobs",
                           capture_output=True, text=True)
    assert files.returncode == 0 and blobs.returncode == 0, files.stdout + blobs.stdout
    listed = (snapshot / "files.sha256").read_text()
    for needed in ("keys/audit-signing.key", "tls/ca-key.pem", "rampart.yaml", "accounts.json", "archive/index.sqlite",
                   "audit/audit.sqlite"):
        assert f"  {needed}\n" in listed, needed
    assert "spool/" not in listed


@pytest.mark.parametrize("which", [1, 2, 3])
def test_a_restored_snapshot_has_every_object_and_audit_record_of_the_original(rampart, site, which):
    _, snapshot = site["snapshots"][which]
    target = site["folder"] / f"restored{which}"
    restored = run(rampart, "restore", snapshot, "--data-dir", target, "--quiet", timeout=300)
    assert restored.returncode == 0, restored.stderr
    assert "chain and signatures verified" in restored.stdout
    summary = manifest(snapshot)
    original, copy = blob_hashes(site["data"]), blob_hashes(target)
    assert len(copy) == summary["instances"]
    # Each object restored is the original's file, byte for byte.
    assert {k: original.get(k) for k in copy} == copy
    if which == 3:
        assert copy == original and summary["instances"] == 2 * IMAGES + 40
    else:
        assert summary["instances"] >= 2 * IMAGES
    # The original's records up to the snapshot, then the restore's own record (and the
    # reading of the log that this query is).
    records = audit_records(rampart, target)
    count = summary["auditRecords"]
    assert [r["event"] for r in records[:count]] == [r["event"] for r in audit_records(rampart, site["data"])[:count]]
    assert [r["event"]["kind"] for r in records[count:]] == ["import", "audit-log-used"]
    verified = run(rampart, "audit", "verify", "--data-dir", target)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_server_on_the_restored_folder_finds_the_studies(rampart, site):
    _, snapshot = site["snapshots"][3]
    target = site["folder"] / "restored-served"
    assert run(rampart, "restore", snapshot, "--data-dir", target, "--quiet", timeout=300).returncode == 0
    with netserve.serve(rampart, target, site["folder"] / "restored.log") as server:
        found, responses = h.findscu(server, site["folder"] / "find", "STUDY", "study", {"StudyInstanceUID": ""})
    assert found.returncode == 0
    assert sorted(r.StudyInstanceUID for r in responses) == sorted({i.study_uid for b in site["batches"] for i in b.instances})


def test_each_backup_is_an_export_in_the_audit_log(rampart, site):
    exports = [r["event"] for r in netserve.audit_events(rampart, site["data"], "--kind", "export")]
    assert len(exports) == len(site["snapshots"])
    assert all(e["channel"] == "cli" and e["outcome"] == 0 and "backup of the data folder to" in e["reason"] for e in exports)


def test_a_damaged_snapshot_is_refused(rampart, site):
    _, snapshot = site["snapshots"][0]
    damaged = site["folder"] / "damaged"
    shutil.copytree(snapshot, damaged)
    blob = next((damaged / "archive" / "blobs").rglob("*.dcm"))
    content = bytearray(blob.read_bytes())
    content[-1] ^= 0xFF
    blob.write_bytes(bytes(content))
    result = run(rampart, "restore", damaged, "--data-dir", site["folder"] / "from-damaged", "--quiet")
    assert result.returncode == 1 and "does not match its hash" in result.stderr


def test_a_restore_into_a_folder_in_use_is_refused(rampart, site):
    _, snapshot = site["snapshots"][0]
    result = run(rampart, "restore", snapshot, "--data-dir", site["data"], "--quiet")
    assert result.returncode == 1 and "is not empty" in result.stderr
