"""The papers of issue 13 that the first reader got wrong, rebuilt in memory with reportlab:
a CMS-layout Part B MSN with each date of service on its own row, a provider EOB whose text
layer has no space characters and letter-spaced numbers, and statements with an aging box
and an account summary. Builders return PDF bytes; nothing is written to disk."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

_STYLES = getSampleStyleSheet()


def cms_msn_with_date_rows() -> bytes:
    """Part B MSN: 'Jan 14, 2025' on its own row above that day's services (CMS layout)."""
    buffer = io.BytesIO()
    story = [
        Paragraph("Medicare Summary Notice for Part B (Medical Insurance)", _STYLES["Title"]),
        Paragraph("JENNIFER WASHINGTON  Medicare Number XXX-XX-1234A", _STYLES["Normal"]),
        Spacer(1, 12),
        Paragraph("Your Claims for Part B (Medical Insurance)", _STYLES["Heading2"]),
        Paragraph("Alpine Family Medicine, (555) 555-1234", _STYLES["Normal"]),
        Paragraph("Service Provided By: Dr. Jane Smith  Claim Number: 12435-84956-84652",
                  _STYLES["Normal"]),
        Spacer(1, 6),
    ]
    data = [
        ["Service Provided & Billing Code", "Service\nApproved?", "Amount\nProvider\nCharged",
         "Medicare-\nApproved\nAmount", "Amount\nMedicare\nPaid", "Maximum\nYou May Be\nBilled",
         "See\nNotes\nBelow"],
        ["Jan 14, 2025", "", "", "", "", "", ""],
        ["Office/outpatient visit, est (99214)", "Yes", "$210.00", "$128.11", "$0.00",
         "$128.11", "A"],
        ["Jan 28, 2025", "", "", "", "", "", ""],
        ["Office/outpatient visit, est (99213)", "Yes", "$150.00", "$92.04", "$72.16", "$18.41",
         ""],
        ["Blood test, lipids (80061)", "Yes", "$40.00", "$18.50", "$14.50", "$3.70", ""],
        ["Total for Claim #12435-84956-84652", "", "$400.00", "$238.65", "$86.66", "$150.22", ""],
    ]
    table = Table(data, colWidths=[170, 50, 55, 60, 55, 65, 40])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                               ("FONTSIZE", (0, 0), (-1, -1), 8)]))
    story += [
        table,
        Spacer(1, 6),
        Paragraph("Notes for Claims Above", _STYLES["Heading3"]),
        Paragraph("A  $128.11 of this approved amount has been applied toward your deductible.",
                  _STYLES["Normal"]),
    ]
    SimpleDocTemplate(buffer, pagesize=letter).build(story)
    return buffer.getvalue()


def _spaceless_words(pdf: canvas.Canvas, x: float, y: float, text: str, spaced: bool) -> None:
    """Each word its own text object, no space characters; digits letter-spaced."""
    size = 8.0
    for word in text.split(" "):
        pdf.saveState()
        label = pdf.beginText(x, y)
        label.setFont("Courier", size)
        if spaced:
            label.setCharSpace(1.5)
        label.textOut(word)
        pdf.drawText(label)
        pdf.restoreState()
        x += pdf.stringWidth(word, "Courier", size) + (len(word) * 1.5 if spaced else 0) + 4.0


def spaceless_provider_eob(
    claims: Sequence[tuple[str, str, str, str]] = (
        ("DOE, JOHN", "2502011234", "02/03/2025", "01/06/2025"),
        ("ROE, MARY", "2502015678", "02/10/2025", "01/13/2025"),
    ),
    reduction: str = "3.68",
) -> bytes:
    """A plan's provider EOB: RECEIPT DATE group rows, a three-row header, per-claim TOTALS,
    STATEMENT TOTALS and the sequestration sentence; every claim one 99310 line."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=landscape(letter))
    _, height = landscape(letter)
    y = height - 40

    def put(x: float, text: str) -> None:
        _spaceless_words(pdf, x, y, text, spaced=any(ch.isdigit() for ch in text))

    put(40, "SUNRISE HEALTH PLAN PROVIDER EXPLANATION OF BENEFITS")
    y -= 24
    columns = [40, 150, 220, 290, 360, 450, 530, 600, 670]
    header = [
        ["PATIENT/", "SERVICE", "PROC", "BILLED", "ALLOWED", "CONTRACTUAL", "DEDUCT/", "PAID",
         "PATIENT"],
        ["CLAIM", "DATES", "CODE", "AMOUNT", "AMOUNT", "ADJUSTMENT", "COINS", "AMOUNT", "RESP"],
        ["", "", "", "", "", "AMOUNT", "", "", ""],
    ]
    for row in header:
        for x, text in zip(columns, row, strict=True):
            if text:
                _spaceless_words(pdf, x, y, text, spaced=False)
        y -= 10
    y -= 6
    amounts = ["250.00", "115.54", "134.46", "23.11", "90.12", "23.11"]
    for name, number, received, served in claims:
        _spaceless_words(pdf, 40, y, f"RECEIPT DATE: {received}", spaced=False)
        y -= 11
        _spaceless_words(pdf, 40, y, f"{name} {number}", spaced=False)
        y -= 11
        for x, text in zip(columns[1:], [served, "99310", *amounts], strict=True):
            put(x, text)
        y -= 11
        _spaceless_words(pdf, 40, y, "TOTALS:", spaced=False)
        for x, text in zip(columns[3:], amounts, strict=True):
            put(x, text)
        y -= 18
    _spaceless_words(pdf, 40, y, "STATEMENT TOTALS:", spaced=False)
    count = len(claims)
    for x, text in zip(columns[3:], amounts, strict=True):
        put(x, f"{float(text) * count:.2f}")
    y -= 20
    _spaceless_words(
        pdf, 40, y,
        f"A REDUCTION IN PAYMENT OF ${reduction} HAS BEEN APPLIED DUE TO SEQUESTRATION",
        spaced=False,
    )
    pdf.save()
    return buffer.getvalue()


def statement_with_boxes(aging: bool, summary: bool) -> bytes:
    """A ledger statement with an aging box and/or an account summary beside its lines."""
    buffer = io.BytesIO()
    story = [
        Paragraph("Riverside Medical Group", _STYLES["Title"]),
        Paragraph("PATIENT STATEMENT  Account: 55512  Statement date: 04/02/2025",
                  _STYLES["Normal"]),
        Spacer(1, 8),
    ]
    if summary:
        box = Table([["Account Summary", ""], ["Previous balance", "$0.00"],
                     ["New charges", "$150.00"], ["Payments", "-$78.40"],
                     ["Adjustments", "-$50.00"], ["Amount due", "$21.60"]],
                    colWidths=[150, 80])
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.black)]))
        story += [box, Spacer(1, 10)]
    lines = Table([
        ["Date", "Description", "Code", "Charges", "Payments", "Adjustments", "Balance"],
        ["03/04/2025", "Office visit", "99214", "$150.00", "", "", "$150.00"],
        ["03/20/2025", "Medicare payment", "", "", "-$78.40", "", "$71.60"],
        ["03/20/2025", "Contractual adjustment CO-45", "", "", "", "-$48.40", "$23.20"],
        ["03/20/2025", "Sequestration CO-253", "", "", "", "-$1.60", "$21.60"],
        ["", "Balance due", "", "", "", "", "$21.60"],
    ])
    lines.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black)]))
    story += [lines, Spacer(1, 12)]
    if aging:
        box = Table([["Current", "31-60", "61-90", "90+", "Amount Due"],
                     ["$21.60", "$0.00", "$0.00", "$0.00", "$21.60"]])
        box.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(box)
    SimpleDocTemplate(buffer, pagesize=letter).build(story)
    return buffer.getvalue()
