"""The bottom line: the most the notices say the patient may owe, and what the bills ask."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .model import Document, ServiceLine, Totals


def _sum_owed(lines: Iterable[ServiceLine]) -> Decimal | None:
    amounts = [line.patient_owes for line in lines if line.patient_owes is not None]
    return sum(amounts, Decimal("0")) if amounts else None


def compute_totals(documents: Iterable[Document]) -> Totals:
    """Add up 'may owe' over notices and 'asks' over bills (a statement's balance wins)."""
    documents = list(documents)
    notice_lines = [
        line
        for document in documents
        if document.is_notice
        for claim in document.claims
        if claim.status != "22"
        for line in claim.lines
    ]
    asks: Decimal | None = None
    for document in documents:
        if document.is_notice:
            continue
        balance = document.statement.balance if document.statement else None
        owed = balance if balance is not None else _sum_owed(document.lines)
        if owed is not None:
            asks = (asks or Decimal("0")) + owed
    return Totals(may_owe_at_most=_sum_owed(notice_lines), bill_asks=asks)
