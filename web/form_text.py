"""Form fields decoded strictly as UTF-8: bytes that are not UTF-8 are an error, not a guess.

werkzeug decodes text fields leniently: in a multipart form it puts U+FFFD where a byte was
not UTF-8, in a URL-encoded one it keeps `%FF` as those three letters, and raw non-UTF-8
bytes in a URL-encoded body make it drop the whole form, so the person heard "we did not
get any papers" (issue 17). Papers read from damaged text would be read wrong in silence,
so an undecodable field raises `UndecodableForm`, which `web/errors.py` answers with a 400
that says what happened, in the page's language. Uploaded files are bytes and untouched.

The request class in app.py uses `StrictFormDataParser`.
"""

from __future__ import annotations

import codecs
from typing import IO, Any
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import Headers
from werkzeug.formparser import FormDataParser, MultiPartParser

STRICT_UTF8 = "bill-explainer-strict-utf-8"
"""A codec name: UTF-8 that raises UndecodableForm whatever error handling werkzeug asks for."""


class UndecodableForm(Exception):
    """A form field's bytes are not UTF-8.

    Not a ValueError on purpose: werkzeug turns a ValueError while parsing into an empty form.
    """


def _decode_strictly(data: bytes, _errors: str = "strict") -> tuple[str, int]:
    """UTF-8, ignoring the lenient error handling werkzeug passes ("replace")."""
    try:
        return codecs.utf_8_decode(data, "strict", True)
    except UnicodeDecodeError:
        raise UndecodableForm from None


def _encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    return codecs.utf_8_encode(text, errors)


def _search(name: str) -> codecs.CodecInfo | None:
    """Find our codec by name (codecs lower-cases names and turns '-' into '_')."""
    if name.replace("_", "-") != STRICT_UTF8:
        return None
    return codecs.CodecInfo(_encode, _decode_strictly, name=STRICT_UTF8)


codecs.register(_search)


class _StrictMultiPartParser(MultiPartParser):
    """werkzeug's multipart parser, with text fields decoded by the strict codec."""

    def get_part_charset(self, headers: Headers) -> str:
        """UTF-8 (the default, and what our pages send) is decoded strictly."""
        charset = super().get_part_charset(headers)
        return STRICT_UTF8 if charset == "utf-8" else charset


class StrictFormDataParser(FormDataParser):
    """Form parsing that refuses text fields which are not UTF-8 (UndecodableForm)."""

    def _parse_multipart(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> Any:
        parser = _StrictMultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
        )
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files

    def _parse_urlencoded(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> Any:
        items = []
        for pair in stream.read().split(b"&"):
            if not pair:
                continue
            name, _, value = pair.partition(b"=")
            items.append((_field_text(name), _field_text(value)))
        return stream, self.cls(items), self.cls()


def _field_text(raw: bytes) -> str:
    """A URL-encoded name or value: '+' is a space, %XX a byte, the bytes strict UTF-8."""
    return _decode_strictly(unquote_to_bytes(raw.replace(b"+", b" ")))[0]
