"""Every rule in RULES.md that typed input can trigger: where it fires (with the right amount),
and clean papers where no alert or warning fires. Every case's JSON is checked against the
contract by `explain_typed`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from explainer import Coverage, Severity
from explainer.checks.denials import appeal_deadline
from tests.conftest import explain_typed

MSN = "Medicare Summary Notice\nNotice date: 04/10/2025\nProvider: Springfield Family Clinic\n"
VISIT = (
    "03/04/2025 99214 office visit billed $150.00 approved $100.00 paid $78.40 you may owe $20.00\n"
)
BILL = "Springfield Family Clinic\nStatement\n"


def rules(explanation) -> dict[str, list]:  # type: ignore[no-untyped-def]
    found: dict[str, list] = {}
    for finding in explanation.findings:
        found.setdefault(finding.rule, []).append(finding)
    return found


def serious(explanation) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        f.rule for f in explanation.findings if f.severity in (Severity.ALERT, Severity.WARNING)
    ]


# --- the headline: CO 253 moved onto the patient's bill --------------------------------------


def test_co253_on_the_notice_billed_to_the_patient() -> None:
    explanation = explain_typed(
        MSN + VISIT + "CO-253 $1.60\n", BILL + "03/04/2025 99214 office visit balance due $21.60\n"
    )
    found = rules(explanation)
    assert [f.amount for f in found["contractual-billed-to-patient"]] == [Decimal("1.60")]
    finding = found["contractual-billed-to-patient"][0]
    assert finding.severity is Severity.ALERT
    assert "$21.60" in finding.detail and "$20.00" in finding.detail and "$1.60" in finding.detail
    assert "CO-253" in finding.codes
    assert "bill-exceeds-notice" not in found  # one cause, one finding
    assert explanation.findings[0].rule == "contractual-billed-to-patient"  # red flags first


def test_sequestration_implied_by_the_msn_alone() -> None:
    # approved 100 − paid 78.40 − may owe 20 = 1.60: the cut the notice implies (RULES.md).
    explanation = explain_typed(MSN + VISIT, BILL + "03/04/2025 99214 balance due $21.60\n")
    found = rules(explanation)
    assert [f.amount for f in found["contractual-billed-to-patient"]] == [Decimal("1.60")]
    assert "bill-exceeds-notice" not in found
    assert "sequestration-amount-wrong" not in found


def test_co45_write_off_billed_to_the_patient() -> None:
    notice = (
        MSN + "03/04/2025 99214 billed $150 approved $100 paid $80 you may owe $20\nCO-45 $50.00\n"
    )
    explanation = explain_typed(
        notice, BILL + "03/04/2025 99214 balance due $70.00\n", coverage=Coverage.COMMERCIAL
    )
    finding = rules(explanation)["contractual-billed-to-patient"][0]
    assert finding.amount == Decimal("50.00")
    assert finding.codes == ("CO-45",)


def test_excess_not_explained_by_a_co_amount() -> None:
    explanation = explain_typed(
        MSN + VISIT + "CO-253 $1.60\n", BILL + "03/04/2025 99214 balance due $35.00\n"
    )
    found = rules(explanation)
    assert [f.amount for f in found["bill-exceeds-notice"]] == [Decimal("15.00")]
    assert "contractual-billed-to-patient" not in found


# --- sequestration amounts and where it belongs -----------------------------------------------


def test_sequestration_amount_wrong() -> None:
    notice = (
        MSN
        + "03/04/2025 99214 billed $150 approved $100 paid $78.00 you may owe $20\nCO-253 $2.00\n"
    )
    finding = rules(explain_typed(notice))["sequestration-amount-wrong"][0]
    # 2% × (78.00 + 2.00) = 1.60; the paper says 2.00.
    assert finding.amount == Decimal("0.40")
    assert "$1.60" in finding.detail and "2%" in finding.detail


def test_sequestration_on_commercial_coverage_is_unexpected() -> None:
    notice = "Explanation of Benefits\nPlan: Acme Health\n03/04/2025 99214 allowed $100 plan paid $78.40 you owe $20\nCO-253 $1.60\n"
    found = rules(explain_typed(notice, coverage=Coverage.COMMERCIAL))
    assert [f.amount for f in found["sequestration-unexpected"]] == [Decimal("1.60")]
    assert "sequestration-amount-wrong" not in found


def test_sequestration_when_the_rate_was_zero_is_unexpected() -> None:
    notice = (
        MSN
        + "06/15/2021 99214 billed $150 approved $100 paid $78.40 you may owe $20\nCO-253 $1.60\n"
    )
    found = rules(explain_typed(notice))
    assert [f.amount for f in found["sequestration-unexpected"]] == [Decimal("1.60")]
    assert "sequestration-amount-wrong" not in found


# --- the bill against the notice --------------------------------------------------------------


def test_duplicate_charge_on_a_bill() -> None:
    bill = BILL + "03/04/2025 99214 balance due $20.00\n03/04/2025 99214 balance due $20.00\n"
    finding = rules(explain_typed(MSN + VISIT, bill))["duplicate-charge"][0]
    assert finding.amount == Decimal("20.00")
    assert len(finding.evidence) == 2


def test_service_not_on_notice() -> None:
    bill = BILL + "03/04/2025 99214 balance due $20.00\n03/18/2025 93000 balance due $45.00\n"
    found = rules(explain_typed(MSN + VISIT, bill))
    assert [f.amount for f in found["service-not-on-notice"]] == [Decimal("45.00")]


def test_date_mismatch_instead_of_service_not_on_notice() -> None:
    bill = BILL + "03/05/2025 99214 charged $150.00 balance due $20.00\n"
    found = rules(explain_typed(MSN + VISIT, bill))
    finding = found["date-mismatch"][0]
    assert "March 5, 2025" in finding.detail and "March 4, 2025" in finding.detail
    assert "service-not-on-notice" not in found


def test_provider_mismatch() -> None:
    bill = "Lakeside Imaging LLC\nStatement\n03/04/2025 99214 balance due $20.00\n"
    finding = rules(explain_typed(MSN + VISIT, bill))["provider-mismatch"][0]
    assert "Lakeside Imaging" in finding.detail and "Springfield Family Clinic" in finding.detail


def test_same_provider_written_differently_is_not_a_mismatch() -> None:
    bill = "SPRINGFIELD FAMILY CLINIC, LLC\nStatement\n03/04/2025 99214 balance due $20.00\n"
    assert "provider-mismatch" not in rules(explain_typed(MSN + VISIT, bill))


def test_qmb_patient_billed_for_coinsurance() -> None:
    explanation = explain_typed(
        MSN + VISIT, BILL + "03/04/2025 99214 balance due $20.00\n", qmb=True
    )
    assert [f.amount for f in rules(explanation)["qmb-billed"]] == [Decimal("20.00")]


def test_qmb_from_remit_remark_n781() -> None:
    notice = MSN + "03/04/2025 99214 approved $100 paid $0 you may owe $100\nPR-1 $100.00 N781\n"
    explanation = explain_typed(notice, BILL + "03/04/2025 99214 balance due $100.00\n")
    found = rules(explanation)
    assert [f.amount for f in found["qmb-billed"]] == [Decimal("100.00")]
    assert "line-denied" not in found  # all to the deductible is not a denial


def test_limiting_charge_exceeded_on_an_unassigned_claim() -> None:
    notice = (
        MSN
        + "Assigned: no\n03/04/2025 99214 billed $120 approved $95.00 paid $74.48 you may owe $109.25\n"
    )
    explanation = explain_typed(
        notice, BILL + "03/04/2025 99214 charged $125.00 balance due $125.00\n"
    )
    found = rules(explanation)
    # 115% × 95.00 = 109.25; the bill charges 125.00.
    assert [f.amount for f in found["limiting-charge-exceeded"]] == [Decimal("15.75")]
    assert "bill-exceeds-notice" not in found


def test_limiting_charge_does_not_apply_to_dme_suppliers() -> None:
    notice = (
        MSN
        + "Assigned: no\n03/04/2025 E0601 billed $150 approved $95.00 paid $74.48 you may owe $150\n"
    )
    assert "limiting-charge-exceeded" not in rules(explain_typed(notice))


def test_denied_line_is_info_and_gets_an_appeal_deadline() -> None:
    notice = (
        MSN + "03/04/2025 93000 billed $45.00 approved $0 paid $0 you may owe $0\nCO-50 $45.00\n"
    )
    found = rules(explain_typed(notice))
    denied = found["line-denied"][0]
    assert denied.severity is Severity.INFO
    assert "CO-50" in denied.detail
    deadline = found["appeal-deadline"][0]
    # Notice 2025-04-10 + 5 days assumed mail time + 120 days.
    assert deadline.deadline == date(2025, 8, 13)
    assert "5 days" in deadline.detail


def test_denied_line_the_bill_asks_for_is_a_warning() -> None:
    notice = (
        MSN + "03/04/2025 93000 billed $45.00 approved $0 paid $0 you may owe $0\nCO-50 $45.00\n"
    )
    explanation = explain_typed(notice, BILL + "03/04/2025 93000 balance due $45.00\n")
    found = rules(explanation)
    assert found["line-denied"][0].severity is Severity.WARNING
    # CO-50 without a signed waiver is the provider's loss: asking for it is a CO amount billed.
    assert [f.codes for f in found["contractual-billed-to-patient"]] == [("CO-50",)]
    assert "bill-exceeds-notice" not in found


def test_appeal_deadline_with_a_receipt_date() -> None:
    notice = (
        MSN + "03/04/2025 93000 billed $45.00 approved $0 paid $0 you may owe $0\nCO-50 $45.00\n"
    )
    finding = rules(explain_typed(notice, notice_received=date(2025, 4, 20)))["appeal-deadline"][0]
    assert finding.deadline == date(2025, 8, 18)


@pytest.mark.parametrize(
    ("notice_date", "received", "expected"),
    [
        (date(2024, 1, 1), None, date(2024, 5, 5)),  # leap year: 2024-01-06 + 120 days
        (date(2025, 1, 1), None, date(2025, 5, 6)),
        (None, date(2025, 10, 31), date(2026, 2, 28)),
        (None, date(2023, 11, 1), date(2024, 2, 29)),
        (None, None, None),
    ],
)
def test_appeal_deadline_arithmetic(notice_date, received, expected) -> None:  # type: ignore[no-untyped-def]
    assert appeal_deadline(notice_date, received)[0] == expected


def test_statement_that_does_not_add_up() -> None:
    bill = (
        BILL
        + "03/04/2025 99214 balance due $30.00\nTotal charges $150.00\nPayments $78.40\nAdjustments $50.00\nBalance due $30.00\n"
    )
    finding = rules(explain_typed(None, bill))["arithmetic-mismatch"][0]
    assert finding.amount == Decimal("8.40")


def test_unknown_code_is_said_not_guessed() -> None:
    finding = rules(explain_typed(MSN + VISIT + "CO-999 $1.00\n"))["unknown-code"][0]
    assert "999" in finding.title


# --- clean papers: nothing to worry about -----------------------------------------------------


def test_clean_msn_and_matching_bill() -> None:
    explanation = explain_typed(
        MSN + VISIT + "CO-253 $1.60\n", BILL + "03/04/2025 99214 balance due $20.00\n"
    )
    assert serious(explanation) == []
    assert explanation.totals.may_owe_at_most == Decimal("20.00")
    assert explanation.totals.bill_asks == Decimal("20.00")


def test_clean_one_percent_sequestration_in_may_2022() -> None:
    notice = (
        MSN
        + "05/10/2022 99214 billed $150 approved $100 paid $79.20 you may owe $20\nCO-253 $0.80\n"
    )
    explanation = explain_typed(notice, BILL + "05/10/2022 99214 balance due $20.00\n")
    assert serious(explanation) == []


def test_clean_unassigned_claim_patient_lawfully_absorbs_the_cut() -> None:
    # Non-participating: approved 95.00 (95% of a $100 fee), limit 109.25; Medicare pays the
    # patient 80% × 95 = 76.00 less 2% = 74.48. The provider bills the full limiting charge.
    notice = (
        MSN
        + "Your Unassigned Claims for Part B\nAssigned: no\n03/04/2025 99214 billed $109.25 approved $95.00 paid $74.48 you may owe $109.25\n"
    )
    explanation = explain_typed(
        notice, BILL + "03/04/2025 99214 charged $109.25 balance due $109.25\n"
    )
    assert serious(explanation) == []


def test_clean_deductible_line_with_its_sequestration() -> None:
    # FACTS.md §1.4 worked example: allowed 100, 50 to deductible; Medicare pays 40 less 0.80.
    notice = (
        MSN
        + "03/04/2025 99214 billed $150 approved $100 paid $39.20 you may owe $60\nCO-253 $0.80\nPR-1 $50\nPR-2 $10\n"
    )
    explanation = explain_typed(notice, BILL + "03/04/2025 99214 balance due $60.00\n")
    assert serious(explanation) == []


def test_spanish_findings() -> None:
    explanation = explain_typed(
        MSN + VISIT + "CO-253 $1.60\n", BILL + "03/04/2025 99214 balance due $21.60\n", lang="es"
    )
    finding = rules(explanation)["contractual-billed-to-patient"][0]
    assert finding.title.startswith("Le cobran")
    assert "4 de marzo de 2025" in finding.detail
