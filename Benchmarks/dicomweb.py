"""DICOMweb latency and throughput: Rampart next to Orthanc with its DICOMweb plugin (Debian
`orthanc` and `orthanc-dicomweb`), on the same synthetic instances, in the same run.

    .venv/bin/python Benchmarks/dicomweb.py [--instances 20000] [--repeat 50]

Both servers hold the same generated collection (`netdata.collection_cached`): Rampart by
`rampart import`, Orthanc by storescu. Both require a credential (a bearer token for Rampart,
HTTP Basic for Orthanc's registered user) and are measured over plain HTTP on loopback, so
that neither pays for TLS; Rampart over HTTPS is measured too. Each QIDO-RS query runs
`--repeat` times after one warm-up, on one keep-alive connection; the table gives its p50
and p95 in milliseconds and the number of answers, which must be equal for both servers.
WADO-RS retrieves whole studies as multipart/related and counts instances per second, when
the Rampart under test serves it. Needs the release build (`swift build -c release`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "interop"))
sys.path.insert(0, str(REPO / "Benchmarks"))

import netdata  # noqa: E402
import netpeers  # noqa: E402
import netserve  # noqa: E402
from storebench import ORTHANC, parallel_storescu, split  # noqa: E402

DICOMWEB_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
ORTHANC_USER, ORTHANC_PASSWORD = "bench", "bench-password"
CALLING_AE = "BENCH"


@dataclass
class Loaded:
    """A server holding the collection: its DICOMweb base URL and an authenticated session, and
    its DICOM port and called AE (the calling AE `CALLING_AE` may query), for Benchmarks/suite.py's
    C-FIND figures on the same server; `proc` is its process (group leader)."""

    base: str
    session: requests.Session
    dicom_port: int
    called_ae: str
    proc: subprocess.Popen
    load_seconds: float


@contextlib.contextmanager
def rampart(binary: Path, work: Path, collection: Path, *, tls: bool):
    """`rampart serve` on a folder holding the collection. Without `tls` the folder has no
    certificate (no `rampart init`), so HTTP is plain on loopback."""
    data = work / ("rampart-tls" if tls else "rampart")
    if tls:
        subprocess.run([str(binary), "init", "--data-dir", str(data)], check=True, capture_output=True)
    subprocess.run([str(binary), "user", "add", "bench", "--role", "radiologist", "--data-dir", str(data)], check=True, capture_output=True)
    subprocess.run([str(binary), "ae", "add", CALLING_AE, "--host", "127.0.0.1", "--port", "104", "--data-dir", str(data)],
                   check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([str(binary), "import", "--quiet", "--data-dir", str(data), str(collection)], check=True, capture_output=True)
    load_seconds = time.perf_counter() - started
    print(f"  rampart import: {load_seconds:.1f} s", flush=True)
    token = subprocess.run([str(binary), "token", "issue", "--user", "bench", "--ttl", "4h", "--data-dir", str(data)],
                           check=True, capture_output=True, text=True).stdout.strip()
    port, http_port = netpeers.free_port(), netpeers.free_port()
    log = work / ("rampart-tls.log" if tls else "rampart.log")
    proc = netpeers.spawn([str(binary), "serve", "--data-dir", str(data), "--dicom-port", str(port), "--dicom-tls-port", "0",
                           "--http-port", str(http_port)], log=log, lifetime=7200)
    try:
        netpeers.wait_for_port(proc, http_port, "rampart serve", log, timeout=120)
        # its start-up self-scan probes its own listeners: let it end before anything is timed
        netserve.wait_for_self_scan(proc, log, timeout=120)
        session = requests.Session()
        session.trust_env = False
        session.headers["Authorization"] = f"Bearer {token}"
        if tls:
            session.verify = str(data / "tls" / "ca.pem")
        yield Loaded(f"{'https' if tls else 'http'}://127.0.0.1:{http_port}/dicomweb", session, port, "RAMPART", proc, load_seconds)
    finally:
        netpeers.stop_process(proc)


@contextlib.contextmanager
def orthanc(work: Path, collection: Path):
    """Orthanc with the DICOMweb plugin, authentication on (one registered user), loaded with
    the collection over DICOM (storescu, four associations)."""
    folder = work / "orthanc"
    (folder / "storage").mkdir(parents=True)
    dicom_port, http_port = netpeers.free_port(), netpeers.free_port()
    config = {
        "Name": "RampartBenchmark", "StorageDirectory": str(folder / "storage"), "IndexDirectory": str(folder / "storage"),
        "StorageCompression": False, "DicomServerEnabled": True, "DicomAet": "ORTHANC", "DicomPort": dicom_port,
        "DicomCheckCalledAet": False, "DicomAlwaysAllowStore": True, "DicomAlwaysAllowFind": True, "HttpServerEnabled": True, "HttpPort": http_port,
        "RemoteAccessAllowed": False, "AuthenticationEnabled": True, "RegisteredUsers": {ORTHANC_USER: ORTHANC_PASSWORD},
        "Plugins": [str(DICOMWEB_PLUGIN)], "DicomWeb": {"Enable": True, "Root": "/dicom-web/"},
    }
    (folder / "orthanc.json").write_text(json.dumps(config, indent=2))
    log = folder / "orthanc.log"
    proc = netpeers.spawn([str(ORTHANC), str(folder / "orthanc.json")], log=log, env=netpeers.dcmtk_env(), cwd=folder, lifetime=7200)
    try:
        netpeers.wait_for_port(proc, http_port, "Orthanc", log, timeout=60)
        netpeers.wait_for_port(proc, dicom_port, "Orthanc", log, timeout=60)
        files = netdata.dicom_files(collection)
        seconds, runs = parallel_storescu("127.0.0.1", dicom_port, "ORTHANC", split(files, 4), timeout=7200)
        failed = [r for r in runs if r.returncode != 0]
        print(f"  orthanc storescu: {len(files)} files in {seconds:.1f} s" + (f", {len(failed)} storescu runs failed" if failed else ""), flush=True)
        session = requests.Session()
        session.trust_env = False
        session.auth = (ORTHANC_USER, ORTHANC_PASSWORD)
        yield Loaded(f"http://127.0.0.1:{http_port}/dicom-web", session, dicom_port, "ORTHANC", proc, seconds)
    finally:
        netpeers.stop_process(proc)


def queries(archive: netdata.Archive, rng: random.Random) -> list[tuple[str, str]]:
    """The QIDO-RS searches: (label, path and query) against the collection."""
    studies = archive.records("STUDY")
    study = rng.choice(studies)
    series = rng.choice([s for s in archive.records("SERIES") if s["StudyInstanceUID"] == study["StudyInstanceUID"]])
    # A plain ASCII family name: servers differ on spaces and character sets in PN wildcards.
    family = next(r["PatientName"].split("^")[0] for r in studies if r["PatientName"].split("^")[0].isascii()
                  and r["PatientName"].split("^")[0].isalpha())
    year = study["StudyDate"][:4]
    return [
        ("studies by PatientID", f"/studies?PatientID={study['PatientID']}"),
        ("studies by name prefix", f"/studies?PatientName={family[:3]}*"),
        ("studies in a year, 100", f"/studies?StudyDate={year}0101-{year}1231&limit=100"),
        ("studies, first 100", "/studies?limit=100"),
        ("series of a study", f"/studies/{study['StudyInstanceUID']}/series"),
        ("instances of a series", f"/studies/{study['StudyInstanceUID']}/series/{series['SeriesInstanceUID']}/instances"),
        ("series by Modality, 100", "/series?Modality=CT&limit=100"),
    ]


def measure(base: str, session: requests.Session, path: str, repeat: int) -> tuple[list[float], int]:
    """Milliseconds of each of `repeat` runs (after one warm-up), and the number of answers."""
    headers = {"Accept": "application/dicom+json"}
    first = session.get(base + path, headers=headers, timeout=120)
    first.raise_for_status()
    answers = len(first.json()) if first.status_code == 200 and first.content else 0
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = session.get(base + path, headers=headers, timeout=120)
        response.raise_for_status()
        _ = response.content
        times.append((time.perf_counter() - start) * 1000)
    return times, answers


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


@dataclass
class Retrieval:
    """WADO-RS of whole studies: instances and bytes received and the seconds taken, or why the
    server did not serve it (`refused`, its HTTP status)."""

    instances: int = 0
    bytes: int = 0
    seconds: float = 0.0
    refused: int | None = None


def retrieve(base: str, session: requests.Session, study_uids: list[str]) -> Retrieval:
    """WADO-RS: whole studies as multipart/related, one after the other."""
    count, size, start = 0, 0, time.perf_counter()
    for uid in study_uids:
        response = session.get(f"{base}/studies/{uid}", headers={"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'},
                               timeout=600)
        if response.status_code in (404, 405, 406):
            return Retrieval(refused=response.status_code)
        response.raise_for_status()
        boundary = response.headers["Content-Type"].split("boundary=")[1].split(";")[0].strip('"')
        count += response.content.count(b"--" + boundary.encode()) - 1
        size += len(response.content)
    return Retrieval(count, size, time.perf_counter() - start)


def retrieve_rate(base: str, session: requests.Session, study_uids: list[str]) -> str:
    """`retrieve` as text: instances per second over all the studies."""
    got = retrieve(base, session, study_uids)
    if got.refused is not None:
        return f"not served ({got.refused})"
    return f"{got.instances / got.seconds:,.0f} instances/s ({got.instances} in {got.seconds:.1f} s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--studies", type=int, default=20, help="studies retrieved by WADO-RS")
    parser.add_argument("--binary", type=Path, default=REPO / ".build" / "release" / "rampart")
    args = parser.parse_args()
    if not args.binary.exists():
        print(f"{args.binary} is missing: swift build -c release", file=sys.stderr)
        return 2
    print(f"generating or reading {args.instances} instances …", flush=True)
    archive = netdata.collection_cached(args.instances)
    rng = random.Random(7)
    searches = queries(archive, rng)
    study_uids = rng.sample([s["StudyInstanceUID"] for s in archive.records("STUDY")], args.studies)
    with tempfile.TemporaryDirectory(prefix="rampart-dicomweb-bench.") as scratch:
        work = Path(scratch)
        results: dict[str, dict[str, tuple[float, float, int]]] = {}
        rates: dict[str, str] = {}
        targets = [("rampart (HTTP)", lambda: rampart(args.binary, work, archive.root, tls=False)),
                   ("rampart (HTTPS)", lambda: rampart(args.binary, work, archive.root, tls=True))]
        if ORTHANC.exists() and DICOMWEB_PLUGIN.exists():
            targets.append(("orthanc 1.10 + dicomweb 1.7 (HTTP)", lambda: orthanc(work, archive.root)))
        else:
            print("Orthanc or its DICOMweb plugin is missing: apt-get install orthanc orthanc-dicomweb", flush=True)
        for name, start in targets:
            print(f"{name}:", flush=True)
            with start() as server:
                results[name] = {}
                for label, path in searches:
                    times, answers = measure(server.base, server.session, path, args.repeat)
                    results[name][label] = (percentile(times, 0.5), percentile(times, 0.95), answers)
                rates[name] = retrieve_rate(server.base, server.session, study_uids)
    names = [name for name, _ in targets]
    print(f"\nQIDO-RS at {args.instances} instances, {args.repeat} runs each: p50 / p95 ms (answers)")
    width = max(len(label) for label, _ in searches) + 2
    print("query".ljust(width) + "".join(name.ljust(36) for name in names))
    for label, _ in searches:
        print(label.ljust(width) + "".join(f"{results[n][label][0]:7.1f} / {results[n][label][1]:7.1f}  ({results[n][label][2]})".ljust(36) for n in names))
    all_p50 = {n: statistics.median([results[n][label][0] for label, _ in searches]) for n in names}
    print("median of p50s".ljust(width) + "".join(f"{all_p50[n]:7.1f}".ljust(36) for n in names))
    print(f"\nWADO-RS, {args.studies} whole studies")
    for name in names:
        print(f"  {name}: {rates[name]}")
    mismatched = [label for label, _ in searches if len({results[n][label][2] for n in names}) > 1]
    if mismatched:
        print(f"\nanswer counts differ for: {', '.join(mismatched)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
