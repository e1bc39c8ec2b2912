"""Real Chromium: letters from the CO 253 results (edit, print, PDF) and an 835 at the front desk
(the workspace an 835 upload opens: summaries, chart, CSV, patient sheets in print)."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import STORY_BILL, STORY_NOTICE
from tests.x12_factory import (
    ClaimSpec,
    Payment,
    build_835,
    denied_claim,
    medicare_line,
    qmb_claim,
    reversal_of,
)

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

EDITED_LINE = "I paid $20.00 at the front desk on March 4, 2025."
LETTER_BUTTON = "Write a letter to Springfield Family Clinic"
APPEAL_NOTICE = (
    "Medicare Summary Notice\nNotice date: 04/10/2025\nProvider: Springfield Family Clinic\n"
    "Claim number: 12-345\n"
    "03/05/2025 93000 billed $45.00 approved $0 paid $0 you may owe $0\nCO-50 $45.00\n"
)
REMIT = build_835(
    [
        Payment(
            claims=(
                ClaimSpec("C1", lines=(medicare_line(Decimal("150.00"), Decimal("100.00")),)),
                qmb_claim("Q1"),
                denied_claim("D1"),
            ),
            paid_on=date(2024, 3, 15),
        ),
        Payment(
            claims=(
                ClaimSpec(
                    "C2",
                    lines=(
                        medicare_line(
                            Decimal("200.00"), Decimal("120.00"), deductible=Decimal("20.00")
                        ),
                    ),
                    patient=("ROE", "RICHARD"),
                ),
                reversal_of(
                    ClaimSpec("C1", lines=(medicare_line(Decimal("150.00"), Decimal("100.00")),))
                ),
            ),
            paid_on=date(2024, 4, 12),
            control="0002",
            trace="EFT0002",
        ),
    ]
)
SHEET_COUNT = 5


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, lines joined by spaces."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join((page.extract_text() or "").replace("\n", " ") for page in pdf.pages)


def pdf_pages(data: bytes) -> int:
    """How many pages a PDF has."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def submit_form(page: Page) -> None:
    """Press the big button and wait for the answer page."""
    with page.expect_navigation():
        page.get_by_role("button", name="Explain my papers").click()


def type_papers(page: Page, notice: str, bill: str | None = None, lang: str = "en") -> None:
    """Type the papers on the form and explain them."""
    page.goto("/")
    page.fill("#notice_text", notice)
    if bill:
        page.fill("#bill_text", bill)
    page.get_by_label("Language for the explanation").select_option(lang)
    submit_form(page)


def open_letter(page: Page, button: str) -> None:
    """Press a letter button on the results page and wait for the letter."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def edit_letter(page: Page) -> None:
    """Add a line of the person's own above the closing."""
    box = page.get_by_label(re.compile(r"^(Your letter|Su carta)"))
    box.fill(box.input_value().replace("Thank you,", f"{EDITED_LINE}\n\nThank you,"))


def page_width(page: Page) -> int:
    """How wide the page's content is (wider than the screen means sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_co253_letter_edit_print_and_download(page: Page) -> None:
    type_papers(page, STORY_NOTICE, STORY_BILL)
    expect(page.get_by_role("heading", name="Letters you can send")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "results-with-letter")
    open_letter(page, LETTER_BUTTON)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Letter to the billing office: Springfield Family Clinic"
    )
    box = page.get_by_label("Your letter (you can change it)")
    expect(box).to_have_value(re.compile(r"Please remove \$1\.60\."))
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    expect(page.get_by_role("button", name="Print the letter")).to_be_visible()
    # JavaScript keeps the print copy in step: the no-JS button is not needed.
    expect(page.get_by_role("button", name="Show my changes in the print copy")).to_be_hidden()
    assert_accessible(page)
    edit_letter(page)
    screenshot(page, "letter")

    # Printed, the page is the letter alone, with the edit.
    page.emulate_media(media="print")
    expect(page.locator(".letter-print")).to_be_visible()
    expect(page.locator(".letter-print")).to_contain_text(EDITED_LINE)
    for hidden in (".site-header", ".privacy-note", "textarea", ".letter-next", "h1"):
        expect(page.locator(hidden).first).to_be_hidden()
    printed = page.pdf(format="Letter")
    assert pdf_pages(printed) == 1
    printed_text = pdf_text(printed)
    assert EDITED_LINE in printed_text and "PLEASE CORRECT MY BILL" in printed_text
    for not_printed in ("Bill Explainer", "What to do next", "Download PDF", "We do not keep"):
        assert not_printed not in printed_text
    page.emulate_media(media="screen")
    screenshot(page, "letter-print", print_media=True)

    with page.expect_download() as info:
        page.get_by_role("button", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename == "letter-to-billing-office.pdf"
    path = download.path()
    assert path is not None
    text = pdf_text(path.read_bytes())
    assert EDITED_LINE in text
    assert "Please remove $1.60." in text


def test_letter_without_javascript(nojs_page: Page) -> None:
    page = nojs_page
    type_papers(page, STORY_NOTICE, STORY_BILL)
    open_letter(page, LETTER_BUTTON)
    expect(page.get_by_role("button", name="Print the letter")).to_be_hidden()
    expect(page.get_by_text("To print: press “Show my changes in the print copy”")).to_be_visible()
    edit_letter(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Show my changes in the print copy").click()
    expect(page.get_by_label("Your letter (you can change it)")).to_have_value(
        re.compile(re.escape(EDITED_LINE))
    )
    page.emulate_media(media="print")
    expect(page.locator(".letter-print")).to_contain_text(EDITED_LINE)
    page.emulate_media(media="screen")
    screenshot(page, "letter-nojs")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download PDF").click()
    path = info.value.path()
    assert path is not None and EDITED_LINE in pdf_text(path.read_bytes())


def test_appeal_letter_in_spanish(page: Page) -> None:
    type_papers(page, APPEAL_NOTICE, lang="es")
    open_letter(page, "Pedir a Medicare una nueva decisión (apelación)")
    expect(page.locator(".letter-page")).to_have_attribute("lang", "es")
    expect(page.get_by_text("Último día para mandarla: 13 de agosto de 2025")).to_be_visible()
    expect(page.get_by_role("heading", name="Qué hacer ahora")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "letter-appeal-es")
    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar PDF").click()
    download = info.value
    assert download.suggested_filename == "apelacion-a-medicare.pdf"
    path = download.path()
    assert path is not None and "13 de agosto de 2025" in pdf_text(path.read_bytes())


def upload_835(page: Page) -> None:
    """Upload the two-payment 835: the answer is the front-desk workspace (decision 0007)."""
    page.goto("/")
    page.set_input_files(
        "#notice_files",
        files=[{"name": "remit.835", "mimeType": "application/octet-stream", "buffer": REMIT}],
    )
    submit_form(page)
    expect(page).to_have_url(re.compile(r"/workspace$"))
    expect(page.locator("#claims-heading")).to_be_visible()


def print_all_sheets(page: Page) -> None:
    """From the workspace list, open every sheet of the list on the page made to print them."""
    with page.expect_navigation():
        page.get_by_role("button", name=f"Print all sheets in this list ({SHEET_COUNT})").click()
    expect(page.locator(".patient-sheet")).to_have_count(SHEET_COUNT)


def test_835_front_desk_page(page: Page) -> None:
    upload_835(page)
    expect(page.get_by_role("heading", name="Payments in the 835 file")).to_be_visible()
    payment = page.locator("section.payment").first
    expect(payment).to_contain_text("$156.80")
    expect(payment).to_contain_text("March 15, 2024")
    expect(payment).to_contain_text("$3.20")
    chart = page.locator('svg[role="img"]')
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(re.compile("CO 253"))
    # One row (and one patient sheet) per claim, the reversal included.
    expect(page.locator("table.claims-table tbody tr")).to_have_count(SHEET_COUNT)
    assert_accessible(page)
    screenshot(page, "results-835-front-desk")

    # The claim table leads to the claim, and the claim to the patient's sheet.
    with page.expect_navigation():
        page.locator("#claim-1").get_by_role("link", name="C1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Claim C1")
    with page.expect_navigation():
        page.get_by_role("link", name="Open the patient sheet to print").click()
    first = page.locator(".patient-sheet")
    expect(first).to_have_count(1)
    expect(first).to_contain_text("You may owe up to $20.00 for these services.")
    assert_accessible(page)

    page.goto("/workspace")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CO 253 by month (CSV file)").click()
    download = info.value
    assert download.suggested_filename == "co-253-by-month.csv"
    path = download.path()
    assert path is not None
    assert path.read_bytes() == b"month,co_253\r\n2024-03,3.20\r\n2024-04,0.00\r\n"


def test_print_patient_sheets_only(nojs_page: Page) -> None:
    page = nojs_page
    upload_835(page)
    # Without JavaScript: the list's button opens the sheets; printing shows only the sheets.
    print_all_sheets(page)
    page.emulate_media(media="print")
    expect(page.locator(".sheet-tools")).to_be_hidden()
    expect(page.locator(".workspace-hold")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".patient-sheet").first).to_be_visible()
    page.emulate_media(media="screen")
    screenshot(page, "patient-sheets-print", print_media=True)
    # Each sheet fits on one page, and each starts a new one (page.pdf prints as the media
    # emulated last: print, not the screen the screenshot helper left).
    page.emulate_media(media="print")
    assert pdf_pages(page.pdf(format="Letter")) == SHEET_COUNT
    page.emulate_media(media="screen")

    # Only the ticked sheets print.
    page.goto("/workspace")
    page.locator("#pick-1").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Print the ticked sheets").click()
    expect(page.locator(".patient-sheet")).to_have_count(1)
    screenshot(page, "patient-sheet-print", print_media=True)
    page.emulate_media(media="print")
    one = page.pdf(format="Letter")
    page.emulate_media(media="screen")
    assert pdf_pages(one) == 1
    text = pdf_text(one)
    assert "What this means for you" in text and "JANE DOE" in text and "$20.00" in text
    assert "Forget it now" not in text and "Back to the list" not in text


def test_print_sheets_button_with_javascript(page: Page) -> None:
    upload_835(page)
    print_all_sheets(page)
    button = page.get_by_role("button", name="Print", exact=True)
    expect(button).to_be_visible()
    expect(page.get_by_text("use your browser’s Print command")).to_be_hidden()
    # Stub the print dialog: the button opens it.
    page.evaluate("window.print = () => { window.__printed = true; }")
    button.click()
    assert page.evaluate("window.__printed === true")


def test_new_pages_fit_a_phone(phone_page: Page) -> None:
    upload_835(phone_page)
    assert page_width(phone_page) <= 390
    assert_accessible(phone_page)
    screenshot(phone_page, "results-835-phone")
    type_papers(phone_page, STORY_NOTICE, STORY_BILL)
    open_letter(phone_page, LETTER_BUTTON)
    assert page_width(phone_page) <= 390
    screenshot(phone_page, "letter-phone")
