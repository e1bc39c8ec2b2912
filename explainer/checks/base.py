"""What every check receives (a Bundle) and how it words a Finding from content/findings/."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from ..codes import explain_procedure
from ..content import Library
from ..matching import Located, Matching, match_lines
from ..model import (
    Answers,
    Coverage,
    Document,
    Evidence,
    Finding,
    Group,
    ServiceLine,
    Severity,
)
from ..values import display_date, display_money

QMB_REMARKS = frozenset({"N781", "N782", "N783"})
"""Remit remarks saying no deductible/coinsurance/copay may be collected (FACTS.md §3)."""


@dataclass(frozen=True)
class Bundle:
    """The documents of one request, the user's answers, and the content library.

    Not slotted: `matching` is computed once, on first use, and shared by every check.
    """

    documents: tuple[Document, ...]
    answers: Answers
    library: Library
    today: date = field(default_factory=date.today)

    @property
    def lang(self) -> str:
        return self.answers.lang

    @property
    def notices(self) -> tuple[Document, ...]:
        return tuple(document for document in self.documents if document.is_notice)

    @property
    def bills(self) -> tuple[Document, ...]:
        return tuple(document for document in self.documents if not document.is_notice)

    @cached_property
    def matching(self) -> Matching:
        return match_lines(self.documents)

    def coverage_of(self, document: Document) -> Coverage:
        """What the paper itself says wins; the user's answer fills in where it says nothing."""
        if document.coverage is not Coverage.UNKNOWN:
            return document.coverage
        return self.answers.coverage or Coverage.UNKNOWN

    def is_original_medicare(self, document: Document) -> bool:
        return self.coverage_of(document) is Coverage.ORIGINAL_MEDICARE

    def is_qmb(self, located: Located) -> bool:
        """The user said QMB, or the remit says so with N781/N782/N783."""
        remarks = set(located.line.remarks) | set(located.claim.remarks)
        return self.answers.qmb or bool(remarks & QMB_REMARKS)


def may_owe(line: ServiceLine) -> Decimal | None:
    """What a notice line says the patient may owe: the printed figure, else its PR amounts."""
    if line.patient_owes is not None:
        return line.patient_owes
    if line.adjustments:
        return line.adjustment_total(group=Group.PR)
    return None


def evidence(located: Located, says: str) -> Evidence:
    """Evidence pointing at one line of one document."""
    return Evidence(document=located.document.source, where=located.line.where or "", says=says)


Check = Callable[[Bundle], Iterator[Finding]]


class _Blank(dict[str, Any]):
    """Leave an unknown {placeholder} visible rather than crash on a content typo."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _shown(fields: Mapping[str, Any]) -> _Blank:
    """Fields as people read them: Decimal money as '$1.60'."""
    return _Blank(
        {
            key: display_money(value) if isinstance(value, Decimal) else value
            for key, value in fields.items()
        }
    )


def _fill(template: str, fields: Mapping[str, Any]) -> str:
    return template.format_map(_shown(fields))


def text_part(bundle: Bundle, rule: str, part: str, **fields: Any) -> str:
    """A `part_*` sentence piece of a rule's texts, filled in (money prints as '$1.60')."""
    entry = bundle.library.findings[rule]
    texts = entry.get(bundle.lang) or entry["en"]
    return _fill(texts[f"part_{part}"], fields)


def _sentence(text: str) -> str:
    """A detail opens with a capital, also when its template opens with a {service} piece
    ('reclamación por …' in Spanish)."""
    return text[:1].upper() + text[1:]


def make_finding(
    bundle: Bundle,
    rule: str,
    *,
    amount: Decimal | None = None,
    evidence: tuple[Evidence, ...] = (),
    severity: Severity | None = None,
    deadline: date | None = None,
    codes: tuple[str, ...] = (),
    **fields: Any,
) -> Finding:
    """A Finding for `rule`, its words from content/findings/*.toml filled with `fields`.

    Decimal fields print as money ('$1.60'). `severity` overrides the rule's default
    (RULES.md lets line-denied rise to warning when the bill asks for the money).
    """
    entry = bundle.library.findings[rule]
    texts = entry.get(bundle.lang) or entry["en"]
    shown = _shown({"amount": amount, **fields})
    return Finding(
        rule=rule,
        severity=severity or Severity(entry["severity"]),
        title=texts["title"].format_map(shown),
        detail=_sentence(texts["detail"].format_map(shown)),
        amount=amount,
        evidence=evidence,
        next_steps=tuple(step.format_map(shown) for step in texts["next_steps"]),
        deadline=deadline,
        codes=codes,
        facts=tuple((key, str(value)) for key, value in shown.items() if value is not None),
    )


def describe_service(bundle: Bundle, line: ServiceLine) -> str:
    """'office visit (99214) on March 4, 2025': our own words, never the AMA descriptor."""
    name = ""
    if line.procedure_code:
        explained = explain_procedure(bundle.library, line.procedure_code, bundle.lang)
        category = (
            explained.title
            if explained.known
            else ("servicio" if bundle.lang == "es" else "service")
        )
        name = f"{category.lower()} ({line.procedure_code})"
    elif line.description:
        name = line.description
    else:
        name = "el servicio" if bundle.lang == "es" else "the service"
    joiner = "del" if bundle.lang == "es" else "on"
    if line.date_of_service is None:
        return name
    return f"{name} {joiner} {display_date(line.date_of_service, bundle.lang)}"


def document_name(bundle: Bundle, document: Document) -> str:
    """How a finding names a paper: 'Your Medicare notice', 'The remittance (835)'."""
    names = bundle.library.messages
    key = f"document_{document.kind.value}"
    return names[key][bundle.lang] if key in names else document.source
