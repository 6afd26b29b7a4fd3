"""Logging in to the web UI through an OpenID Connect provider: `fakeidp.py` plays the hospital's
IdP on loopback (an authorize endpoint that sends the browser back with a code, a token endpoint
with CORS that checks the PKCE verifier and signs an ID token), configured under `oidc:` in
rampart.yaml. In chromium, "Log in with Test IdP" lands on the studies page with a session that
searches, and the sign-in is in the audit log; a login the IdP refused is explained on the login page. Over REST (requests), the ends of a login that
must not open a session are refused and recorded: no login cookie, a wrong nonce, a replayed
state, an unknown provider. The pending logins' expiry and bound are Swift tests
(WebTests.ProviderLoginTests). The screenshot goes to .build/reports/ui/login-oidc.png.
"""

from __future__ import annotations

import json

import pytest
import requests
from pydicom import dcmread
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

import fakeidp
import netdata
import netserve
from netserve import run
from test_ui import CHROMIUM, DRIVER, browser, shot, wait  # noqa: F401 (browser is a fixture)

pytestmark = pytest.mark.net


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    if not CHROMIUM.exists() or not DRIVER.exists():
        pytest.fail("chromium and chromium-driver are missing: Scripts/install-deps.sh installs them")
    folder = tmp_path_factory.mktemp("ui-oidc")
    data = folder / "data"
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    image = netdata.make_bulk(folder / "bulk", 1, size=4096)[0]
    assert run(rampart, "import", "--data-dir", data, "--quiet", image, timeout=120).returncode == 0
    with fakeidp.FakeIdP() as idp:
        (data / "oidc").mkdir()
        (data / "oidc" / "test-idp-jwks.json").write_text(json.dumps(idp.jwks()))
        with (data / "rampart.yaml").open("a") as config:
            config.write(idp.yaml("oidc/test-idp-jwks.json"))
        with netserve.serve(rampart, data, folder / "serve.log") as server:
            base = netserve.dicomweb_url(server).rsplit("/dicomweb", 1)[0]
            idp.expect_redirect(base)
            yield {"server": server, "data": data, "base": base, "ca": str(data / "tls" / "ca.pem"), "idp": idp,
                   "patient": str(dcmread(image, stop_before_pixels=True).PatientID)}


def get(site, path: str, **kwargs) -> requests.Response:
    return requests.get(site["base"] + path, verify=site["ca"], timeout=30, **kwargs)


def post(site, path: str, body: dict, cookie: str | None = None) -> requests.Response:
    headers = {"Cookie": cookie} if cookie else {}
    return requests.post(site["base"] + path, json=body, headers=headers, verify=site["ca"], timeout=30)


def begin(site) -> tuple[dict, str]:
    """A login begun over REST, as the page does: its answer, and the login cookie ("name=value")."""
    provider = get(site, "/api/session/providers").json()[0]["id"]
    started = post(site, "/api/session/oidc/start", {"provider": provider})
    assert started.status_code == 200, started.text
    set_cookie = started.headers["Set-Cookie"]
    assert set_cookie.startswith("rampart_login=") and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie and "Secure" in set_cookie
    return started.json(), set_cookie.split(";")[0]


def test_log_in_with_the_identity_provider_in_a_browser(rampart, site, browser):
    browser.get(site["base"] + "/ui/")
    browser.delete_all_cookies()
    browser.get(site["base"] + "/ui/")
    button = wait(browser, EC.element_to_be_clickable((By.XPATH, "//button[text()='Log in with Test IdP']")))
    shot(browser, "login-oidc")
    button.click()
    # Through the IdP and back: the studies page, as the IdP's user with the mapped role.
    wait(browser, EC.visibility_of_element_located((By.ID, "f-pid")))
    assert "dr.oidc (radiologist)" in browser.find_element(By.ID, "whoami").text
    assert "code=" not in browser.current_url and "state=" not in browser.current_url
    assert site["idp"].exchanges == ["ok"]  # the code was exchanged once, with the right PKCE verifier
    # The session works: a search finds the archive's patient.
    browser.find_element(By.ID, "f-pid").send_keys(site["patient"])
    browser.find_element(By.CSS_SELECTOR, "#view form button[type=submit]").click()
    wait(browser, EC.visibility_of_element_located((By.XPATH, f"//td[text()='{site['patient']}']")))
    decisions = netserve.decisions_text(rampart, site["data"])
    sign_in = [line for line in decisions.splitlines() if "\tuser dr.oidc\tui\t" in line and "\tassociate\t" in line]
    assert sign_in and sign_in[0].split("\t")[1] == "allow" and "authenticated by token" in sign_in[0], decisions
    assert any("\tuser dr.oidc\tui\t" in line and "\tquery\t" in line for line in decisions.splitlines())


def test_a_login_the_provider_refused_is_explained_on_the_login_page(site, browser):
    browser.get(site["base"] + "/ui/?error=access_denied&error_description=The+user+cancelled&state=x")
    error = wait(browser, EC.visibility_of_element_located((By.ID, "login-error")))
    assert error.text == "The identity provider did not log you in: The user cancelled."
    assert browser.find_element(By.XPATH, "//button[text()='Log in with Test IdP']").is_displayed()
    assert "error=" not in browser.current_url


def test_the_login_page_lists_providers_by_name_only_and_may_connect_to_the_token_endpoint(site):
    providers = get(site, "/api/session/providers")
    assert providers.status_code == 200 and [p["displayName"] for p in providers.json()] == ["Test IdP"]
    assert site["idp"].base not in providers.text and "Server" not in providers.headers
    policy = get(site, "/ui/").headers["Content-Security-Policy"]
    assert f"connect-src 'self' {site['idp'].base}; " in policy


def test_ends_of_a_login_that_must_not_open_a_session_are_refused_and_recorded(rampart, site):
    idp = site["idp"]
    # No login cookie: the login was begun in another browser (or by someone else).
    login, _ = begin(site)
    no_cookie = post(site, "/api/session/oidc", {"state": login["state"], "idToken": idp.id_token(login["nonce"])})
    assert no_cookie.status_code == 401 and "another browser" in no_cookie.json()["detail"]

    # A token of another login (its nonce is not this one's).
    login, cookie = begin(site)
    wrong_nonce = post(site, "/api/session/oidc", {"state": login["state"], "idToken": idp.id_token("another-login")}, cookie)
    assert wrong_nonce.status_code == 401 and "nonce" in wrong_nonce.json()["detail"]
    assert "Set-Cookie" not in wrong_nonce.headers or "rampart_session=" not in wrong_nonce.headers["Set-Cookie"]

    # The right end opens a session; the same state again is a replay.
    login, cookie = begin(site)
    assert login["clientId"] == fakeidp.CLIENT_ID and login["authorizationEndpoint"] == idp.base + "/authorize"
    answer = {"state": login["state"], "idToken": idp.id_token(login["nonce"])}
    opened = post(site, "/api/session/oidc", answer, cookie)
    assert opened.status_code == 200, opened.text
    session = opened.headers["Set-Cookie"].split(";")[0]
    assert session.startswith("rampart_session=")
    assert get(site, "/api/session", headers={"Cookie": session}).json()["user"] == fakeidp.USER
    replay = post(site, "/api/session/oidc", answer, cookie)
    assert replay.status_code == 401 and "used already" in replay.json()["detail"]

    unknown = post(site, "/api/session/oidc/start", {"provider": "no-such-idp"})
    assert unknown.status_code == 404

    denials = [line for line in netserve.decisions_text(rampart, site["data"]).splitlines() if line.split("\t")[1] == "deny"]
    for reason in ("was begun in another browser", "its nonce is not the one this login was given", "it was used already",
                   "identity provider no-such-idp, which this server does not offer"):
        assert any(reason in line and "\tanonymous\tui\t" in line for line in denials), reason
    for token in (answer["idToken"],):
        assert token not in "\n".join(denials) and token not in site["server"].log_text()
