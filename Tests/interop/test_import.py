"""`rampart import`: a folder of the synthetic archive plus a file that is not DICOM and a
truncated one goes into --data-dir; the summary counts what was accepted, what was a duplicate
and what was rejected (by reason, with paths), the exit status says whether anything was
rejected, and the sources are untouched. Then `rampart serve` on the same data folder answers
DCMTK's findscu with every imported instance, and a second process is refused the archive
while serve holds it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import netdata
import nethelpers as h
import netserve
import rampart_cli
from netpeers import describe_run
from netserve import register, serve


def stdout_lines(result) -> list[str]:
    return result.stdout.decode("utf-8", "replace").splitlines()


@pytest.fixture(scope="module")
def imported(rampart, net_archive, tmp_path_factory):
    """The data folder after importing the synthetic archive and a folder of two bad files,
    then the synthetic archive again; the runs and the sources' digests before the first."""
    folder = tmp_path_factory.mktemp("import")
    extra = folder / "extra"
    extra.mkdir()
    (extra / "notes.txt").write_text("not a DICOM file\n")
    original = net_archive.instances[0].path
    (extra / "truncated.dcm").write_bytes(original.read_bytes()[:300])
    digests = {p: netdata.sha256(p) for p in netdata.dicom_files(net_archive.root)}
    data = folder / "data"
    first = rampart_cli.run(rampart, "import", "--data-dir", data, "--jobs", "3", net_archive.root, extra, folder / "missing")
    second = rampart_cli.run(rampart, "import", "--data-dir", data, "--quiet", net_archive.root)
    return dict(data=data, extra=extra, first=first, second=second, digests=digests)


def test_first_import_counts_accepted_and_groups_rejections(imported, net_archive):
    result, extra = imported["first"], imported["extra"]
    assert result.returncode == 1, rampart_cli.describe(result)
    lines = stdout_lines(result)
    count = len(net_archive.instances)
    assert lines[:3] == [f"accepted: {count}", "duplicates: 0", "rejected: 3"], lines
    text = "\n".join(lines)
    assert "  not a readable DICOM Part 10 file: 2" in lines, text
    assert any(line.startswith(f"    {extra / 'notes.txt'}: ") for line in lines), text
    assert any(line.startswith(f"    {extra / 'truncated.dcm'}: ") for line in lines), text
    assert "  no such file or folder: 1" in lines, text
    assert re.fullmatch(rf"{count + 3} files, [\d.]+ MB in [\d.]+ s(: [\d.]+ files/s, [\d.]+ MB/s)?", lines[-1]), lines[-1]


def test_progress_is_plain_lines_when_stderr_is_not_a_terminal(imported, net_archive):
    errors = rampart_cli.stderr_lines(imported["first"])
    count = len(net_archive.instances) + 2
    assert errors[:2] == ["scanning…", f"found {count} files"], errors
    assert re.fullmatch(rf"imported {count}/{count}  100%  [\d.]+ files/s  ETA 0:00", errors[-1]), errors
    assert imported["second"].stderr == b"", "--quiet prints no progress"


def test_sources_are_copied_not_changed(imported):
    for path, digest in imported["digests"].items():
        assert netdata.sha256(path) == digest, f"{path} changed"


def test_second_import_finds_only_duplicates(imported, net_archive):
    result = imported["second"]
    assert result.returncode == 0, rampart_cli.describe(result)
    count = len(net_archive.instances)
    assert stdout_lines(result)[:3] == ["accepted: 0", f"duplicates: {count} ({count} kept)", "rejected: 0"]


@pytest.mark.parametrize("policy, outcome", [("reject", "refused by the duplicate policy"), ("replace", "replaced")])
def test_duplicates_follow_the_configuration(rampart, tmp_path, policy, outcome):
    """archive.duplicates in rampart.yaml decides, for import as for serve."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "rampart.yaml").write_text(f"archive:\n  duplicates: {policy}\n")
    files = netdata.make_bulk(tmp_path / "bulk", 2, size=4096)
    first = rampart_cli.run(rampart, "import", "--data-dir", data, "--quiet", tmp_path / "bulk")
    assert first.returncode == 0, rampart_cli.describe(first)
    again = rampart_cli.run(rampart, "import", "--data-dir", data, "--quiet", *files)
    assert again.returncode == 0, rampart_cli.describe(again)
    assert stdout_lines(again)[:3] == ["accepted: 0", f"duplicates: 2 (2 {outcome})", "rejected: 0"]


def test_each_run_is_one_recorded_decision(rampart, imported):
    log = netserve.decisions_text(rampart, imported["data"]).splitlines()
    assert len(log) == 2, log
    for line in log:
        fields = line.split("\t")
        assert fields[1:4] == ["allow", "local operator", "cli"] and fields[5] == "store", line


@pytest.mark.net
def test_serve_finds_the_imported_instances_and_holds_the_archive(rampart, imported, net_archive, tmp_path):
    data = imported["data"]
    register(rampart, data, "FINDSCU")
    with serve(rampart, data, tmp_path / "serve.log") as server:
        result, responses = h.findscu(server, tmp_path / "find", "IMAGE", "study", {"SOPInstanceUID": ""})
        assert result.returncode == 0, describe_run(result)
        assert sorted(str(r.SOPInstanceUID) for r in responses) == sorted(i.sop_instance_uid for i in net_archive.instances)

        refused = rampart_cli.run(rampart, "import", "--data-dir", data, net_archive.root)
        assert refused.returncode == 2, rampart_cli.describe(refused)
        assert re.search(r"is open by another rampart process \(pid \d+\).*rampart store", refused.stderr.decode()), refused.stderr
        assert refused.stdout == b""
    assert "removed" not in server.log_text(), "serve's recovery found nothing to remove"
