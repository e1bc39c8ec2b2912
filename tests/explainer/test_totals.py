"""The one bottom line (explainer/totals.py): computed after every finding and answer, shown
the same everywhere, never contradicted (issue 15)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from explainer import Answers, Coverage, explain
from explainer.content import library
from explainer.model import (
    Adjustment,
    Claim,
    Document,
    DocumentKind,
    Format,
    Group,
    ServiceLine,
    Severity,
)
from explainer.present.json import explanation_to_dict
from explainer.present.text import render_text
from tests.conftest import TODAY, explain_typed, validate_contract

MSN = "Medicare Summary Notice\nNotice date: 04/10/2025\nProvider: Springfield Family Clinic\n"
VISIT = (
    "03/04/2025 99214 office visit billed $150.00 approved $100.00 paid $78.40 you may owe $20.00\n"
)
BILL = "Springfield Family Clinic\nStatement\n03/04/2025 99214 office visit balance due $21.60\n"


def _every_word(explanation) -> str:  # type: ignore[no-untyped-def]
    """Everything the CLI and the JSON say, as one text."""
    return render_text(explanation, library()) + json.dumps(explanation_to_dict(explanation))


def test_without_qmb_the_notice_figure_stands_and_the_co_amount_is_why() -> None:
    explanation = explain_typed(MSN + VISIT + "CO-253 $1.60\n", BILL)
    totals = explanation.totals
    assert totals.may_owe_at_most == Decimal("20.00")
    assert totals.bill_asks == Decimal("21.60")
    assert any("(contractual-billed-to-patient)" in s and "$1.60" in s for s in totals.why)


def test_qmb_answered_yes_owes_nothing_of_medicare_cost_sharing() -> None:
    explanation = explain_typed(MSN + VISIT + "CO-253 $1.60\n", BILL, qmb=True)
    totals = explanation.totals
    assert totals.may_owe_at_most == Decimal("0.00")
    assert totals.bill_asks == Decimal("21.60")
    assert any("(qmb-billed)" in s and "$20.00" in s for s in totals.why)
    assert any("ABN" in s for s in totals.why)  # a non-covered service may still be owed
    words = _every_word(explanation)
    # The old contradiction: "Do not pay this amount" then "You can pay the $20.00 you may owe".
    assert "You can pay" not in words
    assert "With QMB, you do not owe the $20.00 either." in words
    text = render_text(explanation, library())
    assert "You may owe at most: $0.00" in text
    # No other line of the CLI text calls the notice's $20.00 owed (issue 15).
    assert "you may owe $20.00" not in text.lower() and "owe at most $20.00" not in text
    assert explanation_to_dict(explanation)["totals"]["may_owe_at_most"] == "0.00"


def test_qmb_spanish_has_no_pay_invitation() -> None:
    explanation = explain_typed(MSN + VISIT + "CO-253 $1.60\n", BILL, qmb=True, lang="es")
    words = _every_word(explanation)
    assert "Puede pagar" not in words
    assert explanation.totals.may_owe_at_most == Decimal("0.00")


def test_qmb_remark_on_the_notice_counts_without_the_answer() -> None:
    explanation = explain_typed(MSN + VISIT + "PR-2 $20.00\nN781\n", BILL)
    assert explanation.totals.may_owe_at_most == Decimal("0.00")


def test_qmb_keeps_a_non_covered_amount_an_abn_may_make_owed() -> None:
    notice = (
        MSN
        + VISIT
        + "PR-2 $20.00\n"
        + "03/04/2025 G0439 billed $90.00 approved $0.00 paid $0.00 you may owe $90.00 denied\n"
        + "PR-204 $90.00\n"
    )
    explanation = explain_typed(notice, None, qmb=True)
    assert explanation.totals.may_owe_at_most == Decimal("90.00")
    assert any("ABN" in sentence for sentence in explanation.totals.why)


def test_qmb_on_commercial_coverage_changes_nothing() -> None:
    eob = "Explanation of Benefits\nPlan: Acme Health\n" + VISIT
    explanation = explain_typed(eob, None, qmb=True, coverage=Coverage.COMMERCIAL)
    assert explanation.totals.may_owe_at_most == Decimal("20.00")
    assert explanation.totals.why == ()


def test_medicaid_is_its_own_question_and_depends_on_the_state() -> None:
    explanation = explain_typed(MSN + VISIT, BILL.replace("21.60", "20.00"), medicaid=True)
    finding = next(f for f in explanation.findings if f.rule == "medicaid-depends-on-state")
    assert finding.severity is Severity.INFO
    assert "state" in finding.detail
    # Not QMB: nothing is taken off.
    assert explanation.totals.may_owe_at_most == Decimal("20.00")


def test_medicaid_with_qmb_says_nothing_extra() -> None:
    explanation = explain_typed(MSN + VISIT, None, medicaid=True, qmb=True)
    assert not [f for f in explanation.findings if f.rule == "medicaid-depends-on-state"]


def test_commercial_contractual_finding_does_not_send_to_medicare() -> None:
    notice = "Explanation of Benefits\nPlan: Acme Health\n" + (
        "03/04/2025 99214 billed $150 approved $100 paid $80 you may owe $20\nCO-45 $50.00\n"
    )
    explanation = explain_typed(
        notice,
        "Springfield Family Clinic\nStatement\n03/04/2025 99214 balance due $70.00\n",
        coverage=Coverage.COMMERCIAL,
    )
    finding = next(f for f in explanation.findings if f.rule == "contractual-billed-to-patient")
    assert not any("1-800-MEDICARE" in step for step in finding.next_steps)
    assert any("plan card" in step for step in finding.next_steps)


def _era(*claims: Claim) -> Document:
    return Document(
        source="remit.835",
        kind=DocumentKind.ERA835,
        format=Format.X12,
        coverage=Coverage.ORIGINAL_MEDICARE,
        claims=claims,
    )


def _claim(number: str, patient: str, owes: str) -> Claim:
    line = ServiceLine(
        date_of_service=date(2025, 3, 4),
        procedure_code="99214",
        billed=Decimal("150.00"),
        allowed=Decimal("100.00"),
        paid=Decimal("78.40"),
        adjustments=(
            Adjustment(Group.PR, "2", Decimal(owes)),
            Adjustment(Group.CO, "45", Decimal("50.00")),
            Adjustment(Group.CO, "253", Decimal("1.60")),
        ),
    )
    return Claim(claim_number=number, patient_name=patient, lines=(line,))


def test_an_835_is_never_summed_across_patients() -> None:
    explanation = explain(
        [_era(_claim("A1", "DOE JANE", "20.00"), _claim("B2", "ROE RICHARD", "20.00"))],
        Answers(today=TODAY),
    )
    data = explanation_to_dict(explanation)
    validate_contract(data)
    assert data["totals"]["may_owe_at_most"] is None
    assert any("2 patients" in sentence for sentence in explanation.totals.why)
    assert "$40.00" not in _every_word(explanation)


def test_an_835_for_one_patient_has_a_bottom_line() -> None:
    explanation = explain(
        [_era(_claim("A1", "DOE JANE", "20.00"), _claim("A2", "DOE JANE", "5.00"))],
        Answers(today=TODAY),
    )
    assert explanation.totals.may_owe_at_most == Decimal("25.00")
