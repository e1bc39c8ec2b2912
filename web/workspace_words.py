"""The workspace's words for the practice, and its claim-level CSV file.

The engine words findings for the person the papers belong to ("you may owe"); an 835 is
read by the front desk about many patients, so each rule gets a heading and a next step
said to the practice here, and the patient words stay on the patient sheets.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal

from flask_babel import gettext, lazy_gettext

from explainer.model import Claim
from explainer.values import format_money

from .remittance import CLAIM_STATUS
from .workspace_model import ClaimRow

PRACTICE_RULES: Mapping[str, tuple[str, str]] = {
    "qmb-billed": (
        lazy_gettext("QMB patients billed for Medicare cost sharing"),
        lazy_gettext(
            "Do not bill these patients for Medicare deductible, coinsurance or copays. "
            "Refund what they paid."
        ),
    ),
    "contractual-billed-to-patient": (
        lazy_gettext("CO amounts moved to the patient"),
        lazy_gettext("Amounts under group CO are the practice's. Do not bill them to patients."),
    ),
    "sequestration-amount-wrong": (
        lazy_gettext("CO 253 amounts that differ from the rate"),
        lazy_gettext("Compare the cut with the rate for the date of service, then ask the payer."),
    ),
    "sequestration-unexpected": (
        lazy_gettext("CO 253 where it is not expected"),
        lazy_gettext("Ask the payer why the cut was taken on this coverage or date."),
    ),
    "duplicate-charge": (
        lazy_gettext("The same service or claim more than once"),
        lazy_gettext("Check that each service is posted and billed only once."),
    ),
    "arithmetic-mismatch": (
        lazy_gettext("Claims or lines whose amounts do not add up"),
        lazy_gettext(
            "Charge should equal payment plus every adjustment. Check these against your "
            "billing system before posting."
        ),
    ),
    "payment-total-mismatch": (
        lazy_gettext("Payment totals that do not match their claims"),
        lazy_gettext("Reconcile the deposit with the claims and provider adjustments (PLB)."),
    ),
    "line-denied": (
        lazy_gettext("Denied lines"),
        lazy_gettext("Open each claim to see the reason, then correct and resubmit or appeal."),
    ),
    "limiting-charge-exceeded": (
        lazy_gettext("Charges above the limiting charge"),
        lazy_gettext(
            "A non-participating charge may not be more than 115 percent of the approved amount."
        ),
    ),
    "appeal-deadline": (
        lazy_gettext("Appeal deadlines"),
        lazy_gettext("Appeal before the last day shown on the remittance advice."),
    ),
    "unknown-code": (
        lazy_gettext("Codes we cannot explain"),
        lazy_gettext(
            "These codes are not in the official lists we have. Check them with the payer."
        ),
    ),
}

SHOW_NAMES: Mapping[str, str] = {
    "all": lazy_gettext("All claims"),
    "denied": lazy_gettext("Denied"),
    "reversed": lazy_gettext("Reversals"),
    "owes": lazy_gettext("Patient may owe more than $0"),
    "co253": lazy_gettext("Has CO 253"),
}


def rule_heading(rule: str, engine_title: str) -> str:
    """The practice's heading for a rule; the engine's title for a rule we have no words for."""
    words = PRACTICE_RULES.get(rule)
    return str(words[0]) if words else engine_title


def rule_step(rule: str) -> str:
    words = PRACTICE_RULES.get(rule)
    return str(words[1]) if words else ""


def status_words(row: ClaimRow) -> str:
    """The claim's status for the table; every line denied reads 'Denied' too."""
    if row.denied:
        return str(CLAIM_STATUS["4"])
    if row.status in CLAIM_STATUS:
        return str(CLAIM_STATUS[row.status])
    return gettext("Status %(code)s", code=row.status) if row.status else ""


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_NAME = "claims-by-line.csv"
ZERO = Decimal("0")


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _money(value: Decimal | None) -> str:
    return format_money(value) or ""


def claims_csv(rows: Iterable[tuple[ClaimRow, Claim]]) -> str:
    """One row per service line (and one for claim-level adjustments): initials only."""
    records: list[tuple[list[str], dict[str, Decimal], str]] = []
    columns: dict[str, None] = {}
    for row, claim in rows:
        head = [_text(row.initials), _text(row.claim_number)]
        if claim.adjustments:
            amounts: dict[str, Decimal] = {}
            for a in claim.adjustments:
                name = f"{a.group.value}-{a.reason}"
                amounts[name] = amounts.get(name, ZERO) + a.amount
                columns[name] = None
            start = claim.date_from.isoformat() if claim.date_from else ""
            fields = [*head, start, "claim", _money(claim.billed), "", _money(claim.paid)]
            records.append((fields, amounts, _money(claim.patient_owes)))
        for line in claim.lines:
            amounts = {}
            for a in line.adjustments:
                name = f"{a.group.value}-{a.reason}"
                amounts[name] = amounts.get(name, ZERO) + a.amount
                columns[name] = None
            day = line.date_of_service or claim.date_from
            fields = [
                *head,
                day.isoformat() if day else "",
                _text(line.procedure_code or ""),
                _money(line.billed),
                _money(line.allowed),
                _money(line.paid),
            ]
            records.append((fields, amounts, _money(line.patient_owes)))
    adjustment_columns = sorted(columns, key=lambda name: (name[:2], len(name), name))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "patient_initials", "claim", "date", "code", "billed", "allowed", "paid",
            *adjustment_columns, "patient_may_owe",
        ]
    )  # fmt: skip
    for fields, amounts, owes in records:
        writer.writerow(
            [*fields, *(_money(amounts.get(name)) for name in adjustment_columns), owes]
        )
    return buffer.getvalue()
