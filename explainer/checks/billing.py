"""The bill held against the notice: contractual amounts, excess, QMB, limiting charge, dates,
services missing from the notice, and provider names (RULES.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ..matching import Located, Pair
from ..model import Coverage, DocumentKind, Evidence, Finding, Group, ServiceLine, Severity
from ..sequestration import cut_implied_by_payment, rate_on
from ..values import cents, display_date, display_percent
from .base import (
    Bundle,
    describe_service,
    document_name,
    evidence,
    make_finding,
    may_owe,
    text_part,
)

CENT = Decimal("0.01")
LIMITING_FACTOR = Decimal("1.15")
"""42 CFR 414.48(b): 115% of the non-participating amount, which is what an unassigned MSN
line shows as approved (FACTS.md §5); never apply it to a participating fee."""
SUPPLIER_PREFIXES = ("E", "K", "L")
"""HCPCS DME, temporary DME and orthotics/prosthetics: suppliers have no limiting charge."""
MEDICARE_COVERAGES = {Coverage.ORIGINAL_MEDICARE, Coverage.MEDICARE_ADVANTAGE, Coverage.UNKNOWN}


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= CENT


def _co_amount_matching(notice: Located, excess: Decimal) -> str | None:
    """The CO code(s) on the notice whose amount equals the excess, as 'CO-253'."""
    adjustments = [
        a for a in (*notice.line.adjustments, *notice.claim.adjustments) if a.group is Group.CO
    ]
    for adjustment in adjustments:
        if _close(adjustment.amount, excess):
            return f"CO-{adjustment.reason}"
    if len(adjustments) > 1 and _close(sum((a.amount for a in adjustments), Decimal(0)), excess):
        return " + ".join(f"CO-{a.reason}" for a in adjustments)
    return None


def _assigned_medicare_download(bundle: Bundle, notice: Located) -> bool:
    """A claims-download line of an Original Medicare claim paid to the provider."""
    # A download may mix Part B with Part D claims: each claim says its own coverage.
    coverage = notice.claim.coverage
    if coverage is Coverage.UNKNOWN:
        coverage = bundle.coverage_of(notice.document)
    return (
        notice.document.kind is DocumentKind.CLAIMS_DOWNLOAD
        and coverage is Coverage.ORIGINAL_MEDICARE
        and notice.claim.assigned is True
    )


def payment_cut(bundle: Bundle, notice: Located) -> Decimal | None:
    """The cut implied by Medicare's payment on a claims-download line: paid × r / (1 − r) at
    the rate for the date of service, on an Original Medicare line paid to the provider.
    Downloads print no CO 253, and approved − paid − cost-shares would also hold a primary
    payer's payment (MSP), which they do not always print: the payment is the sure figure."""
    line = notice.line
    if not _assigned_medicare_download(bundle, notice) or not line.paid or line.paid < 0:
        return None
    rate = rate_on(bundle.library.sequestration, line.date_through or line.date_of_service)
    return cut_implied_by_payment(rate, line.paid) if rate else None


def download_cut(bundle: Bundle, notice: Located) -> Decimal | None:
    """On a claims download that prints no may-owe: the cut implied by Medicare's payment."""
    return None if may_owe(notice.line) is not None else payment_cut(bundle, notice)


def notice_may_owe(bundle: Bundle, notice: Located) -> Decimal | None:
    """What the notice line leaves the patient: printed, else on a claims download that
    prints none, approved − paid − the cut implied by the payment (deductible + coinsurance;
    all of the approved amount where Medicare paid nothing, under the deductible)."""
    line = notice.line
    owed = may_owe(line)
    if owed is not None:
        return owed
    if (
        not _assigned_medicare_download(bundle, notice)
        or line.allowed is None
        or line.paid is None
        or line.paid < 0
    ):
        return None
    rate = rate_on(bundle.library.sequestration, line.date_through or line.date_of_service)
    if rate is None:
        return None  # the law for that date is unknown (FACTS.md §1.2)
    cut = cut_implied_by_payment(rate, line.paid) if rate else Decimal(0)
    left = line.allowed - line.paid - cut
    return left if left >= 0 else None


def implied_sequestration(bundle: Bundle, notice: Located) -> Decimal | None:
    """Approved − paid − may-owe on an assigned Original Medicare line; on a claims download,
    the cut implied by Medicare's payment (RULES.md)."""
    line = notice.line
    if notice.document.kind is DocumentKind.CLAIMS_DOWNLOAD:
        return payment_cut(bundle, notice)
    if not bundle.is_original_medicare(notice.document) or notice.claim.assigned is False:
        return None
    owed = may_owe(line)
    if line.allowed is None or line.paid is None or owed is None or not line.paid:
        return None
    implied = line.allowed - line.paid - owed
    return implied if implied >= CENT else None


def _is_supplier(notice: Located) -> bool:
    code = notice.line.procedure_code or ""
    return notice.claim.is_supplier or code.startswith(SUPPLIER_PREFIXES)


def limiting_charge(bundle: Bundle, notice: Located) -> Decimal | None:
    """The most a non-participating provider may charge on this unassigned line, if it applies."""
    if (
        notice.claim.assigned is not False
        or not bundle.is_original_medicare(notice.document)
        or notice.line.allowed is None
        or _is_supplier(notice)
    ):
        return None
    return cents(notice.line.allowed * LIMITING_FACTOR)


def _evidence_pair(
    bundle: Bundle, pair: Pair, asked: Decimal, owed: Decimal, qmb: bool = False
) -> tuple[Evidence, ...]:
    """What the bill asks and what the notice prints. For a QMB the notice's figure is quoted
    as the paper's column, never as what they may owe: the bottom line says $0.00 (issue 15)."""
    lang_asks = text_part(bundle, "bill-exceeds-notice", "bill_asks", asked=asked)
    says = "notice_lists_qmb" if qmb and owed > 0 else "notice_says"
    lang_owes = text_part(bundle, "bill-exceeds-notice", says, owed=owed)
    return (evidence(pair.bill, lang_asks), evidence(pair.notice, lang_owes))


def _contractual_steps(
    bundle: Bundle, coverage: Coverage, qmb: bool, owed: Decimal
) -> dict[str, str]:
    """What to pay and whom to call: never 'you can pay' to a QMB (the bottom line says $0),
    never 1-800-MEDICARE on a commercial or Medicaid paper."""
    rule = "contractual-billed-to-patient"
    medicare = coverage in MEDICARE_COVERAGES
    return {
        "pay_note": text_part(bundle, rule, "pay_qmb" if qmb else "pay_owed", owed=owed),
        "escalate": text_part(bundle, rule, "escalate_medicare" if medicare else "escalate_plan"),
    }


def _implied_story(bundle: Bundle, notice: Located, excess: Decimal) -> str:
    """How the notice shows the cut: by its own subtraction, or (a claims download that prints
    no may-owe) by Medicare's payment and the rate for the date of service."""
    rule = "contractual-billed-to-patient"
    rate = rate_on(
        bundle.library.sequestration, notice.line.date_through or notice.line.date_of_service
    )
    if payment_cut(bundle, notice) is None or not rate:
        return text_part(bundle, rule, "implied", amount=excess)
    return text_part(
        bundle,
        rule,
        "implied_download",
        amount=excess,
        paid=notice.line.paid,
        rate=display_percent(rate),
        keep=display_percent(1 - rate),
    )


def _contractual_words(
    bundle: Bundle, fields: dict[str, Any], excess: Decimal, qmb: bool = False
) -> dict[str, str]:
    """The opening sentences and the call script when a notice says what may be owed (a bill
    alone words them from the bill: checks/bill_alone.py). For a QMB the notice's figure is
    cost sharing they do not owe either: no sentence may call it owed (issue 15)."""
    rule = "contractual-billed-to-patient"
    named = {key: fields[key] for key in ("asked", "service", "notice", "owed")}
    variant = "qmb" if qmb else "notice"
    return {
        "lead": text_part(bundle, rule, f"lead_{variant}", **named),
        "call": text_part(bundle, rule, f"call_{variant}", owed=fields["owed"], amount=excess),
    }


def _compare(bundle: Bundle, pair: Pair) -> Iterator[Finding]:
    asked = pair.bill.line.patient_owes
    owed = notice_may_owe(bundle, pair.notice)
    if asked is None or owed is None or asked <= 0:
        return
    service = describe_service(bundle, pair.bill.line)
    notice_name = document_name(bundle, pair.notice.document)
    coverage = bundle.coverage_of(pair.notice.document)
    qmb = bundle.is_qmb(pair.notice) and coverage in MEDICARE_COVERAGES
    proof = _evidence_pair(bundle, pair, asked, owed, qmb)
    if qmb and owed > 0:
        yield make_finding(
            bundle,
            "qmb-billed",
            amount=min(asked, owed),
            evidence=proof,
            service=service,
            asked=asked,
            owed=owed,
            notice=notice_name,
        )
    excess = asked - owed
    if excess < CENT:
        return
    limit = limiting_charge(bundle, pair.notice)
    if limit is not None and asked > limit:
        return  # check_limiting_charge reports it: one cause, one finding.
    fields: dict[str, Any] = {
        "service": service,
        "asked": asked,
        "owed": owed,
        "notice": notice_name,
    }
    fields.update(_contractual_steps(bundle, coverage, qmb and owed > 0, owed))
    fields.update(_contractual_words(bundle, fields, excess, qmb and owed > 0))
    if pair.notice.line.low_confidence:
        fields["severity"] = Severity.INFO  # rests on a row we are unsure of (RULES.md)
    co_code = (
        None
        if pair.notice.claim.assigned is False and coverage is Coverage.ORIGINAL_MEDICARE
        else _co_amount_matching(pair.notice, excess)
    )
    if co_code:
        story = "sequestration" if co_code == "CO-253" else "contractual"
        yield make_finding(
            bundle,
            "contractual-billed-to-patient",
            amount=excess,
            evidence=proof,
            codes=tuple(co_code.split(" + ")),
            story=text_part(
                bundle, "contractual-billed-to-patient", story, code=co_code, amount=excess
            ),
            **fields,
        )
        return
    implied = implied_sequestration(bundle, pair.notice)
    if implied is not None and _close(implied, excess):
        yield make_finding(
            bundle,
            "contractual-billed-to-patient",
            amount=excess,
            evidence=proof,
            codes=("CO-253",),
            story=_implied_story(bundle, pair.notice, excess),
            **fields,
        )
        return
    yield make_finding(bundle, "bill-exceeds-notice", amount=excess, evidence=proof, **fields)


def check_bill_against_notice(bundle: Bundle) -> Iterator[Finding]:
    """contractual-billed-to-patient, bill-exceeds-notice and qmb-billed, per matched line."""
    for pair in bundle.matching.pairs:
        yield from _compare(bundle, pair)


def check_qmb_without_notice(bundle: Bundle) -> Iterator[Finding]:
    """qmb-billed where the user says QMB and gave only bills: any Medicare cost sharing is barred."""
    if not bundle.answers.qmb or bundle.notices:
        return
    for bill in bundle.bills:
        asked = sum((line.patient_owes or Decimal(0) for line in bill.lines), Decimal(0))
        if bill.statement and bill.statement.balance is not None:
            asked = bill.statement.balance
        if asked > 0:
            yield make_finding(
                bundle,
                "qmb-billed",
                amount=asked,
                evidence=(),
                service=bill.source,
                asked=asked,
                owed=Decimal(0),
                notice="—",
            )


def check_limiting_charge(bundle: Bundle) -> Iterator[Finding]:
    """limiting-charge-exceeded: an unassigned claim charged over 115% of the approved amount."""
    for document in bundle.notices:
        for claim in document.claims:
            for line in claim.lines:
                notice = Located(document, claim, line)
                limit = limiting_charge(bundle, notice)
                if limit is None:
                    continue
                bill = bundle.matching.bill_for(line)
                charges = [line.billed]
                if bill is not None:
                    charges += [bill.line.billed, bill.line.patient_owes]
                charge = max((c for c in charges if c is not None), default=None)
                if charge is None or charge <= limit:
                    continue
                proof = [
                    evidence(
                        notice,
                        text_part(
                            bundle,
                            "limiting-charge-exceeded",
                            "approved",
                            approved=line.allowed,
                            limit=limit,
                        ),
                    )
                ]
                if bill is not None:
                    proof.append(
                        evidence(
                            bill,
                            text_part(bundle, "limiting-charge-exceeded", "charged", charge=charge),
                        )
                    )
                yield make_finding(
                    bundle,
                    "limiting-charge-exceeded",
                    amount=charge - limit,
                    evidence=tuple(proof),
                    service=describe_service(bundle, line),
                    charge=charge,
                    approved=line.allowed,
                    limit=limit,
                )


def check_dates(bundle: Bundle) -> Iterator[Finding]:
    """date-mismatch: same code and amount on bill and notice, under different dates."""
    for pair in bundle.matching.date_mismatches:
        bill_day, notice_day = pair.bill.line.date_of_service, pair.notice.line.date_of_service
        yield make_finding(
            bundle,
            "date-mismatch",
            amount=pair.bill.line.patient_owes,
            evidence=(
                evidence(pair.bill, display_date(bill_day, bundle.lang)),
                evidence(pair.notice, display_date(notice_day, bundle.lang)),
            ),
            service=describe_service(bundle, pair.bill.line),
            bill_date=display_date(bill_day, bundle.lang),
            notice_date=display_date(notice_day, bundle.lang),
        )


def check_services_on_notice(bundle: Bundle) -> Iterator[Finding]:
    """service-not-on-notice: a bill line that matches no notice line given with it."""
    paired = [pair.bill.line for pair in bundle.matching.pairs]
    for bill in bundle.matching.unmatched:
        if not (bill.line.patient_owes or bill.line.billed):
            continue
        if any(_same_charge(bill.line, other) for other in paired):
            continue  # a repeat of a line that is on the notice: duplicate-charge says so
        yield make_finding(
            bundle,
            "service-not-on-notice",
            amount=bill.line.patient_owes,
            evidence=(evidence(bill, describe_service(bundle, bill.line)),),
            service=describe_service(bundle, bill.line),
        )


def _same_charge(line: ServiceLine, other: ServiceLine) -> bool:
    return (
        line.date_of_service == other.date_of_service
        and line.procedure_code == other.procedure_code
        and line.billed == other.billed
        and line.patient_owes == other.patient_owes
    )


_NAME_NOISE = {
    "the",
    "and",
    "of",
    "llc",
    "inc",
    "pc",
    "pa",
    "md",
    "do",
    "dr",
    "ltd",
    "pllc",
    "corp",
    "clinic",
    "medical",
    "center",
    "centre",
    "group",
    "associates",
    "health",
    "healthcare",
    "hospital",
    "services",
    "practice",
    "physicians",
    "care",
    "family",
}


def _name_tokens(name: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", name.lower())
    return {word for word in words if len(word) > 2 and word not in _NAME_NOISE}


def names_agree(a: str, b: str) -> bool:
    """Two provider names plausibly the same: a shared distinctive word, or one inside the other."""
    tokens_a, tokens_b = _name_tokens(a), _name_tokens(b)
    if not tokens_a or not tokens_b:
        return a.strip().lower() == b.strip().lower() or not (tokens_a and tokens_b)
    return bool(tokens_a & tokens_b)


def check_providers(bundle: Bundle) -> Iterator[Finding]:
    """provider-mismatch: the bill's provider is not the provider on the matching notice claim."""
    seen: set[tuple[int, int]] = set()
    for pair in (*bundle.matching.pairs, *bundle.matching.date_mismatches):
        key = (id(pair.bill.claim), id(pair.notice.claim))
        billed_by, noticed = pair.bill.claim.provider, pair.notice.claim.provider
        if key in seen or not billed_by or not noticed:
            continue
        seen.add(key)
        if names_agree(billed_by, noticed):
            continue
        yield make_finding(
            bundle,
            "provider-mismatch",
            evidence=(evidence(pair.bill, billed_by), evidence(pair.notice, noticed)),
            bill_provider=billed_by,
            notice_provider=noticed,
            severity=Severity.WARNING,
        )
