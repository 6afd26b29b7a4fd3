"""C-FIND at index scale: `rampart serve` on an index filled by `rampart index bulk-load` (no
objects, one transaction per 5,000 instances) with the benchmark generator's distribution, on
the embedded SQLite index and on PostgreSQL (Scripts/test-postgres.sh's private cluster, a schema
of its own per run). STUDY-level queries over one pynetdicom association (suite.cfind_latency):
exact Patient ID, a family-name prefix, a year's date range; and serve's peak RSS holding it.

    .venv/bin/python Benchmarks/scale.py --rampart .build/debug/rampart --instances 100000

A bulk-loaded archive is for query benchmarks only: its index rows point at objects that were
never written, so a retrieve of them fails and serve's start-up recovery counts them as missing.
Run from suite.py as its "scale" section (1,000,000 instances; --quick: 2,000).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "interop"))
sys.path.insert(0, str(REPO / "Benchmarks"))

import dicomweb  # noqa: E402
import netdata  # noqa: E402
import netpeers  # noqa: E402
import netserve  # noqa: E402

POSTGRES_SCRIPT = REPO / "Scripts" / "test-postgres.sh"
SQLITE = "SQLite (embedded)"
POSTGRES = "PostgreSQL 15"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def postgres_url() -> tuple[str | None, str]:
    """The private test cluster's URL (started when needed), or None and why not."""
    if not Path("/usr/lib/postgresql/15/bin/initdb").exists():
        return None, "not installed (Debian postgresql 15)"
    result = subprocess.run([str(POSTGRES_SCRIPT), "start"], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        return None, f"Scripts/test-postgres.sh start failed: {result.stderr.strip()[-300:]}"
    return result.stdout.strip().splitlines()[-1], ""


def bulk_load(binary: Path, data: Path, instances: int, index: str | None) -> dict:
    """A data folder whose index holds `instances` bulk-loaded instances; the loader's summary."""
    data.mkdir(parents=True)
    if index:
        (data / "rampart.yaml").write_text(f"archive:\n  index: {index}\n")
    subprocess.run([str(binary), "ae", "add", dicomweb.CALLING_AE, "--host", "127.0.0.1", "--port", "104", "--data-dir", str(data)],
                   check=True, capture_output=True)
    result = subprocess.run([str(binary), "index", "bulk-load", "--count", str(instances), "--data-dir", str(data)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise netpeers.PeerError(f"rampart index bulk-load failed (exit {result.returncode}): {result.stderr.strip()[-500:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def serving(binary: Path, data: Path, log_path: Path):
    """`rampart serve` on `data`; yields (process, port, seconds from start to listening)."""
    port = netpeers.free_port()
    started = time.perf_counter()
    proc = netpeers.spawn([str(binary), "serve", "--data-dir", str(data), "--dicom-port", str(port), "--dicom-tls-port", "0",
                           "--http-port", "0"], log=log_path, lifetime=7200)
    try:
        netpeers.wait_for_port(proc, port, "rampart serve", log_path, timeout=1800)
        ready = time.perf_counter() - started
        netserve.wait_for_self_scan(proc, log_path, timeout=600)
        yield proc, port, ready
    finally:
        netpeers.stop_process(proc)


def queries(loaded: dict, count: int, seed: int = 7) -> dict[str, list[dict]]:
    """suite.cfind_queries' three kinds over the bulk-loaded distribution: its Patient IDs
    (RMP<seed>-C<n>, n from 1), the generator's plain ASCII family names, its years."""
    rng = random.Random(seed)
    families = sorted({f for f in netdata.COLLECTION_FAMILY_NAMES if f.isascii() and f.isalpha() and len(f) >= 3})
    returned = {"StudyInstanceUID": "", "PatientName": "", "StudyDescription": "", "AccessionNumber": ""}
    return {
        "exact Patient ID": [returned | {"PatientID": loaded["patient_id_format"] % rng.randint(1, loaded["patients"]), "StudyDate": ""}
                             for _ in range(count)],
        "name prefix (ABC*)": [returned | {"PatientName": rng.choice(families)[:3] + "*", "PatientID": "", "StudyDate": ""}
                               for _ in range(count)],
        "date range (a year)": [returned | {"StudyDate": f"{y}0101-{y}1231", "PatientID": ""}
                                for y in (rng.randint(2014, 2024) for _ in range(count))],
    }


def scale_figures(binary: Path, work: Path, instances: int, queries_per_batch: int, repeat: int, cfind_latency) -> dict:
    """Per back end: the bulk load (seconds, instances/s), serve's time to listen on it, the
    C-FIND figures and serve's peak RSS; a back end that fails is recorded with why."""
    work.mkdir(parents=True)
    out = {"instances": instances, "queries_per_batch": queries_per_batch, "repeat": repeat, "backends": {}}
    url, why = postgres_url()
    backends = [(SQLITE, None), (POSTGRES, url and f"{url}?schema=bench_{uuid.uuid4().hex[:12]}")]
    for name, index in backends:
        if name == POSTGRES and not url:
            out["backends"][name] = {"failed": why}
            continue
        folder = work / name.split()[0].lower()
        try:
            log(f"scale, {name}: bulk-loading {instances:,} instances …")
            loaded = bulk_load(binary, folder / "data", instances, index)
            log(f"scale, {name}: {loaded['instances_per_s']:,.0f} instances/s; serving …")
            with serving(binary, folder / "data", folder / "serve.log") as (proc, port, ready):
                figures, peak = cfind_latency(port, "RAMPART", queries(loaded, queries_per_batch), repeat, proc)
            out["backends"][name] = {"load": loaded, "serve_ready_seconds": round(ready, 1), "cfind": figures, "peak_rss_mb": peak}
        except (netpeers.PeerError, subprocess.SubprocessError, OSError, ValueError, KeyError) as error:
            out["backends"][name] = {"failed": f"{type(error).__name__}: {error}"}
    return out


def main() -> int:
    import suite

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rampart", type=Path, required=True)
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work", type=Path, default=REPO / ".build" / "bench" / "scale")
    args = parser.parse_args()
    work = args.work / time.strftime("%Y%m%d-%H%M%S")
    print(json.dumps(scale_figures(args.rampart.resolve(), work, args.instances, args.queries, args.repeat, suite.cfind_latency), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
