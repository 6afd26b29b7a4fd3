#!/usr/bin/env python3
"""C-STORE throughput: one DCMTK storescu association sending the same generated files to
rampart-test-scp, to DCMTK's storescp and, when installed, to Orthanc, side by side.

    .venv/bin/python Benchmarks/store_throughput.py --rampart-test-scp .build/release/rampart-test-scp

It builds nothing: pass the test SCP binary you built. The files (default 1,000 synthetic
CT images of 512 KiB of pixel data each, see Tests/interop/netdata.py) are generated
once into .build/interop-data and reused. Each server gets a fresh temporary folder to
write into (on the same file system), is started on a free loopback port, receives
everything over ONE association from /usr/bin/storescu with its default proposals
(`storescu -aet BENCH -aec AE +sd +r`, TCP_NODELAY=1), and is stopped; its files are
counted and deleted. Only the storescu run is timed. Not part of `make test`.

Orthanc (Debian package `orthanc`, /usr/sbin/Orthanc) runs with a generated JSON
configuration: DICOM on the free port, no HTTP server, no compression, a temporary
storage and index folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from storebench import ORTHANC, exit_status, measure, orthanc, print_table

import netdata  # noqa: E402 - on the path through storebench
import netpeers  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rampart-test-scp", required=True, type=Path, help="the built rampart-test-scp binary")
    parser.add_argument("--count", type=int, default=1000, help="number of files (default 1000)")
    parser.add_argument("--size", type=int, default=512 * 1024, help="pixel data bytes per file (default 524288)")
    parser.add_argument("--seed", type=int, default=netdata.DEFAULT_SEED)
    parser.add_argument("--cache", type=Path, help="where the generated files are kept (default .build/interop-data)")
    parser.add_argument("--work", type=Path, help="temporary folder for what the servers write (default: a new one in $TMPDIR)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed for one storescu run")
    args = parser.parse_args()

    binary = args.rampart_test_scp.resolve()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        parser.error(f"--rampart-test-scp {args.rampart_test_scp}: not an executable file (build it first)")

    print(f"generating or reusing {args.count} files of {args.size} bytes of pixel data …", file=sys.stderr, flush=True)
    folder = netdata.bulk_cached(args.count, args.size, args.seed, args.cache)
    files = sorted(folder.glob("*.dcm"))
    total_bytes = sum(p.stat().st_size for p in files)
    print(f"files: {folder} ({len(files)} files, {total_bytes / 1e6:.1f} MB)", file=sys.stderr)

    work_root = Path(tempfile.mkdtemp(prefix="rampart-bench-", dir=args.work))
    rows: list[tuple[str, str]] = []
    try:
        targets = [
            ("rampart-test-scp", lambda w: netpeers.rampart_test_scp(binary, w, lifetime=3600)),
            ("dcmtk storescp", lambda w: netpeers.storescp(w, accept_all=False, lifetime=3600)),
        ]
        if ORTHANC.exists():
            targets.append(("orthanc", orthanc))
        for name, start in targets:
            rows.append(measure(name, start, work_root / name.replace(" ", "-"), [[folder]], len(files), total_bytes, args.timeout))
        if not ORTHANC.exists():
            rows.append(("orthanc", "not installed (apt-get install orthanc)"))
    finally:
        shutil.rmtree(work_root, ignore_errors=True)

    print_table(f"C-STORE throughput, one storescu association, {len(files)} files, {total_bytes / 1e6:.1f} MB, TCP_NODELAY=1", rows)
    return exit_status(rows)


if __name__ == "__main__":
    sys.exit(main())
