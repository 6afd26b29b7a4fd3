#!/usr/bin/env python3
"""The audit log at scale: a log of 10 million synthetic events (made once by
rampart-audit-bench into a data folder, and reused), then the time of each kind of query, in
process (median of 5) and through `rampart audit query` as an operator runs it (wall time of
the whole command, median of 3), and the rate of single synced appends (what each gate decision
costs).

    swift build -c release --product rampart --product rampart-audit-bench
    .venv/bin/python Benchmarks/audit.py --rampart .build/release/rampart --bench .build/release/rampart-audit-bench

Making the log takes a while (about 100 µs an event on our 2-core machine) and about 9 GB of
disk. Orthanc and DCMTK keep no audit log, so there is no peer figure here; events per second
under ingest load are in Benchmarks/ingest.py's rampart rows. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rampart", required=True, type=Path, help="the built rampart binary (release)")
    parser.add_argument("--bench", required=True, type=Path, help="the built rampart-audit-bench binary (release)")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--data", type=Path, default=REPO / ".build" / "bench" / "audit-10m", help="the data folder of the big log")
    args = parser.parse_args()

    print(f"making or reusing a log of {args.events} events in {args.data} …", file=sys.stderr, flush=True)
    subprocess.run([args.bench, "generate", args.data, str(args.events)], check=True)
    measured = subprocess.run([args.bench, "query", args.data], check=True, capture_output=True, text=True).stdout
    print(measured, end="")

    # The same queries as an operator types them, for the patient and user the bench chose.
    patient, user = probe(measured, "--patient-id "), probe(measured, "--user ")
    for criteria in (["--patient-id", patient], ["--user", user], ["--user", user, "--from", "2026-06-01", "--to", "2026-07-01"],
                     ["--source", "10.7.0.0/16"], ["--from", "2026-06-01T00:00:00Z", "--to", "2026-06-01T01:00:00Z"]):
        times = []
        for _ in range(3):
            began = time.monotonic()
            out = subprocess.run([args.rampart, "audit", "query", "--data-dir", args.data, "--format", "json", *criteria],
                                 check=True, capture_output=True, text=True).stdout
            times.append(time.monotonic() - began)
        found = out.count('"sequence"')
        print(f"rampart audit query {' '.join(criteria):<60} {found:6d} events  median {statistics.median(times) * 1000:8.1f} ms (whole command)")

    append = REPO / ".build" / "bench" / "audit-append"
    subprocess.run(["rm", "-rf", append], check=True)
    print(subprocess.run([args.bench, "append", append, "5000"], check=True, capture_output=True, text=True).stdout, end="")
    return 0


def probe(measured: str, flag: str) -> str:
    """The value the bench's first query with `flag` used (a patient ID, a user name)."""
    for line in measured.splitlines():
        if line.startswith("query " + flag):
            return line[len("query " + flag):].split()[0]
    raise SystemExit(f"rampart-audit-bench query printed no {flag}query: {measured}")


if __name__ == "__main__":
    sys.exit(main())
