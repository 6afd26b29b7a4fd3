#!/usr/bin/env python3
"""Ingest rate of `rampart serve` next to DCMTK's storescp (and Orthanc when installed): the
same generated files sent with one association, then with four at once.

    .venv/bin/python Benchmarks/ingest.py --rampart .build/release/rampart

It builds nothing: pass the rampart binary you built (`swift build -c release`). The files
are the generator's (Scripts/generate-test-data.py: by default 1,000 instances of several
patients, studies and modalities, 8 to 33 KB each), made once into .build/interop-data and
reused. For each server and each association count, the server starts on a fresh data folder
and a free loopback port; /usr/bin/storescu (TCP_NODELAY=1, default proposals) sends every
file, with one process per association, each a quarter of the files when there are four;
the time from the first storescu start to the last storescu end is what is measured; then
the server is stopped and what it stored is counted.

* rampart serve: `--data-dir` fresh, the calling AE `BENCH` registered for 127.0.0.1 first.
  Every success it answers means the object and its index entry are on disk (fsync'ed).
* storescp: `--fork` (a process per association, so four are served at once), writing the
  files as they come; it does not fsync and keeps no index.
* Orthanc (/usr/sbin/Orthanc): as Benchmarks/store_throughput.py runs it.

Not part of `make test`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

from storebench import ORTHANC, CALLING_AE, exit_status, measure, orthanc, print_table, split

import netdata  # noqa: E402 - on the path through storebench
import netpeers  # noqa: E402
import netserve  # noqa: E402


@contextlib.contextmanager
def rampart_serve(binary: Path, work: Path):
    data = work / "data"
    netserve.register(binary, data, CALLING_AE)
    with netserve.serve(binary, data, work / "serve.log", lifetime=3600) as peer:
        peer.store_dir = netserve.blob_root(data)
        peer.audit_log = data / "audit" / "audit.sqlite"
        yield peer


@contextlib.contextmanager
def storescp(work: Path):
    with netpeers.storescp(work / "storescp", accept_all=False, fork=True, lifetime=3600) as peer:
        yield peer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rampart", required=True, type=Path, help="the built rampart binary (release)")
    parser.add_argument("--instances", type=int, default=1000, help="number of generated instances (default 1000)")
    parser.add_argument("--seed", type=int, default=netdata.DEFAULT_SEED)
    parser.add_argument("--associations", default="1,4", help="association counts to run, comma-separated (default 1,4)")
    parser.add_argument("--work", type=Path, help="temporary folder for what the servers write (default: a new one in $TMPDIR)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed for one run")
    args = parser.parse_args()

    binary = args.rampart.resolve()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        parser.error(f"--rampart {args.rampart}: not an executable file (build it first)")
    counts = [int(n) for n in args.associations.split(",")]

    print(f"generating or reusing {args.instances} instances …", file=sys.stderr, flush=True)
    collection = netdata.collection_cached(args.instances, args.seed)
    files = sorted(i.path for i in collection.instances)
    total_bytes = sum(p.stat().st_size for p in files)
    print(f"files: {collection.root} ({netdata.describe_counts(collection)}, {total_bytes / 1e6:.1f} MB)", file=sys.stderr)

    targets = [("rampart serve", lambda w: rampart_serve(binary, w)), ("dcmtk storescp", storescp)]
    if ORTHANC.exists():
        targets.append(("orthanc", orthanc))
    work_root = Path(tempfile.mkdtemp(prefix="rampart-ingest-", dir=args.work))
    rows: list[tuple[str, str]] = []
    try:
        for associations in counts:
            for name, start in targets:
                label = f"{name}, {associations} association{'s' if associations > 1 else ''}"
                work = work_root / f"{name.replace(' ', '-')}-{associations}"
                rows.append(measure(label, start, work, split(files, associations), len(files), total_bytes, args.timeout))
        if not ORTHANC.exists():
            rows.append(("orthanc", "not installed (apt-get install orthanc)"))
    finally:
        shutil.rmtree(work_root, ignore_errors=True)

    print_table(f"Ingest: {len(files)} instances, {total_bytes / 1e6:.1f} MB, storescu with TCP_NODELAY=1", rows)
    return exit_status(rows)


if __name__ == "__main__":
    sys.exit(main())
