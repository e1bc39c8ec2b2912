"""Billing-paper PDFs built in memory with reportlab, in several layouts per kind, for tests.

Every builder returns the PDF's bytes; nothing is written to disk. The same small data
classes describe what a paper says, so a test can build a PDF from them and then check that
every amount, date and code was read back. Layouts differ on purpose (ruled or not, fonts
and sizes, header wordings and wraps, column orders, page breaks inside a table with the
header repeated, wrapped descriptions, several claims or visits, totals rows).

    msn_part_b_pdf(claims=..., layout="cms" | "plain" | "classic")
    msn_part_a_pdf(claims=..., layout="cms" | "plain" | "large")
    eob_pdf(claims=..., layout="ruled" | "advantage" | "medicaid")
    statement_pdf(visits=..., layout="ledger" | "itemized" | "signed")
    encrypted_pdf(), broken_pdf(), long_pdf(pages), image_only_pdf(pages)
    table_only_pdf(header, rows), text_pdf(*paragraphs), mixed_pdf(data)

`money('$1,234.56')` turns a printed amount back into the Decimal a test expects.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font(name: str) -> str:
    """A TrueType font when the machine has it (embedded, so pdfplumber reads its widths)."""
    if name == "DejaVuSans" and DEJAVU.exists():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
        return "DejaVuSans"
    return "Helvetica" if name == "DejaVuSans" else name


def money(text: str) -> Decimal | None:
    """'$1,234.56' → Decimal('1234.56'); '' → None (for checking what was read)."""
    text = text.replace("$", "").replace(",", "").strip()
    if not text:
        return None
    negative = text.startswith("(") or text.startswith("-")
    try:
        value = Decimal(text.strip("()-"))
    except InvalidOperation:  # a deliberately misprinted amount ('$15O.00')
        return None
    return -value if negative else value


# ---------------------------------------------------------------- what the papers say


@dataclass(frozen=True)
class Line:
    """One service line as printed; amounts as printed ('$150.00'), '' where not printed."""

    description: str
    code: str = ""
    charged: str = ""
    approved: str = ""
    paid: str = ""
    owes: str = ""
    notes: str = ""
    ok: str = "Yes"
    date: str = ""
    not_covered: str = ""
    deductible: str = ""
    copay: str = ""
    coinsurance: str = ""
    days: str = ""


@dataclass(frozen=True)
class MsnClaim:
    """One provider's claim block on an MSN."""

    provider: str
    address: str
    claim_number: str
    date: str
    lines: tuple[Line, ...]
    notes: tuple[tuple[str, str], ...] = ()
    assigned: bool = True
    section: str = ""
    """Part A only: 'inpatient' (default) or 'snf'."""


@dataclass(frozen=True)
class EobClaim:
    """One claim on an insurer's EOB."""

    provider: str
    claim_number: str
    patient: str
    lines: tuple[Line, ...]
    total: bool = True


@dataclass(frozen=True)
class Entry:
    """One ledger row of a provider statement: a charge, payment, adjustment or transfer."""

    date: str
    description: str
    amount: str
    code: str = ""
    kind: str = "charge"
    """'charge', 'payment' (insurer), 'patient_payment', 'adjustment' or 'transfer'."""


@dataclass(frozen=True)
class Visit:
    """One visit on a statement: its charges, then what was paid and adjusted."""

    entries: tuple[Entry, ...]
    owes: tuple[str, ...] = ()
    """Itemized layout only: the 'You Owe' amount printed per charge line."""
    paid: tuple[str, ...] = ()
    adjusted: tuple[str, ...] = ()


# ---------------------------------------------------------------- default papers


def default_part_b_claims() -> tuple[MsnClaim, ...]:
    """Two assigned claims and one unassigned claim; notes A-C; a denied line."""
    return (
        MsnClaim(
            provider="Grandview Medical Group",
            address="123 Main Street, Anytown, IL 62701",
            claim_number="12435-84956-84556-45621",
            date="March 4, 2025",
            lines=(
                Line(
                    "Office/outpatient visit, est",
                    "99214",
                    "$150.00",
                    "$112.50",
                    "$88.20",
                    "$22.50",
                    "A",
                ),
                Line(
                    "Electrocardiogram, complete",
                    "93000",
                    "$40.00",
                    "$17.18",
                    "$13.47",
                    "$3.44",
                    "A",
                ),
                Line(
                    "Vitamin D, 25 hydroxy",
                    "82306",
                    "$60.00",
                    "$0.00",
                    "$0.00",
                    "$0.00",
                    "B",
                    ok="No",
                ),
            ),
            notes=(
                (
                    "A",
                    "This information is being sent to your private insurer(s). Send any questions "
                    "regarding your benefits to them.",
                ),
                (
                    "B",
                    "This service is not covered when performed more often than allowed. "
                    "You do not have to pay this amount.",
                ),
            ),
        ),
        MsnClaim(
            provider="Riverside Physical Therapy",
            address="9 Water Lane, Anytown, IL 62702",
            claim_number="22435-11111-22222-33333",
            date="March 11, 2025",
            lines=(
                Line("Therapeutic exercises", "97110", "$95.00", "$30.12", "$23.61", "$6.02", "C"),
                Line(
                    "Manual therapy techniques", "97140", "$85.00", "$27.85", "$21.84", "$5.57", ""
                ),
            ),
            notes=(("C", "The approved amount is based on a fee schedule."),),
        ),
        MsnClaim(
            provider="Dr. Alan Smith",
            address="77 Oak Road, Anytown, IL 62703",
            claim_number="32435-44444-55555-66666",
            date="March 12, 2025",
            assigned=False,
            lines=(
                Line(
                    "Office/outpatient visit, new",
                    "99203",
                    "$130.00",
                    "$101.27",
                    "$79.40",
                    "$116.46",
                    "D",
                ),
            ),
            notes=(("D", "Your provider did not accept assignment. Medicare paid you."),),
        ),
    )


def default_part_a_claims() -> tuple[MsnClaim, ...]:
    """An inpatient stay with its deductible row, and a skilled nursing stay with coinsurance."""
    return (
        MsnClaim(
            provider="Otero Hospital",
            address="400 Hospital Drive, Anytown, IL 62704",
            claim_number="21122-33344-55566-77788",
            date="June 18, 2024 - June 21, 2024",
            lines=(
                Line(
                    "Inpatient hospital stay",
                    charged="$18,250.00",
                    not_covered="$0.00",
                    paid="$9,012.00",
                    owes="$1,632.00",
                    notes="A",
                    days="3",
                ),
                Line("Part A deductible", owes="$1,632.00", ok=""),
            ),
            notes=(("A", "You have now met your Part A deductible for this benefit period."),),
        ),
        MsnClaim(
            provider="Sunny Acres Skilled Nursing",
            address="12 Elm Street, Anytown, IL 62705",
            claim_number="31122-44455-66677-88899",
            date="July 1, 2024 - July 22, 2024",
            section="snf",
            lines=(
                Line(
                    "Skilled nursing stay",
                    charged="$14,400.00",
                    not_covered="$120.00",
                    paid="$12,040.00",
                    owes="$528.00",
                    notes="B, C",
                    days="22",
                ),
                Line("Coinsurance (days 21-22)", owes="$408.00", ok=""),
            ),
            notes=(
                ("B", "Medicare does not pay for personal comfort items."),
                (
                    "C",
                    "You pay a daily coinsurance amount from day 21 of your skilled nursing stay.",
                ),
            ),
        ),
    )


def default_eob_claims() -> tuple[EobClaim, ...]:
    return (
        EobClaim(
            provider="Valley Family Clinic",
            claim_number="EOB-2025-000123",
            patient="Jane Doe",
            lines=(
                Line(
                    "Office visit, established patient",
                    "99214",
                    "$180.00",
                    "$120.00",
                    "$76.00",
                    "$44.00",
                    "CO-45",
                    date="03/04/2025",
                    not_covered="$60.00",
                    deductible="$20.00",
                    copay="$20.00",
                    coinsurance="$4.00",
                ),
                Line(
                    "Blood test, lipid panel",
                    "80061",
                    "$55.00",
                    "$18.00",
                    "$14.40",
                    "$3.60",
                    "CO-45",
                    date="03/04/2025",
                    not_covered="$37.00",
                    deductible="$0.00",
                    copay="$0.00",
                    coinsurance="$3.60",
                ),
            ),
        ),
        EobClaim(
            provider="Lakeside Imaging Center",
            claim_number="EOB-2025-000456",
            patient="Jane Doe",
            lines=(
                Line(
                    "X-ray chest, 2 views",
                    "71046",
                    "$210.00",
                    "$45.00",
                    "$36.00",
                    "$9.00",
                    "CO-45",
                    date="03/10/2025",
                    not_covered="$165.00",
                    deductible="$0.00",
                    copay="$0.00",
                    coinsurance="$9.00",
                ),
            ),
        ),
    )


def default_visits() -> tuple[Visit, ...]:
    """A statement: one visit with a sequestration write-off, one with two charges."""
    return (
        Visit(
            entries=(
                Entry("03/04/2025", "Office visit, established", "$150.00", "99214"),
                Entry("04/02/2025", "Medicare paid", "$117.60", kind="payment"),
                Entry(
                    "04/02/2025", "Medicare adj CO-253 Sequestration", "$2.40", kind="adjustment"
                ),
                Entry("04/02/2025", "Transfer to patient resp PR-2", "$30.00", kind="transfer"),
            ),
            owes=("$30.00",),
            paid=("$117.60",),
            adjusted=("$2.40",),
        ),
        Visit(
            entries=(
                Entry("03/18/2025", "Electrocardiogram, complete", "$40.00", "93000"),
                Entry("04/20/2025", "Medicare paid", "$13.47", kind="payment"),
                Entry("04/20/2025", "Medicare adj CO-45", "$22.82", kind="adjustment"),
                Entry("03/18/2025", "Venipuncture", "$25.00", "36415"),
                Entry("04/20/2025", "Medicare paid", "$2.40", kind="payment"),
                Entry("04/20/2025", "Medicare adj CO-45", "$22.00", kind="adjustment"),
            ),
            owes=("$3.71", "$0.60"),
            paid=("$13.47", "$2.40"),
            adjusted=("$22.82", "$22.00"),
        ),
    )


# ---------------------------------------------------------------- drawing


@dataclass
class _Look:
    """Fonts and sizes of one layout."""

    font: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    size: float = 9
    pagesize: tuple[float, float] = letter
    ruled: bool = True
    valign: str = "TOP"
    extra: dict[str, Any] = field(default_factory=dict)

    def style(
        self, size: float | None = None, bold: bool = False, leading: float | None = None
    ) -> ParagraphStyle:
        size = size or self.size
        return ParagraphStyle(
            "p",
            fontName=self.bold if bold else self.font,
            fontSize=size,
            leading=leading or size * 1.25,
        )


def _para(text: str, look: _Look, size: float | None = None, bold: bool = False) -> Paragraph:
    return Paragraph(text.replace("&", "&amp;"), look.style(size, bold))


def _table(
    rows: list[list[str]],
    widths: Sequence[float],
    look: _Look,
    header_rows: int = 1,
    right_from: int = 2,
    bold_last: bool = False,
) -> Table:
    """A table: header rows bold, amounts right-aligned from column `right_from`."""
    table = Table(rows, colWidths=list(widths), repeatRows=header_rows)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), look.font, look.size, look.size * 1.2),
        ("FONT", (0, 0), (-1, header_rows - 1), look.bold, look.size, look.size * 1.2),
        ("VALIGN", (0, 0), (-1, -1), look.valign),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "BOTTOM"),
        ("ALIGN", (right_from, header_rows), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if look.ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.lightgrey))
    else:
        commands.append(
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, colors.black)
        )
    if bold_last:
        commands.append(("FONT", (0, -1), (-1, -1), look.bold, look.size, look.size * 1.2))
    table.setStyle(TableStyle(commands))
    return table


def _build(story: list[Any], look: _Look, footer: str = "", encrypt: Any = None) -> bytes:
    """Lay the story out on pages; a footer with the page number on each page."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=look.pagesize,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
        encrypt=encrypt,
        title="",
    )

    def on_page(canvas_: Any, doc: Any) -> None:
        if footer:
            canvas_.setFont(look.font, 8)
            canvas_.drawString(0.6 * inch, 0.4 * inch, f"{footer}   Page {doc.page}")

    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _wrap(text: str, width: int) -> str:
    """Break a description into lines of about `width` characters (as narrow columns do)."""
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return "\n".join(lines)


# ---------------------------------------------------------------- MSN Part B


_PART_B_HEADERS = {
    # CMS wording, wrapped over three rows as on the CMS sample.
    "cms": [
        "Service Provided &\nBilling Code",
        "Service\nApproved?",
        "Amount\nProvider\nCharged",
        "Medicare-\nApproved\nAmount",
        "Amount\nMedicare\nPaid",
        "Maximum\nYou May\nBe Billed",
        "See\nNotes\nBelow",
    ],
    # Same words, wrapped over two rows.
    "plain": [
        "Service Provided &\nBilling Code",
        "Service\nApproved?",
        "Amount Provider\nCharged",
        "Medicare-\nApproved Amount",
        "Amount\nMedicare Paid",
        "Maximum You\nMay Be Billed",
        "See Notes\nBelow",
    ],
}


def msn_part_b_pdf(
    claims: Sequence[MsnClaim] | None = None,
    layout: str = "cms",
    notice_date: str = "March 15, 2025",
    total: str | None = None,
    filler_pages: int = 1,
) -> bytes:
    """A Part B MSN: dashboard page, a help page, then claims by section.

    layouts: "cms" (ruled, Helvetica 9, headers wrapped over 3 rows, date before the
    provider's name, "Total for Claim" rows, top-aligned wrapped descriptions);
    "plain" (unruled, Times 10.5, headers over 2 rows, claim number above the provider,
    amounts at the bottom of wrapped descriptions, no total rows, a long claim continued on
    the next page under a repeated header); "classic" (the pre-2013 MSN: DejaVu Sans 9,
    "Part B Medical Insurance - Assigned Claims", one-row headers with a "Dates of
    Service" column, "Services Provided", "Medicare Paid Provider", "You May Be Billed",
    "See Notes Section").
    """
    claims = tuple(claims) if claims is not None else default_part_b_claims()
    look = {
        "cms": _Look(),
        "plain": _Look(
            font="Times-Roman", bold="Times-Bold", size=9.5, ruled=False, valign="BOTTOM"
        ),
        "classic": _Look(font=_font("DejaVuSans"), bold=_font("DejaVuSans"), size=9, ruled=False),
    }[layout]
    total = (
        total
        if total is not None
        else _sum_text(line.owes for claim in claims for line in claim.lines)
    )
    story: list[Any] = _msn_dashboard(
        look, "Part B (Medical Insurance)", notice_date, total, layout, claims
    )
    for _ in range(filler_pages):
        story += _msn_help_page(look)
    for assigned in (True, False):
        group = [claim for claim in claims if claim.assigned is assigned]
        if not group:
            continue
        story += _part_b_section(group, look, layout, assigned)
    return _build(story, look, footer="Jennifer Washington   THIS IS NOT A BILL")


def _sum_text(amounts: Any) -> str:
    total = sum((money(a) or Decimal(0) for a in amounts), Decimal(0))
    return f"${total:,.2f}"


def _msn_dashboard(
    look: _Look, part: str, notice_date: str, total: str, layout: str, claims: Sequence[MsnClaim]
) -> list[Any]:
    """Page 1: title, notice box (labels over values), Total You May Be Billed."""
    story: list[Any] = [
        _para(f"Medicare Summary Notice for {part}", look, size=16, bold=True),
        _para(
            "THE OFFICIAL SUMMARY OF YOUR MEDICARE CLAIMS FROM THE CENTERS FOR MEDICARE",
            look,
            size=8,
        ),
        Spacer(1, 12),
    ]
    if layout == "classic":
        story += [
            _para(f"Date: {notice_date}", look),
            _para("Medicare Number: XXX-XX-1234A", look),
            _para(f"Total You May Be Billed: {total}", look, bold=True),
        ]
    else:
        box = Table(
            [
                ["Notice for", "Medicare Number", "Date of This Notice", "Total You May Be Billed"],
                ["Jennifer Washington", "XXX-XX-1234A", notice_date, total],
            ],
            colWidths=[1.7 * inch] * 4,
        )
        box.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, 0), look.font, 8),
                    ("FONT", (0, 1), (-1, 1), look.bold, 12 if layout == "cms" else 11),
                    ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ]
            )
        )
        story.append(box)
    story += [Spacer(1, 14), _para("Providers with Claims This Period", look, bold=True)]
    story += [_para(f"{claim.date}   {claim.provider}", look) for claim in claims]
    story.append(PageBreak())
    return story


def _msn_help_page(look: _Look) -> list[Any]:
    text = (
        "How to Check This Notice. Do you recognize the name of each doctor or provider? Check the "
        "dates. Did you get the services listed? Do they match those on your receipts and bills? "
        "If you already paid the bill, did you pay the right amount? Check the maximum you may be "
        "billed. How to Report Fraud: if you think a provider is involved in fraud, call us at "
        "1-800-MEDICARE (1-800-633-4227)."
    )
    return [
        _para("Making the Most of Your Medicare", look, size=13, bold=True),
        Spacer(1, 8),
        _para(text, look),
        Spacer(1, 8),
        _para(text, look),
        PageBreak(),
    ]


def _part_b_section(
    claims: Sequence[MsnClaim], look: _Look, layout: str, assigned: bool
) -> list[Any]:
    if layout == "classic":
        title = "Part B Medical Insurance - " + (
            "Assigned Claims" if assigned else "Unassigned Claims"
        )
    else:
        title = (
            "Your Claims for Part B (Medical Insurance)"
            if assigned
            else "Your Unassigned Claims for Part B"
        )
    story: list[Any] = [
        _para(title, look, size=13, bold=True),
        _para(
            "Part B helps pay for doctors' services, diagnostic tests, ambulance services, and other "
            "health care services. Definitions of the columns are on the last page of this notice.",
            look,
        ),
        Spacer(1, 10),
    ]
    for claim in claims:
        story += _part_b_claim(claim, look, layout)
    return story


def _part_b_claim(claim: MsnClaim, look: _Look, layout: str) -> list[Any]:
    story: list[Any] = []
    if layout == "cms":
        story += [
            _para(f"{claim.date}  {claim.provider}, (555) 555-1234", look, bold=True),
            _para(claim.address, look),
            _para("Service Provided By: Dr. Susan Jones", look),
            _para(f"Claim number {claim.claim_number}", look),
            Spacer(1, 4),
        ]
    elif layout == "plain":
        story += [
            _para(f"Claim Number: {claim.claim_number}", look),
            _para(claim.provider, look, bold=True),
            _para(claim.address, look),
            _para(f"Date of service: {claim.date}", look),
            Spacer(1, 4),
        ]
    else:
        story += [
            _para(f"Claim number {claim.claim_number}", look),
            _para(f"{claim.provider}, {claim.address}", look),
            Spacer(1, 4),
        ]
    story.append(_part_b_table(claim, look, layout))
    story += [
        Spacer(1, 6),
        _para("Notes for Claim" if layout != "plain" else "Notes:", look, bold=True),
    ]
    for letter_, text in claim.notes:
        note = Table([[letter_, _para(text, look)]], colWidths=[0.3 * inch, 6.5 * inch])
        note.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (0, 0), look.bold, look.size),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        story.append(note)
    story.append(Spacer(1, 18))
    return story


def _part_b_table(claim: MsnClaim, look: _Look, layout: str) -> Table:
    if layout == "classic":
        header = [
            "Dates of\nService",
            "Services Provided",
            "Amount\nCharged",
            "Medicare\nApproved",
            "Medicare Paid\nProvider",
            "You May\nBe Billed",
            "See Notes\nSection",
        ]
        if not claim.assigned:
            header[4] = "Medicare Paid\nYou"
        rows = [header] + [
            [
                _classic_date(claim.date),
                _wrap(f"{line.description} ({line.code})", 26),
                line.charged,
                line.approved,
                line.paid,
                line.owes,
                line.notes,
            ]
            for line in claim.lines
        ]
        return _table(
            rows,
            [1.0 * inch, 1.9 * inch, 0.8 * inch, 0.85 * inch, 1.05 * inch, 0.85 * inch, 0.8 * inch],
            look,
            right_from=2,
        )
    header = _PART_B_HEADERS[layout]
    width = 22 if layout == "cms" else 26
    rows = [header] + [
        [
            _wrap(f"{line.description} ({line.code})", width),
            line.ok,
            line.charged,
            line.approved,
            line.paid,
            line.owes,
            line.notes,
        ]
        for line in claim.lines
    ]
    if layout == "cms":
        rows.append(
            [
                f"Total for Claim {claim.claim_number[-5:]}",
                "",
                _sum_text(li.charged for li in claim.lines),
                _sum_text(li.approved for li in claim.lines),
                _sum_text(li.paid for li in claim.lines),
                _sum_text(li.owes for li in claim.lines),
                "",
            ]
        )
    if layout == "cms":
        widths = [
            1.75 * inch,
            0.75 * inch,
            0.85 * inch,
            0.9 * inch,
            0.85 * inch,
            0.9 * inch,
            0.6 * inch,
        ]
    else:
        widths = [
            1.6 * inch,
            0.8 * inch,
            1.15 * inch,
            1.2 * inch,
            1.0 * inch,
            1.0 * inch,
            0.6 * inch,
        ]
    return _table(rows, widths, look, right_from=2, bold_last=layout == "cms")


def _classic_date(text: str) -> str:
    from datetime import datetime

    return datetime.strptime(text, "%B %d, %Y").strftime("%m/%d/%Y")


# ---------------------------------------------------------------- MSN Part A


def msn_part_a_pdf(
    claims: Sequence[MsnClaim] | None = None,
    layout: str = "cms",
    notice_date: str = "July 20, 2024",
    total: str | None = None,
) -> bytes:
    """A Part A MSN.

    layouts: "cms" (ruled, Helvetica 9, columns Service Provided / Benefit Days Used /
    Claim Approved? / Non-Covered Charges / Amount Medicare Paid / Maximum You May Be
    Billed / See Notes Below, wrapped over 3 rows, a 'Part A deductible' row under the
    stay); "plain" (unruled Times 9, an extra 'Amount Facility Charged' column, the
    dates printed as 06/18/2024 - 06/21/2024, headers over 3 rows); "large" (large print
    Courier 11 on a landscape page, two-row headers with shorter wordings ('Days', 'Medicare
    Paid', 'Notes'), dates as 'June 18 - June 21, 2024', deductible and coinsurance rows).
    """
    claims = tuple(claims) if claims is not None else default_part_a_claims()
    look = {
        "cms": _Look(),
        "plain": _Look(font="Times-Roman", bold="Times-Bold", size=9, ruled=False),
        "large": _Look(font="Courier", bold="Courier-Bold", size=11, pagesize=landscape(letter)),
    }[layout]
    total = (
        total
        if total is not None
        else _sum_text(
            line.owes
            for claim in claims
            for line in claim.lines
            if "deductible" not in line.description.lower()
            and "coinsurance" not in line.description.lower()
        )
    )
    story: list[Any] = _msn_dashboard(
        look, "Part A (Hospital Insurance)", notice_date, total, layout, claims
    )
    story += _msn_help_page(look)
    sections = {
        "inpatient": "Your Inpatient Claims for Part A (Hospital Insurance)",
        "snf": "Your Skilled Nursing Facility Claims for Part A",
    }
    current = None
    for claim in claims:
        section = claim.section or "inpatient"
        if section != current:
            story += [_para(sections[section], look, size=13, bold=True), Spacer(1, 6)]
            current = section
        story += _part_a_claim(claim, look, layout)
    return _build(story, look, footer="Jennifer Washington   THIS IS NOT A BILL")


def _part_a_claim(claim: MsnClaim, look: _Look, layout: str) -> list[Any]:
    first, _, last = claim.date.partition(" - ")
    if layout == "plain":
        dates = f"{_classic_date(first)} - {_classic_date(last)}"
    elif layout == "large":
        dates = f"{first.rsplit(',', 1)[0]} - {last}"
    else:
        dates = claim.date
    days = next((line.days for line in claim.lines if line.days), "")
    story: list[Any] = [
        _para(f"{claim.provider}, (555) 555-9876", look, bold=True),
        _para(claim.address, look),
        _para("Referred by: Frank Mederos", look),
        _para(f"Benefit Days Used: {days} days", look),
        _para(f"Claim number {claim.claim_number}", look),
        _para(f"Dates of Service: {dates}", look),
        Spacer(1, 4),
    ]
    if layout == "cms":
        header = [
            "Service Provided",
            "Benefit\nDays\nUsed",
            "Claim\nApproved?",
            "Non-\nCovered\nCharges",
            "Amount\nMedicare\nPaid",
            "Maximum\nYou May\nBe Billed",
            "See\nNotes\nBelow",
        ]
        rows = [header] + [
            [
                line.description,
                f"{line.days} days" if line.days else "",
                line.ok,
                line.not_covered,
                line.paid,
                line.owes,
                line.notes,
            ]
            for line in claim.lines
        ]
        widths = [
            1.9 * inch,
            0.7 * inch,
            0.8 * inch,
            0.85 * inch,
            0.9 * inch,
            0.9 * inch,
            0.6 * inch,
        ]
        table = _table(rows, widths, look, right_from=3)
    elif layout == "plain":
        header = [
            "Service Provided",
            "Benefit\nDays Used",
            "Claim\nApproved?",
            "Amount\nFacility\nCharged",
            "Non-\nCovered\nCharges",
            "Amount\nMedicare\nPaid",
            "Maximum\nYou May\nBe Billed",
            "See\nNotes",
        ]
        rows = [header] + [
            [
                line.description,
                line.days,
                line.ok,
                line.charged,
                line.not_covered,
                line.paid,
                line.owes,
                line.notes,
            ]
            for line in claim.lines
        ]
        widths = [
            1.45 * inch,
            0.75 * inch,
            0.8 * inch,
            0.85 * inch,
            0.75 * inch,
            0.85 * inch,
            0.85 * inch,
            0.6 * inch,
        ]
        table = _table(rows, widths, look, right_from=3)
    else:
        header = [
            "Service Provided",
            "Days",
            "Claim\nApproved?",
            "Non-Covered\nCharges",
            "Medicare\nPaid",
            "Maximum You\nMay Be Billed",
            "Notes",
        ]
        rows = [header] + [
            [
                line.description,
                line.days,
                line.ok,
                line.not_covered,
                line.paid,
                line.owes,
                line.notes,
            ]
            for line in claim.lines
        ]
        widths = [
            2.35 * inch,
            0.6 * inch,
            1.2 * inch,
            1.4 * inch,
            1.3 * inch,
            1.6 * inch,
            0.7 * inch,
        ]
        table = _table(rows, widths, look, right_from=3)
    story.append(table)
    story += [Spacer(1, 6), _para("Notes for Claim", look, bold=True)]
    for letter_, text in claim.notes:
        note = Table([[letter_, _para(text, look)]], colWidths=[0.3 * inch, 6.5 * inch])
        note.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (0, 0), look.bold, look.size),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story.append(note)
    story.append(Spacer(1, 18))
    return story


# ---------------------------------------------------------------- EOB


def eob_pdf(
    claims: Sequence[EobClaim] | None = None,
    layout: str = "ruled",
    payer: str | None = None,
) -> bytes:
    """An insurer's Explanation of Benefits.

    layouts: "ruled" (commercial plan, landscape, grid, 11 columns: Date of Service /
    Service Description / Amount Billed / Network Discount / Allowed Amount / Deductible /
    Copay / Coinsurance / Plan Paid / You Owe / Remark Codes, claim details as labels over
    values, a legend of CARC codes at the end); "advantage" (a Medicare Advantage plan,
    unruled Helvetica 9.5, columns in another order: Service / Date(s) / Provider Charged /
    Plan Allowed / Plan Paid / Your Share / Notes, the plan's own numeric notes with a
    legend, 'Claim #:' and 'Provider:' labels, a table continued on page 2 under a repeated
    header, 'Claim total' rows); "medicaid" (a state Medicaid plan, Times 9, Code / Description
    / Dates / Charged / Not Covered / Approved / Paid by Plan / Patient Responsibility /
    Remarks, bottom-aligned wrapped descriptions, codes with amounts like 'CO-45 $60.00').
    """
    claims = tuple(claims) if claims is not None else default_eob_claims()
    if layout == "ruled":
        return _eob_ruled(claims, payer or "Blue Valley Health Plan")
    if layout == "advantage":
        return _eob_advantage(claims, payer or "Sunrise Medicare Advantage Plan (HMO)")
    return _eob_medicaid(claims, payer or "Prairie State Medicaid")


_CARC_LEGEND = {
    "CO-45": "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.",
    "PR-3": "Co-payment amount.",
}


def _eob_ruled(claims: Sequence[EobClaim], payer: str) -> bytes:
    look = _Look(size=8, pagesize=landscape(letter))
    story: list[Any] = [
        _para(payer, look, size=15, bold=True),
        _para("Explanation of Benefits", look, size=12, bold=True),
        _para("THIS IS NOT A BILL", look, bold=True),
        _para("Statement date: 03/20/2025", look),
        _para("Member: Jane Doe    Member ID: XYZ123456789", look),
        Spacer(1, 10),
    ]
    header = [
        "Date of\nService",
        "Service Description",
        "Amount\nBilled",
        "Network\nDiscount",
        "Allowed\nAmount",
        "Deductible",
        "Copay",
        "Coinsurance",
        "Plan Paid",
        "You Owe",
        "Remark\nCodes",
    ]
    widths = [
        0.75 * inch,
        2.2 * inch,
        0.75 * inch,
        0.75 * inch,
        0.75 * inch,
        0.75 * inch,
        0.65 * inch,
        0.8 * inch,
        0.75 * inch,
        0.75 * inch,
        0.7 * inch,
    ]
    for claim in claims:
        strip = Table(
            [
                ["Claim Number", "Patient", "Provider"],
                [claim.claim_number, claim.patient, claim.provider],
            ],
            colWidths=[2.0 * inch, 2.0 * inch, 3.0 * inch],
        )
        strip.setStyle(
            TableStyle(
                [("FONT", (0, 0), (-1, 0), look.bold, 8), ("FONT", (0, 1), (-1, 1), look.font, 9)]
            )
        )
        rows = [header] + [
            [
                line.date,
                f"{line.description} ({line.code})",
                line.charged,
                line.not_covered,
                line.approved,
                line.deductible,
                line.copay,
                line.coinsurance,
                line.paid,
                line.owes,
                line.notes,
            ]
            for line in claim.lines
        ]
        if claim.total:
            rows.append(
                [
                    "Total",
                    "",
                    *[
                        _sum_text(getattr(li, name) for li in claim.lines)
                        for name in (
                            "charged",
                            "not_covered",
                            "approved",
                            "deductible",
                            "copay",
                            "coinsurance",
                            "paid",
                            "owes",
                        )
                    ],
                    "",
                ]
            )
        story += [
            strip,
            Spacer(1, 4),
            _table(rows, widths, look, right_from=2, bold_last=claim.total),
            Spacer(1, 14),
        ]
    story += [_para("Remark Codes", look, bold=True)]
    used = sorted(
        {
            code
            for claim in claims
            for line in claim.lines
            for code in line.notes.split(", ")
            if code
        }
    )
    for code in used:
        story.append(_para(f"{code}  {_CARC_LEGEND.get(code, 'See your plan documents.')}", look))
    return _build(story, look, footer="Questions? Call 1-800-555-0100")


_PLAN_NOTES = {
    "CO-45": (
        "12",
        "The provider agreed to accept the plan's allowed amount. You do not owe the difference.",
    ),
    "": ("", ""),
}


def _eob_advantage(claims: Sequence[EobClaim], payer: str) -> bytes:
    look = _Look(size=9.5, ruled=False)
    story: list[Any] = [
        _para(f"{payer}", look, size=14, bold=True),
        _para("Explanation of Benefits for Medicare Advantage members", look, bold=True),
        _para("Date processed: March 21, 2025", look),
        _para("This is not a bill. It tells you what we paid for your care.", look),
        Spacer(1, 10),
    ]
    header = [
        "Service",
        "Date(s)",
        "Provider\nCharged",
        "Plan\nAllowed",
        "Plan\nPaid",
        "Your\nShare",
        "Notes",
    ]
    widths = [2.4 * inch, 0.9 * inch, 0.8 * inch, 0.8 * inch, 0.8 * inch, 0.8 * inch, 0.6 * inch]
    for claim in claims:
        story += [
            _para(f"Claim #: {claim.claim_number}", look, bold=True),
            _para(f"Provider: {claim.provider}", look),
            _para(f"Patient: {claim.patient}", look),
            Spacer(1, 4),
        ]
        rows = [header] + [
            [
                f"{line.code} {line.description}",
                line.date,
                line.charged,
                line.approved,
                line.paid,
                line.owes,
                _PLAN_NOTES.get(line.notes, (line.notes, ""))[0],
            ]
            for line in claim.lines
        ]
        if claim.total:
            rows.append(
                [
                    "Claim total",
                    "",
                    _sum_text(li.charged for li in claim.lines),
                    _sum_text(li.approved for li in claim.lines),
                    _sum_text(li.paid for li in claim.lines),
                    _sum_text(li.owes for li in claim.lines),
                    "",
                ]
            )
        story += [_table(rows, widths, look, right_from=2, bold_last=claim.total), Spacer(1, 16)]
    story += [_para("What the notes mean", look, bold=True)]
    for code, text in sorted({v for k, v in _PLAN_NOTES.items() if k}):
        note = Table([[code, _para(text, look)]], colWidths=[0.4 * inch, 6.4 * inch])
        note.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (0, 0), look.font, look.size),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story.append(note)
    return _build(story, look, footer=f"{payer} - Member services 1-800-555-0199")


def _eob_medicaid(claims: Sequence[EobClaim], payer: str) -> bytes:
    look = _Look(font="Times-Roman", bold="Times-Bold", size=9, valign="BOTTOM")
    story: list[Any] = [
        _para(payer, look, size=14, bold=True),
        _para("EXPLANATION OF BENEFITS", look, bold=True),
        _para("Date processed: 03/03/2025", look),
        Spacer(1, 8),
    ]
    header = [
        "Code",
        "Description",
        "Dates",
        "Charged",
        "Not\nCovered",
        "Approved",
        "Paid by\nPlan",
        "Patient\nResponsibility",
        "Remarks",
    ]
    widths = [
        0.55 * inch,
        1.6 * inch,
        0.75 * inch,
        0.7 * inch,
        0.7 * inch,
        0.7 * inch,
        0.7 * inch,
        0.9 * inch,
        1.0 * inch,
    ]
    for claim in claims:
        story += [
            _para(f"Claim number: {claim.claim_number}   Patient: {claim.patient}", look),
            _para(f"Provider: {claim.provider}", look),
            Spacer(1, 4),
        ]
        rows = [header] + [
            [
                line.code,
                _wrap(line.description, 18),
                line.date,
                line.charged,
                line.not_covered,
                line.approved,
                line.paid,
                line.owes,
                f"{line.notes} {line.not_covered}".strip() if line.notes else "",
            ]
            for line in claim.lines
        ]
        story += [_table(rows, widths, look, right_from=3), Spacer(1, 14)]
    return _build(story, look, footer="Medicaid member services")


# ---------------------------------------------------------------- provider statement


def statement_pdf(
    visits: Sequence[Visit] | None = None,
    layout: str = "ledger",
    provider: str = "Grandview Medical Group",
    balance: str | None = None,
    repeat: int = 1,
) -> bytes:
    """A provider's statement.

    layouts: "ledger" (ruled, Helvetica 9, Date / Code / Description / Charges / Payments /
    Adjustments / Balance with a running balance, 'Balance due' box); "itemized" (Times 10,
    one row per service: Service Date / CPT / Description / Charges / Insurance Paid /
    Adjustments / You Owe, a 'Totals' row, 'Amount due'); "signed" (unruled DejaVu Sans 9,
    Date / Description / Amount / Balance with credits printed negative and the code inside
    the description, wrapped descriptions, 'Please pay' and a table continued on page 2 under
    a repeated header when `repeat` makes it long).
    """
    visits = tuple(visits) if visits is not None else default_visits()
    visits = visits * repeat
    owed = balance if balance is not None else _sum_text(o for visit in visits for o in visit.owes)
    if layout == "ledger":
        return _statement_ledger(visits, provider, owed)
    if layout == "itemized":
        return _statement_itemized(visits, provider, owed)
    return _statement_signed(visits, provider, owed)


def _statement_top(look: _Look, provider: str, owed: str, label: str) -> list[Any]:
    return [
        _para(provider, look, size=15, bold=True),
        _para("123 Main Street, Anytown, IL 62701   (555) 555-1234", look),
        Spacer(1, 6),
        _para("STATEMENT", look, size=12, bold=True),
        _para("Statement date: 04/30/2025", look),
        _para("Account number: 100234", look),
        _para("Patient: Jennifer Washington", look),
        _para(f"{label}: {owed}", look, size=12, bold=True),
        Spacer(1, 10),
    ]


def _ledger_rows(visits: Sequence[Visit], signed: bool) -> list[list[str]]:
    rows, balance = [], Decimal(0)
    for visit in visits:
        for entry in visit.entries:
            amount = money(entry.amount) or Decimal(0)
            effect = (
                amount
                if entry.kind == "charge"
                else Decimal(0)
                if entry.kind == "transfer"
                else -amount
            )
            balance += effect
            if signed:
                shown = (
                    ""
                    if entry.kind == "transfer"
                    else (f"-{entry.amount}" if effect < 0 else entry.amount)
                )
                text = f"{entry.code} {entry.description}".strip()
                if entry.kind == "transfer":
                    text = f"{entry.description} {entry.amount}"
                rows.append([entry.date, _wrap(text, 28), shown, f"${balance:,.2f}"])
            else:
                column = {"charge": 0, "payment": 1, "patient_payment": 1, "adjustment": 2}.get(
                    entry.kind
                )
                cells = ["", "", ""]
                if column is not None:
                    cells[column] = entry.amount if column == 0 else f"-{entry.amount}"
                description = (
                    entry.description
                    if entry.kind != "transfer"
                    else f"{entry.description} {entry.amount}"
                )
                rows.append([entry.date, entry.code, description, *cells, f"${balance:,.2f}"])
    return rows


def _statement_ledger(visits: Sequence[Visit], provider: str, owed: str) -> bytes:
    look = _Look()
    story = _statement_top(look, provider, owed, "Balance due")
    header = ["Date", "Code", "Description", "Charges", "Payments", "Adjustments", "Balance"]
    rows = [header] + _ledger_rows(visits, signed=False)
    widths = [
        0.8 * inch,
        0.55 * inch,
        2.75 * inch,
        0.75 * inch,
        0.8 * inch,
        0.9 * inch,
        0.75 * inch,
    ]
    story += [
        _table(rows, widths, look, right_from=3),
        Spacer(1, 10),
        _para(f"Balance due: {owed}", look, size=11, bold=True),
        _para("Please make checks payable to Grandview Medical Group.", look),
    ]
    return _build(story, look, footer="Questions about your bill? Call (555) 555-1234")


def _statement_itemized(visits: Sequence[Visit], provider: str, owed: str) -> bytes:
    look = _Look(font="Times-Roman", bold="Times-Bold", size=10)
    story = _statement_top(look, provider, owed, "Amount due")
    header = [
        "Service Date",
        "CPT",
        "Description",
        "Charges",
        "Insurance\nPaid",
        "Adjustments",
        "You Owe",
    ]
    rows = [header]
    for visit in visits:
        charges = [entry for entry in visit.entries if entry.kind == "charge"]
        for number, entry in enumerate(charges):
            rows.append(
                [
                    entry.date,
                    entry.code,
                    entry.description,
                    entry.amount,
                    visit.paid[number],
                    visit.adjusted[number],
                    visit.owes[number],
                ]
            )
    totals = [
        "Totals",
        "",
        "",
        _sum_text(e.amount for v in visits for e in v.entries if e.kind == "charge"),
        _sum_text(p for v in visits for p in v.paid),
        _sum_text(a for v in visits for a in v.adjusted),
        owed,
    ]
    rows.append(totals)
    widths = [0.9 * inch, 0.6 * inch, 2.4 * inch, 0.8 * inch, 0.8 * inch, 0.9 * inch, 0.8 * inch]
    story += [
        _table(rows, widths, look, right_from=3, bold_last=True),
        Spacer(1, 10),
        _para(f"Amount due: {owed}", look, size=12, bold=True),
    ]
    return _build(story, look)


def _statement_signed(visits: Sequence[Visit], provider: str, owed: str) -> bytes:
    look = _Look(font=_font("DejaVuSans"), bold=_font("DejaVuSans"), size=9, ruled=False)
    story = _statement_top(look, provider, owed, "Please pay")
    header = ["Date", "Description", "Amount", "Balance"]
    rows = [header] + _ledger_rows(visits, signed=True)
    widths = [0.9 * inch, 2.6 * inch, 1.0 * inch, 1.0 * inch]
    story += [
        _table(rows, widths, look, right_from=2),
        Spacer(1, 10),
        _para(f"Please pay: {owed}", look, size=11, bold=True),
    ]
    return _build(story, look, footer=f"{provider} billing office")


# ---------------------------------------------------------------- problem files


def encrypted_pdf(password: str = "secret") -> bytes:
    """A PDF that needs a password to open."""
    look = _Look()
    return _build(
        [_para("Medicare Summary Notice", look)], look, encrypt=StandardEncryption(password)
    )


def broken_pdf() -> bytes:
    """Bytes that start like a PDF and are not one."""
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\x00\xff garbage \x13\x37 %%EOF"


def long_pdf(pages: int = 51) -> bytes:
    """A PDF with many short pages."""
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=letter)
    for number in range(1, pages + 1):
        sheet.drawString(72, 720, f"Statement page {number}")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def image_only_pdf(pages: int = 1) -> bytes:
    """A 'scan': pages holding only a picture, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    picture = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(picture).rectangle((20, 20, 380, 180), outline="black", width=3)
    png = io.BytesIO()
    picture.save(png, "PNG")
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=letter)
    for _ in range(pages):
        png.seek(0)
        sheet.drawImage(ImageReader(png), 72, 400, 400, 200)
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def table_only_pdf(header: Sequence[str], rows: Sequence[Sequence[str]], title: str = "") -> bytes:
    """A bare table with no words saying what kind of paper it is."""
    look = _Look()
    story: list[Any] = [_para(title, look, size=12, bold=True)] if title else []
    widths = [(7.0 / len(header)) * inch] * len(header)
    story.append(_table([list(header), *[list(row) for row in rows]], widths, look, right_from=2))
    return _build(story, look)


def text_pdf(*paragraphs: str) -> bytes:
    """A PDF with only running text."""
    look = _Look(size=11)
    return _build([_para(text, look) for text in paragraphs], look)


def mixed_pdf(data: bytes) -> bytes:
    """`data` with an image-only page added after its pages (a scanned page in the middle)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    scan = pypdfium2.PdfDocument(image_only_pdf())
    document.import_pages(scan, index=1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
