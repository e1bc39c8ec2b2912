"""The HTML pages: the form, results, code pages, errors, CSRF, privacy and in-memory uploads."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import TooManyRequests

import app as app_module
from app import InMemoryRequest, create_app
from explainer import ContentError

from .conftest import (
    BROKEN_PDF,
    RANDOM_BINARY,
    STORY_BILL,
    STORY_NOTICE,
    ZIP_BYTES,
    post_multipart,
)

PRIVACY_NOTE = (
    "We do not keep your papers. They are read in memory and forgotten when this page is made."
)


def html(response: Any) -> str:
    """The page text."""
    return response.get_data(as_text=True)


def post_form(client: FlaskClient, **fields: Any) -> Any:
    """Post the explain form as a browser does (multipart), with the default answers."""
    data: dict[str, Any] = {"qmb": "unsure", "coverage": "", "lang": "en"}
    data.update(fields)
    return post_multipart(client, "/explain", data)


def assert_layout(page: str) -> None:
    """Every page: lang, skip link, main, the privacy note, no inline script."""
    assert re.search(r'<html lang="en">', page)
    assert 'href="#main"' in page
    assert '<main id="main"' in page
    assert PRIVACY_NOTE in page
    # Only /static/*.js: a CSP without 'unsafe-inline' must not break anything.
    for tag in re.findall(r"<script[^>]*>", page):
        assert 'src="/static/' in tag
    assert " onclick=" not in page and " style=" not in page
    assert "Traceback" not in page


@pytest.mark.parametrize("path", ["/", "/codes", "/codes/CO-253", "/about-privacy"])
def test_every_page_has_the_layout(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert_layout(html(response))


def test_index_offers_upload_and_typing(client: FlaskClient) -> None:
    page = html(client.get("/"))
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and "multiple" in page
    assert 'name="notice_text"' in page and 'name="bill_text"' in page
    assert "03/04/2025 99214 billed $150 approved $100 paid $78.40 you may owe $20" in page
    assert "CO-253 $1.60" in page
    for value in ("yes", "no", "unsure"):
        assert f'name="qmb" type="radio" value="{value}"' in page or f'value="{value}"' in page
    for value in ("original_medicare", "medicare_advantage", "commercial", "medicaid"):
        assert f'value="{value}"' in page
    assert 'type="date"' in page


def test_typed_story_shows_the_co253_red_flag_first(client: FlaskClient) -> None:
    response = post_form(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL)
    assert response.status_code == 200, html(response)[:2000]
    page = html(response)
    assert_layout(page)
    assert response.headers["Cache-Control"] == "no-store"
    first_flag = page.index("Red flag")
    assert page.index("What to look at first") < first_flag < page.index("The bottom line")
    assert "$1.60" in page
    assert "You may owe at most" in page or "may owe at most" in page
    assert "$21.60" in page
    # Lines as an accessible table, with the codes explained beside the line.
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    assert "CO 253" in page
    assert "Codes on your papers" in page
    assert "The notice lines you typed" in page and "The bill lines you typed" in page


def test_uploaded_files_work_like_typed_lines(client: FlaskClient) -> None:
    response = post_form(
        client,
        notice_files=[(io.BytesIO(STORY_NOTICE.encode()), "msn-april.txt")],
        bill_files=[(io.BytesIO(STORY_BILL.encode()), "clinic-bill.txt")],
    )
    assert response.status_code == 200, html(response)[:2000]
    page = html(response)
    assert "Red flag" in page and "$1.60" in page
    assert "msn-april.txt" in page and "clinic-bill.txt" in page


def test_several_files_per_box_are_read(client: FlaskClient) -> None:
    response = post_form(
        client,
        notice_files=[
            (io.BytesIO(STORY_NOTICE.encode()), "one.txt"),
            (
                io.BytesIO(b"03/05/2025 99213 billed $90 approved $70 paid $56 you may owe $14\n"),
                "two.txt",
            ),
        ],
        bill_text=STORY_BILL,
    )
    assert response.status_code == 200
    page = html(response)
    assert "one.txt" in page and "two.txt" in page


def test_user_text_is_escaped(client: FlaskClient) -> None:
    response = post_form(
        client,
        notice_files=[(io.BytesIO(STORY_NOTICE.encode()), "<script>alert(1)</script>.txt")],
        bill_text=STORY_BILL,
    )
    assert response.status_code == 200
    page = html(response)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.txt" in page


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"notice_text": "", "bill_text": ""},
        {"notice_text": "   \n\t ", "bill_text": "\n"},
        {"notice_files": [(io.BytesIO(b""), "")]},
    ],
    ids=["nothing", "empty-text", "blank-text", "no-file-chosen"],
)
def test_nothing_sent_asks_again_kindly(client: FlaskClient, fields: dict[str, Any]) -> None:
    response = post_form(client, **fields)
    assert response.status_code == 400
    page = html(response)
    assert "We did not get any papers" in page
    assert 'name="notice_text"' in page  # the form again, not a dead end


@pytest.mark.parametrize(
    ("name", "data"),
    [("papers.zip", ZIP_BYTES), ("scan.pdf", RANDOM_BINARY), ("notice.pdf", BROKEN_PDF)],
    ids=["zip", "random-binary", "broken-pdf"],
)
def test_unreadable_files_get_a_plain_422(client: FlaskClient, name: str, data: bytes) -> None:
    response = post_form(client, notice_files=[(io.BytesIO(data), name)])
    assert response.status_code == 422
    page = html(response)
    assert "There is a problem" in page
    assert "Traceback" not in page and "Error:" not in page.split("There is a problem")[1][:200]


def test_empty_file_is_unreadable(client: FlaskClient) -> None:
    response = post_form(client, notice_files=[(io.BytesIO(b""), "empty.pdf")])
    assert response.status_code == 422
    assert "empty" in html(response)


def test_too_large_upload_gets_413_page(client: FlaskClient) -> None:
    big = io.BytesIO(b"0" * (20 * 1024 * 1024 + 1))
    response = post_form(client, notice_files=[(big, "huge.pdf")])
    assert response.status_code == 413
    page = html(response)
    assert "too big" in page and "20 MB" in page
    assert_layout(page)


def test_bad_date_is_a_form_error(client: FlaskClient) -> None:
    response = post_form(client, notice_text=STORY_NOTICE, notice_received="not a date")
    assert response.status_code == 400
    page = html(response)
    assert "Please fix the answers marked below" in page
    assert 'id="notice_received-error"' in page


def test_missing_csrf_token_is_a_kind_400(csrf_client: FlaskClient) -> None:
    response = post_multipart(csrf_client, "/explain", {"notice_text": STORY_NOTICE})
    assert response.status_code == 400
    page = html(response)
    assert "This form expired" in page and "try" in page
    assert "Traceback" not in page


def test_form_with_its_csrf_token_is_accepted(csrf_client: FlaskClient) -> None:
    form_page = html(csrf_client.get("/"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form_page)
    assert token, "the form carries a CSRF token"
    response = post_multipart(
        csrf_client,
        "/explain",
        {
            "csrf_token": token.group(1),
            "notice_text": STORY_NOTICE,
            "bill_text": STORY_BILL,
            "qmb": "unsure",
            "coverage": "",
            "lang": "en",
        },
    )
    assert response.status_code == 200, html(response)[:1000]


def test_codes_page_lists_common_codes_and_searches(client: FlaskClient) -> None:
    page = html(client.get("/codes"))
    assert 'name="q"' in page and "Common codes" in page
    assert 'href="/codes/CO"' in page
    found = html(client.get("/codes?q=CO-253"))
    assert 'href="/codes/CO-253"' in found
    missing = client.get("/codes?q=ZZZ-999")
    assert missing.status_code == 200
    assert "We do not have that code" in html(missing)


@pytest.mark.parametrize("code", ["CO-253", "N130", "PR-2", "co253", "PR%202", "253"])
def test_code_handouts(client: FlaskClient, code: str) -> None:
    response = client.get(f"/codes/{code}")
    assert response.status_code == 200
    page = html(response)
    for heading in ("What it means", "Do you owe it?", "Where this comes from"):
        assert heading in page
    assert "Print this page" in page


def test_co253_handout_says_you_do_not_owe_it(client: FlaskClient) -> None:
    page = html(client.get("/codes/CO-253"))
    assert "CO 253" in page
    assert "You do not owe this." in page


def test_code_handout_in_spanish(client: FlaskClient) -> None:
    page = html(client.get("/codes/CO-253?lang=es"))
    assert '<article class="handout" lang="es">' in page
    assert "¿Lo debe usted?" in page


@pytest.mark.parametrize("code", ["XYZ999", "CO-999", "N9999"])
def test_unknown_code_is_a_404_page(client: FlaskClient, code: str) -> None:
    response = client.get(f"/codes/{code}")
    assert response.status_code == 404
    page = html(response)
    assert "We do not have a page for that code" in page
    assert_layout(page)


def test_unknown_page_is_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page" in html(response)


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/explain"), ("post", "/"), ("put", "/codes")]
)
def test_wrong_method_is_405(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert "Allow" in response.headers
    assert "cannot be used that way" in html(response)


def _app_with_failing_route(error: Exception) -> Flask:
    """A fresh app with one extra route that raises `error` (errors must still be kind)."""
    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "WTF_CSRF_ENABLED": False})

    def boom() -> str:
        """Fail on purpose."""
        raise error

    app.add_url_rule("/boom", "boom", boom)
    return app


def test_unexpected_error_is_a_kind_500_that_logs_no_content(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = _app_with_failing_route(ValueError("Springfield Family Clinic $21.60")).test_client()
    with caplog.at_level(logging.DEBUG):
        response = client.get("/boom?name=Jane")
    assert response.status_code == 500
    page = html(response)
    assert "Something went wrong on our side" in page
    assert "Springfield" not in page and "Traceback" not in page
    assert "ValueError" in caplog.text
    assert (
        "Springfield" not in caplog.text
        and "21.60" not in caplog.text
        and "Jane" not in caplog.text
    )


def test_too_many_requests_is_a_429_page() -> None:
    response = _app_with_failing_route(TooManyRequests()).test_client().get("/boom")
    assert response.status_code == 429
    assert "Please wait a minute" in html(response)


def test_explaining_logs_nothing_from_the_papers(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        post_form(
            client,
            notice_files=[(io.BytesIO(STORY_NOTICE.encode()), "jane-doe-msn.txt")],
            bill_text=STORY_BILL,
        )
    for secret in ("Springfield", "21.60", "78.40", "jane-doe"):
        assert secret not in caplog.text


def test_content_error_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        """Pretend content/ is invalid."""
        raise ContentError(["codes/carc.toml: code[0]: missing key 'plain'"])

    monkeypatch.setattr(app_module, "library", broken)
    with pytest.raises(ContentError):
        create_app({"TESTING": True})


def test_uploads_never_spool_to_disk(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    import werkzeug.formparser

    def no_temp_files(*args: Any, **kwargs: Any) -> None:
        """Any temporary file during a request breaks our promise."""
        raise AssertionError("an upload was written to a temporary file")

    monkeypatch.setattr(werkzeug.formparser, "SpooledTemporaryFile", no_temp_files)
    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", no_temp_files)
    monkeypatch.setattr(tempfile, "TemporaryFile", no_temp_files)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_temp_files)
    # 1 MB, well past werkzeug's 500 KB spool limit; binary, so the engine refuses it fast.
    big = b"\x00" * (1024 * 1024)
    response = post_form(client, notice_files=[(io.BytesIO(big), "big-scan.bin")])
    assert response.status_code == 422, html(response)[:500]


def test_request_class_keeps_files_in_memory(app: Flask) -> None:
    with app.test_request_context("/"):
        from flask import request

        assert isinstance(request, InMemoryRequest)
        stream = request._get_file_stream(10 * 1024 * 1024, "application/pdf", "a.pdf")
        assert isinstance(stream, io.BytesIO)


def test_results_are_not_cached_and_forms_set_no_document_cookie(client: FlaskClient) -> None:
    response = post_form(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL)
    assert response.headers["Cache-Control"] == "no-store"
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Springfield" not in cookie


CORPUS_835 = sorted((Path(__file__).resolve().parents[3] / "shared" / "corpus" / "x12").glob("*.835"))


@pytest.mark.parametrize("path", CORPUS_835, ids=[p.name for p in CORPUS_835])
def test_corpus_835_files_open_a_workspace(client: FlaskClient, path: Path) -> None:
    response = post_form(client, notice_files=[(io.BytesIO(path.read_bytes()), path.name)])
    assert response.status_code in (303, 422), html(response)[:500]
    if response.status_code == 422:
        assert_layout(html(response))
        return
    assert response.headers["Location"] == "/workspace"
    page = html(client.get("/workspace"))
    # The workspace holds the file for 30 minutes, and says so instead of "we do not keep".
    assert PRIVACY_NOTE not in page and "at most 30 minutes" in page
    assert_layout(page.replace("at most 30 minutes", PRIVACY_NOTE))
    assert "Payments in the 835 file" in page and 'id="claims-heading"' in page
    first = re.search(r'href="(/workspace/claims/1)"', page)
    if first:
        assert client.get(first.group(1)).status_code == 200
        assert client.get("/workspace/sheets?pick=1").status_code == 200
