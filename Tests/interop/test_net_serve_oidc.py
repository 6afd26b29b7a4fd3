"""Tokens of an external OpenID Connect provider (a hospital's IdP) in DICOM user identity
negotiation (PS3.7 D.3.3.7, type 5 JWT) against `rampart serve`: the IdP is played here by an RSA
key and its JWKS made with `cryptography` and PyJWT, configured under `oidc:` in rampart.yaml.
pynetdicom with a good IdP token stores and queries, acting with the role the token's group maps
to; each forged token (alg none, HS256 keyed with the public key, expired, wrong audience,
tampered payload, unknown kid) is refused, and the audit log says why without the token.
The same attacks on the server's own tokens, and the finer cases, are in the Swift tests
(AccessTests.OIDCTokenTests).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import time
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydicom import dcmread
from pynetdicom import AE
from pynetdicom.sop_class import CTImageStorage, StudyRootQueryRetrieveInformationModelFind, Verification

import netdata
import nethelpers as h
import netpeers
import netserve
from netserve import serve

pytestmark = pytest.mark.net

ISSUER = "https://idp.example.org/realms/hospital"
AUDIENCE = "rampart-pacs"
KID = "idp-key-1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.fixture(scope="module")
def idp():
    """The IdP's signing key and the PEM of its public half."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, public_pem


@pytest.fixture(scope="module")
def site(idp, tmp_path_factory):
    """A data folder whose rampart.yaml trusts the IdP, with its JWKS saved next to it."""
    data = tmp_path_factory.mktemp("oidc") / "data"
    (data / "oidc").mkdir(parents=True)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(idp[0].public_key()))
    jwk.update(kid=KID, use="sig", alg="RS256")
    (data / "oidc" / "hospital-jwks.json").write_text(json.dumps({"keys": [jwk]}))
    (data / "rampart.yaml").write_text(f"""
oidc:
  - issuer: {ISSUER}
    audience: {AUDIENCE}
    jwks_file: oidc/hospital-jwks.json
    roles_claim: realm_access.roles
    role_map:
      pacs-radiologists: radiologist
""")
    return data


def claims(**changes) -> dict:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": [AUDIENCE, "account"], "sub": "0b5f7a2e-idp-user", "preferred_username": "dr.house",
            "iat": now, "nbf": now, "exp": now + 300, "realm_access": {"roles": ["pacs-radiologists", "offline_access"]}}
    base.update(changes)
    return base


def signed(idp, payload: dict, kid: str = KID) -> str:
    return jwt.encode(payload, idp[0], algorithm="RS256", headers={"kid": kid})


def forged(header: dict, payload: dict, sign) -> str:
    """A token built by hand, as an attacker would: PyJWT itself refuses to make these."""
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    return signing_input + "." + b64url(sign(signing_input.encode()))


def make_ae() -> AE:
    ae = AE(ae_title="IDPCLIENT")  # not registered: only the token can let it in
    ae.add_requested_context(Verification)
    ae.add_requested_context(CTImageStorage)
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 30
    return ae


def test_an_idp_token_stores_and_queries_and_forged_ones_are_refused(rampart, idp, site, tmp_path):
    good = signed(idp, claims())
    header, payload, signature = good.split(".")
    elevated = claims(preferred_username="admin", realm_access={"roles": ["pacs-admins"]})
    attacks = {
        "alg none": forged({"alg": "none", "kid": KID}, claims(), lambda _: b""),
        "HS256 keyed with the public key": forged({"alg": "HS256", "kid": KID}, claims(),
                                                  lambda data: hmac.new(idp[1], data, hashlib.sha256).digest()),
        "expired": signed(idp, claims(iat=int(time.time()) - 7200, nbf=int(time.time()) - 7200, exp=int(time.time()) - 3600)),
        "wrong audience": signed(idp, claims(aud="another-app")),
        "tampered payload": ".".join([header, b64url(json.dumps(elevated).encode()), signature]),
        "unknown kid": signed(idp, claims(), kid="rotated-key-2"),
    }
    reasons = {
        "alg none": "unsigned (alg none)",
        "HS256 keyed with the public key": "HS256 (a shared-secret HMAC) is never accepted",
        "expired": "token refused: expired",
        "wrong audience": "meant for another-app",
        "tampered payload": "the signature does not match",
        "unknown kid": "key id rotated-key-2 is not in",
    }
    stored = dcmread(netdata.make_bulk(tmp_path / "bulk", 1, size=4096)[0])
    with serve(rampart, site, tmp_path / "serve.log") as server:
        assoc = h.associate(make_ae(), server, ext_neg=[h.identity(5, good.encode())])
        assert assoc.is_established, server.log_text()
        assert h.store_and_find_study(assoc, stored) == [stored.StudyInstanceUID]
        assoc.release()
        for name, token in attacks.items():
            outcomes = h.rejection_outcomes(make_ae, server, ext_neg=[h.identity(5, token.encode())])
            assert outcomes[-1] != "established" and isinstance(outcomes[-1], tuple), f"{name}: {outcomes}"
    decisions = netserve.decisions_text(rampart, site)
    # The IdP's user acts with the role its group maps to, authenticated by token.
    assert "allow\tuser dr.house\tdimse" in decisions and "authenticated by token; role radiologist allows store" in decisions
    for name, reason in reasons.items():
        assert reason in decisions, f"{name}: no '{reason}' in the audit log"
    for token in (good, *attacks.values()):
        assert token not in decisions and token not in server.log_text()


def test_a_jwks_file_that_cannot_be_read_stops_serve_with_the_reason(rampart, site, tmp_path):
    broken = tmp_path / "data"
    (broken / "oidc").mkdir(parents=True)
    (broken / "rampart.yaml").write_text((site / "rampart.yaml").read_text())
    (broken / "oidc" / "hospital-jwks.json").write_text("<html>login page</html>")
    result = subprocess.run([str(rampart), "serve", "--data-dir", str(broken), "--dicom-port", str(netpeers.free_port()), "--no-tls"],
                              capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "hospital-jwks.json is not a usable key set" in result.stderr and "jwks_uri" in result.stderr

