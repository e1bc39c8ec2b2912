"""The Medicare.gov claims text download, both label generations, with a bill: the cut implied
by Medicare's payment is caught though no CO 253 is printed anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from explainer import Answers, Role, Upload, explain_uploads
from explainer.extract.bluebutton_text import extract_claims_text
from explainer.model import Coverage, DocumentKind, Explanation, Format, Severity
from explainer.read.sniff import is_claims_text_download
from explainer.read.upload import read_upload
from tests.conftest import CORPUS, ROOT, TODAY, validate_contract

M01 = CORPUS / "fhir" / "M01_mymedicare_bluebutton_v2_cms_sample_2013.txt"
needs_corpus = pytest.mark.skipif(not M01.is_file(), reason="shared/corpus is not beside main")
D = Decimal

DEMOGRAPHIC_2025 = """--------------------------------
Medicare.gov/my PERSONAL HEALTH INFORMATION

--------------------------------
**********CONFIDENTIAL***********

12/31/2025 9:03 AM

--------------------------------
Demographic

--------------------------------

Source: Medicare.gov/my

Name: Pat Example

Date of Birth: 1/1/1950

Address Line 1: 1 MAIN ST

Zip: 01001

--------------------------------
Claim Summary

--------------------------------

Source: Medicare.gov/my

"""


def claim_2025(
    number: str, day: str, lines: list[tuple[str, str, str, str]], approved: str, paid: str
) -> str:
    """A 2025-export claim: unresolved label keys, '~' placeholders, 'You May be Billed' $0.00."""
    charged = sum(D(line[1]) for line in lines)
    text = f"""
Claim Number: {number}

Provider: SPRINGFIELD FAMILY CLINIC LLC

Provider Billing Address: PO BOX 1 SPRINGFIELD, IL 62701

Service Start Date: {day}

Service End Date: {day}

Amount Charged: ${charged}

Medicare Approved: ${approved}

text.claims.fieldLabels.medicarePaidToProvider: ${paid}

You May be Billed: $0.00

Claim Type: Part B

Diagnosis Code 1: R42

"""
    for index, (code, submitted, allowed, noncovered) in enumerate(lines, start=1):
        text += f"""

Line number: {index}

Date of Service From: {day}

Date of Service To: {day}

Revenue Code/Description: ~ - NO DESCRIPTION AVAILABLE

Procedure Code/Description: {code} - A SERVICE

text.claims.lines.fieldLabels.modifierCode 1: ~

Quantity Billed/Units: 1

Submitted Amount/Charges: ${submitted}

Allowed Amount: ${allowed}

Non-Covered: ${noncovered}
"""
    return text + "--------------------------------\n\n\n\n--------------------------------\n"


# Part B 2025: paid = (allowed − 20% coinsurance) × 0.98 per line (FACTS.md §8).
EXPORT_2025 = (
    DEMOGRAPHIC_2025
    + claim_2025(
        "0385486200145", "03/08/2025", [("99213", "404.00", "98.98", "19.80")], "98.98", "77.60"
    )
    # The same claim number again for another visit, as the real export does.
    + claim_2025(
        "0385486200145",
        "9/30/2025",
        [("99213", "413.00", "98.98", "19.80"), ("G2211", "70.00", "16.73", "3.35")],
        "115.71",
        "90.71",
    )
)

PART_D_2025 = """
--------------------------------
Prescription Drug / Part D Claims

--------------------------------

Source: Medicare.gov/my

Claim Service Date: 12/01/2025

Pharmacy Service / Provider: 1265531628

Drug Code: 70377000315

Days' Supply: 90

--------------------------------



--------------------------------

Claim Service Date: 08/23/2025

Pharmacy Service / Provider: 83602786

Drug Code: 16571060000

Days' Supply: 4

--------------------------------

--------------------------------
Preventive Services

--------------------------------

Description:

Next Eligible Date: 07/01/2021
"""


# Under the deductible, as in a real 2025 export: 'Non-Covered' is the whole approved amount
# of the visit (Medicare paid nothing for it) and 0.00 on the lab test, which Medicare paid in
# full less the cut: (35.09 − 0.00) × 0.98 = 34.39; a $0 quality-reporting code beside them.
EXPORT_2025_DEDUCTIBLE = EXPORT_2025 + claim_2025(
    "0385486200163",
    "03/02/2025",
    [
        ("99203", "339.32", "95.21", "95.21"),
        ("87651", "71.58", "35.09", "0.00"),
        ("G8427", "0.00", "0.00", "0.00"),
    ],
    "130.30",
    "34.39",
)

EXPORT_2013 = """--------------------------------
MYMEDICARE.GOV PERSONAL HEALTH INFORMATION

--------------------------------
**********CONFIDENTIAL***********

Produced by the Blue Button (v2.0)

--------------------------------
Demographic

--------------------------------

Name: PAT EXAMPLE

Date of Birth: 01/01/1945

--------------------------------
Claim Summary

--------------------------------

Source: MyMedicare.gov

Claim Number: 5551234567000

Provider: SPRINGFIELD FAMILY CLINIC
Provider Billing Address:

Service Start Date: 05/06/2024

Service End Date:

Amount Charged: $150.00

Medicare Approved: $100.00

Provider Paid: $78.40

You May be Billed: $20.00

Claim Type: PartB

--------------------------------
Claim Lines for Claim Number: 5551234567000

--------------------------------

Line number:  1

Date of Service From:  05/06/2024

Date of Service To:  05/06/2024

Procedure Code/Description:  99214 - Office/outpatient visit est

Modifier 1/Description:

Quantity Billed/Units:  1

Submitted Amount/Charges:  $150.00

Allowed Amount:  $100.00

Non-Covered:  $50.00

--------------------------------
"""


def bill(day: str, code: str, asked: str) -> str:
    return f"Springfield Family Clinic\nStatement\n{day} {code} office visit charges $150.00 patient balance ${asked}\n"


def explain(download: str, *bills: str) -> Explanation:
    uploads = [Upload(download.encode(), "claims.txt", Role.NOTICE)]
    uploads += [Upload(text.encode(), f"bill{i}.txt", Role.BILL) for i, text in enumerate(bills)]
    return explain_uploads(uploads, Answers(today=TODAY))


def rules(explanation: Explanation) -> list[tuple[str, str, str | None]]:
    return [
        (f.rule, f.severity.value, f"{f.amount}" if f.amount is not None else None)
        for f in explanation.findings
    ]


@needs_corpus
def test_the_2013_corpus_file_reads_every_claim_and_no_demographic_line() -> None:
    assert is_claims_text_download(M01.read_bytes())
    [document] = read_upload(Upload(M01.read_bytes(), M01.name))
    assert (document.kind, document.format, document.coverage) == (
        DocumentKind.CLAIMS_DOWNLOAD,
        Format.TEXT,
        Coverage.ORIGINAL_MEDICARE,
    )
    numbers = [claim.claim_number for claim in document.claims]
    assert numbers == [
        "1234567890000",
        "12345678900000VAA",
        "1234567890123",
        "123456789012",
        "123456789011",
    ]
    first, outpatient, not_available, drug, _ = document.claims
    # Claim 1 as printed: charged 60.00, approved 34.00, paid 27.20, may be billed 6.80.
    assert (first.billed, first.paid, first.patient_owes, first.assigned) == (
        D("60.00"),
        D("27.20"),
        D("6.80"),
        True,
    )
    [line] = first.lines
    assert (line.procedure_code, line.modifiers, line.billed, line.allowed) == (
        "98941",
        ("AT",),
        D("60.00"),
        D("34.00"),
    )
    assert (line.not_covered, line.paid, line.patient_owes) == (D("26.00"), D("27.20"), D("6.80"))
    # Outpatient: three revenue lines; the '0001 Total Charges' row (504.80) is no service.
    assert [(ln.billed, ln.allowed) for ln in outpatient.lines] == [
        (D("14.30"), D("14.30")),
        (D("175.50"), D("175.50")),
        (D("315.00"), D("315.00")),
    ]
    assert [ln.procedure_code for ln in outpatient.lines] == [None, "74020", "99283"]
    assert outpatient.paid == D("126.31") and outpatient.patient_owes == D("38.84")
    # '* Not Available *' is no amount, never zero.
    assert [(ln.procedure_code, ln.modifiers, ln.billed) for ln in not_available.lines] == [
        ("98941", ("GA",), None),
        ("G0283", ("GY",), None),
    ]
    assert not_available.paid is None and not_available.assigned is None
    assert drug.coverage is Coverage.MEDICARE_PART_D and drug.provider == "PHARMACY2 #00000"
    assert "charge minus the approved amount" in document.warnings[0]
    assert not any("Birth" in warning for warning in document.warnings)
    # The outpatient claim's payment and share are for the whole claim: said, never silent.
    [row] = document.unchecked
    assert (
        row.where.startswith("claim 12345678900000VAA")
        and "$126.31" in row.text
        and "$38.84" in row.text
    )


@needs_corpus
def test_the_2013_corpus_file_alone_raises_no_false_alarm() -> None:
    explanation = explain_uploads([Upload(M01.read_bytes(), M01.name)], Answers(today=TODAY))
    assert not [f for f in explanation.findings if f.severity is not Severity.INFO]


def test_2025_export_reads_keys_placeholders_and_repeated_claim_numbers() -> None:
    document = extract_claims_text(EXPORT_2025, "claims.txt")
    assert [claim.paid for claim in document.claims] == [D("77.60"), D("90.71")]
    assert all(claim.patient_owes is None for claim in document.claims)  # the $0.00 is not used
    later = document.claims[1]
    assert [(ln.procedure_code, ln.modifiers, ln.allowed) for ln in later.lines] == [
        ("99213", (), D("98.98")),
        ("G2211", (), D("16.73")),
    ]
    # Split by arithmetic: (98.98 − 19.80) × 0.98 = 77.60 and (16.73 − 3.35) × 0.98 = 13.11.
    assert [ln.paid for ln in later.lines] == [D("77.60"), D("13.11")]
    # 'Non-Covered' proved to be the person's share by that payment: what they may owe.
    assert [ln.patient_owes for ln in later.lines] == [D("19.80"), D("3.35")]
    said = " ".join(document.warnings)
    assert "your share (deductible and coinsurance)" in said and "You May be Billed" in said
    assert "assigned only when Medicare paid the provider" in said
    assert (
        "On 1 claim(s) Medicare's payment is given for the whole claim" in said
    )  # once, not per claim


def test_2025_export_with_a_bill_asking_the_implied_cut() -> None:
    # 03/08/2025: paid 77.60, cut = 77.60 × 0.02 / 0.98 = 1.58; may owe 98.98 − 77.60 − 1.58 = 19.80.
    explanation = explain(EXPORT_2025, bill("03/08/2025", "99213", "21.38"))
    assert rules(explanation) == [("contractual-billed-to-patient", "alert", "1.58")]
    assert explanation.findings[0].codes == ("CO-253",)
    assert not any(f.rule == "duplicate-charge" for f in explanation.findings)


def test_2025_export_split_line_is_checked_too() -> None:
    # G2211 on 9/30/2025: paid 13.11 → cut 0.27; the coinsurance 3.35 is owed.
    explanation = explain(EXPORT_2025, bill("09/30/2025", "G2211", "3.62"))
    assert rules(explanation) == [("contractual-billed-to-patient", "alert", "0.27")]


def test_2025_export_bill_asking_only_the_coinsurance_is_fine() -> None:
    explanation = explain(EXPORT_2025, bill("03/08/2025", "99213", "19.80"))
    assert [f for f in explanation.findings if f.severity is not Severity.INFO] == []


def test_2025_export_bill_asking_more_than_the_cut_exceeds_the_download() -> None:
    explanation = explain(EXPORT_2025, bill("03/08/2025", "99213", "40.00"))
    assert rules(explanation) == [("bill-exceeds-notice", "alert", "20.20")]


def test_2013_layout_with_a_bill_asking_the_implied_cut() -> None:
    # 05/06/2024: approved 100.00 − paid 78.40 − may be billed 20.00 = 1.60, the 2% cut.
    explanation = explain(EXPORT_2013, bill("05/06/2024", "99214", "21.60"))
    assert rules(explanation) == [("contractual-billed-to-patient", "alert", "1.60")]


def test_unknown_non_covered_meaning_makes_findings_information_only() -> None:
    odd = EXPORT_2025.replace("Non-Covered: $19.80", "Non-Covered: $7.00")
    document = extract_claims_text(odd, "claims.txt")
    assert "could not tell" in document.warnings[0]
    explanation = explain(odd, bill("03/08/2025", "99213", "21.38"))
    assert rules(explanation) == [("contractual-billed-to-patient", "info", "1.58")]


def test_no_payment_to_the_provider_means_no_assignment_and_no_cut() -> None:
    unpaid = EXPORT_2025.replace("medicarePaidToProvider: $77.60", "medicarePaidToProvider: $0.00")
    document = extract_claims_text(unpaid, "claims.txt")
    assert document.claims[0].assigned is None
    explanation = explain(unpaid, bill("03/08/2025", "99213", "21.38"))
    assert not any(f.rule == "contractual-billed-to-patient" for f in explanation.findings)


def run_json(*paths: Path) -> dict[str, object]:
    args = []
    for path in paths:
        args += ["--bill" if path.name.startswith("bill") else "--notice", str(path)]
    result = subprocess.run(
        [sys.executable, "-m", "explainer", "explain", "--json", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    validate_contract(data)
    return data


@pytest.mark.parametrize(
    ("export", "day", "code", "asked", "cut"),
    [
        (EXPORT_2025, "03/08/2025", "99213", "21.38", "1.58"),
        (EXPORT_2013, "05/06/2024", "99214", "21.60", "1.60"),
    ],
    ids=["2025", "2013"],
)
def test_cli_json_on_both_generations_validates_against_the_contract(
    tmp_path: Path, export: str, day: str, code: str, asked: str, cut: str
) -> None:
    (tmp_path / "claims.txt").write_text(export)
    (tmp_path / "bill.txt").write_text(bill(day, code, asked))
    data = run_json(tmp_path / "claims.txt", tmp_path / "bill.txt")
    documents = data["documents"]
    assert isinstance(documents, list)
    assert (documents[0]["kind"], documents[0]["format"]) == ("claims_download", "text")
    findings = data["findings"]
    assert isinstance(findings, list)
    assert (findings[0]["rule"], findings[0]["amount"]) == ("contractual-billed-to-patient", cut)


@pytest.mark.skipif(not (CORPUS / "fhir").is_dir(), reason="shared/corpus is not beside main")
def test_cli_json_on_a_fhir_file_validates_against_the_contract() -> None:
    data = run_json(CORPUS / "fhir" / "C13_inferno_c4bb_eob_include_searchset_bundle.json")
    documents = data["documents"]
    assert isinstance(documents, list)
    assert (documents[0]["kind"], documents[0]["format"]) == ("claims_download", "fhir")


def test_the_story_says_how_the_payment_shows_the_cut_in_english_and_spanish() -> None:
    uploads = [
        Upload(EXPORT_2025.encode(), "claims.txt", Role.NOTICE),
        Upload(bill("03/08/2025", "99213", "21.38").encode(), "bill.txt", Role.BILL),
    ]
    english = explain_uploads(uploads, Answers(today=TODAY)).findings[0].detail
    assert "Medicare paid $77.60, which is 98% of its payment before the 2% cut" in english
    assert "Your claims download says you may be billed at most $19.80" in english
    spanish = explain_uploads(uploads, Answers(today=TODAY, lang="es")).findings[0].detail
    assert "Medicare pagó $77.60, que es el 98% de su pago antes del recorte del 2%" in spanish


def test_the_bottom_line_counts_only_the_download_lines_the_bill_asks_about() -> None:
    explanation = explain(EXPORT_2025, bill("03/08/2025", "99213", "21.38"))
    assert (explanation.totals.may_owe_at_most, explanation.totals.bill_asks) == (
        D("19.80"),
        D("21.38"),
    )
    # Without a bill, the whole download: 19.80 + 19.80 + 3.35 (each line's worked-out share).
    alone = explain_uploads([Upload(EXPORT_2025.encode(), "claims.txt")], Answers(today=TODAY))
    assert alone.totals.may_owe_at_most == D("42.95")


def test_2025_export_under_the_deductible() -> None:
    document = extract_claims_text(EXPORT_2025_DEDUCTIBLE, "claims.txt")
    assert "your share (deductible and coinsurance)" in document.warnings[0]
    visit, lab, quality = document.claims[2].lines
    assert (visit.paid, lab.paid, quality.paid) == (D("0.00"), D("34.39"), D("0.00"))
    # The lab test: 34.39 × 0.02 / 0.98 = 0.70 was Medicare's cut; nothing is the patient's.
    assert rules(explain(EXPORT_2025_DEDUCTIBLE, bill("03/02/2025", "87651", "0.70"))) == [
        ("contractual-billed-to-patient", "alert", "0.70")
    ]
    # The visit went to the deductible: the whole 95.21 may be billed, not a cent more.
    fine = explain(EXPORT_2025_DEDUCTIBLE, bill("03/02/2025", "99203", "95.21"))
    assert [f for f in fine.findings if f.severity is not Severity.INFO] == []
    more = explain(EXPORT_2025_DEDUCTIBLE, bill("03/02/2025", "99203", "120.00"))
    assert rules(more) == [("bill-exceeds-notice", "alert", "24.79")]


def test_2025_part_d_section_is_read_as_drug_claims_and_nothing_after_it() -> None:
    document = extract_claims_text(EXPORT_2025 + PART_D_2025, "claims.txt")
    drugs = document.claims[2:]
    assert [(c.coverage, c.date_from, c.claim_number) for c in drugs] == [
        (Coverage.MEDICARE_PART_D, date(2025, 12, 1), None),
        (Coverage.MEDICARE_PART_D, date(2025, 8, 23), None),
    ]
    assert all(line.billed is None and line.paid is None for c in drugs for line in c.lines)
