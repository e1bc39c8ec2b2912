"""PDF bytes → Pages of positioned words: the only module importing pdfplumber and pypdfium2.

pypdfium2 (PDFium, C++) opens the file first: it is fast, tells a locked file from a broken
one, counts the pages and checks each page for a text layer. pdfplumber then gives the words
with their positions. Everything stays in memory (io.BytesIO): nothing uploaded touches the
disk or the logs.
"""

from __future__ import annotations

import io
import logging
import threading
from typing import Any

import pdfplumber
import pypdfium2
import pypdfium2.raw as pdfium_c

from ..errors import LimitExceeded, UnreadableDocument, UnsupportedDocument
from .layout import Page, Word

MAX_PAGES = 50
# pdfplumber needs ~25 µs per character: a billing paper has a few thousand per page, so this
# bounds a hostile file (dense text on every page) to seconds instead of minutes.
MAX_CHARACTERS = 400_000

# pdfminer (under pdfplumber) logs the tokens it parses, page text included, at DEBUG: what
# people upload must never reach the logs (PRODUCT.md), and every failure is raised here.
logging.getLogger("pdfminer").setLevel(logging.CRITICAL)

# PDFium is not thread-safe (pypdfium2 docs, "Thread incompatibility"): one document at a
# time per process, which costs little since the text check takes a few ms per page.
_PDFIUM_LOCK = threading.Lock()

LOCKED = (
    "This PDF is locked with a password, so we cannot read it. Please open it, save or print "
    "it again without the password (for example with “Print to PDF”), and upload that copy."
)
BROKEN = (
    "We could not open this PDF: the file seems damaged or incomplete. Please download or "
    "scan it again and upload the new copy, or type the lines of your paper instead."
)
NO_TEXT = (
    "This PDF is a scan or photo with no text in it, and we cannot read scans yet. Please "
    "upload the PDF you downloaded from your plan’s or provider’s website, or type the lines "
    "of your notice or bill."
)

# The gap, as a share of the font size, that separates two words: a space is 0.25-0.33 em in
# common fonts, kerning inside a word rarely reaches 0.1 em.
WORD_GAP_RATIO = 0.2

# Page.problem values.
UNREADABLE = "unreadable"
NO_TEXT_LAYER = "no_text"


def read_pdf(data: bytes, *, source: str | None = None) -> list[Page]:
    """Read every page's words; refuse locked, broken, over-long and text-less PDFs."""
    text_lengths = _text_lengths(data, source)
    if sum(length for length in text_lengths if length > 0) > MAX_CHARACTERS:
        raise LimitExceeded(
            "This PDF holds far more text than a notice or a bill. Please upload only the pages "
            "with your claims or bill lines.",
            source=source,
        )
    if not any(length > 0 for length in text_lengths):
        if all(length < 0 for length in text_lengths):
            raise UnreadableDocument(BROKEN, source=source)
        raise UnsupportedDocument(NO_TEXT, source=source)
    return _read_words(data, text_lengths, source)


def _text_lengths(data: bytes, source: str | None) -> list[int]:
    """Characters of text on each page (0: no text layer; -1: the page could not be read)."""
    with _PDFIUM_LOCK:
        document = _open_pdfium(data, source)
        try:
            count = len(document)
            if count > MAX_PAGES:
                raise LimitExceeded(
                    f"This PDF has {count} pages. We read up to {MAX_PAGES} pages at a time: "
                    "please upload only the pages with your claims or bill lines.",
                    source=source,
                )
            if count == 0:
                raise UnreadableDocument(BROKEN, source=source)
            return [_page_text_length(document, index) for index in range(count)]
        finally:
            document.close()


def _open_pdfium(data: bytes, source: str | None) -> Any:
    """Open the PDF with PDFium, telling a password-locked file from a broken one."""
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise UnreadableDocument(LOCKED, source=source) from None
        raise UnreadableDocument(BROKEN, source=source) from None


def _page_text_length(document: Any, index: int) -> int:
    """How many printed characters one page's text layer holds (-1 if PDFium fails on it)."""
    try:
        page = document[index]
        try:
            textpage = page.get_textpage()
            try:
                return len("".join(textpage.get_text_range().split()))
            finally:
                textpage.close()
        finally:
            page.close()
    except pypdfium2.PdfiumError:
        return -1


def _read_words(data: bytes, text_lengths: list[int], source: str | None) -> list[Page]:
    """Words with positions for each page that has text; the others marked with a problem."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [
                _page_words(page, number, length)
                for number, (page, length) in enumerate(
                    zip(pdf.pages, text_lengths, strict=False), 1
                )
            ]
    # pdfminer raises many unrelated exception types (PSSyntaxError, KeyError, TypeError,
    # ValueError…) on damaged files; the person uploading needs one plain message instead.
    except Exception:
        raise UnreadableDocument(BROKEN, source=source) from None


def _page_words(page: Any, number: int, text_length: int) -> Page:
    """One pdfplumber page → Page; a page that fails is marked, not fatal."""
    width, height = float(page.width), float(page.height)
    if text_length <= 0:
        problem = NO_TEXT_LAYER if text_length == 0 else UNREADABLE
        return Page(number, width, height, (), problem=problem)
    try:
        # A tolerance in proportion to the font size, not pdfplumber's fixed 3 pt: some
        # payers' PDFs carry no space characters at all, only gaps of about a quarter em,
        # which a fixed 3 pt joins into one long "word" at small sizes (issue 13).
        raw_words = page.extract_words(
            keep_blank_chars=False, use_text_flow=False, x_tolerance_ratio=WORD_GAP_RATIO
        )
    except Exception:  # same reason as in _read_words: one bad page must not sink the rest
        return Page(number, width, height, (), problem=UNREADABLE)
    finally:
        page.close()
    words = tuple(
        Word(
            text=str(raw["text"]),
            x0=float(raw["x0"]),
            x1=float(raw["x1"]),
            top=float(raw["top"]),
            bottom=float(raw["bottom"]),
        )
        for raw in raw_words
        # Sideways text (stamps, margin codes) would break rows apart; it carries no amounts.
        if raw.get("upright", True)
    )
    return Page(number, width, height, words)
