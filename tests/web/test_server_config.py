"""web/gunicorn_conf.py and the security headers: the production settings we promise."""

from __future__ import annotations

from flask.testing import FlaskClient

from web.serving import settings


def test_gunicorn_settings() -> None:
    conf = settings()
    assert 1 <= conf["workers"] <= 4
    assert conf["timeout"] == 60
    assert conf["graceful_timeout"] > 0
    assert conf["max_requests"] == 1000 and conf["max_requests_jitter"] > 0
    assert conf["preload_app"] is True
    assert conf["errorlog"] == "-"


def test_access_log_has_no_query_string_or_request_line() -> None:
    fmt = settings()["access_log_format"]
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
