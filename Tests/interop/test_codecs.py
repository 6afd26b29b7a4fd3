"""`rampart transcode` and its RLE Lossless codec, against pydicom and DCMTK.

(a) Every RLE Lossless file in pydicom's test data (names containing "rle" in any case,
    and any other file whose transfer syntax is RLE Lossless), transcoded by Rampart to
    Explicit VR Little Endian, has pydicom's `pixel_array` of the original, pixel for pixel.
(b) Synthetic native images (netdata.make_variety, and small images of every layout RLE
    carries: 8/16/32-bit, signed, 1 or 3 samples, planar and interleaved, multi-frame)
    transcoded by Rampart to RLE Lossless decode pixel-exact with pydicom and with DCMTK's
    dcmdrle.
(c) Truncated or corrupted RLE pixel data is refused: exit status 1 and one line on stderr
    that says what is wrong, never a crash.
"""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import numpy
import pydicom
import pydicom.data
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, RLELossless

import netdata
import rampart_cli

DCMDRLE = "/usr/bin/dcmdrle"


def read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pydicom.dcmread(path)


def pixels(path) -> numpy.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read(path).pixel_array


def transcode(rampart, source, target, syntax) -> None:
    result = rampart_cli.run(rampart, "transcode", source, target, "--transfer-syntax", syntax)
    assert result.returncode == 0, f"rampart transcode {Path(source).name} to {syntax}: {rampart_cli.describe(result)}"


def rle_test_files() -> list[Path]:
    found = []
    for name in pydicom.data.get_testdata_files():
        path = Path(name)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                syntax = pydicom.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID
        except Exception:  # noqa: BLE001 - not a Part 10 file pydicom reads: not a candidate
            if "rle" in path.name.lower():
                pytest.fail(f"{path.name} is named as RLE but pydicom cannot read it", pytrace=False)
            continue
        if syntax == RLELossless:
            found.append(path)
        elif "rle" in path.name.lower():
            pytest.fail(f"{path.name} is named as RLE but its transfer syntax is {syntax}", pytrace=False)
    return sorted(found)


def test_pydicom_rle_files_decode_to_pydicoms_pixels(rampart, tmp_path, stats):
    files = rle_test_files()
    assert len(files) >= 12, f"only {len(files)} RLE files in pydicom's test data"
    for path in files:
        out = tmp_path / f"{path.stem}.dcm"
        transcode(rampart, path, out, ExplicitVRLittleEndian)
        decoded = read(out)
        assert decoded.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
        expected, actual = pixels(path), decoded.pixel_array
        assert expected.shape == actual.shape and expected.dtype == actual.dtype, f"{path.name}: {expected.shape} {expected.dtype} vs {actual.shape} {actual.dtype}"
        assert numpy.array_equal(expected, actual), f"{path.name}: Rampart's decoding differs from pydicom's"
    line = f"rampart transcode: {len(files)} RLE files of pydicom's test data decoded pixel-exact to pydicom's pixel_array"
    stats.lines.append(line)
    print(line)


def synthetic(folder: Path, name: str, rows: int, columns: int, samples: int, bits: int, signed: bool, planar: bool, frames: int,
              syntax=ExplicitVRLittleEndian) -> Path:
    rng = numpy.random.default_rng(len(name) * 1000 + bits + samples)
    dtype = {8: numpy.uint8, 16: numpy.uint16, 32: numpy.uint32}[bits]
    shape = (frames, rows, columns, samples)
    # Runs and noise, so both kinds of PackBits run are written.
    values = rng.integers(0, numpy.iinfo(dtype).max, size=shape, dtype=dtype, endpoint=True)
    values[:, ::3, : columns // 2] = 7
    data = numpy.ascontiguousarray(values.transpose(0, 3, 1, 2)) if planar else values
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPInstanceUID = pydicom.uid.generate_uid(prefix="2.25.")
    ds.Modality = "OT"
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = "RGB" if samples == 3 else "MONOCHROME2"
    if samples > 1:
        ds.PlanarConfiguration = 1 if planar else 0
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.Rows, ds.Columns = rows, columns
    ds.BitsAllocated = ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 1 if signed else 0
    raw = data.tobytes()
    ds.PixelData = raw + b"\0" * (len(raw) % 2)
    ds["PixelData"].VR = "OB" if bits == 8 else "OW"
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = syntax
    path = folder / f"{name}.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def native_sources(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    layouts = [
        ("mono8", 33, 17, 1, 8, False, False, 1),
        ("mono16_signed", 20, 31, 1, 16, True, False, 1),
        ("mono32", 9, 11, 1, 32, False, False, 1),
        ("mono16_3frames", 16, 16, 1, 16, False, False, 3),
        ("rgb8_interleaved", 15, 21, 3, 8, False, False, 1),
        ("rgb8_planar", 15, 21, 3, 8, False, True, 2),
        ("rgb16_planar", 10, 12, 3, 16, False, True, 1),
    ]
    files = [synthetic(folder, *layout) for layout in layouts]
    files.append(synthetic(folder, "mono16_implicit", 12, 13, 1, 16, False, False, 2, ImplicitVRLittleEndian))
    variety = folder / "variety"
    for instance in netdata.make_variety(variety):
        ds = read(instance.path)
        if "PixelData" in ds and not ds.file_meta.TransferSyntaxUID.is_compressed:
            files.append(instance.path)
    return files


def test_native_files_encoded_to_rle_decode_pixel_exact_with_pydicom_and_dcmtk(rampart, tmp_path, stats):
    sources = native_sources(tmp_path / "native")
    assert len(sources) >= 10
    for source in sources:
        out = tmp_path / f"{source.stem}_rle.dcm"
        transcode(rampart, source, out, RLELossless)
        encoded = read(out)
        assert encoded.file_meta.TransferSyntaxUID == RLELossless
        expected = pixels(source)
        assert numpy.array_equal(expected, encoded.pixel_array), f"{source.name}: pydicom decodes Rampart's RLE differently"
        frames = list(generate_frames(encoded.PixelData, number_of_frames=int(encoded.get("NumberOfFrames", 1))))
        assert all(len(frame) % 2 == 0 for frame in frames)
        by_dcmtk = tmp_path / f"{source.stem}_dcmdrle.dcm"
        result = subprocess.run([DCMDRLE, str(out), str(by_dcmtk)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"dcmdrle refuses Rampart's RLE of {source.name}: {result.stderr.strip()}"
        assert numpy.array_equal(expected, pixels(by_dcmtk)), f"{source.name}: dcmdrle decodes Rampart's RLE differently"
    line = f"rampart transcode: {len(sources)} synthetic native files encoded to RLE, decoded pixel-exact by pydicom and dcmdrle"
    stats.lines.append(line)
    print(line)


def damaged_variants(good: Path, folder: Path) -> dict[str, Path]:
    ds = read(good)
    frame = next(generate_frames(ds.PixelData, number_of_frames=1))
    variants = {
        "frame cut after 100 bytes": frame[:100],
        "header shorter than 64 bytes": frame[:40],
        "segment count 9 for one 8-bit sample": bytes([9]) + frame[1:],
        "first segment offset past the end": frame[:4] + (len(frame) + 1000).to_bytes(4, "little") + frame[8:],
        "segments replaced by one repeat run": frame[:64] + bytes([0x81, 5]),
    }
    paths = {}
    for index, (name, data) in enumerate(variants.items()):
        damaged = read(good)
        damaged.PixelData = encapsulate([data + b"\0" * (len(data) % 2)])
        path = folder / f"damaged{index}.dcm"
        damaged.save_as(path, enforce_file_format=True)
        paths[name] = path
    whole = good.read_bytes()
    cut = folder / "cut_file.dcm"
    cut.write_bytes(whole[: len(whole) - 300])
    paths["file cut inside the pixel data"] = cut
    return paths


def test_damaged_rle_is_refused_with_a_message(rampart, tmp_path, stats):
    source = synthetic(tmp_path, "damage_source", 40, 50, 1, 8, False, False, 1)
    good = tmp_path / "good_rle.dcm"
    transcode(rampart, source, good, RLELossless)
    variants = damaged_variants(good, tmp_path)
    for name, path in variants.items():
        result = rampart_cli.run(rampart, "transcode", path, tmp_path / "out.dcm", "--transfer-syntax", ExplicitVRLittleEndian)
        assert result.returncode == 1, f"{name}: {rampart_cli.describe(result)}"
        problem = rampart_cli.clean_refusal_problem(result, need_offset=False)
        assert problem is None, f"{name}: {problem}; {rampart_cli.describe(result)}"
        message = rampart_cli.stderr_lines(result)[0]
        assert message.startswith("rampart: ") and str(path) in message, f"{name}: {message}"
        if name != "file cut inside the pixel data":
            assert "RLE Lossless data is malformed" in message, f"{name}: {message}"
    unsupported = rampart_cli.run(rampart, "transcode", source, tmp_path / "out.dcm", "--transfer-syntax", "1.2.840.10008.1.2.4.80")
    assert unsupported.returncode == 1 and "JPEG-LS Lossless Image Compression" in rampart_cli.stderr_lines(unsupported)[0]
    line = f"rampart transcode: {len(variants)} damaged RLE files refused with a one-line message"
    stats.lines.append(line)
    print(line)
