"""Hardening fixtures: the app (CSRF off, no rate limit), and a real gunicorn server to talk to."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app() -> Iterator[Flask]:
    """The app in testing mode, CSRF and the rate limit off, so tests can post freely."""
    yield create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATE_LIMIT_PER_MINUTE": 0})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for that app."""
    return app.test_client()


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback only)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A gunicorn started by a test: its URL, process and log files."""

    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def _children(self) -> list[int]:
        pids: list[int] = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            pids += [int(pid) for pid in children.read_text().split()]
        return sorted(pids)

    @staticmethod
    def _is_vault(pid: int) -> bool:
        try:
            return b"web.workspace_vault" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False

    @staticmethod
    def _is_front(pid: int) -> bool:
        try:
            return b"web.front" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        """The master's worker processes, from /proc (not the workspace vault or the front)."""
        return [
            pid for pid in self._children() if not self._is_vault(pid) and not self._is_front(pid)
        ]

    def front_pid(self) -> int | None:
        """The buffering front the master started (web/front.py)."""
        return next((pid for pid in self._children() if self._is_front(pid)), None)

    def vault_pid(self) -> int | None:
        """The workspace vault process the master started (web/workspace_vault.py)."""
        return next((pid for pid in self._children() if self._is_vault(pid)), None)

    def logs(self) -> bytes:
        """Everything gunicorn and the app wrote so far."""
        return self.stdout.read_bytes() + self.stderr.read_bytes()


def start_server(log_dir: Path, *, workers: int = 2, env: dict[str, str] | None = None) -> Server:
    """gunicorn with the project's config on a free loopback port; waits until it answers."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    stdout, stderr = log_dir / "gunicorn.out", log_dir / "gunicorn.err"
    command = [
        sys.executable, "-P", "-m", "web.serving",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
    ]  # fmt: skip
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=err, env={**os.environ, **(env or {})}
        )
    server = Server(f"http://127.0.0.1:{port}", process, stdout, stderr)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.logs().decode(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(server.url + "/about-privacy", timeout=2) as answer:
                if answer.status == 200 and len(server.worker_pids()) >= workers:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop_server(server: Server) -> None:
    """SIGTERM the master (it stops its workers), then wait."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
