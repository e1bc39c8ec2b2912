"""Tables pasted from a portal (tabs, '|' or lined-up spaces, with a header row) and CSV/XLSX
claims exports (issue 14): columns mapped by the PDF tables' header words, statement tables
read as ledgers, each checked through `explain` with its truth."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from explainer import (
    Coverage,
    DocumentKind,
    Format,
    LimitExceeded,
    Role,
    Severity,
    UnreadableDocument,
    Upload,
    read_uploads,
)
from explainer.read.sheet import MAX_ROWS
from explainer.read.sniff import sniff_format
from tests.conftest import explain_typed

D = Decimal
MSN = (
    "Medicare Summary Notice\nNotice date: 04/10/2025\nProvider: Springfield Family Clinic\n"
    "03/04/2025 99214 office visit billed $150.00 approved $100.00 paid $78.40 you may owe $20.00\n"
    "CO-253 $1.60\n"
)
BILL_ASKS_21_60 = (
    "Springfield Family Clinic\nStatement\n03/04/2025 99214 office visit balance due $21.60\n"
)
LEDGER_HEADER = ["Date", "Description", "Code", "Charges", "Payments", "Adjustments", "Balance"]
LEDGER_ROWS = [
    ["03/04/2025", "Office visit", "99214", "150.00", "", "", "150.00"],
    ["03/28/2025", "Medicare payment", "99214", "", "78.40", "", "71.60"],
    ["03/28/2025", "CO-45 contractual adjustment", "99214", "", "", "50.00", "21.60"],
    [
        "03/28/2025",
        "CO-253 sequestration moved to patient responsibility",
        "99214",
        "",
        "",
        "1.60",
        "21.60",
    ],
]


def serious(explanation):  # type: ignore[no-untyped-def]
    return [
        (f.rule, f.amount)
        for f in explanation.findings
        if f.severity in (Severity.ALERT, Severity.WARNING)
    ]


def bill_truth(explanation):  # type: ignore[no-untyped-def]
    bill = explanation.documents[-1]
    return (
        [(x.procedure_code, x.billed, x.paid, x.patient_owes) for x in bill.lines],
        [(a.group.value, a.reason, a.amount) for x in bill.lines for a in x.adjustments],
    )


LEDGER_TRUTH = (
    [("99214", D("150.00"), D("78.40"), D("21.60"))],
    [("CO", "45", D("50.00")), ("CO", "253", D("1.60"))],
)


def aligned(rows: list[list[str]]) -> str:
    """Rows lined up by spaces, amounts right-aligned under their labels, empty cells blank."""
    widths = [max(len(row[k]) for row in rows) + 3 for k in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            cell.ljust(width) if k < 3 else cell.rjust(width)
            for k, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("".join(cells).rstrip())
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(
    "table",
    [
        "\n".join("\t".join(row) for row in [LEDGER_HEADER, *LEDGER_ROWS]) + "\n",
        "\n".join(" | ".join(row) for row in [LEDGER_HEADER, *LEDGER_ROWS]) + "\n",
        aligned([LEDGER_HEADER, *LEDGER_ROWS]),
    ],
    ids=["tabs", "pipes", "spaces with empty cells"],
)
def test_a_pasted_statement_table_is_read_as_a_ledger(table: str) -> None:
    explanation = explain_typed(MSN, "Springfield Family Clinic\n" + table)
    assert bill_truth(explanation) == LEDGER_TRUTH
    assert serious(explanation) == [("contractual-billed-to-patient", D("1.60"))]
    statement = explanation.documents[-1].statement
    assert statement is not None and statement.balance == D("21.60")


def test_a_clean_pasted_statement_table_raises_nothing() -> None:
    rows = [row[:] for row in LEDGER_ROWS]
    rows[3] = ["03/28/2025", "CO-253 sequestration adjustment", "99214", "", "", "1.60", "20.00"]
    table = "\n".join("\t".join(row) for row in [LEDGER_HEADER, *rows]) + "\n"
    explanation = explain_typed(MSN, "Springfield Family Clinic\n" + table)
    assert bill_truth(explanation)[0] == [("99214", D("150.00"), D("78.40"), D("20.00"))]
    assert serious(explanation) == []


def test_a_portal_notice_table_pasted_with_spaces() -> None:
    notice = (
        "Medicare Summary Notice\n"
        "Date of Service    Description          Amount Billed   Medicare Approved   Medicare Paid   You May Be Billed\n"
        "03/04/2025         Office visit 99214        $150.00             $100.00          $78.40              $20.00\n"
    )
    explanation = explain_typed(notice, BILL_ASKS_21_60)
    line = explanation.documents[0].lines[0]
    assert (line.procedure_code, line.billed, line.allowed, line.paid, line.patient_owes) == (
        "99214",
        D("150.00"),
        D("100.00"),
        D("78.40"),
        D("20.00"),
    )
    # approved − paid − may owe = the implied CO 253, billed to the patient.
    assert serious(explanation) == [("contractual-billed-to-patient", D("1.60"))]


def test_a_portal_table_with_claim_and_provider_columns_makes_one_claim_each() -> None:
    notice = (
        "Explanation of Benefits\n"
        "Claim #\tProvider\tService Date\tProcedure Code\tBilled\tAllowed\tPlan Paid\tDeductible\tCoinsurance\tYour Responsibility\n"
        "A100\tDr. Ana Ruiz\t03/04/2025\t99214\t150.00\t100.00\t80.00\t0.00\t20.00\t20.00\n"
        "A200\tLakeside Lab\t03/05/2025\t80053\t40.00\t12.00\t12.00\t0.00\t0.00\t0.00\n"
        "Total\t\t\t\t190.00\t112.00\t92.00\t0.00\t20.00\t20.00\n"
    )
    explanation = explain_typed(notice)
    document = explanation.documents[0]
    assert document.kind is DocumentKind.EOB
    assert [(c.claim_number, c.provider, len(c.lines)) for c in document.claims] == [
        ("A100", "Dr. Ana Ruiz", 1),
        ("A200", "Lakeside Lab", 1),
    ]
    first = document.claims[0].lines[0]
    assert first.adjustment_total() == D("20.00") and first.patient_owes == D("20.00")
    assert serious(explanation) == []


# --- CSV and XLSX exports ------------------------------------------------------------------

CSV_EXPORT = (
    "Claim Number,Provider,Date of Service,Procedure Code,Billed,Medicare Approved,Medicare Paid,"
    "Deductible,Coinsurance,You May Owe\n"
    '12-25069-123-450,"Springfield Family Clinic",03/04/2025,99214,"$150.00",100.00,78.40,0.00,20.00,20.00\n'
)


def test_a_csv_claims_export_against_a_bill() -> None:
    explanation = explain_typed(
        None, BILL_ASKS_21_60, Upload(CSV_EXPORT.encode(), "claims.csv", Role.AUTO)
    )
    export = explanation.documents[-1]
    # Read as a notice (what it prints: approved, paid, you may owe), Medicare's by its columns.
    assert (export.kind, export.format) == (DocumentKind.NOTICE, Format.CSV)
    assert export.coverage is Coverage.ORIGINAL_MEDICARE
    line = export.lines[0]
    assert (line.billed, line.allowed, line.paid, line.patient_owes) == (
        D("150.00"),
        D("100.00"),
        D("78.40"),
        D("20.00"),
    )
    assert export.claims[0].claim_number == "12-25069-123-450"
    assert serious(explanation) == [("contractual-billed-to-patient", D("1.60"))]


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ledger_workbook(last_balance: float, transfer: str) -> bytes:
    day, posted = datetime(2025, 3, 4), datetime(2025, 3, 28)
    return workbook(
        [
            [
                "Posted",
                "Date of Service",
                "Description",
                "CPT",
                "Charges",
                "Payments",
                "Adjustments",
                "Balance",
            ],
            [day, day, "Office visit", 99214, 150, None, None, 150],
            [posted, day, "Medicare payment", 99214, None, 78.4, None, 71.6],
            [posted, day, "CO-45 contractual adjustment", 99214, None, None, 50, 21.6],
            [posted, day, f"CO-253 sequestration {transfer}", 99214, None, None, 1.6, last_balance],
        ]
    )


def test_an_xlsx_statement_export_moving_co253_to_the_patient_is_flagged() -> None:
    upload = Upload(ledger_workbook(21.6, "transfer to patient"), "ledger.xlsx", Role.AUTO)
    explanation = explain_typed(MSN, None, upload)
    assert explanation.documents[-1].format is Format.XLSX
    assert explanation.documents[-1].kind is DocumentKind.PROVIDER_BILL
    assert bill_truth(explanation) == LEDGER_TRUTH
    assert explanation.documents[-1].lines[0].where == "row 2"
    assert serious(explanation) == [("contractual-billed-to-patient", D("1.60"))]


def test_a_clean_xlsx_statement_export_raises_nothing() -> None:
    upload = Upload(ledger_workbook(20, "adjustment"), "ledger.xlsx", Role.BILL)
    explanation = explain_typed(MSN, None, upload)
    assert bill_truth(explanation)[0] == [("99214", D("150.00"), D("78.40"), D("20.00"))]
    assert serious(explanation) == []


def test_formats_are_sniffed_from_the_bytes() -> None:
    assert sniff_format(CSV_EXPORT.encode()) is Format.CSV
    assert sniff_format(ledger_workbook(20, "adjustment")) is Format.XLSX
    # A typed line with a comma in its date is not a CSV file.
    assert sniff_format(b"Statement\nMar 4, 2025 99214 balance due $21.60\n") is Format.TEXT
    assert sniff_format(b"PK\x03\x04 not a workbook") is Format.TEXT


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(LimitExceeded, match="unpacks to more"):
        read_uploads([Upload(buffer.getvalue(), "bomb.xlsx")])


def test_a_broken_workbook_is_a_kind_message() -> None:
    data = bytearray(ledger_workbook(20, "adjustment"))
    middle = len(data) // 2
    data[middle : middle + 200] = b"\xff" * 200
    with pytest.raises((UnreadableDocument, LimitExceeded)):
        read_uploads([Upload(bytes(data), "broken.xlsx")])


def test_a_csv_with_too_many_rows_is_refused() -> None:
    rows = "".join("03/04/2025,99214,150.00,20.00\n" for _ in range(MAX_ROWS + 1))
    data = ("Date of Service,Procedure Code,Billed,You Owe\n" + rows).encode()
    with pytest.raises(LimitExceeded, match="rows"):
        read_uploads([Upload(data, "big.csv")])


DEBIT_CREDIT = (
    "Date\tDescription\tDebit\tCredit\tBalance\n"
    "03/04/2025\t99214 Office visit\t150.00\t\t150.00\n"
    "03/28/2025\tMedicare payment\t\t78.40\t71.60\n"
    "03/28/2025\tCO-45 Contractual adj\t\t50.00\t21.60\n"
    "03/28/2025\tCO-253 Sequestration adj\t\t1.60\t20.00\n"
)
AMOUNT_CR_DR = (
    "Date\tDescription\tAmount\tCR/DR\tBalance\n"
    "03/04/2025\t99214 Office visit\t150.00\tDR\t150.00\n"
    "03/28/2025\tMCR PMT\t78.40\tCR\t71.60\n"
    "03/28/2025\tCO45 W/O\t50.00\tCR\t21.60\n"
    "03/28/2025\tCO253 XFER TO PT RESP\t1.60\t\t21.60\n"
)


TYPE_COLUMN = (
    "Date\tType\tDescription\tAmount\tBalance\n"
    "03/04/2025\tCharge\t99214 Office visit\t150.00\t150.00\n"
    "03/28/2025\tPayment\tMedicare\t-78.40\t71.60\n"
    "03/28/2025\tAdjustment\tCO-45\t-50.00\t21.60\n"
    "03/28/2025\tTransfer\tCO-253 to patient\t1.60\t21.60\n"
)


@pytest.mark.parametrize(
    ("table", "owes", "findings"),
    [
        (DEBIT_CREDIT, D("20.00"), []),
        (AMOUNT_CR_DR, D("21.60"), [("contractual-billed-to-patient", D("1.60"))]),
        (TYPE_COLUMN, D("21.60"), [("contractual-billed-to-patient", D("1.60"))]),
    ],
    ids=[
        "debit and credit columns",
        "amount with a CR/DR column, abbreviations",
        "a type column naming each posting",
    ],
)
def test_bookkeeping_columns(table: str, owes: Decimal, findings: list[object]) -> None:
    explanation = explain_typed(MSN, "Springfield Family Clinic\n" + table)
    lines, adjustments = bill_truth(explanation)
    assert lines == [("99214", D("150.00"), D("78.40"), owes)]
    assert adjustments == [("CO", "45", D("50.00")), ("CO", "253", D("1.60"))]
    assert serious(explanation) == findings


def test_credits_on_a_charge_we_could_not_read_leave_what_is_owed_unknown() -> None:
    table = (
        "Date\tDescription\tFee\tPayments\tAdjustments\tBalance\n"
        "03/04/2025\t99214 Office visit\tsee note\t\t\t\n"
        "03/28/2025\tMedicare payment\t\t78.40\t\t71.60\n"
    )
    explanation = explain_typed(None, "Springfield Family Clinic\n" + table)
    bill = explanation.documents[0]
    assert [line.patient_owes for line in bill.lines] == [None]
    assert any("could not read every amount" in w for w in bill.warnings)


def test_an_insurance_pending_row_asks_nothing_we_guessed() -> None:
    table = (
        "DOS\tCPT\tDescription\tCharge\tIns Paid\tAdj\tPt Resp\n"
        "03/04/2025\t99214\tOffice visit\t150.00\tPending\t\tPending\n"
    )
    explanation = explain_typed(MSN, "Springfield Family Clinic\n" + table)
    bill = explanation.documents[-1]
    assert [(x.billed, x.patient_owes, x.low_confidence) for x in bill.lines] == [
        (D("150.00"), None, True)
    ]
    assert serious(explanation) == []


def test_a_charge_we_could_not_read_is_never_a_silent_zero() -> None:
    table = "Date\tDescription\tCharges\tPayments\tBalance\n03/04/2025\t99214 Office visit\t1S0.00\t\t\n"
    bill = explain_typed(None, "Springfield Family Clinic\n" + table).documents[0]
    line = bill.lines[0]
    assert (line.patient_owes, line.low_confidence) == (None, True)
    assert bill.warnings


def test_an_itemized_table_with_a_totals_row_is_one_line_per_service() -> None:
    table = (
        "DOS\tCPT\tDescription\tCharge\tIns Paid\tAdj\tPt Resp\n"
        "03/04/2025\t99214\tOffice visit\t150.00\t78.40\t51.60\t20.00\n"
        "03/04/2025\t36415\tBlood draw\t20.00\t2.35\t17.05\t0.60\n"
        "Totals\t\t\t170.00\t80.75\t68.65\t20.60\n"
    )
    notice = MSN + (
        "03/04/2025 36415 blood draw billed $20.00 approved $3.00 paid $2.35 you may owe $0.60\n"
        "CO-253 $0.05\n"
    )
    explanation = explain_typed(notice, "Springfield Family Clinic\n" + table)
    assert bill_truth(explanation)[0] == [
        ("99214", D("150.00"), D("78.40"), D("20.00")),
        ("36415", D("20.00"), D("2.35"), D("0.60")),
    ]
    statement = explanation.documents[-1].statement
    assert statement is not None
    assert (statement.charges, statement.payments, statement.balance) == (
        D("170.00"),
        D("80.75"),
        D("20.60"),
    )
    assert serious(explanation) == []


def test_an_msn_claim_table_copied_from_the_medicare_site() -> None:
    notice = (
        "Medicare Summary Notice\nClaim number: 12-25069-123-450\n"
        "Provider: Springfield Family Clinic\n"
        "Date of Service\tService Provided & Billing Code\tService Approved?\t"
        "Amount Provider Charged\tMedicare-Approved Amount\tAmount Medicare Paid\t"
        "Maximum You May Be Billed\tSee Notes Below\n"
        "03/04/2025\tOffice visit (99214)\tYes\t$150.00\t$100.00\t$78.40\t$20.00\tA\n"
        "03/04/2025\tBlood draw (36415)\tNo\t$20.00\t$0.00\t$0.00\t$0.00\tB, C\n"
        "Total\t\t\t$170.00\t$100.00\t$78.40\t$20.00\t\n"
    )
    explanation = explain_typed(notice, BILL_ASKS_21_60)
    document = explanation.documents[0]
    assert document.kind is DocumentKind.MSN
    assert [
        (x.procedure_code, x.billed, x.allowed, x.paid, x.patient_owes, x.denied, x.remarks)
        for x in document.lines
    ] == [
        ("99214", D("150.00"), D("100.00"), D("78.40"), D("20.00"), False, ("A",)),
        ("36415", D("20.00"), D("0.00"), D("0.00"), D("0.00"), True, ("B", "C")),
    ]
    assert document.claims[0].claim_number == "12-25069-123-450"
    assert serious(explanation) == [("contractual-billed-to-patient", D("1.60"))]


def test_a_header_wrapped_over_two_rows() -> None:
    table = (
        "Service\tService\tAmount\tInsurance\tAdjust-\tPatient\n"
        "Date\tDescription\tCharged\tPaid\tments\tBalance\n"
        "03/04/2025\t99214 Office visit\t150.00\t78.40\t50.00\t21.60\n"
    )
    explanation = explain_typed(MSN, "Springfield Family Clinic\n" + table)
    assert bill_truth(explanation)[0] == [("99214", D("150.00"), D("78.40"), D("21.60"))]
    assert explanation.documents[-1].warnings == ()
    assert serious(explanation) == [("contractual-billed-to-patient", D("1.60"))]


def test_split_insurance_and_patient_balances_are_not_guessed() -> None:
    """Still not read: amounts shown only as changes of two balances. Nothing is guessed."""
    table = (
        "Date\tDescription\tCharges\tIns Bal\tPt Bal\n"
        "03/04/2025\t99214 Office visit\t150.00\t150.00\t0.00\n"
        "03/28/2025\tMedicare payment\t\t71.60\t0.00\n"
        "03/28/2025\tCO-45 adjustment\t\t21.60\t0.00\n"
        "03/28/2025\tCO-253 transfer to patient\t\t20.00\t1.60\n"
    )
    explanation = explain_typed(MSN, "Springfield Family Clinic\n" + table)
    bill = explanation.documents[-1]
    assert [line.patient_owes for line in bill.lines] == [None]
    assert bill.warnings
    assert serious(explanation) == []


def test_a_workbook_with_a_cell_far_to_the_right_is_read_in_bounded_time() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(LEDGER_HEADER)
    for row in LEDGER_ROWS:
        sheet.append(row)
    sheet.cell(row=5000, column=16000, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    start = time.monotonic()
    [document] = read_uploads([Upload(buffer.getvalue(), "wide.xlsx", Role.BILL)])
    assert time.monotonic() - start < 5
    assert [line.patient_owes for line in document.lines] == [D("21.60")]
