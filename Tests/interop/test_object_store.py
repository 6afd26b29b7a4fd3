"""`rampart object-store` against a real S3 API: moto_server (moto[server]) on loopback.

moto checks Signature V4 once IAM authentication is on (INITIAL_NO_AUTH_ACTION_COUNT): the
fixture's first requests make an IAM user with an access key, and every request after must be
signed with it. The bucket is then read behind Rampart's back with boto3 (AWS's own client):
a 40 MiB multipart upload (5 MiB parts) comes back with the same SHA-256, SSE-S3 is applied, a
wrong secret and a missing bucket give errors that say what to check, and an upload sealed with
a key file leaves nothing of the synthetic patient's name in the bucket.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest

import rampart_cli
from netpeers import free_port

BUCKET = "rampart-blobs"
# moto allows this many requests before it checks signatures: the three IAM calls below.
UNAUTHENTICATED_SETUP_REQUESTS = 3
PATIENT_NAME = b"SYNTHETIC^OBJECTSTORE^PATIENT"


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    """moto_server on a free loopback port, with an IAM user whose key may do anything."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = Path(sys.executable).parent / "moto_server"
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(UNAUTHENTICATED_SETUP_REQUESTS))
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"moto_server exited: {log.read_text()[-2000:]}")
                time.sleep(0.1)
        setup = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
        iam = boto3.client("iam", **setup)
        iam.create_user(UserName="rampart")
        iam.put_user_policy(UserName="rampart", PolicyName="all",
                            PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')
        key = iam.create_access_key(UserName="rampart")["AccessKey"]
        credentials = dict(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
        s3.create_bucket(Bucket=BUCKET)
        yield endpoint, credentials, s3
    finally:
        process.terminate()
        process.wait(timeout=30)


def location(endpoint: str, prefix: str = "archive", **options) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"endpoint": endpoint, "region": "us-east-1", "path-style": "1", **options}.items())
    return f"s3://{BUCKET}/{prefix}?{query}"


def run(rampart: Path, credentials: dict, *args, timeout: float = 300, measure: bool = False) -> subprocess.CompletedProcess:
    """`rampart object-store ARGS…`; with `measure`, under /usr/bin/time, whose last line of
    standard error is then the peak resident set in KiB."""
    env = dict(os.environ, AWS_ACCESS_KEY_ID=credentials["aws_access_key_id"], AWS_SECRET_ACCESS_KEY=credentials["aws_secret_access_key"])
    command = [str(rampart), "object-store", *map(str, args)]
    if measure:
        command = ["/usr/bin/time", "-f", "%M", *command]
    return subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env, timeout=timeout, check=False)


def peak_kib(result: subprocess.CompletedProcess) -> int:
    return int(result.stderr.decode().strip().splitlines()[-1])


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def test_check_puts_heads_lists_gets_and_deletes(rampart, moto):
    endpoint, credentials, s3 = moto
    result = run(rampart, credentials, "check", location(endpoint, "check"))
    assert result.returncode == 0, rampart_cli.describe(result)
    out = result.stdout.decode()
    for step in ("put", "head", "list", "get", "delete"):
        assert f"{step}" in out
    assert "object store check passed" in out
    # The probe is gone.
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="check/").get("KeyCount", 0) == 0


def test_multipart_upload_of_40_mib_matches_by_sha256(rampart, moto, tmp_path):
    endpoint, credentials, s3 = moto
    source = tmp_path / "large.bin"
    with open(source, "wb") as f:
        for _ in range(40):
            f.write(os.urandom(1 << 20))
    key = "1.2.826.0.1.3680043.8.498.1/1.2.826.0.1.3680043.8.498.2/large object.dcm"
    # What the process needs for a tiny object: the baseline the large one is measured against.
    baseline = run(rampart, credentials, "check", location(endpoint, "baseline"), measure=True)
    assert baseline.returncode == 0, rampart_cli.describe(baseline)
    result = run(rampart, credentials, "put", location(endpoint), key, source, "--part-size", "5", measure=True)
    assert result.returncode == 0, rampart_cli.describe(result)
    # Streamed: a 40 MiB object held whole would add 40 MiB; a 5 MiB part and buffers, far less.
    assert peak_kib(result) < peak_kib(baseline) + 25 * 1024, (peak_kib(result), peak_kib(baseline))
    head = s3.head_object(Bucket=BUCKET, Key="archive/" + key)
    assert head["ContentLength"] == 40 << 20
    assert head["ETag"].strip('"').endswith("-8"), head["ETag"]  # 8 parts of 5 MiB
    digest = hashlib.sha256()
    for chunk in s3.get_object(Bucket=BUCKET, Key="archive/" + key)["Body"].iter_chunks(1 << 20):
        digest.update(chunk)
    assert digest.hexdigest() == sha256(source)
    assert not s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads"), "an upload was left open"

    back = tmp_path / "back.bin"
    result = run(rampart, credentials, "get", location(endpoint), key, back, measure=True)
    assert result.returncode == 0, rampart_cli.describe(result)
    assert peak_kib(result) < peak_kib(baseline) + 25 * 1024, (peak_kib(result), peak_kib(baseline))
    assert sha256(back) == sha256(source)


def test_server_side_encryption_header_is_accepted(rampart, moto, tmp_path):
    endpoint, credentials, s3 = moto
    source = tmp_path / "small.bin"
    source.write_bytes(os.urandom(1000))
    result = run(rampart, credentials, "put", location(endpoint, sse="AES256"), "sse/object", source)
    assert result.returncode == 0, rampart_cli.describe(result)
    assert s3.head_object(Bucket=BUCKET, Key="archive/sse/object").get("ServerSideEncryption") == "AES256"
    result = run(rampart, credentials, "check", location(endpoint, "sse-check", sse="AES256"))
    assert result.returncode == 0, rampart_cli.describe(result)


def test_credentials_from_a_file(rampart, moto, tmp_path):
    endpoint, credentials, _ = moto
    path = tmp_path / "credentials"
    path.write_text(f"[archive]\naws_access_key_id = {credentials['aws_access_key_id']}\n"
                    f"aws_secret_access_key = {credentials['aws_secret_access_key']}\n")
    nobody = dict(aws_access_key_id="", aws_secret_access_key="")
    result = run(rampart, nobody, "check", location(endpoint, "from-file"), "--credentials-file", path, "--profile", "archive")
    assert result.returncode == 0, rampart_cli.describe(result)
    result = run(rampart, nobody, "check", location(endpoint, "from-file"))
    assert result.returncode == 1
    assert "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in result.stderr.decode(), rampart_cli.describe(result)


def test_wrong_secret_says_so(rampart, moto):
    endpoint, credentials, _ = moto
    wrong = dict(credentials, aws_secret_access_key=credentials["aws_secret_access_key"][::-1])
    result = run(rampart, wrong, "check", location(endpoint))
    assert result.returncode == 1, rampart_cli.describe(result)
    assert "the access key or secret is wrong" in result.stderr.decode(), rampart_cli.describe(result)
    # The secret itself never shows.
    assert wrong["aws_secret_access_key"] not in result.stderr.decode() + result.stdout.decode()


def test_missing_bucket_is_named(rampart, moto):
    endpoint, credentials, _ = moto
    result = run(rampart, credentials, "check", f"s3://no-such-bucket-here?endpoint={endpoint}&path-style=1")
    assert result.returncode == 1, rampart_cli.describe(result)
    err = result.stderr.decode()
    assert "'no-such-bucket-here' does not exist" in err, rampart_cli.describe(result)


def test_sealed_upload_leaves_no_plaintext_in_the_bucket(rampart, moto, tmp_path):
    endpoint, credentials, s3 = moto
    key_file = tmp_path / "blobs.key"
    result = run(rampart, credentials, "create-key", key_file)
    assert result.returncode == 0, rampart_cli.describe(result)
    assert key_file.stat().st_mode & 0o777 == 0o600
    # Large enough for several 1 MiB chunks and a multipart upload.
    source = tmp_path / "patient.bin"
    with open(source, "wb") as f:
        for _ in range(12 * 1024):
            f.write(PATIENT_NAME + os.urandom(1024 - len(PATIENT_NAME)))
    result = run(rampart, credentials, "put", location(endpoint), "sealed/patient", source, "--key-file", key_file, "--part-size", "5")
    assert result.returncode == 0, rampart_cli.describe(result)

    raw = s3.get_object(Bucket=BUCKET, Key="archive/sealed/patient")["Body"].read()
    assert raw.startswith(b"RPSEAL")
    assert len(raw) > source.stat().st_size
    for needle in (PATIENT_NAME, PATIENT_NAME[:12], PATIENT_NAME[-12:]):
        assert needle not in raw

    back = tmp_path / "opened.bin"
    result = run(rampart, credentials, "get", location(endpoint), "sealed/patient", back, "--key-file", key_file)
    assert result.returncode == 0, rampart_cli.describe(result)
    assert sha256(back) == sha256(source)

    # One byte changed in the bucket: the object no longer opens, and nothing is written.
    tampered = bytearray(raw)
    tampered[len(tampered) // 2] ^= 0x01
    s3.put_object(Bucket=BUCKET, Key="archive/sealed/tampered", Body=bytes(tampered))
    refused = tmp_path / "tampered.bin"
    result = run(rampart, credentials, "get", location(endpoint), "sealed/tampered", refused, "--key-file", key_file)
    assert result.returncode == 1, rampart_cli.describe(result)
    assert "fails authentication at chunk" in result.stderr.decode(), rampart_cli.describe(result)
    assert not refused.exists()

    other_key = tmp_path / "other.key"
    assert run(rampart, credentials, "create-key", other_key).returncode == 0
    refused = tmp_path / "refused.bin"
    result = run(rampart, credentials, "get", location(endpoint), "sealed/patient", refused, "--key-file", other_key)
    assert result.returncode == 1, rampart_cli.describe(result)
    assert "use the key file it was sealed with" in result.stderr.decode()
    assert not refused.exists()


def test_listing_follows_continuation_tokens(rampart, moto):
    endpoint, credentials, s3 = moto
    keys = [f"listing/{index:05d}" for index in range(1003)]
    for key in keys:
        s3.put_object(Bucket=BUCKET, Key="archive/" + key, Body=b"x")
    result = run(rampart, credentials, "list", location(endpoint), "listing/")
    assert result.returncode == 0, rampart_cli.describe(result)
    lines = result.stdout.decode().splitlines()
    assert lines == [f"1\t{key}" for key in keys]


class FlakyStore(BaseHTTPRequestHandler):
    """A stand-in S3 that fails as told: `failures` 503 SlowDown answers before it accepts a
    request (None: it always fails). Records every request. Signatures are not checked."""

    failures: int | None = 0
    short_gets = 0
    object = b""
    seen: list = []

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        FlakyStore.seen.append((self.command, self.path, body))
        path, _, query = self.path.partition("?")
        if self.command == "POST" and query.startswith("uploads"):
            return self._reply(200, b"<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>")
        if self.command == "DELETE":
            return self._reply(204, b"")
        if self.command == "GET":
            # The body is cut off after half its bytes, `short_gets` times, then sent whole.
            self.send_response(200)
            self.send_header("Content-Length", str(len(FlakyStore.object)))
            self.end_headers()
            if FlakyStore.short_gets > 0:
                FlakyStore.short_gets -= 1
                self.wfile.write(FlakyStore.object[: len(FlakyStore.object) // 2])
                self.close_connection = True
                return
            self.wfile.write(FlakyStore.object)
            return
        if FlakyStore.failures is None or FlakyStore.failures > 0:
            if FlakyStore.failures is not None:
                FlakyStore.failures -= 1
            return self._reply(503, b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
        return self._reply(200, b"", {"ETag": '"e"'})

    def _reply(self, status, body, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyStore)
    FlakyStore.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


ANY_CREDENTIALS = dict(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="not-checked")


def test_slow_down_answers_are_retried(rampart, flaky, tmp_path):
    FlakyStore.failures = 2
    source = tmp_path / "small.bin"
    source.write_bytes(os.urandom(5000))
    result = run(rampart, ANY_CREDENTIALS, "put", location(flaky), "k", source)
    assert result.returncode == 0, rampart_cli.describe(result)
    puts = [entry for entry in FlakyStore.seen if entry[0] == "PUT"]
    assert len(puts) == 3
    assert all(body == source.read_bytes() for _, _, body in puts)


def test_a_store_that_keeps_failing_gives_up_and_says_so(rampart, flaky, tmp_path):
    FlakyStore.failures = None
    source = tmp_path / "small.bin"
    source.write_bytes(b"x" * 100)
    result = run(rampart, ANY_CREDENTIALS, "put", location(flaky), "k", source)
    assert result.returncode == 1, rampart_cli.describe(result)
    assert "HTTP 503 SlowDown: Please reduce your request rate. (after 4 attempts)" in result.stderr.decode()
    assert len(FlakyStore.seen) == 4


def test_failed_multipart_upload_is_aborted(rampart, flaky, tmp_path):
    FlakyStore.failures = None
    source = tmp_path / "large.bin"
    source.write_bytes(os.urandom(6 << 20))
    result = run(rampart, ANY_CREDENTIALS, "put", location(flaky), "k", source, "--part-size", "5")
    assert result.returncode == 1, rampart_cli.describe(result)
    methods = [(method, path) for method, path, _ in FlakyStore.seen]
    assert methods[0] == ("POST", "/rampart-blobs/archive/k?uploads=")
    assert methods[-1] == ("DELETE", "/rampart-blobs/archive/k?uploadId=U1")
    assert [m for m, _ in methods[1:-1]] == ["PUT"] * 4  # part 1, tried 4 times


def test_a_download_cut_off_is_started_again(rampart, flaky, tmp_path):
    FlakyStore.short_gets = 1
    FlakyStore.object = os.urandom(300_000)
    back = tmp_path / "back.bin"
    result = run(rampart, ANY_CREDENTIALS, "get", location(flaky), "k", back)
    assert result.returncode == 0, rampart_cli.describe(result)
    assert back.read_bytes() == FlakyStore.object
    assert [method for method, _, _ in FlakyStore.seen] == ["GET", "GET"]


@pytest.mark.parametrize("size, parts", [(5 << 20, None), ((5 << 20) + 1, 2), (0, None)])
def test_part_boundaries(rampart, moto, tmp_path, size, parts):
    """An object of exactly one part goes up in one PUT; one byte more makes a second part."""
    endpoint, credentials, s3 = moto
    source = tmp_path / "object.bin"
    source.write_bytes(os.urandom(size))
    key = f"boundary/{size}"
    result = run(rampart, credentials, "put", location(endpoint), key, source, "--part-size", "5")
    assert result.returncode == 0, rampart_cli.describe(result)
    etag = s3.head_object(Bucket=BUCKET, Key="archive/" + key)["ETag"].strip('"')
    assert etag.endswith(f"-{parts}") if parts else "-" not in etag
    body = s3.get_object(Bucket=BUCKET, Key="archive/" + key)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == sha256(source)
