"""The year view of a claims download (explainer/present/year.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from explainer import Answers, Upload, explain_uploads
from explainer.present.year import year_views
from tests.conftest import TODAY
from tests.explainer.test_claims_text import EXPORT_2025, M01, bill

D = Decimal


def test_rows_by_provider_and_month_with_worked_out_shares() -> None:
    explanation = explain_uploads(
        [Upload(EXPORT_2025.encode(), "claims.txt")], Answers(today=TODAY)
    )
    [view] = year_views(explanation)
    assert [
        (row.month, row.month_label, row.claims, row.approved, row.paid, row.may_owe)
        for row in view.rows
    ] == [
        (date(2025, 3, 1), "March 2025", 1, D("98.98"), D("77.60"), D("19.80")),
        (date(2025, 9, 1), "September 2025", 1, D("115.71"), D("90.71"), D("23.15")),
    ]
    assert (view.approved, view.paid, view.may_owe, view.complete) == (
        D("214.69"),
        D("168.31"),
        D("42.95"),
        True,
    )
    assert view.deductible is None  # the text download prints no deductible


def test_spanish_month_names() -> None:
    explanation = explain_uploads(
        [Upload(EXPORT_2025.encode(), "claims.txt")], Answers(today=TODAY, lang="es")
    )
    assert [row.month_label for row in year_views(explanation)[0].rows] == [
        "marzo de 2025",
        "septiembre de 2025",
    ]


@pytest.mark.skipif(not M01.is_file(), reason="shared/corpus is not beside main")
def test_claim_level_may_owe_and_claims_without_amounts() -> None:
    explanation = explain_uploads([Upload(M01.read_bytes(), M01.name)], Answers(today=TODAY))
    [view] = year_views(explanation)
    by_month = {row.month: row for row in view.rows if row.provider is None}
    # Outpatient 09/22/2012: may be billed 38.84 is printed for the claim only.
    assert (by_month[date(2012, 9, 1)].may_owe, by_month[date(2012, 9, 1)].complete) == (
        D("38.84"),
        True,
    )
    assert by_month[date(2012, 10, 1)].may_owe == D("6.80")
    assert by_month[date(2012, 12, 1)].approved is None  # '* Not Available *' is not zero
    assert view.may_owe == D("45.64") and view.paid == D("153.51")


def test_no_view_without_a_download() -> None:
    explanation = explain_uploads(
        [Upload(bill("03/08/2025", "99213", "21.38").encode(), "bill.txt")]
    )
    assert year_views(explanation) == ()


def test_the_command_line_prints_the_year_in_english_and_spanish() -> None:
    from explainer.content import library
    from explainer.present.text import render_text

    english = render_text(
        explain_uploads([Upload(EXPORT_2025.encode(), "claims.txt")], Answers(today=TODAY)),
        library(),
    )
    assert "YOUR CLAIMS BY PROVIDER AND MONTH — claims.txt" in english
    assert "September 2025" in english and "$42.95" in english
    spanish = render_text(
        explain_uploads(
            [Upload(EXPORT_2025.encode(), "claims.txt")], Answers(today=TODAY, lang="es")
        ),
        library(),
    )
    assert "SUS RECLAMACIONES POR PROVEEDOR Y MES" in spanish and "septiembre de 2025" in spanish
