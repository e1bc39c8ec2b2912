"""Keep the terminal text readable for a batch of 50,000 claims (issue 14).

The command line explains a billing service's whole remittance; printing every finding and
every line of it (tens of megabytes) helps nobody. The text shows the first findings of each
kind and the first claims line by line, then says how many more there are and that `--json`
holds them all. Nothing is dropped from the Explanation itself: only its text is shortened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..content import Library
from ..model import Document, Finding

FINDINGS_PER_RULE = 10
"""Findings printed of each rule; a batch with 5,000 denied lines shows ten and a count."""

CLAIMS_LISTED = 200
"""Claims printed line by line, over all papers; a patient's papers never come near it."""


@dataclass(frozen=True, slots=True)
class Capped:
    """What the text prints, and how much it leaves to the JSON."""

    findings: tuple[Finding, ...]
    findings_left: tuple[tuple[Finding, int], ...]
    """(first finding of a rule, how many more of that rule were not printed)."""
    documents: tuple[Document, ...]
    claims_left: int
    lines_left: int


def capped(
    findings: Sequence[Finding],
    documents: Sequence[Document],
    per_rule: int = FINDINGS_PER_RULE,
    claims: int = CLAIMS_LISTED,
) -> Capped:
    """The findings and documents to print, in their order, within the caps."""
    shown: list[Finding] = []
    printed: Counter[str] = Counter()
    left: Counter[str] = Counter()
    firsts: dict[str, Finding] = {}
    for finding in findings:
        firsts.setdefault(finding.rule, finding)
        if printed[finding.rule] < per_rule:
            printed[finding.rule] += 1
            shown.append(finding)
        else:
            left[finding.rule] += 1
    kept: list[Document] = []
    budget = claims
    claims_left = lines_left = 0
    for document in documents:
        if len(document.claims) <= budget:
            kept.append(document)
            budget -= len(document.claims)
            continue
        dropped = document.claims[budget:]
        claims_left += len(dropped)
        lines_left += sum(len(claim.lines) for claim in dropped)
        kept.append(replace(document, claims=document.claims[:budget]))
        budget = 0
    return Capped(
        findings=tuple(shown),
        findings_left=tuple((firsts[rule], count) for rule, count in left.items()),
        documents=tuple(kept),
        claims_left=claims_left,
        lines_left=lines_left,
    )


def more_findings(library: Library, lang: str, first: Finding, count: int) -> str:
    """'…and 4,990 more like “The same charge is listed 2 times”: --json lists them all.'"""
    text = library.messages["text_more_findings"]
    return (text.get(lang) or text["en"]).format(count=f"{count:,}", title=first.title)


def more_claims(library: Library, lang: str, claims: int, lines: int) -> str:
    """'…and 49,800 more claims (99,600 service lines): --json lists every line.'"""
    text = library.messages["text_more_claims"]
    return (text.get(lang) or text["en"]).format(claims=f"{claims:,}", lines=f"{lines:,}")
