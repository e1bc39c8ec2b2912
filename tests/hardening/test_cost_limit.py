"""Issue 17: budgets of requests, bytes and CPU per address, shared by every worker, and 429s
that do not restart workers."""

from __future__ import annotations

import os
import time
from types import SimpleNamespace

import pytest

from app import create_app
from tests.web.conftest import STORY_NOTICE, post_multipart
from web import recycling
from web.cost_limit import Budget, SharedBudget
from web.guards import BUDGET_KEY
from web.ratelimit import configured_budget

MB = 1024 * 1024


def test_forked_workers_share_one_count() -> None:
    """Made before the fork (as the gunicorn master does), the table is the children's too."""
    budget = SharedBudget(Budget(requests=1000, bytes=0, cpu_seconds=0))
    children = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:  # a worker: 100 requests from one address
            for _ in range(100):
                budget.admit("203.0.113.9")
            os._exit(0)
        children.append(pid)
    for pid in children:
        assert os.waitpid(pid, 0)[1] == 0
    assert budget.spent("203.0.113.9").requests == 400


def test_a_worker_killed_holding_the_lock_does_not_block_the_others() -> None:
    import fcntl

    budget = SharedBudget(Budget(requests=10, bytes=0, cpu_seconds=0))
    pid = os.fork()
    if pid == 0:
        fcntl.lockf(budget._fd, fcntl.LOCK_EX)
        time.sleep(60)
        os._exit(0)
    time.sleep(0.3)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    start = time.monotonic()
    assert budget.admit("198.51.100.1") is None
    assert time.monotonic() - start < 1


def test_bytes_are_charged_before_reading_and_cpu_after() -> None:
    budget = SharedBudget(Budget(requests=100, bytes=50 * MB, cpu_seconds=10))
    assert budget.admit("a", 20 * MB) is None
    assert budget.admit("a", 20 * MB) is None
    assert budget.admit("a", 20 * MB) is not None  # 60 MB > 50 MB
    assert budget.admit("b", 1) is None
    budget.charge_cpu("b", 9.5)
    assert budget.admit("b", 1) is None
    budget.charge_cpu("b", 0.6)
    assert budget.admit("b", 1) is not None  # 10.1 CPU seconds spent
    assert budget.spent("b").cpu_seconds == pytest.approx(10.1)


def test_the_table_keeps_no_address() -> None:
    budget = SharedBudget(Budget(requests=5, bytes=0, cpu_seconds=0))
    budget.admit("192.0.2.77")
    assert b"192.0.2.77" not in bytes(budget._map)
    assert not any(name.startswith("bill-explainer-budget") for name in os.listdir("/dev/shm"))


def _client(cpu_seconds: float) -> tuple[object, object]:
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATE_LIMIT_PER_MINUTE": 100_000,  # only the CPU budget is under test
            "CPU_BUDGET_SECONDS": cpu_seconds,
        }
    )
    return app, app.test_client()


def test_an_address_past_its_cpu_budget_gets_429_and_pages_still_load() -> None:
    app, client = _client(cpu_seconds=0.05)
    budget = app.extensions[BUDGET_KEY]  # type: ignore[attr-defined]
    statuses = []
    # A short notice costs a millisecond or two of CPU on a quiet machine: post until the
    # budget is spent rather than a fixed number of times (40 was not always enough).
    for _ in range(1000):
        statuses.append(
            post_multipart(client, "/api/v1/explain", {"notice_text": STORY_NOTICE}).status_code  # type: ignore[arg-type]
        )
        if statuses[-1] == 429:
            break
    assert statuses[0] == 200 and statuses[-1] == 429
    assert budget.spent("127.0.0.1").cpu_seconds >= 0.05
    assert client.get("/codes/CO-253").status_code == 200  # type: ignore[attr-defined]
    other = client.post(  # type: ignore[attr-defined]
        "/api/v1/explain",
        data={"notice_text": STORY_NOTICE},
        environ_base={"REMOTE_ADDR": "192.0.2.50"},
    )
    assert other.status_code == 200


def test_bytes_budget_refuses_before_the_body_is_read() -> None:
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATE_LIMIT_PER_MINUTE": 1000,
            "BYTES_BUDGET_MB": 1,
        }
    )
    client = app.test_client()
    import io

    body = io.BytesIO(b"x" * (2 * MB))
    response = client.post(
        "/api/v1/explain",
        input_stream=body,
        content_type="multipart/form-data; boundary=x",
        headers={"Content-Length": str(2 * MB)},
    )
    assert response.status_code == 429
    assert body.tell() == 0


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, Budget(30, 100 * MB, 30.0)),
        ({"BYTES_BUDGET_MB": 5, "CPU_BUDGET_SECONDS": 2.5}, Budget(30, 5 * MB, 2.5)),
        ({"RATE_LIMIT_PER_MINUTE": 0}, None),
    ],
)
def test_configured_budget(
    monkeypatch: pytest.MonkeyPatch, config: dict[str, float], expected: Budget | None
) -> None:
    for name in ("RATE_LIMIT", "BYTES_BUDGET", "CPU_BUDGET"):
        monkeypatch.delenv(f"BILL_EXPLAINER_{name}", raising=False)
    assert configured_budget(create_app({"TESTING": True, **config})) == expected


# --- 429s and worker recycling ---------------------------------------------------------------


def _worker(nr: int, max_requests: int = 1000) -> SimpleNamespace:
    return SimpleNamespace(nr=nr, max_requests=max_requests, alive=True)


def _serve(worker: SimpleNamespace, status: int) -> None:
    """What gunicorn's sync worker does around one request, with our hooks."""
    recycling.pre_request(worker, None)
    worker.nr += 1
    if worker.nr >= worker.max_requests:
        worker.alive = False
    recycling.post_request(worker, None, {}, SimpleNamespace(status_code=status))


def test_a_flood_of_429s_never_restarts_a_worker() -> None:
    worker = _worker(nr=0, max_requests=10)
    for _ in range(10_000):
        _serve(worker, 429)
    assert worker.alive and worker.nr == 0


def test_real_answers_still_count_toward_recycling() -> None:
    worker = _worker(nr=0, max_requests=10)
    for _ in range(10):
        _serve(worker, 200)
    assert not worker.alive


def test_a_429_does_not_revive_a_worker_asked_to_stop() -> None:
    worker = _worker(nr=9, max_requests=10)
    worker.alive = False  # SIGTERM came before this request
    _serve(worker, 429)
    assert not worker.alive
