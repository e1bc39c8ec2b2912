"""The front desk's 835 view: each payment at a glance, CO 253 by month (chart and CSV), sheets.

Nothing is stored, so the CSV button cannot send the 835 again: the results page carries the
monthly CO 253 rows in a hidden field signed with the app's SECRET_KEY, and
POST /sequestration.csv turns them into the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext
from markupsafe import Markup

from explainer.model import Claim, DocumentKind, Explanation
from explainer.present.chart import sequestration_svg
from explainer.remittance import (
    RemittanceSummary,
    claim_sequestration,
    is_denied,
    sequestration_by_month,
    sequestration_csv,
    summarize_remittance,
)
from explainer.values import format_money

from .intake import BadInput
from .sheets import PatientSheet, patient_sheets, phones, sheet_words
from .signed import sign, unsign
from .view import CodeIndex

bp = Blueprint("remittance", __name__)
bp.add_app_template_filter(phones, "phones")

ROWS_SALT = "sequestration-rows"
# Fifty years of months: far more than any set of remittances a practice uploads at once.
MAX_ROWS = 600
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# Short: the SVG draws it as its first line, and a long one is cut off at the chart's edge.
CHART_TITLE = lazy_gettext("CO 253 by month of payment")
CHART_EMPTY = lazy_gettext("No CO 253 amounts.")
CSV_NAME = "co-253-by-month.csv"
BAD_ROWS_MESSAGE = lazy_gettext(
    "This download is broken or too old. Please check your 835 file again, "
    "then use the download button on the new results page."
)

# CLP02 claim status codes (X12 835), said for the front desk.
CLAIM_STATUS: Mapping[str, str] = {
    "1": lazy_gettext("Paid as primary"),
    "2": lazy_gettext("Paid as secondary"),
    "3": lazy_gettext("Paid as tertiary"),
    "4": lazy_gettext("Denied"),
    "19": lazy_gettext("Paid as primary, sent on to the next payer"),
    "20": lazy_gettext("Paid as secondary, sent on to the next payer"),
    "21": lazy_gettext("Paid as tertiary, sent on to the next payer"),
    "22": lazy_gettext("Reversal: takes back an earlier payment"),
    "23": lazy_gettext("Not this payer's claim, sent on"),
    "25": lazy_gettext("Estimate only, no payment"),
}


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One claim in a payment's table, with a link to its patient sheet."""

    claim_number: str | None
    patient: str | None
    status: str
    billed: Decimal | None
    paid: Decimal | None
    patient_owes: Decimal | None
    sequestration: Decimal
    sheet: str


@dataclass(frozen=True, slots=True)
class PaymentView:
    """One 835 payment: its summary and its claims."""

    number: int
    summary: RemittanceSummary
    claims: tuple[ClaimRow, ...]


@dataclass(frozen=True, slots=True)
class RemittanceView:
    """Everything the results page shows for the 835 payments in an explanation."""

    payments: tuple[PaymentView, ...]
    chart: Markup
    rows: tuple[tuple[str, Decimal], ...]
    rows_token: str
    sheets: tuple[PatientSheet, ...]
    words: Mapping[str, str]


def _status(claim: Claim) -> str:
    """The claim's status in words; a claim with every line denied reads 'Denied' too."""
    if is_denied(claim):
        return str(CLAIM_STATUS["4"])
    if claim.status in CLAIM_STATUS:
        return str(CLAIM_STATUS[claim.status])
    return gettext("Status %(code)s", code=claim.status) if claim.status else ""


def remittance_view(explanation: Explanation, codes: CodeIndex) -> RemittanceView | None:
    """The 835 part of the results page, or None when no paper is an 835."""
    eras = [
        (index, document)
        for index, document in enumerate(explanation.documents, start=1)
        if document.kind is DocumentKind.ERA835
    ]
    if not eras:
        return None
    lang = codes.lang
    payments = tuple(
        PaymentView(
            number=number,
            summary=summarize_remittance(document),
            claims=tuple(
                ClaimRow(
                    claim_number=claim.claim_number,
                    patient=claim.patient_name,
                    status=_status(claim),
                    billed=claim.billed,
                    paid=claim.paid,
                    patient_owes=claim.patient_owes,
                    sequestration=claim_sequestration(claim),
                    sheet=f"sheet-{index}-{position}",
                )
                for position, claim in enumerate(document.claims, start=1)
            ),
        )
        for number, (index, document) in enumerate(eras, start=1)
    )
    rows = tuple(sequestration_by_month(document for _, document in eras))
    token = sign([[month, format_money(amount)] for month, amount in rows], ROWS_SALT)
    return RemittanceView(
        payments=payments,
        # The engine escapes every text it puts in the SVG (explainer/present/chart.py).
        chart=Markup(sequestration_svg(rows, str(CHART_TITLE), empty_text=str(CHART_EMPTY))),
        rows=rows,
        rows_token=token,
        sheets=tuple(patient_sheets(eras, codes, lang)),
        words=sheet_words(lang),
    )


def _rows(data: object) -> list[tuple[str, Decimal]]:
    """The signed rows back as (month, amount); anything else is a plain 400."""
    if not isinstance(data, list) or len(data) > MAX_ROWS:
        raise BadInput("bad-form", BAD_ROWS_MESSAGE)
    rows = []
    for row in data:
        if not (isinstance(row, list) and len(row) == 2 and all(isinstance(v, str) for v in row)):
            raise BadInput("bad-form", BAD_ROWS_MESSAGE)
        month, amount = row
        if not MONTH.match(month):
            raise BadInput("bad-form", BAD_ROWS_MESSAGE)
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise BadInput("bad-form", BAD_ROWS_MESSAGE) from None
        if not value.is_finite():
            raise BadInput("bad-form", BAD_ROWS_MESSAGE)
        rows.append((month, value))
    return rows


@bp.after_request
def _no_store(response: Response) -> Response:
    """Figures from a practice's remittances: browsers and proxies must not keep them."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/sequestration.csv")
def sequestration_file() -> ResponseReturnValue:
    """CO 253 per month as a CSV file, from the rows the results page carried (signed)."""
    rows = _rows(unsign(request.form.get("rows"), ROWS_SALT, BAD_ROWS_MESSAGE))
    response = Response(sequestration_csv(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{CSV_NAME}"'
    return response
