"""`rampart rewrite IN OUT` keeps the data: pydicom reads OUT as it reads IN.

Element by element and item by item (dicomcompare.py, "dataset" mode), plus the
file meta elements a rewrite must keep: Transfer Syntax UID and the Media Storage
SOP Class/Instance UIDs. The writer's own Implementation Class UID/Version Name,
the preamble and Group Length elements may change.

A damaged file that pydicom reads but DCMTK refuses ("disputed", dicomfiles.py)
must be refused cleanly (one line on stderr naming the byte offset) or rewritten
into a file that pydicom reads; it is not compared.
"""

from __future__ import annotations

import warnings

import pytest

import dicomcompare
import dicomfiles
import rampart_cli


def test_rewrite_roundtrip(rampart, readable_file, tmp_path, stats):
    out = tmp_path / "rewritten.dcm"
    result = rampart_cli.run(rampart, "rewrite", readable_file.path, out)
    if readable_file.disputed and result.returncode != 0:
        problem = rampart_cli.clean_refusal_problem(result, need_offset=True)
        assert problem is None, f"rampart rewrite {readable_file.id} (damaged: DCMTK refuses it): {problem}; {rampart_cli.describe(result)}"
        return
    if result.returncode != 0:
        pytest.fail(f"rampart rewrite {readable_file.id}: {rampart_cli.describe(result)}", pytrace=False)
    assert out.is_file(), f"rampart rewrite {readable_file.id} exited 0 but wrote no file"
    expected = dicomfiles.read_quietly(readable_file.path)
    try:
        actual = dicomfiles.read_quietly(out)
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"pydicom cannot read rampart's rewrite of {readable_file.id}: {type(error).__name__}: {error}", pytrace=False)
    if readable_file.disputed:
        return  # damaged input: pydicom's reading of it is no reference
    stats.rewrite_compared += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        differences = dicomcompare.compare_file_meta(expected.file_meta, actual.file_meta)
        differences += dicomcompare.compare_datasets(expected, actual, mode="dataset")
    if differences:
        pytest.fail(
            f"rampart rewrite of {readable_file.id} differs in {len(differences)} element(s):\n"
            + dicomcompare.format_differences(differences),
            pytrace=False,
        )
    stats.rewrite_identical += 1
