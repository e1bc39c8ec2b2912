"""The PDF statement's table lines read through ledger.py (one reading of ledger rows, issue
14): the same services, payments, adjustments and totals as test_statement_pdf.py expects of
the PDF statement reader. This is the path for statement.py to share the ledger reading."""

from __future__ import annotations

from decimal import Decimal

import pytest

from explainer.extract.ledger import read_ledger, row_from_cells
from explainer.extract.table import find_tables
from explainer.model import Adjustment, Group
from explainer.read.layout import document_rows
from explainer.read.pdf import read_pdf
from tests import pdf_fixtures as fx


def _untied_payment() -> bytes:
    visit = fx.Visit(
        entries=(
            fx.Entry("03/18/2025", "Electrocardiogram, complete", "$40.00", "93000"),
            fx.Entry("03/18/2025", "Venipuncture", "$25.00", "36415"),
            fx.Entry("04/20/2025", "Medicare paid", "$15.87", kind="payment"),
        ),
        owes=("$49.13",),
    )
    return fx.statement_pdf([visit], layout="ledger")


def _payment_naming_its_code() -> bytes:
    visit = fx.Visit(
        entries=(
            fx.Entry("03/18/2025", "Electrocardiogram, complete", "$40.00", "93000"),
            fx.Entry("03/18/2025", "Venipuncture", "$25.00", "36415"),
            fx.Entry("04/20/2025", "Medicare paid", "$2.40", "36415", kind="payment"),
        ),
        owes=("$62.60",),
    )
    return fx.statement_pdf([visit], layout="ledger")


def _older_balance_in_the_first_row() -> bytes:
    header = ["Date", "Description", "Charges", "Payments", "Balance"]
    rows = [
        ["03/04/2025", "Office visit (99214)", "$150.00", "", "$200.00"],
        ["04/02/2025", "Medicare paid", "", "-$117.60", "$82.40"],
    ]
    return fx.table_only_pdf(header, rows, title="STATEMENT")


STATEMENTS = {
    "ledger": lambda: fx.statement_pdf(layout="ledger"),
    "itemized": lambda: fx.statement_pdf(layout="itemized"),
    "signed": lambda: fx.statement_pdf(layout="signed"),
    "continued on a second page": lambda: fx.statement_pdf(layout="signed", repeat=6),
    "a payment tied to no one service": _untied_payment,
    "a payment naming its code": _payment_naming_its_code,
    "an older balance in the first row": _older_balance_in_the_first_row,
}


D = Decimal
THREE = [
    ("99214", D("150.00"), D("117.60"), D("30.00")),
    ("93000", D("40.00"), D("13.47"), D("3.71")),
    ("36415", D("25.00"), D("2.40"), D("0.60")),
]
TRUTH: dict[str, tuple[list[tuple[str, Decimal, Decimal | None, Decimal | None]], Decimal, int]] = {
    "ledger": (THREE, D("34.31"), 0),
    "itemized": (THREE, D("34.31"), 0),
    "signed": (THREE, D("34.31"), 0),
    "continued on a second page": (THREE * 6, D("205.86"), 0),
    "a payment tied to no one service": (
        [("93000", D("40.00"), None, None), ("36415", D("25.00"), None, None)],
        D("49.13"),
        1,
    ),
    "a payment naming its code": (
        [("93000", D("40.00"), None, D("40.00")), ("36415", D("25.00"), D("2.40"), D("22.60"))],
        D("62.60"),
        0,
    ),
    "an older balance in the first row": (
        [("99214", D("150.00"), D("117.60"), D("32.40"))],
        D("82.40"),
        0,
    ),
}


@pytest.mark.parametrize("name", list(STATEMENTS))
def test_pdf_statement_rows_through_the_ledger(name: str) -> None:
    rows = document_rows(read_pdf(STATEMENTS[name]()))
    ledger_rows = [
        row_from_cells(line.cells, f"page {line.page}", line.text, line.uncertain)
        for _, _, lines, _ in find_tables(rows)
        for line in lines
    ]
    reading = read_ledger(ledger_rows)
    lines, balance, warnings = TRUTH[name]
    assert [
        (x.procedure_code, x.billed, x.paid, x.patient_owes)
        for claim in reading.claims
        for x in claim.lines
    ] == lines
    assert reading.totals is not None and reading.totals.balance == balance
    assert len(reading.warnings) == warnings


def test_the_ledger_rows_keep_the_codes_printed_on_adjustment_rows() -> None:
    rows = document_rows(read_pdf(fx.statement_pdf(layout="ledger")))
    ledger_rows = [
        row_from_cells(line.cells, f"page {line.page}", line.text, line.uncertain)
        for _, _, lines, _ in find_tables(rows)
        for line in lines
    ]
    first = read_ledger(ledger_rows).claims[0].lines[0]
    assert first.adjustments == (
        Adjustment(Group.CO, "253", D("2.40")),
        Adjustment(Group.PR, "2", D("30.00")),
    )
