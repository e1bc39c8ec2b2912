"""Browser test fixtures: the real app on a free port, real headless Debian Chromium, axe."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app import create_app

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BAD_IMPACTS = {"serious", "critical"}


class QuietHandler(WSGIRequestHandler):
    """The dev server's request handler, minus its access log (it would print query strings)."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Log nothing."""


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The real app (CSRF on, as in production) served on 127.0.0.1 in a background thread.

    Without the per-address budget: every browser test posts from 127.0.0.1, and the budget is
    shared by all processes of the machine, so the suite would run into its own 429s. The
    budget has its own tests in tests/hardening (test_ratelimit, test_cost_limit)."""
    app = create_app(
        {"RATE_LIMIT_PER_MINUTE": 0, "BYTES_BUDGET_MB": 0, "CPU_BUDGET_SECONDS": 0}
    )
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; never a downloaded browser build."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _context(browser: Browser, live_server: str, **options: Any) -> BrowserContext:
    """A fresh browser context (own cookies) pointed at the live server."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(base_url=live_server, **options)
    context.set_default_timeout(30_000)
    return context


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A page with JavaScript on."""
    context = _context(browser, live_server)
    yield context.new_page()
    context.close()


@pytest.fixture
def nojs_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A page with JavaScript off: everything must still work."""
    context = _context(browser, live_server, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A small phone-sized screen."""
    context = _context(browser, live_server, viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str, *, print_media: bool = False) -> Path:
    """Save a full-page screenshot to tests/browser/screenshots/ (git-ignored), to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if print_media:
        page.emulate_media(media="print")
    page.screenshot(path=str(path), full_page=True)
    if print_media:
        page.emulate_media(media="screen")
    return path


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in BAD_IMPACTS]
    assert not bad, results.generate_report()
