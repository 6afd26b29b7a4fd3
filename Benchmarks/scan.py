"""Scan rate on loopback: `rampart scan` next to nmap with its `dicom-ping` script, on the same
ports in the same run.

    .venv/bin/python Benchmarks/scan.py [--ports 200] [--open 20] [--repeat 3]

nmap runs its script on every open port (`+dicom-ping`: its port rule alone would skip ports other
than 104, 2345, 2761, 2762, 4242 and 11112). Starts `--open` DCMTK storescp listeners (any calling and called AE accepted, as a permissive
archive would be) on ports spread over a range of `--ports` consecutive ports on 127.0.0.1; the
others are closed. Each scanner runs `--repeat` times over the whole range; the table gives the
median wall time and ports per second, and how many DICOM services each found (both must find
all of them). The two do different amounts of work per open port: nmap's dicom-ping sends one
A-ASSOCIATE-RQ; Rampart tries TLS, HTTP, then associations to the well-known called AEs, C-ECHO,
two C-FIND and a Storage context. Rampart runs with its defaults (64 endpoints at once, 200 new
connections a second) and again unthrottled (--rate 10000). Needs the release build
(`swift build -c release`) and nmap (installed with apt-get when missing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "interop"))

import netpeers  # noqa: E402


def free_range(count: int) -> int:
    """The first of `count` consecutive ports on which nothing listens now."""
    listening = netpeers._listening_ports()
    for first in range(20000, 60000 - count, count):
        if not listening.intersection(range(first, first + count)):
            return first
    raise SystemExit(f"no {count} consecutive free ports")


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800, env={**os.environ, "TCP_NODELAY": "1"})
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ports", type=int, default=200)
    parser.add_argument("--open", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rampart", type=Path, default=REPO / ".build" / "release" / "rampart")
    args = parser.parse_args()
    if not args.rampart.exists():
        raise SystemExit(f"{args.rampart} is missing: swift build -c release")
    if shutil.which("nmap") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "nmap"], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})

    first = free_range(args.ports)
    last = first + args.ports - 1
    step = max(args.ports // args.open, 1)
    open_ports = [first + i * step for i in range(args.open)]
    with tempfile.TemporaryDirectory() as work:
        listeners = [subprocess.Popen(["/usr/bin/storescp", "--output-directory", work, "--ignore", str(port)],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, "TCP_NODELAY": "1"})
                     for port in open_ports]
        try:
            for listener, port in zip(listeners, open_ports):
                netpeers.wait_for_port(listener, port, "storescp", Path(work) / "none.log", 30)
            runs = {
                "rampart scan (defaults)": [str(args.rampart), "scan", "--json", "--ports", f"{first}-{last}", "127.0.0.1"],
                "rampart scan --rate 10000": [str(args.rampart), "scan", "--json", "--rate", "10000", "--ports", f"{first}-{last}", "127.0.0.1"],
                "nmap -p --script +dicom-ping": ["nmap", "-Pn", "-n", "-p", f"{first}-{last}", "--script", "+dicom-ping", "-oX", "-", "127.0.0.1"],
            }
            print(f"{args.ports} ports on 127.0.0.1 ({first}-{last}), {args.open} storescp listening; median of {args.repeat} runs")
            print(f"{'scanner':32} {'seconds':>8} {'ports/s':>9} {'DICOM found':>12}")
            for name, command in runs.items():
                times, found = [], None
                for _ in range(args.repeat):
                    seconds, result = timed(command)
                    if result.returncode not in (0, 1):
                        raise SystemExit(f"{name} failed: {result.stderr[-2000:]}")
                    times.append(seconds)
                    if name.startswith("rampart"):
                        report = json.loads(result.stdout)
                        found = sum(1 for e in report["openEndpoints"] if e["service"] == "dicom")
                    else:
                        found = result.stdout.count('<script id="dicom-ping"')
                median = statistics.median(times)
                print(f"{name:32} {median:8.2f} {args.ports / median:9.1f} {found:>12}", flush=True)
        finally:
            for listener in listeners:
                listener.terminate()
            for listener in listeners:
                listener.wait(timeout=30)


if __name__ == "__main__":
    main()
