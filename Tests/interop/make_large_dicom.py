#!/usr/bin/env python3
"""Write a large synthetic multi-frame DICOM file without holding it in memory.

The header is written by pydicom; the Pixel Data element is then written by hand
(its header computed here) and its value streamed frame by frame, so memory use
stays at a few MiB whatever the file size.

    native        Explicit VR Little Endian, Pixel Data OB with a 4-byte length
    encapsulated  RLE Lossless: Pixel Data OB of undefined length, a Basic Offset
                  Table, one fragment per frame (valid RLE: literal runs), and a
                  Sequence Delimitation Item

All values are synthetic (patient "Synthetic^Large"); the pixels are a gradient
shifted by the frame number.

Usage: make_large_dicom.py OUT [--frames N] [--rows R] [--columns C] [--encapsulated]
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, RLELossless, generate_uid

SC_MULTIFRAME_GRAYSCALE_BYTE = "1.2.840.10008.5.1.4.1.1.7.2"
PIXEL_DATA = struct.pack("<HH", 0x7FE0, 0x0010)
ITEM = struct.pack("<HH", 0xFFFE, 0xE000)
SEQUENCE_DELIMITER = struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
UNDEFINED_LENGTH = 0xFFFFFFFF


def header(frames: int, rows: int, columns: int, transfer_syntax: str) -> Dataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SC_MULTIFRAME_GRAYSCALE_BYTE
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=["rampart", "large", transfer_syntax, str(frames)])
    meta.TransferSyntaxUID = transfer_syntax
    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid(entropy_srcs=["rampart", "large", "study"])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=["rampart", "large", "series", transfer_syntax])
    ds.Modality = "OT"
    ds.ConversionType = "SYN"
    ds.PatientName = "Synthetic^Large"
    ds.PatientID = "SYNTHETIC-LARGE"
    ds.StudyID = "1"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.NumberOfFrames = frames
    ds.FrameIncrementPointer = 0x00181063  # Frame Time
    ds.FrameTime = 40
    ds.Rows = rows
    ds.Columns = columns
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    return ds


def frame_pixels(base: bytes, index: int) -> bytes:
    shift = (index * 4099) % len(base)
    return base[shift:] + base[:shift]


def rle_frame(pixels: bytes, columns: int) -> bytes:
    """One RLE Lossless frame (PS3.5 G.3): one segment of literal runs of at most
    128 bytes, none crossing a row boundary."""
    runs = []
    for row in range(0, len(pixels), columns):
        for start in range(row, row + columns, 128):
            chunk = pixels[start : min(start + 128, row + columns)]
            runs.append(bytes([len(chunk) - 1]))
            runs.append(chunk)
    segment = b"".join(runs)
    if len(segment) % 2:
        segment += b"\x00"
    rle_header = struct.pack("<16I", 1, 64, *([0] * 14))
    return rle_header + segment


def write(out: Path, frames: int = 2048, rows: int = 1024, columns: int = 1024, encapsulated: bool = False) -> int:
    """Write the file; returns its size in bytes."""
    frame_size = rows * columns
    base = bytes((i * 7 + i // columns) & 0xFF for i in range(frame_size))
    transfer_syntax = RLELossless if encapsulated else ExplicitVRLittleEndian
    ds = header(frames, rows, columns, transfer_syntax)
    with open(out, "wb") as f:
        ds.save_as(f, enforce_file_format=True)
        if not encapsulated:
            length = frames * frame_size
            if length % 2 or length >= UNDEFINED_LENGTH:
                raise ValueError(f"pixel data length {length} does not fit a 4-byte even length")
            f.write(PIXEL_DATA + b"OB\x00\x00" + struct.pack("<I", length))
            for index in range(frames):
                f.write(frame_pixels(base, index))
        else:
            first = rle_frame(frame_pixels(base, 0), columns)  # all frames encode to the same size
            item_size = 8 + len(first)
            f.write(PIXEL_DATA + b"OB\x00\x00" + struct.pack("<I", UNDEFINED_LENGTH))
            offsets = struct.pack(f"<{frames}I", *(index * item_size for index in range(frames)))
            f.write(ITEM + struct.pack("<I", len(offsets)) + offsets)
            for index in range(frames):
                fragment = first if index == 0 else rle_frame(frame_pixels(base, index), columns)
                f.write(ITEM + struct.pack("<I", len(fragment)) + fragment)
            f.write(SEQUENCE_DELIMITER)
    return out.stat().st_size


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--frames", type=int, default=2048)
    parser.add_argument("--rows", type=int, default=1024)
    parser.add_argument("--columns", type=int, default=1024)
    parser.add_argument("--encapsulated", action="store_true")
    args = parser.parse_args(argv)
    size = write(args.out, args.frames, args.rows, args.columns, args.encapsulated)
    print(f"wrote {args.out} ({size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
