"""Insurer EOBs in three layouts built with reportlab, read back in full."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from explainer.extract.eob import coverage_of
from explainer.extract.pdf import extract_pdf
from explainer.model import Adjustment, Coverage, DocumentKind, Group, ServiceLine
from explainer.read.upload import Role
from tests import pdf_fixtures as fx

LAYOUTS = {
    # layout: (payer, coverage, notice date)
    "ruled": ("Blue Valley Health Plan", Coverage.COMMERCIAL, date(2025, 3, 20)),
    "advantage": (
        "Sunrise Medicare Advantage Plan (HMO)",
        Coverage.MEDICARE_ADVANTAGE,
        date(2025, 3, 21),
    ),
    "medicaid": ("Prairie State Medicaid", Coverage.MEDICAID, date(2025, 3, 3)),
}


def check_line(line: ServiceLine, printed: fx.Line, layout: str) -> None:
    assert line.procedure_code == printed.code
    assert line.date_of_service == datetime.strptime(printed.date, "%m/%d/%Y").date()
    assert line.billed == fx.money(printed.charged)
    assert line.allowed == fx.money(printed.approved)
    assert line.paid == fx.money(printed.paid)
    assert line.patient_owes == fx.money(printed.owes)
    assert printed.description in (line.description or "")
    if layout == "advantage":
        # The plan's own note number, as printed, not a guessed CARC.
        assert line.remarks == ("12",)
        assert line.adjustments == ()
        assert line.not_covered is None
        return
    assert line.remarks == ("CO-45",)
    assert line.not_covered == fx.money(printed.not_covered)
    expected = [Adjustment(Group.CO, "45", fx.money(printed.not_covered) or Decimal(0))]
    if layout == "ruled":
        # Deductible / copay / coinsurance columns are the patient's share: PR-1 / PR-3 / PR-2.
        shares = (("1", printed.deductible), ("2", printed.coinsurance), ("3", printed.copay))
        expected = [
            Adjustment(Group.PR, reason, fx.money(text) or Decimal(0))
            for reason, text in shares
            if fx.money(text)
        ] + expected
    assert list(line.adjustments) == expected


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_amount_date_code_and_label_is_read(layout: str) -> None:
    payer, coverage, notice_date = LAYOUTS[layout]
    claims = fx.default_eob_claims()
    document = extract_pdf(fx.eob_pdf(claims, layout=layout), "eob.pdf", Role.AUTO)

    assert document.kind is DocumentKind.EOB
    assert (document.payer, document.coverage, document.notice_date) == (
        payer,
        coverage,
        notice_date,
    )
    assert document.warnings == ()
    assert len(document.claims) == len(claims)
    for read, printed in zip(document.claims, claims, strict=True):
        assert read.claim_number == printed.claim_number
        assert read.provider == printed.provider
        assert read.patient_name == printed.patient
        for line, printed_line in zip(read.lines, printed.lines, strict=True):
            check_line(line, printed_line, layout)
    assert [line.where for line in document.lines] == [
        "page 1, line 1",
        "page 1, line 2",
        "page 1, line 3",
    ]


@pytest.mark.parametrize(
    ("layout", "code", "text"),
    [
        (
            "ruled",
            "CO-45",
            "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.",
        ),
        (
            "advantage",
            "12",
            "The provider agreed to accept the plan's allowed amount. You do not owe the difference.",
        ),
    ],
)
def test_the_legend_printed_for_the_codes_is_kept_with_each_claim(
    layout: str, code: str, text: str
) -> None:
    document = extract_pdf(fx.eob_pdf(layout=layout), "eob.pdf", Role.AUTO)
    assert [claim.notes for claim in document.claims] == [((code, text),), ((code, text),)]


@pytest.mark.parametrize("layout", ["ruled", "advantage"])
def test_claim_total_rows(layout: str) -> None:
    document = extract_pdf(fx.eob_pdf(layout=layout), "eob.pdf", Role.AUTO)
    first = document.claims[0]
    assert (first.billed, first.paid, first.patient_owes) == (
        Decimal("235.00"),
        Decimal("90.40"),
        Decimal("47.60"),
    )
    assert len(document.lines) == 3


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_claim_continued_on_the_next_page(layout: str) -> None:
    line = fx.default_eob_claims()[0].lines[0]
    claim = replace(
        fx.default_eob_claims()[0],
        lines=tuple(replace(line, charged=f"${100 + n}.00") for n in range(45)),
        total=False,
    )
    document = extract_pdf(fx.eob_pdf([claim], layout=layout), "eob.pdf", Role.AUTO)

    [read] = document.claims
    assert [line.billed for line in read.lines] == [Decimal(100 + n) for n in range(45)]
    assert len({line.where.split(",")[0] for line in read.lines}) >= 2
    assert document.warnings == ()


@pytest.mark.parametrize(
    ("text", "coverage"),
    [
        ("Humana Gold Plus (HMO) Explanation of Benefits", Coverage.MEDICARE_ADVANTAGE),
        ("Your Medicare Advantage plan", Coverage.MEDICARE_ADVANTAGE),
        ("AARP Medicare Advantage MAPD plan", Coverage.MEDICARE_ADVANTAGE),
        ("UnitedHealthcare Medicare PPO", Coverage.MEDICARE_ADVANTAGE),
        ("State Medicaid program", Coverage.MEDICAID),
        ("Acme Health PPO Explanation of Benefits", Coverage.COMMERCIAL),
    ],
)
def test_coverage_from_what_the_paper_says(text: str, coverage: Coverage) -> None:
    assert coverage_of(text) is coverage
