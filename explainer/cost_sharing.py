"""Medicare cost sharing (deductible, coinsurance, copays): what a QMB may never be billed.

SSA §1902(n)(3)(B); MLN SE1128 (FACTS.md §5 "QMB"). Since 2017 remits print these amounts as
PR even for a QMB, so PR alone does not mean owed (FACTS.md §7, item 8). One place for this
policy: the bottom line, the checks and the patient sheets all ask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .model import Adjustment, Coverage, Group, ServiceLine

ZERO = Decimal("0")
COST_SHARING_REASONS = frozenset({"1", "2", "3"})
"""CARC 1 deductible, 2 coinsurance, 3 copayment (FACTS.md §3)."""
QMB_REMARKS = frozenset({"N781", "N782", "N783"})
"""Remit remarks saying no deductible/coinsurance/copay may be collected (FACTS.md §3)."""
QMB_COVERAGES = frozenset(
    {Coverage.ORIGINAL_MEDICARE, Coverage.MEDICARE_ADVANTAGE, Coverage.UNKNOWN}
)
"""QMB protection binds Original Medicare and Medicare Advantage providers (FACTS.md §5)."""


def is_cost_sharing(adjustment: Adjustment) -> bool:
    """A Medicare deductible, coinsurance or copay: what a QMB never owes."""
    return adjustment.group is Group.PR and adjustment.reason in COST_SHARING_REASONS


def cost_sharing(adjustments: Iterable[Adjustment]) -> Decimal:
    """The deductible, coinsurance and copays among these adjustments."""
    return sum((a.amount for a in adjustments if is_cost_sharing(a)), ZERO)


def less_cost_sharing(share: Decimal | None, protected: Decimal) -> Decimal | None:
    """A QMB's share: what the payer says, without the cost sharing they may not be billed."""
    if share is None:
        return None
    return max(share - protected, ZERO)


def qmb_protected(line: ServiceLine, owed: Decimal) -> Decimal:
    """How much of a notice line's may-owe figure is Medicare cost sharing a QMB never owes.

    With PR codes printed, only PR 1/2/3 are cost sharing; other PR amounts (a service
    Medicare did not cover, which an ABN may make the patient's) stay. Without codes, the
    may-owe of a paid line is its deductible and coinsurance; the may-owe of a denied line is
    a non-covered charge, which stays (the page says an ABN may make it owed).
    """
    if owed <= 0:
        return ZERO
    if any(a.group is Group.PR for a in line.adjustments):
        return min(cost_sharing(line.adjustments), owed)
    if line.denied:
        return ZERO
    return owed
