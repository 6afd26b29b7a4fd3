"""Element-by-element comparison of two pydicom data sets.

`compare_datasets(expected, actual, mode=...)` walks both data sets in tag order,
recursing into sequences item by item, and returns a list of human-readable
differences (empty when they match): missing or extra tags, VR differences and
value differences. Values are normalised first so that only differences that
matter to a DICOM peer are reported:

* `None`, `''`, `[]` and a list of only empty strings are all "no value".
* `MultiValue`, `list` and `tuple` are all lists; a single value is a list of one.
* Spaces that PS3.5 table 6.2-1 calls insignificant are dropped from every
  value of a multi-valued string: leading and trailing for AE, AS, CS, DA, DT,
  LO, PN, SH, TM and UI, trailing for LT, ST, UT, UC and UR. pydicom strips only
  the end of the whole element, so it keeps "DERIVED " in `DERIVED \\PRIMARY`.
* PN values and other strings are compared as `str` (pydicom's decoded text);
  trailing empty PN components/groups are dropped (`A^B^^=` is `A^B`), as
  PS3.5 6.2.1 makes them insignificant and the JSON model cannot carry them.
* DS and IS are compared as numbers (`"1.50"` == `1.5`); a value that does not
  parse as a number is compared as its stripped text.
* FL is compared after rounding both sides to float32 (a JSON writer may print
  the shortest float32 form, `0.1`, where pydicom holds `0.10000000149011612`).
* AT is compared as ints.
* In "dataset" mode (a rewrite), an odd-length binary value may come back with
  one padding byte (0x00 or space) added: values have even lengths (PS3.5 7.1.1).
* Bulk data (OB, OW, OD, OF, OL, OV, UN and encapsulated Pixel Data) is compared
  by length and sha256, never printed.

Group Length (gggg,0000) elements are never compared: a writer may drop them
(pydicom 3 does on every write) or recompute them, and their value depends on
the encoding, not on the data.

Mode "json" (the expected side comes from `dcmread`, the actual side from
`Dataset.from_json`) also:

* leaves out the file meta group 0002 (JSON has no file meta), and reports a
  Group Length on the actual side as an error: PS3.18 F.2.2 says a DICOM JSON
  Model object shall not include Group Length attributes;
* accepts VR UN where pydicom reports a resolved VR, if the file itself gave no
  VR to believe: the element is UN in the file (explicit VR), or a private
  element of an implicit VR file. pydicom replaces such UN by the VR of its
  standard or *private* dictionary (`config.replace_un_with_known_vr`); DCMTK
  keeps UN (dcmdump -uc, the default), and so may rampart. The UN value must
  then equal the file's raw bytes. Needs `raw` (see `raw_elements`).
* byte-swaps the expected value of OW/OF/OL/OD/OV elements of a big endian file
  to little endian before hashing: pydicom keeps such values as raw bytes in the
  file's byte order, while DICOM JSON (DICOMweb) carries them little endian.
"""

from __future__ import annotations

import array
import hashlib
import math
import struct
import warnings
from typing import Any, Iterable

import pydicom
from pydicom.datadict import keyword_for_tag
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence
from pydicom.tag import Tag

BULK_VRS = frozenset({"OB", "OW", "OD", "OF", "OL", "OV", "UN", "OB or OW", "US or OW"})
SWAP_WIDTH = {"OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8}
INT_VRS = frozenset({"US", "SS", "UL", "SL", "UV", "SV", "US or SS", "AT"})
# PS3.5 table 6.2-1: where leading and trailing spaces are insignificant, and where trailing ones are
STRIP_BOTH = frozenset({"AE", "AS", "CS", "DA", "DT", "LO", "SH", "TM", "UI"})
STRIP_TRAILING = frozenset({"LT", "ST", "UT", "UC", "UR"})
TRUNCATE = 200
MAX_DIFFERENCES = 50


def truncate(text: str, limit: int = TRUNCATE) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def tag_name(tag: int) -> str:
    tag = Tag(tag)
    keyword = keyword_for_tag(tag)
    if not keyword:
        keyword = "GroupLength" if tag.element == 0 else ("private" if tag.is_private else "unknown")
    return f"({tag.group:04X},{tag.element:04X}) {keyword}"


def as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (MultiValue, Sequence, list, tuple)):
        return list(value)
    return [value]


def swap_bytes(data: bytes, width: int) -> bytes:
    """`data` with every `width`-byte word reversed (big endian <-> little endian)."""
    if width <= 1 or len(data) % width:
        return data
    words = array.array({2: "H", 4: "I", 8: "Q"}[width])
    words.frombytes(data)
    words.byteswap()
    return words.tobytes()


def bulk_digest(value: Any, swap_width: int = 0) -> tuple[int, str]:
    if value is None:
        data = b""
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    elif isinstance(value, (list, tuple, MultiValue)):  # pydicom may give a list of bytes
        data = b"".join(bytes(v) for v in value)
    else:
        data = bytes(value)
    if swap_width:
        data = swap_bytes(data, swap_width)
    return len(data), hashlib.sha256(data).hexdigest()


def _number(text: Any, convert) -> Any:
    if text is None:
        return ""
    try:
        return convert(text)
    except (TypeError, ValueError, OverflowError):
        return str(text).strip()


def _float32(value: Any) -> Any:
    if value is None:
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return "nan"
    try:
        return struct.unpack("<f", struct.pack("<f", number))[0]
    except OverflowError:
        return number


def _float64(value: Any) -> Any:
    if value is None:
        return ""
    number = float(value)
    return "nan" if math.isnan(number) else number


def _ds(value: Any) -> Any:
    if value is None or str(value).strip() == "":
        return ""
    number = _number(value, float)
    return "nan" if isinstance(number, float) and math.isnan(number) else number


def _is(value: Any) -> Any:
    if value is None or str(value).strip() == "":
        return ""
    try:
        return int(value)
    except (TypeError, ValueError):
        return _number(value, float)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):  # undecodable text that pydicom left as bytes
        return value.decode("latin-1")
    return str(value)


def normalise_person_name(text: str) -> str:
    """Trailing empty components and groups are insignificant (PS3.5 6.2.1):
    `Wang^XiaoDong=王^小東=` is `Wang^XiaoDong=王^小東`."""
    groups = [group.rstrip("^") for group in text.split("=")]
    while groups and groups[-1] == "":
        groups.pop()
    return "=".join(groups)


def normalise(vr: str, value: Any, *, swap_width: int = 0) -> Any:
    """A comparable form of an element value (see the module docstring)."""
    if vr in BULK_VRS:
        return ("bulk",) + bulk_digest(value, swap_width)
    if vr == "FL":
        items = [_float32(v) for v in as_list(value)]
    elif vr == "FD":
        items = [_float64(v) for v in as_list(value)]
    elif vr == "DS":
        items = [_ds(v) for v in as_list(value)]
    elif vr == "IS":
        items = [_is(v) for v in as_list(value)]
    elif vr in INT_VRS:
        items = [_number(v, int) for v in as_list(value)]
    elif vr == "PN":
        items = [normalise_person_name(_text(v).strip(" ")) for v in as_list(value)]
    elif vr in STRIP_BOTH:
        items = [_text(v).strip(" \x00") for v in as_list(value)]
    elif vr in STRIP_TRAILING:
        items = [_text(v).rstrip(" \x00") for v in as_list(value)]
    else:
        items = [_text(v) for v in as_list(value)]
    if all(item == "" for item in items):
        return []
    return items


def describe(normalised: Any) -> str:
    if isinstance(normalised, tuple) and normalised and normalised[0] == "bulk":
        return f"<{normalised[1]} bytes sha256 {normalised[2][:16]}>"
    return truncate(repr(normalised))


def _is_group_length(tag: int) -> bool:
    return Tag(tag).element == 0


def _is_meta(tag: int) -> bool:
    return Tag(tag).group == 0x0002


def raw_elements(path) -> dict:
    """{(structural path, tag): (VR as written in the file or None, raw value bytes or None)}
    for every element of the file at `path`; a structural path is a tuple of
    (sequence tag, item index) pairs."""
    out: dict = {}

    def collect(ds, prefix: tuple) -> None:
        for tag in list(ds.keys()):
            raw = ds.get_item(tag)
            value = raw.value if isinstance(raw.value, (bytes, bytearray)) else None
            out[(prefix, int(tag))] = (getattr(raw, "VR", None), value)
            elem = ds[tag]
            if elem.VR == "SQ":
                for index, item in enumerate(elem.value or []):
                    collect(item, prefix + ((int(tag), index),))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        collect(pydicom.dcmread(path), ())
    return out


def compare_datasets(
    expected,
    actual,
    *,
    mode: str = "dataset",
    big_endian: bool | None = None,
    raw: dict | None = None,
    limit: int = MAX_DIFFERENCES,
) -> list[str]:
    """Differences between `expected` and `actual` (pydicom Datasets), at most `limit`.

    mode "dataset": every element compares; "json": see the module docstring.
    `big_endian`: whether the expected data set was read from a big endian file
    (json mode only; default: taken from `expected.original_encoding`).
    `raw`: `raw_elements(file)` of the expected file, to accept UN (see above).
    """
    if mode not in ("dataset", "json"):
        raise ValueError(mode)
    if big_endian is None:
        big_endian = mode == "json" and read_big_endian(expected)
    differences: list[str] = []
    _compare(expected, actual, "", (), mode, big_endian, raw or {}, differences, limit)
    if len(differences) >= limit:
        differences.append(f"... stopped after {limit} differences")
    return differences


def read_big_endian(ds) -> bool:
    encoding = getattr(ds, "original_encoding", None)
    if encoding and encoding[1] is not None:
        return not encoding[1]
    return False


def _tags(ds, mode: str, top: bool, side: str) -> set[int]:
    """The tags compared: never Group Length on the expected side (see the module
    docstring); on the actual side only in json mode, where one is an error."""
    tags = set(int(t) for t in ds.keys())
    if side == "expected" or mode == "dataset":
        tags = {t for t in tags if not _is_group_length(t)}
    if mode == "json" and top:
        tags = {t for t in tags if not _is_meta(t)}
    return tags


def _compare(expected, actual, path: str, spath: tuple, mode: str, big_endian: bool, raw: dict, out: list[str], limit: int) -> None:
    top = path == ""
    expected_tags = _tags(expected, mode, top, "expected")
    actual_tags = _tags(actual, mode, top, "actual")

    for tag in sorted(expected_tags | actual_tags):
        if len(out) >= limit:
            return
        where = f"{path}{tag_name(tag)}"
        if tag not in actual_tags:
            out.append(f"{where}: missing (expected VR {expected[tag].VR} value {describe(_value(expected[tag], mode, big_endian))})")
            continue
        if tag not in expected_tags:
            note = " (JSON must not include Group Length)" if mode == "json" and _is_group_length(tag) else ""
            out.append(f"{where}: unexpected element{note} (VR {actual[tag].VR} value {describe(_value(actual[tag], 'dataset', False))})")
            continue
        exp, act = expected[tag], actual[tag]  # __getitem__ resolves ambiguous VRs
        if act.VR == "UN" and exp.VR != "UN" and (spath, tag) in raw:
            file_vr, file_bytes = raw[(spath, tag)]
            if file_vr == "UN" or (file_vr is None and Tag(tag).is_private):
                act_value = _value(act, "dataset", False)
                if act_value != ("bulk",) + bulk_digest(file_bytes):
                    out.append(f"{where} UN: value {describe(act_value)} != the file's raw value {describe(('bulk',) + bulk_digest(file_bytes))}")
                continue
        if exp.VR != act.VR:
            out.append(
                f"{where}: VR {act.VR} != expected {exp.VR} "
                f"(values {describe(_value(act, 'dataset', False))} vs expected {describe(_value(exp, mode, big_endian))})"
            )
            continue
        if exp.VR == "SQ":
            exp_items, act_items = list(exp.value or []), list(act.value or [])
            if len(exp_items) != len(act_items):
                out.append(f"{where}: {len(act_items)} items != expected {len(exp_items)}")
                continue
            for index, (exp_item, act_item) in enumerate(zip(exp_items, act_items)):
                _compare(exp_item, act_item, f"{where}[{index}] > ", spath + ((tag, index),), mode, big_endian, raw, out, limit)
            continue
        if mode == "dataset" and _padded_to_even(exp, act):
            continue
        exp_value = _value(exp, mode, big_endian)
        act_value = _value(act, "dataset", False)
        if exp_value != act_value:
            out.append(f"{where} {exp.VR}: value {describe(act_value)} != expected {describe(exp_value)}")


def _padded_to_even(exp, act) -> bool:
    """An odd-length binary value written back with its padding byte (PS3.5 7.1.1:
    every value has an even length), as any conforming writer does."""
    if exp.VR not in BULK_VRS:
        return False
    e, a = exp.value, act.value
    if not isinstance(e, (bytes, bytearray)) or not isinstance(a, (bytes, bytearray)):
        return False
    return len(e) % 2 == 1 and len(a) == len(e) + 1 and a[:-1] == e and a[-1] in (0x00, 0x20)


def _value(elem, mode: str, big_endian: bool) -> Any:
    swap = SWAP_WIDTH.get(elem.VR, 0) if (mode == "json" and big_endian) else 0
    if elem.VR == "SQ":
        return f"<sequence of {len(elem.value or [])} items>"
    return normalise(elem.VR, elem.value, swap_width=swap)


def compare_file_meta(expected_meta, actual_meta) -> list[str]:
    """The file meta elements a rewrite must keep (a writer may change its own
    Implementation Class UID / Version Name and the group length)."""
    out = []
    for keyword in ("TransferSyntaxUID", "MediaStorageSOPClassUID", "MediaStorageSOPInstanceUID"):
        exp = expected_meta.get(keyword)
        act = actual_meta.get(keyword)
        if exp is None:
            continue
        if act is None or str(exp) != str(act):
            out.append(f"file meta {keyword}: {truncate(repr(act))} != expected {truncate(repr(exp))}")
    return out


def format_differences(differences: Iterable[str]) -> str:
    return "\n".join("  " + line for line in differences)
