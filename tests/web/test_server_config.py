"""gunicorn.conf.py and the security headers: the production settings we promise."""

from __future__ import annotations

import runpy
from pathlib import Path

from flask.testing import FlaskClient

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_gunicorn_settings() -> None:
    settings = runpy.run_path(str(CONF))
    assert 1 <= settings["workers"] <= 4
    assert settings["timeout"] == 60
    assert settings["graceful_timeout"] > 0
    assert settings["max_requests"] == 1000 and settings["max_requests_jitter"] > 0
    assert settings["preload_app"] is True
    assert settings["errorlog"] == "-"


def test_access_log_has_no_query_string_or_request_line() -> None:
    fmt = runpy.run_path(str(CONF))["access_log_format"]
    # %(r)s is the whole request line and %(q)s the query: both may carry what people typed.
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "%({", "%(a)s"):
        assert leaky not in fmt
    assert "%(U)s" in fmt


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
