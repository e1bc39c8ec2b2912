"""One claim's bottom line on a remittance: what that one patient may owe (issue 15).

An 835 pays for many patients, so its bottom line is per claim, never a sum across people
(explainer/totals.py). The patient sheets, the CLI and the JSON all take it from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..cost_sharing import QMB_REMARKS, cost_sharing, less_cost_sharing
from ..model import Adjustment, Claim, Group, ServiceLine
from ..remittance import STATUS_REVERSAL

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class ClaimShare:
    """What the payer says the patient may owe on one claim, after QMB protection."""

    may_owe: Decimal | None
    """None for a reversal (it takes back an old claim; it is no new bill) or when unknown."""
    protected: Decimal
    """Medicare cost sharing a QMB never owes (N781–N783 on the claim), taken off."""
    qmb: bool
    reversal: bool


def _sum(amounts: Iterable[Decimal | None]) -> Decimal | None:
    known = [amount for amount in amounts if amount is not None]
    return sum(known, ZERO) if known else None


def adjustments_of(claim: Claim) -> list[Adjustment]:
    """The claim's and its lines' adjustments, one per group and reason, amounts added up."""
    totals: dict[tuple[Group, str], Decimal] = {}
    every = [*claim.adjustments, *(a for line in claim.lines for a in line.adjustments)]
    for adjustment in every:
        key = (adjustment.group, adjustment.reason)
        totals[key] = totals.get(key, ZERO) + adjustment.amount
    return [Adjustment(group, reason, amount) for (group, reason), amount in totals.items()]


def remarks_of(claim: Claim) -> list[str]:
    """Every remark code on the claim and its lines, once each."""
    every = [*claim.remarks, *(remark for line in claim.lines for remark in line.remarks)]
    return list(dict.fromkeys(every))


def patient_share(claim: Claim) -> Decimal | None:
    """What the payer says the patient may owe: CLP05, else the lines' own figures."""
    if claim.patient_owes is not None:
        return claim.patient_owes
    return _sum(line.patient_owes for line in claim.lines)


def line_owes(line: ServiceLine, qmb: bool) -> Decimal | None:
    """What the patient may owe for one line; a QMB never owes its cost sharing."""
    if not qmb:
        return line.patient_owes
    return less_cost_sharing(line.patient_owes, cost_sharing(line.adjustments))


def claim_share(claim: Claim) -> ClaimShare:
    """The claim's own bottom line: the payer's patient share less a QMB's cost sharing."""
    reversal = claim.status == STATUS_REVERSAL
    qmb = not reversal and any(remark in QMB_REMARKS for remark in remarks_of(claim))
    protected = cost_sharing(adjustments_of(claim)) if qmb else ZERO
    may_owe = None if reversal else less_cost_sharing(patient_share(claim), protected)
    return ClaimShare(may_owe=may_owe, protected=protected, qmb=qmb, reversal=reversal)
