"""Which bill line is which notice line: by date and code, else by code and amount.

A stage between extract and check: every bill-against-notice rule reads the same pairs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .model import Claim, Document, ServiceLine


@dataclass(frozen=True, slots=True)
class Located:
    """A service line with the claim and document it stands in."""

    document: Document
    claim: Claim
    line: ServiceLine

    def label(self) -> str:
        return (
            f"{self.document.source}, {self.line.where}"
            if self.line.where
            else self.document.source
        )


@dataclass(frozen=True, slots=True)
class Pair:
    """A bill line matched to the notice line for the same service."""

    bill: Located
    notice: Located


@dataclass(frozen=True, slots=True)
class Matching:
    """The result of matching every bill line against the notices."""

    pairs: tuple[Pair, ...]
    date_mismatches: tuple[Pair, ...]
    """Same code and amount, different date: RULES.md date-mismatch."""
    unmatched: tuple[Located, ...]
    """Bill lines that match no notice line (only when there are notices to match)."""

    def bill_for(self, notice_line: ServiceLine) -> Located | None:
        """The bill line matched to this notice line, if any."""
        return next((pair.bill for pair in self.pairs if pair.notice.line is notice_line), None)

    def notice_for(self, bill_line: ServiceLine) -> Located | None:
        """The notice line matched to this bill line, if any."""
        return next((pair.notice for pair in self.pairs if pair.bill.line is bill_line), None)


def is_credit(line: ServiceLine) -> bool:
    """A payment or credit row on a bill ('Medicare payment -$78.40'): money paid in, not a
    service. Checks never treat it as a charge (issue 15), and it pairs with no notice line."""
    amounts = [a for a in (line.billed, line.patient_owes) if a is not None]
    return bool(amounts) and all(amount < 0 for amount in amounts)


def located_lines(documents: Sequence[Document]) -> Iterator[Located]:
    """Every line of every live claim (reversed claims, 835 status 22, are not services)."""
    for document in documents:
        for claim in document.claims:
            if claim.status == "22":
                continue
            for line in claim.lines:
                yield Located(document, claim, line)


def _same_code(bill: ServiceLine, notice: ServiceLine) -> bool | None:
    if bill.procedure_code and notice.procedure_code:
        return bill.procedure_code == notice.procedure_code
    return None


def _score(bill: ServiceLine, notice: ServiceLine) -> int:
    """How well two lines agree: 0 = not the same service."""
    if bill.date_of_service is None or notice.date_of_service is None:
        same_day = None
    else:
        same_day = (
            notice.date_of_service
            <= bill.date_of_service
            <= (notice.date_through or notice.date_of_service)
        )
    same_code = _same_code(bill, notice)
    same_charge = bill.billed is not None and bill.billed == notice.billed
    if same_day is False or same_code is False:
        return 0
    score = 0
    score += 4 if same_day else 0
    score += 4 if same_code else 0
    score += 2 if same_charge else 0
    # Without a date or a code on one side, a charge alone is too weak to call it a match.
    return score if score >= 4 and (same_day or same_code) else 0


def _moved_date(bill: ServiceLine, notice: ServiceLine) -> bool:
    return (
        bill.date_of_service is not None
        and notice.date_of_service is not None
        and bill.date_of_service != notice.date_of_service
        and _same_code(bill, notice) is True
        and bill.billed is not None
        and bill.billed == notice.billed
    )


def match_lines(documents: Sequence[Document]) -> Matching:
    """Pair each bill line with its best notice line; each notice line is used once."""
    bills = [
        bill
        for bill in located_lines([d for d in documents if not d.is_notice])
        if not is_credit(bill.line)
    ]
    if not bills:
        return Matching((), (), ())  # a remittance alone: nothing to match (and 10,000s of lines)
    notices = list(located_lines([d for d in documents if d.is_notice]))
    used: set[int] = set()
    pairs: list[Pair] = []
    moved: list[Pair] = []
    unmatched: list[Located] = []
    for bill in bills:
        scored = [
            (_score(bill.line, notice.line), index)
            for index, notice in enumerate(notices)
            if index not in used
        ]
        best = max(scored, default=(0, -1))
        if best[0] > 0:
            used.add(best[1])
            pairs.append(Pair(bill, notices[best[1]]))
            continue
        twin = next(
            (
                index
                for index, notice in enumerate(notices)
                if index not in used and _moved_date(bill.line, notice.line)
            ),
            None,
        )
        if twin is not None:
            used.add(twin)
            moved.append(Pair(bill, notices[twin]))
        elif notices:
            unmatched.append(bill)
    return Matching(tuple(pairs), tuple(moved), tuple(unmatched))
