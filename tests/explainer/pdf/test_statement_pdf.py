"""Provider statements in three layouts built with reportlab, read back in full."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from explainer.extract.pdf import extract_pdf
from explainer.model import Adjustment, DocumentKind, Group, StatementTotals
from explainer.read.upload import Role
from tests import pdf_fixtures as fx

LAYOUTS = ["ledger", "itemized", "signed"]

# What each visit's services still owe, what the insurer paid, and the coded adjustments
# printed on the ledger rows (the itemized layout prints no codes).
EXPECTED: list[list[tuple[str, str, str, str, str, tuple[Adjustment, ...]]]] = [
    [("99214", "03/04/2025", "150.00", "117.60", "30.00",
      (Adjustment(Group.CO, "253", Decimal("2.40")), Adjustment(Group.PR, "2", Decimal("30.00"))))],
    [("93000", "03/18/2025", "40.00", "13.47", "3.71", (Adjustment(Group.CO, "45", Decimal("22.82")),)),
     ("36415", "03/18/2025", "25.00", "2.40", "0.60", (Adjustment(Group.CO, "45", Decimal("22.00")),))],
]  # fmt: skip


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_line_amount_code_and_the_balance_due(layout: str) -> None:
    document = extract_pdf(fx.statement_pdf(layout=layout), "bill.pdf", Role.AUTO)

    assert document.kind is DocumentKind.PROVIDER_BILL
    assert document.notice_date == date(2025, 4, 30)
    assert document.account_number == "100234"
    assert document.warnings == ()
    assert document.statement == StatementTotals(
        charges=Decimal("215.00"),
        payments=Decimal("133.47"),
        adjustments=Decimal("47.22"),
        balance=Decimal("34.31"),
        where="page 1",
    )
    assert [claim.provider for claim in document.claims] == ["Grandview Medical Group"] * 2
    assert [claim.patient_owes for claim in document.claims] == [Decimal("30.00"), Decimal("4.31")]
    for claim, services in zip(document.claims, EXPECTED, strict=True):
        for line, (code, day, billed, paid, owes, adjustments) in zip(
            claim.lines, services, strict=True
        ):
            assert line.procedure_code == code
            assert line.date_of_service == datetime.strptime(day, "%m/%d/%Y").date()
            assert (line.billed, line.paid, line.patient_owes) == (
                Decimal(billed),
                Decimal(paid),
                Decimal(owes),
            )
            assert line.adjustments == (() if layout == "itemized" else adjustments)
    assert [line.where for line in document.lines] == [
        "page 1, line 1",
        "page 1, line 2",
        "page 1, line 3",
    ]


def test_a_ledger_continued_on_the_next_page_under_a_repeated_header() -> None:
    document = extract_pdf(fx.statement_pdf(layout="signed", repeat=6), "bill.pdf", Role.AUTO)

    assert len(document.lines) == 18
    assert len({line.where.split(",")[0] for line in document.lines}) >= 2
    assert [line.patient_owes for line in document.lines] == [
        Decimal(x) for x in ("30.00", "3.71", "0.60")
    ] * 6
    assert document.statement is not None
    assert document.statement.balance == Decimal("205.86")
    assert document.warnings == ()


def test_payments_that_cannot_be_tied_to_one_service_are_said_not_guessed() -> None:
    visit = fx.Visit(
        entries=(
            fx.Entry("03/18/2025", "Electrocardiogram, complete", "$40.00", "93000"),
            fx.Entry("03/18/2025", "Venipuncture", "$25.00", "36415"),
            fx.Entry("04/20/2025", "Medicare paid", "$15.87", kind="payment"),
        ),
        owes=("$49.13",),
    )
    document = extract_pdf(fx.statement_pdf([visit], layout="ledger"), "bill.pdf", Role.AUTO)

    [claim] = document.claims
    assert claim.patient_owes == Decimal("49.13")
    assert [line.patient_owes for line in claim.lines] == [None, None]
    [warning] = document.warnings
    assert "payment of $15.87 on page 1" in warning


def test_a_payment_naming_its_code_goes_to_that_service() -> None:
    visit = fx.Visit(
        entries=(
            fx.Entry("03/18/2025", "Electrocardiogram, complete", "$40.00", "93000"),
            fx.Entry("03/18/2025", "Venipuncture", "$25.00", "36415"),
            fx.Entry("04/20/2025", "Medicare paid", "$2.40", "36415", kind="payment"),
        ),
        owes=("$62.60",),
    )
    document = extract_pdf(fx.statement_pdf([visit], layout="ledger"), "bill.pdf", Role.AUTO)
    assert [(line.paid, line.patient_owes) for line in document.lines] == [
        (None, Decimal("40.00")),
        (Decimal("2.40"), Decimal("22.60")),
    ]


def test_an_older_balance_carried_into_the_first_row_is_not_charged_to_the_service() -> None:
    header = ["Date", "Description", "Charges", "Payments", "Balance"]
    rows = [
        ["03/04/2025", "Office visit (99214)", "$150.00", "", "$200.00"],
        ["04/02/2025", "Medicare paid", "", "-$117.60", "$82.40"],
    ]
    document = extract_pdf(
        fx.table_only_pdf(header, rows, title="STATEMENT"), "bill.pdf", Role.BILL
    )
    [line] = document.lines
    assert line.patient_owes == Decimal("32.40")
    assert document.statement is not None
    assert document.statement.balance == Decimal("82.40")
    assert document.statement.charges == Decimal("200.00")  # the $50.00 carried in, and the visit
