"""Denied lines and the deadline to appeal them (RULES.md line-denied, appeal-deadline)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from ..codes import explain_code
from ..matching import Located
from ..model import (
    CodeSystem,
    Coverage,
    Document,
    DocumentKind,
    Evidence,
    Finding,
    Group,
    Severity,
)
from ..values import display_date
from .base import Bundle, describe_service, evidence, make_finding
from .duplicates import line_denied_as_duplicate

COST_SHARING = {"1", "2", "3"}
APPEAL_DAYS = 120
"""Redetermination: within 120 days of receiving the MSN (FACTS.md §4, §6; MA01)."""
ASSUMED_MAIL_DAYS = 5
"""RULES.md appeal-deadline: with no receipt date, assume 5 days after the notice date
(42 CFR 405.942's presumption; FACTS.md §4 ◐ notes that text was not retrieved)."""


def denial_reasons(located: Located) -> list[tuple[Group, str]]:
    """The reasons a line was not paid: every adjustment that is not plain cost sharing."""
    return [
        (a.group, a.reason)
        for a in located.line.adjustments
        if not (a.group is Group.PR and a.reason in COST_SHARING) and a.reason not in {"45", "253"}
    ]


def is_denied(located: Located) -> bool:
    """Paid nothing and a denial reason given; not when the approved amount went to the deductible."""
    line = located.line
    if line.paid is None or line.paid != 0:
        return bool(line.denied) and line.paid in (None, Decimal(0))
    deductible = line.adjustment_total(Group.PR, "1")
    if line.allowed is not None and line.allowed > 0 and deductible >= line.allowed:
        return False  # RULES.md: all to the deductible is not a denial.
    return bool(line.denied) or bool(denial_reasons(located))


def _denied_lines(bundle: Bundle) -> Iterator[Located]:
    for document in bundle.notices:
        for claim in document.claims:
            if claim.status == "22":
                continue
            for line in claim.lines:
                located = Located(document, claim, line)
                # A repeat turned down as a duplicate (CARC 18) is no denial to appeal: the
                # payer processed the first claim (duplicate-denied says so, once).
                if is_denied(located) and not line_denied_as_duplicate(claim, line):
                    yield located


def _reason_text(bundle: Bundle, located: Located) -> tuple[str, bool | None, tuple[str, ...]]:
    reasons = denial_reasons(located)
    if not reasons:
        return bundle.library.messages["denied_no_reason"][bundle.lang], None, ()
    group, reason = reasons[0]
    explained = explain_code(bundle.library, CodeSystem.CARC, reason, bundle.lang)
    owes = False if group in {Group.CO, Group.PI} else (True if group is Group.PR else None)
    return (
        f"{group.value}-{reason}: {explained.title}",
        owes,
        tuple(f"{g.value}-{r}" for g, r in reasons),
    )


def check_denials(bundle: Bundle) -> Iterator[Finding]:
    """line-denied: info, or a warning when a bill asks the patient to pay the denied service."""
    for located in _denied_lines(bundle):
        reason, owes, codes = _reason_text(bundle, located)
        bill = bundle.matching.bill_for(located.line)
        asked = bill.line.patient_owes if bill else None
        severity = Severity.WARNING if asked else Severity.INFO
        owes_key = {
            True: "denied_you_may_owe",
            False: "denied_you_do_not_owe",
            None: "denied_owe_depends",
        }[owes]
        proof = [evidence(located, reason)]
        if bill is not None and asked:
            proof.append(evidence(bill, f"{asked}"))
        yield make_finding(
            bundle,
            "line-denied",
            amount=asked if asked else located.line.billed,
            evidence=tuple(proof),
            severity=severity,
            codes=codes,
            service=describe_service(bundle, located.line),
            reason=reason,
            owes=bundle.library.messages[owes_key][bundle.lang],
        )


def appeal_deadline(notice_date: date | None, received: date | None) -> tuple[date | None, bool]:
    """The last day to ask for a redetermination, and whether the receipt date was assumed."""
    if received is not None:
        return received + timedelta(days=APPEAL_DAYS), False
    if notice_date is None:
        return None, True
    return notice_date + timedelta(days=ASSUMED_MAIL_DAYS + APPEAL_DAYS), True


def _is_medicare_notice(bundle: Bundle, document: Document) -> bool:
    return document.kind in {DocumentKind.MSN, DocumentKind.NOTICE} and (
        bundle.coverage_of(document) is Coverage.ORIGINAL_MEDICARE
    )


def check_appeal_deadline(bundle: Bundle) -> Iterator[Finding]:
    """appeal-deadline: an MSN with a denied line: 120 days from the day it came (FACTS.md §6)."""
    documents = {id(located.document): located.document for located in _denied_lines(bundle)}
    for document in documents.values():
        if not _is_medicare_notice(bundle, document):
            continue
        deadline, assumed = appeal_deadline(document.notice_date, bundle.answers.notice_received)
        messages = bundle.library.messages
        when = (
            display_date(deadline, bundle.lang)
            if deadline
            else messages["deadline_unknown"][bundle.lang]
        )
        assumption = messages["deadline_assumed" if assumed and deadline else "deadline_given"][
            bundle.lang
        ]
        yield make_finding(
            bundle,
            "appeal-deadline",
            deadline=deadline,
            evidence=(
                Evidence(
                    document.source,
                    messages["notice_date"][bundle.lang],
                    display_date(document.notice_date, bundle.lang),
                ),
            ),
            deadline_text=when,
            assumption=assumption.format(
                notice_date=display_date(document.notice_date, bundle.lang)
            ),
        )
