"""Photo or scan → Document: OCR on this machine, then the same extractors as for PDFs.

OCR can misread, so what it was unsure of is never used as if printed: an amount read with
very little confidence is dropped (its line says it could not be read), a line with any
unsure word is marked `low_confidence`, amounts that do not add up as the paper's own
arithmetic says they must are called out, and every such line gets plain words asking for
a better photo or for the line to be typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from ..errors import UnreadableDocument, UnsupportedDocument
from ..model import Claim, Document, DocumentKind, Format, ServiceLine
from ..read.layout import Page, Word, page_rows
from ..read.ocr import ocr_image
from ..read.scan import pages_from_scanned_pdf
from ..read.upload import Role
from ..values import display_date, display_money, find_dates
from .pdf import extract_pages
from .table import LOW_CONFIDENCE

# An amount read with less confidence than this is not used at all. Measured on ~850
# amounts in degraded photos of the test papers (tests/image_fixtures.py): 1 read right
# scored below 0.7, most misreads of blurred digits did; the misreads scoring 0.7-0.85 leave
# their line unsure (< LOW_CONFIDENCE) or break the sums checked below.
UNREADABLE_BELOW = 0.7
# The marker an unreadable amount is replaced with: not an amount, not blank, one word, so
# the table reader keeps the line and reports it (extract/table.TableLine.unreadable).
UNREADABLE_MARK = "?"
# The recogniser's commonest confident misreading on blurred photos is '$' as '8', '5' or
# '4' ("$88.20" → "888.20"); on a page whose amounts (nearly) all start with '$' or one of
# these, the first character is put back to '$' and the word marked unsure (below the
# extractors' LOW_CONFIDENCE = 0.8, above UNREADABLE_BELOW: used, but to be checked).
DOLLAR_PAGE_AMOUNTS = 4
DOLLAR_PAGE_SHARE = 0.85
DOLLAR_FIXED_CONFIDENCE = 0.75
# A page where more than this share of words read unsure is a poor photo as a whole.
POOR_PAGE_SHARE = 0.3
POOR_PAGE_CONFIDENCE = 0.8
# Medicare pays 80 % of the approved amount less the 2 % sequestration cut (FACTS.md §1.4),
# so approved − paid − "may be billed" is 0 to 1.6 % of approved; 2 % plus rounding allows
# for the deductible rounding of older notices.
SEQUESTRATION_SLACK = Decimal("0.02")
ROUNDING = Decimal("0.05")

# An amount as read, with or without its '$'; and one whose '$' may be misread.
_AMOUNT_WORD = re.compile(r"^[-(]?[$S]?\d[\d,]*\.\d\d\)?$")
_MISREAD_DOLLAR = re.compile(
    r"^(?P<sign>[-(]?)(?P<lead>[S854])(?P<rest>\d{1,3}(?:,\d{3})*\.\d\d\)?)$"
)
_AMOUNT_LIKE = re.compile(r"\d[.,]\d\d\b|\$|^\(?-?\d{1,3}(,\d{3})*\.\d{1,2}\)?$")

NOTHING_READ = (
    "We could not read any words in this photo. Please take a new photo of the paper: flat, in "
    "good light without shadows, the whole page in the frame and in focus. Or type the lines "
    "of your notice or bill instead."
)
POOR_PHOTO = (
    "This photo is too unclear for us to read the notice or bill on it. Please take a new "
    "photo: lay the paper flat in good light, hold the phone straight above it so the whole "
    "page fills the frame, and keep it still. Or type the lines of your paper instead."
)
ASK_AGAIN = (
    "Some parts of this photo were hard to read (see above). For a sure reading, please take a "
    "new photo of that part of the paper (flat, in good light, in focus), or type those lines "
    "instead. We used only the amounts we could read clearly."
)


def extract_image(data: bytes, source: str, role: Role) -> Document:
    """Read a photo of a notice or bill (JPEG, PNG, HEIC, TIFF, WebP…)."""
    return extract_ocr_pages([ocr_image(data, source)], source, role)


def extract_scan(data: bytes, source: str, role: Role) -> Document:
    """Read a PDF that holds only pictures of pages (a scan), by OCR."""
    return extract_ocr_pages(pages_from_scanned_pdf(data, source), source, role)


def extract_ocr_pages(pages: Sequence[Page], source: str, role: Role) -> Document:
    """OCR pages → Document through the PDF extractors, with OCR's doubts carried through."""
    if not any(page.words for page in pages):
        raise UnreadableDocument(NOTHING_READ, source=source)
    masked = [_drop_unreadable_amounts(page) for page in pages]
    try:
        document = extract_pages(masked, source, role, Format.IMAGE)
    except UnsupportedDocument:
        # "Not a billing paper" from a blurred photo is really "could not read it".
        if all(_poor(page) for page in pages if page.words):
            raise UnreadableDocument(POOR_PHOTO, source=source) from None
        raise
    if not document.lines and all(_poor(page) for page in pages if page.words):
        raise UnreadableDocument(POOR_PHOTO, source=source)
    unsure_dates = _unsure_dates(pages)
    document = _flag_unsure_lines(document, unsure_dates)
    return replace(document, warnings=tuple(_warnings(document, pages, unsure_dates)))


# ---------------------------------------------------------------- what not to trust


def is_amount_like(text: str) -> bool:
    """Does this word look like an amount (or a misread one), rather than a word or a code?"""
    return any(ch.isdigit() for ch in text) and bool(_AMOUNT_LIKE.search(text))


def _drop_unreadable_amounts(page: Page) -> Page:
    """The page with misread dollar signs put back, and every amount read with very low
    confidence replaced by a marker."""
    dollars = _prints_dollar_signs(page)
    words = []
    for word in page.words:
        word = _dollar_sign_put_back(word, dollars)
        if word.confidence < UNREADABLE_BELOW and is_amount_like(word.text):
            word = replace(word, text=UNREADABLE_MARK)
        words.append(word)
    return replace(page, words=tuple(words))


def _prints_dollar_signs(page: Page) -> bool:
    """Does this page print '$' before its amounts (as read, or as its usual misreadings)?

    Leading 8s, 5s and 4s are a quarter of all amounts at most (Benford's law); on a page
    where nearly all amounts start with '$' or one of them, those are misread '$' signs.
    """
    amounts = [word.text.lstrip("-(") for word in page.words if _AMOUNT_WORD.match(word.text)]
    led = sum(1 for text in amounts if text[:1] in "$S854")
    return len(amounts) >= DOLLAR_PAGE_AMOUNTS and led >= DOLLAR_PAGE_SHARE * len(amounts)


def _dollar_sign_put_back(word: Word, dollars: bool) -> Word:
    """'S17.18' → '$17.18' always; '888.20' → '$88.20' on a page that prints '$' signs,
    then marked unsure, so its line asks to be checked."""
    match = _MISREAD_DOLLAR.match(word.text)
    if not match:
        return word
    fixed = f"{match['sign']}${match['rest']}"
    if match["lead"] == "S":
        return replace(word, text=fixed)
    if dollars:
        return replace(word, text=fixed, confidence=min(word.confidence, DOLLAR_FIXED_CONFIDENCE))
    return word


def _poor(page: Page) -> bool:
    """A page where many words read unsure: the photo as a whole is too poor."""
    unsure = sum(1 for word in page.words if word.confidence < POOR_PAGE_CONFIDENCE)
    return len(page.words) < 5 or unsure > POOR_PAGE_SHARE * len(page.words)


# ---------------------------------------------------------------- warnings

# A line's amounts, as the warnings name them.
_AMOUNTS = (
    ("billed", "charged"),
    ("allowed", "approved"),
    ("paid", "paid"),
    ("patient_owes", "you may owe"),
)


def _flag_unsure_lines(document: Document, unsure_dates: set[date]) -> Document:
    """Mark the lines OCR may have misread beyond what the extractor saw in their own rows.

    On a notice, a line missing an amount the other lines have was not read: a notice prints
    the same columns for every claim, so even a whole claim missing one was misread. (A
    statement's lines differ on purpose: a visit not yet paid has no payment.) And a line
    whose date of service was read from unsure words, often printed above its table.
    """
    present = _columns(document)
    claims = tuple(
        replace(
            claim,
            lines=tuple(
                replace(line, low_confidence=True)
                if _missing(line, present) or _unsure_date(line, unsure_dates)
                else line
                for line in claim.lines
            ),
        )
        for claim in document.claims
    )
    return replace(document, claims=claims)


def _unsure_dates(pages: Sequence[Page]) -> set[date]:
    """The dates printed anywhere that were read with an unsure word ('March 15,' for 11)."""
    unsure: set[date] = set()
    for page in pages:
        for row in page_rows(page):
            # Where each word starts in the row's text (words joined by single spaces).
            starts, offset = [], 0
            for word in row.words:
                starts.append(offset)
                offset += len(word.text) + 1
            for day, match in find_dates(row.text):
                words = [
                    word
                    for word, start in zip(row.words, starts, strict=True)
                    if start < match.end() and start + len(word.text) > match.start()
                ]
                if any(word.confidence < LOW_CONFIDENCE for word in words):
                    unsure.add(day)
    return unsure


def _unsure_date(line: ServiceLine, unsure_dates: set[date]) -> bool:
    return line.date_of_service in unsure_dates or line.date_through in unsure_dates


def _columns(document: Document) -> set[str]:
    """On a notice, the amounts any of its lines has: the columns its tables print."""
    if document.kind not in (DocumentKind.MSN, DocumentKind.EOB):
        return set()
    return {
        name
        for name, _ in _AMOUNTS
        if any(getattr(line, name) is not None for line in document.lines)
    }


def _missing(line: ServiceLine, present: set[str]) -> list[str]:
    """The names of the amounts this line lacks although its claim's table prints them."""
    return [label for name, label in _AMOUNTS if name in present and getattr(line, name) is None]


def _warnings(document: Document, pages: Sequence[Page], unsure_dates: set[date]) -> list[str]:
    """The extractor's warnings, then one per unsure line, sums that do not add up, the ask."""
    warnings = list(document.warnings)
    named = " ".join(warnings)
    single = len(pages) == 1
    present = _columns(document)
    if document.notice_date in unsure_dates:
        warnings.append(
            f"We are not sure we read the date of this paper ({display_date(document.notice_date)}) "
            "correctly. Please check it against your paper."
        )
    for line in document.lines:
        # Not a line the extractor named already ("could not read the amounts on one line…").
        if line.low_confidence and not (line.description and line.description in named):
            warnings.append(
                _unsure_line(
                    line, _missing(line, present), _unsure_date(line, unsure_dates), single
                )
            )
    warnings.extend(_sums_that_do_not_add_up(document, single))
    if any(page.words and _poor(page) for page in pages):
        warnings.append(
            "Much of this photo was hard to read, so some lines or amounts may be missing."
        )
    if warnings:
        warnings.append(ASK_AGAIN)
    return list(dict.fromkeys(warnings))


def _name(line: ServiceLine, single: bool) -> str:
    """'page 3, line 1 (Office visit (99214), March 4, 2025)' for a person to find the line;
    in a single photo, just 'line 1 (…)'."""
    details = [part for part in (line.description or line.procedure_code,) if part]
    if line.date_of_service:
        details.append(display_date(line.date_of_service))
    where = line.where or "one line"
    if single and where.startswith("page 1, "):
        where = where.removeprefix("page 1, ")
    return f"{where} ({', '.join(details)})" if details else where


def _unsure_line(line: ServiceLine, missing: Sequence[str], unsure_date: bool, single: bool) -> str:
    """A line with a word read unsure or an amount not read: which line, and what to do."""
    read = [
        f"{label} {display_money(getattr(line, name))}"
        for name, label in _AMOUNTS
        if getattr(line, name) is not None
    ]
    if missing:
        opening = f"We could not read the amount {' or '.join(missing)} on {_name(line, single)}."
    elif unsure_date:
        opening = f"We are not sure we read the date of {_name(line, single)} correctly."
    else:
        opening = f"We are not sure we read {_name(line, single)} correctly."
    said = f" We read: {', '.join(read)}." if read else ""
    return (
        f"{opening}{said} Please check this line against your paper; if it differs, take a "
        "clearer photo of it or type the line."
    )


def _sums_that_do_not_add_up(document: Document, single: bool) -> Iterator[str]:
    """'Please check' for amounts that break the paper's own arithmetic: one was misread."""
    for claim in document.claims:
        if document.kind is DocumentKind.MSN and claim.assigned is not False:
            for line in claim.lines:
                message = _msn_line_check(line, single)
                if message:
                    yield message
        yield from _claim_totals_check(claim)
    if document.kind is DocumentKind.MSN and document.total_you_may_be_billed is not None:
        owes = [claim.patient_owes for claim in document.claims]
        if owes and all(value is not None for value in owes):
            total = sum((value for value in owes if value is not None), Decimal("0"))
            if abs(total - document.total_you_may_be_billed) > ROUNDING:
                yield (
                    f"Please check the “Total You May Be Billed” on page 1: we read "
                    f"{display_money(document.total_you_may_be_billed)}, but the claims we read add "
                    f"up to {display_money(total)}. One of these amounts may be misread."
                )


def _msn_line_check(line: ServiceLine, single: bool) -> str | None:
    """An assigned MSN line: approved − Medicare paid ≈ the most you may be billed.

    Medicare pays 80 % of the approved amount after the deductible, less the 2 %
    sequestration cut (FACTS.md §1.4): what is left is the patient's share plus that cut.
    """
    allowed, paid, owes = line.allowed, line.paid, line.patient_owes
    if allowed is None or paid is None or owes is None or allowed <= 0:
        return None
    cut = allowed - paid - owes
    if -ROUNDING <= cut <= SEQUESTRATION_SLACK * allowed + ROUNDING:
        return None
    return (
        f"Please check {_name(line, single)}: the amounts we read do not add up. Medicare approved "
        f"{display_money(allowed)} and paid {display_money(paid)}, which leaves about "
        f"{display_money(allowed - paid)}, but we read “you may be billed” as {display_money(owes)}. "
        "One of these may be misread."
    )


def _claim_totals_check(claim: Claim) -> Iterator[str]:
    """The claim's printed total row against the sum of its lines."""
    for label, total, values in (
        ("charged", claim.billed, [line.billed for line in claim.lines]),
        ("paid", claim.paid, [line.paid for line in claim.lines]),
        ("you may owe", claim.patient_owes, [line.patient_owes for line in claim.lines]),
    ):
        if total is None or not values or any(value is None for value in values):
            continue
        summed = sum((value for value in values if value is not None), Decimal("0"))
        if abs(summed - total) > ROUNDING:
            where = claim.where or "this claim"
            who = f" from {claim.provider}" if claim.provider else ""
            yield (
                f"Please check the claim{who} ({where}): its lines add up to {display_money(summed)} "
                f"{label}, but we read its total as {display_money(total)}. One of these amounts may "
                "be misread."
            )
