"""`rampart transcode` and its codecs (RLE, JPEG, JPEG-LS, JPEG 2000), against pydicom and DCMTK.

(a) Every RLE Lossless file in pydicom's test data (names containing "rle" in any case,
    and any other file whose transfer syntax is RLE Lossless), transcoded by Rampart to
    Explicit VR Little Endian, has pydicom's `pixel_array` of the original, pixel for pixel.
(b) Synthetic native images (netdata.make_variety, and small images of every layout RLE
    carries: 8/16/32-bit, signed, 1 or 3 samples, planar and interleaved, multi-frame)
    transcoded by Rampart to RLE Lossless decode pixel-exact with pydicom and with DCMTK's
    dcmdrle.
(c) Truncated or corrupted RLE pixel data is refused: exit status 1 and one line on stderr
    that says what is wrong, never a crash.
(d) JPEG Lossless (process 14): every file of pydicom's test data and pydicom-data in
    1.2.840.10008.1.2.4.57 or .70, transcoded by Rampart to Explicit VR Little Endian, has
    pydicom's `pixel_array` (pydicom decoding with pylibjpeg-libjpeg); the synthetic native images
    of (b) up to 16 bits encoded by Rampart to .70 decode pixel-exact with pydicom and DCMTK's
    dcmdjpeg; DCMTK's dcmcjpeg encodings of them (+e1: .70; +el +sv 1..7 and +pt: .57) are
    decoded by Rampart to dcmdjpeg's pixels; damaged JPEG streams are refused with a message.
(e) JPEG-LS (CharLS): every file of pydicom's test data and pydicom-data in .80 or .81, transcoded
    by Rampart to Explicit VR Little Endian, has pydicom's `pixel_array` (pydicom decoding with
    pyjpegls) and DCMTK's dcmdjpls pixels: exactly for lossless, within the stream's NEAR for
    near-lossless; the synthetic images of (b) up to 16 bits encoded by Rampart to .80 decode
    pixel-exact with pydicom and dcmdjpls; damaged JPEG-LS streams are refused with a message.
(f) JPEG 2000 and HTJ2K (OpenJPEG, decoding only): every file of pydicom's test data and
    pydicom-data in .90, .91, .201, .202 or .203, transcoded by Rampart to Explicit VR Little
    Endian, has pydicom's `pixel_array` (pydicom decoding with pylibjpeg-openjpeg): exactly for
    the lossless syntaxes, within one unit for the lossy ones (two builds of OpenJPEG may round the
    inverse wavelet and colour transforms differently); damaged codestreams are refused with a message.
(g) JPEG Baseline and Extended (lossy DCT; 8-bit through libjpeg-turbo, 12-bit in Swift): every
    file of pydicom's test data and pydicom-data in .50 or .51, transcoded by Rampart to Explicit VR
    Little Endian, has dcmdjpeg's pixels exactly and pydicom's `pixel_array` within
    JPEG_DCT_TOLERANCE_VS_PYDICOM; smooth synthetic images encoded by Rampart to .50 and .51 decode
    with pydicom and dcmdjpeg at LOSSY_PSNR or better; dcmcjpeg's +eb and +ee encodings decode to
    dcmdjpeg's pixels exactly; damaged streams are refused with a message.
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
DCMCJPEG = "/usr/bin/dcmcjpeg"
DCMDJPEG = "/usr/bin/dcmdjpeg"
JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57"
JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70"
DCMDJPLS = "/usr/bin/dcmdjpls"
JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80"
JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81"
# JPEG 2000 and HTJ2K syntaxes, and whether each is lossless.
JPEG_2000 = {
    "1.2.840.10008.1.2.4.90": True,
    "1.2.840.10008.1.2.4.91": False,
    "1.2.840.10008.1.2.4.201": True,
    "1.2.840.10008.1.2.4.202": True,
    "1.2.840.10008.1.2.4.203": False,
}


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


def damaged_copy(good: Path, frame: bytes, path: Path) -> Path:
    """`good` with its pixel data replaced by the one frame `frame` (padded to an even length), saved at `path`."""
    damaged = read(good)
    damaged.PixelData = encapsulate([frame + b"\0" * (len(frame) % 2)])
    damaged.save_as(path, enforce_file_format=True)
    return path


def assert_refused(rampart, path: Path, out: Path, label: str, expected: str | None) -> None:
    """`rampart transcode` of the damaged file `path` exits with status 1 and one clean line that names the file
    and, unless `expected` is None, says `expected`; `label` names the damage in failures."""
    result = rampart_cli.run(rampart, "transcode", path, out, "--transfer-syntax", ExplicitVRLittleEndian)
    assert result.returncode == 1, f"{label}: {rampart_cli.describe(result)}"
    problem = rampart_cli.clean_refusal_problem(result, need_offset=False)
    assert problem is None, f"{label}: {problem}; {rampart_cli.describe(result)}"
    message = rampart_cli.stderr_lines(result)[0]
    assert message.startswith("rampart: ") and str(path) in message, f"{label}: {message}"
    if expected is not None:
        assert expected in message, f"{label}: {message}"


def dcmtk_pixels(decoder: str, source: Path, folder: Path, required: bool = True) -> numpy.ndarray | None:
    """The pixels of `source` as DCMTK's `decoder` (dcmdjpeg, dcmdjpls) decodes it; None, when not `required`,
    for a file DCMTK cannot parse."""
    tool = Path(decoder).name
    out = folder / f"{source.stem}_{tool}.dcm"
    result = subprocess.run([decoder, str(source), str(out)], capture_output=True, text=True, check=False)
    if result.returncode != 0 and not required:
        return None
    assert result.returncode == 0, f"{tool} {source.name}: {result.stderr.strip()}"
    return pixels(out)


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
    paths = {name: damaged_copy(good, data, folder / f"damaged{index}.dcm") for index, (name, data) in enumerate(variants.items())}
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
        # A file cut inside its pixel data is refused by the reader, before the codec sees a frame.
        expected = None if name == "file cut inside the pixel data" else "RLE Lossless data is malformed"
        assert_refused(rampart, path, tmp_path / "out.dcm", name, expected)
    unsupported = rampart_cli.run(rampart, "transcode", source, tmp_path / "out.dcm", "--transfer-syntax", "1.2.840.10008.1.2.4.201")
    assert unsupported.returncode == 1 and "High-Throughput JPEG 2000 Image Compression (Lossless Only)" in rampart_cli.stderr_lines(unsupported)[0]
    line = f"rampart transcode: {len(variants)} damaged RLE files refused with a one-line message"
    stats.lines.append(line)
    print(line)


def jpeg_lossless_test_files() -> list[Path]:
    """pydicom's test files and pydicom-data's (get_testdata_files lists both) in either JPEG Lossless syntax, with pixel data."""
    found = []
    for name in pydicom.data.get_testdata_files():
        path = Path(name)
        try:
            ds = read(path)
        except Exception:  # noqa: BLE001 - not a Part 10 file pydicom reads: not a candidate
            continue
        if ds.file_meta.get("TransferSyntaxUID") in (JPEG_LOSSLESS, JPEG_LOSSLESS_SV1) and "PixelData" in ds:
            found.append(path)
    return sorted(found)


def test_pydicom_jpeg_lossless_files_decode_to_pydicoms_pixels(rampart, tmp_path, stats):
    files = jpeg_lossless_test_files()
    assert len(files) >= 4, f"only {len(files)} JPEG Lossless files in pydicom's test data"
    counts = {JPEG_LOSSLESS: 0, JPEG_LOSSLESS_SV1: 0}
    for path in files:
        out = tmp_path / f"{path.stem}.dcm"
        transcode(rampart, path, out, ExplicitVRLittleEndian)
        decoded = read(out)
        assert decoded.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
        expected, actual = pixels(path), decoded.pixel_array
        assert expected.shape == actual.shape and expected.dtype == actual.dtype, f"{path.name}: {expected.shape} {expected.dtype} vs {actual.shape} {actual.dtype}"
        assert numpy.array_equal(expected, actual), f"{path.name}: Rampart's decoding differs from pydicom's"
        counts[read(path).file_meta.TransferSyntaxUID] += 1
    line = (f"rampart transcode: JPEG Lossless files of pydicom's test data decoded pixel-exact to pydicom's pixel_array: "
            f"{counts[JPEG_LOSSLESS]} .57, {counts[JPEG_LOSSLESS_SV1]} .70")
    stats.lines.append(line)
    print(line)


def jpeg_sources(folder: Path) -> list[Path]:
    """The native sources of (b) that JPEG carries: up to 16 bits allocated."""
    return [path for path in native_sources(folder) if read(path).BitsAllocated <= 16]


def test_native_files_encoded_to_jpeg_lossless_decode_pixel_exact_with_pydicom_and_dcmtk(rampart, tmp_path, stats):
    sources = jpeg_sources(tmp_path / "native")
    assert len(sources) >= 9
    for source in sources:
        out = tmp_path / f"{source.stem}_jpll.dcm"
        transcode(rampart, source, out, JPEG_LOSSLESS_SV1)
        encoded = read(out)
        assert encoded.file_meta.TransferSyntaxUID == JPEG_LOSSLESS_SV1
        assert "LossyImageCompression" not in encoded
        expected = pixels(source)
        assert numpy.array_equal(expected, encoded.pixel_array), f"{source.name}: pydicom decodes Rampart's JPEG Lossless differently"
        assert numpy.array_equal(expected, dcmtk_pixels(DCMDJPEG, out, tmp_path)), f"{source.name}: dcmdjpeg decodes Rampart's JPEG Lossless differently"
    line = f"rampart transcode: {len(sources)} synthetic native files encoded to JPEG Lossless .70, decoded pixel-exact by pydicom and dcmdjpeg"
    stats.lines.append(line)
    print(line)


# dcmcjpeg's lossless encodings: +e1 writes .70; +el with a selection value (and point transform) writes .57.
DCMCJPEG_MODES = {"e1": ["+e1"]} | {f"sv{value}": ["+el", "+sv", str(value)] for value in range(1, 8)} | {"sv6_pt2": ["+el", "+sv", "6", "+pt", "2"]}


def test_dcmtk_jpeg_lossless_decodes_to_dcmtks_pixels(rampart, tmp_path, stats):
    sources = jpeg_sources(tmp_path / "native")
    counts = {JPEG_LOSSLESS: 0, JPEG_LOSSLESS_SV1: 0}
    for source in sources:
        for mode, options in DCMCJPEG_MODES.items():
            by_dcmtk = tmp_path / f"{source.stem}_{mode}.dcm"
            result = subprocess.run([DCMCJPEG, *options, str(source), str(by_dcmtk)], capture_output=True, text=True, check=False)
            assert result.returncode == 0, f"dcmcjpeg {' '.join(options)} {source.name}: {result.stderr.strip()}"
            syntax = read(by_dcmtk).file_meta.TransferSyntaxUID
            assert syntax in counts, f"dcmcjpeg {' '.join(options)} wrote {syntax}"
            out = tmp_path / f"{source.stem}_{mode}_rampart.dcm"
            transcode(rampart, by_dcmtk, out, ExplicitVRLittleEndian)
            expected = dcmtk_pixels(DCMDJPEG, by_dcmtk, tmp_path)
            assert numpy.array_equal(expected, pixels(out)), f"{by_dcmtk.name}: Rampart decodes dcmcjpeg {' '.join(options)} differently from dcmdjpeg"
            # pylibjpeg-libjpeg 2.5.0 decodes a point transform to 255 everywhere: there, dcmdjpeg alone is the reference.
            if "+pt" not in options:
                assert numpy.array_equal(pixels(by_dcmtk), pixels(out)), f"{by_dcmtk.name}: Rampart decodes dcmcjpeg {' '.join(options)} differently from pydicom"
            # dcmcjpeg (3.6.7) encodes planar colour as if interleaved and labels it so; dcmdjpeg and pydicom agree
            # with Rampart on those pixels, which are not the source's.
            if "+pt" not in options and read(source).get("PlanarConfiguration", 0) == 0:
                assert numpy.array_equal(pixels(source), pixels(out)), f"{by_dcmtk.name}: not the source's pixels"
            counts[syntax] += 1
    line = (f"rampart transcode: dcmcjpeg's JPEG Lossless of {len(sources)} synthetic files (selection values 1-7, point transform 2) "
            f"decoded pixel-exact: {counts[JPEG_LOSSLESS]} .57, {counts[JPEG_LOSSLESS_SV1]} .70")
    stats.lines.append(line)
    print(line)


def test_damaged_jpeg_lossless_is_refused_with_a_message(rampart, tmp_path, stats):
    source = synthetic(tmp_path, "damage_source", 40, 50, 1, 16, False, False, 1)
    good = tmp_path / "good_jpll.dcm"
    transcode(rampart, source, good, JPEG_LOSSLESS_SV1)
    frame = next(generate_frames(read(good).PixelData, number_of_frames=1))
    scan = frame.index(b"\xff\xda")
    variants = {
        "frame cut after 100 bytes": frame[:100],
        "no SOI marker": b"\0\0" + frame[2:],
        "no EOI marker": frame[: frame.rindex(b"\xff\xd9")],
        "predictor 0 in the scan header": frame[: scan + 7] + b"\0" + frame[scan + 8 :],
        "Huffman table removed": frame[:frame.index(b"\xff\xc4")] + frame[scan:],
        "scan header names component 9": frame[: scan + 5] + b"\x09" + frame[scan + 6 :],
    }
    for index, (name, data) in enumerate(variants.items()):
        path = damaged_copy(good, data, tmp_path / f"damaged{index}.dcm")
        assert_refused(rampart, path, tmp_path / "out.dcm", name, "JPEG Lossless (selection value 1) data is malformed")
    unsupported = rampart_cli.run(rampart, "transcode", source, tmp_path / "out.dcm", "--transfer-syntax", JPEG_LOSSLESS)
    message = rampart_cli.stderr_lines(unsupported)[0]
    assert unsupported.returncode == 1 and "cannot encode pixel data to JPEG Lossless, Non-Hierarchical (Process 14)" in message, message
    line = f"rampart transcode: {len(variants)} damaged JPEG Lossless files refused with a one-line message"
    stats.lines.append(line)
    print(line)


def files_in(syntaxes) -> list[Path]:
    """pydicom's test files and pydicom-data's in one of `syntaxes`, with pixel data."""
    found = []
    for name in pydicom.data.get_testdata_files():
        path = Path(name)
        try:
            ds = read(path)
        except Exception:  # noqa: BLE001 - not a Part 10 file pydicom reads: not a candidate
            continue
        if ds.file_meta.get("TransferSyntaxUID") in syntaxes and "PixelData" in ds:
            found.append(path)
    return sorted(found)


def jpeg_ls_near(ds) -> int:
    """The largest NEAR parameter of the scans of a JPEG-LS data set's frames (ISO/IEC 14495-1 C.2.3)."""
    near = 0
    for frame in generate_frames(ds.PixelData, number_of_frames=int(ds.get("NumberOfFrames", 1))):
        start = frame.find(b"\xff\xda")
        while start >= 0:
            components = frame[start + 4]
            near = max(near, frame[start + 5 + 2 * components])
            start = frame.find(b"\xff\xda", start + 2)
    return near


def test_pydicom_jpeg_ls_files_decode_to_pydicoms_and_dcmtks_pixels(rampart, tmp_path, stats):
    files = files_in((JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS))
    assert len(files) >= 6, f"only {len(files)} JPEG-LS files in pydicom's test data"
    counts = {JPEG_LS_LOSSLESS: 0, JPEG_LS_NEAR_LOSSLESS: 0}
    for path in files:
        original = read(path)
        out = tmp_path / f"{path.stem}.dcm"
        transcode(rampart, path, out, ExplicitVRLittleEndian)
        decoded = read(out)
        assert decoded.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
        expected, actual = original.pixel_array, decoded.pixel_array
        assert expected.shape == actual.shape and expected.dtype == actual.dtype, f"{path.name}: {expected.shape} {expected.dtype} vs {actual.shape} {actual.dtype}"
        near = jpeg_ls_near(original) if original.file_meta.TransferSyntaxUID == JPEG_LS_NEAR_LOSSLESS else 0
        difference = numpy.abs(expected.astype(numpy.int64) - actual.astype(numpy.int64)).max()
        assert difference <= near, f"{path.name}: Rampart's decoding differs from pydicom's by {difference}, NEAR is {near}"
        # DCMTK decodes with its own copy of CharLS: the same reconstruction, sample for sample.
        assert numpy.array_equal(dcmtk_pixels(DCMDJPLS, path, tmp_path), actual), f"{path.name}: Rampart's decoding differs from dcmdjpls's"
        counts[original.file_meta.TransferSyntaxUID] += 1
    line = (f"rampart transcode: JPEG-LS files of pydicom's test data decoded to pydicom's pixel_array and dcmdjpls's pixels: "
            f"{counts[JPEG_LS_LOSSLESS]} .80 (exact), {counts[JPEG_LS_NEAR_LOSSLESS]} .81 (within NEAR)")
    stats.lines.append(line)
    print(line)


def test_native_files_encoded_to_jpeg_ls_decode_pixel_exact_with_pydicom_and_dcmtk(rampart, tmp_path, stats):
    sources = jpeg_sources(tmp_path / "native")
    assert len(sources) >= 9
    for source in sources:
        out = tmp_path / f"{source.stem}_jls.dcm"
        transcode(rampart, source, out, JPEG_LS_LOSSLESS)
        encoded = read(out)
        assert encoded.file_meta.TransferSyntaxUID == JPEG_LS_LOSSLESS
        assert "LossyImageCompression" not in encoded
        expected = pixels(source)
        assert numpy.array_equal(expected, encoded.pixel_array), f"{source.name}: pydicom decodes Rampart's JPEG-LS differently"
        assert numpy.array_equal(expected, dcmtk_pixels(DCMDJPLS, out, tmp_path)), f"{source.name}: dcmdjpls decodes Rampart's JPEG-LS differently"
    line = f"rampart transcode: {len(sources)} synthetic native files encoded to JPEG-LS .80, decoded pixel-exact by pydicom and dcmdjpls"
    stats.lines.append(line)
    print(line)


@pytest.mark.parametrize("near", [1, 3])
def test_native_files_encoded_to_jpeg_ls_near_lossless_stay_within_near(rampart, tmp_path, stats, near):
    """Rampart's near-lossless JPEG-LS (.81, `--near`): pydicom and dcmdjpls decode every sample
    within NEAR of the original, and the file says it is lossy (ISO_14495_1)."""
    sources = jpeg_sources(tmp_path / "native")
    worst = 0
    for source in sources:
        out = tmp_path / f"{source.stem}_jls_near.dcm"
        result = rampart_cli.run(rampart, "transcode", source, out, "--transfer-syntax", JPEG_LS_NEAR_LOSSLESS, "--near", str(near))
        assert result.returncode == 0, rampart_cli.describe(result)
        encoded = read(out)
        assert encoded.file_meta.TransferSyntaxUID == JPEG_LS_NEAR_LOSSLESS
        assert encoded.LossyImageCompression == "01" and encoded.LossyImageCompressionMethod == "ISO_14495_1"
        expected = pixels(source).astype(numpy.int64)
        for decoder, decoded in (("pydicom", encoded.pixel_array), ("dcmdjpls", dcmtk_pixels(DCMDJPLS, out, tmp_path))):
            error = int(numpy.abs(decoded.astype(numpy.int64) - expected).max())
            assert error <= near, f"{source.name}: {decoder} decodes Rampart's near-lossless JPEG-LS {error} off, NEAR is {near}"
            worst = max(worst, error)
    line = (f"rampart transcode: {len(sources)} synthetic native files encoded to JPEG-LS .81 with NEAR {near}, "
            f"decoded by pydicom and dcmdjpls within {worst}")
    stats.lines.append(line)
    print(line)


def test_pydicom_jpeg_2000_files_decode_to_pydicoms_pixels(rampart, tmp_path, stats):
    files = files_in(JPEG_2000)
    assert len(files) >= 15, f"only {len(files)} JPEG 2000 files in pydicom's test data"
    counts = dict.fromkeys(JPEG_2000, 0)
    refused, worst = [], 0
    for path in files:
        original = read(path)
        syntax = original.file_meta.TransferSyntaxUID
        out = tmp_path / f"{path.stem}.dcm"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                original.pixel_array  # noqa: B018 - decoded only to learn whether pydicom can
        except Exception:  # noqa: BLE001 - a codestream pydicom's decoders refuse (JPEG2000-embedded-sequence-delimiter.dcm's SIZ is garbage)
            result = rampart_cli.run(rampart, "transcode", path, out, "--transfer-syntax", ExplicitVRLittleEndian)
            assert result.returncode == 1, f"{path.name}: pydicom cannot decode it, Rampart: {rampart_cli.describe(result)}"
            assert "JPEG 2000 data is malformed" in rampart_cli.stderr_lines(result)[0], rampart_cli.describe(result)
            refused.append(path.name)
            continue
        transcode(rampart, path, out, ExplicitVRLittleEndian)
        decoded = read(out)
        assert decoded.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
        expected, actual = original.pixel_array, decoded.pixel_array
        assert expected.shape == actual.shape and expected.dtype == actual.dtype, f"{path.name}: {expected.shape} {expected.dtype} vs {actual.shape} {actual.dtype}"
        tolerance = 0 if JPEG_2000[syntax] else 1
        difference = numpy.abs(expected.astype(numpy.int64) - actual.astype(numpy.int64)).max()
        assert difference <= tolerance, f"{path.name}: Rampart's decoding differs from pydicom's by {difference}"
        worst = max(worst, difference)
        if original.PhotometricInterpretation in ("YBR_RCT", "YBR_ICT"):
            assert decoded.PhotometricInterpretation == "RGB", f"{path.name}: {decoded.PhotometricInterpretation}"
        counts[syntax] += 1
    line = ("rampart transcode: JPEG 2000 files of pydicom's test data decoded to pydicom's pixel_array: "
            + ", ".join(f"{count} {uid.removeprefix('1.2.840.10008.1.2.4')}" for uid, count in counts.items())
            + f"; largest difference {worst}; refused by both pydicom and Rampart: {', '.join(refused) or 'none'}")
    stats.lines.append(line)
    print(line)


def test_native_files_encoded_to_jpeg_2000_decode_with_pydicom(rampart, tmp_path, stats):
    """Rampart's JPEG 2000 (OpenJPEG): .90 of the synthetic images (8 and 16 bit, signed, RGB,
    planar, multi-frame) decodes pixel-exact with pydicom (pylibjpeg-openjpeg), colour as
    YBR_RCT; .91 (9/7 wavelet at 10:1) of the smooth images decodes close to the original, colour
    as YBR_ICT, and says it is lossy (ISO_15444_1)."""
    sources = jpeg_sources(tmp_path / "native")
    for source in sources:
        out = tmp_path / f"{source.stem}_j2k.dcm"
        transcode(rampart, source, out, "1.2.840.10008.1.2.4.90")
        encoded = read(out)
        assert encoded.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.4.90" and "LossyImageCompression" not in encoded
        if int(getattr(encoded, "SamplesPerPixel", 1)) == 3:
            assert encoded.PhotometricInterpretation == "YBR_RCT"
        assert numpy.array_equal(encoded.pixel_array, pixels(source)), f"{source.name}: pydicom decodes Rampart's JPEG 2000 lossless differently"
    worst = float("inf")
    lossy = [entry for entry in LOSSY_SOURCES if entry[2] <= 8 or entry[1] == 1]
    for name, samples, stored, planar, frames in lossy:
        source = smooth_synthetic(tmp_path, name, samples, stored, planar, frames)
        out = tmp_path / f"{name}_j2k_lossy.dcm"
        transcode(rampart, source, out, "1.2.840.10008.1.2.4.91")
        encoded = read(out)
        assert encoded.LossyImageCompression == "01" and encoded.LossyImageCompressionMethod == "ISO_15444_1"
        if samples == 3:
            assert encoded.PhotometricInterpretation == "YBR_ICT"
        quality = psnr(pixels(source), encoded.pixel_array, stored)
        assert quality >= LOSSY_PSNR, f"{name}: JPEG 2000 at 10:1 decodes at {quality:.1f} dB"
        worst = min(worst, quality)
    line = (f"rampart transcode: {len(sources)} synthetic native files encoded to JPEG 2000 .90, decoded pixel-exact by pydicom; "
            f"{len(lossy)} smooth ones to .91 at 10:1, lowest PSNR {worst:.1f} dB")
    stats.lines.append(line)
    print(line)


def test_damaged_jpeg_ls_and_jpeg_2000_are_refused_with_a_message(rampart, tmp_path, stats):
    source = synthetic(tmp_path, "damage_source", 40, 50, 1, 16, False, False, 1)
    jls = tmp_path / "good_jls.dcm"
    transcode(rampart, source, jls, JPEG_LS_LOSSLESS)
    j2k = Path(pydicom.data.get_testdata_file("MR_small_jp2klossless.dcm"))
    cases = []
    for good, expected in ((jls, "JPEG-LS lossless data is malformed"), (j2k, "JPEG 2000 lossless data is malformed")):
        frame = next(generate_frames(read(good).PixelData, number_of_frames=1))
        variants = {
            "frame cut after 100 bytes": frame[:100],
            "frame cut in half": frame[: len(frame) // 2],
            "no start marker": b"\0\0" + frame[2:],
            "garbage after the start marker": frame[:2] + bytes(range(256)) * 2,
        }
        cases += [(good, name, data, expected) for name, data in variants.items()]
    for index, (good, name, data, expected) in enumerate(cases):
        path = damaged_copy(good, data, tmp_path / f"damaged{index}.dcm")
        assert_refused(rampart, path, tmp_path / "out.dcm", f"{good.name}, {name}", expected)
    # HTJ2K is decoded only.
    unsupported = rampart_cli.run(rampart, "transcode", source, tmp_path / "out.dcm", "--transfer-syntax", "1.2.840.10008.1.2.4.201")
    message = rampart_cli.stderr_lines(unsupported)[0]
    assert unsupported.returncode == 1 and "cannot encode pixel data to High-Throughput JPEG 2000" in message, message
    line = f"rampart transcode: {len(cases)} damaged JPEG-LS and JPEG 2000 files refused with a one-line message"
    stats.lines.append(line)
    print(line)


JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
JPEG_EXTENDED = "1.2.840.10008.1.2.4.51"
# Rampart decodes 8-bit frames with libjpeg-turbo and 12-bit ones with its own DCT, which
# computes as libjpeg does (islow IDCT, fancy upsampling, fixed-point colour), as DCMTK's IJG
# libjpeg also does: with dcmdjpeg, sample for sample. pydicom's pylibjpeg-libjpeg has its own
# IDCT (one unit apart) and interpolates subsampled chroma differently: up to 5 units apart in
# pydicom's files.
JPEG_DCT_TOLERANCE_VS_PYDICOM = {"grey": 1, "colour": 1, "subsampled colour": 6}


def jpeg_dct_tolerance_vs_pydicom(ds) -> int:
    if ds.SamplesPerPixel == 1:
        return JPEG_DCT_TOLERANCE_VS_PYDICOM["grey"]
    frame = next(generate_frames(ds.PixelData, number_of_frames=int(ds.get("NumberOfFrames", 1))))
    sof = max(frame.find(b"\xff\xc0"), frame.find(b"\xff\xc1"))
    subsampled = any(frame[sof + 11 + 3 * index] != 0x11 for index in range(3))
    return JPEG_DCT_TOLERANCE_VS_PYDICOM["subsampled colour" if subsampled else "colour"]


def largest_difference(a: numpy.ndarray, b: numpy.ndarray) -> int:
    return int(numpy.abs(a.astype(numpy.int64) - b.astype(numpy.int64)).max())


def test_pydicom_jpeg_dct_files_decode_to_dcmtks_pixels_and_close_to_pydicoms(rampart, tmp_path, stats):
    files = files_in((JPEG_BASELINE, JPEG_EXTENDED))
    assert len(files) >= 15, f"only {len(files)} JPEG Baseline/Extended files in pydicom's test data"
    counts = {JPEG_BASELINE: 0, JPEG_EXTENDED: 0}
    report, only_dcmtk = [], []
    for path in files:
        original = read(path)
        out = tmp_path / f"{path.stem}.dcm"
        transcode(rampart, path, out, ExplicitVRLittleEndian)
        decoded = read(out)
        actual = decoded.pixel_array
        if original.SamplesPerPixel == 3:
            assert decoded.PhotometricInterpretation == "RGB", f"{path.name}: {decoded.PhotometricInterpretation}"
        # SC_rgb_jpeg.dcm has a malformed element before its pixel data, which DCMTK stops at.
        by_dcmtk_pixels = dcmtk_pixels(DCMDJPEG, path, tmp_path, required=False)
        by_dcmtk = "-" if by_dcmtk_pixels is None else largest_difference(by_dcmtk_pixels, actual)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected = original.pixel_array
        except Exception:  # noqa: BLE001 - pylibjpeg-libjpeg refuses JPEG-lossy.dcm's scan header (Se is not 63), which libjpeg and DCMTK accept
            only_dcmtk.append(path.name)
            expected = None
        if expected is not None:
            assert expected.shape == actual.shape and expected.dtype == actual.dtype, f"{path.name}: {expected.shape} {expected.dtype} vs {actual.shape} {actual.dtype}"
            by_pydicom = largest_difference(expected, actual)
            assert by_pydicom <= jpeg_dct_tolerance_vs_pydicom(original), f"{path.name}: Rampart's decoding differs from pydicom's by {by_pydicom}"
        report.append(f"{path.name} {by_pydicom if expected is not None else '-'}/{by_dcmtk}")
        if by_dcmtk_pixels is not None:
            assert by_dcmtk == 0, f"{path.name}: Rampart's decoding differs from dcmdjpeg's by {by_dcmtk}"
        assert expected is not None or by_dcmtk_pixels is not None, f"{path.name}: neither pydicom nor dcmdjpeg decodes it"
        counts[original.file_meta.TransferSyntaxUID] += 1
    line = (f"rampart transcode: JPEG Baseline/Extended files of pydicom's test data decoded to dcmdjpeg's pixels exactly and close to pydicom's pixel_array: "
            f"{counts[JPEG_BASELINE]} .50, {counts[JPEG_EXTENDED]} .51; largest difference per file (pydicom/dcmdjpeg): " + ", ".join(report)
            + f"; pydicom cannot decode (compared with dcmdjpeg only): {', '.join(only_dcmtk) or 'none'}")
    stats.lines.append(line)
    print(line)


def smooth_synthetic(folder: Path, name: str, samples: int, stored: int, planar: bool = False, frames: int = 1) -> Path:
    """A smooth image (gradients and a ripple), what lossy JPEG is for, of `stored` bits in 8 or 16 allocated."""
    rows, columns = 48, 61
    y, x = numpy.mgrid[0:rows, 0:columns]
    maximum = (1 << stored) - 1
    planes = [(0.2 + 0.3 * x / columns + 0.2 * y / rows + 0.15 * numpy.sin((x + 2 * y) / 6 + sample)) * maximum for sample in range(samples)]
    values = numpy.stack([numpy.stack(planes, axis=-1) * (1 - 0.1 * frame) for frame in range(frames)]).round()
    path = synthetic(folder, name, rows, columns, samples, 8 if stored <= 8 else 16, False, planar, frames)
    ds = read(path)
    data = values.transpose(0, 3, 1, 2) if planar else values
    ds.PixelData = data.astype(numpy.uint8 if stored <= 8 else numpy.uint16).tobytes()
    ds.BitsStored, ds.HighBit = stored, stored - 1
    ds.save_as(path, enforce_file_format=True)
    return path


def psnr(expected: numpy.ndarray, actual: numpy.ndarray, stored: int) -> float:
    error = numpy.mean((expected.astype(numpy.float64) - actual.astype(numpy.float64)) ** 2)
    return float("inf") if error == 0 else 10 * numpy.log10(((1 << stored) - 1) ** 2 / error)


# (name, samples, bits stored, planar, frames) of the smooth sources; which syntax each is written in.
LOSSY_SOURCES = [("grey8", 1, 8, False, 1), ("grey8_frames", 1, 8, False, 3), ("rgb8", 3, 8, False, 1), ("rgb8_planar", 3, 8, True, 2),
                 ("grey12", 1, 12, False, 1), ("grey12_frames", 1, 12, False, 2), ("grey10", 1, 10, False, 1)]
LOSSY_PSNR = 36.0
# DCMTK also writes 12-bit colour (Rampart decodes it, in Swift, but encodes colour at 8 bits only).
DCMTK_LOSSY_SOURCES = [*LOSSY_SOURCES, ("rgb12", 3, 12, False, 1)]


def test_rampart_jpeg_dct_decodes_close_to_the_original_with_pydicom_and_dcmtk(rampart, tmp_path, stats):
    worst = {}
    for name, samples, stored, planar, frames in LOSSY_SOURCES:
        source = smooth_synthetic(tmp_path, name, samples, stored, planar, frames)
        expected = pixels(source)
        for syntax in ((JPEG_BASELINE, JPEG_EXTENDED) if stored <= 8 else (JPEG_EXTENDED,)):
            out = tmp_path / f"{name}_{syntax[-2:]}.dcm"
            transcode(rampart, source, out, syntax)
            encoded = read(out)
            assert encoded.file_meta.TransferSyntaxUID == syntax
            assert encoded.LossyImageCompression == "01" and encoded.LossyImageCompressionMethod == "ISO_10918_1"
            assert float(encoded.LossyImageCompressionRatio) > 1
            assert encoded.PhotometricInterpretation == ("YBR_FULL_422" if samples == 3 else "MONOCHROME2")
            for reader, decoded in (("pydicom", encoded.pixel_array), ("dcmdjpeg", dcmtk_pixels(DCMDJPEG, out, tmp_path))):
                quality = psnr(expected, decoded, stored)
                assert quality >= LOSSY_PSNR, f"{name} as {syntax}: {reader} decodes it at {quality:.1f} dB PSNR"
                key = (syntax[-3:], f"{stored}-bit", reader)
                worst[key] = min(worst.get(key, float("inf")), quality)
    line = (f"rampart transcode: {len(LOSSY_SOURCES)} smooth synthetic files (8-bit grey and RGB, 10- and 12-bit grey, multi-frame) "
            f"encoded to .50/.51 and decoded by pydicom and dcmdjpeg; lowest PSNR: "
            + ", ".join(f"{syntax} {bits} {reader} {value:.1f} dB" for (syntax, bits, reader), value in sorted(worst.items())))
    stats.lines.append(line)
    print(line)


# dcmcjpeg's lossy encodings: baseline in YBR_FULL_422, 4:4:4, 4:1:1, RGB without a colour transform; extended 8- and 12-bit.
DCMCJPEG_LOSSY_MODES = {"eb": ["+eb"], "eb_s4": ["+eb", "+s4"], "eb_n1": ["+eb", "+n1"], "eb_cr": ["+eb", "+cr"], "ee": ["+ee"], "ee_q50": ["+ee", "+q", "50"]}


def test_dcmtk_jpeg_dct_decodes_to_dcmtks_pixels(rampart, tmp_path, stats):
    counts = {JPEG_BASELINE: 0, JPEG_EXTENDED: 0}
    for name, samples, stored, planar, frames in DCMTK_LOSSY_SOURCES:
        source = smooth_synthetic(tmp_path, name, samples, stored, planar, frames)
        for mode, options in DCMCJPEG_LOSSY_MODES.items():
            if mode.startswith("eb") and stored > 8 or mode in ("eb_s4", "eb_n1", "eb_cr") and samples == 1:
                continue
            by_dcmtk = tmp_path / f"{name}_{mode}.dcm"
            result = subprocess.run([DCMCJPEG, *options, str(source), str(by_dcmtk)], capture_output=True, text=True, check=False)
            assert result.returncode == 0, f"dcmcjpeg {' '.join(options)} {source.name}: {result.stderr.strip()}"
            encoded = read(by_dcmtk)
            out = tmp_path / f"{name}_{mode}_rampart.dcm"
            transcode(rampart, by_dcmtk, out, ExplicitVRLittleEndian)
            assert numpy.array_equal(dcmtk_pixels(DCMDJPEG, by_dcmtk, tmp_path), pixels(out)), f"{by_dcmtk.name}: Rampart decodes dcmcjpeg {' '.join(options)} differently from dcmdjpeg"
            counts[encoded.file_meta.TransferSyntaxUID] += 1
    line = (f"rampart transcode: dcmcjpeg's lossy JPEG of smooth synthetic files (+eb with 4:2:2, 4:4:4, 4:1:1 and RGB; +ee 8- and 12-bit, grey and colour) "
            f"decoded to dcmdjpeg's pixels exactly: {counts[JPEG_BASELINE]} .50, {counts[JPEG_EXTENDED]} .51")
    stats.lines.append(line)
    print(line)


def test_damaged_jpeg_dct_is_refused_with_a_message(rampart, tmp_path, stats):
    cases = []
    for stored, syntax, expected in ((8, JPEG_BASELINE, "JPEG Baseline data is malformed"), (12, JPEG_EXTENDED, "JPEG Extended data is malformed")):
        good = tmp_path / f"good_{stored}.dcm"
        transcode(rampart, smooth_synthetic(tmp_path, f"damage_source_{stored}", 1, stored), good, syntax)
        frame = next(generate_frames(read(good).PixelData, number_of_frames=1))
        scan = frame.index(b"\xff\xda")
        variants = {
            "frame cut after 100 bytes": frame[:100],
            "frame cut inside the scan": frame[: scan + 40],
            "no SOI marker": b"\0\0" + frame[2:],
            # (Not the Huffman tables: libjpeg-turbo supplies the standard ones to a stream without, as Motion JPEG has.)
            "quantization table removed": frame[: frame.index(b"\xff\xdb")] + frame[max(frame.find(b"\xff\xc0"), frame.find(b"\xff\xc1")):],
            "garbage after the SOI marker": frame[:2] + bytes(range(256)) * 2,
        }
        cases += [(good, name, data, expected) for name, data in variants.items()]
    for index, (good, name, data, expected) in enumerate(cases):
        path = damaged_copy(good, data, tmp_path / f"damaged{index}.dcm")
        assert_refused(rampart, path, tmp_path / "out.dcm", f"{good.name}, {name}", expected)
    line = f"rampart transcode: {len(cases)} damaged JPEG Baseline and Extended files refused with a one-line message"
    stats.lines.append(line)
    print(line)


def test_jpeg_quality_trades_size_for_fidelity(rampart, tmp_path, stats):
    source = smooth_synthetic(tmp_path, "quality_source", 3, 8)
    expected = pixels(source)
    sizes, fidelity = {}, {}
    for quality in (30, 90, 100):
        out = tmp_path / f"q{quality}.dcm"
        result = rampart_cli.run(rampart, "transcode", source, out, "--transfer-syntax", JPEG_BASELINE, "--quality", str(quality))
        assert result.returncode == 0, rampart_cli.describe(result)
        encoded = read(out)
        sizes[quality] = len(next(generate_frames(encoded.PixelData, number_of_frames=1)))
        fidelity[quality] = psnr(expected, encoded.pixel_array, 8)
    assert sizes[30] < sizes[90] < sizes[100] and fidelity[30] < fidelity[90] < fidelity[100], (sizes, fidelity)
    refused = rampart_cli.run(rampart, "transcode", source, tmp_path / "q0.dcm", "--transfer-syntax", JPEG_BASELINE, "--quality", "0")
    assert refused.returncode != 0 and "--quality is 0; give 1 to 100" in refused.stderr.decode(), rampart_cli.describe(refused)
    line = ("rampart transcode --quality: JPEG Baseline of a smooth RGB image, frame bytes / PSNR: "
            + ", ".join(f"q{q} {sizes[q]} B {fidelity[q]:.1f} dB" for q in sizes))
    stats.lines.append(line)
    print(line)
