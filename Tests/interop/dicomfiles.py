"""The corpus of third-party DICOM test files the interop tests run over.

Every file shipped in the `pydicom.data` package folder and in the `data_store`
package folder (pip `pydicom-data`) is a candidate. A file is *readable* when
`pydicom.dcmread(path)` reads it without raising and every element of it (at any
depth) can be decoded; every other file (non-DICOM files, DICOM streams without
the Part 10 header, files pydicom rejects) is *rejected*.

A readable file is also *disputed* when DCMTK's dcmdump refuses it: the file is
damaged (a value longer than what is left of the file, garbage after the data
set, a missing sequence delimiter) and pydicom reads it only leniently, into a
data set that is not a reliable reference (for one of them, an empty one). For
those the tests check robustness, not equality: a clean refusal or valid output.

Test ids are paths relative to the package folder, prefixed with the package:
`pydicom.data/test_files/CT_small.dcm`, `data_store/data/MR2_J2KR.dcm`.
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
import subprocess
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import pydicom
import pydicom.data

try:  # pydicom-data
    import data_store
except ImportError:  # pragma: no cover - requirements.txt installs it
    data_store = None

SKIP_SUFFIXES = (".py", ".pyc")


@dataclass(frozen=True)
class CorpusFile:
    path: Path  # absolute
    id: str  # readable, stable: package-relative path
    reason: str = ""  # why pydicom rejects it (rejected files only)
    disputed: bool = False  # pydicom reads it but DCMTK refuses it (readable files only)

    def __str__(self) -> str:  # shows up in assertion messages
        return self.id


def roots() -> list[tuple[str, Path]]:
    found = [("pydicom.data", Path(pydicom.data.__file__).parent)]
    if data_store is not None:
        found.append(("data_store", Path(data_store.__file__).parent))
    return found


def walk_dataset(ds) -> None:
    """Decode every element at every depth (pydicom converts raw elements lazily)."""
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value:
                walk_dataset(item)


def read_quietly(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(path, **kwargs)
        walk_dataset(ds)
    return ds


@functools.cache
def classify() -> tuple[tuple[CorpusFile, ...], tuple[CorpusFile, ...]]:
    readable: list[CorpusFile] = []
    rejected: list[CorpusFile] = []
    for prefix, root in roots():
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith(SKIP_SUFFIXES):
                    continue
                path = Path(dirpath) / name
                test_id = f"{prefix}/{path.relative_to(root).as_posix()}"
                try:
                    read_quietly(path)
                except Exception as error:  # noqa: BLE001 - any refusal counts
                    rejected.append(CorpusFile(path, test_id, f"{type(error).__name__}: {error}"))
                else:
                    readable.append(CorpusFile(path, test_id))
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        refused = list(pool.map(dcmtk_refuses, [f.path for f in readable]))
    readable = [replace(f, disputed=r) for f, r in zip(readable, refused)]
    return tuple(readable), tuple(rejected)


DCMDUMP = "/usr/bin/dcmdump"


def dcmtk_refuses(path: Path) -> bool:
    """Whether DCMTK's dcmdump fails to read the file (values not printed)."""
    if not os.access(DCMDUMP, os.X_OK):
        raise RuntimeError(f"{DCMDUMP} is missing: install DCMTK (Scripts/install-deps.sh does)")
    result = subprocess.run(
        [DCMDUMP, "-q", "-M", str(path)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=False,
    )
    return result.returncode != 0


def readable_files() -> tuple[CorpusFile, ...]:
    return classify()[0]


def rejected_files() -> tuple[CorpusFile, ...]:
    return classify()[1]


def by_name(name: str) -> CorpusFile:
    """A readable file by its id or by a unique id suffix (`CT_small.dcm`)."""
    matches = [f for f in readable_files() if f.id == name or f.id.endswith("/" + name)]
    if len(matches) != 1:
        raise LookupError(f"{name!r} matches {len(matches)} readable test files")
    return matches[0]
