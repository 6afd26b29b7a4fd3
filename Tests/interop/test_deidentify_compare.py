"""`rampart deidentify` (no options) against dicognito, the PyPI de-identifier, on the same richly
populated synthetic file as test_deidentify.py: every attribute of PS3.15 Table E.1-1 that has one
tag pydicom knows, plus Patient ID and two private attributes.

Each attribute's fate in each output is put in one of five words: removed, emptied, replaced
(another non-empty value), kept (the same value), or items (a sequence kept with its items, which
are de-identified inside). The table of all attributes whose fate differs goes to
.build/reports/deidentify-compare.md. Every difference must match one of the justified kinds in
DIFFERENCES below, and Rampart must never keep an attribute that dicognito does not keep, nor keep
one that dicognito removes where the table says X.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset

import rampart_cli
import test_deidentify as table

REPORT = Path(__file__).resolve().parents[2] / ".build" / "reports" / "deidentify-compare.md"
PATIENT_ID = 0x00100020
PRIVATE = (0x00091010, 0x00091001)


@dataclass(frozen=True)
class Difference:
    """A kind of difference between the two outputs, and why it is right that they differ."""

    name: str
    actions: frozenset[str]
    rampart: frozenset[str]
    dicognito: frozenset[str]
    why: str

    def matches(self, action: str, rampart: str, dicognito: str) -> bool:
        return action in self.actions and rampart in self.rampart and dicognito in self.dicognito


def kinds(*words: str) -> frozenset[str]:
    return frozenset(words)


DIFFERENCES = [
    Difference(
        "dicognito keeps what E.1-1 removes",
        kinds("X"), kinds("removed"), kinds("kept"),
        "dicognito removes only ten attributes by name and rewrites names, IDs, UIDs, dates and "
        "addresses; every other attribute that E.1-1 removes (descriptions, comments, free text, "
        "device and protocol names) it leaves as it was. Rampart follows the table.",
    ),
    Difference(
        "dicognito keeps what E.1-1 empties or replaces",
        kinds("Z", "D", "U"), kinds("emptied", "replaced"), kinds("kept"),
        "the same narrower scope: attributes outside dicognito's list keep their value, where E.1-1 "
        "asks for an empty value (Z), a dummy (D) or a remapped UID (U: dicognito leaves "
        "Manufacturer's Device Class UID as it was).",
    ),
    Difference(
        "dicognito rewrites what E.1-1 removes",
        kinds("X"), kinds("removed"), kinds("replaced", "emptied"),
        "dicognito gives names, IDs, dates, times and addresses fake values (or empties them) "
        "instead of removing them; the original value is gone either way, and Rampart removes as "
        "the table says.",
    ),
    Difference(
        "dicognito rewrites what E.1-1 empties",
        kinds("Z"), kinds("emptied"), kinds("replaced"),
        "dicognito puts fake names, IDs and shifted dates where E.1-1 asks for an empty value; both "
        "lose the original, Rampart's empty value is what Z means.",
    ),
    Difference(
        "dicognito keeps sequences that E.1-1 removes or empties",
        kinds("X", "Z"), kinds("removed", "emptied"), kinds("items"),
        "dicognito walks into every sequence and rewrites the names, UIDs and dates in its items but "
        "keeps the sequence and the rest of its items (codes, text); E.1-1 drops the whole sequence "
        "(X) or its items (Z), and so does Rampart.",
    ),
    Difference(
        "private attributes",
        kinds("private"), kinds("removed"), kinds("kept"),
        "dicognito leaves private attributes alone; E.1-1 removes them unless known safe "
        "(Retain Safe Private), and Rampart knows none safe.",
    ),
]


def fate(elem, old) -> str:
    """removed, emptied, items (a sequence with its items), kept or replaced."""
    if elem is None:
        return "removed"
    if elem.VR == "SQ":
        return "items" if len(elem.value) else "emptied"
    if elem.is_empty:
        return "emptied"
    return "kept" if elem.value == old else "replaced"


def run_rampart(rampart, source: Path, out: Path, key: Path) -> Dataset:
    result = rampart_cli.run(rampart, "deidentify", "--out", out, "--key-file", key, "--new-key", "--quiet", source)
    assert result.returncode == 0, rampart_cli.describe(result)
    (path,) = out.glob("*.dcm")
    return pydicom.dcmread(path)


def run_dicognito(source: Path, out: Path) -> Dataset:
    """dicognito's own command line, as a user runs it; a fixed seed makes the run repeatable."""
    result = subprocess.run(
        [sys.executable, "-m", "dicognito", "--output-directory", str(out), "--seed", "rampart-compare", "--quiet", str(source)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    (path,) = out.glob("*.dcm")
    return pydicom.dcmread(path)


@dataclass(frozen=True)
class Row:
    attribute: str
    code: str  # as the table writes it, X/Z for instance
    action: str  # the one Rampart applies (test_deidentify.py's reading of combined codes)
    rampart: str
    dicognito: str

    def justification(self) -> Difference | None:
        return next((kind for kind in DIFFERENCES if kind.matches(self.action, self.rampart, self.dicognito)), None)


def compared_rows(original: Dataset, rampart: Dataset, dicognito: Dataset) -> list[Row]:
    rows = []
    for tag, _, row in table.checked_rows():
        old = original[tag].value
        rampart_fate, dicognito_fate = fate(rampart.get(tag), old), fate(dicognito.get(tag), old)
        rows.append(Row(f"{row['name']} {row['tag']}", row["basicProfile"], table.expected_action(row, []), rampart_fate, dicognito_fate))
    old_id = original[PATIENT_ID].value
    rows.append(Row("Patient ID (0010,0020)", "D", "D", fate(rampart.get(PATIENT_ID), old_id), fate(dicognito.get(PATIENT_ID), old_id)))
    for tag in PRIVATE:
        old = original[tag].value
        rows.append(Row(f"private ({tag >> 16:04X},{tag & 0xFFFF:04X})", "private", "private", fate(rampart.get(tag), old), fate(dicognito.get(tag), old)))
    return rows


def report(rows: list[Row]) -> str:
    differing = [row for row in rows if row.rampart != row.dicognito]
    lines = [
        "# `rampart deidentify` and dicognito 0.19.0 on the same file",
        "",
        f"{len(rows)} attributes compared (Table E.1-1 rows with one tag, Patient ID, two private); "
        f"{len(rows) - len(differing)} end the same, {len(differing)} differ. Basic profile, no options.",
        "",
        "## Kinds of difference",
        "",
    ]
    for kind in DIFFERENCES:
        count = sum(1 for row in differing if row.justification() is kind)
        lines.append(f"- **{kind.name}** ({count}): {kind.why}")
    lines += ["", "## Attributes that differ", "", "| attribute | Table E.1-1 | Rampart | dicognito | kind |", "| --- | --- | --- | --- | --- |"]
    for row in differing:
        kind = row.justification()
        lines.append(f"| {row.attribute} | {row.code} | {row.rampart} | {row.dicognito} | {kind.name if kind else '**unjustified**'} |")
    return "\n".join(lines) + "\n"


def test_differences_from_dicognito_are_the_justified_ones(rampart, tmp_path):
    original = table.rich_file(tmp_path / "rich.dcm")
    ours = run_rampart(rampart, tmp_path / "rich.dcm", tmp_path / "rampart", tmp_path / "project.key")
    theirs = run_dicognito(tmp_path / "rich.dcm", tmp_path / "dicognito")
    rows = compared_rows(original, ours, theirs)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report(rows))

    leaks = [row for row in rows if row.rampart == "kept" and row.dicognito != "kept"]
    assert not leaks, "Rampart keeps what dicognito changes:\n" + "\n".join(map(str, leaks))
    removed_by_both = [row for row in rows if row.action == "X" and row.dicognito == "removed"]
    assert len(removed_by_both) >= 5, "dicognito's removals (Occupation, Military Rank…) are missing from the file"
    unremoved = [row for row in removed_by_both if row.rampart != "removed"]
    assert not unremoved, "Rampart keeps what dicognito and E.1-1 remove:\n" + "\n".join(map(str, unremoved))
    unjustified = [row for row in rows if row.rampart != row.dicognito and row.justification() is None]
    assert not unjustified, f"differences without a justification (see {REPORT}):\n" + "\n".join(map(str, unjustified))
    unused = [kind.name for kind in DIFFERENCES if not any(row.justification() is kind for row in rows)]
    assert not unused, f"justified kinds of difference that no attribute shows any more: {unused}"
    # The comparison means something only if both sides did their work on this file.
    assert sum(1 for row in rows if row.rampart == row.dicognito) > 20
    assert ours.PatientIdentityRemoved == "YES"
    assert "DICOGNITO" in str(theirs.DeidentificationMethod)
