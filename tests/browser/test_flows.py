"""Real Chromium drives the real app: upload, type, code pages, no JavaScript, axe, print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import STORY_BILL, STORY_NOTICE

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

CORPUS_X12 = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "x12"


def submit_form(page: Page) -> None:
    """Press the big button and wait for the answer page."""
    with page.expect_navigation():
        page.get_by_role("button", name="Explain my papers").click()


def expect_co253_red_flag(page: Page) -> None:
    """The results page leads with the CO 253 red flag for $1.60."""
    expect(page.get_by_role("heading", level=1)).to_have_text("What your papers say")
    first = page.locator("article.finding").first
    expect(first).to_contain_text("Red flag")
    expect(first).to_contain_text("$1.60")
    expect(page.locator("table.lines").first).to_be_visible()
    expect(page.get_by_text("Codes on your papers")).to_be_visible()


def test_upload_notice_and_bill_files(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_title(re.compile("Check a medical bill"))
    assert_accessible(page)
    screenshot(page, "index")
    page.set_input_files(
        "#notice_files",
        files=[{"name": "msn.txt", "mimeType": "text/plain", "buffer": STORY_NOTICE.encode()}],
    )
    page.set_input_files(
        "#bill_files",
        files=[{"name": "clinic-bill.txt", "mimeType": "text/plain", "buffer": STORY_BILL.encode()}],
    )
    submit_form(page)
    expect_co253_red_flag(page)
    expect(page.get_by_text("msn.txt").first).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    screenshot(page, "results")
    screenshot(page, "results-print", print_media=True)


def test_print_media_hides_navigation_and_buttons(page: Page) -> None:
    page.goto("/")
    page.fill("#notice_text", STORY_NOTICE)
    page.fill("#bill_text", STORY_BILL)
    submit_form(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this page")).to_be_hidden()
    expect(page.locator("article.finding").first).to_be_visible()
    color = page.eval_on_selector("body", "el => getComputedStyle(el).color")
    assert color == "rgb(0, 0, 0)"


def test_type_lines_and_answer_questions(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Or type the lines of your notice").fill(STORY_NOTICE)
    page.get_by_label("Or type the lines of your bill").fill(STORY_BILL)
    # Two yes/no questions now (QMB, full Medicaid): answer the QMB one.
    page.get_by_role("group", name=re.compile("QMB")).get_by_label("No", exact=True).check()
    page.get_by_label("What kind of coverage sent the notice?").select_option("original_medicare")
    submit_form(page)
    expect_co253_red_flag(page)
    expect(page.get_by_text("The notice lines you typed").first).to_be_visible()


def page_width(page: Page) -> int:
    """How wide the page's content is (wider than the screen means sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("path", ["/", "/codes", "/codes/CO-253", "/about-privacy"])
def test_phone_pages_fit_the_screen(phone_page: Page, path: str) -> None:
    phone_page.goto(path)
    assert page_width(phone_page) <= 390


def test_phone_screen(phone_page: Page) -> None:
    phone_page.goto("/")
    screenshot(phone_page, "index-phone")
    phone_page.fill("#notice_text", STORY_NOTICE)
    phone_page.fill("#bill_text", STORY_BILL)
    submit_form(phone_page)
    expect_co253_red_flag(phone_page)
    assert_accessible(phone_page)
    # Nothing but the line table may scroll sideways.
    assert page_width(phone_page) <= 390
    screenshot(phone_page, "results-phone")


def test_code_handout(page: Page) -> None:
    page.goto("/codes/CO-253")
    expect(page.get_by_role("heading", level=1)).to_contain_text("CO 253")
    expect(page.get_by_text("You do not owe this.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "code-CO-253")
    screenshot(page, "code-CO-253-print", print_media=True)
    page.goto("/codes/CO-253?lang=es")
    expect(page.get_by_text("¿Lo debe usted?")).to_be_visible()
    assert_accessible(page)


def test_code_search(page: Page) -> None:
    page.goto("/codes")
    assert_accessible(page)
    page.get_by_role("textbox", name="Code").fill("N130")
    with page.expect_navigation():
        page.get_by_role("button", name="Look it up").click()
    link = page.get_by_role("link", name=re.compile("Open the page about N130"))
    expect(link).to_be_visible()
    assert_accessible(page)
    screenshot(page, "codes-search")
    with page.expect_navigation():
        link.click()
    expect(page).to_have_url(re.compile(r"/codes/N130$"))


def test_without_javascript(nojs_page: Page) -> None:
    page = nojs_page
    page.goto("/")
    # No JS: the Print button stays hidden and the "use your browser's Print" hint shows.
    page.goto("/codes/CO-253")
    expect(page.get_by_role("button", name="Print this page")).to_be_hidden()
    expect(page.get_by_text("use your browser’s Print command")).to_be_visible()
    screenshot(page, "code-CO-253-nojs")
    page.goto("/")
    page.fill("#notice_text", STORY_NOTICE)
    page.fill("#bill_text", STORY_BILL)
    submit_form(page)
    expect_co253_red_flag(page)
    screenshot(page, "results-nojs")


def test_without_javascript_upload(nojs_page: Page) -> None:
    nojs_page.goto("/")
    nojs_page.set_input_files(
        "#notice_files",
        files=[{"name": "msn.txt", "mimeType": "text/plain", "buffer": STORY_NOTICE.encode()}],
    )
    nojs_page.set_input_files(
        "#bill_files",
        files=[{"name": "bill.txt", "mimeType": "text/plain", "buffer": STORY_BILL.encode()}],
    )
    submit_form(nojs_page)
    expect_co253_red_flag(nojs_page)


def test_form_problem_is_announced(page: Page) -> None:
    page.goto("/")
    submit_form(page)
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("We did not get any papers")
    expect(problem).to_be_focused()
    assert_accessible(page)
    screenshot(page, "index-problem")


@pytest.mark.parametrize(
    ("path", "name"), [("/about-privacy", "about-privacy"), ("/codes/NOPE999", "not-found")]
)
def test_other_pages_are_accessible(page: Page, path: str, name: str) -> None:
    page.goto(path)
    assert_accessible(page)
    screenshot(page, name)


def test_skip_link_is_first_and_visible_on_focus(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the main part")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_no_console_errors_under_the_csp(page: Page) -> None:
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text) if msg.type == "error" else None)
    page.goto("/")
    page.goto("/codes/CO-253")
    assert not messages, messages


def test_835_remittance_results(page: Page) -> None:
    remit = CORPUS_X12 / "S02_lfh_managed_care.835"
    if not remit.exists():
        pytest.skip("shared corpus not present")
    page.goto("/")
    page.set_input_files(
        "#notice_files",
        files=[{"name": "remit.835", "mimeType": "application/octet-stream", "buffer": remit.read_bytes()}],
    )
    submit_form(page)
    # An 835 alone opens the front desk's workspace (tests/browser/test_workspace_flow.py).
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 835 payments")
    expect(page.locator("table.claims-table")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "results-835")
