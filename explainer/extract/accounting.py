"""Every row of a paper that holds money, accounted for: read into a line, a total, a
summary, a payment or an adjustment, or named as unchecked.

"No problems found" may only be said when nothing holding money was left unread (issue 13):
this module lists what was left, by page and row, for the document's `unchecked`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from ..model import Document, UncheckedRow
from ..read.layout import Page, Row, document_rows
from ..values import MONEY_PATTERN, find_dates, money_from_match
from .table import find_tables, is_summary_row, procedure

# An account summary or aging box runs a few rows below its label row.
SUMMARY_ROWS = 8
# Explanation text quotes amounts ("You have met $257.00 of your deductible"): a row of
# this many words, at most a quarter of them amounts, is a sentence, not a row of a table.
SENTENCE_WORDS = 9


def _amounts(text: str) -> list[Decimal]:
    found = []
    for match in MONEY_PATTERN.finditer(text):
        if "." not in match.group("num"):
            continue  # whole numbers are counts, ZIP codes, years or phone parts, not money
        value = money_from_match(match)
        if value is not None:
            found.append(abs(value))
    return found


def _known_amounts(document: Document) -> set[Decimal]:
    """Every amount the document's reading captured, wherever it went."""
    known: set[Decimal] = set()

    def add(*values: Decimal | None) -> None:
        known.update(abs(v) for v in values if v is not None)

    add(document.payment_total, document.total_you_may_be_billed)
    if document.statement:
        totals = document.statement
        add(totals.charges, totals.payments, totals.adjustments, totals.balance)
    for claim in document.claims:
        add(claim.billed, claim.paid, claim.patient_owes)
        add(*(a.amount for a in claim.adjustments))
        for line in claim.lines:
            add(line.billed, line.allowed, line.paid, line.patient_owes, line.not_covered)
            add(*(a.amount for a in line.adjustments))
    return known


def _in_summary(rows: Sequence[Row]) -> set[int]:
    """Rows of account summaries and aging boxes: they feed totals, never lines."""
    inside: set[int] = set()
    for index, row in enumerate(rows):
        if not is_summary_row(row):
            continue
        inside.add(index)
        for ahead in range(index + 1, min(len(rows), index + SUMMARY_ROWS)):
            below, above = rows[ahead], rows[ahead - 1]
            if below.page != row.page or below.top - above.bottom > 2.5 * below.height:
                break
            if procedure(below.text)[0] is not None or find_dates(below.text):
                break  # a service, or the date of the services below: not the box any more
            inside.add(ahead)
    return inside


def _looks_like_service(text: str, amounts: int) -> bool:
    """Two amounts or more, or one beside a date or a procedure code: a table row."""
    if amounts >= 2:
        return True
    return bool(find_dates(text)) or procedure(text)[0] is not None


def unchecked_rows(pages: Sequence[Page], document: Document) -> tuple[UncheckedRow, ...]:
    """Rows holding money that the reading neither used nor accounted for."""
    return tuple(_unchecked(document_rows(pages), document))


def _unchecked(rows: Sequence[Row], document: Document) -> Iterator[UncheckedRow]:
    in_tables: set[int] = set()
    for start, _, _, end in find_tables(rows):
        in_tables.update(range(start, end))
    summaries = _in_summary(rows)
    known = _known_amounts(document)
    for index, row in enumerate(rows):
        if index in in_tables or index in summaries:
            continue
        amounts = _amounts(row.text)
        if not amounts or all(amount in known or amount == 0 for amount in amounts):
            continue
        words = len(row.text.split())
        if words >= SENTENCE_WORDS and len(amounts) * 4 <= words:
            continue  # a sentence that quotes amounts
        if not _looks_like_service(row.text, len(amounts)):
            continue
        yield UncheckedRow(where=f"page {row.page}, row {row.number}", text=row.text)
