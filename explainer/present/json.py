"""An Explanation as the JSON contract (shared/contract/explanation.schema.json), plus extras."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..codes import public_source
from ..model import (
    Adjustment,
    Claim,
    CodeExplanation,
    Document,
    DocumentKind,
    Explanation,
    Finding,
    ServiceLine,
)
from ..values import format_money
from .claim_share import claim_share

SCHEMA_ID = "bill-explainer/explanation/v1"


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def adjustment_to_dict(adjustment: Adjustment) -> dict[str, Any]:
    return {
        "group": adjustment.group.value,
        "reason": adjustment.reason,
        "amount": format_money(adjustment.amount),
    }


def line_to_dict(line: ServiceLine) -> dict[str, Any]:
    return {
        "date_of_service": _date(line.date_of_service),
        "procedure_code": line.procedure_code,
        "modifiers": list(line.modifiers),
        "description": line.description,
        "billed": format_money(line.billed),
        "allowed": format_money(line.allowed),
        "paid": format_money(line.paid),
        "patient_owes": format_money(line.patient_owes),
        "adjustments": [adjustment_to_dict(a) for a in line.adjustments],
        "remarks": list(line.remarks),
        "denied": line.denied,
        "where": line.where,
        "low_confidence": line.low_confidence,
    }


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    return {
        "claim_number": claim.claim_number,
        "provider": claim.provider,
        "assigned": claim.assigned,
        "status": claim.status,
        "billed": format_money(claim.billed),
        "paid": format_money(claim.paid),
        "patient_owes": format_money(claim.patient_owes),
        "lines": [line_to_dict(line) for line in claim.lines],
        "adjustments": [adjustment_to_dict(a) for a in claim.adjustments],
        "remarks": list(claim.remarks),
    }


def claim_in_document(document: Document, claim: Claim) -> dict[str, Any]:
    """A claim; on an 835 also its own bottom line (one patient's), since the payment's
    totals are never summed across patients (issue 15)."""
    data = claim_to_dict(claim)
    if document.kind is DocumentKind.ERA835:
        share = claim_share(claim)
        data["bottom_line"] = {
            "may_owe_at_most": format_money(share.may_owe),
            "qmb_protected": format_money(share.protected),
        }
    return data


def document_to_dict(document: Document) -> dict[str, Any]:
    return {
        "source": document.source,
        "kind": document.kind.value,
        "format": document.format.value,
        "coverage": document.coverage.value,
        "payer": document.payer,
        "notice_date": _date(document.notice_date),
        "claims": [claim_in_document(document, claim) for claim in document.claims],
        "warnings": list(document.warnings),
        "payment_total": format_money(document.payment_total),
        "payment_date": _date(document.payment_date),
        "unchecked": [{"where": row.where, "text": row.text} for row in document.unchecked],
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "title": finding.title,
        "detail": finding.detail,
        "amount": format_money(finding.amount),
        "evidence": [evidence.as_dict() for evidence in finding.evidence],
        "next_steps": list(finding.next_steps),
        "deadline": _date(finding.deadline),
        "codes": list(finding.codes),
    }


def code_to_dict(code: CodeExplanation) -> dict[str, Any]:
    return {
        "system": code.system.value,
        "code": code.code,
        "title": code.title,
        "plain": code.plain,
        "patient_pays": code.patient_pays,
        "what_to_do": code.what_to_do,
        "active": code.active,
        "known": code.known,
        # Official documents only: our design notes never reach an API client (issue 15).
        "source": public_source(code),
    }


def explanation_to_dict(explanation: Explanation) -> dict[str, Any]:
    """The whole explanation, as `bill-explainer explain --json` and the API return it."""
    return {
        "schema": SCHEMA_ID,
        "lang": explanation.answers.lang,
        "documents": [document_to_dict(document) for document in explanation.documents],
        "findings": [finding_to_dict(finding) for finding in explanation.findings],
        "codes": [code_to_dict(code) for code in explanation.codes],
        "totals": {
            "may_owe_at_most": format_money(explanation.totals.may_owe_at_most),
            "bill_asks": format_money(explanation.totals.bill_asks),
            "why": list(explanation.totals.why),
        },
    }
