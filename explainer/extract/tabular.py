"""Tables given as cells — pasted from a portal, or a CSV/XLSX export — mapped by header words.

A header row is found by the same column vocabulary as PDF tables (table.field_for): it must
name enough known columns, some of them amounts. Data rows are read cell by cell under their
header; where a pasted row lost empty cells (columns lined up by spaces), each cell goes to
the header column it stands under. Rows of a provider's statement become ledger rows
(ledger_row.row_from_cells); rows of a notice or claims export become service lines here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..model import Adjustment, Group, ServiceLine
from .ledger_row import service_code
from .table import (
    MIN_FIELDS,
    MIN_MONEY_FIELDS,
    MONEY_FIELDS,
    Field,
    adjustments_with_amounts,
    approved,
    cell_money,
    code_tokens,
    date_range,
    field_for,
    procedure,
)

_PASTED_SPLIT = re.compile(r"\t| {2,}|\s*\|\s*")
_CLAIM_LABEL = re.compile(r"^\s*claim\s*(number|no\.?|#|id)?\s*$", re.I)
_PROVIDER_LABEL = re.compile(
    r"^\s*(provider|doctor|physician|facility|rendering provider|billing provider)(\s+name)?\s*$",
    re.I,
)
# Statement exports' bookkeeping words the PDF tables' vocabulary does not hold: the debit
# column is where charges stand ("Credit" is already a payments column there).
_LEDGER_LABELS = {
    "debit": Field.BILLED,
    "debits": Field.BILLED,
    "charges/debits": Field.BILLED,
    "debit amount": Field.BILLED,
    "dr": Field.BILLED,
    "cr": Field.PAYMENTS,
}
_TOTAL = re.compile(r"^\s*(claim |grand |sub ?|account )?totals?\b", re.I)
_PR_COLUMNS = ((Field.DEDUCTIBLE, "1"), (Field.COINSURANCE, "2"), (Field.COPAY, "3"))
NOTICE_FIELDS = frozenset({Field.ALLOWED, Field.DEDUCTIBLE, Field.COINSURANCE, Field.NOT_COVERED})
LEDGER_FIELDS = frozenset({Field.BALANCE, Field.PAYMENTS, Field.ADJUSTMENTS})


@dataclass(frozen=True, slots=True)
class TableHeader:
    """A header row: what each column holds, and where each label starts on a pasted line."""

    fields: tuple[Field, ...]
    labels: tuple[str, ...]
    starts: tuple[int, ...] = ()
    claim_column: int | None = None
    provider_column: int | None = None

    @property
    def looks_like_ledger(self) -> bool:
        """A statement's columns (balance, payments, adjustments) and none of a notice's."""
        names = set(self.fields)
        return bool(names & LEDGER_FIELDS) and not names & NOTICE_FIELDS


def split_pasted(line: str) -> list[str]:
    """A pasted row's cells: split at tabs, '|', or two or more spaces."""
    return [cell.strip() for cell in _PASTED_SPLIT.split(line.strip())]


def header_of(cells: Sequence[str], line: str | None = None) -> TableHeader | None:
    """The header these cells spell, if they name enough known columns (as for PDF tables)."""
    if len(cells) < MIN_FIELDS or any(cell_money(cell) is not None for cell in cells if cell):
        return None
    fields: list[Field] = []
    claim = provider = None
    for index, label in enumerate(cells):
        if _CLAIM_LABEL.match(label):
            claim = index
        elif _PROVIDER_LABEL.match(label):
            provider = index
        fields.append(_LEDGER_LABELS.get(label.strip().lower()) or field_for(label) or Field.OTHER)
    known = set(fields) - {Field.OTHER}
    if len(known) < MIN_FIELDS or len(known & MONEY_FIELDS) < MIN_MONEY_FIELDS:
        return None
    return TableHeader(tuple(fields), tuple(cells), _starts(line, cells), claim, provider)


def _starts(line: str | None, cells: Sequence[str]) -> tuple[int, ...]:
    """Where each label starts on a pasted header line (for rows that lost empty cells)."""
    if line is None:
        return ()
    starts, position = [], 0
    for cell in cells:
        found = line.find(cell, position) if cell else position
        if found < 0:
            return ()
        starts.append(found)
        position = found + len(cell)
    return tuple(starts)


def cells_under(
    header: TableHeader, cells: Sequence[str], line: str | None = None
) -> dict[Field, str] | None:
    """A data row's text under each column; None when its cells cannot be placed."""
    placed: list[tuple[int, str]]
    if len(cells) == len(header.fields):
        placed = list(enumerate(cells))
    elif (
        line is not None
        and header.starts
        and len(cells) < len(header.fields)
        and not ("\t" in line or "|" in line)
    ):
        placed = _by_position(header, cells, line)  # lined up by spaces: empty cells lost
    elif len(cells) < len(header.fields):
        placed = list(enumerate(cells))  # a row ending early (CSV, tabs): the rest is blank
    else:
        return None
    found: dict[Field, str] = {}
    for index, text in placed:
        name = header.fields[index]
        if text:
            found[name] = f"{found[name]} {text}".strip() if name in found else text
    return found


def _by_position(header: TableHeader, cells: Sequence[str], line: str) -> list[tuple[int, str]]:
    """Each cell under the header label nearest its own position on the line (amounts are
    right-aligned under their label, text left-aligned)."""
    placed, position = [], 0
    for cell in cells:
        start = line.find(cell, position)
        position = start + len(cell)
        end = position
        money = cell_money(cell) is not None
        anchors = [
            (abs((end if money else start) - _label_edge(header, k, money)), k)
            for k in range(len(header.fields))
        ]
        placed.append((min(anchors)[1], cell))
    return placed


def _label_edge(header: TableHeader, index: int, right: bool) -> int:
    start = header.starts[index]
    return start + len(header.labels[index]) if right else start


def is_total(cells: Mapping[Field, str]) -> bool:
    """'Total', 'Totals', 'Claim total' in the row's first text column."""
    for name in (Field.SERVICE, Field.DATE, Field.CODE, Field.OTHER, Field.POSTED, Field.NOTES):
        text = cells.get(name, "").strip()
        if text:
            return bool(_TOTAL.match(text)) and procedure(text)[0] is None
    return False


def notice_line(cells: Mapping[Field, str], where: str) -> ServiceLine | None:
    """A notice's or claims export's row as a service line; None for a row with no service."""
    service = cells.get(Field.SERVICE, "")
    code, modifiers = service_code(service, cells.get(Field.CODE, ""))
    first, last = date_range(cells.get(Field.DATE, ""))
    if code is None and first is None and not service:
        return None

    def money(name: Field) -> Decimal | None:
        return cell_money(cells.get(name, ""))

    notes = cells.get(Field.NOTES, "")
    adjustments: list[Adjustment] = [
        Adjustment(Group.PR, reason, abs(amount))
        for column, reason in _PR_COLUMNS
        if (amount := money(column))
    ]
    adjustments += [
        a
        for a in adjustments_with_amounts(notes.upper())
        if not any(b.group == a.group and b.reason == a.reason for b in adjustments)
    ]
    owes = money(Field.OWES)
    if owes is None and any(cells.get(column) for column, _ in _PR_COLUMNS):
        owes = sum((a.amount for a in adjustments if a.group is Group.PR), Decimal("0"))
    paid = money(Field.PAID)
    return ServiceLine(
        date_of_service=first,
        date_through=last,
        procedure_code=code,
        modifiers=modifiers,
        description=service or None,
        billed=money(Field.BILLED),
        allowed=money(Field.ALLOWED),
        paid=paid if paid is not None else money(Field.PAYMENTS),
        patient_owes=owes,
        adjustments=tuple(adjustments),
        remarks=tuple(t for t in code_tokens(notes) if not re.match(r"(CO|PR|OA|PI|CR)-", t)),
        denied=approved(cells.get(Field.APPROVED, "")),
        where=where,
        not_covered=money(Field.NOT_COVERED),
    )


def label_row(cells: list[str]) -> bool:
    """Words only, in three or more cells: perhaps the top line of a wrapped header."""
    filled = [cell for cell in cells if cell]
    return len(filled) >= 3 and not any(re.search(r"\d", cell) for cell in filled)


def two_row_header(above: list[str] | None, cells: list[str]) -> TableHeader | None:
    """A header wrapped over two rows ('Amount / Charged', 'Adjust- / ments'), cell by cell,
    when it names more columns than the lower row alone."""
    if above is None or len(above) != len(cells):
        return None
    joined = [
        f"{top[:-1]}{low}" if top.endswith("-") else f"{top} {low}".strip()
        for top, low in zip(above, cells, strict=True)
    ]
    both, alone = header_of(joined), header_of(cells)
    if both is None:
        return None
    known = len(set(both.fields) - {Field.OTHER})
    if alone is not None and known <= len(set(alone.fields) - {Field.OTHER}):
        return None
    return both


def pasted_cells(line: str) -> list[str] | None:
    """A line's cells when it may be a row of a pasted table (tabs, '|' or wide gaps)."""
    if "\t" in line or "|" in line or "  " in line.strip():
        return split_pasted(line)
    return None
