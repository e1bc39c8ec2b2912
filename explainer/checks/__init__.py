"""The checker: small pure functions `check(bundle) -> Iterator[Finding]`, one rule family per
module, run in order by the pipeline (STYLE.md: structlog-style processors)."""

from __future__ import annotations

from .answers import check_medicaid_answer
from .base import Bundle, Check
from .bill_alone import check_contractual_on_bill
from .billing import (
    check_bill_against_notice,
    check_dates,
    check_limiting_charge,
    check_providers,
    check_qmb_without_notice,
    check_services_on_notice,
)
from .denials import check_appeal_deadline, check_denials
from .duplicates import check_duplicate_claims, check_duplicate_lines, check_duplicates_denied
from .remittance import check_payment_total, check_remittance_balancing
from .sequestration import check_sequestration
from .statement import check_statement_balance
from .unknown_codes import check_unknown_codes

ALL_CHECKS: list[Check] = [
    check_bill_against_notice,
    check_qmb_without_notice,
    check_contractual_on_bill,
    check_limiting_charge,
    check_sequestration,
    check_duplicate_lines,
    check_duplicate_claims,
    check_duplicates_denied,
    check_dates,
    check_services_on_notice,
    check_providers,
    check_denials,
    check_statement_balance,
    check_remittance_balancing,
    check_payment_total,
    check_appeal_deadline,
    check_unknown_codes,
    check_medicaid_answer,
]

__all__ = ["ALL_CHECKS", "Bundle", "Check"]
