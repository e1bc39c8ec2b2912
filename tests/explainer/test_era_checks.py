"""An 835 through the whole pipeline: CO 253 held against the rate, QMB remarks, reversals,
and a bill that moves a CO amount onto the patient (issue: 835 remittances)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from explainer import Role, Severity, Upload
from tests.conftest import explain_typed
from tests.x12_factory import (
    Cas,
    ClaimSpec,
    Line,
    Payment,
    build_835,
    medicare_line,
    qmb_claim,
    reversal_of,
)

D = Decimal


def remit(*claims: ClaimSpec, payer: str = "MEDICARE PART B") -> Upload:
    return Upload(build_835(Payment(claims=claims, payer=payer)), "remit.dat", Role.AUTO)


def rules(explanation) -> dict[str, list]:  # type: ignore[no-untyped-def]
    found: dict[str, list] = {}
    for finding in explanation.findings:
        found.setdefault(finding.rule, []).append(finding)
    return found


def test_a_clean_medicare_remit_has_no_warning() -> None:
    line = medicare_line(D("150.00"), D("100.00"))  # CO-45 50, PR-2 20, CO-253 1.60, paid 78.40
    explanation = explain_typed(None, None, remit(ClaimSpec("C1", lines=(line,))))
    assert explanation.documents[0].kind.value == "era835"  # sniffed: the name says .dat
    assert [f.rule for f in explanation.findings if f.severity is not Severity.INFO] == []
    assert {(c.system.value, c.code) for c in explanation.codes} >= {("carc", "253"), ("carc", "45")}


def test_co253_that_is_not_rate_times_payment_before_the_cut() -> None:
    line = Line(
        billed=D("150.00"),
        procedure="99214",
        allowed=D("100.00"),
        adjustments=(Cas("CO", "45", D("50.00")), Cas("PR", "2", D("20.00")), Cas("CO", "253", D("2.00"))),
    )  # 2% × (78.00 + 2.00) = 1.60, not 2.00
    found = rules(explain_typed(None, None, remit(ClaimSpec("C1", lines=(line,)))))
    assert [f.amount for f in found["sequestration-amount-wrong"]] == [D("0.40")]


def test_co253_on_a_commercial_remit_is_unexpected() -> None:
    line = medicare_line(D("150.00"), D("100.00"))
    claim = ClaimSpec("C1", lines=(line,), filing="CI")
    found = rules(explain_typed(None, None, remit(claim, payer="ACME HEALTH")))
    assert [f.amount for f in found["sequestration-unexpected"]] == [D("1.60")]
    assert "sequestration-amount-wrong" not in found


def test_one_percent_in_may_2022_is_right() -> None:
    line = medicare_line(D("150.00"), D("100.00"), rate=D("0.01"), service_date=date(2022, 5, 10))
    found = rules(explain_typed(None, None, remit(ClaimSpec("C1", lines=(line,)))))
    assert "sequestration-amount-wrong" not in found and "sequestration-unexpected" not in found


def test_bill_moves_the_co253_from_the_remit_onto_the_patient() -> None:
    line = medicare_line(D("150.00"), D("100.00"))
    bill = "SMITH\nStatement\n03/04/2024 99214 balance due $21.60\n"
    explanation = explain_typed(None, bill, remit(ClaimSpec("C1", lines=(line,))))
    finding = rules(explanation)["contractual-billed-to-patient"][0]
    assert finding.amount == D("1.60") and finding.codes == ("CO-253",)


def test_qmb_remark_on_the_remit_means_the_pr_amount_is_not_owed() -> None:
    bill = "SMITH\nStatement\n03/04/2024 99214 balance due $20.00\n"
    found = rules(explain_typed(None, bill, remit(qmb_claim())))
    assert [f.amount for f in found["qmb-billed"]] == [D("20.00")]


def test_a_reversal_and_its_correction_are_not_counted_twice() -> None:
    original = ClaimSpec("C9", lines=(medicare_line(D("150.00"), D("100.00")),))
    corrected = replace(original, lines=(medicare_line(D("150.00"), D("110.00")),))
    explanation = explain_typed(None, None, remit(reversal_of(original), corrected))
    found = rules(explanation)
    assert "duplicate-charge" not in found
    assert "arithmetic-mismatch" not in found and "payment-total-mismatch" not in found
    # What the patient may owe counts the live claim only: 20% of 110.00.
    assert explanation.totals.may_owe_at_most == D("22.00")
