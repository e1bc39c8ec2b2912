"""Typed and pasted lines, as people really paste them (issue: forgiving typed reading)."""

from datetime import date
from decimal import Decimal

import pytest

from explainer import DocumentKind, Group, Role, UnsupportedDocument
from explainer.extract.typed import extract_typed, sniff_kind
from explainer.model import Adjustment, Coverage


def only_line(text: str, role: Role = Role.NOTICE):  # type: ignore[no-untyped-def]
    document = extract_typed(text, "typed:notice", role)
    lines = document.lines
    assert len(lines) == 1, document
    return lines[0]


@pytest.mark.parametrize(
    "written",
    ["03/04/2025", "3/4/25", "2025-03-04", "Mar 4, 2025", "March 4, 2025", "4 Mar 2025"],
)
def test_dates_in_every_common_shape(written: str) -> None:
    line = only_line(f"{written} 99214 billed $150 approved $100 paid $78.40 you may owe $20")
    assert line.date_of_service == date(2025, 3, 4)
    assert line.procedure_code == "99214"


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("billed", "billed"),
        ("charged", "billed"),
        ("amount provider charged", "billed"),
        ("approved", "allowed"),
        ("allowed", "allowed"),
        ("Medicare-approved amount", "allowed"),
        ("paid", "paid"),
        ("plan paid", "paid"),
        ("amount Medicare paid", "paid"),
        ("you may owe", "patient_owes"),
        ("maximum you may be billed", "patient_owes"),
        ("patient responsibility", "patient_owes"),
        ("balance due", "patient_owes"),
    ],
)
def test_every_label_for_an_amount(label: str, field: str) -> None:
    line = only_line(f"03/04/2025 99214 {label} $1,234.56")
    assert getattr(line, field) == Decimal("1234.56")


def test_the_headline_line_from_the_issue() -> None:
    line = only_line("03/04/2025 99214 billed $150 approved $150 paid $117.60 you may owe $30")
    assert (line.billed, line.allowed, line.paid, line.patient_owes) == (
        Decimal("150.00"),
        Decimal("150.00"),
        Decimal("117.60"),
        Decimal("30.00"),
    )


def test_msn_sentence_with_code_in_parentheses() -> None:
    line = only_line(
        "Mar 4, 2025 Office visit (99214) Amount provider charged $150.00 Medicare-approved amount "
        "$100.00 Amount Medicare paid $78.40 Maximum you may be billed $20.00"
    )
    assert line.procedure_code == "99214"
    assert line.description == "Office visit"
    assert line.patient_owes == Decimal("20.00")


def test_four_unlabelled_amounts_follow_the_msn_column_order() -> None:
    line = only_line("3/4/25 99214-25 $150.00 $100.00 $78.40 $20.00 N130")
    assert line.modifiers == ("25",)
    assert (line.billed, line.allowed, line.paid, line.patient_owes) == (
        Decimal("150.00"),
        Decimal("100.00"),
        Decimal("78.40"),
        Decimal("20.00"),
    )
    assert line.remarks == ("N130",)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("CO-253 $2.40", [Adjustment(Group.CO, "253", Decimal("2.40"))]),
        ("CO 253 2.40", [Adjustment(Group.CO, "253", Decimal("2.40"))]),
        ("CO253 2.40", [Adjustment(Group.CO, "253", Decimal("2.40"))]),
        ("co-253: $2.40", [Adjustment(Group.CO, "253", Decimal("2.40"))]),
        ("PR 2 30.00", [Adjustment(Group.PR, "2", Decimal("30.00"))]),
        ("Medicare adj CO-253 Sequestration -1.60", [Adjustment(Group.CO, "253", Decimal("1.60"))]),
        ("CAS*CO*253*2.40", [Adjustment(Group.CO, "253", Decimal("2.40"))]),
        (
            "CAS*CO*45*50*1*253*1.60~",
            [
                Adjustment(Group.CO, "45", Decimal("50.00"), Decimal(1)),
                Adjustment(Group.CO, "253", Decimal("1.60")),
            ],
        ),
        (
            "CO-45 $50.00 PR-2 $20.00",
            [
                Adjustment(Group.CO, "45", Decimal("50.00")),
                Adjustment(Group.PR, "2", Decimal("20.00")),
            ],
        ),
    ],
)
def test_adjustment_codes_attach_to_the_line_above(
    written: str, expected: list[Adjustment]
) -> None:
    document = extract_typed(
        f"03/04/2025 99214 billed $150 approved $100 paid $78.40 you may owe $20\n{written}\n",
        "n",
        Role.NOTICE,
    )
    assert list(document.lines[0].adjustments) == expected


def test_remark_codes_attach_to_the_line_above() -> None:
    document = extract_typed(
        "03/04/2025 99214 paid $0 you may owe $0\nN130 MA18\n", "n", Role.NOTICE
    )
    assert document.lines[0].remarks == ("N130", "MA18")


def test_a_carc_without_group_is_warned_not_guessed() -> None:
    document = extract_typed("03/04/2025 99214 paid $0\nCARC 45 $50\n", "n", Role.NOTICE)
    assert document.lines[0].adjustments == ()
    assert any("45" in warning and "group code" in warning for warning in document.warnings)


def test_a_line_we_cannot_read_is_reported_not_dropped() -> None:
    document = extract_typed(
        "03/04/2025 99214 billed $150 you may owe $20\nsomething 12.50 and 7\n", "n", Role.NOTICE
    )
    assert any("line 2" in warning.lower() for warning in document.warnings)


def test_amounts_without_labels_on_a_notice_are_not_guessed() -> None:
    document = extract_typed("03/04/2025 99214 $150.00 $20.00\n", "n", Role.NOTICE)
    assert document.lines[0].patient_owes is None
    assert document.warnings


def test_bill_with_one_amount_is_what_the_bill_asks() -> None:
    document = extract_typed("Springfield Family Clinic\n03/04/2025 99214 $21.60\n", "b", Role.BILL)
    assert document.kind is DocumentKind.PROVIDER_BILL
    assert document.lines[0].patient_owes == Decimal("21.60")
    assert document.claims[0].provider == "Springfield Family Clinic"


def test_headers_set_provider_claim_date_and_assignment() -> None:
    document = extract_typed(
        "Medicare Summary Notice\nNotice date: April 10, 2025\nProvider: Dr. Ana Ruiz\nClaim number: 123\n"
        "Assigned: no\n03/04/2025 99214 approved $95 paid $74.48 you may owe $109.25\n"
        "Provider: Lakeside Lab\n03/05/2025 80053 approved $10 paid $10 you may owe $0\n",
        "n",
        Role.AUTO,
    )
    assert document.kind is DocumentKind.MSN
    assert document.coverage is Coverage.ORIGINAL_MEDICARE
    assert document.notice_date == date(2025, 4, 10)
    first, second = document.claims
    assert (first.provider, first.claim_number, first.assigned) == ("Dr. Ana Ruiz", "123", False)
    assert second.provider == "Lakeside Lab" and second.assigned is None
    assert [len(first.lines), len(second.lines)] == [1, 1]


@pytest.mark.parametrize(
    ("text", "role", "kind"),
    [
        ("Medicare Summary Notice\n03/04/2025 99214 you may owe $20", Role.AUTO, DocumentKind.MSN),
        ("Explanation of Benefits\n03/04/2025 99214 plan paid $20", Role.AUTO, DocumentKind.EOB),
        ("Statement\n03/04/2025 99214 balance due $20", Role.AUTO, DocumentKind.PROVIDER_BILL),
        ("03/04/2025 99214 approved $100 you may owe $20", Role.AUTO, DocumentKind.NOTICE),
        ("Medicare Summary Notice\n03/04/2025 99214 $20", Role.BILL, DocumentKind.PROVIDER_BILL),
    ],
)
def test_kind_is_sniffed_from_the_words(text: str, role: Role, kind: DocumentKind) -> None:
    assert sniff_kind(text, role) is kind


@pytest.mark.parametrize(
    ("marker", "coverage"),
    [
        ("Your Medicare Advantage plan", Coverage.MEDICARE_ADVANTAGE),
        ("State Medicaid program", Coverage.MEDICAID),
        ("Medicare Summary Notice", Coverage.ORIGINAL_MEDICARE),
    ],
)
def test_coverage_is_read_from_what_the_paper_says(marker: str, coverage: Coverage) -> None:
    document = extract_typed(
        f"{marker}\n03/04/2025 99214 approved $100 you may owe $20\n", "n", Role.NOTICE
    )
    assert document.coverage is coverage


def test_garbage_text_is_a_clear_error() -> None:
    with pytest.raises(UnsupportedDocument, match="could not find any bill or notice lines"):
        extract_typed("hello there\nthis is not a bill\n", "x.txt", Role.AUTO)


def test_typed_835_snippet_lines() -> None:
    document = extract_typed(
        "SVC*HC:99214:25*150*78.4**1~\nDTM*472*20250304~\nAMT*B6*100~\nCAS*CO*45*50**253*1.60~\n"
        "CAS*PR*2*20~\nLQ*HE*N130~\n",
        "n",
        Role.NOTICE,
    )
    line = document.lines[0]
    assert (line.procedure_code, line.modifiers, line.date_of_service) == (
        "99214",
        ("25",),
        date(2025, 3, 4),
    )
    assert (line.billed, line.paid, line.allowed) == (
        Decimal("150.00"),
        Decimal("78.40"),
        Decimal("100.00"),
    )
    assert line.adjustment_total(Group.CO) == Decimal("51.60")
    assert line.adjustment_total(Group.PR, "2") == Decimal("20.00")
    assert line.remarks == ("N130",)
