"""The audit log through the command line: `rampart audit verify` on a log that command-line
changes wrote, then on copies an attacker edited with sqlite3 (triggers dropped): an edited, a
removed and two swapped records, an index column changed to hide an event, and records cut
from the end, each named by its record number with exit status 2. Then the queries' criteria
and formats, and that reading the log is itself recorded.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from netserve import run

TRIGGERS = ["event_append_only_update", "event_append_only_delete", "subject_append_only_update",
            "subject_append_only_delete", "checkpoint_append_only_update", "checkpoint_append_only_delete"]


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory) -> Path:
    """A data folder whose audit log holds a dozen changes from the command line, each the
    operator's decision (administer) and the change that follows it: 24 records."""
    data = tmp_path_factory.mktemp("audit") / "data"
    run(rampart, "init", "--data-dir", data, check=True)
    for n in range(4):
        run(rampart, "user", "add", f"clerk{n}", "--data-dir", data, check=True)
        run(rampart, "user", "disable", f"clerk{n}", "--data-dir", data, check=True)
        run(rampart, "ae", "add", f"MOD{n}", "--host", f"127.0.0.{n + 1}", "--port", "104", "--data-dir", data, check=True)
    return data


def tampered(site: Path, tmp_path: Path, sql: str) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(site, copy)
    with sqlite3.connect(copy / "audit" / "audit.sqlite") as db:
        for trigger in TRIGGERS:
            db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        db.executescript(sql)
    return copy


def test_an_untouched_log_verifies(rampart, site):
    result = run(rampart, "audit", "verify", "--data-dir", site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "intact: records 1 to 24 follow each other unchanged, all signed" in result.stdout


@pytest.mark.parametrize("sql, named", [
    ("UPDATE event SET record = replace(record, 'clerk1', 'clerk9') WHERE seq = 8", "record 8 was modified or moved"),
    ("DELETE FROM event WHERE seq = 5", "record 5 is missing (the next record is 6)"),
    ("UPDATE event SET seq = -1 WHERE seq = 7; UPDATE event SET seq = 7 WHERE seq = 8; UPDATE event SET seq = 8 WHERE seq = -1",
     "record 7 was modified or moved"),
    ("UPDATE event SET actor = 'nobody' WHERE seq = 3", "record 3's actor in the index differs from the record"),
    ("DELETE FROM subject WHERE seq = 2", "record 2's patients and studies in the index differs"),
    ("DELETE FROM event WHERE seq > 9", "record 10 and every record after it are missing"),
    ("UPDATE checkpoint SET signature = zeroblob(64)", "the checkpoint at record 2 is not signed by this site's audit key"),
], ids=["edited", "removed", "swapped", "index-edited", "subject-removed", "cut-from-the-end", "forged-signature"])
def test_tampering_is_named(rampart, site, tmp_path, sql, named):
    result = run(rampart, "audit", "verify", "--data-dir", tampered(site, tmp_path, sql))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "TAMPERED: " + named in result.stdout, result.stdout


def test_queries_select_and_format(rampart, site):
    table = run(rampart, "audit", "query", "--data-dir", site, "--kind", "security-alert", check=True).stdout.splitlines()
    # The header, and the operator's 12 decisions and the 12 changes that follow them.
    assert table[0].startswith("sequence\ttime\toutcome\tkind") and len(table) == 25
    events = json.loads(run(rampart, "audit", "query", "--data-dir", site, "--format", "json", check=True).stdout)
    assert [e["sequence"] for e in events] == sorted(e["sequence"] for e in events)
    reasons = [e["event"]["reason"] for e in events]
    assert "added user clerk2" in reasons and "disabled user clerk2" in reasons
    # The generated passwords went to the operator only, never into the log.
    assert not any("password" in r.lower() for r in reasons), reasons
    # Each query before this one was recorded as a use of the audit log.
    assert sum(e["event"]["kind"] == "audit-log-used" for e in events) >= 1
    rows = list(csv.reader(io.StringIO(run(rampart, "audit", "query", "--data-dir", site, "--format", "csv", "--limit", "3", check=True).stdout)))
    assert rows[0][0] == "sequence" and len(rows) == 4
    assert run(rampart, "audit", "query", "--data-dir", site, "--source", "not-a-network").returncode != 0


def test_a_user_report_lists_the_changes_to_that_account(rampart, site):
    # Changes name the account, not a patient: the user report of the operator lists no patient.
    report = run(rampart, "audit", "report", "user", "clerk0", "--data-dir", site, check=True).stdout
    assert report.splitlines()[0].startswith("patient\taccesses")
    assert "(no events)" in report
