"""Every error as a kind HTML page, or as JSON {error, message} under /api/: never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from explainer import (
    ContentError,
    ExplainerError,
    LimitExceeded,
    UnreadableDocument,
    UnsupportedDocument,
)

from .form_text import UndecodableForm
from .intake import BadInput

# status: (slug for the API, title, plain words for people); the words follow the page language.
HTTP_ERRORS: dict[int, tuple[str, str, str]] = {
    400: (
        "bad-request",
        lazy_gettext("Something was not right"),
        lazy_gettext("Something in what was sent was not right. Please go back and try again."),
    ),
    404: (
        "not-found",
        lazy_gettext("We could not find that page"),
        lazy_gettext(
            "We could not find that page. It may have moved, or the address may have a typo."
        ),
    ),
    405: (
        "method-not-allowed",
        lazy_gettext("This page cannot be used that way"),
        lazy_gettext("This page cannot be used that way. Please start again from the home page."),
    ),
    413: (
        "too-large",
        lazy_gettext("That is too big for us"),
        lazy_gettext(
            "That is too big. We read up to 20 MB at a time. "
            "Try fewer papers at once, or a smaller photo."
        ),
    ),
    429: (
        "too-many-requests",
        lazy_gettext("Please wait a minute"),
        lazy_gettext("Too many requests came in a short time. Please wait a minute and try again."),
    ),
    500: (
        "server-error",
        lazy_gettext("Something went wrong on our side"),
        lazy_gettext(
            "Something went wrong on our side. It is not your fault. "
            "Your papers were not kept. Please try again in a little while."
        ),
    ),
}

CSRF_TITLE = lazy_gettext("This form expired")
CSRF_MESSAGE = lazy_gettext(
    "This form expired, or it was sent from another page. Please go back and try again. "
    "You will need to choose your papers again."
)
CODE_NOT_FOUND = lazy_gettext(
    "We do not have a page for that code. "
    "Check the code on your paper, or look for it on the codes page."
)
CANNOT_READ_TITLE = lazy_gettext("We could not read that")
UNDECODABLE_MESSAGE = lazy_gettext(
    "Some of the text we received was not sent as UTF-8, so we could not read it. Please "
    "type or paste it again. If you copied it from a file, upload the file instead."
)


def status_for(error: ExplainerError) -> int:
    """The HTTP status for an engine error: the person's file problem is 4xx, our content is 500."""
    if isinstance(error, LimitExceeded):
        return 413
    if isinstance(error, ContentError):
        return 500
    return 422


def slug_for(error: ExplainerError) -> str:
    """A short, stable name for an engine error in API answers."""
    if isinstance(error, UnreadableDocument):
        return "unreadable-document"
    if isinstance(error, UnsupportedDocument):
        return "unsupported-document"
    if isinstance(error, LimitExceeded):
        return "too-large"
    if isinstance(error, ContentError):
        return "server-error"
    return "cannot-explain"


def wants_json() -> bool:
    """API paths answer errors in JSON; everything else gets a page."""
    return request.path.startswith("/api/")


def error_response(
    status: int,
    slug: str,
    message: str,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    message_lang: str | None = None,
) -> ResponseReturnValue:
    """One error, as JSON for the API or as the error page (message_lang: words not ours)."""
    if wants_json():
        # str(): the catalog's lazy words become text in the request's language here.
        response: Response = jsonify({"error": slug, "message": str(message)})
    else:
        page_title = title or HTTP_ERRORS.get(status, HTTP_ERRORS[400])[1]
        response = Response(
            render_template(
                "error.html",
                status=status,
                title=str(page_title),
                message=str(message),
                message_lang=message_lang,
            ),
            mimetype="text/html",
        )
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_error(error: HTTPException) -> ResponseReturnValue:
    """Any werkzeug HTTP error, in our own words (werkzeug's descriptions are for developers)."""
    status = error.code or 500
    slug, title, message = HTTP_ERRORS.get(status, HTTP_ERRORS[500 if status >= 500 else 400])
    if status == 404 and request.path.startswith("/codes/"):
        message = CODE_NOT_FOUND
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(status, slug, message, title, headers)


def _csrf_error(_error: CSRFError) -> ResponseReturnValue:
    """A missing, expired or wrong form token: ask the person to try again."""
    return error_response(400, "form-expired", CSRF_MESSAGE, CSRF_TITLE)


def _explainer_error(error: ExplainerError) -> ResponseReturnValue:
    """An engine error the view did not handle itself: the engine's own plain message."""
    status = status_for(error)
    if status >= 500:
        # Our content is broken: show the generic words, not the list of content problems.
        slug, title, message = HTTP_ERRORS[500]
        return error_response(500, slug, message, title)
    # The engine writes its messages in English (explainer/errors.py): say so to screen readers.
    return error_response(
        status, slug_for(error), error.message, CANNOT_READ_TITLE, message_lang="en"
    )


def _bad_input(error: BadInput) -> ResponseReturnValue:
    """Nothing sent, or an answer we do not understand."""
    return error_response(error.status, error.slug, error.message)


def _undecodable(_error: UndecodableForm) -> ResponseReturnValue:
    """A form field whose bytes are not UTF-8 (web/form_text.py): say so, not "nothing sent"."""
    return error_response(400, "bad-encoding", UNDECODABLE_MESSAGE, CANNOT_READ_TITLE)


def _server_error(_error: Exception) -> ResponseReturnValue:
    """Anything unexpected: Flask has already logged where (app.py logs no message or content)."""
    slug, title, message = HTTP_ERRORS[500]
    return error_response(500, slug, message, title)


def register(app: Flask) -> None:
    """Install the handlers; CSRF first, since CSRFError is also an HTTP 400."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(ExplainerError, _explainer_error)
    app.register_error_handler(BadInput, _bad_input)
    app.register_error_handler(UndecodableForm, _undecodable)
    app.register_error_handler(500, _server_error)
