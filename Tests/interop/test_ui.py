"""The web UI in a real browser: Debian's chromium, headless, driven by selenium through
chromium-driver, against `rampart serve` over HTTPS. Without a session every page is the login
form and shows none of the synthetic patients; an administrator logs in, finds a study, opens
it, changes the window/level of an image in the viewer and scrolls, sees in the audit
explorer the access just made, adds a user who then logs in. The policy page explains a
decision as `rampart policy check` does; the audit page's timeline and anomalies show the
accesses just made, a break-the-glass one among them; the administration page shows the
certificates. axe-core finds no serious or critical accessibility violation on any page.
Screenshots of each page go to .build/reports/ui/.
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

import netdata
import netpeers
import netserve
from netserve import run

pytestmark = pytest.mark.net

SHOTS = netpeers.REPO / ".build" / "reports" / "ui"
CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory, net_archive):
    if not CHROMIUM.exists() or not DRIVER.exists():
        pytest.fail("chromium and chromium-driver are missing: Scripts/install-deps.sh installs them")
    folder = tmp_path_factory.mktemp("ui")
    data = folder / "data"
    init = run(rampart, "init", "--data-dir", data)
    assert init.returncode == 0, init.stderr
    password = next(line.split()[-1] for line in init.stdout.splitlines() if line.strip().startswith("password:"))
    imported = run(rampart, "import", "--data-dir", data, "--quiet", net_archive.root, timeout=300)
    assert imported.returncode == 0, imported.stderr
    netserve.register(rampart, data, "LEGACYUS", port=104)
    with netserve.serve(rampart, data, folder / "serve.log") as server:
        base = netserve.dicomweb_url(server).rsplit("/dicomweb", 1)[0]
        yield {"server": server, "data": data, "base": base, "password": password, "ca": str(data / "tls" / "ca.pem"), "rampart": rampart}


@pytest.fixture(scope="module")
def browser(site):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,900"):
        options.add_argument(argument)
    # The server's certificate is from the data folder's own CA, which this browser profile
    # does not hold; the test checks the server, not the browser's trust store.
    options.accept_insecure_certs = True
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=str(DRIVER)), options=options)
    driver.set_page_load_timeout(60)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver, condition, timeout: float = 30):
    return WebDriverWait(driver, timeout).until(condition)


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def log_in(driver, site, user: str, password: str) -> None:
    """A fresh login: any session this browser had is dropped first."""
    driver.get(site["base"] + "/ui/")
    driver.delete_all_cookies()
    driver.get(site["base"] + "/ui/")
    wait(driver, EC.visibility_of_element_located((By.ID, "username")))
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    wait(driver, EC.visibility_of_element_located((By.ID, "logout")))


def canvas_digest(driver) -> dict:
    """The viewer canvas's size, the sum of its pixels' bytes and how many distinct values it holds."""
    return driver.execute_script("""
        const canvas = document.getElementById('viewer-canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let sum = 0; const seen = new Set();
        for (let i = 0; i < data.length; i += 4) { sum += data[i]; seen.add(data[i]); }
        return {width: canvas.width, sum: sum, distinct: seen.size};
    """)


def patient_values(archive) -> set[str]:
    return {value for i in archive.instances for key in ("PatientName", "PatientID", "PatientBirthDate")
            if (value := str(i.attrs.get(key, "")).strip())}


def test_without_a_session_every_page_is_the_login_form_and_shows_no_patient(site, browser, net_archive):
    secrets = patient_values(net_archive)
    browser.get(site["base"] + "/")
    wait(browser, EC.visibility_of_element_located((By.ID, "login-form")))
    shot(browser, "login")
    for route in ("#/studies", "#/audit", "#/admin", f"#/study/{net_archive.instances[0].study_uid}"):
        browser.get(site["base"] + "/ui/" + route)
        wait(browser, EC.visibility_of_element_located((By.ID, "login-form")))
        page = browser.page_source
        assert not [s for s in secrets if s in page], route
        assert "Rampart" in page and "0.1.0" not in page
    # Every file the UI is made of, fetched without a session: no data, no version.
    for name in ("index.html", "app.js", "api.js", "dom.js", "viewer.js", "admin.js", "audit.js", "policy.js", "app.css"):
        body = requests.get(f"{site['base']}/ui/{name}", verify=site["ca"], timeout=30)
        assert body.status_code == 200 and "Server" not in body.headers
        assert not [s for s in secrets if s in body.text] and "0.1.0" not in body.text
    assert "script-src 'self'" in requests.get(site["base"] + "/ui/", verify=site["ca"], timeout=30).headers["Content-Security-Policy"]


def test_an_administrator_finds_a_study_and_the_audit_explorer_shows_that_access(site, browser, net_archive):
    log_in(browser, site, "admin", site["password"])
    target = net_archive.records("STUDY")[0]
    family = target["PatientName"].split("^")[0]
    browser.find_element(By.CSS_SELECTOR, "a[data-view=studies]").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "f-name")))
    browser.find_element(By.ID, "f-name").send_keys(family.lower())
    browser.find_element(By.CSS_SELECTOR, "#view form button[type=submit]").click()
    row = wait(browser, EC.element_to_be_clickable((By.XPATH, f"//tr[td[text()='{target['PatientID']}']]")))
    shot(browser, "studies")
    # Sorting by patient ID keeps every row.
    rows_before = len(browser.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
    browser.find_element(By.XPATH, "//th/button[text()='Patient ID']").click()
    assert len(browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == rows_before
    row = wait(browser, EC.element_to_be_clickable((By.XPATH, f"//tr[td[text()='{target['PatientID']}']]")))
    row.click()
    wait(browser, EC.visibility_of_element_located((By.XPATH, "//h2[text()='Series']")))
    series = browser.find_elements(By.CSS_SELECTOR, "#view tbody tr")
    assert len(series) == len({i.series_uid for i in net_archive.instances if i.study_uid == target["StudyInstanceUID"]})
    # Each series shows the server's thumbnail of its middle image, 96 pixels square at most.
    sizes = wait(browser, lambda d: (lambda s: s if s and all(w is not None for w, _ in s) else False)(d.execute_script(
        "return [...document.querySelectorAll('img.thumbnail')].map(i => i.complete ? [i.naturalWidth, i.naturalHeight] : [null, null])")))
    assert len(sizes) == len(series) and all(0 < w <= 96 and 0 < h <= 96 for w, h in sizes), sizes
    shot(browser, "study")
    # The viewer: the first series' images on a canvas; dragging changes window/level, the
    # arrow key scrolls, the tags panel shows the current image's attributes.
    browser.find_element(By.LINK_TEXT, "View").click()
    canvas = wait(browser, EC.visibility_of_element_located((By.ID, "viewer-canvas")))
    wait(browser, lambda d: d.find_element(By.ID, "viewer-status").text.startswith("Image 1 of"))
    before = canvas_digest(browser)
    assert before["width"] > 0 and before["distinct"] > 1
    ActionChains(browser).move_to_element(canvas).click_and_hold().move_by_offset(60, 40).release().perform()
    after = canvas_digest(browser)
    assert after["sum"] != before["sum"], "window/level did not change the pixels"
    assert browser.find_element(By.ID, "viewer-window").text != ""
    wait(browser, lambda d: "(0010,0020)" in d.find_element(By.ID, "viewer-tags").text)
    assert target["PatientID"] in browser.find_element(By.ID, "viewer-tags").text
    shot(browser, "viewer")
    canvas.send_keys(Keys.ARROW_DOWN)
    wait(browser, lambda d: d.find_element(By.ID, "viewer-status").text.startswith("Image 2 of"))
    browser.back()
    wait(browser, EC.visibility_of_element_located((By.LINK_TEXT, "Who accessed this patient")))
    browser.find_element(By.LINK_TEXT, "Who accessed this patient").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "audit-results")))
    cell = wait(browser, EC.visibility_of_element_located((By.XPATH, "//td[text()='ui']")))
    assert cell
    text = browser.find_element(By.ID, "audit-results").text
    assert "user admin" in text and target["PatientID"] in text and "query" in text
    shot(browser, "audit")


def test_an_administrator_adds_a_user_who_then_logs_in(site, browser):
    log_in(browser, site, "admin", site["password"])
    browser.get(site["base"] + "/ui/#/admin")
    wait(browser, EC.visibility_of_element_located((By.XPATH, "//h2[text()='Users']")))
    assert "LEGACYUS" in browser.find_element(By.ID, "view").text and "legacy exception" in browser.find_element(By.ID, "view").text
    browser.find_element(By.ID, "f-name").send_keys("uiradiologist")
    browser.find_element(By.ID, "f-roles").send_keys("radiologist")
    browser.find_element(By.XPATH, "//button[text()='Add user']").click()
    secret = wait(browser, EC.visibility_of_element_located((By.ID, "new-password"))).text
    shot(browser, "admin")
    assert len(secret) > 10
    browser.find_element(By.ID, "logout").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "login-form")))
    log_in(browser, site, "uiradiologist", secret)
    assert "uiradiologist (radiologist)" in browser.find_element(By.ID, "whoami").text
    # A radiologist may not administer: the page says so instead of showing the accounts.
    browser.get(site["base"] + "/ui/#/admin")
    error = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#view .error")))
    assert "not authorized" in error.text
    shot(browser, "admin-refused")


def axe_violations(driver) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now. The axe-core that
    axe-selenium-python bundles (3.1.1) predates the HTML autofill token `one-time-code` (axe
    knows it from 3.5): that one finding, on the login form's code field, is not a violation."""
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    outdated = lambda v: v["id"] == "autocomplete-valid" and all(
        'autocomplete="one-time-code"' in n["html"] for n in v["nodes"])
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical") and not outdated(v)]


def explain_in_the_page(driver, kind: str, who: str, action: str, channel: str, **more: str) -> tuple[str, str]:
    """The policy page's explain form filled and sent: the decision line and the reason."""
    Select(driver.find_element(By.ID, "f-kind")).select_by_value(kind)
    for box in driver.find_elements(By.CSS_SELECTOR, "#explain-form input"):
        box.clear()
    for name, value in (("who", who), *more.items()):
        driver.find_element(By.ID, f"f-{name}").send_keys(value)
    Select(driver.find_element(By.ID, "f-action")).select_by_value(action)
    Select(driver.find_element(By.ID, "f-channel")).select_by_value(channel)
    previous = driver.find_elements(By.ID, "explain-decision")
    driver.find_element(By.XPATH, "//button[text()='Explain']").click()
    if previous:
        wait(driver, EC.staleness_of(previous[0]))
    decision = wait(driver, EC.visibility_of_element_located((By.ID, "explain-decision"))).text
    return decision, driver.find_element(By.ID, "explain-reason").text


def test_the_policy_page_explains_a_decision_as_the_command_line_does(rampart, site, browser):
    log_in(browser, site, "admin", site["password"])
    browser.find_element(By.CSS_SELECTOR, "a[data-view=policy]").click()
    wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "#policy-roles tbody tr")))
    roles = browser.find_element(By.ID, "policy-roles").text
    assert "auditor" in roles and "radiologist" in roles
    cases = [("user", "admin", "administer", "ui", {}, ("--user", "admin", "--action", "administer", "--channel", "ui")),
             ("ae", "LEGACYUS", "retrieve", "dimse", {"from": "10.9.9.9"}, ("--ae", "LEGACYUS", "--action", "retrieve", "--from", "10.9.9.9")),
             ("user", "outsider", "retrieve", "dicomweb", {"roles": "radiologist", "purpose": "ETREAT"},
              ("--user", "outsider", "--role", "radiologist", "--action", "retrieve", "--channel", "dicomweb", "--purpose", "ETREAT"))]
    for kind, who, action, channel, more, options in cases:
        decision, reason = explain_in_the_page(browser, kind, who, action, channel, **more)
        cli = run(rampart, "policy", "check", "--data-dir", site["data"], *options)
        assert cli.returncode in (0, 1), cli.stderr
        assert decision.split(":")[0] == cli.stdout.split(":")[0], (decision, cli.stdout)
        assert f"why: {reason}" in cli.stdout, (reason, cli.stdout)
        assert "null" not in browser.find_element(By.ID, "explain-result").text
        if who == "outsider":
            assert "Break-the-glass" in browser.find_element(By.ID, "explain-result").text
            shot(browser, "policy")
    assert axe_violations(browser) == []


def test_the_audit_page_draws_the_timeline_and_lists_a_break_the_glass_access(rampart, site, browser):
    assert run(rampart, "user", "add", "glassrad", "--role", "radiologist", "--data-dir", site["data"]).returncode == 0
    issued = run(rampart, "token", "issue", "--user", "glassrad", "--purpose", "ETREAT", "--data-dir", site["data"])
    assert issued.returncode == 0, issued.stderr
    # The accounts file is read again when it changes: the first request may come before that.
    for _ in range(50):
        emergency = requests.get(site["base"] + "/dicomweb/studies", headers={"Authorization": f"Bearer {issued.stdout.strip()}"},
                                 verify=site["ca"], timeout=30)
        if emergency.status_code != 401:
            break
        time.sleep(0.2)
    assert emergency.status_code == 200, emergency.text
    log_in(browser, site, "admin", site["password"])
    browser.get(site["base"] + "/ui/#/audit")
    wait(browser, EC.visibility_of_element_located((By.ID, "timeline-chart")))
    hour = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:00")
    browser.find_element(By.XPATH, "//details[summary[starts-with(text(), 'The timeline as a table')]]/summary").click()
    row = wait(browser, EC.visibility_of_element_located((By.XPATH, f"//table[@id='timeline-table']//tr[th[text()='{hour}']]")))
    allowed = int(row.find_elements(By.TAG_NAME, "td")[0].text)
    assert allowed > 0
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline-chart rect")) > 0
    anomaly = wait(browser, EC.visibility_of_element_located((By.XPATH, "//div[@id='audit-anomalies']//tr[td[text()='user glassrad']]")))
    assert "break-the-glass" in anomaly.text and "ETREAT" in anomaly.text
    shot(browser, "audit-timeline")
    assert axe_violations(browser) == []


def test_the_certificates_section_shows_the_servers_and_the_cas(site, browser):
    log_in(browser, site, "admin", site["password"])
    browser.get(site["base"] + "/ui/#/admin")
    table = wait(browser, EC.visibility_of_element_located((By.ID, "certificate-table")))
    text = table.text
    assert "This server (HTTPS)" in text and "Local CA" in text and "IP:127.0.0.1" in text
    assert not browser.find_elements(By.CSS_SELECTOR, "#certificate-table tr.warning")  # fresh from rampart init: years left
    assert "PRIVATE" not in browser.page_source and "null" not in browser.find_element(By.ID, "certificates").text
    browser.execute_script("document.getElementById('certificates').scrollIntoView()")
    shot(browser, "certificates")
    assert axe_violations(browser) == []


def test_an_administrator_changes_a_setting_and_the_server_applies_it(site, browser):
    """The settings card: the request rate changed in the form is the server's from the next
    request (the REST API reads it back, changed at run time), then set back."""
    log_in(browser, site, "admin", site["password"])
    browser.get(site["base"] + "/ui/#/admin")
    rate = wait(browser, EC.visibility_of_element_located((By.ID, "setting-http-requests_per_minute_per_host")))
    original = rate.get_attribute("value")
    browser.execute_script("document.getElementById('settings').scrollIntoView()")
    for value in ("5000", original):
        rate = browser.find_element(By.ID, "setting-http-requests_per_minute_per_host")
        rate.clear()
        rate.send_keys(value)
        # The card is drawn anew with the saved settings: wait for the old one to go first.
        before = browser.find_element(By.ID, "settings-status")
        browser.find_element(By.ID, "save-settings").click()
        wait(browser, EC.staleness_of(before))
        wait(browser, lambda d: "Saved: http.requests_per_minute_per_host" in d.find_element(By.ID, "settings-status").text)
        if value == "5000":
            shot(browser, "settings")
            assert "changed at run time" in browser.find_element(By.ID, "settings").text
            assert axe_violations(browser) == []
        token = run(site["rampart"], "token", "issue", "--user", "admin", "--data-dir", site["data"]).stdout.strip()
        settings = requests.get(site["base"] + "/api/settings", headers={"Authorization": f"Bearer {token}"}, verify=site["ca"], timeout=60).json()
        assert next(s for s in settings if s["name"] == "http.requests_per_minute_per_host")["value"] == int(value)


def test_the_exposure_self_scan_shows_exactly_the_legacy_exception(site, browser):
    """The administration page's self-scan: scanned again on demand, the server's own listeners
    and registry give exactly one finding above info, the AE admitted by title and host alone,
    with its fix."""
    log_in(browser, site, "admin", site["password"])
    browser.get(site["base"] + "/ui/#/admin")
    wait(browser, EC.element_to_be_clickable((By.ID, "rescan"))).click()
    summary = wait(browser, lambda d: (lambda t: t if "above info" in t and d.find_element(By.ID, "rescan").is_enabled() else False)(
        d.find_element(By.ID, "exposure-summary").text))
    assert summary.startswith("1 finding(s) above info"), summary
    card = browser.find_element(By.ID, "exposure").text
    assert "legacy exception" in card and "LEGACYUS" in card and "rampart ae certificate" in card
    browser.execute_script("document.getElementById('exposure').scrollIntoView()")
    shot(browser, "exposure")
    assert axe_violations(browser) == []


def test_every_page_has_no_serious_accessibility_violation_and_is_reachable_by_keyboard(site, browser, net_archive):
    browser.get(site["base"] + "/ui/")
    browser.delete_all_cookies()
    browser.get(site["base"] + "/ui/")
    wait(browser, EC.visibility_of_element_located((By.ID, "login-form")))
    assert axe_violations(browser) == [], "login"
    log_in(browser, site, "admin", site["password"])
    target = net_archive.records("STUDY")[0]
    series = next(i.series_uid for i in net_archive.instances if i.study_uid == target["StudyInstanceUID"])
    pages = {"studies": ("#/studies", (By.ID, "f-name")), "study": (f"#/study/{target['StudyInstanceUID']}", (By.XPATH, "//h2[text()='Series']")),
             "viewer": (f"#/view/{target['StudyInstanceUID']}/{series}", (By.ID, "viewer-canvas")),
             "admin": ("#/admin", (By.ID, "certificate-table")), "policy": ("#/policy", (By.ID, "explain-form")),
             "audit": ("#/audit", (By.ID, "timeline-chart"))}
    for name, (route, ready) in pages.items():
        browser.get(site["base"] + "/ui/" + route)
        wait(browser, EC.visibility_of_element_located(ready))
        assert axe_violations(browser) == [], name
    # The viewer documents its keys on the page.
    browser.get(site["base"] + "/ui/" + pages["viewer"][0])
    wait(browser, EC.visibility_of_element_located((By.ID, "viewer-shortcuts")))
    browser.find_element(By.CSS_SELECTOR, "#viewer-shortcuts summary").click()
    assert "next image" in browser.find_element(By.ID, "viewer-shortcuts").text
    # Tab reaches the navigation, and the focused link shows a visible outline.
    browser.execute_script("document.activeElement.blur()")
    for _ in range(10):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        focused = browser.switch_to.active_element
        if focused.tag_name == "a" and focused.get_attribute("data-view"):
            break
    assert focused.get_attribute("data-view"), "the navigation is not reachable by Tab"
    assert browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused) != "none"
