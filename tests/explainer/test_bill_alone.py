"""A bill by itself (issue 15): an address's ZIP is never a service, a CO amount the bill puts
on the patient is flagged, and payment or credit rows are never charges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from explainer import Answers, explain
from explainer.content import library
from explainer.extract.table import procedure
from explainer.letters import provider_letters
from explainer.model import Adjustment, Claim, Document, DocumentKind, Format, Group, ServiceLine
from explainer.values import ADDRESS_LINE, is_zip_code
from tests.conftest import TODAY, explain_typed

CLINIC = "Springfield Family Clinic\nStatement\n"
MSN = (
    "Medicare Summary Notice\nNotice date: 04/10/2025\nProvider: Springfield Family Clinic\n"
    "03/04/2025 99214 office visit billed $150.00 approved $100.00 paid $78.40 you may owe $20.00\n"
    "CO-253 $1.60\n"
)
LEDGER = (
    CLINIC + "03/04/2025 99214 office visit charge $150.00\n"
    "03/04/2025 Medicare payment -$78.40\n"
    "03/04/2025 Medicare adj CO-45 -$50.00\n"
)
PATIENT_PORTION = LEDGER + (
    "03/04/2025 Sequestration CO-253 patient portion $1.60\nBalance due $21.60\n"
)
WRITTEN_OFF = LEDGER + "03/04/2025 Medicare adj CO-253 Sequestration -$1.60\nBalance due $20.00\n"


@pytest.mark.parametrize(
    "address",
    [
        "123 Main St, Dayton OH 45990",
        "Dayton, OH 45990-1234",
        "Springfield Family Clinic, 12 Oak Rd, Dayton OH 45990 Phone 937-555-1234",
    ],
)
def test_a_zip_code_is_never_a_service(address: str) -> None:
    bill = f"Springfield Family Clinic\n{address}\nStatement\n03/04/2025 99214 office visit balance due $21.60\n"
    explanation = explain_typed(None, bill)
    codes = [line.procedure_code for line in explanation.documents[0].lines]
    assert codes == ["99214"]
    assert explanation.totals.bill_asks == Decimal("21.60")


def test_zip_patterns_in_the_shared_place() -> None:
    assert is_zip_code("Dayton OH 45990", 10, 15)
    assert not is_zip_code("03/04/2025 99214 office visit", 11, 16)
    assert ADDRESS_LINE.match("123 Main St, Dayton OH 45990")
    assert not ADDRESS_LINE.match("Charges in 12345")  # lower-case 'in' is not Indiana
    assert not ADDRESS_LINE.match("03/04/2025 99214 $150.00")
    # The PDF/table readers share the same guard.
    assert procedure("", "Dayton OH 45990") == (None, ())
    assert procedure("", "99214")[0] == "99214"


def test_sequestration_put_on_the_patient_by_a_bill_alone() -> None:
    explanation = explain_typed(None, PATIENT_PORTION)
    found = [f for f in explanation.findings if f.rule == "contractual-billed-to-patient"]
    assert [f.amount for f in found] == [Decimal("1.60")]
    assert found[0].codes == ("CO-253",)
    assert "$21.60" in found[0].detail
    assert "arithmetic-mismatch" not in [f.rule for f in explanation.findings]  # one cause
    totals = explanation.totals
    assert totals.bill_asks == Decimal("21.60")
    assert totals.may_owe_at_most == Decimal("20.00")
    assert any("(contractual-billed-to-patient)" in sentence for sentence in totals.why)


def test_sequestration_written_off_on_a_bill_is_clean() -> None:
    explanation = explain_typed(None, WRITTEN_OFF)
    assert "contractual-billed-to-patient" not in [f.rule for f in explanation.findings]
    assert explanation.totals.may_owe_at_most is None


def test_a_co_amount_in_the_balance_is_caught_also_beside_a_notice() -> None:
    # Each line agrees with the notice ($20.00); only the balance asks the $1.60 more.
    explanation = explain_typed(MSN, PATIENT_PORTION)
    found = [f for f in explanation.findings if f.rule == "contractual-billed-to-patient"]
    assert [f.amount for f in found] == [Decimal("1.60")]
    assert "You can pay the $20.00 you may owe." in found[0].next_steps[1]


def test_a_line_that_is_only_the_co_amount_as_the_patients() -> None:
    bill = Document(
        source="bill.pdf",
        kind=DocumentKind.PROVIDER_BILL,
        format=Format.PDF,
        claims=(
            Claim(
                provider="Springfield Family Clinic",
                lines=(
                    ServiceLine(
                        date_of_service=date(2025, 3, 4),
                        description="Sequestration patient portion",
                        patient_owes=Decimal("1.07"),
                        adjustments=(),
                    ),
                ),
            ),
        ),
    )
    line = bill.claims[0].lines[0]
    coded = Document(
        source=bill.source,
        kind=bill.kind,
        format=bill.format,
        claims=(
            Claim(
                provider="Springfield Family Clinic",
                lines=(
                    ServiceLine(
                        date_of_service=line.date_of_service,
                        description=line.description,
                        patient_owes=line.patient_owes,
                        adjustments=(Adjustment(Group.CO, "253", Decimal("1.07")),),
                    ),
                ),
            ),
        ),
    )
    rules = [f.rule for f in explain([coded], Answers(today=TODAY)).findings]
    assert rules.count("contractual-billed-to-patient") == 1
    assert "contractual-billed-to-patient" not in [
        f.rule for f in explain([bill], Answers(today=TODAY)).findings
    ]


def _credit_bill() -> Document:
    day = date(2025, 3, 4)
    return Document(
        source="bill.pdf",
        kind=DocumentKind.PROVIDER_BILL,
        format=Format.PDF,
        claims=(
            Claim(
                provider="Springfield Family Clinic",
                lines=(
                    ServiceLine(
                        date_of_service=day,
                        procedure_code="99214",
                        billed=Decimal("150.00"),
                        patient_owes=Decimal("21.60"),
                    ),
                    ServiceLine(
                        date_of_service=day,
                        description="Medicare payment",
                        patient_owes=Decimal("-78.40"),
                        where="line 5",
                    ),
                    ServiceLine(
                        date_of_service=day,
                        description="Medicare payment",
                        patient_owes=Decimal("-78.40"),
                        where="line 6",
                    ),
                ),
            ),
        ),
    )


def test_credits_are_never_charges() -> None:
    notice = explain_typed(MSN, None).documents[0]
    explanation = explain([notice, _credit_bill()], Answers(today=TODAY))
    rules = [f.rule for f in explanation.findings]
    assert "service-not-on-notice" not in rules
    assert "duplicate-charge" not in rules
    assert not any(f.amount is not None and f.amount < 0 for f in explanation.findings)
    # The real charge still pairs with its notice line (the credit did not take its place).
    assert "contractual-billed-to-patient" in rules
    for letter in provider_letters(explanation, library(), "en"):
        assert "78.40" not in letter.as_text()


def test_the_letter_for_a_bill_alone_quotes_the_bill_not_a_missing_notice() -> None:
    explanation = explain_typed(None, PATIENT_PORTION)
    [letter] = provider_letters(explanation, library(), "en")
    text = letter.as_text()
    assert "It lists $1.60 of that as CO-253" in text
    assert "— says" not in text and "____" not in text.split("Thank you")[0]
    assert "compared it with" not in text and "A copy of my notice" not in text
