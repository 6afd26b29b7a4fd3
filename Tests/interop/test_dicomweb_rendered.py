"""WADO-RS rendered and thumbnail resources and WADO-URI rendered images through `rampart
serve`, compared pixel by pixel with DCMTK's dcm2pnm rendering of the same synthetic objects
(native, and stored as JPEG Baseline and 12-bit JPEG Extended): PNG within one grey level, JPEG within a small mean error. The gate, the record of what is
disclosed and the attribute view hold as for whole instances: a de-identifying view renders no
object whose pixels may carry burned-in text.
"""

from __future__ import annotations

import copy
import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pydicom
import pytest
import requests
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage

import netdata
import netserve
from netserve import run

pytestmark = pytest.mark.net

SEED = 8088
STUDY = netdata.uid(SEED, "study")
SERIES = netdata.uid(SEED, "series")
ROWS, COLUMNS = 48, 64


def _instance(name: str, number: int, *, photometric: str = "MONOCHROME2", bits: int = 16, signed: bool = False,
              samples: int = 1, burned_in: str | None = "NO", extra: dict | None = None, pixels: np.ndarray) -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = netdata.uid(SEED, name)
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = "Render^Synthetic"
    ds.PatientID = "RENDER-1"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = STUDY, SERIES
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.AccessionNumber = "20240102", "101500", "R1", "ACC-R1"
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = "OT", 1, number
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = photometric
    if samples > 1:
        ds.PlanarConfiguration = 0
    ds.Rows, ds.Columns = ROWS, COLUMNS
    ds.BitsAllocated = bits
    ds.BitsStored = 12 if bits == 16 else 8
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if signed else 0
    if burned_in is not None:
        ds.BurnedInAnnotation = burned_in
    for keyword, value in (extra or {}).items():
        setattr(ds, keyword, value)
    ds.PixelData = pixels.tobytes()
    ds["PixelData"].VR = "OW" if bits == 16 else "OB"
    return ds


def _objects() -> dict[str, Dataset]:
    rng = np.random.default_rng(SEED)
    y, x = np.mgrid[0:ROWS, 0:COLUMNS]
    ramp = (x * 40 + y * 10).astype(np.int32)
    noise = rng.integers(-40, 40, size=(ROWS, COLUMNS))
    return {
        # Signed 12-bit in 16 with a rescale and a stored window (the window parameter overrides it).
        "signed": _instance("signed", 1, signed=True, pixels=(ramp - 1500 + noise).astype("<i2"),
                            extra={"RescaleSlope": "2", "RescaleIntercept": "-1024", "WindowCenter": "100", "WindowWidth": "3000"}),
        # No window stored: the frame's own range.
        "plain": _instance("plain", 2, pixels=(ramp + 200 + noise).astype("<u2")),
        "monochrome1": _instance("monochrome1", 3, photometric="MONOCHROME1", bits=8,
                                 pixels=((ramp // 20 + noise + 50) % 256).astype("u1")),
        "rgb": _instance("rgb", 4, photometric="RGB", bits=8, samples=3,
                         pixels=np.stack([(ramp // 20) % 256, (x * 4) % 256, (y * 5) % 256], axis=-1).astype("u1")),
        # Text may be burned in: a de-identifying view must not render it.
        "burned": _instance("burned", 5, burned_in="YES", pixels=(ramp + 10).astype("<u2")),
    }


@pytest.fixture(scope="module")
def site(rampart, tmp_path_factory):
    folder = tmp_path_factory.mktemp("rendered")
    data, source = folder / "data", folder / "source"
    objects = _objects()
    files, references = {}, {}
    for name, ds in objects.items():
        files[name] = source / f"{name}.dcm"
        netdata._save(ds, files[name], ExplicitVRLittleEndian)
    # Stored compressed in the lossy JPEG syntaxes by DCMTK (keeping the UID), rendered after Rampart decodes them:
    # RGB as JPEG Baseline (YBR_FULL_422), 12-bit grey as JPEG Extended.
    for name, original, options in (("rgb_jpeg", "rgb", ["+eb"]), ("plain_jpeg12", "plain", ["+ee"])):
        ds = copy.deepcopy(objects[original])  # Dataset.copy() shares the elements
        ds.SOPInstanceUID = netdata.uid(SEED, name)
        ds.InstanceNumber = len(objects) + 1
        native = folder / f"{name}_native.dcm"
        netdata._save(ds, native, ExplicitVRLittleEndian)
        files[name] = source / f"{name}.dcm"
        compressed = subprocess.run(["/usr/bin/dcmcjpeg", *options, "+un", str(native), str(files[name])], capture_output=True, text=True, timeout=30)
        assert compressed.returncode == 0, compressed.stderr
        # dcm2pnm here has no JPEG decoder: it renders dcmdjpeg's decoding of the stored file.
        references[name] = folder / f"{name}_dcmdjpeg.dcm"
        decompressed = subprocess.run(["/usr/bin/dcmdjpeg", str(files[name]), str(references[name])], capture_output=True, text=True, timeout=30)
        assert decompressed.returncode == 0, decompressed.stderr
        objects[name] = ds
    assert run(rampart, "init", "--data-dir", data).returncode == 0
    for name, role in (("rad", "radiologist"), ("res", "researcher")):
        added = run(rampart, "user", "add", name, "--role", role, "--data-dir", data)
        assert added.returncode == 0, added.stderr
    imported = run(rampart, "import", "--data-dir", data, "--quiet", source)
    assert imported.returncode == 0, imported.stderr
    with netserve.serve(rampart, data, folder / "serve.log") as server:
        tokens = {}
        for user in ("rad", "res"):
            issued = run(rampart, "token", "issue", "--user", user, "--data-dir", data)
            assert issued.returncode == 0, issued.stderr
            tokens[user] = issued.stdout.strip()
        yield {"url": netserve.dicomweb_url(server), "ca": str(data / "tls" / "ca.pem"), "data": data, "files": files,
               "objects": objects, "tokens": tokens, "folder": folder,
               "references": references}


def get(site, path: str, *, user: str | None = "rad", accept: str | None = None, **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {site['tokens'][user]}"} if user else {}
    if accept:
        headers["Accept"] = accept
    return requests.get(site["url"] + path, headers=headers, params=params, verify=site["ca"], timeout=30)


def instance_path(site, name: str) -> str:
    return f"/studies/{STUDY}/series/{SERIES}/instances/{site['objects'][name].SOPInstanceUID}"


def dcm2pnm(site, name: str, *options: str) -> np.ndarray:
    out = site["folder"] / f"{name}-{'-'.join(o.strip('+') for o in options) or 'default'}.png"
    source = site["references"].get(name, site["files"][name])
    result = subprocess.run(["/usr/bin/dcm2pnm", "+on", *options, str(source), str(out)],
                            capture_output=True, text=True, timeout=30, env={**os.environ, "TCP_NODELAY": "1"})
    assert result.returncode == 0, result.stderr
    return np.asarray(Image.open(out)).astype(np.int32)


def decoded(response: requests.Response) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(response.content))).astype(np.int32)


@pytest.mark.parametrize("name, params, dcmtk", [
    ("signed", {"window": "-300,2500"}, ["+Ww", "-300", "2500"]),
    ("signed", {}, ["+Wi", "1"]),
    ("plain", {}, ["+Wm"]),
    ("monochrome1", {}, ["+Wm"]),
    ("rgb", {}, []),
    # Decoded by Rampart (libjpeg-turbo for 8-bit, its own DCT for 12-bit) to the samples DCMTK's libjpeg decodes.
    ("rgb_jpeg", {}, []),
    ("plain_jpeg12", {}, ["+Wm"]),
])
def test_png_rendering_matches_dcmtk_within_one_grey_level(site, name, params, dcmtk):
    response = get(site, instance_path(site, name) + "/rendered", accept="image/png", **params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "image/png"
    ours, theirs = decoded(response), dcm2pnm(site, name, *dcmtk)
    assert ours.shape == theirs.shape
    assert np.abs(ours - theirs).max() <= 1


def test_jpeg_is_the_default_and_close_to_dcmtk(site):
    response = get(site, instance_path(site, "plain") + "/frames/1/rendered", accept="*/*", quality="95")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "image/jpeg"
    error = np.abs(decoded(response) - dcm2pnm(site, "plain", "+Wm")).mean()
    assert error < 3, error


def test_thumbnails_fit_the_viewport_and_keep_the_aspect_ratio(site):
    for path in (f"/studies/{STUDY}/thumbnail", f"/studies/{STUDY}/series/{SERIES}/thumbnail",
                 instance_path(site, "plain") + "/thumbnail", instance_path(site, "plain") + "/frames/1/thumbnail"):
        response = get(site, path, accept="image/png")
        assert response.status_code == 200, (path, response.text)
        assert Image.open(io.BytesIO(response.content)).size == (128, 96)
    small = get(site, instance_path(site, "rgb") + "/thumbnail", accept="image/jpeg", viewport="32,32")
    assert small.status_code == 200 and Image.open(io.BytesIO(small.content)).size == (32, 24)


def test_wado_uri_renders_the_same_image_as_wado_rs(site):
    ds = site["objects"]["signed"]
    uri = requests.get(site["url"] + "/wado", params={
        "requestType": "WADO", "studyUID": STUDY, "seriesUID": SERIES, "objectUID": ds.SOPInstanceUID,
        "contentType": "image/png", "windowCenter": "-300", "windowWidth": "2500", "columns": "32",
    }, headers={"Authorization": f"Bearer {site['tokens']['rad']}"}, verify=site["ca"], timeout=30)
    assert uri.status_code == 200, uri.text
    rs = get(site, instance_path(site, "signed") + "/rendered", accept="image/png", window="-300,2500", viewport="32,24")
    assert uri.headers["Content-Type"] == "image/png" and uri.content == rs.content
    default = requests.get(site["url"] + "/wado", params={
        "requestType": "WADO", "studyUID": STUDY, "seriesUID": SERIES, "objectUID": ds.SOPInstanceUID,
    }, headers={"Authorization": f"Bearer {site['tokens']['rad']}"}, verify=site["ca"], timeout=30)
    assert default.status_code == 200 and default.headers["Content-Type"] == "image/jpeg"


def test_annotation_is_answered_without_it_and_a_299_warning(site):
    response = get(site, instance_path(site, "plain") + "/rendered", accept="image/png", annotation="patient,technique")
    assert response.status_code == 200
    assert response.headers["Warning"].startswith("299 ") and "annotation" in response.headers["Warning"]


def test_refusals_say_what_to_change(site):
    assert get(site, instance_path(site, "plain") + "/rendered", accept="application/json").status_code == 406
    assert get(site, instance_path(site, "plain") + "/rendered", window="1").status_code == 400
    assert get(site, instance_path(site, "plain") + "/rendered", viewport="0,0").status_code == 400
    assert get(site, instance_path(site, "plain") + "/frames/2/rendered").status_code == 404
    missing = get(site, f"/studies/{STUDY}/series/{SERIES}/instances/1.2.3.4/rendered")
    assert missing.status_code == 404
    anonymous = get(site, instance_path(site, "plain") + "/rendered", user=None)
    assert anonymous.status_code == 401 and anonymous.headers["Content-Type"] == "application/problem+json"


def test_a_deidentifying_view_renders_only_what_says_it_has_no_burned_in_text(site):
    refused = get(site, instance_path(site, "burned") + "/rendered", user="res")
    assert refused.status_code == 403
    detail = refused.json()["detail"]
    assert "Burned In Annotation (0028,0301)" in detail and "RENDER-1" not in detail
    assert get(site, instance_path(site, "burned") + "/frames/1", user="res").status_code == 403
    assert get(site, instance_path(site, "plain") + "/rendered", user="res").status_code == 200
    # The radiologist's view hides nothing: the same image renders.
    assert get(site, instance_path(site, "burned") + "/rendered").status_code == 200
    # Whole objects through the same view: the burned-in one without its pixels, the other with.
    for name, has_pixels in (("burned", False), ("plain", True)):
        whole = get(site, instance_path(site, name), user="res", accept='multipart/related; type="application/dicom"')
        assert whole.status_code == 200
        body = whole.content.split(b"\r\n\r\n", 1)[1]
        got = pydicom.dcmread(io.BytesIO(body))
        assert ("PixelData" in got) == has_pixels, name
        assert "RENDER-1" not in str(got.get("PatientID", ""))


def test_a_rendering_is_decided_and_its_disclosure_recorded(rampart, site):
    assert get(site, instance_path(site, "rgb") + "/rendered").status_code == 200
    events = [r["event"] for r in netserve.audit_events(rampart, site["data"], "--study", STUDY)]
    kinds = {(e["kind"], e.get("action")) for e in events if e["channel"] == "dicomweb"}
    assert ("instances-transferred", "retrieve") in kinds
