"""What the C-STORE benchmarks share: timed /usr/bin/storescu runs (one, or several at once),
Orthanc as a peer, counting what a server wrote, and the result table.

Used by store_throughput.py and ingest.py; not a benchmark itself.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "interop"))

import netpeers  # noqa: E402
import procstats  # noqa: E402 - beside this file

ORTHANC = Path("/usr/sbin/Orthanc")
CALLING_AE = "BENCH"


def storescu_command(host: str, port: int, ae: str, paths: list[Path]) -> list[str]:
    """storescu with its default proposals; a folder is scanned recursively (+sd +r)."""
    scan = ["+sd", "+r"] if any(Path(p).is_dir() for p in paths) else []
    return [netpeers.dcmtk("storescu"), "-aet", CALLING_AE, "-aec", ae, *scan, host, str(port), *map(str, paths)]


def parallel_storescu(host: str, port: int, ae: str, groups: list[list[Path]], timeout: float) -> tuple[float, list[subprocess.CompletedProcess]]:
    """One storescu process (one association) per group of paths, all at once. Returns the
    seconds from the first start to the last end, and each run."""
    start = time.perf_counter()
    procs = [subprocess.Popen(storescu_command(host, port, ae, group), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=netpeers.dcmtk_env()) for group in groups]
    results = []
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=max(1.0, timeout - (time.perf_counter() - start)))
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return time.perf_counter() - start, results


def split(paths: list[Path], parts: int) -> list[list[Path]]:
    """`paths` in `parts` groups of (nearly) equal size, in order."""
    size, extra = divmod(len(paths), parts)
    groups, start = [], 0
    for n in range(parts):
        end = start + size + (1 if n < extra else 0)
        groups.append(paths[start:end])
        start = end
    return groups


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def failure(results: list[subprocess.CompletedProcess]) -> str | None:
    """Why a set of storescu runs failed (None when each exited 0)."""
    for result in results:
        if result.returncode != 0:
            err = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            return f"storescu exit {result.returncode}; {' | '.join(err)}"
    return None


def rate(count: int, total_bytes: int, seconds: float) -> str:
    return f"{count / seconds:10.1f} instances/s {total_bytes / 1e6 / seconds:8.1f} MB/s  ({seconds:.2f} s)"


@dataclass
class IngestRun:
    """One timed send: seconds from the first storescu start to the last end, the files the
    server wrote, why it failed (None when every storescu exited 0 and all files are there), the
    server's peak RSS in MB (None when unreadable), and its audit rate text for the table."""

    seconds: float
    stored: int
    failure: str | None
    peak_rss_mb: float | None = None
    audit: str = ""


def ingest_run(label: str, start, work: Path, groups: list[list[Path]], expected: int, timeout: float) -> IngestRun:
    """Starts a server with `start(work)`, sends `groups` to it (one storescu association per
    group, all at once), reads its peak RSS, stops it and counts what it wrote. Raises
    netpeers.PeerError when the server does not start."""
    work.mkdir()
    print(f"{label}: sending …", file=sys.stderr, flush=True)
    with start(work) as peer:
        seconds, results = parallel_storescu(peer.host, peer.port, peer.ae, groups, timeout)
        peak = procstats.peak_rss_mb(peer.proc.pid)
    stored = count_files(peer.store_dir)
    why = failure(results)
    if why or stored < expected:
        return IngestRun(seconds, stored, f"FAILED: {stored} of {expected} files stored; {why or ''}", peak)
    recorded = audit_events(peer)(seconds)
    shutil.rmtree(work, ignore_errors=True)
    return IngestRun(seconds, stored, None, peak, recorded)


def measure(label: str, start, work: Path, groups: list[list[Path]], expected: int, total_bytes: int,
            timeout: float) -> tuple[str, str]:
    """`ingest_run` as a row of the printed table: the rate, or why it failed."""
    try:
        run = ingest_run(label, start, work, groups, expected, timeout)
    except netpeers.PeerError as error:
        return label, f"did not start: {error}"
    if run.failure:
        return label, run.failure
    return label, rate(expected, total_bytes, run.seconds) + run.audit


def audit_events(peer):
    """For a server with an audit log (`peer.audit_log`): its events recorded in the measured time
    (every decision and what a retrieve or query disclosed; not the start, the stop and the AE registration), per second."""
    path = getattr(peer, "audit_log", None)
    if path is None:
        return lambda seconds: ""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        count = db.execute("SELECT COUNT(*) FROM event WHERE kind NOT IN ('application-activity', 'security-alert')").fetchone()[0]
    return lambda seconds: f"; audit: {count} events recorded, {count / seconds:.0f} events/s"


def exit_status(rows: list[tuple[str, str]]) -> int:
    """0 when every server was measured, 1 when one failed or did not start."""
    return 0 if all("FAILED" not in text and "did not start" not in text for _, text in rows) else 1


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    print(title)
    width = max(len(name) for name, _ in rows)
    for name, text in rows:
        print(f"{name.ljust(width)}  {text}")


@contextlib.contextmanager
def orthanc(work: Path):
    """Orthanc (Debian package `orthanc`) on a free port: DICOM only, no HTTP server, no
    compression, storage and index in `work`; accepts any calling AE."""
    storage, index = work / "storage", work / "index"
    storage.mkdir()
    index.mkdir()
    port = netpeers.free_port()
    config = {
        "Name": "RampartBenchmark",
        "StorageDirectory": str(storage),
        "IndexDirectory": str(index),
        "StorageCompression": False,
        "DicomServerEnabled": True,
        "DicomAet": "ORTHANC",
        "DicomPort": port,
        "DicomCheckCalledAet": False,
        "DicomAlwaysAllowStore": True,
        "DicomScpTimeout": 60,
        "HttpServerEnabled": False,
        "HttpPort": netpeers.free_port(),
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "Plugins": [],
    }
    path = work / "orthanc.json"
    path.write_text(json.dumps(config, indent=2))
    log = work / "orthanc.log"
    proc = netpeers.spawn([str(ORTHANC), str(path)], log=log, env=netpeers.dcmtk_env(), cwd=work, lifetime=3600)
    try:
        netpeers.wait_for_port(proc, port, "Orthanc", log, timeout=60)
        yield netpeers.Peer("orthanc", netpeers.HOST, port, "ORTHANC", proc, log, work, storage)
    finally:
        netpeers.stop_process(proc)
