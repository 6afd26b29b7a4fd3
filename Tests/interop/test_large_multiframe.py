"""rampart streams large files: `dump` and `json` of a ~2 GB file stay under 100 MiB.

Two synthetic files are written once (make_large_dicom.py) into a temporary
directory that is removed after these tests:

* native: Explicit VR Little Endian, 2048 frames of 1024x1024 MONOCHROME2 8-bit
  (2 GiB of Pixel Data with a 4-byte length);
* encapsulated: RLE Lossless, 1024 frames, one fragment per frame plus a Basic
  Offset Table (~1 GiB of Pixel Data of undefined length).

`rampart dump` and `rampart json` run on each under /usr/bin/time (stdout read
and counted, not kept); the test asserts exit 0, a peak RSS under 100 MiB and,
for json, output long enough to hold the Pixel Data in base64; it prints the
peak RSS and wall time of each run in the end-of-run summary (the wall time is
not asserted). Sizes can be scaled down for a quick run with
INTEROP_LARGE_FRAMES / INTEROP_LARGE_RLE_FRAMES.

`rampart transcode` streams too: the RLE file to Explicit VR Little Endian, and a
native file of INTEROP_LARGE_TRANSCODE_FRAMES frames (192 MiB by default, twice the RSS limit: RLE
encoding in a debug build runs at a few MiB/s, so the 2 GiB file would take a
quarter of an hour) to RLE Lossless, each under the same RSS limit; a few frames
of each output are decoded by pydicom and compared with the frames the
generator wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

import make_large_dicom

TIME = "/usr/bin/time"
RSS_LIMIT_KIB = 100 * 1024
TIMEOUT = 1200  # seconds per run: a debug build streams 2 GiB of base64 in a few minutes at worst
NATIVE_FRAMES = int(os.environ.get("INTEROP_LARGE_FRAMES", "2048"))
RLE_FRAMES = int(os.environ.get("INTEROP_LARGE_RLE_FRAMES", "1024"))
TRANSCODE_FRAMES = int(os.environ.get("INTEROP_LARGE_TRANSCODE_FRAMES", "192"))
ROWS = COLUMNS = 1024
EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1"
RLE_LOSSLESS = "1.2.840.10008.1.2.5"


@pytest.fixture(scope="module")
def large_files(tmp_path_factory, stats):
    """{"native": Path, "encapsulated": Path, "transcode-native": Path}, written once and removed afterwards."""
    directory = tmp_path_factory.mktemp("large")
    # The three sources, and the two transcoded outputs of about the size of theirs.
    need = (NATIVE_FRAMES + 2.02 * RLE_FRAMES + 2.02 * TRANSCODE_FRAMES) * ROWS * COLUMNS + (64 << 20)
    free = shutil.disk_usage(directory).free
    if free < need:
        pytest.skip(f"needs {need / 2**30:.1f} GiB free in {directory}, has {free / 2**30:.1f} GiB")
    files = {}
    try:
        kinds = (("native", NATIVE_FRAMES, False), ("encapsulated", RLE_FRAMES, True), ("transcode-native", TRANSCODE_FRAMES, False))
        for kind, frames, encapsulated in kinds:
            path = directory / f"large-{kind}.dcm"
            started = time.monotonic()
            size = make_large_dicom.write(path, frames, ROWS, COLUMNS, encapsulated=encapsulated)
            stats.lines.append(
                f"large {kind}: wrote {size / 2**30:.2f} GiB ({frames} frames {ROWS}x{COLUMNS}) "
                f"in {time.monotonic() - started:.1f} s"
            )
            files[kind] = path
        yield files
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def measure(rampart: Path, command: str, path: Path, scratch: Path, *more: str) -> tuple[int, float, int, int, str]:
    """(exit code, wall seconds, peak RSS in KiB, bytes printed, stderr) of `rampart COMMAND PATH MORE...`.

    stdout is read and counted (never kept); stderr is kept."""
    if not os.access(TIME, os.X_OK):
        pytest.fail(f"{TIME} is missing: install the Debian package 'time' (Scripts/install-deps.sh does)", pytrace=False)
    report = scratch / f"time-{command}-{path.stem}.txt"
    started = time.monotonic()
    process = subprocess.Popen(
        [TIME, "-f", "%M", "-o", str(report), str(rampart), command, str(path), *more],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    printed = [0]
    errors: list[bytes] = []

    def drain_stdout():
        while chunk := process.stdout.read(1 << 20):
            printed[0] += len(chunk)

    readers = [threading.Thread(target=drain_stdout), threading.Thread(target=lambda: errors.append(process.stderr.read()))]
    for reader in readers:
        reader.start()
    try:
        process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"rampart {command} {path.name} did not finish in {TIMEOUT} s", pytrace=False)
    finally:
        for reader in readers:
            reader.join()
    wall = time.monotonic() - started
    text = report.read_text() if report.exists() else ""
    words = text.split()
    peak_kib = int(words[-1]) if words and words[-1].isdigit() else -1
    stderr = b"".join(errors).decode("utf-8", "replace")
    if "terminated by signal" in text:  # GNU time's own note: the child crashed
        stderr = text.splitlines()[0] + "; " + stderr
    return process.returncode, wall, peak_kib, printed[0], stderr


@pytest.mark.parametrize("kind", ["native", "encapsulated"])
@pytest.mark.parametrize("command", ["dump", "json"])
def test_large_file_streams(rampart, large_files, command, kind, tmp_path, stats):
    path = large_files[kind]
    code, wall, peak_kib, printed, stderr = measure(rampart, command, path, tmp_path)
    size = path.stat().st_size
    figure = (
        f"large {kind}: rampart {command} of {size / 2**30:.2f} GiB: exit {code}, "
        f"peak RSS {peak_kib / 1024:.1f} MiB, wall {wall:.1f} s, printed {printed / 2**20:.0f} MiB"
    )
    stats.lines.append(figure)
    assert code == 0, f"{figure}; stderr: {stderr[:400]!r}"
    assert 0 < peak_kib < RSS_LIMIT_KIB, f"{figure}: peak RSS over the {RSS_LIMIT_KIB // 1024} MiB limit"
    if command == "json":  # all of Pixel Data inline, in base64: 4 characters for every 3 bytes
        assert printed > size * 4 // 3 - (1 << 20), f"{figure}: too little output for the Pixel Data inline"


@pytest.mark.parametrize(
    "kind, target", [("encapsulated", EXPLICIT_VR_LITTLE_ENDIAN), ("transcode-native", RLE_LOSSLESS)], ids=["rle-to-native", "native-to-rle"]
)
def test_large_file_transcodes_frame_by_frame(rampart, large_files, kind, target, tmp_path, stats):
    import numpy
    import pydicom
    from pydicom.pixels import iter_pixels

    source = large_files[kind]
    out = tmp_path / "transcoded.dcm"
    code, wall, peak_kib, _, stderr = measure(rampart, "transcode", source, tmp_path, str(out), "--transfer-syntax", target)
    size = source.stat().st_size
    figure = (
        f"large {kind}: rampart transcode of {size / 2**30:.2f} GiB to {target}: exit {code}, "
        f"peak RSS {peak_kib / 1024:.1f} MiB, wall {wall:.1f} s"
    )
    stats.lines.append(figure)
    assert code == 0, f"{figure}; stderr: {stderr[:400]!r}"
    assert 0 < peak_kib < RSS_LIMIT_KIB, f"{figure}: peak RSS over the {RSS_LIMIT_KIB // 1024} MiB limit"

    header = pydicom.dcmread(out, stop_before_pixels=True)
    assert header.file_meta.TransferSyntaxUID == target
    frames = int(header.NumberOfFrames)
    assert (frames, header.Rows, header.Columns) == (RLE_FRAMES if kind == "encapsulated" else TRANSCODE_FRAMES, ROWS, COLUMNS)
    # The generator's own frames: the source holds exactly these.
    base = bytes((i * 7 + i // COLUMNS) & 0xFF for i in range(ROWS * COLUMNS))
    indices = sorted({0, 1, frames // 2, frames - 1})
    # iter_pixels reads only the frames asked for from the file, not the whole Pixel Data.
    for index, decoded in zip(indices, iter_pixels(out, indices=indices)):
        expected = numpy.frombuffer(make_large_dicom.frame_pixels(base, index), dtype=numpy.uint8).reshape(ROWS, COLUMNS)
        assert numpy.array_equal(decoded, expected), f"{figure}: frame {index + 1} differs from the source"
