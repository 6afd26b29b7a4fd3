"""The benchmark suite `make bench` runs: Rampart next to Orthanc and DCMTK on the same synthetic
data, in one run, with the physical limits of the data disk, written to docs/performance.md
(tables and ratios), docs/performance.json (every raw figure) and docs/performance.png (a bar
chart, when matplotlib is in the venv).

    .venv/bin/python Benchmarks/suite.py --rampart .build/release/rampart
    .venv/bin/python Benchmarks/suite.py --quick --rampart .build/debug/rampart   # the pipeline, small

It reuses the single benchmarks: ingest.py's servers and storebench.py's timed storescu runs,
dicomweb.py's loaded servers and QIDO-RS / WADO-RS measurements. Each server starts on a fresh
data folder (below --work, on the disk being measured) on loopback and is stopped after; peak RSS
(VmHWM) is read from /proc before it stops. Figures are medians of --repeat runs. Nothing is
asserted on time: the issue's targets are computed as met / not met in the document.

Sizes (full; --quick in parentheses): ingest of 1,000 (200) CT images of 512 KiB over 1 and 4
storescu associations; C-FIND and QIDO-RS over the generator's 20,000 (200) instances, 100 (20)
queries of each kind per batch (dcmqrscp holds at most the first 4,000: DCMQRSCP_MAX_INSTANCES);
dd of 512 (64) MB; 2,000 (100) fsync'd files of 512 KiB; C-FIND at index scale (scale.py) on
1,000,000 (2,000) bulk-loaded instances, SQLite and PostgreSQL, 20 queries of each kind per batch.

The raw JSON is written after each section; a section that raises is recorded as failed (the
report says so), the next one runs, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "interop"))
sys.path.insert(0, str(REPO / "Benchmarks"))

import dicomweb  # noqa: E402
import ingest  # noqa: E402
import netdata  # noqa: E402
import netpeers  # noqa: E402
import performance_report  # noqa: E402
import procstats  # noqa: E402
import scale  # noqa: E402
import storebench  # noqa: E402
from dicomweb import percentile  # noqa: E402
from pydicom.dataset import Dataset  # noqa: E402
from pynetdicom import AE  # noqa: E402
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind, Verification  # noqa: E402

RAMPART = "rampart serve"
STORESCP = "dcmtk storescp"
DCMQRSCP = "dcmtk dcmqrscp"
ORTHANC = "orthanc"
ECHO = "C-ECHO (no query: the client's floor)"


@dataclass(frozen=True)
class Sizes:
    ingest_instances: int
    collection_instances: int
    queries: int  # of each kind, per batch
    dd_mb: int
    small_files: int
    wado_studies: int
    scale_instances: int  # bulk-loaded, for C-FIND at index scale
    # Of each kind, per batch, at index scale: a broad query there returns thousands of answers
    # and takes a second, so 100 a batch would be most of the suite's time.
    scale_queries: int


FULL = Sizes(ingest_instances=1000, collection_instances=20000, queries=100, dd_mb=512, small_files=2000, wado_studies=20,
             scale_instances=1_000_000, scale_queries=20)
QUICK = Sizes(ingest_instances=200, collection_instances=200, queries=20, dd_mb=64, small_files=100, wado_studies=5, scale_instances=2000,
              scale_queries=20)
SMALL_FILE_BYTES = 512 * 1024


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- the physical limits of the data disk --------------------------------------------------------


def disk_limits(folder: Path, sizes: Sizes) -> dict:
    """dd's sequential write with fdatasync, and durable small-file creation as an archive does it
    (write, fsync, rename into place, fsync the folder): the floor under any durable ingest."""
    folder.mkdir(parents=True)
    target = folder / "dd.bin"
    result = subprocess.run(["dd", "if=/dev/zero", f"of={target}", "bs=1M", f"count={sizes.dd_mb}", "conv=fdatasync"],
                            capture_output=True, text=True, check=True)
    copied = re.search(r"(\d+) bytes .* copied, ([\d.,]+) s", result.stderr)
    dd_bytes, dd_seconds = int(copied.group(1)), float(copied.group(2).replace(",", "."))
    target.unlink()

    payload = os.urandom(SMALL_FILE_BYTES)
    files = folder / "files"
    files.mkdir()
    directory = os.open(files, os.O_RDONLY | os.O_DIRECTORY)
    try:
        start = time.perf_counter()
        for n in range(sizes.small_files):
            partial = files / f".{n}.partial"
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(fd, payload)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.rename(partial, files / f"{n}.bin")
            os.fsync(directory)
        small_seconds = time.perf_counter() - start
    finally:
        os.close(directory)
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "dd_write_mb_s": dd_bytes / 1e6 / dd_seconds, "dd_mb": sizes.dd_mb,
        "small_files": sizes.small_files, "small_file_bytes": SMALL_FILE_BYTES,
        "small_files_per_s": sizes.small_files / small_seconds,
        "small_files_mb_s": sizes.small_files * SMALL_FILE_BYTES / 1e6 / small_seconds,
    }


# --- ingest ----------------------------------------------------------------------------------------


def ingest_figures(binary: Path, work: Path, sizes: Sizes, repeat: int, timeout: float) -> dict:
    work.mkdir(parents=True)
    folder = netdata.bulk_cached(sizes.ingest_instances)
    files = netdata.dicom_files(folder)
    total = sum(p.stat().st_size for p in files)
    log(f"ingest: {len(files)} files, {total / 1e6:.1f} MB ({folder})")
    servers = [(RAMPART, lambda w: ingest.rampart_serve(binary, w)), (STORESCP, ingest.storescp)]
    if storebench.ORTHANC.exists():
        servers.append((ORTHANC, storebench.orthanc))
    results = []
    for associations in (1, 4):
        for name, start in servers:
            runs, why, peaks = [], None, []
            for n in range(repeat):
                label = f"{name}, {associations} association(s), run {n + 1}/{repeat}"
                try:
                    run = storebench.ingest_run(label, start, work / f"{name.replace(' ', '-')}-{associations}-{n}",
                                                storebench.split(files, associations), len(files), timeout)
                except netpeers.PeerError as error:
                    why = f"did not start: {error}"
                    break
                if run.failure:
                    why = run.failure
                    break
                runs.append(run.seconds)
                if run.peak_rss_mb:
                    peaks.append(run.peak_rss_mb)
            row = {"server": name, "associations": associations, "seconds": runs, "failure": why,
                   "peak_rss_mb": max(peaks) if peaks else None}
            if runs and not why:
                median = statistics.median(runs)
                row |= {"median_seconds": median, "instances_per_s": len(files) / median, "mb_per_s": total / 1e6 / median}
            results.append(row)
    return {"instances": len(files), "bytes": total, "repeat": repeat, "results": results,
            "missing": [] if storebench.ORTHANC.exists() else [ORTHANC]}


# --- C-FIND and DICOMweb over the 20,000-instance collection --------------------------------------


def cfind_queries(archive: netdata.Archive, count: int, seed: int = 7) -> dict[str, list[dict]]:
    """`count` STUDY-level queries (their keys) of each kind, varied over the collection's patients, names and
    years: exact Patient ID, a family-name prefix wildcard, a year's date range."""
    rng = random.Random(seed)
    studies = archive.records("STUDY")
    patients = sorted({s["PatientID"] for s in studies})
    # plain ASCII family names, as stored: servers differ on case and character sets in PN matching
    families = sorted({s["PatientName"].split("^")[0] for s in studies if s["PatientName"].split("^")[0].isascii()
                       and s["PatientName"].split("^")[0].isalpha() and len(s["PatientName"].split("^")[0]) >= 3})
    years = sorted({s["StudyDate"][:4] for s in studies if s["StudyDate"]})
    returned = {"StudyInstanceUID": "", "PatientName": "", "StudyDescription": "", "AccessionNumber": ""}
    return {
        "exact Patient ID": [returned | {"PatientID": rng.choice(patients), "StudyDate": ""} for _ in range(count)],
        "name prefix (ABC*)": [returned | {"PatientName": rng.choice(families)[:3] + "*", "PatientID": "", "StudyDate": ""}
                               for _ in range(count)],
        "date range (a year)": [returned | {"StudyDate": f"{y}0101-{y}1231", "PatientID": ""}
                                for y in (rng.choice(years) for _ in range(count))],
    }


def keep_responses(assoc) -> None:
    """pynetdicom 3.0.4's reactor thread can take a response meant for a running send_c_find or
    send_c_echo off the DIMSE queue in a race with it and drop it ("Received unexpected C-FIND
    service message", pynetdicom issue 875): an answer is lost, or the final one, and the query
    then waits out the DIMSE timeout and aborts the association. Put any response it takes back at
    the head of the queue, where the waiting send_* finds it; requests are served as before."""
    serve = assoc._serve_request

    def serve_requests_only(msg, context_id: int) -> None:
        if msg.is_valid_request:
            serve(msg, context_id)
            return
        pending = assoc.dimse.msg_queue
        with pending.mutex:
            pending.queue.appendleft((context_id, msg))
            pending.not_empty.notify()

    assoc._serve_request = serve_requests_only


def cfind_latency(port: int, called_ae: str, queries: dict[str, list[dict]], repeat: int, proc) -> tuple[dict, float | None]:
    """Every query kind's batch `repeat` times over ONE association (pynetdicom), after a warm-up
    query; per kind the median over the batches of p50 and p95 (ms) and the answers of one batch.
    As many C-ECHOs first, the same way: the round trip with no query, pynetdicom's own floor
    (its reactor polls every millisecond). Also the server's peak RSS, read while the association
    is still open (a forking server's child serves it). Also the p50 of the time to the first
    response: a query of thousands of answers lasts as long as they take to send and decode,
    but a viewer can list the first at once."""
    ae = AE(ae_title=dicomweb.CALLING_AE)
    ae.add_requested_context(Verification)
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 120
    assoc = ae.associate(netpeers.HOST, port, ae_title=called_ae)
    if not assoc.is_established:
        raise netpeers.PeerError(f"C-FIND association to {called_ae} on port {port} was not accepted")
    # pynetdicom leaves Nagle on: each small request would wait out the server's delayed ACK
    # (about 40 ms on Linux), the same for every server, hiding the differences measured here
    assoc.dul.socket.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    keep_responses(assoc)

    def run(keys: dict) -> tuple[float, float, int, int]:
        ds = Dataset()
        ds.QueryRetrieveLevel = "STUDY"
        for keyword, value in keys.items():
            setattr(ds, keyword, value)
        start = time.perf_counter()
        first, answers, status = None, 0, 0
        for response_status, identifier in assoc.send_c_find(ds, StudyRootQueryRetrieveInformationModelFind):
            # The first response, pending or final: when a viewer can start listing.
            first = first if first is not None else time.perf_counter()
            status = response_status.Status if response_status else 0xFFFF_FFFF
            if status in (0xFF00, 0xFF01):
                answers += 1
        end = time.perf_counter()
        return (end - start) * 1000, ((first or end) - start) * 1000, answers, status

    def echo() -> tuple[float, float, int, int]:
        start = time.perf_counter()
        response = assoc.send_c_echo()
        ms = (time.perf_counter() - start) * 1000
        return ms, ms, 0, response.Status if response else 0xFFFF_FFFF

    first = next(iter(queries.values()))
    batches = {ECHO: [echo] * len(first)} | {kind: [lambda q=q: run(q) for q in batch] for kind, batch in queries.items()}
    figures = {}
    try:
        run(first[0])  # warm-up
        for kind, calls in batches.items():
            p50s, p95s, first_p50s, answers, failures = [], [], [], 0, 0
            for n in range(repeat):
                times, firsts = [], []
                for call in calls:
                    ms, first_ms, found, status = call()
                    times.append(ms)
                    firsts.append(first_ms)
                    if n == 0:
                        answers += found
                        failures += status != 0
                p50s.append(percentile(times, 0.5))
                p95s.append(percentile(times, 0.95))
                first_p50s.append(percentile(firsts, 0.5))
            figures[kind] = {"p50_ms": statistics.median(p50s), "p95_ms": statistics.median(p95s),
                             "first_answer_p50_ms": statistics.median(first_p50s), "answers": answers,
                             "failed_queries": failures, "batch_p50_ms": p50s}
        peak = procstats.peak_rss_mb(proc.pid)
    finally:
        assoc.release()
    return figures, peak


def qido_figures(server: dicomweb.Loaded, archive: netdata.Archive, repeat: int, studies: int) -> dict:
    rng = random.Random(7)
    searches = dicomweb.queries(archive, rng)
    uids = rng.sample([s["StudyInstanceUID"] for s in archive.records("STUDY")], min(studies, len(archive.studies())))
    figures = {}
    for label, path in searches:
        times, answers = dicomweb.measure(server.base, server.session, path, repeat)
        figures[label] = {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95), "answers": answers}
    got = dicomweb.retrieve(server.base, server.session, uids)
    wado = ({"refused": got.refused} if got.refused is not None else
            {"studies": len(uids), "instances": got.instances, "instances_per_s": got.instances / got.seconds,
             "mb_per_s": got.bytes / 1e6 / got.seconds})
    return {"queries": figures, "wado": wado}


# dcmqrscp's index (index.dat) is a flat file of 8 KiB records, and dcmqridx scans it from the
# start for every file it adds: loading is quadratic (12,000 instances took 11 minutes here, 20,000
# would take about half an hour), and beyond 32 MiB (about 4,000 instances) DCMTK logs an alert at
# every seek. It holds the collection's first instances up to that size; its rows say how many.
DCMQRSCP_MAX_INSTANCES = 4000


@contextlib.contextmanager
def dcmqrscp_loaded(work: Path, archive: netdata.Archive):
    files = netdata.dicom_files(archive.root)[:DCMQRSCP_MAX_INSTANCES]
    start = time.perf_counter()
    # room for every study: beyond its quota dcmqrscp would delete the oldest ones
    with netpeers.dcmqrscp(work / "dcmqrscp", files, max_studies=len(archive.studies()) + 1, lifetime=7200) as peer:
        peer.extra["load_seconds"] = time.perf_counter() - start
        peer.extra["instances"] = len(files)
        yield peer


def query_figures(binary: Path, work: Path, sizes: Sizes, repeat: int) -> dict:
    work.mkdir(parents=True)
    log(f"C-FIND / DICOMweb: generating or reusing {sizes.collection_instances} instances …")
    archive = netdata.collection_cached(sizes.collection_instances)
    queries = cfind_queries(archive, sizes.queries)
    out = {"instances": len(archive.instances), "studies": len(archive.studies()), "queries_per_batch": sizes.queries,
           "repeat": repeat, "cfind": {}, "qido": {}, "load_seconds": {}, "peak_rss_mb": {}, "missing": [], "server_failures": {}}

    servers = [(RAMPART, lambda: dicomweb.rampart(binary, work, archive.root, tls=False))]
    if storebench.ORTHANC.exists() and dicomweb.DICOMWEB_PLUGIN.exists():
        servers.append((ORTHANC, lambda: dicomweb.orthanc(work, archive.root)))
    else:
        out["missing"].append(ORTHANC)
    for name, start in servers:
        try:
            log(f"{name}: loading {len(archive.instances)} instances …")
            with start() as server:
                out["load_seconds"][name] = server.load_seconds
                log(f"{name}: C-FIND …")
                out["cfind"][name], peak = cfind_latency(server.dicom_port, server.called_ae, queries, repeat, server.proc)
                log(f"{name}: QIDO-RS and WADO-RS …")
                out["qido"][name] = qido_figures(server, archive, sizes.queries, sizes.wado_studies)
                out["peak_rss_mb"][name] = max(filter(None, [peak, procstats.peak_rss_mb(server.proc.pid)]), default=None)
        except Exception as error:  # noqa: BLE001 - one server's failure is recorded; the others still run
            log(f"{name} FAILED: {error}")
            out["server_failures"][name] = f"{type(error).__name__}: {error}"
            out["cfind"].pop(name, None)
            out["qido"].pop(name, None)
    log(f"{DCMQRSCP}: indexing {min(len(archive.instances), DCMQRSCP_MAX_INSTANCES)} instances …")
    try:
        with dcmqrscp_loaded(work, archive) as peer:
            out["load_seconds"][DCMQRSCP] = peer.extra["load_seconds"]
            out["held"] = {DCMQRSCP: peer.extra["instances"]}
            log(f"{DCMQRSCP}: C-FIND …")
            out["cfind"][DCMQRSCP], out["peak_rss_mb"][DCMQRSCP] = cfind_latency(peer.port, peer.ae, queries, repeat, peer.proc)
    except Exception as error:  # noqa: BLE001 - as above
        log(f"{DCMQRSCP} FAILED: {error}")
        out["server_failures"][DCMQRSCP] = f"{type(error).__name__}: {error}"
        out["cfind"].pop(DCMQRSCP, None)
    shutil.rmtree(work / "dcmqrscp", ignore_errors=True)
    return out


# --- the machine and the peers -------------------------------------------------------------------


def command_output(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine(work: Path) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:"))
    source = command_output("findmnt", "-no", "SOURCE,FSTYPE", "-T", str(work))
    device = source.split()[0] if source else ""
    model = command_output("lsblk", "-dno", "MODEL", device) if device.startswith("/dev/") else ""
    rotational = command_output("lsblk", "-dno", "ROTA", device) if device.startswith("/dev/") else ""
    kind = {"0": "reported non-rotational", "1": "reported rotational"}.get(rotational, "")
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem_kib / 1024 / 1024, 1), "kernel": platform.release(),
            "disk": ", ".join(filter(None, [source, model, kind])) or "unknown", "work_folder": str(work)}


def versions(binary: Path) -> dict:
    packages = {}
    for package in ("orthanc", "orthanc-dicomweb", "dcmtk"):
        packages[package] = command_output("dpkg-query", "-W", "-f", "${Version}", package) or "not installed"
    import pynetdicom
    packages["pynetdicom (client)"] = pynetdicom.__version__
    packages["rampart"] = f"{binary} (commit {command_output('git', '-C', str(REPO), 'rev-parse', '--short', 'HEAD') or 'unknown'})"
    return packages


# --- main ------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rampart", type=Path, default=REPO / ".build" / "release" / "rampart", help="the rampart binary (default: the release build)")
    parser.add_argument("--quick", action="store_true", help="small counts, to check the pipeline end to end (figures are not the real ones)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is reported (default 3)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "performance.md", help="the Markdown report; the JSON and PNG go beside it")
    parser.add_argument("--work", type=Path, default=REPO / ".build" / "bench", help="where servers write: the disk measured (default .build/bench)")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds allowed for one ingest run")
    parser.add_argument("--only", nargs="+", choices=["limits", "ingest", "query", "scale"],
                        help="run only these sections (the report says the others were not run)")
    parser.add_argument("--scale-instances", type=int, help="instances bulk-loaded for the scale section (default 1,000,000; --quick 2,000)")
    args = parser.parse_args()

    binary = args.rampart.resolve()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        parser.error(f"--rampart {args.rampart}: not an executable file (swift build -c release)")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    sizes = QUICK if args.quick else FULL
    if args.scale_instances:
        sizes = dataclasses.replace(sizes, scale_instances=args.scale_instances)
    args.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="suite-", dir=args.work))
    began = time.perf_counter()
    report = {"quick": args.quick, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "commit": command_output("git", "-C", str(REPO), "rev-parse", "HEAD"), "machine": machine(work),
              "versions": versions(binary), "sizes": sizes.__dict__, "elapsed_seconds": {}}
    raw = args.out.with_suffix(".json")
    raw.parent.mkdir(parents=True, exist_ok=True)
    sections = (("limits", lambda: disk_limits(work / "limits", sizes)),
                ("ingest", lambda: ingest_figures(binary, work / "ingest", sizes, args.repeat, args.timeout)),
                ("query", lambda: query_figures(binary, work / "query", sizes, args.repeat)),
                ("scale", lambda: scale.scale_figures(binary, work / "scale", sizes.scale_instances, sizes.scale_queries, args.repeat,
                                                      cfind_latency)))
    try:
        for section, measure in sections:
            if args.only and section not in args.only:
                continue
            log(f"== {section}")
            started = time.perf_counter()
            try:
                report[section] = measure()
            except Exception as error:  # noqa: BLE001 - recorded in the report, and the next section runs
                log(f"== {section} FAILED:\n{traceback.format_exc()}")
                report[section] = {"failed": f"{type(error).__name__}: {error}"}
            report["elapsed_seconds"][section] = round(time.perf_counter() - started, 1)
            # after each section: a later failure (or a kill) must not lose the figures so far
            raw.write_text(json.dumps(report, indent=1) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report["elapsed_seconds"]["total"] = round(time.perf_counter() - began, 1)
    raw.write_text(json.dumps(report, indent=1) + "\n")  # first: the figures survive a failing report
    written = performance_report.write(report, args.out)
    log("wrote " + ", ".join(str(p) for p in [raw, *written]))
    failed = [name for name, _ in sections if isinstance(report.get(name), dict) and "failed" in report[name]]
    if failed:
        log(f"failed sections (recorded in the report): {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
