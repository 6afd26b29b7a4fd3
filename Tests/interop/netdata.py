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
* `make_collection(root, seed, instances)`: the archive-scale set (1,000 instances by
  default): several patients, studies of CT, MR, CR, DX, US, MG and PET/CT, series and
  instances, with values chosen for every C-FIND matching rule. Returns an `Archive`.
  `Scripts/generate-test-data.py` is its command line; `collection_cached` keeps one set in
  `.build/interop-data`.
* `make_bulk(root, count, size)`: `count` CT images of about `size` bytes each
  (512 x 512 x 16 bit = 512 KiB of pixel data by default), for throughput runs.
  `bulk_cached(count, size)` keeps one set in `.build/interop-data` and makes it
  only when it is missing.

Run as a script it writes any of these into a folder (see --help).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import struct
import tempfile
import uuid
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
)

DEFAULT_SEED = 20240611
GENERATOR_VERSION = "2"  # bump when the output changes: invalidates bulk_cached()

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
# Keys that only make_collection writes (absent elsewhere: an empty value).
EXTRA_KEYS = {"STUDY": ["ProcedureCodeSequence"]}
# The attributes an archive computes (PS3.4 C.6.1.1.2-4), by level; Archive.records adds them.
COMPUTED_BY_LEVEL = {
    "PATIENT": ["NumberOfPatientRelatedStudies", "NumberOfPatientRelatedSeries", "NumberOfPatientRelatedInstances"],
    "STUDY": ["NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances", "ModalitiesInStudy"],
    "SERIES": ["NumberOfSeriesRelatedInstances"],
}
COMPUTED_KEYS = frozenset(k for keys in COMPUTED_BY_LEVEL.values() for k in keys)
# The Required Keys ("R") of the key tables of PS3.4 C.6.1.1 among the keys above.
REQUIRED_KEYS = frozenset({"PatientName", "StudyDate", "StudyTime", "AccessionNumber", "StudyID", "Modality", "SeriesNumber", "InstanceNumber"})


def uid(seed: int, *parts) -> str:
    """A deterministic 2.25 UID for (seed, parts): a name-based UUID (PS3.5 B.2). (pydicom's
    generate_uid ignores its entropy sources when the prefix is None, and is random.)"""
    name = "/".join([f"rampart-net-{GENERATOR_VERSION}", str(seed), *map(str, parts)])
    return f"2.25.{uuid.uuid5(uuid.NAMESPACE_OID, name).int}"


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
        """One dict per distinct entity at `level` with the attributes of that level and all
        above (`keys_at_and_above`), the computed ones of PS3.4 C.6.1.1.2-4 included."""
        keep = [k for k in keys_at_and_above(level) if k not in COMPUTED_KEYS]
        unique = UNIQUE_KEY[level]
        series, instances, modalities = {}, {}, {}  # per patient, study and series: what it holds
        for inst in self.instances:
            for owner in (inst.patient_id, inst.study_uid, inst.series_uid):
                series.setdefault(owner, set()).add(inst.series_uid)
                instances[owner] = instances.get(owner, 0) + 1
                modalities.setdefault(owner, set()).add(inst.attrs["Modality"])
        studies = {}
        for inst in self.instances:
            studies.setdefault(inst.patient_id, set()).add(inst.study_uid)
        seen: dict[str, dict] = {}
        for inst in self.instances:
            key = inst.attrs[unique]
            if key in seen:
                continue
            record = {k: inst.attrs.get(k, "") for k in keep}
            patient = inst.patient_id
            record["NumberOfPatientRelatedStudies"] = str(len(studies[patient]))
            record["NumberOfPatientRelatedSeries"] = str(len(series[patient]))
            record["NumberOfPatientRelatedInstances"] = str(instances[patient])
            if level != "PATIENT":
                record["NumberOfStudyRelatedSeries"] = str(len(series[inst.study_uid]))
                record["NumberOfStudyRelatedInstances"] = str(instances[inst.study_uid])
                record["ModalitiesInStudy"] = "\\".join(sorted(modalities[inst.study_uid]))
            if level in ("SERIES", "IMAGE"):
                record["NumberOfSeriesRelatedInstances"] = str(instances[inst.series_uid])
            seen[key] = record
        return list(seen.values())

    def select(self, **where) -> list[Instance]:
        """Instances whose attributes equal all of `where` (plain equality)."""
        return [i for i in self.instances if all(i.attrs[k] == v for k, v in where.items())]

    def studies(self) -> list[str]:
        return sorted({i.study_uid for i in self.instances})

    def series(self) -> list[str]:
        return sorted({i.series_uid for i in self.instances})

    def expected(self, level: str, keys: dict, *, person_name_case: bool = True, unknown_required_matches: bool = False) -> list[dict]:
        """The C-FIND matches of `keys` (keyword -> matching value, '' = return key only; a
        sequence key's value is a dict of its item's keys) at `level`: for each matching
        entity, the requested keys with its values (plus the level's unique key; sequence keys
        are not returned), sorted by that unique key.

        `person_name_case`: False when the SCP matches person names regardless of case (as
        Rampart does). `unknown_required_matches`: an entity whose Required Key (`REQUIRED_KEYS`)
        is empty matches any value of it (PS3.4 C.2.2.1.2, as Rampart applies it)."""
        out = []
        unique = UNIQUE_KEY[level]
        for record in self.records(level):
            def matches(keyword: str, pattern) -> bool:
                value = record.get(keyword, "")
                if unknown_required_matches and keyword in REQUIRED_KEYS and value == "" and pattern != "":
                    return True
                return match(keyword, pattern, value, person_name_case=person_name_case)
            if all(matches(k, v) for k, v in keys.items() if k in record):
                wanted = {k: record.get(k, "") for k, v in keys.items() if k in record and not isinstance(v, dict)}
                wanted[unique] = record[unique]
                out.append(wanted)
        return sorted(out, key=lambda r: r[unique])


def keys_at_and_above(level: str) -> list[str]:
    """The keywords an entity record of `level` holds: LEVEL_KEYS, EXTRA_KEYS and COMPUTED_KEYS
    of that level and the levels above it."""
    levels = LEVELS[: LEVELS.index(level) + 1]
    return [k for lvl in levels for table in (LEVEL_KEYS, EXTRA_KEYS, COMPUTED_BY_LEVEL) for k in table.get(lvl, [])]


# --- C-FIND matching (PS3.4 C.2.2.2), for the expectations and the pynetdicom SCP -------------


def match(keyword: str, pattern, value, *, person_name_case: bool = True) -> bool:
    """Whether `value` (DICOM string form, several values joined by backslash; a tuple of item
    dicts for a sequence) matches the C-FIND matching key `pattern` (a dict of item keys for a
    sequence key: Sequence Matching, C.2.2.2.6). With `person_name_case` False, person names
    match regardless of letter case."""
    if isinstance(pattern, dict):
        if not pattern or all(v == "" for v in pattern.values()):
            return True  # an empty item asks for the sequence back: universal
        return any(all(match(k, v, item.get(k, ""), person_name_case=person_name_case) for k, v in pattern.items())
                   for item in (value or ()))
    pattern = (pattern or "").strip()
    value = (value or "").strip()
    if pattern == "" or pattern == "*":
        return True  # universal matching
    vr = dictionary_VR(keyword)
    if vr not in ("LT", "ST", "UT") and "\\" in value:
        return any(match(keyword, pattern, v, person_name_case=person_name_case) for v in value.split("\\"))
    if vr == "UI":
        return value in [p.strip() for p in pattern.split("\\")]  # single value or list of UIDs
    if "\\" in pattern:
        return any(match(keyword, p, value, person_name_case=person_name_case) for p in pattern.split("\\"))
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
    if vr == "PN" and not person_name_case:
        pattern, value = pattern.lower(), value.lower()
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
    # 12-bit values in 16-bit words, little endian: a plausible CT/MR range (masked as one
    # big integer: a loop over the bytes takes seconds for a thousand images)
    raw = rng.randbytes(count * 2)
    mask = int.from_bytes(b"\xff\x0f" * count, "little")
    return (int.from_bytes(raw, "little") & mask).to_bytes(count * 2, "little")


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


# --- the collection: many patients, studies, series and modalities ---------------------------

MG_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.2"
PET_IMAGE = "1.2.840.10008.5.1.4.1.1.128"

# More made-up people for the collection; some spellings exercise case, particles, an
# apostrophe (bound as a value, never as SQL) and a Latin-1 letter.
COLLECTION_FAMILY_NAMES = FAMILY_NAMES + ["de la Cruz", "O'Neill", "McAllister", "Ødegaard", "van der Berg", "Nakamura", "Adeyemi", "Brennan"]
COLLECTION_GIVEN_NAMES = GIVEN_NAMES + ["Ana", "Siobhan", "Ewan", "Signe", "Joost", "Yui", "Tunde", "Ciara"]
CODING_SCHEME = "99RMP"  # a private coding scheme (PS3.16 8.2: "99" prefix); the codes are made up


@dataclass(frozen=True)
class SeriesKind:
    modality: str
    sop_class: str
    description: str
    count: tuple[int, int]  # instances, before scaling to the requested total
    size: int = 64  # rows = columns
    bits: int = 16


@dataclass(frozen=True)
class StudyKind:
    code: str  # CodeValue of the Procedure Code Sequence item
    description: str
    weight: int
    series: tuple[SeriesKind, ...]


STUDY_KINDS = (
    StudyKind("RMP-CT-CHEST", "CT CHEST W/O CONTRAST", 4, (SeriesKind("CT", CT_IMAGE, "AXIAL 5mm", (30, 60)),
              SeriesKind("CT", CT_IMAGE, "CORONAL 3mm", (20, 40)), SeriesKind("CT", CT_IMAGE, "SCOUT", (1, 2)))),
    StudyKind("RMP-CT-HEAD", "CT HEAD W/O CONTRAST", 3, (SeriesKind("CT", CT_IMAGE, "AXIAL 5mm", (20, 40)),
              SeriesKind("CT", CT_IMAGE, "BONE AXIAL 2mm", (20, 40)))),
    StudyKind("RMP-MR-BRAIN", "MR BRAIN W/WO CONTRAST", 3, (SeriesKind("MR", MR_IMAGE, "T1 AX", (15, 25)),
              SeriesKind("MR", MR_IMAGE, "T2 FLAIR AX", (15, 25)), SeriesKind("MR", MR_IMAGE, "DWI", (10, 20)))),
    StudyKind("RMP-MR-KNEE", "MR KNEE RIGHT", 2, (SeriesKind("MR", MR_IMAGE, "PD SAG", (15, 25)),
              SeriesKind("MR", MR_IMAGE, "T2 COR", (15, 25)))),
    StudyKind("RMP-CR-CHEST", "CR CHEST PA AND LATERAL", 3, (SeriesKind("CR", CR_IMAGE, "PA", (1, 1), 128),
              SeriesKind("CR", CR_IMAGE, "LATERAL", (1, 1), 128))),
    StudyKind("RMP-DX-HAND", "DX HAND LEFT 3 VIEWS", 2, (SeriesKind("DX", DX_PRESENTATION, "HAND LEFT", (3, 3), 128),)),
    StudyKind("RMP-US-ABD", "US ABDOMEN COMPLETE", 2, (SeriesKind("US", US_IMAGE, "B-MODE", (4, 12), 64, 8),)),
    StudyKind("RMP-MG-SCREEN", "MG SCREENING BILATERAL", 2, (SeriesKind("MG", MG_PRESENTATION, "R CC", (1, 1), 128),
              SeriesKind("MG", MG_PRESENTATION, "L CC", (1, 1), 128), SeriesKind("MG", MG_PRESENTATION, "R MLO", (1, 1), 128),
              SeriesKind("MG", MG_PRESENTATION, "L MLO", (1, 1), 128))),
    StudyKind("RMP-PETCT-WB", "PET/CT WHOLE BODY FDG", 2, (SeriesKind("CT", CT_IMAGE, "CT AC WHOLE BODY", (30, 50)),
              SeriesKind("PT", PET_IMAGE, "PET WB AC", (30, 50)))),
)


def _scaled(desired: list[int], total: int) -> list[int]:
    """`desired` scaled to sum to `total`, each at least 1 (needs len(desired) <= total)."""
    whole = sum(desired)
    counts = [max(1, d * total // whole) for d in desired]
    order = sorted(range(len(counts)), key=lambda n: (-counts[n], n))
    for step in range(abs(total - sum(counts)) * len(counts)):  # bounded: at most one unit per step
        difference = total - sum(counts)
        if difference == 0:
            break
        n = order[step % len(order)]
        if difference > 0:
            counts[n] += 1
        elif counts[n] > 1:
            counts[n] -= 1
    return counts


def make_collection(root: Path, seed: int = DEFAULT_SEED, instances: int = 1000) -> Archive:
    """Write `instances` synthetic images into `root`/<PatientID>/<study>/<series>/<n>.dcm:
    several patients (about one per 60 instances, at least 3), each with 1-3 studies of the
    kinds of STUDY_KINDS (CT, MR, CR, DX, US, MG, and PET/CT studies whose Modalities in Study
    has two values), 1-4 series each, instance counts scaled to make exactly `instances`.

    Values that C-FIND tests lean on: names in mixed and upper case, with particles and a
    Latin-1 letter; study dates from 2014 to 2024 and times from 07:00 to 19:59; accession
    numbers A<yy><6 digits>; a Procedure Code Sequence item per study (Sequence Matching);
    an empty Study ID every fifth study (a Required Key: unknown, matches any value), and
    empty Study and Series Descriptions now and then (Optional Keys: match nothing but "*").
    Every fourth series is Implicit VR Little Endian, the rest Explicit VR Little Endian.
    Deterministic in (seed, instances)."""
    if instances < 1:
        raise ValueError("instances must be at least 1")
    root = Path(root)
    rng = random.Random(seed * 7919 + instances)
    patient_count = max(3, instances // 60)
    families = rng.sample(COLLECTION_FAMILY_NAMES, len(COLLECTION_FAMILY_NAMES))
    givens = rng.sample(COLLECTION_GIVEN_NAMES, len(COLLECTION_GIVEN_NAMES))
    weights = [kind.weight for kind in STUDY_KINDS]

    # The plan: (patient, study, series kind) per series, with the desired instance counts.
    patients, studies, plan = [], [], []
    for p_index in range(patient_count):
        family = families[p_index % len(families)]
        given = givens[(p_index * 5 + p_index // len(families)) % len(givens)]
        name = f"{family}^{given}"
        if p_index % 5 == 2:
            name = name.upper()  # as many modalities write it
        patients.append({
            "PatientName": name,
            "PatientID": f"RMP{seed % 1000:03d}-C{p_index + 1:03d}",
            "PatientBirthDate": f"{rng.randint(1935, 2010):04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
            "PatientSex": rng.choice("FMFMO"),
        })
        for st_index in range(rng.choice([1, 1, 2, 2, 3])):
            kind = rng.choices(STUDY_KINDS, weights)[0]
            number = len(studies)
            year = rng.randint(2014, 2024)
            studies.append((p_index, kind, {
                "StudyInstanceUID": uid(seed, "collection", instances, "study", p_index, st_index),
                "StudyDate": f"{year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
                "StudyTime": f"{rng.randint(7, 19):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}",
                "AccessionNumber": f"A{year % 100:02d}{rng.randint(0, 999999):06d}",
                "StudyID": "" if number % 5 == 4 else str(rng.randint(100, 99999)),
                "StudyDescription": "" if number % 6 == 5 else kind.description,
                "ReferringPhysicianName": rng.choice(REFERRING + [""]),
                "ProcedureCodeSequence": ({"CodeValue": kind.code, "CodingSchemeDesignator": CODING_SCHEME,
                                           "CodeMeaning": kind.description},),
            }))
            for se_index, series_kind in enumerate(kind.series):
                plan.append((len(studies) - 1, se_index, series_kind, rng.randint(*series_kind.count)))
    plan = plan[:instances]
    counts = _scaled([desired for *_, desired in plan], instances)

    archive = Archive(root=root, seed=seed)
    for series_number, ((study_index, se_index, series_kind, _), count) in enumerate(zip(plan, counts)):
        p_index, kind, study = studies[study_index]
        patient = patients[p_index]
        ts = ImplicitVRLittleEndian if series_number % 4 == 3 else ExplicitVRLittleEndian
        series_attrs = {
            "SeriesInstanceUID": uid(seed, "collection", instances, "series", study_index, se_index),
            "Modality": series_kind.modality,
            "SeriesNumber": str(se_index + 1),
            "SeriesDescription": "" if series_number % 9 == 8 else series_kind.description,
        }
        frame_of_reference = uid(seed, "collection", instances, "for", study_index)
        for im_index in range(count):
            image = {
                "SOPInstanceUID": uid(seed, "collection", instances, "image", study_index, se_index, im_index),
                "SOPClassUID": series_kind.sop_class,
                "InstanceNumber": str(im_index + 1),
            }
            ds = Dataset()
            _patient_study(ds, patient, study)
            item = Dataset()
            for keyword, value in study["ProcedureCodeSequence"][0].items():
                setattr(item, keyword, value)
            ds.ProcedureCodeSequence = Sequence([item])
            ds.SOPClassUID = series_kind.sop_class
            ds.SOPInstanceUID = image["SOPInstanceUID"]
            ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL" if series_kind.modality in ("CT", "MR", "PT") else ""]
            ds.SeriesDate = ds.ContentDate = study["StudyDate"]
            ds.SeriesTime = ds.ContentTime = study["StudyTime"]
            ds.Modality = series_kind.modality
            ds.SeriesInstanceUID = series_attrs["SeriesInstanceUID"]
            ds.SeriesNumber = se_index + 1
            ds.SeriesDescription = series_attrs["SeriesDescription"]
            ds.InstanceNumber = im_index + 1
            ds.PatientOrientation = ""
            if series_kind.modality in ("CT", "MR", "PT"):
                ds.FrameOfReferenceUID = frame_of_reference
                ds.PositionReferenceIndicator = ""
                ds.PatientPosition = "HFS"
                ds.ImagePositionPatient = [-120.0, -120.0, -50.0 + 5.0 * im_index]
                ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
                ds.SliceThickness = 5.0
                ds.PixelSpacing = [3.75, 3.75]
            if series_kind.modality in ("CT", "PT"):
                ds.RescaleIntercept = -1024 if series_kind.modality == "CT" else 0
                ds.RescaleSlope = 1
            if series_kind.modality == "PT":
                ds.Units = "BQML"
                ds.CorrectedImage = ["ATTN", "DECY"]
            if series_kind.modality == "MR":
                ds.ScanningSequence = "SE"
                ds.SequenceVariant = "NONE"
                ds.MagneticFieldStrength = 3.0
            if series_kind.modality in ("CR", "DX", "MG"):
                ds.ViewPosition = series_kind.description.split()[-1] if series_kind.modality == "MG" else ""
                ds.ImagerPixelSpacing = [0.1, 0.1]
            if series_kind.modality in ("DX", "MG"):
                ds.PresentationIntentType = "FOR PRESENTATION"
            if series_kind.modality == "MG":
                ds.ImageLaterality = series_kind.description[0]
            side = series_kind.size
            _image_module(ds, side, side, series_kind.bits, _pixels(rng, side * side, series_kind.bits))
            path = root / patient["PatientID"] / f"study{study_index + 1}" / f"series{se_index + 1}" / f"{im_index + 1}.dcm"
            _save(ds, path, ts)
            attrs = {**patient, **study, **series_attrs, **image}
            archive.instances.append(Instance(path=path, attrs=attrs, transfer_syntax=ts, sop_class_uid=series_kind.sop_class))
    return archive


def describe_counts(archive: Archive) -> str:
    """Counts per level and modality (no patient data), e.g. for the generator's output line."""
    modalities: dict[str, int] = {}
    for inst in archive.instances:
        modalities[inst.attrs["Modality"]] = modalities.get(inst.attrs["Modality"], 0) + 1
    per_modality = ", ".join(f"{m} {n}" for m, n in sorted(modalities.items()))
    return (f"{len({i.patient_id for i in archive.instances})} patients, {len(archive.studies())} studies, "
            f"{len(archive.series())} series, {len(archive.instances)} instances ({per_modality})")


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


def collection_cached(instances: int, seed: int = DEFAULT_SEED, cache: Path | None = None) -> Archive:
    """`make_collection(instances, seed)` kept in `.build/interop-data` (or `cache`): made once
    per version of this file (its hash names the folder), with a JSON manifest beside the
    folder from which the `Archive` is read back without generating anything."""
    cache = Path(cache) if cache else repo_root() / ".build" / "interop-data"
    version = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    folder = cache / f"collection-{instances}-seed{seed}-{version}"
    manifest = cache / f"{folder.name}.json"  # written last: marks a complete set
    if manifest.is_file() and folder.is_dir():
        entries = json.loads(manifest.read_text())
        archive = Archive(root=folder, seed=seed)
        for entry in entries:
            attrs = dict(entry["attrs"])
            for keyword in EXTRA_KEYS["STUDY"]:
                if keyword in attrs:
                    attrs[keyword] = tuple(attrs[keyword])
            archive.instances.append(Instance(path=folder / entry["path"], attrs=attrs,
                                              transfer_syntax=entry["transfer_syntax"], sop_class_uid=entry["sop_class_uid"]))
        return archive
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob(f"collection-{instances}-seed{seed}-*"):  # sets of older versions of this file
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=cache))
    try:
        made = make_collection(scratch, seed, instances)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(scratch, folder)
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    archive = Archive(root=folder, seed=seed)
    entries = []
    for inst in made.instances:
        relative = inst.path.relative_to(scratch)
        archive.instances.append(Instance(path=folder / relative, attrs=inst.attrs, transfer_syntax=inst.transfer_syntax,
                                          sop_class_uid=inst.sop_class_uid))
        entries.append({"path": str(relative), "attrs": inst.attrs, "transfer_syntax": str(inst.transfer_syntax),
                        "sop_class_uid": inst.sop_class_uid})
    partial = manifest.with_suffix(".partial")
    partial.write_text(json.dumps(entries))
    os.replace(partial, manifest)
    return archive


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
