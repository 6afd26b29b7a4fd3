#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer harnesses (Fuzz/, Scripts/fuzz.sh) into a folder:
real inputs each harness starts from, taken from pydicom's test files and pydicom-data
(synthetic or anonymised public test images) and Rampart's own synthetic data.

  part10/       Part 10 files of up to 64 KiB
  dicom-json/   DICOM JSON of those files, bulk data given as URIs
  codecs/       the first frame of every compressed test file Rampart decodes, behind the
                header Fuzz/Codecs/main.swift reads (syntax, rows, columns, layout flags)

The same files in the same order each run: a fuzz run is repeatable from its seed.

Usage: Scripts/fuzz-seeds.py FOLDER
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
import warnings
from pathlib import Path

import pydicom
import pydicom.data
from pydicom.encaps import generate_frames

# Fuzz/Codecs/main.swift's `syntaxes`, in its order.
CODEC_SYNTAXES = ["1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80",
                  "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.201",
                  "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"]
PART10_LIMIT = 64 * 1024
FRAME_LIMIT = 128 * 1024


def write(folder: Path, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def codec_seed(ds) -> bytes | None:
    syntax = str(ds.file_meta.TransferSyntaxUID)
    if syntax not in CODEC_SYNTAXES or "PixelData" not in ds:
        return None
    rows, columns = int(ds.Rows), int(ds.Columns)
    samples, bits = int(getattr(ds, "SamplesPerPixel", 1)), int(ds.BitsAllocated)
    if not (1 <= rows <= 512 and 1 <= columns <= 512) or samples not in (1, 3) or bits not in (8, 16):
        return None
    frame = next(generate_frames(ds.PixelData, number_of_frames=int(getattr(ds, "NumberOfFrames", 1) or 1)))
    if len(frame) > FRAME_LIMIT:
        return None
    flags = (bits == 16) | (samples == 3) << 1 | (int(getattr(ds, "PixelRepresentation", 0)) == 1) << 2
    flags |= (str(getattr(ds, "PhotometricInterpretation", "")) == "YBR_FULL_422") << 3
    stored = int(getattr(ds, "BitsStored", bits))
    return struct.pack("<BHHBB", CODEC_SYNTAXES.index(syntax), rows - 1, columns - 1, flags, stored - 1) + frame


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests" / "interop"))
    import netdata  # the synthetic variety set: one instance per common SOP class and syntax

    synthetic = [i.path for i in netdata.make_variety(out / ".variety")]
    counts = {"part10": 0, "dicom-json": 0, "codecs": 0}
    for path in sorted(Path(p) for p in pydicom.data.get_testdata_files()) + synthetic:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = pydicom.dcmread(path)
                seed = codec_seed(ds)
        except Exception:  # noqa: BLE001 - a test file pydicom cannot read is no seed
            continue
        if seed is not None:
            write(out / "codecs", seed)
            counts["codecs"] += 1
        if path.stat().st_size <= PART10_LIMIT:
            write(out / "part10", path.read_bytes())
            counts["part10"] += 1
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    document = ds.to_json_dict(bulk_data_threshold=1024, bulk_data_element_handler=lambda _: "http://127.0.0.1/bulk")
            except Exception:  # noqa: BLE001 - pydicom cannot write every test file as JSON
                continue
            write(out / "dicom-json", json.dumps([document]).encode())
            counts["dicom-json"] += 1
    print("fuzz seeds: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
