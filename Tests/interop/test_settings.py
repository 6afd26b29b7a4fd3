"""Settings changed while `rampart serve` runs (`/api/settings`): the association limits, the
HTTP request rate and the case of person names. A change holds from the next association or
request without a restart, is recorded as a security event of the administrator, survives a
restart (settings.json), and is refused whole when any value is wrong.
"""

from __future__ import annotations

import pytest
import requests
from pynetdicom import AE
from pynetdicom.sop_class import Verification

import netserve
from netserve import run

pytestmark = pytest.mark.net

RATE = "http.requests_per_minute_per_host"
PER_HOST = "dicom.limits.max_associations_per_host"


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    folder = tmp_path_factory.mktemp("settings")
    data = folder / "data"
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    assert run(rampart, "user", "add", "tech", "--role", "technologist", "--data-dir", data).returncode == 0
    netserve.register(rampart, data, "HOLDER")
    return {"folder": folder, "data": data, "admin": token(rampart, data, "admin"), "tech": token(rampart, data, "tech")}


def token(rampart, data, user: str) -> str:
    result = run(rampart, "token", "issue", "--user", user, "--data-dir", data)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def api(site, server, method: str, who: str = "admin", **kwargs) -> requests.Response:
    base = netserve.dicomweb_url(server).rsplit("/dicomweb", 1)[0]
    return requests.request(method, base + "/api/settings", headers={"Authorization": f"Bearer {site[who]}"},
                            verify=str(site["data"] / "tls" / "ca.pem"), timeout=60, **kwargs)


def by_name(settings: list[dict]) -> dict[str, dict]:
    return {s["name"]: s for s in settings}


def live_statuses(server, ca, count: int) -> list[int]:
    base = netserve.dicomweb_url(server).rsplit("/dicomweb", 1)[0]
    with requests.Session() as session:
        return [session.get(base + "/health/live", verify=ca, timeout=60).status_code for _ in range(count)]


def association(server) -> object:
    ae = AE(ae_title="HOLDER")
    ae.add_requested_context(Verification)
    return ae.associate(server.host, server.port, ae_title=server.ae)


def test_settings_change_while_running_are_recorded_and_survive_a_restart(rampart, site):
    ca = str(site["data"] / "tls" / "ca.pem")
    with netserve.serve(rampart, site["data"], site["folder"] / "serve.log") as server:
        settings = by_name(api(site, server, "GET").json())
        assert settings[RATE] == {"name": RATE, "value": 6000, "description": settings[RATE]["description"], "minimum": 1,
                                  "maximum": 10_000_000, "source": "default"}
        assert set(settings) == {RATE, PER_HOST, "dicom.limits.max_associations", "dicom.limits.associations_per_minute_per_host",
                                 "query.case_insensitive_person_names"}
        assert api(site, server, "GET", "tech").status_code == 403
        assert 429 not in live_statuses(server, ca, 30)

        # One association per host: a second one waits for the first to end.
        changed = api(site, server, "PATCH", json={PER_HOST: 1, RATE: 20})
        assert changed.status_code == 200, changed.text
        assert by_name(changed.json())[PER_HOST]["value"] == 1 and by_name(changed.json())[RATE]["source"] == "changed at run time"
        first = association(server)
        assert first.is_established
        second = association(server)
        assert second.is_rejected
        first.release()
        third = association(server)
        assert third.is_established
        third.release()

        # 20 requests a minute after a burst of 20: the burst of 30 meets 429.
        statuses = live_statuses(server, ca, 30)
        assert statuses.count(429) >= 5 and statuses[0] == 200

    # A new process keeps what was changed.
    with netserve.serve(rampart, site["data"], site["folder"] / "serve2.log") as server:
        settings = by_name(api(site, server, "GET").json())
        assert settings[RATE]["value"] == 20 and settings[PER_HOST]["value"] == 1
        assert settings["dicom.limits.max_associations"]["source"] == "default"
        restored = api(site, server, "PATCH", json={PER_HOST: 16, RATE: 6000})
        assert restored.status_code == 200
    changes = [r["event"] for r in netserve.audit_events(rampart, site["data"], "--kind", "security-alert")
               if r["event"]["reason"].startswith("changed settings at run time")]
    assert [c["reason"] for c in changes] == [
        f"changed settings at run time: {PER_HOST} 16 -> 1; {RATE} 6000 -> 20",
        f"changed settings at run time: {PER_HOST} 1 -> 16; {RATE} 20 -> 6000",
    ]
    assert all(c["actor"]["name"] == "admin" and c["channel"] == "rest" and c.get("follows") for c in changes)


REFUSALS = [
    ({"dicom.port": 104}, "dicom.port cannot be changed at run time"),
    ({RATE: 0}, f"{RATE} must be from 1 to 10000000, not 0"),
    ({RATE: True}, f"{RATE} is a whole number"),
    ({"query.case_insensitive_person_names": 1}, "is true or false"),
    ({PER_HOST: 2, RATE: -1}, "must be from 1"),
    ({}, "names no setting"),
]


def test_a_wrong_value_is_refused_and_changes_nothing(rampart, site):
    with netserve.serve(rampart, site["data"], site["folder"] / "refused.log") as server:
        before = api(site, server, "GET").json()
        for body, named in REFUSALS:
            refused = api(site, server, "PATCH", json=body)
            assert refused.status_code == 400 and named in refused.json()["detail"], (body, refused.text)
        assert api(site, server, "GET").json() == before
