"""The PDF statement's table lines read through ledger.py (one reading of ledger rows, issue
14) give the same services, payments, adjustments and totals as the PDF statement reader:
what statement.py can switch to."""

from __future__ import annotations

import pytest

from explainer.extract.ledger import read_ledger, row_from_cells
from explainer.extract.pdf import extract_pdf
from explainer.extract.table import find_tables
from explainer.model import ServiceLine
from explainer.read.layout import document_rows
from explainer.read.pdf import read_pdf
from explainer.read.upload import Role
from tests import pdf_fixtures as fx


def facts(line: ServiceLine) -> tuple[object, ...]:
    return (
        line.procedure_code,
        line.date_of_service,
        line.billed,
        line.paid,
        line.patient_owes,
        line.adjustments,
    )


@pytest.mark.parametrize("layout", ["ledger", "itemized", "signed"])
def test_pdf_statement_rows_through_the_ledger(layout: str) -> None:
    data = fx.statement_pdf(layout=layout)
    rows = document_rows(read_pdf(data))
    ledger_rows = [
        row_from_cells(line.cells, f"page {line.page}", line.text, line.uncertain)
        for _, _, lines, _ in find_tables(rows)
        for line in lines
    ]
    reading = read_ledger(ledger_rows)
    document = extract_pdf(data, "bill.pdf", Role.AUTO)
    assert [facts(x) for c in reading.claims for x in c.lines] == [facts(x) for x in document.lines]
    assert reading.totals is not None and document.statement is not None
    assert (
        reading.totals.charges,
        reading.totals.payments,
        reading.totals.adjustments,
        reading.totals.balance,
    ) == (
        document.statement.charges,
        document.statement.payments,
        document.statement.adjustments,
        document.statement.balance,
    )
    assert reading.warnings == ()
