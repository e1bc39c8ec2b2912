"""Patient sheets from an 835: one large-print page per claim, in plain words, to hand over."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext
from markupsafe import Markup, escape

from explainer.cost_sharing import is_cost_sharing as _is_cost_sharing
from explainer.model import (
    Claim,
    Coverage,
    Document,
    DocumentKind,
)
from explainer.present.claim_share import adjustments_of as _adjustments
from explainer.present.claim_share import claim_share
from explainer.present.claim_share import line_owes as _owes
from explainer.present.claim_share import remarks_of as _remarks
from explainer.remittance import STATUS_REVERSAL, is_denied
from explainer.values import display_date, display_money

from .language import words_in
from .view import CodeIndex, owes_words

ZERO = Decimal("0")
# 1-800-633-4227, 1-800-MEDICARE: a line break after one of their hyphens misleads a caller.
PHONE = re.compile(r"\b1-\d{3}-(?:\d{3}-\d{4}|[A-Z]{4,})")
MEDICARE_COVERAGE = (Coverage.ORIGINAL_MEDICARE, Coverage.MEDICARE_ADVANTAGE)


def _words() -> dict[str, str]:
    """The sheet's words in the current language ({placeholders} are filled in later)."""
    return {
        "section": gettext("A page for each patient"),
        "section_intro": gettext(
            "Each page below explains one claim in plain words and large print. Print it "
            "and hand it to the patient. Each page prints on its own sheet of paper."
        ),
        "sheets_only": gettext("When I print, print only these patient pages"),
        "pick": gettext("Print this page (if you tick some pages, only those print)"),
        "print_sheets": gettext("Print the patient pages"),
        "kicker": gettext("What this means for you"),
        "heading": gettext("Your visit and what {payer} paid"),
        "heading_plain": gettext("Your visit and what your plan paid"),
        "patient": gettext("Patient"),
        "office": gettext("Office"),
        "provider": gettext("Seen by"),
        "paid_by": gettext("Paid by"),
        "paid_on": gettext("on {date}"),
        "claim": gettext("Claim number"),
        "plan_paid": gettext("Your plan paid the office"),
        "may_owe": gettext("You may owe"),
        "services": gettext("Your services"),
        "date": gettext("Date"),
        "service": gettext("Service"),
        "charged": gettext("Charged"),
        "paid": gettext("Plan paid"),
        "owes": gettext("You may owe"),
        "not_paid": gettext("Not paid"),
        "service_code": gettext("Service {code}"),
        "a_service": gettext("A service"),
        "codes": gettext("What the codes mean"),
        "todo": gettext("What to do"),
        "owe_up_to": gettext("You may owe up to {amount} for these services."),
        "owe_nothing": gettext("You owe nothing for these services."),
        "owe_unknown": gettext("We could not tell what you may owe. Please ask the office."),
        "denied": gettext("{payer} did not pay for this."),
        "denied_plain": gettext("Your plan did not pay for this."),
        "qmb": gettext(
            "With QMB, you do not owe the {amount} of deductible, coinsurance or copays."
        ),
        "reversal": gettext(
            "This takes back an earlier payment from {payer}. It is not a bill for you."
        ),
        "reversal_plain": gettext(
            "This takes back an earlier payment from your plan. It is not a bill for you."
        ),
        "qmb_owes": gettext("With QMB, you do not owe this."),
        "step_bill": gettext(
            "You may get a bill from {office}. For these services it should ask no more "
            "than {amount}."
        ),
        "step_bill_plain": gettext(
            "You may get a bill. For these services it should ask no more than {amount}."
        ),
        "step_other": gettext(
            "Other insurance (Medigap, a supplement plan or Medicaid) may pay some or all "
            "of this. Show the office that card."
        ),
        "step_qmb": gettext(
            "Show the office your QMB or Medicaid card. The office may not bill you for "
            "Medicare deductibles, coinsurance or copays. If you paid them, ask for your "
            "money back."
        ),
        "step_denied": gettext(
            "If you think this should be paid, ask the office about an appeal. Your own "
            "notice from {payer} tells you how to appeal and by when."
        ),
        "step_denied_plain": gettext(
            "If you think this should be paid, ask the office about an appeal. Your own "
            "notice from your plan tells you how to appeal and by when."
        ),
        "step_reversal": gettext(
            "The office may send the claim again. If you get a new bill, compare it with "
            "your notice."
        ),
        "step_show": gettext("If a bill asks for more, show this page to the billing office."),
        "help_medicare": gettext(
            "Medicare questions? Call 1-800-MEDICARE (1-800-633-4227, TTY 1-877-486-2048)."
        ),
        "help_plan": gettext("Questions about your plan? Call the number on your insurance card."),
    }


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One service as the patient reads it."""

    day: str
    service: str
    charged: Decimal | None
    paid: Decimal | None
    owes: Decimal | None
    denied: bool


@dataclass(frozen=True, slots=True)
class SheetCode:
    """One code on the claim, with what it means and whether the patient owes it."""

    label: str
    amount: Decimal | None
    title: str
    plain: str
    owes: str


@dataclass(frozen=True, slots=True)
class PatientSheet:
    """One claim of an 835 as a one-page handout for its patient."""

    anchor: str
    lang: str
    heading: str
    patient: str | None
    office: str | None
    provider: str | None
    payer: str | None
    paid_on: str
    claim_number: str | None
    plan_paid: Decimal | None
    may_owe: Decimal | None
    answers: tuple[str, ...]
    """The big-print answers: did the plan pay, and what may the patient owe."""
    reversal: bool
    """It takes back an earlier payment: no figures a patient could read as a bill."""
    lines: tuple[SheetLine, ...]
    codes: tuple[SheetCode, ...]
    steps: tuple[str, ...]


def sheet_words(lang: str) -> Mapping[str, str]:
    """The sheet's words in the explanation's language (a sheet is handed to the patient)."""
    return words_in(lang, _words)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    """The total of the amounts that are known; None when none is."""
    known = [value for value in values if value is not None]
    return sum(known, ZERO) if known else None


def _service(codes: CodeIndex, code: str | None, w: Mapping[str, str]) -> str:
    """'Office visit (99214)': our lay name, never the AMA descriptor (PRODUCT.md "Not ours")."""
    if not code:
        return w["a_service"]
    found = codes.procedure(code)
    if not found.known:
        return w["service_code"].format(code=code)
    title = found.title[:1].upper() + found.title[1:]
    return f"{title} ({code})"


def _codes(
    claim: Claim, codes: CodeIndex, qmb: bool, lang: str, reversal: bool = False
) -> tuple[SheetCode, ...]:
    """Each code in plain words; PR cost sharing is not owed under QMB (RULES.md qmb-billed)."""
    # The sheet must fit one page: a code the patient does not owe gets its title and "You do
    # not owe this"; the longer words are kept for what they may owe and for unknown codes.
    # A reversal's codes are only named: "You may owe this" there would read as a new bill.
    w = sheet_words(lang)
    explained = []
    for adjustment in _adjustments(claim):
        group = codes.group(adjustment.group.value)
        reason = codes.reason(adjustment.reason)
        protected = qmb and _is_cost_sharing(adjustment)
        owes = w["qmb_owes"] if protected else owes_words(group.patient_pays, lang)
        may_owe = group.patient_pays is not False and not protected
        explained.append(
            SheetCode(
                label=f"{adjustment.group.value} {adjustment.reason}",
                amount=adjustment.amount,
                title=reason.title,
                plain=reason.plain if (may_owe and not reversal) or not reason.known else "",
                owes="" if reversal else owes,
            )
        )
    for remark in _remarks(claim):
        note = codes.remark(remark)
        explained.append(SheetCode(remark, None, note.title, "" if note.known else note.plain, ""))
    return tuple(explained)


def _answers(
    claim: Claim,
    payer: str | None,
    may_owe: Decimal | None,
    protected: Decimal,
    w: Mapping[str, str],
) -> tuple[str, ...]:
    """The one to three sentences in big print at the top of the sheet."""
    if claim.status == STATUS_REVERSAL:
        return (w["reversal"].format(payer=payer) if payer else w["reversal_plain"],)
    answers = []
    if is_denied(claim):
        answers.append(w["denied"].format(payer=payer) if payer else w["denied_plain"])
    if protected > 0:
        answers.append(w["qmb"].format(amount=display_money(protected)))
    if may_owe is None:
        answers.append(w["owe_unknown"])
    elif may_owe > 0:
        answers.append(w["owe_up_to"].format(amount=display_money(may_owe)))
    else:
        answers.append(w["owe_nothing"])
    return tuple(answers)


def _steps(
    claim: Claim,
    document: Document,
    may_owe: Decimal | None,
    qmb: bool,
    w: Mapping[str, str],
) -> tuple[str, ...]:
    """What the patient does next, most useful first."""
    payer = document.payer
    steps = []
    if claim.status == STATUS_REVERSAL:
        steps.append(w["step_reversal"])
    else:
        if is_denied(claim):
            steps.append(w["step_denied"].format(payer=payer) if payer else w["step_denied_plain"])
        if qmb:
            steps.append(w["step_qmb"])
        if may_owe is not None and may_owe > 0:
            amount = display_money(may_owe)
            office = document.payee
            steps.append(
                w["step_bill"].format(office=office, amount=amount)
                if office
                else w["step_bill_plain"].format(amount=amount)
            )
            steps.append(w["step_other"])
        steps.append(w["step_show"])
    medicare = claim.coverage in MEDICARE_COVERAGE or document.coverage in MEDICARE_COVERAGE
    steps.append(w["help_medicare"] if medicare else w["help_plan"])
    return tuple(steps)


def patient_sheet(
    document: Document, claim: Claim, anchor: str, codes: CodeIndex, lang: str
) -> PatientSheet:
    """One claim as a patient's page: services, what the plan paid, what they may owe, codes."""
    w = sheet_words(lang)
    # The claim's bottom line is the engine's (explainer/present/claim_share.py): the CLI and
    # the API show the same figure.
    share = claim_share(claim)
    reversal, qmb, protected, may_owe = share.reversal, share.qmb, share.protected, share.may_owe
    plan_paid = claim.paid if claim.paid is not None else _sum(line.paid for line in claim.lines)
    payer = document.payer
    lines = tuple(
        SheetLine(
            day=display_date(line.date_of_service or claim.date_from, lang)
            if (line.date_of_service or claim.date_from)
            else "",
            service=_service(codes, line.procedure_code, w),
            charged=line.billed,
            paid=line.paid,
            owes=None if reversal else _owes(line, qmb),
            denied=bool(line.denied),
        )
        for line in claim.lines
    )
    return PatientSheet(
        anchor=anchor,
        lang=lang,
        heading=w["heading"].format(payer=payer) if payer else w["heading_plain"],
        patient=claim.patient_name,
        office=document.payee,
        provider=claim.provider if claim.provider != document.payee else None,
        payer=payer,
        paid_on=display_date(document.payment_date, lang) if document.payment_date else "",
        claim_number=claim.claim_number,
        plan_paid=plan_paid,
        may_owe=may_owe,
        answers=_answers(claim, payer, may_owe, protected, w),
        reversal=reversal,
        lines=lines,
        codes=_codes(claim, codes, qmb, lang, reversal),
        steps=_steps(claim, document, may_owe, qmb, w),
    )


def patient_sheets(
    documents: Iterable[tuple[int, Document]], codes: CodeIndex, lang: str
) -> list[PatientSheet]:
    """A sheet for every claim of every 835 payment, anchored 'sheet-<paper>-<claim>'."""
    return [
        patient_sheet(document, claim, f"sheet-{index}-{number}", codes, lang)
        for index, document in documents
        if document.kind is DocumentKind.ERA835
        for number, claim in enumerate(document.claims, start=1)
    ]


def phones(text: str) -> Markup:
    """The text, escaped, with each phone number kept on one line (template filter 'phones')."""
    escaped = str(escape(text))
    return Markup(PHONE.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', escaped))
