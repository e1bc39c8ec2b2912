"""835 payments for the front desk: summaries, patient sheets, the CO 253 chart and CSV."""

from __future__ import annotations

import html as html_module
import io
import logging
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.x12_factory import (
    ClaimSpec,
    Payment,
    build_835,
    denied_claim,
    medicare_line,
    qmb_claim,
    reversal_of,
)
from web.letters import META_SALT
from web.remittance import MAX_ROWS, ROWS_SALT
from web.signed import sign

from .conftest import ROOT, STORY_BILL, STORY_NOTICE, post_multipart

MARCH = Payment(
    claims=(
        ClaimSpec("C1", lines=(medicare_line(Decimal("150.00"), Decimal("100.00")),)),
        qmb_claim("Q1"),
        denied_claim("D1"),
    ),
    paid_on=date(2024, 3, 15),
)
APRIL = Payment(
    claims=(
        ClaimSpec(
            "C2",
            lines=(
                medicare_line(Decimal("200.00"), Decimal("120.00"), deductible=Decimal("20.00")),
            ),
            patient=("ROE", "RICHARD"),
        ),
        reversal_of(ClaimSpec("C1", lines=(medicare_line(Decimal("150.00"), Decimal("100.00")),))),
    ),
    paid_on=date(2024, 4, 12),
    control="0002",
    trace="EFT0002",
)
REMIT = build_835([MARCH, APRIL])
CSV_FORM = re.compile(r'<form method="post" action="/sequestration.csv"[^>]*>(.*?)</form>', re.S)


def page_text(response: Any) -> str:
    """The page as text."""
    return response.get_data(as_text=True)


def results(client: FlaskClient, data: bytes = REMIT, lang: str = "en") -> str:
    """The results page for an 835 file sent with a bill.

    An 835 alone opens the workspace (tests/web/test_workspace_web.py); with other papers
    it stays on the results page, whose 835 part these tests cover.
    """
    response = post_multipart(
        client,
        "/explain",
        {
            "bill_text": STORY_BILL,
            "notice_files": [(io.BytesIO(data), "remit.835")],
            "qmb": "unsure",
            "coverage": "",
            "lang": lang,
        },
    )
    assert response.status_code == 200, page_text(response)[:1000]
    return page_text(response)


def csv_token(client: FlaskClient) -> str:
    """The signed CO 253 rows the results page carries for the CSV button."""
    form = CSV_FORM.search(results(client))
    assert form
    token = re.search(r'name="rows" value="([^"]+)"', form.group(1))
    assert token
    return html_module.unescape(token.group(1))


def sheets(page: str) -> list[str]:
    """Each patient sheet's HTML."""
    return re.findall(r'<section class="patient-sheet" .*?</section>', page, re.S)


def plain(fragment: str) -> str:
    """HTML as words: tags dropped, entities read, spaces squeezed."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_each_payment_is_summarized(client: FlaskClient) -> None:
    page = results(client)
    assert "Payments in the 835 file" in page
    remit = plain(page[page.index('<section class="remittance"') : page.index("The bottom line")])
    assert "Payment 1 from MEDICARE PART B" in remit
    assert "Payment total $156.80" in remit
    assert "Payment date March 15, 2024" in remit
    assert "Check or EFT number EFT0001" in remit
    assert "Claims 3 Denied claims 1 Reversals 0" in remit
    assert "CO 253 (sequestration) in total $3.20" in remit
    # April: a new claim and the reversal of C1, which takes its $1.60 cut back.
    assert "Payment 2 from MEDICARE PART B" in remit
    assert "Claims 2 Denied claims 0 Reversals 1" in remit
    assert "CO 253 (sequestration) in total $0.00" in remit
    assert "Reversal: takes back an earlier payment" in remit


def test_claims_link_to_their_patient_sheets(client: FlaskClient) -> None:
    page = results(client)
    links = re.findall(r'<a href="#(sheet-\d+-\d+)">What this means for you', page)
    ids = re.findall(r'<section class="patient-sheet" id="(sheet-\d+-\d+)"', page)
    assert links == ids == ["sheet-1-1", "sheet-1-2", "sheet-1-3", "sheet-2-1", "sheet-2-2"]


def test_chart_is_an_accessible_svg_on_the_page(client: FlaskClient) -> None:
    page = results(client)
    assert '<div class="chart chart-few">' in page
    svg = re.search(r"<svg [^>]*>.*?</svg>", page, re.S)
    assert svg
    assert 'role="img"' in svg.group(0)
    assert "<title" in svg.group(0) and "<desc" in svg.group(0)
    assert "2024-03: $3.20; 2024-04: $0.00" in svg.group(0)
    assert "CO 253 by month" in page


def test_patient_sheet_in_plain_words(client: FlaskClient) -> None:
    first = plain(sheets(results(client))[0])
    assert "What this means for you" in first
    assert "Patient JANE DOE" in first
    assert "Paid by MEDICARE PART B on March 15, 2024" in first
    assert "You may owe up to $20.00 for these services." in first
    assert "Your plan paid the office $78.40" in first
    # Our lay name for the CPT code, never the AMA text.
    assert "Office visit (99214)" in first
    assert "CO 253 $1.60: Sequestration" in first
    assert first.count("You do not owe this.") == 2  # CO 45 and CO 253
    assert "PR 2 $20.00: Coinsurance" in first and "You may owe this." in first
    assert "You may get a bill from SMALL CLINIC." in first
    assert "1-800-MEDICARE" in first


def test_qmb_sheet_says_the_patient_owes_nothing(client: FlaskClient) -> None:
    qmb = plain(sheets(results(client))[1])
    assert "With QMB, you do not owe the $20.00 of deductible, coinsurance or copays." in qmb
    assert "You owe nothing for these services." in qmb
    assert "You may owe $0.00" in qmb
    assert "With QMB, you do not owe this." in qmb
    assert "Show the office your QMB or Medicaid card." in qmb
    assert "You may get a bill" not in qmb


def test_denied_and_reversal_sheets(client: FlaskClient) -> None:
    all_sheets = [plain(sheet) for sheet in sheets(results(client))]
    denied = all_sheets[2]
    assert "MEDICARE PART B did not pay for this." in denied
    assert "You owe nothing for these services." in denied
    assert "Not paid" in denied and "ask the office about an appeal" in denied
    reversal = all_sheets[4]
    assert (
        "This takes back an earlier payment from MEDICARE PART B. It is not a bill for you."
        in reversal
    )
    assert "You may get a bill from" not in reversal


def test_spanish_sheets(client: FlaskClient) -> None:
    page = results(client, lang="es")
    assert '<section class="patient-sheets" aria-labelledby="sheets-heading" lang="es">' in page
    first = plain(sheets(page)[0])
    assert "Lo que esto quiere decir para usted" in first
    assert "Usted puede deber hasta $20.00 por estos servicios." in first
    assert "Pagó MEDICARE PART B el 15 de marzo de 2024" in first


def test_sheets_only_option_works_without_javascript(client: FlaskClient) -> None:
    page = results(client)
    # A plain checkbox that the print CSS reads; the JavaScript button is only a shortcut.
    assert '<input type="checkbox" id="sheets-only" class="sheets-only">' in page
    assert page.count('class="sheet-pick"') == 5
    assert "data-print-sheets hidden" in page


def test_print_css_starts_each_sheet_on_a_new_page() -> None:
    style = (ROOT / "static" / "style.css").read_text(encoding="utf-8")
    print_css = style[style.index("@media print") :]
    assert re.search(r"\.patient-sheet \{\s*break-before: page;", print_css)
    assert "body:has(.sheets-only:checked) main > :not(.patient-sheets)" in print_css


def test_csv_download(client: FlaskClient) -> None:
    response = client.post("/sequestration.csv", data={"rows": csv_token(client)})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="co-253-by-month.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data(as_text=True) == "month,co_253\r\n2024-03,3.20\r\n2024-04,0.00\r\n"


def test_csv_with_csrf_token(csrf_client: FlaskClient) -> None:
    form_page = page_text(csrf_client.get("/"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form_page)
    assert token
    response = post_multipart(
        csrf_client,
        "/explain",
        {
            "csrf_token": token.group(1),
            "bill_text": STORY_BILL,
            "notice_files": [(io.BytesIO(REMIT), "r.835")],
        },
    )
    form = CSV_FORM.search(page_text(response))
    assert form
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]+)"', form.group(1)))
    fields = {name: html_module.unescape(value) for name, value in fields.items()}
    assert csrf_client.post("/sequestration.csv", data=fields).status_code == 200
    fields.pop("csrf_token")
    refused = csrf_client.post("/sequestration.csv", data=fields)
    assert refused.status_code == 400 and "This form expired" in page_text(refused)


def _changed(token: str) -> str:
    """The token with one character of its payload changed."""
    middle = len(token) // 2
    return token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]


@pytest.mark.parametrize(
    "rows",
    [None, "", "garbage", "tampered", "x" * 60_000],
    ids=["missing", "empty", "garbage", "tampered", "huge"],
)
def test_bad_csv_posts_are_kind_400s(client: FlaskClient, rows: str | None) -> None:
    data = {}
    if rows == "tampered":
        data["rows"] = _changed(csv_token(client))
    elif rows is not None:
        data["rows"] = rows
    response = client.post("/sequestration.csv", data=data)
    assert response.status_code == 400
    page = page_text(response)
    assert "broken or too old" in page and "Traceback" not in page


@pytest.mark.parametrize(
    "payload",
    [
        {"not": "a list"},
        [["2024-13", "1.00"]],
        [["March", "1.00"]],
        [["2024-03", "lots"]],
        [["2024-03", "NaN"]],
        [["2024-03"]],
        [[2024, 3]],
        [["2024-03", "1.00"]] * (MAX_ROWS + 1),
    ],
    ids=[
        "dict",
        "month-13",
        "word-month",
        "word-amount",
        "nan",
        "short-row",
        "numbers",
        "too-many",
    ],
)
def test_signed_but_wrong_rows_are_refused(app: Flask, client: FlaskClient, payload: Any) -> None:
    with app.test_request_context():
        token = sign(payload, ROWS_SALT)
    assert client.post("/sequestration.csv", data={"rows": token}).status_code == 400


def test_letter_token_is_not_a_csv_token(app: Flask, client: FlaskClient) -> None:
    with app.test_request_context():
        token = sign([["2024-03", "1.00"]], META_SALT)
    assert client.post("/sequestration.csv", data={"rows": token}).status_code == 400


def test_a_restarted_server_refuses_old_tokens_kindly(client: FlaskClient) -> None:
    from app import create_app

    other = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}).test_client()
    response = other.post("/sequestration.csv", data={"rows": csv_token(client)})
    assert response.status_code == 400
    assert "Please check your 835 file again" in page_text(response)


def test_papers_without_an_835_have_no_payment_section(client: FlaskClient) -> None:
    response = post_multipart(
        client,
        "/explain",
        {"notice_text": STORY_NOTICE, "bill_text": STORY_BILL, "qmb": "unsure", "lang": "en"},
    )
    page = page_text(response)
    assert "Payments in the 835 file" not in page
    assert "patient-sheet" not in page and "<svg" not in page


def test_835_without_co253_shows_an_empty_chart(client: FlaskClient) -> None:
    data = build_835(Payment(claims=(denied_claim("D9"),), paid_on=date(2024, 5, 2)))
    page = results(client, data)
    assert "2024-05: $0.00" in page
    assert len(sheets(page)) == 1


def test_many_months_scroll_in_their_own_box(client: FlaskClient) -> None:
    payments = [
        Payment(
            claims=(
                ClaimSpec(f"M{month}", lines=(medicare_line(Decimal("150"), Decimal("100")),)),
            ),
            paid_on=date(2024, month, 10),
            control=f"{month:04d}",
        )
        for month in range(1, 13)
    ]
    page = results(client, build_835(payments))
    assert '<div class="chart chart-many" role="region"' in page
    assert "2024-12: $1.60" in page
    assert len(sheets(page)) == 12


def test_835_results_log_no_patient_names(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        token = csv_token(client)
        client.post("/sequestration.csv", data={"rows": token})
    for secret in ("JANE", "DOE", "RICHARD", "ROE", "SMALL CLINIC", "EFT0001"):
        assert secret not in caplog.text


def test_results_page_has_no_inline_code(client: FlaskClient) -> None:
    page = results(client)
    for tag in re.findall(r"<script[^>]*>", page):
        assert 'src="/static/' in tag
    assert " onclick=" not in page and " style=" not in page
