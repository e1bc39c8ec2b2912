"""The bottom line: computed once, after every finding and answer, with the findings that
changed it. Presenters (CLI text, JSON, pages, letters) only show it: no other place may state
another amount owed (issue 15)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from .checks.base import Bundle, may_owe
from .checks.billing import notice_may_owe
from .cost_sharing import QMB_COVERAGES, qmb_protected
from .matching import Located, located_lines
from .model import Document, DocumentKind, Finding, Totals
from .values import display_money

ZERO = Decimal("0")
BILL_RULES = ("contractual-billed-to-patient", "bill-exceeds-notice", "limiting-charge-exceeded")
"""Findings that say part of what a bill asks is not owed: each gets a `why` sentence."""


def _sum(amounts: Iterable[Decimal | None]) -> Decimal | None:
    known = [amount for amount in amounts if amount is not None]
    return sum(known, ZERO) if known else None


def bill_asks(documents: Iterable[Document]) -> Decimal | None:
    """What the bills ask now: a statement's balance wins, else its lines' figures (credits
    included, since a printed balance is charges less payments)."""
    asks: Decimal | None = None
    for document in documents:
        if document.is_notice:
            continue
        balance = document.statement.balance if document.statement else None
        owed = (
            balance if balance is not None else _sum(line.patient_owes for line in document.lines)
        )
        if owed is not None:
            asks = (asks or ZERO) + owed
    return asks


def patients_in(documents: Iterable[Document]) -> int:
    """How many people an 835 pays for: its claims by patient name, else one per claim."""
    people: set[str] = set()
    for document in documents:
        if document.kind is not DocumentKind.ERA835:
            continue
        for index, claim in enumerate(document.claims):
            people.add(claim.patient_name or f"{document.source}#{claim.claim_number or index}")
    return len(people)


class _Words:
    """The `totals_*` sentences of content/messages.toml, in the explanation's language."""

    def __init__(self, bundle: Bundle) -> None:
        self.messages = bundle.library.messages
        self.lang = bundle.lang

    def __call__(self, key: str, **fields: Any) -> str:
        texts = self.messages[f"totals_{key}"]
        shown = {k: display_money(v) if isinstance(v, Decimal) else v for k, v in fields.items()}
        return (texts.get(self.lang) or texts["en"]).format(**shown)


def _qmb_lines(bundle: Bundle) -> list[tuple[Located, Decimal]]:
    """Each live notice line with its may-owe figure, for the lines QMB protection covers."""
    out = []
    for located in located_lines(bundle.notices):
        owed = may_owe(located.line)
        if owed is None:
            continue
        coverage = bundle.coverage_of(located.document)
        if bundle.is_qmb(located) and coverage in QMB_COVERAGES:
            out.append((located, owed))
    return out


def _notices_may_owe(bundle: Bundle) -> Decimal | None:
    """What the notices leave the patient. A claims download holds a year of claims: with a
    bill, only its lines the bill asks about count, and where it prints no may-owe the
    figure is worked out from Medicare's payment (checks/billing.py notice_may_owe)."""
    asked_about = {id(pair.notice.line) for pair in bundle.matching.pairs}
    amounts = []
    for located in located_lines(bundle.notices):
        if located.document.kind is not DocumentKind.CLAIMS_DOWNLOAD:
            amounts.append(may_owe(located.line))
        elif not bundle.bills or id(located.line) in asked_about:
            amounts.append(notice_may_owe(bundle, located))
    return _sum(amounts)


def _findings_why(findings: Sequence[Finding], words: _Words) -> list[str]:
    """One sentence per bill finding that says part of the bill is not owed."""
    why = []
    for rule in BILL_RULES:
        amount = _sum(f.amount for f in findings if f.rule == rule)
        if amount is not None and amount > 0:
            why.append(words(rule.replace("-", "_"), amount=amount))
    return why


def compute_totals(bundle: Bundle, findings: Sequence[Finding]) -> Totals:
    """The most the patient may owe and what the bills ask, after findings and answers."""
    words = _Words(bundle)
    asks = bill_asks(bundle.documents)
    patients = patients_in(bundle.notices)
    if patients > 1:
        # One figure over many patients answers nobody (issue 15): each claim's sheet has its own.
        return Totals(None, asks, (words("per_claim", count=patients),))
    qmb = any(f.rule == "qmb-billed" for f in findings) or bundle.answers.qmb
    why: list[str] = []
    if bundle.notices:
        printed = _notices_may_owe(bundle)
        protected = [
            (qmb_protected(located.line, owed), owed) for located, owed in _qmb_lines(bundle)
        ]
        removed = sum((part for part, _ in protected), ZERO)
        qmb = bool(protected) or any(f.rule == "qmb-billed" for f in findings)
        most = None if printed is None else max(printed - removed, ZERO)
        if removed > 0:
            why.append(words("qmb_notice", amount=removed))
        elif qmb:
            why.append(words("qmb_bill"))
    else:
        most = None
        contractual = _sum(f.amount for f in findings if f.rule == "contractual-billed-to-patient")
        if qmb:
            most = ZERO
            why.append(words("qmb_bill"))
        elif contractual is not None and asks is not None:
            # A bill that itself names a CO amount as the patient's: that part is not owed.
            most = max(asks - contractual, ZERO)
    if qmb:
        why.append(words("abn"))
    why.extend(_findings_why(findings, words))
    return Totals(may_owe_at_most=most, bill_asks=asks, why=tuple(why))
