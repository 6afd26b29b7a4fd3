"""`rampart deidentify --masks`: objects with Burned In Annotation YES get their modality's
regions set to zero in native pixel data (checked by pydicom, frame by frame and sample by sample),
the rest of the pixels untouched, and say Burned In Annotation NO; objects of a modality with no
region, and compressed ones, stay refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.uid import RLELossless

import rampart_cli
import test_deidentify as table
import test_reidentify

MASKS = """\
# the header band of the synthetic ultrasound device
- {modality: US, x: 0, y: 0, width: 40, height: 12}
- {modality: US, x: 56, y: 40, width: 100, height: 100}
"""
REGIONS = [(0, 0, 40, 12), (56, 40, 100, 100)]


def ultrasound(path: Path, uid: str, *, modality: str = "US", compressed: bool = False) -> np.ndarray:
    """A 2-frame RGB image, 64 × 48, every pixel 90 but a 'burned-in' band of 250 at the top left."""
    pixels = np.full((2, 48, 64, 3), 90, dtype=np.uint8)
    pixels[:, 2:10, 4:36, :] = 250
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.3.1"
    ds.SOPInstanceUID = uid
    ds.StudyInstanceUID = uid + ".0"
    ds.SeriesInstanceUID = uid + ".0.1"
    ds.PatientID = "SYNTH-PAT-0003"
    ds.PatientName = "Poe^Edgar"
    ds.Modality = modality
    ds.BurnedInAnnotation = "YES"
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "RGB"
    ds.PlanarConfiguration = 0
    ds.NumberOfFrames = 2
    ds.Rows, ds.Columns = 48, 64
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = pixels.tobytes()
    table.write(ds, path)
    if compressed:
        ds = pydicom.dcmread(path)
        ds.compress(RLELossless)
        ds.save_as(path)
    return pixels


def run(rampart, inputs: list[Path], out: Path, key: Path, masks: Path):
    return rampart_cli.run(rampart, "deidentify", "--out", out, "--key-file", key, "--masks", masks, "--quiet", *inputs)


def test_regions_are_blanked_and_the_rest_kept(rampart, tmp_path):
    key = test_reidentify.new_key(rampart, tmp_path / "project.key")
    (tmp_path / "masks.yaml").write_text(MASKS)
    original = ultrasound(tmp_path / "us.dcm", "1.2.826.0.1.3680043.10.1137.600")
    result = run(rampart, [tmp_path / "us.dcm"], tmp_path / "out", key, tmp_path / "masks.yaml")
    assert result.returncode == 0, rampart_cli.describe(result)
    (path,) = (tmp_path / "out").glob("*.dcm")
    ds = pydicom.dcmread(path)
    assert ds.BurnedInAnnotation == "NO"
    assert ds.PatientIdentityRemoved == "YES"
    masked = ds.pixel_array
    assert masked.shape == original.shape
    expected = original.copy()
    for x, y, width, height in REGIONS:
        expected[:, y:y + height, x:x + width, :] = 0
    assert (masked[:, 0:12, 0:40, :] == 0).all()
    assert (masked[:, 40:, 56:, :] == 0).all()
    assert np.array_equal(masked, expected)
    assert (masked == 250).sum() == 0, "some burned-in text is left"


def test_no_region_or_compressed_pixel_data_is_refused(rampart, tmp_path):
    key = test_reidentify.new_key(rampart, tmp_path / "project.key")
    (tmp_path / "masks.yaml").write_text(MASKS)
    ultrasound(tmp_path / "xa.dcm", "1.2.826.0.1.3680043.10.1137.700", modality="XA")
    ultrasound(tmp_path / "rle.dcm", "1.2.826.0.1.3680043.10.1137.800", compressed=True)
    assert pydicom.dcmread(tmp_path / "rle.dcm").file_meta.TransferSyntaxUID == RLELossless
    result = run(rampart, [tmp_path / "xa.dcm", tmp_path / "rle.dcm"], tmp_path / "out", key, tmp_path / "masks.yaml")
    assert result.returncode == 1, rampart_cli.describe(result)
    report = result.stdout.decode()
    assert "refused 2" in report
    assert "region for its modality (--masks)" in report and "xa.dcm" in report
    assert "compressed (RLE Lossless)" in report and "rle.dcm" in report
    assert not list((tmp_path / "out").glob("*.dcm"))


def test_a_malformed_masks_file_stops_before_any_file(rampart, tmp_path):
    key = test_reidentify.new_key(rampart, tmp_path / "project.key")
    (tmp_path / "masks.yaml").write_text("US: [0, 0, 40, 12]\n")
    ultrasound(tmp_path / "us.dcm", "1.2.826.0.1.3680043.10.1137.900")
    result = run(rampart, [tmp_path / "us.dcm"], tmp_path / "out", key, tmp_path / "masks.yaml")
    assert result.returncode == 2, rampart_cli.describe(result)
    assert "masks file" in result.stderr.decode() and "modality, x, y, width and height" in result.stderr.decode()
