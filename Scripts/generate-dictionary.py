#!/usr/bin/env python3
"""Generate Sources/DICOM/Dictionary/DataDictionary+Generated.swift from DCMTK's dictionaries.

Usage:
    Scripts/generate-dictionary.py [--dicom PATH] [--private PATH] [--output PATH]

The sources are the data dictionaries that DCMTK publishes and the Debian `dcmtk` package installs
(`/usr/share/libdcmtk17/dicom.dic` and `private.dic`). Their format, one entry a line:

    (gggg,eeee)<TAB>VR<TAB>Keyword<TAB>VM<TAB>Version                    dicom.dic
    (gggg,"CREATOR",ee)<TAB>VR<TAB>Keyword<TAB>VM<TAB>PrivateTag          private.dic

A group or element may be a range, "6000-60FF" (even numbers only, DCMTK's default), "0009-o-FFFF"
(odd only) or "0010-u-00FF" (all). A later line with the same tag replaces an earlier one. Pseudo VRs
stand for a choice the reader must make from context (PS3.5 A.1): xs = US or SS, ox and px = OB or
OW, lt = US or SS or OW, up = UL, na = no VR (item delimiters), ?? = unknown.

The output holds three tab-separated string tables that `DataDictionary` parses once on first use:
a single string literal compiles in a moment, where thousands of struct literals would keep the
type checker busy. Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import sys
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(REPO, "Sources", "DICOM", "Dictionary", "DataDictionary+Generated.swift")
DEFAULT_DIR = "/usr/share/libdcmtk17"

STANDARD_VRS = set(
    "AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV".split()
)

# DCMTK's pseudo VRs, as the candidates in PS3.6's order ("US or SS", "OB or OW", "US or SS or OW").
PSEUDO_VRS = {
    "xs": ["US", "SS"],
    "ox": ["OB", "OW"],
    "px": ["OB", "OW"],
    "lt": ["US", "SS", "OW"],
    "up": ["UL"],
    "na": [],
    "??": ["UN"],
}

VM_PATTERN = re.compile(r"^\d+(-(\d+|\d*n))?$")
HEX4 = re.compile(r"^[0-9A-Fa-f]{1,4}$")


class DictionaryError(Exception):
    pass


@dataclass(frozen=True)
class Range:
    """A group or element: low...high, stepping over odd or even numbers as DCMTK's restrictor says."""

    low: int
    high: int
    parity: str  # "e" even, "o" odd, "u" all

    @property
    def is_single(self) -> bool:
        return self.low == self.high

    @property
    def count(self) -> int:
        if self.is_single:
            return 1
        total = self.high - self.low + 1
        return total if self.parity == "u" else (total + 1) // 2

    def text(self) -> str:
        if self.is_single:
            return f"{self.low:04X}"
        return f"{self.low:04X}-{self.parity}-{self.high:04X}"


def parse_range(text: str, where: str, *, element: bool) -> Range:
    """Mirrors parseTagPart in DCMTK's dcdict.cc: a bare range is even-only, "-o-" odd, "-u-" all."""
    parts = text.strip().split("-")
    if len(parts) == 1 and HEX4.match(parts[0]):
        value = int(parts[0], 16)
        return Range(value, value, "u")
    if len(parts) == 2 and all(HEX4.match(p) for p in parts):
        low, high, parity = int(parts[0], 16), int(parts[1], 16), "e"
        # DICOM has no parity rule for elements, so PS3.6's (0020,31xx) means every element; DCMTK's
        # notation has no bare "all" range, and reads (0020,3100-31FF) as even-only. Follow PS3.6 and
        # pydicom here; the group half keeps DCMTK's even default (odd groups are private, PS3.5 7.8).
        if element:
            parity = "u"
    elif len(parts) == 3 and HEX4.match(parts[0]) and HEX4.match(parts[2]) and parts[1].lower() in ("o", "e", "u"):
        low, high, parity = int(parts[0], 16), int(parts[2], 16), parts[1].lower()
    else:
        raise DictionaryError(f"{where}: cannot read tag part {text!r}")
    if low > high:
        raise DictionaryError(f"{where}: range {text!r} runs backwards")
    return Range(low, high, parity)


def parse_vr(text: str, where: str) -> list[str]:
    if text in STANDARD_VRS:
        return [text]
    if text in PSEUDO_VRS:
        return PSEUDO_VRS[text]
    raise DictionaryError(f"{where}: unknown VR {text!r}")


def parse_vm(text: str, where: str) -> str:
    if not VM_PATTERN.match(text):
        raise DictionaryError(f"{where}: cannot read VM {text!r}")
    return text


def data_lines(path: str):
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            # DCMTK separates fields with one tab; a run of tabs is tolerated here.
            fields = [field.strip() for field in re.split(r"\t+", line.strip())]
            yield f"{os.path.basename(path)}:{number}", fields


@dataclass
class StandardEntry:
    group: Range
    element: Range
    vrs: list[str]
    vm: str
    keyword: str
    retired: bool
    # DCMTK's PRIVATE, ILLEGAL and GENERIC pseudo entries (group lengths, private creators): they
    # answer tag lookups but are no attribute keywords.
    generic: bool

    @property
    def is_repeating(self) -> bool:
        return not (self.group.is_single and self.element.is_single)


def read_standard(path: str) -> list[StandardEntry]:
    entries: dict[tuple[Range, Range], StandardEntry] = {}
    for where, fields in data_lines(path):
        if len(fields) != 5:
            raise DictionaryError(f"{where}: expected 5 fields, found {len(fields)}")
        tag, vr, keyword, vm, version = fields
        match = re.fullmatch(r"\(([^,()]+),([^,()]+)\)", tag)
        if not match:
            raise DictionaryError(f"{where}: cannot read tag {tag!r}")
        group = parse_range(match.group(1), where, element=False)
        element = parse_range(match.group(2), where, element=True)
        retired = version.lower().endswith("/retired")
        # DCMTK names retired attributes RETIRED_Keyword; PS3.6 and pydicom use the bare keyword.
        if retired and keyword.startswith("RETIRED_"):
            keyword = keyword[len("RETIRED_"):]
        generic = not version.upper().startswith("DICOM")
        # Later lines replace earlier ones with the same tag, as DCMTK loads them.
        entries[(group, element)] = StandardEntry(
            group, element, parse_vr(vr, where), parse_vm(vm, where), keyword, retired, generic
        )
    return list(entries.values())


@dataclass
class PrivateEntry:
    group: Range
    creator: str
    element: int  # 0x00-0xFF: the low byte within any block the creator reserves; else one fixed element
    vrs: list[str]
    vm: str
    keyword: str


def read_private(path: str) -> list[PrivateEntry]:
    entries: dict[tuple[Range, str, int], PrivateEntry] = {}
    for where, fields in data_lines(path):
        # The version column ("PrivateTag") is missing on a few lines; it carries nothing.
        if len(fields) not in (4, 5):
            raise DictionaryError(f"{where}: expected 4 or 5 fields, found {len(fields)}")
        tag, vr, keyword, vm = fields[:4]
        match = re.fullmatch(r'\(([^,()"]+),"([^"]*)",([0-9A-Fa-f]{2}|[0-9A-Fa-f]{4})\)', tag)
        if not match:
            raise DictionaryError(f"{where}: cannot read private tag {tag!r}")
        group = parse_range(match.group(1), where, element=False)
        creator = match.group(2).rstrip(" ")
        element = int(match.group(3), 16)
        if len(match.group(3)) == 4 and element < 0x1000:
            raise DictionaryError(f"{where}: fixed private element {element:04X} outside a block")
        if "\t" in creator or "\n" in creator or "\t" in keyword:
            raise DictionaryError(f"{where}: creator or keyword holds a tab or newline")
        entries[(group, creator, element)] = PrivateEntry(group, creator, element, parse_vr(vr, where), parse_vm(vm, where), keyword)
    return list(entries.values())


def vr_text(vrs: list[str]) -> str:
    return "/".join(vrs) if vrs else "-"


def standard_row(entry: StandardEntry) -> str:
    flags = ("R" if entry.retired else "") + ("G" if entry.generic else "")
    return "\t".join([entry.group.text() + "," + entry.element.text(), vr_text(entry.vrs), entry.vm, entry.keyword, flags or "-"])


def private_row(entry: PrivateEntry) -> str:
    element = f"{entry.element:02X}" if entry.element <= 0xFF else f"{entry.element:04X}"
    return "\t".join([entry.group.text(), entry.creator, element, vr_text(entry.vrs), entry.vm, entry.keyword])


def swift_table(name: str, doc: str, rows: list[str]) -> str:
    for row in rows:
        # A raw multi-line literal ends only at `"""#`; no source text comes close, but make sure.
        if '"""#' in row:
            raise DictionaryError(f"row cannot go in a raw string literal: {row!r}")
    body = "\n".join(rows)
    return f'    /// {doc}\n    static let {name}: StaticString = #"""\n{body}\n"""#\n'


def source_edition(path: str) -> str:
    """DCMTK's note of the PS3.6 edition it was made from, for the generated header."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("# Generated automatically from"):
                return "dicom.dic says: " + line[1:].strip()
    return "dicom.dic does not name the edition of PS3.6 it follows"


def find_default(name: str) -> str:
    path = os.path.join(DEFAULT_DIR, name)
    if os.path.exists(path):
        return path
    candidates = sorted(glob.glob(f"/usr/share/libdcmtk*/{name}"))
    if candidates:
        return candidates[-1]
    raise DictionaryError(f"{name} not found in /usr/share/libdcmtk*/: install DCMTK (apt-get install dcmtk) or pass its path")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dicom", help="DCMTK's dicom.dic (default: /usr/share/libdcmtk17/dicom.dic)")
    parser.add_argument("--private", help="DCMTK's private.dic (default: /usr/share/libdcmtk17/private.dic)")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="the Swift file to write")
    args = parser.parse_args(argv)

    try:
        dicom_path = args.dicom or find_default("dicom.dic")
        private_path = args.private or find_default("private.dic")
        standard = read_standard(dicom_path)
        private = read_private(private_path)
    except (DictionaryError, OSError) as error:
        print(f"generate-dictionary: {error}", file=sys.stderr)
        return 1

    exact = sorted((e for e in standard if not e.is_repeating), key=lambda e: (e.group.low, e.element.low))
    # DCMTK tries the narrowest range first, so (0009,0000) is a private group length before it is a
    # generic one; ties go by tag.
    repeating = sorted(
        (e for e in standard if e.is_repeating),
        key=lambda e: (e.group.count * e.element.count, e.group.low, e.element.low),
    )
    private_rows = sorted(private, key=lambda e: (e.group.low, e.creator, e.element))

    edition = source_edition(dicom_path)
    header = f"""\
// DataDictionary+Generated.swift
//
// GENERATED by Scripts/generate-dictionary.py from DCMTK's data dictionaries:
//   {dicom_path}  ({len(exact)} entries, {len(repeating)} repeating-group entries)
//   {private_path}  ({len(private_rows)} private entries)
// {edition}
// Do not edit by hand: change the script or the sources and run it again.
//
// Rows are tab-separated. VRs: candidates joined by "/", "-" for none. Flags: R retired,
// G a DCMTK pseudo entry (group length, private creator) that has no attribute keyword.
// Tags: "gggg" or a range "low-p-high", p = e(ven), o(dd) or u (all).

"""
    text = (
        header
        + "extension DataDictionary {\n"
        + swift_table("standardTable", "Standard entries sorted by tag: tag, VRs, VM, keyword, flags.", [standard_row(e) for e in exact])
        + "\n"
        + swift_table(
            "repeatingTable",
            "Repeating groups and elements, narrowest range first: tag, VRs, VM, keyword, flags.",
            [standard_row(e) for e in repeating],
        )
        + "\n"
        + swift_table(
            "privateTable",
            "Private entries: group, creator, element (2 digits: low byte in any block; 4: fixed), VRs, VM, keyword.",
            [private_row(e) for e in private_rows],
        )
        + "}\n"
    )
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(
        f"wrote {os.path.relpath(args.output)}: {len(exact)} standard, {len(repeating)} repeating, {len(private_rows)} private entries"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
