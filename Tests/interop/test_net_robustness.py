"""rampart-test-scp against broken, stalled and hostile clients (raw sockets), and its
start/stop contract. Every wait is bounded; nothing asserts speed: "closed by ARTIM"
means closed before a generous deadline (10 s with --artim 2).

After each abuse the server must still serve a normal client (DCMTK echoscu).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import struct
import time
from pathlib import Path

import pytest

import nethelpers as h
from netpeers import _listening_ports, describe_run

pytestmark = pytest.mark.net

DEADLINE = 10  # seconds for the server to end a connection it should end


def scp_log(peer) -> str:
    return f"\n{peer} log: {peer.log_text()}"


def still_serving(peer) -> None:
    assert peer.alive(), "rampart-test-scp died" + scp_log(peer)
    result = h.echoscu(peer)
    assert result.returncode == 0, "echoscu after the abuse failed: " + describe_run(result) + scp_log(peer)


# --- start and stop -------------------------------------------------------------------------------------


def child_pid(wrapper_pid: int) -> int | None:
    """The process that /usr/bin/timeout runs (our own grandchild), from /proc."""
    path = Path(f"/proc/{wrapper_pid}/task/{wrapper_pid}/children")
    try:
        children = path.read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def test_listening_line_and_sigterm(peers):
    scp = peers.test_scp()
    assert scp.host == "127.0.0.1", f"--host 127.0.0.1 but it says it listens on {scp.host}"
    assert 0 < scp.port < 65536
    assert scp.port in _listening_ports(), f"port {scp.port} from the listening line is not listening"
    pid = child_pid(scp.proc.pid)
    assert pid is not None, "cannot find the rampart-test-scp process under its timeout wrapper"
    os.kill(pid, signal.SIGTERM)
    try:
        scp.proc.wait(DEADLINE)
    except Exception:  # noqa: BLE001
        pytest.fail(f"rampart-test-scp still running {DEADLINE} s after SIGTERM" + scp_log(scp))


# --- garbage and protocol violations ----------------------------------------------------------------------


def garbage(kind: str, called: str) -> bytes:
    rng = random.Random(kind)
    if kind == "unknown-pdu-type":
        return b"\xff\x00" + struct.pack(">I", 58) + rng.randbytes(58)
    if kind == "p-data-before-association":
        return h.p_data_tf(1, h.c_echo_rq_command())
    if kind == "random-bytes":
        return rng.randbytes(512)
    if kind == "associate-rq-bad-item-length":
        rq = bytearray(h.a_associate_rq(called))
        rq[6 + 68 + 2: 6 + 68 + 4] = struct.pack(">H", 0xFFF0)  # application context item claims 65520 bytes
        return bytes(rq)
    if kind == "associate-rq-bad-protocol-version":
        rq = bytearray(h.a_associate_rq(called))
        rq[6:8] = b"\x00\x00"
        return bytes(rq)
    if kind == "http-request":
        return b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    if kind == "tls-client-hello-to-plain":
        return bytes.fromhex("16030100a5010000a10303") + rng.randbytes(160)
    raise ValueError(kind)


GARBAGE = ["unknown-pdu-type", "p-data-before-association", "random-bytes", "associate-rq-bad-item-length",
           "associate-rq-bad-protocol-version", "http-request", "tls-client-hello-to-plain"]


@pytest.fixture(scope="module")
def scp(module_peers):
    return module_peers.test_scp(artim=2)


@pytest.mark.parametrize("kind", GARBAGE)
def test_garbage_ends_the_connection(scp, kind):
    """Garbage: the server answers with A-ABORT (or A-ASSOCIATE-RJ) and/or closes; it never
    leaves the connection open, and it keeps serving others."""
    sock = h.connect(scp)
    try:
        h.send_all_tolerant(sock, garbage(kind, scp.ae))
        how, data = h.await_end(sock, DEADLINE)
    finally:
        sock.close()
    assert how != "open", f"{kind}: connection still open after {DEADLINE} s (received {len(data)} bytes)" + scp_log(scp)
    if data:
        assert data[0] in (0x03, 0x07), f"{kind}: the server answered with PDU type 0x{data[0]:02x}, expected A-ASSOCIATE-RJ or A-ABORT"
    still_serving(scp)


def test_truncated_pdu_then_silence_closed_by_artim(scp):
    """A PDU whose declared length is larger than what is sent, then nothing: --artim 2."""
    sock = h.connect(scp)
    try:
        rq = h.a_associate_rq(scp.ae)
        h.send_all_tolerant(sock, rq[:40])
        how, data = h.await_end(sock, DEADLINE)
    finally:
        sock.close()
    assert how != "open", f"a truncated A-ASSOCIATE-RQ kept the connection open for {DEADLINE} s (--artim 2)" + scp_log(scp)
    still_serving(scp)


def test_silent_client_closed_by_artim(scp):
    sock = h.connect(scp)
    try:
        how, _ = h.await_end(sock, DEADLINE)
    finally:
        sock.close()
    assert how != "open", f"a silent client kept the connection open for {DEADLINE} s (--artim 2)" + scp_log(scp)
    still_serving(scp)


def test_oversized_p_data_aborted(peers):
    """A P-DATA-TF longer than the max PDU length the SCP announced (--max-pdu 16384) -> A-ABORT."""
    scp = peers.test_scp(max_pdu=16384)
    sock, ac = h.raw_associate(scp)
    try:
        announced = h.ac_max_pdu(ac)
        assert announced == 16384, f"A-ASSOCIATE-AC announces max PDU length {announced}, expected --max-pdu 16384"
        context = h.accepted_context_ids(ac)
        assert context, "Verification was not accepted"
        h.send_all_tolerant(sock, h.p_data_tf(context[0], b"\0" * (announced + 4096)))
        how, data = h.await_end(sock, DEADLINE)
    finally:
        sock.close()
    assert how == "abort", f"oversized P-DATA-TF: expected an A-ABORT, got {how} ({len(data)} bytes)" + scp_log(scp)
    still_serving(scp)


def test_default_max_pdu_announced(scp):
    sock, ac = h.raw_associate(scp)
    try:
        assert h.ac_max_pdu(ac) == 262144, f"default --max-pdu is 262144, the A-ASSOCIATE-AC says {h.ac_max_pdu(ac)}"
        sock.sendall(b"\x05\x00" + struct.pack(">I", 4) + b"\0\0\0\0")  # A-RELEASE-RQ
        pdu_type, _ = h.read_pdu(sock)
        assert pdu_type == 0x06, f"A-RELEASE-RQ answered with PDU type 0x{pdu_type:02x}, expected A-RELEASE-RP"
    finally:
        sock.close()


def test_raw_echo_and_client_abort(scp):
    """A hand-made association: C-ECHO-RQ gets a P-DATA-TF answer; then the client sends
    A-ABORT and the server closes."""
    sock, ac = h.raw_associate(scp)
    try:
        context = h.accepted_context_ids(ac)[0]
        sock.sendall(h.p_data_tf(context, h.c_echo_rq_command()))
        pdu_type, body = h.read_pdu(sock)
        assert pdu_type == 0x04, f"C-ECHO-RQ answered with PDU type 0x{pdu_type:02x}"
        assert b"\x00\x00\x00\x09\x02\x00\x00\x00\x00\x00" in body, "C-ECHO-RSP without Status 0x0000"
        sock.sendall(b"\x07\x00" + struct.pack(">I", 4) + b"\0\0\0\0")  # A-ABORT, service-user
        how, _ = h.await_end(sock, DEADLINE)
        assert how in ("closed", "reset"), f"after the client's A-ABORT the connection is {how}"
    finally:
        sock.close()
    still_serving(scp)


# --- stalled and vanishing clients ------------------------------------------------------------------------


def test_stalled_clients_do_not_block_others(peers, net_variety):
    """One client stops mid A-ASSOCIATE-RQ, another mid P-DATA-TF, a third connects and says
    nothing: meanwhile other clients are served (echo and store)."""
    scp = peers.test_scp()  # default ARTIM (30 s): the stalled ones stay open during the test
    stalled = []
    try:
        a = h.connect(scp)
        a.sendall(h.a_associate_rq(scp.ae)[:50])
        stalled.append(a)
        b, ac = h.raw_associate(scp)
        stalled.append(b)
        b.sendall(h.p_data_tf(h.accepted_context_ids(ac)[0], h.c_echo_rq_command())[:12])
        stalled.append(h.connect(scp))
        for _ in range(2):
            result = h.echoscu(scp)
            assert result.returncode == 0, "echoscu while others stall: " + describe_run(result) + scp_log(scp)
        result = h.storescu(scp, net_variety[0].path)
        assert result.returncode == 0, "storescu while others stall: " + describe_run(result) + scp_log(scp)
    finally:
        for sock in stalled:
            sock.close()
    still_serving(scp)


def test_client_vanishes_mid_store(peers, net_archive):
    """A client sends half of a C-STORE data set, then resets the connection: the server
    keeps serving, and stores no partial instance."""
    scp = peers.test_scp()
    instance = next(i for i in net_archive.instances if i.transfer_syntax == h.IMPLICIT_LE)
    data = instance.path.read_bytes()
    sock, ac = h.raw_associate(scp, contexts=((1, instance.sop_class_uid, (h.IMPLICIT_LE,)),))
    context = h.accepted_context_ids(ac)
    assert context, "the storage context was not accepted"
    sock.sendall(h.p_data_tf(context[0], h.c_store_rq_command(instance.sop_class_uid, instance.sop_instance_uid)))
    sock.sendall(h.p_data_tf(context[0], data[len(data) // 2:len(data) // 2 + 200], command=False, last=False))
    h.reset_close(sock)
    still_serving(scp)
    assert instance.sop_instance_uid not in scp.received(), "a partly received instance was stored"


def test_many_short_connections(scp):
    for _ in range(30):
        with socket.create_connection((scp.host, scp.port), timeout=5):
            pass
    for _ in range(5):
        sock = h.connect(scp)
        h.reset_close(sock)
    still_serving(scp)
