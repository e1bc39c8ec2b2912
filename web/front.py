"""The front: one asyncio process that buffers each whole request before a sync worker sees it.

gunicorn's sync workers read a request themselves, so ten clients sending one byte a second
held every worker and all other requests waited 53 s (issue 17). The front listens on the
public address instead, reads the request line, the headers and the whole body in memory
with deadlines, and only then hands the complete request to gunicorn over a unix socket in
a private folder; it reads the whole answer back and sends it on, so a slow reader does not
hold a worker either. Waiting costs the front a coroutine, not a worker; the sync workers
stay as they were, one process per core for the CPU-heavy reads. docs/decisions/0009.

Nothing is written to disk: bodies and answers live in memory, bounded by the upload limit
per request and `MAX_BUFFERED` for all requests together (503 past it). The only file is
the unix socket itself, in a 0700 folder made at start and removed at exit.

The address the budget charges (web/cost_limit.py) is the client's: the front sends it in
`X-Bill-Explainer-Client`, with a random per-start token in `X-Bill-Explainer-Front` that
the app checks (`client_address`), so no one can set the address by sending the header.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .server_errors import error_answer

MEGABYTE = 1024 * 1024
HEADER_SECONDS = 10.0
"""The request line and headers must arrive within this (a slowloris sends them for ever)."""
BODY_IDLE_SECONDS = 15.0
BODY_MIN_RATE = 20 * 1024
"""After the first `BODY_IDLE_SECONDS`, the body must keep coming at 20 KB/s on average:
a 20 MB scan over a slow mobile link (1 Mbit/s) arrives at 125 KB/s."""
MAX_BODY = 20 * MEGABYTE + 256 * 1024
"""The upload limit and room for the form around it; Flask answers 413 above its own limit."""
MAX_HEAD = 64 * 1024
MAX_LINE = 8190
MAX_FIELDS = 100
MAX_BUFFERED = 256 * MEGABYTE
"""Bodies and answers held at once, all connections together."""
MAX_CONNECTIONS = 1000
MAX_PER_ADDRESS = 32
ANSWER_SECONDS = 120.0
"""The backend's answer (its own deadline is 30 s of reading; gunicorn's timeout is 60 s)."""
SEND_SECONDS = 60.0
CLIENT_HEADER = "X-Bill-Explainer-Client"
TOKEN_HEADER = "X-Bill-Explainer-Front"
TOKEN_ENV = "BILL_EXPLAINER_FRONT_TOKEN"
_HOP_BY_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-connection",
    b"te",
    b"trailer",
    b"upgrade",
    b"expect",  # the front answers 100-continue itself, before it reads the body
    CLIENT_HEADER.lower().encode(),
    TOKEN_HEADER.lower().encode(),
}


class Refusal(Exception):
    """The request cannot be passed on: answer `status` with our page."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Front:
    """The front's settings and shared counters."""

    backend: str
    token: str
    buffered: int = 0
    connections: int = 0
    per_address: dict[str, int] | None = None

    def __post_init__(self) -> None:
        self.per_address = {}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One client connection: one request, then close."""
        address = str((writer.get_extra_info("peername") or ("unknown",))[0])
        assert self.per_address is not None
        counted = self.per_address.get(address, 0)
        self.connections += 1
        self.per_address[address] = counted + 1
        held = 0
        path = b"/"
        try:
            if self.connections > MAX_CONNECTIONS or counted >= MAX_PER_ADDRESS:
                raise Refusal(503, "Service Unavailable")
            head = await _read_head(reader)
            path = head.split(b" ", 2)[1]
            length = _content_length(head)
            if length > MAX_BODY:
                if length <= 2 * MAX_BODY:
                    # Read it and throw it away first: a browser still sending when we close
                    # shows "connection reset" instead of our page (as web/guards.py does).
                    await _read_body(reader, length, keep=False)
                raise Refusal(413, "Content Too Large")
            if self.buffered + length > MAX_BUFFERED:
                raise Refusal(503, "Service Unavailable")
            held = length
            self.buffered += held
            if _wants_continue(head):
                await _send(writer, b"HTTP/1.1 100 Continue\r\n\r\n")
            body = await _read_body(reader, length)
            client = _client_behind_proxy(head, address)
            forwarded = _forwarded_head(head, client, self.token, peer=address)
            answer = await self._ask_backend(forwarded + body)
            del body
            # The answer now waits for the client instead of the body: count it instead.
            self.buffered += len(answer) - held
            held = len(answer)
            await _send(writer, answer)
        except Refusal as refusal:
            with contextlib.suppress(Exception):
                await _send(writer, error_answer(refusal.status, refusal.reason, path))
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError, OSError):
            pass  # the client went away or was too slow: nothing to answer
        finally:
            self.buffered -= held
            self.connections -= 1
            left = self.per_address.get(address, 1) - 1
            if left:
                self.per_address[address] = left
            else:
                self.per_address.pop(address, None)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _ask_backend(self, request: bytes) -> bytes:
        """Send the whole request to gunicorn, read its whole answer (it closes after one)."""
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_unix_connection(self.backend), HEADER_SECONDS
            )
        except (OSError, TimeoutError):
            raise Refusal(503, "Service Unavailable") from None
        try:
            writer.write(request)
            await writer.drain()
            return await asyncio.wait_for(reader.read(), ANSWER_SECONDS)
        except (OSError, TimeoutError):
            raise Refusal(502, "Bad Gateway") from None
        finally:
            writer.close()


async def _read_head(reader: asyncio.StreamReader) -> bytes:
    """The request line and headers, within HEADER_SECONDS, within the size limits."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEADER_SECONDS)
    except asyncio.LimitOverrunError:
        raise Refusal(431, "Request Header Fields Too Large") from None
    except TimeoutError:
        raise Refusal(408, "Request Timeout") from None
    lines = head[:-4].split(b"\r\n")
    if len(lines[0]) > MAX_LINE:
        raise Refusal(414, "URI Too Long")
    if len(lines) - 1 > MAX_FIELDS:
        raise Refusal(431, "Request Header Fields Too Large")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
        raise Refusal(400, "Bad Request")
    return head


def _headers(head: bytes) -> list[tuple[bytes, bytes]]:
    """The header fields, names lower-cased; a line without a colon is a bad request."""
    fields = []
    for line in head[:-4].split(b"\r\n")[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            raise Refusal(400, "Bad Request")
        fields.append((name.lower(), value.strip()))
    return fields


def _wants_continue(head: bytes) -> bool:
    """Does the client wait for `100 Continue` before it sends the body (curl does)?"""
    return any(
        name == b"expect" and value.lower() == b"100-continue" for name, value in _headers(head)
    )


def _content_length(head: bytes) -> int:
    """The body's length: Content-Length, one value; chunked bodies are refused (411)."""
    fields = _headers(head)
    if any(name == b"transfer-encoding" for name, _ in fields):
        raise Refusal(411, "Length Required")
    lengths = {value for name, value in fields if name == b"content-length"}
    if not lengths:
        return 0
    if len(lengths) > 1 or not next(iter(lengths)).isdigit():
        raise Refusal(400, "Bad Request")
    return int(next(iter(lengths)))


async def _read_body(reader: asyncio.StreamReader, length: int, keep: bool = True) -> bytes:
    """Exactly `length` bytes (thrown away unless `keep`), with no pause over
    BODY_IDLE_SECONDS and at least BODY_MIN_RATE on average after the first BODY_IDLE_SECONDS."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    body = bytearray()
    received = 0
    while received < length:
        try:
            chunk = await asyncio.wait_for(
                reader.read(min(length - received, 256 * 1024)), BODY_IDLE_SECONDS
            )
        except TimeoutError:
            raise Refusal(408, "Request Timeout") from None
        if not chunk:
            raise ConnectionError("the client closed mid-body")
        received += len(chunk)
        if keep:
            body += chunk
        elapsed = loop.time() - started
        if elapsed > BODY_IDLE_SECONDS and received / elapsed < BODY_MIN_RATE:
            raise Refusal(408, "Request Timeout")
    return bytes(body)


def _trusted_proxies() -> set[str]:
    """Peers whose X-Forwarded-* headers count: gunicorn's FORWARDED_ALLOW_IPS, as before."""
    return {ip.strip() for ip in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1").split(",")}


def _client_behind_proxy(head: bytes, peer: str) -> str:
    """The client's address: the peer's, or the last X-Forwarded-For hop a trusted proxy set."""
    proxies = _trusted_proxies()
    if "*" not in proxies and peer not in proxies:
        return peer
    hops = [value for name, value in _headers(head) if name == b"x-forwarded-for"]
    last = hops[-1].split(b",")[-1].strip().decode("latin-1") if hops else ""
    return last or peer


def _forwarded_head(head: bytes, address: str, token: str, peer: str | None = None) -> bytes:
    """The head for gunicorn: our client-address and token headers, one request per
    connection. X-Forwarded-* and Forwarded pass only from a trusted proxy: gunicorn trusts
    them from its unix socket, so the front decides, as gunicorn did on a TCP port."""
    proxies = _trusted_proxies()
    trusted = "*" in proxies or (peer or address) in proxies
    lines = head[:-4].split(b"\r\n")
    kept = []
    for line in lines[1:]:
        name = line.partition(b":")[0].strip().lower()
        if name in _HOP_BY_HOP:
            continue
        if not trusted and (name.startswith(b"x-forwarded-") or name == b"forwarded"):
            continue
        kept.append(line)
    added = [
        f"{CLIENT_HEADER}: {address}".encode(),
        f"{TOKEN_HEADER}: {token}".encode(),
        b"Connection: close",
    ]
    return b"\r\n".join([lines[0], *kept, *added]) + b"\r\n\r\n"


async def _send(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(data)
    await asyncio.wait_for(writer.drain(), SEND_SECONDS)


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when the gunicorn master that started it dies."""
    with contextlib.suppress(Exception):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


async def serve(host: str, port: int, backend: str, token: str) -> None:
    """Listen on host:port until SIGTERM or SIGINT."""
    front = Front(backend, token)
    server = await asyncio.start_server(
        front.handle, host, port, limit=MAX_HEAD, backlog=2048, reuse_address=True
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    async with server:
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """python -m web.front --listen HOST:PORT --backend SOCKET (the token from the env)."""
    parser = argparse.ArgumentParser(prog="python -m web.front")
    parser.add_argument("--listen", required=True, metavar="HOST:PORT")
    parser.add_argument("--backend", required=True, metavar="UNIX_SOCKET")
    args = parser.parse_args(argv)
    host, _, port = args.listen.rpartition(":")
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        print("web.front: no token in " + TOKEN_ENV, file=sys.stderr)
        return 2
    _die_with_parent()
    asyncio.run(serve(host.strip("[]") or "127.0.0.1", int(port), args.backend, token))
    return 0


if __name__ == "__main__":
    sys.exit(main())


# ------------------------------------------------------------------ started by `serve`


def arrange(options: dict[str, Any], public_bind: str) -> None:
    """Put the front on `public_bind` and gunicorn behind it on a private unix socket.

    Changes gunicorn's settings in place: its bind, and hooks that start the front when
    the workers are ready and stop it (and remove the socket's folder) at exit.
    """
    shared = "/dev/shm" if os.path.isdir("/dev/shm") else None
    folder = tempfile.mkdtemp(prefix="bill-explainer-front-", dir=shared)  # mode 0700
    backend = os.path.join(folder, "backend.sock")
    os.environ[TOKEN_ENV] = secrets.token_urlsafe(32)  # the workers inherit it
    options["bind"] = [f"unix:{backend}"]
    running: list[subprocess.Popen[bytes]] = []

    def when_ready(_server: Any) -> None:
        command = [sys.executable, "-P", "-m", "web.front", "--listen", public_bind]
        running.append(subprocess.Popen([*command, "--backend", backend]))

    def on_exit(_server: Any) -> None:
        for process in running:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)

    options["when_ready"] = when_ready
    options["on_exit"] = on_exit


def client_address(headers: Mapping[str, str], remote_addr: str | None) -> str:
    """The client's address: the front's header when the front's token comes with it."""
    token = os.environ.get(TOKEN_ENV, "")
    sent = headers.get(TOKEN_HEADER, "")
    if token and sent and secrets.compare_digest(sent, token):
        return headers.get(CLIENT_HEADER, "") or "unknown"
    return remote_addr or "unknown"
