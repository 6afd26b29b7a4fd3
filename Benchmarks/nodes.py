#!/usr/bin/env python3
"""Ingest rate of the scale-out archive: one `rampart serve` node, then two, on one PostgreSQL
index and one S3 bucket (moto_server), the same generated files sent by the same number of
storescu associations; with the embedded archive (SQLite, local folder) for reference.

    .venv/bin/python Benchmarks/nodes.py --rampart .build/release/rampart [--instances 1000] [--streams 4]

It builds nothing. PostgreSQL is the test cluster (Scripts/test-postgres.sh start, which
this script starts when it is not running, and leaves running: TLS off on loopback, fsync off) and moto_server an in-memory S3 on loopback,
so the figures say how the nodes share the work, not what a production database and object
store sustain. With two nodes the associations alternate between them. Each run gets a schema
and a key prefix of its own. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from storebench import CALLING_AE, failure, parallel_storescu, print_table, rate, split

import netdata  # noqa: E402 - on the path through storebench
import netpeers  # noqa: E402
import netserve  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BUCKET = "rampart-nodes"


@contextlib.contextmanager
def moto_server(work: Path):
    """moto_server on a free loopback port with one bucket; any key is accepted."""
    import boto3

    port = netpeers.free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = open(work / "moto.log", "wb")
    process = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
                break
            time.sleep(0.1)
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                     aws_secret_access_key="bench").create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def node_folder(binary: Path, folder: Path, settings: str) -> None:
    netserve.register(binary, folder, CALLING_AE)
    (folder / "rampart.yaml").write_text(settings)


def run_nodes(binary: Path, work: Path, settings: str, nodes: int, groups: list[list[Path]], timeout: float):
    """Starts `nodes` servers on copies of one data folder, sends the groups (alternating
    between the nodes, all at once), stops them. Returns the seconds and the storescu runs."""
    first = work / "node-0"
    node_folder(binary, first, settings)
    folders = [first] + [work / f"node-{n}" for n in range(1, nodes)]
    for folder in folders[1:]:
        shutil.copytree(first, folder)
    with contextlib.ExitStack() as stack:
        peers = [stack.enter_context(netserve.serve(binary, folder, work / f"{folder.name}.log", lifetime=3600)) for folder in folders]
        runs: list = [None] * nodes
        shares = [groups[n::nodes] for n in range(nodes)]

        def send(n):
            runs[n] = parallel_storescu(peers[n].host, peers[n].port, peers[n].ae, shares[n], timeout)

        start = time.perf_counter()
        threads = [threading.Thread(target=send, args=(n,)) for n in range(nodes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
        seconds = time.perf_counter() - start
    return seconds, [result for run in runs if run for result in run[1]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rampart", required=True, type=Path, help="the built rampart binary (release)")
    parser.add_argument("--instances", type=int, default=1000, help="number of generated instances (default 1000)")
    parser.add_argument("--seed", type=int, default=netdata.DEFAULT_SEED)
    parser.add_argument("--streams", type=int, default=4, help="storescu associations in all (default 4)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed for one run")
    args = parser.parse_args()
    binary = args.rampart.resolve()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        parser.error(f"--rampart {args.rampart}: not an executable file (build it first)")

    collection = netdata.collection_cached(args.instances, args.seed)
    files = sorted(i.path for i in collection.instances)
    total_bytes = sum(p.stat().st_size for p in files)
    groups = split(files, args.streams)
    postgres = subprocess.run(["bash", str(REPO / "Scripts" / "test-postgres.sh"), "start"], capture_output=True, text=True,
                              check=True).stdout.strip()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    work_root = Path(tempfile.mkdtemp(prefix="rampart-nodes-"))
    rows: list[tuple[str, str]] = []
    try:
        with moto_server(work_root) as endpoint:
            runs = [("embedded (SQLite, local folder), 1 node", "", 1)]
            for nodes in (1, 2):
                schema = "bench_" + uuid.uuid4().hex
                settings = (f"archive:\n  index: {postgres}?schema={schema}\n"
                            f"  blobs: s3://{BUCKET}/{schema}?endpoint={endpoint}&region=us-east-1&path-style=1\n")
                runs.append((f"PostgreSQL + S3, {nodes} node{'s' if nodes > 1 else ''}", settings, nodes))
            for label, settings, nodes in runs:
                label = f"{label}, {args.streams} associations"
                print(f"{label}: sending …", file=sys.stderr, flush=True)
                work = work_root / label.split(",")[0].replace(" ", "-").replace("(", "").replace(")", "") / str(nodes)
                work.mkdir(parents=True)
                seconds, results = run_nodes(binary, work, settings, nodes, groups, args.timeout)
                why = failure(results)
                rows.append((label, f"FAILED: {why}" if why else rate(len(files), total_bytes, seconds)))
    finally:
        # The cluster may serve others (make test): left running; Scripts/test-postgres.sh stop ends it.
        shutil.rmtree(work_root, ignore_errors=True)
    print_table(f"Ingest over nodes: {len(files)} instances, {total_bytes / 1e6:.1f} MB, storescu with TCP_NODELAY=1", rows)
    return 0 if all("FAILED" not in text for _, text in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
