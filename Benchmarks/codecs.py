"""Decoding speed per transfer syntax: `rampart transcode` next to DCMTK's decoders (`dcmdrle`,
`dcmdjpeg`, `dcmdjpls`) and pydicom (with pylibjpeg and its plugins), on the same files, in the
same run.

    .venv/bin/python Benchmarks/codecs.py [--frames 100] [--size 512] [--repeat 3]

Makes one synthetic multi-frame CT of `--frames` frames of `--size` x `--size` pixels, 12 bits
stored in 16 (smooth shapes plus noise, like an image, not random bytes), and the same series
scaled to 8 bits, compresses them with DCMTK (`dcmcrle`, `dcmcjpeg +e1` for JPEG Lossless SV1,
`dcmcjpls`; `dcmcjpeg +eb` JPEG Baseline of the 8-bit series, `dcmcjpeg +ee` JPEG Extended of the
12-bit one) and with pydicom for JPEG 2000 lossless (DCMTK has no JPEG 2000 codec), then times each
decoder writing Explicit VR Little Endian: one process per run, so each figure includes reading and
writing the file. The table gives the median wall time of `--repeat` runs and frames per second.
Every decoder's output is checked once: lossless ones must equal the original pixels; for the
lossy JPEG rows, which have no exact answer, Rampart and pydicom must agree with DCMTK's
decoding to within one unit (IDCT rounding may differ between libjpeg builds). Needs the release
build (`swift build -c release`), or `--rampart` naming another build for a quick check.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, JPEG2000Lossless, generate_uid

REPO = Path(__file__).resolve().parents[1]
EXPLICIT = "1.2.840.10008.1.2.1"


def synthetic(path: Path, frames: int, size: int, bits: int = 12) -> np.ndarray:
    """The series, 12 bits stored in 16 or (`bits=8`) scaled to 8 bits in 8, written to `path`."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:size, 0:size]
    stack = np.empty((frames, size, size), dtype=np.uint16)
    for n in range(frames):
        body = ((x - size / 2) ** 2 + (y - size / 2 - n) ** 2) < (size * 0.4) ** 2
        organ = ((x - size * 0.6) ** 2 + (y - size * 0.45) ** 2) < (size * 0.08 + n % 7) ** 2
        image = 24 + body * 1000 + organ * 300 + rng.integers(0, 24, (size, size))
        stack[n] = image.astype(np.uint16)
    if bits == 8:
        stack = (stack // 8).astype(np.uint8)  # at most 1347, so at most 168
    ds = pydicom.Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"  # Enhanced CT
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID, ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPClassUID, ds.file_meta.MediaStorageSOPInstanceUID
    ds.PatientName, ds.PatientID, ds.Modality = "Benchmark^Codec", "BENCH-CODEC", "CT"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Rows = ds.Columns = size
    ds.NumberOfFrames = frames
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = (8, 8, 7, 0) if bits == 8 else (16, 12, 11, 0)
    ds.PixelData = stack.tobytes()
    ds.save_as(path, enforce_file_format=True)
    return stack


def timed(command: list[str], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, timeout=1800)
        if result.returncode != 0:
            raise SystemExit(f"{command[0]} failed: {result.stderr.decode(errors='replace')[-1500:]}")
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rampart", type=Path, default=REPO / ".build" / "release" / "rampart")
    args = parser.parse_args()
    if not args.rampart.exists():
        raise SystemExit(f"{args.rampart} is missing: swift build -c release")
    os.environ["TCP_NODELAY"] = "1"
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        native = work / "native.dcm"
        pixels = synthetic(native, args.frames, args.size)
        native8 = work / "native8.dcm"
        pixels8 = synthetic(native8, args.frames, args.size, bits=8)
        # name: (compressed file, DCMTK decoder, original pixels, lossless)
        compressed = {}
        for name, source, original, tool, options, lossless in (
            ("RLE Lossless", native, pixels, "dcmcrle", [], True),
            ("JPEG Lossless SV1", native, pixels, "dcmcjpeg", ["+e1"], True),
            ("JPEG-LS Lossless", native, pixels, "dcmcjpls", [], True),
            ("JPEG Baseline 8-bit", native8, pixels8, "dcmcjpeg", ["+eb"], False),
            ("JPEG Extended 12-bit", native, pixels, "dcmcjpeg", ["+ee"], False),
        ):
            target = work / f"{tool}{''.join(options)}.dcm"
            subprocess.run([f"/usr/bin/{tool}", *options, str(source), str(target)], check=True, capture_output=True)
            compressed[name] = (target, f"/usr/bin/{tool.replace('dcmc', 'dcmd')}", original, lossless)
        j2k = pydicom.dcmread(native)
        j2k.compress(JPEG2000Lossless)
        j2k.save_as(work / "j2k.dcm")
        compressed["JPEG 2000 Lossless"] = (work / "j2k.dcm", None, pixels, True)

        print(f"{args.frames} frames of {args.size} x {args.size} (8-bit JPEG Baseline, else 12 bits in 16); "
              f"median of {args.repeat} runs; frames/s (MB/s of pixels)")
        print(f"{'syntax':22} {'file MB':>8} {'rampart':>18} {'DCMTK':>18} {'pydicom':>18}")
        for name, (path, dcmtk, original, lossless) in compressed.items():
            megabytes = original.nbytes / 1e6
            out = work / "out.dcm"
            decoded = {}
            row = []
            seconds = timed([str(args.rampart), "transcode", str(path), str(out), "--transfer-syntax", EXPLICIT], args.repeat)
            decoded["rampart"] = pydicom.dcmread(out).pixel_array
            row.append(seconds)
            if dcmtk:
                seconds = timed([dcmtk, str(path), str(out)], args.repeat)
                decoded["DCMTK"] = pydicom.dcmread(out).pixel_array
                row.append(seconds)
            else:
                row.append(None)
            script = f"import pydicom; ds = pydicom.dcmread({str(path)!r}); ds.decompress(); ds.save_as({str(out)!r})"
            row.append(timed([sys.executable, "-c", script], args.repeat))
            decoded["pydicom"] = pydicom.dcmread(out).pixel_array
            for decoder, array in decoded.items():
                if lossless:
                    assert np.array_equal(array, original), f"{decoder}'s {name} differs from the original"
                else:
                    deviation = np.abs(array.astype(np.int32) - decoded["DCMTK"].astype(np.int32)).max()
                    assert deviation <= 1, f"{decoder}'s {name} differs from DCMTK's by up to {deviation}"
            cells = [f"{args.frames / s:8.1f} ({megabytes / s:6.1f})" if s else f"{'-':>18}" for s in row]
            print(f"{name:22} {path.stat().st_size / 1e6:8.1f} " + " ".join(f"{c:>18}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
