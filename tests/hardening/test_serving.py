"""Production serving: gunicorn's settings fit the machine and our limits, and `serve` runs it."""

from __future__ import annotations

import multiprocessing
import os
import sys
from typing import Any

import pytest

from explainer import cli, limits
from web.serving import settings

SETTINGS = settings()


def test_workers_fit_the_machine() -> None:
    cores = multiprocessing.cpu_count()
    assert 2 <= SETTINGS["workers"] <= min(2 * cores + 1, 4)


def test_sync_workers_so_the_read_deadline_can_use_signals() -> None:
    """explainer/limits.py interrupts runaway parsing with SIGALRM in a worker's main thread."""
    assert SETTINGS["worker_class"] == "sync"
    assert SETTINGS.get("threads", 1) == 1


def test_worker_timeout_is_the_last_resort_after_the_read_limit() -> None:
    """The engine's time limit answers a kind 413 well before gunicorn would kill the worker."""
    assert SETTINGS["timeout"] >= limits.READ_SECONDS + 15
    assert SETTINGS["graceful_timeout"] > 0


def test_workers_are_recycled() -> None:
    assert (
        SETTINGS["max_requests"] > 0
        and 0 < SETTINGS["max_requests_jitter"] < SETTINGS["max_requests"]
    )


def test_no_upload_or_heartbeat_touches_the_disk() -> None:
    assert SETTINGS["worker_tmp_dir"] == "/dev/shm"


def test_serve_execs_gunicorn_with_the_project_config(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[Any] = []

    def fake_execv(path: str, args: list[str]) -> None:
        called.append((path, args))

    monkeypatch.setattr(os, "execv", fake_execv)
    cli.main(["serve", "--host", "127.0.0.1", "--port", "5055", "--workers", "2"])
    path, args = called[0]
    assert path == sys.executable
    # -P: the current directory stays off sys.path, so the installed app is the one served.
    assert args[1:4] == ["-P", "-m", "web.serving"]
    assert args[args.index("--bind") + 1] == "127.0.0.1:5055"
    assert args[args.index("--workers") + 1] == "2"
