"""`rampart dump FILE` against DCMTK's `dcmdump` on a handful of varied files.

Compared: for every element, at the top level and inside sequence items (the
file meta group included), the tag, the VR and, unless it is binary (OB, OW,
OD, OF, OL, OV, UN, encapsulated pixel data), the value; plus the number of
items of every sequence. See dumpparse.py for how each dump is read.

dcmdump runs with +L (print values whole), -Un (UIDs as numbers, not names) and
+U8 (text converted to UTF-8). +U8 replaces the value of Specific Character Set
(0008,0005) by ISO_IR 192, and inserts one when absent, so that element is not
compared. DCMTK's iconv cannot convert ISO 2022 IR 87 (Japanese), so no
Japanese file is among these.
"""

from __future__ import annotations

import subprocess

import pytest

import dicomfiles
import dumpparse
import rampart_cli

DCMDUMP = "/usr/bin/dcmdump"
DCMDUMP_FLAGS = ("-q", "-Un", "+U8", "+L")
SPECIFIC_CHARACTER_SET = 0x00080005

# file: why it is here
DUMP_FILES = {
    "test_files/CT_small.dcm": "explicit VR little endian, many private elements",
    "test_files/rtplan.dcm": "implicit VR little endian, nested sequences",
    "test_files/MR_small_bigendian.dcm": "explicit VR big endian",
    "test_files/image_dfl.dcm": "deflated explicit VR little endian",
    "test_files/test-SR.dcm": "structured report: deep sequences, text with line breaks",
    "test_files/waveform_ecg.dcm": "waveform: many numbers (US, SS, FL, DS) in sequences",
    "test_files/JPEG2000.dcm": "encapsulated pixel data (JPEG 2000), private elements",
    "charset_files/chrRuss.dcm": "ISO_IR 144 (Cyrillic)",
    "charset_files/chrKoreanMulti.dcm": "ISO 2022 IR 149 (Korean) with code extensions, private UN elements",
    "charset_files/chrX1.dcm": "ISO_IR 192 (UTF-8), three-group person names",
}


def dcmdump(path) -> str:
    result = subprocess.run(
        [DCMDUMP, *DCMDUMP_FLAGS, str(path)], stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"{DCMDUMP} failed on {path.name} (exit {result.returncode}): {result.stderr.decode(errors='replace')[:300]}", pytrace=False)
    return result.stdout.decode("utf-8", "replace")


@pytest.mark.parametrize("name", list(DUMP_FILES), ids=[f"pydicom.data/{n}" for n in DUMP_FILES])
def test_dump_matches_dcmdump(rampart, name, stats):
    corpus_file = dicomfiles.by_name(name)
    expected = dumpparse.parse_dcmdump(dcmdump(corpus_file.path))
    assert expected, f"parsed no element from dcmdump's output for {name}"

    result = rampart_cli.run(rampart, "dump", corpus_file.path)
    if result.returncode != 0:
        pytest.fail(f"rampart dump {name}: {rampart_cli.describe(result)}", pytrace=False)
    try:
        text = result.stdout.decode("utf-8")
    except UnicodeDecodeError as error:
        pytest.fail(f"rampart dump {name}: output is not UTF-8: {error}", pytrace=False)
    actual = dumpparse.parse_rampart_dump(text)
    assert actual, f"rampart dump {name}: no line of the form '(gggg,eeee) VR value  # keyword' in its output"

    stats.dump_compared += 1
    differences = dumpparse.compare(expected, actual, skip_tags={SPECIFIC_CHARACTER_SET})
    if differences:
        shown = differences[:40] + ([f"... and {len(differences) - 40} more"] if len(differences) > 40 else [])
        pytest.fail(
            f"rampart dump {name} ({DUMP_FILES[name]}) differs from dcmdump in {len(differences)} element(s):\n"
            + "\n".join("  " + d for d in shown),
            pytrace=False,
        )
    stats.dump_identical += 1
