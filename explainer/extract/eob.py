"""An insurer's Explanation of Benefits, any layout → Document (kind EOB).

Every plan prints its own EOB, so columns are found by their header words (table.py) and
claim details by their labels ("Claim number", "Provider", "Statement date"). A plan's own
remark codes (letters or numbers) are kept as printed, with the legend text printed for
them; group/reason codes such as CO-45 or PR-3 become adjustments when an amount goes with
them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ..model import Adjustment, Claim, Coverage, Document, DocumentKind, Format, Group, ServiceLine
from ..read.layout import Page, Row, document_rows
from ..values import find_dates
from .selfcheck import self_check, split_by_headings, with_stated_adjustments
from .sentences import stated_adjustments, states_sequestration
from .table import (
    Field,
    LineCounter,
    TableLine,
    adjustments_with_amounts,
    code_tokens,
    coded_adjustments,
    date_range,
    find_labelled,
    find_tables,
    leading_dates,
    procedure,
    read_legend,
)

_CLAIM_NUMBER = re.compile(r"\bclaim\s*(number|no\.?|#|id)(?!\w)", re.I)
_PROVIDER = re.compile(
    r"\b(rendering\s+|billing\s+|service\s+)?(provider|doctor|physician|facility)(\s+name)?\s*:|\bpaid\s+to\s*:"
    r"|^provider(\s+name)?$",
    re.I,
)
_PATIENT = re.compile(r"\bpatient(\s+name)?\s*:|^patient(\s+name)?$", re.I)
_MEMBER = re.compile(r"\bmember(\s+name)?\s*:|^member(\s+name)?$", re.I)
_NOTICE_DATE = re.compile(
    r"statement\s+date|date\s+processed|processed\s+(on|date)|date\s+of\s+(this\s+)?(notice|statement)"
    r"|notice\s+date|issue\s+date|date\s+issued|print(ed)?\s+date|date\s+printed",
    re.I,
)
_PAYER_LABEL = re.compile(
    r"\b(plan\s+name|health\s+plan|insurer|insurance\s+company|payer|carrier)\s*:", re.I
)
_TITLE = re.compile(
    r"explanation\s+of\s+benefits|this\s+is\s+not\s+a\s+bill|\bpage\s+\d|\beob\b", re.I
)
# FACTS.md §5: Medicare Advantage plans are named in many ways; any of these says MA.
_ADVANTAGE = re.compile(
    r"medicare\s+advantage|\bMA-?PD\b|\bMAPD\b|medicare\s+(hmo|ppo|pffs|plus|gold|complete|choice|select|value"
    r"|premier|assure|dual|snp)|\b(d-?snp|c-?snp)\b|gold\s+plus|(hmo|ppo)\s*(-|\s)?\s*medicare",
    re.I,
)
_MEDICAID = re.compile(r"\bmedicaid\b|\bmedi-cal\b", re.I)
_PR_COLUMNS = ((Field.DEDUCTIBLE, "1"), (Field.COINSURANCE, "2"), (Field.COPAY, "3"))


def extract_eob(pages: Sequence[Page], source: str, format: Format = Format.PDF) -> Document:
    """Read an EOB: payer, coverage, notice date, claims with lines, codes and legend."""
    rows = document_rows(pages)
    text = " ".join(row.text for row in rows)
    tables = find_tables(rows, stop=_starts_claim)
    counter = LineCounter()
    warnings: list[str] = []
    claims: list[Claim] = []
    in_tables: set[int] = set()
    blocks: list[tuple[int, int]] = []
    grand_totals: list[TableLine] = []
    for number, (start, _, lines, end) in enumerate(tables):
        previous_end = tables[number - 1][3] if number else 0
        grand_totals.extend(line for line in lines if line.grand_total)
        for position, group in enumerate(split_by_headings(lines)):
            preamble = rows[previous_end:start] if position == 0 else []
            claim, claim_warnings = _claim(preamble, group, counter)
            claims.append(claim)
            blocks.append((start, end))
            warnings.extend(claim_warnings)
        in_tables.update(range(start, end))
    claims = _with_legend(rows, claims, in_tables)
    claims = _with_stated(rows, claims, blocks, in_tables)
    claims, check_warnings = self_check(claims, grand_totals)
    warnings.extend(check_warnings)
    coverage = coverage_of(text)
    if coverage is Coverage.COMMERCIAL and states_sequestration(text):
        # Only Medicare money is sequestered (FACTS.md §1.5): a plan that says so is paying
        # Medicare-related claims, so "commercial" would be our guess, not the paper's word.
        coverage = Coverage.UNKNOWN
    return Document(
        source=source,
        kind=DocumentKind.EOB,
        format=format,
        coverage=coverage,
        payer=_payer(rows),
        notice_date=_notice_date(rows),
        claims=tuple(claims),
        warnings=tuple(warnings),
    )


def coverage_of(text: str) -> Coverage:
    """Medicare Advantage when the paper says so, Medicaid when it says so, else commercial."""
    if _ADVANTAGE.search(text):
        return Coverage.MEDICARE_ADVANTAGE
    if _MEDICAID.search(text):
        return Coverage.MEDICAID
    return Coverage.COMMERCIAL


def _starts_claim(row: Row) -> bool:
    """A 'Claim number' label ends the table before it (the next claim starts)."""
    return bool(_CLAIM_NUMBER.search(row.text))


# ---------------------------------------------------------------- document details


def _notice_date(rows: Sequence[Row]) -> date | None:
    found = find_labelled(rows, _NOTICE_DATE)
    if found:
        dates = find_dates(found[0])
        if dates:
            return dates[0][0]
    return None


def _payer(rows: Sequence[Row]) -> str | None:
    """The plan's name: labelled, else the largest print at the top of page 1."""
    found = find_labelled(rows, _PAYER_LABEL)
    if found:
        return found[0]
    if not rows:
        return None
    top = [row for row in rows[:8] if row.page == rows[0].page and not _TITLE.search(row.text)]
    candidates = [row for row in top if not find_dates(row.text) and ":" not in row.text]
    if not candidates:
        return None
    biggest = max(candidates, key=lambda row: row.height)
    return biggest.cells[0].text


# ---------------------------------------------------------------- claims


@dataclass(frozen=True, slots=True)
class _Labels:
    """What a claim's preamble says about it."""

    claim_number: str | None
    provider: str | None
    patient: str | None
    received: date | None = None
    served: tuple[date | None, date | None] = (None, None)
    """The claim's dates of service printed above its table, for lines that print none."""


_SERVICE_DATE = re.compile(
    r"\b(dates?\s*(\(s\))?\s*of\s*service|service\s*dates?|date\s*of\s*visit|visit\s*date)\b", re.I
)


def _labels(block: Sequence[Row]) -> _Labels:
    number = find_labelled(block, _CLAIM_NUMBER)
    provider = find_labelled(block, _PROVIDER)
    patient = find_labelled(block, _PATIENT) or find_labelled(block, _MEMBER)
    served = find_labelled(block, _SERVICE_DATE)
    return _Labels(
        number[0].split()[0].strip("()#.,:;") if number else None,
        provider[0] if provider else None,
        patient[0] if patient else None,
        served=date_range(served[0]) if served else (None, None),
    )


def _claim(
    block: Sequence[Row], lines: Sequence[TableLine], counter: LineCounter
) -> tuple[Claim, list[str]]:
    """One claim: the labels above its table, and the table's lines and total row."""
    labels = _labels(block)
    if lines and lines[0].headings:
        labels = _heading_labels(lines[0].headings, labels)
    service_lines: list[ServiceLine] = []
    totals: TableLine | None = None
    warnings: list[str] = []
    stated: list[Adjustment] = []
    for line in lines:
        for note in line.notes:
            stated.extend(
                found.adjustment
                for found in stated_adjustments(note.text)
                if found.adjustment not in stated
            )
        if line.grand_total:
            continue
        if line.total:
            totals = line
            continue
        if line.unreadable():
            warnings.append(
                f"We could not read the amounts on one line on page {line.page}: “{line.text}”."
            )
        service_lines.append(_service_line(line, counter, labels.served))
    claim = Claim(
        claim_number=labels.claim_number,
        provider=labels.provider,
        lines=tuple(service_lines),
        billed=totals.money(Field.BILLED) if totals else None,
        paid=_paid(totals) if totals else None,
        patient_owes=totals.money(Field.OWES) if totals else None,
        patient_name=labels.patient,
        where=f"page {lines[0].page}" if lines else "",
        date_received=labels.received,
        adjustments=tuple(stated),
    )
    return claim, warnings


_LONG_NUMBER = re.compile(r"\b(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{7,}\b")
_NAME = re.compile(r"\b([A-Z][A-Za-z'-]+,\s*[A-Z][A-Za-z'-]+(?:\s+[A-Z]\b\.?)?)")
_RECEIVED = re.compile(r"receipt\s*date|received(\s*on|\s*date)?|date\s*received", re.I)
_CLAIM_VALUE = re.compile(
    r"claim\s*(number|no\.?|#|id)\s*[:#.]?\s*(?P<value>[A-Z0-9][A-Z0-9-]{4,})", re.I
)
_PATIENT_VALUE = re.compile(
    r"\b(patient|member)(\s*name)?\s*:\s*(?P<value>[A-Za-z][A-Za-z ,.'-]*?)"
    r"(?=\s+[A-Za-z][A-Za-z ]{1,20}(id|#|number|no\.?|date)?\s*:|\s*$)",
    re.I,
)


def _heading_labels(headings: Sequence[Row], labels: _Labels) -> _Labels:
    """Claim number, patient and receipt date from a claim's group rows inside the table."""
    number, patient, received = labels.claim_number, labels.patient, labels.received
    for row in headings:
        text = row.text
        if _RECEIVED.search(text):
            after = text[_RECEIVED.search(text).end() :]  # type: ignore[union-attr]
            dates = find_dates(after)
            received = dates[0][0] if dates else received
        labelled = _CLAIM_VALUE.search(text)
        if labelled:
            number = labelled.group("value")
        elif number is None:
            found = [m for m in _LONG_NUMBER.finditer(text) if not find_dates(m.group())]
            number = found[0].group() if found else None
        named = _PATIENT_VALUE.search(text)
        name = named.group("value").strip(" ,") if named else None
        if name is None and not _RECEIVED.search(text):
            plain = _NAME.search(text)
            name = plain.group(1) if plain else None
        patient = name or patient
    return _Labels(number, labels.provider, patient, received, labels.served)


def _paid(line: TableLine) -> Decimal | None:
    paid = line.money(Field.PAID)
    return paid if paid is not None else line.money(Field.PAYMENTS)


def _service_line(
    line: TableLine,
    counter: LineCounter,
    served: tuple[date | None, date | None] = (None, None),
) -> ServiceLine:
    service = line.get(Field.SERVICE)
    code_cell = line.get(Field.CODE)
    dates = line.get(Field.DATE)
    if not dates and leading_dates(service):
        # Tight columns printed the dates and the code in one cell: "6/11/2024-6/11/2024 73562".
        dates, service = leading_dates(service), service[len(leading_dates(service)) :].strip()
    elif not dates and leading_dates(code_cell):
        # ...or the dates and the description, under the code's header.
        dates = leading_dates(code_cell)
        service = service or code_cell[len(dates) :].strip()
        code_cell = ""
    code, modifiers = procedure(service, code_cell)
    if code is None and leading_dates(dates):
        # The code printed in the dates' cell: "6/11/2024-6/11/2024 73562".
        code, modifiers = procedure(dates[len(leading_dates(dates)) :].strip())
    first, last = date_range(dates) if dates else served
    notes = line.get(Field.NOTES)
    adjustments = _adjustments(line, notes)
    return ServiceLine(
        date_of_service=first,
        procedure_code=code,
        modifiers=modifiers,
        description=service or None,
        billed=line.money(Field.BILLED),
        allowed=line.money(Field.ALLOWED),
        paid=_paid(line),
        patient_owes=_owes(line, adjustments),
        adjustments=tuple(adjustments),
        remarks=code_tokens(notes),
        denied=_nothing_allowed(line),
        date_through=last,
        units=_units(line.get(Field.UNITS)),
        where=counter.where(line.page),
        low_confidence=line.uncertain,
        not_covered=line.money(Field.NOT_COVERED) or line.money(Field.CONTRACTUAL),
    )


def _adjustments(line: TableLine, notes: str) -> list[Adjustment]:
    """PR amounts from the deductible/coinsurance/copay columns, and coded amounts.

    A group code printed without an amount ('CO-45') takes the 'not covered' amount when it
    is the only non-patient code on the line: that column is what such a code explains.
    """
    found: list[Adjustment] = []
    for column, reason in _PR_COLUMNS:
        amount = line.money(column)
        if amount:
            found.append(Adjustment(Group.PR, reason, amount))
    # A "contractual adjustment" column states no reason code (CO 45 is likely, not sure):
    # its amount stays the line's not-covered amount, never a guessed adjustment.
    contractual = line.money(Field.CONTRACTUAL)
    printed = adjustments_with_amounts(notes)
    found = [a for a in found if not any(_same(a, p) for p in printed)]
    found.extend(a for a in printed if not _duplicate(a, found))
    bare = [(group, reason) for group, reason, amount in coded_adjustments(notes) if amount is None]
    others = [(group, reason) for group, reason in bare if group is not Group.PR]
    not_covered = line.money(Field.NOT_COVERED)
    written_off = contractual if contractual else not_covered
    if len(others) == 1 and not printed and written_off:
        group, reason = others[0]
        found.append(Adjustment(group, reason, written_off))
    return found


def _same(a: Adjustment, b: Adjustment) -> bool:
    return a.group == b.group and a.reason == b.reason


def _duplicate(adjustment: Adjustment, found: Sequence[Adjustment]) -> bool:
    return any(a.group == adjustment.group and a.reason == adjustment.reason for a in found)


def _owes(line: TableLine, adjustments: Sequence[Adjustment]) -> Decimal | None:
    """'You owe' as printed; else the sum of the patient's shares the columns print."""
    owes = line.money(Field.OWES)
    if owes is not None:
        return owes
    share = line.money(Field.COST_SHARE)
    if share is not None:
        return share
    if any(line.cells.get(column) for column, _ in _PR_COLUMNS):
        return sum((a.amount for a in adjustments if a.group is Group.PR), Decimal("0"))
    return line.money(Field.BALANCE)


def _units(text: str) -> Decimal | None:
    match = re.search(r"\d+(\.\d+)?", text)
    return Decimal(match.group()) if match else None


# ---------------------------------------------------------------- legend


def _with_legend(rows: Sequence[Row], claims: list[Claim], in_tables: set[int]) -> list[Claim]:
    """Each claim gets the legend text of the codes its lines print (read outside tables)."""
    codes: list[str] = []
    for claim in claims:
        for line in claim.lines:
            codes.extend(code for code in line.remarks if code not in codes)
    if not codes:
        return claims
    legend, _ = read_legend(rows, codes, skip=in_tables)
    result = []
    for claim in claims:
        used = [code for line in claim.lines for code in line.remarks]
        notes = tuple((code, legend[code]) for code in dict.fromkeys(used) if code in legend)
        result.append(replace(claim, notes=notes) if notes else claim)
    return result


def _with_stated(
    rows: Sequence[Row],
    claims: list[Claim],
    blocks: Sequence[tuple[int, int]],
    in_tables: set[int],
) -> list[Claim]:
    """Adjustments stated in sentences outside the tables go to the claim they follow."""
    return with_stated_adjustments(rows, claims, [start for start, _ in blocks], in_tables)


def _nothing_allowed(line: TableLine) -> bool | None:
    """A line the plan allowed and paid nothing for, though it was billed: denied. (A line
    whose whole allowed amount went to the deductible still shows what was allowed.)"""
    billed, allowed, paid = line.money(Field.BILLED), line.money(Field.ALLOWED), _paid(line)
    if billed and billed > 0 and allowed == 0 and paid == 0:
        return True
    return None
