"""Letters in the browser: the results page's letter forms, POST /letter and POST /letter.pdf."""

from __future__ import annotations

import html as html_module
import io
import logging
import re
from typing import Any

import pdfplumber
import pytest
from flask import Flask
from flask.testing import FlaskClient

from web.letters import MAX_LETTER_CHARS, META_SALT, printable
from web.remittance import ROWS_SALT
from web.signed import sign, unsign

from .conftest import STORY_BILL, STORY_NOTICE, post_multipart

# A notice with a denied line: it calls for a Medicare appeal (redetermination) request.
APPEAL_NOTICE = (
    "Medicare Summary Notice\nNotice date: 04/10/2025\nProvider: Springfield Family Clinic\n"
    "Claim number: 12-345\n"
    "03/05/2025 93000 billed $45.00 approved $0 paid $0 you may owe $0\nCO-50 $45.00\n"
)
EDITED_LINE = "I paid $20.00 at the front desk on March 4, 2025."


def page_text(response: Any) -> str:
    """The page as text."""
    return response.get_data(as_text=True)


def explain(client: FlaskClient, lang: str = "en", **fields: Any) -> str:
    """Post papers to /explain as the form does, and return the results page."""
    data: dict[str, Any] = {"qmb": "unsure", "coverage": "", "lang": lang}
    data.update(fields)
    response = post_multipart(client, "/explain", data)
    assert response.status_code == 200, page_text(response)[:1000]
    return page_text(response)


def hidden_fields(form_html: str) -> dict[str, str]:
    """The hidden inputs of one form, unescaped as a browser would send them."""
    return {
        name: html_module.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form_html
        )
    }


def letter_forms(page: str) -> list[tuple[str, dict[str, str]]]:
    """Each letter form on a results page: its button words and its hidden fields."""
    forms = re.findall(r'<form method="post" action="/letter">(.*?)</form>', page, re.S)
    found = []
    for form in forms:
        button = re.search(r"<button[^>]*>([^<]+)</button>", form)
        assert button
        found.append((html_module.unescape(button.group(1)), hidden_fields(form)))
    return found


def story_letter(client: FlaskClient, lang: str = "en") -> dict[str, str]:
    """The CO 253 story's one letter form."""
    forms = letter_forms(explain(client, lang, notice_text=STORY_NOTICE, bill_text=STORY_BILL))
    assert len(forms) == 1, forms
    return forms[0][1]


def textarea(page: str) -> str:
    """The letter text in the letter page's textarea."""
    found = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)
    assert found
    return html_module.unescape(found.group(1))


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, lines joined by spaces."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join((page.extract_text() or "").replace("\n", " ") for page in pdf.pages)


def test_co253_results_offer_a_letter_to_the_clinic(client: FlaskClient) -> None:
    page = explain(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL)
    assert "Letters you can send" in page
    forms = letter_forms(page)
    assert [button for button, _ in forms] == ["Write a letter to Springfield Family Clinic"]
    fields = forms[0][1]
    assert set(fields) >= {"csrf_token", "meta", "letter"}
    assert "Please remove $1.60." in fields["letter"]
    # The letters section comes right after the red flags.
    assert page.index("What to look at first") < page.index("Letters you can send")
    assert page.index("Letters you can send") < page.index("The bottom line")


def test_clean_results_offer_no_letter(client: FlaskClient) -> None:
    bill = (
        "Springfield Family Clinic\nStatement\n03/04/2025 99214 office visit balance due $20.00\n"
    )
    page = explain(client, notice_text=STORY_NOTICE, bill_text=bill)
    assert "Letters you can send" not in page
    assert 'action="/letter"' not in page


def test_letter_page_shows_the_editable_letter_and_next_steps(client: FlaskClient) -> None:
    fields = story_letter(client)
    response = client.post("/letter", data=fields)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = page_text(response)
    assert '<label for="letter-text">Your letter (you can change it)</label>' in page
    assert f'maxlength="{MAX_LETTER_CHARS}"' in page
    assert textarea(page) == fields["letter"]
    assert 'action="/letter.pdf"' in page and ">Download PDF</button>" in page
    assert "data-print" in page and "Print the letter" in page
    assert "What to do next" in page
    # The letter asks for an answer in 30 days: the list says by which date.
    assert re.search(r"that is by [A-Z][a-z]+ \d{1,2}, \d{4}\.", page)
    assert "1-800-633-4227" in page
    assert '<div class="letter-print" lang="en" data-letter-copy>' in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert 'src="/static/' in tag
    assert " style=" not in page


def test_edited_letter_downloads_as_a_pdf_with_the_edit(client: FlaskClient) -> None:
    fields = story_letter(client)
    edited = fields["letter"].replace("Thank you,", f"{EDITED_LINE}\n\nThank you,")
    # Browsers send CR LF line breaks.
    response = client.post(
        "/letter.pdf", data={"meta": fields["meta"], "letter": edited.replace("\n", "\r\n")}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="letter-to-billing-office.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data)
    assert EDITED_LINE in text
    assert "Please remove $1.60." in text


def test_show_my_changes_puts_the_edit_in_the_print_copy(client: FlaskClient) -> None:
    fields = story_letter(client)
    edited = fields["letter"] + EDITED_LINE + "\n"
    page = page_text(client.post("/letter", data={"meta": fields["meta"], "letter": edited}))
    copy = re.search(
        r'<div class="letter-print" lang="en" data-letter-copy>(.*?)</div>', page, re.S
    )
    assert copy and EDITED_LINE in html_module.unescape(copy.group(1))
    assert "Show my changes in the print copy" in page


def test_appeal_letter_has_its_deadline(client: FlaskClient) -> None:
    forms = letter_forms(explain(client, notice_text=APPEAL_NOTICE))
    buttons = [button for button, _ in forms]
    assert buttons == ["Ask Medicare for a new decision (appeal)"]
    page = page_text(client.post("/letter", data=forms[0][1]))
    # Notice date April 10, 2025 + 5 days assumed for the mail + 120 days (FACTS.md §6).
    assert "Last day to send it: August 13, 2025" in page
    assert "Send it by August 13, 2025." in page
    assert "Medicare usually decides within 60 days." in page
    assert "CMS-20027" in textarea(page)
    pdf = client.post("/letter.pdf", data={"meta": forms[0][1]["meta"], "letter": textarea(page)})
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="medicare-appeal.pdf"'
    assert "August 13, 2025" in pdf_text(pdf.data)


def test_spanish_letter(client: FlaskClient) -> None:
    page = explain(client, "es", notice_text=STORY_NOTICE, bill_text=STORY_BILL)
    assert '<section class="letters no-print" aria-labelledby="letters-heading" lang="es">' in page
    assert "Cartas que puede mandar" in page
    ((button, fields),) = letter_forms(page)
    assert button == "Escribir una carta a Springfield Family Clinic"
    # Issue 15: the letter goes to a US billing office, so it is written in English (with
    # English findings quoted); the Spanish copy comes with it, to read.
    assert "PLEASE CORRECT MY BILL" in fields["letter"]
    assert "sequestration cut" in fields["letter"] and "secuestro" not in fields["letter"]
    letter_page = page_text(client.post("/letter", data=fields))
    assert '<div class="letter-page" lang="es">' in letter_page
    assert 'lang="en" data-letter-text>' in letter_page
    assert "La misma carta en español, para leer" in letter_page
    assert "POR FAVOR CORRIJAN MI FACTURA" in letter_page
    assert '<span lang="en">sequestration</span>' in letter_page  # the English term, marked
    assert "Qué hacer ahora" in letter_page and "Descargar PDF" in letter_page
    assert re.search(r"es antes del \d{1,2} de [a-z]+ de \d{4}\.", letter_page)
    edited = fields["letter"] + "I paid $20.00 at the front desk. Thank you, Mrs. Muñoz.\n"
    response = client.post("/letter.pdf", data={"meta": fields["meta"], "letter": edited})
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="carta-a-oficina-de-cobros.pdf"'
    )
    text = pdf_text(response.data)
    assert "I paid $20.00 at the front desk. Thank you, Mrs. Muñoz." in text
    assert "PLEASE CORRECT MY BILL" in text
    # The reading copy: the generated letter in Spanish, saying it does not follow edits.
    assert "POR FAVOR CORRIJAN MI FACTURA" in text and "asignación" in text
    assert "esta copia no cambia" in text


def test_spanish_appeal_deadline(client: FlaskClient) -> None:
    ((_button, fields),) = letter_forms(explain(client, "es", notice_text=APPEAL_NOTICE))
    page = page_text(client.post("/letter", data=fields))
    assert "Último día para mandarla: 13 de agosto de 2025" in page


def test_letter_with_its_csrf_tokens_works_end_to_end(csrf_client: FlaskClient) -> None:
    form_page = page_text(csrf_client.get("/"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form_page)
    assert token
    results = explain(
        csrf_client, csrf_token=token.group(1), notice_text=STORY_NOTICE, bill_text=STORY_BILL
    )
    ((_button, fields),) = letter_forms(results)
    letter_page = csrf_client.post("/letter", data=fields)
    assert letter_page.status_code == 200
    pdf_fields = hidden_fields(page_text(letter_page))
    pdf_fields["letter"] = textarea(page_text(letter_page))
    response = csrf_client.post("/letter.pdf", data=pdf_fields)
    assert response.status_code == 200 and response.mimetype == "application/pdf"


@pytest.mark.parametrize("path", ["/letter", "/letter.pdf"])
def test_letter_without_csrf_token_is_a_kind_400(csrf_client: FlaskClient, path: str) -> None:
    response = csrf_client.post(path, data={"meta": "x", "letter": "Hello"})
    assert response.status_code == 400
    assert "This form expired" in page_text(response)


def _tampered(meta: str) -> str:
    """The signed field with one character of its payload changed."""
    middle = len(meta) // 2
    return meta[:middle] + ("A" if meta[middle] != "A" else "B") + meta[middle + 1 :]


@pytest.mark.parametrize("path", ["/letter", "/letter.pdf"])
@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"meta": None}, 400, "broken or too old"),
        ({"meta": ""}, 400, "broken or too old"),
        ({"meta": "not-a-token"}, 400, "broken or too old"),
        ({"meta": "tampered"}, 400, "broken or too old"),
        ({"meta": "x" * 60_000}, 400, "broken or too old"),
        ({"letter": None}, 400, "The letter is empty"),
        ({"letter": "  \r\n\t "}, 400, "The letter is empty"),
        ({"letter": "a" * (MAX_LETTER_CHARS + 1)}, 413, "too long"),
    ],
    ids=[
        "no-meta",
        "empty-meta",
        "garbage-meta",
        "tampered-meta",
        "huge-meta",
        "no-letter",
        "blank-letter",
        "too-long",
    ],
)
def test_bad_letter_posts_are_kind_4xx(
    client: FlaskClient, path: str, change: dict[str, str | None], status: int, words: str
) -> None:
    fields = story_letter(client)
    for name, value in change.items():
        if value is None:
            fields.pop(name)
        else:
            fields[name] = _tampered(fields[name]) if value == "tampered" else value
    response = client.post(path, data=fields)
    assert response.status_code == status
    page = page_text(response)
    assert words in page
    assert "Traceback" not in page
    assert response.mimetype == "text/html"


def test_letter_at_the_limit_is_accepted(client: FlaskClient) -> None:
    fields = story_letter(client)
    # CR LF counts as one character, as in the browser's textarea.
    text = ("word\r\n" * (MAX_LETTER_CHARS // 5))[: MAX_LETTER_CHARS + MAX_LETTER_CHARS // 5]
    assert len(text.replace("\r\n", "\n")) == MAX_LETTER_CHARS
    response = client.post("/letter.pdf", data={"meta": fields["meta"], "letter": text})
    assert response.status_code == 200


def test_a_token_signed_for_another_form_is_refused(app: Flask, client: FlaskClient) -> None:
    fields = story_letter(client)
    with app.test_request_context():
        letter_meta = unsign(fields["meta"], META_SALT)
        # The same data, signed for the CSV form: the key is right, the purpose is not.
        fields["meta"] = sign(letter_meta, ROWS_SALT)
    response = client.post("/letter", data=fields)
    assert response.status_code == 400


def test_a_signed_but_wrong_shape_meta_is_refused(app: Flask, client: FlaskClient) -> None:
    fields = story_letter(client)
    with app.test_request_context():
        fields["meta"] = sign({"k": "ransom", "l": "en", "t": "x", "d": None, "s": []}, META_SALT)
    assert client.post("/letter", data=fields).status_code == 400
    with app.test_request_context():
        fields["meta"] = sign(
            {"k": "provider", "l": "en", "t": "x", "d": "May 5", "s": []}, META_SALT
        )
    assert client.post("/letter", data=fields).status_code == 400
    with app.test_request_context():
        fields["meta"] = sign([1, 2, 3], META_SALT)
    assert client.post("/letter", data=fields).status_code == 400


def test_body_over_the_form_limit_is_413(client: FlaskClient) -> None:
    fields = story_letter(client)
    fields["letter"] = "a" * (3 * 1024 * 1024)
    response = client.post("/letter.pdf", data=fields)
    assert response.status_code == 413
    assert "Traceback" not in page_text(response)


@pytest.mark.parametrize("path", ["/letter", "/letter.pdf", "/sequestration.csv"])
def test_get_is_405(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 405
    assert "cannot be used that way" in page_text(response)


def test_letter_text_is_escaped(client: FlaskClient) -> None:
    fields = story_letter(client)
    fields["letter"] = "<script>alert(1)</script>\n</textarea><b>x</b>"
    page = page_text(client.post("/letter", data=fields))
    assert "<script>alert(1)</script>" not in page
    assert "</textarea><b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_odd_characters_print_and_log_nothing(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    fields = story_letter(client)
    fields["letter"] = "Dear Dr. Ng,\tthanks 😀 漢字\x07\x00 end — ñ\n"
    with caplog.at_level(logging.DEBUG):
        response = client.post("/letter.pdf", data=fields)
    assert response.status_code == 200
    # DejaVu draws 😀 but no Chinese: those print as "?" (and fpdf2 has nothing to log).
    assert "Dear Dr. Ng, thanks 😀 ?? end — ñ" in pdf_text(response.data)
    for secret in ("Ng", "漢", "😀", "thanks"):
        assert secret not in caplog.text


def test_printable_keeps_what_the_font_draws() -> None:
    assert printable("Señora Muñoz — “quoted” €5\n") == "Señora Muñoz — “quoted” €5\n"
    assert printable("a\tb\x1b") == "a    b"


def test_letter_posts_log_no_names(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        fields = story_letter(client)
        fields["letter"] += "Jane Q. Patient, 12 Elm Street\n"
        client.post("/letter", data=fields)
        client.post("/letter.pdf", data=fields)
    for secret in ("Springfield", "Jane", "Elm Street", "21.60"):
        assert secret not in caplog.text
