"""What a bill shows by itself: a CO amount (or the sequestration cut) it puts on the patient.

RULES.md contractual-billed-to-patient: "Also when a bill by itself names an amount under a CO
code, or as sequestration, as the patient's ('Sequestration CO-253 patient portion $2.20')."
With or without a notice: a balance can ask the CO amount while each line agrees with the
notice. A line whose excess over its notice line billing.py already reports is left to it
(one cause, one finding).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..matching import Located, is_credit, located_lines
from ..model import Adjustment, Coverage, Document, Finding, Group
from .base import Bundle, describe_service, evidence, make_finding, may_owe, text_part

CENT = Decimal("0.01")
ZERO = Decimal("0")
RULE = "contractual-billed-to-patient"
NOT_MEDICARE = (Coverage.COMMERCIAL, Coverage.MEDICAID)
"""Coverages whose patients call their plan, not 1-800-MEDICARE."""
WRITTEN_OFF = (Group.CO, Group.OA, Group.PI)
"""Groups a bill takes off the charge: what is left after them is what it asks."""


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= CENT


def _contractual(located: Located) -> list[Adjustment]:
    return [a for a in located.line.adjustments if a.group is Group.CO and a.amount >= CENT]


def _kept_on_the_line(located: Located) -> Adjustment | None:
    """A CO amount the line's own figures leave in what the bill asks.

    A line that is nothing but the CO amount as the patient's ('Sequestration CO-253 patient
    portion $1.07'), or a line whose charge − payment − its write-offs other than this CO
    amount is exactly what it asks: the CO amount was not taken off.
    """
    line = located.line
    owes = line.patient_owes
    if owes is None or owes < CENT:
        return None
    for adjustment in _contractual(located):
        if line.billed is None and line.paid is None and _close(owes, adjustment.amount):
            return adjustment
        if line.billed is None:
            continue
        written_off = sum((a.amount for a in line.adjustments if a.group in WRITTEN_OFF), ZERO)
        left = line.billed - (line.paid or ZERO)
        if _close(left - (written_off - adjustment.amount), owes) and not _close(
            left - written_off, owes
        ):
            return adjustment
    return None


def _kept_in_the_balance(
    bill: Document, lines: list[Located]
) -> Iterator[tuple[Located, Adjustment]]:
    """The statement's balance exceeds its lines by exactly one line's CO amount."""
    balance = bill.statement.balance if bill.statement else None
    owed = [located.line.patient_owes for located in lines if located.line.patient_owes is not None]
    if balance is None or not owed:
        return
    excess = balance - sum(owed, ZERO)
    if excess < CENT:
        return
    for located in lines:
        for adjustment in _contractual(located):
            if _close(adjustment.amount, excess):
                yield located, adjustment
                return


def _pay_note(bundle: Bundle, located: Located) -> str:
    """What the patient may pay of the rest: the notice's figure when one matches the line."""
    notice = bundle.matching.notice_for(located.line)
    owed = may_owe(notice.line) if notice is not None else None
    if notice is None or owed is None:
        return text_part(bundle, RULE, "pay_rest")
    qmb = bundle.is_qmb(notice) and owed > 0
    return text_part(bundle, RULE, "pay_qmb" if qmb else "pay_owed", owed=owed)


def _reported_by_notice(bundle: Bundle, located: Located) -> bool:
    """billing.py already holds this line's excess over its notice line (one cause, one finding)."""
    notice = bundle.matching.notice_for(located.line)
    asked, owed = located.line.patient_owes, None if notice is None else may_owe(notice.line)
    return asked is not None and owed is not None and asked - owed >= CENT


def _finding(
    bundle: Bundle, located: Located, adjustment: Adjustment, more: Decimal = ZERO
) -> Finding:
    """The finding; `more` is what the balance asks beyond the line's own figure."""
    code = f"CO-{adjustment.reason}"
    story = "sequestration" if adjustment.reason == "253" else "contractual_bill"
    asked = (located.line.patient_owes or ZERO) + more or adjustment.amount
    service = describe_service(bundle, located.line)
    named = {"asked": asked, "service": service, "code": code, "amount": adjustment.amount}
    medicare = bundle.answers.coverage not in NOT_MEDICARE
    return make_finding(
        bundle,
        RULE,
        amount=adjustment.amount,
        evidence=(evidence(located, text_part(bundle, RULE, "bill_names", **named)),),
        codes=(code,),
        story=text_part(bundle, RULE, story, **named),
        lead=text_part(bundle, RULE, "lead_bill", **named),
        letter_variant="bill",
        call=text_part(bundle, RULE, "call_bill", **named),
        service=service,
        asked=asked,
        code=code,
        notice="—",
        pay_note=_pay_note(bundle, located),
        escalate=text_part(bundle, RULE, "escalate_medicare" if medicare else "escalate_plan"),
    )


def check_contractual_on_bill(bundle: Bundle) -> Iterator[Finding]:
    """contractual-billed-to-patient from the bill itself: it names a CO amount as the patient's."""
    for bill in bundle.bills:
        lines = [
            located
            for located in located_lines([bill])
            if not is_credit(located.line)
            and located.claim.assigned is not False
            and not _reported_by_notice(bundle, located)
        ]
        found = False
        for located in lines:
            adjustment = _kept_on_the_line(located)
            if adjustment is not None:
                found = True
                yield _finding(bundle, located, adjustment)
        if not found:
            for located, adjustment in _kept_in_the_balance(bill, lines):
                yield _finding(bundle, located, adjustment, more=adjustment.amount)
