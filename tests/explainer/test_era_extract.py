"""835 → Documents: the real corpus read figure by figure, generated files, broken files."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from explainer.errors import ExplainerError, UnreadableDocument, UnsupportedDocument
from explainer.extract.era import extract_era
from explainer.model import (
    Adjustment,
    Coverage,
    Document,
    DocumentKind,
    Format,
    Group,
    ProviderAdjustment,
)
from explainer.read.upload import Upload, read_upload
from tests.x12_factory import (
    Cas,
    ClaimSpec,
    Delimiters,
    Line,
    Payment,
    Plb,
    build_835,
    denied_claim,
    medicare_line,
    qmb_claim,
    reversal_of,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "x12"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus is not beside main")
D = Decimal


def corpus(name: str) -> list[Document]:
    path = next(CORPUS.glob(f"{name}_*.835"))
    return extract_era(path.read_bytes(), path.name)


def triplets(document: Document) -> int:
    return sum(
        len(claim.adjustments) + sum(len(line.adjustments) for line in claim.lines)
        for claim in document.claims
    )


def balances(document: Document) -> bool:
    paid = sum((claim.paid or D(0) for claim in document.claims), D(0))
    plb = sum((adjustment.amount for adjustment in document.provider_adjustments), D(0))
    return document.payment_total == paid - plb


# Per file: per payment (claims, lines, CAS triplets, BPR02, balances BPR = ΣCLP04 − ΣPLB).
# Claims, lines and triplets were counted independently of the reader (split on '~');
# S10 and S11 have their amounts masked with 9s by the de-identification, so they cannot
# balance.
CORPUS_FIGURES = {
    "S01": [(2, 0, 2, "150000.00", True)],
    "S02": [(2, 2, 5, "945.00", True)],
    "S03": [(2, 2, 5, "1222.00", True)],
    "S04": [(1, 1, 2, "34.00", True)],
    "S05": [(1, 3, 3, "0", True)],
    "S06": [(3, 10, 4, "45.75", True)],
    "S07": [(2, 5, 7, "349.99", True)],
    "S08": [(1, 3, 3, "1922.86", True)],
    "S09": [(1, 0, 2, "0", True), (2, 0, 3, "0", True), (0, 0, 0, "1812.27", True)],
    "S10": [
        (19, 38, 38, "999.99", False),
        (23, 24, 24, "9999.99", False),
        (14, 29, 35, "482.13", False),
    ],
    "S11": [
        (1, 1, 2, "0", True),
        (162, 595, 1020, "99999.99", False),
        (2, 2, 4, "99.99", False),
        (2, 8, 29, "0", True),
        (196, 922, 1354, "99999.99", False),
        (12, 24, 30, "99.99", False),
    ],
    # Claims pay 5.75 in all, but its PLB CV -1.27 would make BPR02 7.02: it does not balance.
    "S12": [(10, 9, 21, "5.75", False)],
}


@needs_corpus
@pytest.mark.parametrize("name", sorted(CORPUS_FIGURES))
def test_corpus_figures(name: str) -> None:
    documents = corpus(name)
    found = [
        (len(d.claims), len(d.lines), triplets(d), str(d.payment_total), balances(d))
        for d in documents
    ]
    expected = [(c, li, t, D(total), ok) for c, li, t, total, ok in CORPUS_FIGURES[name]]
    assert [(c, li, t, D(total), ok) for c, li, t, total, ok in found] == expected
    assert all(d.kind is DocumentKind.ERA835 and d.format is Format.X12 for d in documents)


@needs_corpus
def test_s11_totals_match_the_corpus_readme() -> None:
    documents = corpus("S11")
    claims = [claim for document in documents for claim in document.claims]
    assert len(claims) == 375
    assert sum(len(claim.lines) for claim in claims) == 1552
    assert sum(claim.status == "22" for claim in claims) == 8
    assert sum(claim.status == "19" for claim in claims) == 292
    assert {claim.coverage for claim in claims} == {Coverage.ORIGINAL_MEDICARE}
    assert sum(len(line.remarks) for claim in claims for line in claim.lines) == 454
    legacy = {a.group for claim in claims for line in claim.lines for a in line.adjustments}
    assert Group.CR in legacy


@needs_corpus
def test_s01_medicare_part_a_claims() -> None:
    (document,) = corpus("S01")
    assert document.payer == "INSURANCE COMPANY OF TIMBUCKTU"
    assert document.payee == "REGIONAL HOPE HOSPITAL"
    assert document.payment_total == D("150000.00")
    assert document.payment_date == date(2002, 9, 13)  # BPR16
    assert document.notice_date == date(2002, 9, 16)  # DTM*405
    assert document.trace_number == "12345"
    assert document.coverage is Coverage.ORIGINAL_MEDICARE
    first, second = document.claims
    assert (first.claim_number, first.status, first.billed, first.paid) == (
        "666123",
        "1",
        D("211366.97"),
        D("138018.40"),
    )
    assert first.adjustments == (Adjustment(Group.CO, "45", D("73348.57")),)
    assert first.patient_name == "SAM O JONES"
    assert first.provider == "REGIONAL HOPE HOSPITAL"  # no NM1*82: the payee
    assert (first.date_from, first.date_through) == (date(2002, 8, 16), date(2002, 8, 24))
    assert first.assigned is True
    assert first.patient_owes == 0
    assert second.remarks == ("MA02",)
    assert second.where == "claim 777777"
    assert document.provider_adjustments == (ProviderAdjustment("CV", "CP", D("-1.27")),)


@needs_corpus
def test_s03_component_separator_mismatch_and_two_triplet_cas() -> None:
    (document,) = corpus("S03")
    claim = document.claims[1]
    assert claim.provider == "SMITH JONES PA"
    first, second = claim.lines
    # ISA16 says ':' but the file writes 'HC>12345>26'.
    assert (first.procedure_code, first.modifiers) == ("12345", ("26",))
    assert second.adjustments == (
        Adjustment(Group.PR, "1", D("150.00")),
        Adjustment(Group.PR, "2", D("70.00")),
        Adjustment(Group.CO, "42", D("85.00")),
    )
    assert second.patient_owes == D("220.00")
    assert second.allowed == D("500.00")
    assert second.date_of_service == date(2005, 1, 6)
    assert second.where == "claim 0001000053, line 2"
    assert claim.coverage is Coverage.COMMERCIAL


@needs_corpus
def test_s04_negative_adjustment() -> None:
    (document,) = corpus("S04")
    (line,) = document.lines
    assert line.adjustments[-1] == Adjustment(Group.OA, "94", D("-9.00"))
    assert line.billed - line.paid - line.adjustment_total() == 0  # type: ignore[operator]


@needs_corpus
def test_s05_denied_claim_with_remarks_and_date_ranges() -> None:
    (document,) = corpus("S05")
    (claim,) = document.claims
    assert claim.status == "4"
    assert [line.denied for line in claim.lines] == [True, True, True]
    assert [line.remarks for line in claim.lines] == [("N14",)] * 3
    assert claim.lines[0].units == D("68")
    assert (claim.lines[0].date_of_service, claim.lines[0].date_through) == (
        date(2003, 11, 29),
        None,  # DTM*150 and DTM*151 on the same day: one date
    )
    assert claim.coverage is Coverage.MEDICAID
    assert claim.provider == "PAYEE"


@needs_corpus
def test_s06_repeated_claim_numbers_get_distinct_places() -> None:
    (document,) = corpus("S06")
    assert [claim.where for claim in document.claims] == [
        "claim PATIENT ACCOUNT NUMBER",
        "claim PATIENT ACCOUNT NUMBER (no. 2 in this payment)",
        "claim PATIENT ACCOUNT NUMBER (no. 3 in this payment)",
    ]
    assert document.lines[0].modifiers == ("RB",)
    assert document.lines[0].procedure_code == "V2020"
    denied = [line.denied for line in document.claims[1].lines]
    assert denied == [True, True]  # CO-29 timely filing, paid 0


@needs_corpus
def test_s07_uhc_lines() -> None:
    (document,) = corpus("S07")
    claim = document.claims[1]
    assert claim.coverage is Coverage.MEDICARE_ADVANTAGE  # CLP06 16
    assert claim.assigned is None
    assert claim.date_received == date(2021, 1, 14)
    assert [line.control_number for line in claim.lines] == [
        "123456789012",
        "123456789013",
        "123456789014",
    ]
    assert claim.lines[2].adjustments[:2] == (
        Adjustment(Group.PR, "2", D("5.13")),
        Adjustment(Group.PR, "1", D("110")),
    )
    assert claim.lines[2].patient_owes == D("115.13")


@needs_corpus
def test_s08_no_envelope_and_its_flaws() -> None:
    (document,) = corpus("S08")
    assert document.payer == "BLUE CROSS AND BLUE SHIELD OF NORTH CAROLINA"
    assert len(document.claims) == 1
    assert document.claims[0].patient_name == "Mary Dough"
    assert document.lines[2].billed is None
    assert any("line 3 does not show" in warning for warning in document.warnings)
    assert any("says it holds 33 segments, but we found 32" in w for w in document.warnings)


@needs_corpus
def test_s09_three_payments_and_plb_only_payment() -> None:
    documents = corpus("S09")
    assert [d.payee for d in documents] == ["SUMMER", "VALLEY", "SILVER"]
    assert documents[0].claims[0].adjustments == (
        Adjustment(Group.OA, "147", D("50016"), D("0")),
        Adjustment(Group.CO, "26", D("22216"), D("0")),
    )
    plb = documents[2].provider_adjustments
    assert len(plb) == 6
    assert plb[0] == ProviderAdjustment("CT", "888888888", D("-1092.46"))
    assert documents[2].coverage is Coverage.UNKNOWN


@needs_corpus
def test_s12_reversals() -> None:
    (document,) = corpus("S12")
    reversals = [claim for claim in document.claims if claim.status == "22"]
    assert len(reversals) == 3
    assert reversals[0].billed == D("-42.58")
    assert reversals[0].lines[0].adjustments[:3] == (
        Adjustment(Group.CR, "141", D("0"), D("0")),
        Adjustment(Group.CR, "42", D("0"), D("0")),
        Adjustment(Group.CR, "22", D("0"), D("0")),
    )
    assert reversals[0].lines[0].denied is False
    # "CLP*090909*22~" carries no amounts at all.
    assert reversals[2].billed is None
    assert any("Claim 090909 (no. 10" in warning for warning in document.warnings)
    assert document.lines[0].modifiers == ("HF", "H9")
    assert document.coverage is Coverage.UNKNOWN  # MC and 13 claims: mixed


# --- generated files ----------------------------------------------------------------------


def one(payment: Payment, **options: object) -> Document:
    (document,) = extract_era(build_835(payment, **options), "gen.835")  # type: ignore[arg-type]
    return document


def test_co_253_line_is_read_with_every_triplet() -> None:
    line = medicare_line(D("150.00"), D("100.00"), deductible=D("20.00"))
    document = one(Payment(claims=(ClaimSpec("M1", lines=(line,)),)))
    (read,) = document.lines
    # CO-45 and CO-253 share one CAS segment: the 253 after the 45 must not be lost.
    assert read.adjustments == (
        Adjustment(Group.CO, "45", D("50")),
        Adjustment(Group.CO, "253", D("1.28")),
        Adjustment(Group.PR, "1", D("20")),
        Adjustment(Group.PR, "2", D("16")),
    )
    assert read.paid == D("62.72")  # 80% of (100 − 20) = 64.00, less 2% = 1.28
    assert read.patient_owes == D("36")
    assert read.allowed == D("100")
    assert read.denied is False
    assert document.claims[0].assigned is True


def test_six_triplets_in_one_cas() -> None:
    adjustments = tuple(Cas("CO", str(reason), D("1.00")) for reason in (45, 253, 97, 59, 94, 16))
    line = Line(billed=D("10.00"), adjustments=adjustments)
    document = one(Payment(claims=(ClaimSpec("S6", lines=(line,)),)))
    assert [a.reason for a in document.lines[0].adjustments] == [
        "45",
        "253",
        "97",
        "59",
        "94",
        "16",
    ]
    assert build_835(Payment(claims=(ClaimSpec("S6", lines=(line,)),))).count(b"CAS*") == 1


def test_qmb_remarks_modifiers_and_dates() -> None:
    line = replace(
        medicare_line(D("150"), D("100"), remarks=("N781", "N782")),
        modifiers=("25", "GT"),
        service_date=date(2024, 2, 1),
        through=date(2024, 2, 3),
        control="LINE-1",
    )
    claim = ClaimSpec("Q1", lines=(line,), remarks=("MA01", "N781"), received=date(2024, 2, 10))
    document = one(Payment(claims=(claim,)))
    (read,) = document.lines
    assert read.remarks == ("N781", "N782")
    assert read.modifiers == ("25", "GT")
    assert (read.date_of_service, read.date_through) == (date(2024, 2, 1), date(2024, 2, 3))
    assert read.control_number == "LINE-1"
    assert document.claims[0].remarks == ("MA01", "N781")
    assert document.claims[0].date_received == date(2024, 2, 10)
    assert document.claims[0].patient_name == "JANE DOE"
    assert document.claims[0].provider == "ANNA SMITH"


def test_lines_without_dates_take_the_claim_period() -> None:
    line = Line(billed=D("50"), service_date=None)
    claim = ClaimSpec(
        "P1", lines=(line,), date_from=date(2024, 5, 1), date_through=date(2024, 5, 3)
    )
    (read,) = one(Payment(claims=(claim,))).lines
    assert (read.date_of_service, read.date_through) == (date(2024, 5, 1), date(2024, 5, 3))


def test_inpatient_remark_from_mia() -> None:
    claim = ClaimSpec("I1", billed=D("1000"), paid=D("1000"), inpatient_remarks=("MA02",))
    assert one(Payment(claims=(claim,))).claims[0].remarks == ("MA02",)


@pytest.mark.parametrize(
    ("filing", "coverage", "assigned"),
    [
        ("MA", Coverage.ORIGINAL_MEDICARE, True),
        ("MB", Coverage.ORIGINAL_MEDICARE, True),
        ("16", Coverage.MEDICARE_ADVANTAGE, None),
        ("MC", Coverage.MEDICAID, None),
        ("CI", Coverage.COMMERCIAL, None),
        ("BL", Coverage.COMMERCIAL, None),
        ("HM", Coverage.COMMERCIAL, None),
        ("12", Coverage.COMMERCIAL, None),
        ("15", Coverage.COMMERCIAL, None),
    ],
)
def test_claim_filing_indicator(filing: str, coverage: Coverage, assigned: bool | None) -> None:
    claim = ClaimSpec("F1", lines=(medicare_line(D("150"), D("100")),), filing=filing)
    document = one(Payment(claims=(claim,)))
    assert document.claims[0].coverage is coverage
    assert document.coverage is coverage
    assert document.claims[0].assigned is assigned


def test_unpaid_medicare_claim_leaves_assignment_unknown() -> None:
    document = one(Payment(claims=(denied_claim("D1"),)))
    assert document.claims[0].assigned is None
    assert document.claims[0].status == "4"
    assert document.lines[0].denied is True


@pytest.mark.parametrize(
    ("adjustments", "denied"),
    [
        ((Cas("CO", "45", D("50")), Cas("PR", "1", D("100"))), False),  # all to the deductible
        ((Cas("CO", "97", D("150")),), True),  # bundled
        ((Cas("PR", "204", D("150")),), True),  # not covered; the patient may owe it
        ((Cas("OA", "23", D("150")),), False),  # the prior payer paid
    ],
    ids=["deductible", "co97", "pr204", "oa23"],
)
def test_zero_paid_line_denied_only_for_a_denial_reason(
    adjustments: tuple[Cas, ...], denied: bool
) -> None:
    line = Line(billed=D("150"), adjustments=adjustments)
    assert one(Payment(claims=(ClaimSpec("Z1", lines=(line,)),))).lines[0].denied is denied


def test_reversal_and_plb_and_several_payments() -> None:
    original = qmb_claim("R1")
    march = Payment(claims=(reversal_of(original),), plb=(Plb("WO", "ABC", D("5.00")),))
    april = Payment(claims=(original,), control="0002", paid_on=date(2024, 4, 2))
    documents = extract_era(build_835([march, april]), "two.835")
    assert len(documents) == 2
    reversal = documents[0].claims[0]
    assert reversal.status == "22"
    assert reversal.paid == D("-78.40")
    assert reversal.lines[0].adjustment_total(Group.CO, "253") == D("-1.60")
    assert documents[0].payment_total == D("-83.40")  # BPR03 'D': the payer takes money
    assert documents[0].provider_adjustments == (ProviderAdjustment("WO", "ABC", D("5.00")),)
    assert documents[1].payment_date == date(2024, 4, 2)
    assert all(balances(document) for document in documents)
    assert all(document.warnings == () for document in documents)


def test_payment_date_falls_back_to_the_production_date() -> None:
    document = one(Payment(claims=(qmb_claim(),), paid_on=None))
    assert document.payment_date == date(2024, 3, 13)


@pytest.mark.parametrize(
    "delimiters",
    [
        Delimiters(),
        Delimiters(element="|", segment="\n", component=">", newline=""),
        Delimiters(element="^", segment="'", component=":", repetition="{", newline="\r\n"),
    ],
    ids=["star", "pipe", "caret"],
)
@pytest.mark.parametrize("envelope", [True, False], ids=["envelope", "bare"])
def test_same_claims_whatever_the_separators(delimiters: Delimiters, envelope: bool) -> None:
    payment = Payment(claims=(qmb_claim("A"), denied_claim("B")))
    document = one(payment, delimiters=delimiters, envelope=envelope, bom=True)
    assert [claim.claim_number for claim in document.claims] == ["A", "B"]
    assert [line.procedure_code for line in document.lines] == ["99214", "99213"]
    assert document.lines[0].adjustment_total(Group.CO, "253") == D("1.60")
    assert document.warnings == ()


# --- broken files ---------------------------------------------------------------------------


def three_claims() -> bytes:
    claims = tuple(
        ClaimSpec(f"C{n}", lines=tuple(medicare_line(D("150"), D("100")) for _ in range(5)))
        for n in (1, 2, 3)
    )
    return build_835(Payment(claims=claims))


def test_truncated_in_the_middle_of_a_claim() -> None:
    data = three_claims()
    cut = data.index(b"SVC", data.index(b"CLP*C3")) + 1
    for _ in range(4):
        cut = data.index(b"SVC", cut) + 1
    documents = extract_era(data[: cut - 1], "cut.835")
    (document,) = documents
    assert [claim.claim_number for claim in document.claims] == ["C1", "C2", "C3"]
    assert len(document.claims[2].lines) == 4
    assert "The file ends in the middle of claim C3; we read 4 of its lines." in document.warnings


def test_truncated_inside_a_segment_drops_the_cut_segment() -> None:
    data = three_claims()
    cut = data.index(b"CAS*CO*45*50", data.index(b"CLP*C2")) + len(b"CAS*CO*45*5")
    (document,) = extract_era(data[:cut], "cut.835")
    claim = document.claims[1]
    assert claim.lines[0].adjustments == ()  # "CAS*CO*45*5" is not trusted
    assert any("cut off in the middle" in warning for warning in document.warnings)
    assert any(
        "ends in the middle of claim C2; we read 1 of its lines" in w for w in document.warnings
    )


def test_wrong_se_count_is_reported() -> None:
    payment = Payment(claims=(qmb_claim(),), se_count=99)
    document = one(payment)
    assert any("says it holds 99 segments, but we found" in w for w in document.warnings)
    assert len(document.claims) == 1


def test_wrong_ge_count_is_reported() -> None:
    data = build_835(Payment(claims=(qmb_claim(),))).replace(b"GE*1*1~", b"GE*2*1~")
    (document,) = extract_era(data, "ge.835")
    assert any("group holds 2 payment records, but we found 1" in w for w in document.warnings)


def test_garbage_is_reported_on_the_payment_and_claims_survive() -> None:
    data = three_claims().replace(b"CLP*C2", b"\x00\x17garbage\x00~CLP*C2")
    (document,) = extract_era(data, "junk.835")
    assert [claim.claim_number for claim in document.claims] == ["C1", "C2", "C3"]
    assert any("skipped" in warning for warning in document.warnings)


def test_bad_amounts_and_groups_become_warnings() -> None:
    data = (
        three_claims().replace(b"CAS*PR*2*20", b"CAS*XX*2*20", 1).replace(b"*78.40*", b"*7B.40*", 1)
    )
    (document,) = extract_era(data, "bad.835")
    line = document.claims[0].lines[0]
    assert line.paid is None
    assert all(a.group is not Group.PR for a in line.adjustments)
    assert any("“7B.40” is not an amount" in w for w in document.warnings)
    assert any("group “XX” is not one we know" in w for w in document.warnings)


def test_missing_st_is_read_with_a_warning() -> None:
    data = build_835(Payment(claims=(qmb_claim(),)), envelope=False)
    data = data[data.index(b"BPR") :]
    (document,) = extract_era(data, "bare.835")
    assert len(document.claims) == 1
    assert any("no ST segment" in warning for warning in document.warnings)


def test_other_transaction_sets_are_skipped() -> None:
    other = b"ST*999*0001~AK1*HP*1~SE*3*0001~"
    data = build_835(Payment(claims=(qmb_claim(),))).replace(b"ST*835", other + b"\nST*835")
    documents = extract_era(data, "mixed.835")
    assert len(documents) == 1 and len(documents[0].claims) == 1


def test_an_x12_file_of_another_kind_is_unsupported() -> None:
    data = b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*P*:~GS*HC*A*B*20240101*1200*1*X*005010X222A1~ST*837*0001~BHT*0019~SE*3*0001~GE*1*1~IEA*1*000000001~"
    with pytest.raises(UnsupportedDocument, match="837"):
        extract_era(data, "claim.837")


def test_an_envelope_without_payments_is_unreadable() -> None:
    data = b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*P*:~IEA*0*000000001~"
    with pytest.raises(UnreadableDocument):
        extract_era(data, "empty.835")


@needs_corpus
@pytest.mark.parametrize("name", ["S03", "S07", "S09", "S12"])
def test_never_crashes_on_cut_or_damaged_files(name: str) -> None:
    data = next(CORPUS.glob(f"{name}_*.835")).read_bytes()
    rng = random.Random(name)
    for cut in range(1, len(data), 23):
        damaged = bytearray(data[:cut])
        for _ in range(rng.randrange(4)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            documents = extract_era(bytes(damaged), "damaged.835")
        except ExplainerError:
            continue
        assert all(isinstance(document, Document) for document in documents)


def test_read_upload_dispatches_835_here() -> None:
    data = build_835(Payment(claims=(qmb_claim(),)), bom=True)
    (document,) = read_upload(Upload(data, "remit.txt"))
    assert document.kind is DocumentKind.ERA835
    assert document.source == "remit.txt"


def test_generated_file_passes_pyx12_validation() -> None:
    """A second opinion on the factory's output from pyx12 (optional dependency)."""
    pyx12_document = pytest.importorskip("pyx12.x12n_document")
    params = pytest.importorskip("pyx12.params")
    x12file = pytest.importorskip("pyx12.x12file")
    import io
    import logging

    payment = Payment(
        claims=(qmb_claim("A"), denied_claim("B"), reversal_of(qmb_claim("C"))),
        plb=(Plb("WO", "ABC", D("5.00")),),
    )
    text = build_835(payment).decode()
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    assert pyx12_document.x12n_document(params.params(), io.StringIO(text), None, None, None)
    theirs = [segment.get_seg_id() for segment in x12file.X12Reader(io.StringIO(text))]
    (document,) = extract_era(text.encode(), "gen.835")
    assert theirs.count("CLP") == len(document.claims) == 3
    assert theirs.count("SVC") == len(document.lines) == 3
