"""Signed hidden fields: facts a results page carries to the next request, since nothing is stored."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext
from itsdangerous import BadData, URLSafeSerializer

from .intake import BadInput

# A signed field is a few hundred characters; anything far longer was not made by us.
MAX_TOKEN_CHARS = 50_000

BROKEN_MESSAGE = lazy_gettext(
    "This button's form is broken or too old. "
    "Please check your papers again, then use the button on the new results page."
)


def _serializer(salt: str) -> URLSafeSerializer:
    """One serializer per purpose: a token made for one form is refused by another."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(value: Any, salt: str) -> str:
    """The value as JSON, signed with the app's SECRET_KEY so the page cannot change it."""
    return _serializer(salt).dumps(value)


def unsign(token: str | None, salt: str, message: str = BROKEN_MESSAGE) -> Any:
    """The value back; a missing, changed or foreign token is a plain 400 (BadInput)."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise BadInput("bad-form", message)
    try:
        return _serializer(salt).loads(token)
    except BadData:
        # Also a restarted server with a new random key: the page is simply too old.
        raise BadInput("bad-form", message) from None
