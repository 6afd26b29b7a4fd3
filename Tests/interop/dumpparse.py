"""Parsers for the text dumps of `dcmdump` (DCMTK) and `rampart dump`, into one comparable form.

Both print one element per line, nested sequence items indented by two spaces
per level, with an item line `(FFFE,E000) …` per item. A dump parses into a dict:

    (path, tag) -> Record(vr, value)

where `path` is a tuple of (sequence tag, item index) pairs from the top level
down, `tag` an int, and `value` a tuple of normalised value strings, or BULK for
binary values (not compared), or SEQUENCE for a sequence, or ITEM for an item
(tag 0xFFFEE000; recorded so that an empty item still counts).

`rampart dump` line format (the lead's spec):

    (gggg,eeee) VR value  # keyword
    strings in square brackets, values separated by backslash: [a\\b]
    numbers bare, separated by backslash: 1\\2
    (FFFE,E000) na Item #n

`dcmdump` line format (run with +L -Un +U8): the value is followed by padding and
`# length, VM Name`; strings in brackets, numbers bare, AT as `(gggg,eeee)`,
empty values as `(no value available)`; `??` is the VR of an element of unknown
VR in an implicit VR data set (UN here); `pi` items belong to encapsulated pixel
data; `(FFFE,E00D)` / `(FFFE,E0DD)` delimitation lines carry no data.
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass

from dicomcompare import normalise_person_name

BULK = ("<bulk>",)
SEQUENCE = ("<sequence>",)
ITEM = ("<item>",)
BULK_VRS = frozenset({"OB", "OW", "OD", "OF", "OL", "OV", "UN", "??", "ox", "xs", "lt", "up", "pi"})
NUMBER_VRS = frozenset({"US", "SS", "UL", "SL", "UV", "SV", "FL", "FD"})
ITEM_TAG = 0xFFFEE000
DELIMITERS = frozenset({0xFFFEE00D, 0xFFFEE0DD})

ELEMENT_LINE = re.compile(r"^(?P<indent> *)\((?P<group>[0-9A-Fa-f]{4}),(?P<element>[0-9A-Fa-f]{4})\) (?P<vr>\S\S)(?: (?P<rest>.*))?$", re.DOTALL)
DCMDUMP_TRAILER = re.compile(r"^(?P<value>.*?)\s*#\s*(?:\d+|u/l|\?+),\s*\d+ (?P<name>.*)$", re.DOTALL)
RAMPART_TRAILER = re.compile(r"^(?P<value>.*?)\s*(?:#[^\]]*)?$", re.DOTALL)
AT_VALUE = re.compile(r"\(?([0-9A-Fa-f]{4}),?([0-9A-Fa-f]{4})\)?")


@dataclass(frozen=True)
class Record:
    vr: str
    value: tuple

    def __str__(self) -> str:
        shown = "\\".join(self.value)
        if len(shown) > 200:
            shown = shown[:197] + "..."
        return f"{self.vr} [{shown}]"


Key = tuple  # (path, tag)


def tag_text(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


def key_text(key: Key) -> str:
    path, tag = key
    parts = [f"{tag_text(seq)}[{index}]" for seq, index in path]
    return " > ".join(parts + [tag_text(tag)])


CONTROL = re.compile("\r\n|[\x00-\x1f\x7f]")


def printable(text: str) -> str:
    """Control characters as ".": rampart dump keeps one element a line by printing
    CR, LF (a CR LF pair as one) and other controls as "."; dcmdump prints them raw."""
    return CONTROL.sub(".", text)


def split_values(text: str) -> list[str]:
    return text.split("\\")


def normalise_value(vr: str, text: str, *, dcmtk: bool) -> tuple:
    """The comparable value of an element from the text after its VR."""
    vr = vr.upper()
    if vr in BULK_VRS or vr.lower() in BULK_VRS:
        return BULK
    if vr == "SQ":
        return SEQUENCE
    text = text.strip(" ")
    if text in ("", "(no value available)", "(no value)", "[]"):
        return ()
    if text.startswith("(not loaded"):
        return BULK  # rampart leaves a long value on disk: nothing to compare
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if vr == "AT":
        found = AT_VALUE.findall(text)
        return tuple(f"{g.upper()}{e.upper()}" for g, e in found)
    values = [printable(v).strip(" ") for v in split_values(text)]
    if vr in NUMBER_VRS:
        values = [_number(vr, v) for v in values]
    elif vr == "DS":
        values = [_decimal(v) for v in values]
    elif vr == "IS":
        values = [_integer(v) for v in values]
    elif vr == "PN":
        values = [normalise_person_name(v) for v in values]
    if all(v == "" for v in values):
        return ()
    return tuple(values)


def _number(vr: str, text: str) -> str:
    try:
        if vr in ("FL", "FD"):
            number = float(text)
            if math.isnan(number):
                return "nan"
            if vr == "FL":  # canonical float32: dcmdump prints 9 digits (0.100000001), others the shortest form (0.1)
                return repr(struct.unpack("<f", struct.pack("<f", number))[0])
            return repr(number)  # compared with a tolerance: see values_equal
        return str(int(text))
    except (ValueError, OverflowError):
        return text


def values_equal(vr: str, a: tuple, b: tuple) -> bool:
    """FD values agree to 14 significant digits (DCMTK's own float printing is off in
    the last digits: 1e-300 prints as 9.9999999999999929e-301); all else exactly."""
    if a == b:
        return True
    if vr != "FD" or len(a) != len(b):
        return False
    for x, y in zip(a, b):
        try:
            if not math.isclose(float(x), float(y), rel_tol=1e-14):
                return False
        except ValueError:
            if x != y:
                return False
    return True


def _decimal(text: str) -> str:
    try:
        number = float(text)
    except ValueError:
        return text
    return repr(number)


def _integer(text: str) -> str:
    try:
        return str(int(text))
    except ValueError:
        return text


DCMDUMP_VALUE_END = re.compile(r"^.*?\]\s*#\s*(?:\d+|u/l|\?+),\s*\d+ .*$", re.DOTALL)
RAMPART_VALUE_END = re.compile(r"^.*\](?:\s+#[^\]]*)?$", re.DOTALL)


def logical_lines(text: str, *, dcmtk: bool):
    """Lines of a dump, with a bracketed value that spans lines (a text value
    holding line breaks, printed raw) joined back into one line with LF."""
    lines = text.split("\n")
    end = DCMDUMP_VALUE_END if dcmtk else RAMPART_VALUE_END
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        match = ELEMENT_LINE.match(line)
        rest = (match["rest"] or "") if match else ""
        if match and rest.startswith("[") and not end.match(rest):
            parts = [line]
            while i < len(lines):
                parts.append(lines[i])
                i += 1
                if end.match(lines[i - 1]):
                    break
            line = "\n".join(parts)
        yield line


def parse(text: str, *, dcmtk: bool) -> dict[Key, Record]:
    records: dict[Key, Record] = {}
    # stack of [indent, kind ("seq"/"item"), tag or item index, items seen (seq only)]
    stack: list[list] = []
    for line in logical_lines(text, dcmtk=dcmtk):
        match = ELEMENT_LINE.match(line)
        if not match:
            continue  # comments, headers, blank lines
        indent = len(match["indent"])
        tag = (int(match["group"], 16) << 16) | int(match["element"], 16)
        vr = match["vr"]
        rest = match["rest"] or ""
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if tag in DELIMITERS:
            continue
        if tag == ITEM_TAG:
            if vr.lower() == "pi":
                continue  # a fragment of encapsulated pixel data: part of the bulk value
            if not stack or stack[-1][1] != "seq":
                continue  # rampart's lines for the offset table and fragments of encapsulated pixel data
            index = stack[-1][3]
            stack[-1][3] += 1
            stack.append([indent, "item", index, 0])
            records[(_path(stack), ITEM_TAG)] = Record("na", ITEM)
            continue
        pattern = DCMDUMP_TRAILER if dcmtk else RAMPART_TRAILER
        trailer = pattern.match(rest)
        value_text = trailer["value"] if trailer else rest
        vr_out = "UN" if vr == "??" else vr.upper()
        if dcmtk and vr == "OB" and value_text.startswith("(PixelSequence"):
            records[(_path(stack), tag)] = Record(vr_out, BULK)
            continue
        value = normalise_value(vr, value_text, dcmtk=dcmtk)
        records[(_path(stack), tag)] = Record(vr_out, value)
        if vr.upper() == "SQ":
            stack.append([indent, "seq", tag, 0])
    return records


def _path(stack: list[list]) -> tuple:
    """(sequence tag, item index) pairs for the current position."""
    path = []
    pending_seq = None
    for entry in stack:
        if entry[1] == "seq":
            pending_seq = entry[2]
        elif entry[1] == "item" and pending_seq is not None:
            path.append((pending_seq, entry[2]))
            pending_seq = None
    return tuple(path)


def parse_dcmdump(text: str) -> dict[Key, Record]:
    return parse(text, dcmtk=True)


def parse_rampart_dump(text: str) -> dict[Key, Record]:
    return parse(text, dcmtk=False)


def compare(expected: dict[Key, Record], actual: dict[Key, Record], *, skip_tags=frozenset()) -> list[str]:
    """Differences of `actual` (rampart) from `expected` (dcmdump)."""
    out = []
    for key in sorted(set(expected) | set(actual), key=lambda k: (k[0], k[1])):
        if key[1] in skip_tags:
            continue
        exp, act = expected.get(key), actual.get(key)
        where = key_text(key)
        if act is None:
            out.append(f"{where}: missing from rampart dump (dcmdump: {exp})")
        elif exp is None:
            out.append(f"{where}: not in dcmdump (rampart: {act})")
        elif exp.vr != act.vr:
            out.append(f"{where}: VR {act.vr} != dcmdump {exp.vr}")
        elif BULK in (exp.value, act.value) or SEQUENCE in (exp.value, act.value) or ITEM in (exp.value, act.value):
            continue  # binary values and structure lines: tag and VR only
        elif not values_equal(exp.vr, exp.value, act.value):
            out.append(f"{where} {exp.vr}: rampart {act} != dcmdump {exp}")
    return out
