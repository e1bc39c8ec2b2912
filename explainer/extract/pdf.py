"""PDF → Document: reads the pages, tells what kind of paper it is from its content, and sends
its words to the MSN, EOB or provider-statement extractor.

The content decides; the role the user gave (Role.NOTICE / Role.BILL) only breaks a tie,
so a Medicare Summary Notice uploaded as a "bill" is still read as the notice it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..errors import UnsupportedDocument
from ..model import Document, DocumentKind, Format
from ..read.layout import Page, document_rows
from ..read.pdf import NO_TEXT, NO_TEXT_LAYER, UNREADABLE, read_pdf
from ..read.upload import Role
from .accounting import unchecked_rows
from .eob import extract_eob
from .msn import extract_msn
from .statement import extract_statement
from .table import MONEY_FIELDS, Field, find_tables

Extractor = Callable[[Sequence[Page], str, Format], Document]

_EXTRACTORS: dict[DocumentKind, Extractor] = {
    DocumentKind.MSN: extract_msn,
    DocumentKind.EOB: extract_eob,
    DocumentKind.PROVIDER_BILL: extract_statement,
}

# What each kind of paper says about itself, and how strongly that tells it apart.
_MARKERS: dict[DocumentKind, tuple[tuple[re.Pattern[str], int], ...]] = {
    DocumentKind.MSN: (
        (re.compile(r"medicare\s+summary\s+notice"), 5),
        (re.compile(r"(maximum|total)\s+you\s+may\s+be\s+billed"), 3),
        (
            re.compile(
                r"your\s+(unassigned\s+|inpatient\s+|outpatient\s+)?claims\s+for\s+part\s+[ab]"
            ),
            3,
        ),
    ),
    DocumentKind.EOB: (
        (re.compile(r"explanation\s+of\s+benefits"), 4),
        (re.compile(r"this\s+is\s+not\s+a\s+bill"), 2),
        (
            re.compile(
                r"(plan|we)\s+paid|your\s+plan|member\s+id|allowed\s+amount|claim\s+(number|#)"
            ),
            1,
        ),
    ),
    DocumentKind.PROVIDER_BILL: (
        (
            re.compile(
                r"balance\s+due|amount\s+due|please\s+pay|pay\s+this\s+amount|make\s+checks\s+payable"
            ),
            3,
        ),
        (re.compile(r"statement\s+date|amount\s+enclosed|patient\s+balance"), 2),
        (re.compile(r"\bstatement\b|account\s+(number|#)|\binvoice\b"), 1),
    ),
}
_MSN_SURE = 3
_NOTICE_COLUMNS = frozenset(
    {Field.ALLOWED, Field.PAID, Field.DEDUCTIBLE, Field.COPAY, Field.COINSURANCE}
)
_BILL_COLUMNS = frozenset({Field.BALANCE, Field.PAYMENTS, Field.ADJUSTMENTS, Field.AMOUNT})

NOT_A_BILLING_PAPER = (
    "This PDF does not look like a Medicare Summary Notice, an insurer’s Explanation of Benefits "
    "or a bill from a provider: we found no table of services with amounts in it. If it is one "
    "of these, please type its lines instead."
)


def extract_pdf(data: bytes, source: str, role: Role) -> Document:
    """Read a PDF notice or bill into a Document; what could not be read becomes a warning."""
    try:
        pages = read_pdf(data, source=source)
    except UnsupportedDocument as error:
        if error.message != NO_TEXT:
            raise
        # A scan saved as PDF has no text layer: its pages are read as pictures (issue 7).
        from .image import extract_scan

        return extract_scan(data, source, role)
    return extract_pages(pages, source, role, Format.PDF)


def extract_pages(pages: Sequence[Page], source: str, role: Role, format: Format) -> Document:
    """Pages of words, from the PDF reader or from OCR, → the Document they print."""
    kind = paper_kind(pages, role)
    if kind is None:
        raise UnsupportedDocument(NOT_A_BILLING_PAPER, source=source)
    document = _EXTRACTORS[kind](pages, source, format)
    document = replace(document, unchecked=unchecked_rows(pages, document))
    warnings = [*_page_warnings(pages), *document.warnings]
    if not document.lines:
        warnings.append(
            "We could not find any service lines with amounts in this paper. Please check that it "
            "is the right file, or type its lines instead."
        )
    return replace(document, warnings=tuple(warnings))


def paper_kind(pages: Sequence[Page], role: Role = Role.AUTO) -> DocumentKind | None:
    """MSN, EOB or provider bill, from what the paper says; the role breaks a tie."""
    text = " ".join(word.text for page in pages for word in page.words).lower()
    scores = {kind: _score(text, markers) for kind, markers in _MARKERS.items()}
    if scores[DocumentKind.MSN] >= _MSN_SURE:
        return DocumentKind.MSN
    notice, bill = scores[DocumentKind.EOB], scores[DocumentKind.PROVIDER_BILL]
    if notice != bill:
        return DocumentKind.EOB if notice > bill else DocumentKind.PROVIDER_BILL
    if role is Role.BILL:
        return DocumentKind.PROVIDER_BILL
    if role is Role.NOTICE:
        return DocumentKind.EOB
    return _kind_from_columns(pages)


def _score(text: str, markers: Sequence[tuple[re.Pattern[str], int]]) -> int:
    return sum(weight for pattern, weight in markers if pattern.search(text))


def _kind_from_columns(pages: Sequence[Page]) -> DocumentKind | None:
    """No words say what the paper is: its table's columns may (allowed/paid vs balance)."""
    fields: set[Field] = set()
    for _, header, _, _ in find_tables(document_rows(pages)):
        fields.update(header.fields)
    if not fields & MONEY_FIELDS:
        return None
    if len(fields & _BILL_COLUMNS) > len(fields & _NOTICE_COLUMNS):
        return DocumentKind.PROVIDER_BILL
    return DocumentKind.EOB


def _page_warnings(pages: Sequence[Page]) -> list[str]:
    """Plain words for every page the reader could not read."""
    warnings = []
    for page in pages:
        if page.problem == UNREADABLE:
            warnings.append(f"We could not read page {page.number}.")
        elif page.problem == NO_TEXT_LAYER:
            warnings.append(
                f"Page {page.number} has no text we can read (it may be a scan or a blank page), "
                "so we left it out."
            )
    return warnings
