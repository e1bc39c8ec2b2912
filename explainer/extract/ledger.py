"""The rows of a provider's statement (ledger) → services with their payments and adjustments.

Typed or pasted lines, pasted portal tables and CSV/XLSX exports (and the PDF statement
reader, when it feeds its table lines through `row_from_cells`) hand over `LedgerRow`s and
get back the statement's visits as claims (`read_ledger`). Each row's kind comes from
ledger_row.classify; payments and adjustments are tied to the service they settle by code,
by date of service, then by order. A line's `patient_owes` is what the bill still asks for
that service; a CO amount moved to the patient's side stays on the line as an adjustment,
which is what the checks hold against the notice (RULES.md contractual-billed-to-patient).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from ..model import Adjustment, Claim, Group, StatementTotals, UncheckedRow
from ..values import display_money
from .ledger_row import (
    ADJUSTMENT_COLUMNS,
    CREDITS,
    LEDGER_KINDS,
    MARKER,
    PAYMENT_COLUMNS,
    SHARE_COLUMNS,
    LedgerRow,
    RowKind,
    Vocabulary,
    bare_adjustments,
    classify,
    credit_amounts,
    main_amount,
    place,
    row_from_cells,
    service_days,
    total_of,
    vocabulary,
)
from .ledger_state import (
    Ledger,
    Service,
    Visit,
    charge_unknown,
    statement_totals,
    visit_claim,
    voids,
)
from .table import Field

__all__ = [
    "LedgerReading",
    "LedgerRow",
    "RowKind",
    "read_ledger",
    "row_from_cells",
    "with_provider",
]

ZERO = Decimal("0")
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class LedgerReading:
    """What a statement's rows say: its visits as claims, its totals, and what we could not read."""

    claims: tuple[Claim, ...]
    totals: StatementTotals | None
    warnings: tuple[str, ...]
    unchecked: tuple[UncheckedRow, ...]
    kinds: tuple[RowKind, ...]


# ---------------------------------------------------------------- the ledger, row by row


def read_ledger(rows: Sequence[LedgerRow]) -> LedgerReading:
    """Services with their payments and adjustments, and the statement's totals."""
    vocab = vocabulary()
    kinds = _kinds(rows, vocab)
    ledger = Ledger(ledger_shape=any(kind in LEDGER_KINDS for kind in kinds))
    for row, kind in zip(rows, kinds, strict=True):
        _take(ledger, row, kind, vocab)
    for visit in ledger.visits:
        for service in visit.services:
            if charge_unknown(service):
                ledger.warnings.append(
                    f"{place(service.row)}: we could not read every amount of this service, so "
                    f"we cannot tell what the bill asks for it: “{service.row.text}”."
                )
    claims = tuple(
        visit_claim(visit) for visit in ledger.visits if any(not s.voided for s in visit.services)
    )
    return LedgerReading(
        claims=claims,
        totals=statement_totals(ledger),
        warnings=tuple(ledger.warnings),
        unchecked=tuple(ledger.unchecked),
        kinds=tuple(kinds),
    )


def _kinds(rows: Sequence[LedgerRow], vocab: Vocabulary) -> list[RowKind]:
    """Each row's kind; the bare figures under an aging box's words are summary too."""
    kinds: list[RowKind] = []
    in_summary = False
    for row in rows:
        kind = classify(row, vocab)
        bare = not re.search(r"[A-Za-z]{3}", MARKER.sub(" ", row.text))
        if in_summary and bare and row.has_money:
            kind = RowKind.SUMMARY
        in_summary = kind is RowKind.SUMMARY or (in_summary and bare)
        kinds.append(kind)
    return kinds


def _take(ledger: Ledger, row: LedgerRow, kind: RowKind, vocab: Vocabulary) -> None:
    if kind is RowKind.TRANSFER and _opens_service(ledger, row):
        kind = RowKind.CHARGE  # '99214 Office visit patient responsibility $21.60': a bill line
    if kind is RowKind.CHARGE:
        _charge(ledger, row)
    elif kind in CREDITS:
        _credit(ledger, row, kind)
    elif kind is RowKind.TRANSFER:
        _transfer(ledger, row)
    elif kind is RowKind.DEBIT:
        amount = abs(main_amount(row) or ZERO)
        ledger.debits += amount
        _follow_balance(ledger, row, amount)
    elif kind is RowKind.PREVIOUS:
        amount = main_amount(row) or ZERO
        ledger.previous += amount
        ledger.running += amount
        ledger.running_printed = True
    elif kind is RowKind.BALANCE:
        _balance_row(ledger, row)
    elif kind is RowKind.TOTAL:
        _total_row(ledger, row, vocab)
    elif kind is RowKind.UNKNOWN:
        ledger.unchecked.append(UncheckedRow(row.where, row.text))
        ledger.warnings.append(
            f"{place(row)}: we could not tell whether this is a charge, a payment or an "
            f"adjustment: “{row.text}”."
        )


def _follow_balance(
    ledger: Ledger,
    row: LedgerRow,
    effect: Decimal,
    balance_column: bool = True,
    spare_loose: bool = False,
) -> bool:
    """Keep the running balance: the printed one when the row has it, else by arithmetic.
    True when the row printed it.
    The first printed balance may carry an older balance forward: that part is kept apart."""
    printed = _running_printed(ledger, row, effect, balance_column, spare_loose)
    expected = ledger.running + effect
    if printed is None:
        ledger.running = expected
        return False
    if abs(expected - printed) > CENT:
        if ledger.running_printed:
            ledger.warnings.append(
                f"{place(row)}: the running balance {display_money(printed)} is not "
                f"{display_money(ledger.running)} changed by {display_money(effect)}: “{row.text}”."
            )
        else:
            ledger.previous += printed - expected
    ledger.running = printed
    ledger.running_printed = True
    return True


def _running_printed(
    ledger: Ledger, row: LedgerRow, effect: Decimal, balance_column: bool, spare_loose: bool
) -> Decimal | None:
    """A running balance on this row: its balance column (or, on a row that is not a charge,
    its 'balance' label), or a last loose amount that is the balance before the row changed
    by the row's own amount (`spare_loose`: the row's amount was not a loose one)."""
    if balance_column and Field.BALANCE in row.columns:
        return row.columns[Field.BALANCE]
    others = len(row.amounts) + len(row.columns) - 1
    if balance_column and effect < 0 and Field.OWES in row.columns and others:
        return row.columns[Field.OWES]
    spare = len(row.amounts) >= 2 or (spare_loose and row.amounts)
    if spare and abs(ledger.running + effect - row.amounts[-1]) <= CENT:
        return row.amounts[-1]
    return None


def _charge(ledger: Ledger, row: LedgerRow) -> None:
    """A service charged, with any paid / adjusted / owed amounts printed on its own row."""
    columns = row.columns
    charge = columns.get(Field.BILLED)
    owes = columns.get(Field.OWES)
    loose = list(row.amounts)
    uncertain = False
    if charge is None and Field.AMOUNT in columns:
        charge = columns[Field.AMOUNT]
    if charge is None and loose:
        if len(loose) >= 2 and abs(ledger.running + loose[0] - loose[-1]) <= CENT:
            charge = loose[0]  # amount and running balance
        elif len(loose) == 2 and owes is None:
            charge, owes = loose  # charged, and what the bill asks for it
        elif len(loose) == 1 and not ledger.ledger_shape and owes is None:
            owes = loose[0]  # one amount on a plain bill is what it asks, not the charge
        else:
            charge = loose[0]
        uncertain = len(loose) > 2 and owes is None
        if len(loose) > 2:
            ledger.warnings.append(
                f"{place(row)}: we could not tell what every amount means: “{row.text}”."
            )
    paid = sum((abs(columns.get(name) or ZERO) for name in PAYMENT_COLUMNS), ZERO)
    adjusted = sum((abs(columns.get(name) or ZERO) for name in ADJUSTMENT_COLUMNS), ZERO)
    adjustments = list(row.coded) + bare_adjustments(row, adjusted)
    adjustments += [
        Adjustment(Group.PR, reason, abs(columns[name]))
        for name, reason in SHARE_COLUMNS
        if columns.get(name)
    ]
    line_balance = columns.get(Field.BALANCE)
    if owes is None and line_balance is not None and charge is not None and (paid or adjusted):
        # An itemized row (paid or adjusted on the service's own row): its balance is what
        # the bill asks for the service, even where its own figures do not add up.
        owes = line_balance
        if abs(charge - paid - adjusted - line_balance) > CENT:
            ledger.warnings.append(
                f"{place(row)}: this row's amounts do not add up ({display_money(charge)} − "
                f"{display_money(paid)} − {display_money(adjusted)} ≠ "
                f"{display_money(line_balance)}): “{row.text}”."
            )
    if charge is None:
        ledger.all_charges_known = False
    remaining = (charge - paid - adjusted) if charge is not None else (owes or ZERO)
    service = Service(row, charge, remaining, owes, paid, adjustments, bool(paid or adjusted))
    service.uncertain = uncertain
    ledger.charges += charge or ZERO
    ledger.payments += paid
    ledger.adjustments += adjusted
    _follow_balance(
        ledger,
        row,
        remaining,
        balance_column=owes is None or owes != line_balance,
        spare_loose=Field.BILLED in columns or Field.AMOUNT in columns,
    )
    visit = ledger.visits[-1] if ledger.visits else None
    if visit is None or visit.day != row.service_date:
        visit = Visit(row.service_date)
        ledger.visits.append(visit)
        if row.service_date is not None:
            ledger.by_day[row.service_date] = visit
    visit.services.append(service)
    visit.unsettled += not service.settled
    visit.remaining += remaining
    if row.code:
        ledger.by_code.setdefault(row.code, []).append((service, visit))


def _credit(ledger: Ledger, row: LedgerRow, kind: RowKind) -> None:
    """A payment or adjustment (with any coded adjustments printed on it), tied to its service."""
    payment, adjusted, took_loose = credit_amounts(row, kind)
    adjustments = list(row.coded)
    coded_off = [a for a in row.coded if a.group is not Group.PR]
    adjustments += bare_adjustments(row, adjusted if not coded_off else ZERO)
    effect = -(payment + adjusted)
    ledger.payments += payment
    ledger.adjustments += adjusted
    printed = _follow_balance(ledger, row, effect, spare_loose=not took_loose)
    ambiguous = took_loose and len(row.amounts) >= 2 and not printed
    if ambiguous:
        ledger.warnings.append(
            f"{place(row)}: we could not tell which amount this {kind.value} is: “{row.text}”."
        )
    patient_paid = kind is RowKind.PAYMENT and vocabulary().says("patient_payment", row.text)
    if patient_paid and not _names_service(ledger, row):
        return  # the patient's payment settles the account, not one service's charge
    target, visit = _target(ledger, row)
    if visit is None:
        ledger.unchecked.append(UncheckedRow(row.where, row.text))
        ledger.warnings.append(
            f"{place(row)}: this {kind.value} comes before any charge, so we could not tie it "
            f"to a service: “{row.text}”."
        )
        return
    visit.remaining += effect
    if target is None:
        visit.unattached = True
        ledger.warnings.append(
            f"{place(row)}: we could not tell which service the {kind.value} of "
            f"{display_money(payment + adjusted)} belongs to, so we counted it for the whole visit."
        )
        return
    target.voided = voids(row, target, payment, adjusted)
    target.uncertain = target.uncertain or ambiguous
    target.remaining += effect
    _settle(visit, target)
    target.adjustments.extend(adjustments)
    if kind is RowKind.PAYMENT and not vocabulary().says("patient_payment", row.text):
        target.paid += payment


def _names_service(ledger: Ledger, row: LedgerRow) -> bool:
    """Does the row name a charged service, by code or by date of service?"""
    return bool(row.code and row.code in ledger.by_code) or any(
        day in ledger.by_day for day in row.dates
    )


def _transfer(ledger: Ledger, row: LedgerRow) -> None:
    """Moved to patient responsibility: no balance change; the codes it names are kept, as
    they are what the checks hold against the notice (a CO amount moved to the patient)."""
    _follow_balance(ledger, row, ZERO)
    target, _ = _target(ledger, row)
    amount = abs(main_amount(row) or ZERO)
    adjustments = list(row.coded) + bare_adjustments(row, amount)
    adjustments += [
        Adjustment(Group.PR, reason, abs(row.columns[name]))
        for name, reason in SHARE_COLUMNS
        if row.columns.get(name)
    ]
    if target is not None:
        target.adjustments.extend(adjustments)
    elif adjustments:
        ledger.warnings.append(
            f"{place(row)}: we could not tell which service this transfer belongs to: “{row.text}”."
        )


def _target(ledger: Ledger, row: LedgerRow) -> tuple[Service | None, Visit | None]:
    """The service a row settles: the one it names by code (on its date, if it has one), else
    the last charged one of its visit when that is unambiguous (the only service of the visit,
    or rows interleaved per service)."""
    if not ledger.visits:
        return None, None
    days = service_days(row)
    named = ledger.by_code.get(row.code, []) if row.code else []
    if named:
        on_day = [pair for pair in named[-50:] if pair[1].day in days]
        return (on_day or named)[-1]
    visit = next((ledger.by_day[day] for day in days if day in ledger.by_day), ledger.visits[-1])
    last = visit.services[-1]
    if visit.unsettled - (not last.settled) == 0:
        return last, visit
    return None, visit


def _opens_service(ledger: Ledger, row: LedgerRow) -> bool:
    """A row naming a service no earlier row charged ('patient responsibility' on a one-line
    bill) is that service, not a transfer of an earlier charge."""
    if not (row.code or row.service_date) or row.coded or row.bare_codes:
        return False
    return not _names_service(ledger, row) and (bool(row.code) or not ledger.visits)


def _settle(visit: Visit, service: Service) -> None:
    if not service.settled:
        service.settled = True
        visit.unsettled -= 1


def _balance_row(ledger: Ledger, row: LedgerRow) -> None:
    amount = main_amount(row)
    if row.amounts and not any(n in row.columns for n in (Field.OWES, Field.BALANCE)):
        amount = row.amounts[-1]
    if amount is None:
        return
    if ledger.balance is None:
        ledger.balance = (amount, row.where)
    elif abs(ledger.balance[0] - amount) > CENT:
        ledger.warnings.append(
            f"{place(row)}: this balance ({display_money(amount)}) is not the one printed "
            f"before ({display_money(ledger.balance[0])})."
        )


def _total_row(ledger: Ledger, row: LedgerRow, vocab: Vocabulary) -> None:
    """'Total charges $150.00', or a totals row under the table's columns."""
    amount = main_amount(row)
    name = total_of(row, MARKER.sub(" ", row.text), vocab)
    if name and amount is not None:
        ledger.printed.setdefault(name, abs(amount))
        return
    columns = row.columns
    for name, fields in (
        ("charges", (Field.BILLED,)),
        ("payments", PAYMENT_COLUMNS),
        ("adjustments", ADJUSTMENT_COLUMNS),
    ):
        printed = [abs(columns[f]) for f in fields if f in columns]
        if printed:
            ledger.printed.setdefault(name, sum(printed, ZERO))
    owed = columns.get(Field.OWES, columns.get(Field.BALANCE))
    if owed is not None and ledger.balance is None:
        ledger.balance = (owed, row.where)


def with_provider(claims: Sequence[Claim], provider: str | None) -> tuple[Claim, ...]:
    """The statement's provider on every visit."""
    return tuple(replace(claim, provider=provider) for claim in claims)
