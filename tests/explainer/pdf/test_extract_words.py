"""The extractors read Pages of words, not PDFs: small word fixtures (as OCR will give) suffice.

Also the headline case end to end from two PDFs: a bill that keeps Medicare's CO-253 cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from explainer import Role, Upload, explain_uploads
from explainer.extract.eob import extract_eob
from explainer.extract.msn import extract_msn
from explainer.extract.pdf import extract_pages
from explainer.extract.statement import extract_statement
from explainer.model import Adjustment, Coverage, Format, Group
from explainer.read.layout import Page, Word
from tests import pdf_fixtures as fx

SIZE, CHAR, SPACE = 10.0, 5.0, 2.8


def ocr_page(
    number: int, *lines: tuple[float, Sequence[tuple[float, str]]], confidence: float = 0.9
) -> Page:
    """A page as an OCR engine would give it: words with boxes and a confidence below 1."""
    words = []
    for top, cells in lines:
        for x, text in cells:
            for token in text.split():
                width = len(token) * CHAR
                words.append(Word(token, x, x + width, top, top + SIZE, confidence))
                x += width + SPACE
    return Page(number, 612, 792, tuple(words))


def test_an_msn_outpatient_section_from_words() -> None:
    pages = [
        ocr_page(1, (60, [(50, "Medicare Summary Notice for Part B")]), (90, [(50, "Date of This Notice: May 2, 2025")])),
        ocr_page(
            3,
            (60, [(50, "Your Outpatient Claims for Part B")]),
            (90, [(50, "April 1, 2025 Mercy Hospital, (555) 555-0000")]),
            (102, [(50, "1 Hospital Way, Anytown, IL 62706")]),
            (114, [(50, "Claim number 55555-66666")]),
            (140, [(50, "Service Provided & Billing Code"), (230, "Service Approved?"), (330, "Amount Provider Charged"),
                   (450, "Medicare-Approved Amount"), (580, "Amount Medicare Paid"), (700, "Maximum You May Be Billed"),
                   (840, "See Notes Below")]),
            (160, [(50, "Emergency dept visit (99284)"), (230, "Yes"), (330, "$900.00"), (450, "$420.00"),
                   (580, "$329.28"), (700, "$84.00"), (840, "A")]),
            (185, [(50, "A"), (70, "The amount you owe is your coinsurance.")]),
        ),
    ]  # fmt: skip
    document = extract_msn(pages, "msn-words", Format.IMAGE)

    assert document.format is Format.IMAGE and document.coverage is Coverage.ORIGINAL_MEDICARE
    assert document.notice_date == date(2025, 5, 2)
    [claim] = document.claims
    assert (claim.claim_number, claim.provider, claim.assigned) == (
        "55555-66666",
        "Mercy Hospital",
        True,
    )
    assert claim.notes == (("A", "The amount you owe is your coinsurance."),)
    [line] = claim.lines
    assert (line.procedure_code, line.date_of_service, line.denied) == (
        "99284",
        date(2025, 4, 1),
        False,
    )
    assert (line.billed, line.allowed, line.paid, line.patient_owes) == (
        Decimal("900.00"),
        Decimal("420.00"),
        Decimal("329.28"),
        Decimal("84.00"),
    )
    assert line.where == "page 3, line 1"


def test_an_eob_from_words() -> None:
    page = ocr_page(
        1,
        (50, [(50, "Acme Health PPO")]),
        (70, [(50, "Explanation of Benefits")]),
        (85, [(50, "Date processed: 02/10/2025")]),
        (100, [(50, "Claim #: A-77 Patient: John Roe")]),
        (112, [(50, "Provider: Lake Clinic")]),
        (130, [(50, "Date"), (120, "Service"), (250, "Billed"), (320, "Allowed"), (390, "Paid"), (450, "Copay"),
               (510, "Codes")]),
        (145, [(50, "01/15/2025"), (120, "99213 Office visit"), (250, "$120.00"), (320, "$80.00"), (390, "$55.00"),
               (450, "$25.00"), (510, "CO-45 PR-3")]),
        (170, [(50, "PR-3"), (100, "Your copay for this visit.")]),
    )  # fmt: skip
    document = extract_eob([page], "eob-words", Format.IMAGE)

    assert (document.payer, document.coverage, document.notice_date) == (
        "Acme Health PPO",
        Coverage.COMMERCIAL,
        date(2025, 2, 10),
    )
    [claim] = document.claims
    assert (claim.claim_number, claim.patient_name, claim.provider) == (
        "A-77",
        "John Roe",
        "Lake Clinic",
    )
    [line] = claim.lines
    assert line.procedure_code == "99213"
    assert line.remarks == ("CO-45", "PR-3")
    # No "you owe" column: the copay column is the patient's share, kept as PR-3.
    assert line.patient_owes == Decimal("25.00")
    assert line.adjustments == (Adjustment(Group.PR, "3", Decimal("25.00")),)
    assert claim.notes == (("PR-3", "Your copay for this visit."),)


def test_a_statement_from_words() -> None:
    page = ocr_page(
        1,
        (50, [(50, "Lake Clinic")]),
        (70, [(50, "Statement date: 03/01/2025")]),
        (82, [(50, "Account #: 9981")]),
        (100, [(50, "Date"), (120, "Description"), (300, "Charges"), (370, "Credits"), (440, "Balance")]),
        (115, [(50, "01/15/2025"), (120, "99213 Office visit"), (300, "$120.00"), (440, "$120.00")]),
        (130, [(50, "02/10/2025"), (120, "Insurance payment"), (370, "-$55.00"), (440, "$65.00")]),
        (145, [(50, "02/10/2025"), (120, "Contractual adj CO-45"), (370, "-$40.00"), (440, "$25.00")]),
        (170, [(50, "Amount due: $25.00")]),
    )  # fmt: skip
    document = extract_statement([page], "bill-words", Format.IMAGE)

    assert (document.notice_date, document.account_number) == (date(2025, 3, 1), "9981")
    [line] = document.lines
    assert (line.procedure_code, line.billed, line.paid, line.patient_owes) == (
        "99213",
        Decimal("120.00"),
        Decimal("55.00"),
        Decimal("25.00"),
    )
    assert line.adjustments == (Adjustment(Group.CO, "45", Decimal("40.00")),)
    assert document.claims[0].provider == "Lake Clinic"
    assert document.statement is not None and document.statement.balance == Decimal("25.00")


def test_the_headline_case_from_two_pdfs_a_bill_keeping_the_sequestration_cut() -> None:
    """MSN: approved $150, Medicare paid $117.60, you may be billed $30. The bill never writes
    off the $2.40 CO-253 cut and asks $32.40 (PRODUCT.md, RULES.md)."""
    claim = fx.MsnClaim(
        provider="Grandview Medical Group",
        address="123 Main Street, Anytown, IL 62701",
        claim_number="12435-84956-84556-45621",
        date="March 4, 2025",
        lines=(
            fx.Line(
                "Office/outpatient visit, est", "99214", "$150.00", "$150.00", "$117.60", "$30.00"
            ),
        ),
    )
    visit = fx.Visit(
        entries=(
            fx.Entry("03/04/2025", "Office visit, established", "$150.00", "99214"),
            fx.Entry("04/02/2025", "Medicare paid", "$117.60", kind="payment"),
        ),
        owes=("$32.40",),
    )
    explanation = explain_uploads(
        [
            Upload(fx.msn_part_b_pdf([claim]), "msn.pdf", Role.NOTICE),
            Upload(fx.statement_pdf([visit]), "bill.pdf", Role.BILL),
        ]
    )
    notice, bill = explanation.documents
    assert notice.lines[0].patient_owes == Decimal("30.00")
    assert bill.lines[0].patient_owes == Decimal("32.40")
    assert "contractual-billed-to-patient" in [finding.rule for finding in explanation.findings]


def test_words_read_with_low_confidence_make_their_line_uncertain() -> None:
    header = (100, [(50, "Date"), (120, "Description"), (300, "Charges"), (370, "Balance")])
    row = (
        115,
        [(50, "01/15/2025"), (120, "99213 Office visit"), (300, "$120.00"), (370, "$120.00")],
    )
    sure = extract_pages(
        [ocr_page(1, header, row, confidence=0.95)], "bill", Role.BILL, Format.IMAGE
    )
    unsure = extract_pages(
        [ocr_page(1, header, row, confidence=0.5)], "bill", Role.BILL, Format.IMAGE
    )
    assert [line.low_confidence for line in sure.lines] == [False]
    assert [line.low_confidence for line in unsure.lines] == [True]
    assert unsure.format is Format.IMAGE
