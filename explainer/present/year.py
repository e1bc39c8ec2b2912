"""The year view of a claims download: claims grouped by provider and month, the deductible
met, and totals approved / paid / you may owe (issue 16). Printable; the web shows it.

What the person may owe is the notice's figure where printed, else the share worked out from
Medicare's payment (checks/billing.py notice_may_owe); a month where some line has neither
says so (`complete` False) rather than showing a partial sum as the whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..checks.base import Bundle
from ..checks.billing import notice_may_owe
from ..content import library
from ..matching import Located
from ..model import Claim, Document, DocumentKind, Explanation, Group
from ..values import display_month

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class YearRow:
    """One provider's claims in one month."""

    provider: str | None
    month: date | None
    """The first day of the month; None where the claim gives no date."""
    month_label: str
    """'March 2025' / 'marzo de 2025'; '' where the claim gives no date."""
    claims: int
    approved: Decimal | None
    paid: Decimal | None
    may_owe: Decimal | None
    complete: bool
    """Every line of these claims had a may-owe figure (printed or worked out)."""


@dataclass(frozen=True, slots=True)
class YearView:
    source: str
    rows: tuple[YearRow, ...]
    approved: Decimal | None
    paid: Decimal | None
    may_owe: Decimal | None
    complete: bool
    deductible: Decimal | None
    """Part B deductible applied, where the download prints it (PR 1 on its lines)."""


def _add(total: Decimal | None, amount: Decimal | None) -> Decimal | None:
    if amount is None:
        return total
    return (total or ZERO) + amount


def _claim_day(claim: Claim) -> date | None:
    days = [line.date_of_service for line in claim.lines if line.date_of_service]
    return claim.date_from or (min(days) if days else None)


def _row(
    bundle: Bundle, document: Document, key: tuple[str | None, date | None], claims: list[Claim]
) -> YearRow:
    approved = paid = owed = None
    complete = True
    for claim in claims:
        line_approved = [line.allowed for line in claim.lines if line.allowed is not None]
        approved = _add(approved, sum(line_approved, ZERO) if line_approved else None)
        line_paid = [line.paid for line in claim.lines if line.paid is not None]
        claim_paid = (
            claim.paid if claim.paid is not None else (sum(line_paid, ZERO) if line_paid else None)
        )
        paid = _add(paid, claim_paid)
        if claim.patient_owes is not None and all(line.patient_owes is None for line in claim.lines):
            owed = _add(owed, claim.patient_owes)  # printed for the claim only (2013 outpatient)
            continue
        for line in claim.lines:
            share = notice_may_owe(bundle, Located(document, claim, line))
            if share is None and (line.allowed or line.billed):
                complete = False
            owed = _add(owed, share)
    label = display_month(key[1], bundle.lang) if key[1] else ""
    return YearRow(key[0], key[1], label, len(claims), approved, paid, owed, complete)


def _deductible(document: Document) -> Decimal | None:
    found = [
        a.amount
        for line in document.lines
        for a in line.adjustments
        if a.group is Group.PR and a.reason == "1"
    ]
    return sum(found, ZERO) if found else None


def year_views(explanation: Explanation) -> tuple[YearView, ...]:
    """One view per claims download among the papers; none for other papers."""
    bundle = Bundle(explanation.documents, explanation.answers, library())
    views = []
    for document in explanation.documents:
        if document.kind is not DocumentKind.CLAIMS_DOWNLOAD:
            continue
        groups: dict[tuple[str | None, date | None], list[Claim]] = {}
        for claim in document.claims:
            day = _claim_day(claim)
            month = day.replace(day=1) if day else None
            groups.setdefault((claim.provider, month), []).append(claim)
        ordered = sorted(
            groups.items(), key=lambda item: (item[0][1] or date.max, item[0][0] or "")
        )
        rows = tuple(_row(bundle, document, key, claims) for key, claims in ordered)
        views.append(
            YearView(
                source=document.source,
                rows=rows,
                approved=_total(row.approved for row in rows),
                paid=_total(row.paid for row in rows),
                may_owe=_total(row.may_owe for row in rows),
                complete=all(row.complete for row in rows),
                deductible=_deductible(document),
            )
        )
    return tuple(views)


def _total(amounts: Iterable[Decimal | None]) -> Decimal | None:
    known = [amount for amount in amounts if amount is not None]
    return sum(known, ZERO) if known else None
