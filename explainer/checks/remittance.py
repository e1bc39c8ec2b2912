"""An 835 remittance's own arithmetic: lines and claims balance, and the payment total matches.

Source: the 835 implementation guide (ASC X12N 005010X221A1) section 1.10.2.1 "Balancing":
a service line's charge (SVC02) equals its payment (SVC03) plus all its adjustments (CAS);
a claim's charge (CLP03) equals its payment (CLP04) plus its claim-level and line-level
adjustments; and the total payment (BPR02) equals the claim payments minus the
provider-level adjustments (PLB), where a positive PLB amount reduces the payment.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from explainer.checks.base import Bundle, make_finding, text_part
from explainer.model import (
    Adjustment,
    Claim,
    Document,
    DocumentKind,
    Evidence,
    Finding,
    ServiceLine,
)
from explainer.values import display_money

ZERO = Decimal("0")
STATUS_REVERSAL = "22"  # CLP02 22: reversal of a previous payment
MAX_TERMS = 6
MAX_LISTED = 20
"""Mismatches listed one by one per remittance; the rest are counted in one finding."""


def _remittances(bundle: Bundle) -> Iterator[Document]:
    return (document for document in bundle.documents if document.kind is DocumentKind.ERA835)


def _total(adjustments: Iterable[Adjustment]) -> Decimal:
    return sum((adjustment.amount for adjustment in adjustments), ZERO)


def _difference(billed: Decimal, paid: Decimal, adjusted: Decimal, status: str | None) -> Decimal:
    """billed − (paid + adjustments); zero when it balances.

    A reversal (CLP02 22) repeats the original claim with its charge and payment negated;
    the guide negates the CAS amounts too, but some payers send them unchanged. Either
    sign balances a reversal, so a sign slip there is not reported as a mismatch.
    """
    difference = billed - paid - adjusted
    if difference and status == STATUS_REVERSAL and billed - paid + adjusted == 0:
        return ZERO
    return difference


def _sum_text(billed: Decimal, paid: Decimal, adjustments: Iterable[Adjustment]) -> str:
    """'$80.00 + CO-45 $15.00 + PR-2 $4.00 = $99.00 ≠ $100.00': codes, no words to translate."""
    by_code: dict[str, Decimal] = {}
    for adjustment in adjustments:
        code = f"{adjustment.group.value}-{adjustment.reason}"
        by_code[code] = by_code.get(code, ZERO) + adjustment.amount
    terms = [display_money(paid)]
    terms += [
        f"{code} {display_money(amount)}" for code, amount in list(by_code.items())[:MAX_TERMS]
    ]
    if len(by_code) > MAX_TERMS:
        rest = sum(list(by_code.values())[MAX_TERMS:], ZERO)
        terms.append(f"… {display_money(rest)}")
    added = paid + sum(by_code.values(), ZERO)
    return f"{' + '.join(terms)} = {display_money(added)} ≠ {display_money(billed)}"


def _mismatch(
    bundle: Bundle,
    document: Document,
    where: str,
    billed: Decimal,
    paid: Decimal,
    adjustments: tuple[Adjustment, ...],
    difference: Decimal,
) -> Finding:
    sum_text = _sum_text(billed, paid, adjustments)
    return make_finding(
        bundle,
        "arithmetic-mismatch",
        amount=abs(difference),
        evidence=(Evidence(document.source, where, sum_text),),
        codes=tuple(dict.fromkeys(f"{a.group.value}-{a.reason}" for a in adjustments)),
        what=where,
        sum_text=sum_text,
        billed=billed,
        paid=paid,
        adjustments=_total(adjustments),
    )


def _line_difference(line: ServiceLine, status: str | None) -> Decimal | None:
    if line.billed is None or line.paid is None:
        return None
    return _difference(line.billed, line.paid, _total(line.adjustments), status)


def _claim_findings(bundle: Bundle, document: Document, claim: Claim) -> Iterator[Finding]:
    """Each unbalanced line; then the claim, unless its lines already explain its gap."""
    explained = ZERO
    for line in claim.lines:
        difference = _line_difference(line, claim.status)
        if difference:
            explained += difference
            assert line.billed is not None and line.paid is not None
            yield _mismatch(
                bundle, document, line.where, line.billed, line.paid, line.adjustments, difference
            )
    if claim.billed is None or claim.paid is None:
        return
    # With lines, the claim's adjustments are its own CAS plus every line's CAS (TR3 1.10.2.1).
    adjustments = claim.adjustments + tuple(a for line in claim.lines for a in line.adjustments)
    difference = _difference(claim.billed, claim.paid, _total(adjustments), claim.status)
    # One cause, one finding (RULES.md): a gap that equals the lines' gaps is theirs.
    if difference and difference != explained:
        yield _mismatch(
            bundle, document, claim.where, claim.billed, claim.paid, adjustments, difference
        )


def check_remittance_balancing(bundle: Bundle) -> Iterator[Finding]:
    """arithmetic-mismatch: an 835 line or claim whose charge ≠ payment + adjustments.

    Facts: X12 835 TR3 (005010X221A1) §1.10.2.1; RULES.md arithmetic-mismatch.
    """
    for document in _remittances(bundle):
        found = [f for claim in document.claims for f in _claim_findings(bundle, document, claim)]
        yield from found[:MAX_LISTED]
        if len(found) > MAX_LISTED:
            # A masked or broken file can fail on every line: list some, count the rest.
            rest = found[MAX_LISTED:]
            yield make_finding(
                bundle,
                "arithmetic-mismatch",
                amount=sum((f.amount or ZERO for f in rest), ZERO),
                evidence=(Evidence(document.source, "", str(len(rest))),),
                what=text_part(bundle, "arithmetic-mismatch", "more", count=len(rest)),
                sum_text=text_part(bundle, "arithmetic-mismatch", "see_file"),
            )


def check_payment_total(bundle: Bundle) -> Iterator[Finding]:
    """payment-total-mismatch: BPR02 ≠ Σ CLP04 − Σ PLB amounts.

    Facts: X12 835 TR3 (005010X221A1) §1.10.2.1.3; RULES.md payment-total-mismatch. A PLB
    amount is positive when it reduces the payment (e.g. a recovered overpayment).
    """
    for document in _remittances(bundle):
        bpr = document.payment_total
        if bpr is None:
            continue
        claims_total = sum(
            (claim.paid for claim in document.claims if claim.paid is not None), ZERO
        )
        plb_total = _total_plb(document)
        expected = claims_total - plb_total
        if expected == bpr:
            continue
        says = (
            f"{display_money(claims_total)} − {_signed(plb_total)} = "
            f"{display_money(expected)} ≠ {display_money(bpr)}"
        )
        where = f"payment {document.trace_number}" if document.trace_number else "payment total"
        yield make_finding(
            bundle,
            "payment-total-mismatch",
            amount=abs(expected - bpr),
            evidence=(Evidence(document.source, where, says),),
            bpr=bpr,
            claims_total=claims_total,
            plb_total=plb_total,
            expected=expected,
        )


def _signed(amount: Decimal) -> str:
    """A subtrahend in brackets when negative: '$5.75 − (-$1.27)'."""
    return f"({display_money(amount)})" if amount < 0 else display_money(amount)


def _total_plb(document: Document) -> Decimal:
    return sum((adjustment.amount for adjustment in document.provider_adjustments), ZERO)
