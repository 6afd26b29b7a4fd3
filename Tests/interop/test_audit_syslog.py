"""`rampart serve` exports its audit log to a real collector: Debian's rsyslogd, started by the
test on loopback.

* TLS (RFC 5425): rsyslogd's imtcp with the gtls driver, its server certificate issued (with
  openssl) from the data folder's local CA, and mutual TLS (authmode x509/name: it accepts only
  Rampart's client certificate, from the same CA, by name). DCMTK makes accesses (C-ECHO,
  C-STORE, C-FIND); each one's audit messages appear in the collector's file, RFC 5424 framed,
  MSGID the event kind, `[rampart@32473 seq="N"]` the record's number (32473 is IANA's example
  enterprise number), MSG the DICOM audit message (PS3.15 A.5), valid against the A.5.1
  schema. DICOMweb accesses (a QIDO-RS search with a token, and a request without a credential)
  arrive too, each record of channel dicomweb as its own message of the same kind, the search's
  disclosure naming the channel in its objects' details. Then rsyslogd stops, accesses go on,
  it starts again: every record of the log arrives exactly once and in order.
* UDP (RFC 5426): rsyslogd's imudp receives the same messages, one per datagram.

The file template is `%rawmsg%`: the message as received, header and MSG untouched. The
record count comes from the audit log itself (`<data>/audit/audit.sqlite`, read-only).
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import requests
from lxml import etree

import auditschema
import netserve
import netdata
import nethelpers as h
import netpeers
import rampart_cli
from netpeers import HOST, describe_run
from netserve import register, serve

pytestmark = pytest.mark.net

RSYSLOGD = Path("/usr/sbin/rsyslogd")
GTLS_DRIVER = sorted(Path("/usr/lib").glob("*/rsyslog/lmnsd_gtls.so"))
CLIENT_NAME = "rampart-audit"  # the CN of Rampart's client certificate, rsyslogd's PermittedPeer
HEADER = re.compile(r'^<(\d+)>1 (\S+) (\S+) rampart (\S+) (\S+) \[rampart@32473 seq="(\d+)"\] \ufeff(.*)$')
DELIVERY_TIMEOUT = 90  # s: the exporter's backoff tops out at 30 s

needs_rsyslog = pytest.mark.skipif(not RSYSLOGD.exists() or not GTLS_DRIVER,
                                   reason="rsyslog and rsyslog-gnutls are not installed (Scripts/install-deps.sh installs them)")


def openssl(*args) -> None:
    result = subprocess.run(["/usr/bin/openssl", *map(str, args)], capture_output=True, timeout=60, check=False)
    assert result.returncode == 0, describe_run(result)


def issue(data: Path, out: Path, name: str, *, server: bool) -> tuple[Path, Path]:
    """A certificate for `name` from the data folder's local CA (tls/ca.pem, tls/ca-key.pem)."""
    key, csr, cert, ext = (out / f"{name}-key.pem", out / f"{name}.csr", out / f"{name}.pem", out / f"{name}.ext")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={name}")
    usage = "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" if server else f"subjectAltName=DNS:{name}\nextendedKeyUsage=clientAuth\n"
    ext.write_text(usage)
    openssl("x509", "-req", "-in", csr, "-CA", data / "tls" / "ca.pem", "-CAkey", data / "tls" / "ca-key.pem", "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", ext)
    return cert, key


class Rsyslogd:
    """rsyslogd -n -f CONF -i PIDFILE on 127.0.0.1:port, writing each message as received to `output`."""

    def __init__(self, folder: Path, port: int, *, tls: dict[str, Path] | None):
        self.folder, self.port, self.output, self.tls = folder, port, folder / "received.log", tls
        self.proc: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)
        self.conf = folder / "rsyslog.conf"
        if tls:
            listener = (f'global(DefaultNetstreamDriverCAFile="{tls["ca"]}" DefaultNetstreamDriverCertFile="{tls["cert"]}" '
                        f'DefaultNetstreamDriverKeyFile="{tls["key"]}")\n'
                        f'module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.Authmode="x509/name" '
                        f'PermittedPeer=["{CLIENT_NAME}"])\n'
                        f'input(type="imtcp" address="{HOST}" port="{port}" ruleset="audit")\n')
        else:
            listener = f'module(load="imudp")\ninput(type="imudp" address="{HOST}" port="{port}" ruleset="audit")\n'
        # Audit messages (PS3.15 XML) are longer than syslog's 8 KiB default.
        self.conf.write_text(
            f'global(workDirectory="{folder}" maxMessageSize="64k")\n' + listener
            + 'template(name="raw" type="string" string="%rawmsg%\\n")\n'
            + f'ruleset(name="audit") {{ action(type="omfile" file="{self.output}" template="raw") }}\n')

    def start(self) -> None:
        self.proc = netpeers.spawn([RSYSLOGD, "-n", "-f", self.conf, "-i", self.folder / "rsyslogd.pid"], log=self.folder / "rsyslogd.err")
        deadline = time.monotonic() + netpeers.STARTUP_TIMEOUT
        while not self._listening():
            assert self.proc.poll() is None, f"rsyslogd exited: {(self.folder / 'rsyslogd.err').read_text(errors='replace')}"
            assert time.monotonic() < deadline, f"rsyslogd does not listen on {self.port}"
            time.sleep(0.05)

    def _listening(self) -> bool:
        if self.tls:
            return self.port in netpeers._listening_ports()
        lines = Path("/proc/net/udp").read_text().splitlines()[1:]
        return any(int(line.split()[1].rsplit(":", 1)[1], 16) == self.port for line in lines)

    def stop(self) -> None:
        if self.proc:
            netpeers.stop_process(self.proc)
            self.proc = None

    def messages(self) -> list[re.Match]:
        """Each line of the output file, parsed; an unparsable line fails the test."""
        if not self.output.exists():
            return []
        parsed = []
        for line in self.output.read_text(encoding="utf-8", errors="replace").splitlines():
            match = HEADER.match(line)
            assert match, f"not an RFC 5424 message from rampart: {line[:300]!r}"
            parsed.append(match)
        return parsed

    def sequences(self) -> list[int]:
        return [int(m.group(6)) for m in self.messages()]


def last_sequence(data: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{data / 'audit' / 'audit.sqlite'}?mode=ro", uri=True, timeout=10)) as db:
        return db.execute("SELECT coalesce(max(seq), 0) FROM event").fetchone()[0]


def records(data: Path) -> list[dict]:
    """Every record of the audit log as {"sequence", "event"}, read like `last_sequence`: not with
    `rampart audit query`, which would append a record of its own while the server exports."""
    with contextlib.closing(sqlite3.connect(f"file:{data / 'audit' / 'audit.sqlite'}?mode=ro", uri=True, timeout=10)) as db:
        return [{"sequence": seq, "event": json.loads(record)} for seq, record in db.execute("SELECT seq, record FROM event ORDER BY seq")]


def wait_for_all(collector: Rsyslogd, data: Path, server) -> list[int]:
    """Waits (bounded) until the collector holds as many messages as the log has records."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while len(collector.sequences()) < last_sequence(data) and time.monotonic() < deadline:
        time.sleep(0.1)
    return collector.sequences()


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def site(rampart: Path, folder: Path, port: int, transport: str) -> Path:
    """An initialized data folder exporting to 127.0.0.1:port, with the AEs the accesses use."""
    data = folder / "data"
    result = rampart_cli.run(rampart, "init", "--data-dir", data)
    assert result.returncode == 0, rampart_cli.describe(result)
    settings = f"audit:\n  syslog:\n    host: {HOST}\n    port: {port}\n    transport: {transport}\n    facility: 13\n"
    if transport == "tls":
        issue(data, data / "tls", CLIENT_NAME, server=False)
        settings += (f"    ca: tls/ca.pem\n    certificate: tls/{CLIENT_NAME}.pem\n    private_key: tls/{CLIENT_NAME}-key.pem\n")
    config = data / "rampart.yaml"
    config.write_text(config.read_text() + "\n" + settings)
    for title in ("ECHOSCU", "STORESCU", "FINDSCU"):
        register(rampart, data, title)
    netserve.run(rampart, "user", "add", "rad", "--role", "radiologist", "--data-dir", data, check=True)
    return data


def web_accesses(rampart: Path, server, data: Path) -> None:
    """A QIDO-RS search with a radiologist's token and a search without any credential (refused
    with a 401), over HTTPS checked against the data folder's CA."""
    issued = netserve.run(rampart, "token", "issue", "--user", "rad", "--data-dir", data)
    assert issued.returncode == 0, issued.stderr
    url, ca = netserve.dicomweb_url(server) + "/studies", str(data / "tls" / "ca.pem")
    found = requests.get(url, params={"PatientID": "*"}, headers={"Authorization": f"Bearer {issued.stdout.strip()}"}, verify=ca, timeout=30)
    assert found.status_code == 200 and found.json(), found.text[:300]
    assert requests.get(url, verify=ca, timeout=30).status_code == 401


def channel_details(message: str) -> set[str]:
    """The values of the "Channel" ParticipantObjectDetails of an audit message (base64 in the XML)."""
    document = etree.fromstring(message.encode("utf-8"))
    return {base64.b64decode(d.get("value")).decode() for d in document.iter("ParticipantObjectDetail") if d.get("type") == "Channel"}


def assert_dicomweb_records_arrived(data: Path, messages: list[re.Match]) -> None:
    """Each record of channel dicomweb in the local log is a collector message of the same
    sequence number and kind: the search decided and allowed, its disclosure naming channel
    dicomweb, and the anonymous request refused."""
    by_sequence = {int(m.group(6)): m for m in messages}
    web = [r for r in records(data) if r["event"]["channel"] == "dicomweb"]
    for record in web:
        message = by_sequence[record["sequence"]]
        assert message.group(5) == record["event"]["kind"], (record, message.group(0)[:300])
        outcome = etree.fromstring(message.group(7).encode("utf-8")).find("EventIdentification").get("EventOutcomeIndicator")
        assert int(outcome) == record["event"]["outcome"], message.group(0)[:300]
    events = [r["event"] for r in web]
    assert any(e["kind"] == "query" and e.get("action") == "query" and e["outcome"] == 0 for e in events), events
    refused = [e for e in events if e["kind"] == "user-authentication" and e["actor"]["kind"] == "anonymous" and e["outcome"] != 0]
    assert refused, events
    disclosures = [r for r in web if r["event"]["kind"] == "patient-record"]
    assert disclosures, events
    for record in disclosures:
        assert channel_details(by_sequence[record["sequence"]].group(7)) == {"dicomweb"}


def accesses(server, files: list[Path], folder: Path) -> None:
    """A C-ECHO association, a C-STORE of `files` and a C-FIND, by DCMTK."""
    result = h.echoscu(server)
    assert result.returncode == 0, describe_run(result)
    result = h.storescu(server, *files)
    assert result.returncode == 0, describe_run(result)
    result, _ = h.findscu(server, folder, "STUDY", "study", {"StudyInstanceUID": ""})
    assert result.returncode == 0, describe_run(result)


@needs_rsyslog
def test_audit_reaches_rsyslog_over_tls_exactly_once_in_order_across_a_collector_restart(rampart, tmp_path):
    port = netpeers.free_port()
    data = site(rampart, tmp_path, port, "tls")
    cert, key = issue(data, tmp_path, "collector", server=True)
    collector = Rsyslogd(tmp_path / "rsyslog", port, tls={"ca": data / "tls" / "ca.pem", "cert": cert, "key": key})
    files = netdata.make_bulk(tmp_path / "bulk", 4, size=4096)
    collector.start()
    try:
        with serve(rampart, data, tmp_path / "serve.log") as server:
            accesses(server, files[:2], tmp_path / "find")
            web_accesses(rampart, server, data)
            received = wait_for_all(collector, data, server)
            assert received == list(range(1, last_sequence(data) + 1)), server.log_text()
            messages = collector.messages()
            kinds = {m.group(5) for m in messages}
            # The start, the associations' sign-ins, what was stored and what was asked.
            for kind in ("application-activity", "user-authentication", "instances-transferred", "query"):
                assert kind in kinds, f"no {kind} message among {sorted(kinds)}"
            for m in messages:
                assert int(m.group(1)) // 8 == 13, m.group(0)[:200]
                # MSG is the record's DICOM audit message, valid against the PS3.15 A.5.1 schema.
                assert not auditschema.validate_audit_xml(m.group(7)), m.group(0)[:300]
            assert_dicomweb_records_arrived(data, messages)
            before = last_sequence(data)

            # The collector goes away mid-run; accesses go on and are recorded.
            collector.stop()
            accesses(server, files[2:], tmp_path / "find")
            assert last_sequence(data) > before
            collector.start()
            received = wait_for_all(collector, data, server)
            assert received == list(range(1, last_sequence(data) + 1)), (
                f"expected 1..{last_sequence(data)} once each, got {received}\n{server.log_text()}")
            assert "the collector closed the connection" in server.log_text(limit=1_000_000)
    finally:
        collector.stop()


@needs_rsyslog
def test_audit_reaches_rsyslog_over_udp(rampart, tmp_path):
    port = free_udp_port()
    data = site(rampart, tmp_path, port, "udp")
    collector = Rsyslogd(tmp_path / "rsyslog", port, tls=None)
    collector.start()
    try:
        with serve(rampart, data, tmp_path / "serve.log") as server:
            result = h.echoscu(server)
            assert result.returncode == 0, describe_run(result)
            received = wait_for_all(collector, data, server)
            assert received == list(range(1, last_sequence(data) + 1)), server.log_text()
            assert "user-authentication" in {m.group(5) for m in collector.messages()}
    finally:
        collector.stop()
