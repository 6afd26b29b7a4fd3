"""`rampart serve`'s metrics (`/metrics`, Prometheus text format) and health probes
(`/health/live`, `/health/ready`), over HTTPS.

Legacy AEs store, echo and query with DCMTK, a user queries DICOMweb, a technologist is refused
the user list; then a scraper's service account (role `monitoring`) reads the metrics, which
prometheus_client parses, and every count is checked against what was done: associations,
DIMSE operations and their statuses and timings, objects and bytes filed (the blob files'
sizes), storage use, HTTP requests by route, decisions allowed and denied, the legacy exceptions
configured and used, the audit log. The metrics hold no patient data. Without a credential the
metrics are 401, for a technologist 403; each read is recorded. The probes need no credential,
say nothing but the state, and readiness fails while the blob store cannot be written.
"""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

import netdata
import nethelpers as h
import netserve
from netserve import run

pytestmark = pytest.mark.net

IMAGES = 3


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    folder = tmp_path_factory.mktemp("metrics")
    data = folder / "data"
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    assert run(rampart, "user", "add", "tech", "--role", "technologist", "--data-dir", data).returncode == 0
    added = run(rampart, "service", "add", "scraper", "--role", "monitoring", "--data-dir", data)
    assert added.returncode == 0, added.stderr
    key = next(line.split()[2] for line in added.stdout.splitlines() if line.startswith("API key:"))
    for title in ("STORESCU", "FINDSCU", "ECHOSCU"):
        netserve.register(rampart, data, title)
    archive = netdata.make_archive(folder / "files", patients=1, studies=1, series=1, images=IMAGES)
    log = folder / "serve.log"
    with netserve.serve(rampart, data, log) as server:
        base = netserve.dicomweb_url(server).rsplit("/dicomweb", 1)[0]
        site = {"server": server, "data": data, "base": base, "ca": str(data / "tls" / "ca.pem"), "log": log, "archive": archive,
                "scraper": ("scraper", key), "admin": token(rampart, data, "admin"), "tech": token(rampart, data, "tech")}
        stored = h.storescu(server, *(i.path for i in archive.instances))
        assert stored.returncode == 0, stored.stderr
        assert h.echoscu(server).returncode == 0
        found, responses = h.findscu(server, folder / "find", "STUDY", "study", {"StudyInstanceUID": ""})
        assert found.returncode == 0 and len(responses) == 1
        assert get(site, "/dicomweb/studies", "admin").status_code == 200
        assert get(site, "/api/users", "tech").status_code == 403
        yield site


def token(rampart, data, user: str) -> str:
    result = run(rampart, "token", "issue", "--user", user, "--data-dir", data)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def get(site, path: str, who: str | None = None) -> requests.Response:
    headers = {}
    if who == "scraper":
        headers["Authorization"] = "Basic " + base64.b64encode(":".join(site["scraper"]).encode()).decode()
    elif who:
        headers["Authorization"] = f"Bearer {site[who]}"
    return requests.get(site["base"] + path, headers=headers, verify=site["ca"], timeout=60)


def scrape(site) -> dict[tuple[str, frozenset], float]:
    """The samples of /metrics as the scraper reads them: (name, labels) -> value."""
    response = get(site, "/metrics", "scraper")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def settled(site) -> dict:
    """A scrape once every association has ended (DCMTK exits on the release response; the
    server counts the end as it closes the connection, a moment later)."""
    deadline = time.monotonic() + 30
    while True:
        samples = scrape(site)
        if value(samples, "rampart_dicom_associations_active") == 0 or time.monotonic() > deadline:
            return samples
        time.sleep(0.1)


def test_the_metrics_count_what_was_done(site):
    samples = settled(site)
    assert value(samples, "rampart_dicom_associations_active") == 0
    assert value(samples, "rampart_dicom_associations_total", outcome="accepted", reason="") == 3
    assert value(samples, "rampart_dimse_operations_total", operation="C-STORE", status="success") == IMAGES
    assert value(samples, "rampart_dimse_operations_total", operation="C-ECHO", status="success") == 1
    assert value(samples, "rampart_dimse_operations_total", operation="C-FIND", status="success") == 1
    assert value(samples, "rampart_dimse_operation_duration_seconds_count", operation="C-FIND") == 1
    assert value(samples, "rampart_dimse_operation_duration_seconds_bucket", operation="C-STORE", le="+Inf") == IMAGES
    blob_bytes = sum(path.stat().st_size for path in netserve.blob_files(site["data"]).values())
    assert value(samples, "rampart_ingest_instances_total", outcome="stored") == IMAGES
    assert value(samples, "rampart_ingest_bytes_total") == blob_bytes
    assert value(samples, "rampart_storage_instances") == IMAGES
    assert value(samples, "rampart_storage_bytes") == blob_bytes
    assert value(samples, "rampart_storage_available_bytes") > 0
    assert value(samples, "rampart_http_requests_total", route="/dicomweb/studies", method="GET", status="200") == 1
    # Timed whatever the status: the self-scan's unauthenticated probe of the route (401) too.
    requests_of_route = sum(v for (name, labels), v in samples.items() if name == "rampart_http_requests_total"
                            and {("route", "/dicomweb/studies"), ("method", "GET")} <= labels)
    assert value(samples, "rampart_http_request_duration_seconds_count", route="/dicomweb/studies", method="GET") == requests_of_route
    assert value(samples, "rampart_access_decisions_total", channel="dimse", action="store", decision="allowed") == IMAGES
    assert value(samples, "rampart_access_decisions_total", channel="rest", action="administer", decision="denied") == 1
    assert value(samples, "rampart_legacy_exceptions_configured") == 3
    for title in ("STORESCU", "FINDSCU", "ECHOSCU"):
        assert value(samples, "rampart_legacy_admissions_total", ae=title) == 1, title
    assert value(samples, "rampart_audit_records") > 0
    assert value(samples, "rampart_audit_export_backlog_records") == 0


def test_the_metrics_hold_no_patient_data(site):
    text = get(site, "/metrics", "scraper").text
    for instance in site["archive"].instances:
        for keyword in ("PatientName", "PatientID", "AccessionNumber", "StudyInstanceUID", "SOPInstanceUID"):
            assert str(instance.attrs[keyword]) not in text, keyword


def test_the_grafana_dashboard_charts_only_metrics_the_server_exports(site):
    response = get(site, "/metrics", "scraper")
    exported = {family.name for family in text_string_to_metric_families(response.text)}
    # prometheus_client names a counter family without its _total suffix.
    exported |= {name + "_total" for name in exported}
    dashboard = json.loads((Path(__file__).resolve().parents[2] / "docs" / "grafana-dashboard.json").read_text())
    charted = {re.sub(r"_(bucket|count|sum)$", "", name) for panel in dashboard["panels"] for target in panel["targets"]
               for name in re.findall(r"rampart_[a-z_]+", target["expr"])}
    assert charted and charted <= exported, charted - exported


def test_reading_the_metrics_needs_the_monitor_action_and_is_recorded(rampart, site):
    assert get(site, "/metrics").status_code == 401
    assert get(site, "/metrics", "tech").status_code == 403
    assert get(site, "/metrics", "admin").status_code == 200
    reads = [r["event"] for r in netserve.decisions(rampart, site["data"]) if r["event"]["action"] == "monitor"]
    assert any(e["actor"]["name"] == "scraper" and e["outcome"] == 0 for e in reads)
    assert any(e["actor"]["name"] == "tech" and e["outcome"] != 0 for e in reads)


def test_the_probes_answer_without_a_credential_and_say_only_the_state(site):
    live = get(site, "/health/live")
    assert live.status_code == 200 and live.json() == {"status": "live"}
    ready = get(site, "/health/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}
    assert "Server" not in ready.headers and "rampart" not in ready.text.lower()


def test_readiness_fails_while_the_blob_store_cannot_be_written(site):
    blobs = netserve.blob_root(site["data"])
    moved = blobs.with_name("blobs-away")
    blobs.rename(moved)
    try:
        ready = get(site, "/health/ready")
        assert ready.status_code == 503 and ready.json() == {"status": "not ready", "failing": ["blob-store"]}
        assert get(site, "/health/live").status_code == 200
    finally:
        moved.rename(blobs)
    assert get(site, "/health/ready").json() == {"status": "ready"}
    # The process log says why, once per change.
    lines = site["log"].read_text().splitlines()
    failed = [n for n, line in enumerate(lines) if "readiness: not ready: blob-store: cannot write" in line]
    assert len(failed) == 1 and any(line.endswith("readiness: ready") for line in lines[failed[0] + 1:])
