"""Association limits of `rampart serve` (dicom.limits in rampart.yaml), with pynetdicom as the
peer: over a limit the A-ASSOCIATE-RQ gets A-ASSOCIATE-RJ rejected-transient (2), source
service-provider presentation (3), reason local-limit-exceeded (2) (PS3.8 9.3.4), the log names
the host and the limit, and the associations already open go on working. Loopback is not exempt.
Each refusal is counted in the audit log as a security alert, coalesced: per host and limit, the
first at once and then at most one record a minute with the count since the previous one (the
rest when serve stops), so a flood of connections writes a few records, not one each.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pynetdicom import AE
from pynetdicom.sop_class import Verification

import nethelpers as h
from netpeers import HOST
from netserve import audit_events, register, run, serve

pytestmark = pytest.mark.net

LOCAL_LIMIT_EXCEEDED = (2, 3, 2)
OTHER_HOST = "127.0.0.2"


def site(rampart: Path, data: Path, limits: dict[str, int]) -> None:
    """A data folder with these limits and two AEs: LIMITS from 127.0.0.1, OTHER from 127.0.0.2.
    No self-scan at start: its probes come from 127.0.0.1 too and would count against the limits."""
    data.mkdir()
    (data / "rampart.yaml").write_text("self_scan:\n  at_start: false\ndicom:\n  limits:\n"
                                       + "".join(f"    {key}: {value}\n" for key, value in limits.items()))
    register(rampart, data, "LIMITS", host=HOST)
    register(rampart, data, "OTHER", host=OTHER_HOST)


def limit_alerts(rampart: Path, data: Path, setting: str) -> list[dict]:
    """The audit log's association-limit alerts for `setting`, oldest first (events only)."""
    return [e["event"] for e in audit_events(rampart, data, "--kind", "security-alert")
            if e["event"].get("type") == "association-limit-exceeded" and f"({setting})" in e["event"]["reason"]]


def check_alerts(alerts: list[dict], host: str, refused: int, minutes: int) -> None:
    """`refused` connections from `host` in `minutes` (rounded up) are in the records: the first
    alone, then at most one a minute and one at shutdown, each with its count."""
    assert alerts, "no association-limit alert in the audit log"
    assert {a["source"]["address"] for a in alerts} == {host}, alerts
    assert alerts[0]["occurrences"] == 1 and alerts[0]["outcome"] == 4 and alerts[0]["channel"] == "dimse", alerts[0]
    assert sum(a["occurrences"] for a in alerts) == refused, alerts
    assert len(alerts) <= 2 + minutes, f"{len(alerts)} records for {refused} refusals in {minutes} minute(s)"


def echo_ae(title: str = "LIMITS") -> AE:
    ae = AE(ae_title=title)
    ae.add_requested_context(Verification)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 20
    return ae


def test_a_third_concurrent_association_from_a_host_limited_to_two_is_refused(rampart, tmp_path):
    data = tmp_path / "data"
    site(rampart, data, {"max_associations_per_host": 2})
    with serve(rampart, data, tmp_path / "serve.log") as server:
        first, second = h.associate(echo_ae(), server), h.associate(echo_ae(), server)
        try:
            assert first.is_established and second.is_established, server.log_text()
            outcomes = h.rejection_outcomes(echo_ae, server)
            assert outcomes[-1] == LOCAL_LIMIT_EXCEEDED
            # Another host has its own count.
            other = h.associate(echo_ae("OTHER"), server, bind_address=(OTHER_HOST, 0))
            assert other.is_established, h.association_outcome(other)
            other.release()
            assert first.send_c_echo().Status == 0x0000 and second.send_c_echo().Status == 0x0000
        finally:
            first.release()
            second.release()
        assert "rejected: 2 associations from 127.0.0.1 are open, the limit per host (max_associations_per_host)" in server.log_text(20_000)
    # Every attempt was refused (the two stay open); serve has stopped, its last count is written.
    check_alerts(limit_alerts(rampart, data, "max_associations_per_host"), HOST, len(outcomes), minutes=1)


def test_a_flood_of_refused_connections_is_a_few_alerts_with_the_count(rampart, tmp_path):
    data = tmp_path / "data"
    site(rampart, data, {"max_associations_per_host": 1})
    flood = 40
    with serve(rampart, data, tmp_path / "serve.log") as server:
        began = time.monotonic()
        held = h.associate(echo_ae(), server)
        try:
            assert held.is_established, h.association_outcome(held)
            for n in range(flood):
                sock = h.connect(server)
                try:
                    sock.sendall(h.a_associate_rq(server.ae, "LIMITS"))
                    pdu_type, body = h.read_pdu(sock)
                    assert pdu_type == 0x03 and tuple(body[1:4]) == LOCAL_LIMIT_EXCEEDED, f"connection {n}: {pdu_type:#04x} {body.hex()}"
                finally:
                    sock.close()
        finally:
            held.release()
        minutes = int((time.monotonic() - began) // 60) + 1
    check_alerts(limit_alerts(rampart, data, "max_associations_per_host"), HOST, flood, minutes)
    # The anomaly report counts the refusals the records stand for, not the records.
    report = run(rampart, "audit", "report", "anomalies", "--data-dir", data, "--denials", str(flood), check=True)
    assert f"{flood} refused accesses in the period" in report.stdout, report.stdout


def test_associations_beyond_the_rate_are_refused_and_another_address_still_gets_in(rampart, tmp_path):
    data = tmp_path / "data"
    rate = 3
    site(rampart, data, {"associations_per_minute_per_host": rate})
    with serve(rampart, data, tmp_path / "serve.log") as server:
        for n in range(rate):
            assoc = h.associate(echo_ae(), server)
            assert assoc.is_established, f"association {n + 1} of {rate}: {h.association_outcome(assoc)}"
            assoc.release()
        # The next within the minute: the bucket refills one association every 20 s.
        outcomes = h.rejection_outcomes(echo_ae, server)
        assert outcomes[-1] == LOCAL_LIMIT_EXCEEDED
        other = h.associate(echo_ae("OTHER"), server, bind_address=(OTHER_HOST, 0))
        assert other.is_established, h.association_outcome(other)
        other.release()
        log = server.log_text(20_000)
    assert "127.0.0.1 is opening associations faster than 3 a minute, the limit per host (associations_per_minute_per_host)" in log
    alerts = limit_alerts(rampart, data, "associations_per_minute_per_host")
    # A refill (every 20 s) may let a repeated attempt in: only the refused ones count.
    check_alerts(alerts, HOST, sum(1 for o in outcomes if o != "established"), minutes=1)
