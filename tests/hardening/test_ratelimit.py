"""The per-address limit on POSTs: a kind 429 with Retry-After, per address, per window.

The budget of bytes and CPU, and its sharing between workers, are in test_cost_limit.py."""

from __future__ import annotations

import io
import threading

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.web.conftest import STORY_NOTICE, post_multipart
from web.cost_limit import Budget, SharedBudget
from web.ratelimit import configured_limit


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _budget(requests: int = 3, **kwargs: object) -> tuple[SharedBudget, FakeClock]:
    clock = FakeClock()
    return SharedBudget(Budget(requests, 0, 0.0), clock, **kwargs), clock  # type: ignore[arg-type]


def test_fixed_window_counts_per_key_and_resets() -> None:
    budget, clock = _budget(3)
    assert [budget.admit("a") for _ in range(3)] == [None, None, None]
    wait = budget.admit("a")
    assert wait is not None and 0 < wait <= 60
    assert budget.admit("b") is None  # another address has its own count
    clock.now += wait
    assert budget.admit("a") is None  # a new window


def test_the_table_of_addresses_is_bounded() -> None:
    """A flood of addresses fills a fixed table; crowded addresses share slots (stricter)."""
    budget, _ = _budget(1, slots=100)
    size = len(budget._map)
    for number in range(10_000):
        budget.admit(f"10.0.{number // 256}.{number % 256}")
    assert len(budget._map) == size
    assert budget.admit("10.0.0.0") is not None


def test_the_limiter_is_thread_safe() -> None:
    budget, _ = _budget(1000)
    allowed = []

    def hammer() -> None:
        allowed.extend(budget.admit("same") is None for _ in range(200))

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 1000


def _client(limit: int) -> FlaskClient:
    return create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "RATE_LIMIT_PER_MINUTE": limit}
    ).test_client()


def test_past_the_limit_the_api_answers_429_json_with_retry_after() -> None:
    client = _client(2)
    for _ in range(2):
        assert (
            post_multipart(client, "/api/v1/explain", {"notice_text": STORY_NOTICE}).status_code
            == 200
        )
    response = post_multipart(client, "/api/v1/explain", {"notice_text": STORY_NOTICE})
    assert response.status_code == 429
    assert response.get_json()["error"] == "too-many-requests"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_past_the_limit_the_page_is_a_kind_429() -> None:
    client = _client(1)
    post_multipart(client, "/explain", {"notice_text": STORY_NOTICE})
    response = post_multipart(client, "/explain", {"notice_text": STORY_NOTICE})
    assert response.status_code == 429
    assert "Please wait a minute" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


def test_reading_pages_is_never_limited() -> None:
    client = _client(1)
    for _ in range(10):
        assert client.get("/codes/CO-253").status_code == 200


def test_each_address_has_its_own_count() -> None:
    client = _client(1)
    for address in ("192.0.2.1", "192.0.2.2"):
        response = client.post(
            "/api/v1/explain",
            data={"notice_text": STORY_NOTICE},
            environ_base={"REMOTE_ADDR": address},
        )
        assert response.status_code == 200


def test_a_refused_upload_is_not_read() -> None:
    """The 429 comes before the body is parsed: a 19 MB upload past the limit costs nothing."""
    client = _client(1)
    post_multipart(client, "/api/v1/explain", {"notice_text": STORY_NOTICE})
    body = io.BytesIO(b"x" * (19 << 20))
    response = client.post(
        "/api/v1/explain", input_stream=body, content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 429
    assert body.tell() == 0


@pytest.mark.parametrize(
    "config,env,expected",
    [
        ({}, "", 30),
        ({}, "5", 5),
        ({}, "0", 0),
        ({"RATE_LIMIT_PER_MINUTE": 7}, "5", 7),
        ({}, "many", 30),
    ],
)
def test_configured_limit(
    monkeypatch: pytest.MonkeyPatch, config: dict[str, int], env: str, expected: int
) -> None:
    monkeypatch.setenv("BILL_EXPLAINER_RATE_LIMIT", env)
    app = create_app({"TESTING": True, **config})
    assert configured_limit(app) == expected
