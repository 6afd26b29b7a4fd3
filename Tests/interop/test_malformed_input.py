"""Damaged files get a clear refusal, never a crash or a hang.

For each file pydicom reads, 30 damaged copies (the same ones every run: the RNG
is seeded with the file's id): 20 truncated at random offsets, and 10 with 1-8
random bytes changed. `rampart json` runs on each, several at once. Each run must
end on its own within the time limit, not by a signal (a Swift trap, a crash);
if it exits non-zero, its stderr is exactly one line that says "byte" and then
the offset of the problem. Exit 0 is fine (a cut at an element boundary or a
changed byte inside a value can leave a valid file), but then stdout must be JSON.

The damaged copies live in a temporary directory that is removed afterwards; the
ones that failed are copied into the test's tmp_path for a rerun by hand.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

import rampart_cli

TRUNCATIONS = 20
CORRUPTIONS = 10
MAX_FLIPS = 8
TIMEOUT = float(os.environ.get("INTEROP_MALFORMED_TIMEOUT", "30"))
WORKERS = int(os.environ.get("INTEROP_WORKERS", str(min(4, 2 * (os.cpu_count() or 1)))))
SEED = 20250101


def variants(data: bytes, test_id: str) -> list[tuple[str, bytes]]:
    """(description, damaged bytes) pairs, reproducible for a given file id."""
    rng = random.Random(SEED ^ zlib.crc32(test_id.encode()))
    out = []
    size = len(data)
    offsets = sorted(rng.sample(range(size), min(TRUNCATIONS, size)))
    for offset in offsets:
        out.append((f"truncated to {offset} of {size} bytes", data[:offset]))
    for _ in range(CORRUPTIONS):
        damaged = bytearray(data)
        positions = sorted(rng.sample(range(size), min(rng.randint(1, MAX_FLIPS), size)))
        for position in positions:
            damaged[position] ^= rng.randint(1, 255)
        out.append((f"bytes changed at offsets {positions}", bytes(damaged)))
    return out


def judge(rampart: Path, path: Path) -> tuple[str | None, bool]:
    """(None if rampart handled the damaged file well, else what went wrong; whether it refused the file)."""
    try:
        result = rampart_cli.run(rampart, "json", path, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"timed out after {TIMEOUT:.0f} s (killed)", False
    except OSError as error:
        return f"could not start rampart: {error}", False
    if result.returncode == 0:
        try:
            json.loads(result.stdout)
        except (ValueError, UnicodeDecodeError) as error:
            return f"exit 0 but stdout is not JSON: {str(error)[:120]}", False
        return None, False
    problem = rampart_cli.clean_refusal_problem(result, need_offset=True)
    if problem:
        return f"{problem}; {rampart_cli.describe(result, limit=300)}", True
    return None, True


def test_malformed_input(rampart, readable_file, tmp_path, stats):
    data = readable_file.path.read_bytes()
    cases = variants(data, readable_file.id)
    failures: list[tuple[str, Path, str]] = []
    refused = 0
    with tempfile.TemporaryDirectory(prefix="rampart-malformed-") as scratch:
        paths = []
        for index, (description, damaged) in enumerate(cases):
            path = Path(scratch) / f"variant{index:02d}.dcm"
            path.write_bytes(damaged)
            paths.append((description, path))
        with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
            futures = {pool.submit(judge, rampart, path): (description, path) for description, path in paths}
            for future in concurrent.futures.as_completed(futures):
                if future.cancelled():
                    continue
                description, path = futures[future]
                problem, was_refused = future.result()
                refused += was_refused
                if problem is None:
                    continue
                failures.append((description, path, problem))
                if "timed out" in problem:  # one hang is enough: don't wait out the rest
                    for other in futures:
                        other.cancel()
        for description, path, _ in failures:
            shutil.copy(path, tmp_path / path.name)
    stats.malformed_variants += len(cases)
    stats.malformed_refused += refused
    if failures:
        failures.sort(key=lambda f: f[1].name)
        lines = [f"  {path.name}: {description}: {problem}" for description, path, problem in failures[:15]]
        if len(failures) > 15:
            lines.append(f"  ... and {len(failures) - 15} more")
        pytest.fail(
            f"rampart json mishandled {len(failures)} of {len(cases)} damaged copies of {readable_file.id} "
            f"(copies kept in {tmp_path}):\n" + "\n".join(lines),
            pytrace=False,
        )
