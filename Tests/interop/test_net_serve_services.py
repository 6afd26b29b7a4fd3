"""Service accounts with API keys against `rampart serve`: `rampart service add` prints a key
once and stores only its SHA-256; pynetdicom signs in with user identity type 2 (the service
name and the key); a query-scoped key queries but cannot store; `rampart service revoke` takes
effect on the next association and the next operation of an open one, without restarting
serve; a wrong key is refused and counted like a wrong password. The decision log says why.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydicom import Dataset, dcmread
from pynetdicom import AE
from pynetdicom.sop_class import CTImageStorage, StudyRootQueryRetrieveInformationModelFind, Verification

import netdata
import nethelpers as h
import netserve
from netserve import run, serve

pytestmark = pytest.mark.net

NOT_AUTHORIZED = 0x0124


def add(rampart: Path, data: Path, name: str, *extra: str) -> str:
    result = run(rampart, "service", "add", name, "--data-dir", data, *extra)
    assert result.returncode == 0, result.stderr
    match = re.search(r"API key:\s+(rampart_sk_[A-Za-z0-9_-]{43})\s", result.stdout)
    assert match, "no API key printed"
    return match.group(1)


def make_ae() -> AE:
    ae = AE(ae_title="AUTOMATION")  # not registered: only the key can let it in
    ae.add_requested_context(Verification)
    ae.add_requested_context(CTImageStorage)
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    return ae


def key_identity(name: str, key: str):
    return [h.identity(2, name.encode(), key.encode())]


def study_query(uid: str) -> Dataset:
    query = Dataset()
    query.QueryRetrieveLevel = "STUDY"
    query.StudyInstanceUID = uid
    return query


def find(assoc, uid: str) -> tuple[list, int | None]:
    responses = list(assoc.send_c_find(study_query(uid), StudyRootQueryRetrieveInformationModelFind))
    matches = [identifier for status, identifier in responses if status and status.Status in (0xFF00, 0xFF01)]
    final = responses[-1][0].Status if responses and responses[-1][0] else None
    return matches, final


def test_the_cli_prints_a_key_once_and_keeps_only_its_digest(rampart, tmp_path):
    data = tmp_path / "data"
    key = add(rampart, data, "ci-query", "--role", "radiologist", "--scope", "query,retrieve")
    stored = (data / "services.json").read_text()
    assert (data / "services.json").stat().st_mode & 0o077 == 0
    assert key not in stored and json.loads(stored)[0]["scope"] == ["query", "retrieve"]
    listed = run(rampart, "service", "list", "--data-dir", data)
    assert listed.returncode == 0 and "ci-query\tradiologist\tscope query,retrieve" in listed.stdout and "rampart_sk_" not in listed.stdout
    again = run(rampart, "service", "add", "ci-query", "--role", "radiologist", "--data-dir", data)
    assert again.returncode == 1 and "already exists" in again.stderr and again.stdout == ""
    for bad in (["--role", "superuser"], ["--role", "modality", "--scope", "store,steal"], ["--role", "modality", "--scope", "associate"]):
        refused = run(rampart, "service", "add", "x", *bad, "--data-dir", data)
        assert refused.returncode == 1 and refused.stdout == "", bad
    assert run(rampart, "service", "revoke", "ci-query", "--data-dir", data).returncode == 0
    assert "\trevoked" in run(rampart, "service", "list", "--data-dir", data).stdout
    assert run(rampart, "service", "revoke", "nobody", "--data-dir", data).returncode == 1


def test_scope_caps_a_key_and_revocation_needs_no_restart(rampart, tmp_path):
    data = tmp_path / "data"
    ingest = add(rampart, data, "ingest", "--role", "modality")
    reader = add(rampart, data, "ci-query", "--role", "radiologist", "--scope", "query")
    stored = dcmread(netdata.make_bulk(tmp_path / "bulk", 1, size=4096)[0])
    with serve(rampart, data, tmp_path / "serve.log") as server:
        # An unscoped modality key stores.
        assoc = h.associate(make_ae(), server, ext_neg=key_identity("ingest", ingest))
        assert assoc.is_established, server.log_text()
        assert assoc.send_c_store(stored).Status == 0x0000
        assoc.release()

        # The query-scoped key queries, and may not store although its role could.
        reading = h.associate(make_ae(), server, ext_neg=key_identity("ci-query", reader))
        assert reading.is_established, server.log_text()
        matches, _ = find(reading, stored.StudyInstanceUID)
        assert [m.StudyInstanceUID for m in matches] == [stored.StudyInstanceUID]
        assert reading.send_c_store(stored).Status == NOT_AUTHORIZED

        # Revoked while serve runs and the association is open: its next operation is refused,
        # and so is the next association.
        assert run(rampart, "service", "revoke", "ci-query", "--data-dir", data).returncode == 0
        matches, final = find(reading, stored.StudyInstanceUID)
        assert matches == [] and final == NOT_AUTHORIZED
        reading.release()
        outcomes = h.rejection_outcomes(make_ae, server, ext_neg=key_identity("ci-query", reader))
        assert isinstance(outcomes[-1], tuple), outcomes

        # A wrong key, and a key given to another service's name, are refused alike.
        for name, key in (("ingest", reader), ("ingest", "rampart_sk_" + "A" * 43)):
            outcomes = h.rejection_outcomes(make_ae, server, ext_neg=key_identity(name, key))
            assert isinstance(outcomes[-1], tuple), outcomes
    decisions = netserve.decisions_text(rampart, data)
    assert re.search(r"allow\tservice ingest\tdimse\t[^\t]+\tstore\t[^\n]*service authenticated by API key", decisions), decisions[-2000:]
    assert "service ci-query: store is outside the scope of its API key (query)" in decisions
    assert "since the association began: the API key of service ci-query was revoked" in decisions
    assert "the API key of service ci-query was revoked, and someone still uses it" in decisions
    assert "wrong service name or API key (service identity \"ingest\")" in decisions
    for key in (ingest, reader):
        assert key not in decisions and key not in server.log_text()
