"""Issue 17: every route under the request deadline, invisible runs collapsed before layout,
and form text that is not UTF-8 answered for what it is."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from explainer.present.letter_pdf import text_pdf
from explainer.present.visible_text import collapse_invisible
from web import letters as web_letters
from web.letters import META_SALT, LetterMeta
from web.signed import sign

ZWJ = "\u200d"
ACUTE = "\u0301"


def _meta(app: Flask) -> str:
    with app.test_request_context():
        return sign(LetterMeta("provider", "en", "Letter", None, ()).as_data(), META_SALT)


# --- zero-width and combining runs ---------------------------------------------------------


def test_runs_of_zero_width_characters_keep_their_first() -> None:
    assert collapse_invisible("a" + ZWJ * 19999) == "a" + ZWJ
    assert collapse_invisible("\u200b" * 5 + "b" + "\ufeff\u2060" + "c") == "\u200bb\ufeffc"


def test_stacked_accents_keep_two_and_single_ones_stay() -> None:
    assert collapse_invisible("a" + ACUTE * 50) == "á" + ACUTE * 2  # NFC joins the first
    assert collapse_invisible("x" + ACUTE * 50) == "x" + ACUTE * 2
    assert collapse_invisible("Peña, José, Nguyễn") == "Peña, José, Nguyễn"


def test_alternating_invisible_characters_are_one_run() -> None:
    assert collapse_invisible(("\u200b" + ACUTE) * 10_000) == "\u200b" + ACUTE * 2


def test_the_hostile_letter_lays_out_in_a_fraction_of_a_second() -> None:
    """It took 15 s of CPU in fpdf2's multi_cell before the collapse."""
    for text in ("a" + ZWJ * 19999, ("a" + ACUTE * 50) * 400, ("\u200b" + ACUTE) * 10_000):
        start = time.process_time()
        assert text_pdf("Letter", text).startswith(b"%PDF")
        assert time.process_time() - start < 2


def test_letter_pdf_route_answers_the_hostile_text_fast(app: Flask, client: FlaskClient) -> None:
    start = time.process_time()
    response = client.post("/letter.pdf", data={"meta": _meta(app), "letter": "a" + ZWJ * 19999})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert time.process_time() - start < 2


# --- the deadline on every route -----------------------------------------------------------


def test_a_slow_letter_pdf_is_stopped_by_the_request_deadline(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def endless_layout(*_args: object, **_kwargs: object) -> bytes:
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(web_letters, "text_pdf", endless_layout)
    monkeypatch.setenv("BILL_EXPLAINER_READ_SECONDS", "0.5")
    start = time.monotonic()
    response = client.post("/letter.pdf", data={"meta": _meta(app), "letter": "Hello"})
    assert time.monotonic() - start < 3
    assert response.status_code == 413
    assert "took too long" in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"]


def test_every_view_runs_under_the_deadline(app: Flask) -> None:
    unguarded = [
        name for name, view in app.view_functions.items() if not hasattr(view, "__wrapped__")
    ]
    assert unguarded == []


def test_reading_keeps_its_own_message_under_the_request_deadline(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import explainer.limits as limits

    def endless_read(*_args: object, **_kwargs: object) -> list[object]:
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(limits, "read_upload_isolated", endless_read)
    monkeypatch.setenv("BILL_EXPLAINER_READ_SECONDS", "0.5")
    response = client.post("/api/v1/explain", data={"notice_text": "CO-45 $1.00"})
    assert response.status_code == 413
    assert "Reading your papers took too long" in response.get_json()["message"]


# --- form text that is not UTF-8 -----------------------------------------------------------

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=XX"


def _multipart(value: bytes) -> bytes:
    return (
        b'--XX\r\nContent-Disposition: form-data; name="notice_text"\r\n\r\n'
        + value
        + b"\r\n--XX--\r\n"
    )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"notice_text=CO-45+\xff\xfe+%241.00", URLENCODED),  # raw bytes: the form was dropped
        (b"notice_text=CO-45+%FF%FE+%241.00", URLENCODED),  # escaped: kept as the text "%FF"
        (_multipart(b"CO-45 \xc3\x28 $1.00"), MULTIPART),  # became U+FFFD in silence
    ],
    ids=["raw-urlencoded", "escaped-urlencoded", "multipart"],
)
def test_text_that_is_not_utf8_gets_its_own_message(
    client: FlaskClient, body: bytes, content_type: str
) -> None:
    response = client.post("/api/v1/explain", data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad-encoding"
    assert "UTF-8" in response.get_json()["message"]


def test_the_page_says_it_in_the_page_language(client: FlaskClient) -> None:
    response = client.post(
        "/explain",
        data=b"notice_text=\xff",
        content_type=URLENCODED,
        headers={"Accept-Language": "es"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "UTF-8" in page and "no se envió" in page
    assert "We did not get any papers" not in page and "No recibimos" not in page


def test_good_utf8_and_files_are_untouched(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/explain",
        data=_multipart("CO-45 $1.00 Peña ".encode()),
        content_type=MULTIPART,
    )
    assert response.status_code == 200
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="notice"; filename="x.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nCO-45 $1.00 \xe9\r\n--XX--\r\n"
    )  # a cp1252 file: bytes, read by the engine's own decoder
    response = client.post("/api/v1/explain", data=body, content_type=MULTIPART)
    assert response.status_code == 200
    response = client.post(
        "/api/v1/explain", data=b"notice_text=CO-45+%241.00+Pe%C3%B1a&x", content_type=URLENCODED
    )
    assert response.status_code == 200
