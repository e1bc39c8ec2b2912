"""Real Chromium: a Medicare.gov claims download and a bill, uploaded through the form, show the
cut implied by Medicare's payment as a red flag and the year view, in English and Spanish; a
FHIR file alone shows its lines and raises no alert (issue 16)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FilePayload, Locator, Page, expect

from tests.conftest import CORPUS
from tests.explainer.test_claims_text import EXPORT_2025, bill

from .conftest import SCREENSHOTS, assert_accessible, screenshot

pytestmark = pytest.mark.browser

B01 = CORPUS / "fhir" / "B01_bfd_v2_carrier_partB.json"
# 03/08/2025: Medicare paid 77.60, so the cut is 77.60 × 0.02 / 0.98 = 1.58; the coinsurance is
# 19.80. A bill asking 19.80 + 1.58 = 21.38 moves the cut to the patient.
BILL = bill("03/08/2025", "99213", "21.38")
TEXT = "text/plain"


def upload(page: Page, lang: str, notice: tuple[str, bytes, str], bill_text: str | None) -> None:
    """Choose the files in the form's file inputs, as a person would, and press the button."""
    page.goto("/")
    if lang == "es":
        # The header switch, as a person would; it is remembered for the results page too.
        with page.expect_navigation():
            nav = page.get_by_role("navigation", name="Language")
            nav.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    name, data, mime = notice
    page.locator('input[type="file"][name="notice_files"]').set_input_files(
        files=[FilePayload(name=name, mimeType=mime, buffer=data)]
    )
    if bill_text is not None:
        page.locator('input[type="file"][name="bill_files"]').set_input_files(
            files=[FilePayload(name="bill.txt", mimeType=TEXT, buffer=bill_text.encode())]
        )
    button = {"en": "Explain my papers", "es": "Explicar mis papeles"}[lang]
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def upload_download_and_bill(page: Page, lang: str) -> None:
    upload(page, lang, ("claims.txt", EXPORT_2025.encode(), TEXT), BILL)


def year_view(page: Page) -> Locator:
    views = page.locator("section.year-view")
    expect(views).to_have_count(1)
    return views.first


def year_rows(view: Locator) -> list[list[str]]:
    rows = view.locator("table.year-claims tbody tr")
    return [
        [cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()]
        for i in range(rows.count())
    ]


def shoot(page: Page, view: Locator, name: str) -> None:
    """The whole page, and the year view alone (easier to look at), into screenshots/."""
    screenshot(page, name)
    view.screenshot(path=str(SCREENSHOTS / f"{name}-section.png"))


def assert_no_overflow(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"page is {width}px wide in a {inner}px window"


def english_left_outside_lang_en(page: Page, words: list[str]) -> list[str]:
    """Text nodes in <main> holding one of these English words with no lang="en" ancestor."""
    found: list[str] = page.evaluate(
        """(words) => {
            const out = [];
            const walker = document.createTreeWalker(
                document.querySelector('main'), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const text = node.textContent.trim();
                if (!text || node.parentElement.closest('[lang="en"]')) continue;
                for (const word of words) {
                    if (new RegExp('\\\\b' + word + '\\\\b').test(text)) out.push(text);
                }
            }
            return out;
        }""",
        words,
    )
    return found


def test_download_and_bill_flag_the_implied_cut_and_show_the_year(page: Page) -> None:
    upload_download_and_bill(page, "en")
    findings = page.locator("article.finding")
    expect(findings).to_have_count(1)
    flag = findings.first
    expect(flag).to_have_class(re.compile(r"\bnotice-alert\b"))
    expect(flag.locator(".amount")).to_contain_text("$1.58")
    expect(flag.get_by_role("link", name="what CO 253 means")).to_be_visible()
    assert "duplicate" not in page.locator("section.findings").inner_text().lower()

    view = year_view(page)
    expect(view.get_by_role("heading", level=2)).to_have_text(
        "Your claims in claims.txt, by provider and month"
    )
    # One row per provider and month: March (one claim) and September (the same claim number
    # again, as the real export does, for another visit).
    assert year_rows(view) == [
        ["March 2025", "SPRINGFIELD FAMILY CLINIC LLC", "1", "$98.98", "$77.60", "$19.80"],
        ["September 2025", "SPRINGFIELD FAMILY CLINIC LLC", "1", "$115.71", "$90.71", "$23.15"],
    ]
    facts = view.locator("dl.year-facts")
    expect(facts).to_contain_text("$214.69")  # approved 98.98 + 115.71
    expect(facts).to_contain_text("$168.31")  # paid 77.60 + 90.71
    expect(facts).to_contain_text("$42.95")  # may owe 19.80 + 19.80 + 3.35
    assert_accessible(page)
    assert_no_overflow(page)
    shoot(page, view, "claims-download-year-en-desktop")


def test_the_same_page_in_spanish(page: Page) -> None:
    upload_download_and_bill(page, "es")
    findings = page.locator("article.finding")
    expect(findings).to_have_count(1)
    flag = findings.first
    expect(flag).to_have_class(re.compile(r"\bnotice-alert\b"))
    expect(flag.get_by_role("heading", level=3)).to_contain_text(
        "Le cobran $1.58 que usted no debe"
    )
    expect(flag.locator(".amount")).to_contain_text("$1.58")

    view = year_view(page)
    expect(view.get_by_role("heading", level=2)).to_have_text(
        "Sus reclamaciones en claims.txt, por proveedor y mes"
    )
    assert [row[0] for row in year_rows(view)] == ["marzo de 2025", "septiembre de 2025"]
    expect(view.locator("dl.year-facts")).to_contain_text("Puede deber en total")
    expect(view.locator("dl.year-facts")).to_contain_text("$42.95")
    english = [
        "Approved",
        "Paid",
        "Month",
        "Provider",
        "Claims",
        "owe",
        "Deductible",
        "not shown",
        "line",  # where on the download the finding rests: 'file line 32' in Spanish too
    ]
    assert english_left_outside_lang_en(page, english) == []
    assert_accessible(page)
    assert_no_overflow(page)
    shoot(page, view, "claims-download-year-es-desktop")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_year_view_fits_a_phone(phone_page: Page, lang: str) -> None:
    upload_download_and_bill(phone_page, lang)
    view = year_view(phone_page)
    expect(view.locator("table.year-claims")).to_be_visible()
    assert_no_overflow(phone_page)
    # Each row is a card: what you may owe is on the screen, not hidden past a sideways scroll
    # of the table, and it says what it is.
    width = phone_page.evaluate("window.innerWidth")
    owed = view.locator("table.year-claims tbody td:last-child")
    expect(owed).to_have_count(2)
    for cell in owed.all():
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    label = {"en": "You may owe", "es": "Usted puede deber"}[lang]
    expect(owed.first).to_have_attribute("data-label", label)
    caption = view.locator("table.year-claims caption").bounding_box()
    assert caption is not None and caption["x"] + caption["width"] <= width, caption
    assert_accessible(phone_page)
    shoot(phone_page, view, f"claims-download-year-{lang}-phone")


@pytest.mark.skipif(not B01.is_file(), reason="shared/corpus is not beside main")
def test_a_fhir_file_alone_shows_its_lines_and_no_alert(page: Page) -> None:
    upload(page, "en", (B01.name, B01.read_bytes(), "application/fhir+json"), None)
    text = page.locator("section.documents").inner_text()
    # B01's one line as the file gives it: 92999 submitted 75.00, allowed 47.84, paid 37.50.
    assert "92999" in text
    for amount in ("$75.00", "$47.84", "$37.50"):
        assert amount in text, amount
    expect(page.locator("article.finding.notice-alert")).to_have_count(0)
    expect(page.locator("article.finding.notice-warning")).to_have_count(0)
    expect(page.locator("section.year-view")).to_have_count(1)
    assert_accessible(page)
