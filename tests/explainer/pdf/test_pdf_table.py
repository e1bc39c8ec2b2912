"""Word-level tests of the page model (read/layout.py) and the table reader (extract/table.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pytest

from explainer.extract.table import (
    Field,
    LineCounter,
    code_tokens,
    coded_adjustments,
    column_ranges,
    date_range,
    field_for,
    find_labelled,
    find_tables,
    header_at,
    procedure,
    read_legend,
)
from explainer.model import Group
from explainer.read.layout import Row, Word, group_rows, split_cells

SIZE = 10.0
CHAR = 5.0  # a rough average character width at 10 pt
SPACE = 2.8


def words_at(x: float, top: float, text: str, size: float = SIZE) -> list[Word]:
    """The words of `text` printed from x, each word as wide as its characters."""
    placed = []
    for token in text.split():
        width = len(token) * CHAR * size / SIZE
        placed.append(Word(token, x, x + width, top, top + size))
        x += width + SPACE * size / SIZE
    return placed


def page(*lines: tuple[float, Sequence[tuple[float, str]]]) -> list[Word]:
    """Words of a page: each line is (top, [(x, cell text), ...])."""
    return [word for top, cells in lines for x, text in cells for word in words_at(x, top, text)]


def rows_of(words: list[Word], page_number: int = 1) -> list[Row]:
    return group_rows(words, page_number)


# ---------------------------------------------------------------- layout


def test_rows_group_words_by_vertical_overlap_and_sort_them_left_to_right() -> None:
    words = [
        Word("$12.00", 300, 330, 101, 111),
        Word("Office", 50, 80, 100, 110),
        Word("visit", 83, 105, 100.5, 110.5),
        Word("next", 50, 70, 113, 123),
    ]
    rows = group_rows(words, page=2)
    assert [row.text for row in rows] == ["Office visit $12.00", "next"]
    assert [(row.page, row.number) for row in rows] == [(2, 1), (2, 2)]


def test_wrapped_lines_of_one_cell_stay_separate_rows() -> None:
    rows = group_rows(page((100, [(50, "Office/outpatient")]), (111, [(50, "visit, est (99214)")])))
    assert [row.text for row in rows] == ["Office/outpatient", "visit, est (99214)"]


def test_a_larger_word_on_the_same_line_joins_the_row() -> None:
    rows = group_rows([Word("Total", 50, 80, 100, 110), Word("$64.19", 200, 260, 97, 113)])
    assert len(rows) == 1


def test_cells_split_at_wide_gaps_not_at_spaces() -> None:
    cells = split_cells(page((100, [(50, "Amount Provider Charged"), (200, "Medicare Paid")])))
    assert [cell.text for cell in cells] == ["Amount Provider Charged", "Medicare Paid"]


def test_typewriter_spaces_do_not_split_cells() -> None:
    # Courier: every character and every space is 0.6 em wide.
    text, x, words = "Inpatient hospital stay", 50.0, []
    for token in text.split():
        words.append(Word(token, x, x + 6.6 * len(token), 100, 111))
        x += 6.6 * (len(token) + 1)
    words.append(Word("$9,012.00", x + 20, x + 20 + 59.4, 100, 111))
    assert [cell.text for cell in split_cells(words)] == ["Inpatient hospital stay", "$9,012.00"]


# ---------------------------------------------------------------- header words


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Amount Provider Charged", Field.BILLED),
        ("Amount Billed", Field.BILLED),
        ("Charges", Field.BILLED),
        ("Billed", Field.BILLED),
        ("Amount Facility Charged", Field.BILLED),
        ("Network Discount", Field.NOT_COVERED),
        ("Not Covered", Field.NOT_COVERED),
        ("Non- Covered Charges", Field.NOT_COVERED),
        ("Amount Not Covered", Field.NOT_COVERED),
        ("Medicare- Approved Amount", Field.ALLOWED),
        ("Medicare-Approved Amount", Field.ALLOWED),
        ("Allowed Amount", Field.ALLOWED),
        ("Plan Allowed", Field.ALLOWED),
        ("Approved", Field.ALLOWED),
        ("Amount Medicare Paid", Field.PAID),
        ("Medicare Paid Provider", Field.PAID),
        ("Medicare Paid You", Field.PAID),
        ("Plan Paid", Field.PAID),
        ("Paid by Plan", Field.PAID),
        ("Insurance Paid", Field.PAID),
        ("Paid", Field.PAID),
        ("Deductible", Field.DEDUCTIBLE),
        ("Applied to Deductible", Field.DEDUCTIBLE),
        ("Copay", Field.COPAY),
        ("Co-pay", Field.COPAY),
        ("Coinsurance", Field.COINSURANCE),
        ("Co-insurance", Field.COINSURANCE),
        ("You Owe", Field.OWES),
        ("Your Responsibility", Field.OWES),
        ("Patient Responsibility", Field.OWES),
        ("Maximum You May Be Billed", Field.OWES),
        ("You May Be Billed", Field.OWES),
        ("Your Share", Field.OWES),
        ("Balance", Field.BALANCE),
        ("Date", Field.DATE),
        ("Date of Service", Field.DATE),
        ("Dates of Service", Field.DATE),
        ("Service Date", Field.DATE),
        ("Date(s)", Field.DATE),
        ("Service Provided & Billing Code", Field.SERVICE),
        ("Services Provided", Field.SERVICE),
        ("Description", Field.SERVICE),
        ("Service Description", Field.SERVICE),
        ("Service", Field.SERVICE),
        ("Code", Field.CODE),
        ("CPT", Field.CODE),
        ("CPT/HCPCS", Field.CODE),
        ("Procedure Code", Field.CODE),
        ("See Notes Below", Field.NOTES),
        ("See Notes Section", Field.NOTES),
        ("Remarks", Field.NOTES),
        ("Remark Codes", Field.NOTES),
        ("Reason Codes", Field.NOTES),
        ("Notes", Field.NOTES),
        ("Service Approved?", Field.APPROVED),
        ("Claim Approved?", Field.APPROVED),
        ("Benefit Days Used", Field.BENEFIT_DAYS),
        ("Payments", Field.PAYMENTS),
        ("Adjustments", Field.ADJUSTMENTS),
        ("Amount", Field.AMOUNT),
        ("What You Owe", Field.OWES),
        ("Member Responsibility", Field.OWES),
        ("Patient Resp.", Field.OWES),
        ("Pt Balance", Field.OWES),
        ("Savings", Field.NOT_COVERED),
        ("Ineligible Amount", Field.NOT_COVERED),
        ("Other Insurance Paid", Field.OTHER_PAID),
        ("Your Plan Paid", Field.PAID),
        ("Claim Remarks", Field.NOTES),
        ("Adj Codes", Field.NOTES),
        ("Modifier", Field.CODE),
        ("Qty", Field.UNITS),
        ("Patient name", None),
        ("Claim", None),
        ("Your Claims for Part B", None),
    ],
)
def test_header_words_name_the_column(label: str, expected: Field | None) -> None:
    assert field_for(label) == expected


def test_a_header_wrapped_over_three_rows_is_read_as_one() -> None:
    rows = rows_of(
        page(
            (100, [(200, "Amount"), (260, "Medicare-"), (320, "Amount"), (380, "Maximum")]),
            (
                111,
                [
                    (50, "Service Provided &"),
                    (200, "Provider"),
                    (260, "Approved"),
                    (320, "Medicare"),
                    (380, "You May"),
                ],
            ),
            (
                122,
                [
                    (50, "Billing Code"),
                    (200, "Charged"),
                    (260, "Amount"),
                    (320, "Paid"),
                    (380, "Be Billed"),
                ],
            ),
            (
                140,
                [
                    (50, "Office visit (99214)"),
                    (200, "$150.00"),
                    (260, "$112.50"),
                    (320, "$88.20"),
                    (380, "$22.50"),
                ],
            ),
        )
    )
    found = header_at(rows, 0)
    assert found is not None
    header, size = found
    assert size == 3
    assert header.fields == (Field.SERVICE, Field.BILLED, Field.ALLOWED, Field.PAID, Field.OWES)
    assert header_at(rows, 3) is None  # a data row is no header


def test_a_title_above_the_header_is_not_part_of_it() -> None:
    rows = rows_of(
        page(
            (100, [(50, "Your Claims for Part B (Medical Insurance) and what they cost")]),
            (111, [(50, "Service"), (200, "Charged"), (260, "Approved"), (320, "Paid")]),
        )
    )
    assert header_at(rows, 0) is None
    found = header_at(rows, 1)
    assert found is not None and found[1] == 1


def test_too_few_known_columns_is_no_table() -> None:
    rows = rows_of(page((100, [(50, "Name"), (200, "Address"), (300, "Phone")])))
    assert header_at(rows, 0) is None


# ---------------------------------------------------------------- table rows


HEADER = (
    100,
    [(50, "Date"), (120, "Description"), (300, "Charged"), (370, "Paid"), (430, "You Owe")],
)


def test_each_word_goes_under_its_header_and_totals_stay_apart() -> None:
    rows = rows_of(
        page(
            HEADER,
            (
                120,
                [
                    (50, "03/04/2025"),
                    (120, "Office visit (99214)"),
                    (300, "$150.00"),
                    (370, "$117.60"),
                    (430, "$30.00"),
                ],
            ),
            (
                135,
                [
                    (50, "03/04/2025"),
                    (120, "EKG (93000)"),
                    (305, "$40.00"),
                    (375, "$13.47"),
                    (435, "$3.71"),
                ],
            ),
            (150, [(50, "Total"), (300, "$190.00"), (370, "$131.07"), (430, "$33.71")]),
        )
    )
    [(start, header, lines, end)] = find_tables(rows)
    assert (start, end) == (0, 4)
    assert [line.total for line in lines] == [False, False, True]
    first = lines[0]
    assert first.get(Field.DATE) == "03/04/2025"
    assert first.get(Field.SERVICE) == "Office visit (99214)"
    assert (first.money(Field.BILLED), first.money(Field.PAID), first.money(Field.OWES)) == (
        Decimal("150.00"),
        Decimal("117.60"),
        Decimal("30.00"),
    )
    assert lines[2].money(Field.OWES) == Decimal("33.71")


def test_a_service_named_total_is_not_a_totals_row() -> None:
    rows = rows_of(
        page(
            HEADER,
            (
                120,
                [(50, "03/04/2025"), (120, "Total knee arthroplasty (27447)"), (300, "$9,000.00")],
            ),
            (135, [(50, "Total"), (300, "$9,000.00")]),
        )
    )
    [(_, _, lines, _)] = find_tables(rows)
    assert [line.total for line in lines] == [False, True]


def test_a_wrapped_description_joins_the_line_above() -> None:
    rows = rows_of(
        page(
            HEADER,
            (
                120,
                [
                    (50, "03/04/2025"),
                    (120, "Office/outpatient visit,"),
                    (300, "$150.00"),
                    (370, "$117.60"),
                ],
            ),
            (131, [(120, "established (99214)")]),
            (146, [(50, "03/04/2025"), (120, "EKG"), (300, "$40.00"), (370, "$13.47")]),
        )
    )
    [(_, _, lines, _)] = find_tables(rows)
    assert [line.get(Field.SERVICE) for line in lines] == [
        "Office/outpatient visit, established (99214)",
        "EKG",
    ]


def test_a_description_wrapped_above_its_amounts_joins_the_line_below() -> None:
    rows = rows_of(
        page(
            HEADER,
            (120, [(120, "Office/outpatient")]),
            (131, [(120, "visit, established")]),
            (142, [(50, "03/04/2025"), (120, "(99214)"), (300, "$150.00"), (370, "$117.60")]),
            (160, [(120, "Electrocardiogram,")]),
            (
                171,
                [(50, "03/04/2025"), (120, "complete (93000)"), (300, "$40.00"), (370, "$13.47")],
            ),
        )
    )
    [(_, _, lines, _)] = find_tables(rows)
    assert [line.get(Field.SERVICE) for line in lines] == [
        "Office/outpatient visit, established (99214)",
        "Electrocardiogram, complete (93000)",
    ]


def test_a_long_description_running_past_its_header_stays_a_description() -> None:
    rows = rows_of(
        page(
            (100, [(50, "Description"), (300, "Billed"), (370, "Paid"), (430, "You Owe")]),
            (
                120,
                [
                    (50, "Office visit, established patient, 25 minutes (99214)"),
                    (330, "$150.00"),
                    (390, "$1.00"),
                ],
            ),
        )
    )
    [(_, _, lines, _)] = find_tables(rows)
    assert lines[0].get(Field.SERVICE).endswith("(99214)")
    assert lines[0].money(Field.BILLED) == Decimal("150.00")


def test_right_aligned_amounts_under_left_aligned_headers_find_their_column() -> None:
    # Amounts end at each column's right edge, well right of a short label.
    rows = rows_of(
        page(
            (100, [(50, "Service"), (200, "Copay"), (280, "Coinsurance"), (380, "Paid")]),
            (120, [(50, "Visit"), (248, "$0.00"), (335, "$9.00"), (420, "$36.00")]),
            (135, [(50, "X-ray"), (243, "$20.00"), (335, "$4.00"), (420, "$16.00")]),
        )
    )
    [(_, header, lines, _)] = find_tables(rows)
    assert [line.money(Field.COPAY) for line in lines] == [Decimal("0.00"), Decimal("20.00")]
    assert [line.money(Field.COINSURANCE) for line in lines] == [Decimal("9.00"), Decimal("4.00")]
    assert len(column_ranges(header)) == 4


def test_paragraph_text_after_the_table_ends_it() -> None:
    rows = rows_of(
        page(
            HEADER,
            (120, [(50, "03/04/2025"), (120, "Office visit"), (300, "$150.00"), (370, "$117.60")]),
            (160, [(50, "Notes: this information is being sent to your private insurer.")]),
        )
    )
    [(_, _, lines, end)] = find_tables(rows)
    assert len(lines) == 1 and end == 2


def test_an_unreadable_amount_is_flagged_not_guessed() -> None:
    rows = rows_of(
        page(
            HEADER,
            (120, [(50, "03/04/2025"), (120, "Office visit"), (300, "$15O.00"), (370, "$117.60")]),
        )
    )
    [(_, _, lines, _)] = find_tables(rows)
    assert lines[0].unreadable() == (Field.BILLED,)
    assert lines[0].money(Field.BILLED) is None


def test_a_table_continues_after_its_header_repeated_on_the_next_page() -> None:
    first = group_rows(
        page(
            HEADER,
            (120, [(50, "03/04/2025"), (120, "Office visit"), (300, "$150.00"), (370, "$117.60")]),
            (700, [(50, "Jennifer Washington Page 1")]),
        ),
        1,
    )
    second = group_rows(
        page(
            (40, [(50, "Jennifer Washington Account 100234")]),
            HEADER,
            (120, [(50, "03/05/2025"), (120, "EKG"), (300, "$40.00"), (370, "$13.47")]),
            (135, [(50, "Totals"), (300, "$190.00"), (370, "$131.07")]),
        ),
        2,
    )
    [(_, _, lines, end)] = find_tables(first + second)
    assert [(line.page, line.total) for line in lines] == [(1, False), (2, False), (2, True)]
    assert end == len(first + second)


def test_a_stop_row_ends_the_table() -> None:
    rows = rows_of(
        page(
            HEADER,
            (120, [(50, "03/04/2025"), (120, "Office visit"), (300, "$150.00"), (370, "$117.60")]),
            (131, [(50, "Claim number 123")]),
        )
    )
    [(_, _, lines, end)] = find_tables(rows, stop=lambda row: "Claim number" in row.text)
    assert len(lines) == 1 and end == 2


# ---------------------------------------------------------------- labelled values and legends


def test_labelled_values_beside_and_below_their_label() -> None:
    rows = rows_of(
        page(
            (100, [(50, "Claim number: 12345-678 Patient: Jane Doe")]),
            (120, [(50, "Date of This Notice"), (250, "Total You May Be Billed")]),
            (132, [(50, "March 15, 2025"), (250, "$64.19")]),
            (150, [(50, "Claim Number"), (200, "Patient"), (350, "Provider")]),
            (162, [(50, "EOB-1"), (200, "Jane Doe"), (350, "Valley Clinic")]),
        )
    )
    assert find_labelled(rows, re.compile(r"claim\s+number", re.I)) == ("12345-678", 0)
    assert find_labelled(rows, re.compile(r"patient\s*:", re.I)) == ("Jane Doe", 0)
    assert find_labelled(rows, re.compile(r"date of this notice", re.I)) == ("March 15, 2025", 1)
    assert find_labelled(rows, re.compile(r"total you may be billed", re.I)) == ("$64.19", 1)
    assert find_labelled(rows, re.compile(r"^provider$", re.I)) == ("Valley Clinic", 3)


def test_a_legend_is_read_for_the_codes_used_with_wrapped_text() -> None:
    rows = rows_of(
        page(
            (100, [(50, "A line of text that is not a legend")]),
            (120, [(50, "A"), (70, "This information is being sent to your")]),
            (131, [(70, "private insurer.")]),
            (146, [(50, "CO-45"), (100, "Charge exceeds fee schedule.")]),
            (160, [(50, "Z"), (70, "Not referenced, so not read.")]),
        )
    )
    legend, used = read_legend(rows, ["A", "CO-45"], start=1)
    assert legend == {
        "A": "This information is being sent to your private insurer.",
        "CO-45": "Charge exceeds fee schedule.",
    }
    assert used == {1, 2, 3}


# ---------------------------------------------------------------- values in cells


@pytest.mark.parametrize(
    ("service", "code_cell", "expected"),
    [
        ("Office/outpatient visit, est (99214)", "", ("99214", ())),
        ("Annual wellness visit (G0439)", "", ("G0439", ())),
        ("Office visit (99214-25)", "", ("99214", ("25",))),
        ("99214 Office visit", "", ("99214", ())),
        ("Office visit", "99214 25", ("99214", ("25",))),
        ("Office visit", "99213-GA-59", ("99213", ("GA", "59"))),
        ("Inpatient hospital stay", "", (None, ())),
        ("Anytown, IL 62701", "", (None, ())),
    ],
)
def test_procedure_codes_and_modifiers(
    service: str, code_cell: str, expected: tuple[str | None, tuple[str, ...]]
) -> None:
    assert procedure(service, code_cell) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/04/2025", (date(2025, 3, 4), None)),
        ("06/18/24 - 06/21/24", (date(2024, 6, 18), date(2024, 6, 21))),
        ("June 18 – June 21, 2017", (date(2017, 6, 18), date(2017, 6, 21))),
        ("Jun 18-21, 2017", (date(2017, 6, 18), date(2017, 6, 21))),
        ("", (None, None)),
    ],
)
def test_date_ranges(text: str, expected: tuple[date | None, date | None]) -> None:
    assert date_range(text) == expected


def test_code_tokens_and_coded_adjustments() -> None:
    assert code_tokens("A, B") == ("A", "B")
    assert code_tokens("CO 45 N130") == ("CO-45", "N130")
    assert code_tokens("12 45") == ("12", "45")
    assert coded_adjustments("Medicare adj CO-253 Sequestration -1.60") == [(Group.CO, "253", None)]
    assert coded_adjustments("CO-45 $60.00 PR 2 30.00") == [
        (Group.CO, "45", Decimal("60.00")),
        (Group.PR, "2", Decimal("30.00")),
    ]


def test_line_counter_numbers_lines_per_page() -> None:
    counter = LineCounter()
    assert [counter.where(p) for p in (2, 2, 3)] == [
        "page 2, line 1",
        "page 2, line 2",
        "page 3, line 1",
    ]
