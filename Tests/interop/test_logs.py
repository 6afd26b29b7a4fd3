"""`rampart serve`'s log on standard error in the formats a log collector reads (`logging.format`
in rampart.yaml: json, logfmt), at the level asked (`logging.level`).

With JSON: every line is one JSON object with time (RFC 3339, UTC), level and message; the lines
of one DICOM association carry its ID (`association`), different for each association, and
those of an HTTP request the request's ID (`request`), which the response returns in
X-Request-ID: the one a proxy sent when it is a plain token, else one of Rampart's, so that a
forged header cannot write into the log. With logfmt at level warning: every line is key=value
pairs, and at level notice the info lines (an association accepted) are left out while the
notice ones (an association refused) stay. A wrong
format is refused at start with the key named. No line names a patient (test_process_log.py
checks every log of the run for that).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import requests

import netdata
import nethelpers as h
import netserve
from netserve import run

pytestmark = pytest.mark.net

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def configure(rampart, folder: Path, **logging: str) -> Path:
    data = folder / "data"
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    config = data / "rampart.yaml"
    text = config.read_text()
    for key, value in logging.items():
        text, count = re.subn(rf"(?m)^(  {key}:) \S+$", rf"\1 {value}", text)
        assert count == 1, f"rampart.yaml has no logging.{key}"
    config.write_text(text)
    netserve.register(rampart, data, "STORESCU")
    return data


def test_json_lines_name_their_association_and_request(rampart, tmp_path):
    data = configure(rampart, tmp_path, format="json")
    archive = netdata.make_archive(tmp_path / "files", patients=1, studies=1, series=1, images=2)
    log = tmp_path / "serve.log"
    with netserve.serve(rampart, data, log) as server:
        assert h.storescu(server, *(i.path for i in archive.instances)).returncode == 0
        assert h.echoscu(server, calling="STRANGER").returncode != 0
        base = netserve.dicomweb_url(server)
        ca = str(data / "tls" / "ca.pem")
        relayed = requests.get(base + "/studies", headers={"X-Request-ID": "proxy-7f3a.1"}, verify=ca, timeout=30)
        forged = requests.get(base + "/studies", headers={"X-Request-ID": "a b\tc"}, verify=ca, timeout=30)
        own = requests.get(base + "/studies", verify=ca, timeout=30)
        server.stop()
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records and all(TIME.match(r["time"]) and r["level"] in ("info", "notice", "warning", "error") and r["message"] for r in records)
    accepted = [r for r in records if r["message"].startswith("association STORESCU@") and "accepted" in r["message"]]
    refused = [r for r in records if r["message"].startswith("association STRANGER@") and "rejected" in r["message"]]
    assert len(accepted) == 1 and accepted[0]["level"] == "info"
    assert len(refused) == 1 and refused[0]["level"] == "notice"
    assert re.fullmatch(r"[0-9a-f]{16}", accepted[0]["association"]) and accepted[0]["association"] != refused[0]["association"]
    assert relayed.status_code == forged.status_code == own.status_code == 401
    assert relayed.headers["X-Request-ID"] == "proxy-7f3a.1"
    assert re.fullmatch(r"[0-9a-f]{16}", forged.headers["X-Request-ID"]) and re.fullmatch(r"[0-9a-f]{16}", own.headers["X-Request-ID"])
    assert "a b" not in log.read_text()


def test_logfmt_at_level_notice_leaves_out_info(rampart, tmp_path):
    data = configure(rampart, tmp_path, format="logfmt", level="notice")
    log = tmp_path / "serve.log"
    with netserve.serve(rampart, data, log) as server:
        assert h.echoscu(server, calling="STORESCU").returncode == 0
        assert h.echoscu(server, calling="STRANGER").returncode != 0
        server.stop()
    lines = log.read_text().splitlines()
    for line in lines:
        pairs = dict(part.split("=", 1) for part in shlex.split(line))
        assert TIME.match(pairs["time"]) and pairs["level"] in ("notice", "warning", "error") and pairs["msg"], line
    assert not any("association STORESCU@" in line for line in lines)
    refused = [dict(part.split("=", 1) for part in shlex.split(line)) for line in lines if "association STRANGER@" in line]
    assert len(refused) == 1 and re.fullmatch(r"[0-9a-f]{16}", refused[0]["association"])


def test_an_unknown_format_is_refused_naming_the_key(rampart, tmp_path):
    data = configure(rampart, tmp_path, format="xml")
    result = run(rampart, "serve", "--data-dir", data, "--dicom-port", "0", "--http-port", "0", timeout=30)
    assert result.returncode == 78
    assert "logging.format: xml is not one of text, json, logfmt" in result.stderr
