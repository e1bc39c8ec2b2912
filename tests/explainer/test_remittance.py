"""835 checks (arithmetic-mismatch, payment-total-mismatch), the front-desk summary, the chart."""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from dataclasses import fields, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from explainer.checks.base import Bundle
from explainer.checks.remittance import check_payment_total, check_remittance_balancing
from explainer.content import Library
from explainer.extract.era import extract_era
from explainer.model import Answers, Document, DocumentKind, Finding
from explainer.present.chart import sequestration_svg
from explainer.remittance import (
    sequestration_by_month,
    sequestration_csv,
    summarize_remittance,
)
from tests.x12_factory import (
    Cas,
    ClaimSpec,
    Line,
    Payment,
    Plb,
    build_835,
    denied_claim,
    medicare_line,
    qmb_claim,
    reversal_of,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "x12"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus is not beside main")
D = Decimal

# Templates naming every field the checks promise the lead's content (rules.toml).
STUB_RULES: dict[str, dict[str, Any]] = {
    "arithmetic-mismatch": {
        "severity": "warning",
        "en": {
            "title": "Sum off by {amount}",
            "detail": "{what}: {sum_text} ({billed} {paid} {adjustments})",
            "next_steps": ["Ask about {what}."],
            "part_more": "{count} more",
            "part_see_file": "see the file",
        },
    },
    "payment-total-mismatch": {
        "severity": "warning",
        "en": {
            "title": "Total off by {amount}",
            "detail": "{bpr} vs {claims_total} − {plb_total} = {expected}",
            "next_steps": ["Ask the payer."],
        },
    },
}


def bundle_of(documents: list[Document], rules: dict[str, Any] | None = None) -> Bundle:
    # Only `findings` is used by these checks; the other content stays empty, whatever
    # fields the Library grows.
    blank: dict[str, Any] = {field.name: {} for field in fields(Library)}
    library = Library(**{**blank, "findings": rules or STUB_RULES})
    return Bundle(documents=tuple(documents), answers=Answers(), library=library)


def read(payments: Payment | list[Payment]) -> list[Document]:
    return extract_era(build_835(payments), "remit.835")


def balancing(documents: list[Document]) -> list[Finding]:
    return list(check_remittance_balancing(bundle_of(documents)))


def totals(documents: list[Document]) -> list[Finding]:
    return list(check_payment_total(bundle_of(documents)))


def a_medicare_payment() -> Payment:
    claims = (
        ClaimSpec("A1", lines=(medicare_line(D("150"), D("100")), medicare_line(D("80"), D("60")))),
        qmb_claim("Q1"),
        denied_claim("D1"),
    )
    return Payment(claims=claims, plb=(Plb("WO", "OVERPAY", D("10.00")),))


# --- arithmetic-mismatch --------------------------------------------------------------------


def test_a_balanced_remittance_has_no_finding() -> None:
    documents = read(a_medicare_payment())
    assert balancing(documents) == []
    assert totals(documents) == []


def test_a_line_that_does_not_add_up() -> None:
    bad = replace(medicare_line(D("150"), D("100")), paid=D("80.00"))  # should be 78.40
    claim = ClaimSpec("A1", lines=(medicare_line(D("80"), D("60")), bad))
    (finding,) = balancing(read(Payment(claims=(claim,))))
    assert finding.rule == "arithmetic-mismatch"
    assert finding.amount == D("1.60")
    assert finding.evidence[0].where == "claim A1, line 2"
    assert finding.evidence[0].document == "remit.835"
    assert finding.detail == (
        "Claim A1, line 2: $80.00 + CO-45 $50.00 + CO-253 $1.60 + PR-2 $20.00 = $151.60 "
        "≠ $150.00 ($150.00 $80.00 $71.60)"
    )
    assert "CO-253" in finding.codes
    # The claim is off by the same $1.60: one cause, one finding (RULES.md).


def test_a_claim_whose_own_adjustment_is_wrong() -> None:
    lines = (medicare_line(D("150"), D("100")),)
    claim = ClaimSpec("A1", lines=lines, adjustments=(Cas("OA", "23", D("5.00")),), paid=D("78.40"))
    (finding,) = balancing(read(Payment(claims=(claim,))))
    assert finding.evidence[0].where == "claim A1"
    assert finding.amount == D("5.00")


def test_a_claim_without_lines_balances_on_its_own_cas() -> None:
    good = ClaimSpec("P1", billed=D("1000"), adjustments=(Cas("CO", "45", D("300")),))
    bad = replace(good, number="P2", paid=D("750"))
    findings = balancing(read(Payment(claims=(good, bad))))
    assert [f.evidence[0].where for f in findings] == ["claim P2"]
    assert findings[0].amount == D("50")


def test_a_claim_whose_lines_do_not_add_up_to_its_charge() -> None:
    claim = ClaimSpec("A1", lines=(medicare_line(D("150"), D("100")),), billed=D("175"))
    (finding,) = balancing(read(Payment(claims=(claim,))))
    assert finding.evidence[0].where == "claim A1"
    assert finding.amount == D("25")


@pytest.mark.parametrize("negate_cas", [True, False], ids=["tr3-negated", "payer-unnegated"])
def test_reversals_balance_whichever_sign_their_cas_has(negate_cas: bool) -> None:
    reversal = reversal_of(qmb_claim("R1"), negate_cas=negate_cas)
    assert balancing(read(Payment(claims=(reversal,)))) == []


def test_a_reversal_that_is_really_wrong_still_fires() -> None:
    reversal = reversal_of(qmb_claim("R1"))
    wrong = replace(reversal, lines=(replace(reversal.lines[0], paid=D("-70.00")),), paid=D("-70"))
    findings = balancing(read(Payment(claims=(wrong,))))
    assert [f.evidence[0].where for f in findings] == ["claim R1, line 1"]
    assert findings[0].amount == D("8.40")


def test_lines_without_amounts_are_not_judged() -> None:
    data = build_835(Payment(claims=(qmb_claim(),)))
    data = data.replace(b"SVC*HC:99214*150*78.40", b"SVC*HC:99214**")
    documents = extract_era(data, "x.835")
    assert documents[0].lines[0].billed is None
    # The claim still balances: CLP03 150 = CLP04 78.40 + the line's 71.60 of CAS.
    assert balancing(documents) == []
    wrong = extract_era(data.replace(b"CLP*QMB1*1*150*", b"CLP*QMB1*1*160*"), "x.835")
    assert [f.evidence[0].where for f in balancing(wrong)] == ["claim QMB1"]


# --- payment-total-mismatch -----------------------------------------------------------------


def test_payment_total_that_ignores_the_plb() -> None:
    payment = replace(a_medicare_payment(), total=D("203.84"))  # forgot the $10 WO offset
    (finding,) = totals(read(payment))
    assert finding.rule == "payment-total-mismatch"
    assert finding.amount == D("10.00")
    assert finding.detail == "$203.84 vs $203.84 − $10.00 = $193.84"
    assert finding.evidence[0].where == "payment EFT0001"


def test_negative_plb_adds_to_the_payment() -> None:
    payment = Payment(claims=(qmb_claim(),), plb=(Plb("L6", "INTEREST", D("-2.15")),))
    documents = read(payment)
    assert documents[0].payment_total == D("80.55")
    assert totals(documents) == []
    flipped = replace(payment, total=D("76.25"))
    (finding,) = totals(read(flipped))
    assert finding.amount == D("4.30")


def test_a_debit_payment_balances_when_reversals_exceed_payments() -> None:
    payment = Payment(claims=(reversal_of(qmb_claim("R1")),))
    assert totals(read(payment)) == []


@needs_corpus
@pytest.mark.parametrize(
    ("name", "line_or_claim", "payment"),
    [
        ("S01", 0, 0),
        ("S02", 0, 0),
        ("S03", 0, 0),
        ("S04", 0, 0),
        ("S05", 0, 0),
        ("S06", 0, 0),
        ("S07", 0, 0),
        ("S08", 0, 0),
        ("S09", 0, 0),
        ("S10", 70, 3),  # amounts masked with 9s
        ("S11", 1659, 4),  # amounts masked with 9s
        ("S12", 0, 1),  # its PLB CV -1.27 is not in BPR02
    ],
)
def test_corpus_findings(name: str, line_or_claim: int, payment: int) -> None:
    path = next(CORPUS.glob(f"{name}_*.835"))
    documents = extract_era(path.read_bytes(), path.name)
    found = balancing(documents)
    # Past MAX_LISTED per payment, the rest are counted in one summary finding.
    summaries = [f for f in found if f.detail.startswith(tuple(f"{n} more" for n in range(1, 10000)))]
    listed = len(found) - len(summaries)
    assert listed + sum(int(f.evidence[0].says) for f in summaries) == line_or_claim
    # At most MAX_LISTED findings plus one summary per payment (S11 would list 1,659 without the cap).
    assert len(found) <= 21 * len(documents)
    assert len(totals(documents)) == payment


@needs_corpus
def test_s12_payment_total_finding() -> None:
    path = next(CORPUS.glob("S12_*.835"))
    (finding,) = totals(extract_era(path.read_bytes(), path.name))
    assert finding.amount == D("1.27")
    assert finding.evidence[0].says == "$5.75 − (-$1.27) = $7.02 ≠ $5.75"


def test_the_projects_own_words_get_every_field() -> None:
    """content/findings/*.toml (the lead's words) must find every field the checks pass."""
    rules: dict[str, Any] = {}
    for path in (ROOT / "content" / "findings").glob("*.toml"):
        with path.open("rb") as handle:
            rules.update(tomllib.load(handle).get("rule", {}))
    if not {"arithmetic-mismatch", "payment-total-mismatch"} <= rules.keys():
        pytest.skip("the finding texts are not written yet")
    line = replace(medicare_line(D("150"), D("100")), paid=D("80.00"))
    payment = Payment(claims=(ClaimSpec("A1", lines=(line,)),), total=D("1.00"))
    bundle = bundle_of(read(payment), rules)
    findings = [*check_remittance_balancing(bundle), *check_payment_total(bundle)]
    assert {f.rule for f in findings} == {"arithmetic-mismatch", "payment-total-mismatch"}
    for finding in findings:
        assert "{" not in finding.title + finding.detail + "".join(finding.next_steps)


# --- the front-desk summary -----------------------------------------------------------------


def test_summary_counts() -> None:
    payment = a_medicare_payment()
    payment = replace(payment, claims=(*payment.claims, reversal_of(qmb_claim("Q0"))))
    (document,) = read(payment)
    summary = summarize_remittance(document)
    assert summary.payer == "MEDICARE PART B"
    assert summary.claim_count == 4
    assert summary.line_count == 5
    assert summary.denied_count == 1
    assert summary.reversal_count == 1
    # 1.60 + 0.96 + 1.60 on the paid claims, less the reversed 1.60.
    assert summary.sequestration_total == D("2.56")
    assert summary.provider_adjustment_total == D("10.00")
    assert summary.payment_total == D("115.44")  # 203.84 − 78.40 reversed − 10.00 PLB
    assert summary.payment_date == date(2024, 3, 15)
    assert summary.trace_number == "EFT0001"


def test_a_claim_whose_every_line_was_denied_counts_as_denied() -> None:
    line = Line(billed=D("90"), adjustments=(Cas("CO", "97", D("90")),))
    (document,) = read(Payment(claims=(ClaimSpec("B1", lines=(line, line)),)))
    assert document.claims[0].status == "1"
    assert summarize_remittance(document).denied_count == 1


@needs_corpus
@pytest.mark.parametrize(
    ("name", "claims", "lines", "denied", "reversals"),
    # S12: CLP02 4 three times; 777777 (CLP02 25, predetermination) is paid 0 but not denied.
    [("S05", 1, 3, 1, 0), ("S06", 3, 10, 1, 0), ("S10", 56, 91, 16, 0), ("S12", 10, 9, 3, 3)],
)
def test_corpus_summaries(name: str, claims: int, lines: int, denied: int, reversals: int) -> None:
    path = next(CORPUS.glob(f"{name}_*.835"))
    summaries = [summarize_remittance(d) for d in extract_era(path.read_bytes(), path.name)]
    assert sum(s.claim_count for s in summaries) == claims
    assert sum(s.line_count for s in summaries) == lines
    assert sum(s.denied_count for s in summaries) == denied
    assert sum(s.reversal_count for s in summaries) == reversals
    assert all(s.sequestration_total == 0 for s in summaries)  # no CO 253 in the corpus


def test_sequestration_by_month_subtracts_reversals() -> None:
    march = Payment(claims=(qmb_claim("A"), qmb_claim("B")), paid_on=date(2024, 3, 15))
    april = Payment(
        claims=(reversal_of(qmb_claim("A"), negate_cas=False),),
        paid_on=date(2024, 4, 1),
        control="2",
    )
    may = Payment(claims=(denied_claim(),), paid_on=date(2024, 5, 2), control="3")
    documents = read([april, march, may])
    rows = sequestration_by_month(documents)
    assert rows == [("2024-03", D("3.20")), ("2024-04", D("-1.60")), ("2024-05", D("0"))]
    assert sequestration_csv(rows) == (
        "month,co_253\r\n2024-03,3.20\r\n2024-04,-1.60\r\n2024-05,0.00\r\n"
    )


def test_sequestration_by_month_ignores_other_papers() -> None:
    (document,) = read(Payment(claims=(qmb_claim(),)))
    bill = replace(document, kind=DocumentKind.PROVIDER_BILL)
    assert sequestration_by_month([bill]) == []


# --- the chart ------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def test_chart_is_accessible_and_labelled() -> None:
    rows = [("2024-03", D("3.20")), ("2024-04", D("-1.60"))]
    svg = sequestration_svg(rows, "CO 253 <by month> & more")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "sequestration-chart-title sequestration-chart-desc"
    assert root.find(f"{SVG}title").text == "CO 253 <by month> & more"  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc").text  # type: ignore[union-attr]
    assert desc == "2024-03: $3.20; 2024-04: -$1.60"
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert {"$3.20", "-$1.60", "2024-03", "2024-04"} <= set(texts)
    bars = list(root.iter(f"{SVG}rect"))
    assert len(bars) == 2
    assert int(bars[0].get("height", "0")) == 2 * int(bars[1].get("height", "0"))
    assert "<script" not in svg and "&lt;by month&gt;" in svg


def test_chart_without_rows_says_so() -> None:
    root = ET.fromstring(sequestration_svg([], "CO 253", empty_text="Nothing withheld."))
    assert [element.text for element in root.iter(f"{SVG}text")][-1] == "Nothing withheld."
    assert list(root.iter(f"{SVG}rect")) == []
