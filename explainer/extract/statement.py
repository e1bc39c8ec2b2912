"""A provider's statement or ledger → Document (kind PROVIDER_BILL): what the bill asks for.

Two shapes are common: one row per service with its own paid / adjusted / "you owe"
columns, and a ledger where payments, adjustments and transfers follow their charge on
rows of their own, often with a running balance. Ledger rows are tied back to their
service, so each line's `patient_owes` is what the bill still asks for that service. The
insurer's codes printed on adjustment rows ("Medicare adj CO-253 Sequestration -1.60")
are kept as adjustments: they are the evidence the checks need (RULES.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from ..model import Adjustment, Claim, Document, DocumentKind, Format, ServiceLine, StatementTotals
from ..read.layout import Page, Row, document_rows
from ..values import MONEY_PATTERN, find_dates, money_from_match
from .table import (
    Field,
    LineCounter,
    TableLine,
    cell_money,
    coded_adjustments,
    find_labelled,
    find_tables,
    procedure,
)

CENT = Decimal("0.01")
ZERO = Decimal("0")
_TRANSFER = re.compile(r"\btransfer|\bxfer|\btrans(ferred)?\s+to\b|moved\s+to\s+patient", re.I)
_PATIENT_PAYMENT = re.compile(
    r"patient\s+pay|\bpt\s+pay|your\s+payment|thank\s+you|cash|credit\s+card|\bvisa\b|mastercard|copay\s+collected",
    re.I,
)
_PAYMENT = re.compile(r"\bpaid\b|payment|\bpmt\b|\bpymt|\bcheck\b|remit", re.I)
_ADJUSTMENT = re.compile(
    r"\badj|write[\s-]?off|\bw/o\b|contractual|discount|sequestration|reduction|disallow", re.I
)
# Rows that add to what is owed without being a service: a write-off or payment taken back.
_DEBIT = re.compile(
    r"refund|revers|returned\s+check|\bnsf\b|finance\s+charge|late\s+fee|interest", re.I
)
_PREVIOUS = re.compile(r"previous\s+balance|balance\s+forward|prior\s+balance", re.I)
_BALANCE_DUE = re.compile(
    r"balance\s+due|amount\s+due|please\s+pay|pay\s+this\s+amount|total\s+due|amount\s+you\s+owe"
    r"|new\s+balance|patient\s+balance|total\s+balance",
    re.I,
)
_TOTAL_CHARGES = re.compile(r"total\s+charges", re.I)
_TOTAL_PAYMENTS = re.compile(r"total\s+(payments|credits)", re.I)
_TOTAL_ADJUSTMENTS = re.compile(r"total\s+adjustments", re.I)
_STATEMENT_DATE = re.compile(
    r"statement\s+date|date\s+of\s+statement|billing\s+date|bill\s+date|^date\s*:", re.I
)
_ACCOUNT = re.compile(r"\b(account|acct)\.?\s*(number|no\.?|#)?\s*[:#]|\baccount\s+number\b", re.I)
_PROVIDER_LABEL = re.compile(
    r"make\s+checks\s+payable\s+to|remit\s+to\s*:|pay\s+to\s*:|provider\s*:", re.I
)
_TITLE = re.compile(r"statement|invoice|bill|page\s+\d|account|patient|date", re.I)


@dataclass(slots=True)
class _Service:
    """One charged service and the ledger rows that settle it."""

    line: TableLine
    charge: Decimal | None
    where: str
    paid: Decimal = ZERO
    adjustments: list[Adjustment] = field(default_factory=list)
    remaining: Decimal = ZERO
    owes: Decimal | None = None
    settled_here: bool = False
    """Did any payment or adjustment row get tied to this service?"""


@dataclass(slots=True)
class _Visit:
    """Services charged on one date, and what could only be tied to the visit as a whole."""

    services: list[_Service] = field(default_factory=list)
    remaining: Decimal = ZERO
    unattached: bool = False


_CREDIT_COLUMNS = (
    Field.PAYMENTS, Field.PAID, Field.ADJUSTMENTS, Field.NOT_COVERED, Field.CONTRACTUAL,
    Field.OTHER_PAID,
)  # fmt: skip


@dataclass(slots=True)
class _Ledger:
    """Everything read from a statement's tables."""

    visits: list[_Visit] = field(default_factory=list)
    charges: Decimal = ZERO
    payments: Decimal = ZERO
    adjustments: Decimal = ZERO
    previous: Decimal = ZERO
    last_balance: Decimal | None = None
    totals_row: TableLine | None = None
    credits_printed: bool = False
    """Does the paper print payments, adjustments or a running balance at all? Without
    them its balance cannot be checked against its charges."""
    warnings: list[str] = field(default_factory=list)


def extract_statement(pages: Sequence[Page], source: str, format: Format = Format.PDF) -> Document:
    """Read a provider statement: provider, date, account, lines, balance due."""
    rows = document_rows(pages)
    provider = _provider(rows)
    ledger = _Ledger()
    counter = LineCounter()
    in_tables: set[int] = set()
    for start, header, found, end in find_tables(rows):
        in_tables.update(range(start, end))
        lines = _own_balances_as_owed(found) if header.has(Field.BALANCE) else found
        balance_column = any(Field.BALANCE in line.cells for line in lines)
        ledger.credits_printed |= header.has(*_CREDIT_COLUMNS) or balance_column
        for line in lines:
            _take(ledger, line, counter, balance_column)
    claims = tuple(_claim(visit, provider) for visit in ledger.visits if visit.services)
    return Document(
        source=source,
        kind=DocumentKind.PROVIDER_BILL,
        format=format,
        notice_date=_statement_date(rows),
        claims=claims,
        warnings=tuple(ledger.warnings),
        statement=_totals(rows, ledger, in_tables),
        account_number=_account(rows),
    )


def _own_balances_as_owed(lines: Sequence[TableLine]) -> Sequence[TableLine]:
    """A "Balance" column is either a running balance or each row's own balance (charge −
    paid − adjusted on that row). Arithmetic tells which (issue 13: trust the sums over the
    header); a row's own balance is what the bill asks for that service."""
    charges = [line for line in lines if not line.total and line.money(Field.BILLED)]
    if not charges:
        return _balances_summing_to_total(lines)
    rows = [line for line in lines if not line.total]
    if len(rows) == 1 and rows[0].money(Field.BALANCE) is not None:
        return _as_owed(lines)  # one service and nothing else: its balance is what it asks
    for line in charges:
        billed, balance = line.money(Field.BILLED), line.money(Field.BALANCE)
        credits = sum((abs(line.money(name) or ZERO) for name in _CREDIT_COLUMNS), ZERO)
        if billed is None or balance is None or abs(billed - credits - balance) > CENT:
            return lines
    if len(charges) < 2 and not any(
        line.money(name) for line in charges for name in _CREDIT_COLUMNS
    ):
        return lines  # one charge and nothing credited: running and own balance look alike
    return _as_owed(lines)


def _as_owed(lines: Sequence[TableLine]) -> list[TableLine]:
    """The lines with their "Balance" read as what each asks."""
    owed = []
    for line in lines:
        cells = dict(line.cells)
        if Field.BALANCE in cells and Field.OWES not in cells:
            cells[Field.OWES] = cells.pop(Field.BALANCE)
        owed.append(replace(line, cells=cells))
    return owed


def _balances_summing_to_total(lines: Sequence[TableLine]) -> Sequence[TableLine]:
    """No charges printed, only a "Balance" per row: each row's own amount due when the
    rows add up to the total row (a running balance would end on it instead)."""
    rows = [line for line in lines if not line.total]
    totals = [line.money(Field.BALANCE) for line in lines if line.total]
    amounts = [line.money(Field.BALANCE) for line in rows]
    if len(rows) < 2 or not totals or totals[-1] is None or None in amounts:
        return lines
    if abs(sum((a for a in amounts if a is not None), ZERO) - totals[-1]) > CENT:
        return lines
    return _as_owed(lines)


# ---------------------------------------------------------------- ledger rows


def _take(ledger: _Ledger, line: TableLine, counter: LineCounter, balance_column: bool) -> None:
    """Add one table line to the ledger: a charge, a payment, an adjustment or a transfer."""
    if line.total:
        ledger.totals_row = line
        return
    if line.unreadable():
        ledger.warnings.append(
            f"We could not read the amounts on one line on page {line.page}: “{line.text}”."
        )
    effect = _effect(ledger, line, balance_column)
    text = line.get(Field.SERVICE, Field.CODE, Field.NOTES) or line.text
    if _PREVIOUS.search(text):
        ledger.previous += effect
        return
    if _TRANSFER.search(text):
        _transfer(ledger, line, text)
        return
    if _is_charge(line, text, effect):
        _charge(ledger, line, counter, effect)
        return
    _credit(ledger, line, text, effect)


def _effect(ledger: _Ledger, line: TableLine, balance_column: bool) -> Decimal:
    """How much this row changes what is owed: from the running balance when printed.

    The first row's balance may carry an older balance forward; that part is kept apart.
    """
    balance = line.money(Field.BALANCE) if balance_column else None
    if balance is None:
        return _column_effect(line)
    if ledger.last_balance is None:
        own = _column_effect(line)
        ledger.previous += balance - own
        ledger.last_balance = balance
        return own
    before, ledger.last_balance = ledger.last_balance, balance
    return balance - before


def _column_effect(line: TableLine) -> Decimal:
    """A row's effect from its amount columns: charges add, payments and adjustments take off."""
    charge = line.money(Field.BILLED) or ZERO
    credits = sum(
        (
            abs(line.money(name) or ZERO)
            for name in (Field.PAYMENTS, Field.PAID, Field.ADJUSTMENTS, Field.OTHER_PAID)
        ),
        ZERO,
    )
    amount = line.money(Field.AMOUNT)
    if amount is not None and (_PAYMENT.search(line.text) or _ADJUSTMENT.search(line.text)):
        credits += abs(amount)
    elif amount is not None:
        charge += amount
    return charge - credits


def _is_charge(line: TableLine, text: str, effect: Decimal) -> bool:
    """A service charged: an amount in the charges column, or a positive row naming a code."""
    if _DEBIT.search(text):
        return False
    if (line.money(Field.BILLED) or ZERO) > 0:
        return True
    code, _ = procedure(line.get(Field.SERVICE), line.get(Field.CODE))
    if code is not None and (line.money(Field.OWES) or ZERO) > 0 and effect == 0:
        return True  # a service listed with only what it is due ("Balance Due" per row)
    credit_words = _PAYMENT.search(text) or _ADJUSTMENT.search(text)
    return effect > 0 and (code is not None or not credit_words)


def _adjusted(line: TableLine) -> Decimal | None:
    """What a row writes off: an adjustments column, or one named contractual / write-off."""
    adjusted = line.money(Field.ADJUSTMENTS)
    return adjusted if adjusted is not None else line.money(Field.CONTRACTUAL)


def _charge(ledger: _Ledger, line: TableLine, counter: LineCounter, effect: Decimal) -> None:
    charge = line.money(Field.BILLED)
    if charge is None:
        # Nothing printed as charged: the row's effect, or unknown when it only says its due.
        charge = line.money(Field.AMOUNT) or effect or None
    service = _Service(
        line, charge, counter.where(line.page), remaining=effect, owes=line.money(Field.OWES)
    )
    # An itemized bill prints what was paid and adjusted on the service's own row.
    # Ledgers print payments as credits, with or without a minus sign: paid is what came in.
    service.paid = abs(line.money(Field.PAID) or line.money(Field.PAYMENTS) or ZERO)
    adjusted = _adjusted(line)
    if adjusted:
        service.adjustments.extend(_coded(line.text, abs(adjusted)))
    if line.money(Field.BALANCE) is None and (service.paid or adjusted):
        service.remaining = (charge or ZERO) - abs(service.paid) - abs(adjusted or ZERO)
    ledger.charges += charge or ZERO
    ledger.payments += abs(service.paid)
    ledger.adjustments += abs(adjusted or ZERO)
    day, _ = _dates(line)
    visit = ledger.visits[-1] if ledger.visits else None
    if visit is None or not visit.services or _dates(visit.services[0].line)[0] != day:
        visit = _Visit()
        ledger.visits.append(visit)
    visit.services.append(service)
    visit.remaining += service.remaining


def _credit(ledger: _Ledger, line: TableLine, text: str, effect: Decimal) -> None:
    """A payment or adjustment: tied to its service, or to the visit when it cannot be told."""
    amount = -effect
    target, visit = _target(ledger, line)
    is_adjustment = bool(_ADJUSTMENT.search(text)) or (_adjusted(line) or ZERO) != 0
    if is_adjustment:
        ledger.adjustments += amount
    else:
        ledger.payments += amount
    if visit is None:
        return
    visit.remaining += effect
    if target is None:
        visit.unattached = True
        ledger.warnings.append(
            f"We could not tell which service the {'adjustment' if is_adjustment else 'payment'} of "
            f"${abs(amount):,.2f} on page {line.page} belongs to, so we counted it for the whole visit."
        )
        return
    target.remaining += effect
    target.settled_here = True
    if is_adjustment and amount:
        target.adjustments.extend(_coded(text, amount))
    elif not _PATIENT_PAYMENT.search(text):
        target.paid += amount


def _transfer(ledger: _Ledger, line: TableLine, text: str) -> None:
    """A move to patient responsibility changes no balance; a printed PR code is kept."""
    target, _ = _target(ledger, line)
    columns = (
        Field.BILLED, Field.AMOUNT, Field.PAYMENTS, Field.ADJUSTMENTS, Field.CONTRACTUAL, Field.OWES,
    )  # fmt: skip
    amounts = [line.money(name) for name in columns]
    amounts += [
        money_from_match(match) for match in MONEY_PATTERN.finditer(text) if "." in match.group()
    ]
    amount = next((abs(a) for a in amounts if a), None)
    if target is None or amount is None:
        return
    for group, reason, printed in coded_adjustments(text):
        target.adjustments.append(Adjustment(group, reason, printed or amount))


def _target(ledger: _Ledger, line: TableLine) -> tuple[_Service | None, _Visit | None]:
    """The service a payment row settles: the one it names by code, else the last one charged
    when that is unambiguous (the only service of its visit, or rows interleaved per service)."""
    if not ledger.visits:
        return None, None
    visit = ledger.visits[-1]
    code, _ = procedure(line.get(Field.SERVICE), line.get(Field.CODE))
    for service in visit.services:
        if (
            code
            and procedure(service.line.get(Field.SERVICE), service.line.get(Field.CODE))[0] == code
        ):
            return service, visit
    last = visit.services[-1]
    if len(visit.services) == 1 or all(s.settled_here for s in visit.services[:-1]):
        return last, visit
    return None, visit


def _coded(text: str, amount: Decimal) -> list[Adjustment]:
    """The adjustments an adjustment row prints codes for ('CO-253', 'CO 45 $2.40')."""
    codes = coded_adjustments(text)
    if len(codes) == 1:
        group, reason, printed = codes[0]
        return [Adjustment(group, reason, printed or amount)]
    return [Adjustment(group, reason, printed) for group, reason, printed in codes if printed]


# ---------------------------------------------------------------- results


def _dates(line: TableLine) -> tuple[date | None, date | None]:
    found = [day for day, _ in find_dates(line.get(Field.DATE) or line.get(Field.POSTED))]
    return (found[0] if found else None), (found[-1] if len(found) > 1 else None)


def _claim(visit: _Visit, provider: str | None) -> Claim:
    lines = tuple(_service_line(service, visit) for service in visit.services)
    return Claim(
        provider=provider,
        lines=lines,
        billed=sum((s.charge or ZERO for s in visit.services), ZERO),
        paid=sum((s.paid for s in visit.services), ZERO),
        patient_owes=visit.remaining,
        where=visit.services[0].where,
    )


def _service_line(service: _Service, visit: _Visit) -> ServiceLine:
    line = service.line
    code, modifiers = procedure(line.get(Field.SERVICE), line.get(Field.CODE))
    first, last = _dates(line)
    owes = service.owes
    if owes is None and not visit.unattached:
        owes = service.remaining
    return ServiceLine(
        date_of_service=first,
        procedure_code=code,
        modifiers=modifiers,
        description=line.get(Field.SERVICE) or None,
        billed=service.charge,
        paid=service.paid or None,
        patient_owes=owes,
        adjustments=tuple(service.adjustments),
        date_through=last,
        where=service.where,
        low_confidence=line.uncertain,
    )


def _money_after(
    rows: Sequence[Row], label: re.Pattern[str], skip: set[int]
) -> tuple[Decimal, int] | None:
    """The amount printed after a label outside the tables ('Balance due: $34.31')."""
    start = 0
    while (found := find_labelled(rows, label, start, skip=skip)) is not None:
        value, index = found
        match = MONEY_PATTERN.search(value)
        if match and "." in match.group():
            amount = money_from_match(match)
            if amount is not None:
                return amount, index
        start = index + 1
    return None


def _totals(rows: Sequence[Row], ledger: _Ledger, in_tables: set[int]) -> StatementTotals:
    """The statement's own totals; figures it does not print are summed from its rows.

    Summed charges include a balance carried forward, so that balance = charges − payments −
    adjustments holds for a statement that adds up.
    """
    printed = ledger.totals_row
    balance = _money_after(rows, _BALANCE_DUE, in_tables)
    charges = _money_after(rows, _TOTAL_CHARGES, in_tables)
    payments = _money_after(rows, _TOTAL_PAYMENTS, in_tables)
    adjustments = _money_after(rows, _TOTAL_ADJUSTMENTS, in_tables)
    if balance is None and printed is not None:
        owed = printed.money(Field.OWES) or printed.money(Field.BALANCE)
        balance = (owed, -1) if owed is not None else None
    return StatementTotals(
        charges=charges[0]
        if charges
        else _printed(printed, Field.BILLED) or ledger.charges + ledger.previous,
        payments=payments[0]
        if payments
        else _printed(printed, Field.PAYMENTS, Field.PAID)
        or (ledger.payments if ledger.credits_printed or ledger.payments else None),
        adjustments=adjustments[0]
        if adjustments
        else _printed(printed, Field.ADJUSTMENTS, Field.CONTRACTUAL) or ledger.adjustments,
        balance=balance[0] if balance else ledger.last_balance,
        where=f"page {rows[balance[1]].page}" if balance and balance[1] >= 0 else "",
    )


def _printed(row: TableLine | None, *fields: Field) -> Decimal | None:
    if row is None:
        return None
    for name in fields:
        amount = row.money(name)
        if amount is not None:
            return abs(amount)
    return None


def _statement_date(rows: Sequence[Row]) -> date | None:
    found = find_labelled(rows, _STATEMENT_DATE)
    dates = find_dates(found[0]) if found else []
    return dates[0][0] if dates else None


def _account(rows: Sequence[Row]) -> str | None:
    found = find_labelled(rows, _ACCOUNT)
    return found[0].split()[0] if found else None


def _provider(rows: Sequence[Row]) -> str | None:
    """Who sends the bill: 'Make checks payable to …', else the largest print at the top."""
    found = find_labelled(rows, _PROVIDER_LABEL)
    if found:
        return found[0].rstrip(".")
    top = [row for row in rows[:8] if rows and row.page == rows[0].page]
    candidates = [row for row in top if not _TITLE.search(row.text) and not cell_money(row.text)]
    if not candidates:
        return None
    return max(candidates, key=lambda row: row.height).cells[0].text
