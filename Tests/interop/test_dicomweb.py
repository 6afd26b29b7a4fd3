"""DICOMweb through `rampart serve`, with dicomweb-client (the reference Python client) as the
peer, over HTTPS checked against the data folder's local CA. Without a credential every
request, whatever it asks, gets the same 401 with no version banner and no data, and the
refusal is in the audit log; with a token or an API key, QIDO-RS answers as C-FIND would over
the same archive, through the principal's attribute view.
"""

from __future__ import annotations

import base64
import io
import json

import PIL.Image
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
        assert value(metadata, "00080018") == original.SOPInstanceUID
        # Pixel Data is bulk data: a BulkDataURI that gives the stored pixels back.
        uri = metadata["7FE00010"]["BulkDataURI"]
        assert uri.startswith(site["url"] + "/studies/") and "Value" not in metadata["7FE00010"]
        assert web.retrieve_bulkdata(uri) == [original.PixelData]
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
    # No self-scan at start: its requests come from 127.0.0.1 too and would count against the rate.
    config.write_text(config.read_text().replace("requests_per_minute_per_host: 6000", "requests_per_minute_per_host: 20")
                      + "self_scan:\n  at_start: false\n")
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
    "DELETE studies/{study}", "DELETE studies/{study}/series/{series}", "DELETE studies/{study}/series/{series}/instances/{instance}",
    "GET studies/{study}/series/{series}/instances/{instance}/bulkdata/{path}",
    "GET studies/{study}/series/{series}/instances/{instance}/rendered",
    "GET studies/{study}/series/{series}/instances/{instance}/frames/{frames}/rendered",
    "GET studies/{study}/thumbnail", "GET studies/{study}/series/{series}/thumbnail",
    "GET studies/{study}/series/{series}/instances/{instance}/thumbnail",
    "GET studies/{study}/series/{series}/instances/{instance}/frames/{frames}/thumbnail",
}
# Every resource answers OPTIONS with its part of the document.
SERVED |= {"OPTIONS " + route.split(" ", 1)[1] for route in SERVED if route.split(" ", 1)[1]}


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
    uids = {"study": "2.25.1", "series": "2.25.2", "instance": "2.25.3", "frames": "1", "path": "7FE00010"}
    for route in listed:
        method, path = route.split(" ", 1)
        answer = requests.request(method, site["url"] + "/" + path.format(**uids), headers=headers, verify=site["ca"], timeout=30)
        assert answer.status_code not in (404, 405) or answer.json()["detail"] != unrouted.json()["detail"], route
    get = requests.get(site["url"], headers={**headers, "Accept": "application/vnd.sun.wadl+xml"}, verify=site["ca"], timeout=30)
    assert get.status_code == 200 and get.content == response.content
    # OPTIONS on one resource: its part of the document, its methods in Allow; none for a path
    # that is no resource, and the same 401 as anywhere without a credential.
    one = requests.options(site["url"] + "/studies/2.25.1/series/2.25.2", headers=headers, verify=site["ca"], timeout=30)
    assert one.status_code == 200 and one.headers["Allow"] == "DELETE, GET, OPTIONS"
    paths = [r.get("path") for r in etree.fromstring(one.content).find(WADL + "resources").iter(WADL + "resource")]
    assert paths == ["studies/{study}/series/{series}"]
    bulk = requests.options(site["url"] + "/studies/1/series/2/instances/3/bulkdata/00540016/0/00181072", headers=headers,
                            verify=site["ca"], timeout=30)
    assert bulk.status_code == 200 and bulk.headers["Allow"] == "GET, OPTIONS"
    assert requests.options(site["url"] + "/no/such", headers=headers, verify=site["ca"], timeout=30).status_code == 404
    assert requests.options(site["url"] + "/studies", verify=site["ca"], timeout=30).status_code == 401


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


def multipart_parts(response) -> list[tuple[str, bytes]]:
    """The (Content-Type, body) of each part of a multipart/related answer."""
    boundary = response.headers["Content-Type"].split("boundary=")[1].strip('"').encode()
    parts = []
    for raw in response.content.split(b"--" + boundary)[1:-1]:
        head, body = raw.split(b"\r\n\r\n", 1)
        content_type = next(line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n") if line.lower().startswith(b"content-type"))
        parts.append((content_type, body[:-2]))
    return parts


def test_instances_come_in_the_transfer_syntax_asked_for(site, tmp_path):
    """A client that names no transfer syntax (dicomweb-client's default for a study) gets an
    instance stored in RLE Lossless decompressed, in Explicit VR Little Endian, its pixels equal
    to pydicom's decoding; one stored uncompressed and asked for in RLE Lossless comes
    compressed and decodes to the stored pixels, over WADO-RS and WADO-URI; a syntax Rampart
    cannot write is a 406 that names it."""
    variety = {i.path.stem: i for i in netdata.make_variety(tmp_path / "variety")}
    rle, native = pydicom.dcmread(variety["US_RLE"].path), pydicom.dcmread(variety["CR"].path)
    for ds in (rle, native):  # new instances: the variety set may be archived already
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid()
    web = client(site, site["rad"])
    web.store_instances(datasets=[rle, native])
    decompressed = web.retrieve_instance(rle.StudyInstanceUID, rle.SeriesInstanceUID, rle.SOPInstanceUID, media_types=(("application/dicom", "1.2.840.10008.1.2.1"),))
    assert decompressed.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"
    assert (decompressed.pixel_array == rle.pixel_array).all()
    assert decompressed.PatientID == rle.PatientID and decompressed.Rows == rle.Rows
    headers = {"Authorization": f"Bearer {site['rad']}"}
    base = f"{site['url']}/studies/{native.StudyInstanceUID}/series/{native.SeriesInstanceUID}/instances/{native.SOPInstanceUID}"
    compressed = web.retrieve_instance(native.StudyInstanceUID, native.SeriesInstanceUID, native.SOPInstanceUID,
                                       media_types=(("application/dicom", "1.2.840.10008.1.2.5"),))
    assert compressed.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.5"
    assert (compressed.pixel_array == native.pixel_array).all()
    by_uri = requests.get(site["url"] + "/wado", headers=headers, verify=site["ca"], timeout=30, params={
        "requestType": "WADO", "studyUID": native.StudyInstanceUID, "seriesUID": native.SeriesInstanceUID,
        "objectUID": native.SOPInstanceUID, "contentType": "application/dicom", "transferSyntax": "1.2.840.10008.1.2.5"})
    assert by_uri.status_code == 200, by_uri.text
    assert (pydicom.dcmread(io.BytesIO(by_uri.content)).pixel_array == native.pixel_array).all()
    refused = requests.get(base, verify=site["ca"], timeout=30,
                           headers={**headers, "Accept": 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.102'})
    assert refused.status_code == 406 and "MPEG-4 AVC/H.264" in refused.json()["detail"]


def test_compressed_frames_and_bulk_data_go_as_stored(rampart, site, tmp_path):
    """RLE Lossless objects (one and two frames, with a Basic Offset Table) stored by STOW-RS:
    their frames, and the Pixel Data bulk data their metadata points at, come back as stored,
    as image/dicom-rle parts equal to pydicom's frames; a client that takes only uncompressed
    frames gets them decoded, equal to pydicom's pixel array, and the rendered image is a PNG of
    the image's size. A private binary value over 1 KiB is bulk data
    too: the radiologist gets its URI and bytes, the researcher's de-identifying view shows
    neither (404 on the radiologist's URI)."""
    from pydicom.encaps import generate_frames
    variety = {i.path.stem: i for i in netdata.make_variety(tmp_path / "variety")}
    datasets = [pydicom.dcmread(variety[name].path) for name in ("EnhancedMR_RLE", "CT_RLE")]
    private = datasets[1]
    private.private_block(0x0029, "RAMPART TEST", create=True).add_new(0x10, "OB", bytes(range(256)) * 8)
    web = client(site, site["rad"])
    web.store_instances(datasets=datasets)
    headers = {"Authorization": f"Bearer {site['rad']}", "Accept": 'multipart/related; type="image/dicom-rle"'}
    for ds in datasets:
        count = int(getattr(ds, "NumberOfFrames", 1))
        expected = list(generate_frames(ds.PixelData, number_of_frames=count))
        base = f"{site['url']}/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/instances/{ds.SOPInstanceUID}"
        frames = requests.get(base + "/frames/" + ",".join(str(n) for n in range(count, 0, -1)), headers=headers, verify=site["ca"], timeout=30)
        assert frames.status_code == 200 and frames.headers["Content-Type"].startswith('multipart/related; type="image/dicom-rle"')
        assert multipart_parts(frames) == [("image/dicom-rle; transfer-syntax=1.2.840.10008.1.2.5", f) for f in reversed(expected)]
        metadata = web.retrieve_instance_metadata(ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID)
        bulk = requests.get(metadata["7FE00010"]["BulkDataURI"], headers=headers, verify=site["ca"], timeout=30)
        assert [body for _, body in multipart_parts(bulk)] == expected
        decoded = requests.get(base + "/frames/1", headers={**headers, "Accept": 'multipart/related; type="application/octet-stream"'},
                               verify=site["ca"], timeout=30)
        assert decoded.status_code == 200, decoded.text
        pixels = ds.pixel_array[0] if count > 1 else ds.pixel_array
        assert multipart_parts(decoded) == [("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1",
                                             pixels.astype(pixels.dtype.newbyteorder("<")).tobytes())]
        rendered = requests.get(base + "/rendered", headers={"Authorization": headers["Authorization"], "Accept": "image/png"},
                                verify=site["ca"], timeout=30)
        assert rendered.status_code == 200 and rendered.headers["Content-Type"] == "image/png"
        assert PIL.Image.open(io.BytesIO(rendered.content)).size == (ds.Columns, ds.Rows)
        as_stored = requests.get(base + "/frames/1", verify=site["ca"], timeout=30,
                                 headers={**headers, "Accept": 'multipart/related; type="application/octet-stream"; transfer-syntax=*'})
        assert multipart_parts(as_stored) == [("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.5", expected[0])]
    metadata = web.retrieve_instance_metadata(private.StudyInstanceUID, private.SeriesInstanceUID, private.SOPInstanceUID)
    uri = metadata["00291010"]["BulkDataURI"]
    assert web.retrieve_bulkdata(uri) == [bytes(range(256)) * 8]
    assert run(rampart, "user", "add", "res-bulk", "--role", "researcher", "--data-dir", site["data"]).returncode == 0
    researcher = client(site, token(rampart, site["data"], "res-bulk"))
    hidden = researcher.retrieve_instance_metadata(private.StudyInstanceUID, private.SeriesInstanceUID, private.SOPInstanceUID)
    # No pixels either: the object does not say they carry no burned-in text.
    assert "00291010" not in hidden and "7FE00010" not in hidden
    with pytest.raises(requests.exceptions.HTTPError) as refused:
        researcher.retrieve_bulkdata(uri)
    assert refused.value.response.status_code == 404


def related(parts: list[tuple[dict, bytes]], root: str) -> tuple[bytes, str]:
    """A multipart/related body of (headers, body) parts, and its Content-Type."""
    boundary = "rampart-test-boundary-5f1c"
    body = b""
    for headers, content in parts:
        body += f"--{boundary}\r\n".encode() + "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode() + b"\r\n" + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f'multipart/related; type="{root}"; boundary={boundary}'


def test_stow_of_metadata_with_bulk_data_stores_what_wado_gives_back(site, tmp_path):
    """STOW-RS of DICOM JSON metadata whose Pixel Data is a BulkDataURI naming another part:
    native pixels as application/octet-stream, and an RLE frame as image/dicom-rle (stored in
    RLE Lossless); then an instance's XML metadata as WADO-RS wrote it, with a new SOP Instance
    UID, and its bulk data as the bulkdata resource gave it. Each comes back from WADO-RS with
    the attributes and pixels sent."""
    variety = {i.path.stem: i for i in netdata.make_variety(tmp_path / "variety")}
    native = pydicom.dcmread(netdata.make_bulk(tmp_path / "native", 1, size=2048, seed=4711)[0])
    rle = pydicom.dcmread(variety["CT_RLE"].path)
    from pydicom.encaps import generate_frames
    rle_frame = next(generate_frames(rle.PixelData, number_of_frames=1))
    # Only Pixel Data is bulk data here (a threshold of 1 byte, the handler naming its part).
    metadata = [native.to_json_dict(bulk_data_threshold=1, bulk_data_element_handler=lambda _: "native-pixels"),
                rle.to_json_dict(bulk_data_threshold=1, bulk_data_element_handler=lambda _: "rle-pixels")]
    body, content_type = related([
        ({"Content-Type": "application/dicom+json"}, json.dumps(metadata).encode()),
        ({"Content-Type": "application/octet-stream", "Content-Location": "native-pixels"}, native.PixelData),
        ({"Content-Type": "image/dicom-rle; transfer-syntax=1.2.840.10008.1.2.5", "Content-Location": "rle-pixels"}, rle_frame),
    ], "application/dicom+json")
    headers = {"Authorization": f"Bearer {site['rad']}"}
    stored = requests.post(site["url"] + "/studies", data=body, headers={**headers, "Content-Type": content_type}, verify=site["ca"], timeout=60)
    assert stored.status_code == 200, stored.text
    web = client(site, site["rad"])
    back = web.retrieve_instance(native.StudyInstanceUID, native.SeriesInstanceUID, native.SOPInstanceUID)
    assert back.PixelData == native.PixelData and back.PatientID == native.PatientID and back.Rows == native.Rows
    as_stored = requests.get(f"{site['url']}/studies/{rle.StudyInstanceUID}/series/{rle.SeriesInstanceUID}/instances/{rle.SOPInstanceUID}",
                             headers={**headers, "Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'},
                             verify=site["ca"], timeout=30)
    back = pydicom.dcmread(io.BytesIO(multipart_parts(as_stored)[0][1]))
    assert back.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.5"
    assert next(generate_frames(back.PixelData, number_of_frames=1)) == rle_frame

    # The XML metadata as WADO-RS wrote it, under a new SOP Instance UID, with its bulk data.
    base = f"{site['url']}/studies/{native.StudyInstanceUID}/series/{native.SeriesInstanceUID}/instances/{native.SOPInstanceUID}"
    xml = requests.get(base + "/metadata", headers={**headers, "Accept": 'multipart/related; type="application/dicom+xml"'},
                       verify=site["ca"], timeout=30)
    document = xml_parts(xml)[0]
    copy_uid = native.SOPInstanceUID + ".9"
    document.find("DicomAttribute[@tag='00080018']/Value").text = copy_uid
    uri = document.find("DicomAttribute[@tag='7FE00010']/BulkData").get("uri")
    pixels = web.retrieve_bulkdata(uri)[0]
    body, content_type = related([
        ({"Content-Type": "application/dicom+xml"}, etree.tostring(document, xml_declaration=True, encoding="utf-8")),
        ({"Content-Type": "application/octet-stream", "Content-Location": uri}, pixels),
    ], "application/dicom+xml")
    stored = requests.post(site["url"] + "/studies", data=body, headers={**headers, "Content-Type": content_type}, verify=site["ca"], timeout=60)
    assert stored.status_code == 200, stored.text
    copy = web.retrieve_instance(native.StudyInstanceUID, native.SeriesInstanceUID, copy_uid)
    assert copy.PixelData == native.PixelData and copy.PatientName == native.PatientName

    # A BulkDataURI that names no part: the request is refused and says so; nothing is stored.
    body, content_type = related([({"Content-Type": "application/dicom+json"}, json.dumps(metadata[:1]).encode())], "application/dicom+json")
    refused = requests.post(site["url"] + "/studies", data=body, headers={**headers, "Content-Type": content_type}, verify=site["ca"], timeout=60)
    assert refused.status_code == 400 and "native-pixels" in refused.json()["detail"]
