"""The workspace vault: sealed 835 workspaces in memory, shared by every worker, for 30 minutes.

This is the one exception to "nothing is kept" (PRODUCT.md, docs/decisions/0006). The vault
only ever holds ciphertext (web/workspace_seal.py seals before a blob gets here) under a
random id; the key is in the user's cookie, never here. Under gunicorn the vault is a small
process the master starts before forking its workers (`start_vault_process`): it listens on
a Linux *abstract* Unix socket (no file anywhere) with an auth key, and a thread in it drops
expired entries every few seconds, so nothing outlives its 30 minutes even if nobody calls.
In tests (and `LocalVault`) the same `Vault` lives in the app's own process.

This module imports no flask: the vault process runs it as `python -m web.workspace_vault`.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection, Listener
from typing import Any, Protocol

HOLD_SECONDS = 30 * 60
"""How long a workspace is held at most (PRODUCT.md): counted from the upload."""

MAX_BYTES = 512 * 1024 * 1024
"""Ciphertext held at most, all workspaces together; the soonest to expire goes first."""

MAX_ENTRIES = 500
SWEEP_SECONDS = 5.0


@dataclass(slots=True)
class _Entry:
    blob: bytes
    expires_at: float


class Vault:
    """Sealed blobs by id, each with an expiry time; bounded in count and bytes. Thread-safe."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._max_bytes = max_bytes
        self._max_entries = max_entries

    def put(self, key: str, blob: bytes, expires_at: float, now: float) -> None:
        """Hold `blob` until `expires_at`, dropping expired and, if full, soonest-ending ones."""
        with self._lock:
            self._sweep(now)
            self._entries.pop(key, None)
            while self._entries and (
                len(self._entries) >= self._max_entries
                or sum(len(e.blob) for e in self._entries.values()) + len(blob) > self._max_bytes
            ):
                soonest = min(self._entries, key=lambda k: self._entries[k].expires_at)
                del self._entries[soonest]
            self._entries[key] = _Entry(blob, expires_at)

    def get(self, key: str, now: float) -> bytes | None:
        """The blob, or None when it was never here, was forgotten or has expired."""
        with self._lock:
            self._sweep(now)
            entry = self._entries.get(key)
            return entry.blob if entry is not None else None

    def drop(self, key: str) -> None:
        """Forget one workspace now."""
        with self._lock:
            self._entries.pop(key, None)

    def sweep(self, now: float) -> int:
        """Drop every expired entry; how many are left."""
        with self._lock:
            self._sweep(now)
            return len(self._entries)

    def blobs(self) -> list[bytes]:
        """Everything held (ciphertext), for the privacy tests."""
        with self._lock:
            return [entry.blob for entry in self._entries.values()]

    def _sweep(self, now: float) -> None:
        for key in [k for k, e in self._entries.items() if e.expires_at <= now]:
            del self._entries[key]


class VaultHandle(Protocol):
    """What the web layer uses: the in-process Vault or a client of the vault process."""

    def put(self, key: str, blob: bytes, expires_at: float, now: float) -> None: ...
    def get(self, key: str, now: float) -> bytes | None: ...
    def drop(self, key: str) -> None: ...
    def sweep(self, now: float) -> int: ...
    def blobs(self) -> list[bytes]: ...


OPERATIONS = frozenset({"put", "get", "drop", "sweep", "blobs"})


class VaultClient:
    """Talks to the vault process; one connection per process (gunicorn forks after start)."""

    def __init__(self, address: str, authkey: bytes) -> None:
        self._address = address
        self._authkey = authkey
        self._pid = -1
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def _call(self, operation: str, *args: Any) -> Any:
        with self._lock:
            for attempt in (1, 2):
                if self._connection is None or self._pid != os.getpid():
                    # A connection inherited through fork is the parent's: never share it.
                    self._connection = Client(
                        self._address, family="AF_UNIX", authkey=self._authkey
                    )
                    self._pid = os.getpid()
                try:
                    self._connection.send((operation, args))
                    return self._connection.recv()
                except (EOFError, OSError):
                    # A connection broken mid-call (a recycled worker's, say): one fresh try.
                    self._connection = None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def put(self, key: str, blob: bytes, expires_at: float, now: float) -> None:
        self._call("put", key, blob, expires_at, now)

    def get(self, key: str, now: float) -> bytes | None:
        reply = self._call("get", key, now)
        return reply if isinstance(reply, bytes) else None

    def drop(self, key: str) -> None:
        self._call("drop", key)

    def sweep(self, now: float) -> int:
        return int(self._call("sweep", now))

    def blobs(self) -> list[bytes]:
        return list(self._call("blobs"))


def _serve_connection(vault: Vault, connection: Connection) -> None:
    """Answer one worker's calls until it hangs up."""
    with connection:
        while True:
            try:
                operation, args = connection.recv()
            except (EOFError, OSError):
                return
            if operation not in OPERATIONS:
                return
            method: Callable[..., Any] = getattr(vault, operation)
            connection.send(method(*args))


def _sweep_forever(vault: Vault, parent: int) -> None:
    """Drop expired entries every few seconds; exit with the server that started us."""
    while True:
        time.sleep(SWEEP_SECONDS)
        if os.getppid() != parent:
            os._exit(0)
        vault.sweep(time.time())


def serve(address: str, authkey: bytes, parent: int) -> None:
    """The vault process: accept workers' connections, each in its own thread."""
    vault = Vault()
    listener = Listener(address, family="AF_UNIX", authkey=authkey)
    threading.Thread(target=_sweep_forever, args=(vault, parent), daemon=True).start()
    print("ready", flush=True)
    while True:
        try:
            connection = listener.accept()
        except (OSError, EOFError):
            continue  # a caller without the key, or one that hung up at once
        threading.Thread(target=_serve_connection, args=(vault, connection), daemon=True).start()


def start_vault_process() -> tuple[VaultClient, subprocess.Popen[bytes]]:
    """Start the vault process (the key and address go through a pipe, never argv)."""
    # A leading NUL makes it an abstract socket: nothing is created in any file system.
    address = f"\0bill-explainer-vault-{secrets.token_hex(16)}"
    authkey = secrets.token_bytes(32)
    process = subprocess.Popen(
        # -P: as web/serving.py, never import a web/ lying in the current directory.
        [sys.executable, "-P", "-m", "web.workspace_vault"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(f"{address[1:]}\n{authkey.hex()}\n{os.getpid()}\n".encode())
    process.stdin.close()
    ready = process.stdout.readline().strip() == b"ready"
    process.stdout.close()  # it says nothing more
    if not ready:
        process.kill()
        process.wait()
        raise RuntimeError("the workspace vault did not start")
    return VaultClient(address, authkey), process


def _main() -> None:
    name, key, parent = (sys.stdin.readline().strip() for _ in range(3))
    serve("\0" + name, bytes.fromhex(key), int(parent))


if __name__ == "__main__":
    _main()
