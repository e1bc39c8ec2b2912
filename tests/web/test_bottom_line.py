"""The results page and the API show the engine's one bottom line, and say what was not
checked (issue 15): QMB, full Medicaid, a bill alone, unchecked rows."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from explainer import Answers, explain
from explainer.model import (
    Claim,
    Document,
    DocumentKind,
    Format,
    ServiceLine,
    UncheckedRow,
)
from web.pages import results_page

from .conftest import STORY_BILL, STORY_NOTICE, post_multipart, validate_contract
from .test_letters_web import letter_forms


def post_form(client: FlaskClient, **fields: Any) -> str:
    data: dict[str, Any] = {"qmb": "unsure", "medicaid": "unsure", "coverage": "", "lang": "en"}
    data.update(fields)
    response = post_multipart(client, "/explain", data)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def bottom(page: str) -> str:
    start = page.index('<section class="bottom-line"')
    return page[start : page.index("</section>", start)]


def test_qmb_page_states_one_amount_owed(client: FlaskClient) -> None:
    page = post_form(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL, qmb="yes")
    assert "You may owe at most <strong>$0.00</strong>" in bottom(page)
    assert "(qmb-billed)" in bottom(page) and "ABN" in bottom(page)
    # The old contradiction: "You can pay the $20.00 you may owe" next to "Do not pay".
    assert "You can pay" not in page
    assert "may owe at most <strong>$20.00" not in page


def test_story_page_without_qmb_shows_the_notice_figure_and_why(client: FlaskClient) -> None:
    line = bottom(post_form(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL))
    assert "You may owe at most <strong>$20.00</strong>" in line
    assert "This bill asks you for <strong>$21.60</strong>" in line
    assert "(contractual-billed-to-patient)" in line


def test_full_medicaid_is_asked_apart_from_qmb(client: FlaskClient) -> None:
    form = str(client.get("/").get_data(as_text=True))
    assert 'name="medicaid"' in form and 'name="qmb"' in form
    page = post_form(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL, medicaid="yes")
    assert "depends on your state" in page
    assert "You may owe at most <strong>$20.00</strong>" in bottom(page)


def test_a_bill_alone_says_what_a_notice_would_add(client: FlaskClient) -> None:
    page = post_form(client, bill_text=STORY_BILL)
    assert "You gave us a bill without a notice." in page
    assert "agrees with your notice" not in page
    assert "We have no notice that says what you may owe." in bottom(page)


def test_api_takes_the_medicaid_answer_and_returns_the_bottom_line(client: FlaskClient) -> None:
    response = post_multipart(
        client,
        "/api/v1/explain",
        {"notice_text": STORY_NOTICE, "bill_text": STORY_BILL, "qmb": "true"},
    )
    data = response.get_json()
    validate_contract(data)
    assert data["totals"]["may_owe_at_most"] == "0.00"
    assert any("(qmb-billed)" in sentence for sentence in data["totals"]["why"])
    response = post_multipart(
        client, "/api/v1/explain", {"notice_text": STORY_NOTICE, "medicaid": "yes"}
    )
    rules = [finding["rule"] for finding in response.get_json()["findings"]]
    assert "medicaid-depends-on-state" in rules


def _bill_with_unchecked(rows: tuple[UncheckedRow, ...]) -> Document:
    line = ServiceLine(
        date_of_service=date(2025, 3, 4), procedure_code="99214", patient_owes=Decimal("20.00")
    )
    return Document(
        source="bill.pdf",
        kind=DocumentKind.PROVIDER_BILL,
        format=Format.PDF,
        claims=(Claim(provider="Springfield Family Clinic", lines=(line,)),),
        unchecked=rows,
    )


def test_unchecked_rows_replace_no_problems_found(app: Flask) -> None:
    row = UncheckedRow(where="page 2", text="Previous balance $48.00")
    with app.test_request_context("/"):
        page = results_page(explain([_bill_with_unchecked((row,))], Answers()))
    text = page if isinstance(page, str) else str(page)
    assert "We could not check everything." in text
    assert "Previous balance $48.00" in text
    assert "We did not find any problems" not in text


def test_no_unchecked_rows_may_say_no_problems(app: Flask) -> None:
    with app.test_request_context("/"):
        page = str(results_page(explain([_bill_with_unchecked(())], Answers())))
    assert "We could not check everything." not in page
    assert re.search(r"We did not find any problems", page)


def test_one_app_wide_no_store(client: FlaskClient) -> None:
    for path in ("/", "/codes", "/codes/CO-253", "/about-privacy", "/no-such-page"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    response = post_multipart(client, "/api/v1/explain", {"notice_text": STORY_NOTICE})
    assert response.headers["Cache-Control"] == "no-store"
    static = client.get("/static/style.css")
    assert static.headers.get("Cache-Control") != "no-store"  # static files keep their own
    static.close()


def test_a_qmb_letter_page_never_invites_paying_the_notice_figure(client: FlaskClient) -> None:
    page = post_form(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL, qmb="yes")
    ((_button, fields),) = letter_forms(page)
    letter_page = client.post("/letter", data=fields).get_data(as_text=True)
    assert "Do not pay the amounts the letter questions" in letter_page
    assert "You can pay the part your notice says you may owe" not in letter_page
    plain = post_form(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL)
    ((_button, fields),) = letter_forms(plain)
    assert "You can pay the part" in client.post("/letter", data=fields).get_data(as_text=True)
