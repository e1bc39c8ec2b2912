"""Letters filled in from findings, as data: the HTML page, the PDF and the CLI render the same.

A provider letter gathers every bill problem found for one provider's bill; a redetermination
request gathers the denied lines of one Medicare Summary Notice (FACTS.md §6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .content import Library
from .model import Claim, Document, Explanation, Finding
from .values import display_date

ANSWER_DAYS = 30
"""The provider letter asks for an answer "within 30 days" (content/letters.toml request)."""

PROVIDER_RULES = (
    "contractual-billed-to-patient",
    "qmb-billed",
    "limiting-charge-exceeded",
    "bill-exceeds-notice",
    "duplicate-charge",
    "service-not-on-notice",
    "date-mismatch",
    "provider-mismatch",
)


@dataclass(frozen=True, slots=True)
class Letter:
    """One letter, ready to render; blanks are left for what the app cannot know."""

    kind: str
    """'provider' or 'redetermination'."""
    lang: str
    title: str
    recipient: tuple[str, ...]
    subject: str
    fields: tuple[tuple[str, str], ...]
    paragraphs: tuple[str, ...]
    requests: tuple[str, ...]
    closing: tuple[str, ...]
    enclosures: tuple[str, ...]
    enclosed_heading: str
    rules: tuple[str, ...]
    deadline: date | None = None
    answer_by: date | None = None
    """A provider letter asks for an answer within ANSWER_DAYS: the day that falls on."""

    def as_text(self) -> str:
        """The whole letter as plain text (what the user edits in the browser)."""
        parts: list[str] = [*self.recipient, "", self.subject.upper(), ""]
        parts += [f"{label}: {value}" for label, value in self.fields]
        if self.fields:
            parts.append("")
        for paragraph in self.paragraphs:
            parts += [paragraph, ""]
        for request in self.requests:
            parts.append(f"- {request}")
        if self.requests:
            parts.append("")
        parts += list(self.closing)
        parts += ["", self.enclosed_heading, *(f"- {item}" for item in self.enclosures)]
        return "\n".join(parts).strip() + "\n"


def _document(explanation: Explanation, source: str) -> Document | None:
    return next((d for d in explanation.documents if d.source == source), None)


def _provider_of(document: Document | None) -> str | None:
    if document is None:
        return None
    return next((claim.provider for claim in document.claims if claim.provider), None)


_FIRST_PERSON = {"Your": "My", "Su": "Mi", "your": "my", "su": "mi"}


def _first_person(text: str) -> str:
    """The patient signs the letter: 'Your Medicare Summary Notice' becomes 'My …'."""
    first, _, rest = text.partition(" ")
    return f"{_FIRST_PERSON[first]} {rest}" if first in _FIRST_PERSON and rest else text


def _rule_text(rule_texts: Mapping[str, Mapping[str, str]], finding: Finding) -> Mapping[str, str]:
    """The paragraph for a finding: its variant's ('--bill': a bill alone) where it has one."""
    variant = finding.fact("letter_variant")
    return rule_texts.get(f"{finding.rule}--{variant}") or rule_texts[finding.rule]


def _fill(template: str, finding: Finding) -> str:
    facts = dict(finding.facts)
    if "notice" in facts:
        facts["notice"] = _first_person(facts["notice"])
    return template.format_map(_Keep(facts))


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "____"


def provider_letters(explanation: Explanation, library: Library, lang: str) -> list[Letter]:
    """One letter per bill that has a problem a billing office can fix."""
    texts: Mapping[str, Any] = library.letters["provider"][lang]
    rule_texts: Mapping[str, Mapping[str, str]] = library.letters["provider"]["rule"]
    by_bill: dict[str, list[Finding]] = {}
    for finding in explanation.findings:
        if finding.rule not in PROVIDER_RULES:
            continue
        bill = next(
            (e.document for e in finding.evidence if _is_bill(explanation, e.document)), None
        )
        if bill is None and finding.rule == "qmb-billed":
            bill = next((d.source for d in explanation.documents if not d.is_notice), None)
        if bill is not None:
            by_bill.setdefault(bill, []).append(finding)
    letters = []
    # Date arithmetic lives here, not in a page: the CLI, the API and the pages agree (issue 15).
    answer_by = (explanation.answers.today or date.today()) + timedelta(days=ANSWER_DAYS)
    for source, findings in by_bill.items():
        provider = _provider_of(_document(explanation, source))
        notice = next((f.fact("notice") for f in findings if f.fact("notice") not in ("", "—")), "")
        notice = notice or _default_notice(library, lang)
        # A bill alone: the letter never says it was compared with a notice it does not have.
        compared = any(document.is_notice for document in explanation.documents)
        letters.append(
            Letter(
                kind="provider",
                lang=lang,
                title=texts["title"] + (f": {provider}" if provider else ""),
                recipient=(provider,) if provider else (),
                subject=texts["subject"],
                fields=(),
                paragraphs=(
                    texts["greeting"],
                    texts["intro" if compared else "intro_bill"].format(
                        notice=_lower_first(notice)
                    ),
                    *(_fill(_rule_text(rule_texts, f)[lang], f) for f in findings),
                ),
                requests=tuple(texts["request"]),
                closing=(
                    texts["closing"],
                    "",
                    texts["blank_name"],
                    texts["blank_account"],
                    texts["blank_phone"],
                    texts["blank_date"],
                ),
                enclosures=tuple(
                    e.format(notice=_lower_first(notice))
                    for e in texts["enclosures"]
                    if compared or "{notice}" not in e
                ),
                enclosed_heading=texts["enclosed"],
                rules=tuple(dict.fromkeys(f.rule for f in findings)),
                answer_by=answer_by,
            )
        )
    return letters


def _is_bill(explanation: Explanation, source: str) -> bool:
    document = _document(explanation, source)
    return document is not None and not document.is_notice


def _default_notice(library: Library, lang: str) -> str:
    return library.messages["document_notice"][lang]


def _lower_first(text: str) -> str:
    """Mid-sentence, 'Your Medicare Summary Notice' reads 'my Medicare Summary Notice'."""
    text = _first_person(text)
    first_word = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first_word in {"My", "The", "Mi", "La", "El"} else text


def _claim_of(document: Document, where: str) -> Claim | None:
    for claim in document.claims:
        if any(line.where == where for line in claim.lines):
            return claim
    return None


def redetermination_letters(explanation: Explanation, library: Library, lang: str) -> list[Letter]:
    """One redetermination request per Medicare notice with denied lines (FACTS.md §6)."""
    texts: Mapping[str, Any] = library.letters["redetermination"][lang]
    deadline = next((f for f in explanation.findings if f.rule == "appeal-deadline"), None)
    if deadline is None:
        return []  # no Medicare notice with a denied line: nothing to appeal
    by_notice: dict[str, list[Finding]] = {}
    for finding in explanation.findings:
        if finding.rule == "line-denied" and finding.evidence:
            document = _document(explanation, finding.evidence[0].document)
            if document is not None:
                by_notice.setdefault(document.source, []).append(finding)
    letters = []
    for source, findings in by_notice.items():
        document = _document(explanation, source)
        assert document is not None
        claims = [_claim_of(document, f.evidence[0].where) for f in findings]
        numbers = ", ".join(dict.fromkeys(c.claim_number for c in claims if c and c.claim_number))
        providers = ", ".join(dict.fromkeys(c.provider for c in claims if c and c.provider))
        services = "; ".join(f"{f.fact('service')} ({f.fact('reason')})" for f in findings)
        blank = texts["blank"]
        letters.append(
            Letter(
                kind="redetermination",
                lang=lang,
                title=texts["title"],
                recipient=(texts["to"],),
                subject=texts["subject"],
                fields=(
                    (texts["field_name"], blank),
                    (texts["field_number"], blank),
                    (texts["field_claim"], numbers or blank),
                    (texts["field_provider"], providers or blank),
                    (texts["field_notice_date"], _notice_date(document, lang) or blank),
                    (texts["field_services"], services),
                    (texts["field_why"], texts["why_blank"]),
                ),
                paragraphs=(
                    texts["intro"],
                    texts["deadline"].format(
                        deadline=deadline.fact("deadline_text"),
                        assumption=deadline.fact("assumption"),
                    ),
                    texts["form"],
                    texts["help"],
                ),
                requests=(),
                closing=(texts["closing"],),
                enclosures=tuple(texts["enclosures"]),
                enclosed_heading=texts["enclosed"],
                rules=("line-denied", "appeal-deadline"),
                deadline=deadline.deadline,
            )
        )
    return letters


def _notice_date(document: Document, lang: str) -> str:
    return display_date(document.notice_date, lang) if document.notice_date else ""


def with_reading_copies(
    english: Explanation, shown: Explanation, library: Library
) -> list[tuple[Letter, Letter | None]]:
    """Each letter in English to send, with its copy in `shown`'s language to read (None when
    that is English). Letters go to US billing offices and Medicare (issue 15); `english` is
    the same papers explained in English, so the letter quotes English findings."""
    lang = shown.answers.lang
    sent = letters_for(english, library, "en")
    if lang == "en":
        return [(letter, None) for letter in sent]
    copies = letters_for(shown, library, lang)
    if [letter.kind for letter in sent] != [letter.kind for letter in copies]:
        return [(letter, None) for letter in copies]  # never pair a letter with another's copy
    return list(zip(sent, copies, strict=True))


def letters_for(
    explanation: Explanation, library: Library, lang: str | None = None
) -> list[Letter]:
    """Every letter the findings call for, provider letters first."""
    lang = lang or explanation.answers.lang
    return [
        *provider_letters(explanation, library, lang),
        *redetermination_letters(explanation, library, lang),
    ]
