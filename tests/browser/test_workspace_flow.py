"""Real Chromium on the 835 workspace (issue 15): a few hundred claims uploaded through the
form; search, filter, sort, a claim, its sheet in print, back to the list, ticked sheets, the
CSV, "Forget it now"; no JavaScript; a phone with no sideways scrolling; Spanish; axe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.x12_factory import (
    ClaimSpec,
    Payment,
    build_835,
    denied_claim,
    medicare_line,
    reversal_of,
)

from .conftest import _context, assert_accessible, screenshot

pytestmark = pytest.mark.browser

CLAIMS = 300
REMIT = build_835(
    Payment(
        claims=(
            *(
                ClaimSpec(
                    f"C{n:04d}",
                    lines=(
                        medicare_line(
                            Decimal("150.00") + n % 7,
                            Decimal("100.00"),
                            service_date=date(2024, 3, 1 + n % 28),
                        ),
                        medicare_line(Decimal("80.00"), Decimal("60.00"), procedure="36415"),
                    ),
                    patient=(f"PATIENT{n:04d}", "ANN"),
                )
                for n in range(1, CLAIMS - 3)
            ),
            ClaimSpec(
                "ZED1",
                lines=(
                    medicare_line(
                        Decimal("300.00"),
                        Decimal("200.00"),
                        deductible=Decimal("50.00"),
                        procedure="99215",
                    ),
                ),
                patient=("ZEDRICK", "ALMA"),
            ),
            denied_claim("D1"),
            denied_claim("D2"),
            reversal_of(ClaimSpec("R1", lines=(medicare_line(Decimal("150"), Decimal("100")),))),
        ),
        paid_on=date(2024, 3, 15),
    )
)


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def open_workspace(page: Page) -> None:
    """Upload the 835 through the form, as the front desk does."""
    page.goto("/")
    page.set_input_files(
        "#notice_files",
        files=[{"name": "remit.835", "mimeType": "application/octet-stream", "buffer": REMIT}],
    )
    with page.expect_navigation():
        page.locator("form[data-explain-form] button[type=submit]").click()
    expect(page.locator("#claims-heading")).to_be_visible()


def table_claims(page: Page) -> list[str]:
    return page.locator("table.claims-table tbody th[scope=row]").all_inner_texts()


def test_workspace_search_filter_sort_sheet_back_csv_forget(page: Page) -> None:
    open_workspace(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 835 payments")
    expect(page.get_by_text("Claims 1 to 50 of 300")).to_be_visible()
    expect(page.get_by_text("Denied lines")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "workspace")
    assert "PATIENT" not in page.url and "ZEDRICK" not in page.url

    # Search by patient.
    page.fill("#q", "zedrick")
    with page.expect_navigation():
        page.get_by_role("button", name="Show these claims").click()
    assert table_claims(page) == ["ZED1"]

    # Filter: denied only (the search cleared first).
    page.fill("#q", "")
    page.select_option("#show", "denied")
    with page.expect_navigation():
        page.get_by_role("button", name="Show these claims").click()
    assert table_claims(page) == ["D1", "D2"]
    assert "show=denied" in page.url

    # Sort by what the patient may owe, then flip the order.
    page.goto("/workspace")
    with page.expect_navigation():
        page.locator("table.claims-table thead a", has_text="Patient may owe").click()
    header = page.locator("th[aria-sort]")
    expect(header).to_have_attribute("aria-sort", "ascending")
    with page.expect_navigation():
        page.locator("table.claims-table thead a", has_text="Patient may owe").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert table_claims(page)[0] == "ZED1"

    # One claim, its sheet, and back to the same filtered list.
    page.goto("/workspace?show=denied")
    with page.expect_navigation():
        page.get_by_role("link", name="D2", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Claim D2")
    assert_accessible(page)
    screenshot(page, "workspace-claim")
    with page.expect_navigation():
        page.get_by_role("link", name="Open the patient sheet to print").click()
    expect(page.locator(".patient-sheet")).to_have_count(1)
    expect(page.locator(".patient-sheet")).to_contain_text("did not pay for this")
    assert_accessible(page)
    screenshot(page, "workspace-sheet-print", print_media=True)
    page.emulate_media(media="print")
    assert not page.locator(".workspace-hold").is_visible()
    page.emulate_media(media="screen")
    with page.expect_navigation():
        page.get_by_role("link", name="Back to the list of claims").click()
    assert "show=denied" in page.url
    assert table_claims(page) == ["D1", "D2"]

    # Tick two sheets and print them.
    page.goto("/workspace?q=patient")
    page.locator("input[name=pick]").nth(0).check()
    page.locator("input[name=pick]").nth(2).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Print the ticked sheets").click()
    expect(page.locator(".patient-sheet")).to_have_count(2)
    # Printed (as Chromium prints to PDF): one sheet of paper per patient, nothing else.
    page.emulate_media(media="print")
    printed = pdfium.PdfDocument(page.pdf(format="Letter"))
    page.emulate_media(media="screen")
    texts = [printed[i].get_textpage().get_text_range()[:300] for i in range(len(printed))]
    assert len(printed) == 2, texts
    first_page = printed[0].get_textpage().get_text_range()
    assert "What this means for you" in first_page and "Forget it now" not in first_page
    assert "Bill Explainer" not in first_page

    # The claim-level CSV of the list as it is filtered.
    page.goto("/workspace?show=denied")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these claims, one row per line (CSV file)").click()
    path = download.value.path()
    with open(path, encoding="utf-8") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert [row["claim"] for row in rows] == ["D1", "D2"]
    assert all(row["patient_initials"] == "J.D." for row in rows)

    # Forget it now: gone at once, for this browser and any copy of its key.
    page.goto("/workspace")
    with page.expect_navigation():
        page.get_by_role("button", name="Forget it now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We forgot your 835 file")
    response = page.goto("/workspace")
    assert response is not None and response.status == 410


def test_workspace_without_javascript(nojs_page: Page) -> None:
    open_workspace(nojs_page)
    nojs_page.select_option("#show", "co253")
    with nojs_page.expect_navigation():
        nojs_page.get_by_role("button", name="Show these claims").click()
    assert len(table_claims(nojs_page)) == 50
    with nojs_page.expect_navigation():
        nojs_page.get_by_role("link", name="Next", exact=True).click()
    expect(nojs_page.get_by_text("Claims 51 to 100 of")).to_be_visible()
    nojs_page.fill("#q", "99215")
    with nojs_page.expect_navigation():
        nojs_page.get_by_role("button", name="Show these claims").click()
    assert table_claims(nojs_page) == ["ZED1"]


def test_workspace_on_a_phone(phone_page: Page) -> None:
    open_workspace(phone_page)
    assert page_width(phone_page) <= 390
    assert_accessible(phone_page)
    screenshot(phone_page, "workspace-phone")
    phone_page.goto("/workspace?show=denied")
    # Stacked cards: each cell shows its column's name.
    label = phone_page.locator("table.claims-table tbody td[data-label='Patient may owe']").first
    before = label.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert "Patient may owe" in before
    assert page_width(phone_page) <= 390
    for path in ("/workspace/claims/1", "/workspace/sheets?pick=1"):
        phone_page.goto(path)
        assert page_width(phone_page) <= 390, path
    screenshot(phone_page, "workspace-sheet-phone")


@pytest.fixture
def spanish_pages(browser: Browser, live_server: str) -> Iterator[tuple[Page, Page]]:
    desktop = _context(browser, live_server)
    phone = _context(browser, live_server, viewport={"width": 390, "height": 844})
    yield desktop.new_page(), phone.new_page()
    desktop.close()
    phone.close()


def test_workspace_in_spanish(spanish_pages: tuple[Page, Page]) -> None:
    for page, name in zip(spanish_pages, ("workspace-es", "workspace-es-phone"), strict=True):
        page.goto("/language/es")
        open_workspace(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Sus pagos del 835")
        expect(page.get_by_role("button", name="Olvidarlo ahora")).to_be_visible()
        assert_accessible(page)
        assert page_width(page) <= page.viewport_size["width"]  # type: ignore[index]
        screenshot(page, name)
