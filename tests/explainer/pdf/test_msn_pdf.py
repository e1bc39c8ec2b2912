"""Medicare Summary Notices (Part B and Part A) built with reportlab, read back in full."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from explainer.extract.pdf import extract_pdf
from explainer.model import (
    Adjustment,
    Claim,
    Coverage,
    Document,
    DocumentKind,
    Format,
    Group,
    ServiceLine,
)
from explainer.read.upload import Role
from tests import pdf_fixtures as fx

PART_B_LAYOUTS = ["cms", "plain", "classic"]
PART_A_LAYOUTS = ["cms", "plain", "large"]


def day(text: str) -> date:
    return datetime.strptime(text.strip(), "%B %d, %Y").date()


def check_part_b_line(line: ServiceLine, printed: fx.Line, claim: fx.MsnClaim, layout: str) -> None:
    assert line.procedure_code == printed.code
    assert line.description == f"{printed.description} ({printed.code})"
    assert line.date_of_service == day(claim.date)
    assert line.billed == fx.money(printed.charged)
    assert line.allowed == fx.money(printed.approved)
    assert line.paid == fx.money(printed.paid)
    assert line.patient_owes == fx.money(printed.owes)
    assert line.remarks == tuple(code for code in printed.notes.split(", ") if code)
    # The pre-2013 notice had no "Service Approved?" column: nothing is said, nothing guessed.
    assert line.denied is (None if layout == "classic" else printed.ok == "No")
    assert not line.low_confidence


@pytest.mark.parametrize("layout", PART_B_LAYOUTS)
def test_part_b_every_amount_date_code_and_note_is_read(layout: str) -> None:
    claims = fx.default_part_b_claims()
    document = extract_pdf(fx.msn_part_b_pdf(claims, layout=layout), "msn.pdf", Role.AUTO)

    assert (document.kind, document.format, document.coverage) == (
        DocumentKind.MSN,
        Format.PDF,
        Coverage.ORIGINAL_MEDICARE,
    )
    assert document.notice_date == date(2025, 3, 15)
    assert document.total_you_may_be_billed == Decimal("153.99")
    assert document.warnings == ()
    assert len(document.claims) == len(claims)
    for read, printed in zip(document.claims, claims, strict=True):
        assert read.claim_number == printed.claim_number
        assert read.provider == printed.provider
        assert read.provider_address == printed.address
        assert read.assigned is printed.assigned
        assert read.notes == printed.notes
        assert len(read.lines) == len(printed.lines)
        for line, printed_line in zip(read.lines, printed.lines, strict=True):
            check_part_b_line(line, printed_line, printed, layout)
    assert [line.where for line in document.lines] == [f"page 3, line {n}" for n in range(1, 7)]


def test_part_b_claim_total_rows_are_totals_not_services() -> None:
    document = extract_pdf(fx.msn_part_b_pdf(layout="cms"), "msn.pdf", Role.AUTO)
    first = document.claims[0]
    assert (first.billed, first.paid, first.patient_owes) == (
        Decimal("250.00"),
        Decimal("101.67"),
        Decimal("25.94"),
    )
    assert all(not (line.description or "").startswith("Total") for line in document.lines)


def test_unassigned_claims_section_marks_the_claim_unassigned() -> None:
    document = extract_pdf(fx.msn_part_b_pdf(layout="cms"), "msn.pdf", Role.AUTO)
    assert [claim.assigned for claim in document.claims] == [True, True, False]


def many_lines(count: int) -> tuple[fx.Line, ...]:
    return tuple(
        fx.Line(
            f"Physical therapy session {n}",
            "97110",
            f"${90 + n}.00",
            "$30.12",
            "$23.61",
            "$6.02",
            "A",
        )
        for n in range(count)
    )


@pytest.mark.parametrize("layout", PART_B_LAYOUTS)
def test_a_claim_continued_on_the_next_page_under_a_repeated_header(layout: str) -> None:
    long_claim = replace(
        fx.default_part_b_claims()[1], lines=many_lines(40), notes=(("A", "Fee schedule."),)
    )
    document = extract_pdf(fx.msn_part_b_pdf([long_claim], layout=layout), "msn.pdf", Role.AUTO)

    [claim] = document.claims
    assert len(claim.lines) == 40
    assert [line.billed for line in claim.lines] == [Decimal(90 + n) for n in range(40)]
    assert len({line.where.split(",")[0] for line in claim.lines}) == 2  # two pages
    assert claim.notes == (("A", "Fee schedule."),)
    assert document.warnings == ()


def test_an_unreadable_amount_becomes_a_warning_and_a_low_confidence_line() -> None:
    claims = list(fx.default_part_b_claims())
    broken = replace(claims[0].lines[0], charged="$15O.00")
    claims[0] = replace(claims[0], lines=(broken, *claims[0].lines[1:]))
    document = extract_pdf(fx.msn_part_b_pdf(claims, layout="cms"), "msn.pdf", Role.AUTO)

    first = document.lines[0]
    assert first.billed is None and first.low_confidence
    assert first.allowed == Decimal("112.50")
    [warning] = document.warnings
    assert warning.startswith("We could not read the amounts on one line on page 3: ")
    assert "$15O.00" in warning


@pytest.mark.parametrize("layout", PART_A_LAYOUTS)
def test_part_a_stays_benefit_days_and_cost_sharing_rows(layout: str) -> None:
    document = extract_pdf(fx.msn_part_a_pdf(layout=layout), "msn-a.pdf", Role.AUTO)

    assert document.kind is DocumentKind.MSN and document.coverage is Coverage.ORIGINAL_MEDICARE
    assert document.notice_date == date(2024, 7, 20)
    assert document.total_you_may_be_billed == Decimal("2160.00")
    assert document.warnings == ()
    hospital, nursing = document.claims
    expected: list[tuple[Claim, fx.MsnClaim, Adjustment]] = [
        (hospital, fx.default_part_a_claims()[0], Adjustment(Group.PR, "1", Decimal("1632.00"))),
        (nursing, fx.default_part_a_claims()[1], Adjustment(Group.PR, "2", Decimal("408.00"))),
    ]
    for read, printed, cost in expected:
        stay = printed.lines[0]
        assert read.claim_number == printed.claim_number
        assert read.provider == printed.provider
        assert read.provider_address == printed.address
        assert read.assigned is True
        assert read.notes == printed.notes
        [line] = read.lines  # the deductible/coinsurance row is the stay's cost, not a service
        first, last = printed.date.split(" - ")
        assert (line.date_of_service, line.date_through) == (day(first), day(last))
        assert line.description == stay.description
        assert line.units == Decimal(stay.days)
        assert line.denied is False
        assert line.not_covered == fx.money(stay.not_covered)
        assert line.paid == fx.money(stay.paid)
        assert line.patient_owes == fx.money(stay.owes)
        assert line.billed == (fx.money(stay.charged) if layout == "plain" else None)
        assert line.remarks == tuple(stay.notes.split(", "))
        assert line.adjustments == (cost,)


def test_role_does_not_override_what_the_paper_says() -> None:
    document: Document = extract_pdf(fx.msn_part_b_pdf(), "msn.pdf", Role.BILL)
    assert document.kind is DocumentKind.MSN
