"""The same service charged twice, or the same claim twice (RULES.md duplicate-charge).

Not when the payer itself caught the repeat (RULES.md): a claim it turned down as an exact
duplicate (CARC 18, paid nothing) or reversed and re-processed (CLP02 = 22 and its
correction). Nobody is asked to pay twice there; `duplicate-denied` says what the payer did,
once per payment, however many repeats it holds (a real commercial 835 had 27).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ..matching import Located, is_credit, located_lines
from ..model import Claim, Document, DocumentKind, Evidence, Finding, ServiceLine
from .base import Bundle, describe_service, evidence, make_finding, text_part

ServiceKey = tuple[date | None, str | None, Decimal | None]

DUPLICATE = "18"
"""CARC 18, exact duplicate claim/service: not a patient charge (FACTS.md §2, §3)."""
REVERSAL = "22"
"""CLP02 22: the payer reverses a claim it paid before, to process it again."""
EVIDENCE_SHOWN = 20
"""Repeats named as evidence of one duplicate-denied finding; its text gives the count."""


def check_duplicate_lines(bundle: Bundle) -> Iterator[Finding]:
    """A bill lists the same date, code and amount more than once."""
    for bill in bundle.bills:
        groups: dict[ServiceKey, list[Located]] = defaultdict(list)
        for located in located_lines([bill]):
            line = located.line
            amount = line.billed if line.billed is not None else line.patient_owes
            if line.date_of_service is None or amount is None or is_credit(line):
                continue
            groups[(line.date_of_service, line.procedure_code, amount)].append(located)
        for lines in groups.values():
            if len(lines) < 2:
                continue
            first = lines[0].line
            extra = first.patient_owes if first.patient_owes is not None else first.billed
            yield make_finding(
                bundle,
                "duplicate-charge",
                amount=(extra or Decimal(0)) * (len(lines) - 1),
                evidence=tuple(
                    evidence(located, describe_service(bundle, located.line)) for located in lines
                ),
                service=describe_service(bundle, first),
                times=len(lines),
            )


def _download_key(document: Document, claim: Claim) -> tuple[object, ...]:
    """Claims downloads reuse one claim number for different visits (a 2025 Medicare.gov
    export, CARIN examples): there the same claim twice means the same dates and amounts."""
    if document.kind is not DocumentKind.CLAIMS_DOWNLOAD:
        return ()
    return (claim.date_from, claim.date_through, claim.billed, claim.paid)


def _line_denied_as_duplicate(line: ServiceLine) -> bool:
    return not line.paid and any(a.reason == DUPLICATE for a in line.adjustments)


def denied_as_duplicate(claim: Claim) -> bool:
    """The payer paid nothing and gave CARC 18: on the claim, or on every one of its lines."""
    if claim.paid or any(line.paid for line in claim.lines):
        return False
    if any(adjustment.reason == DUPLICATE for adjustment in claim.adjustments):
        return True
    return bool(claim.lines) and all(_line_denied_as_duplicate(line) for line in claim.lines)


def line_denied_as_duplicate(claim: Claim, line: ServiceLine) -> bool:
    """A line the payer turned down as a repeat (so it is no denial to appeal: line-denied)."""
    return _line_denied_as_duplicate(line) or denied_as_duplicate(claim)


def _services_key(claim: Claim) -> tuple[object, ...]:
    """The same claim twice means the same patient, services and figures: one claim number
    may stand for others (de-identified files print 9999999999-999 on every claim). Sizes,
    not signs: a reversal (CLP02 22) repeats its claim with the amounts negated."""
    lines = sorted(
        (
            str(line.date_of_service),
            line.procedure_code or "",
            abs(line.billed) if line.billed is not None else Decimal(-1),
        )
        for line in claim.lines
    )
    money = tuple(abs(value) if value is not None else None for value in _claim_money(claim))
    return (claim.patient_name, *money, claim.date_from, claim.date_through, tuple(lines))


def _claim_money(claim: Claim) -> tuple[Decimal | None, ...]:
    """Charged, paid, patient's share: a claim paid twice is adjudicated the same twice."""
    return (claim.billed, claim.paid, claim.patient_owes)


def _asks_nothing(claim: Claim) -> bool:
    """Paid nothing and put nothing on the patient: such a copy asks nobody for money."""
    return claim.paid is not None and not claim.paid and not claim.patient_owes


def describe_claim(bundle: Bundle, claim: Claim) -> str:
    """'claim for the office visit (99213) on May 12, 2025', never its number alone."""
    if not claim.lines:
        number = claim.claim_number or ""
        return text_part(bundle, "duplicate-denied", "claim_number", number=number)
    first = describe_service(bundle, claim.lines[0])
    more = len(claim.lines) - 1
    if more:
        return text_part(bundle, "duplicate-denied", "claim_more", service=first, count=more)
    return text_part(bundle, "duplicate-denied", "claim", service=first)


def check_duplicate_claims(bundle: Bundle) -> Iterator[Finding]:
    """The same claim (number and services) paid more than once among the notices.

    Copies the payer caught are not counted: those it turned down as duplicates (CARC 18),
    and each reversal (CLP02 22) takes its original out too. Copies that ask nobody for
    money (paid $0, nothing to the patient) are no second payment either.
    """
    claims: dict[tuple[object, ...], list[tuple[Document, Claim]]] = defaultdict(list)
    for document in bundle.notices:
        for claim in document.claims:
            if claim.claim_number:
                key = (
                    document.payer or "",
                    claim.claim_number,
                    *_download_key(document, claim),
                    *_services_key(claim),
                )
                claims[key].append((document, claim))
    for key, copies in claims.items():
        if len(copies) < 2:
            continue
        number = str(key[1])
        reversals = sum(1 for _, claim in copies if claim.status == REVERSAL)
        payable = [
            (document, claim)
            for document, claim in copies
            if claim.status != REVERSAL and not denied_as_duplicate(claim)
        ]
        if len(payable) - reversals < 2 or sum(not _asks_nothing(c) for _, c in payable) < 2:
            continue
        service = describe_claim(bundle, payable[0][1])
        yield make_finding(
            bundle,
            "duplicate-charge",
            amount=payable[-1][1].patient_owes,
            evidence=tuple(
                Evidence(doc.source, claim.where, f"{service} ({number})") for doc, claim in payable
            ),
            service=service,
            times=len(payable) - reversals,
        )


def check_duplicates_denied(bundle: Bundle) -> Iterator[Finding]:
    """duplicate-denied (info): what the payer did with repeats it caught, once per payment."""
    for document in bundle.notices:
        repeats = [claim for claim in document.claims if denied_as_duplicate(claim)]
        if not repeats:
            continue
        payer = document.payer or text_part(bundle, "duplicate-denied", "payer_unknown")
        first = describe_claim(bundle, repeats[0])
        story = (
            text_part(bundle, "duplicate-denied", "one", payer=payer, service=first)
            if len(repeats) == 1
            else text_part(
                bundle, "duplicate-denied", "many", payer=payer, count=len(repeats), first=first
            )
        )
        billed = [claim.billed for claim in repeats if claim.billed is not None]
        yield make_finding(
            bundle,
            "duplicate-denied",
            amount=sum(billed, Decimal(0)) if billed else None,
            evidence=tuple(
                Evidence(document.source, claim.where, describe_claim(bundle, claim))
                for claim in repeats[:EVIDENCE_SHOWN]
            ),
            codes=("OA-18",) if _under_oa(repeats) else (f"CARC {DUPLICATE}",),
            story=story,
            count=len(repeats),
        )


def _under_oa(claims: list[Claim]) -> bool:
    """Every CARC 18 of these claims stands under group OA, as the code list asks."""
    groups = {
        adjustment.group.value
        for claim in claims
        for adjustment in (
            *claim.adjustments,
            *(a for line in claim.lines for a in line.adjustments),
        )
        if adjustment.reason == DUPLICATE
    }
    return groups == {"OA"}
