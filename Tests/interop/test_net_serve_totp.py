"""A second factor through `rampart serve`: `rampart user totp enable` prints an otpauth:// URI;
pynetdicom signs in with the password followed by the current code (computed here from the URI's
secret, RFC 6238, as an authenticator app does), is authenticated by `mfa`, which a policy role
requires; the password alone, a wrong code and a replayed code are refused.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import re
import struct
import time
import urllib.parse

import pytest
from pynetdicom import AE
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind

import nethelpers as h
from netpeers import HOST
import netserve
from netserve import cheap_hash, serve

run = functools.partial(netserve.run, check=True)

pytestmark = pytest.mark.net

PASSWORD = "totp-Password-1"


def code(secret: bytes, at: float) -> str:
    """RFC 6238 with HMAC-SHA1, 30 s, 6 digits (what an authenticator app shows)."""
    mac = hmac.new(secret, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def outcome(server, passcode: str):
    ae = AE(ae_title="TOTPSCU")
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    assoc = ae.associate(HOST, server.port, ae_title="RAMPART", ext_neg=[h.identity(2, b"alice", passcode.encode())])
    if not assoc.is_established:
        return h.reject_triple(assoc) or h.association_outcome(assoc)
    statuses = [s.Status for s, _ in assoc.send_c_find(h.identifier("STUDY", {"StudyInstanceUID": ""}), StudyRootQueryRetrieveInformationModelFind)]
    assoc.release()
    return statuses[-1]


def test_a_second_factor_is_required_checked_and_used_once(rampart, tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "accounts.json").write_text(json.dumps([{"name": "alice", "roles": ["mfa-reader"], "disabled": False,
                                                      "password": cheap_hash(PASSWORD, os.urandom(16))}]))
    (data / "policy.yaml").write_text(json.dumps({"roles": {"mfa-reader": {"allow": ["query"], "when": {"authentication": ["mfa"]}}}}))
    enabled = run(rampart, "user", "totp", "enable", "alice", "--data-dir", data)
    uri = re.search(r"otpauth://totp/\S+", enabled.stdout).group(0)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
    assert query["digits"] == ["6"] and query["period"] == ["30"] and query["algorithm"] == ["SHA1"]
    secret = base64.b32decode(query["secret"][0] + "=" * (-len(query["secret"][0]) % 8))
    assert "totp_secret" in (data / "accounts.json").read_text()
    assert run(rampart, "user", "list", "--data-dir", data).stdout.split() == ["alice", "mfa-reader", "totp"]
    with serve(rampart, data, tmp_path / "serve.log") as server:
        assert outcome(server, PASSWORD) == (1, 1, 1)
        current = code(secret, time.time())
        wrong = f"{(int(current) + 500_000) % 1_000_000:06d}"
        assert outcome(server, PASSWORD + wrong) == (1, 1, 1)
        assert outcome(server, PASSWORD + current) == 0x0000  # mfa: the role's condition holds
        assert outcome(server, PASSWORD + current) == (1, 1, 1)  # the same code again: a replay
    decisions = netserve.decisions_text(rampart, data)
    assert "\tallow\tuser alice\tdimse\t" in decisions and "user authenticated by password and one-time code" in decisions
    assert "the one-time code was already used" in decisions
    assert PASSWORD not in decisions  # nor, then, the passcode (password and code)
    # Turned off, the password alone signs in again, but no longer satisfies the mfa role.
    run(rampart, "user", "totp", "disable", "alice", "--data-dir", data)
    with serve(rampart, data, tmp_path / "serve2.log") as server:
        assert outcome(server, PASSWORD) == 0x0124
