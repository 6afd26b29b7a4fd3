"""DICOMweb through `rampart serve`, with dicomweb-client (the reference Python client) as the
peer, over HTTPS checked against the data folder's local CA. Without a credential every
request, whatever it asks, gets the same 401 with no version banner and no data, and the
refusal is in the audit log; with a token or an API key, QIDO-RS answers as C-FIND would over
the same archive, through the principal's attribute view.
"""

from __future__ import annotations

import base64
import io

import pydicom
import pytest
import requests
from lxml import etree
from dicomweb_client.api import DICOMwebClient

import netdata
import netserve
from netserve import run

pytestmark = pytest.mark.net

PATIENT_NAME, PATIENT_ID, OTHER_IDS = "00100010", "00100020", "00101000"


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory, net_archive):
    """An initialized folder holding the Q/R test archive, served; a radiologist, a technologist
    and a service account; their credentials."""
    folder = tmp_path_factory.mktemp("dicomweb")
    data = folder / "data"
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    for name, role in (("rad", "radiologist"), ("tech", "technologist")):
        added = run(rampart, "user", "add", name, "--role", role, "--data-dir", data)
        assert added.returncode == 0, added.stderr
    service = run(rampart, "service", "add", "pipeline", "--role", "radiologist", "--data-dir", data)
    assert service.returncode == 0, service.stderr
    key = next(word for word in service.stdout.split() if word.startswith("rampart_sk_"))
    imported = run(rampart, "import", "--data-dir", data, "--quiet", net_archive.root, timeout=300)
    assert imported.returncode == 0, imported.stderr
    with netserve.serve(rampart, data, folder / "serve.log") as server:
        yield {
            "server": server, "data": data, "url": netserve.dicomweb_url(server), "ca": str(data / "tls" / "ca.pem"),
            "rad": token(rampart, data, "rad"), "tech": token(rampart, data, "tech"), "key": key,
        }


def token(rampart, data, user: str) -> str:
    result = run(rampart, "token", "issue", "--user", user, "--data-dir", data)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def client(site, credential: str | None = None, *, basic: tuple[str, str] | None = None) -> DICOMwebClient:
    session = requests.Session()
    # Else REQUESTS_CA_BUNDLE, when set, wins over session.verify (requests' merge order).
    session.trust_env = False
    session.verify = site["ca"]
    headers = {}
    if credential:
        headers["Authorization"] = f"Bearer {credential}"
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    return DICOMwebClient(url=site["url"], session=session, headers=headers)


def value(answer: dict, tag: str):
    values = answer.get(tag, {}).get("Value", [])
    if not values:
        return None
    first = values[0]
    return first.get("Alphabetic") if isinstance(first, dict) else first


@pytest.mark.parametrize("method, path", [
    ("GET", "/studies"), ("GET", "/studies/1.2.3/series"), ("GET", "/instances?PatientID=*"),
    ("POST", "/studies"), ("GET", "/no/such/resource"), ("DELETE", "/studies/1.2.3"),
])
def test_without_a_credential_every_request_gets_the_same_401_and_no_banner(site, method, path):
    response = requests.request(method, site["url"] + path, verify=site["ca"], timeout=30)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="rampart"'
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "Server" not in response.headers and "rampart/" not in response.text.lower()
    assert response.json()["status"] == 401 and "Value" not in response.text
    # Security headers hold on errors too.
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_wrong_or_tampered_credential_is_refused_and_the_refusal_recorded(rampart, site):
    tampered = site["rad"][:-4] + ("AAAA" if not site["rad"].endswith("AAAA") else "BBBB")
    for headers in ({"Authorization": f"Bearer {tampered}"}, {"Authorization": "Basic " + base64.b64encode(b"pipeline:rampart_sk_wrong").decode()},
                    {"Authorization": "Negotiate abc"}):
        response = requests.get(site["url"] + "/studies", headers=headers, verify=site["ca"], timeout=30)
        assert response.status_code == 401
    refused = [r["event"] for r in netserve.decisions(rampart, site["data"])]
    refused = [e for e in refused if e.get("channel") == "dicomweb" and e["outcome"] != 0]
    reasons = " ".join(e.get("reason", "") for e in refused)
    assert "bearer token" in reasons and "service \"pipeline\"" in reasons and "not Bearer or Basic" in reasons


def test_plain_http_is_not_served_where_a_certificate_exists(site):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(site["url"].replace("https://", "http://") + "/studies", timeout=10)


def test_qido_studies_match_the_archive_for_a_radiologist(site, net_archive):
    studies = client(site, site["rad"]).search_for_studies()
    expected = {r["StudyInstanceUID"]: r for r in net_archive.records("STUDY")}
    assert {value(s, "0020000D") for s in studies} == set(expected)
    for answer in studies:
        record = expected[value(answer, "0020000D")]
        assert value(answer, PATIENT_ID) == record["PatientID"]
        assert value(answer, "00080050") == record["AccessionNumber"]
        assert int(value(answer, "00201208")) == int(record["NumberOfStudyRelatedInstances"])


def test_qido_series_and_instances_at_every_path(site, net_archive):
    web = client(site, site["rad"])
    study = net_archive.instances[0].study_uid
    series = net_archive.instances[0].series_uid
    in_study = {i.series_uid for i in net_archive.instances if i.study_uid == study}
    assert {value(s, "0020000E") for s in web.search_for_series(study_instance_uid=study)} == in_study
    everywhere = {value(s, "0020000E") for s in web.search_for_series()}
    assert everywhere == {i.series_uid for i in net_archive.instances}
    in_series = {i.sop_instance_uid for i in net_archive.instances if i.series_uid == series}
    answers = web.search_for_instances(study_instance_uid=study, series_instance_uid=series)
    assert {value(a, "00080018") for a in answers} == in_series
    assert {value(a, "00080018") for a in web.search_for_instances(study_instance_uid=study)} == {
        i.sop_instance_uid for i in net_archive.instances if i.study_uid == study}
    # Relational: every instance of a patient, by a study-level key, from /instances.
    patient = net_archive.instances[0].patient_id
    answers = web.search_for_instances(search_filters={"PatientID": patient})
    assert {value(a, "00080018") for a in answers} == {i.sop_instance_uid for i in net_archive.instances if i.patient_id == patient}


def test_qido_matching_paging_and_fields(site, net_archive):
    web = client(site, site["rad"])
    records = net_archive.records("STUDY")
    family = records[0]["PatientName"].split("^")[0]
    # Person names match regardless of case with fuzzymatching, and by wildcard.
    matched = web.search_for_studies(search_filters={"PatientName": family.lower() + "*"}, fuzzymatching=True)
    assert {value(s, "0020000D") for s in matched} == {r["StudyInstanceUID"] for r in records if r["PatientName"].startswith(family)}
    # limit and offset page through the same answers.
    every = [value(s, "0020000D") for s in web.search_for_studies()]
    pages = [value(s, "0020000D") for offset in range(0, len(every), 4) for s in web.search_for_studies(limit=4, offset=offset)]
    assert pages == every
    # includefield adds attributes; a UID list matches any of its UIDs.
    chosen = every[:2]
    answers = web.search_for_studies(search_filters={"StudyInstanceUID": ",".join(chosen)}, fields=["StudyDescription"])
    assert sorted(value(a, "0020000D") for a in answers) == sorted(chosen)
    assert all(value(a, "00081030") for a in answers)


def test_a_service_account_signs_in_with_its_api_key_over_basic(site):
    assert client(site, basic=("pipeline", site["key"])).search_for_studies(limit=1)


def test_the_technologist_view_holds_in_qido_answers(site, net_archive):
    answers = client(site, site["tech"]).search_for_studies(fields=["all"])
    assert answers
    for answer in answers:
        assert OTHER_IDS not in answer or not answer[OTHER_IDS].get("Value")
        assert value(answer, PATIENT_NAME)


def test_a_query_is_decided_and_its_answers_recorded_as_dicomweb(rampart, site):
    client(site, site["rad"]).search_for_studies(search_filters={"PatientID": "*"})
    events = [r["event"] for r in netserve.audit_events(rampart, site["data"], "--user", "rad")]
    queries = [e for e in events if e["channel"] == "dicomweb" and e.get("action") == "query"]
    assert any(e["outcome"] == 0 and e["kind"] == "query" for e in queries)
    disclosures = [e for e in queries if e["kind"] == "patient-record"]
    assert disclosures and disclosures[-1]["follows"]
    # An authenticated request is recorded once, by its decision: no sign-in record per request.
    assert not [e for e in events if e["channel"] == "dicomweb" and e.get("action") == "associate"]


def test_bad_queries_get_a_problem_that_says_what_to_change(site):
    headers = {"Authorization": f"Bearer {site['rad']}"}
    for query, says in (("NoSuchKeyword=1", "not a DICOM attribute keyword"), ("limit=-1", "limit must be a whole number"),
                        ("StudyInstanceUID=../../etc", "UID")):
        response = requests.get(site["url"] + "/studies?" + query, headers=headers, verify=site["ca"], timeout=30)
        assert response.status_code == 400, query
        assert response.headers["Content-Type"] == "application/problem+json"
        assert says in response.json()["detail"]


# WADO-RS and STOW-RS


def test_stow_then_wado_at_every_level_round_trips_with_pydicom(rampart, site, tmp_path):
    files = netdata.make_bulk(tmp_path / "stow", 3, size=4096, seed=4242)
    datasets = [pydicom.dcmread(p) for p in files]
    study = datasets[0].StudyInstanceUID
    for ds in datasets[1:]:
        ds.StudyInstanceUID = study
        ds.SeriesInstanceUID = datasets[0].SeriesInstanceUID
    web = client(site, site["rad"])
    answer = web.store_instances(datasets=datasets)
    stored = {item.ReferencedSOPInstanceUID for item in answer.ReferencedSOPSequence}
    assert stored == {ds.SOPInstanceUID for ds in datasets}
    assert "FailedSOPSequence" not in answer or not answer.FailedSOPSequence
    series = datasets[0].SeriesInstanceUID
    for retrieved in (web.retrieve_study(study), web.retrieve_series(study, series)):
        assert {ds.SOPInstanceUID for ds in retrieved} == stored
    for original in datasets:
        instance = web.retrieve_instance(study, series, original.SOPInstanceUID)
        assert instance.SOPInstanceUID == original.SOPInstanceUID
        assert instance.PatientID == original.PatientID and instance.PixelData == original.PixelData
        metadata = web.retrieve_instance_metadata(study, series, original.SOPInstanceUID)
        assert value(metadata, "00080018") == original.SOPInstanceUID and "7FE00010" not in metadata
    assert len(web.retrieve_study_metadata(study)) == 3
    # Stored a second time: kept, and reported as stored, as C-STORE answers a duplicate.
    again = web.store_instances(datasets=datasets[:1])
    assert [item.ReferencedSOPInstanceUID for item in again.ReferencedSOPSequence] == [datasets[0].SOPInstanceUID]
    # The store and each retrieve are decided and recorded on channel dicomweb.
    events = [r["event"] for r in netserve.audit_events(rampart, site["data"], "--study", study)]
    kinds = {(e["kind"], e.get("action")) for e in events if e["channel"] == "dicomweb"}
    assert {("instances-transferred", "store"), ("begin-transferring", "retrieve"), ("instances-transferred", "retrieve")} <= kinds


def test_a_study_of_the_archive_retrieved_by_wado_equals_its_file(site, net_archive):
    web = client(site, site["rad"])
    original = net_archive.instances[0]
    retrieved = web.retrieve_instance(original.study_uid, original.series_uid, original.sop_instance_uid)
    expected = pydicom.dcmread(original.path)
    assert retrieved.SOPInstanceUID == expected.SOPInstanceUID and retrieved.PatientName == expected.PatientName
    assert retrieved.PixelData == expected.PixelData


def test_the_technologist_view_holds_in_wado_objects_and_metadata(site, net_archive, tmp_path):
    path = netdata.make_bulk(tmp_path / "secret", 1, size=2048, seed=777)[0]
    ds = pydicom.dcmread(path)
    ds.OtherPatientIDs = "SSN-000-99-8888"
    client(site, site["rad"]).store_instances(datasets=[ds])
    tech = client(site, site["tech"])
    instance = tech.retrieve_instance(ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID)
    assert "OtherPatientIDs" not in instance or not instance.OtherPatientIDs
    assert instance.PatientName == ds.PatientName
    metadata = tech.retrieve_instance_metadata(ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID)
    assert "SSN-000-99-8888" not in str(metadata)


def test_a_researcher_may_not_store_and_uploads_nothing(rampart, site, tmp_path):
    added = run(rampart, "user", "add", "res", "--role", "researcher", "--data-dir", site["data"])
    assert added.returncode == 0, added.stderr
    path = netdata.make_bulk(tmp_path / "res", 1, size=1024, seed=99)[0]
    with pytest.raises(requests.exceptions.HTTPError) as refused:
        client(site, token(rampart, site["data"], "res")).store_instances(datasets=[pydicom.dcmread(path)])
    assert refused.value.response.status_code == 403
    assert refused.value.response.headers["Content-Type"] == "application/problem+json"


def test_a_client_over_its_request_rate_gets_429_and_others_do_not(rampart, tmp_path):
    data = tmp_path / "data"
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    config = data / "rampart.yaml"
    config.write_text(config.read_text().replace("requests_per_minute_per_host: 6000", "requests_per_minute_per_host: 20"))
    with netserve.serve(rampart, data, tmp_path / "serve.log") as server:
        url, ca = netserve.dicomweb_url(server) + "/studies", str(data / "tls" / "ca.pem")
        # Without a credential: the flood is stopped before any credential is checked.
        statuses = [requests.get(url, verify=ca, timeout=30).status_code for _ in range(25)]
        assert statuses[:20] == [401] * 20 and set(statuses[20:]) == {429}
        refused = requests.get(url, verify=ca, timeout=30)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert "requests_per_minute_per_host" in refused.json()["detail"]
        session = requests.Session()
        session.trust_env = False
        session.mount("https://", netserve.SourceAddressAdapter("127.0.0.2"))
        assert session.get(url, verify=ca, timeout=30).status_code == 401



def test_wado_uri_returns_the_object_or_its_rendering_and_refuses_what_it_cannot_render(site, net_archive):
    original = net_archive.instances[1]
    params = {"requestType": "WADO", "studyUID": original.study_uid, "seriesUID": original.series_uid,
              "objectUID": original.sop_instance_uid, "contentType": "application/dicom"}
    headers = {"Authorization": f"Bearer {site['rad']}"}
    response = requests.get(site["url"] + "/wado", params=params, headers=headers, verify=site["ca"], timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/dicom")
    retrieved = pydicom.dcmread(io.BytesIO(response.content))
    expected = pydicom.dcmread(original.path)
    assert retrieved.SOPInstanceUID == expected.SOPInstanceUID and retrieved.PixelData == expected.PixelData
    assert retrieved.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"
    as_stored = requests.get(site["url"] + "/wado", params={**params, "transferSyntax": "*"}, headers=headers, verify=site["ca"], timeout=30)
    assert pydicom.dcmread(io.BytesIO(as_stored.content)).file_meta.TransferSyntaxUID == expected.file_meta.TransferSyntaxUID
    rendered = requests.get(site["url"] + "/wado", params={**params, "contentType": "image/jpeg"}, headers=headers, verify=site["ca"], timeout=30)
    assert rendered.status_code == 200 and rendered.headers["Content-Type"] == "image/jpeg"
    region = requests.get(site["url"] + "/wado", params={**params, "contentType": "image/png", "region": "0,0,1,1"}, headers=headers,
                          verify=site["ca"], timeout=30)
    assert region.status_code == 400 and "region" in region.json()["detail"]
    missing = requests.get(site["url"] + "/wado", params={**params, "objectUID": "1.2.3.4"}, headers=headers, verify=site["ca"], timeout=30)
    assert missing.status_code == 404
    assert requests.get(site["url"] + "/wado", params=params, verify=site["ca"], timeout=30).status_code == 401


# Capabilities (PS3.18 10.8)

WADL = "{http://wadl.dev.java.net/2009/02}"
SERVED = {
    "GET ", "OPTIONS ",
    "GET studies", "GET series", "GET instances", "GET studies/{study}/series", "GET studies/{study}/instances",
    "GET studies/{study}/series/{series}/instances",
    "GET studies/{study}", "GET studies/{study}/series/{series}", "GET studies/{study}/series/{series}/instances/{instance}",
    "GET studies/{study}/metadata", "GET studies/{study}/series/{series}/metadata",
    "GET studies/{study}/series/{series}/instances/{instance}/metadata",
    "GET studies/{study}/series/{series}/instances/{instance}/frames/{frames}",
    "POST studies", "POST studies/{study}", "GET wado",
    "GET studies/{study}/series/{series}/instances/{instance}/rendered",
    "GET studies/{study}/series/{series}/instances/{instance}/frames/{frames}/rendered",
    "GET studies/{study}/thumbnail", "GET studies/{study}/series/{series}/thumbnail",
    "GET studies/{study}/series/{series}/instances/{instance}/thumbnail",
    "GET studies/{study}/series/{series}/instances/{instance}/frames/{frames}/thumbnail",
}


def test_options_describes_exactly_the_resources_served_as_wadl(site):
    headers = {"Authorization": f"Bearer {site['rad']}"}
    assert requests.options(site["url"], verify=site["ca"], timeout=30).status_code == 401
    response = requests.options(site["url"], headers=headers, verify=site["ca"], timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.sun.wadl+xml"
    document = etree.fromstring(response.content)
    assert document.tag == WADL + "application"
    resources = document.find(WADL + "resources")
    assert resources.get("base") == "/dicomweb/"
    listed = [f"{m.get('name')} {r.get('path')}" for r in resources.iter(WADL + "resource") for m in r.iter(WADL + "method")]
    assert sorted(listed) == sorted(SERVED)
    # Each listed resource is routed: a made-up UID gets the resource's own answer, never the
    # router's "no such route", which a path it does not list gets.
    unrouted = requests.get(site["url"] + "/no/such/resource", headers=headers, verify=site["ca"], timeout=30)
    assert unrouted.status_code == 404
    uids = {"study": "2.25.1", "series": "2.25.2", "instance": "2.25.3", "frames": "1"}
    for route in listed:
        method, path = route.split(" ", 1)
        answer = requests.request(method, site["url"] + "/" + path.format(**uids), headers=headers, verify=site["ca"], timeout=30)
        assert answer.status_code not in (404, 405) or answer.json()["detail"] != unrouted.json()["detail"], route
    get = requests.get(site["url"], headers={**headers, "Accept": "application/vnd.sun.wadl+xml"}, verify=site["ca"], timeout=30)
    assert get.status_code == 200 and get.content == response.content


def xml_parts(response) -> list:
    """The Native DICOM Model documents of a multipart/related; type="application/dicom+xml" body."""
    content_type = response.headers["Content-Type"]
    assert content_type.startswith('multipart/related; type="application/dicom+xml"'), content_type
    boundary = content_type.split("boundary=")[1].strip('"').encode()
    parts = response.content.split(b"--" + boundary)[1:-1]
    return [etree.fromstring(part.split(b"\r\n\r\n", 1)[1].rstrip(b"\r\n")) for part in parts]


def test_qido_and_metadata_answer_in_xml_when_asked(site, net_archive):
    headers = {"Authorization": f"Bearer {site['rad']}", "Accept": 'multipart/related; type="application/dicom+xml"'}
    response = requests.get(site["url"] + "/studies?limit=5", headers=headers, verify=site["ca"], timeout=30)
    assert response.status_code == 200
    documents = xml_parts(response)
    uids = [d.find("DicomAttribute[@tag='0020000D']/Value").text for d in documents]
    as_json = client(site, site["rad"]).search_for_studies(limit=5)
    assert uids == [value(s, "0020000D") for s in as_json] and len(uids) == 5
    assert all(d.tag == "NativeDicomModel" for d in documents)
    original = net_archive.instances[0]
    metadata = requests.get(f"{site['url']}/studies/{original.study_uid}/series/{original.series_uid}/metadata",
                            headers=headers, verify=site["ca"], timeout=30)
    assert metadata.status_code == 200
    sops = {d.find("DicomAttribute[@tag='00080018']/Value").text for d in xml_parts(metadata)}
    assert sops == {i.sop_instance_uid for i in net_archive.instances if i.series_uid == original.series_uid}
    refused = requests.get(site["url"] + "/studies", headers={**headers, "Accept": "text/html"}, verify=site["ca"], timeout=30)
    assert refused.status_code == 406


def test_frames_of_native_pixel_data_are_the_stored_pixels(site, net_archive):
    original = next(i for i in net_archive.instances
                    if i.transfer_syntax in ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1") and "NumberOfFrames" not in pydicom.dcmread(i.path))
    url = f"{site['url']}/studies/{original.study_uid}/series/{original.series_uid}/instances/{original.sop_instance_uid}/frames/1"
    headers = {"Authorization": f"Bearer {site['rad']}"}
    response = requests.get(url, headers={**headers, "Accept": 'multipart/related; type="application/octet-stream"'}, verify=site["ca"], timeout=30)
    assert response.status_code == 200
    frames = client(site, site["rad"]).retrieve_instance_frames(original.study_uid, original.series_uid, original.sop_instance_uid, [1])
    assert frames == [pydicom.dcmread(original.path).PixelData]
    beyond = requests.get(url[:-1] + "2", headers=headers, verify=site["ca"], timeout=30)
    assert beyond.status_code == 404 and "1 frame" in beyond.json()["detail"]
    assert requests.get(url[:-1] + "0", headers=headers, verify=site["ca"], timeout=30).status_code == 400
