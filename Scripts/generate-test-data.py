#!/usr/bin/env python3
"""Writes a synthetic, deterministic set of DICOM images for trying and testing Rampart.

    .venv/bin/python Scripts/generate-test-data.py OUT [--instances 1000] [--seed N]
    .venv/bin/python Scripts/generate-test-data.py OUT --find STUDY StudyDate=20200101-20211231 ModalitiesInStudy=CT

Several patients (about one per 60 instances), each with one to three studies (CT, MR, CR,
DX, US, MG, and PET/CT with two modalities), one to four series per study, as
OUT/<PatientID>/study<N>/series<N>/<N>.dcm in Explicit or Implicit VR Little Endian. The names,
IDs, dates and codes look real and belong to nobody; the same seed and count give the same
files, UIDs included. The generator is `make_collection` in Tests/interop/netdata.py, which the
interop tests use too.

With --find it also prints what a C-FIND at LEVEL with the given keys (KEY=VALUE, '*' and '?'
wild cards, DATE1-DATE2 ranges, UID lists with '\\'; a Procedure Code Sequence item key as
ProcedureCodeSequence.CodeValue=VALUE) must match on a server that holds exactly these files
and matches person names regardless of case (as Rampart does): the number of matches and
their unique keys (UIDs, or Patient IDs at PATIENT level). Nothing here prints patient names.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "interop"))

import netdata  # noqa: E402


def parse_keys(pairs: list[str]) -> dict:
    keys: dict = {}
    for pair in pairs:
        keyword, _, value = pair.partition("=")
        if "." in keyword:
            sequence, _, item_keyword = keyword.partition(".")
            keys.setdefault(sequence, {})[item_keyword] = value
        else:
            keys[keyword] = value
    return keys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write into (created; must be empty if it exists)")
    parser.add_argument("--instances", type=int, default=1000, help="number of images (default 1000)")
    parser.add_argument("--seed", type=int, default=netdata.DEFAULT_SEED, help=f"seed (default {netdata.DEFAULT_SEED})")
    parser.add_argument("--find", nargs="+", metavar=("LEVEL", "KEY=VALUE"),
                        help="also print what a C-FIND at LEVEL (PATIENT, STUDY, SERIES, IMAGE) with these keys must match")
    args = parser.parse_args()
    if args.instances < 1:
        parser.error("--instances must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty: give a new or empty folder")
    if args.find and args.find[0].upper() not in netdata.LEVELS:
        parser.error(f"--find: the level must be one of {', '.join(netdata.LEVELS)}")

    archive = netdata.make_collection(args.out, args.seed, args.instances)
    print(f"wrote {netdata.describe_counts(archive)} into {args.out}")
    if args.find:
        level = args.find[0].upper()
        matches = archive.expected(level, parse_keys(args.find[1:]), person_name_case=False, unknown_required_matches=True)
        print(f"C-FIND {level} must match {len(matches)}:")
        for row in matches:
            print(f"  {row[netdata.UNIQUE_KEY[level]]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
