"""The real server (gunicorn, the project's config, sync workers): limits hold on the wire,
runaway parsing is stopped without killing a worker, and many people at once get answers."""

from __future__ import annotations

import http.client
import io
import json
import socket
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.web.conftest import STORY_BILL, STORY_NOTICE

from .conftest import Server, start_server, stop_server
from .hostile import MB, content_heavy_pdf, flate_bomb_pdf

READ_SECONDS = "1.5"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two sync workers; a short read time limit so the runaway test is quick; no rate limit."""
    running = start_server(
        tmp_path_factory.mktemp("served"),
        workers=2,
        env={"BILL_EXPLAINER_READ_SECONDS": READ_SECONDS, "BILL_EXPLAINER_RATE_LIMIT": "0"},
    )
    yield running
    stop_server(running)


def _connection(server: Server, timeout: float = 30) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(server.url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def post_files(
    server: Server,
    path: str,
    files: dict[str, tuple[bytes, str]],
    fields: dict[str, str] | None = None,
) -> tuple[int, bytes, dict[str, str]]:
    """POST multipart to the live server: (status, body, headers)."""
    pairs: list[tuple[str, object]] = list((fields or {}).items())
    pairs += [
        (key, FileStorage(io.BytesIO(data), filename=name)) for key, (data, name) in files.items()
    ]
    boundary, body = encode_multipart(MultiDict(pairs))
    connection = _connection(server)
    try:
        connection.request(
            "POST", path, body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )  # fmt: skip
        answer = connection.getresponse()
        return answer.status, answer.read(), dict(answer.getheaders())
    finally:
        connection.close()


def test_a_claimed_gigabyte_is_refused_on_the_header_alone(server: Server) -> None:
    """Content-Length: 1 GB, and only a few bytes follow: 413 at once, nothing read or waited for."""
    parts = urllib.parse.urlsplit(server.url)
    for path in ("/explain", "/api/v1/explain"):
        start = time.monotonic()
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                f"boundary=x\r\nContent-Length: {1024 * MB}\r\n\r\n--x\r\n".encode()
            )
            reply = sock.recv(65536)
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert time.monotonic() - start < 2


def test_a_real_21_mb_upload_is_413(server: Server) -> None:
    for path, field in (("/explain", "notice_files"), ("/api/v1/explain", "notice")):
        status, body, _ = post_files(server, path, {field: (b"0" * (21 * MB), "scan.pdf")})
        assert status == 413, body[:300]


def test_runaway_parsing_is_stopped_and_the_worker_lives_on(server: Server) -> None:
    """The slow PDF would take pdfminer far longer than the limit; the worker answers 413 and
    keeps serving: same worker processes before and after, no timeout kill in the log."""
    workers_before = server.worker_pids()
    start = time.monotonic()
    status, body, _ = post_files(
        server, "/api/v1/explain", {"notice": (content_heavy_pdf(), "m.pdf")}
    )
    elapsed = time.monotonic() - start
    assert status == 413, body[:300]
    assert json.loads(body)["error"] == "too-large"
    assert "took too long" in json.loads(body)["message"]
    assert elapsed < float(READ_SECONDS) + 4
    status, _, _ = post_files(
        server, "/api/v1/explain", {"notice": (STORY_NOTICE.encode(), "n.txt")}
    )
    assert status == 200
    assert server.worker_pids() == workers_before
    assert b"WORKER TIMEOUT" not in server.logs()


def test_a_bomb_does_not_dent_the_worker(server: Server) -> None:
    workers_before = server.worker_pids()
    status, _, _ = post_files(server, "/api/v1/explain", {"notice": (flate_bomb_pdf(), "m.pdf")})
    assert status == 413
    assert server.worker_pids() == workers_before
    for pid in workers_before:
        status_text = Path(f"/proc/{pid}/status").read_text()
        peak_kb = int(status_text.split("VmHWM:")[1].split()[0])
        assert peak_kb < 1024 * 1024  # under 1 GB: the 512 MB bomb was never unpacked


def test_many_people_at_once_all_get_answers(server: Server) -> None:
    """40 requests from 8 clients at once, typed text and files mixed: all 200, none slow."""

    def one(number: int) -> tuple[int, float]:
        start = time.monotonic()
        if number % 2:
            status, _, _ = post_files(
                server, "/api/v1/explain", {},
                {"notice_text": STORY_NOTICE, "bill_text": STORY_BILL},
            )  # fmt: skip
        else:
            status, _, _ = post_files(
                server, "/api/v1/explain",
                {"notice": (STORY_NOTICE.encode(), "n.txt"), "bill": (STORY_BILL.encode(), "b.txt")},
            )  # fmt: skip
        return status, time.monotonic() - start

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(40)))
    assert [status for status, _ in results] == [200] * 40
    assert max(elapsed for _, elapsed in results) < 10


def test_headers_on_the_wire(server: Server) -> None:
    connection = _connection(server)
    try:
        connection.request("GET", "/")
        answer = connection.getresponse()
        answer.read()
        headers = {name.lower(): value for name, value in answer.getheaders()}
    finally:
        connection.close()
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
