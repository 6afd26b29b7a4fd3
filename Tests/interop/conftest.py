"""Shared fixtures of the interop tests.

* `rampart`: the binary under test, from the environment variable RAMPART
  (`make test` sets it to .build/debug/rampart). If it is missing, the run stops
  at once with a message saying so, rather than failing every test.
* `corpus`: the third-party test files (see dicomfiles.py).
* A test that takes an argument named `readable_file` runs once per file pydicom
  reads; one that takes `rejected_file` once per file pydicom refuses. Test ids
  are package-relative paths, e.g. `[pydicom.data/test_files/CT_small.dcm]`.
* `stats`: counters that the end-of-run summary prints ("compared N files with pydicom").
* The network tests (test_net_*.py, marker `net`; `pytest Tests/interop -k net` runs
  only them) take their fixtures from netpeers.py: `peers`, `module_peers`,
  `net_archive`, `net_variety`, `net_bulk`, `tls_material`, `rampart_test_scp_binary`.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

import dicomfiles
import processlogs
import rampart_cli

pytest_plugins = ["netpeers"]  # the fixtures of the network tests (test_net_*.py)


@dataclass
class Stats:
    json_compared: int = 0  # rampart json ran, its output parsed and was compared
    json_identical: int = 0
    json_not_compared: int = 0  # rampart failed or printed no JSON
    json_disputed: int = 0  # damaged files DCMTK refuses: robustness only
    rejected_refused: int = 0
    rejected_total: int = 0
    rewrite_compared: int = 0
    rewrite_identical: int = 0
    dump_compared: int = 0
    dump_identical: int = 0
    malformed_variants: int = 0
    malformed_refused: int = 0
    lines: list[str] = field(default_factory=list)  # free-form figures (large files)
    binary: str = ""


STATS = pytest.StashKey[Stats]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[STATS] = Stats()
    config.addinivalue_line("markers", "net: DICOM network tests (test_net_*.py) against DCMTK and pynetdicom peers")
    # pydicom logs a warning for every invalid value of the (deliberately odd) test files:
    # noise in a failure report, which says what differs on its own.
    logging.getLogger("pydicom").setLevel(logging.ERROR)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for name, files in (
        ("readable_file", dicomfiles.readable_files),
        ("rejected_file", dicomfiles.rejected_files),
    ):
        if name in metafunc.fixturenames:
            chosen = files()
            metafunc.parametrize(name, chosen, ids=[f.id for f in chosen])


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    # The process-log scan reads what every other test left: it runs last.
    last = [item for item in items if item.module.__name__ == "test_process_log"]
    items[:] = [item for item in items if item not in last] + last


@pytest.fixture(autouse=True)
def _keep_process_logs(tmp_path):
    """After each test, before its temporary folder goes (it is set up first, so it is torn
    down after this), read the process logs and archives the test's servers left."""
    yield
    processlogs.harvest()


def pytest_collection_finish(session: pytest.Session) -> None:
    if any("rampart" in getattr(item, "fixturenames", ()) for item in session.items):
        path, why = rampart_cli.binary_from_environment()
        if path is None:
            pytest.exit(f"cannot run the interop tests: {why}", returncode=3)


@pytest.fixture(scope="session")
def rampart(tmp_path_factory, stats) -> Path:
    """A copy of $RAMPART taken at the start of the run: every test runs the same
    binary, even if a build in the same tree replaces the original meanwhile."""
    path, why = rampart_cli.binary_from_environment()
    if path is None:
        pytest.fail(why, pytrace=False)
    copy = tmp_path_factory.mktemp("binary") / path.name
    shutil.copy2(path, copy)
    # Its resource bundles (the web UI's files) go beside it, where the binary looks first.
    for bundle in path.parent.glob("*.resources"):
        shutil.copytree(bundle, copy.parent / bundle.name)
    stats.binary = str(path)
    return copy


@pytest.fixture(scope="session")
def corpus():
    readable, rejected = dicomfiles.classify()
    return SimpleNamespace(readable=readable, rejected=rejected, by_name=dicomfiles.by_name)


@pytest.fixture(scope="session")
def stats(pytestconfig: pytest.Config) -> Stats:
    return pytestconfig.stash[STATS]


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    s = config.stash.get(STATS, None)
    if s is None:
        return
    out = []
    if s.binary:
        out.append(f"rampart under test: {s.binary} (copied at the start of the run)")
    if s.json_compared or s.json_not_compared or s.json_disputed:
        out.append(
            f"rampart json: compared {s.json_compared} files with pydicom "
            f"({s.json_identical} identical, {s.json_compared - s.json_identical} differed); "
            f"{s.json_not_compared} not compared (rampart json failed, or pydicom could not parse its output); "
            f"{s.json_disputed} damaged files (pydicom reads, DCMTK refuses) checked for a clean refusal or valid JSON only"
        )
    if s.rejected_total:
        out.append(f"rampart json: {s.rejected_refused} of {s.rejected_total} files pydicom rejects were refused cleanly")
    if s.rewrite_compared:
        out.append(
            f"rampart rewrite: compared {s.rewrite_compared} rewritten files with pydicom "
            f"({s.rewrite_identical} identical)"
        )
    if s.dump_compared:
        out.append(f"rampart dump: compared {s.dump_compared} files with dcmdump ({s.dump_identical} identical)")
    if s.malformed_variants:
        out.append(
            f"malformed input: ran rampart json on {s.malformed_variants} truncated/corrupted files, "
            f"{s.malformed_refused} refused"
        )
    out.extend(s.lines)
    if out:
        terminalreporter.write_sep("-", "rampart interop summary")
        for line in out:
            terminalreporter.write_line(line)
