"""The CLI text and JSON never say all is well when a row with money went unread, and never
compare a bill alone with a notice it does not have (issue 15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from explainer import Answers, explain
from explainer.content import library
from explainer.model import (
    Claim,
    Document,
    DocumentKind,
    Format,
    ServiceLine,
    UncheckedRow,
)
from explainer.present.json import explanation_to_dict
from explainer.present.text import render_text
from tests.conftest import TODAY, validate_contract


def _paper(kind: DocumentKind, unchecked: tuple[UncheckedRow, ...] = ()) -> Document:
    line = ServiceLine(
        date_of_service=date(2025, 3, 4),
        procedure_code="99214",
        billed=Decimal("150.00"),
        patient_owes=Decimal("20.00"),
    )
    return Document(
        source=f"{kind.value}.pdf",
        kind=kind,
        format=Format.PDF,
        claims=(Claim(provider="Springfield Family Clinic", lines=(line,)),),
        unchecked=unchecked,
    )


@pytest.mark.parametrize("lang", ["en", "es"])
def test_unchecked_rows_are_listed_instead_of_no_problems(lang: str) -> None:
    row = UncheckedRow(where="page 1, row 9", text="Adjustment -$12.00")
    explanation = explain(
        [_paper(DocumentKind.PROVIDER_BILL, (row,))], Answers(lang=lang, today=TODAY)
    )
    text = render_text(explanation, library())
    assert ("We could not check everything" if lang == "en" else "No pudimos revisar todo") in text
    assert "page 1, row 9: Adjustment -$12.00" in text
    assert "No problems found" not in text and "No encontramos problemas" not in text
    data = explanation_to_dict(explanation)
    validate_contract(data)
    assert data["documents"][0]["unchecked"] == [
        {"where": "page 1, row 9", "text": "Adjustment -$12.00"}
    ]


def test_a_bill_alone_never_agrees_with_a_notice() -> None:
    explanation = explain([_paper(DocumentKind.PROVIDER_BILL)], Answers(today=TODAY))
    text = render_text(explanation, library())
    assert "agrees with your notice" not in text
    assert "You gave us a bill without a notice" in text
    assert "We have no notice that says what you may owe." in text


def test_notice_and_bill_that_agree_may_say_so() -> None:
    explanation = explain(
        [_paper(DocumentKind.MSN), _paper(DocumentKind.PROVIDER_BILL)], Answers(today=TODAY)
    )
    text = render_text(explanation, library())
    assert "Every line we could read agrees with your notice." in text
    assert "You may owe at most: $20.00" in text
