"""Real Chromium: one amount owed everywhere on a QMB page, a bill alone, credits, the Spanish
handout's English term, and a handout that prints on one page without site chrome (issue 15)."""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import STORY_BILL, STORY_NOTICE

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

CREDIT_BILL = (
    "Springfield Family Clinic\n123 Main St, Dayton OH 45990\nStatement\n"
    "03/04/2025 99214 office visit charge $150.00\n"
    "03/04/2025 Medicare payment -$78.40\n"
    "03/04/2025 Medicare adj CO-45 -$50.00\n"
    "03/04/2025 Sequestration CO-253 patient portion $1.60\n"
    "Balance due $21.60\n"
)


def explain(page: Page, notice: str | None, bill: str, qmb: str = "unsure") -> None:
    page.goto("/")
    if notice:
        page.get_by_label("Or type the lines of your notice").fill(notice)
    page.get_by_label("Or type the lines of your bill").fill(bill)
    group = page.get_by_role("group", name=re.compile("QMB"))
    group.get_by_label({"yes": "Yes", "no": "No"}.get(qmb, "I am not sure"), exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Explain my papers").click()


def test_qmb_page_shows_one_amount_owed(page: Page) -> None:
    explain(page, STORY_NOTICE, STORY_BILL, qmb="yes")
    bottom = page.locator("section.bottom-line")
    expect(bottom).to_contain_text("You may owe at most $0.00")
    expect(bottom).to_contain_text("ABN")
    text = page.locator("main").inner_text()
    assert "You can pay" not in text
    assert not re.search(r"may owe at most \$20\.00", text)
    assert_accessible(page)
    screenshot(page, "qmb-one-amount")


def test_a_bill_alone_with_credits_and_an_address(page: Page) -> None:
    explain(page, None, CREDIT_BILL)
    main = page.locator("main")
    expect(main).to_contain_text("You gave us a bill without a notice.")
    text = main.inner_text()
    assert "agrees with your notice" not in text
    assert "45990" not in page.locator("table.lines").first.inner_text()  # a ZIP, not a service
    assert "-$78.40" not in page.locator("article.finding").all_inner_texts().__str__()
    first = page.locator("article.finding").first
    expect(first).to_contain_text("$1.60")
    expect(first).to_contain_text("CO-253")
    assert_accessible(page)
    screenshot(page, "bill-alone")


def test_spanish_handout_names_the_cut_in_spanish(page: Page) -> None:
    page.goto("/codes/CO-253?lang=es")
    text = page.locator("main").inner_text().lower()
    assert "secuestro" not in text
    assert "recorte automático del presupuesto federal" in text
    expect(
        page.locator('article.handout span[lang="en"]', has_text="sequestration").first
    ).to_be_attached()
    assert_accessible(page)


@pytest.mark.parametrize("code", ["CO-253", "PR-45", "N781"])
def test_a_handout_prints_on_one_page_without_site_chrome(page: Page, code: str) -> None:
    page.goto(f"/codes/{code}")
    page.emulate_media(media="print")
    expect(page.locator(".privacy-note")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(format="Letter")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 1, f"{code} prints on {len(document.pages)} pages"
        printed = document.pages[0].extract_text() or ""
    assert "We do not keep your papers" not in printed
    screenshot(page, f"handout-{code}-print", print_media=True)
