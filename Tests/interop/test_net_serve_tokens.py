"""Bearer tokens from `rampart token issue` in DICOM user identity negotiation (PS3.7 D.3.3.7,
type 5 JWT) against `rampart serve`: pynetdicom and `rampart echo --token` get in with one and
can store and query; a tampered token, a token for a removed user and a token the server has no
key for are refused, and the reason (never the token) is in data/audit/decisions.log. Expiry,
alg none and HS/RS confusion are in the Swift tests (AccessTests.TokenVerifierTests).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from pydicom import dcmread
from pynetdicom import AE
from pynetdicom.pdu_primitives import UserIdentityNegotiation
from pynetdicom.sop_class import CTImageStorage, StudyRootQueryRetrieveInformationModelFind, Verification

import netdata
import nethelpers as h
import netserve
from netpeers import HOST
from netserve import serve
from test_net_serve_setup import init, run

pytestmark = pytest.mark.net


def issue(rampart: Path, data: Path, user: str, *extra: str) -> str:
    result = run(rampart, "token", "issue", "--user", user, "--data-dir", data, *extra)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.count(".") == 2 and "expires" in result.stderr
    return token


def make_ae() -> AE:
    ae = AE(ae_title="PYNETDICOM")  # not registered: only the token can let it in
    ae.add_requested_context(Verification)
    ae.add_requested_context(CTImageStorage)
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    return ae


def associate(ae: AE, port: int, token: str):
    return ae.associate(HOST, port, ae_title="RAMPART", ext_neg=[h.identity(5, token.encode(), positive=True)])


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    data = tmp_path_factory.mktemp("tokens") / "data"
    init(rampart, data)
    return data


def test_init_makes_the_signing_key_and_issue_bounds_the_ttl(rampart, site):
    key = site / "tls" / "token-signing-key.pem"
    assert key.is_file() and key.stat().st_mode & 0o077 == 0
    token = issue(rampart, site, "admin", "--ttl", "10m")
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["sub"] == "admin" and claims["aud"] == "rampart" and claims["iss"] == "rampart"
    assert claims["exp"] - claims["iat"] == 600 and claims["roles"] == ["admin"]
    too_long = run(rampart, "token", "issue", "--user", "admin", "--ttl", "25h", "--data-dir", site)
    assert too_long.returncode == 1 and "24 h" in too_long.stderr and too_long.stdout == ""
    nobody = run(rampart, "token", "issue", "--user", "nobody", "--data-dir", site)
    assert nobody.returncode == 1 and "no user nobody" in nobody.stderr and nobody.stdout == ""


def test_a_token_lets_pynetdicom_store_and_query_and_rampart_echo(rampart, site, tmp_path):
    token = issue(rampart, site, "admin")
    files = netdata.make_bulk(tmp_path / "bulk", 1, size=4096)
    stored = dcmread(files[0])
    with serve(rampart, site, tmp_path / "serve.log", tls=True) as server:
        assoc = associate(make_ae(), server.port, token)
        assert assoc.is_established, server.log_text()
        # PS3.7 D.3.3.7.2: the server response is for Kerberos and SAML; for a JWT it is empty.
        replies = [item for item in assoc.acceptor.user_information if isinstance(item, UserIdentityNegotiation)]
        assert replies and not replies[0].server_response
        assert h.store_and_find_study(assoc, stored) == [stored.StudyInstanceUID]
        assoc.release()

        echoed = h.rampart_scu(rampart, "echo", server, calling_ae="TOKENECHO", token=token, timeout=60)
        assert echoed.returncode == 0, echoed.stderr + server.log_text()
        refused = h.rampart_scu(rampart, "echo", server, calling_ae="TOKENECHO", timeout=60)
        assert refused.returncode != 0
    decisions = netserve.decisions_text(rampart, site)
    assert "allow\tuser admin\tdimse" in decisions
    # Each operation on the association is decided with the strength it was proved by.
    assert re.search(r"allow\tuser admin\tdimse\t[^\t]+\tstore\t[^\t]+\t[^\n]*authenticated by token", decisions), decisions[-2000:]
    assert token not in decisions and token not in server.log_text()


def test_tampered_and_removed_user_tokens_are_refused_and_recorded(rampart, site, tmp_path):
    assert run(rampart, "user", "add", "temp", "--role", "technologist", "--data-dir", site).returncode == 0
    removed = issue(rampart, site, "temp")
    assert run(rampart, "user", "remove", "temp", "--data-dir", site).returncode == 0
    header, payload, signature = issue(rampart, site, "admin").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "root"
    tampered = ".".join([header, base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("="), signature])
    with serve(rampart, site, tmp_path / "serve.log", tls=True) as server:
        ae = make_ae()
        for token in (tampered, removed):
            assoc = associate(ae, server.port, token)
            assert assoc.is_rejected, server.log_text()
    decisions = netserve.decisions_text(rampart, site)
    assert "token refused: the signature does not match" in decisions
    assert "token refused: user temp does not exist" in decisions
    for token in (tampered, removed):
        assert token not in decisions and token not in server.log_text()


def test_a_folder_without_a_key_refuses_tokens_until_token_issue_makes_one(rampart, tmp_path):
    data = tmp_path / "data"
    init(rampart, data)
    token = issue(rampart, data, "admin")
    key = data / "tls" / "token-signing-key.pem"
    key.unlink()  # as in a folder set up before tokens existed
    with serve(rampart, data, tmp_path / "serve.log") as server:
        assert associate(make_ae(), server.port, token).is_rejected
    assert "no token signing key" in netserve.decisions_text(rampart, data)
    first = run(rampart, "token", "issue", "--user", "admin", "--data-dir", data)
    assert first.returncode == 0 and "created the token signing key" in first.stderr
    assert key.is_file() and key.stat().st_mode & 0o077 == 0
    with serve(rampart, data, tmp_path / "serve2.log") as server:
        assoc = associate(make_ae(), server.port, first.stdout.strip())
        assert assoc.is_established, server.log_text()
        assoc.release()
        # The old token named the key that is gone.
        assert associate(make_ae(), server.port, token).is_rejected
    assert "unknown signing key id" in netserve.decisions_text(rampart, data)
