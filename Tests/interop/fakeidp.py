"""A small OpenID Connect provider for the browser-login tests, on loopback, in a thread of the
test process (stdlib http.server): what a hospital's Keycloak does for a public client with PKCE,
and no more.

* `GET /authorize?response_type=code&client_id&redirect_uri&scope&state&nonce&code_challenge&code_challenge_method=S256`:
  checks the client, the redirect URI (the one `expect_redirect` set) and that a S256 challenge
  came, then sends the browser straight back with a one-time code for the fixed synthetic user
  (no login form: the test is about Rampart, not the IdP's page).
* `POST /token` (form-encoded, answered with CORS headers for the Rampart origin): the code once,
  for the same client and redirect URI, and only with the verifier whose SHA-256 is the
  challenge; the answer's `id_token` is RS256-signed with `key`, whose JWKS `jwks()` gives, and
  carries the nonce of the authorization request.

`exchanges` lists what each token request got (`"ok"` or the OAuth error), for assertions.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

import netpeers

KID = "fake-idp-key-1"
CLIENT_ID = "rampart-ui"
AUDIENCE = "rampart-pacs"  # bearer tokens' audience: the ID tokens are for CLIENT_ID
USER = "dr.oidc"
GROUP = "pacs-radiologists"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class FakeIdP:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.server = ThreadingHTTPServer((netpeers.HOST, 0), _Handler)
        self.server.idp = self
        self.base = f"http://{netpeers.HOST}:{self.server.server_address[1]}"
        self.issuer = self.base
        self.redirect_uri: str | None = None
        self.origin: str | None = None
        self.codes: dict[str, dict] = {}
        self.exchanges: list[str] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self) -> FakeIdP:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    def expect_redirect(self, rampart_base: str) -> None:
        """The registered redirect URI (the UI's page) and the origin the token endpoint answers."""
        self.redirect_uri = rampart_base + "/ui/"
        self.origin = rampart_base

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=KID, use="sig", alg="RS256")
        return {"keys": [jwk]}

    def yaml(self, jwks_file: str) -> str:
        """Its `oidc:` entry for rampart.yaml, offered for browser login as "Test IdP"."""
        return f"""
oidc:
  - issuer: {self.issuer}
    audience: {AUDIENCE}
    jwks_file: {jwks_file}
    roles_claim: realm_access.roles
    role_map:
      {GROUP}: radiologist
    display_name: Test IdP
    authorization_endpoint: {self.base}/authorize
    token_endpoint: {self.base}/token
    client_id: {CLIENT_ID}
"""

    def id_token(self, nonce: str, **changes) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": "5e1c-synthetic-user", "preferred_username": USER,
                  "nonce": nonce, "iat": now, "nbf": now, "exp": now + 300, "realm_access": {"roles": [GROUP]}}
        claims.update(changes)
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})


class _Handler(BaseHTTPRequestHandler):
    server_version = "fake-idp"

    def log_message(self, format, *args) -> None:  # the test's output stays quiet
        pass

    @property
    def idp(self) -> FakeIdP:
        return self.server.idp

    def _answer(self, status: int, body: dict | None = None, headers: dict | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _cors(self) -> dict:
        origin = self.headers.get("Origin")
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin and origin == self.idp.origin else {}

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path != "/authorize":
            return self._answer(404, {"error": "not_found"})
        if (query.get("response_type") != "code" or query.get("client_id") != CLIENT_ID or query.get("redirect_uri") != self.idp.redirect_uri
                or query.get("code_challenge_method") != "S256" or not query.get("code_challenge") or "openid" not in query.get("scope", "").split()):
            return self._answer(400, {"error": "invalid_request", "query": query})
        code = secrets.token_urlsafe(24)
        with self.idp.lock:
            self.idp.codes[code] = {"challenge": query["code_challenge"], "nonce": query.get("nonce", ""), "redirect_uri": query["redirect_uri"]}
        back = query["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
        self._answer(302, headers={"Location": back})

    def do_OPTIONS(self) -> None:
        cors = self._cors()
        if cors:
            cors.update({"Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type, Accept"})
        self._answer(204, headers=cors)

    def do_POST(self) -> None:
        if urllib.parse.urlsplit(self.path).path != "/token":
            return self._answer(404, {"error": "not_found"})
        length = min(int(self.headers.get("Content-Length") or 0), 65536)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        with self.idp.lock:
            grant = self.idp.codes.pop(form.get("code", ""), None)  # a code is good once
        verifier = form.get("code_verifier", "")
        if form.get("grant_type") != "authorization_code" or grant is None or form.get("client_id") != CLIENT_ID:
            error = "invalid_grant"
        elif form.get("redirect_uri") != grant["redirect_uri"]:
            error = "invalid_grant"
        elif b64url(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            error = "invalid_grant (PKCE verifier does not match the challenge)"
        else:
            error = None
        self.idp.exchanges.append(error or "ok")
        if error:
            return self._answer(400, {"error": "invalid_grant", "error_description": error}, self._cors())
        self._answer(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                           "id_token": self.idp.id_token(grant["nonce"])}, {**self._cors(), "Cache-Control": "no-store"})
