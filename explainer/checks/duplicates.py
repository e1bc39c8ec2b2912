"""The same service charged twice, or the same claim twice (RULES.md duplicate-charge)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ..matching import Located, is_credit, located_lines
from ..model import Claim, Document, DocumentKind, Evidence, Finding
from .base import Bundle, describe_service, evidence, make_finding

ServiceKey = tuple[date | None, str | None, Decimal | None]


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


def check_duplicate_claims(bundle: Bundle) -> Iterator[Finding]:
    """The same claim number twice among the notices (a reversal and its correction are not)."""
    claims: dict[tuple[object, ...], list[tuple[Document, Claim]]] = defaultdict(list)
    for document in bundle.notices:
        for claim in document.claims:
            if claim.claim_number and claim.status != "22":
                key = (document.payer or "", claim.claim_number, *_download_key(document, claim))
                claims[key].append((document, claim))
    for key, copies in claims.items():
        number = str(key[1])
        if len(copies) < 2:
            continue
        yield make_finding(
            bundle,
            "duplicate-charge",
            amount=copies[-1][1].patient_owes,
            evidence=tuple(Evidence(doc.source, claim.where, number) for doc, claim in copies),
            service=number,
            times=len(copies),
        )
