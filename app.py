"""create_app(): config, the in-memory request class, blueprints, error handlers, content once."""

from __future__ import annotations

import io
import logging
import os
import secrets
import traceback
from typing import IO, Any

from flask import Flask, Request, Response
from flask_wtf.csrf import CSRFProtect

from explainer.content import library
from explainer.resources import package_folder
from web import LIBRARY_KEY
from web.form_text import StrictFormDataParser

MEGABYTE = 1024 * 1024

csrf = CSRFProtect()


class InMemoryRequest(Request):
    """A request whose uploaded files stay in memory.

    werkzeug's default_stream_factory spools any upload above 500 KB to a
    SpooledTemporaryFile on disk; we promise that papers are never written to disk
    (PRODUCT.md "Promises"), so every file part goes into a BytesIO. MAX_CONTENT_LENGTH
    bounds how much memory one request can take. Text fields that are not UTF-8 are
    refused (web/form_text.py), never guessed at.
    """

    form_data_parser_class = StrictFormDataParser

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        """Return a memory buffer for one uploaded file, never a temporary file."""
        return io.BytesIO()


class BillExplainerApp(Flask):
    """Flask, with in-memory uploads and exception logs that carry no document content."""

    request_class = InMemoryRequest

    def log_exception(self, exc_info: Any) -> None:
        """Log where an unhandled error happened, but not its message (it may quote a paper)."""
        _type, error, tb = exc_info
        # Only the exception type and the code locations: no message, no locals, no URL query.
        where = "".join(traceback.format_tb(tb)) if tb else ""
        self.logger.error("Unhandled %s\n%s", type(error).__name__, where)


def _config(test_config: dict[str, Any] | None) -> dict[str, Any]:
    """The settings: safe defaults, the environment, then the test's overrides."""
    config: dict[str, Any] = {
        # A random per-process key is fine: gunicorn preloads the app, so workers share it,
        # and sessions only carry the CSRF token.
        "SECRET_KEY": os.environ.get("BILL_EXPLAINER_SECRET_KEY") or secrets.token_hex(32),
        "MAX_CONTENT_LENGTH": 20 * MEGABYTE,
        # Typed lines stay in memory too; 2 MB of text is far more than any notice or bill.
        "MAX_FORM_MEMORY_SIZE": 2 * MEGABYTE,
        "MAX_FORM_PARTS": 200,
        "WTF_CSRF_ENABLED": True,
        # Many of our users read slowly and look for papers mid-form: keep the token valid
        # for the browser session instead of the default hour.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("BILL_EXPLAINER_SECURE_COOKIES", "") == "1",
        "TEMPLATES_AUTO_RELOAD": False,
    }
    if test_config:
        config.update(test_config)
    return config


# Scripts and styles only from /static (no inline code anywhere), no framing, no referrer leaks.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # One rule for the whole app: pages quote someone's papers, letters carry their name, and
    # even a handout may be reached from them; no browser or proxy keeps any of it (issue 15).
    # Static files keep their own caching (send_file sets Cache-Control first).
    "Cache-Control": "no-store",
}


def _security_headers(response: Response) -> Response:
    """Add the security headers to every answer."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the web app; a ContentError from the content library stops start-up."""
    # templates/ and static/ ship inside the web package (docs/decisions/0006-package-data.md).
    app = BillExplainerApp(
        __name__,
        template_folder=package_folder("web", "templates"),
        static_folder=package_folder("web", "static"),
    )
    app.config.from_mapping(_config(test_config))
    app.logger.setLevel(logging.INFO)
    # Keep the contract's field order (schema, documents, findings, codes) in API answers.
    app.json.sort_keys = False  # type: ignore[attr-defined]

    # Loaded (and validated) once; a broken content/ raises ContentError here, on purpose.
    app.extensions[LIBRARY_KEY] = library()

    csrf.init_app(app)

    from web import api, errors, guards, language, letters, pages, remittance, workspace

    # English and Spanish pages; the catalogs are loaded here, once (see web/language.py).
    language.init_app(app)

    app.register_blueprint(pages.bp)
    app.register_blueprint(letters.bp)
    app.register_blueprint(remittance.bp)
    app.register_blueprint(workspace.bp)
    workspace.init_app(app)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)
    errors.register(app)
    guards.install(app)
    app.after_request(_security_headers)
    pages.register_template_helpers(app)
    return app
