"""`rampart serve` with its index on PostgreSQL (`archive.index` in rampart.yaml): what DCMTK
storescu stores, findscu finds, with the same answers as the embedded index gives; no SQLite
index is made. Needs RAMPART_TEST_POSTGRES (`make test` starts a private server with
Scripts/test-postgres.sh); each run gets a schema of its own."""

from __future__ import annotations

import os
import uuid

import pytest

import nethelpers as h
from netpeers import describe_run
from netserve import register, serve

POSTGRES = os.environ.get("RAMPART_TEST_POSTGRES", "")

pytestmark = [
    pytest.mark.net,
    pytest.mark.skipif(not POSTGRES, reason="RAMPART_TEST_POSTGRES is unset: start one with Scripts/test-postgres.sh start"),
]


def test_storescu_then_findscu_on_a_postgres_index(rampart, net_archive, tmp_path):
    data = tmp_path / "data"
    for title in ("STORESCU", "FINDSCU"):
        register(rampart, data, title)
    schema = "interop_" + uuid.uuid4().hex
    (data / "rampart.yaml").write_text(f"archive:\n  index: {POSTGRES}?schema={schema}\n")
    with serve(rampart, data, tmp_path / "serve.log") as server:
        result = h.storescu(server, net_archive.root)
        assert result.returncode == 0, describe_run(result) + server.log_text()
        for level, model, key in (("PATIENT", "patient", "PatientID"), ("STUDY", "study", "StudyInstanceUID"),
                                  ("IMAGE", "study", "SOPInstanceUID")):
            result, responses = h.findscu(server, tmp_path / level, level, model, {key: ""})
            assert result.returncode == 0, describe_run(result)
            expected = {record[key] for record in net_archive.records(level)}
            assert {str(r.get(key, "")) for r in responses} == expected, level
        # A wild card and a date range narrow in SQL on PostgreSQL (LIKE, BETWEEN) as on SQLite.
        patient = net_archive.instances[0].patient_id
        result, responses = h.findscu(server, tmp_path / "wild", "STUDY", "study",
                                      {"PatientID": patient[:2] + "*", "StudyInstanceUID": ""})
        assert result.returncode == 0, describe_run(result)
        assert {str(r.StudyInstanceUID) for r in responses} == {
            i.study_uid for i in net_archive.instances if i.patient_id.startswith(patient[:2])}
    assert not (data / "archive" / "index.sqlite").exists()
