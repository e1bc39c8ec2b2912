"""Duplicates in 835s (issue 14): only where someone may be asked to pay twice.

RULES.md duplicate-charge: "Not when the payer itself denied the repeat as a duplicate
(CARC 18) or reversed and re-processed it (CLP02 = 22 and its correction)". The payer's own
catch is said once per payment (duplicate-denied, info), and every text names the service.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from explainer import Answers, explain
from explainer.extract.era import extract_era
from explainer.model import Explanation, Finding, Severity
from explainer.present.json import explanation_to_dict
from tests.conftest import validate_contract
from tests.x12_factory import Cas, ClaimSpec, Line, Payment, build_835, reversal_of

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "x12"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus is not beside main")
VISIT_DAY = date(2025, 5, 12)


def visit(procedure: str = "99213", billed: str = "200.00") -> Line:
    """An office visit a commercial plan paid: CO 45 write-off, PR 3 copay."""
    return Line(
        billed=Decimal(billed),
        procedure=procedure,
        service_date=VISIT_DAY,
        adjustments=(Cas("CO", "45", Decimal("80.00")), Cas("PR", "3", Decimal("25.00"))),
        allowed=Decimal("120.00"),
    )


def paid(number: str, *lines: Line) -> ClaimSpec:
    return ClaimSpec(number=number, filing="CI", lines=lines or (visit(),))


def repeat_line(procedure: str = "99213", billed: str = "200.00") -> Line:
    """The same visit sent again: the whole charge under OA 18, nothing paid."""
    return Line(
        billed=Decimal(billed),
        procedure=procedure,
        service_date=VISIT_DAY,
        adjustments=(Cas("OA", "18", Decimal(billed)),),
        paid=Decimal("0"),
    )


def repeat(number: str, *lines: Line) -> ClaimSpec:
    """The payer's answer to a claim sent twice: denied (CLP02 4), OA 18, paid $0."""
    return ClaimSpec(
        number=number,
        filing="CI",
        status="4",
        lines=lines or (repeat_line(),),
        patient_owes=Decimal(0),
    )


def explained(*payments: Payment, lang: str = "en") -> Explanation:
    documents = [
        document
        for number, payment in enumerate(payments)
        for document in extract_era(build_835(payment), f"remit-{number}.835")
    ]
    explanation = explain(documents, Answers(lang=lang))
    validate_contract(explanation_to_dict(explanation))
    return explanation


def of_rule(explanation: Explanation, rule: str) -> list[Finding]:
    return [finding for finding in explanation.findings if finding.rule == rule]


def test_27_claims_sent_twice_and_denied_as_duplicates_give_one_info_finding() -> None:
    numbers = [f"4353683-7552-{n:06d}" for n in range(27)]
    payment = Payment(
        claims=(*(paid(n) for n in numbers), *(repeat(n) for n in numbers)),
        payer="ACME COMMERCIAL",
    )
    explanation = explained(payment)
    assert of_rule(explanation, "duplicate-charge") == []
    assert of_rule(explanation, "line-denied") == []  # a caught repeat is no denial to appeal
    (caught,) = of_rule(explanation, "duplicate-denied")
    assert caught.severity is Severity.INFO
    assert "27 claims" in caught.detail and "ACME COMMERCIAL" in caught.detail
    assert "office visit (99213) on May 12, 2025" in caught.detail
    assert "4353683" not in caught.title + caught.detail  # named by service, not by number
    assert caught.amount == Decimal("5400.00")  # 27 repeats of $200 nobody pays
    assert len(caught.evidence) == 20 and all("99213" in piece.says for piece in caught.evidence)
    assert caught.codes == ("OA-18",)


def test_a_repeat_denied_at_claim_level_is_caught_too() -> None:
    claim_level = ClaimSpec(
        number="A1",
        filing="CI",
        status="4",
        lines=(
            Line(
                billed=Decimal("200.00"), procedure="99213", service_date=VISIT_DAY, paid=Decimal(0)
            ),
        ),
        adjustments=(Cas("OA", "18", Decimal("200.00")),),
        paid=Decimal(0),
        patient_owes=Decimal(0),
    )
    explanation = explained(Payment(claims=(paid("A1"), claim_level)))
    assert of_rule(explanation, "duplicate-charge") == []
    assert of_rule(explanation, "line-denied") == []
    (caught,) = of_rule(explanation, "duplicate-denied")
    assert (
        "got the claim for the office visit (99213) on May 12, 2025 a second time" in caught.detail
    )


def test_the_repeat_may_come_in_a_later_remittance() -> None:
    first = Payment(claims=(paid("B7"),), trace="EFT1")
    later = Payment(claims=(repeat("B7"),), trace="EFT2", control="0002")
    explanation = explained(first, later)
    assert of_rule(explanation, "duplicate-charge") == []
    assert len(of_rule(explanation, "duplicate-denied")) == 1


def test_the_same_claim_paid_twice_is_a_duplicate_named_by_its_service() -> None:
    explanation = explained(Payment(claims=(paid("C3"), paid("C3"))))
    (double,) = of_rule(explanation, "duplicate-charge")
    assert double.severity is Severity.WARNING
    assert double.detail.startswith(
        "The claim for the office visit (99213) on May 12, 2025 is listed 2 times"
    )
    assert all("office visit (99213)" in piece.says for piece in double.evidence)
    assert of_rule(explanation, "duplicate-denied") == []


def test_paid_twice_and_caught_once_more_counts_the_two_payments() -> None:
    explanation = explained(Payment(claims=(paid("D4"), paid("D4"), repeat("D4"))))
    (double,) = of_rule(explanation, "duplicate-charge")
    assert "listed 2 times" in double.detail
    assert len(of_rule(explanation, "duplicate-denied")) == 1


def test_a_reversal_and_its_correction_are_no_duplicate() -> None:
    original = paid("E5")
    explanation = explained(Payment(claims=(original, reversal_of(original), paid("E5"))))
    assert of_rule(explanation, "duplicate-charge") == []
    assert of_rule(explanation, "duplicate-denied") == []


def test_one_claim_number_on_other_services_is_no_duplicate() -> None:
    # De-identified and some legacy files print one placeholder on every claim.
    explanation = explained(
        Payment(
            claims=(paid("9999999999-999", visit("99213")), paid("9999999999-999", visit("99214")))
        )
    )
    assert of_rule(explanation, "duplicate-charge") == []


def test_a_claim_with_several_services_says_how_many_more() -> None:
    lines = (visit("99213"), visit("36415", "30.00"), visit("81002", "20.00"))
    repeats = tuple(repeat_line(line.procedure, f"{line.billed}") for line in lines)
    explanation = explained(Payment(claims=(paid("F6", *lines), repeat("F6", *repeats))))
    (caught,) = of_rule(explanation, "duplicate-denied")
    assert "claim for the office visit (99213) on May 12, 2025 and 2 more services" in caught.detail


def test_spanish_words_for_a_caught_repeat_and_a_double_payment() -> None:
    caught_es = of_rule(
        explained(Payment(claims=(paid("G1"), repeat("G1"))), lang="es"), "duplicate-denied"
    )
    assert (
        caught_es[0].title == "Reclamaciones enviadas dos veces: el pagador las pagó solo una vez"
    )
    assert "por segunda vez" in caught_es[0].detail and "(99213)" in caught_es[0].detail
    double_es = of_rule(
        explained(Payment(claims=(paid("G2"), paid("G2"))), lang="es"), "duplicate-charge"
    )
    assert double_es[0].detail.startswith("La reclamación por ")


@needs_corpus
@pytest.mark.parametrize(
    "name",
    ["S10_oopfactory_5010_example_from_nth.835", "S06_edi835parser_emedny.835"],
)
def test_placeholder_claim_numbers_in_the_corpus_are_no_duplicates(name: str) -> None:
    # S10 prints 9999999999-999 on 56 claims for different services; S06 'PATIENT ACCOUNT
    # NUMBER' on three. Both were reported as one claim listed 22 and 3 times.
    documents = extract_era((CORPUS / name).read_bytes(), name)
    assert of_rule(explain(documents, Answers()), "duplicate-charge") == []


@needs_corpus
def test_the_corpus_repeat_denied_as_a_duplicate_is_said_once() -> None:
    name = "S12_oopfactory_5010_example1_reversals.835"
    explanation = explain(extract_era((CORPUS / name).read_bytes(), name), Answers())
    (caught,) = of_rule(explanation, "duplicate-denied")
    assert "(M2200) on December 24, 2002" in caught.detail
    assert not any("OA-18" in finding.codes for finding in of_rule(explanation, "line-denied"))
