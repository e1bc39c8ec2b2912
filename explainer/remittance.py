"""The front-desk view of 835 remittances: a payment's summary and CO 253 totals by month."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from explainer.model import Claim, Document, DocumentKind, Group
from explainer.values import format_money

ZERO = Decimal("0")
STATUS_DENIED = "4"  # CLP02 4: denied
STATUS_REVERSAL = "22"  # CLP02 22: reversal of a previous payment
SEQUESTRATION = "253"  # CARC 253, always under group CO (FACTS.md §1.4)


@dataclass(frozen=True, slots=True)
class RemittanceSummary:
    """One payment (one 835 transaction) at a glance, for the front desk."""

    source: str
    payer: str | None
    payee: str | None
    payment_total: Decimal | None
    payment_date: date | None
    trace_number: str | None
    claim_count: int
    line_count: int
    denied_count: int
    reversal_count: int
    sequestration_total: Decimal
    """CO 253 over claims and lines; a reversal's CO 253 counts against it."""
    provider_adjustment_total: Decimal
    """Sum of PLB amounts: positive ones were taken off the payment."""
    warning_count: int


def is_denied(claim: Claim) -> bool:
    """Denied: CLP02 is 4, or every line was paid $0 for a denial reason."""
    if claim.status == STATUS_DENIED:
        return True
    return bool(claim.lines) and all(line.denied is True for line in claim.lines)


def claim_sequestration(claim: Claim) -> Decimal:
    """CO 253 on a claim and its lines; negative for a reversal (CLP02 22).

    A reversal takes the original payment back, and with it the original cut. The guide
    negates a reversal's CAS amounts, but some payers do not: the sign is forced here.
    """
    amounts = [a.amount for a in claim.adjustments if _is_sequestration(a.group, a.reason)]
    amounts += [
        a.amount
        for line in claim.lines
        for a in line.adjustments
        if _is_sequestration(a.group, a.reason)
    ]
    total = sum(amounts, ZERO)
    return -abs(total) if claim.status == STATUS_REVERSAL else total


def _is_sequestration(group: Group, reason: str) -> bool:
    return group is Group.CO and reason == SEQUESTRATION


def summarize_remittance(document: Document) -> RemittanceSummary:
    """Counts and totals of one 835 payment."""
    claims = document.claims
    return RemittanceSummary(
        source=document.source,
        payer=document.payer,
        payee=document.payee,
        payment_total=document.payment_total,
        payment_date=document.payment_date,
        trace_number=document.trace_number,
        claim_count=len(claims),
        line_count=sum(len(claim.lines) for claim in claims),
        denied_count=sum(1 for claim in claims if is_denied(claim)),
        reversal_count=sum(1 for claim in claims if claim.status == STATUS_REVERSAL),
        sequestration_total=sum((claim_sequestration(claim) for claim in claims), ZERO),
        provider_adjustment_total=sum((plb.amount for plb in document.provider_adjustments), ZERO),
        warning_count=len(document.warnings),
    )


def sequestration_by_month(documents: Iterable[Document]) -> list[tuple[str, Decimal]]:
    """CO 253 per month ('YYYY-MM') of the payment date, oldest first; reversals subtract.

    Keyed by payment date, not date of service: this is the provider's cash view (what
    each month's remittances withheld). A remittance without any date is left out.
    """
    months: dict[str, Decimal] = {}
    for document in documents:
        if document.kind is not DocumentKind.ERA835:
            continue
        day = document.payment_date or document.notice_date
        if day is None:
            continue
        month = f"{day.year:04d}-{day.month:02d}"
        total = sum((claim_sequestration(claim) for claim in document.claims), ZERO)
        months[month] = months.get(month, ZERO) + total
    return sorted(months.items())


def sequestration_csv(rows: Sequence[tuple[str, Decimal]]) -> str:
    """The monthly CO 253 rows as CSV text with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["month", "co_253"])
    for month, amount in rows:
        writer.writerow([month, format_money(amount)])
    return buffer.getvalue()
