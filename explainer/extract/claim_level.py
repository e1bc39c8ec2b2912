"""Claims whose money is given for the whole claim only (claims downloads).

A bill is checked line by line. Where a download prints a claim's payment or the person's
share only for the whole claim (an institutional EOB's totals, a Medicare.gov claim whose
payment cannot be split by arithmetic), no line can be held against the bill: saying nothing
would read as 'all is well'. Such a claim becomes an unchecked row (Document.unchecked).
"""

from __future__ import annotations

from ..model import Claim, UncheckedRow
from ..values import display_money


def whole_claim_only(claim: Claim) -> UncheckedRow | None:
    """An unchecked row when the claim's payment or share has no line to stand on."""
    figures = [("paid", claim.paid), ("you may owe", claim.patient_owes)]
    shown = [(name, amount) for name, amount in figures if amount]
    if not shown:
        return None
    if any(line.paid is not None or line.patient_owes is not None for line in claim.lines):
        return None
    said = ", ".join(f"{name} {display_money(amount)}" for name, amount in shown)
    return UncheckedRow(
        claim.where, f"given for the whole claim only ({said}): not checked line by line"
    )
