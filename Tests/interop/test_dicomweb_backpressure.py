"""WADO-RS of a 256 MiB object sends at the connection's pace: the server never gathers the
object in memory, over HTTPS or plain HTTP (issue 8).

Hummingbird's body writer queues each chunk on the connection's event loop and waits only while
the channel is unwritable, which the event loop learns only once it has run the queued writes.
Without `WriteWindow` the file reader outran the event loop (TLS, a busy machine) and the queue
held the object: a 256 MiB retrieve peaked at 230-400 MiB of server RSS over HTTPS, 100 MiB over
HTTP; a client reading slowly (4 MiB/s) kept it at 60-75 MiB on a quiet machine, so the reader
here reads as fast as it can, which leaves the event loop the bottleneck.

The object goes up by STOW-RS (test_dicomweb_large.MultipartFile). The server's peak resident
set is reset (/proc/PID/clear_refs) after it, and the growth of the peak over the retrieve must
stay under an eighth of the object; the part must be the object as stored. Every file is removed
at the end. The object is written once for both transports.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
import requests
from pydicom.uid import ExplicitVRLittleEndian

import make_large_dicom
import netserve
from netserve import cheap_hash, run
from test_dicomweb_large import MultipartFile, rampart_pid, sha256, status_kib

pytestmark = pytest.mark.net

FRAMES, ROWS, COLUMNS = 256, 1024, 1024  # 256 frames of 1 MiB
GROWTH_LIMIT_KIB = FRAMES * ROWS * COLUMNS // 8 // 1024
CHUNK = 1 << 20
TIMEOUT = 120  # s per request: far beyond what a debug build needs for 256 MiB on loopback


@pytest.fixture(scope="module")
def large_object(tmp_path_factory):
    """The 256 MiB object and the SHA-256 of its bytes, removed after the module."""
    folder = tmp_path_factory.mktemp("backpressure")
    try:
        free = shutil.disk_usage(folder).free
        if free < 3 * FRAMES * ROWS * COLUMNS + (256 << 20):
            pytest.skip(f"needs {3 * FRAMES * ROWS * COLUMNS / 2**20:.0f} MiB free in {folder} (object, archive), has {free / 2**20:.0f} MiB")
        source = folder / "large.dcm"
        size = make_large_dicom.write(source, FRAMES, ROWS, COLUMNS)
        yield source, sha256(source, 0, size)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def site(rampart: Path, data: Path, transport: str) -> requests.Session:
    """A data folder with a radiologist, serving HTTPS (`rampart init` makes a certificate) or
    plain HTTP (no certificate: accounts only), and a session with the radiologist's token."""
    session = requests.Session()
    session.trust_env = False
    if transport == "https":
        assert run(rampart, "init", "--data-dir", data).returncode == 0
        assert run(rampart, "user", "add", "rad", "--role", "radiologist", "--data-dir", data).returncode == 0
        session.verify = str(data / "tls" / "ca.pem")
    else:
        data.mkdir(mode=0o700)
        accounts = [{"name": "rad", "roles": ["radiologist"], "disabled": False, "password": cheap_hash("unused", os.urandom(16))}]
        (data / "accounts.json").write_text(json.dumps(accounts))
        (data / "accounts.json").chmod(0o600)
    issued = run(rampart, "token", "issue", "--user", "rad", "--data-dir", data)
    assert issued.returncode == 0, issued.stderr
    session.headers["Authorization"] = f"Bearer {issued.stdout.strip()}"
    return session


def part_digest(response: requests.Response, boundary: str) -> tuple[int, str]:
    """(length, SHA-256) of the body of the only part of a multipart response, read as fast as
    it comes, in chunks, never whole: the part's headers are cut from the front and the close
    delimiter, checked, from the back."""
    close = f"\r\n--{boundary}--\r\n".encode()
    digest, length, head, held = hashlib.sha256(), 0, b"", b""
    for chunk in response.iter_content(CHUNK):
        if head is not None:
            head += chunk
            if b"\r\n\r\n" not in head:
                assert len(head) < 4096, head[:200]
                continue
            assert head.startswith(f"--{boundary}\r\n".encode()), head[:200]
            chunk, head = head[head.index(b"\r\n\r\n") + 4 :], None
        held += chunk
        digest.update(held[: -len(close)])
        length += len(held[: -len(close)])
        held = held[-len(close) :]
    assert head is None and held == close, "the response does not end with the close delimiter after one part"
    return length, digest.hexdigest()


@pytest.mark.parametrize("transport", ["https", "http"])
def test_wado_rs_to_a_fast_reader_keeps_the_server_to_a_few_chunks(rampart, large_object, tmp_path, stats, transport):
    source, original = large_object
    size = source.stat().st_size
    data = tmp_path / "data"
    session = site(rampart, data, transport)
    with netserve.serve(rampart, data, tmp_path / "serve.log") as server:
        url = netserve.dicomweb_url(server)
        assert url.startswith(f"{transport}://"), url
        pid = rampart_pid(server)
        body = MultipartFile(source, "rampart-backpressure-boundary")
        stored = session.post(f"{url}/studies", data=body, timeout=TIMEOUT,
                              headers={"Content-Type": body.content_type, "Accept": "application/dicom+json"})
        assert stored.status_code == 200, stored.text[:500]

        # The peak from here on is the retrieve's: "5" resets VmHWM to the current RSS.
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        before_kib = status_kib(pid, "VmRSS")
        header = make_large_dicom.header(FRAMES, ROWS, COLUMNS, ExplicitVRLittleEndian)
        instance = f"{url}/studies/{header.StudyInstanceUID}/series/{header.SeriesInstanceUID}/instances/{header.SOPInstanceUID}"
        with session.get(instance, stream=True, timeout=TIMEOUT,
                         headers={"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'}) as response:
            assert response.status_code == 200, response.text[:500]
            boundary = next(p.split("=", 1)[1].strip('"') for p in response.headers["Content-Type"].split(";")
                            if p.strip().startswith("boundary="))
            length, digest = part_digest(response, boundary)
        peak_kib = status_kib(pid, "VmHWM")

    growth_kib = peak_kib - before_kib
    figure = (f"dicomweb backpressure ({transport}): WADO-RS of {size / 2**20:.0f} MiB to a fast reader, server RSS "
              f"{before_kib / 1024:.0f} MiB before, peak {peak_kib / 1024:.0f} MiB")
    stats.lines.append(figure)
    assert growth_kib < GROWTH_LIMIT_KIB, f"{figure}: grew by {growth_kib // 1024} MiB, over the {GROWTH_LIMIT_KIB // 1024} MiB bound"
    assert (length, digest) == (size, original), "the object came back different"
