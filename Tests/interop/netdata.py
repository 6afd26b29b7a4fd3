"""Synthetic DICOM data for the network interop tests (test_net_*.py).

Everything here is made up, deterministically from a seed: no real patient data
ever enters the network tests. The names, IDs and dates look realistic so that
matching and character handling are exercised, but they belong to nobody.

* `make_archive(root, seed)`: the small archive the Query/Retrieve tests run
  over: 3 patients x 2 studies (one CT, one MR) x 2 series x 3 images, 16 x 16
  pixels. One series of each patient is Implicit VR Little Endian, the rest
  Explicit VR Little Endian. Returns an `Archive`, which knows every attribute
  it wrote and can say which records a C-FIND query must match (`Archive.expected`).
* `make_variety(root, seed)`: one instance of each of the common storage SOP
  classes (CR, DX, US, SC, Enhanced CT/MR, RT Structure Set, RT Plan, Basic Text
  SR, Encapsulated PDF, and a classic CT/MR), in Implicit, Explicit, Deflated and
  RLE Lossless transfer syntaxes; for the C-STORE tests only (a fourth patient).
* `make_bulk(root, count, size)`: `count` CT images of about `size` bytes each
  (512 x 512 x 16 bit = 512 KiB of pixel data by default), for throughput runs.
  `bulk_cached(count, size)` keeps one set in `.build/interop-data` and makes it
  only when it is missing.

Run as a script it writes any of these into a folder (see --help).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pydicom
from pydicom.datadict import dictionary_VR
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.sequence import Sequence
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    PYDICOM_IMPLEMENTATION_UID,
    RLELossless,
    generate_uid,
)

DEFAULT_SEED = 20240611
GENERATOR_VERSION = "1"  # bump when the output changes: invalidates bulk_cached()

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
MR_IMAGE = "1.2.840.10008.5.1.4.1.1.4"
CR_IMAGE = "1.2.840.10008.5.1.4.1.1.1"
DX_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1"
US_IMAGE = "1.2.840.10008.5.1.4.1.1.6.1"
SC_IMAGE = "1.2.840.10008.5.1.4.1.1.7"
ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"
ENHANCED_MR = "1.2.840.10008.5.1.4.1.1.4.1"
RT_STRUCTURE_SET = "1.2.840.10008.5.1.4.1.1.481.3"
RT_PLAN = "1.2.840.10008.5.1.4.1.1.481.5"
BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11"
ENCAPSULATED_PDF = "1.2.840.10008.5.1.4.1.1.104.1"

UNCOMPRESSED = (ImplicitVRLittleEndian, ExplicitVRLittleEndian, DeflatedExplicitVRLittleEndian)

# Made-up people. Any likeness to a real person is a coincidence.
FAMILY_NAMES = ["Lindqvist", "Okafor", "Tanaka", "Moreau", "Castellanos", "Novak", "Abernathy", "Kowalczyk", "Haddad", "Fitzgerald"]
GIVEN_NAMES = ["Maja", "Daniel", "Hiro", "Elodie", "Mateo", "Petra", "Owen", "Zofia", "Karim", "Aoife"]
MIDDLE = ["", "K", "", "J", ""]
REFERRING = ["Quill^Harriet", "Barnes^Tobias", "Ngata^Wiremu"]
CT_STUDIES = ["CT CHEST W/O CONTRAST", "CT ABDOMEN PELVIS W CONTRAST", "CT HEAD W/O CONTRAST"]
MR_STUDIES = ["MR BRAIN W/WO CONTRAST", "MR LUMBAR SPINE W/O", "MR KNEE RIGHT"]
CT_SERIES = ["AXIAL 5mm", "CORONAL 3mm"]
MR_SERIES = ["T1 AX", "T2 FLAIR"]

# The attributes each query level knows (C-FIND keys of the tests), keyword -> level.
LEVEL_KEYS = {
    "PATIENT": ["PatientName", "PatientID", "PatientBirthDate", "PatientSex"],
    "STUDY": ["StudyInstanceUID", "StudyDate", "StudyTime", "AccessionNumber", "StudyID", "StudyDescription", "ReferringPhysicianName"],
    "SERIES": ["SeriesInstanceUID", "Modality", "SeriesNumber", "SeriesDescription"],
    "IMAGE": ["SOPInstanceUID", "SOPClassUID", "InstanceNumber"],
}
LEVELS = ["PATIENT", "STUDY", "SERIES", "IMAGE"]
UNIQUE_KEY = {"PATIENT": "PatientID", "STUDY": "StudyInstanceUID", "SERIES": "SeriesInstanceUID", "IMAGE": "SOPInstanceUID"}


def uid(seed: int, *parts) -> str:
    """A deterministic 2.25 UID for (seed, parts)."""
    return generate_uid(prefix=None, entropy_srcs=[f"rampart-net-{GENERATOR_VERSION}", str(seed), *map(str, parts)])


@dataclass(frozen=True)
class Instance:
    path: Path
    attrs: dict  # keyword -> value as a DICOM string (the keys of LEVEL_KEYS)
    transfer_syntax: str
    sop_class_uid: str

    @property
    def sop_instance_uid(self) -> str:
        return self.attrs["SOPInstanceUID"]

    @property
    def study_uid(self) -> str:
        return self.attrs["StudyInstanceUID"]

    @property
    def series_uid(self) -> str:
        return self.attrs["SeriesInstanceUID"]

    @property
    def patient_id(self) -> str:
        return self.attrs["PatientID"]


@dataclass
class Archive:
    root: Path
    seed: int
    instances: list[Instance] = field(default_factory=list)

    @property
    def by_uid(self) -> dict[str, Instance]:
        return {i.sop_instance_uid: i for i in self.instances}

    def records(self, level: str) -> list[dict]:
        """One dict per distinct entity at `level` with the attributes of that level and all above."""
        keep = [k for lvl in LEVELS[: LEVELS.index(level) + 1] for k in LEVEL_KEYS[lvl]]
        seen: dict[str, dict] = {}
        for inst in self.instances:
            key = inst.attrs[UNIQUE_KEY[level]]
            if key not in seen:
                seen[key] = {k: inst.attrs[k] for k in keep}
        return list(seen.values())

    def select(self, **where) -> list[Instance]:
        """Instances whose attributes equal all of `where` (plain equality)."""
        return [i for i in self.instances if all(i.attrs[k] == v for k, v in where.items())]

    def studies(self) -> list[str]:
        return sorted({i.study_uid for i in self.instances})

    def series(self) -> list[str]:
        return sorted({i.series_uid for i in self.instances})

    def expected(self, level: str, keys: dict[str, str]) -> list[dict]:
        """The C-FIND matches of `keys` (keyword -> matching value, '' = return key only)
        at `level`: for each matching entity, the requested keys with its values
        (plus the level's unique key), sorted by that unique key."""
        out = []
        unique = UNIQUE_KEY[level]
        for record in self.records(level):
            if all(match(k, v, record.get(k, "")) for k, v in keys.items() if k in record):
                wanted = {k: record.get(k, "") for k in keys if k in record}
                wanted[unique] = record[unique]
                out.append(wanted)
        return sorted(out, key=lambda r: r[unique])


# --- C-FIND matching (PS3.4 C.2.2.2), for the expectations and the pynetdicom SCP -------------


def match(keyword: str, pattern: str, value: str) -> bool:
    """Whether `value` (DICOM string form) matches the C-FIND matching key `pattern`."""
    pattern = (pattern or "").strip()
    value = (value or "").strip()
    if pattern == "" or pattern == "*":
        return True  # universal matching
    vr = dictionary_VR(keyword)
    if vr == "UI":
        return value in [p.strip() for p in pattern.split("\\")]  # single value or list of UIDs
    if "\\" in pattern:
        return any(match(keyword, p, value) for p in pattern.split("\\"))
    if vr in ("DA", "TM", "DT") and "-" in pattern:
        low, _, high = pattern.partition("-")
        v = _comparable(vr, value)
        if v is None:
            return False
        if low and v < _comparable(vr, low):
            return False
        if high and v > _comparable(vr, high, upper=True):
            return False
        return True
    if vr in ("DA", "TM", "DT"):
        return _comparable(vr, value) == _comparable(vr, pattern)
    if "*" in pattern or "?" in pattern:
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        return re.fullmatch(regex, value, re.DOTALL) is not None
    return value == pattern


def _comparable(vr: str, text: str, upper: bool = False):
    text = text.strip()
    if not text:
        return None
    if vr == "TM":
        digits = text.replace(":", "").split(".")[0]
        return digits.ljust(6, "9" if upper else "0")
    if vr == "DA":
        return text.replace(".", "")
    return text


# --- writing ---------------------------------------------------------------------------------


def _meta(sop_class: str, sop_instance: str, transfer_syntax: str) -> FileMetaDataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop_instance
    meta.TransferSyntaxUID = transfer_syntax
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    meta.ImplementationVersionName = "RAMPART_NETDATA"
    return meta


def _save(ds: Dataset, path: Path, transfer_syntax: str) -> None:
    ds.file_meta = _meta(ds.SOPClassUID, ds.SOPInstanceUID, transfer_syntax)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)


def _pixels(rng: random.Random, count: int, bits: int) -> bytes:
    if bits == 8:
        return rng.randbytes(count)
    # 12-bit values in 16-bit words, little endian: a plausible CT/MR range
    raw = rng.randbytes(count * 2)
    return bytes(b & 0x0F if i % 2 else b for i, b in enumerate(raw))


def _image_module(ds: Dataset, rows: int, cols: int, bits: int, pixel_bytes: bytes, frames: int = 1) -> None:
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = rows
    ds.Columns = cols
    ds.BitsAllocated = bits
    ds.BitsStored = 12 if bits == 16 else 8
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 0
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.PixelData = pixel_bytes
    ds["PixelData"].VR = "OW" if bits == 16 else "OB"


def _patient_study(ds: Dataset, p: dict, s: dict) -> None:
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = p["PatientName"]
    ds.PatientID = p["PatientID"]
    ds.PatientBirthDate = p["PatientBirthDate"]
    ds.PatientSex = p["PatientSex"]
    ds.StudyInstanceUID = s["StudyInstanceUID"]
    ds.StudyDate = s["StudyDate"]
    ds.StudyTime = s["StudyTime"]
    ds.AccessionNumber = s["AccessionNumber"]
    ds.StudyID = s["StudyID"]
    ds.StudyDescription = s["StudyDescription"]
    ds.ReferringPhysicianName = s["ReferringPhysicianName"]
    ds.InstitutionName = "Rampart Synthetic Hospital"
    ds.Manufacturer = "RAMPART-NETDATA"


def _patients(rng: random.Random, seed: int, count: int) -> list[dict]:
    families = rng.sample(FAMILY_NAMES, count)
    givens = rng.sample(GIVEN_NAMES, count)
    out = []
    for n in range(count):
        middle = MIDDLE[n % len(MIDDLE)]
        name = f"{families[n]}^{givens[n]}" + (f"^{middle}" if middle else "")
        birth = f"{rng.randint(1940, 2005):04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        out.append({
            "PatientName": name,
            "PatientID": f"RMP{seed % 1000:03d}-{n + 1:04d}",
            "PatientBirthDate": birth,
            "PatientSex": rng.choice("FM"),
        })
    return out


def make_archive(root: Path, seed: int = DEFAULT_SEED, *, patients: int = 3, studies: int = 2, series: int = 2, images: int = 3) -> Archive:
    """Write the Q/R test archive into `root` (patient/study/series/image.dcm)."""
    root = Path(root)
    rng = random.Random(seed)
    archive = Archive(root=root, seed=seed)
    for p_index, patient in enumerate(_patients(rng, seed, patients)):
        for st_index in range(studies):
            modality = "CT" if st_index % 2 == 0 else "MR"
            year = 2019 + (p_index + st_index) % 5
            study = {
                "StudyInstanceUID": uid(seed, "study", p_index, st_index),
                "StudyDate": f"{year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
                "StudyTime": f"{rng.randint(7, 19):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}",
                "AccessionNumber": f"ACC{rng.randint(1000000, 9999999)}",
                "StudyID": f"{st_index + 1}",
                "StudyDescription": rng.choice(CT_STUDIES if modality == "CT" else MR_STUDIES),
                "ReferringPhysicianName": rng.choice(REFERRING),
            }
            frame_of_reference = uid(seed, "for", p_index, st_index)
            for se_index in range(series):
                implicit = se_index == 1 and st_index == 0  # one Implicit VR series per patient
                ts = ImplicitVRLittleEndian if implicit else ExplicitVRLittleEndian
                series_attrs = {
                    "SeriesInstanceUID": uid(seed, "series", p_index, st_index, se_index),
                    "Modality": modality,
                    "SeriesNumber": str(se_index + 1),
                    "SeriesDescription": (CT_SERIES if modality == "CT" else MR_SERIES)[se_index % 2],
                }
                for im_index in range(images):
                    sop_class = CT_IMAGE if modality == "CT" else MR_IMAGE
                    image = {
                        "SOPInstanceUID": uid(seed, "image", p_index, st_index, se_index, im_index),
                        "SOPClassUID": sop_class,
                        "InstanceNumber": str(im_index + 1),
                    }
                    ds = Dataset()
                    _patient_study(ds, patient, study)
                    ds.SOPClassUID = sop_class
                    ds.SOPInstanceUID = image["SOPInstanceUID"]
                    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
                    ds.SeriesDate = study["StudyDate"]
                    ds.ContentDate = study["StudyDate"]
                    ds.SeriesTime = study["StudyTime"]
                    ds.ContentTime = study["StudyTime"]
                    ds.Modality = modality
                    ds.SeriesInstanceUID = series_attrs["SeriesInstanceUID"]
                    ds.SeriesNumber = int(series_attrs["SeriesNumber"])
                    ds.SeriesDescription = series_attrs["SeriesDescription"]
                    ds.InstanceNumber = im_index + 1
                    ds.FrameOfReferenceUID = frame_of_reference
                    ds.PositionReferenceIndicator = ""
                    ds.PatientPosition = "HFS"
                    ds.ImagePositionPatient = [-120.0, -120.0, -50.0 + 5.0 * im_index]
                    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
                    ds.SliceLocation = -50.0 + 5.0 * im_index
                    ds.SliceThickness = 5.0
                    ds.PixelSpacing = [0.9765625, 0.9765625]
                    if modality == "CT":
                        ds.KVP = 120
                        ds.RescaleIntercept = -1024
                        ds.RescaleSlope = 1
                        ds.RescaleType = "HU"
                        ds.WindowCenter = 40
                        ds.WindowWidth = 400
                    else:
                        ds.ScanningSequence = "SE"
                        ds.SequenceVariant = "NONE"
                        ds.ScanOptions = ""
                        ds.MRAcquisitionType = "2D"
                        ds.RepetitionTime = 500.0 + 1500 * se_index
                        ds.EchoTime = 12.0 + 80 * se_index
                        ds.MagneticFieldStrength = 1.5
                    _image_module(ds, 16, 16, 16, _pixels(rng, 256, 16))
                    path = root / patient["PatientID"] / f"study{st_index + 1}" / f"series{se_index + 1}" / f"{im_index + 1}.dcm"
                    _save(ds, path, ts)
                    attrs = {**patient, **study, **series_attrs, **image}
                    archive.instances.append(Instance(path=path, attrs=attrs, transfer_syntax=ts, sop_class_uid=sop_class))
    return archive


# --- RLE Lossless (PS3.5 Annex G), so that a compressed transfer syntax needs no codec ---------


def _rle_segment(data: bytes) -> bytes:
    out = bytearray()
    literal = bytearray()
    runs_with_literals = []  # offsets of literal headers in out, for the parity fix below

    def flush():
        while literal:
            chunk = literal[:128]
            del literal[:128]
            runs_with_literals.append((len(out), len(chunk)))
            out.append(len(chunk) - 1)
            out.extend(chunk)

    i = 0
    while i < len(data):
        run = 1
        while i + run < len(data) and run < 128 and data[i + run] == data[i]:
            run += 1
        if run >= 3:
            flush()
            out.append((257 - run) & 0xFF)
            out.append(data[i])
            i += run
        else:
            literal.extend(data[i : i + run])
            i += run
    flush()
    if len(out) % 2:
        # make the segment even by splitting one literal run of 2 or more bytes in two
        for offset, length in runs_with_literals:
            if length >= 2:
                out[offset] = 0  # first run: 1 byte
                out.insert(offset + 2, length - 2)  # second run: the rest
                break
        else:
            out.append(0x80)  # a no-op header byte (PS3.5 G.3.1)
    return bytes(out)


def rle_encode_frame(pixels: bytes, bits: int) -> bytes:
    """One RLE Lossless frame of little endian MONOCHROME pixel data."""
    width = bits // 8
    segments = [pixels[width - 1 - k :: width] for k in range(width)]  # most significant byte first
    encoded = [_rle_segment(s) for s in segments]
    header = [len(encoded)] + [0] * 15
    offset = 64
    for n, seg in enumerate(encoded):
        header[n + 1] = offset
        offset += len(seg)
    return struct.pack("<16L", *header) + b"".join(encoded)


# --- the storage variety set -----------------------------------------------------------------


TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def make_variety(root: Path, seed: int = DEFAULT_SEED) -> list[Instance]:
    """One instance per common storage SOP class, in assorted transfer syntaxes."""
    root = Path(root)
    rng = random.Random(seed + 1)
    patient = {"PatientName": "Varga^Ilona", "PatientID": f"RMP{seed % 1000:03d}-VAR", "PatientBirthDate": "19670722", "PatientSex": "F"}
    study = {
        "StudyInstanceUID": uid(seed, "variety-study"),
        "StudyDate": "20230517",
        "StudyTime": "101500",
        "AccessionNumber": "ACC0000042",
        "StudyID": "1",
        "StudyDescription": "MULTIMODALITY REVIEW",
        "ReferringPhysicianName": "Quill^Harriet",
    }
    out: list[Instance] = []

    def base(name: str, sop_class: str, modality: str, number: int) -> Dataset:
        ds = Dataset()
        _patient_study(ds, patient, study)
        ds.SOPClassUID = sop_class
        ds.SOPInstanceUID = uid(seed, "variety", name)
        ds.Modality = modality
        ds.SeriesInstanceUID = uid(seed, "variety-series", name)
        ds.SeriesNumber = number
        ds.SeriesDescription = name
        ds.InstanceNumber = 1
        ds.ContentDate = study["StudyDate"]
        ds.ContentTime = study["StudyTime"]
        return ds

    def add(name: str, ds: Dataset, ts: str) -> None:
        path = root / f"{name}.dcm"
        _save(ds, path, ts)
        attrs = {**patient, **study, "SeriesInstanceUID": ds.SeriesInstanceUID, "Modality": ds.Modality,
                 "SeriesNumber": str(ds.SeriesNumber), "SeriesDescription": name,
                 "SOPInstanceUID": ds.SOPInstanceUID, "SOPClassUID": ds.SOPClassUID, "InstanceNumber": "1"}
        out.append(Instance(path=path, attrs=attrs, transfer_syntax=ts, sop_class_uid=ds.SOPClassUID))

    def image(ds: Dataset, rows: int, cols: int, bits: int, frames: int = 1, rle: bool = False) -> None:
        frame_bytes = rows * cols * bits // 8
        pixels = [_pixels(rng, rows * cols, bits) for _ in range(frames)]
        if rle:
            _image_module(ds, rows, cols, bits, b"", frames)
            ds.PixelData = encapsulate([rle_encode_frame(p, bits) for p in pixels])
            ds["PixelData"].VR = "OB"
        else:
            _image_module(ds, rows, cols, bits, b"".join(pixels), frames)
        assert all(len(p) == frame_bytes for p in pixels)

    ds = base("CR", CR_IMAGE, "CR", 1)
    ds.BodyPartExamined = "CHEST"
    ds.ViewPosition = "PA"
    image(ds, 24, 20, 16)
    add("CR", ds, ExplicitVRLittleEndian)

    ds = base("DX", DX_PRESENTATION, "DX", 2)
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.ImagerPixelSpacing = [0.15, 0.15]
    image(ds, 20, 24, 16)
    ds.PixelIntensityRelationship = "LOG"
    ds.PixelIntensityRelationshipSign = 1
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.RescaleType = "US"
    add("DX", ds, ImplicitVRLittleEndian)

    ds = base("US", US_IMAGE, "US", 3)
    image(ds, 32, 32, 8, rle=True)
    add("US_RLE", ds, RLELossless)

    ds = base("SC", SC_IMAGE, "OT", 4)
    ds.ConversionType = "WSD"
    image(ds, 16, 16, 8)
    add("SC_deflated", ds, DeflatedExplicitVRLittleEndian)

    ds = base("EnhancedCT", ENHANCED_CT, "CT", 5)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL", "NONE"]
    shared = Dataset()
    measures = Dataset()
    measures.PixelSpacing = [0.5, 0.5]
    measures.SliceThickness = 1.0
    shared.PixelMeasuresSequence = Sequence([measures])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    per_frame = []
    for n in range(2):
        item = Dataset()
        position = Dataset()
        position.ImagePositionPatient = [0.0, 0.0, float(n)]
        item.PlanePositionSequence = Sequence([position])
        per_frame.append(item)
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    image(ds, 16, 16, 16, frames=2)
    add("EnhancedCT", ds, ExplicitVRLittleEndian)

    ds = base("EnhancedMR", ENHANCED_MR, "MR", 6)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "M", "NONE"]
    image(ds, 16, 16, 16, frames=2, rle=True)
    add("EnhancedMR_RLE", ds, RLELossless)

    ds = base("CT_RLE", CT_IMAGE, "CT", 7)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    image(ds, 16, 16, 16, rle=True)
    add("CT_RLE", ds, RLELossless)

    ds = base("MR_implicit", MR_IMAGE, "MR", 8)
    ds.ScanningSequence = "GR"
    ds.SequenceVariant = "SP"
    image(ds, 16, 16, 16)
    add("MR_implicit", ds, ImplicitVRLittleEndian)

    ds = base("RTSTRUCT", RT_STRUCTURE_SET, "RTSTRUCT", 9)
    ds.StructureSetLabel = "SYNTHETIC"
    ds.StructureSetDate = study["StudyDate"]
    ds.StructureSetTime = study["StudyTime"]
    roi = Dataset()
    roi.ROINumber = 1
    roi.ReferencedFrameOfReferenceUID = uid(seed, "variety-for")
    roi.ROIName = "PTV"
    roi.ROIGenerationAlgorithm = "MANUAL"
    ds.StructureSetROISequence = Sequence([roi])
    contour = Dataset()
    contour.ContourGeometricType = "CLOSED_PLANAR"
    contour.NumberOfContourPoints = 3
    contour.ContourData = [0.0, 0.0, 0.0, 10.0, 0.0, 0.0, 10.0, 10.0, 0.0]
    roi_contour = Dataset()
    roi_contour.ReferencedROINumber = 1
    roi_contour.ROIDisplayColor = [255, 0, 0]
    roi_contour.ContourSequence = Sequence([contour])
    ds.ROIContourSequence = Sequence([roi_contour])
    add("RTSTRUCT", ds, ExplicitVRLittleEndian)

    ds = base("RTPLAN", RT_PLAN, "RTPLAN", 10)
    ds.RTPlanLabel = "SYNTH PLAN"
    ds.RTPlanGeometry = "PATIENT"
    fraction = Dataset()
    fraction.FractionGroupNumber = 1
    fraction.NumberOfFractionsPlanned = 25
    fraction.NumberOfBeams = 0
    fraction.NumberOfBrachyApplicationSetups = 0
    ds.FractionGroupSequence = Sequence([fraction])
    add("RTPLAN", ds, ImplicitVRLittleEndian)

    ds = base("SR", BASIC_TEXT_SR, "SR", 11)
    ds.ValueType = "CONTAINER"
    ds.CompletionFlag = "COMPLETE"
    ds.VerificationFlag = "UNVERIFIED"
    concept = Dataset()
    concept.CodeValue = "121070"
    concept.CodingSchemeDesignator = "DCM"
    concept.CodeMeaning = "Findings"
    ds.ConceptNameCodeSequence = Sequence([concept])
    ds.ContinuityOfContent = "SEPARATE"
    text = Dataset()
    text.RelationshipType = "CONTAINS"
    text.ValueType = "TEXT"
    text.ConceptNameCodeSequence = Sequence([concept])
    text.TextValue = "Synthetic report text. No findings (test data)."
    ds.ContentSequence = Sequence([text])
    add("SR", ds, ExplicitVRLittleEndian)

    ds = base("PDF", ENCAPSULATED_PDF, "DOC", 12)
    ds.ConversionType = "SD"
    ds.BurnedInAnnotation = "NO"
    ds.DocumentTitle = "Synthetic referral"
    ds.MIMETypeOfEncapsulatedDocument = "application/pdf"
    ds.EncapsulatedDocument = TINY_PDF + (b"\0" if len(TINY_PDF) % 2 else b"")
    add("PDF", ds, DeflatedExplicitVRLittleEndian)
    return out


# --- bulk files for throughput -------------------------------------------------------------------


def make_bulk(root: Path, count: int, size: int = 512 * 1024, seed: int = DEFAULT_SEED) -> list[Path]:
    """`count` CT images (Explicit VR LE) with `size` bytes of 16-bit pixel data each
    (512 x 512 by default), in `root`/NNNNN.dcm. Pixel data differs per file."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    side = max(16, int((size // 2) ** 0.5))
    rows, cols = side, max(1, size // 2 // side)
    rng = random.Random(seed + 2)
    block = rng.randbytes(rows * cols * 2)
    study_uid = uid(seed, "bulk-study", count, size)
    series_uid = uid(seed, "bulk-series", count, size)
    paths = []
    for n in range(count):
        ds = Dataset()
        _patient_study(ds, {"PatientName": "Bulk^Test", "PatientID": f"RMP{seed % 1000:03d}-BULK", "PatientBirthDate": "19700101", "PatientSex": "O"},
                       {"StudyInstanceUID": study_uid, "StudyDate": "20240101", "StudyTime": "120000", "AccessionNumber": "BULK",
                        "StudyID": "1", "StudyDescription": "THROUGHPUT", "ReferringPhysicianName": ""})
        ds.SOPClassUID = CT_IMAGE
        ds.SOPInstanceUID = uid(seed, "bulk", count, size, n)
        ds.Modality = "CT"
        ds.SeriesInstanceUID = series_uid
        ds.SeriesNumber = 1
        ds.InstanceNumber = n + 1
        # rotate the block so that no two files carry the same pixel bytes
        shift = (n * 7919 * 2) % len(block)
        _image_module(ds, rows, cols, 16, block[shift:] + block[:shift])
        path = root / f"{n:05d}.dcm"
        _save(ds, path, ExplicitVRLittleEndian)
        paths.append(path)
    return paths


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def bulk_cached(count: int, size: int = 512 * 1024, seed: int = DEFAULT_SEED, cache: Path | None = None) -> Path:
    """A folder of `make_bulk(count, size, seed)` files under `.build/interop-data`
    (or `cache`), made once: a stamp file beside the folder marks a complete set."""
    cache = Path(cache) if cache else repo_root() / ".build" / "interop-data"
    folder = cache / f"bulk-{count}x{size}-seed{seed}-v{GENERATOR_VERSION}"
    stamp = cache / f"{folder.name}.complete"  # beside the folder: the folder holds DICOM files only
    if stamp.is_file() and folder.is_dir():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=cache))
    try:
        make_bulk(scratch, count, size, seed)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(scratch, folder)
        stamp.write_text(f"{count} files of {size} bytes of pixel data\n")
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return folder


def dicom_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file() and not p.name.startswith("."))


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["archive", "variety", "bulk"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", type=int, default=512 * 1024)
    args = parser.parse_args()
    if args.what == "archive":
        n = len(make_archive(args.folder, args.seed).instances)
    elif args.what == "variety":
        n = len(make_variety(args.folder, args.seed))
    else:
        n = len(make_bulk(args.folder, args.count, args.size, args.seed))
    print(f"wrote {n} files into {args.folder}")


if __name__ == "__main__":
    main()
