"""Letters from findings: the right amounts, dates and codes, in text and in the PDF."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pdfplumber
import pytest

from explainer.content import library
from explainer.letters import letters_for
from explainer.present.letter_pdf import letter_pdf, text_pdf
from tests.conftest import ROOT, TODAY, explain_typed

MSN = "Medicare Summary Notice\nNotice date: 04/10/2025\nProvider: Springfield Family Clinic\nClaim number: 12-345\n"
VISIT = "03/04/2025 99214 office visit billed $150.00 approved $100.00 paid $78.40 you may owe $20.00\n"
DENIED = "03/05/2025 93000 billed $45.00 approved $0 paid $0 you may owe $0\nCO-50 $45.00\n"
BILL = "Springfield Family Clinic\nStatement\n"


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def one_letter(kind: str, notice: str | None, bill: str | None, **answers):  # type: ignore[no-untyped-def]
    letters = [
        letter for letter in letters_for(explain_typed(notice, bill, **answers), library()) if letter.kind == kind
    ]
    assert len(letters) == 1, letters
    return letters[0]


@pytest.mark.parametrize(
    ("notice", "bill", "answers", "must_say"),
    [
        (MSN + VISIT + "CO-253 $1.60\n", BILL + "03/04/2025 99214 balance due $21.60\n", {},
         ["$21.60", "$20.00", "$1.60", "CO-253", "March 4, 2025", "42 CFR 424.55", "2 U.S.C. 906(d)(5)"]),
        (MSN + VISIT, BILL + "03/04/2025 99214 balance due $35.00\n", {}, ["$35.00", "$20.00", "$15.00"]),
        (MSN + VISIT, BILL + "03/04/2025 99214 balance due $20.00\n", {"qmb": True},
         ["Qualified Medicare Beneficiary", "$20.00", "1396a(n)(3)(B)"]),
        (MSN + VISIT, BILL + "03/04/2025 99214 balance due $20.00\n03/04/2025 99214 balance due $20.00\n", {},
         ["2 times", "March 4, 2025"]),
        (MSN + VISIT, BILL + "03/04/2025 99214 balance due $20.00\n03/18/2025 93000 balance due $45.00\n", {},
         ["(93000) on March 18, 2025", "did not receive"]),
        (MSN + VISIT, BILL + "03/05/2025 99214 charged $150.00 balance due $20.00\n", {},
         ["March 5, 2025", "March 4, 2025"]),
        (MSN + "Assigned: no\n03/04/2025 99214 billed $120 approved $95.00 paid $74.48 you may owe $109.25\n",
         BILL + "03/04/2025 99214 charged $125.00 balance due $125.00\n", {},
         ["$109.25", "$125.00", "$15.75", "414.48(b)"]),
    ],
    ids=["co253", "excess", "qmb", "duplicate", "not-on-notice", "date", "limiting-charge"],
)
def test_provider_letter_names_the_amounts_dates_and_codes(notice, bill, answers, must_say) -> None:  # type: ignore[no-untyped-def]
    letter = one_letter("provider", notice, bill, **answers)
    text = letter.as_text()
    assert letter.recipient == ("Springfield Family Clinic",)
    for phrase in must_say:
        assert phrase in text, phrase
    assert "collection agency" in text  # not to collections while disputed
    assert "itemized bill" in text
    pdf = pdf_text(letter_pdf(letter))
    for phrase in must_say:
        assert phrase in pdf.replace("\n", " "), phrase


def test_redetermination_request_fills_the_cms_20027_fields() -> None:
    letter = one_letter("redetermination", MSN + VISIT + DENIED, None)
    fields = dict(letter.fields)
    assert fields["Claim number"] == "12-345"
    assert fields["Provider"] == "Springfield Family Clinic"
    assert fields["Date of the Medicare Summary Notice"] == "April 10, 2025"
    assert "March 5, 2025" in fields["Services I appeal (date, service, reason given)"]
    assert "CO-50" in fields["Services I appeal (date, service, reason given)"]
    assert fields["Medicare number (write it yourself)"].startswith("____")
    assert letter.deadline == date(2025, 8, 13)
    text = letter.as_text()
    assert "August 13, 2025" in text and "CMS-20027" in text and "1-800-633-4227" in text
    assert "August 13, 2025" in pdf_text(letter_pdf(letter)).replace("\n", " ")


def test_spanish_letters_print_their_accents() -> None:
    letter = one_letter("provider", MSN + VISIT + "CO-253 $1.60\n", BILL + "03/04/2025 99214 balance due $21.60\n", lang="es")
    assert "4 de marzo de 2025" in letter.as_text()
    text = pdf_text(letter_pdf(letter)).replace("\n", " ")
    assert "Mi Resumen de Medicare" in text and "cobranza" in text and "asignación" in text
    appeal = one_letter("redetermination", MSN + DENIED, None, lang="es")
    assert "13 de agosto de 2025" in pdf_text(letter_pdf(appeal)).replace("\n", " ")


def test_no_letter_for_a_clean_bill() -> None:
    assert letters_for(explain_typed(MSN + VISIT, BILL + "03/04/2025 99214 balance due $20.00\n"), library()) == []


def test_an_edited_letter_prints_as_edited() -> None:
    assert "I never had this test — ñ" in pdf_text(text_pdf("Letter", "Hello\n\nI never had this test — ñ\n"))


def test_letter_command_writes_pdfs(tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text(MSN + VISIT + "CO-253 $1.60\n" + DENIED)
    output = tmp_path / "letter.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "explainer", "letter", "--notice", str(notice), "--bill",
         str(ROOT / "examples" / "bill.txt"), "-o", str(output)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "$1.60" in pdf_text(output.read_bytes()).replace("\n", " ")
    assert "redetermination" in pdf_text((tmp_path / "letter-2.pdf").read_bytes()).lower()


def test_the_answer_by_date_is_worked_out_in_the_engine() -> None:
    # Issue 15: the 30-day arithmetic left web/, so the CLI and the API get the same date.
    notice, bill = MSN + VISIT + "CO-253 $1.60\n", BILL + "03/04/2025 99214 balance due $21.60\n"
    letter = one_letter("provider", notice, bill)
    assert letter.answer_by == TODAY + timedelta(days=30)


def test_letter_command_in_spanish_writes_english_with_a_spanish_copy(tmp_path: Path) -> None:
    # Issue 15: letters go to US billing offices; the Spanish reader gets a copy to read.
    notice = tmp_path / "notice.txt"
    notice.write_text(MSN + VISIT + "CO-253 $1.60\n")
    bill = str(ROOT / "examples" / "bill.txt")
    args = [sys.executable, "-m", "explainer", "letter", "--lang", "es", "--notice", str(notice)]
    result = subprocess.run(
        [*args, "--bill", bill], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    letter, copy = result.stdout.split("La misma carta en español, para leer")
    assert "PLEASE CORRECT MY BILL" in letter and "sequestration cut" in letter
    assert "POR FAVOR CORRIJAN MI FACTURA" in copy
    output = tmp_path / "carta.pdf"
    subprocess.run(
        [*args, "--bill", bill, "-o", str(output)], check=True, cwd=ROOT, timeout=60,
        capture_output=True,
    )
    printed = pdf_text(output.read_bytes()).replace("\n", " ")
    assert "please correct my bill" in printed.lower() and "corrijan mi factura" in printed.lower()
