"""What the user's answers change that no paper shows: full Medicaid is not QMB (PRODUCT.md)."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Finding
from .base import Bundle, make_finding


def check_medicaid_answer(bundle: Bundle) -> Iterator[Finding]:
    """medicaid-depends-on-state: full Medicaid without QMB protects by state rules only.

    FACTS.md §5 "Other dual eligibles": whether a non-QMB dual may be billed Medicare cost
    sharing depends on state Medicaid rules, so we say so and take nothing off the bottom line.
    """
    if bundle.answers.medicaid and not bundle.answers.qmb:
        yield make_finding(bundle, "medicaid-depends-on-state")
