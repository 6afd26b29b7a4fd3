"""DICOM audit messages (PS3.15 A.5) of a real `rampart serve`: DCMTK echoes, stores, queries,
retrieves (C-GET, and C-MOVE to a storescp) and an unregistered AE is refused; then every line
that `rampart audit query --format xml` prints must be valid against the schema of PS3.15 A.5.1
(docs/audit/audit-message.rng, read by lxml), and the messages of those accesses must be among
them. The C-MOVE names only the Study Instance UID: its destination is a participant of both its
records, and the record after the decision names the patient (`--patient-id` finds it).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from pydicom import dcmread

import netdata
import nethelpers as h
import netpeers
from auditschema import validate_audit_xml
from netpeers import describe_run
from netserve import WORKSTATION, audit_events, register, run, serve

pytestmark = pytest.mark.net

REPO = Path(__file__).resolve().parents[2]
QUERY, TRANSFERRED, BEGIN = "110112", "110104", "110102"
DESTINATION_ROLE = "110152"
MOVE_DESTINATION = "MOVEDEST"


@dataclass
class AuditRun:
    lines: list[str]
    rampart: Path
    data: Path
    patient_id: str
    study_uid: str


@pytest.fixture(scope="module")
def audit_run(rampart, tmp_path_factory) -> AuditRun:
    """What `rampart audit query --format xml` prints after one of each access."""
    folder = tmp_path_factory.mktemp("audit")
    data = folder / "data"
    for title in ("STORESCU", "FINDSCU", "ECHOSCU"):
        register(rampart, data, title)
    register(rampart, data, "GETSCU", role=WORKSTATION)
    register(rampart, data, "MOVESCU", role=WORKSTATION)
    paths = netdata.make_bulk(folder / "bulk", 2, size=4096)
    with contextlib.ExitStack() as stack:
        destination = stack.enter_context(netpeers.storescp(folder / "dest", ae=MOVE_DESTINATION))
        register(rampart, data, MOVE_DESTINATION, port=destination.port)
        server = stack.enter_context(serve(rampart, data, folder / "serve.log"))
        echoed = h.echoscu(server)
        assert echoed.returncode == 0, describe_run(echoed) + server.log_text()
        stored = h.storescu(server, *paths)
        assert stored.returncode == 0, describe_run(stored) + server.log_text()
        found, responses = h.findscu(server, folder / "find", "STUDY", "study", {"StudyInstanceUID": ""})
        assert found.returncode == 0 and responses, describe_run(found) + server.log_text()
        study = dcmread(paths[0]).StudyInstanceUID
        got = h.getscu(server, folder / "get", "STUDY", "study", {"StudyInstanceUID": study})
        assert got.returncode == 0, describe_run(got) + server.log_text()
        moved = h.movescu(server, "STUDY", "study", {"StudyInstanceUID": study}, destination=MOVE_DESTINATION)
        assert moved.returncode == 0, describe_run(moved) + server.log_text()
        refused = h.echoscu(server, calling="NOBODY")
        assert refused.returncode != 0, describe_run(refused)
    result = run(rampart, "audit", "query", "--data-dir", data, "--format", "xml")
    assert result.returncode == 0, result.stderr
    return AuditRun([line for line in result.stdout.splitlines() if line.strip()], rampart, data, str(dcmread(paths[0]).PatientID), study)


@pytest.fixture(scope="module")
def audit_lines(audit_run) -> list[str]:
    return audit_run.lines


def messages(lines: list[str]) -> list[etree._Element]:
    return [etree.fromstring(line.encode()) for line in lines]


def test_every_line_is_one_valid_audit_message(audit_lines):
    assert audit_lines, "audit query printed nothing"
    problems = {}
    for number, line in enumerate(audit_lines, 1):
        found = validate_audit_xml(line)
        if not line.startswith("<AuditMessage>") or not line.endswith("</AuditMessage>"):
            found.append("not one <AuditMessage> document")
        if found:
            problems[number] = found
    assert not problems, "\n".join(f"line {n}: {p} in {audit_lines[n - 1][:400]}" for n, p in problems.items())


def test_the_accesses_are_there(audit_lines):
    events = [(m.find("EventIdentification/EventID").get("csd-code"), m.find("EventIdentification").get("EventActionCode"),
               m.find("EventIdentification").get("EventOutcomeIndicator"), m) for m in messages(audit_lines)]
    kinds = {(code, action, outcome) for code, action, outcome, _ in events}
    assert (QUERY, "E", "0") in kinds, kinds
    assert (TRANSFERRED, "C", "0") in kinds, kinds  # the C-STORE
    assert (TRANSFERRED, "R", "0") in kinds, kinds  # the C-GET
    refused = [m for _, _, outcome, m in events if outcome != "0"
               and any(p.get("AlternativeUserID") == "AETITLES=NOBODY" for p in m.iter("ActiveParticipant"))]
    assert refused, "no failure recorded for the refused association of NOBODY"
    stores = [m for code, action, _, m in events if (code, action) == (TRANSFERRED, "C")]
    objects = {(o.get("ParticipantObjectTypeCode"), o.get("ParticipantObjectTypeCodeRole"), o.find("ParticipantObjectIDTypeCode").get("csd-code"))
               for m in stores for o in m.iter("ParticipantObjectIdentification")}
    assert {("1", "1", "2"), ("2", "3", "110180")} <= objects, objects  # the patient and the study


def test_a_move_names_its_destination_and_its_patient(audit_run):
    """The C-MOVE by Study Instance UID alone: the decision (Begin Transferring) names the study
    and the destination; the record that follows it, written before the first instance went,
    names the patient too (the archive is read with the decision's grant, so the decision can
    only name what the request named)."""
    moves = [m for m in messages(audit_run.lines)
             if any(p.get("UserID") == MOVE_DESTINATION for p in m.iter("ActiveParticipant"))]
    codes = sorted(m.find("EventIdentification/EventID").get("csd-code") for m in moves)
    assert codes == [BEGIN, TRANSFERRED], codes
    for message in moves:
        destination = next(p for p in message.iter("ActiveParticipant") if p.get("UserID") == MOVE_DESTINATION)
        assert destination.get("UserIsRequestor") == "false"
        assert destination.get("NetworkAccessPointID") == "127.0.0.1" and destination.get("NetworkAccessPointTypeCode") == "2"
        assert [r.get("csd-code") for r in destination.iter("RoleIDCode")] == [DESTINATION_ROLE]
        requestor = next(p for p in message.iter("ActiveParticipant") if p.get("AlternativeUserID") == "AETITLES=MOVESCU")
        assert requestor.get("UserIsRequestor") == "true"
        assert DESTINATION_ROLE not in [r.get("csd-code") for r in requestor.iter("RoleIDCode")]
        objects = {o.get("ParticipantObjectID") for o in message.iter("ParticipantObjectIdentification")}
        assert audit_run.study_uid in objects
    transferred = next(m for m in moves if m.find("EventIdentification/EventID").get("csd-code") == TRANSFERRED)
    assert audit_run.patient_id in {o.get("ParticipantObjectID") for o in transferred.iter("ParticipantObjectIdentification")}

    # The same as JSON, found by the patient the identifier did not name.
    named = [e for e in audit_events(audit_run.rampart, audit_run.data, "--patient-id", audit_run.patient_id)
             if e["event"].get("destination")]
    assert len(named) == 1, named
    disclosure = named[0]["event"]
    assert disclosure["kind"] == "instances-transferred" and disclosure["action"] == "retrieve"
    assert disclosure["destination"]["aeTitle"] == MOVE_DESTINATION and disclosure["destination"]["host"] == "127.0.0.1"
    decision = next(e["event"] for e in audit_events(audit_run.rampart, audit_run.data) if e["sequence"] == disclosure["follows"])
    assert decision["kind"] == "begin-transferring" and decision["destination"] == disclosure["destination"]
    assert audit_run.study_uid in [s["id"] for s in decision["subjects"] if s["kind"] == "study"]
    assert audit_run.patient_id not in [s["id"] for s in decision["subjects"] if s["kind"] == "patient"]


def test_the_validator_refuses_what_the_schema_does():
    """A message without its active participants, and one that is not XML: the check can fail."""
    missing = ('<AuditMessage><EventIdentification EventActionCode="E" EventDateTime="2027-01-15T08:00:00Z" '
               'EventOutcomeIndicator="0"><EventID csd-code="110112" codeSystemName="DCM" originalText="Query"/>'
               '</EventIdentification><AuditSourceIdentification AuditSourceID="RAMPART"/></AuditMessage>')
    assert validate_audit_xml(missing)
    assert validate_audit_xml("<AuditMessage>")


def test_the_committed_schema_is_generated_from_the_published_one():
    result = subprocess.run([sys.executable, str(REPO / "Scripts" / "generate-audit-schema.py"), "--check"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
