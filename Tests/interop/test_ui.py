"""The web UI in a real browser: Debian's chromium, headless, driven by selenium through
chromium-driver, against `rampart serve` over HTTPS. Without a session every page is the login
form and shows none of the synthetic patients; an administrator logs in, finds a study, opens
it, changes the window/level of an image in the viewer and scrolls, sees in the audit
explorer the access just made, adds a user who then logs in. Screenshots
of each page go to .build/reports/ui/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

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
        yield {"server": server, "data": data, "base": base, "password": password, "ca": str(data / "tls" / "ca.pem")}


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
    for name in ("index.html", "app.js", "api.js", "dom.js", "viewer.js", "app.css"):
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
