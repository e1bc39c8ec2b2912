"""Property-based fuzzing: whatever text arrives, the engine answers or raises its own clear
error, never anything else (issue: hardening)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer import Answers, ExplainerError, Role, Upload, explain_uploads
from explainer.present.json import explanation_to_dict
from tests.conftest import validate_contract

# Pieces real papers are made of, so the fuzzer reaches deep into the reader, not just "garbage".
PIECES = st.sampled_from(
    [
        "03/04/2025", "3/4/25", "2025-03-04", "Mar 4, 2025", "99214", "99214-25", "(93000)", "E0601",
        "billed", "approved", "paid", "you may owe", "balance due", "deductible", "copay",
        "$150.00", "$1,234.56", "(2.40)", "-1.60", "20", ".80", "CO-253", "CO 45", "PR2", "OA-23",
        "CARC 45", "N130", "MA18", "CAS*CO*253*1.60", "CAS*PR*", "SVC*HC:99214*150*78.4",
        "DTM*472*20250304", "AMT*B6*", "LQ*HE*N781", "CLP*1*", "Provider:", "Claim number:",
        "Notice date:", "Assigned: no", "Medicare Summary Notice", "Statement", "Total", "~", "*",
        "\t", " ", "\n", "€", "ñ", "\u00a0", "9" * 40, "$" * 3,
    ]
)
TEXTS = st.one_of(
    st.lists(PIECES, max_size=40).map(" ".join),
    st.lists(st.lists(PIECES, max_size=8).map(" ".join), max_size=12).map("\n".join),
    st.text(max_size=400),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notice=TEXTS, bill=TEXTS, qmb=st.booleans())
def test_typed_text_never_crashes(notice: str, bill: str, qmb: bool) -> None:
    uploads = [
        Upload(notice.encode("utf-8", "surrogatepass"), "n.txt", Role.NOTICE),
        Upload(bill.encode("utf-8", "surrogatepass"), "b.txt", Role.BILL),
    ]
    try:
        explanation = explain_uploads(uploads, Answers(qmb=qmb))
    except ExplainerError as error:
        assert error.message and "Traceback" not in error.message
        return
    validate_contract(explanation_to_dict(explanation))
