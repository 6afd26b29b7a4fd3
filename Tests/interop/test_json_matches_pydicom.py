"""`rampart json FILE` against pydicom, for every file of the corpus.

For a file pydicom reads: rampart's DICOM JSON (PS3.18 F), parsed back with
`pydicom.Dataset.from_json`, has the same elements as `pydicom.dcmread(FILE)`,
element by element and item by item (see dicomcompare.py for what "same" means).

For a file pydicom reads but DCMTK refuses (a damaged file, "disputed": see
dicomfiles.py): no reference to compare with, so rampart either refuses it
cleanly (non-zero exit, one line on stderr naming the byte offset) or prints JSON
that pydicom parses.

For a file pydicom rejects: rampart refuses it too, cleanly: a non-zero exit,
exactly one line on stderr, no crash.
"""

from __future__ import annotations

import json
import warnings

import pytest
from pydicom.dataset import Dataset

import dicomcompare
import dicomfiles
import rampart_cli


def bulk_data_uris(node, path="") -> list[str]:
    """Where the JSON uses BulkDataURI (these tests need every value inline)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "BulkDataURI":
                found.append(path or "<top>")
            else:
                found.extend(bulk_data_uris(value, f"{path}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(bulk_data_uris(value, f"{path}[{index}]"))
    return found


def rampart_json_dataset(rampart, path, result=None) -> Dataset:
    """Run `rampart json PATH` (unless `result` is its run) and parse its output
    with pydicom; fail with a clear message otherwise."""
    if result is None:
        result = rampart_cli.run(rampart, "json", path)
    if result.returncode != 0:
        pytest.fail(f"rampart json {path.name}: {rampart_cli.describe(result)}", pytrace=False)
    try:
        document = json.loads(result.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        document, problem = None, str(error)
    if document is None:
        pytest.fail(f"rampart json {path.name}: output is not UTF-8 JSON: {problem}", pytrace=False)
    if not isinstance(document, dict):
        pytest.fail(f"rampart json {path.name}: top level is {type(document).__name__}, expected an object", pytrace=False)
    uris = bulk_data_uris(document)
    if uris:
        pytest.fail(f"rampart json {path.name}: BulkDataURI at {uris[:5]}; these tests expect InlineBinary", pytrace=False)
    textual = take_textual_numbers(document)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            dataset = Dataset.from_json(document)
        except Exception as error:  # noqa: BLE001 - report any refusal by pydicom
            refusal = f"{type(error).__name__}: {dicomcompare.truncate(str(error))}"
        else:
            put_textual_numbers(dataset, textual)
            return dataset
    pytest.fail(f"rampart json {path.name}: pydicom.Dataset.from_json refused its output: {refusal}", pytrace=False)


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def take_textual_numbers(node: dict, path: tuple = ()) -> dict:
    """CP 1861 lets DICOM JSON carry IS and DS values as strings, which is the only faithful way
    to carry a value that is not a number (badVR.dcm has IS "1A"); pydicom's from_json calls
    int() on it and refuses the document. Take such elements out of the document, keyed by
    their path, so pydicom reads the rest; `put_textual_numbers` puts them back as text."""
    taken = {}
    for key, element in list(node.items()):
        values = element.get("Value")
        if not isinstance(values, list):
            continue
        if element.get("vr") in ("IS", "DS") and any(isinstance(v, str) and not _is_number(v) for v in values):
            taken[path + (int(key, 16),)] = (element["vr"], values)
            del node[key]
        elif element.get("vr") == "SQ":
            for index, item in enumerate(values):
                if isinstance(item, dict):
                    taken.update(take_textual_numbers(item, path + (int(key, 16), index)))
    return taken


def put_textual_numbers(dataset: Dataset, taken: dict) -> None:
    from pydicom.dataelem import RawDataElement
    from pydicom.tag import Tag
    for path, (vr, values) in taken.items():
        target = dataset
        for tag, index in zip(path[:-1:2], path[1:-1:2]):
            target = target[tag].value[index]
        text = "\\".join("" if v is None else str(v) for v in values).encode("ascii")
        # A raw element is converted on access as dcmread converts it: text that is no number stays text.
        target[path[-1]] = RawDataElement(Tag(path[-1]), vr, len(text), text, 0, False, True)


def test_json_matches_pydicom(rampart, readable_file, stats):
    if readable_file.disputed:
        check_disputed(rampart, readable_file, stats)
        return
    expected = dicomfiles.read_quietly(readable_file.path)
    stats.json_not_compared += 1  # until its output has parsed
    actual = rampart_json_dataset(rampart, readable_file.path)
    stats.json_not_compared -= 1
    stats.json_compared += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = dicomcompare.raw_elements(readable_file.path)
        differences = dicomcompare.compare_datasets(expected, actual, mode="json", raw=raw)
    if differences:
        pytest.fail(
            f"rampart json {readable_file.id} differs from pydicom in {len(differences)} element(s):\n"
            + dicomcompare.format_differences(differences),
            pytrace=False,
        )
    stats.json_identical += 1


def check_disputed(rampart, readable_file, stats):
    stats.json_disputed += 1
    result = rampart_cli.run(rampart, "json", readable_file.path)
    if result.returncode != 0:
        problem = rampart_cli.clean_refusal_problem(result, need_offset=True)
        assert problem is None, f"rampart json {readable_file.id} (damaged: DCMTK refuses it): {problem}; {rampart_cli.describe(result)}"
        return
    rampart_json_dataset(rampart, readable_file.path, result)  # must be JSON that pydicom parses


def test_json_refuses_what_pydicom_rejects(rampart, rejected_file, stats):
    stats.rejected_total += 1
    result = rampart_cli.run(rampart, "json", rejected_file.path)
    assert result.returncode != 0, (
        f"rampart json accepted {rejected_file.id}, which pydicom rejects ({rejected_file.reason[:200]})"
    )
    problem = rampart_cli.clean_refusal_problem(result, need_offset=False)
    assert problem is None, f"rampart json {rejected_file.id}: {problem}; {rampart_cli.describe(result)}"
    stats.rejected_refused += 1
