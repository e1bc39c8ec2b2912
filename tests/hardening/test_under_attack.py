"""Issue 17 on the wire: hostile files and requests against a real server, one test at a time.

Each hostile file must get its status, leave the worker alive and under the resident-memory
ceiling, and a normal request must succeed right after. These start servers and measure
memory, so they carry the `serial` marker: `make test` runs them alone, not under `-n 2`.
"""

from __future__ import annotations

import http.client
import io
import socket
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app import SECURITY_HEADERS
from tests.web.conftest import STORY_NOTICE

from . import hostile
from .conftest import Server, start_server, stop_server

pytestmark = pytest.mark.serial

MB = 1024 * 1024
WORKER_CEILING = 256 * MB
"""Resident memory a sync worker may reach: heavy reads happen in children (768 MB each,
explainer/read/isolated.py), so the worker itself stays small."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(
        tmp_path_factory.mktemp("attack"), workers=2, env={"BILL_EXPLAINER_RATE_LIMIT": "0"}
    )
    yield running
    stop_server(running)


def peak_resident(pid: int) -> int:
    """A process's peak resident memory so far (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def post(
    server: Server, path: str, data: bytes, name: str, source: str = "127.0.0.1"
) -> tuple[int, bytes]:
    """POST one file as the API's notice (or the page's notice_files), from `source`."""
    field = "notice" if path.startswith("/api/") else "notice_files"
    boundary, body = encode_multipart(MultiDict([(field, FileStorage(io.BytesIO(data), name))]))
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=60, source_address=(source, 0)
    )
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def normal_request_succeeds(server: Server) -> None:
    status, body = post(server, "/api/v1/explain", STORY_NOTICE.encode(), "notice.txt")
    assert status == 200, body[:300]


BOMBS: dict[str, tuple[Callable[[], bytes], str, set[int]]] = {
    "padded-flate-bomb": (hostile.padded_flate_bomb_pdf, "msn.pdf", {413}),
    "two-padded-bombs": (lambda: hostile.padded_flate_bomb_pdf(streams=2), "msn.pdf", {413}),
    "indirect-filter-bomb": (hostile.indirect_filter_bomb_pdf, "msn.pdf", {413}),
    "lying-filter-bomb": (hostile.lying_filter_bomb_pdf, "msn.pdf", {413}),
    "many-streams-bomb": (hostile.many_streams_bomb_pdf, "msn.pdf", {413}),
    "xlsx-zip-bomb": (hostile.xlsx_zip_bomb, "claims.xlsx", {413}),
    "xlsx-entity-bomb": (hostile.xlsx_entity_bomb, "claims.xlsx", {422}),
    "json-deep-nesting": (hostile.deep_json, "eob.json", {413}),
    "json-huge-array": (hostile.huge_bundle_json, "bundle.json", {413, 422}),
    "ndjson-huge": (hostile.huge_ndjson, "export.ndjson", {413}),
}


@pytest.mark.parametrize("key", sorted(BOMBS))
def test_a_bomb_is_refused_and_the_worker_survives_under_the_ceiling(
    server: Server, key: str
) -> None:
    build, name, expected = BOMBS[key]
    workers = server.worker_pids()
    status, body = post(server, "/api/v1/explain", build(), name)
    assert status in expected, body[:300]
    assert server.worker_pids() == workers  # nobody died or was replaced
    for pid in workers:
        assert peak_resident(pid) < WORKER_CEILING
    normal_request_succeeds(server)


# --- errors gunicorn answers itself --------------------------------------------------------


def raw_exchange(server: Server, request: bytes) -> bytes:
    parts = urllib.parse.urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 9000 + b"?canary HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (
            b"GET /?canary HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-%d: 1\r\n" % n for n in range(150))
            + b"\r\n",
            431,
        ),
        (b"GET /?canary HTTP/1.1\r\nHost: x\r\nBad Header<canary>: 1\r\n\r\n", 400),
    ],
    ids=["414-line", "431-headers", "400-header"],
)
def test_errors_below_flask_carry_the_security_headers(
    server: Server, request_bytes: bytes, status: int
) -> None:
    answer = raw_exchange(server, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), head[:200]
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(b":") for line in head.split(b"\r\n")[1:])
    }
    for name, value in SECURITY_HEADERS.items():
        assert headers[name.lower().encode()] == value.encode()
    assert headers[b"cache-control"] == b"no-store"
    assert b"canary" not in body  # nothing of the request is echoed
    normal_request_succeeds(server)


# --- a flood from one address --------------------------------------------------------------


def test_a_flood_from_one_address_gets_its_budget_across_workers_and_no_restarts(
    tmp_path: Path,
) -> None:
    """8 connections posting for 8 s: at most the 30 a minute get through, whichever worker
    answers, and the workers that answered thousands of 429s are the same processes."""
    import threading
    import time

    limited = start_server(tmp_path, workers=2, env={"BILL_EXPLAINER_RATE_LIMIT": "30"})
    try:
        workers = limited.worker_pids()
        statuses: list[int] = []
        ends = time.monotonic() + 8

        def flood() -> None:
            while time.monotonic() < ends:
                statuses.append(post(limited, "/api/v1/explain", b"CO-45 $1.00", "n.txt")[0])

        threads = [threading.Thread(target=flood) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # The budget's windows are whole minutes of the system's monotonic clock: 8 s may
        # cross into a second one, with its own 30.
        windows = int(time.monotonic() // 60) - int((ends - 8) // 60) + 1
        assert statuses.count(200) <= 30 * windows < len(statuses)
        assert set(statuses) <= {200, 429}
        assert limited.worker_pids() == workers
        # Another address has its own budget: the front tells the app who is asking.
        assert post(limited, "/api/v1/explain", b"CO-45 $1.00", "n.txt", "127.0.0.2")[0] == 200
    finally:
        stop_server(limited)


def test_four_19_mb_uploads_at_once_leave_the_pages_quick(server: Server) -> None:
    """Before: all four 413 after 30.3 s, and a GET / meanwhile waited 28.3 s."""
    import threading
    import time

    text = (b"03/04/2025 99214 billed $150 paid $78.40 you may owe $20\n" * 340_000)[: 19 * MB]
    statuses: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: statuses.append(post(server, "/api/v1/explain", text, "big.txt")[0])
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    start = time.monotonic()
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", "/")
    assert connection.getresponse().status == 200
    waited = time.monotonic() - start
    for thread in threads:
        thread.join()
    assert statuses == [413] * 4
    assert waited < 5
    normal_request_succeeds(server)
