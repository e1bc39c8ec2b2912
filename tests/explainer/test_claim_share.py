"""An 835 claim's own bottom line (explainer/present/claim_share.py): the sheets, the CLI and
the JSON show the same per-patient figure, with QMB cost sharing taken off (issue 15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from explainer import Answers, Coverage, explain
from explainer.content import library
from explainer.model import Adjustment, Claim, Document, DocumentKind, Format, Group, ServiceLine
from explainer.present.claim_share import claim_share
from explainer.present.json import explanation_to_dict
from explainer.present.text import render_text
from tests.conftest import TODAY, validate_contract


def _claim(number: str, remarks: tuple[str, ...] = (), status: str = "1") -> Claim:
    line = ServiceLine(
        date_of_service=date(2025, 3, 4),
        procedure_code="99214",
        billed=Decimal("150.00"),
        allowed=Decimal("100.00"),
        paid=Decimal("78.40"),
        patient_owes=Decimal("25.00"),
        adjustments=(
            Adjustment(Group.PR, "2", Decimal("20.00")),
            Adjustment(Group.PR, "204", Decimal("5.00")),
            Adjustment(Group.CO, "45", Decimal("45.00")),
            Adjustment(Group.CO, "253", Decimal("1.60")),
        ),
    )
    return Claim(
        claim_number=number,
        patient_name=f"PATIENT {number}",
        status=status,
        patient_owes=Decimal("25.00"),
        lines=(line,),
        remarks=remarks,
    )


def test_a_qmb_claim_owes_no_cost_sharing_but_keeps_the_rest() -> None:
    share = claim_share(_claim("Q1", remarks=("N781",)))
    assert share.qmb and share.protected == Decimal("20.00")
    assert share.may_owe == Decimal("5.00")  # PR 204, not cost sharing, stays


def test_a_plain_claim_and_a_reversal() -> None:
    assert claim_share(_claim("P1")).may_owe == Decimal("25.00")
    reversal = claim_share(_claim("R1", status="22"))
    assert reversal.reversal and reversal.may_owe is None


def test_cli_and_json_show_each_claims_bottom_line_and_no_sum() -> None:
    remit = Document(
        source="remit.835",
        kind=DocumentKind.ERA835,
        format=Format.X12,
        coverage=Coverage.ORIGINAL_MEDICARE,
        claims=(_claim("Q1", remarks=("N781",)), _claim("P1")),
    )
    explanation = explain([remit], Answers(today=TODAY))
    data = explanation_to_dict(explanation)
    validate_contract(data)
    shares = [claim["bottom_line"]["may_owe_at_most"] for claim in data["documents"][0]["claims"]]
    assert shares == ["5.00", "25.00"]
    assert data["totals"]["may_owe_at_most"] is None
    text = render_text(explanation, library())
    assert "This patient may owe at most: $5.00" in text
    assert "This patient may owe at most: $25.00" in text
    assert "$30.00" not in text


def test_only_remittance_claims_carry_a_claim_bottom_line() -> None:
    notice = Document(
        source="msn.pdf", kind=DocumentKind.MSN, format=Format.PDF, claims=(_claim("M1"),)
    )
    data = explanation_to_dict(explain([notice], Answers(today=TODAY)))
    assert "bottom_line" not in data["documents"][0]["claims"][0]
