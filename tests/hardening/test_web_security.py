"""Security headers on every answer, cookies, CSRF on every form, and escaping of what people send."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.web.conftest import BROKEN_PDF, STORY_BILL, STORY_NOTICE, post_multipart

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").glob("*.html"))
SCRIPT = "<script>alert(1)</script>"


def _assert_security_headers(response: Any) -> None:
    csp = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (d.strip() for d in csp.split(";")) if part
    )
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "method,path,fields",
    [
        ("GET", "/", None),
        ("GET", "/codes", None),
        ("GET", "/codes/CO-253", None),
        ("GET", "/about-privacy", None),
        ("GET", "/no-such-page", None),
        ("GET", "/api/v1/openapi.json", None),
        ("GET", "/api/v1/codes/ZZZ", None),
        ("POST", "/explain", {"notice_text": STORY_NOTICE, "bill_text": STORY_BILL}),
        ("POST", "/explain", {}),
        ("POST", "/explain", {"notice_files": [(io.BytesIO(BROKEN_PDF), "m.pdf")]}),
        ("POST", "/api/v1/explain", {"notice_text": STORY_NOTICE}),
        ("POST", "/api/v1/explain", {"notice": [(io.BytesIO(b""), "empty.pdf")]}),
        ("DELETE", "/explain", None),
    ],
)
def test_every_kind_of_answer_carries_the_security_headers(
    client: FlaskClient, method: str, path: str, fields: dict[str, Any] | None
) -> None:
    post = method == "POST"
    response = (
        post_multipart(client, path, fields or {}) if post else client.open(path, method=method)
    )
    _assert_security_headers(response)


def test_security_headers_on_413_and_429() -> None:
    client = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "RATE_LIMIT_PER_MINUTE": 1}
    ).test_client()
    big = post_multipart(
        client, "/api/v1/explain", {"notice": [(io.BytesIO(b"0" * (21 << 20)), "a")]}
    )
    assert big.status_code == 413
    _assert_security_headers(big)
    limited = post_multipart(client, "/api/v1/explain", {"notice_text": STORY_NOTICE})
    assert limited.status_code == 429
    _assert_security_headers(limited)


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_templates_hold_no_inline_script(template: Path) -> None:
    """The CSP forbids inline code; a template that had some would break, or need 'unsafe-inline'."""
    text = template.read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
        assert "src=" in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", text, flags=re.IGNORECASE), "inline event handler"
    assert not re.search(
        r"""(href|src|action)\s*=\s*["']?\s*javascript:""", text, flags=re.IGNORECASE
    )
    assert "|safe" not in text.replace(" ", ""), "a |safe filter bypasses autoescaping"


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_every_post_form_carries_a_csrf_token(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    for form in re.findall(r"<form\b[^>]*>.*?</form>", text, flags=re.IGNORECASE | re.DOTALL):
        if re.search(r'method\s*=\s*"post"', form, flags=re.IGNORECASE):
            assert "csrf_token" in form, form[:200]


def _post_routes(app: Flask) -> list[str]:
    """Every POST route of the pages (the API is token-free by design: no cookies, no forms)."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and not rule.rule.startswith("/api/")
    )


def test_every_post_route_refuses_a_missing_csrf_token() -> None:
    app = create_app({"TESTING": True, "RATE_LIMIT_PER_MINUTE": 0})
    client = app.test_client()
    routes = _post_routes(app)
    assert "/explain" in routes
    for route in routes:
        response = client.post(route, data={"notice_text": STORY_NOTICE})
        assert response.status_code == 400, route
        assert "This form expired" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_lax() -> None:
    client = create_app({"TESTING": True, "RATE_LIMIT_PER_MINUTE": 0}).test_client()
    cookies = client.get("/").headers.getlist("Set-Cookie")
    assert cookies, "the CSRF token lives in the session cookie"
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_when_served_over_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILL_EXPLAINER_SECURE_COOKIES", "1")
    client = create_app({"TESTING": True, "RATE_LIMIT_PER_MINUTE": 0}).test_client()
    for cookie in client.get("/").headers.getlist("Set-Cookie"):
        assert "; Secure" in cookie


def _no_raw_script(body: str) -> None:
    assert SCRIPT not in body
    assert "<script>alert" not in body


def test_script_in_typed_text_and_file_names_is_escaped(client: FlaskClient) -> None:
    notice = STORY_NOTICE.replace("Springfield Family Clinic", SCRIPT) + f"{SCRIPT} CO-253 $1.60\n"
    bill = STORY_BILL.replace("Springfield Family Clinic", SCRIPT)
    response = post_multipart(
        client,
        "/explain",
        {
            "notice_text": notice,
            "bill_files": [(io.BytesIO(bill.encode()), f"{SCRIPT}.txt")],
            "notice_files": [
                (io.BytesIO(STORY_NOTICE.encode()), f'"><img src=x onerror=alert(1)>{SCRIPT}.txt')
            ],
        },
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    _no_raw_script(body)
    assert "<img src=x" not in body
    assert html.escape(SCRIPT, quote=False) in body or html.escape(SCRIPT) in body
    # Every follow-up form on the results page (letters, CSV) carries the same words: post
    # each one and check its page too.
    forms = _forms(body)
    assert forms, "the CO 253 story offers a letter"
    for action, fields in forms:
        follow = client.post(action, data=fields)
        assert follow.status_code < 500, action
        if follow.mimetype == "text/html":
            _no_raw_script(follow.get_data(as_text=True))


def _forms(page: str) -> list[tuple[str, dict[str, str]]]:
    """(action, hidden fields) of each POST form on a page."""
    found = []
    for form in re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", page, flags=re.DOTALL):
        action = html.unescape(re.search(r'action="([^"]*)"', form).group(1))  # type: ignore[union-attr]
        fields = {
            html.unescape(name): html.unescape(value)
            for name, value in re.findall(
                r'<input type="hidden" name="([^"]*)" value="([^"]*)"', form
            )
        }
        found.append((action, fields))
    return found


def test_file_name_with_script_is_escaped_on_error_pages(client: FlaskClient) -> None:
    for data in (BROKEN_PDF, b"", b"\x00\x01binary"):
        response = post_multipart(
            client, "/explain", {"notice_files": [(io.BytesIO(data), f"{SCRIPT}.pdf")]}
        )
        assert 400 <= response.status_code < 500
        _no_raw_script(response.get_data(as_text=True))


def test_error_pages_echo_nothing_of_the_file(client: FlaskClient) -> None:
    secret = b"CANARY-error-page-Jane-Q-Public-123-45-6789"
    for data in (BROKEN_PDF + secret, b"%PDF-1.7\n" + secret + b"\x00" * 100, secret + b"\x00\x01"):
        for path, field in (("/explain", "notice_files"), ("/api/v1/explain", "notice")):
            response = post_multipart(client, path, {field: [(io.BytesIO(data), "paper.pdf")]})
            assert 400 <= response.status_code < 500
            assert secret not in response.get_data()
