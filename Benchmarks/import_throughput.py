#!/usr/bin/env python3
"""`rampart import` throughput: files/s for importing the same generated files into a fresh
data folder, once per --jobs value.

    .venv/bin/python Benchmarks/import_throughput.py --rampart .build/release/rampart --jobs 1 2 4

It builds nothing: pass the binary you built. The files (default 1,000 synthetic CT images of
512 KiB of pixel data each, see Tests/interop/netdata.py `bulk_cached`) are generated once into
.build/interop-data and reused; they are read once before the first run so that every run
starts with them in the page cache. Each run imports into a new temporary folder on the same
file system as the files, and the folder is deleted afterwards. The whole `rampart import` is
timed, opening the archive included. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "interop"))

import netdata  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rampart", type=Path, required=True, help="the rampart binary (a release build)")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", type=int, default=512 * 1024, help="bytes of pixel data per file")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="--jobs values to run, one import each")
    args = parser.parse_args()

    folder = netdata.bulk_cached(args.count, args.size)
    files = netdata.dicom_files(folder)
    for path in files:
        path.read_bytes()
    for jobs in args.jobs:
        work = Path(tempfile.mkdtemp(prefix="import-bench.", dir=folder.parent))
        try:
            start = time.perf_counter()
            result = subprocess.run([str(args.rampart), "import", "--quiet", "--jobs", str(jobs), "--data-dir", str(work / "data"), str(folder)],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=3600, check=False)
            elapsed = time.perf_counter() - start
        finally:
            shutil.rmtree(work, ignore_errors=True)
        summary = result.stdout.decode("utf-8", "replace").splitlines()
        status = "ok" if result.returncode == 0 else f"exit {result.returncode}: {result.stderr.decode('utf-8', 'replace')[-300:]}"
        print(f"rampart import --jobs {jobs}: {len(files)} files in {elapsed:.1f} s = {len(files) / elapsed:.1f} files/s "
              f"({summary[0] if summary else 'no summary'}; {status})")


if __name__ == "__main__":
    main()
