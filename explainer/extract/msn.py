"""Medicare Summary Notice (CMS layout, Part A and Part B) → Document.

FACTS.md §4: page 1 is a dashboard with "Total You May Be Billed"; from page 3 the claims
stand in sections ("Your Claims for Part B (Medical Insurance)", "Your Unassigned Claims for
Part B", "Your Inpatient Claims for Part A", "Your Outpatient Claims for Part B"), one block
per provider: name and address, claim number, then a table (Part B: "Service Provided &
Billing Code", "Service Approved?", "Amount Provider Charged", "Medicare-Approved Amount",
"Amount Medicare Paid", "Maximum You May Be Billed", "See Notes Below"; Part A columns are
only partly verified, so they are read by header words like everything else), then the
lettered notes the "See Notes Below" column points to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ..model import Adjustment, Claim, Coverage, Document, DocumentKind, Format, Group, ServiceLine
from ..read.layout import Page, Row, document_rows
from ..values import MONEY_PATTERN, find_dates, money_from_match
from .sentences import stated_adjustments
from .table import (
    Field,
    Header,
    LineCounter,
    TableLine,
    approved,
    code_tokens,
    date_range,
    find_labelled,
    find_tables,
    procedure,
    read_legend,
)


@dataclass(frozen=True, slots=True)
class Section:
    """Which MSN claims section a table stands in."""

    part: str
    assigned: bool


# Unassigned first: "Your Unassigned Claims for Part B" also contains "Claims for Part B".
# The pre-2013 notice said "Part B Medical Insurance - Assigned Claims" / "- Unassigned Claims".
_SECTIONS = (
    (
        re.compile(
            r"your\s+unassigned\s+claims\s+for\s+part\s+b|part\s+b\s+medical\s+insurance\s*[-–—]"
            r"\s*unassigned",
            re.I,
        ),
        Section("B", False),
    ),
    (
        re.compile(
            r"your\s+(outpatient\s+)?claims\s+for\s+part\s+b|part\s+b\s+medical\s+insurance\s*[-–—]"
            r"\s*(assigned|outpatient)",
            re.I,
        ),
        Section("B", True),
    ),
    (
        re.compile(
            r"your\s+[\w\s]*claims\s+for\s+part\s+a|part\s+a\s+hospital\s+insurance\s*[-–—]", re.I
        ),
        Section("A", True),
    ),
)
_CLAIM_NUMBER = re.compile(r"claim\s*(number|no\.?|#)", re.I)
_NOTICE_DATE = re.compile(r"date\s+of\s+this\s+notice|notice\s+date|date\s+of\s+notice", re.I)
_TOTAL_BILLED = re.compile(r"total\s+you\s+may\s+be\s+billed", re.I)
_SERVICE_DATES = re.compile(
    r"dates?\s*(\(s\))?\s+of\s+service|service\s+dates?|dates?\s+(of\s+)?service\s+(received|provided)"
    r"|(date|dates)\s+of\s+visit",
    re.I,
)
_BENEFIT_DAYS = re.compile(r"benefit\s+days\s+used", re.I)
_FURNITURE = re.compile(
    r"page\s+\d+\s+of\s+\d+|this\s+is\s+not\s+a\s+bill|^notice\s+for\b|medicare\s+number"
    r"|^notes(\s+for\s+(this\s+)?claim)?:?\s*$|^definitions\b|^total\s+for\s+claim"
    r"|^\s*#?\s*[\dA-Z]*\d[\dA-Z-]{5,}\s*$",
    re.I,
)
_LABEL = re.compile(
    r"^(service\s+provided\s+by|referred\s+by|ordered\s+by|claim\s*(number|no\.?|#)|dates?\s*(\(s\))?"
    r"\s+of\s+service|service\s+dates?|benefit\s+days\s+used|claims?\s+received"
    r"|dates?\s+(of\s+)?service\s+(received|provided))\b",
    re.I,
)
_PHONE = re.compile(r",?\s*(\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}|1-800-[\w-]+)\s*,?")
_PART_A_COST = (
    (re.compile(r"deductible", re.I), "1"),
    (re.compile(r"coinsurance", re.I), "2"),
)
_SENTENCE_WORDS = 12


def extract_msn(pages: Sequence[Page], source: str, format: Format = Format.PDF) -> Document:
    """Read an MSN's dashboard, claims, lines and notes."""
    rows = document_rows(pages)
    first_page = [row for row in rows if row.page == rows[0].page] if rows else []
    tables = find_tables(rows, stop=_ends_claim_table)
    counter = LineCounter()
    warnings: list[str] = []
    claims: list[Claim] = []
    consumed: set[int] = set()
    headings = _Headings.of(rows)
    for number, (start, header, lines, end) in enumerate(tables):
        next_start = tables[number + 1][0] if number + 1 < len(tables) else len(rows)
        previous_end = tables[number - 1][3] if number else 0
        section_start, section = headings.before(start)
        preamble = [
            index
            for index in range(max(previous_end, section_start), start)
            if index not in consumed
        ]
        claim, claim_warnings = _claim(rows, preamble, header, lines, section, counter)
        notes, used = _notes(rows, claim, end, min(next_start, headings.after(end)))
        consumed |= used
        claims.append(_with_notes(claim, notes))
        warnings.extend(claim_warnings)
    return Document(
        source=source,
        kind=DocumentKind.MSN,
        format=format,
        coverage=Coverage.ORIGINAL_MEDICARE,
        payer="Medicare",
        notice_date=_notice_date(first_page),
        claims=tuple(claims),
        warnings=tuple(warnings),
        total_you_may_be_billed=_total_you_may_be_billed(first_page),
    )


# ---------------------------------------------------------------- page 1


def _notice_date(rows: Sequence[Row]) -> date | None:
    """'Date of This Notice' (beside or under the label), else a lone date near the top."""
    found = find_labelled(rows, _NOTICE_DATE)
    if found:
        dates = find_dates(found[0])
        if dates:
            return dates[0][0]
    for row in rows[:15]:
        if re.search(r"between|through|processed|\s[-–]\s", row.text, re.I):
            continue
        dates = find_dates(row.text)
        if len(dates) == 1:
            return dates[0][0]
    return None


def _total_you_may_be_billed(rows: Sequence[Row]) -> Decimal | None:
    """The dashboard's 'Total You May Be Billed' amount."""
    found = find_labelled(rows, _TOTAL_BILLED)
    match = MONEY_PATTERN.search(found[0]) if found else None
    return money_from_match(match) if match else None


# ---------------------------------------------------------------- sections


def _section_of(row: Row) -> Section | None:
    for pattern, section in _SECTIONS:
        if pattern.search(row.text):
            return section
    return None


@dataclass(frozen=True, slots=True)
class _Headings:
    """Where each claims section's heading stands, found once."""

    at: tuple[tuple[int, Section], ...]
    end: int

    @classmethod
    def of(cls, rows: Sequence[Row]) -> _Headings:
        found = tuple(
            (index, section) for index, row in enumerate(rows) if (section := _section_of(row))
        )
        return cls(found, len(rows))

    def before(self, index: int) -> tuple[int, Section | None]:
        """The row after the last heading above rows[index] (0 if none), and its section."""
        above = [(at, section) for at, section in self.at if at < index]
        return (above[-1][0] + 1, above[-1][1]) if above else (0, None)

    def after(self, index: int) -> int:
        """The next heading at or below rows[index] (the end if none)."""
        return next((at for at, _ in self.at if at >= index), self.end)


def _ends_claim_table(row: Row) -> bool:
    """A new section or the next claim's number ends a claim's table."""
    return _section_of(row) is not None or bool(_CLAIM_NUMBER.search(row.text))


# ---------------------------------------------------------------- claims


def _claim(
    rows: Sequence[Row],
    preamble: list[int],
    header: Header,
    lines: Sequence[TableLine],
    section: Section | None,
    counter: LineCounter,
) -> tuple[Claim, list[str]]:
    """One claim block: its preamble (provider, number, dates) and its table's lines."""
    block = [rows[index] for index in preamble]
    number = find_labelled(block, _CLAIM_NUMBER)
    provider, address, claim_date = _provider(block)
    dates = find_labelled(block, _SERVICE_DATES)
    first, last = date_range(dates[0]) if dates else (claim_date, None)
    days = find_labelled(block, _BENEFIT_DAYS)
    context = _Context(first, last, _days(days[0]) if days else None)
    service_lines, totals, warnings = _lines(lines, context, counter)
    claim = Claim(
        claim_number=number[0].split()[0] if number else None,
        provider=provider,
        lines=tuple(service_lines),
        assigned=section.assigned if section else None,
        billed=totals.money(Field.BILLED) if totals else None,
        paid=totals.money(Field.PAID) if totals else None,
        patient_owes=totals.money(Field.OWES) if totals else None,
        where=_where(block, header),
        provider_address=address,
        date_from=first,
        date_through=last,
    )
    return claim, warnings


@dataclass(frozen=True, slots=True)
class _Context:
    """What the claim block says for all its lines: dates of service, benefit days."""

    first: date | None
    last: date | None
    days: Decimal | None


def _lines(
    lines: Sequence[TableLine], context: _Context, counter: LineCounter
) -> tuple[list[ServiceLine], TableLine | None, list[str]]:
    """Service lines of one claim, its printed total row, and warnings for unreadable lines."""
    service_lines: list[ServiceLine] = []
    totals: TableLine | None = None
    warnings: list[str] = []
    for line in lines:
        if line.total:
            totals = line
            continue
        if service_lines and _part_a_cost(line, service_lines):
            continue
        if line.unreadable():
            warnings.append(
                f"We could not read the amounts on one line on page {line.page}: “{line.text}”."
            )
        service_lines.append(_service_line(line, context, counter, low_confidence=line.uncertain))
    return service_lines, totals, warnings


def _service_line(
    line: TableLine, context: _Context, counter: LineCounter, low_confidence: bool
) -> ServiceLine:
    service = line.get(Field.SERVICE)
    code, modifiers = procedure(service, line.get(Field.CODE))
    first, last = (
        date_range(line.get(Field.DATE)) if line.get(Field.DATE) else (context.first, context.last)
    )
    days = _days(line.get(Field.BENEFIT_DAYS, Field.UNITS)) or context.days
    return ServiceLine(
        date_of_service=first,
        procedure_code=code,
        modifiers=modifiers,
        description=service or None,
        billed=line.money(Field.BILLED),
        allowed=line.money(Field.ALLOWED),
        paid=line.money(Field.PAID),
        patient_owes=line.money(Field.OWES),
        remarks=code_tokens(line.get(Field.NOTES)),
        denied=approved(line.get(Field.APPROVED)),
        date_through=last,
        units=days,
        where=counter.where(line.page),
        low_confidence=low_confidence,
        not_covered=line.money(Field.NOT_COVERED),
    )


def _part_a_cost(line: TableLine, service_lines: list[ServiceLine]) -> bool:
    """A Part A 'deductible' or 'coinsurance' row under a stay: PR-1 / PR-2 on that stay.

    Such a row names the patient's share of the line above it and is not a service.
    """
    service = line.get(Field.SERVICE)
    if line.money(Field.BILLED) is not None or line.money(Field.PAID) is not None:
        return False
    amount = line.money(Field.OWES) or line.money(Field.AMOUNT) or line.money(Field.DEDUCTIBLE)
    for pattern, reason in _PART_A_COST:
        if pattern.search(service) and amount is not None:
            stay = service_lines[-1]
            extra = Adjustment(Group.PR, reason, amount)
            service_lines[-1] = replace(stay, adjustments=(*stay.adjustments, extra))
            return True
    return False


def _days(text: str) -> Decimal | None:
    """'3 days' / '3' → 3."""
    match = re.search(r"\d+", text)
    return Decimal(match.group()) if match else None


def _where(block: Sequence[Row], header: Header) -> str:
    """The page a claim block starts on: its number's row, else its table's header."""
    numbered = [row for row in block if _CLAIM_NUMBER.search(row.text)]
    return f"page {(numbered[0] if numbered else header.rows[0]).page}"


# ---------------------------------------------------------------- provider


def _provider(block: Sequence[Row]) -> tuple[str | None, str | None, date | None]:
    """The provider's name, address and the claim's date from the rows above the table.

    The name is the first row of the last run of plain rows (not labels, page furniture or
    sentences of explanation); the rows after it in that run are the address. CMS prints the
    date of service before the provider's name on the same row ("Jan 9, 2013  Grandview…").
    """
    run: list[Row] = []
    for row in block:
        if _LABEL.search(row.text) or _FURNITURE.search(row.text):
            continue
        if _is_sentence(row) or _section_of(row):
            run = []
            continue
        run.append(row)
    if not run:
        return None, None, None
    claim_date = None
    names: list[str] = []
    for row in run:
        text = row.text
        dates = find_dates(text)
        if dates and dates[0][1].start() == 0:
            claim_date = claim_date or dates[0][0]
            text = text[dates[0][1].end() :]
        text = _PHONE.sub(" ", text).strip(" ,;-–")
        if text:
            names.append(text)
    if not names:
        return None, None, claim_date
    # "Grandview Medical Group, 123 Main Street, Anytown": the address starts at the number.
    parts = re.split(r",\s*(?=\d)", names[0], maxsplit=1)
    if len(parts) == 2 and parts[0].strip():
        names[0:1] = [parts[0].strip(" ,"), parts[1]]
    address = ", ".join(names[1:3]) or None
    return names[0], address, claim_date


def _is_sentence(row: Row) -> bool:
    """Explanation text, not a name or address: a full sentence, or many words and no numbers."""
    words = row.text.split()
    if len(words) >= 5 and row.text.rstrip().endswith((".", ":")):
        return True
    return len(words) >= _SENTENCE_WORDS and not re.search(r"\d", row.text)


# ---------------------------------------------------------------- notes


def _notes(
    rows: Sequence[Row], claim: Claim, start: int, end: int
) -> tuple[dict[str, str], set[int]]:
    """The notes printed under a claim for the letters its lines point to."""
    letters: list[str] = []
    for line in claim.lines:
        letters.extend(code for code in line.remarks if code not in letters)
    if not letters:
        return {}, set()
    return read_legend(rows, letters, start=start, end=end)


def _with_notes(claim: Claim, notes: dict[str, str]) -> Claim:
    if not notes:
        return claim
    return _note_adjustments(replace(claim, notes=tuple(notes.items())), notes)


def _note_adjustments(claim: Claim, notes: dict[str, str]) -> Claim:
    """Adjustments a line's notes state in words ("$128.11 of this approved amount has been
    applied toward your deductible" → PR 1 on that line; a sequestration reduction → CO 253
    on the claim)."""
    lines = list(claim.lines)
    claim_level = list(claim.adjustments)
    for position, line in enumerate(lines):
        added = list(line.adjustments)
        for letter in line.remarks:
            for stated in stated_adjustments(notes.get(letter, "")):
                adjustment = stated.adjustment
                if adjustment.group is Group.PR:
                    fits = line.allowed is None or adjustment.amount <= line.allowed
                    if fits and adjustment not in added:
                        added.append(adjustment)
                elif adjustment not in claim_level:
                    claim_level.append(adjustment)
        lines[position] = replace(line, adjustments=tuple(added))
    return replace(claim, lines=tuple(lines), adjustments=tuple(claim_level))
