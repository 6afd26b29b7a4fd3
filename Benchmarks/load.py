"""Load on `rampart serve`: many concurrent associations storing and querying, then QIDO-RS under
`wrk`. A benchmark, not a test: it reports figures and asserts nothing about time.

    .venv/bin/python Benchmarks/load.py [--rampart .build/debug/rampart] [--associations 200]
        [--stores 3] [--finds 3] [--max-associations 128] [--wrk-seconds 20] [--wrk-connections 32]

DIMSE: `--associations` threads (pynetdicom) each open an association at the same instant
(a barrier), send `--stores` C-STORE-RQs of their own synthetic instances and `--finds`
Study Root C-FINDs, and release. The server is configured with `dicom.limits.max_associations`
= `--max-associations`, the per-host limits out of the way (every peer is 127.0.0.1): the
associations above that limit are expected to get A-ASSOCIATE-RJ (local limit exceeded) and
are counted as rejects, not errors, as serve's log counts them: pynetdicom, with 200 threads at
once, misses some of the rejections that arrive at once and reports those associations aborted
(DCMTK's echoscu sees every one); both counts are printed. Each association's responses go
through suite.keep_responses (pynetdicom issue 875, a response taken by the wrong thread).
Reported: C-STORE and C-FIND p50/p99 (a C-FIND's time runs to its final response), errors
(failed statuses, aborts, refused connections), rejects, and the server's resident memory
before and after (VmRSS) and its peak (VmHWM).

HTTP: `wrk` (Debian `wrk`) on QIDO-RS /studies with a bearer token (`rampart token issue`),
reporting requests/s, p50/p99 and the count of each response status; responses over the
per-host limit (`http.requests_per_minute_per_host`, `--requests-per-minute`) are the
limiter's refusals (429 with Retry-After, or 503), counted, not errors.

Label the figures with the build measured: the debug build is several times slower than the
release build (`swift build -c release`, `--rampart .build/release/rampart`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "interop"))

from pydicom import dcmread  # noqa: E402
from pydicom.dataset import Dataset  # noqa: E402
from pynetdicom import AE  # noqa: E402
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind  # noqa: E402

import netdata  # noqa: E402
import netserve  # noqa: E402
from suite import keep_responses  # noqa: E402
from netpeers import HOST  # noqa: E402

CALLING_AE = "LOAD"
USER = "loadtest"
# wrk's script: counts every status over all its threads and prints the latency percentiles.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
  end
  for status, count in pairs(total) do io.write(string.format("status %d %d\\n", status, count)) end
  io.write(string.format("requests %d seconds %.3f\\n", summary.requests, summary.duration / 1e6))
  io.write(string.format("latency p50 %d p99 %d\\n", latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Tally:
    """What the association threads saw, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    store_ms: list[float] = field(default_factory=list)
    find_ms: list[float] = field(default_factory=list)
    established: int = 0
    rejected: int = 0
    # Neither accepted nor rejected as pynetdicom sees it: it can miss an A-ASSOCIATE-RJ that
    # arrives at once and report the association aborted (DCMTK's echoscu sees every one).
    unanswered: int = 0
    errors: list[str] = field(default_factory=list)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def server_memory_mb(wrapper_pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of the rampart process under the /usr/bin/timeout wrapper, in MB."""
    children = Path(f"/proc/{wrapper_pid}/task/{wrapper_pid}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text()
    kib = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM"))}
    return kib["VmRSS"] / 1024, kib["VmHWM"] / 1024


def association_worker(server, instances: list[netdata.Instance], finds: int, barrier: threading.Barrier, tally: Tally) -> None:
    ae = AE(ae_title=CALLING_AE)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 120
    for sop_class in sorted({i.sop_class_uid for i in instances}):
        ae.add_requested_context(sop_class, sorted({i.transfer_syntax for i in instances}))
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    datasets = [dcmread(i.path) for i in instances]
    barrier.wait()
    try:
        assoc = ae.associate(HOST, server.port, ae_title=server.ae)
    except Exception as error:  # noqa: BLE001 - a refused connection is an error to count
        tally.error(f"connect: {error}")
        return
    if assoc.is_rejected:
        with tally.lock:
            tally.rejected += 1
        return
    if not assoc.is_established:
        with tally.lock:
            tally.unanswered += 1
        return
    # 128 reactor threads race their senders for responses: pynetdicom issue 875 (see suite.py).
    keep_responses(assoc)
    with tally.lock:
        tally.established += 1
    try:
        for dataset in datasets:
            began = time.perf_counter()
            status = assoc.send_c_store(dataset)
            elapsed = (time.perf_counter() - began) * 1000
            if not status or status.Status != 0x0000:
                tally.error(f"C-STORE status {getattr(status, 'Status', None)}")
                continue
            with tally.lock:
                tally.store_ms.append(elapsed)
        for n in range(finds):
            identifier = study_query(instances[n % len(instances)])
            began = time.perf_counter()
            final = None
            for status, _ in assoc.send_c_find(identifier, StudyRootQueryRetrieveInformationModelFind):
                final = status
            elapsed = (time.perf_counter() - began) * 1000
            if not final or final.Status != 0x0000:
                tally.error(f"C-FIND status {getattr(final, 'Status', None)}")
                continue
            with tally.lock:
                tally.find_ms.append(elapsed)
    finally:
        if assoc.is_established:
            assoc.release()


def study_query(instance: netdata.Instance) -> Dataset:
    """A study-level C-FIND by the instance's Patient ID, returning a few attributes."""
    identifier = Dataset()
    identifier.QueryRetrieveLevel = "STUDY"
    identifier.PatientID = instance.patient_id
    identifier.StudyInstanceUID = ""
    identifier.StudyDate = ""
    identifier.PatientName = ""
    return identifier


def dimse_load(server, collection: netdata.Archive, associations: int, stores: int, finds: int) -> Tally:
    instances = sorted(collection.instances, key=lambda i: i.sop_instance_uid)
    tally = Tally()
    barrier = threading.Barrier(associations)
    threads = [threading.Thread(target=association_worker,
                                args=(server, instances[n * stores:(n + 1) * stores], finds, barrier, tally), daemon=True)
               for n in range(associations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        tally.error(f"{stuck} association threads did not end in 900 s")
    return tally


def wrk_load(server, token: str, seconds: int, connections: int, folder: Path) -> dict:
    script = folder / "statuses.lua"
    script.write_text(WRK_SCRIPT)
    url = netserve.dicomweb_url(server) + "/studies?limit=20"
    result = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
                             "-H", f"Authorization: Bearer {token}", "-H", "Accept: application/dicom+json",
                             "-s", str(script), url], capture_output=True, text=True, timeout=seconds + 120, check=False)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed: {result.stderr or result.stdout}")
    statuses = {int(s): int(c) for s, c in re.findall(r"^status (\d+) (\d+)$", result.stdout, re.M)}
    requests, duration = re.search(r"^requests (\d+) seconds ([\d.]+)$", result.stdout, re.M).groups()
    p50, p99 = re.search(r"^latency p50 (\d+) p99 (\d+)$", result.stdout, re.M).groups()
    errors = re.search(r"Socket errors: (.*)$", result.stdout, re.M)
    return {"requests": int(requests), "per_second": int(requests) / float(duration), "p50_ms": int(p50) / 1000,
            "p99_ms": int(p99) / 1000, "statuses": statuses, "socket_errors": errors.group(1) if errors else "none"}


def configure(rampart: Path, data: Path, max_associations: int, requests_per_minute: int) -> str:
    """An initialized data folder with the limits of this run, the calling AE, and a user's token."""
    netserve.run(rampart, "init", "--data-dir", data, check=True)
    config = data / "rampart.yaml"
    text = config.read_text()
    for key, value in (("max_associations", max_associations), ("max_associations_per_host", max_associations),
                       ("associations_per_minute_per_host", 100_000), ("requests_per_minute_per_host", requests_per_minute)):
        text, replaced = re.subn(rf"^(\s+{key}:) \d+$", rf"\1 {value}", text, flags=re.M)
        assert replaced == 1, f"{key} not in rampart.yaml"
    # No self-scan: its probes would count against the limits and the figures.
    config.write_text(text + "\nself_scan:\n  at_start: false\n")
    netserve.register(rampart, data, CALLING_AE, host=HOST)
    netserve.run(rampart, "user", "add", USER, "--role", "radiologist", "--data-dir", data, check=True)
    return netserve.run(rampart, "token", "issue", "--user", USER, "--data-dir", data, check=True).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rampart", type=Path, default=REPO / ".build" / "debug" / "rampart")
    parser.add_argument("--associations", type=int, default=200)
    parser.add_argument("--stores", type=int, default=3, help="C-STOREs per association")
    parser.add_argument("--finds", type=int, default=3, help="C-FINDs per association")
    parser.add_argument("--max-associations", type=int, default=128, help="dicom.limits.max_associations of the server")
    parser.add_argument("--requests-per-minute", type=int, default=6000, help="http.requests_per_minute_per_host")
    parser.add_argument("--wrk-seconds", type=int, default=20)
    parser.add_argument("--wrk-connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (Scripts/install-deps.sh installs it)")
    build = "debug" if "/debug/" in str(args.rampart.resolve()) else "release" if "/release/" in str(args.rampart.resolve()) else "unknown"

    with tempfile.TemporaryDirectory(prefix="rampart-load-") as scratch:
        folder = Path(scratch)
        collection = netdata.make_collection(folder / "collection", instances=args.associations * args.stores)
        data = folder / "data"
        token = configure(args.rampart, data, args.max_associations, args.requests_per_minute)
        with netserve.serve(args.rampart, data, folder / "serve.log", lifetime=3600) as server:
            rss_before, _ = server_memory_mb(server.proc.pid)
            began = time.monotonic()
            tally = dimse_load(server, collection, args.associations, args.stores, args.finds)
            dimse_seconds = time.monotonic() - began
            # The server's own count of A-ASSOCIATE-RJ over max_associations.
            refused = server.log_text(10_000_000).count("the server's limit (max_associations)")
            rss_after_dimse, _ = server_memory_mb(server.proc.pid)
            http = wrk_load(server, token, args.wrk_seconds, args.wrk_connections, folder)
            rss_after, peak = server_memory_mb(server.proc.pid)
            alive = server.proc.poll() is None

    print(f"load ({build} build, {os.cpu_count()} cores, rampart {args.rampart})")
    print(f"DIMSE: {args.associations} concurrent associations (max_associations {args.max_associations}), "
          f"{args.stores} C-STORE + {args.finds} C-FIND each, {dimse_seconds:.1f} s")
    print(f"  established {tally.established}, rejected with A-ASSOCIATE-RJ {refused} (serve's log; pynetdicom saw {tally.rejected} "
          f"and {tally.unanswered} as aborted), errors {len(tally.errors)}")
    for text, count in sorted({e: tally.errors.count(e) for e in tally.errors}.items()):
        print(f"    {count} x {text}")
    print(f"  C-STORE: {len(tally.store_ms)} ok, p50 {percentile(tally.store_ms, 0.5):.1f} ms, p99 {percentile(tally.store_ms, 0.99):.1f} ms"
          + (f", mean {statistics.fmean(tally.store_ms):.1f} ms" if tally.store_ms else ""))
    print(f"  C-FIND: {len(tally.find_ms)} ok, p50 {percentile(tally.find_ms, 0.5):.1f} ms, p99 {percentile(tally.find_ms, 0.99):.1f} ms")
    print(f"HTTP QIDO-RS /studies (wrk, {args.wrk_connections} connections, {args.wrk_seconds} s, "
          f"requests_per_minute_per_host {args.requests_per_minute}):")
    print(f"  {http['requests']} requests, {http['per_second']:.0f}/s, p50 {http['p50_ms']:.1f} ms, p99 {http['p99_ms']:.1f} ms, "
          f"socket errors {http['socket_errors']}")
    print("  statuses: " + ", ".join(f"{status}: {count}" for status, count in sorted(http["statuses"].items())))
    print(f"serve RSS: {rss_before:.0f} MB before, {rss_after_dimse:.0f} MB after DIMSE, {rss_after:.0f} MB after HTTP, "
          f"peak {peak:.0f} MB; {'still serving' if alive else 'EXITED'}")
    return 0 if alive else 1


if __name__ == "__main__":
    sys.exit(main())
