"""A letter as a printable PDF (fpdf2), with the DejaVu font shipped in explainer/fonts/ so
accents, ñ and dashes print and nothing is fetched at run time."""

from __future__ import annotations

from fpdf import FPDF

from ..letters import Letter
from ..resources import package_folder
from .visible_text import collapse_invisible

FONTS = package_folder("explainer", "fonts")
BODY_SIZE = 12
"""12 pt body: large enough for older readers on paper, still a one-page letter in most cases."""


def _pdf() -> FPDF:
    pdf = FPDF(format="Letter", unit="mm")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(22, 20, 22)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("bill-explainer")
    pdf.add_page()
    return pdf


def _write(
    pdf: FPDF, text: str, *, bold: bool = False, size: int = BODY_SIZE, gap: float = 2.5
) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    # Runs of zero-width characters make multi_cell quadratic (issue 17): cut them first.
    pdf.multi_cell(
        0, size * 0.5, collapse_invisible(text), new_x="LMARGIN", new_y="NEXT", align="L"
    )
    pdf.ln(gap)


def letter_pdf(letter: Letter, copy: tuple[str, str, str] | None = None) -> bytes:
    """The letter, laid out: recipient, subject, form fields, paragraphs, requests, closing;
    then, when given, a reading copy (heading, note, text) on pages of its own."""
    pdf = _pdf()
    pdf.set_title(letter.subject)
    for line in letter.recipient:
        _write(pdf, line, gap=0.5)
    pdf.ln(4)
    _write(pdf, letter.subject, bold=True, size=BODY_SIZE + 2, gap=4)
    for label, value in letter.fields:
        _write(pdf, f"{label}:", bold=True, gap=0.5)
        _write(pdf, value, gap=2.5)
    for paragraph in letter.paragraphs:
        _write(pdf, paragraph)
    for request in letter.requests:
        _write(pdf, f"•  {request}", gap=1.5)
    pdf.ln(3)
    for line in letter.closing:
        _write(pdf, line or " ", gap=1)
    pdf.ln(3)
    _write(pdf, letter.enclosed_heading, bold=True, gap=1)
    for item in letter.enclosures:
        _write(pdf, f"•  {item}", gap=1)
    if copy is not None:
        copy_pdf_pages(pdf, *copy)
    return bytes(pdf.output())


def _lines(pdf: FPDF, text: str) -> None:
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            pdf.ln(3)
            continue
        _write(pdf, line.rstrip(), gap=0.5)


def copy_pdf_pages(pdf: FPDF, heading: str, note: str, text: str) -> None:
    """A reading copy after the letter, on its own pages, headed as not for sending."""
    pdf.add_page()
    _write(pdf, heading, bold=True, size=BODY_SIZE + 2, gap=2)
    _write(pdf, note, size=BODY_SIZE - 1, gap=5)
    _lines(pdf, text)


def text_pdf(title: str, text: str, copy: tuple[str, str, str] | None = None) -> bytes:
    """A letter the user edited in the browser: their text as they left it, one paragraph per
    line; then, when given, a reading copy (heading, note, text) in the page's language."""
    pdf = _pdf()
    pdf.set_title(title)
    _lines(pdf, text)
    if copy is not None:
        copy_pdf_pages(pdf, *copy)
    return bytes(pdf.output())
