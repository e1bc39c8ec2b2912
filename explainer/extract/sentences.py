"""Adjustments stated in words on a paper ("A reduction in payment of $2.31 has been applied
due to sequestration", "$131.11 of this approved amount has been applied toward your
deductible"): read into group/reason/amount only where the meaning is unambiguous.

The sentence itself is kept as the evidence. Words may run together (some payers' PDFs carry
no spaces), so every gap between words is optional in the patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..model import Adjustment, Group
from ..values import parse_money

_AMOUNT = r"\$?\s*(?P<amount>\d{1,3}(?:,\d{3})*\.\d{2}|\d+\.\d{2})"


def _words(*words: str) -> str:
    """Words that may be printed with or without spaces between them."""
    return r"\s*".join(words)


# Each pattern: (group, reason, compiled). The amount is the one the sentence gives.
_PATTERNS: tuple[tuple[Group, str, re.Pattern[str]], ...] = (
    # FACTS.md §1: CO 253 is Medicare's sequestration cut; a payer stating a reduction "due
    # to sequestration" states that adjustment in words.
    (
        Group.CO,
        "253",
        re.compile(
            r"(reduc(tion|ed)|cut|decrease|adjust(ment|ed))\s*(in|of|to)?\s*(the\s*)?(medicare\s*)?"
            r"(payment|paid|amount)?\s*(of|by)?\s*" + _AMOUNT + r"[^.]{0,100}?sequest(er|ration)",
            re.IGNORECASE,
        ),
    ),
    (
        Group.CO,
        "253",
        re.compile(
            r"sequest(er|ration)[^.$]{0,60}?(reduc(tion|ed)|cut|decrease|adjust(ment|ed))"
            r"[^.$]{0,40}?(of|by)?\s*" + _AMOUNT,
            re.IGNORECASE,
        ),
    ),
    # FACTS.md §2: PR 1 is the deductible.
    (
        Group.PR,
        "1",
        re.compile(
            _AMOUNT + r"\s*(of\s*(this|the)\s*(medicare\s*)?(approved|allowed)?\s*amount\s*)?"
            r"(has\s*been|was|is|were)\s*(applied|credited|put|counted)\s*"
            r"(to|toward|towards)\s*(your\s*)?(yearly\s*|annual\s*|part\s*[ab]\s*|plan\s*)?deductible",
            re.IGNORECASE,
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class StatedAdjustment:
    """An adjustment a sentence states, and the sentence as printed."""

    adjustment: Adjustment
    sentence: str


def stated_adjustments(text: str) -> list[StatedAdjustment]:
    """Every adjustment that `text` states in words, in order."""
    found: list[tuple[int, StatedAdjustment]] = []
    taken: list[tuple[int, int]] = []
    for group, reason, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            span = match.span("amount")
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue
            amount = parse_money(match.group("amount"))
            if amount is None or amount <= 0:
                continue
            taken.append(span)
            found.append(
                (
                    match.start(),
                    StatedAdjustment(Adjustment(group, reason, amount), match.group(0).strip()),
                )
            )
    return [stated for _, stated in sorted(found, key=lambda item: item[0])]


def states_sequestration(text: str) -> bool:
    """Does the paper speak of sequestration at all (a Medicare-related payment)?"""
    return bool(re.search(r"sequest(er|ration)", text, re.IGNORECASE))


def total_of(stated: list[StatedAdjustment], group: Group, reason: str) -> Decimal:
    return sum(
        (
            s.adjustment.amount
            for s in stated
            if (s.adjustment.group, s.adjustment.reason) == (group, reason)
        ),
        Decimal("0"),
    )
