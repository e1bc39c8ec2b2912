"""A provider statement's own arithmetic: balance = charges − payments − adjustments."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..model import Document, Evidence, Finding, Group
from ..values import display_money
from .base import Bundle, make_finding

CENT = Decimal("0.01")


def _co_moved(bill: Document, difference: Decimal) -> bool:
    """The balance asks exactly one line's CO amount more than its sums: that CO amount was
    moved to the patient, and contractual-billed-to-patient says so (one cause, one finding)."""
    return difference >= CENT and any(
        abs(a.amount - difference) <= CENT
        for line in bill.lines
        for a in line.adjustments
        if a.group is Group.CO
    )


def check_statement_balance(bundle: Bundle) -> Iterator[Finding]:
    """arithmetic-mismatch on a bill whose printed totals do not add up (RULES.md)."""
    for bill in bundle.bills:
        totals = bill.statement
        if totals is None or None in (totals.charges, totals.payments, totals.balance):
            continue
        assert (
            totals.charges is not None
            and totals.payments is not None
            and totals.balance is not None
        )
        adjustments = totals.adjustments or Decimal(0)
        # Ledgers print payments and adjustments as credits, with or without a minus sign.
        expected = totals.charges - abs(totals.payments) - abs(adjustments)
        if abs(expected - totals.balance) <= CENT or _co_moved(bill, totals.balance - expected):
            continue
        sum_text = (
            f"{display_money(totals.charges)} − {display_money(abs(totals.payments))} − "
            f"{display_money(abs(adjustments))} = {display_money(expected)} ≠ {display_money(totals.balance)}"
        )
        yield make_finding(
            bundle,
            "arithmetic-mismatch",
            amount=abs(totals.balance - expected),
            evidence=(Evidence(bill.source, totals.where or "totals", sum_text),),
            what=bill.source,
            sum_text=sum_text,
        )
