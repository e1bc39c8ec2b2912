"""The small parts of general reading: letter-spaced glyphs, date rows, sentences that state
adjustments, and the self-check that refuses to trust a table that fails its own totals."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest

from explainer.extract.selfcheck import self_check
from explainer.extract.sentences import stated_adjustments
from explainer.extract.table import date_row, is_summary_row
from explainer.model import Adjustment, Claim, Group, ServiceLine
from explainer.read.layout import Row, Word, join_letter_spaced


def _glyphs(text: str, x: float, gap: float, size: float = 8.0) -> list[Word]:
    words, width = [], size * 0.6
    for char in text:
        words.append(Word(char, x, x + width, 100, 100 + size))
        x += width + gap
    return words


def test_letter_spaced_glyphs_join_into_words_but_words_stay_apart() -> None:
    words = _glyphs("250.00", 10, 1.5) + _glyphs("TOTALS", 80, 1.5)
    assert [w.text for w in join_letter_spaced(words)] == ["250.00", "TOTALS"]


def test_ordinary_words_are_left_alone() -> None:
    words = [Word("Office", 10, 34, 100, 108), Word("visit", 36, 54, 100, 108),
             Word("A", 200, 205, 100, 108)]  # fmt: skip
    assert join_letter_spaced(words) == tuple(words)


@pytest.mark.parametrize(
    ("text", "is_date_row"),
    [
        ("Jan 14, 2025", True),
        ("Dates of service: 03/04/2025 - 03/05/2025", True),
        ("03/04/2025 to 03/06/2025", True),
        ("RECEIPT DATE: 02/03/2025", False),
        ("Office visit 03/04/2025", False),
        ("Alpine Family Medicine", False),
    ],
)
def test_a_date_row_holds_a_date_and_nothing_else(text: str, is_date_row: bool) -> None:
    assert bool(date_row(text)) is is_date_row


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("Current 31-60 61-90 90+ Amount Due", True),
        ("0-30 days 31-60 days Over 90 days", True),
        ("Previous balance $0.00", True),
        ("Amount due $21.60", True),
        ("03/04/2025 Office visit 99214 $150.00", False),
    ],
)
def test_aging_boxes_and_summaries_are_told_from_lines(text: str, summary: bool) -> None:
    row = Row(1, 1, tuple(Word(w, 10 * i, 10 * i + 8, 0, 8) for i, w in enumerate(text.split())))
    assert is_summary_row(row) is summary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A REDUCTION IN PAYMENT OF $2.31 HAS BEEN APPLIED DUE TO SEQUESTRATION",
            [Adjustment(Group.CO, "253", Decimal("2.31"))],
        ),
        (
            "AREDUCTIONINPAYMENTOF$2.31HASBEENAPPLIEDDUETOSEQUESTRATION",
            [Adjustment(Group.CO, "253", Decimal("2.31"))],
        ),
        (
            "Sequestration reduction of $1.60 was taken from this payment.",
            [Adjustment(Group.CO, "253", Decimal("1.60"))],
        ),
        (
            "$131.11 of this approved amount has been applied toward your deductible.",
            [Adjustment(Group.PR, "1", Decimal("131.11"))],
        ),
        ("You have met $257.00 of your $257.00 Part B deductible for 2025.", []),
        ("Medicare paid $72.16 to the provider.", []),
    ],
)
def test_sentences_state_adjustments_only_when_unambiguous(
    text: str, expected: list[Adjustment]
) -> None:
    assert [s.adjustment for s in stated_adjustments(text)] == expected


def _line(billed: str, paid: str) -> ServiceLine:
    return ServiceLine(billed=Decimal(billed), paid=Decimal(paid), where="page 2, line 1")


def test_a_claim_that_adds_up_to_its_total_is_trusted() -> None:
    claim = Claim(lines=(_line("100.00", "80.00"), _line("50.00", "40.00")),
                  billed=Decimal("150.00"), paid=Decimal("120.00"), where="page 2")  # fmt: skip
    [checked], warnings = self_check([claim])
    assert not warnings
    assert not any(line.low_confidence for line in checked.lines)


def test_a_claim_that_fails_its_total_is_named_and_its_lines_doubted() -> None:
    claim = Claim(lines=(_line("100.00", "80.00"), _line("50.00", "40.00")),
                  billed=Decimal("150.00"), paid=Decimal("112.00"), where="page 2")  # fmt: skip
    [checked], warnings = self_check([claim])
    assert all(line.low_confidence for line in checked.lines)
    [warning] = warnings
    assert "page 2" in warning and "$120.00" in warning and "$112.00" in warning


def _page_of(*rows: tuple[float, list[tuple[float, str]]]):
    from explainer.read.layout import Page

    words = []
    for top, cells in rows:
        for x, text in cells:
            for part in text.split():  # about 5 pt a letter and a 2.5 pt space, at 8 pt
                words.append(Word(part, x, x + 5 * len(part), top, top + 8))
                x += 5 * len(part) + 2.5
    return Page(1, 612, 792, tuple(words))


def test_a_row_with_money_that_no_table_took_is_named_as_unchecked() -> None:
    from explainer.extract.accounting import unchecked_rows
    from explainer.model import Document, DocumentKind, Format

    page = _page_of(
        (100, [(40, "Service"), (200, "Billed"), (300, "Allowed"), (400, "Paid")]),
        (112, [(40, "99213"), (200, "$150.00"), (300, "$92.04"), (400, "$72.16")]),
        (200, [(40, "We could not process part of this claim today.")]),
        (300, [(40, "03/05/2025"), (120, "80053"), (200, "$45.00"), (300, "$12.00")]),
        (320, [(40, "You have met $257.00 of your $257.00 deductible for this year.")]),
    )
    read = ServiceLine(billed=Decimal("150.00"), allowed=Decimal("92.04"), paid=Decimal("72.16"))
    document = Document("eob.pdf", DocumentKind.EOB, Format.PDF, claims=(Claim(lines=(read,)),))
    [row] = unchecked_rows([page], document)
    assert row.where == "page 1, row 4"
    assert "$45.00" in row.text


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("You May Be Billed Notes", "owes"),  # two tight labels run together
        ("Patient May Owe Msg", "owes"),
        ("May owe", "owes"),
        ("Svc Approved?", "approved"),
        ("Service & Code", "service"),
        ("From Date", "date"),
        ("DEDUCT/ COINS", "cost_share"),
        ("CONTRACTUAL ADJUSTMENT AMOUNT", "contractual"),
        ("This service is not covered when performed more often than allowed", None),
    ],
)
def test_header_labels_are_scored_by_their_parts(label: str, field: str | None) -> None:
    from explainer.extract.table import field_for

    found = field_for(label)
    assert (found.value if found else None) == field


def test_tight_columns_are_told_apart_by_where_their_amounts_stand() -> None:
    from explainer.extract.table import Field, find_tables
    from explainer.read.layout import Page, document_rows

    # As a zoo MSN printed them: "Paid by" and "You May Be" touch, so cut by gaps they are
    # one cell over two columns (positions in points, as pdfplumber gave them).
    placed = [
        (90, 480, 535, "Maximum"),
        (102, 42, 71, "From"), (102, 105, 163, "Procedure"), (102, 276, 320, "Amount"),
        (102, 347, 392, "Allowed"), (102, 421, 446, "Paid"), (102, 449, 463, "by"),
        (102, 469, 490, "You"), (102, 494, 517, "May"), (102, 520, 535, "Be"),
        (114, 42, 69, "Date"), (114, 105, 170, "Description"), (114, 288, 320, "Billed"),
        (114, 348, 392, "Amount"), (114, 411, 463, "Medicare"), (114, 503, 535, "Billed"),
    ]  # fmt: skip
    for top, code, amounts in ((130, "(83036)", ("$55.27", "$35.53", "$35.53")),
                               (144, "(J1100)", ("$21.71", "$11.18", "$11.18"))):  # fmt: skip
        billed, allowed, owes = amounts
        placed += [
            (top, 40, 85, "3/18/2024"), (top, 105, 140, code), (top, 282, 320, billed),
            (top, 353, 392, allowed), (top, 438, 463, "$0.00"), (top, 496, 535, owes),
        ]  # fmt: skip
    words = tuple(Word(text, x0, x1, top, top + 10) for top, x0, x1, text in placed)
    page = Page(1, 612, 792, words)
    [(_, header, lines, _)] = find_tables(document_rows([page]))
    assert {Field.BILLED, Field.ALLOWED, Field.PAID, Field.OWES} <= set(header.fields)
    assert [line.money(Field.OWES) for line in lines] == [Decimal("35.53"), Decimal("11.18")]
    assert [line.money(Field.PAID) for line in lines] == [Decimal("0.00"), Decimal("0.00")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Urinalysis, non-automated, without microscopy - 81002", "81002"),
        ("Office visit CPT 99213-25", "99213"),
        ("Springfield IL 62701", None),
        ("Total for Claim 45621", None),
    ],
)
def test_a_code_printed_after_the_words_is_found(text: str, code: str | None) -> None:
    from explainer.extract.table import procedure

    assert procedure(text)[0] == code


def test_a_table_goes_on_at_the_top_of_the_next_page_without_its_header() -> None:
    from explainer.extract.table import Field, find_tables
    from explainer.read.layout import Page, document_rows

    def words(page_rows: list[tuple[float, list[tuple[float, str]]]]) -> tuple[Word, ...]:
        return tuple(
            Word(text, x, x + 5 * len(text), top, top + 8)
            for top, cells in page_rows
            for x, text in cells
        )

    first = Page(1, 612, 792, words([
        (100, [(40, "Service"), (200, "Billed"), (300, "Allowed"), (400, "Paid")]),
        (112, [(40, "99213"), (200, "$150.00"), (300, "$92.04"), (400, "$72.16")]),
        (760, [(40, "Page"), (70, "1")]),
    ]))  # fmt: skip
    second = Page(2, 612, 792, words([
        (40, [(40, "99214"), (200, "$210.00"), (300, "$128.11"), (400, "$100.43")]),
        (52, [(40, "Total"), (200, "$360.00"), (300, "$220.15"), (400, "$172.59")]),
    ]))  # fmt: skip
    [(_, _, lines, _)] = find_tables(document_rows([first, second]))
    assert [line.money(Field.BILLED) for line in lines] == [
        Decimal("150.00"), Decimal("210.00"), Decimal("360.00"),
    ]  # fmt: skip
    assert [line.total for line in lines] == [False, False, True]


@pytest.mark.parametrize(
    "line",
    [
        "Oct 29 2025 99215 office visit charges 314.88 they want 30.90",
        "10/29/2025 99215 office visit charges $314.88 pay $30.90",
        "10/29/2025 99215 office visit billed 314.88 they're asking for $30.90",
    ],
)
def test_what_a_bill_asks_is_read_in_the_words_people_type(line: str) -> None:
    from explainer.extract.typed import extract_typed
    from explainer.read.upload import Role

    document = extract_typed(
        f"Riverbend Cardiology\nPatient statement\n{line}\n", "bill.txt", Role.BILL
    )
    [service] = document.lines
    assert (service.procedure_code, service.billed, service.patient_owes) == (
        "99215", Decimal("314.88"), Decimal("30.90"),
    )  # fmt: skip


def test_a_pasted_table_with_my_share_reads_the_patient_share() -> None:
    from explainer.extract.typed import extract_typed
    from explainer.read.upload import Role

    text = (
        "medicare summary notice part B\n"
        "Date\tProc\tDescription\tMedicare approved\tPaid\tMy share\n"
        "Feb 14 2025\t83036\tHemoglobin A1C blood test\t30.46\t23.88\t6.09\n"
    )
    [line] = extract_typed(text, "notice.txt", Role.NOTICE).lines
    assert (line.allowed, line.paid, line.patient_owes) == (
        Decimal("30.46"), Decimal("23.88"), Decimal("6.09"),
    )  # fmt: skip


def test_an_itemized_bill_with_one_charge_column_is_a_table_of_services() -> None:
    from explainer.extract.table import Field, find_tables
    from explainer.read.layout import document_rows

    page = _page_of(
        (100, [(40, "Date"), (110, "Code"), (170, "Services Provided"), (400, "Qty"),
               (450, "Charge")]),
        (112, [(40, "02/26/2025"), (110, "85025"), (170, "Blood count"), (400, "1"),
               (450, "$157.08")]),
        (124, [(40, "02/27/2025"), (110, "74177"), (170, "CT scan"), (400, "1"),
               (450, "$2248.94")]),
    )  # fmt: skip
    [(_, _, lines, _)] = find_tables(document_rows([page]))
    assert [line.money(Field.BILLED) for line in lines] == [Decimal("157.08"), Decimal("2248.94")]


def test_one_amount_column_without_dates_is_no_table() -> None:
    from explainer.extract.table import find_tables
    from explainer.read.layout import document_rows

    page = _page_of(
        (100, [(40, "Description"), (300, "Amount")]),
        (112, [(40, "Payment, thank you"), (300, "$50.00")]),
    )
    assert find_tables(document_rows([page])) == []


def test_a_member_eob_summary_box_its_claim_date_and_a_line_allowed_nothing() -> None:
    from datetime import date

    from explainer.extract.eob import extract_eob

    page = _page_of(
        (40, [(40, "EXPLANATION OF BENEFITS")]),
        (60, [(40, "Summary")]),
        (72, [(40, "Amount Billed"), (200, "Your Plan Paid"), (350, "You May Owe")]),
        (84, [(40, "$275.62"), (200, "$87.39"), (350, "$9.71")]),
        (120, [(40, "Claim Number: 341333438069")]),
        (132, [(40, "Date of Service: May 26, 2026")]),
        (156, [(40, "Service"), (250, "Charged"), (330, "Allowed"), (410, "Paid"),
               (480, "You Owe")]),
        (168, [(40, "X-ray of knee (73562)"), (250, "$150.00"), (330, "$97.10"),
               (410, "$87.39"), (480, "$9.71")]),
        (180, [(40, "Nail debridement (11721)"), (250, "$125.62"), (330, "$0.00"),
               (410, "$0.00"), (480, "$0.00")]),
    )  # fmt: skip
    document = extract_eob([page], "eob.pdf")
    assert [line.procedure_code for line in document.lines] == ["73562", "11721"]
    assert {line.date_of_service for line in document.lines} == {date(2026, 5, 26)}
    assert [line.denied for line in document.lines] == [None, True]


def test_words_drawn_apart_without_spaces_still_make_cells() -> None:
    # Each word its own text object, 0.72 em apart; columns 3 em and more apart.
    words = [Word("Office", 40, 70, 0, 10), Word("visit,", 77.2, 100, 0, 10),
             Word("Yes", 180, 196, 0, 10), Word("$125.27", 227, 262, 0, 10)]  # fmt: skip
    row = Row(1, 1, tuple(words))
    assert [cell.text for cell in row.cells] == ["Office visit,", "Yes", "$125.27"]


def test_a_label_over_several_cells_still_finds_its_value() -> None:
    from explainer.extract.table import find_labelled

    words = [Word(text, 40 + 40 * k, 70 + 40 * k, 0, 10)
             for k, text in enumerate(["Date", "Service", "Received", "Apr", "27,", "2025"])]  # fmt: skip
    row = Row(1, 1, tuple(words))
    label = re.compile(r"date\s+service\s+received", re.I)
    assert find_labelled([row], label) == ("Apr 27, 2025", 0)


def test_a_header_at_the_foot_of_a_page_goes_on_under_its_repeat_overleaf() -> None:
    from explainer.extract.table import Field, find_tables
    from explainer.read.layout import Page, document_rows

    header = [(40, "Service"), (200, "Billed"), (300, "Allowed"), (400, "Paid")]
    first = Page(1, 612, 792, tuple(
        Word(text, x, x + 5 * len(text), top, top + 8)
        for top, cells in ((700, header), (760, [(40, "Page 1")]))
        for x, text in cells
    ))  # fmt: skip
    second = Page(2, 612, 792, tuple(
        Word(text, x, x + 5 * len(text), top, top + 8)
        for top, cells in (
            (40, header),
            (52, [(40, "99213"), (200, "$150.00"), (300, "$92.04"), (400, "$72.16")]),
        )
        for x, text in cells
    ))  # fmt: skip
    [(_, _, lines, _)] = find_tables(document_rows([first, second]))
    assert [line.money(Field.PAID) for line in lines] == [Decimal("72.16")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("51.27 CR 107.38 CR", []),  # CR marks credits: no group code CR 107 of $0.38
        ("CO-253 -1.60", [("CO", "253", "1.60")]),
        ("CO45 PR1", [("CO", "45", None), ("PR", "1", None)]),
    ],
)
def test_group_codes_are_never_read_out_of_amounts(text: str, found: list) -> None:
    from explainer.extract.table import coded_adjustments

    assert [
        (group.value, reason, str(amount) if amount is not None else None)
        for group, reason, amount in coded_adjustments(text)
    ] == found


def test_a_yes_printed_tight_against_a_description_goes_to_its_column() -> None:
    from explainer.extract.table import Field, find_tables
    from explainer.read.layout import document_rows

    page = _page_of(
        (100, [(40, "Service Provided & Billing Code"), (192, "Approved?"), (250, "Billed"),
               (310, "Allowed"), (380, "Paid")]),
        (112, [(40, "Therapeutic exercises, each 15 Yes"), (250, "$108.04"), (310, "$73.44"),
               (380, "$57.57")]),
    )  # fmt: skip
    [(_, _, [line], _)] = find_tables(document_rows([page]))
    assert line.get(Field.APPROVED) == "Yes"
    assert line.get(Field.SERVICE) == "Therapeutic exercises, each 15"


def test_a_statement_that_lists_only_what_each_service_is_due() -> None:
    from explainer.extract.statement import extract_statement

    page = _page_of(
        (60, [(40, "BILLING STATEMENT")]),
        (100, [(40, "Date of Service"), (140, "CPT Code"), (200, "Service"), (420, "Balance Due")]),
        (112, [(40, "07/22/2025"), (140, "99203"), (200, "Office visit"), (420, "47.47")]),
        (124, [(40, "07/22/2025"), (140, "80053"), (200, "Metabolic panel"), (420, "13.34")]),
        (136, [(40, "Total Charges and Balance"), (420, "60.81")]),
    )
    document = extract_statement([page], "bill.pdf")
    assert [(line.procedure_code, line.billed, line.patient_owes) for line in document.lines] == [
        ("99203", None, Decimal("47.47")),
        ("80053", None, Decimal("13.34")),
    ]


def test_a_repeated_bill_line_is_one_duplicate_not_also_missing_from_the_notice() -> None:
    from datetime import date

    from explainer.explain import explain
    from explainer.model import Answers, Document, DocumentKind, Format

    served = date(2025, 7, 1)
    notice_line = ServiceLine(
        date_of_service=served, procedure_code="97140", billed=Decimal("80.35"),
        allowed=Decimal("54.72"), paid=Decimal("42.90"), patient_owes=Decimal("10.94"),
    )  # fmt: skip
    bill_line = ServiceLine(
        date_of_service=served, procedure_code="97140", billed=Decimal("80.35"),
        patient_owes=Decimal("10.94"),
    )  # fmt: skip
    notice = Document(
        "msn.pdf", DocumentKind.MSN, Format.PDF, claims=(Claim(lines=(notice_line,)),)
    )
    bill = Document(
        "bill.pdf", DocumentKind.PROVIDER_BILL, Format.PDF,
        claims=(Claim(lines=(bill_line, replace(bill_line, where="line 2"))),),
    )  # fmt: skip
    rules = [f.rule for f in explain([notice, bill], Answers()).findings]
    assert "duplicate-charge" in rules
    assert "service-not-on-notice" not in rules


def test_thousands_of_unreadable_lines_stop_early_but_long_real_papers_are_read() -> None:
    from explainer.errors import UnsupportedDocument
    from explainer.extract.typed import UNREAD_LINES, extract_typed
    from explainer.read.upload import Role

    junk = "12 34 56.78 90\n" * (UNREAD_LINES * 20)
    with pytest.raises(UnsupportedDocument, match="first 1,000 lines"):
        extract_typed(junk, "notes.txt", Role.NOTICE)
    services = "".join(
        f"03/04/2025 99214 office visit billed $150.00 you may owe ${k % 90 + 10}.00\n"
        for k in range(UNREAD_LINES + 200)
    )
    document = extract_typed("Statement\n" + services, "bill.txt", Role.BILL)
    assert len(document.lines) == UNREAD_LINES + 200


def test_two_header_words_run_together_over_two_columns_are_cut_apart() -> None:
    from explainer.extract.table import Field, find_tables
    from explainer.read.layout import Page, document_rows

    # A text layer without spaces: "BILLED" and "ADJUSTMENT" touch and read as one word.
    placed = [
        (100, 40, 80, "SERVICE"), (100, 150, 230, "BILLEDADJUSTMENT"), (100, 262, 300, "PAID"),
        (112, 40, 70, "DATE"), (112, 150, 185, "AMOUNT"), (112, 195, 230, "AMOUNT"),
        (112, 262, 300, "AMOUNT"),
        (128, 40, 90, "99213"), (128, 150, 180, "150.00"), (128, 200, 230, "57.96"),
        (128, 270, 300, "72.16"),
        (140, 40, 90, "99214"), (140, 150, 180, "210.00"), (140, 200, 230, "81.89"),
        (140, 270, 300, "100.43"),
    ]  # fmt: skip
    page = Page(1, 612, 792, tuple(Word(t, x0, x1, top, top + 8) for top, x0, x1, t in placed))
    [(_, header, lines, _)] = find_tables(document_rows([page]))
    assert {Field.BILLED, Field.ADJUSTMENTS, Field.PAID} <= set(header.fields)
    assert [line.money(Field.BILLED) for line in lines] == [Decimal("150.00"), Decimal("210.00")]


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("December 01, 2025 Manual therapy", "December 01, 2025"),
        ("6/11/2024-6/11/2024 73562", "6/11/2024-6/11/2024"),
        ("Nov 29, 2025 to Dec 1, 2025 stay", "Nov 29, 2025 to Dec 1, 2025"),
        ("Office visit 03/04/2025", ""),
    ],
)
def test_dates_a_cell_starts_with(text: str, dates: str) -> None:
    from explainer.extract.table import leading_dates

    assert leading_dates(text) == dates


def test_a_statement_of_one_service_asks_its_balance() -> None:
    from explainer.extract.statement import extract_statement

    page = _page_of(
        (60, [(40, "STATEMENT")]),
        (
            100,
            [(40, "From Date"), (130, "Description"), (330, "Total Charges"), (430, "Balance Due")],
        ),
        (112, [(40, "08/06/2025"), (130, "36415 Venipuncture"), (330, "12.84"), (430, "15.37")]),
        (124, [(40, "Total Charges and Balance"), (330, "12.84"), (430, "15.37")]),
    )
    [line] = extract_statement([page], "bill.pdf").lines
    assert (line.billed, line.patient_owes) == (Decimal("12.84"), Decimal("15.37"))


def test_a_two_column_bill_of_coded_services_is_read_and_never_hidden_as_a_summary() -> None:
    from explainer.extract.statement import extract_statement

    page = _page_of(
        (40, [(40, "STATEMENT")]),
        (52, [(40, "Amount Due: $172.59")]),
        (100, [(40, "Procedure Description"), (400, "Patient Balance")]),
        (112, [(40, "May 10, 2025")]),
        (124, [(40, "Nursing facility visit (99310)"), (400, "$106.94")]),
        (136, [(40, "99213 Office visit"), (400, "$65.65")]),
        (148, [(40, "TOTAL"), (400, "$172.59")]),
    )
    document = extract_statement([page], "bill.pdf")
    assert [(line.procedure_code, line.patient_owes) for line in document.lines] == [
        ("99310", Decimal("106.94")),
        ("99213", Decimal("65.65")),
    ]


def test_rows_after_an_amount_due_label_that_print_services_are_not_a_summary() -> None:
    from explainer.extract.accounting import unchecked_rows
    from explainer.model import Document, DocumentKind, Format

    page = _page_of(
        (52, [(40, "Amount Due: $106.94")]),
        (64, [(40, "Nursing facility visit (99310)"), (400, "$106.94"), (470, "$12.00")]),
    )
    empty = Document("bill.pdf", DocumentKind.PROVIDER_BILL, Format.PDF)
    assert [row.where for row in unchecked_rows([page], empty)] == ["page 1, row 2"]


def test_columns_whose_labels_name_nothing_get_their_role_from_what_they_hold() -> None:
    from datetime import date

    from explainer.extract.eob import extract_eob

    # A layout none of our generators draw: "Visit" and "What was done" are words we do not
    # know as column labels, "Provider asked" / "Plan rate" / "Plan share" are plan words,
    # and a "Refund to you: 12.40 CR" line sits under the table.
    page = _page_of(
        (30, [(40, "Your Explanation of Benefits")]),
        (90, [(40, "Claim detail for VALLEY ORTHO (claim # 7781-22-0917)")]),
        (110, [(40, "Visit"), (100, "What was done"), (330, "Provider asked"),
               (410, "Plan rate"), (490, "Plan share"), (570, "You pay")]),
        (126, [(40, "09/02/25"), (100, "Knee injection (20610)"), (350, "310.00"),
               (420, "140.22"), (500, "92.18"), (580, "48.04")]),
        (140, [(40, "09/16/25"), (100, "Follow-up visit (99213)"), (350, "180.00"),
               (420, "88.75"), (500, "51.00"), (580, "37.75")]),
        (158, [(40, "Claim totals"), (350, "490.00"), (420, "228.97"), (500, "143.18"),
               (580, "85.79")]),
        (184, [(40, "Plan savings on this claim: 261.03"), (300, "Refund to you: 12.40 CR")]),
    )  # fmt: skip
    document = extract_eob([page], "eob.pdf")
    assert [(line.date_of_service, line.procedure_code, line.paid) for line in document.lines] == [
        (date(2025, 9, 2), "20610", Decimal("92.18")),
        (date(2025, 9, 16), "99213", Decimal("51.00")),
    ]
    assert document.claims[0].claim_number == "7781-22-0917"
