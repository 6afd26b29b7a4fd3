"""The DICOM network peers of the network tests, and their pytest fixtures.

Each peer runs as a subprocess with a bounded life (`/usr/bin/timeout`, and
SIGTERM when the test process dies) in its own process group, is waited for
with a deadline, and is stopped (SIGTERM, then SIGKILL) when its context ends:

* `rampart_test_scp(binary, folder, ...)`: the Rampart test SCP
  ($RAMPART_TEST_SCP, default .build/debug/rampart-test-scp); ready when it prints
  `listening HOST:PORT`.
* `storescp(folder, ...)`: DCMTK's /usr/bin/storescp writing into a folder, plain
  or TLS (`+tls`).
* `dcmqrscp(folder, files, ...)`: DCMTK's /usr/bin/dcmqrscp over a storage area
  indexed with /usr/bin/dcmqridx, with move destinations in its HostTable.
* `pynetdicom_scp(folder, ...)`: net_pynetdicom_scp.py, a pynetdicom Storage and
  Query/Retrieve SCP with the same command line and readiness line as the test SCP.

DCMTK's tools always run from /usr/bin (the venv has pynetdicom's console scripts
of the same names) with TCP_NODELAY=1 in their environment.

Fixtures: `net_archive`, `net_variety` (netdata), `tls_material` (nettls),
`rampart_test_scp_binary`, and `peers` / `module_peers`, pools that start peers
for a test (or a module) and stop them all afterwards.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import random
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pydicom
import pytest

import netdata
import processlogs
import nettls

HOST = "127.0.0.1"
LIFETIME = 900  # seconds: no peer outlives a hung test run by more than this
STARTUP_TIMEOUT = 30
STOP_TIMEOUT = 10
TIMEOUT_TOOL = "/usr/bin/timeout"
DCMTK_BIN = Path("/usr/bin")
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PYNETDICOM_SCP = HERE / "net_pynetdicom_scp.py"
LISTENING = re.compile(r"^listening (\S+):(\d+)\s*$")


class PeerError(RuntimeError):
    pass


def dcmtk(tool: str) -> str:
    path = DCMTK_BIN / tool
    if not os.access(path, os.X_OK):
        raise PeerError(f"{path} is missing: install DCMTK (apt-get install dcmtk; Scripts/install-deps.sh does)")
    return str(path)


def dcmtk_env() -> dict:
    env = dict(os.environ)
    env["TCP_NODELAY"] = "1"
    return env


_PORTS_HANDED_OUT: set[int] = set()


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now, from below the
    kernel's ephemeral range and never the same twice in this process. A port bind(0) picks is
    an ephemeral one, which any outgoing connection (a client's, PostgreSQL's) may take before
    the server binds it, and keep: CI once saw a storescp fail with "Address already in use"."""
    low = min(_ephemeral_low(), 32768)
    rng = random.SystemRandom()
    for _ in range(500):
        port = rng.randrange(max(1024, low - 12000), low)
        if port in _PORTS_HANDED_OUT:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
        _PORTS_HANDED_OUT.add(port)
        return port
    raise PeerError(f"no free TCP port on {HOST} between {max(1024, low - 12000)} and {low}")


def run_dcmtk(tool: str, *args, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a DCMTK command line tool (from /usr/bin, TCP_NODELAY=1) to its end."""
    return subprocess.run([dcmtk(tool), *map(str, args)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=dcmtk_env(), cwd=cwd, timeout=timeout, check=False)


def describe_run(result: subprocess.CompletedProcess, limit: int = 1500) -> str:
    out = (result.stdout or b"").decode("utf-8", "replace")
    err = (result.stderr or b"").decode("utf-8", "replace")
    return f"exit {result.returncode}; stdout: {out[-limit:]!r}; stderr: {err[-limit:]!r}"


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class Peer:
    """A running peer: where it listens, its AE title, its log and its folders."""

    name: str
    host: str
    port: int
    ae: str
    proc: subprocess.Popen
    log: Path
    folder: Path
    store_dir: Path | None = None
    extra: dict = field(default_factory=dict)
    _stdout_tail: bytearray = field(default_factory=bytearray)

    def log_text(self, limit: int = 3000) -> str:
        try:
            data = self.log.read_bytes()
        except OSError:
            return ""
        text = data.decode("utf-8", "replace")
        return text if len(text) <= limit else "…" + text[-limit:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        stop_process(self.proc)

    def received(self) -> dict[str, Path]:
        """SOP Instance UID -> file, for the Part 10 files in store_dir."""
        return read_folder(self.store_dir) if self.store_dir else {}

    def __str__(self) -> str:
        return f"{self.name} {self.ae}@{self.host}:{self.port}"


def read_folder(folder: Path) -> dict[str, Path]:
    """SOP Instance UID -> path of every DICOM file in `folder` (recursively)."""
    found: dict[str, Path] = {}
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file():
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["SOPInstanceUID"])
            found[str(ds.SOPInstanceUID)] = path
        except Exception:  # noqa: BLE001 - not a DICOM file (a log, a partial file)
            continue
    return found


def stop_process(proc: subprocess.Popen) -> None:
    """SIGTERM the process group of `proc` (our own child), then SIGKILL it if it lingers."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(STOP_TIMEOUT)
    else:  # the wrapper ended; make sure nothing of its group is left
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            with contextlib.suppress(OSError):
                stream.close()


def spawn(cmd: list[str], *, log: Path, env: dict | None = None, cwd: Path | None = None, lifetime: float = LIFETIME) -> subprocess.Popen:
    """Start `cmd` under /usr/bin/timeout in a new process group; stderr goes to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    if Path(str(cmd[0])).name.startswith("rampart"):
        processlogs.watch(log, [str(c) for c in cmd])
    with open(log, "wb") as err:
        return subprocess.Popen(
            [TIMEOUT_TOOL, "--kill-after=5", str(int(lifetime)), *map(str, cmd)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env, cwd=cwd,
            start_new_session=True, preexec_fn=_die_with_parent,
        )


def _drain(stream, sink: bytearray) -> None:
    with contextlib.suppress(Exception):
        while chunk := stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536):
            sink.extend(chunk)
            del sink[:-8192]


def wait_for_listening_line(proc: subprocess.Popen, name: str, log: Path, timeout: float = STARTUP_TIMEOUT) -> tuple[str, int, bytearray]:
    """Read stdout until the `listening HOST:PORT` line; raise PeerError with the log on failure."""
    deadline = time.monotonic() + timeout
    buffer = b""
    fd = proc.stdout.fileno()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise PeerError(f"{name} printed no 'listening HOST:PORT' line within {timeout:.0f} s; "
                            f"stdout so far: {buffer[-500:]!r}; stderr: {_tail(log)}")
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
        if not ready:
            if proc.poll() is not None:
                raise PeerError(f"{name} exited ({_status(proc.returncode)}) before it was listening; "
                                f"stdout: {buffer[-500:]!r}; stderr: {_tail(log)}")
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            proc.wait(5)
            raise PeerError(f"{name} closed stdout ({_status(proc.returncode)}) before printing 'listening HOST:PORT'; "
                            f"stdout: {buffer[-500:]!r}; stderr: {_tail(log)}")
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            match = LISTENING.match(line.decode("utf-8", "replace"))
            if match:
                sink = bytearray(buffer)
                threading.Thread(target=_drain, args=(proc.stdout, sink), daemon=True).start()
                return match.group(1), int(match.group(2)), sink
            raise PeerError(f"{name}: the first stdout line must be 'listening HOST:PORT', got {line[:200]!r}; stderr: {_tail(log)}")


def _listening_ports() -> set[int]:
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) > 3 and fields[3] == "0A":  # TCP_LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def wait_for_port(proc: subprocess.Popen, port: int, name: str, log: Path, timeout: float = STARTUP_TIMEOUT) -> None:
    """Wait until something listens on `port` (read from /proc, no connection made)."""
    deadline = time.monotonic() + timeout
    while port not in _listening_ports():
        if proc.poll() is not None:
            raise PeerError(f"{name} exited ({_status(proc.returncode)}) before listening on port {port}; stderr: {_tail(log)}")
        if time.monotonic() > deadline:
            raise PeerError(f"{name} was not listening on port {port} after {timeout:.0f} s; stderr: {_tail(log)}")
        time.sleep(0.02)
    threading.Thread(target=_drain, args=(proc.stdout, bytearray()), daemon=True).start()


def _status(code) -> str:
    if code is None:
        return "still running"
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    if code == 124:
        return "exit 124: its lifetime ran out"
    return f"exit {code}"


def _tail(log: Path, limit: int = 2000) -> str:
    with contextlib.suppress(OSError):
        text = log.read_bytes().decode("utf-8", "replace")
        return repr(text if len(text) <= limit else "…" + text[-limit:])
    return "''"


@contextlib.contextmanager
def _running(peer: Peer):
    try:
        yield peer
    finally:
        peer.stop()


def _fresh(folder: Path) -> Path:
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


# --- Rampart's test SCP ----------------------------------------------------------------------------


def rampart_test_scp_path() -> tuple[Path | None, str]:
    value = os.environ.get("RAMPART_TEST_SCP") or str(REPO / ".build" / "debug" / "rampart-test-scp")
    path = Path(value)
    if not path.is_file():
        return None, (f"rampart-test-scp not built: {value} does not exist (`swift build --build-tests` builds it; "
                      f"`make test` exports RAMPART_TEST_SCP)")
    if not os.access(path, os.X_OK):
        return None, f"rampart-test-scp not usable: {value} is not executable"
    return path.resolve(), ""


def scp_command(binary: Path, *, port: int = 0, host: str = HOST, ae: str = "RAMPART", store_dir: Path | None = None,
                     preload: Path | None = None, destinations: dict[str, tuple[str, int]] | None = None,
                     tls: nettls.TLSMaterial | None = None, tls_ca: bool = True, require_client_cert: bool = False,
                     users: dict[str, str] | None = None, tokens: list[str] | tuple = (), require_identity: bool = False,
                     artim: float | None = None, max_pdu: int | None = None, async_window: int | None = None,
                     extra: list[str] | tuple = ()) -> list[str]:
    cmd = [str(binary), "--port", str(port), "--host", host, "--ae", ae]
    if store_dir:
        cmd += ["--store-dir", str(store_dir)]
    if preload:
        cmd += ["--preload", str(preload)]
    for dest_ae, (dest_host, dest_port) in (destinations or {}).items():
        cmd += ["--destination", f"{dest_ae}={dest_host}:{dest_port}"]
    if tls:
        cmd += ["--tls-cert", str(tls.server_cert), "--tls-key", str(tls.server_key)]
        if tls_ca:
            cmd += ["--tls-ca", str(tls.ca)]
        if require_client_cert:
            cmd += ["--require-client-cert"]
    for name, password in (users or {}).items():
        cmd += ["--user", f"{name}:{password}"]
    for token in tokens:
        cmd += ["--token", token]
    if require_identity:
        cmd += ["--require-identity"]
    if artim is not None:
        cmd += ["--artim", str(artim)]
    if max_pdu is not None:
        cmd += ["--max-pdu", str(max_pdu)]
    if async_window is not None:
        cmd += ["--async-window", str(async_window)]
    return cmd + list(extra)


@contextlib.contextmanager
def rampart_test_scp(binary: Path, folder: Path, *, lifetime: float = LIFETIME, startup_timeout: float = STARTUP_TIMEOUT, **options):
    """Start rampart-test-scp (port 0) with `options` (see scp_command); yields a Peer
    whose store_dir is `folder`/store."""
    folder = _fresh(folder)
    store_dir = folder / "store"
    store_dir.mkdir()
    options.setdefault("store_dir", store_dir)
    cmd = scp_command(binary, **options)
    log = folder / "rampart-test-scp.log"
    proc = spawn(cmd, log=log, lifetime=lifetime, cwd=folder)
    try:
        host, port, tail = wait_for_listening_line(proc, "rampart-test-scp", log, startup_timeout)
    except BaseException:
        stop_process(proc)
        raise
    peer = Peer("rampart-test-scp", host, port, options.get("ae", "RAMPART"), proc, log, folder, options["store_dir"],
                extra={"command": cmd}, _stdout_tail=tail)
    with _running(peer):
        yield peer


# --- DCMTK storescp ---------------------------------------------------------------------------------


@contextlib.contextmanager
def storescp(folder: Path, *, ae: str = "STORESCP", tls: nettls.TLSMaterial | None = None, peer_cert: str = "require",
             accept_all: bool = True, fork: bool = False, extra: list[str] | tuple = (), lifetime: float = LIFETIME):
    """DCMTK storescp on a free port, writing what it receives into `folder`/received.

    `tls`: listen with TLS (`+tls server.key server.pem +cf ca.pem`), and
    `peer_cert` "require" (-rc, DCMTK's default), "verify" (-vc: check it if sent)
    or "ignore" (-ic). `accept_all`: +xa, accept every transfer syntax DCMTK knows
    (compressed ones too), else DCMTK's default (uncompressed only). `fork`: a child process per
    association (--fork), so that concurrent associations are served at once; else one
    association at a time (--single-process)."""
    folder = _fresh(folder)
    received = folder / "received"
    received.mkdir()
    port = free_port()
    cmd = [dcmtk("storescp"), "-aet", ae, "-od", str(received), "-dhl", "--fork" if fork else "--single-process"]
    if accept_all:
        cmd.append("+xa")
    if tls:
        cmd += ["+tls", str(tls.server_key), str(tls.server_cert), "-pw", "+cf", str(tls.ca),
                {"require": "-rc", "verify": "-vc", "ignore": "-ic"}[peer_cert]]
    cmd += [*extra, str(port)]
    log = folder / "storescp.log"
    proc = spawn(cmd, log=log, env=dcmtk_env(), cwd=folder, lifetime=lifetime)
    try:
        wait_for_port(proc, port, "storescp", log)
    except BaseException:
        stop_process(proc)
        raise
    with _running(Peer("storescp", HOST, port, ae, proc, log, folder, received, extra={"command": cmd})) as peer:
        yield peer


# --- DCMTK dcmqrscp --------------------------------------------------------------------------------


def dcmqrscp_config(port: int, ae: str, storage: Path, peers: dict[str, tuple[str, int]], max_pdu: int = 16384,
                    max_studies: int = 500) -> str:
    """dcmqrscp.cfg; `max_studies`: the storage area's quota, beyond which dcmqrscp deletes the
    oldest studies (a benchmark's 2,000-study collection needs more than the default)."""
    lines = [
        "# written by netpeers.py for one test run",
        f"NetworkTCPPort  = {port}",
        f"MaxPDUSize      = {max_pdu}",
        "MaxAssociations = 16",
        "",
        "HostTable BEGIN",
    ]
    for n, (peer_ae, (host, peer_port)) in enumerate(sorted(peers.items())):
        # dcmqrscp wants a host name here, not an address
        hostname = "localhost" if host in ("127.0.0.1", "localhost") else host
        lines.append(f"peer{n} = ({peer_ae}, {hostname}, {peer_port})")
    lines += ["HostTable END", "", "VendorTable BEGIN", "VendorTable END", "", "AETable BEGIN",
              f"{ae} {storage} RW ({max_studies}, 1024mb) ANY", "AETable END", ""]
    return "\n".join(lines)


@contextlib.contextmanager
def dcmqrscp(folder: Path, files: list[Path], *, ae: str = "DCMQRSCP", peers: dict[str, tuple[str, int]] | None = None,
             extra: list[str] | tuple = (), max_studies: int = 500, lifetime: float = LIFETIME):
    """DCMTK dcmqrscp on a free port, its one storage area (AE `ae`) holding copies of
    `files` indexed with dcmqridx. `peers`: the move destinations it knows, AE -> (host, port).
    Files stored into it land in the storage area too (extra["storage"])."""
    folder = _fresh(folder)
    storage = folder / "storage" / ae
    storage.mkdir(parents=True)
    copies = []
    for n, path in enumerate(dict.fromkeys(Path(f).resolve() for f in files)):  # each file once: no duplicate SOP
        copy = storage / f"in{n:05d}.dcm"
        shutil.copyfile(path, copy)
        copies.append(copy)
    # dcmqridx's index is a flat file of 8 KiB records that each add scans from the start, and
    # beyond 32 MiB (about 4,000 instances) it logs a "DB ALERT" line at every seek: gigabytes
    # of output at 20,000 (the alerts are logged as errors: "-ll fatal" drops them; a failure
    # still shows in the exit status). Batches of 200, with a time allowance that grows with the index.
    for start in range(0, len(copies), 200):
        result = run_dcmtk("dcmqridx", "-ll", "fatal", storage, *copies[start:start + 200], timeout=120 + start // 20)
        if result.returncode != 0:
            raise PeerError(f"dcmqridx failed on files {start} to {start + 199} of {len(copies)}: {describe_run(result)}")
    port = free_port()
    config = folder / "dcmqrscp.cfg"
    config.write_text(dcmqrscp_config(port, ae, storage, peers or {}, max_studies=max_studies))
    # --single-process is not used: Debian's dcmqrscp 3.6.7 crashes (SIGSEGV) at the start of its
    # second association in that mode. Forked children share the process group and stop with it.
    cmd = [dcmtk("dcmqrscp"), "-c", str(config), "-dhl", *extra, str(port)]
    log = folder / "dcmqrscp.log"
    proc = spawn(cmd, log=log, env=dcmtk_env(), cwd=folder, lifetime=lifetime)
    try:
        wait_for_port(proc, port, "dcmqrscp", log)
    except BaseException:
        stop_process(proc)
        raise
    with _running(Peer("dcmqrscp", HOST, port, ae, proc, log, folder, storage, extra={"command": cmd, "config": config})) as peer:
        yield peer


# --- the pynetdicom SCP -------------------------------------------------------------------------------


@contextlib.contextmanager
def pynetdicom_scp(folder: Path, *, ae: str = "PYNETDICOM", preload: Path | None = None,
                   destinations: dict[str, tuple[str, int]] | None = None, tls: nettls.TLSMaterial | None = None,
                   require_client_cert: bool = False, users: dict[str, str] | None = None, tokens: list[str] | tuple = (),
                   async_window: int | None = None, extra: list[str] | tuple = (), lifetime: float = LIFETIME):
    """net_pynetdicom_scp.py (this Python) on port 0; yields a Peer whose store_dir is `folder`/store."""
    folder = _fresh(folder)
    store_dir = folder / "store"
    store_dir.mkdir()
    cmd = [sys.executable, str(PYNETDICOM_SCP), "--port", "0", "--host", HOST, "--ae", ae, "--store-dir", str(store_dir),
           "--lifetime", str(lifetime)]
    if preload:
        cmd += ["--preload", str(preload)]
    for dest_ae, (dest_host, dest_port) in (destinations or {}).items():
        cmd += ["--destination", f"{dest_ae}={dest_host}:{dest_port}"]
    if tls:
        cmd += ["--tls-cert", str(tls.server_cert), "--tls-key", str(tls.server_key), "--tls-ca", str(tls.ca)]
        if require_client_cert:
            cmd.append("--require-client-cert")
    for name, password in (users or {}).items():
        cmd += ["--user", f"{name}:{password}"]
    for token in tokens:
        cmd += ["--token", token]
    if async_window is not None:
        cmd += ["--async-window", str(async_window)]
    cmd += list(extra)
    log = folder / "pynetdicom-scp.log"
    proc = spawn(cmd, log=log, cwd=folder, lifetime=lifetime + 30)
    try:
        host, port, tail = wait_for_listening_line(proc, "net_pynetdicom_scp.py", log, 60)
    except BaseException:
        stop_process(proc)
        raise
    with _running(Peer("pynetdicom-scp", host, port, ae, proc, log, folder, store_dir, extra={"command": cmd}, _stdout_tail=tail)) as peer:
        yield peer


# --- pytest fixtures ----------------------------------------------------------------------------------


class Peers:
    """Starts peers for one test (or module) and stops them all at its end."""

    def __init__(self, folder: Path, stack: contextlib.ExitStack, request: pytest.FixtureRequest):
        self.folder = Path(folder)
        self.stack = stack
        self.request = request
        self.count = 0

    def _folder(self, name: str) -> Path:
        self.count += 1
        return self.folder / f"{self.count:02d}-{name}"

    def test_scp(self, **options) -> Peer:
        binary = self.request.getfixturevalue("rampart_test_scp_binary")
        return self.stack.enter_context(rampart_test_scp(binary, self._folder("rampart-test-scp"), **options))

    def storescp(self, **options) -> Peer:
        return self.stack.enter_context(storescp(self._folder("storescp"), **options))

    def dcmqrscp(self, files, **options) -> Peer:
        return self.stack.enter_context(dcmqrscp(self._folder("dcmqrscp"), files, **options))

    def pynetdicom_scp(self, **options) -> Peer:
        return self.stack.enter_context(pynetdicom_scp(self._folder("pynetdicom-scp"), **options))


@pytest.fixture
def peers(tmp_path, request):
    with contextlib.ExitStack() as stack:
        yield Peers(tmp_path / "peers", stack, request)


@pytest.fixture(scope="module")
def module_peers(tmp_path_factory, request):
    with contextlib.ExitStack() as stack:
        yield Peers(tmp_path_factory.mktemp("module-peers"), stack, request)


@pytest.fixture(scope="session")
def rampart_test_scp_binary(tmp_path_factory) -> Path:
    """A copy of $RAMPART_TEST_SCP taken at the start of the run (like the `rampart` fixture)."""
    path, why = rampart_test_scp_path()
    if path is None:
        pytest.fail(why, pytrace=False)
    copy = tmp_path_factory.mktemp("test-scp-binary") / path.name
    shutil.copy2(path, copy)
    return copy


@pytest.fixture(scope="session")
def net_archive(tmp_path_factory) -> netdata.Archive:
    return netdata.make_archive(tmp_path_factory.mktemp("net-archive"))


@pytest.fixture(scope="session")
def net_variety(tmp_path_factory) -> list[netdata.Instance]:
    return netdata.make_variety(tmp_path_factory.mktemp("net-variety"))


@pytest.fixture(scope="session")
def net_bulk(tmp_path_factory) -> list[Path]:
    """A few 512 KiB images: each spans several P-DATA PDUs at any max PDU size."""
    return netdata.make_bulk(tmp_path_factory.mktemp("net-bulk"), 6)


@pytest.fixture(scope="session")
def tls_material(tmp_path_factory) -> nettls.TLSMaterial:
    if not shutil.which("openssl"):
        pytest.fail("openssl is missing: apt-get install openssl (Scripts/install-deps.sh does)", pytrace=False)
    return nettls.make_tls_material(tmp_path_factory.mktemp("tls"))
