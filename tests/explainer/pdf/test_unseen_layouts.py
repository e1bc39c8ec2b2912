"""Issue 13's papers that the first reader misread, read right: date rows, group rows, a text
layer without spaces, per-claim and statement totals, sentences that state adjustments, and
aging boxes and account summaries that are never services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from explainer.explain import explain
from explainer.model import Adjustment, Answers, Group, Severity
from explainer.read.upload import Upload, read_upload

from . import unseen_fixtures as fx


def _read(data: bytes, name: str = "paper.pdf"):
    [document] = read_upload(Upload(data, name))
    return document


def test_cms_msn_dates_printed_as_rows_date_the_services_below_them() -> None:
    document = _read(fx.cms_msn_with_date_rows())
    lines = document.lines
    assert [(line.date_of_service, line.procedure_code) for line in lines] == [
        (date(2025, 1, 14), "99214"),
        (date(2025, 1, 28), "99213"),
        (date(2025, 1, 28), "80061"),
    ]
    assert [line.paid for line in lines] == [Decimal("0.00"), Decimal("72.16"), Decimal("14.50")]
    [claim] = document.claims
    assert claim.claim_number == "12435-84956-84652"
    assert claim.provider == "Alpine Family Medicine"
    # Note A says in words that the approved amount went to the deductible: PR 1.
    assert Adjustment(Group.PR, "1", Decimal("128.11")) in lines[0].adjustments
    assert not document.warnings


def test_spaceless_provider_eob_reads_each_claim_its_line_and_the_sequestration_sentence() -> None:
    document = _read(fx.spaceless_provider_eob())
    assert [claim.claim_number for claim in document.claims] == ["2502011234", "2502015678"]
    assert [claim.date_received for claim in document.claims] == [
        date(2025, 2, 3),
        date(2025, 2, 10),
    ]
    assert [claim.patient_name for claim in document.claims] == ["DOE, JOHN", "ROE, MARY"]
    for claim, served in zip(document.claims, (date(2025, 1, 6), date(2025, 1, 13)), strict=True):
        [line] = claim.lines
        assert (line.date_of_service, line.procedure_code) == (served, "99310")
        assert (line.billed, line.allowed, line.paid, line.patient_owes) == (
            Decimal("250.00"), Decimal("115.54"), Decimal("90.12"), Decimal("23.11"),
        )  # fmt: skip
        assert line.not_covered == Decimal("134.46")  # contractual: no reason code guessed
        assert not line.low_confidence  # each claim adds up to its TOTALS row
    every = [a for claim in document.claims for a in claim.adjustments]
    assert every == [Adjustment(Group.CO, "253", Decimal("3.68"))]
    assert not document.warnings


def test_spaceless_eob_sequestration_over_the_whole_statement_is_not_called_wrong() -> None:
    document = _read(fx.spaceless_provider_eob())
    explanation = explain([document], Answers())
    assert not [f for f in explanation.findings if f.severity is not Severity.INFO]


def test_a_sequestration_sentence_that_fits_no_payment_is_still_checked() -> None:
    document = _read(fx.spaceless_provider_eob(reduction="9.99"))
    explanation = explain([document], Answers())
    assert "sequestration-amount-wrong" in {f.rule for f in explanation.findings}


@pytest.mark.parametrize(("aging", "summary"), [(True, False), (False, True), (True, True)])
def test_aging_boxes_and_account_summaries_are_never_services(aging: bool, summary: bool) -> None:
    document = _read(fx.statement_with_boxes(aging, summary), "statement.pdf")
    [line] = document.lines
    assert (line.procedure_code, line.billed, line.patient_owes) == (
        "99214", Decimal("150.00"), Decimal("21.60"),
    )  # fmt: skip
    assert line.paid == Decimal("78.40")
    assert set(line.adjustments) >= {
        Adjustment(Group.CO, "45", Decimal("48.40")),
        Adjustment(Group.CO, "253", Decimal("1.60")),
    }
    explanation = explain([document], Answers())
    assert not [f for f in explanation.findings if f.severity is not Severity.INFO]
