"""Real Chromium in Spanish: the header switch, the CO 253 story, its letter and handout, an 835."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import STORY_BILL, STORY_NOTICE
from tests.x12_factory import ClaimSpec, Payment, build_835, denied_claim, medicare_line

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

RED_FLAG = "Le cobran $1.60 que usted no debe"
REMIT = build_835(
    Payment(
        claims=(
            ClaimSpec("C1", lines=(medicare_line(Decimal("150.00"), Decimal("100.00")),)),
            denied_claim("D1"),
        ),
        paid_on=date(2024, 3, 15),
    )
)


@pytest.fixture
def browser_es(browser: Browser, live_server: str) -> Iterator[Page]:
    """A browser set to Mexican Spanish (it sends Accept-Language: es-MX)."""
    context = browser.new_context(base_url=live_server, locale="es-MX")
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def choose_spanish(page: Page) -> None:
    """Press 'Español' in the header and land on the same page, in Spanish."""
    with page.expect_navigation():
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")


def explain(page: Page) -> None:
    """Press the big button and wait for the results."""
    with page.expect_navigation():
        page.get_by_role("button", name="Explicar mis papeles").click()


def test_spanish_story_letter_and_handout(page: Page) -> None:
    page.goto("/")
    choose_spanish(page)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisar una factura médica")
    # The explanation's language follows the page's.
    expect(page.get_by_label("Idioma de la explicación")).to_have_value("es")
    assert_accessible(page)
    screenshot(page, "es-index")

    page.get_by_label("O escriba las líneas de su aviso").fill(STORY_NOTICE)
    page.get_by_label("O escriba las líneas de su factura").fill(STORY_BILL)
    explain(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lo que dicen sus papeles")
    first = page.locator("article.finding").first
    expect(first).to_contain_text("Señal de alerta")
    expect(first.get_by_role("heading", level=3)).to_have_text(RED_FLAG)
    expect(page.get_by_role("button", name="Imprimir esta página")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "es-results")

    with page.expect_navigation():
        page.get_by_role("button", name="Escribir una carta a Springfield Family Clinic").click()
    expect(page.get_by_role("heading", level=2, name="Qué hacer ahora")).to_be_visible()
    expect(page.get_by_label("Su carta (puede cambiarla)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "es-letter")

    page.goto("/codes/CO-253")
    expect(page.get_by_role("heading", level=1)).to_contain_text("¿Qué es CO 253?")
    expect(page.get_by_text("Usted no debe esto.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "es-code-CO-253")


def test_spanish_835_and_error_pages(page: Page) -> None:
    page.goto("/codes")
    choose_spanish(page)
    expect(page).to_have_url(re.compile(r"/codes$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("¿Qué quiere decir un código?")
    assert_accessible(page)
    page.goto("/")
    page.set_input_files(
        "#notice_files",
        files=[{"name": "remit.835", "mimeType": "application/octet-stream", "buffer": REMIT}],
    )
    explain(page)
    # An 835 opens the front-desk workspace (decision 0007), in the page's language.
    expect(page).to_have_url(re.compile(r"/workspace$"))
    expect(page.get_by_role("heading", name="Pagos en el archivo 835")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Reclamaciones")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "es-results-835")
    # The patient sheets, one for each patient, in Spanish too.
    with page.expect_navigation():
        page.get_by_role("button", name="Imprimir todas las hojas de esta lista (2)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2 hojas de pacientes para imprimir")
    expect(page.locator(".patient-sheet").first).to_contain_text(
        "Lo que esto quiere decir para usted"
    )
    assert_accessible(page)
    page.goto("/codes/NOPE999")
    expect(page.get_by_role("heading", level=1)).to_have_text("No encontramos esa página")
    assert_accessible(page)
    screenshot(page, "es-not-found")
    # Back to English from the header, on the same page.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")


def test_spanish_without_javascript_and_on_a_phone(nojs_page: Page, phone_page: Page) -> None:
    nojs_page.goto("/about-privacy")
    choose_spanish(nojs_page)
    expect(nojs_page.get_by_role("heading", level=1)).to_have_text("Qué pasa con sus papeles")
    # No JavaScript: the Spanish hint to use the browser's Print command shows instead.
    expect(nojs_page.get_by_text("use el comando Imprimir de su navegador")).to_be_visible()
    phone_page.goto("/")
    choose_spanish(phone_page)
    assert int(phone_page.evaluate("document.documentElement.scrollWidth")) <= 390
    screenshot(phone_page, "es-index-phone")


def test_a_spanish_browser_gets_spanish(browser_es: Page) -> None:
    browser_es.goto("/")
    expect(browser_es.locator("html")).to_have_attribute("lang", "es")
    expect(browser_es.get_by_role("button", name="Explicar mis papeles")).to_be_visible()
