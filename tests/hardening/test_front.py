"""Issue 17: the buffering front (web/front.py) keeps slow clients away from the sync workers."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from web import front

from .conftest import Server, start_server, stop_server

# --- the parts, without a server -----------------------------------------------------------


def _head(data: bytes) -> bytes:
    """The front's head reader on these bytes, in an event loop of its own.

    The loop runs in a thread of its own: under xdist a browser test's session-wide Playwright
    keeps an event loop running in this worker's main thread, where asyncio.run() refuses to start.
    """

    async def read() -> bytes:
        reader = asyncio.StreamReader(limit=front.MAX_HEAD)
        reader.feed_data(data)
        reader.feed_eof()
        return await front._read_head(reader)

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, read()).result()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"X: " + b"y" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"X: 1\r\n" * 101 + b"\r\n", 431),
        (b"GET /\r\n\r\n", 400),
    ],
    ids=["long-line", "long-headers", "many-headers", "http-0.9"],
)
def test_bad_heads_are_refused_by_the_front(data: bytes, status: int) -> None:
    with pytest.raises(front.Refusal) as caught:
        _head(data)
    assert caught.value.status == status


def test_bodies_need_one_content_length_and_no_chunks() -> None:
    assert front._content_length(b"POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n") == 12
    for head in (
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length : 1\r\n\r\n",
    ):
        with pytest.raises(front.Refusal):
            front._content_length(head)


def test_the_forwarded_head_carries_the_address_and_drops_what_the_client_claimed() -> None:
    head = (
        b"POST /explain HTTP/1.1\r\nHost: x\r\nX-Bill-Explainer-Client: 6.6.6.6\r\n"
        b"X-Bill-Explainer-Front: guess\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n\r\n"
    )
    forwarded = front._forwarded_head(head, "192.0.2.7", "token")
    assert b"6.6.6.6" not in forwarded and b"guess" not in forwarded and b"Expect" not in forwarded
    assert b"X-Bill-Explainer-Client: 192.0.2.7\r\n" in forwarded
    assert forwarded.endswith(b"Connection: close\r\n\r\n")


def test_forwarded_headers_pass_only_from_a_trusted_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    head = (
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\n"
        b"X-Forwarded-For: 6.6.6.6, 198.51.100.4\r\n\r\n"
    )
    stranger = front._forwarded_head(head, "203.0.113.5", "t", peer="203.0.113.5")
    assert b"X-Forwarded" not in stranger
    assert front._client_behind_proxy(head, "203.0.113.5") == "203.0.113.5"
    proxied = front._forwarded_head(head, "198.51.100.4", "t", peer="127.0.0.1")
    assert b"X-Forwarded-Proto: https" in proxied
    assert front._client_behind_proxy(head, "127.0.0.1") == "198.51.100.4"


def test_only_the_front_can_name_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(front.TOKEN_ENV, "secret-token")
    claimed = {front.CLIENT_HEADER: "6.6.6.6"}
    assert front.client_address(claimed, "203.0.113.5") == "203.0.113.5"
    assert front.client_address({**claimed, front.TOKEN_HEADER: "wrong"}, "x") == "x"
    sent = {**claimed, front.TOKEN_HEADER: "secret-token"}
    assert front.client_address(sent, "") == "6.6.6.6"
    monkeypatch.delenv(front.TOKEN_ENV)
    assert front.client_address(sent, "203.0.113.5") == "203.0.113.5"  # no front: no trust


# --- the real server -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(
        tmp_path_factory.mktemp("front"), workers=2, env={"BILL_EXPLAINER_RATE_LIMIT": "0"}
    )
    yield running
    stop_server(running)


def _trickle(server: Server, stop: threading.Event, *, in_body: bool) -> None:
    """One slow client: a byte a second, in the headers or in a declared 1 MB body."""
    parts = urllib.parse.urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        if in_body:
            sock.sendall(
                b"POST /api/v1/explain HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n"
                b"Content-Type: multipart/form-data; boundary=x\r\n\r\n"
            )
        else:
            sock.sendall(b"GET /about-privacy HTTP/1.1\r\n")
        while not stop.wait(1.0):
            try:
                sock.sendall(b"x" if in_body else b"X-Slow: 1\r\n")
            except OSError:
                return


@pytest.mark.serial
def test_ten_slow_clients_do_not_hold_the_workers(server: Server) -> None:
    """Before the front, every normal request waited 53 s behind ten 1-byte/s clients."""
    stop = threading.Event()
    slow = [
        threading.Thread(target=_trickle, args=(server, stop), kwargs={"in_body": n % 2 == 0})
        for n in range(10)
    ]
    for thread in slow:
        thread.start()
    try:
        time.sleep(2)  # every slow client is connected and trickling
        waits = []
        for _ in range(20):
            start = time.monotonic()
            with urllib.request.urlopen(server.url + "/about-privacy", timeout=30) as answer:
                assert answer.status == 200
            waits.append(time.monotonic() - start)
        assert max(waits) < 2, waits
    finally:
        stop.set()
        for thread in slow:
            thread.join()


@pytest.mark.serial
def test_the_front_keeps_no_file_open_and_its_folder_holds_only_the_socket(server: Server) -> None:
    pid = server.front_pid()
    assert pid is not None
    with urllib.request.urlopen(server.url + "/about-privacy", timeout=30) as answer:
        assert answer.status == 200
    files = []
    for link in Path(f"/proc/{pid}/fd").iterdir():
        if int(link.name) <= 2:
            continue  # its standard streams: gunicorn's log, where it writes nothing of a request
        with_target = os.readlink(link)
        if with_target.startswith("/") and not with_target.startswith("/dev/"):
            files.append(with_target)
    assert files == []
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    folder = Path(cmdline[cmdline.index(b"--backend") + 1].decode()).parent
    assert [entry.name for entry in folder.iterdir()] == ["backend.sock"]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
