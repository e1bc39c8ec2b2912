"""CO 253, Medicare's sequestration cut: the right amount for the date of service, and only
where it belongs (RULES.md sequestration-amount-wrong, sequestration-unexpected)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ..matching import Located
from ..model import Claim, Coverage, Document, Evidence, Finding, Group, Severity
from ..sequestration import TOLERANCE, expected_cut, rate_on
from ..values import display_date, display_percent
from .base import Bundle, evidence, make_finding
from .billing import implied_sequestration

SEQUESTRATION = "253"
NOT_SEQUESTERED = {
    Coverage.COMMERCIAL,
    Coverage.MEDICAID,
    Coverage.MEDICARE_PART_D,
    Coverage.MEDICARE_ADVANTAGE,
}
"""FACTS.md §1.5: CMS cuts its capitation to MA and Part D plans, not the plans' claims; a CO
253 on such a claim (or on commercial/Medicaid coverage) is unexpected."""


def _claim_day(claim: Claim) -> date | None:
    """Part A claims carry CO 253 at claim level; the rate follows the 'through' date (FACTS §1.3)."""
    days = [line.date_through or line.date_of_service for line in claim.lines]
    known = [day for day in days if day]
    return max(known) if known else None


def _check_one(
    bundle: Bundle,
    document: Document,
    day: date | None,
    paid: Decimal | None,
    cut: Decimal,
    proof: Evidence,
    implied: bool = False,
) -> Iterator[Finding]:
    coverage = bundle.coverage_of(document)
    rate = rate_on(bundle.library.sequestration, day)
    if not implied and coverage in NOT_SEQUESTERED:
        # RULES.md: not on Medicare Advantage, where plans may pass the cut on to their
        # contracted providers (FACTS.md §1.5): there it is explained, not flagged.
        advantage = coverage is Coverage.MEDICARE_ADVANTAGE
        yield make_finding(
            bundle,
            "sequestration-unexpected",
            amount=cut,
            evidence=(proof,),
            codes=("CO-253",),
            severity=Severity.INFO if advantage else None,
            reason=bundle.library.messages[f"coverage_{coverage.value}"][bundle.lang],
        )
        return
    if rate is None or paid is None:
        return  # Date or law unknown (FACTS.md §1.2 ✗): nothing to hold the amount against.
    if rate == 0:
        if not implied:
            yield make_finding(
                bundle,
                "sequestration-unexpected",
                amount=cut,
                evidence=(proof,),
                codes=("CO-253",),
                reason=bundle.library.messages["zero_rate_date"][bundle.lang].format(
                    date=display_date(day, bundle.lang)
                ),
            )
        return
    expected = expected_cut(rate, paid, cut)
    if abs(expected - cut) > TOLERANCE:
        yield make_finding(
            bundle,
            "sequestration-amount-wrong",
            amount=abs(expected - cut),
            evidence=(proof,),
            codes=("CO-253",),
            printed=cut,
            expected=expected,
            rate=display_percent(rate),
            date=display_date(day, bundle.lang),
            before_cut=paid + cut,
        )


def check_sequestration(bundle: Bundle) -> Iterator[Finding]:
    """Every CO 253 (printed, or implied by an MSN's numbers) against rate × (paid + cut)."""
    for document in bundle.notices:
        for claim in document.claims:
            if claim.status == "22":
                continue
            claim_cut = sum(
                (
                    a.amount
                    for a in claim.adjustments
                    if a.group is Group.CO and a.reason == SEQUESTRATION
                ),
                Decimal(0),
            )
            if claim_cut:
                proof = Evidence(
                    document.source,
                    claim.where or (claim.claim_number or ""),
                    f"CO-253 {claim_cut}",
                )
                paid = _paid(claim)
                if _cut_of_whole_paper(bundle, document, claim, claim_cut):
                    paid = None  # checked against every claim's payment: it adds up
                yield from _check_one(bundle, document, _claim_day(claim), paid, claim_cut, proof)
            for line in claim.lines:
                located = Located(document, claim, line)
                cut = line.adjustment_total(Group.CO, SEQUESTRATION)
                day = line.date_through or line.date_of_service
                if cut:
                    yield from _check_one(
                        bundle, document, day, line.paid, cut, evidence(located, f"CO-253 {cut}")
                    )
                elif not claim_cut:
                    implied = implied_sequestration(bundle, located)
                    if implied is not None:
                        yield from _check_one(
                            bundle,
                            document,
                            day,
                            line.paid,
                            implied,
                            evidence(
                                located, f"{line.allowed} − {line.paid} − {line.patient_owes}"
                            ),
                            implied=True,
                        )


def _paid(claim: Claim) -> Decimal | None:
    """What the payer paid on a claim: its printed total, else the sum of its lines."""
    if claim.paid is not None:
        return claim.paid
    paid = [line.paid for line in claim.lines]
    if not paid or any(amount is None for amount in paid):
        return None
    return sum((amount for amount in paid if amount is not None), Decimal(0))


def _cut_of_whole_paper(bundle: Bundle, document: Document, claim: Claim, cut: Decimal) -> bool:
    """A sentence such as "a reduction in payment of $2.31 has been applied due to
    sequestration" may cover every claim of the paper: it is right when it matches the rate
    times all the paper's payments, even if not this one claim's."""
    if len(document.claims) < 2:
        return False
    paid = [_paid(other) for other in document.claims if other.status != "22"]
    if any(amount is None for amount in paid):
        return False
    total = sum((amount for amount in paid if amount is not None), Decimal(0))
    rate = rate_on(bundle.library.sequestration, _claim_day(claim))
    if not rate:
        return False
    return abs(expected_cut(rate, total, cut) - cut) <= TOLERANCE
