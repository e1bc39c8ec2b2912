"""Shared test helpers: the contract validator, the shared corpus, and explaining typed text."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from explainer import Answers, Explanation, Role, Upload, explain_uploads
from explainer.present.json import explanation_to_dict

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SCHEMA = json.loads((SHARED / "contract" / "explanation.schema.json").read_text())
TODAY = date(2026, 11, 23)


def validate_contract(data: dict[str, Any]) -> None:
    """Fail the test if `data` breaks shared/contract/explanation.schema.json."""
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


def explain_typed(
    notice: str | None = None, bill: str | None = None, *more: Upload, **answers: Any
) -> Explanation:
    """Explain typed notice/bill text, and check the JSON of every case against the contract."""
    uploads = []
    if notice is not None:
        uploads.append(Upload(notice.encode(), "notice.txt", Role.NOTICE))
    if bill is not None:
        uploads.append(Upload(bill.encode(), "bill.txt", Role.BILL))
    uploads.extend(more)
    answers.setdefault("today", TODAY)
    explanation = explain_uploads(uploads, Answers(**answers))
    validate_contract(explanation_to_dict(explanation))
    return explanation


@pytest.fixture
def explain_text() -> Callable[..., Explanation]:
    return explain_typed
