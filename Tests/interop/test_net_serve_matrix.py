"""The authorization matrix, end to end through `rampart serve`: every role of a policy file ×
DIMSE action (store, query, retrieve) × source network × authentication strength, each decided
by the real server for a real pynetdicom peer, against the decision expected from the policy
(`rampart policy show` for each role's actions and view, the file's conditions evaluated here),
and against what `rampart policy check` explains for the same context. Each decision is exactly
one audit event with the cell's principal, channel, source, device and outcome, and each
allowed query or retrieve that reaches the object is followed by one event naming the patient
it disclosed (a role whose study conditions name another institution reaches nothing, and may
not store the object).

Also end to end: a view's forbidden attributes never come back (pseudonyms stand in for the
patient ID), restricted studies stay hidden until a role opens their group or breaks the glass
(flagged in the audit log), and an edited policy.yaml takes effect without a restart.

The same matrix runs over DICOMweb (STOW-RS, QIDO-RS, WADO-RS and DELETE with HTTP Basic passwords,
bearer tokens and API keys, from the same two source addresses) and must decide every cell
alike; over the REST admin API (administer, audit) and through web UI sessions too. The command
line acts as the local operator, whom the policy does not bind.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import re
from pathlib import Path

import base64

import pytest
import requests
from dicomweb_client.api import DICOMwebClient
from pydicom import Dataset, dcmread
from pynetdicom import AE, build_role, evt
from pynetdicom.sop_class import (CTImageStorage, StudyRootQueryRetrieveInformationModelFind,
                                  StudyRootQueryRetrieveInformationModelGet)

import netdata
import netpeers
import netserve
import nethelpers as h
from netpeers import HOST
from netserve import cheap_hash, register, serve

# Every rampart command here must succeed unless a call says check=False.
run = functools.partial(netserve.run, check=True)

pytestmark = pytest.mark.net

NOT_AUTHORIZED = 0x0124
INSIDE, OUTSIDE = "127.0.0.1", "127.0.0.9"  # both loopback; only the first is in the policy's network
PASSWORD = "matrix-Password-1"
SECRETS = {"PatientID": "MATRIX-PID-1", "OtherPatientIDs": "SSN-999-00-1234", "PatientName": "Matrix^Synthetic"}
INSTITUTION = "Matrix Clinic"  # the stored object's Institution Name, which study conditions read

# The policy under test, written as JSON (which YAML reads): built-in roles plus conditioned ones.
POLICY = {
    "views": {"pseudonymous": {"based_on": "no-identifiers-beyond-name", "pseudonymize": ["PatientID"], "empty": ["PatientName"]}},
    "roles": {
        "lan-reader": {"allow": ["query", "retrieve"], "view": "pseudonymous", "when": {"networks": ["127.0.0.0/29"]}},
        "token-reader": {"allow": ["query", "retrieve"], "when": {"authentication": ["token"]}},
        "lan-token-writer": {"allow": ["store", "query", "delete"], "when": {"networks": ["127.0.0.0/29"], "authentication": ["token"]}},
        # A condition on the data: the object is another institution's, so the role may not
        # store it, and its queries and retrievals are allowed and reach nothing.
        "other-clinic": {"allow": ["store", "query", "retrieve", "delete"], "studies": {"institutions": ["Other Clinic"]}},
    },
}
ROLES = ["admin", "radiologist", "technologist", "referring-physician", "researcher", "auditor", "modality",
         "lan-reader", "token-reader", "lan-token-writer", "other-clinic"]
ACTIONS = ["store", "query", "retrieve"]
# DICOMweb and the web UI delete too (DIMSE has no delete service).
WEB_ACTIONS = [*ACTIONS, "delete"]
# The REST admin API's actions, each with a path that needs it.
REST_ACTIONS = {"administer": "/status", "audit": "/audit/events?limit=1"}
SERVICES = [("svc-radiologist-query", "radiologist", "query"), ("svc-lan-writer", "lan-token-writer", None)]
# Stores the object again after a cell deleted it; its events are not the cells'.
RESTORER = ("svc-restorer", "admin", "store")


def user_name(role: str) -> str:
    return "u-" + role


def effective_roles(rampart: Path, data: Path) -> dict[str, dict]:
    """`rampart policy show`, read back: each role's actions and view."""
    roles, current = {}, None
    for line in run(rampart, "policy", "show", "--data-dir", data).stdout.splitlines():
        if m := re.match(r"^  ([\w-]+):$", line):
            current = roles.setdefault(m.group(1), {})
        elif current is not None and (m := re.match(r"^    allow: \[(.*)\]$", line)):
            current["allow"] = {a.strip() for a in m.group(1).split(",") if a.strip()}
        elif current is not None and (m := re.match(r"^    view: (\S+)$", line)):
            current["view"] = m.group(1)
    return roles


def expected(role: str, action: str, source: str, strength: str, effective: dict, scope: str | None = None) -> bool:
    """The decision the policy calls for: the role allows the action, every condition holds,
    and a service's key scope includes it."""
    return allowed_in_context(role, action, source, strength, effective, scope) and (action != "store" or reaches_object(role))


def allowed_in_context(role: str, action: str, source: str, strength: str, effective: dict, scope: str | None = None) -> bool:
    """The decision before the data is seen: the role, its conditions on the context, the key's scope."""
    if action not in effective[role]["allow"] or (scope is not None and action not in scope.split(",")):
        return False
    when = POLICY["roles"].get(role, {}).get("when", {})
    if "networks" in when and not any(ipaddress.ip_address(source) in ipaddress.ip_network(n) for n in when["networks"]):
        return False
    return "authentication" not in when or strength in when["authentication"]


def reaches_object(role: str) -> bool:
    """Whether the role's study conditions reach the stored object's study."""
    institutions = POLICY["roles"].get(role, {}).get("studies", {}).get("institutions")
    return institutions is None or INSTITUTION in institutions


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    folder = tmp_path_factory.mktemp("matrix")
    data = folder / "data"
    data.mkdir(mode=0o700)
    accounts = [{"name": user_name(role), "roles": [role], "disabled": False, "password": cheap_hash(PASSWORD, os.urandom(16))}
                for role in ROLES]
    (data / "accounts.json").write_text(json.dumps(accounts))
    (data / "accounts.json").chmod(0o600)
    (data / "policy.yaml").write_text(json.dumps(POLICY, indent=2))
    run(rampart, "policy", "validate", "--data-dir", data)
    tokens = {role: run(rampart, "token", "issue", "--user", user_name(role), "--ttl", "2h", "--data-dir", data).stdout.strip()
              for role in ROLES}
    # Service accounts: a role capped by the key's scope, and a conditioned role.
    for name, role, scope in [*SERVICES, RESTORER]:
        added = run(rampart, "service", "add", name, "--role", role, *(["--scope", scope] if scope else []), "--data-dir", data)
        tokens[name] = re.search(r"rampart_sk_\S+", added.stdout).group(0)
    path = netdata.make_bulk(folder / "bulk", 1, size=2048)[0]
    ds = dcmread(path)
    for keyword, value in SECRETS.items():
        setattr(ds, keyword, value)
    ds.InstitutionName = INSTITUTION
    ds.save_as(path, enforce_file_format=True)
    return data, tokens, dcmread(path)


def associate(server, identity, source: str, contexts, ext_neg=(), handlers=()):
    ae = AE(ae_title="MATRIX")
    for context in contexts:
        ae.add_requested_context(*context) if isinstance(context, tuple) else ae.add_requested_context(context)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    assoc = ae.associate(HOST, server.port, ae_title="RAMPART", ext_neg=[identity, *ext_neg], bind_address=(source, 0),
                         evt_handlers=list(handlers))
    assert assoc.is_established, server.log_text()[-2000:]
    return assoc


def perform(server, identity, source: str, stored, folder: Path) -> dict[str, tuple[bool, object]]:
    """Store, query and retrieve on one association; each action's outcome (allowed?, evidence)."""
    get_ae, _ = h.get_ae("MATRIX", StudyRootQueryRetrieveInformationModelGet, sop_classes=[CTImageStorage])
    contexts = [StudyRootQueryRetrieveInformationModelFind] + [(c.abstract_syntax, c.transfer_syntax) for c in get_ae.requested_contexts]
    # CT both ways on one association: stored by us (SCU), and sent back by C-GET (SCP).
    roles = [build_role(CTImageStorage, scu_role=True, scp_role=True)]
    assoc = associate(server, identity, source, contexts, ext_neg=roles, handlers=[(evt.EVT_C_STORE, h.store_to(folder))])
    try:
        store = assoc.send_c_store(stored).Status
        found = [(s.Status, i) for s, i in assoc.send_c_find(
            h.identifier("STUDY", {"StudyInstanceUID": stored.StudyInstanceUID, "PatientID": "", "PatientName": "", "OtherPatientIDs": ""}),
            StudyRootQueryRetrieveInformationModelFind)]
        got = [s.Status for s, _ in assoc.send_c_get(h.identifier("STUDY", {"StudyInstanceUID": stored.StudyInstanceUID}),
                                                     StudyRootQueryRetrieveInformationModelGet)]
    finally:
        assoc.release()
    assert store in (0x0000, NOT_AUTHORIZED), hex(store)
    assert found[-1][0] in (0x0000, NOT_AUTHORIZED), found
    assert got[-1] in (0x0000, NOT_AUTHORIZED), [hex(s) for s in got]
    return {"store": (store == 0x0000, None),
            "query": (found[-1][0] == 0x0000, [i for s, i in found if s == 0xFF00]),
            "retrieve": (got[-1] == 0x0000, [h.read(p) for p in folder.glob("*.dcm")])}


def check_view(view: str, answers, stored) -> list[str]:
    """What the role's view lets through, in C-FIND answers and C-GET objects alike."""
    problems = []
    for ds in answers:
        patient_id, name, others = str(ds.get("PatientID", "")), str(ds.get("PatientName", "")), str(ds.get("OtherPatientIDs", ""))
        if view == "full":
            ok = patient_id == SECRETS["PatientID"] and name == SECRETS["PatientName"]
        elif view == "pseudonymous":
            ok = re.fullmatch(r"[0-9A-F]{16}", patient_id) is not None and not name and not others
        elif view == "no-identifiers-beyond-name":
            ok = patient_id == SECRETS["PatientID"] and not others
        else:  # deidentified
            ok = not patient_id and not name and not others
        if not ok:
            problems.append(f"view {view}: PatientID={patient_id!r} PatientName={name!r} OtherPatientIDs={others!r}")
    return problems


def audit_problems(new: list[dict], kind: str, name: str, source: str, outcomes: dict, reaches: bool = True,
                   channel: str = "dimse", store_received: bool = True, actions: list[str] = ACTIONS) -> list[str]:
    """The audit events of one cell row (an association, DICOMweb's requests, or a web UI
    session): exactly one decision for opening the association or the session (not for
    DICOMweb's single requests) and one for each action, with the principal, channel, source,
    device and outcome of the cell, the store's naming the patient
    when the object was received (STOW-RS refuses before the upload whom the context already
    denies), and after an allowed query or retrieve that `reaches` the object what it
    disclosed, naming the patient."""
    where = f"{kind} {name} from {source} over {channel}"
    decisions = [e for e in new if e["event"].get("action") and e["event"].get("follows") is None]
    decided = [e["event"]["action"] for e in decisions]
    wanted_actions = ["associate", *actions] if channel in ("dimse", "ui") else actions
    if decided != wanted_actions:
        return [f"{where}: decisions {decided}, expected one each of {', '.join(wanted_actions)}"]
    problems = []
    for recorded, action in zip(decisions, wanted_actions):
        event = recorded["event"]
        allowed = action == "associate" or outcomes[action][0]
        fields = {"actor": (event["actor"]["kind"], event["actor"]["name"]), "channel": event["channel"],
                  "source": event["source"]["address"].rsplit(":", 1)[0], "calling AE": event["source"].get("callingAETitle"),
                  "outcome": event["outcome"]}
        wanted = {"actor": (kind, name), "channel": channel, "source": source, "calling AE": "MATRIX" if channel == "dimse" else None,
                  "outcome": 0 if allowed else 4}
        problems += [f"{where} {action}: {field} {fields[field]!r}, expected {wanted[field]!r}" for field in wanted if fields[field] != wanted[field]]
        subjects = {(s["kind"], s["id"]) for s in event.get("subjects", [])}
        if action == "store" and store_received and ("patient", SECRETS["PatientID"]) not in subjects:
            problems.append(f"{where} store: the decision does not name the patient: {subjects}")
        followers = [e for e in new if e["event"].get("follows") == recorded["sequence"]]
        disclosed = allowed and action in ("query", "retrieve", "delete") and reaches
        if len(followers) != (1 if disclosed else 0):
            problems.append(f"{where} {action}: {len(followers)} disclosure events, expected {1 if disclosed else 0}")
        elif disclosed and SECRETS["PatientID"] not in [s["id"] for s in followers[0]["event"]["subjects"] if s["kind"] == "patient"]:
            problems.append(f"{where} {action}: the disclosure does not name the patient")
        elif disclosed and followers[0]["event"]["kind"] != ("study-deleted" if action == "delete" else followers[0]["event"]["kind"]):
            problems.append(f"{where} delete: followed by {followers[0]['event']['kind']}, expected study-deleted")
    return problems


def test_every_role_action_network_and_strength_is_decided_as_the_policy_says(rampart, site, tmp_path, stats):
    data, tokens, stored = site
    effective = effective_roles(rampart, data)
    assert set(ROLES) <= set(effective), effective
    cells, mismatches, explained_wrong, view_problems, audit_wrong = 0, [], [], [], []
    seen = [0]  # the last audit record read

    def new_events():
        events = [e for e in netserve.audit_events(rampart, data) if e["sequence"] > seen[0]]
        seen[0] = max([seen[0]] + [e["sequence"] for e in events])
        return events
    table = []  # role, action, source, strength, expected, server
    pseudonyms = set()
    with serve(rampart, data, tmp_path / "serve.log") as server:
        # The object must be there for queries and retrievals to have something to show.
        admin = associate(server, h.identity(5, tokens["admin"].encode()), INSIDE, [CTImageStorage])
        assert admin.send_c_store(stored).Status == 0x0000
        admin.release()
        new_events()
        for role in ROLES:
            for source in (INSIDE, OUTSIDE):
                for strength in ("password", "token"):
                    identity = (h.identity(2, user_name(role).encode(), PASSWORD.encode()) if strength == "password"
                                else h.identity(5, tokens[role].encode()))
                    folder = tmp_path / f"{role}-{source}-{strength}"
                    outcomes = perform(server, identity, source, stored, folder)
                    audit_wrong += audit_problems(new_events(), "user", user_name(role), source, outcomes, reaches_object(role))
                    for action in ACTIONS:
                        cells += 1
                        want = expected(role, action, source, strength, effective)
                        allowed, evidence = outcomes[action]
                        table.append((role, action, source, strength, want, allowed))
                        if allowed != want:
                            mismatches.append(f"{role} {action} from {source} by {strength}: server {'allowed' if allowed else 'denied'}")
                        if allowed and action in ("query", "retrieve"):
                            view_problems += check_view(effective[role]["view"], evidence, stored)
                            if effective[role]["view"] == "pseudonymous":
                                pseudonyms.update(str(ds.PatientID) for ds in evidence)
                        check = run(rampart, "policy", "check", "--data-dir", data, "--user", user_name(role), "--action", action,
                                    "--from", source, "--auth", strength, *(["--institution", INSTITUTION] if action == "store" else []),
                                    check=False)
                        if (check.returncode == 0) != want:
                            explained_wrong.append(f"{role} {action} from {source} by {strength}: policy check says {check.stdout[:200]}")
        for name, role, scope in SERVICES:
            for source in (INSIDE, OUTSIDE):
                outcomes = perform(server, h.identity(2, name.encode(), tokens[name].encode()), source, stored, tmp_path / f"{name}-{source}")
                audit_wrong += audit_problems(new_events(), "service", name, source, outcomes)
                for action in ACTIONS:
                    cells += 1
                    want = expected(role, action, source, "api-key", effective, scope)
                    allowed, _ = outcomes[action]
                    table.append((name, action, source, "api-key", want, allowed))
                    if allowed != want:
                        mismatches.append(f"{name} {action} from {source}: server {'allowed' if allowed else 'denied'}")
                    check = run(rampart, "policy", "check", "--data-dir", data, "--service", name, "--action", action, "--from", source, check=False)
                    if (check.returncode == 0) != want:
                        explained_wrong.append(f"{name} {action} from {source}: policy check says {check.stdout[:200]}")
    assert cells == (len(ROLES) * 2 + len(SERVICES)) * len(ACTIONS) * 2 == 144
    allowed_cells = sum(1 for *_, want, _ in table if want)
    assert 0 < allowed_cells < cells
    record(table, stats)
    assert not mismatches, "\n".join(mismatches)
    assert not explained_wrong, "\n".join(explained_wrong)
    assert not view_problems, "\n".join(view_problems[:20])
    assert not audit_wrong, "\n".join(audit_wrong[:20])
    # One patient, one pseudonym, in answers and objects alike: stable, and not the ID.
    assert len(pseudonyms) == 1 and SECRETS["PatientID"] not in pseudonyms
    decisions = netserve.decisions_text(rampart, data)
    assert re.search(r"\tdeny\tuser u-lan-reader\tdimse\t127\.0\.0\.9:\d+\tquery\t.*127\.0\.0\.9 is not in 127\.0\.0\.0/29", decisions)
    assert re.search(r"\tdeny\tuser u-token-reader\tdimse\t.*\tquery\t.*authenticated by password, not token", decisions)
    assert re.search(r"\tdeny\tservice svc-radiologist-query\tdimse\t.*\tstore\t.*outside the scope of its API key", decisions)
    netserve.assert_patients_named_by_id_only(SECRETS, server.log_text(), decisions)


def record(table: list, stats, channel: str = "dimse",
           principals: str = f"users of {len(ROLES)} roles x password/token, 2 service accounts by API key") -> None:
    """The matrix, cell by cell, to .build/reports/authorization-matrix[-CHANNEL].txt and the summary."""
    lines = [f"{role:<20} {action:<9} {source:<10} {strength:<9} expected {'allow' if want else 'deny ':<5}  server {'allow' if got else 'deny'}"
             for role, action, source, strength, want, got in table]
    report = netpeers.REPO / ".build" / "reports" / ("authorization-matrix.txt" if channel == "dimse" else f"authorization-matrix-{channel}.txt")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(f"authorization matrix over {channel} through rampart serve (Tests/interop/test_net_serve_matrix.py)\n" + "\n".join(lines) + "\n")
    agreed = sum(1 for *_, want, got in table if want == got)
    actions = "/".join(dict.fromkeys(action for _, action, *_ in table))
    stats.lines.append(f"authorization matrix over {channel}: {len(table)} cells ({principals}; x {actions} x 2 networks), "
                       f"{sum(1 for *_, w, _ in table if w)} allowed, {agreed} as the policy says (details: {report})")


def cells_events(events: list[dict]) -> list[dict]:
    """The audit events of a cell row, without the restorer's."""
    return [e for e in events if e["event"]["actor"].get("name") != RESTORER[0]]


def web_client(server, data: Path, authorization: str, source: str) -> DICOMwebClient:
    session = requests.Session()
    session.trust_env = False  # else REQUESTS_CA_BUNDLE wins over session.verify
    session.mount("http://", netserve.SourceAddressAdapter(source))
    session.mount("https://", netserve.SourceAddressAdapter(source))
    if (data / "tls" / "ca.pem").exists():
        session.verify = str(data / "tls" / "ca.pem")
    return DICOMwebClient(url=netserve.dicomweb_url(server), session=session, headers={"Authorization": authorization})


def basic(name: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{name}:{secret}".encode()).decode()


def perform_web(web: DICOMwebClient, stored, restore) -> dict[str, tuple[bool, object]]:
    """Store (STOW-RS), query (QIDO-RS), retrieve (WADO-RS) and delete (DELETE) over DICOMweb;
    each action's outcome (allowed?, evidence). Allowed means the gate allowed it: a search
    that reaches nothing answers 200 with no match and a retrieve or delete 404, as a C-GET
    that reaches nothing succeeds with no sub-operation; a store the gate allows is stored
    (200). A deletion that happened (204) is undone with `restore` for the next cell."""
    def status(call):
        try:
            return 200, call()
        except requests.exceptions.HTTPError as error:
            return error.response.status_code, None
    stored_status, _ = status(lambda: web.store_instances(datasets=[stored]))
    found_status, found = status(lambda: web.search_for_studies(search_filters={"StudyInstanceUID": stored.StudyInstanceUID},
                                                               fields=["PatientID", "PatientName", "OtherPatientIDs"]))
    got_status, got = status(lambda: web.retrieve_study(stored.StudyInstanceUID))
    deleted_status, _ = status(lambda: web.delete_study(stored.StudyInstanceUID))
    assert stored_status in (200, 403, 409), stored_status
    assert found_status in (200, 403) and got_status in (200, 403, 404), (found_status, got_status)
    assert deleted_status in (200, 403, 404), deleted_status
    if deleted_status == 200:
        restore()
    return {"store": (stored_status == 200, None),
            "query": (found_status == 200, [Dataset.from_json(answer) for answer in found or []]),
            "retrieve": (got_status != 403, got or []),
            "delete": (deleted_status != 403, None)}


def test_the_matrix_over_dicomweb_decides_every_cell_as_over_dimse(rampart, site, tmp_path, stats):
    data, tokens, stored = site
    effective = effective_roles(rampart, data)
    mismatches, view_problems, audit_wrong, table = [], [], [], []
    seen = [0]

    def new_events():
        events = [e for e in netserve.audit_events(rampart, data) if e["sequence"] > seen[0]]
        seen[0] = max([seen[0]] + [e["sequence"] for e in events])
        return events
    with serve(rampart, data, tmp_path / "serve.log") as server:
        web_client(server, data, f"Bearer {tokens['admin']}", INSIDE).store_instances(datasets=[stored])
        new_events()
        rows = [(user_name(role), "user", role, strength, None, basic(user_name(role), PASSWORD) if strength == "password" else f"Bearer {tokens[role]}")
                for role in ROLES for strength in ("password", "token")]
        rows += [(name, "service", role, "api-key", scope, basic(name, tokens[name])) for name, role, scope in SERVICES]
        restorer = web_client(server, data, basic(RESTORER[0], tokens[RESTORER[0]]), INSIDE)
        for name, kind, role, strength, scope, authorization in rows:
            for source in (INSIDE, OUTSIDE):
                outcomes = perform_web(web_client(server, data, authorization, source), stored,
                                       restore=lambda: restorer.store_instances(datasets=[stored]))
                audit_wrong += audit_problems(cells_events(new_events()), kind, name, source, outcomes, reaches_object(role),
                                              channel="dicomweb", actions=WEB_ACTIONS,
                                              store_received=allowed_in_context(role, "store", source, strength, effective, scope))
                for action in WEB_ACTIONS:
                    want = expected(role, action, source, strength, effective, scope)
                    allowed, evidence = outcomes[action]
                    table.append((name if kind == "service" else role, action, source, strength, want, allowed))
                    if allowed != want:
                        mismatches.append(f"{name} {action} from {source} by {strength}: server {'allowed' if allowed else 'denied'}")
                    if allowed and action in ("query", "retrieve") and reaches_object(role):
                        view_problems += check_view(effective[role]["view"], evidence, stored)
    assert len(table) == (len(ROLES) * 2 + len(SERVICES)) * len(WEB_ACTIONS) * 2 == 192
    record(table, stats, channel="dicomweb")
    assert not mismatches, "\n".join(mismatches)
    assert not view_problems, "\n".join(view_problems[:20])
    assert not audit_wrong, "\n".join(audit_wrong[:20])
    netserve.assert_patients_named_by_id_only(SECRETS, server.log_text(), netserve.decisions_text(rampart, data))


def test_the_matrix_through_web_ui_sessions_decides_every_cell_as_the_policy_says(rampart, site, tmp_path, stats):
    """Every user of the matrix logs in to the web UI (a password, from both networks) and, with
    the session's cookie and CSRF token, stores, queries, retrieves and deletes through DICOMweb and
    administers and reads the audit log through the REST API: each allowed exactly as the policy
    says for a password sign-in, on channel ui, the login and each action one decision, the
    views holding as over DIMSE."""
    data, tokens, stored = site
    effective = effective_roles(rampart, data)
    table, mismatches, view_problems, audit_wrong = [], [], [], []
    actions = [*WEB_ACTIONS, *REST_ACTIONS]
    with serve(rampart, data, tmp_path / "serve.log") as server:
        base = netserve.dicomweb_url(server).rsplit("/dicomweb", 1)[0]
        restorer = web_client(server, data, basic(RESTORER[0], tokens[RESTORER[0]]), INSIDE)
        restorer.store_instances(datasets=[stored])
        seen = max(e["sequence"] for e in netserve.audit_events(rampart, data))
        for role in ROLES:
            for source in (INSIDE, OUTSIDE):
                name = user_name(role)
                browser = requests.Session()
                browser.trust_env = False
                browser.mount("https://", netserve.SourceAddressAdapter(source))
                browser.mount("http://", netserve.SourceAddressAdapter(source))
                browser.verify = str(data / "tls" / "ca.pem") if (data / "tls" / "ca.pem").exists() else True
                login = browser.post(base + "/api/session", json={"username": name, "password": PASSWORD}, timeout=60)
                assert login.status_code == 200, (name, login.text)
                browser.headers["X-CSRF-Token"] = login.json()["csrfToken"]
                outcomes = perform_web(DICOMwebClient(url=base + "/dicomweb", session=browser), stored,
                                       restore=lambda: restorer.store_instances(datasets=[stored]))
                for action, path in REST_ACTIONS.items():
                    status = browser.get(base + "/api" + path, timeout=60).status_code
                    assert status in (200, 403), (name, action, status)
                    outcomes[action] = (status == 200, None)
                events = [e for e in netserve.audit_events(rampart, data) if e["sequence"] > seen]
                seen = max([seen] + [e["sequence"] for e in events])
                audit_wrong += audit_problems(cells_events(events), "user", name, source, outcomes, reaches_object(role), channel="ui",
                                              store_received=allowed_in_context(role, "store", source, "password", effective), actions=actions)
                for action in actions:
                    want = expected(role, action, source, "password", effective)
                    allowed, evidence = outcomes[action]
                    table.append((role, action, source, "password", want, allowed))
                    if allowed != want:
                        mismatches.append(f"{name} {action} from {source} in a UI session: server {'allowed' if allowed else 'denied'}")
                    if allowed and action in ("query", "retrieve") and reaches_object(role):
                        view_problems += check_view(effective[role]["view"], evidence, stored)
    assert len(table) == len(ROLES) * 2 * len(actions) == 132
    record(table, stats, channel="ui", principals=f"users of {len(ROLES)} roles, logged in by password")
    assert not mismatches, "\n".join(mismatches)
    assert not view_problems, "\n".join(view_problems[:20])
    assert not audit_wrong, "\n".join(audit_wrong[:20])


def test_the_matrix_over_the_rest_api_decides_administer_and_audit_as_the_policy_says(rampart, site, tmp_path, stats):
    """The REST admin API's two actions for every principal of the matrix, from both networks:
    allowed exactly when a role of the principal allows the action in that context, one
    audit event per request on channel rest with the cell's principal, source and outcome."""
    data, tokens, _ = site
    effective = effective_roles(rampart, data)
    table, mismatches, audit_wrong = [], [], []
    rows = [(user_name(role), "user", role, strength, None, basic(user_name(role), PASSWORD) if strength == "password" else f"Bearer {tokens[role]}")
            for role in ROLES for strength in ("password", "token")]
    rows += [(name, "service", role, "api-key", scope, basic(name, tokens[name])) for name, role, scope in SERVICES]
    with serve(rampart, data, tmp_path / "serve.log") as server:
        api = netserve.dicomweb_url(server).rsplit("/dicomweb", 1)[0] + "/api"
        seen = max(e["sequence"] for e in netserve.audit_events(rampart, data))
        for name, kind, role, strength, scope, authorization in rows:
            for source in (INSIDE, OUTSIDE):
                session = requests.Session()
                session.trust_env = False
                session.mount("https://", netserve.SourceAddressAdapter(source))
                session.mount("http://", netserve.SourceAddressAdapter(source))
                session.verify = str(data / "tls" / "ca.pem") if (data / "tls" / "ca.pem").exists() else True
                for action, path in REST_ACTIONS.items():
                    status = session.get(api + path, headers={"Authorization": authorization}, timeout=60).status_code
                    assert status in (200, 403), (name, action, status)
                    want = expected(role, action, source, strength, effective, scope)
                    table.append((name if kind == "service" else role, action, source, strength, want, status == 200))
                    if (status == 200) != want:
                        mismatches.append(f"{name} {action} from {source} by {strength}: server {'allowed' if status == 200 else 'denied'}")
                events = [e for e in netserve.audit_events(rampart, data) if e["sequence"] > seen]
                seen = max([seen] + [e["sequence"] for e in events])
                decided = [e["event"] for e in events if e["event"].get("action") and e["event"].get("follows") is None]
                got = [(e["action"], e["channel"], e["actor"]["name"], e["source"]["address"].rsplit(":", 1)[0], e["outcome"])
                       for e in decided]
                wanted = [(action, "rest", name, source, 0 if allowed else 4) for (_, action, _, _, _, allowed) in table[-2:]]
                if got != wanted:
                    audit_wrong.append(f"{name} from {source}: decisions {got}, expected {wanted}")
    assert len(table) == (len(ROLES) * 2 + len(SERVICES)) * 2 * len(REST_ACTIONS) == 96
    record(table, stats, channel="rest")
    assert not mismatches, "\n".join(mismatches)
    assert not audit_wrong, "\n".join(audit_wrong[:20])


def test_a_registered_ae_acts_as_modality_from_its_host_only(rampart, site, tmp_path):
    data, _, stored = site
    register(rampart, data, "MATRIXCT", host=INSIDE)
    with serve(rampart, data, tmp_path / "serve.log") as server:
        ae = AE(ae_title="MATRIXCT")
        ae.add_requested_context(CTImageStorage)
        ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
        ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
        assoc = ae.associate(HOST, server.port, ae_title="RAMPART", bind_address=(INSIDE, 0))
        assert assoc.is_established
        assert assoc.send_c_store(stored).Status == 0x0000
        assoc.release()
        outcomes = h.rejection_outcomes(lambda: ae, server, bind_address=(OUTSIDE, 0))
        assert outcomes[-1] == (1, 1, 3), outcomes


def make_study(folder: Path, study_uid: str, sop_uid: str):
    path = netdata.make_bulk(folder, 1, size=2048)[0]
    ds = dcmread(path)
    ds.PatientID, ds.PatientName = "MATRIX-VIP-1", "Restricted^Synthetic"
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID = study_uid, study_uid + ".1", sop_uid
    ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
    ds.save_as(path, enforce_file_format=True)
    return dcmread(path)


def study_uids(server, token: str) -> set[str]:
    assoc = associate(server, h.identity(5, token.encode()), INSIDE, [StudyRootQueryRetrieveInformationModelFind])
    found = [(s.Status, i) for s, i in assoc.send_c_find(h.identifier("STUDY", {"StudyInstanceUID": "", "PatientID": "MATRIX-VIP-1"}),
                                                          StudyRootQueryRetrieveInformationModelFind)]
    assoc.release()
    return {str(i.StudyInstanceUID) for s, i in found if s == 0xFF00}


def test_restricted_studies_open_to_their_group_or_by_breaking_the_glass(rampart, tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    users = [("rad", "radiologist"), ("vipdesk", "vip-radiologist"), ("res", "researcher")]
    (data / "accounts.json").write_text(json.dumps([{"name": n, "roles": [r], "disabled": False,
                                                      "password": cheap_hash(PASSWORD, os.urandom(16))} for n, r in users]))
    (data / "policy.yaml").write_text(json.dumps({"roles": {"vip-radiologist": {"allow": ["query"], "access_groups": ["vip"]}}}))
    open_uid, vip_uid = "1.2.826.0.1.3680043.10.1071.1", "1.2.826.0.1.3680043.10.1071.2"
    make_study(tmp_path / "a", open_uid, open_uid + ".1.1")
    make_study(tmp_path / "b", vip_uid, vip_uid + ".1.1")
    token = lambda user, *purpose: run(rampart, "token", "issue", "--user", user, *purpose, "--data-dir", data).stdout.strip()  # noqa: E731
    admin_free = run(rampart, "import", tmp_path / "a", tmp_path / "b", "--data-dir", data, "--quiet")
    assert "accepted: 2" in admin_free.stdout
    run(rampart, "study", "restrict", vip_uid, "--group", "vip", "--data-dir", data)
    assert run(rampart, "study", "restricted", "--data-dir", data).stdout.split() == [vip_uid, "vip"]
    assert run(rampart, "study", "restrict", "1.2.3.4.999", "--group", "vip", "--data-dir", data, check=False).returncode == 1
    tokens = {"rad": token("rad"), "rad-emergency": token("rad", "--purpose", "ETREAT"), "vipdesk": token("vipdesk"),
              "res-emergency": token("res", "--purpose", "ETREAT")}
    with serve(rampart, data, tmp_path / "serve.log") as server:
        assert study_uids(server, tokens["rad"]) == {open_uid}
        assert study_uids(server, tokens["vipdesk"]) == {open_uid, vip_uid}
        assert study_uids(server, tokens["rad-emergency"]) == {open_uid, vip_uid}
        # A researcher may not break the glass: declaring the emergency opens nothing.
        assert study_uids(server, tokens["res-emergency"]) == {open_uid}
        log = server.log_text()
    decisions = netserve.decisions_text(rampart, data).splitlines()
    flagged = [line for line in decisions if "\tbreak-the-glass\t" in line]
    assert flagged and all("\tuser rad\t" in line for line in flagged), flagged
    assert "BREAK-THE-GLASS: user rad query" in log
    assert not any("\tbreak-the-glass\tuser res\t" in line for line in decisions)
    assert "Restricted^Synthetic" not in log and "MATRIX-VIP-1" not in log


def test_an_edited_policy_takes_effect_at_the_next_decision(rampart, site, tmp_path):
    data, tokens, stored = site
    policy = data / "policy.yaml"
    original = policy.read_text()
    try:
        with serve(rampart, data, tmp_path / "serve.log") as server:
            query = {"StudyInstanceUID": stored.StudyInstanceUID}
            def status():
                assoc = associate(server, h.identity(5, tokens["technologist"].encode()), INSIDE, [StudyRootQueryRetrieveInformationModelFind])
                statuses = [s.Status for s, _ in assoc.send_c_find(h.identifier("STUDY", query), StudyRootQueryRetrieveInformationModelFind)]
                assoc.release()
                return statuses[-1]
            assert status() == 0x0000
            edited = json.loads(original)
            edited["roles"]["technologist"] = {"allow": ["store"]}
            policy.write_text(json.dumps(edited))
            assert status() == NOT_AUTHORIZED
            # A file that no longer reads leaves the last good policy in force, and says why.
            policy.write_text("roles: [unclosed")
            assert status() == NOT_AUTHORIZED
            assert "not reloaded, the previous version stays in force" in server.log_text()
    finally:
        policy.write_text(original)


def test_policy_check_explains_and_refuses_a_broken_file(rampart, site, tmp_path):
    data, _, _ = site
    denied = run(rampart, "policy", "check", "--data-dir", data, "--user", "u-lan-reader", "--action", "query", "--from", OUTSIDE, check=False)
    assert denied.returncode == 1
    assert denied.stdout.startswith("DENIED: user u-lan-reader query via dimse from 127.0.0.9")
    assert "127.0.0.9 is not in 127.0.0.0/29" in denied.stdout
    allowed = run(rampart, "policy", "check", "--data-dir", data, "--user", "u-radiologist", "--action", "retrieve", "--purpose", "ETREAT")
    assert "BREAK-THE-GLASS" in allowed.stdout and "studies: every study" in allowed.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("roles:\n  r:\n    allow: [query]\n    when:\n      networks: [10.0.0.0/40]\n")
    result = run(rampart, "policy", "validate", broken, "--data-dir", data, check=False)
    assert result.returncode == 78 and f"{broken}:5:" in result.stderr, result.stderr
    for example in sorted((Path(__file__).parents[2] / "docs" / "policy").glob("*.yaml")):
        run(rampart, "policy", "validate", example, "--data-dir", data)
