"""The REST admin API of `rampart serve` (`/api`, over HTTPS): users, service accounts, AEs, the
audit log (events, timeline, anomalies), the policy and its explanations, the certificates and
the server's status, each decided by the gate (`administer`, `audit`) and recorded; what an
administrator changes takes effect at the next request, on every channel. schemathesis
generates requests from the served OpenAPI document: none may get a 5xx.
"""

from __future__ import annotations

import base64
import hashlib
import ssl
import subprocess

import pytest
import requests

import netdata
import netserve
from netserve import run

pytestmark = pytest.mark.net


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    folder = tmp_path_factory.mktemp("rest")
    data = folder / "data"
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    for name, role in (("audra", "auditor"), ("tech", "technologist")):
        assert run(rampart, "user", "add", name, "--role", role, "--data-dir", data).returncode == 0
    netserve.register(rampart, data, "LEGACYCT", port=104)
    with netserve.serve(rampart, data, folder / "serve.log") as server:
        base = netserve.dicomweb_url(server).rsplit("/dicomweb", 1)[0]
        yield {"server": server, "data": data, "api": base + "/api", "dicomweb": base + "/dicomweb", "ca": str(data / "tls" / "ca.pem"),
               "admin": token(rampart, data, "admin"), "audra": token(rampart, data, "audra"), "tech": token(rampart, data, "tech")}


def token(rampart, data, user: str) -> str:
    result = run(rampart, "token", "issue", "--user", user, "--data-dir", data)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def call(site, method: str, path: str, who: str | None = "admin", *, basic: tuple[str, str] | None = None, **kwargs) -> requests.Response:
    headers = {}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    elif who:
        headers["Authorization"] = f"Bearer {site[who]}"
    base = site["dicomweb"] if path.startswith("/studies") else site["api"]
    return requests.request(method, base + path, headers=headers, verify=site["ca"], timeout=60, **kwargs)


def test_without_a_credential_the_api_and_its_document_get_401(site):
    for path in ("/status", "/openapi.json", "/users"):
        response = call(site, "GET", path, None)
        assert response.status_code == 401 and "Server" not in response.headers


def test_status_counts_and_names_the_legacy_exceptions(site):
    status = call(site, "GET", "/status").json()
    assert status["legacyExceptions"] == ["LEGACYCT"] and status["applicationEntities"] == 1
    assert status["users"] == 3 and status["archive"]["instances"] == 0 and status["auditRecords"] > 0
    aes = call(site, "GET", "/aes").json()
    assert aes == [{"title": "LEGACYCT", "host": "127.0.0.1", "port": 104, "roles": ["modality"], "legacyException": True}]


def test_a_user_added_over_the_api_signs_in_until_disabled(rampart, site):
    added = call(site, "POST", "/users", json={"name": "newrad", "roles": ["radiologist"], "personName": "Rad^New"})
    assert added.status_code == 201, added.text
    password = added.json()["secret"]
    assert call(site, "GET", "/studies", basic=("newrad", password)).status_code == 200
    assert call(site, "GET", "/users/newrad").json() == {"name": "newrad", "roles": ["radiologist"], "disabled": False,
                                                         "personName": "Rad^New", "secondFactor": False}
    assert call(site, "POST", "/users", json={"name": "newrad", "roles": ["radiologist"]}).status_code == 409
    assert call(site, "POST", "/users", json={"name": "x", "roles": ["no-such-role"]}).status_code == 400
    changed = call(site, "PATCH", "/users/newrad", json={"disabled": True})
    assert changed.status_code == 200 and changed.json()["disabled"] is True
    assert call(site, "GET", "/studies", basic=("newrad", password)).status_code == 401
    renewed = call(site, "POST", "/users/newrad/password").json()["secret"]
    call(site, "PATCH", "/users/newrad", json={"disabled": False})
    assert call(site, "GET", "/studies", basic=("newrad", renewed)).status_code == 200
    assert call(site, "PATCH", "/users/nobody", json={"disabled": True}).status_code == 404
    # Each change is a security event of the administrator, after the decision that allowed it.
    events = [r["event"] for r in netserve.audit_events(rampart, site["data"], "--kind", "security-alert")]
    changes = [e for e in events if e["channel"] == "rest" and e.get("follows")]
    reasons = [e["reason"] for e in changes]
    assert "added user newrad" in reasons and "disabled user newrad" in reasons and "set a new password for user newrad" in reasons
    assert all(e["actor"]["name"] == "admin" for e in changes)
    assert password not in str(events) and renewed not in str(events)
    # The server took each change up without a restart, and recorded when it did.
    reloads = [e for e in events if e.get("type") == "security-configuration" and e["reason"].endswith("accounts.json changed and is in force")]
    assert reloads and all(e["actor"]["kind"] == "operator" for e in reloads)


def test_a_service_key_from_the_api_works_until_revoked(site):
    added = call(site, "POST", "/services", json={"name": "robot", "roles": ["radiologist"], "scope": ["query"]})
    assert added.status_code == 201, added.text
    key = added.json()["secret"]
    assert key.startswith("rampart_sk_")
    assert call(site, "GET", "/studies", basic=("robot", key)).status_code == 200
    assert call(site, "GET", "/services").json() == [{"name": "robot", "roles": ["radiologist"], "scope": ["query"], "revoked": False}]
    assert call(site, "POST", "/services/robot/revoke").json()["revoked"] is True
    assert call(site, "GET", "/studies", basic=("robot", key)).status_code == 401


def test_an_ae_registered_over_the_api_may_associate(site):
    registered = call(site, "PUT", "/aes/APISCU", json={"host": "127.0.0.1", "port": 11113})
    assert registered.status_code == 200 and registered.json()["legacyException"] is True
    echo = subprocess.run(["/usr/bin/echoscu", "-aet", "APISCU", "-aec", "RAMPART", "127.0.0.1", str(site["server"].port)],
                          capture_output=True, text=True, timeout=60)
    assert echo.returncode == 0, echo.stderr
    assert call(site, "DELETE", "/aes/APISCU").status_code == 204
    assert call(site, "DELETE", "/aes/APISCU").status_code == 404
    assert call(site, "PUT", "/aes/" + "X" * 17, json={"host": "127.0.0.1", "port": 104}).status_code == 400


def test_roles_decide_the_api_and_the_denials_are_recorded(rampart, site):
    assert call(site, "GET", "/users", "tech").status_code == 403
    assert call(site, "GET", "/audit/events", "tech").status_code == 403
    assert call(site, "GET", "/users", "audra").status_code == 403
    denied = [r["event"] for r in netserve.decisions(rampart, site["data"])]
    assert any(e["actor"]["name"] == "tech" and e["channel"] == "rest" and e["action"] == "administer" and e["outcome"] == 4 for e in denied)


def test_the_auditor_reads_the_audit_log_and_that_reading_is_recorded(rampart, site):
    events = call(site, "GET", "/audit/events?user=admin&limit=50", "audra")
    assert events.status_code == 200, events.text
    assert events.json() and all(e["event"]["actor"]["name"] == "admin" for e in events.json())
    assert call(site, "GET", "/audit/events?outcome=maybe", "audra").status_code == 400
    used = [r["event"] for r in netserve.audit_events(rampart, site["data"], "--kind", "audit-log-used", "--user", "audra")]
    assert used and used[-1]["channel"] == "rest" and used[-1]["outcome"] == 0


def policy_check(rampart, data, *options: str) -> tuple[bool, str]:
    """`rampart policy check`'s decision and its `why:` line."""
    result = run(rampart, "policy", "check", "--data-dir", data, *options)
    assert result.returncode in (0, 1), result.stderr
    why = next(line.strip()[len("why: "):] for line in result.stdout.splitlines() if line.strip().startswith("why: "))
    return result.returncode == 0, why


def test_the_policy_and_its_explanations_are_the_command_lines(rampart, site):
    policy = call(site, "GET", "/policy")
    assert policy.status_code == 200, policy.text
    roles = {r["name"]: r for r in policy.json()["roles"]}
    assert "audit" in roles["auditor"]["actions"] and "administer" in roles["admin"]["actions"] and "yaml" not in policy.json()
    cases = [({"user": "tech", "action": "administer", "channel": "rest"}, ("--user", "tech", "--action", "administer", "--channel", "rest")),
             ({"user": "audra", "action": "audit", "channel": "rest", "from": "10.1.2.3", "auth": "mfa"},
              ("--user", "audra", "--action", "audit", "--channel", "rest", "--from", "10.1.2.3", "--auth", "mfa")),
             ({"ae": "LEGACYCT", "action": "store", "institution": "General"}, ("--ae", "LEGACYCT", "--action", "store", "--institution", "General")),
             ({"user": "ext", "roles": ["radiologist"], "action": "retrieve", "purpose": "ETREAT", "channel": "dicomweb"},
              ("--user", "ext", "--role", "radiologist", "--action", "retrieve", "--purpose", "ETREAT", "--channel", "dicomweb"))]
    for question, options in cases:
        answer = call(site, "POST", "/policy/explain", json=question)
        assert answer.status_code == 200, answer.text
        assert (answer.json()["allowed"], answer.json()["reason"]) == policy_check(rampart, site["data"], *options), question
    answers = [call(site, "POST", "/policy/explain", json=q).json() for q, _ in cases]
    assert [a["allowed"] for a in answers] == [False, True, True, True], [a["reason"] for a in answers]
    assert call(site, "POST", "/policy/explain", json={"user": "tech", "ae": "X", "action": "query"}).status_code == 400
    assert call(site, "POST", "/policy/explain", json={"user": "tech", "action": "peek"}).status_code == 400


def test_the_audit_timeline_and_anomalies_are_for_auditors_and_their_use_is_recorded(rampart, site):
    for path in ("/audit/timeline", "/audit/anomalies", "/policy", "/certificates"):
        assert call(site, "GET", path, "tech").status_code == 403, path
    for path in ("/policy", "/certificates"):
        assert call(site, "GET", path, "audra").status_code == 403, path
    timeline = call(site, "GET", "/audit/timeline?bucket=hour", "audra")
    assert timeline.status_code == 200, timeline.text
    counts = timeline.json()["counts"]
    assert len(counts) in (24, 25) and sum(c["success"] for c in counts) > 0 and sum(c["denied"] for c in counts) > 0
    by_day = call(site, "GET", "/audit/timeline?bucket=day&from=2026-01-01&to=2026-03-01", "audra").json()
    assert by_day["bucket"] == "day" and len(by_day["counts"]) == 59
    assert call(site, "GET", "/audit/timeline?bucket=week", "audra").status_code == 400
    assert call(site, "GET", "/audit/timeline?from=2020-01-01&to=2026-01-01", "audra").status_code == 400
    anomalies = call(site, "GET", "/audit/anomalies", "audra")
    assert anomalies.status_code == 200 and isinstance(anomalies.json(), list)
    assert call(site, "GET", "/audit/anomalies?from=2026-02-01&to=2026-01-01", "audra").status_code == 400
    used = [r["event"] for r in netserve.audit_events(rampart, site["data"], "--kind", "audit-log-used", "--user", "audra")]
    assert sum(1 for e in used if e["channel"] == "rest" and e["outcome"] == 0) >= 3


def test_the_certificates_are_the_ones_served_and_no_key(site):
    answer = call(site, "GET", "/certificates")
    assert answer.status_code == 200, answer.text
    report = answer.json()
    host, port = site["api"].split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    served = ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate((host, int(port))))
    assert report["server"]["sha256"] == hashlib.sha256(served).hexdigest()
    assert "IP:127.0.0.1" in report["server"]["subjectAlternativeNames"] and report["server"]["daysLeft"] > 30
    ca = ssl.PEM_cert_to_DER_cert((site["data"] / "tls" / "ca.pem").read_text())
    assert report["localCA"]["sha256"] == hashlib.sha256(ca).hexdigest() and report["localCA"]["subject"] == report["server"]["issuer"]
    assert report["boundAEs"] == [] and report["warningDays"] == 30
    assert "PRIVATE" not in answer.text and "BEGIN" not in answer.text


def test_schemathesis_finds_no_server_error_in_the_api(site, tmp_path, stats):
    """Requests generated from the served OpenAPI document, as an administrator: no 5xx, and
    every answer conforms to the document."""
    schemathesis = netdata.repo_root() / ".venv" / "bin" / "schemathesis"
    result = subprocess.run(
        [str(schemathesis), "run", site["api"] + "/openapi.json", "--url", site["api"], "--tls-verify", site["ca"],
         "-H", f"Authorization: Bearer {site['admin']}", "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
         "--max-examples", "15", "--seed", "7", "--request-timeout", "60", "--workers", "1", "--exclude-method", "DELETE",
         # Changing settings at random (a request rate of 1) would starve the rest: test_settings.py changes them deliberately.
         "--exclude-operation-id", "changeSettings"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    summary = [line.strip() for line in result.stdout.splitlines() if "generated" in line.lower() or "passed" in line.lower()]
    stats.lines.append("REST API (schemathesis against /api/openapi.json): " + ("; ".join(summary[-3:]) or "no summary line"))


def test_a_browser_session_reads_with_its_cookie_and_changes_only_with_its_csrf_token(rampart, site):
    added = call(site, "POST", "/users", json={"name": "browser", "roles": ["admin"]}).json()
    browser = requests.Session()
    browser.trust_env = False
    browser.verify = site["ca"]
    wrong = browser.post(site["api"] + "/session", json={"username": "browser", "password": "guess"}, timeout=60)
    assert wrong.status_code == 401 and "rampart_session" not in wrong.headers.get("Set-Cookie", "")
    login = browser.post(site["api"] + "/session", json={"username": "browser", "password": added["secret"]}, timeout=60)
    assert login.status_code == 200, login.text
    cookie = login.headers["Set-Cookie"]
    assert all(flag in cookie for flag in ("HttpOnly", "SameSite=Strict", "Secure", "Path=/"))
    csrf = login.json()["csrfToken"]
    assert browser.get(site["dicomweb"] + "/studies", timeout=60).status_code == 200
    assert browser.get(site["api"] + "/session", timeout=60).json()["csrfToken"] == csrf
    # A change with the cookie alone is what another site's forged request would be.
    assert browser.post(site["api"] + "/services", json={"name": "forged", "roles": ["auditor"]}, timeout=60).status_code == 401
    made = browser.post(site["api"] + "/services", json={"name": "madeinui", "roles": ["auditor"]}, headers={"X-CSRF-Token": csrf}, timeout=60)
    assert made.status_code == 201
    # Disabled by another administrator: the session acts no more.
    call(site, "PATCH", "/users/browser", json={"disabled": True})
    assert browser.get(site["dicomweb"] + "/studies", timeout=60).status_code == 401
    call(site, "PATCH", "/users/browser", json={"disabled": False})
    assert browser.delete(site["api"] + "/session", headers={"X-CSRF-Token": csrf}, timeout=60).status_code == 204
    assert browser.get(site["dicomweb"] + "/studies", timeout=60).status_code == 401
    events = [r["event"] for r in netserve.audit_events(rampart, site["data"], "--user", "browser")]
    ui = [e for e in events if e["channel"] == "ui"]
    assert any(e["kind"] == "user-authentication" and e["outcome"] == 0 for e in ui)
    assert any(e["action"] == "administer" and e["outcome"] == 0 for e in ui)
    refused = [r["event"] for r in netserve.audit_events(rampart, site["data"], "--outcome", "denied")]
    assert any(e["channel"] == "ui" and "without its CSRF token" in e.get("reason", "") for e in refused)
    assert any(e["channel"] == "ui" and "user \"browser\"" in e.get("reason", "") for e in refused)

