"""Running `rampart serve` for the network tests: registering AEs, starting the server on a
free loopback port, killing it, and reading what it keeps in its data folder.

* `run(rampart, *args, check=False)`: a `rampart` command, output captured; `cheap_hash`: a
  low-cost password hash for accounts files a test writes.
* `register(rampart, data, title, port, host, role)`: `rampart ae add`; without a role the AE
  acts as `modality` (store and query), so a peer that retrieves needs one (a workstation's:
  `WORKSTATION`).
* `serve(rampart, data, log)`: a context that starts `rampart serve` and stops it (SIGTERM);
  `start(...)` starts one without a context, for tests that kill it themselves (`kill`).
* `recovery(log)`: the start-up recovery line serve printed to standard error, parsed.
* `blob_files(data)`: what the blob store holds (`<data>/archive/blobs/<study>/<series>/<sop>.dcm`),
  and `temporary_files(data)`: leftovers of interrupted writes.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

import netpeers
from netpeers import HOST, Peer, describe_run

RECOVERY = re.compile(r"rampart: recovery: removed (\d+) unindexed blobs and (\d+) temporary files; "
                      r"(\d+) indexed instances have no blob")


WORKSTATION = "radiologist"  # a role that stores, queries and retrieves, and sees everything


def run(rampart: Path, *args, check: bool = False, timeout: float = 60) -> subprocess.CompletedProcess:
    """`rampart ARGS` with its output captured as text; with `check`, asserts that it exited 0."""
    result = subprocess.run([str(rampart), *map(str, args)], capture_output=True, text=True, timeout=timeout, check=False)
    if check:
        assert result.returncode == 0, f"{args}: {result.stderr}"
    return result


def cheap_hash(password: str, salt: bytes) -> str:
    """A PHC scrypt string at a low cost (N=16), for accounts a test writes itself: the test spends
    its time in the server's decisions, not in scrypt. The server reads the cost from the string,
    as for any account."""
    digest = hashlib.scrypt(password.encode(), salt=salt, n=16, r=8, p=1, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode().rstrip("=")  # noqa: E731
    return f"$scrypt$ln=4,r=8,p=1${b64(salt)}${b64(digest)}"


def audit_events(rampart: Path, data: Path, *criteria: str) -> list[dict]:
    """The audit log's events, oldest first, as `rampart audit query --format json` prints them:
    dicts with "sequence" and "event"."""
    out = run(rampart, "audit", "query", "--data-dir", data, "--format", "json", "--limit", "1000000", *criteria, check=True)
    return json.loads(out.stdout)


def decisions(rampart: Path, data: Path) -> list[dict]:
    """The gate's decisions among the events: each has an action and follows nothing."""
    return [e for e in audit_events(rampart, data) if e["event"].get("action") and e["event"].get("follows") is None]


def decisions_text(rampart: Path, data: Path) -> str:
    """The decisions one per line, tab-separated: time, allow | deny | break-the-glass, the
    principal ("user NAME", "service NAME", "AE TITLE", "local operator", "anonymous"), channel,
    peer, action, patients and studies, reason."""
    names = {"ae": "AE", "operator": "local operator", "anonymous": "anonymous", "user": "user", "service": "service"}
    lines = []
    for recorded in decisions(rampart, data):
        e = recorded["event"]
        verdict = "deny" if e["outcome"] != 0 else ("break-the-glass" if e.get("brokeTheGlass") else "allow")
        actor = e["actor"]
        principal = names[actor["kind"]] + (f" {actor['name']}" if actor["name"] else "")
        subjects = " ".join(f"{s['kind']} {s['id']}" for s in e.get("subjects", []) if s["kind"] != "query")
        lines.append("\t".join([e["time"], verdict, principal, e["channel"], e["source"]["address"], e["action"], subjects, e["reason"]]))
    return "\n".join(lines) + "\n"


def assert_patients_named_by_id_only(identifiers: dict[str, str], process_log: str, decisions: str) -> None:
    """The audit log names a patient by Patient ID, the key a privacy officer asks by, and by
    nothing else of `identifiers` (keyword -> value); the process log names none of them."""
    for keyword, value in identifiers.items():
        assert value not in process_log, f"{keyword} in the process log"
        assert keyword == "PatientID" or value not in decisions, f"{keyword} in the audit log"


def register(rampart: Path, data: Path, title: str, port: int = 104, host: str = HOST, role: str | None = None) -> None:
    roles = ["--role", role] if role else []
    result = subprocess.run([str(rampart), "ae", "add", title, "--host", host, "--port", str(port), "--data-dir", str(data), *roles],
                            capture_output=True, timeout=30, check=False)
    assert result.returncode == 0, describe_run(result)


def start(rampart: Path, data: Path, log: Path, *, tls: bool = False, lifetime: float = netpeers.LIFETIME) -> Peer:
    """`rampart serve --data-dir data` on a free port, once it listens; stderr goes to `log`.
    With `tls` (a folder `rampart init` set up) also DICOM TLS on another free port, in
    `peer.extra["tls_port"]`; without, no TLS listener. DICOMweb listens on a third free port,
    `peer.extra["http_port"]` (HTTPS when the folder has a certificate, `http_url(peer)`)."""
    port = netpeers.free_port()
    tls_port = netpeers.free_port() if tls else 0
    http_port = netpeers.free_port()
    cmd = [str(rampart), "serve", "--data-dir", str(data), "--dicom-port", str(port), "--dicom-tls-port", str(tls_port),
           "--http-port", str(http_port)]
    proc = netpeers.spawn(cmd, log=log, lifetime=lifetime)
    try:
        netpeers.wait_for_port(proc, port, "rampart serve", log)
        if tls:
            netpeers.wait_for_port(proc, tls_port, "rampart serve (TLS)", log)
        netpeers.wait_for_port(proc, http_port, "rampart serve (DICOMweb)", log)
        wait_for_self_scan(proc, log)
    except BaseException:
        netpeers.stop_process(proc)
        raise
    return Peer("rampart serve", HOST, port, "RAMPART", proc, log, data, extra={"tls_port": tls_port, "http_port": http_port})


SELF_SCAN = "self-scan of its own listeners and configuration: "
SELF_SCAN_OFF = "self-scan at start-up is off"


def wait_for_self_scan(proc, log: Path, timeout: float = netpeers.STARTUP_TIMEOUT) -> str:
    """Wait for serve's start-up self-scan to finish (its summary in the log), so that its probes
    (refused associations and requests, in the audit log) come before anything a test does;
    the summary, or "off" when `self_scan.at_start` is false."""
    deadline = time.monotonic() + timeout
    while True:
        text = log.read_text(errors="replace") if log.is_file() else ""
        if SELF_SCAN in text:
            return text.split(SELF_SCAN, 1)[1].split("\n", 1)[0]
        if SELF_SCAN_OFF in text:
            return "off"
        if proc.poll() is not None:
            raise netpeers.PeerError(f"rampart serve exited before its self-scan finished: {text[-2000:]!r}")
        if time.monotonic() > deadline:
            raise netpeers.PeerError(f"rampart serve's self-scan did not finish in {timeout:.0f} s: {text[-2000:]!r}")
        time.sleep(0.05)


def dicomweb_url(peer: Peer) -> str:
    """The DICOMweb base URL of a server `start` started: HTTPS when its data folder has a
    certificate (`rampart init` made one), which clients check against the folder's tls/ca.pem."""
    scheme = "https" if (peer.folder / "tls" / "server.pem").exists() else "http"
    return f"{scheme}://{HOST}:{peer.extra['http_port']}/dicomweb"


@contextlib.contextmanager
def serve(rampart: Path, data: Path, log: Path, *, tls: bool = False, lifetime: float = netpeers.LIFETIME):
    peer = start(rampart, data, log, tls=tls, lifetime=lifetime)
    try:
        yield peer
    finally:
        peer.stop()


def kill(peer: Peer) -> None:
    """SIGKILL the server's process group (our own child: serve and its timeout wrapper), and
    reap it. Nothing gets the chance to finish: a crash at this instant."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(peer.proc.pid, signal.SIGKILL)
    peer.proc.wait(netpeers.STOP_TIMEOUT)
    peer.stop()  # closes the pipes; the group is gone already


@dataclass(frozen=True)
class Recovery:
    orphans_removed: int
    temporary_removed: int
    missing_blobs: int


def recovery(log: Path) -> Recovery | None:
    """What serve's start-up recovery reported in `log` (None: a clean start, nothing printed)."""
    text = log.read_text(errors="replace") if log.is_file() else ""
    found = RECOVERY.search(text)
    return Recovery(*(int(n) for n in found.groups())) if found else None


def blob_root(data: Path) -> Path:
    return Path(data) / "archive" / "blobs"


def blob_files(data: Path) -> dict[str, Path]:
    """SOP Instance UID -> blob file, from the names (`<sop>.dcm`) below the blob root."""
    return {path.name[: -len(".dcm")]: path for path in blob_root(data).glob("*/*/*.dcm") if not path.name.startswith(".")}


def temporary_files(data: Path) -> list[Path]:
    return sorted(path for path in blob_root(data).rglob(".*") if path.is_file())


class SourceAddressAdapter(requests.adapters.HTTPAdapter):
    """HTTP connections from a chosen loopback address (policy network conditions, per-host limits)."""

    def __init__(self, source: str):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)
