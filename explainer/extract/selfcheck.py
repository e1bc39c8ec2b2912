"""Every claim table checked by its own arithmetic, claims split at their group rows, and
adjustments stated in sentences attached to their claim.

A read that fails its own totals is not trusted silently (issue 13, RULES.md): the claim's
lines are marked low confidence, so findings resting on them become `info`, and a warning
names the page and the sums that disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal

from ..model import Adjustment, Claim, ServiceLine
from ..read.layout import Row
from ..values import display_money
from .sentences import stated_adjustments
from .table import Field, TableLine

TOLERANCE = Decimal("0.01")


def split_by_headings(lines: Sequence[TableLine]) -> list[list[TableLine]]:
    """One table's lines as claims: a group heading row, or a line after a claim's total
    row, starts the next claim. Grand totals stay with the last claim (its reader skips them)."""
    groups: list[list[TableLine]] = [[]]
    for line in lines:
        current = groups[-1]
        closed = any(item.total and not item.grand_total for item in current)
        has_lines = any(not item.total for item in current)
        starts_new = (line.headings and has_lines) or (closed and not line.total)
        if starts_new:
            groups.append([line])
        else:
            current.append(line)
    return [group for group in groups if group]


_CHECKED: tuple[tuple[str, Callable[[ServiceLine], Decimal | None], Field], ...] = (
    ("charged", lambda line: line.billed, Field.BILLED),
    ("paid", lambda line: line.paid, Field.PAID),
    ("you may owe", lambda line: line.patient_owes, Field.OWES),
)


def _sum(
    lines: Sequence[ServiceLine], amount: Callable[[ServiceLine], Decimal | None]
) -> Decimal | None:
    values = [amount(line) for line in lines]
    if not values or any(value is None for value in values):
        return None
    return sum((value for value in values if value is not None), Decimal("0"))


def _disagreements(lines: Sequence[ServiceLine], printed: dict[str, Decimal | None]) -> list[str]:
    """'charged: the lines add up to $X, the total says $Y' for each sum that fails."""
    found = []
    for name, amount, _ in _CHECKED:
        total = printed.get(name)
        added = _sum(lines, amount)
        if total is None or added is None:
            continue
        if abs(added - total) > TOLERANCE:
            found.append(
                f"{name}: the lines add up to {display_money(added)}, "
                f"the total says {display_money(total)}"
            )
    return found


def _doubt(claim: Claim) -> Claim:
    lines = tuple(replace(line, low_confidence=True) for line in claim.lines)
    return replace(claim, lines=lines)


def self_check(
    claims: Sequence[Claim], grand_totals: Sequence[TableLine] = ()
) -> tuple[list[Claim], list[str]]:
    """Each claim against its printed total row, and all claims against a grand total."""
    checked: list[Claim] = []
    warnings: list[str] = []
    for claim in claims:
        printed = {"charged": claim.billed, "paid": claim.paid, "you may owe": claim.patient_owes}
        problems = _disagreements(claim.lines, printed)
        if problems and claim.lines:
            where = claim.where or "this paper"
            warnings.append(
                f"We could not read the claim table on {where} reliably: its amounts do not add "
                f"up to its totals ({'; '.join(problems)}). Please check these lines yourself."
            )
            claim = _doubt(claim)
        checked.append(claim)
    for grand in grand_totals:
        every_line = [line for claim in checked for line in claim.lines]
        printed = {name: grand.money(column) for name, _, column in _CHECKED}
        problems = _disagreements(every_line, printed)
        if problems and every_line:
            warnings.append(
                f"We could not read page {grand.page} reliably: the lines do not add up to the "
                f"paper's own totals ({'; '.join(problems)}). Please check these lines yourself."
            )
            checked = [_doubt(claim) for claim in checked]
    return checked, warnings


def _paragraphs(rows: Sequence[Row], skip: set[int]) -> list[tuple[int, str]]:
    """Runs of rows outside tables, on one page, joined: sentences wrap over rows."""
    found: list[tuple[int, str]] = []
    start: int | None = None
    texts: list[str] = []
    for index, row in enumerate(rows):
        breaks = index in skip or (start is not None and row.page != rows[start].page)
        if breaks and start is not None:
            found.append((start, " ".join(texts)))
            start, texts = None, []
        if index in skip:
            continue
        if start is None:
            start = index
        texts.append(row.text)
    if start is not None:
        found.append((start, " ".join(texts)))
    return found


def _has(claim: Claim, adjustment: Adjustment) -> bool:
    every = [*claim.adjustments, *(a for line in claim.lines for a in line.adjustments)]
    return any(
        (a.group, a.reason, a.amount) == (adjustment.group, adjustment.reason, adjustment.amount)
        for a in every
    )


def with_stated_adjustments(
    rows: Sequence[Row], claims: list[Claim], claim_starts: Sequence[int], skip: set[int]
) -> list[Claim]:
    """Adjustments stated in sentences outside the tables, on the claim printed above them
    (or the first claim when the sentence comes before every table)."""
    if not claims:
        return claims
    result = list(claims)
    for first_row, text in _paragraphs(rows, skip):
        for stated in stated_adjustments(text):
            above = [k for k, start in enumerate(claim_starts) if start <= first_row]
            target = above[-1] if above else 0
            claim = result[target]
            if _has(claim, stated.adjustment):
                continue
            result[target] = replace(claim, adjustments=(*claim.adjustments, stated.adjustment))
    return result
